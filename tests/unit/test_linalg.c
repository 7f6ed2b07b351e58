/* Correlation (one DSYRK over centred, scaled data) and the symmetric
 * eigen-decomposition (dsyevr). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

/* Deterministic integers in [-2048, 2048]. */
static int64_t lcg(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int64_t)((*s >> 33) % 4097) - 2048;
}

/* 1e6 rows around 1e9 with unit spread: x_i = 1e9 + a_i, y_i = 1e9 + b_i,
 * with a_i, b_i multiples of 1/1024 (so every x is exact in double). The
 * reference is the two-pass long-double correlation of a and b, which are
 * small numbers: no cancellation. */
START_TEST(large_offset_million_rows)
{
    const size_t n = 1000000;
    double *x = malloc(2 * n * sizeof *x), R[4], sd[2];
    long double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
    uint64_t seed = 12345;
    cix_allocator al;
    cix_error err;
    double ref;

    size_t inexact = 0;

    ck_assert_ptr_nonnull(x);
    cix_i_alloc_init(&al, NULL);
    for (size_t i = 0; i < n; i++) {
        int64_t u = lcg(&seed), v = lcg(&seed);
        double a = (double)u / 1024.0, b = (double)(3 * u + 2 * v) / 4096.0;
        x[i] = 1e9 + a;
        x[n + i] = 1e9 + b;
        inexact += (x[i] - 1e9 != a) + (x[n + i] - 1e9 != b);
        ma += a;
        mb += b;
    }
    ck_assert_uint_eq(inexact, 0);
    ma /= n;
    mb /= n;
    for (size_t i = 0; i < n; i++) {
        long double da = (long double)(x[i] - 1e9) - ma, db = (long double)(x[n + i] - 1e9) - mb;
        saa += da * da;
        sbb += db * db;
        sab += da * db;
    }
    ref = (double)(sab / sqrtl(saa * sbb));
    ck_assert_cix_ok(cix_i_correlation(NULL, x, n, 2, &al, R, sd, &err), &err);
    ck_assert_rel(R[2], ref, 0, 1e-10);
    ck_assert_rel(R[1], ref, 0, 1e-10);
    ck_assert_double_eq(R[1], R[2]);
    ck_assert_double_eq(R[0], 1.0);
    ck_assert_double_eq(R[3], 1.0);
    ck_assert_rel(sd[0], (double)sqrtl(saa / (n - 1)), 1e-10, 0);
    ck_assert_rel(sd[1], (double)sqrtl(sbb / (n - 1)), 1e-10, 0);
    /* the naive one-pass formula would lose everything here; ours is exact
     * to about 1e-13 */
    ck_assert_rel(R[2], ref, 0, 1e-12);
    free(x);
}
END_TEST

/* Exactly known correlations: y = x gives 1, y = -x gives -1, an
 * orthogonal pattern gives 0. */
START_TEST(exact_values)
{
    double x[] = {1, 2, 3, 4, 2, 4, 6, 8, -1, -2, -3, -4, 1, -1, -1, 1};
    double R[16];
    cix_allocator al;
    cix_error err;

    cix_i_alloc_init(&al, NULL);
    ck_assert_cix_ok(cix_i_correlation(NULL, x, 4, 4, &al, R, NULL, &err), &err);
    ck_assert_rel(R[0 + 1 * 4], 1.0, 1e-15, 0);
    ck_assert_rel(R[0 + 2 * 4], -1.0, 1e-15, 0);
    ck_assert_rel(R[0 + 3 * 4], 0.0, 0, 1e-15);
    for (size_t j = 0; j < 4; j++)
        for (size_t k = 0; k < 4; k++) {
            ck_assert_double_eq(R[j + k * 4], R[k + j * 4]);
            ck_assert(fabs(R[j + k * 4]) <= 1.0);
        }
}
END_TEST

