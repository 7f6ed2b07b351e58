/*
 * Normalization (METHODS.md §1 and §2): directions, then one of the twelve
 * normalizations, with statistics over the scope (pooled, year, base:YYYY).
 *
 * For each indicator the column is first copied to the output; interval and
 * target-point indicators are turned into benefit values in [0,1] with the
 * min / max of the scope; then the normalization runs on that column with
 * the statistics of the scope group each row applies (pooled: all rows;
 * year: the row's year; base:YYYY: the base year, for every row), turning
 * cost indicators around when the method orients.
 * Missing cells (NaN) are skipped by every statistic and stay NaN.
 * Sums (mean, sums of squares) are compensated and taken in row order.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

/* ---- statistics of a scope group ---------------------------------------- */

/* Statistics of the present cells of one group. */
typedef struct gstat {
    size_t n;       /* present cells */
    double min, max;
    double mean;    /* NaN when n = 0 */
    double ss;      /* sum of squared deviations from the mean */
    double sumsq;   /* sum of x^2 */
} gstat;

static void group_stat(const double *col, const cix_i_scope *s, size_t g, gstat *st)
{
    cix_i_ksum sum = {0, 0}, dev = {0, 0}, sq = {0, 0};
    double lo = INFINITY, hi = -INFINITY;
    size_t k = 0;

    for (size_t i = s->start[g]; i < s->start[g + 1]; i++) {
        double v = col[s->order[i]];
        if (isnan(v))
            continue;
        if (v < lo)
            lo = v;
        if (v > hi)
            hi = v;
        cix_i_ksum_add(&sum, v);
        cix_i_ksum_add(&sq, v * v);
        k++;
    }
    st->n = k;
    st->min = lo;
    st->max = hi;
    st->mean = k ? cix_i_ksum_get(&sum) / (double)k : NAN;
    st->sumsq = cix_i_ksum_get(&sq);
    if (k) {
        for (size_t i = s->start[g]; i < s->start[g + 1]; i++) {
            double v = col[s->order[i]];
            if (!isnan(v))
                cix_i_ksum_add(&dev, (v - st->mean) * (v - st->mean));
        }
    }
    st->ss = cix_i_ksum_get(&dev);
}

static void all_stats(const double *col, const cix_i_scope *s, gstat *st)
{
    for (size_t g = 0; g < s->ngroups; g++)
        group_stat(col, s, g, &st[g]);
}

static size_t group_of(const cix_i_scope *s, size_t r)
{
    return s->apply ? (size_t)s->apply[r] : 0;
}

/* ---- errors -------------------------------------------------------------- */

/* Fails naming the cell (row, j). */
static cix_status fail_cell(cix_error *err, cix_status st, const cix_panel *p, size_t row,
                            size_t j, const char *msg)
{
    cix_i_fail(err, st, "%s", msg);
    cix_i_err_cell(err, p, row, j);
    return st;
}

/* Checks that every group has at least one present value. */
static cix_status check_present(const cix_panel *p, const cix_i_scope *s, size_t j,
                                const gstat *st, cix_error *err)
{
    for (size_t g = 0; g < s->ngroups; g++)
        if (st[g].n == 0)
            return cix_i_scope_fail(err, CIX_EDATA, p, s, j, g,
                              "the indicator has no value",
                              "every cell is missing; fill in the data (--impute) or "
                              "drop the indicator");
    return CIX_OK;
}

/* ---- directions (§1) ---------------------------------------------------- */

/* Interval [a,b]: y = 1 - max(a - x, x - b, 0) / max(a - min, max - b). */
static cix_status apply_interval(const cix_panel *p, const cix_i_scope *s, size_t j,
                                 double a, double b, double *col, const gstat *st,
                                 cix_error *err)
{
    size_t n = cix_panel_nrows(p);
    for (size_t g = 0; g < s->ngroups; g++) {
        double den = fmax(a - st[g].min, st[g].max - b);
        if (!(den > 0)) {
            char msg[CIX_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg,
                     "the interval direction divides by zero, so the indicator cannot "
                     "tell regions apart: drop the indicator (--drop-constant) or check "
                     "the interval [%g,%g]",
                     a, b);
            return cix_i_scope_fail(err, CIX_EDEGENERATE, p, s, j, g,
                              "every value lies inside the interval", msg);
        }
    }
    for (size_t r = 0; r < n; r++) {
        double x = col[r];
        const gstat *q;
        if (isnan(x))
            continue;
        q = &st[group_of(s, r)];
        col[r] = 1.0 - fmax(fmax(a - x, x - b), 0.0) / fmax(a - q->min, q->max - b);
    }
    return CIX_OK;
}

