/*
 * Weights (METHODS.md §4) over the scope: `equal`, `fixed`, `entropy`, `sd`,
 * `cv`, `critic`, `pca` / `pca-coef` (weights/pca.c), and combined weights.
 *
 * sd / cv, per group and indicator over the present cells: sd with
 * o->ddof by two compensated passes; sd of y, or sd / |mean| of the
 * panel's (pre-treated) x for cv; w = d / sum d.
 * critic: C_j = sigma_j sum_k (1 - r_jk) over the group's rows (complete
 * cells), sigma the sd of y with o->ddof, r the Pearson correlation of y.
 * With scope year and average_weights any per-group method is averaged.
 * Combined (o->combine): a = fixed weights / sum, b = the method's weights;
 * mult a_j b_j / sum a b, linear alpha a + (1 - alpha) b.
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
            return cix_i_scope_fail(err, CIX_EDATA, p, s, j, g, "the indicator has no value",
                               "every cell is missing; fill in the data or drop the "
                               "indicator");
        if (cnt < 2)
            return cix_i_scope_fail(err, CIX_EDEGENERATE, p, s, j, g,
                               "the indicator has a single value",
                               "entropy needs at least two values (1/ln n); fill in "
                               "the data or drop the indicator");
        if (sum == 0)
            return cix_i_scope_fail(err, CIX_EDEGENERATE, p, s, j, g,
                               "the indicator's values sum to 0",
                               "p = y / sum y is undefined; drop the indicator, or use "
                               "--shift or --smooth");
        if (!isfinite(sum))
            return cix_i_scope_fail(err, CIX_ENUMERIC, p, s, j, g,
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
        cix_i_scope_phrase(where, sizeof where, p, s, g);
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

/*
 * Sample standard deviation (ddof 0 or 1) of the present values of column
 * col over the rows of group g, by two compensated passes; t is scratch of
 * the group's size. *cnt receives the number of present values, *mean their
 * mean. A non-finite value fails naming the cell.
 */
static cix_status group_sd(const cix_panel *p, const double *col, size_t j,
                           const cix_i_scope *s, size_t g, int ddof, double *t,
                           size_t *cnt, double *mean, double *sd, cix_error *err)
{
    size_t b = s->start[g], m = s->start[g + 1] - b, k;
    double mu, ss;

    for (size_t i = 0; i < m; i++) {
        size_t r = s->order[b + i];
        t[i] = col[r];
        if (!isnan(t[i]) && !isfinite(t[i])) {
            cix_i_fail(err, CIX_EDATA,
                       "the value is infinite: weights need finite values; fix the cell");
            cix_i_err_cell(err, p, r, j);
            return CIX_EDATA;
        }
    }
    mu = cix_i_sum(t, m, &k);
    *cnt = k;
    if (k == 0) {
        *mean = *sd = NAN;
        return CIX_OK;
    }
    mu /= (double)k;
    for (size_t i = 0; i < m; i++)
        t[i] -= mu;
    mu += cix_i_sum(t, m, NULL) / (double)k;
    for (size_t i = 0; i < m; i++) {
        double dv = col[s->order[b + i]] - mu;
        t[i] = dv * dv; /* NaN stays NaN and is skipped */
    }
    ss = cix_i_sum(t, m, NULL);
    *mean = mu;
    *sd = k > (size_t)ddof ? sqrt(ss / (double)(k - (size_t)ddof)) : NAN;
    return CIX_OK;
}

static cix_status fail_too_few(cix_error *err, const cix_panel *p, const cix_i_scope *s,
                               size_t j, size_t g, size_t cnt)
{
    char tail[160];
    snprintf(tail, sizeof tail,
             "%zu present value%s, and a standard deviation needs at least 2; fill in "
             "the data or drop the indicator",
             cnt, cnt == 1 ? "" : "s");
    return cix_i_scope_fail(err, cnt ? CIX_EDEGENERATE : CIX_EDATA, p, s, j, g,
                       "the indicator has too few values", tail);
}