START_TEST(correlation_errors)
{
    double x[] = {1, 2, 3, 5, 5, 5, 1, NAN, 3};
    double R[9];
    cix_allocator al;
    cix_error err;
    cix_panel *p;

    cix_i_alloc_init(&al, NULL);
    ck_assert_int_eq(cix_i_correlation(NULL, x, 3, 2, &al, R, NULL, &err), CIX_EDEGENERATE);
    ck_assert_str_eq(err.indicator, "column 2");
    ck_assert_cix_ok(cix_panel_create(3, 3, 0, NULL, &p, &err), &err);
    ck_assert_cix_ok(cix_panel_set_row(p, 0, "A", 0, &err), &err);
    ck_assert_cix_ok(cix_panel_set_row(p, 1, "B", 0, &err), &err);
    ck_assert_cix_ok(cix_panel_set_row(p, 2, "C", 0, &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "u", &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 1, "v", &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 2, "w", &err), &err);
    x[4] = 6;
    ck_assert_int_eq(cix_i_correlation(p, x, 3, 3, &al, R, NULL, &err), CIX_EDATA);
    ck_assert_str_eq(err.indicator, "w");
    ck_assert_str_eq(err.region, "B");
    ck_assert_int_eq(cix_i_correlation(p, x, 1, 1, &al, R, NULL, &err), CIX_EDEGENERATE);
    cix_panel_free(p);
}
END_TEST

/* Eigenpairs: descending, residual ||Av - lambda v|| tiny, orthonormal. */
START_TEST(eigen_residual)
{
    enum { J = 5 };
    double A[J * J], w[J], V[J * J], Acopy[J * J];
    cix_allocator al;
    cix_error err;

    cix_i_alloc_init(&al, NULL);
    for (size_t i = 0; i < J; i++)
        for (size_t j = 0; j < J; j++)
            A[i + j * J] = 1.0 / (double)(i + j + 1); /* Hilbert */
    memcpy(Acopy, A, sizeof A);
    ck_assert_cix_ok(cix_i_eigen_sym(A, J, &al, w, V, &err), &err);
    ck_assert(memcmp(A, Acopy, sizeof A) == 0);
    /* the largest eigenvalue of the 5 x 5 Hilbert matrix */
    ck_assert_rel(w[0], 1.5670506910982311, 1e-13, 0);
    ck_assert_rel(w[4], 3.2879287721718e-06, 1e-8, 0);
    for (size_t k = 0; k < J; k++) {
        double res = 0, nrm = 0;
        if (k)
            ck_assert(w[k] <= w[k - 1]);
        for (size_t i = 0; i < J; i++) {
            double av = 0;
            for (size_t j = 0; j < J; j++)
                av += A[i + j * J] * V[j + k * J];
            res = fmax(res, fabs(av - w[k] * V[i + k * J]));
            nrm += V[i + k * J] * V[i + k * J];
        }
        ck_assert(res < 1e-14);
        ck_assert_rel(nrm, 1.0, 1e-14, 0);
    }
    {
        double B[4] = {2, 1, 1, 2}, bw[2], bv[4];
        ck_assert_cix_ok(cix_i_eigen_sym(B, 2, &al, bw, bv, &err), &err);
        ck_assert_rel(bw[0], 3.0, 1e-15, 0);
        ck_assert_rel(bw[1], 1.0, 1e-15, 0);
        ck_assert_rel(fabs(bv[0]), sqrt(0.5), 1e-15, 0);
    }
    {
        double B[4] = {NAN, 1, 1, 2}, bw[2], bv[4];
        ck_assert_int_eq(cix_i_eigen_sym(B, 2, &al, bw, bv, &err), CIX_ENUMERIC);
    }
}
END_TEST

/* KMO on the identity-like 2 x 2 case: R = [[1,r],[r,1]]: Q = R^-1 gives
 * a = r, so KMO = 1/2 for any r; ln|R| = ln(1 - r^2). */
START_TEST(kmo_two)
{
    double R[4] = {1, 0.6, 0.6, 1}, kmo, per[2], ld;
    cix_allocator al;
    cix_error err;
    cix_i_alloc_init(&al, NULL);
    ck_assert_cix_ok(cix_i_kmo(R, 2, &al, &kmo, per, &ld, &err), &err);
    ck_assert_rel(kmo, 0.5, 1e-15, 0);
    ck_assert_rel(per[0], 0.5, 1e-15, 0);
    ck_assert_rel(ld, log(0.64), 1e-15, 0);
    R[1] = R[2] = 1.0;
    ck_assert_int_eq(cix_i_kmo(R, 2, &al, &kmo, per, &ld, &err), CIX_ENUMERIC);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("linalg");
    TCase *tc = tcase_create("linalg");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, large_offset_million_rows);
    tcase_add_test(tc, exact_values);
    tcase_add_test(tc, correlation_errors);
    tcase_add_test(tc, eigen_residual);
    tcase_add_test(tc, kmo_two);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
