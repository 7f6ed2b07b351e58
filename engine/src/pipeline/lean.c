/*
 * The lean pipeline: cix_compute with keep_normalized = 0 for the common
 * methods, without a copy of the panel.
 *
 *   pass 1, per column (columns shared among the threads): the imputation
 *     mean, the normalization statistics of the imputed column, the
 *     normalized column in a scratch column of the thread, and the weight
 *     statistic (entropy d_j, sd, cv); the entropy of min-max columns, the
 *     common case, four columns at a time in the lanes of a vector;
 *   weights from the statistics, or for pca / pca-coef from the PCA of the
 *     imputed, oriented columns read in place (cix_i_pca_view);
 *   pass 2, per block of rows (rows shared among the threads): the scores
 *     s = sum_j w_j y_j, y recomputed from the panel's values with the
 *     column's statistics, summed over j in order with the compensation of
 *     cix_i_sum kept per row.
 *
 * Every value is computed by the same operations in the same order as the
 * full pipeline (pretreat/pretreat.c, normalize/normalize.c,
 * weights/weights.c, aggregate/linear.c), and each piece of work is one
 * column or one row whatever thread runs it: the weights and scores are
 * those of the full pipeline bit for bit, for any number of threads.
 * Anything the full pipeline would report as an error (a constant column,
 * a negative value for entropy, a missing cell in a score, an infinite
 * value, which cix_compute leaves to cix_panel_validate before the full
 * pipeline) stops the lean run with CIX_EUNSUPPORTED and the full pipeline
 * runs and reports it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

/* The loops that carry a compensated sum are kept out of line: inlined
 * next to a call, the compiler keeps the sum in memory, which puts a store
 * and a load on the chain of additions. */
#if defined(__GNUC__)
#  define LEAN_NOINLINE __attribute__((noinline))
#else
#  define LEAN_NOINLINE
#endif

/* Rows of a piece of the score pass. */
#define ROW_PIECE ((size_t)4096)

/* What the lean run keeps of a column. */
typedef struct lcol {
    size_t missing;
    double imp;       /* value of a missing cell (NaN: left missing) */
    int cost;
    size_t cnt;       /* present cells after imputation */
    double min, max, mean, ss, sd;
    double d;         /* weight statistic */
    int bad;          /* the full pipeline must run (and report) */
} lcol;

typedef struct lean {
    const cix_panel *p;
    const cix_options *o;
    size_t n, J;
    lcol *col;
    double **buf1, **buf2; /* per thread, n doubles each */
    const double *w;
    double *s, *c;         /* scores and their compensations */
    int nbuf;              /* threads of pass 1 (entries of buf1, buf2) */
    int row_bad[CIX_I_MAX_THREADS]; /* per thread: a missing cell in the scores */
} lean;

int cix_i_lean_supported(const cix_panel *p, const cix_options *o)
{
    size_t nind = cix_panel_nindicators(p);
    if (o->keep_normalized == 1)
        return 0;
    if (o->impute != CIX_IMPUTE_NONE && o->impute != CIX_IMPUTE_MEAN)
        return 0;
    if (o->drop_constant || o->outliers || o->min_coverage_indicator > 0 ||
        o->min_coverage_region > 0)
        return 0;
    if (o->params)
        for (size_t j = 0; j < o->nparams; j++)
            if (o->params[j].transform != CIX_TRANSFORM_NONE)
                return 0;
    if (o->directions)
        for (size_t j = 0; j < nind; j++)
            if (o->directions[j].kind != CIX_DIR_BENEFIT &&
                o->directions[j].kind != CIX_DIR_COST)
                return 0;
    if (o->scope != CIX_SCOPE_POOLED)
        return 0;
    if (o->normalization != CIX_NORM_NONE && o->normalization != CIX_NORM_MINMAX &&
        o->normalization != CIX_NORM_ZSCORE)
        return 0;
    switch (o->weighting) {
    case CIX_WEIGHT_EQUAL:
    case CIX_WEIGHT_FIXED:
    case CIX_WEIGHT_ENTROPY:
    case CIX_WEIGHT_SD:
    case CIX_WEIGHT_CV:
    case CIX_WEIGHT_PCA:
    case CIX_WEIGHT_PCA_COEF:
        break;
    default:
        return 0;
    }
    if (o->combine != CIX_COMBINE_NONE)
        return 0;
    return o->aggregation == CIX_AGG_LINEAR;
}

/* What the normalized values of a lean run are recomputed from
 * (cix_result_normalized_rows): the method, its range and each column's
 * statistics. */
struct cix_i_lean_norm {
    cix_normalization normalization;
    double range_lo, range_hi;
    size_t J;
    lcol col[]; /* J */
};

/* The normalized value of panel value x of column c (normalize.c), for the
 * normalization m with range [rlo, rhi]. */
