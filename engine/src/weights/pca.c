/*
 * PCA / factor-analysis weights (METHODS.md §4 "pca" and "pca-coef").
 *
 * On the oriented, pre-treated x of the rows of one scope group:
 *  1. R = Pearson correlation (cix_i_correlation: one DSYRK over the
 *     centred, scaled columns);
 *  2. eigenpairs of R by LAPACKE_dsyevr, eigenvalues descending; shares
 *     lambda_k / J (J = trace R);
 *  3. m = --factors, or auto: #{lambda > 1}, then m+1 while the cumulative
 *     share of the first m is below 60 %;
 *  4. unrotated loadings L = V_m diag(sqrt lambda), each column flipped so
 *     its entries sum > 0;
 *  5. varimax with Kaiser normalization (rows scaled to unit communality,
 *     Kaiser's pairwise planar rotations swept over all factor pairs until
 *     no angle exceeds 1e-14 rad, rows scaled back); rotated factors sorted
 *     by decreasing sum of squared loadings (stable), then each flipped so
 *     its loadings sum > 0;
 *  6. factor k(j) = argmax_k Lrot_jk^2 (first on ties), w_j ∝ Lrot_{j,k(j)}^2;
 *  7. pca-coef: u = eigenvectors flipped as in 4, c_j = sum_{k<=m} u_jk
 *     lambda_k / sum_{k<=m} lambda_k, w_j = |c_j| / sum |c|; a negative c_j
 *     is reported (CIX_NOTE_NEGATIVE_COEF).
 * Warnings (CIX_NOTE_WARNING): fewer rows than indicators, a singular R
 * (naming the collinear indicators), KMO < 0.5, Bartlett p >= 0.05, varimax
 * not converged. Nothing here depends on the thread count.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

#define VARIMAX_MAX_SWEEPS 1000
#define VARIMAX_ANGLE_TOL 1e-14

static const char RULE_FIXED[] = "fixed: the number of factors given (--factors)";
static const char RULE_AUTO[] = "auto: the factors with eigenvalue > 1";
static const char RULE_AUTO_EXT[] =
    "auto: the factors with eigenvalue > 1, extended one at a time until their "
    "cumulative share of variance reaches 60%";

struct cix_pca {
    cix_allocator alloc;
    size_t J, m, nrows;
    double *eigenvalues; /* J */
    double *share;       /* J */
    double *loadings;    /* J x m */
    double *rotated;     /* J x m */
    double *weights;     /* J */
    double *coef;        /* J */
    double *coef_weights;/* J */
    size_t *factor_of;   /* J */
    const char *rule;
    int converged;
    size_t iterations;
    double kmo, bartlett_p; /* NaN when not computed */
    cix_i_notes notes;
};

void cix_pca_free(cix_pca *a)
{
    cix_allocator al;
    if (!a)
        return;
    al = a->alloc;
    cix_i_free(&al, a->eigenvalues);
    cix_i_free(&al, a->share);
    cix_i_free(&al, a->loadings);
    cix_i_free(&al, a->rotated);
    cix_i_free(&al, a->weights);
    cix_i_free(&al, a->coef);
    cix_i_free(&al, a->coef_weights);
    cix_i_free(&al, a->factor_of);
    cix_i_notes_free(&a->notes);
    cix_i_free(&al, a);
}

/* Adds a note to the handle's list and to the caller's (may be NULL). */
static cix_status note2(cix_pca *pc, cix_i_notes *notes, cix_error *err, cix_note_kind kind,
                        size_t ind, double after, const char *msg)
{
    cix_status st;
    if ((st = cix_i_notes_add(&pc->notes, err, kind, ind, CIX_NO_ROW, NAN, after, 0, "%s",
                              msg)) != CIX_OK)
        return st;
    return cix_i_notes_add(notes, err, kind, ind, CIX_NO_ROW, NAN, after, 0, "%s", msg);
}

