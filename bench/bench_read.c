/*
 * cix-bench-read: how fast cix reads a CSV panel, against references
 * measured in the same run.
 *
 * Three kinds of run, alternated so that drift on a shared machine hits all
 * of them alike:
 *   read    cix_panel_read_file() (public API), then a check of the panel
 *           against the file (untimed): shape, missing cells and a checksum
 *           that must be bit-identical to the strtod pass below
 *   fread   just reading the file's bytes into one buffer
 *   strtod  glibc strtod over the same numeric fields, from a buffer already
 *           in memory (the time of the conversions alone)
 * Every run is a fresh child process, so its peak RSS (from wait4's rusage)
 * belongs to that run alone. Each run prints one machine-readable line; then
 * one summary line per kind (median and best of the runs) and the ratios of
 * the medians.
 *
 * usage: cix-bench-read [-n RUNS] [-k read,fread,strtod] FILE
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cix/cix.h"

enum { KIND_READ, KIND_FREAD, KIND_STRTOD, NKINDS };
static const char *const kind_name[NKINDS] = {"read", "fread", "strtod"};

/* What a child sends back through its pipe. */
typedef struct run_report {
    int ok;             /* 1 = the run did its work and checks passed */
    double seconds;     /* timed part only */
    uint64_t rows;      /* data rows (excluding the header) */
    uint64_t fields;    /* numeric cells present (non-missing) */
    uint64_t missing;   /* empty numeric cells */
    uint64_t indicators;
    double checksum;    /* row-major sum of every present value */
    char message[256];  /* why ok = 0 */
} run_report;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Reads the whole file into a malloc'ed, NUL-terminated buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    struct stat st;
    if (!f)
        return NULL;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0)
        goto fail;
    buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        goto fail;
    *len = fread(buf, 1, (size_t)st.st_size, f);
    if (*len != (size_t)st.st_size)
        goto fail;
    buf[*len] = '\0';
    fclose(f);
    return buf;
fail:
    free(buf);
    fclose(f);
    return NULL;
}

/*
 * The strtod reference: converts every numeric field of a wide CSV produced
 * by cix-genpanel (region,year,<numbers>; no quotes; empty = missing).
 * Sums the values row by row in file order.
 */
static void strtod_pass(const char *buf, size_t len, run_report *rep)
{
    const char *p = buf, *end = buf + len;
    double sum = 0.0;
    uint64_t rows = 0, fields = 0, missing = 0, ncols = 0;

    /* Header: count the indicator columns. */
    while (p < end && *p != '\n') {
        if (*p == ',')
            ncols++;
        p++;
    }
    p++;
    ncols = ncols >= 1 ? ncols - 1 : 0; /* minus the year column */

    while (p < end) {
        /* Skip region and year. */
        for (int skip = 0; skip < 2 && p < end; skip++) {
            while (p < end && *p != ',' && *p != '\n')
                p++;
            if (p < end && *p == ',')
                p++;
        }
        for (uint64_t j = 0; j < ncols; j++) {
            if (p >= end || *p == ',' || *p == '\n' || *p == '\r') {
                missing++;
            } else {
                char *e;
                sum += strtod(p, &e);
                p = e;
                fields++;
            }
            if (p < end && *p == ',')
                p++;
        }
        while (p < end && *p != '\n')
            p++;
        p++;
        rows++;
    }
    rep->rows = rows;
    rep->fields = fields;
    rep->missing = missing;
    rep->indicators = ncols;
    rep->checksum = sum;
}