static double norm_of(cix_normalization m, double rlo, double rhi, const lcol *c, double x)
{
    if (isnan(x))
        x = c->imp;
    if (isnan(x))
        return x;
    switch (m) {
    case CIX_NORM_MINMAX: {
        double lo = rlo, hi = rhi;
        if (c->cost)
            return lo + (hi - lo) * ((c->max - x) / (c->max - c->min));
        return lo + (hi - lo) * ((x - c->min) / (c->max - c->min));
    }
    case CIX_NORM_ZSCORE:
        return c->cost ? -(x - c->mean) / c->sd : (x - c->mean) / c->sd;
    default:
        return x;
    }
}

static double norm_value(const lean *L, const lcol *c, double x)
{
    return norm_of(L->o->normalization, L->o->range_lo, L->o->range_hi, c, x);
}

void cix_i_lean_norm_free(const cix_allocator *a, cix_i_lean_norm *k)
{
    cix_i_free(a, k);
}

void cix_i_lean_norm_rows(const cix_i_lean_norm *k, const cix_panel *p, size_t r0, size_t m,
                          double *out)
{
    for (size_t j = 0; j < k->J; j++) {
        const double *x = cix_panel_column_const(p, j) + r0;
        const lcol *c = &k->col[j];
        double *y = out + j * m;
        for (size_t i = 0; i < m; i++)
            y[i] = norm_of(k->normalization, k->range_lo, k->range_hi, c, x[i]);
    }
}

/* Imputation mean (pretreat.c, impute_stat) and the normalization
 * statistics of the imputed column (normalize.c, group_stat). */
static int column_stats(const lean *L, const double *x, lcol *c)
{
    const cix_options *o = L->o;
    size_t n = L->n, k = 0, ddof = o->ddof == 0 ? 0 : 1;
    cix_i_ksum sum = {0, 0}, dev = {0, 0};
    double lo = INFINITY, hi = -INFINITY;

    c->missing = 0;
    for (size_t r = 0; r < n; r++) {
        if (isinf(x[r]))
            return 1; /* the full pipeline reports it */
        c->missing += isnan(x[r]);
    }
    c->imp = NAN;
    if (c->missing && o->impute == CIX_IMPUTE_MEAN) {
        cix_i_ksum ks = {0, 0};
        size_t m = 0;
        for (size_t r = 0; r < n; r++)
            if (!isnan(x[r])) {
                cix_i_ksum_add(&ks, x[r]);
                m++;
            }
        if (m == 0)
            return 1;
        c->imp = cix_i_ksum_get(&ks) / (double)m;
    }
    if (o->normalization == CIX_NORM_NONE)
        return 0;
    for (size_t r = 0; r < n; r++) {
        double v = isnan(x[r]) ? c->imp : x[r];
        if (isnan(v))
            continue;
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
        cix_i_ksum_add(&sum, v);
        k++;
    }
    if (k == 0)
        return 1;
    c->cnt = k;
    c->min = lo;
    c->max = hi;
    c->mean = cix_i_ksum_get(&sum) / (double)k;
    if (o->normalization == CIX_NORM_MINMAX)
        return !(c->max > c->min);
    for (size_t r = 0; r < n; r++) {
        double v = isnan(x[r]) ? c->imp : x[r];
        if (!isnan(v))
            cix_i_ksum_add(&dev, (v - c->mean) * (v - c->mean));
    }
    c->ss = cix_i_ksum_get(&dev);
    if (k <= ddof || !(c->ss > 0))
        return 1;
    c->sd = sqrt(c->ss / (double)(k - ddof));
    return 0;
}

/* Entropy statistic d_j of the normalized column y (weights.c,
 * entropy_group); y is overwritten, q is scratch. */
static int entropy_d(const lean *L, double *y, double *q, double *d)
{
    size_t m = L->n, cnt;
    double shift = L->o->entropy_shift, a = L->o->entropy_smooth, sum, e;
    double lo = INFINITY, hi = -INFINITY;

    for (size_t i = 0; i < m; i++) {
        double v = y[i];
        if (isnan(v))
            continue;
        if (!isfinite(v))
            return 1;
        y[i] = a + (1.0 - a) * (v + shift);
        lo = fmin(lo, y[i]);
        hi = fmax(hi, y[i]);
        if (y[i] < 0)
            return 1;
    }
    sum = cix_i_sum(y, m, &cnt);
    if (cnt < 2 || sum == 0 || !isfinite(sum))
        return 1;
    if (lo == hi) {
        *d = 0.0;
        return 0;
    }
    for (size_t i = 0; i < m; i++) {
        double pr;
        if (isnan(y[i])) {
            q[i] = y[i];
            continue;
        }
        pr = y[i] / sum;
        q[i] = pr > 0 ? pr * log(pr) : 0.0;
    }
    e = -cix_i_sum(q, m, NULL) / log((double)cnt);
    *d = 1.0 - e;
    if (*d < 0)
        *d = 0.0;
    return 0;
}