/* Varimax criterion of the J x m matrix A: sum_k [ mean a^4 - (mean a^2)^2 ]. */
static double varimax_criterion(const double *A, size_t J, size_t m)
{
    double v = 0.0;
    for (size_t k = 0; k < m; k++) {
        double s2 = 0.0, s4 = 0.0;
        for (size_t i = 0; i < J; i++) {
            double a2 = A[i + k * J] * A[i + k * J];
            s2 += a2;
            s4 += a2 * a2;
        }
        v += s4 / (double)J - (s2 / (double)J) * (s2 / (double)J);
    }
    return v;
}

/*
 * Varimax with Kaiser normalization of the J x m loadings L into T (same
 * layout). h is scratch of J doubles. Returns 1 when converged.
 */
static int varimax(const double *L, size_t J, size_t m, double *T, double *h,
                   size_t *sweeps)
{
    int converged = 0;
    double crit, prev;
    size_t it, flat = 0;

    memcpy(T, L, J * m * sizeof(double));
    *sweeps = 0;
    if (m < 2)
        return 1;
    for (size_t i = 0; i < J; i++) {
        double s = 0.0;
        for (size_t k = 0; k < m; k++)
            s += L[i + k * J] * L[i + k * J];
        h[i] = sqrt(s);
        if (h[i] > 0)
            for (size_t k = 0; k < m; k++)
                T[i + k * J] /= h[i];
    }
    prev = varimax_criterion(T, J, m);
    for (it = 1; it <= VARIMAX_MAX_SWEEPS; it++) {
        double maxangle = 0.0;
        for (size_t p = 0; p + 1 < m; p++) {
            for (size_t q = p + 1; q < m; q++) {
                double *x = T + p * J, *y = T + q * J;
                double A = 0, B = 0, C = 0, D = 0, num, den, th, c, s;
                for (size_t i = 0; i < J; i++) {
                    double u = x[i] * x[i] - y[i] * y[i], v = 2.0 * x[i] * y[i];
                    A += u;
                    B += v;
                    C += u * u - v * v;
                    D += 2.0 * u * v;
                }
                num = D - 2.0 * A * B / (double)J;
                den = C - (A * A - B * B) / (double)J;
                th = 0.25 * atan2(num, den);
                if (fabs(th) > maxangle)
                    maxangle = fabs(th);
                if (th == 0.0)
                    continue;
                c = cos(th);
                s = sin(th);
                for (size_t i = 0; i < J; i++) {
                    double xi = x[i], yi = y[i];
                    x[i] = c * xi + s * yi;
                    y[i] = -s * xi + c * yi;
                }
            }
        }
        crit = varimax_criterion(T, J, m);
        *sweeps = it;
        if (maxangle <= VARIMAX_ANGLE_TOL) {
            converged = 1;
            break;
        }
        /* at the rounding floor the angles may not get below the tolerance:
         * accept when the criterion no longer moves for 3 sweeps and every
         * angle is tiny */
        if (fabs(crit - prev) <= 1e-15 * fabs(crit) && maxangle < 1e-10) {
            if (++flat >= 3) {
                converged = 1;
                break;
            }
        } else {
            flat = 0;
        }
        prev = crit;
    }
    for (size_t i = 0; i < J; i++)
        if (h[i] > 0)
            for (size_t k = 0; k < m; k++)
                T[i + k * J] *= h[i];
    return converged;
}

/* Flips column k of the J x m matrix M (and of M2 when not NULL) so that
 * its entries sum > 0. */
static void flip_positive(double *M, double *M2, size_t J, size_t k)
{
    double s = 0.0;
    for (size_t i = 0; i < J; i++)
        s += M[i + k * J];
    if (s < 0) {
        for (size_t i = 0; i < J; i++) {
            M[i + k * J] = -M[i + k * J];
            if (M2)
                M2[i + k * J] = -M2[i + k * J];
        }
    }
}

/* The number of factors asked for must not exceed J. */
static cix_status check_factors(const cix_options *o, size_t J, cix_error *err)
{
    if (o->factors > 0 && (size_t)o->factors > J)
        return cix_i_fail(err, CIX_EINVAL,
                          "%d factors asked for, but there are only %zu indicators: use "
                          "--factors between 1 and %zu, or auto",
                          o->factors, J, J);
    return CIX_OK;
}

