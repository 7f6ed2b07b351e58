/*
 * Dense linear algebra for the correlation-based methods (PCA, CRITIC,
 * audit): an accurate correlation matrix through one DSYRK, and the
 * symmetric eigen-decomposition through LAPACKE_dsyevr.
 *
 * Correlation, for the n x J column-major x:
 *   1. mean_j by compensated summation; c_ij = x_ij - mean_j;
 *   2. C = C^T C by DSYRK (upper triangle), block after block of rows, and
 *      with it the plain sum t_j of each c_j;
 *   3. the residual mean of c is removed from the product: C_ij - t_i t_j / n
 *      (values around 1e9 with unit spread leave a mean error of ~1e-7
 *      after step 1; this takes it out of the inner products);
 *   4. R_ij = C_ij / (||c_i|| ||c_j||) with ||c_j||^2 = C_jj; the diagonal
 *      is set to 1 and off-diagonal entries clamped to [-1, 1].
 * C is never held whole: step 1 keeps one number per column, and the
 * product runs over blocks of rows of c, filled from the columns of x as
 * needed (cix_i_correlation_src takes the columns from a callback, so a
 * caller can derive them on the fly from a panel without a copy of it).
 * The data are centred before the product, so the large offset never
 * enters the inner products: 1e6 rows around 1e9 with unit spread give
 * correlations correct to ~1e-13. The norms come from the product itself,
 * so the data are read twice, not four times.
 */
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

static const char *ind_name(const cix_panel *p, size_t j, char *buf, size_t size)
{
    if (p)
        return cix_panel_indicator(p, j);
    snprintf(buf, size, "column %zu", j + 1);
    return buf;
}

/* Rows of the blocks of the product. The product is accumulated block after
 * block (DSYRK with beta = 1 after the first), every block but the last
 * CORR_BLOCK rows and the last one CORR_BLOCK to 2 CORR_BLOCK - 1 rows. With
 * OpenBLAS this gives bit for bit the single DSYRK over all rows: its kernel
 * sums the inner dimension in pieces of GEMM_Q rows (a divisor of
 * CORR_BLOCK on every target: 128, 256, 384, 512, 768) and splits only a
 * tail shorter than 2 GEMM_Q, which the last block keeps whole. */
#define CORR_BLOCK ((size_t)12288)

/* Per-column constants of the centring and scaling. */
typedef struct corr_col {
    double mean, norm;
    double part[4]; /* sums of the centred values of rows 4k, 4k+1, ... */
    double sum;     /* (part[0] + part[1]) + (part[2] + part[3]) */
} corr_col;

typedef struct corr_ctx {
    const cix_panel *p;
    const cix_i_colsrc *src;
    size_t n, J;
    corr_col *cc;
    double **scratch;   /* 4 STAT_BLOCK doubles per thread (statistics) */
    /* statistics pass: the first failing column of each thread */
    size_t *fail_j;
    cix_status *fail_st;
    cix_error *fail_err;
} corr_ctx;

/* A block of rows of the product: rows r0 .. r0+m-1, centred into zb
 * (column j at zb + j m). */
typedef struct corr_blk {
    corr_ctx *cx;
    double *zb;
    size_t r0, m;
} corr_blk;

/* Rows of the blocks the statistics pass takes from the source at once. */
#define STAT_BLOCK ((size_t)1024)

/* cix_i_ksum_add on locals. */
static inline void ksum_step(double *s, double *c, double v)
{
    double t = *s + v;
    if (fabs(*s) >= fabs(v))
        *c += (*s - t) + v;
    else
        *c += (v - t) + *s;
    *s = t;
}

/* The loops that carry a compensated sum are kept out of line: inlined next
 * to a call, the compiler keeps the sum in memory, which puts a store and a
 * load on the chain of additions. */
#if defined(__GNUC__)
#  define CORR_NOINLINE __attribute__((noinline))
#else
#  define CORR_NOINLINE
#endif

/* First pass over a block: the first missing or infinite cell (its index,
 * m when none), whether a value differs from *first (set from the column's
 * first cell), and the sum of the values (cix_i_sum). */