/* sd of col with ddof (weights.c, group_sd); t is scratch. */
static int spread_d(const lean *L, const double *col, double *t, double *mean, double *sd,
                    size_t *cnt)
{
    size_t m = L->n, k;
    int ddof = L->o->ddof;
    double mu, ss;

    for (size_t i = 0; i < m; i++) {
        t[i] = col[i];
        if (!isnan(t[i]) && !isfinite(t[i]))
            return 1;
    }
    mu = cix_i_sum(t, m, &k);
    *cnt = k;
    if (k == 0)
        return 1;
    mu /= (double)k;
    for (size_t i = 0; i < m; i++)
        t[i] -= mu;
    mu += cix_i_sum(t, m, NULL) / (double)k;
    for (size_t i = 0; i < m; i++) {
        double dv = col[i] - mu;
        t[i] = dv * dv;
    }
    ss = cix_i_sum(t, m, NULL);
    *mean = mu;
    *sd = k > (size_t)ddof ? sqrt(ss / (double)(k - (size_t)ddof)) : NAN;
    return 0;
}

/* cix_i_ksum_add on a sum and compensation held in locals (registers). */
static inline void ksum_step(double *s, double *c, double v)
{
    double t = *s + v;
    if (fabs(*s) >= fabs(v))
        *c += (*s - t) + v;
    else
        *c += (v - t) + *s;
    *s = t;
}

/* 1 when a and b are zeros of different signs (equal, different bits). */
static int zero_signs_differ(double a, double b)
{
    return a == 0 && b == 0 && signbit(a) != signbit(b);
}

/* The end of column_stats for min-max, from one pass over the column: the
 * missing count, the compensated sum s + comp of the present values in row
 * order (the imputation mean) and the extremes of the present values. The
 * extremes of the imputed column are those of the present values and the
 * imputation value: the running `v < lo` of column_stats keeps the first of
 * equal values, which matters only for zeros of both signs, and then
 * column_stats runs as it is. (The mean of the imputed column is not
 * needed for min-max.) */
static int stats_minmax_end(const lean *L, const double *x, lcol *c, size_t missing, double s,
                            double comp, double lo, double hi)
{
    size_t n = L->n, k;

    if (lo == -INFINITY || hi == INFINITY)
        return 1; /* an infinite value: the full pipeline reports it */
    c->missing = missing;
    c->imp = NAN;
    k = n - missing;
    if (missing && L->o->impute == CIX_IMPUTE_MEAN) {
        double f;
        if (k == 0)
            return 1;
        f = c->imp = (s + comp) / (double)k;
        if (zero_signs_differ(f, lo) || zero_signs_differ(f, hi))
            return column_stats(L, x, c);
        if (f < lo)
            lo = f;
        if (f > hi)
            hi = f;
        k = n;
    }
    if (k == 0)
        return 1;
    c->cnt = k;
    c->min = lo;
    c->max = hi;
    return !(c->max > c->min);
}

/* column_stats for min-max, in one pass over the column. */
LEAN_NOINLINE static int column_stats_minmax(const lean *L, const double *x, lcol *c)
{
    size_t n = L->n, missing = 0;
    double lo = INFINITY, hi = -INFINITY, s = 0.0, comp = 0.0;

    for (size_t r = 0; r < n; r++) {
        double v = x[r];
        if (isnan(v)) {
            missing++;
            continue;
        }
        ksum_step(&s, &comp, v);
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
    }
    return stats_minmax_end(L, x, c, missing, s, comp, lo, hi);
}

/* Rows of the blocks the entropy passes compute at once. */
#define ZBLOCK 512

/* The shifted min-max values z = a + (1 - a) (y + shift) of rows [0, m) of
 * x (y as norm_value gives it, a missing cell taken as f) by the operations
 * of norm_value and entropy_d, in a loop the compiler vectorizes; NaN where
 * y is. An infinite y gives an infinite z. */
CIX_I_SIMD_CLONES static void shifted_block(const lean *L, const lcol *c, const double *x,
                                             size_t m, double *restrict zb)
{
    const cix_options *o = L->o;
    double shift = o->entropy_shift, a = o->entropy_smooth, b = 1.0 - a;
    double rlo = o->range_lo, span = o->range_hi - o->range_lo;
    double mn = c->min, mx = c->max, dm = mx - mn, f = c->imp;
    if (c->cost) {
        for (size_t i = 0; i < m; i++) {
            double v = isnan(x[i]) ? f : x[i];
            zb[i] = a + b * ((rlo + span * ((mx - v) / dm)) + shift);
        }
    } else {
        for (size_t i = 0; i < m; i++) {
            double v = isnan(x[i]) ? f : x[i];
            zb[i] = a + b * ((rlo + span * ((v - mn) / dm)) + shift);
        }
    }
}

/* The running sums of entropy_minmax (as cix_i_sum: Neumaier, row order,
 * NaN skipped). */
typedef struct zsum {
    double s;      /* (s and c not side by side: stored together, the */
    size_t cnt;    /* compiler would pack them in one register, which */
    double c;      /* lengthens the chain of additions) */
    int varies;
    double z0;
} zsum;

/* Adds the shifted values zb[0..m) to *a (entropy_d's first pass and the
 * sum of cix_i_sum); 1 when one is infinite or negative. Locals in the
 * loop, so that the sums stay in registers. */