/*
 * Steps 2-7 on the J x J correlation matrix R of n rows (steps 2-7 of the
 * head comment); names from p. On success *out owns everything; R is not
 * changed.
 */
static cix_status pca_from_R(const cix_panel *p, const cix_options *o, const double *R,
                             size_t n, size_t J, cix_i_notes *notes, cix_pca **out,
                             cix_error *err)
{
    const cix_allocator *al = cix_i_panel_allocator(p);
    cix_pca *pc = NULL;
    double *V = NULL, *h = NULL, *tmp = NULL, lsum, csum, wsum;
    size_t m;
    cix_status st = CIX_OK;
    char msg[512];

    *out = NULL;
    pc = cix_i_malloc(al, sizeof *pc);
    if (!pc)
        return cix_i_nomem(err);
    memset(pc, 0, sizeof *pc);
    pc->alloc = *al;
    cix_i_notes_init(&pc->notes, &pc->alloc);
    pc->J = J;
    pc->nrows = n;
    pc->kmo = NAN;
    pc->bartlett_p = NAN;

    if ((st = check_factors(o, J, err)) != CIX_OK)
        goto cleanup;
    V = cix_i_malloc_array(al, J, J * sizeof(double));
    h = cix_i_malloc_array(al, J, sizeof(double));
    pc->eigenvalues = cix_i_malloc_array(al, J, sizeof(double));
    pc->share = cix_i_malloc_array(al, J, sizeof(double));
    pc->weights = cix_i_malloc_array(al, J, sizeof(double));
    pc->coef = cix_i_malloc_array(al, J, sizeof(double));
    pc->coef_weights = cix_i_malloc_array(al, J, sizeof(double));
    pc->factor_of = cix_i_malloc_array(al, J, sizeof(size_t));
    if (!V || !h || !pc->eigenvalues || !pc->share || !pc->weights || !pc->coef ||
        !pc->coef_weights || !pc->factor_of) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if (n < J) {
        snprintf(msg, sizeof msg,
                 "PCA on %zu rows for %zu indicators: with fewer rows than indicators the "
                 "correlation matrix is singular and the factors are unreliable",
                 n, J);
        if ((st = note2(pc, notes, err, CIX_NOTE_WARNING, (size_t)-1, NAN, msg)) != CIX_OK)
            goto cleanup;
    }
    if ((st = cix_i_eigen_sym(R, J, al, pc->eigenvalues, V, err)) != CIX_OK)
        goto cleanup;
    for (size_t k = 0; k < J; k++)
        pc->share[k] = pc->eigenvalues[k] / (double)J;

    /* number of factors */
    if (o->factors > 0) {
        m = (size_t)o->factors;
        pc->rule = RULE_FIXED;
    } else {
        double cum = 0.0;
        m = 0;
        while (m < J && pc->eigenvalues[m] > 1.0)
            m++;
        pc->rule = RULE_AUTO;
        for (size_t k = 0; k < m; k++)
            cum += pc->share[k];
        while (m < J && cum < 0.6) {
            cum += pc->share[m];
            m++;
            pc->rule = RULE_AUTO_EXT;
        }
    }
    pc->m = m;
    pc->loadings = cix_i_malloc_array(al, J, m * sizeof(double));
    pc->rotated = cix_i_malloc_array(al, J, m * sizeof(double));
    tmp = cix_i_malloc_array(al, J, m * sizeof(double));
    if (!pc->loadings || !pc->rotated || !tmp) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    /* unrotated loadings and sign-fixed eigenvectors (in V) */
    for (size_t k = 0; k < m; k++) {
        double sl = sqrt(fmax(pc->eigenvalues[k], 0.0));
        for (size_t i = 0; i < J; i++)
            pc->loadings[i + k * J] = V[i + k * J] * sl;
        flip_positive(V, pc->loadings, J, k);
    }

    /* pca-coef */
    lsum = 0.0;
    for (size_t k = 0; k < m; k++)
        lsum += pc->eigenvalues[k];
    csum = 0.0;
    for (size_t j = 0; j < J; j++) {
        double c = 0.0;
        for (size_t k = 0; k < m; k++)
            c += V[j + k * J] * pc->eigenvalues[k];
        pc->coef[j] = c / lsum;
        csum += fabs(pc->coef[j]);
    }
    if (!(csum > 0)) {
        st = cix_i_fail(err, CIX_EDEGENERATE,
                        "every principal-component score coefficient is 0, so pca-coef "
                        "weights are undefined: use another weighting");
        goto cleanup;
    }
    for (size_t j = 0; j < J; j++) {
        pc->coef_weights[j] = fabs(pc->coef[j]) / csum;
        if (pc->coef[j] < 0) {
            /* always in the handle; in the run's notes only for pca-coef */
            snprintf(msg, sizeof msg,
                     "indicator '%s' has a negative score coefficient c = %.6g; its "
                     "pca-coef weight is |c| / sum |c|",
                     cix_panel_indicator(p, j), pc->coef[j]);
            if ((st = note2(pc, o->weighting == CIX_WEIGHT_PCA_COEF ? notes : NULL, err,
                            CIX_NOTE_NEGATIVE_COEF, j, pc->coef[j], msg)) != CIX_OK)
                goto cleanup;
        }
    }

    /* varimax, order by explained variance, sign */
    pc->converged = varimax(pc->loadings, J, m, tmp, h, &pc->iterations);
    if (!pc->converged) {
        snprintf(msg, sizeof msg,
                 "the varimax rotation did not converge in %d sweeps; the rotated loadings "
                 "and pca weights may be inexact",
                 VARIMAX_MAX_SWEEPS);
        if ((st = note2(pc, notes, err, CIX_NOTE_WARNING, (size_t)-1, NAN, msg)) != CIX_OK)
            goto cleanup;
    }
    {
        /* stable selection of the columns by decreasing sum of squares */
        for (size_t k = 0; k < m; k++) {
            double e = 0.0;
            for (size_t i = 0; i < J; i++)
                e += tmp[i + k * J] * tmp[i + k * J];
            h[k] = e;
        }
        for (size_t dst = 0; dst < m; dst++) {
            size_t best = (size_t)-1;
            for (size_t k = 0; k < m; k++)
                if (h[k] >= 0 && (best == (size_t)-1 || h[k] > h[best]))
                    best = k;
            memcpy(pc->rotated + dst * J, tmp + best * J, J * sizeof(double));
            h[best] = -1.0;
            flip_positive(pc->rotated, NULL, J, dst);
        }
    }
    wsum = 0.0;
    for (size_t j = 0; j < J; j++) {
        size_t best = 0;
        double bv = -1.0;
        for (size_t k = 0; k < m; k++) {
            double v = pc->rotated[j + k * J] * pc->rotated[j + k * J];
            if (v > bv) {
                bv = v;
                best = k;
            }
        }
        pc->factor_of[j] = best;
        pc->weights[j] = bv;
        wsum += bv;
    }
    if (!(wsum > 0)) {
        st = cix_i_fail(err, CIX_EDEGENERATE,
                        "every squared factor loading is 0, so pca weights are undefined: "
                        "use another weighting");
        goto cleanup;
    }
    for (size_t j = 0; j < J; j++)
        pc->weights[j] /= wsum;

    /* adequacy warnings: singular R, KMO, Bartlett */
    if (pc->eigenvalues[J - 1] <= 1e-12 * pc->eigenvalues[0]) {
        char names[160];
        size_t first = 0;
        cix_i_collinear_names(p, V + (J - 1) * J, J, names, sizeof names, &first);
        snprintf(msg, sizeof msg,
                 "the correlation matrix is singular (collinear indicators: %s), so KMO "
                 "and Bartlett's test are undefined; consider dropping one of them",
                 names);
        if ((st = note2(pc, notes, err, CIX_NOTE_WARNING, first, NAN, msg)) != CIX_OK)
            goto cleanup;
    } else {
        double kmo, logdet, chisq, df;
        cix_error e2;
        st = cix_i_kmo(R, J, al, &kmo, NULL, &logdet, &e2);
        if (st == CIX_ENOMEM) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        if (st == CIX_OK) {
            pc->kmo = kmo;
            chisq = -((double)n - 1.0 - (2.0 * (double)J + 5.0) / 6.0) * logdet;
            df = (double)J * ((double)J - 1.0) / 2.0;
            pc->bartlett_p = J > 1 ? cix_i_chisq_upper(chisq, df) : NAN;
            if (kmo < 0.5) {
                snprintf(msg, sizeof msg,
                         "KMO = %.3f is below 0.5: the indicators share too little "
                         "common variance for factor-analysis weights",
                         kmo);
                if ((st = note2(pc, notes, err, CIX_NOTE_WARNING, (size_t)-1, kmo, msg)) !=
                    CIX_OK)
                    goto cleanup;
            }
            if (pc->bartlett_p >= 0.05) {
                snprintf(msg, sizeof msg,
                         "Bartlett's sphericity test p = %.3g >= 0.05: the correlation "
                         "matrix is not significantly different from the identity",
                         pc->bartlett_p);
                if ((st = note2(pc, notes, err, CIX_NOTE_WARNING, (size_t)-1,
                                pc->bartlett_p, msg)) != CIX_OK)
                    goto cleanup;
            }
        }
        st = CIX_OK;
    }

cleanup:
    cix_i_free(al, V);
    cix_i_free(al, h);
    cix_i_free(al, tmp);
    if (st != CIX_OK) {
        cix_pca_free(pc);
        return st;
    }
    *out = pc;
    return CIX_OK;
}