/* Target point t: y = 1 - |x - t| / max|x - t|. */
static cix_status apply_target_point(const cix_panel *p, const cix_i_scope *s, size_t j,
                                     double t, double *col, const gstat *st,
                                     cix_error *err)
{
    size_t n = cix_panel_nrows(p);
    for (size_t g = 0; g < s->ngroups; g++) {
        double den = fmax(fabs(st[g].min - t), fabs(st[g].max - t));
        if (!(den > 0)) {
            char msg[CIX_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg,
                     "the target direction divides by zero, so the indicator cannot "
                     "tell regions apart: drop the indicator (--drop-constant) or check "
                     "the target %g",
                     t);
            return cix_i_scope_fail(err, CIX_EDEGENERATE, p, s, j, g,
                              "every value equals the target", msg);
        }
    }
    for (size_t r = 0; r < n; r++) {
        double x = col[r];
        const gstat *q;
        if (isnan(x))
            continue;
        q = &st[group_of(s, r)];
        col[r] = 1.0 - fabs(x - t) / fmax(fabs(q->min - t), fabs(q->max - t));
    }
    return CIX_OK;
}

/* Copies column j of p into col and applies an interval / target-point
 * direction. *cost receives 1 for a cost indicator (others are benefit from
 * here on). */
static cix_status direct_column(const cix_panel *p, const cix_options *o,
                                const cix_i_scope *s, size_t j, double *col, gstat *st,
                                int *cost, cix_error *err)
{
    const cix_direction *d = o->directions ? &o->directions[j] : NULL;
    cix_direction_kind kind = d ? d->kind : CIX_DIR_BENEFIT;
    cix_status rc;

    memcpy(col, cix_panel_column_const(p, j), cix_panel_nrows(p) * sizeof(double));
    *cost = kind == CIX_DIR_COST;
    if (kind != CIX_DIR_INTERVAL && kind != CIX_DIR_TARGET)
        return CIX_OK;
    all_stats(col, s, st);
    if ((rc = check_present(p, s, j, st, err)) != CIX_OK)
        return rc;
    if (kind == CIX_DIR_INTERVAL)
        return apply_interval(p, s, j, d->a, d->b, col, st, err);
    return apply_target_point(p, s, j, d->a, col, st, err);
}

/* ---- normalizations (§2) ------------------------------------------------- */

/* What a normalization needs besides the column. */
typedef struct nctx {
    const cix_panel *p;
    const cix_options *o;
    const cix_i_scope *s;
    const cix_indicator_params *par; /* NULL = none given */
    size_t j;
    int cost;
    double *col;
    gstat *st;
    double *buf; /* nrows doubles (rank / percentile) */
    cix_error *err;
} nctx;

static cix_status degenerate(const nctx *c, size_t g, const char *head, const char *tail)
{
    return cix_i_scope_fail(c->err, CIX_EDEGENERATE, c->p, c->s, c->j, g, head, tail);
}

/* minmax: l + (u-l)(x-min)/(max-min), or l + (u-l)(max-x)/(max-min) for cost. */
static cix_status norm_minmax(const nctx *c)
{
    size_t n = cix_panel_nrows(c->p);
    double lo = c->o->range_lo, hi = c->o->range_hi;
    for (size_t g = 0; g < c->s->ngroups; g++)
        if (!(c->st[g].max > c->st[g].min))
            return degenerate(c, g, "the indicator is constant",
                              "max = min, so min-max normalization divides by zero; "
                              "drop the indicator (--drop-constant)");
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r];
        const gstat *q;
        if (isnan(x))
            continue;
        q = &c->st[group_of(c->s, r)];
        if (c->cost)
            c->col[r] = lo + (hi - lo) * ((q->max - x) / (q->max - q->min));
        else
            c->col[r] = lo + (hi - lo) * ((x - q->min) / (q->max - q->min));
    }
    return CIX_OK;
}

