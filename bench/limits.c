/*
 * cix-bench-limits: what this machine can do at best, measured in the same
 * run as the programs the harness compares, to tell how far each stage is
 * from its limit.
 *
 *   cix-bench-limits read FILE    bytes of FILE read from the page cache into
 *                                 a reused 8 MiB buffer (best of 3)
 *   cix-bench-limits parse FILE   the numeric fields of a wide CSV (every
 *                                 field after the first two) converted from
 *                                 memory by strtod and by cix_parse_double,
 *                                 one thread (ns per number)
 *   cix-bench-limits membw MIB    streaming read of a MIB MiB buffer, already
 *                                 touched, by 1 and 2 threads (best of 5)
 *   cix-bench-limits fresh MIB    the first write of MIB MiB of memory new to
 *                                 the process (asked for with huge pages, as
 *                                 the panel is), then a second write of the
 *                                 same memory: what storing a panel costs
 *                                 beyond the pass itself (page faults and the
 *                                 kernel's zeroing; on a virtual machine also
 *                                 the host's)
 *   cix-bench-limits syrk N M     OpenBLAS DSYRK C = A'A of an N x M
 *                                 column-major matrix, as the PCA step does
 *                                 (best of 3)
 *
 * Each prints one machine-readable line.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include <cblas.h>

#include <cix/cix.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmd_read(const char *path)
{
    size_t cap = (size_t)8 << 20, total = 0;
    char *buf = malloc(cap);
    double best = 1e300;
    if (!buf)
        return 1;
    memset(buf, 0, cap);
    for (int rep = 0; rep < 3; rep++) {
        FILE *f = fopen(path, "rb");
        size_t got;
        double t0;
        if (!f) {
            fprintf(stderr, "cix-bench-limits: cannot open '%s': %s\n", path, strerror(errno));
            free(buf);
            return 1;
        }
        setvbuf(f, NULL, _IONBF, 0);
        total = 0;
        t0 = now();
        while ((got = fread(buf, 1, cap, f)) > 0)
            total += got;
        t0 = now() - t0;
        fclose(f);
        if (t0 < best)
            best = t0;
    }
    printf("limit=read bytes=%zu seconds=%.6f gb_per_s=%.3f\n", total, best,
           (double)total / best / 1e9);
    free(buf);
    return 0;
}

static int cmd_parse(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL, *q, *end;
    long len;
    size_t nnum = 0, nfield = 0, *off = NULL, *flen = NULL, cap = 0;
    double sum1 = 0, sum2 = 0, t_strtod, t_cix;
    int rc = 1;

    if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
        goto cleanup;
    buf = malloc((size_t)len + 1);
    if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len)
        goto cleanup;
    buf[len] = '\0';
    end = buf + len;
    /* fields: skip the header line, then every field after the second */
    q = memchr(buf, '\n', (size_t)len);
    q = q ? q + 1 : end;
    while (q < end) {
        int col = 0;
        char *e;
        for (;;) {
            e = q;
            while (e < end && *e != ',' && *e != '\n')
                e++;
            if (col >= 2 && e > q) {
                if (nfield == cap) {
                    size_t nc = cap ? 2 * cap : 1 << 16;
                    size_t *o2 = realloc(off, nc * sizeof *o2), *l2;
                    if (!o2)
                        goto cleanup;
                    off = o2;
                    l2 = realloc(flen, nc * sizeof *l2);
                    if (!l2)
                        goto cleanup;
                    flen = l2;
                    cap = nc;
                }
                off[nfield] = (size_t)(q - buf);
                flen[nfield] = (size_t)(e - q);
                nfield++;
            }
            col++;
            if (e >= end || *e == '\n')
                break;
            q = e + 1;
        }
        q = e + 1;
    }
    /* strtod stops at the comma: the fields are not NUL-terminated, as in a
     * reader working on the file's bytes */
    t_strtod = now();
    for (size_t i = 0; i < nfield; i++)
        sum1 += strtod(buf + off[i], NULL);
    t_strtod = now() - t_strtod;
    t_cix = now();
    for (size_t i = 0; i < nfield; i++) {
        double v;
        if (cix_parse_double(buf + off[i], flen[i], &v) == 0) {
            sum2 += v;
            nnum++;
        }
    }
    t_cix = now() - t_cix;
    printf("limit=parse fields=%zu strtod_s=%.6f strtod_ns=%.2f cix_parse_s=%.6f cix_parse_ns=%.2f "
           "agree=%d\n",
           nfield, t_strtod, 1e9 * t_strtod / (double)(nfield ? nfield : 1), t_cix,
           1e9 * t_cix / (double)(nfield ? nfield : 1), sum1 == sum2 && nnum == nfield);
    rc = 0;
cleanup:
    if (rc)
        fprintf(stderr, "cix-bench-limits: cannot read '%s'\n", path);
    if (f)
        fclose(f);
    free(buf);
    free(off);
    free(flen);
    return rc;
}

