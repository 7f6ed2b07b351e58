/*
 * Statistical helpers for the audit and the PCA warnings: log-gamma and the
 * regularized upper incomplete gamma function (chi-square tail), KMO from
 * the anti-image of R, and naming the indicators behind a singular R.
 */
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

/*
 * ln Gamma(x) for x > 0: shift x up to >= 16 with the recurrence
 * Gamma(x+1) = x Gamma(x) (the product kept as a scaled double), then
 * Stirling's series (x-1/2) ln x - x + ln(2 pi)/2 + sum B_2k/(2k(2k-1)x^(2k-1))
 * up to x^-13, whose truncation error is below 1e-19 at x >= 16.
 * Thread-safe (unlike lgamma, which may write signgam).
 */
double cix_i_lgamma(double x)
{
    double shift = 0.0, prod = 1.0, x2, s;

    if (!(x > 0))
        return NAN;
    if (isinf(x))
        return INFINITY;
    while (x < 16.0) {
        prod *= x;
        if (prod > 1e280) {
            shift += log(prod);
            prod = 1.0;
        }
        x += 1.0;
    }
    shift += log(prod);
    x2 = 1.0 / (x * x);
    s = (1.0 / 12.0 +
         x2 * (-1.0 / 360.0 +
               x2 * (1.0 / 1260.0 +
                     x2 * (-1.0 / 1680.0 +
                           x2 * (1.0 / 1188.0 +
                                 x2 * (-691.0 / 360360.0 + x2 * (1.0 / 156.0))))))) /
        x;
    return (x - 0.5) * log(x) - x + 0.91893853320467274178 + s - shift;
}

/*
 * Regularized upper incomplete gamma Q(a, x) = Gamma(a, x) / Gamma(a).
 * x < a + 1: the series P(a,x) = e^-x x^a / Gamma(a+1) sum_n x^n /
 * ((a+1)...(a+n)), Q = 1 - P (Q is not small there). Otherwise the
 * continued fraction of Gamma(a,x) evaluated by the modified Lentz method,
 * which gives Q with full relative accuracy however small it is.
 */
double cix_i_gamma_q(double a, double x)
{
    const double tiny = 1e-300, eps = 1e-16;
    double lpre;

    if (!(a > 0) || isnan(x))
        return NAN;
    if (x <= 0)
        return 1.0;
    if (isinf(x))
        return 0.0;
    lpre = -x + a * log(x) - cix_i_lgamma(a);
    if (x < a + 1.0) {
        double term = 1.0 / a, sum = term, ap = a;
        for (int i = 0; i < 100000; i++) {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if (fabs(term) < fabs(sum) * eps)
                break;
        }
        return 1.0 - sum * exp(lpre);
    } else {
        double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
        for (int i = 1; i < 100000; i++) {
            double an = -(double)i * ((double)i - a), del;
            b += 2.0;
            d = an * d + b;
            if (fabs(d) < tiny)
                d = tiny;
            c = b + an / c;
            if (fabs(c) < tiny)
                c = tiny;
            d = 1.0 / d;
            del = d * c;
            h *= del;
            if (fabs(del - 1.0) < eps)
                break;
        }
        return exp(lpre) * h;
    }
}

double cix_i_chisq_upper(double chisq, double df)
{
    if (isnan(chisq) || !(df > 0))
        return NAN;
    return cix_i_gamma_q(0.5 * df, 0.5 * chisq);
}

cix_status cix_i_kmo(const double *R, size_t J, const cix_allocator *a, double *overall,
                     double *per, double *logdet, cix_error *err)
{
    double *Q = NULL, ld = 0.0, r2all = 0.0, a2all = 0.0;
    lapack_int info;
    cix_status st = CIX_OK;

    if (J > (size_t)INT_MAX / 4)
        return cix_i_fail(err, CIX_EINVAL, "the matrix is too large for LAPACK");
    Q = cix_i_malloc_array(a, J, J * sizeof(double));
    if (!Q)
        return cix_i_nomem(err);
    memcpy(Q, R, J * J * sizeof(double));
    info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', (lapack_int)J, Q, (lapack_int)J);
    if (info != 0) {
        st = cix_i_fail(err, CIX_ENUMERIC,
                        "the correlation matrix is not positive definite (LAPACK dpotrf "
                        "info %d), so KMO cannot invert it: some indicators are "
                        "collinear; drop one of them",
                        (int)info);
        goto cleanup;
    }
    for (size_t j = 0; j < J; j++)
        ld += log(Q[j + j * J]);
    ld *= 2.0;
    info = LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', (lapack_int)J, Q, (lapack_int)J);
    if (info != 0) {
        st = cix_i_fail(err, CIX_ENUMERIC,
                        "the correlation matrix could not be inverted (LAPACK dpotri info "
                        "%d): some indicators are collinear; drop one of them",
                        (int)info);
        goto cleanup;
    }
    for (size_t j = 0; j < J; j++)
        for (size_t i = 0; i < j; i++)
            Q[j + i * J] = Q[i + j * J];
    for (size_t j = 0; j < J; j++) {
        double r2 = 0.0, a2 = 0.0;
        for (size_t k = 0; k < J; k++) {
            double r, aa;
            if (k == j)
                continue;
            r = R[j + k * J];
            aa = -Q[j + k * J] / sqrt(Q[j + j * J] * Q[k + k * J]);
            r2 += r * r;
            a2 += aa * aa;
        }
        if (per)
            per[j] = r2 / (r2 + a2);
        r2all += r2;
        a2all += a2;
    }
    if (overall)
        *overall = r2all / (r2all + a2all);
    if (logdet)
        *logdet = ld;

cleanup:
    cix_i_free(a, Q);
    return st;
}

size_t cix_i_collinear_names(const cix_panel *p, const double *v, size_t J, char *buf,
                             size_t size, size_t *first)
{
    double vmax = 0.0;
    size_t len = 0, count = 0;

    if (size)
        buf[0] = '\0';
    for (size_t j = 0; j < J; j++)
        vmax = fmax(vmax, fabs(v[j]));
    for (size_t j = 0; j < J; j++) {
        int k;
        if (!(fabs(v[j]) >= 0.05 * vmax) || vmax == 0)
            continue;
        if (count == 0 && first)
            *first = j;
        if (len < size) {
            k = snprintf(buf + len, size - len, "%s'%s'", count ? ", " : "",
                         cix_panel_indicator(p, j));
            if (k > 0)
                len += (size_t)k;
        }
        count++;
    }
    return count;
}