LEAN_NOINLINE static int zsum_block(const double *zb, size_t m, zsum *a)
{
    double s = a->s, c = a->c, z0 = a->z0;
    size_t cnt = a->cnt;
    int varies = a->varies, bad = 0;
    for (size_t i = 0; i < m; i++) {
        double z = zb[i];
        if (!(z >= 0 && z < INFINITY)) {
            if (isnan(z))
                continue;
            bad = 1;
            break;
        }
        if (cnt == 0)
            z0 = z;
        varies |= z != z0;
        ksum_step(&s, &c, z);
        cnt++;
    }
    a->s = s;
    a->c = c;
    a->z0 = z0;
    a->cnt = cnt;
    a->varies = varies;
    return bad;
}

/* Adds the present values of q[0..m) to *a (cix_i_sum). */
LEAN_NOINLINE static void qsum_block(const double *q, size_t m, zsum *a)
{
    double s = a->s, c = a->c;
    for (size_t i = 0; i < m; i++)
        if (!isnan(q[i]))
            ksum_step(&s, &c, q[i]);
    a->s = s;
    a->c = c;
}

/* zb[i] / sum, in a loop the compiler vectorizes. */
CIX_I_SIMD_CLONES static void quotient_block(double *zb, size_t m, double sum)
{
    for (size_t i = 0; i < m; i++)
        zb[i] = zb[i] / sum;
}

/* The terms p ln p of entropy_d for p = q[i], in place: 0 for p = 0, NaN
 * kept. */
static void plogp(double *q, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        double pr = q[i];
        if (pr > 0)
            q[i] = pr * log(pr);
        else if (!isnan(pr))
            q[i] = 0.0;
    }
}

/* plogp of p = zb[i] / sum. */
static void plogp_block(double *zb, size_t m, double sum)
{
    quotient_block(zb, m, sum);
    plogp(zb, m);
}

/* entropy_d of the min-max column of x: one pass computes the shifted
 * values z a block of rows at a time, checks them and sums them in row
 * order as cix_i_sum does; a second pass computes them again (the same
 * bits), takes the p ln p of z / sum per block and sums them. Computing z
 * twice costs less than storing the column of z and reading it back: the
 * column x alone is more likely to stay in the cache between the passes.
 * entropy_d fails on an infinite y (then z is infinite) or a negative z,
 * or through the sum on an infinite z: here any infinite or negative z
 * fails. */
static int entropy_minmax(const lean *L, const double *x, const lcol *c, double *d)
{
    size_t n = L->n;
    double zb[ZBLOCK], sum, e;
    zsum a = {0.0, 0, 0.0, 0, 0.0};

    for (size_t r0 = 0; r0 < n; r0 += ZBLOCK) {
        size_t m = n - r0 < ZBLOCK ? n - r0 : ZBLOCK;
        shifted_block(L, c, x + r0, m, zb);
        if (zsum_block(zb, m, &a))
            return 1;
    }
    sum = a.s + a.c;
    if (a.cnt < 2 || sum == 0 || !isfinite(sum))
        return 1;
    if (!a.varies) { /* the least z equals the greatest */
        *d = 0.0;
        return 0;
    }
    a.s = a.c = 0.0;
    for (size_t r0 = 0; r0 < n; r0 += ZBLOCK) {
        size_t m = n - r0 < ZBLOCK ? n - r0 : ZBLOCK;
        shifted_block(L, c, x + r0, m, zb);
        plogp_block(zb, m, sum);
        qsum_block(zb, m, &a);
    }
    e = -(a.s + a.c) / log((double)a.cnt);
    *d = 1.0 - e;
    if (*d < 0)
        *d = 0.0;
    return 0;
}

/* ---- entropy of min-max columns, GROUP columns at a time --------------- */

/* With vector lanes (CIX_I_LANES, internal.h): the passes of
 * column_stats_minmax and entropy_minmax over GROUP columns at once, one
 * column per lane, so that the chains of additions of the compensated sums
 * and the divisions of the columns go side by side. Each lane does the
 * operations of the loops above on its column, in row order: the weights
 * are the same bits as column by column, whatever the grouping and the
 * thread count. */
#if defined(CIX_I_LANES)
#define LEAN_GROUPS 1
#define GROUP 4

typedef cix_i_v4d v4d;
typedef cix_i_v4l v4l;
#define VSEL CIX_I_VSEL

/* The per-lane constants of the shifted values of a group (shifted_block). */
typedef struct zconst {
    v4d a, b, rlo, span, shift, mn, mx, dm, f;
    v4l cost;
} zconst;

/* z of shifted_block for the imputed values y of a row, one column per
 * lane (a cost lane takes mx - y, the others y - mn) */
#define ZROW(K, y)                                                            \
    ((K)->a + (K)->b * (((K)->rlo + (K)->span * (VSEL((K)->cost, (K)->mx - (y), \
                                                      (y) - (K)->mn) /          \
                                                 (K)->dm)) +                   \
                        (K)->shift))
/* row r of the columns x[0..4) */
#define XROW(x, r) ((v4d){(x)[0][r], (x)[1][r], (x)[2][r], (x)[3][r]})

