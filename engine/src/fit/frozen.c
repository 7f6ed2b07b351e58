/*
 * Frozen statistics: what a fitted model records about each indicator, and
 * normalization and TOPSIS with those statistics instead of the data's.
 *
 * The statistics are taken exactly as cix_normalize takes them (compensated
 * sums in the scope's row order, the same expressions), and the formulas
 * below are the expressions of normalize/normalize.c and
 * aggregate/aggregate.c term for term, so that scoring the fit data with
 * the fitted model reproduces cix_model_compute bit for bit (tested in
 * tests/unit/test_fit.c).
 */
#include <math.h>
#include <string.h>

#include "../model/model_internal.h"

/* min, max, n of the present cells of group 0 of s. */
static void minmax0(const double *col, const cix_i_scope *s, double *lo, double *hi,
                    size_t *n)
{
    size_t k = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = s->start[0]; i < s->start[1]; i++) {
        double v = col[s->order[i]];
        if (isnan(v))
            continue;
        if (v < *lo)
            *lo = v;
        if (v > *hi)
            *hi = v;
        k++;
    }
    *n = k;
}

void cix_i_frozen_collect(const double *x, size_t nrows, const cix_i_scope *s,
                          cix_direction dir, cix_i_frozen *fz, size_t k, double *tmp)
{
    cix_i_ksum sum = {0, 0}, dev = {0, 0}, sq = {0, 0};
    size_t cnt;
    double lo, hi;

    memcpy(tmp, x, nrows * sizeof(double));
    if (dir.kind == CIX_DIR_INTERVAL || dir.kind == CIX_DIR_TARGET) {
        minmax0(tmp, s, &lo, &hi, &cnt);
        fz->dmin[k] = lo;
        fz->dmax[k] = hi;
        for (size_t r = 0; r < nrows; r++) {
            double v = tmp[r];
            if (isnan(v))
                continue;
            if (dir.kind == CIX_DIR_INTERVAL)
                tmp[r] = 1.0 - fmax(fmax(dir.a - v, v - dir.b), 0.0) /
                                   fmax(dir.a - lo, hi - dir.b);
            else
                tmp[r] = 1.0 - fabs(v - dir.a) / fmax(fabs(lo - dir.a), fabs(hi - dir.a));
        }
    }
    minmax0(tmp, s, &lo, &hi, &cnt);
    for (size_t i = s->start[0]; i < s->start[1]; i++) {
        double v = tmp[s->order[i]];
        if (isnan(v))
            continue;
        cix_i_ksum_add(&sum, v);
        cix_i_ksum_add(&sq, v * v);
    }
    fz->n[k] = cnt;
    fz->min[k] = lo;
    fz->max[k] = hi;
    fz->mean[k] = cnt ? cix_i_ksum_get(&sum) / (double)cnt : NAN;
    fz->sumsq[k] = cix_i_ksum_get(&sq);
    if (cnt) {
        for (size_t i = s->start[0]; i < s->start[1]; i++) {
            double v = tmp[s->order[i]];
            if (!isnan(v))
                cix_i_ksum_add(&dev, (v - fz->mean[k]) * (v - fz->mean[k]));
        }
    }
    fz->ss[k] = cix_i_ksum_get(&dev);
}

static double param_or(double given, double fallback)
{
    return isnan(given) ? fallback : given;
}

static double clamp01(double v)
{
    return v < 0 ? 0.0 : v > 1 ? 1.0 : v;
}

static cix_status frozen_fail(cix_error *err, const cix_panel *q, size_t j, cix_status st,
                              const char *msg)
{
    cix_i_fail(err, st, "%s", msg);
    cix_i_err_indicator(err, cix_panel_indicator(q, j));
    return st;
}

