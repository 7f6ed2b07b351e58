/*
 * Dense linear algebra for the correlation-based methods (PCA, CRITIC,
 * audit): an accurate correlation matrix through one DSYRK, and the
 * symmetric eigen-decomposition through LAPACKE_dsyevr.
 *
 * Correlation, for the n x J column-major x:
 *   1. mean_j by compensated summation; c_ij = x_ij - mean_j;
 *   2. a second compensated pass removes the residual mean of c (values
 *      around 1e9 with unit spread leave a mean error of ~1e-7 after the
 *      first pass; after the second it is at the rounding level of c);
 *   3. z_ij = c_ij / ||c_j|| (||c_j|| from a compensated sum of squares);
 *   4. R = Z^T Z by one DSYRK (upper triangle), copied to the lower one;
 *      the diagonal is set to 1 and off-diagonal entries clamped to [-1, 1].
 * Because the data are centred and scaled before the product, the large
 * offset never enters the inner products: 1e6 rows around 1e9 with unit
 * spread give correlations correct to ~1e-13.
 */
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

/* Compensated sum of squares of c[0..n). */
static double sum_squares(const double *c, size_t n)
{
    double s = 0.0, comp = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = c[i] * c[i], t = s + v;
        if (fabs(s) >= v)
            comp += (s - t) + v;
        else
            comp += (v - t) + s;
        s = t;
    }
    return s + comp;
}

static const char *ind_name(const cix_panel *p, size_t j, char *buf, size_t size)
{
    if (p)
        return cix_panel_indicator(p, j);
    snprintf(buf, size, "column %zu", j + 1);
    return buf;
}

cix_status cix_i_correlation(const cix_panel *p, const double *x, size_t n, size_t J,
                             const cix_allocator *a, double *R, double *sd,
                             cix_error *err)
{
    double *z = NULL;
    cix_status st = CIX_OK;
    char nb[32];

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
    z = cix_i_malloc_array(a, n, J * sizeof(double));
    if (!z)
        return cix_i_nomem(err);

    for (size_t j = 0; j < J; j++) {
        const double *col = x + j * n;
        double *c = z + j * n, mean, m2, norm;
        int constant = 1;

        for (size_t i = 0; i < n; i++) {
            if (isnan(col[i])) {
                cix_i_fail(err, CIX_EDATA,
                           "the cell is missing, and a correlation needs every cell: "
                           "impute missing values first (--impute mean|median|interp|"
                           "locf)");
                if (p)
                    cix_i_err_cell(err, p, i, j);
                st = CIX_EDATA;
                goto cleanup;
            }
            if (!isfinite(col[i])) {
                cix_i_fail(err, CIX_EDATA,
                           "the value is infinite: a correlation needs finite values; "
                           "fix the cell");
                if (p)
                    cix_i_err_cell(err, p, i, j);
                st = CIX_EDATA;
                goto cleanup;
            }
            if (col[i] != col[0])
                constant = 0;
        }
        if (constant) {
            cix_i_fail(err, CIX_EDEGENERATE,
                       "indicator '%s' is constant (every value is %g), so its "
                       "correlations are undefined: drop it (--drop-constant) or fix "
                       "the data",
                       ind_name(p, j, nb, sizeof nb), col[0]);
            cix_i_err_indicator(err, ind_name(p, j, nb, sizeof nb));
            st = CIX_EDEGENERATE;
            goto cleanup;
        }
        mean = cix_i_sum(col, n, NULL) / (double)n;
        for (size_t i = 0; i < n; i++)
            c[i] = col[i] - mean;
        m2 = cix_i_sum(c, n, NULL) / (double)n;
        for (size_t i = 0; i < n; i++)
            c[i] -= m2;
        norm = sqrt(sum_squares(c, n));
        if (!(norm > 0) || !isfinite(norm)) {
            cix_i_fail(err, isfinite(norm) ? CIX_EDEGENERATE : CIX_ENUMERIC,
                       "indicator '%s' has %s spread, so its correlations cannot be "
                       "computed: %s",
                       ind_name(p, j, nb, sizeof nb), isfinite(norm) ? "no" : "too large a",
                       isfinite(norm) ? "drop it (--drop-constant) or fix the data"
                                      : "rescale it (other units) or take logs");
            cix_i_err_indicator(err, ind_name(p, j, nb, sizeof nb));
            st = isfinite(norm) ? CIX_EDEGENERATE : CIX_ENUMERIC;
            goto cleanup;
        }
        if (sd)
            sd[j] = norm / sqrt((double)(n - 1));
        for (size_t i = 0; i < n; i++)
            c[i] /= norm;
    }

    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (blasint)J, (blasint)n, 1.0, z,
                (blasint)n, 0.0, R, (blasint)J);
    for (size_t j = 0; j < J; j++) {
        R[j + j * J] = 1.0;
        for (size_t i = 0; i < j; i++) {
            double v = R[i + j * J];
            if (v > 1.0)
                v = 1.0;
            else if (v < -1.0)
                v = -1.0;
            R[i + j * J] = v;
            R[j + i * J] = v;
        }
    }

cleanup:
    cix_i_free(a, z);
    return st;
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
