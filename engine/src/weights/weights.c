/*
 * Weights (METHODS.md §4): `equal`, `fixed` and `entropy`, over the scope.
 *
 * Entropy, for each group of the scope (all rows for pooled; each year for
 * year; the base year for base:YYYY) and each indicator j, over the n_j
 * present (non-missing) cells of the column in the group:
 *   t_i  = a + (1 - a) (y_i + shift)        (a = smooth; both 0 by default)
 *   p_i  = t_i / sum t
 *   e_j  = -(1 / ln n_j) sum p_i ln p_i     (0 ln 0 = 0)
 *   d_j  = 1 - e_j                          (0 exactly when all t_i are
 *                                            equal; rounding below 0 is 0)
 *   w_j  = d_j / sum_k d_k
 * Every sum is compensated (cix_i_sum), in a fixed order.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

/* " in year 2019", " in base year 2010" or "". */
static void scope_phrase(char *buf, size_t size, const cix_panel *p, const cix_i_scope *s,
                         size_t g)
{
    if (s->kind == CIX_SCOPE_BASE)
        snprintf(buf, size, " in base year %ld", (long)s->base_year);
    else if (s->ngroups > 1)
        snprintf(buf, size, " in year %ld", (long)cix_panel_year_at(p, g));
    else
        buf[0] = '\0';
}

static cix_status fail_column(cix_error *err, cix_status st, const cix_panel *p,
                              const cix_i_scope *s, size_t j, size_t g, const char *head,
                              const char *tail)
{
    char where[64];
    scope_phrase(where, sizeof where, p, s, g);
    cix_i_fail(err, st, "%s%s: %s", head, where, tail);
    cix_i_err_indicator(err, cix_panel_indicator(p, j));
    cix_i_scope_err_group(err, p, s, g);
    return st;
}

/* Entropy weights of group g of the scope into w (J doubles). t and q are
 * scratch buffers of at least the group's size, d of J doubles. */
static cix_status entropy_group(const cix_panel *p, const cix_options *o, const double *y,
                                const cix_i_scope *s, size_t g, double *t, double *q,
                                double *d, double *w, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    size_t b = s->start[g], m = s->start[g + 1] - b;
    double shift = o->entropy_shift, a = o->entropy_smooth, dsum;

    for (size_t j = 0; j < nind; j++) {
        const double *col = y + j * n;
        double sum, e, lo = INFINITY, hi = -INFINITY;
        size_t cnt;

        for (size_t i = 0; i < m; i++) {
            size_t r = s->order[b + i];
            double v = col[r];
            if (isnan(v)) {
                t[i] = v; /* missing: skipped by the sums below */
                continue;
            }
            if (!isfinite(v)) {
                cix_i_fail(err, CIX_EDATA,
                           "the value is infinite: entropy weights need finite values; "
                           "fix the cell");
                cix_i_err_cell(err, p, r, j);
                return CIX_EDATA;
            }
            t[i] = a + (1.0 - a) * (v + shift);
            lo = fmin(lo, t[i]);
            hi = fmax(hi, t[i]);
            if (t[i] < 0) {
                cix_i_fail(err, CIX_EDATA,
                           "value %g is negative, and entropy weights need values >= 0: "
                           "normalize with minmax (-n minmax), or add a shift of at "
                           "least %g (--shift)",
                           v, -v);
                cix_i_err_cell(err, p, r, j);
                return CIX_EDATA;
            }
        }
        sum = cix_i_sum(t, m, &cnt);
        if (cnt == 0)
            return fail_column(err, CIX_EDATA, p, s, j, g, "the indicator has no value",
                               "every cell is missing; fill in the data or drop the "
                               "indicator");
        if (cnt < 2)
            return fail_column(err, CIX_EDEGENERATE, p, s, j, g,
                               "the indicator has a single value",
                               "entropy needs at least two values (1/ln n); fill in "
                               "the data or drop the indicator");
        if (sum == 0)
            return fail_column(err, CIX_EDEGENERATE, p, s, j, g,
                               "the indicator's values sum to 0",
                               "p = y / sum y is undefined; drop the indicator, or use "
                               "--shift or --smooth");
        if (!isfinite(sum))
            return fail_column(err, CIX_ENUMERIC, p, s, j, g,
                               "the indicator's values overflow when summed",
                               "rescale the indicator (e.g. other units) or normalize "
                               "it with minmax");
        if (lo == hi) {
            /* equal values: p_i = 1/n, e = 1 exactly (rounding would leave a
             * d_j of a few ulps that must not turn into a weight) */
            d[j] = 0.0;
            continue;
        }
        for (size_t i = 0; i < m; i++) {
            double pr;
            if (isnan(t[i])) {
                q[i] = t[i];
                continue;
            }
            pr = t[i] / sum;
            q[i] = pr > 0 ? pr * log(pr) : 0.0;
        }
        e = -cix_i_sum(q, m, NULL) / log((double)cnt);
        d[j] = 1.0 - e;
        if (d[j] < 0)
            d[j] = 0.0; /* e <= 1 exactly; only rounding can push it above */
    }
    dsum = cix_i_sum(d, nind, NULL);
    if (!(dsum > 0)) {
        char where[64];
        scope_phrase(where, sizeof where, p, s, g);
        cix_i_fail(err, CIX_EDEGENERATE,
                   "every indicator has the largest possible entropy%s (its values are "
                   "all equal), so all d_j = 0 and entropy weights are undefined: use "
                   "another weighting (equal or fixed)",
                   where);
        cix_i_scope_err_group(err, p, s, g);
        return CIX_EDEGENERATE;
    }
    for (size_t j = 0; j < nind; j++)
        w[j] = d[j] / dsum;
    return CIX_OK;
}