/* zscore: (x - mean)/sd, sd = sqrt(ss/(n - ddof)); cost -(x - mean)/sd. */
static cix_status norm_zscore(const nctx *c)
{
    size_t n = cix_panel_nrows(c->p);
    size_t ddof = c->o->ddof == 0 ? 0 : 1;
    for (size_t g = 0; g < c->s->ngroups; g++) {
        if (c->st[g].n <= ddof)
            return degenerate(c, g, "the indicator has a single value",
                              "the standard deviation with n - 1 needs two values; "
                              "use --ddof 0 or another normalization");
        if (!(c->st[g].ss > 0))
            return degenerate(c, g, "the indicator is constant",
                              "sd = 0, so the z-score divides by zero; drop the "
                              "indicator (--drop-constant)");
    }
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r], sd;
        const gstat *q;
        if (isnan(x))
            continue;
        q = &c->st[group_of(c->s, r)];
        sd = sqrt(q->ss / (double)(q->n - ddof));
        c->col[r] = c->cost ? -(x - q->mean) / sd : (x - q->mean) / sd;
    }
    return CIX_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Number of v[0..m) < x (lower) or <= x (upper); v ascending. */
static size_t lower_bound(const double *v, size_t m, double x)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t upper_bound(const double *v, size_t m, double x)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Rank of x among the sorted values v[0..m): a value of v gets its average
 * (mid) rank (lo + 1 + hi)/2 over its tied positions lo+1..hi; a value
 * between two values of v (possible only with base:YYYY) is interpolated
 * linearly between their average ranks; below v[0] it is 1, above v[m-1] m.
 */
static double rank_in(const double *v, size_t m, double x)
{
    size_t lo = lower_bound(v, m, x), hi = upper_bound(v, m, x);
    double r1, r2, a, b;
    if (hi > lo)
        return ((double)lo + 1.0 + (double)hi) / 2.0;
    if (lo == 0)
        return 1.0;
    if (lo == m)
        return (double)m;
    a = v[lo - 1];
    b = v[lo];
    r1 = ((double)lower_bound(v, m, a) + 1.0 + (double)lo) / 2.0;
    r2 = ((double)lo + 1.0 + (double)upper_bound(v, m, b)) / 2.0;
    return r1 + (r2 - r1) * ((x - a) / (b - a));
}

/* rank (1..n, ties averaged) or percentile ((rank-1)/(n-1)); cost on -x. */
static cix_status norm_rank(const nctx *c, int percentile)
{
    const cix_i_scope *s = c->s;
    size_t n = cix_panel_nrows(c->p);

    if (c->cost)
        for (size_t r = 0; r < n; r++)
            c->col[r] = -c->col[r];
    if (percentile)
        for (size_t g = 0; g < s->ngroups; g++)
            if (c->st[g].n < 2)
                return degenerate(c, g, "the indicator has a single value",
                                  "the percentile (rank - 1)/(n - 1) needs two values; "
                                  "use rank or drop the indicator");
    for (size_t g = 0; g < s->ngroups; g++) {
        size_t m = 0, from, to;
        for (size_t i = s->start[g]; i < s->start[g + 1]; i++) {
            double v = c->col[s->order[i]];
            if (!isnan(v))
                c->buf[m++] = v;
        }
        qsort(c->buf, m, sizeof(double), cmp_double);
        /* rows that use this group: all rows for base:YYYY, else its own */
        from = s->kind == CIX_SCOPE_BASE ? 0 : s->start[g];
        to = s->kind == CIX_SCOPE_BASE ? n : s->start[g + 1];
        for (size_t i = from; i < to; i++) {
            size_t r = s->kind == CIX_SCOPE_BASE ? i : s->order[i];
            double x = c->col[r], rk;
            if (isnan(x))
                continue;
            rk = rank_in(c->buf, m, x);
            c->col[r] = percentile ? (rk - 1.0) / (double)(m - 1) : rk;
        }
    }
    return CIX_OK;
}