/* The PCA of the n x J column source src (names from p): check of the
 * factors, the note on fewer rows than indicators, R by
 * cix_i_correlation_src on nthreads threads, then pca_from_R. */
static cix_status pca_source(const cix_panel *p, const cix_options *o,
                             const cix_i_colsrc *src, size_t n, size_t J, int nthreads,
                             cix_i_notes *notes, cix_pca **out, cix_error *err)
{
    const cix_allocator *al = cix_i_panel_allocator(p);
    double *R = NULL;
    cix_status st;

    *out = NULL;
    if ((st = check_factors(o, J, err)) != CIX_OK)
        return st;
    if (!(R = cix_i_malloc_array(al, J, J * sizeof(double))))
        return cix_i_nomem(err);
    if ((st = cix_i_correlation_src(p, src, n, J, al, nthreads, R, NULL, err)) == CIX_OK)
        st = pca_from_R(p, o, R, n, J, notes, out, err);
    cix_i_free(al, R);
    return st;
}

/* The columns of a column-major matrix (ld = n). */
typedef struct matrix_view {
    const double *x;
    size_t n;
} matrix_view;

static void matrix_view_get(const void *ud, size_t j, size_t r0, size_t m, double *dst)
{
    const matrix_view *v = ud;
    memcpy(dst, v->x + j * v->n + r0, m * sizeof(double));
}

