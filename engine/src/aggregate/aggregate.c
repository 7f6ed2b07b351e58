/*
 * Aggregation (METHODS.md §5): one score per row from the row's normalized
 * values y and its weights w.
 *
 *   linear     s = Σ w_j y_j                       (aggregate/linear.c)
 *   geometric  s = Π y_j^w_j = exp(Σ w_j ln y_j)    y > 0
 *   harmonic   s = 1 / Σ (w_j / y_j)                y > 0
 *   power      s = (Σ w_j y_j^p)^(1/p), p != 0      y >= 0 for p > 0, y > 0 for p < 0
 *   topsis     s = D⁻ / (D⁺ + D⁻)                   ideal points from the scope
 *
 * The weights sum to 1, so every mean lies between the row's smallest and
 * largest y. An indicator whose weight is exactly 0 in a row's weights does
 * not enter that row's score at all (0·ln y, 0/y and 0·y^p are taken as 0,
 * and a dropped indicator's missing column is not an error).
 */
#include <math.h>

#include "../internal.h"

/* Which rule a row's y must satisfy, and how to say it. */
typedef enum domain { DOMAIN_ANY, DOMAIN_NONNEG, DOMAIN_POSITIVE } domain;

static cix_status missing_cell(const cix_panel *p, size_t r, size_t j, const char *method,
                               cix_error *err)
{
    cix_i_fail(err, CIX_EDATA,
               "the normalized value is missing, and %s aggregation needs every weighted "
               "indicator of every row: impute the missing cells (--impute mean, median, "
               "interp or locf), or drop the indicator or the region",
               method);
    cix_i_err_cell(err, p, r, j);
    return CIX_EDATA;
}

/*
 * Checks that every weighted cell of y is present and inside the domain;
 * on failure names the first bad cell and counts the others.
 */
static cix_status check_domain(const cix_panel *p, const cix_options *o, const double *y,
                               const double *w, const int32_t *group, domain dom,
                               cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    size_t bad = 0, br = 0, bj = 0;
    const char *method = cix_aggregation_name(o->aggregation);

    for (size_t j = 0; j < nind; j++) {
        const double *yj = y + j * n;
        for (size_t r = 0; r < n; r++) {
            const double *wr = w + (group ? (size_t)group[r] * nind : 0);
            double v = yj[r];
            if (wr[j] == 0.0)
                continue;
            if (isnan(v))
                return missing_cell(p, r, j, method, err);
            if ((dom == DOMAIN_POSITIVE && !(v > 0)) || (dom == DOMAIN_NONNEG && !(v >= 0))) {
                if (bad++ == 0) {
                    br = r;
                    bj = j;
                }
            }
        }
    }
    if (bad) {
        char pbuf[CIX_DOUBLE_BUFSIZE], vbuf[CIX_DOUBLE_BUFSIZE];
        const char *need = dom == DOMAIN_POSITIVE ? "> 0" : ">= 0";
        cix_format_double(y[bj * n + br], vbuf);
        if (o->aggregation == CIX_AGG_POWER) {
            cix_format_double(o->power, pbuf);
            cix_i_fail(err, CIX_EDATA,
                       "normalized value %s, but power aggregation with p = %s needs every "
                       "normalized value %s (%zu cell(s) are not); normalize min-max to a "
                       "positive range such as [1,100] (--range 1,100), or shift the data "
                       "so every value is positive",
                       vbuf, pbuf, need, bad);
        } else {
            cix_i_fail(err, CIX_EDATA,
                       "normalized value %s, but %s aggregation needs every normalized "
                       "value %s (%zu cell(s) are not); normalize min-max to a positive "
                       "range such as [1,100] (--range 1,100), or shift the data so every "
                       "value is positive",
                       vbuf, method, need, bad);
        }
        cix_i_err_cell(err, p, br, bj);
        return CIX_EDATA;
    }
    return CIX_OK;
}

