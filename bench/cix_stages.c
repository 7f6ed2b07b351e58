/*
 * cix-bench-stages: the benchmark pipeline through the public API, one run
 * per process, timing each stage:
 *
 *   parse    cix_panel_read_file
 *   compute  cix_compute with keep_normalized = 0, as `cix score --explain
 *            none` runs it: mean imputation, pooled min-max with the cost
 *            indicators turned around, entropy weights, linear scores, ranks
 *            within each year and the rank change. For these methods the
 *            engine fuses the steps in its passes over the panel's columns and
 *            keeps neither the imputed nor the normalized matrix, so they are
 *            timed together: one stage, not three.
 *   pca      cix_pca_compute (imputation, correlation, eigenpairs, varimax,
 *            OECD weights)
 *   write    the scores as the `cix score --explain none` CSV (rows in the
 *            order of cix_rank_order: year, rank, input order;
 *            cix_format_double), into a buffer and fwrite
 *
 * It prints one machine-readable line:
 *   stages parse=S compute=S pca=S write=S total=S rows=N indicators=M factors=K
 * and writes the scores (-o) and the weights (-W: indicator,entropy,pca) so
 * that the harness can compare them with the `cix` command and the peers.
 *
 * usage: cix-bench-stages [-c COST,LIST] [-o SCORES.csv] [-W WEIGHTS.csv] PANEL.csv
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>
#include <cix/cix.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die_err(const char *what, const cix_error *err)
{
    char buf[1024];
    cix_error_format(err, buf, sizeof buf);
    fprintf(stderr, "cix-bench-stages: %s: %s\n", what, buf);
    exit(1);
}

/* A growing output buffer flushed to a FILE in 1 MiB pieces. */
typedef struct obuf {
    char *b;
    size_t n, cap;
    FILE *f;
} obuf;

static void ob_flush(obuf *o)
{
    if (o->n && fwrite(o->b, 1, o->n, o->f) != o->n) {
        fprintf(stderr, "cix-bench-stages: write error: %s\n", strerror(errno));
        exit(1);
    }
    o->n = 0;
}

static void ob_put(obuf *o, const char *s, size_t len)
{
    if (o->n + len > o->cap)
        ob_flush(o);
    memcpy(o->b + o->n, s, len);
    o->n += len;
}

static void ob_num(obuf *o, double x)
{
    char t[CIX_DOUBLE_BUFSIZE];
    ob_put(o, t, cix_format_double(x, t));
}