/* The sums of a group's passes. */
typedef struct vsums {
    v4d s, c, cnt, lo, hi;
    v4l bad;
} vsums;

/* entropy_minmax's first pass (zsum_block on the shifted values) over
 * rows [0, n): the sums, the present count, the least and the greatest z
 * (z varies when they differ), bad lanes (an infinite or negative z). */
CIX_I_SUM_LOOP static void zsum_group(const double *const *x, size_t n, const zconst *K,
                                      vsums *out)
{
    const v4d one = {1.0, 1.0, 1.0, 1.0}, zero = {0.0, 0.0, 0.0, 0.0};
    const v4d inf = {INFINITY, INFINITY, INFINITY, INFINITY};
    v4d S = zero, C = zero, N = zero, LO = inf, HI = -inf;
    v4l bad = {0, 0, 0, 0};
    for (size_t r = 0; r < n; r++) {
        v4d v = XROW(x, r), y = VSEL(v != v, K->f, v); /* missing: f */
        v4d z = ZROW(K, y);
        v4l nan = z != z;
        v4d w = (v4d)(~nan & (v4l)z);
        bad |= ~nan & ~((z >= zero) & (z < inf));
        CIX_I_VKSUM(S, C, w);
        N += (v4d)(~nan & (v4l)one);
        LO = VSEL(z < LO, z, LO);
        HI = VSEL(z > HI, z, HI);
    }
    out->s = S;
    out->c = C;
    out->cnt = N;
    out->lo = LO;
    out->hi = HI;
    out->bad = bad;
}

/* The quotients z / sum of rows [r0, r0 + m) into q[0..m) (a vector per
 * row). */
CIX_I_SUM_LOOP static void quotient_group(const double *const *x, size_t r0, size_t m,
                                          const zconst *K, const v4d *sum, v4d *q)
{
    for (size_t i = 0; i < m; i++) {
        v4d v = XROW(x, r0 + i), y = VSEL(v != v, K->f, v);
        q[i] = ZROW(K, y) / *sum;
    }
}

/* qsum_block over the vectors q[0..m) into *out (s, c). */
CIX_I_SUM_LOOP static void qsum_group(const v4d *q, size_t m, vsums *out)
{
    v4d S = out->s, C = out->c;
    for (size_t i = 0; i < m; i++) {
        v4d w = CIX_I_VNAN0(q[i]);
        CIX_I_VKSUM(S, C, w);
    }
    out->s = S;
    out->c = C;
}

/* column_pass of columns [j0, j0 + GROUP) for min-max and entropy: the
 * statistics of each column (stats_minmax_end), then entropy_minmax. */
static void group_pass(const lean *L, size_t j0)
{
    const cix_options *o = L->o;
    const double *x[GROUP];
    lcol *c[GROUP];
    v4d q[ZBLOCK], sum;
    cix_i_sums4 st;
    vsums zs, qs;
    zconst K;
    int bad = 0;

    for (int k = 0; k < GROUP; k++) {
        size_t j = j0 + (size_t)k;
        x[k] = cix_panel_column_const(L->p, j);
        c[k] = &L->col[j];
        c[k]->cost = o->directions && o->directions[j].kind == CIX_DIR_COST;
    }
    cix_i_sums4_of(x, L->n, &st);
    for (int k = 0; k < GROUP; k++)
        bad |= stats_minmax_end(L, x[k], c[k], (size_t)st.missing[k], st.s[k], st.c[k],
                                st.lo[k], st.hi[k]);
    if (bad)
        goto done;
    for (int k = 0; k < GROUP; k++) {
        K.a[k] = o->entropy_smooth;
        K.b[k] = 1.0 - o->entropy_smooth;
        K.rlo[k] = o->range_lo;
        K.span[k] = o->range_hi - o->range_lo;
        K.shift[k] = o->entropy_shift;
        K.mn[k] = c[k]->min;
        K.mx[k] = c[k]->max;
        K.dm[k] = c[k]->max - c[k]->min;
        K.f[k] = c[k]->imp;
        K.cost[k] = c[k]->cost ? -1 : 0;
    }
    zsum_group(x, L->n, &K, &zs);
    for (int k = 0; k < GROUP; k++) {
        sum[k] = zs.s[k] + zs.c[k];
        if (zs.bad[k] || zs.cnt[k] < 2 || sum[k] == 0 || !isfinite(sum[k]))
            bad = 1;
    }
    if (bad)
        goto done;
    qs.s = qs.c = (v4d){0.0, 0.0, 0.0, 0.0};
    for (size_t r0 = 0; r0 < L->n; r0 += ZBLOCK) {
        size_t m = L->n - r0 < ZBLOCK ? L->n - r0 : ZBLOCK;
        quotient_group(x, r0, m, &K, &sum, q);
        plogp((double *)q, m * GROUP);
        qsum_group(q, m, &qs);
    }
    for (int k = 0; k < GROUP; k++) {
        double e = -(qs.s[k] + qs.c[k]) / log(zs.cnt[k]);
        if (zs.lo[k] == zs.hi[k]) /* the least z equals the greatest */
            c[k]->d = 0.0;
        else
            c[k]->d = 1.0 - e < 0 ? 0.0 : 1.0 - e;
    }

done:
    for (int k = 0; k < GROUP; k++)
        c[k]->bad = bad;
}
#endif /* CIX_I_LANES */