/* ratio-mean x/mean (cost mean/x), ratio-max x/max (cost min/x),
 * ratio-min x/min (cost max/x). */
static cix_status norm_ratio(const nctx *c, cix_normalization m)
{
    size_t n = cix_panel_nrows(c->p);
    const char *what = m == CIX_NORM_RATIO_MEAN ? "mean" : m == CIX_NORM_RATIO_MAX ? "max"
                                                                                  : "min";
    if (!c->cost) {
        for (size_t g = 0; g < c->s->ngroups; g++) {
            const gstat *q = &c->st[g];
            double den = m == CIX_NORM_RATIO_MEAN ? q->mean
                         : m == CIX_NORM_RATIO_MAX ? q->max
                                                   : q->min;
            if (den == 0) {
                char head[64], tail[CIX_ERROR_MESSAGE_MAX];
                snprintf(head, sizeof head, "the %s of the indicator is 0", what);
                snprintf(tail, sizeof tail,
                         "ratio-%s divides by it; use another normalization (minmax, "
                         "zscore) or shift the indicator (--transform IND=log1p-shift)",
                         what);
                return degenerate(c, g, head, tail);
            }
        }
    }
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r];
        const gstat *q;
        if (isnan(x))
            continue;
        q = &c->st[group_of(c->s, r)];
        if (!c->cost) {
            double den = m == CIX_NORM_RATIO_MEAN ? q->mean
                         : m == CIX_NORM_RATIO_MAX ? q->max
                                                   : q->min;
            c->col[r] = x / den;
        } else {
            double num = m == CIX_NORM_RATIO_MEAN ? q->mean
                         : m == CIX_NORM_RATIO_MAX ? q->min
                                                   : q->max;
            if (x == 0) {
                char msg[CIX_ERROR_MESSAGE_MAX];
                snprintf(msg, sizeof msg,
                         "the value is 0 and ratio-%s divides by it for a cost "
                         "indicator; use another normalization (minmax, zscore) or "
                         "correct the cell",
                         what);
                return fail_cell(c->err, CIX_EDATA, c->p, r, c->j, msg);
            }
            c->col[r] = num / x;
        }
    }
    return CIX_OK;
}

/* vector: x / sqrt(sum x^2), not oriented. */
static cix_status norm_vector(const nctx *c)
{
    size_t n = cix_panel_nrows(c->p);
    for (size_t g = 0; g < c->s->ngroups; g++)
        if (!(c->st[g].sumsq > 0))
            return degenerate(c, g, "every value of the indicator is 0",
                              "vector normalization divides by sqrt(sum x^2) = 0; drop "
                              "the indicator (--drop-constant)");
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r];
        if (!isnan(x))
            c->col[r] = x / sqrt(c->st[group_of(c->s, r)].sumsq);
    }
    return CIX_OK;
}

static double param_or(double given, double fallback)
{
    return isnan(given) ? fallback : given;
}

/* Fails for a parameter the method needs but the indicator lacks. */
static cix_status missing_param(const nctx *c, const char *msg)
{
    cix_i_fail(c->err, CIX_EINVAL, "%s", msg);
    cix_i_err_indicator(c->err, cix_panel_indicator(c->p, c->j));
    return CIX_EINVAL;
}

/* target: min(1, (x-lo)/(t-lo)); cost min(1, (hi-x)/(hi-t)); lo/hi from the
 * params or the scope's min/max; no cap with o->no_cap. */
