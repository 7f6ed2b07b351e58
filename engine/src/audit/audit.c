/*
 * Statistical audit (METHODS.md §7) of the pre-treated, oriented x of a
 * panel, over all its rows:
 *  - Pearson R and Spearman (Pearson of average-tie ranks) matrices;
 *  - KMO overall and per indicator from the anti-image of R (R^-1 by
 *    Cholesky); a singular R is an error naming the collinear indicators
 *    (the entries of the eigenvector of the ~0 eigenvalue);
 *  - Bartlett: chi2 = -(n - 1 - (2J + 5)/6) ln|R|, df = J(J-1)/2, p =
 *    Q(df/2, chi2/2), ln|R| from the Cholesky factor;
 *  - Cronbach's alpha = J/(J-1) (1 - sum_j var y_j / var sum_j y_j) on the
 *    normalized y of the options (variances with n - 1; the divisor
 *    cancels);
 *  - skewness g1 = m3 / m2^1.5 and excess kurtosis g2 = m4 / m2^2 - 3,
 *    population moments of the raw (un-oriented) x;
 *  - flags: KMO < 0.5, Bartlett p >= 0.05, JRC outliers (|g1| > 2 and
 *    g2 > 3.5), |r| > 0.92 with another indicator, r < 0 with an indicator
 *    of the same group.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

struct cix_audit {
    cix_allocator alloc;
    size_t J, n;
    double *pearson, *spearman; /* J x J */
    double *kmo_ind, *skew, *kurt;
    unsigned *flags;
    double kmo, chisq, df, p, alpha;
    unsigned overall;
};

void cix_audit_free(cix_audit *a)
{
    cix_allocator al;
    if (!a)
        return;
    al = a->alloc;
    cix_i_free(&al, a->pearson);
    cix_i_free(&al, a->spearman);
    cix_i_free(&al, a->kmo_ind);
    cix_i_free(&al, a->skew);
    cix_i_free(&al, a->kurt);
    cix_i_free(&al, a->flags);
    cix_i_free(&al, a);
}

typedef struct vi {
    double v;
    size_t i;
} vi;