static int column_pass(const lean *L, size_t j, double *b1, double *b2)
{
    const cix_options *o = L->o;
    const double *x = cix_panel_column_const(L->p, j);
    lcol *c = &L->col[j];
    size_t n = L->n;

    c->cost = o->directions && o->directions[j].kind == CIX_DIR_COST;
    if (o->normalization == CIX_NORM_MINMAX) {
        if (column_stats_minmax(L, x, c))
            return 1;
        if (o->weighting == CIX_WEIGHT_ENTROPY)
            return entropy_minmax(L, x, c, &c->d);
    } else if (column_stats(L, x, c)) {
        return 1;
    }
    switch (o->weighting) {
    case CIX_WEIGHT_ENTROPY:
        for (size_t r = 0; r < n; r++)
            b1[r] = norm_value(L, c, x[r]);
        return entropy_d(L, b1, b2, &c->d);
    case CIX_WEIGHT_SD:
    case CIX_WEIGHT_CV: {
        int cv = o->weighting == CIX_WEIGHT_CV;
        double mean, sd;
        size_t cnt;
        for (size_t r = 0; r < n; r++)
            b1[r] = cv ? (isnan(x[r]) ? c->imp : x[r]) : norm_value(L, c, x[r]);
        if (spread_d(L, b1, b2, &mean, &sd, &cnt) || cnt < 2 || (cv && mean == 0))
            return 1;
        c->d = cv ? sd / fabs(mean) : sd;
        return !isfinite(c->d);
    }
    default:
        return 0;
    }
}

static void columns_worker(void *arg, int t, int nt)
{
    lean *L = arg;
    size_t j = 0;
    /* entropy of min-max columns: groups of GROUP columns, then the rest
     * one at a time */
#if defined(LEAN_GROUPS)
    if (L->o->normalization == CIX_NORM_MINMAX && L->o->weighting == CIX_WEIGHT_ENTROPY) {
        size_t ng = L->J / GROUP;
        for (size_t g = (size_t)t; g < ng; g += (size_t)nt)
            group_pass(L, g * GROUP);
        j = ng * GROUP;
    }
#endif
    for (j += (size_t)t; j < L->J; j += (size_t)nt)
        L->col[j].bad = column_pass(L, j, L->buf1[t], L->buf2[t]);
}

/* Scores of rows [r0, r1): s = sum_j w_j y_j as cix_i_aggregate_linear. */
static int score_rows(const lean *L, size_t r0, size_t r1)
{
    const cix_panel *p = L->p;
    for (size_t r = r0; r < r1; r++)
        L->s[r] = L->c[r] = 0.0;
    for (size_t j = 0; j < L->J; j++) {
        const double *x = cix_panel_column_const(p, j);
        const lcol *c = &L->col[j];
        double wj = L->w[j];
        for (size_t r = r0; r < r1; r++) {
            double v = 0.0, s = L->s[r], t;
            if (wj != 0.0) {
                double y = norm_value(L, c, x[r]);
                if (isnan(y))
                    return 1;
                v = wj * y;
            }
            t = s + v;
            if (fabs(s) >= fabs(v))
                L->c[r] += (s - t) + v;
            else
                L->c[r] += (v - t) + s;
            L->s[r] = t;
        }
    }
    for (size_t r = r0; r < r1; r++)
        L->s[r] = L->s[r] + L->c[r];
    return 0;
}

/* score_rows for min-max: the same operations in loops over the rows the
 * compiler vectorizes. A missing y makes the score NaN, as can an overflow;
 * a piece with a NaN score runs again through score_rows, which tells
 * them apart. */
CIX_I_SIMD_CLONES static int score_rows_minmax(const lean *L, size_t r0, size_t r1)
{
    const cix_options *o = L->o;
    double rlo = o->range_lo, span = o->range_hi - o->range_lo;
    double *restrict S = L->s + r0, *restrict C = L->c + r0;
    size_t m = r1 - r0;
    int nan = 0;

    for (size_t i = 0; i < m; i++)
        S[i] = C[i] = 0.0;
    for (size_t j = 0; j < L->J; j++) {
        const double *x = cix_panel_column_const(L->p, j) + r0;
        const lcol *c = &L->col[j];
        double wj = L->w[j], mn = c->min, mx = c->max, dm = mx - mn, f = c->imp;
        if (wj == 0.0) {
            for (size_t i = 0; i < m; i++) {
                double s = S[i], t = s + 0.0;
                C[i] += (s - t) + 0.0;
                S[i] = t;
            }
        } else if (c->cost) {
            for (size_t i = 0; i < m; i++) {
                double v = isnan(x[i]) ? f : x[i];
                double w = wj * (rlo + span * ((mx - v) / dm)), s = S[i], t = s + w;
                double hi = fabs(s) >= fabs(w) ? s : w, lo = fabs(s) >= fabs(w) ? w : s;
                C[i] += (hi - t) + lo; /* cix_i_ksum_add */
                S[i] = t;
            }
        } else {
            for (size_t i = 0; i < m; i++) {
                double v = isnan(x[i]) ? f : x[i];
                double w = wj * (rlo + span * ((v - mn) / dm)), s = S[i], t = s + w;
                double hi = fabs(s) >= fabs(w) ? s : w, lo = fabs(s) >= fabs(w) ? w : s;
                C[i] += (hi - t) + lo; /* cix_i_ksum_add */
                S[i] = t;
            }
        }
    }
    for (size_t i = 0; i < m; i++) {
        S[i] = S[i] + C[i];
        nan |= isnan(S[i]);
    }
    return nan ? score_rows(L, r0, r1) : 0;
}