cix_status cix_i_weights_groups(const cix_panel *p, const cix_options *o, const double *y,
                                const cix_i_scope *s, double *wg, size_t *ngroups_used,
                                cix_pca **pca, cix_i_notes *notes, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    const cix_allocator *a = cix_i_panel_allocator(p);
    double *t = NULL, *q = NULL, *d = NULL;

    (void)notes;
    if (pca)
        *pca = NULL;
    cix_status st = CIX_OK;

    *ngroups_used = 1;
    if (o->weighting == CIX_WEIGHT_EQUAL) {
        for (size_t j = 0; j < nind; j++)
            wg[j] = 1.0 / (double)nind;
        return CIX_OK;
    }
    if (o->weighting == CIX_WEIGHT_FIXED) {
        double sum;
        if (o->nfixed_weights != nind)
            return cix_i_fail(err, CIX_EINVAL,
                              "%zu fixed weights given for %zu indicators: give one per "
                              "indicator, in the panel's order",
                              o->nfixed_weights, nind);
        sum = cix_i_sum(o->fixed_weights, nind, NULL);
        for (size_t j = 0; j < nind; j++)
            wg[j] = o->fixed_weights[j] / sum;
        return CIX_OK;
    }

    /* entropy */
    t = cix_i_malloc_array(a, n, sizeof(double));
    q = cix_i_malloc_array(a, n, sizeof(double));
    d = cix_i_malloc_array(a, nind, sizeof(double));
    if (!t || !q || !d) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t g = 0; g < s->ngroups; g++)
        if ((st = entropy_group(p, o, y, s, g, t, q, d, wg + g * nind, err)) != CIX_OK)
            goto cleanup;
    *ngroups_used = s->ngroups;
    if (s->ngroups > 1 && o->average_weights) {
        /* w_j = (1/T) sum_k w_kj, the yearly weights averaged (sum 1 kept) */
        for (size_t j = 0; j < nind; j++) {
            for (size_t g = 0; g < s->ngroups; g++)
                q[g] = wg[g * nind + j];
            d[j] = cix_i_sum(q, s->ngroups, NULL) / (double)s->ngroups;
        }
        memcpy(wg, d, nind * sizeof(double));
        *ngroups_used = 1;
    }

cleanup:
    cix_i_free(a, t);
    cix_i_free(a, q);
    cix_i_free(a, d);
    return st;
}

cix_status cix_weights(const cix_panel *p, const cix_options *o, const double *y,
                       double *w, cix_error *err)
{
    cix_i_scope s;
    double *wg = NULL;
    size_t nind, used;
    const char *msg;
    cix_status st;
    const cix_allocator *a;

    if (!p || !o || !y || !w)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_weights: panel, options, y and w are required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    nind = cix_panel_nindicators(p);
    if (nind == 0 || cix_panel_nrows(p) == 0)
        return cix_i_fail(err, CIX_EINVAL,
                          "the panel is empty (%zu rows, %zu indicators): weights need "
                          "at least one row and one indicator",
                          cix_panel_nrows(p), nind);
    a = cix_i_panel_allocator(p);
    if ((st = cix_i_scope_build(p, o, &s, err)) != CIX_OK)
        return st;
    wg = cix_i_malloc_array(a, s.ngroups, nind * sizeof(double));
    if (!wg) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if ((st = cix_i_weights_groups(p, o, y, &s, wg, &used, NULL, NULL, err)) != CIX_OK)
        goto cleanup;
    /* scope year without averaging: the weights of the last year */
    memcpy(w, wg + (used - 1) * nind, nind * sizeof(double));

cleanup:
    cix_i_free(a, wg);
    cix_i_scope_free(p, &s);
    return st;
}