typedef struct stream_job {
    const double *p;
    size_t n;
    double sum;
} stream_job;

static void *stream_sum(void *arg)
{
    stream_job *j = arg;
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    size_t i = 0;
    for (; i + 8 <= j->n; i += 8) {
        a0 += j->p[i];
        a1 += j->p[i + 1];
        a2 += j->p[i + 2];
        a3 += j->p[i + 3];
        a4 += j->p[i + 4];
        a5 += j->p[i + 5];
        a6 += j->p[i + 6];
        a7 += j->p[i + 7];
    }
    for (; i < j->n; i++)
        a0 += j->p[i];
    j->sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    return NULL;
}

static double stream_once(const double *p, size_t n, int threads)
{
    stream_job job[2];
    pthread_t th;
    double t0 = now();
    job[0].p = p;
    job[0].n = threads == 2 ? n / 2 : n;
    job[1].p = p + job[0].n;
    job[1].n = n - job[0].n;
    if (threads == 2) {
        if (pthread_create(&th, NULL, stream_sum, &job[1]) != 0)
            return -1;
        stream_sum(&job[0]);
        pthread_join(th, NULL);
    } else {
        stream_sum(&job[0]);
    }
    t0 = now() - t0;
    /* keep the sums alive */
    if (job[0].sum == 1.2345e300)
        puts("");
    return t0;
}

static int cmd_membw(size_t mib)
{
    size_t n = mib * ((size_t)1 << 20) / sizeof(double);
    double *p = malloc(n * sizeof *p), best1 = 1e300, best2 = 1e300;
    if (!p)
        return 1;
    for (size_t i = 0; i < n; i++)
        p[i] = (double)(i & 1023);
    for (int rep = 0; rep < 5; rep++) {
        double a = stream_once(p, n, 1), b = stream_once(p, n, 2);
        if (a < best1)
            best1 = a;
        if (b < best2)
            best2 = b;
    }
    printf("limit=membw bytes=%zu read1_gb_per_s=%.3f read2_gb_per_s=%.3f\n", n * sizeof *p,
           (double)(n * sizeof *p) / best1 / 1e9, (double)(n * sizeof *p) / best2 / 1e9);
    free(p);
    return 0;
}

static int cmd_fresh(size_t mib)
{
    size_t bytes = mib << 20;
    char *p = bytes ? malloc(bytes) : NULL;
    double first, again;
    if (!p)
        return 1;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    {
        const uintptr_t huge = (uintptr_t)1 << 21;
        uintptr_t lo = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t hi = ((uintptr_t)p + bytes) & ~(huge - 1);
        if (hi > lo)
            (void)madvise((void *)lo, (size_t)(hi - lo), MADV_HUGEPAGE);
    }
#endif
    first = now();
    memset(p, 1, bytes);
    first = now() - first;
    again = now();
    memset(p, 2, bytes);
    again = now() - again;
    printf("limit=fresh bytes=%zu first_s=%.6f again_s=%.6f first_gb_per_s=%.3f "
           "again_gb_per_s=%.3f\n",
           bytes, first, again, (double)bytes / first / 1e9, (double)bytes / again / 1e9);
    free(p);
    return 0;
}

static int cmd_syrk(size_t nr, size_t m)
{
    double *A = malloc(nr * m * sizeof *A), *C = malloc(m * m * sizeof *C), best = 1e300;
    uint64_t x = 88172645463325252ULL;
    if (!A || !C || nr > INT32_MAX || m > INT32_MAX)
        return 1;
    for (size_t i = 0; i < nr * m; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        A[i] = (double)(x >> 11) * 0x1.0p-53 - 0.5;
    }
    for (int rep = 0; rep < 3; rep++) {
        double t0 = now();
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (int)m, (int)nr, 1.0, A, (int)nr, 0.0,
                    C, (int)m);
        t0 = now() - t0;
        if (t0 < best)
            best = t0;
    }
    printf("limit=syrk n=%zu m=%zu seconds=%.6f gflop_per_s=%.3f\n", nr, m, best,
           (double)nr * (double)m * (double)(m + 1) / best / 1e9);
    free(A);
    free(C);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "read") == 0)
        return cmd_read(argv[2]);
    if (argc == 3 && strcmp(argv[1], "parse") == 0)
        return cmd_parse(argv[2]);
    if (argc == 3 && strcmp(argv[1], "membw") == 0)
        return cmd_membw(strtoul(argv[2], NULL, 10));
    if (argc == 3 && strcmp(argv[1], "fresh") == 0)
        return cmd_fresh(strtoul(argv[2], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "syrk") == 0)
        return cmd_syrk(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10));
    fprintf(stderr, "usage: cix-bench-limits read FILE | parse FILE | membw MIB | fresh MIB | syrk N M\n");
    return 2;
}