/* Geometric, harmonic and power means of each row; y already checked. */
static cix_status means(const cix_panel *p, const cix_options *o, const double *y,
                        const double *w, const int32_t *group, double *s, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    const cix_allocator *a = cix_i_panel_allocator(p);
    double *term = cix_i_malloc_array(a, nind ? nind : 1, sizeof(double));
    double pw = o->power;

    if (!term)
        return cix_i_nomem(err);
    for (size_t r = 0; r < n; r++) {
        const double *wr = w + (group ? (size_t)group[r] * nind : 0);
        double t, m = 0.0;
        /* geometric and power means are computed on y / m, m the row's
         * largest weighted y: no overflow for large y or p, and a row of
         * equal values gives that value exactly (the weights sum to 1) */
        for (size_t j = 0; j < nind; j++)
            if (wr[j] != 0.0 && y[j * n + r] > m)
                m = y[j * n + r];
        if (!(m > 0))
            m = 1.0; /* power with p > 0 and a row of zeros */
        for (size_t j = 0; j < nind; j++) {
            double v = y[j * n + r];
            if (wr[j] == 0.0) {
                term[j] = 0.0;
                continue;
            }
            switch (o->aggregation) {
            case CIX_AGG_GEOMETRIC:
                term[j] = wr[j] * log(v / m);
                break;
            case CIX_AGG_HARMONIC:
                term[j] = wr[j] / v;
                break;
            default: /* power */
                v /= m;
                term[j] = wr[j] * (pw == 1.0 ? v : pw == 2.0 ? v * v : pow(v, pw));
                break;
            }
        }
        t = cix_i_sum(term, nind, NULL);
        switch (o->aggregation) {
        case CIX_AGG_GEOMETRIC:
            s[r] = m * exp(t);
            break;
        case CIX_AGG_HARMONIC:
            s[r] = 1.0 / t;
            break;
        default:
            s[r] = m * (pw == 1.0 ? t : pw == 2.0 ? sqrt(t) : pow(t, 1.0 / pw));
            break;
        }
    }
    cix_i_free(a, term);
    return CIX_OK;
}

/* 1 if the ideal best of column j is its minimum: a cost column under a
 * normalization that does not orient (none, vector). */
static int best_is_min(const cix_options *o, size_t j)
{
    if (o->normalization != CIX_NORM_NONE && o->normalization != CIX_NORM_VECTOR)
        return 0;
    return o->directions && j < o->ndirections && o->directions[j].kind == CIX_DIR_COST;
}

/*
 * TOPSIS. v_ij = w_j y_ij with the row's weights; the ideal points of a row
 * are taken over the rows of its scope group. As the weights are >= 0,
 * max_i w_j y_ij = w_j max_i y_ij, so the per-group extremes of y are
 * computed once and scaled by each row's weights.
 */