static void rows_worker(void *arg, int t, int nt)
{
    lean *L = arg;
    size_t npieces = (L->n + ROW_PIECE - 1) / ROW_PIECE;
    L->row_bad[t] = 0;
    /* contiguous runs of pieces per thread: pieces of fixed size, so a
     * row's sum is the same whatever thread computes it */
    for (size_t k = npieces * (size_t)t / (size_t)nt;
         k < npieces * ((size_t)t + 1) / (size_t)nt && !L->row_bad[t]; k++) {
        size_t r0 = k * ROW_PIECE, r1 = r0 + ROW_PIECE < L->n ? r0 + ROW_PIECE : L->n;
        L->row_bad[t] = L->o->normalization == CIX_NORM_MINMAX
                            ? score_rows_minmax(L, r0, r1)
                            : score_rows(L, r0, r1);
    }
}

/* The notes of the imputation, written into slots reserved at once: per
 * column with missing cells, with `cells` one note per cell in row order
 * (as the pre-treatment of the full pipeline writes them), then its
 * summary; column j's notes start at slot start[j], so the columns are
 * shared among the threads and the order is that of one thread. */
typedef struct notes_job {
    const lean *L;
    cix_note *slots;
    const size_t *start;
    int cells;
} notes_job;

static void notes_worker(void *arg, int t, int nt)
{
    const notes_job *jb = arg;
    const cix_panel *p = jb->L->p;
    for (size_t j = (size_t)t; j < jb->L->J; j += (size_t)nt) {
        const lcol *c = &jb->L->col[j];
        const double *x = cix_panel_column_const(p, j);
        cix_note *note = jb->slots + jb->start[j];
        if (c->missing == 0)
            continue;
        for (size_t r = 0; r < jb->L->n && jb->cells; r++)
            if (isnan(x[r]))
                cix_i_note_cell_imputed(note++, p, j, r, c->imp, "mean of the scope group");
        cix_i_note_imputed(note, p, j, c->missing, c->missing, jb->L->o->impute);
    }
}

/* pca / pca-coef weights (weights.c, one group of all rows): the PCA of
 * the imputed panel with the cost columns negated, read in place. */
static cix_status lean_pca(const lean *L, int nt, double *w, cix_i_notes *notes,
                           cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(L->p);
    size_t J = L->J;
    double *imp = cix_i_malloc_array(a, J, sizeof(double));
    unsigned char *neg = cix_i_malloc_array(a, J, 1);
    cix_pca *pc = NULL;
    cix_error e2;
    cix_status st;

    if (!imp || !neg) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < J; j++) {
        imp[j] = L->col[j].imp;
        neg[j] = (unsigned char)L->col[j].cost;
    }
    st = cix_i_pca_view(L->p, L->o, imp, neg, nt, notes, &pc, &e2);
    if (st == CIX_OK)
        memcpy(w, L->o->weighting == CIX_WEIGHT_PCA ? cix_pca_weights(pc)
                                                    : cix_pca_coef_weights(pc),
               J * sizeof(double));
    else if (st == CIX_ENOMEM)
        st = cix_i_nomem(err);
    else
        st = CIX_EUNSUPPORTED; /* the full pipeline reports it */

cleanup:
    cix_pca_free(pc);
    cix_i_free(a, imp);
    cix_i_free(a, neg);
    return st;
}