static cix_status norm_target(const nctx *c)
{
    size_t n = cix_panel_nrows(c->p);
    double t = c->par ? c->par->target : NAN;
    double plo = c->par ? c->par->lo : NAN, phi = c->par ? c->par->hi : NAN;

    if (isnan(t))
        return missing_param(c, "normalization target needs the indicator's target t "
                                "(a target column in the model, or params.target)");
    for (size_t g = 0; g < c->s->ngroups; g++) {
        double lo = param_or(plo, c->st[g].min), hi = param_or(phi, c->st[g].max);
        double den = c->cost ? hi - t : t - lo;
        if (den == 0)
            return degenerate(c, g,
                              c->cost ? "the target equals the highest value hi"
                                      : "the target equals the lowest value lo",
                              "normalization target divides by zero; choose another "
                              "target or give goalposts lo/hi");
        if (den < 0) {
            char tail[CIX_ERROR_MESSAGE_MAX];
            snprintf(tail, sizeof tail,
                     "the target %g lies %s %s = %g, so better values would score lower; "
                     "choose a target inside the range or give goalposts lo/hi",
                     t, c->cost ? "above" : "below", c->cost ? "hi" : "lo",
                     c->cost ? hi : lo);
            return cix_i_scope_fail(c->err, CIX_EDATA, c->p, c->s, c->j, g,
                              "the target is on the wrong side", tail);
        }
    }
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r], y;
        const gstat *q;
        if (isnan(x))
            continue;
        q = &c->st[group_of(c->s, r)];
        if (c->cost) {
            double hi = param_or(phi, q->max);
            y = (hi - x) / (hi - t);
        } else {
            double lo = param_or(plo, q->min);
            y = (x - lo) / (t - lo);
        }
        c->col[r] = c->o->no_cap ? y : fmin(1.0, y);
    }
    return CIX_OK;
}

static double clamp01(double v)
{
    return v < 0 ? 0.0 : v > 1 ? 1.0 : v;
}

/* goalposts: clamp((x-lo)/(hi-lo), 0, 1); cost clamp((hi-x)/(hi-lo), 0, 1). */
static cix_status norm_goalposts(const nctx *c)
{
    size_t n = cix_panel_nrows(c->p);
    double lo = c->par ? c->par->lo : NAN, hi = c->par ? c->par->hi : NAN;

    if (isnan(lo) || isnan(hi))
        return missing_param(c, "normalization goalposts needs the indicator's goalposts "
                                "lo and hi (columns lo, hi in the model, or params.lo/hi)");
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r];
        if (isnan(x))
            continue;
        c->col[r] = clamp01(c->cost ? (hi - x) / (hi - lo) : (x - lo) / (hi - lo));
    }
    return CIX_OK;
}

/* efficacy: 60 + 40 (x - x_s)/(x_h - x_s); x_h = satisfactory or the scope's
 * max (cost: min), x_s = not_allowed or the scope's min (cost: max). The cost
 * formula 60 + 40 (x_s - x)/(x_s - x_h) is the same expression. */
static cix_status norm_efficacy(const nctx *c)
{
    size_t n = cix_panel_nrows(c->p);
    double ph = c->par ? c->par->satisfactory : NAN;
    double ps = c->par ? c->par->not_allowed : NAN;

    for (size_t g = 0; g < c->s->ngroups; g++) {
        const gstat *q = &c->st[g];
        double xh = param_or(ph, c->cost ? q->min : q->max);
        double xs = param_or(ps, c->cost ? q->max : q->min);
        if (xh == xs)
            return degenerate(c, g, "the satisfactory and not-allowed values are equal",
                              "the efficacy coefficient divides by x_h - x_s = 0 (a "
                              "constant indicator when they come from the data); drop "
                              "the indicator (--drop-constant) or give both values");
    }
    for (size_t r = 0; r < n; r++) {
        double x = c->col[r], xh, xs;
        const gstat *q;
        if (isnan(x))
            continue;
        q = &c->st[group_of(c->s, r)];
        xh = param_or(ph, c->cost ? q->min : q->max);
        xs = param_or(ps, c->cost ? q->max : q->min);
        if (c->cost)
            c->col[r] = 60.0 + 40.0 * ((xs - x) / (xs - xh));
        else
            c->col[r] = 60.0 + 40.0 * ((x - xs) / (xh - xs));
    }
    return CIX_OK;
}