CORR_NOINLINE static size_t check_sum_block(const double *c, size_t m, double first,
                                            int *varies, double *sum, double *comp)
{
    double s = *sum, k = *comp;
    int v = *varies;
    for (size_t i = 0; i < m; i++) {
        if (!isfinite(c[i])) {
            *sum = s;
            *comp = k;
            *varies = v;
            return i;
        }
        v |= c[i] != first;
        ksum_step(&s, &k, c[i]);
    }
    *sum = s;
    *comp = k;
    *varies = v;
    return m;
}

/* A column's statistics from the compensated sum s + k of its n values. */
static void stats_set(corr_col *out, double s, double k, size_t n)
{
    out->mean = (s + k) / (double)n;
    out->part[0] = out->part[1] = out->part[2] = out->part[3] = 0.0;
    out->sum = out->norm = 0.0;
}

/* Statistics of column j: the checks (every cell present and finite, not
 * all equal) and the mean (compensated, in row order). c: STAT_BLOCK
 * doubles of scratch. */
static cix_status column_stats(const corr_ctx *cx, size_t j, double *c, corr_col *out,
                               cix_error *err)
{
    const cix_panel *p = cx->p;
    size_t n = cx->n;
    double first = 0.0, s = 0.0, k = 0.0;
    int varies = 0;
    char nb[32];

    for (size_t r0 = 0; r0 < n; r0 += STAT_BLOCK) {
        size_t m = n - r0 < STAT_BLOCK ? n - r0 : STAT_BLOCK, i;
        cx->src->get(cx->src->ud, j, r0, m, c);
        if (r0 == 0)
            first = c[0];
        i = check_sum_block(c, m, first, &varies, &s, &k);
        if (i < m) {
            if (isnan(c[i]))
                cix_i_fail(err, CIX_EDATA,
                           "the cell is missing, and a correlation needs every cell: "
                           "impute missing values first (--impute mean|median|interp|"
                           "locf)");
            else
                cix_i_fail(err, CIX_EDATA,
                           "the value is infinite: a correlation needs finite values; "
                           "fix the cell");
            if (p)
                cix_i_err_cell(err, p, r0 + i, j);
            return CIX_EDATA;
        }
    }
    if (!varies) {
        cix_i_fail(err, CIX_EDEGENERATE,
                   "indicator '%s' is constant (every value is %g), so its "
                   "correlations are undefined: drop it (--drop-constant) or fix "
                   "the data",
                   ind_name(p, j, nb, sizeof nb), first);
        cix_i_err_indicator(err, ind_name(p, j, nb, sizeof nb));
        return CIX_EDEGENERATE;
    }
    stats_set(out, s, k, n);
    return CIX_OK;
}

#if defined(CIX_I_LANES)
/* check_sum_block on four columns, one per lane: c[k][0..m) of column k,
 * whose first cell is first[k]; a lane of *bad set when a value is missing
 * or infinite. */
CIX_I_SUM_LOOP static void check_sum4(const double *const *c, size_t m, const double *first,
                                      cix_i_v4l *varies, cix_i_v4l *bad, cix_i_v4d *sum,
                                      cix_i_v4d *comp)
{
    const cix_i_v4d zero = {0.0, 0.0, 0.0, 0.0};
    const cix_i_v4d f = {first[0], first[1], first[2], first[3]};
    cix_i_v4d S = *sum, C = *comp;
    cix_i_v4l V = *varies, B = *bad;
    for (size_t i = 0; i < m; i++) {
        cix_i_v4d v = {c[0][i], c[1][i], c[2][i], c[3][i]};
        B |= ~((v - v) == zero); /* NaN or infinite */
        V |= v != f;
        CIX_I_VKSUM(S, C, v);
    }
    *sum = S;
    *comp = C;
    *varies = V;
    *bad = B;
}

/* column_stats of columns j0 .. j0 + 3 at once; 0 when one of them fails
 * (nothing is then reported: column_stats runs on each and reports it).
 * c: 4 STAT_BLOCK doubles of scratch. */