cix_status cix_i_compute_lean(const cix_panel *p, const cix_options *o, double *w,
                              double *scores, cix_i_lean_norm **keep, cix_i_notes *notes,
                              cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
    int nt = cix_i_threads_resolve(o->nthreads, n * J), need_bufs;
    lean L;
    double *d = NULL;
    size_t *start = NULL; /* per column: its first imputation note (keep) */
    cix_status st = CIX_OK;

    memset(&L, 0, sizeof L);
    L.p = p;
    L.o = o;
    L.n = n;
    L.J = J;
    /* (entropy of min-max columns needs no column buffer) */
    need_bufs = (o->weighting == CIX_WEIGHT_ENTROPY && o->normalization != CIX_NORM_MINMAX) ||
                o->weighting == CIX_WEIGHT_SD || o->weighting == CIX_WEIGHT_CV;
    if ((size_t)nt > J)
        nt = (int)J;
    L.col = cix_i_malloc_array(a, J, sizeof *L.col);
    L.buf1 = cix_i_malloc_array(a, (size_t)nt, sizeof *L.buf1);
    L.buf2 = cix_i_malloc_array(a, (size_t)nt, sizeof *L.buf2);
    d = cix_i_malloc_array(a, J, sizeof *d);
    if (!L.col || !L.buf1 || !L.buf2 || !d) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (int t = 0; t < nt; t++)
        L.buf1[t] = L.buf2[t] = NULL;
    L.nbuf = nt; /* from here on the cleanup frees the entries */
    for (int t = 0; t < nt && need_bufs; t++) {
        L.buf1[t] = cix_i_malloc_array(a, n, sizeof(double));
        L.buf2[t] = cix_i_malloc_array(a, n, sizeof(double));
        if (!L.buf1[t] || !L.buf2[t]) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
    }

    /* pass 1: per column */
    cix_i_parallel(nt, columns_worker, &L);
    for (size_t j = 0; j < J; j++)
        if (L.col[j].bad) {
            st = CIX_EUNSUPPORTED;
            goto cleanup;
        }
    for (int t = 0; t < nt; t++) {
        cix_i_free(a, L.buf1[t]);
        cix_i_free(a, L.buf2[t]);
        L.buf1[t] = L.buf2[t] = NULL;
    }

    /* the notes of the imputation: one per indicator, and with keep (as
     * the pre-treatment of the full pipeline) first one per cell */
    if (o->impute != CIX_IMPUTE_NONE && notes) {
        notes_job jb;
        size_t total = 0;
        if (!(start = cix_i_malloc_array(a, J, sizeof *start))) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        for (size_t j = 0; j < J; j++) {
            start[j] = total;
            if (L.col[j].missing)
                total += (keep && o->cell_notes ? L.col[j].missing : 0) + 1;
        }
        if (total > 0) {
            /* (a note costs about as much as 64 cells of a pass) */
            int ntn = cix_i_threads_resolve(o->nthreads, total * 64);
            if (!(jb.slots = cix_i_notes_grow(notes, err, total))) {
                st = CIX_ENOMEM;
                goto cleanup;
            }
            jb.L = &L;
            jb.start = start;
            jb.cells = keep != NULL && o->cell_notes;
            cix_i_parallel((size_t)ntn > J ? (int)J : ntn, notes_worker, &jb);
        }
    }

    /* weights (weights.c) */
    if (o->weighting == CIX_WEIGHT_EQUAL) {
        for (size_t j = 0; j < J; j++)
            w[j] = 1.0 / (double)J;
    } else if (o->weighting == CIX_WEIGHT_FIXED) {
        double sum = cix_i_sum(o->fixed_weights, J, NULL);
        for (size_t j = 0; j < J; j++)
            w[j] = o->fixed_weights[j] / sum;
    } else if (o->weighting == CIX_WEIGHT_PCA || o->weighting == CIX_WEIGHT_PCA_COEF) {
        if ((st = lean_pca(&L, nt, w, notes, err)) != CIX_OK)
            goto cleanup;
    } else {
        double dsum;
        for (size_t j = 0; j < J; j++)
            d[j] = L.col[j].d;
        dsum = cix_i_sum(d, J, NULL);
        if (!(dsum > 0)) {
            st = CIX_EUNSUPPORTED;
            goto cleanup;
        }
        for (size_t j = 0; j < J; j++)
            w[j] = d[j] / dsum;
    }

    /* pass 2: scores, per block of rows */
    L.w = w;
    L.s = scores;
    L.c = cix_i_malloc_array(a, n, sizeof(double));
    if (!L.c) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    nt = cix_i_threads_resolve(o->nthreads, n * J);
    if ((size_t)nt > (n + ROW_PIECE - 1) / ROW_PIECE)
        nt = (int)((n + ROW_PIECE - 1) / ROW_PIECE);
    cix_i_parallel(nt, rows_worker, &L);
    for (int t = 0; t < nt; t++)
        if (L.row_bad[t])
            st = CIX_EUNSUPPORTED;

    if (st == CIX_OK && keep) {
        cix_i_lean_norm *k = NULL;
        if (J <= (SIZE_MAX - sizeof *k) / sizeof k->col[0])
            k = cix_i_malloc(a, sizeof *k + J * sizeof k->col[0]);
        if (!k) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        k->normalization = o->normalization;
        k->range_lo = o->range_lo;
        k->range_hi = o->range_hi;
        k->J = J;
        memcpy(k->col, L.col, J * sizeof k->col[0]);
        *keep = k;
    }

cleanup:
    for (int t = 0; t < L.nbuf; t++) {
        cix_i_free(a, L.buf1[t]);
        cix_i_free(a, L.buf2[t]);
    }
    cix_i_free(a, L.buf1);
    cix_i_free(a, L.buf2);
    cix_i_free(a, L.col);
    cix_i_free(a, L.c);
    cix_i_free(a, d);
    cix_i_free(a, start);
    return st;
}