static cix_status topsis(const cix_panel *p, const cix_options *o, const double *y,
                         const double *w, const int32_t *group, const cix_i_scope *s,
                         double *scores, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t ng = s->ngroups;
    double *ymax = NULL, *ymin = NULL, *dp = NULL, *dm = NULL;
    cix_status st = CIX_OK;

    ymax = cix_i_malloc_array(a, ng, nind * sizeof(double));
    ymin = cix_i_malloc_array(a, ng, nind * sizeof(double));
    dp = cix_i_malloc_array(a, nind ? nind : 1, sizeof(double));
    dm = cix_i_malloc_array(a, nind ? nind : 1, sizeof(double));
    if (!ymax || !ymin || !dp || !dm) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    /* extremes of y over each scope group (every cell of a group must be
     * present: the ideal points are over all of its rows) */
    for (size_t g = 0; g < ng; g++) {
        for (size_t j = 0; j < nind; j++) {
            double hi = -INFINITY, lo = INFINITY;
            const double *yj = y + j * n;
            for (size_t k = s->start[g]; k < s->start[g + 1]; k++) {
                size_t r = s->order[k];
                const double *wr = w + (group ? (size_t)group[r] * nind : 0);
                double v = yj[r];
                if (isnan(v)) {
                    if (wr[j] == 0.0)
                        continue;
                    st = missing_cell(p, r, j, "topsis", err);
                    goto cleanup;
                }
                if (v > hi)
                    hi = v;
                if (v < lo)
                    lo = v;
            }
            ymax[g * nind + j] = hi;
            ymin[g * nind + j] = lo;
        }
    }
    for (size_t r = 0; r < n; r++) {
        const double *wr = w + (group ? (size_t)group[r] * nind : 0);
        size_t g = s->apply ? (size_t)s->apply[r] : 0;
        double sp, sm;
        for (size_t j = 0; j < nind; j++) {
            double v = y[j * n + r], best, worst;
            if (wr[j] == 0.0) {
                dp[j] = dm[j] = 0.0;
                continue;
            }
            if (isnan(v)) {
                st = missing_cell(p, r, j, "topsis", err);
                goto cleanup;
            }
            if (best_is_min(o, j)) {
                best = ymin[g * nind + j];
                worst = ymax[g * nind + j];
            } else {
                best = ymax[g * nind + j];
                worst = ymin[g * nind + j];
            }
            /* w (v - best), squared: the weighted distance per column */
            dp[j] = wr[j] * (v - best);
            dp[j] *= dp[j];
            dm[j] = wr[j] * (v - worst);
            dm[j] *= dm[j];
        }
        sp = sqrt(cix_i_sum(dp, nind, NULL));
        sm = sqrt(cix_i_sum(dm, nind, NULL));
        if (!(sp + sm > 0)) {
            cix_i_fail(err, CIX_EDEGENERATE,
                       "topsis: the row is at both the ideal best and the ideal worst point "
                       "(D+ = D- = 0), so its relative closeness is undefined; this happens "
                       "when every weighted indicator is constant over the scope: drop the "
                       "constant indicators or use another aggregation");
            cix_i_err_region(err, cix_panel_row_region(p, r));
            cix_i_err_year(err, cix_panel_row_year(p, r));
            st = CIX_EDEGENERATE;
            goto cleanup;
        }
        scores[r] = sm / (sp + sm);
    }

cleanup:
    cix_i_free(a, ymax);
    cix_i_free(a, ymin);
    cix_i_free(a, dp);
    cix_i_free(a, dm);
    return st;
}

cix_status cix_i_aggregate(const cix_panel *p, const cix_options *o, const double *y,
                           const double *w, const int32_t *group, const cix_i_scope *s,
                           double *scores, cix_error *err)
{
    cix_status st;

    if (!p || !o || !y || !w || !scores)
        return cix_i_fail(err, CIX_EINVAL, "aggregation: panel, options, y, w and scores "
                                           "are required");
    switch (o->aggregation) {
    case CIX_AGG_LINEAR:
        return cix_i_aggregate_linear(p, y, w, group, scores, err);
    case CIX_AGG_GEOMETRIC:
    case CIX_AGG_HARMONIC:
        st = check_domain(p, o, y, w, group, DOMAIN_POSITIVE, err);
        break;
    case CIX_AGG_POWER:
        if (!isfinite(o->power) || o->power == 0)
            return cix_i_fail(err, CIX_EINVAL,
                              "power aggregation: the exponent p must be finite and not 0 "
                              "(use geometric for the limit p -> 0)");
        st = check_domain(p, o, y, w, group, o->power < 0 ? DOMAIN_POSITIVE : DOMAIN_NONNEG,
                          err);
        break;
    case CIX_AGG_TOPSIS:
        if (!s)
            return cix_i_fail(err, CIX_EINVAL, "topsis aggregation needs the scope");
        return topsis(p, o, y, w, group, s, scores, err);
    default:
        return cix_i_fail(err, CIX_EINVAL,
                          "unknown aggregation %d (use linear, geometric, harmonic, power "
                          "or topsis)",
                          (int)o->aggregation);
    }
    if (st != CIX_OK)
        return st;
    return means(p, o, y, w, group, scores, err);
}