static void ob_int(obuf *o, long v)
{
    char t[24];
    size_t i = sizeof t;
    unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
    do {
        t[--i] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    if (v < 0)
        t[--i] = '-';
    ob_put(o, t + i, sizeof t - i);
}

/* One output line, gathered before it is formatted. */
typedef struct out_line {
    const char *region;
    double score, rank, change;
    int32_t year;
} out_line;

#define OUT_BLOCK 4096

static void ob_region(obuf *o, const char *s)
{
    /* quote as RFC 4180 when needed (the generated names never need it) */
    if (strpbrk(s, ",\"\r\n") || s[0] == '#' || s[0] == ' ') {
        ob_put(o, "\"", 1);
        for (; *s; s++) {
            if (*s == '"')
                ob_put(o, "\"", 1);
            ob_put(o, s, 1);
        }
        ob_put(o, "\"", 1);
    } else {
        ob_put(o, s, strlen(s));
    }
}

int main(int argc, char **argv)
{
    const char *cost = NULL, *scores_path = NULL, *weights_path = NULL, *path;
    cix_read_options ro;
    cix_options o;
    cix_panel *p = NULL;
    cix_result *res = NULL;
    cix_pca *pca = NULL;
    cix_error err;
    cix_direction *dirs = NULL;
    int32_t *grp = NULL;
    size_t n, J;
    double t0, t_parse, t_compute, t_pca, t_write;
    int c;

    /* as the cix program: the BLAS on one thread unless OPENBLAS_NUM_THREADS
     * sets its count (the same bits on any machine, and the engine's threads
     * beside it) */
    if (!getenv("OPENBLAS_NUM_THREADS") || !*getenv("OPENBLAS_NUM_THREADS"))
        openblas_set_num_threads(1);
    while ((c = getopt(argc, argv, "c:o:W:h")) != -1) {
        switch (c) {
        case 'c': cost = optarg; break;
        case 'o': scores_path = optarg; break;
        case 'W': weights_path = optarg; break;
        default:
            fprintf(stderr, "usage: cix-bench-stages [-c COST,LIST] [-o SCORES.csv] "
                            "[-W WEIGHTS.csv] PANEL.csv\n");
            return c == 'h' ? 0 : 2;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "cix-bench-stages: give one panel file (see -h)\n");
        return 2;
    }
    path = argv[optind];

    /* parse */
    cix_read_options_init(&ro);
    t0 = now();
    if (cix_panel_read_file(path, &ro, &p, &err) != CIX_OK)
        die_err("read", &err);
    t_parse = now() - t0;
    n = cix_panel_nrows(p);
    J = cix_panel_nindicators(p);

    /* directions from the cost list (outside the timing) */
    dirs = calloc(J, sizeof *dirs);
    grp = malloc(n * sizeof *grp);
    if (!dirs || !grp) {
        fprintf(stderr, "cix-bench-stages: out of memory\n");
        return 1;
    }
    if (cost && *cost) {
        char *list = strdup(cost), *save = NULL;
        for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            size_t j = cix_panel_find_indicator(p, tok);
            if (j == (size_t)-1) {
                fprintf(stderr, "cix-bench-stages: no indicator '%s'\n", tok);
                return 2;
            }
            dirs[j].kind = CIX_DIR_COST;
        }
        free(list);
    }
    for (size_t i = 0; i < n; i++)
        grp[i] = cix_panel_row_year(p, i);

    cix_options_init(&o);
    o.normalization = CIX_NORM_MINMAX;
    o.weighting = CIX_WEIGHT_ENTROPY;
    o.aggregation = CIX_AGG_LINEAR;
    o.ties = CIX_TIES_MIN;
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dirs;
    o.ndirections = J;
    o.keep_normalized = 0; /* the lean path: no imputed or normalized copy */

    /* the whole score pipeline, as `cix score --explain none` runs it */
    t0 = now();
    if (cix_compute(p, &o, &res, &err) != CIX_OK)
        die_err("cix_compute", &err);
    t_compute = now() - t0;

    /* PCA weights */
    {
        cix_options op = o;
        op.weighting = CIX_WEIGHT_PCA;
        t0 = now();
        if (cix_pca_compute(p, &op, &pca, &err) != CIX_OK)
            die_err("cix_pca_compute", &err);
        t_pca = now() - t0;
    }

    /* write the scores of cix_compute, as `cix score` orders them */
    t0 = now();
    {
        const double *sc = cix_result_scores(res), *ra = cix_result_ranks(res);
        const double *ch = cix_result_rank_change(res);
        FILE *f = fopen(scores_path ? scores_path : "/dev/null", "wb");
        obuf ob = {NULL, 0, 1u << 20, f};
        size_t *rows = malloc((n ? n : 1) * sizeof *rows);
        out_line *blk = malloc(OUT_BLOCK * sizeof *blk);
        if (!f || !rows || !blk || !(ob.b = malloc(ob.cap))) {
            fprintf(stderr, "cix-bench-stages: cannot write '%s'\n", scores_path);
            return 1;
        }
        if (cix_rank_order(p, ra, rows, &err) != CIX_OK)
            die_err("cix_rank_order", &err);
        ob_put(&ob, "region,year,score,rank,rank_change\n", 35);
        /* rows in output order are scattered over the arrays: gather a block
         * first (independent loads overlap), then format it */
        for (size_t k0 = 0; k0 < n; k0 += OUT_BLOCK) {
            size_t nb = n - k0 < OUT_BLOCK ? n - k0 : OUT_BLOCK;
            for (size_t b = 0; b < nb; b++) {
                size_t i = rows[k0 + b];
                blk[b].region = cix_panel_row_region(p, i);
                blk[b].year = grp[i];
                blk[b].score = sc[i];
                blk[b].rank = ra[i];
                blk[b].change = ch[i];
            }
            for (size_t b = 0; b < nb; b++) {
                ob_region(&ob, blk[b].region);
                ob_put(&ob, ",", 1);
                ob_int(&ob, blk[b].year);
                ob_put(&ob, ",", 1);
                ob_num(&ob, blk[b].score);
                ob_put(&ob, ",", 1);
                ob_num(&ob, blk[b].rank);
                ob_put(&ob, ",", 1);
                ob_num(&ob, blk[b].change);
                ob_put(&ob, "\n", 1);
            }
        }
        ob_flush(&ob);
        free(ob.b);
        free(rows);
        free(blk);
        if (fclose(f) != 0) {
            fprintf(stderr, "cix-bench-stages: write error: %s\n", strerror(errno));
            return 1;
        }
    }
    t_write = now() - t0;

    /* the weights, for the comparison with the peers (not timed) */
    if (weights_path) {
        FILE *f = fopen(weights_path, "w");
        const double *we = cix_result_weights(res), *wp = cix_pca_weights(pca);
        char a[CIX_DOUBLE_BUFSIZE], b[CIX_DOUBLE_BUFSIZE];
        if (!f) {
            fprintf(stderr, "cix-bench-stages: cannot write '%s'\n", weights_path);
            return 1;
        }
        fputs("indicator,entropy,pca\n", f);
        for (size_t j = 0; j < J; j++) {
            cix_format_double(we[j], a);
            cix_format_double(wp[j], b);
            fprintf(f, "%s,%s,%s\n", cix_panel_indicator(p, j), a, b);
        }
        if (fclose(f) != 0)
            return 1;
    }

    printf("stages parse=%.6f compute=%.6f pca=%.6f write=%.6f total=%.6f rows=%zu "
           "indicators=%zu factors=%zu\n",
           t_parse, t_compute, t_pca, t_write, t_parse + t_compute + t_pca + t_write, n, J,
           cix_pca_nfactors(pca));

    cix_pca_free(pca);
    cix_result_free(res);
    cix_panel_free(p);
    free(dirs);
    free(grp);
    return 0;
}