/* PCA of the complete n x J column-major matrix X (oriented x). */
static cix_status pca_matrix(const cix_panel *p, const cix_options *o, const double *X,
                             size_t n, size_t J, cix_i_notes *notes, cix_pca **out,
                             cix_error *err)
{
    matrix_view mv;
    cix_i_colsrc src;
    mv.x = X;
    mv.n = n;
    src.get = matrix_view_get;
    src.ud = &mv;
    return pca_source(p, o, &src, n, J, 1, notes, out, err);
}

/* The columns of the panel as the PCA sees them: a missing cell replaced by
 * imp[j] (NULL: none), the column negated when neg[j]. The same operations
 * as the imputation (pretreat.c) and cix_i_orient, so the same bits. */
typedef struct panel_view {
    const cix_panel *p;
    const double *imp;
    const unsigned char *neg;
} panel_view;

CIX_I_SIMD_CLONES static void panel_view_get(const void *ud, size_t j, size_t r0, size_t m,
                                             double *dst)
{
    const panel_view *v = ud;
    const double *x = cix_panel_column_const(v->p, j) + r0;
    double f = v->imp ? v->imp[j] : NAN;
    if (v->neg && v->neg[j]) {
        for (size_t i = 0; i < m; i++) {
            double y = x[i];
            dst[i] = -(isnan(y) ? f : y);
        }
    } else {
        for (size_t i = 0; i < m; i++) {
            double y = x[i];
            dst[i] = isnan(y) ? f : y;
        }
    }
}