static void run_child(int kind, const char *path, run_report *rep)
{
    memset(rep, 0, sizeof *rep);
    if (kind == KIND_FREAD) {
        size_t len;
        double t0 = now_seconds();
        char *buf = slurp(path, &len);
        rep->seconds = now_seconds() - t0;
        if (!buf) {
            snprintf(rep->message, sizeof rep->message, "cannot read %s: %s", path,
                     strerror(errno));
            return;
        }
        free(buf);
        rep->ok = 1;
    } else if (kind == KIND_STRTOD) {
        size_t len;
        char *buf = slurp(path, &len);
        if (!buf) {
            snprintf(rep->message, sizeof rep->message, "cannot read %s: %s", path,
                     strerror(errno));
            return;
        }
        double t0 = now_seconds();
        strtod_pass(buf, len, rep);
        rep->seconds = now_seconds() - t0;
        free(buf);
        rep->ok = 1;
    } else {
        cix_read_options o;
        cix_panel *p = NULL;
        cix_error err;
        cix_read_options_init(&o);
        double t0 = now_seconds();
        cix_status st = cix_panel_read_file(path, &o, &p, &err);
        rep->seconds = now_seconds() - t0;
        if (st != CIX_OK) {
            cix_error_format(&err, rep->message, sizeof rep->message);
            return;
        }
        /* Untimed check: row-major sum in file order, like the strtod pass. */
        size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
        double sum = 0.0;
        uint64_t fields = 0, missing = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < J; j++) {
                double v = cix_panel_value(p, i, j);
                if (isnan(v)) {
                    missing++;
                } else {
                    sum += v;
                    fields++;
                }
            }
        }
        rep->rows = n;
        rep->indicators = J;
        rep->fields = fields;
        rep->missing = missing;
        rep->checksum = sum;
        cix_panel_free(p);
        rep->ok = 1;
    }
}