static int stats_group(const corr_ctx *cx, size_t j0, double *c)
{
    size_t n = cx->n;
    const double *b[4] = {c, c + STAT_BLOCK, c + 2 * STAT_BLOCK, c + 3 * STAT_BLOCK};
    double first[4] = {0.0, 0.0, 0.0, 0.0};
    cix_i_v4d s = {0.0, 0.0, 0.0, 0.0}, k = s;
    cix_i_v4l varies = {0, 0, 0, 0}, bad = varies;

    for (size_t r0 = 0; r0 < n; r0 += STAT_BLOCK) {
        size_t m = n - r0 < STAT_BLOCK ? n - r0 : STAT_BLOCK;
        for (size_t q = 0; q < 4; q++) {
            cx->src->get(cx->src->ud, j0 + q, r0, m, c + q * STAT_BLOCK);
            if (r0 == 0)
                first[q] = c[q * STAT_BLOCK];
        }
        check_sum4(b, m, first, &varies, &bad, &s, &k);
        if (bad[0] | bad[1] | bad[2] | bad[3])
            return 0;
    }
    for (size_t q = 0; q < 4; q++)
        if (!varies[q])
            return 0;
    for (size_t q = 0; q < 4; q++)
        stats_set(&cx->cc[j0 + q], s[q], k[q], n);
    return 1;
}
#endif

/* Thread t: columns t, t + nt, ... in increasing order, up to its first
 * failure (an error depends on its column only, so the failure with the
 * smallest column is the one a single thread reports). */
static void stats_worker(void *arg, int t, int nt)
{
    corr_ctx *cx = arg;
    size_t j = 0;
    cix_error_clear(&cx->fail_err[t]);
    cx->fail_j[t] = (size_t)-1;
    cx->fail_st[t] = CIX_OK;
#if defined(CIX_I_LANES)
    /* groups of four columns, in increasing order; a group with a failing
     * column runs again column by column, which finds and reports the
     * failure */
    {
        size_t ng = cx->J / 4;
        for (size_t g = (size_t)t; g < ng; g += (size_t)nt) {
            if (stats_group(cx, 4 * g, cx->scratch[t]))
                continue;
            for (j = 4 * g; j < 4 * g + 4; j++) {
                cix_status st =
                    column_stats(cx, j, cx->scratch[t], &cx->cc[j], &cx->fail_err[t]);
                if (st != CIX_OK) {
                    cx->fail_j[t] = j;
                    cx->fail_st[t] = st;
                    return;
                }
            }
        }
        j = ng * 4;
    }
#endif
    for (j += (size_t)t; j < cx->J; j += (size_t)nt) {
        cix_status st = column_stats(cx, j, cx->scratch[t], &cx->cc[j], &cx->fail_err[t]);
        if (st != CIX_OK) {
            cx->fail_j[t] = j;
            cx->fail_st[t] = st;
            return;
        }
    }
}

/* Adds c[0..m) to the four running sums part[]: c[i] to part[i % 4] (every
 * block but the last has a multiple of 4 rows, so a row's sum is that of
 * its row number). A fixed order: the same bits on any thread count. */
static void part_sums(const double *c, size_t m, double part[4])
{
    double s0 = part[0], s1 = part[1], s2 = part[2], s3 = part[3];
    size_t i = 0;
    for (; i + 4 <= m; i += 4) {
        s0 += c[i];
        s1 += c[i + 1];
        s2 += c[i + 2];
        s3 += c[i + 3];
    }
    if (i < m)
        s0 += c[i++];
    if (i < m)
        s1 += c[i++];
    if (i < m)
        s2 += c[i];
    part[0] = s0;
    part[1] = s1;
    part[2] = s2;
    part[3] = s3;
}

/* Thread t fills columns t, t + nt, ... of the block with the centred
 * values, and adds them to the column's sum. */
static void block_worker(void *arg, int t, int nt)
{
    corr_blk *b = arg;
    corr_ctx *cx = b->cx;
    for (size_t j = (size_t)t; j < cx->J; j += (size_t)nt) {
        double *c = b->zb + j * b->m;
        corr_col *q = &cx->cc[j];
        double mean = q->mean;
        cx->src->get(cx->src->ud, j, b->r0, b->m, c);
        for (size_t i = 0; i < b->m; i++)
            c[i] -= mean;
        part_sums(c, b->m, q->part);
    }
}