cix_status cix_i_pca_view(const cix_panel *p, const cix_options *o, const double *imp,
                          const unsigned char *neg, int nthreads, cix_i_notes *notes,
                          cix_pca **out, cix_error *err)
{
    panel_view pv;
    cix_i_colsrc src;
    pv.p = p;
    pv.imp = imp;
    pv.neg = neg;
    src.get = panel_view_get;
    src.ud = &pv;
    return pca_source(p, o, &src, cix_panel_nrows(p), cix_panel_nindicators(p), nthreads,
                      notes, out, err);
}

cix_status cix_i_pca_group(const cix_panel *p, const cix_options *o, const cix_i_scope *s,
                           size_t g, cix_pca **out, cix_i_notes *notes, cix_error *err)
{
    const cix_allocator *al = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p), m, b;
    double *xo = NULL, *X = NULL;
    cix_status st;

    *out = NULL;
    if (g == (size_t)-1) {
        b = 0;
        m = n;
    } else {
        b = s->start[g];
        m = s->start[g + 1] - b;
    }
    xo = cix_i_malloc_array(al, n, J * sizeof(double));
    X = cix_i_malloc_array(al, m ? m : 1, J * sizeof(double));
    if (!xo || !X) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if ((st = cix_i_orient(p, o, s, xo, err)) != CIX_OK)
        goto cleanup;
    for (size_t j = 0; j < J; j++) {
        for (size_t i = 0; i < m; i++) {
            size_t r = g == (size_t)-1 ? i : s->order[b + i];
            double v = xo[r + j * n];
            if (isnan(cix_panel_value(p, r, j)) || isnan(v)) {
                st = cix_i_fail(err, CIX_EDATA,
                                "the cell is missing, and PCA needs every cell: impute "
                                "missing values first (--impute mean|median|interp|locf)");
                cix_i_err_cell(err, p, r, j);
                goto cleanup;
            }
            X[i + j * m] = v;
        }
    }
    st = pca_matrix(p, o, X, m, J, notes, out, err);

cleanup:
    cix_i_free(al, xo);
    cix_i_free(al, X);
    return st;
}

/* ---- cix_pca_compute without a copy of the panel -------------------------- */

/* 1 when the PCA of cix_pca_compute can read the panel's columns through
 * cix_i_pca_view: no pre-treatment but mean imputation over all rows, only
 * benefit / cost directions, option arrays of the right length. Everything
 * else (and any case with something to report) takes the copying path. */
static int view_supported(const cix_panel *p, const cix_options *o)
{
    size_t J = cix_panel_nindicators(p);
    if (o->impute != CIX_IMPUTE_NONE && o->impute != CIX_IMPUTE_MEAN)
        return 0;
    if (o->drop_constant || o->outliers || o->min_coverage_indicator > 0 ||
        o->min_coverage_region > 0)
        return 0;
    /* the imputation mean is over the scope group; the orientation of
     * benefit / cost columns does not depend on the scope */
    if (o->scope != CIX_SCOPE_POOLED &&
        !(o->scope == CIX_SCOPE_YEAR && o->impute == CIX_IMPUTE_NONE))
        return 0;
    if (o->params) {
        if (o->nparams != J)
            return 0;
        for (size_t j = 0; j < J; j++)
            if (o->params[j].transform != CIX_TRANSFORM_NONE)
                return 0;
    }
    if (o->directions) {
        if (o->ndirections != J)
            return 0;
        for (size_t j = 0; j < J; j++)
            if (o->directions[j].kind != CIX_DIR_BENEFIT &&
                o->directions[j].kind != CIX_DIR_COST)
                return 0;
    }
    return 1;
}

typedef struct impute_ctx {
    const cix_panel *p;
    int mean;
    double *imp;      /* J */
    unsigned char *ok;/* J: 0 = a missing cell stays missing */
} impute_ctx;