cix_status cix_i_frozen_normalize(const cix_panel *q, size_t j, cix_normalization m,
                                  cix_direction dir, const cix_indicator_params *par,
                                  const cix_options *o, const cix_i_frozen *fz, size_t k,
                                  double *y, cix_error *err)
{
    size_t n = cix_panel_nrows(q);
    const double *x = cix_panel_column_const(q, j);
    int cost = dir.kind == CIX_DIR_COST;
    double lo = fz->min[k], hi = fz->max[k];

    memcpy(y, x, n * sizeof(double));
    if (dir.kind == CIX_DIR_INTERVAL || dir.kind == CIX_DIR_TARGET) {
        double dlo = fz->dmin[k], dhi = fz->dmax[k];
        for (size_t r = 0; r < n; r++) {
            double v = y[r];
            if (isnan(v))
                continue;
            if (dir.kind == CIX_DIR_INTERVAL)
                y[r] = 1.0 - fmax(fmax(dir.a - v, v - dir.b), 0.0) /
                                 fmax(dir.a - dlo, dhi - dir.b);
            else
                y[r] = 1.0 - fabs(v - dir.a) / fmax(fabs(dlo - dir.a), fabs(dhi - dir.a));
        }
    }
    switch (m) {
    case CIX_NORM_NONE:
        return CIX_OK;
    case CIX_NORM_MINMAX: {
        double l = o->range_lo, u = o->range_hi;
        for (size_t r = 0; r < n; r++) {
            double v = y[r];
            if (isnan(v))
                continue;
            y[r] = cost ? l + (u - l) * ((hi - v) / (hi - lo))
                        : l + (u - l) * ((v - lo) / (hi - lo));
        }
        return CIX_OK;
    }
    case CIX_NORM_ZSCORE: {
        size_t ddof = o->ddof == 0 ? 0 : 1;
        double mean = fz->mean[k];
        for (size_t r = 0; r < n; r++) {
            double v = y[r], sd;
            if (isnan(v))
                continue;
            sd = sqrt(fz->ss[k] / (double)(fz->n[k] - ddof));
            y[r] = cost ? -(v - mean) / sd : (v - mean) / sd;
        }
        return CIX_OK;
    }
    case CIX_NORM_RATIO_MEAN:
    case CIX_NORM_RATIO_MAX:
    case CIX_NORM_RATIO_MIN:
        for (size_t r = 0; r < n; r++) {
            double v = y[r];
            if (isnan(v))
                continue;
            if (!cost) {
                double den = m == CIX_NORM_RATIO_MEAN ? fz->mean[k]
                             : m == CIX_NORM_RATIO_MAX ? hi
                                                       : lo;
                y[r] = v / den;
            } else {
                double num = m == CIX_NORM_RATIO_MEAN ? fz->mean[k]
                             : m == CIX_NORM_RATIO_MAX ? lo
                                                       : hi;
                if (v == 0) {
                    cix_i_fail(err, CIX_EDATA,
                               "the value is 0 and the ratio normalization divides by it "
                               "for a cost indicator; correct the cell");
                    cix_i_err_cell(err, q, r, j);
                    return CIX_EDATA;
                }
                y[r] = num / v;
            }
        }
        return CIX_OK;
    case CIX_NORM_VECTOR:
        for (size_t r = 0; r < n; r++)
            if (!isnan(y[r]))
                y[r] = y[r] / sqrt(fz->sumsq[k]);
        return CIX_OK;
    case CIX_NORM_TARGET: {
        double t = par->target;
        if (isnan(t))
            return frozen_fail(err, q, j, CIX_EINVAL,
                               "normalization target needs the indicator's target");
        for (size_t r = 0; r < n; r++) {
            double v = y[r], w;
            if (isnan(v))
                continue;
            if (cost) {
                double h = param_or(par->hi, hi);
                w = (h - v) / (h - t);
            } else {
                double l = param_or(par->lo, lo);
                w = (v - l) / (t - l);
            }
            y[r] = o->no_cap ? w : fmin(1.0, w);
        }
        return CIX_OK;
    }
    case CIX_NORM_GOALPOSTS: {
        double l = par->lo, h = par->hi;
        if (isnan(l) || isnan(h))
            return frozen_fail(err, q, j, CIX_EINVAL,
                               "normalization goalposts needs the indicator's Lo and Hi");
        for (size_t r = 0; r < n; r++) {
            double v = y[r];
            if (isnan(v))
                continue;
            y[r] = clamp01(cost ? (h - v) / (h - l) : (v - l) / (h - l));
        }
        return CIX_OK;
    }
    case CIX_NORM_EFFICACY: {
        double xh = param_or(par->satisfactory, cost ? lo : hi);
        double xs = param_or(par->not_allowed, cost ? hi : lo);
        for (size_t r = 0; r < n; r++) {
            double v = y[r];
            if (isnan(v))
                continue;
            if (cost)
                y[r] = 60.0 + 40.0 * ((xs - v) / (xs - xh));
            else
                y[r] = 60.0 + 40.0 * ((v - xs) / (xh - xs));
        }
        return CIX_OK;
    }
    case CIX_NORM_RANK:
    case CIX_NORM_PERCENTILE:
    default:
        return frozen_fail(err, q, j, CIX_EUNSUPPORTED,
                           "rank and percentile normalizations cannot be frozen in a "
                           "fitted model (they need every value of the fit data): use "
                           "minmax, zscore or another normalization");
    }
}

cix_status cix_i_frozen_topsis(const cix_panel *q, const double *y, const double *w,
                               const int *best_min, const double *ymax,
                               const double *ymin, double *scores, cix_error *err)
{
    size_t n = cix_panel_nrows(q), k = cix_panel_nindicators(q);
    const cix_allocator *a = cix_i_panel_allocator(q);
    double *dp = cix_i_malloc_array(a, k ? k : 1, sizeof(double));
    double *dm = cix_i_malloc_array(a, k ? k : 1, sizeof(double));
    cix_status st = CIX_OK;

    if (!dp || !dm) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t r = 0; r < n; r++) {
        double sp, sm;
        for (size_t j = 0; j < k; j++) {
            double v = y[j * n + r], best, worst;
            if (w[j] == 0.0) {
                dp[j] = dm[j] = 0.0;
                continue;
            }
            if (isnan(v)) {
                cix_i_fail(err, CIX_EDATA,
                           "the normalized value is missing, and topsis aggregation needs "
                           "every weighted indicator of every row: impute the missing cells");
                cix_i_err_cell(err, q, r, j);
                st = CIX_EDATA;
                goto cleanup;
            }
            best = best_min[j] ? ymin[j] : ymax[j];
            worst = best_min[j] ? ymax[j] : ymin[j];
            dp[j] = w[j] * (v - best);
            dp[j] *= dp[j];
            dm[j] = w[j] * (v - worst);
            dm[j] *= dm[j];
        }
        sp = sqrt(cix_i_sum(dp, k, NULL));
        sm = sqrt(cix_i_sum(dm, k, NULL));
        if (!(sp + sm > 0)) {
            cix_i_fail(err, CIX_EDEGENERATE,
                       "topsis: the row is at both frozen ideal points (D+ = D- = 0)");
            cix_i_err_region(err, cix_panel_row_region(q, r));
            cix_i_err_year(err, cix_panel_row_year(q, r));
            st = CIX_EDEGENERATE;
            goto cleanup;
        }
        scores[r] = sm / (sp + sm);
    }

cleanup:
    cix_i_free(a, dp);
    cix_i_free(a, dm);
    return st;
}