static cix_status normalize_column(nctx *c)
{
    cix_normalization m = c->o->normalization;
    cix_status rc;

    if (m == CIX_NORM_NONE)
        return CIX_OK;
    all_stats(c->col, c->s, c->st);
    if (m != CIX_NORM_GOALPOSTS && (rc = check_present(c->p, c->s, c->j, c->st, c->err)))
        return rc;
    switch (m) {
    case CIX_NORM_MINMAX:
        return norm_minmax(c);
    case CIX_NORM_ZSCORE:
        return norm_zscore(c);
    case CIX_NORM_RANK:
        return norm_rank(c, 0);
    case CIX_NORM_PERCENTILE:
        return norm_rank(c, 1);
    case CIX_NORM_RATIO_MEAN:
    case CIX_NORM_RATIO_MAX:
    case CIX_NORM_RATIO_MIN:
        return norm_ratio(c, m);
    case CIX_NORM_VECTOR:
        c->cost = 0; /* not oriented */
        return norm_vector(c);
    case CIX_NORM_TARGET:
        return norm_target(c);
    case CIX_NORM_GOALPOSTS:
        return norm_goalposts(c);
    case CIX_NORM_EFFICACY:
        return norm_efficacy(c);
    case CIX_NORM_NONE:
    default:
        return CIX_OK;
    }
}

static cix_status check_lengths(const cix_panel *p, const cix_options *o, cix_error *err)
{
    size_t nind = cix_panel_nindicators(p);
    if (o->directions && o->ndirections != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu directions given for %zu indicators: give one per "
                          "indicator, in the panel's order",
                          o->ndirections, nind);
    if (o->params && o->nparams != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu indicator parameters given for %zu indicators: give one "
                          "per indicator, in the panel's order",
                          o->nparams, nind);
    return CIX_OK;
}

cix_status cix_normalize(const cix_panel *p, const cix_options *o, double *out,
                         cix_error *err)
{
    cix_status st = CIX_OK;
    cix_i_scope s;
    gstat *gs = NULL;
    double *buf = NULL;
    size_t n, nind;
    const char *msg;
    const cix_allocator *a;

    if (!p || !o || !out)
        return cix_i_fail(err, CIX_EINVAL, "cix_normalize: panel, options and out are "
                                           "required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    if ((st = check_lengths(p, o, err)) != CIX_OK)
        return st;
    n = cix_panel_nrows(p);
    nind = cix_panel_nindicators(p);
    a = cix_i_panel_allocator(p);
    if ((st = cix_i_scope_build(p, o, &s, err)) != CIX_OK)
        return st;
    gs = cix_i_malloc_array(a, s.ngroups, sizeof *gs);
    if (o->normalization == CIX_NORM_RANK || o->normalization == CIX_NORM_PERCENTILE)
        buf = cix_i_malloc_array(a, n ? n : 1, sizeof(double));
    if (!gs || ((o->normalization == CIX_NORM_RANK ||
                 o->normalization == CIX_NORM_PERCENTILE) && !buf)) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    for (size_t j = 0; j < nind; j++) {
        nctx c;
        c.p = p;
        c.o = o;
        c.s = &s;
        c.par = o->params ? &o->params[j] : NULL;
        c.j = j;
        c.col = out + j * n;
        c.st = gs;
        c.buf = buf;
        c.err = err;
        if ((st = direct_column(p, o, &s, j, c.col, gs, &c.cost, err)) != CIX_OK)
            goto cleanup;
        if ((st = normalize_column(&c)) != CIX_OK)
            goto cleanup;
    }

cleanup:
    cix_i_free(a, gs);
    cix_i_free(a, buf);
    cix_i_scope_free(p, &s);
    return st;
}

cix_status cix_i_orient(const cix_panel *p, const cix_options *o, const cix_i_scope *s,
                        double *xo, cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    cix_status st = CIX_OK;
    gstat *gs;

    if (o->directions && o->ndirections != nind)
        return check_lengths(p, o, err);
    gs = cix_i_malloc_array(a, s->ngroups ? s->ngroups : 1, sizeof *gs);
    if (!gs)
        return cix_i_nomem(err);
    for (size_t j = 0; j < nind; j++) {
        double *col = xo + j * n;
        int cost;
        if ((st = direct_column(p, o, s, j, col, gs, &cost, err)) != CIX_OK)
            break;
        if (cost)
            for (size_t r = 0; r < n; r++)
                col[r] = -col[r];
    }
    cix_i_free(a, gs);
    return st;
}