/* The whole block on one thread (beside the product of the one before). */
static void block_alone(void *arg)
{
    block_worker(arg, 0, 1);
}

/* Block k of nblocks: every block but the last has CORR_BLOCK rows. */
static corr_blk block_of(corr_ctx *cx, size_t k, size_t nblocks, double *zb)
{
    corr_blk b;
    b.cx = cx;
    b.zb = zb;
    b.r0 = k * CORR_BLOCK;
    b.m = k + 1 == nblocks ? cx->n - b.r0 : CORR_BLOCK;
    return b;
}

cix_status cix_i_correlation_src(const cix_panel *p, const cix_i_colsrc *src, size_t n,
                                 size_t J, const cix_allocator *a, int nthreads, double *R,
                                 double *sd, cix_error *err)
{
    corr_ctx cx;
    double *zb[2] = {NULL, NULL}; /* blocks of centred rows */
    size_t nblocks, bmax;
    int nt = nthreads < 1 ? 1 : nthreads, ahead;
    cix_status st = CIX_OK;

    if (J == 0)
        return CIX_OK;
    if (n < 2)
        return cix_i_fail(err, CIX_EDEGENERATE,
                          "a correlation needs at least 2 rows, and there %s %zu: add "
                          "rows (regions or years) or use another method",
                          n == 1 ? "is" : "are", n);
    if (n > (size_t)INT_MAX || J > (size_t)INT_MAX)
        return cix_i_fail(err, CIX_EINVAL,
                          "the matrix is too large for BLAS (%zu rows x %zu columns; at "
                          "most %d each)",
                          n, J, INT_MAX);
    if ((size_t)nt > J)
        nt = (int)J;
    nblocks = n / CORR_BLOCK;
    if (nblocks == 0)
        nblocks = 1;
    bmax = n - (nblocks - 1) * CORR_BLOCK; /* the last block is the longest */

    memset(&cx, 0, sizeof cx);
    cx.p = p;
    cx.src = src;
    cx.n = n;
    cx.J = J;
    cx.cc = cix_i_malloc_array(a, J, sizeof *cx.cc);
    cx.scratch = cix_i_malloc_array(a, (size_t)nt, sizeof *cx.scratch);
    cx.fail_j = cix_i_malloc_array(a, (size_t)nt, sizeof *cx.fail_j);
    cx.fail_st = cix_i_malloc_array(a, (size_t)nt, sizeof *cx.fail_st);
    cx.fail_err = cix_i_malloc_array(a, (size_t)nt, sizeof *cx.fail_err);
    if (cx.scratch)
        for (int t = 0; t < nt; t++)
            cx.scratch[t] = NULL;
    if (!cx.cc || !cx.scratch || !cx.fail_j || !cx.fail_st || !cx.fail_err) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (int t = 0; t < nt; t++) {
        if (!(cx.scratch[t] = cix_i_malloc_array(a, 4 * STAT_BLOCK, sizeof(double)))) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
    }

    /* 1. per column: checks, mean, residual mean, norm */
    cix_i_parallel(nt, stats_worker, &cx);
    {
        int worst = -1;
        for (int t = 0; t < nt; t++)
            if (cx.fail_st[t] != CIX_OK && (worst < 0 || cx.fail_j[t] < cx.fail_j[worst]))
                worst = t;
        if (worst >= 0) {
            if (err)
                *err = cx.fail_err[worst];
            st = cx.fail_st[worst];
            goto cleanup;
        }
    }
    for (int t = 0; t < nt; t++) {
        cix_i_free(a, cx.scratch[t]);
        cx.scratch[t] = NULL;
    }

    /* 2. C = c^T c, block after block in row order. With more than one
     * thread, one thread centres block k+1 into the other buffer while the
     * BLAS multiplies block k: the BLAS's own threads then go from one
     * block to the next without waiting (and spinning) through a pass of
     * ours. Each column's blocks are centred and summed in row order
     * whatever thread does it: the same bits. The second buffer is taken
     * when it is small beside the matrix (each at most 1/8 of it). */
    ahead = nt > 1 && bmax <= n / 8;
    zb[0] = cix_i_malloc_array(a, bmax, J * sizeof(double));
    if (ahead)
        zb[1] = cix_i_malloc_array(a, bmax, J * sizeof(double));
    if (!zb[0] || (ahead && !zb[1])) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    {
        corr_blk cur = block_of(&cx, 0, nblocks, zb[0]);
        cix_i_parallel(nt, block_worker, &cur);
        for (size_t k = 0; k < nblocks; k++) {
            corr_blk next;
            cix_i_beside side;
            int beside = k + 1 < nblocks && zb[1];
            if (beside) {
                next = block_of(&cx, k + 1, nblocks, cur.zb == zb[0] ? zb[1] : zb[0]);
                cix_i_beside_start(&side, block_alone, &next);
            }
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (blasint)J, (blasint)cur.m,
                        1.0, cur.zb, (blasint)cur.m, k == 0 ? 0.0 : 1.0, R, (blasint)J);
            if (beside) {
                cix_i_beside_join(&side);
                cur = next;
            } else if (k + 1 < nblocks) {
                cur = block_of(&cx, k + 1, nblocks, zb[0]);
                cix_i_parallel(nt, block_worker, &cur);
            }
        }
    }

    /* 3. without the residual means; the norms, in column order */
    for (size_t j = 0; j < J; j++) {
        const double *t = cx.cc[j].part;
        cx.cc[j].sum = (t[0] + t[1]) + (t[2] + t[3]);
    }
    for (size_t j = 0; j < J; j++) {
        double nj;
        double tj = cx.cc[j].sum, cjj;
        char nb[32];
        for (size_t i = 0; i <= j; i++)
            R[i + j * J] -= cx.cc[i].sum * tj / (double)n;
        cjj = R[j + j * J];
        if (!(cjj > 0) || !isfinite(cjj)) {
            /* an overflow gives an infinite or NaN cjj; rounding of a
             * spread below it, a cjj <= 0 */
            int big = isinf(cjj) || isnan(cjj);
            cix_i_fail(err, big ? CIX_ENUMERIC : CIX_EDEGENERATE,
                       "indicator '%s' has %s spread, so its correlations cannot be "
                       "computed: %s",
                       ind_name(p, j, nb, sizeof nb), big ? "too large a" : "no",
                       big ? "rescale it (other units) or take logs"
                           : "drop it (--drop-constant) or fix the data");
            cix_i_err_indicator(err, ind_name(p, j, nb, sizeof nb));
            st = big ? CIX_ENUMERIC : CIX_EDEGENERATE;
            goto cleanup;
        }
        nj = sqrt(cjj);
        cx.cc[j].norm = nj;
        if (sd)
            sd[j] = nj / sqrt((double)(n - 1));
    }

    /* 4. R */
    for (size_t j = 0; j < J; j++) {
        R[j + j * J] = 1.0;
        for (size_t i = 0; i < j; i++) {
            double v = R[i + j * J] / cx.cc[i].norm / cx.cc[j].norm;
            if (v > 1.0)
                v = 1.0;
            else if (v < -1.0)
                v = -1.0;
            R[i + j * J] = v;
            R[j + i * J] = v;
        }
    }