#if defined(__GNUC__)
#  define PCA_NOINLINE __attribute__((noinline))
#else
#  define PCA_NOINLINE
#endif

/* The compensated sum (cix_i_sum) of the present values of x[0..n) in
 * *sum + *comp, in one pass with the count of missing cells (returned).
 * Out of line, so that the sum stays in registers. */
PCA_NOINLINE static size_t present_sum(const double *x, size_t n, double *sum, double *comp)
{
    double s = 0.0, c = 0.0;
    size_t missing = 0;
    for (size_t r = 0; r < n; r++) {
        double v = x[r], t;
        if (isnan(v)) {
            missing++;
            continue;
        }
        t = s + v;
        if (fabs(s) >= fabs(v))
            c += (s - t) + v;
        else
            c += (v - t) + s;
        s = t;
    }
    *sum = s;
    *comp = c;
    return missing;
}

/* Column j's imputation value from its missing count and the compensated
 * sum sum + comp of its present values. */
static void impute_set(impute_ctx *c, size_t j, size_t n, size_t missing, double sum,
                       double comp)
{
    c->imp[j] = NAN;
    c->ok[j] = 1;
    if (missing == 0)
        return;
    if (c->mean && missing < n)
        c->imp[j] = (sum + comp) / (double)(n - missing);
    c->ok[j] = !isnan(c->imp[j]);
}

/* The value the pre-treatment gives a column's missing cells: the mean of
 * its present values in row order (pretreat.c, impute_stat, one group);
 * with vector lanes, four columns at a time (the same bits). */
static void impute_worker(void *arg, int t, int nt)
{
    impute_ctx *c = arg;
    size_t n = cix_panel_nrows(c->p), J = cix_panel_nindicators(c->p), j = 0;
#if defined(CIX_I_LANES)
    if (c->mean) {
        size_t ng = J / 4;
        for (size_t g = (size_t)t; g < ng; g += (size_t)nt) {
            const double *x[4];
            cix_i_sums4 s4;
            for (size_t k = 0; k < 4; k++)
                x[k] = cix_panel_column_const(c->p, 4 * g + k);
            cix_i_sums4_of(x, n, &s4);
            for (size_t k = 0; k < 4; k++)
                impute_set(c, 4 * g + k, n, (size_t)s4.missing[k], s4.s[k], s4.c[k]);
        }
        j = ng * 4;
    }
#endif
    for (j += (size_t)t; j < J; j += (size_t)nt) {
        const double *x = cix_panel_column_const(c->p, j);
        size_t missing = 0;
        double sum = 0.0, comp = 0.0;
        if (c->mean)
            missing = present_sum(x, n, &sum, &comp);
        else
            for (size_t r = 0; r < n; r++)
                missing += isnan(x[r]) != 0;
        impute_set(c, j, n, missing, sum, comp);
    }
}

/* cix_pca_compute through cix_i_pca_view. CIX_EUNSUPPORTED (err untouched)
 * when the copying path must run: it reports the problem in its words. */
static cix_status pca_compute_view(const cix_panel *p, const cix_options *o, cix_pca **out,
                                   cix_error *err)
{
    const cix_allocator *al = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
    int nt = cix_i_threads_resolve(o->nthreads, n * J);
    impute_ctx c;
    unsigned char *neg = NULL;
    cix_error e2;
    cix_status st = CIX_OK;

    if (!view_supported(p, o))
        return CIX_EUNSUPPORTED;
    if ((size_t)nt > J)
        nt = (int)J;
    c.p = p;
    c.mean = o->impute == CIX_IMPUTE_MEAN;
    c.imp = cix_i_malloc_array(al, J, sizeof(double));
    c.ok = cix_i_malloc_array(al, J, 1);
    neg = cix_i_malloc_array(al, J, 1);
    if (!c.imp || !c.ok || !neg) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    cix_i_parallel(nt, impute_worker, &c);
    for (size_t j = 0; j < J; j++) {
        if (!c.ok[j]) {
            st = CIX_EUNSUPPORTED;
            goto cleanup;
        }
        neg[j] = o->directions && o->directions[j].kind == CIX_DIR_COST;
    }
    st = cix_i_pca_view(p, o, c.imp, neg, nt, NULL, out, &e2);
    if (st == CIX_ENOMEM)
        st = cix_i_nomem(err);
    else if (st != CIX_OK)
        st = CIX_EUNSUPPORTED;

cleanup:
    cix_i_free(al, c.imp);
    cix_i_free(al, c.ok);
    cix_i_free(al, neg);
    return st;
}