/* sd (of y) or cv (sd / |mean| of the panel's x) weights of group g. */
static cix_status spread_group(const cix_panel *p, const cix_options *o, const double *y,
                               const cix_i_scope *s, size_t g, double *t, double *d,
                               double *w, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    int cv = o->weighting == CIX_WEIGHT_CV;
    double dsum;
    cix_status st;

    for (size_t j = 0; j < nind; j++) {
        const double *col = cv ? cix_panel_column_const(p, j) : y + j * n;
        double mean, sd;
        size_t cnt;
        if ((st = group_sd(p, col, j, s, g, o->ddof, t, &cnt, &mean, &sd, err)) != CIX_OK)
            return st;
        if (cnt < 2)
            return fail_too_few(err, p, s, j, g, cnt);
        if (cv && mean == 0)
            return cix_i_scope_fail(err, CIX_EDEGENERATE, p, s, j, g,
                               "the indicator's mean is 0",
                               "its coefficient of variation sd/|mean| is undefined; "
                               "use sd weights (-w sd) or measure the indicator on a "
                               "scale with a non-zero mean");
        d[j] = cv ? sd / fabs(mean) : sd;
        if (!isfinite(d[j]))
            return cix_i_scope_fail(err, CIX_ENUMERIC, p, s, j, g,
                               "the indicator's spread overflows",
                               "rescale it (other units) or take logs");
    }
    dsum = cix_i_sum(d, nind, NULL);
    if (!(dsum > 0)) {
        char where[64];
        cix_i_scope_phrase(where, sizeof where, p, s, g);
        cix_i_fail(err, CIX_EDEGENERATE,
                   "every indicator is constant%s, so %s weights are undefined: use "
                   "another weighting (equal or fixed)",
                   where, cv ? "cv" : "sd");
        cix_i_scope_err_group(err, p, s, g);
        return CIX_EDEGENERATE;
    }
    for (size_t j = 0; j < nind; j++)
        w[j] = d[j] / dsum;
    return CIX_OK;
}

/* CRITIC weights of group g: C_j = sigma_j sum_k (1 - r_jk), w = C / sum C,
 * sigma the sd of y (ddof), r the Pearson correlation of y over the group's
 * rows (every cell must be present). */
static cix_status critic_group(const cix_panel *p, const cix_options *o, const double *y,
                               const cix_i_scope *s, size_t g, double *t, double *d,
                               double *w, cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    size_t b = s->start[g], m = s->start[g + 1] - b;
    double *Y = NULL, *R = NULL, csum;
    cix_status st = CIX_OK;

    Y = cix_i_malloc_array(a, m ? m : 1, nind * sizeof(double));
    R = cix_i_malloc_array(a, nind, nind * sizeof(double));
    if (!Y || !R) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < nind; j++) {
        for (size_t i = 0; i < m; i++) {
            size_t r = s->order[b + i];
            double v = y[r + j * n];
            if (isnan(v)) {
                st = cix_i_fail(err, CIX_EDATA,
                                "the cell is missing, and CRITIC weights need every cell "
                                "(correlations): impute missing values first (--impute "
                                "mean|median|interp|locf)");
                cix_i_err_cell(err, p, r, j);
                goto cleanup;
            }
            Y[i + j * m] = v;
        }
    }
    for (size_t j = 0; j < nind; j++) {
        double mean, sd;
        size_t cnt;
        if ((st = group_sd(p, y + j * n, j, s, g, o->ddof, t, &cnt, &mean, &sd, err)) !=
            CIX_OK)
            goto cleanup;
        if (cnt < 2) {
            st = fail_too_few(err, p, s, j, g, cnt);
            goto cleanup;
        }
        d[j] = sd;
    }
    if ((st = cix_i_correlation(p, Y, m, nind, a, R, NULL, err)) != CIX_OK) {
        cix_i_scope_err_group(err, p, s, g);
        goto cleanup;
    }
    for (size_t j = 0; j < nind; j++) {
        for (size_t k = 0; k < nind; k++)
            t[k] = 1.0 - R[j + k * nind];
        d[j] *= cix_i_sum(t, nind, NULL);
    }
    csum = cix_i_sum(d, nind, NULL);
    if (!(csum > 0)) {
        st = cix_i_fail(err, CIX_EDEGENERATE,
                        "every CRITIC information amount is 0 (all indicators perfectly "
                        "correlated), so CRITIC weights are undefined: use another "
                        "weighting");
        goto cleanup;
    }
    for (size_t j = 0; j < nind; j++)
        w[j] = d[j] / csum;