static int cmp_vi(const void *a, const void *b)
{
    const vi *x = a, *y = b;
    if (x->v < y->v)
        return -1;
    if (x->v > y->v)
        return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Average-tie ranks (1..n) of x[0..n) into r; s is scratch of n pairs. */
static void average_ranks(const double *x, size_t n, vi *s, double *r)
{
    for (size_t i = 0; i < n; i++) {
        s[i].v = x[i];
        s[i].i = i;
    }
    qsort(s, n, sizeof *s, cmp_vi);
    for (size_t i = 0; i < n;) {
        size_t k = i + 1;
        double rank;
        while (k < n && s[k].v == s[i].v)
            k++;
        rank = 0.5 * ((double)(i + 1) + (double)k); /* mean of i+1 .. k */
        for (size_t t = i; t < k; t++)
            r[s[t].i] = rank;
        i = k;
    }
}

/* Variance (n - 1) of x[0..n) by two compensated passes; t scratch. */
static double variance(const double *x, size_t n, double *t)
{
    double mu = cix_i_sum(x, n, NULL) / (double)n;
    for (size_t i = 0; i < n; i++)
        t[i] = x[i] - mu;
    mu += cix_i_sum(t, n, NULL) / (double)n;
    for (size_t i = 0; i < n; i++)
        t[i] = (x[i] - mu) * (x[i] - mu);
    return cix_i_sum(t, n, NULL) / (double)(n - 1);
}

static cix_status audit_run(const cix_panel *p, const cix_options *o, const size_t *group,
                            cix_audit **out, cix_error *err);

cix_status cix_audit_compute(const cix_panel *p, const cix_options *o, const size_t *group,
                             cix_audit **out, cix_error *err)
{
    cix_panel *q = NULL;
    cix_options oq;
    const char *msg;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_audit_compute: out is NULL");
    *out = NULL;
    if (!p || !o)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_audit_compute: panel and options are required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    /* pre-treatment (imputation, transforms, outliers) on a copy */
    if ((st = cix_i_pretreat_keep_indicators(p, o, &q, &oq, err)) != CIX_OK)
        return st;
    st = audit_run(q ? q : p, &oq, group, out, err);
    cix_panel_free(q);
    return st;
}

static cix_status audit_run(const cix_panel *p, const cix_options *o, const size_t *group,
                            cix_audit **out, cix_error *err)
{
    const cix_allocator *al;
    cix_audit *au = NULL;
    cix_options oo;
    cix_i_scope s;
    int scope_built = 0;
    size_t n, J;
    double *xo = NULL, *rk = NULL, *ev = NULL, *V = NULL, *y = NULL, *t = NULL,
           *tot = NULL, logdet;
    vi *pairs = NULL;
    const char *msg;
    cix_status st = CIX_OK;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_audit_compute: out is NULL");
    *out = NULL;
    if (!p || !o)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_audit_compute: panel and options are required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    n = cix_panel_nrows(p);
    J = cix_panel_nindicators(p);
    if (J < 2 || n < 3)
        return cix_i_fail(err, CIX_EINVAL,
                          "the audit needs at least 2 indicators and 3 rows, and the "
                          "panel has %zu indicator%s and %zu row%s",
                          J, J == 1 ? "" : "s", n, n == 1 ? "" : "s");
    al = cix_i_panel_allocator(p);
    au = cix_i_malloc(al, sizeof *au);
    if (!au)
        return cix_i_nomem(err);
    memset(au, 0, sizeof *au);
    au->alloc = *al;
    au->J = J;
    au->n = n;
    au->pearson = cix_i_malloc_array(al, J, J * sizeof(double));
    au->spearman = cix_i_malloc_array(al, J, J * sizeof(double));
    au->kmo_ind = cix_i_malloc_array(al, J, sizeof(double));
    au->skew = cix_i_malloc_array(al, J, sizeof(double));
    au->kurt = cix_i_malloc_array(al, J, sizeof(double));
    au->flags = cix_i_malloc_array(al, J, sizeof(unsigned));
    xo = cix_i_malloc_array(al, n, J * sizeof(double));
    rk = cix_i_malloc_array(al, n, J * sizeof(double));
    y = cix_i_malloc_array(al, n, J * sizeof(double));
    ev = cix_i_malloc_array(al, J, sizeof(double));
    V = cix_i_malloc_array(al, J, J * sizeof(double));
    t = cix_i_malloc_array(al, n > J ? n : J, sizeof(double));
    tot = cix_i_malloc_array(al, n, sizeof(double));
    pairs = cix_i_malloc_array(al, n, sizeof(vi));
    if (!au->pearson || !au->spearman || !au->kmo_ind || !au->skew || !au->kurt ||
        !au->flags || !xo || !rk || !y || !ev || !V || !t || !tot || !pairs) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    memset(au->flags, 0, J * sizeof(unsigned));

    /* every cell present */
    for (size_t j = 0; j < J; j++) {
        const double *x = cix_panel_column_const(p, j);
        for (size_t r = 0; r < n; r++) {
            if (isnan(x[r])) {
                st = cix_i_fail(err, CIX_EDATA,
                                "the cell is missing, and the audit needs every cell: "
                                "impute missing values first (--impute mean|median|"
                                "interp|locf)");
                cix_i_err_cell(err, p, r, j);
                goto cleanup;
            }
        }
    }

    /* oriented x over all rows */
    oo = *o;
    if (oo.scope == CIX_SCOPE_YEAR)
        oo.scope = CIX_SCOPE_POOLED;
    if ((st = cix_i_scope_build(p, &oo, &s, err)) != CIX_OK)
        goto cleanup;
    scope_built = 1;
    if ((st = cix_i_orient(p, &oo, &s, xo, err)) != CIX_OK)
        goto cleanup;

    /* correlations */
    if ((st = cix_i_correlation(p, xo, n, J, al, au->pearson, NULL, err)) != CIX_OK)
        goto cleanup;
    for (size_t j = 0; j < J; j++)
        average_ranks(xo + j * n, n, pairs, rk + j * n);
    if ((st = cix_i_correlation(p, rk, n, J, al, au->spearman, NULL, err)) != CIX_OK)
        goto cleanup;

    /* singular R: name the collinear indicators */
    if ((st = cix_i_eigen_sym(au->pearson, J, al, ev, V, err)) != CIX_OK)
        goto cleanup;
    if (ev[J - 1] <= 1e-12 * ev[0]) {
        char names[CIX_ERROR_MESSAGE_MAX / 2];
        size_t first = 0;
        cix_i_collinear_names(p, V + (J - 1) * J, J, names, sizeof names, &first);
        st = cix_i_fail(err, CIX_ENUMERIC,
                        "the correlation matrix is singular (smallest eigenvalue %.3g): "
                        "indicators %s are collinear, and KMO needs the inverse of R; "
                        "drop one of them",
                        ev[J - 1], names);
        cix_i_err_indicator(err, cix_panel_indicator(p, first));
        goto cleanup;
    }
    if ((st = cix_i_kmo(au->pearson, J, al, &au->kmo, au->kmo_ind, &logdet, err)) != CIX_OK)
        goto cleanup;
    au->df = (double)J * ((double)J - 1.0) / 2.0;
    au->chisq = -((double)n - 1.0 - (2.0 * (double)J + 5.0) / 6.0) * logdet;
    au->p = cix_i_chisq_upper(au->chisq, au->df);

    /* Cronbach's alpha on the normalized y */
    if ((st = cix_normalize(p, o, y, err)) != CIX_OK)
        goto cleanup;
    {
        double sv = 0.0, vt;
        for (size_t j = 0; j < J; j++) {
            ev[j] = variance(y + j * n, n, t);
        }
        sv = cix_i_sum(ev, J, NULL);
        for (size_t r = 0; r < n; r++) {
            for (size_t j = 0; j < J; j++)
                t[j] = y[r + j * n];
            tot[r] = cix_i_sum(t, J, NULL);
        }
        vt = variance(tot, n, t);
        au->alpha = vt > 0 ? (double)J / ((double)J - 1.0) * (1.0 - sv / vt) : NAN;
        if (isnan(sv))
            au->alpha = NAN;
    }

    /* moments of the raw x */
    for (size_t j = 0; j < J; j++) {
        const double *x = cix_panel_column_const(p, j);
        double mu = cix_i_sum(x, n, NULL) / (double)n, m2, m3, m4;
        for (size_t r = 0; r < n; r++)
            t[r] = x[r] - mu;
        mu += cix_i_sum(t, n, NULL) / (double)n;
        for (size_t r = 0; r < n; r++) {
            double dv = x[r] - mu;
            t[r] = dv * dv;
        }
        m2 = cix_i_sum(t, n, NULL) / (double)n;
        for (size_t r = 0; r < n; r++)
            t[r] *= x[r] - mu;
        m3 = cix_i_sum(t, n, NULL) / (double)n;
        for (size_t r = 0; r < n; r++)
            t[r] *= x[r] - mu;
        m4 = cix_i_sum(t, n, NULL) / (double)n;
        au->skew[j] = m3 / pow(m2, 1.5);
        au->kurt[j] = m4 / (m2 * m2) - 3.0;
    }

    /* flags */
    for (size_t j = 0; j < J; j++) {
        if (au->kmo_ind[j] < 0.5)
            au->flags[j] |= CIX_AUDIT_KMO_LOW;
        if (fabs(au->skew[j]) > 2.0 && au->kurt[j] > 3.5)
            au->flags[j] |= CIX_AUDIT_OUTLIERS;
        for (size_t k = 0; k < J; k++) {
            double r = au->pearson[j + k * J];
            if (k == j)
                continue;
            if (fabs(r) > 0.92)
                au->flags[j] |= CIX_AUDIT_COLLINEAR;
            if (r < 0 && (!group || group[j] == group[k]))
                au->flags[j] |= CIX_AUDIT_NEGATIVE_IN_GROUP;
        }
        au->overall |= au->flags[j] & ~(unsigned)CIX_AUDIT_KMO_LOW;
    }
    if (au->kmo < 0.5)
        au->overall |= CIX_AUDIT_KMO_LOW;
    if (!(au->p < 0.05))
        au->overall |= CIX_AUDIT_BARTLETT_NS;

cleanup:
    if (scope_built)
        cix_i_scope_free(p, &s);
    cix_i_free(al, xo);
    cix_i_free(al, rk);
    cix_i_free(al, y);
    cix_i_free(al, ev);
    cix_i_free(al, V);
    cix_i_free(al, t);
    cix_i_free(al, tot);
    cix_i_free(al, pairs);
    if (st != CIX_OK) {
        cix_audit_free(au);
        return st;
    }
    *out = au;
    return CIX_OK;
}

size_t cix_audit_nindicators(const cix_audit *a)
{
    return a ? a->J : 0;
}

const double *cix_audit_pearson(const cix_audit *a)
{
    return a ? a->pearson : NULL;
}

const double *cix_audit_spearman(const cix_audit *a)
{
    return a ? a->spearman : NULL;
}

double cix_audit_kmo(const cix_audit *a)
{
    return a ? a->kmo : NAN;
}

const double *cix_audit_kmo_indicator(const cix_audit *a)
{
    return a ? a->kmo_ind : NULL;
}

double cix_audit_bartlett_chisq(const cix_audit *a)
{
    return a ? a->chisq : NAN;
}

double cix_audit_bartlett_df(const cix_audit *a)
{
    return a ? a->df : NAN;
}

double cix_audit_bartlett_p(const cix_audit *a)
{
    return a ? a->p : NAN;
}

double cix_audit_cronbach_alpha(const cix_audit *a)
{
    return a ? a->alpha : NAN;
}

const double *cix_audit_skewness(const cix_audit *a)
{
    return a ? a->skew : NULL;
}

const double *cix_audit_kurtosis(const cix_audit *a)
{
    return a ? a->kurt : NULL;
}

const unsigned *cix_audit_flags(const cix_audit *a)
{
    return a ? a->flags : NULL;
}

unsigned cix_audit_overall_flags(const cix_audit *a)
{
    return a ? a->overall : 0;
}