cix_status cix_pca_compute(const cix_panel *p, const cix_options *o, cix_pca **out,
                           cix_error *err)
{
    cix_options oo;
    cix_i_scope s;
    cix_panel *q = NULL;
    const char *msg;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_pca_compute: out is NULL");
    *out = NULL;
    if (!p || !o)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_pca_compute: panel and options are required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    if (cix_panel_nrows(p) == 0 || cix_panel_nindicators(p) == 0)
        return cix_i_fail(err, CIX_EINVAL,
                          "the panel is empty (%zu rows, %zu indicators): PCA needs data",
                          cix_panel_nrows(p), cix_panel_nindicators(p));
    /* the panel's columns read as the PCA sees them, without a copy */
    if ((st = pca_compute_view(p, o, out, err)) != CIX_EUNSUPPORTED)
        return st;
    /* else: pre-treatment (imputation, transforms, outliers) on a copy */
    if ((st = cix_i_pretreat_keep_indicators(p, o, &q, &oo, err)) != CIX_OK)
        return st;
    if (q)
        p = q;
    /* the whole panel: a year scope would give one PCA per year, which this
     * handle does not hold; orientation statistics are over all rows too */
    if (oo.scope == CIX_SCOPE_YEAR)
        oo.scope = CIX_SCOPE_POOLED;
    if ((st = cix_i_scope_build(p, &oo, &s, err)) == CIX_OK) {
        st = cix_i_pca_group(p, &oo, &s, (size_t)-1, out, NULL, err);
        cix_i_scope_free(p, &s);
    }
    cix_panel_free(q);
    return st;
}

size_t cix_pca_nindicators(const cix_pca *a)
{
    return a ? a->J : 0;
}

const double *cix_pca_eigenvalues(const cix_pca *a)
{
    return a ? a->eigenvalues : NULL;
}

const double *cix_pca_variance_share(const cix_pca *a)
{
    return a ? a->share : NULL;
}

size_t cix_pca_nfactors(const cix_pca *a)
{
    return a ? a->m : 0;
}

const char *cix_pca_rule(const cix_pca *a)
{
    return a ? a->rule : "";
}

const double *cix_pca_loadings(const cix_pca *a)
{
    return a ? a->loadings : NULL;
}

const double *cix_pca_rotated(const cix_pca *a)
{
    return a ? a->rotated : NULL;
}

const size_t *cix_pca_factor_of(const cix_pca *a)
{
    return a ? a->factor_of : NULL;
}

const double *cix_pca_weights(const cix_pca *a)
{
    return a ? a->weights : NULL;
}

const double *cix_pca_coef_weights(const cix_pca *a)
{
    return a ? a->coef_weights : NULL;
}

const double *cix_pca_coefficients(const cix_pca *a)
{
    return a ? a->coef : NULL;
}

int cix_pca_varimax_converged(const cix_pca *a, size_t *iterations)
{
    if (!a) {
        if (iterations)
            *iterations = 0;
        return 0;
    }
    if (iterations)
        *iterations = a->iterations;
    return a->converged;
}

size_t cix_pca_nrows(const cix_pca *a)
{
    return a ? a->nrows : 0;
}

double cix_pca_kmo(const cix_pca *a)
{
    return a ? a->kmo : NAN;
}

double cix_pca_bartlett_p(const cix_pca *a)
{
    return a ? a->bartlett_p : NAN;
}

size_t cix_pca_nnotes(const cix_pca *a)
{
    return a ? a->notes.n : 0;
}

const cix_note *cix_pca_note(const cix_pca *a, size_t i)
{
    return a && i < a->notes.n ? &a->notes.v[i] : NULL;
}