cleanup:
    if (cx.scratch)
        for (int t = 0; t < nt; t++)
            cix_i_free(a, cx.scratch[t]);
    cix_i_free(a, cx.scratch);
    cix_i_free(a, cx.cc);
    cix_i_free(a, cx.fail_j);
    cix_i_free(a, cx.fail_st);
    cix_i_free(a, cx.fail_err);
    cix_i_free(a, zb[0]);
    cix_i_free(a, zb[1]);
    return st;
}

/* The columns of a column-major matrix (ld = n). */
typedef struct matrix_src {
    const double *x;
    size_t n;
} matrix_src;

static void matrix_get(const void *ud, size_t j, size_t r0, size_t m, double *dst)
{
    const matrix_src *ms = ud;
    memcpy(dst, ms->x + j * ms->n + r0, m * sizeof(double));
}

cix_status cix_i_correlation(const cix_panel *p, const double *x, size_t n, size_t J,
                             const cix_allocator *a, double *R, double *sd,
                             cix_error *err)
{
    matrix_src ms;
    cix_i_colsrc src;
    ms.x = x;
    ms.n = n;
    src.get = matrix_get;
    src.ud = &ms;
    return cix_i_correlation_src(p, &src, n, J, a, 1, R, sd, err);
}

cix_status cix_i_eigen_sym(const double *A, size_t J, const cix_allocator *al, double *w,
                           double *V, cix_error *err)
{
    double *acopy = NULL, *work = NULL, *wv = NULL, *zv = NULL, wq;
    lapack_int *isuppz = NULL, *iwork = NULL, iwq, mfound = 0, info, n;
    lapack_int lwork, liwork;
    cix_status st = CIX_OK;

    if (J == 0)
        return CIX_OK;
    if (J > (size_t)INT_MAX / 16)
        return cix_i_fail(err, CIX_EINVAL,
                          "the matrix is too large for LAPACK (%zu x %zu)", J, J);
    for (size_t i = 0; i < J * J; i++)
        if (!isfinite(A[i]))
            return cix_i_fail(err, CIX_ENUMERIC,
                              "the matrix to decompose has a NaN or infinite entry (row "
                              "%zu, column %zu): check the data for missing or infinite "
                              "values",
                              i % J + 1, i / J + 1);
    n = (lapack_int)J;
    acopy = cix_i_malloc_array(al, J, J * sizeof(double));
    zv = cix_i_malloc_array(al, J, J * sizeof(double));
    wv = cix_i_malloc_array(al, J, sizeof(double));
    isuppz = cix_i_malloc_array(al, 2 * J, sizeof(lapack_int));
    if (!acopy || !zv || !wv || !isuppz) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    memcpy(acopy, A, J * J * sizeof(double));

    /* workspace query */
    info = LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, 'V', 'A', 'U', n, acopy, n, 0.0, 0.0, 0, 0,
                               0.0, &mfound, wv, zv, n, isuppz, &wq, -1, &iwq, -1);
    if (info != 0) {
        st = cix_i_fail(err, CIX_ENUMERIC,
                        "the eigen-decomposition failed (LAPACK dsyevr workspace query, "
                        "info %d): the matrix may contain NaN or infinite values",
                        (int)info);
        goto cleanup;
    }
    if (!(wq >= 1 && wq < (double)INT_MAX) || iwq < 1) {
        st = cix_i_fail(err, CIX_EINVAL,
                        "the eigen-decomposition needs too large a workspace (%g)", wq);
        goto cleanup;
    }
    lwork = (lapack_int)wq;
    liwork = iwq;
    work = cix_i_malloc_array(al, (size_t)lwork, sizeof(double));
    iwork = cix_i_malloc_array(al, (size_t)liwork, sizeof(lapack_int));
    if (!work || !iwork) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    info = LAPACKE_dsyevr_work(LAPACK_COL_MAJOR, 'V', 'A', 'U', n, acopy, n, 0.0, 0.0, 0, 0,
                               0.0, &mfound, wv, zv, n, isuppz, work, lwork, iwork, liwork);
    if (info != 0 || mfound != n) {
        st = cix_i_fail(err, CIX_ENUMERIC,
                        "the eigen-decomposition did not converge (LAPACK dsyevr info %d, "
                        "%d of %d eigenvalues): the matrix may contain NaN or infinite "
                        "values, or be badly scaled",
                        (int)info, (int)mfound, (int)n);
        goto cleanup;
    }
    /* dsyevr gives ascending order: reverse to descending */
    for (size_t k = 0; k < J; k++) {
        w[k] = wv[J - 1 - k];
        memcpy(V + k * J, zv + (J - 1 - k) * J, J * sizeof(double));
    }

cleanup:
    cix_i_free(al, acopy);
    cix_i_free(al, zv);
    cix_i_free(al, wv);
    cix_i_free(al, isuppz);
    cix_i_free(al, work);
    cix_i_free(al, iwork);
    return st;
}