cleanup:
    cix_i_free(a, Y);
    cix_i_free(a, R);
    return st;
}

/* Combined weights (METHODS.md §4): a = fixed weights rescaled, b = w. */
static cix_status combine_weights(const cix_options *o, size_t nind, double *w, double *t,
                                  cix_error *err)
{
    double asum, s;

    if (o->nfixed_weights != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu fixed weights given for %zu indicators: combined weights "
                          "need one fixed weight per indicator, in the panel's order",
                          o->nfixed_weights, nind);
    asum = cix_i_sum(o->fixed_weights, nind, NULL);
    if (!(asum > 0))
        return cix_i_fail(err, CIX_EINVAL,
                          "the fixed weights sum to %g: give non-negative weights with a "
                          "positive sum",
                          asum);
    if (o->combine == CIX_COMBINE_MULT) {
        for (size_t j = 0; j < nind; j++)
            t[j] = (o->fixed_weights[j] / asum) * w[j];
        s = cix_i_sum(t, nind, NULL);
        if (!(s > 0))
            return cix_i_fail(err, CIX_EDEGENERATE,
                              "no indicator has both a positive fixed weight and a "
                              "positive %s weight, so the product a_j b_j / sum a b is "
                              "undefined: use --combine linear:ALPHA",
                              cix_weighting_name(o->weighting));
        for (size_t j = 0; j < nind; j++)
            w[j] = t[j] / s;
    } else {
        double al = o->combine_alpha;
        for (size_t j = 0; j < nind; j++)
            w[j] = al * (o->fixed_weights[j] / asum) + (1.0 - al) * w[j];
    }
    return CIX_OK;
}

cix_status cix_i_weights_groups(const cix_panel *p, const cix_options *o, const double *y,
                                const cix_i_scope *s, double *wg, size_t *ngroups_used,
                                cix_pca **pca, cix_i_notes *notes, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    const cix_allocator *a = cix_i_panel_allocator(p);
    double *t = NULL, *q = NULL, *d = NULL;
    size_t tn = n > nind ? n : nind;
    cix_status st = CIX_OK;

    if (pca)
        *pca = NULL;
    *ngroups_used = 1;
    if (o->weighting == CIX_WEIGHT_EQUAL) {
        for (size_t j = 0; j < nind; j++)
            wg[j] = 1.0 / (double)nind;
        goto combine;
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

    t = cix_i_malloc_array(a, tn, sizeof(double));
    q = cix_i_malloc_array(a, tn, sizeof(double));
    d = cix_i_malloc_array(a, nind, sizeof(double));
    if (!t || !q || !d) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t g = 0; g < s->ngroups; g++) {
        double *w = wg + g * nind;
        switch (o->weighting) {
        case CIX_WEIGHT_SD:
        case CIX_WEIGHT_CV:
            st = spread_group(p, o, y, s, g, t, d, w, err);
            break;
        case CIX_WEIGHT_CRITIC:
            st = critic_group(p, o, y, s, g, t, d, w, err);
            break;
        case CIX_WEIGHT_PCA:
        case CIX_WEIGHT_PCA_COEF: {
            cix_pca *pc = NULL;
            st = cix_i_pca_group(p, o, s, g, &pc, notes, err);
            if (st != CIX_OK) {
                cix_i_scope_err_group(err, p, s, g);
                break;
            }
            memcpy(w,
                   o->weighting == CIX_WEIGHT_PCA ? cix_pca_weights(pc)
                                                  : cix_pca_coef_weights(pc),
                   nind * sizeof(double));
            if (pca && g + 1 == s->ngroups) {
                *pca = pc;
            } else {
                cix_pca_free(pc);
            }
            break;
        }
        default:
            st = entropy_group(p, o, y, s, g, t, q, d, w, err);
            break;
        }
        if (st != CIX_OK)
            goto cleanup;
    }
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

combine:
    if (o->combine != CIX_COMBINE_NONE) {
        if (!t && !(t = cix_i_malloc_array(a, tn, sizeof(double)))) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        for (size_t g = 0; g < *ngroups_used; g++)
            if ((st = combine_weights(o, nind, wg + g * nind, t, err)) != CIX_OK)
                goto cleanup;
    }

cleanup:
    if (st != CIX_OK && pca && *pca) {
        cix_pca_free(*pca);
        *pca = NULL;
    }
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