/* Runs one kind in a child process; fills *rep and the child's peak RSS. */
static int run_forked(int kind, const char *path, run_report *rep, long *maxrss_kib)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        run_report r;
        close(fds[0]);
        if (kind >= 0)
            run_child(kind, path, &r);
        else {
            memset(&r, 0, sizeof r);
            r.ok = 1; /* baseline: do nothing */
        }
        ssize_t w = write(fds[1], &r, sizeof r);
        _exit(w == (ssize_t)sizeof r ? 0 : 1);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < sizeof *rep) {
        ssize_t k = read(fds[0], (char *)rep + got, sizeof *rep - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fds[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid)
        return -1;
    *maxrss_kib = ru.ru_maxrss;
    if (got != sizeof *rep || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        memset(rep, 0, sizeof *rep);
        snprintf(rep->message, sizeof rep->message, "child process failed (status %d)", status);
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: cix-bench-read [-n RUNS] [-k KINDS] FILE\n"
               "Times reading a wide CSV panel (as written by cix-genpanel) with\n"
               "cix_panel_read_file, against fread of the bytes and strtod of the fields.\n"
               "  -n RUNS   runs of each kind (default 5; the median is reported)\n"
               "  -k KINDS  comma-separated subset of read,fread,strtod (default all)\n");
}

int main(int argc, char **argv)
{
    int runs = 5, c;
    int want[NKINDS] = {1, 1, 1};
    while ((c = getopt(argc, argv, "n:k:h")) != -1) {
        if (c == 'n') {
            runs = atoi(optarg);
            if (runs < 1 || runs > 1000) {
                fprintf(stderr, "cix-bench-read: -n wants 1..1000\n");
                return 2;
            }
        } else if (c == 'k') {
            memset(want, 0, sizeof want);
            for (int k = 0; k < NKINDS; k++) {
                const char *s = strstr(optarg, kind_name[k]);
                want[k] = s != NULL;
            }
        } else if (c == 'h') {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    const char *path = argv[optind];
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "cix-bench-read: cannot open '%s': %s\n", path, strerror(errno));
        return 1;
    }
    double bytes = (double)st.st_size;

    run_report base;
    long base_rss = 0;
    if (run_forked(-1, path, &base, &base_rss) != 0) {
        fprintf(stderr, "cix-bench-read: fork failed: %s\n", strerror(errno));
        return 1;
    }
    printf("bench=baseline file=%s bytes=%.0f peak_rss_kib=%ld engine=%s\n", path, bytes,
           base_rss, cix_version_string());

    double *secs[NKINDS];
    run_report ref[NKINDS];
    int have_ref[NKINDS] = {0, 0, 0};
    long peak[NKINDS] = {0, 0, 0};
    int failed = 0;
    for (int k = 0; k < NKINDS; k++) {
        secs[k] = calloc((size_t)runs, sizeof(double));
        if (!secs[k]) {
            fprintf(stderr, "cix-bench-read: out of memory\n");
            return 1;
        }
    }

    for (int r = 0; r < runs; r++) {
        for (int k = 0; k < NKINDS; k++) {
            if (!want[k])
                continue;
            run_report rep;
            long rss = 0;
            if (run_forked(k, path, &rep, &rss) != 0) {
                fprintf(stderr, "cix-bench-read: fork failed: %s\n", strerror(errno));
                return 1;
            }
            if (!rep.ok) {
                printf("bench=%s run=%d ok=0 error=\"%s\"\n", kind_name[k], r + 1, rep.message);
                failed = 1;
                continue;
            }
            secs[k][r] = rep.seconds;
            if (rss > peak[k])
                peak[k] = rss;
            if (!have_ref[k]) {
                ref[k] = rep;
                have_ref[k] = 1;
            }
            double panel_bytes = (double)rep.rows * (double)rep.indicators * 8.0;
            printf("bench=%s run=%d ok=1 rows=%llu indicators=%llu bytes=%.0f seconds=%.6f "
                   "rows_per_s=%.0f mb_per_s=%.1f peak_rss_kib=%ld",
                   kind_name[k], r + 1, (unsigned long long)rep.rows,
                   (unsigned long long)rep.indicators, bytes, rep.seconds,
                   rep.rows ? (double)rep.rows / rep.seconds : 0.0,
                   bytes / 1e6 / rep.seconds, rss);
            if (k != KIND_FREAD && panel_bytes > 0)
                printf(" rss_per_panel_double=%.2f", (double)rss * 1024.0 / panel_bytes);
            putchar('\n');
        }
    }

    /* The panel read by cix must hold exactly what strtod reads. */
    int verified = -1;
    if (have_ref[KIND_READ] && have_ref[KIND_STRTOD]) {
        const run_report *a = &ref[KIND_READ], *b = &ref[KIND_STRTOD];
        verified = a->rows == b->rows && a->indicators == b->indicators &&
                   a->fields == b->fields && a->missing == b->missing &&
                   a->checksum == b->checksum;
        if (!verified) {
            printf("verify=FAIL read: rows=%llu indicators=%llu present=%llu missing=%llu "
                   "checksum=%.17g; strtod: rows=%llu indicators=%llu present=%llu "
                   "missing=%llu checksum=%.17g\n",
                   (unsigned long long)a->rows, (unsigned long long)a->indicators,
                   (unsigned long long)a->fields, (unsigned long long)a->missing,
                   a->checksum, (unsigned long long)b->rows,
                   (unsigned long long)b->indicators, (unsigned long long)b->fields,
                   (unsigned long long)b->missing, b->checksum);
            failed = 1;
        }
    }

    double med[NKINDS] = {0, 0, 0};
    for (int k = 0; k < NKINDS; k++) {
        if (!want[k] || !have_ref[k])
            continue;
        qsort(secs[k], (size_t)runs, sizeof(double), cmp_double);
        med[k] = secs[k][runs / 2];
        if (runs % 2 == 0)
            med[k] = 0.5 * (secs[k][runs / 2 - 1] + secs[k][runs / 2]);
        const run_report *rep = &ref[k];
        double panel_bytes = (double)rep->rows * (double)rep->indicators * 8.0;
        printf("summary=%s runs=%d rows=%llu indicators=%llu bytes=%.0f median_s=%.6f "
               "best_s=%.6f rows_per_s=%.0f mb_per_s=%.1f peak_rss_kib=%ld",
               kind_name[k], runs, (unsigned long long)rep->rows,
               (unsigned long long)rep->indicators, bytes, med[k], secs[k][0],
               rep->rows ? (double)rep->rows / med[k] : 0.0, bytes / 1e6 / med[k], peak[k]);
        if (k != KIND_FREAD && panel_bytes > 0)
            printf(" rss_per_panel_double=%.2f net_rss_per_panel_double=%.2f",
                   (double)peak[k] * 1024.0 / panel_bytes,
                   (double)(peak[k] - base_rss) * 1024.0 / panel_bytes);
        putchar('\n');
    }
    if (med[KIND_READ] > 0) {
        printf("ratio");
        if (med[KIND_FREAD] > 0)
            printf(" read_over_fread=%.2f", med[KIND_READ] / med[KIND_FREAD]);
        if (med[KIND_STRTOD] > 0)
            printf(" read_over_strtod=%.2f", med[KIND_READ] / med[KIND_STRTOD]);
        printf(" verify=%s\n", verified == 1 ? "ok" : verified == 0 ? "FAIL" : "skipped");
    }
    for (int k = 0; k < NKINDS; k++)
        free(secs[k]);
    return failed ? 1 : 0;
}
