/* Weights sd, cv, critic, pca, pca-coef and combined weights against the
 * independent reference values of tests/oracle (R stats/psych and numpy),
 * plus their error cases and properties. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"
#include "oracle_data.h"

#define REL 1e-9

/* Weights of set s with weighting w (and factors), through cix_weights on
 * minmax [0,1] y. */
static void weights_of(const oracle_set *s, cix_weighting wm, int factors, double *w)
{
    cix_options o;
    cix_error err;
    size_t n = cix_panel_nrows(s->p);
    double *y = malloc(n * s->J * sizeof *y);

    ck_assert_ptr_nonnull(y);
    oracle_options(s, &o);
    o.weighting = wm;
    o.factors = factors;
    ck_assert_cix_ok(cix_normalize(s->p, &o, y, &err), &err);
    ck_assert_cix_ok(cix_weights(s->p, &o, y, w, &err), &err);
    free(y);
}

static void check_sum1(const double *w, size_t J)
{
    double sum = 0;
    for (size_t j = 0; j < J; j++) {
        ck_assert_msg(w[j] >= 0, "weight %zu = %g < 0", j, w[j]);
        sum += w[j];
    }
    ck_assert_rel(sum, 1.0, 1e-13, 0);
}

static void compare_weights(const char *set, const char *method, cix_weighting wm,
                            int factors)
{
    oracle_set s;
    oracle_expected e;
    double w[ORACLE_MAX_IND];

    oracle_load(&s, set);
    oracle_expected_load(&e, set, method);
    weights_of(&s, wm, factors, w);
    for (size_t j = 0; j < s.J; j++)
        ck_assert_rel(w[j], oracle_get(&e, "weight", cix_panel_indicator(s.p, j)), REL,
                      1e-15);
    check_sum1(w, s.J);
    oracle_expected_free(&e);
    cix_panel_free(s.p);
}

START_TEST(sd_oracle)
{
    compare_weights(ORACLE_SETS[_i], "sd", CIX_WEIGHT_SD, 0);
}
END_TEST

START_TEST(cv_oracle)
{
    compare_weights(ORACLE_SETS[_i], "cv", CIX_WEIGHT_CV, 0);
}
END_TEST

START_TEST(critic_oracle)
{
    compare_weights(ORACLE_SETS[_i], "critic", CIX_WEIGHT_CRITIC, 0);
}
END_TEST

START_TEST(pca_oracle)
{
    compare_weights(ORACLE_SETS[_i], "pca", CIX_WEIGHT_PCA, 0);
}
END_TEST

START_TEST(pca_coef_oracle)
{
    compare_weights(ORACLE_SETS[_i], "pca-coef", CIX_WEIGHT_PCA_COEF, 0);
}
END_TEST

START_TEST(pca_four_factors)
{
    compare_weights("tai23", "pca-f4", CIX_WEIGHT_PCA, 4);
    compare_weights("tai23", "pca-coef-f4", CIX_WEIGHT_PCA_COEF, 4);
}
END_TEST

/* sd weights do not depend on ddof; cv with ddof 0 equals ddof 1 too (the
 * factor cancels in w). */
START_TEST(ddof_cancels)
{
    oracle_set s;
    cix_options o;
    cix_error err;
    double y[23 * 8], w1[8], w0[8];

    oracle_load(&s, "tai23");
    oracle_options(&s, &o);
    ck_assert_cix_ok(cix_normalize(s.p, &o, y, &err), &err);
    o.weighting = CIX_WEIGHT_CRITIC;
    ck_assert_cix_ok(cix_weights(s.p, &o, y, w1, &err), &err);
    o.ddof = 0;
    ck_assert_cix_ok(cix_weights(s.p, &o, y, w0, &err), &err);
    for (size_t j = 0; j < 8; j++)
        ck_assert_rel(w0[j], w1[j], 1e-12, 0);
    cix_panel_free(s.p);
}
END_TEST

START_TEST(combine_rules)
{
    oracle_set s;
    oracle_expected e;
    cix_options o;
    cix_error err;
    double y[23 * 8], a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8], w[8], den = 0;

    oracle_load(&s, "tai23");
    oracle_expected_load(&e, "tai23", "sd");
    for (size_t j = 0; j < 8; j++) {
        b[j] = oracle_get(&e, "weight", cix_panel_indicator(s.p, j));
        den += (a[j] / 36.0) * b[j];
    }
    oracle_options(&s, &o);
    o.weighting = CIX_WEIGHT_SD;
    o.fixed_weights = a;
    o.nfixed_weights = 8;
    ck_assert_cix_ok(cix_normalize(s.p, &o, y, &err), &err);

    o.combine = CIX_COMBINE_MULT;
    ck_assert_cix_ok(cix_weights(s.p, &o, y, w, &err), &err);
    for (size_t j = 0; j < 8; j++)
        ck_assert_rel(w[j], (a[j] / 36.0) * b[j] / den, REL, 0);
    check_sum1(w, 8);

    o.combine = CIX_COMBINE_LINEAR;
    o.combine_alpha = 0.3;
    ck_assert_cix_ok(cix_weights(s.p, &o, y, w, &err), &err);
    for (size_t j = 0; j < 8; j++)
        ck_assert_rel(w[j], 0.3 * a[j] / 36.0 + 0.7 * b[j], REL, 0);
    check_sum1(w, 8);

    o.combine_alpha = 1.0; /* all subjective */
    ck_assert_cix_ok(cix_weights(s.p, &o, y, w, &err), &err);
    for (size_t j = 0; j < 8; j++)
        ck_assert_rel(w[j], a[j] / 36.0, 1e-15, 0);

    /* mult with no overlap: a is zero where b is positive */
    {
        double z[8] = {0};
        o.fixed_weights = z;
        o.combine = CIX_COMBINE_MULT;
        ck_assert_int_eq(cix_weights(s.p, &o, y, w, &err), CIX_EINVAL);
    }
    oracle_expected_free(&e);
    cix_panel_free(s.p);
}
END_TEST

/* A small cross-section built from values. */
static cix_panel *small_panel(size_t n, size_t J, const double *x, const char *const *names)
{
    cix_panel *p;
    cix_error err;
    char reg[32];
    ck_assert_cix_ok(cix_panel_create(n, J, 0, NULL, &p, &err), &err);
    for (size_t r = 0; r < n; r++) {
        snprintf(reg, sizeof reg, "R%zu", r + 1);
        ck_assert_cix_ok(cix_panel_set_row(p, r, reg, CIX_NO_YEAR, &err), &err);
    }
    for (size_t j = 0; j < J; j++) {
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, names[j], &err), &err);
        memcpy(cix_panel_column(p, j), x + j * n, n * sizeof(double));
    }
    return p;
}

START_TEST(cv_mean_zero)
{
    static const char *const names[] = {"gdp", "balance"};
    double x[] = {1, 2, 3, 4, -2, -1, 1, 2}, y[8], w[2];
    cix_panel *p = small_panel(4, 2, x, names);
    cix_options o;
    cix_error err;

    cix_options_init(&o);
    o.weighting = CIX_WEIGHT_CV;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
    ck_assert_int_eq(cix_weights(p, &o, y, w, &err), CIX_EDEGENERATE);
    ck_assert_str_eq(err.indicator, "balance");
    ck_assert_ptr_nonnull(strstr(err.message, "mean is 0"));
    /* hand check with a non-zero mean: cv = sd/|mean| */
    x[4] = -3;
    cix_panel_column(p, 1)[0] = -3;
    ck_assert_cix_ok(cix_weights(p, &o, y, w, &err), &err);
    {
        double cv1 = sqrt(5.0 / 3.0) / 2.5, m2 = -0.25;
        double v2 = ((-3 - m2) * (-3 - m2) + (-1 - m2) * (-1 - m2) + (1 - m2) * (1 - m2) +
                     (2 - m2) * (2 - m2)) /
                    3.0;
        double cv2 = sqrt(v2) / 0.25;
        ck_assert_rel(w[0], cv1 / (cv1 + cv2), 1e-14, 0);
        ck_assert_rel(w[1], cv2 / (cv1 + cv2), 1e-14, 0);
    }
    cix_panel_free(p);
}
END_TEST

START_TEST(critic_constant_and_missing)
{
    static const char *const names[] = {"a", "flat", "c"};
    double x[] = {1, 2, 3, 5, 7, 7, 7, 7, 2, 1, 4, 3}, y[12], w[3];
    cix_panel *p = small_panel(4, 3, x, names);
    cix_options o;
    cix_error err;

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    o.weighting = CIX_WEIGHT_CRITIC;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
    ck_assert_int_eq(cix_weights(p, &o, y, w, &err), CIX_EDEGENERATE);
    ck_assert_str_eq(err.indicator, "flat");

    y[4] = 1; /* not constant any more; now a missing cell */
    y[9] = NAN;
    ck_assert_int_eq(cix_weights(p, &o, y, w, &err), CIX_EDATA);
    ck_assert_str_eq(err.indicator, "c");
    ck_assert_str_eq(err.region, "R2");
    ck_assert_ptr_nonnull(strstr(err.message, "--impute"));

    /* pca on a panel with a missing x */
    cix_panel_column(p, 1)[0] = 6;
    cix_panel_column(p, 0)[2] = NAN;
    o.weighting = CIX_WEIGHT_PCA;
    ck_assert_int_eq(cix_weights(p, &o, y, w, &err), CIX_EDATA);
    ck_assert_str_eq(err.indicator, "a");
    ck_assert_str_eq(err.region, "R3");
    ck_assert_ptr_nonnull(strstr(err.message, "--impute"));
    cix_panel_free(p);
}
END_TEST

/* sd by hand on a 4 x 2 panel, ddof 1 and 0 */
START_TEST(sd_hand)
{
    static const char *const names[] = {"a", "b"};
    double x[] = {0, 1, 2, 3, 0, 0, 0, 4}, y[8], w[2];
    cix_panel *p = small_panel(4, 2, x, names);
    cix_options o;
    cix_error err;
    double s1 = sqrt(5.0 / 3.0), s2 = sqrt(12.0 / 3.0);

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    o.weighting = CIX_WEIGHT_SD;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
    ck_assert_cix_ok(cix_weights(p, &o, y, w, &err), &err);
    ck_assert_rel(w[0], s1 / (s1 + s2), 1e-15, 0);
    ck_assert_rel(w[1], s2 / (s1 + s2), 1e-15, 0);
    cix_panel_free(p);
}
END_TEST

/* The same weights with 1 and 2 threads, bit for bit, for every method. */
START_TEST(thread_count_independent)
{
    static const cix_weighting ms[] = {CIX_WEIGHT_SD, CIX_WEIGHT_CV, CIX_WEIGHT_CRITIC,
                                       CIX_WEIGHT_PCA, CIX_WEIGHT_PCA_COEF};
    oracle_set s;
    cix_options o;
    cix_error err;
    size_t n;
    double *y, w1[8], w2[8];

    oracle_load(&s, "mfg8");
    n = cix_panel_nrows(s.p);
    y = malloc(n * 8 * sizeof *y);
    oracle_options(&s, &o);
    ck_assert_cix_ok(cix_normalize(s.p, &o, y, &err), &err);
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
        o.weighting = ms[k];
        o.nthreads = 1;
        ck_assert_cix_ok(cix_weights(s.p, &o, y, w1, &err), &err);
        o.nthreads = 2;
        ck_assert_cix_ok(cix_weights(s.p, &o, y, w2, &err), &err);
        ck_assert(memcmp(w1, w2, sizeof w1) == 0);
        check_sum1(w1, 8);
    }
    free(y);
    cix_panel_free(s.p);
}
END_TEST

/* Scope year: one weight vector per year; with average_weights the mean. */
START_TEST(year_scope_average)
{
    oracle_set s;
    cix_options o;
    cix_error err;
    cix_i_scope sc;
    size_t n, used;
    double *y, *wg, avg[8] = {0}, w[8];

    oracle_load(&s, "complete30");
    n = cix_panel_nrows(s.p);
    y = malloc(n * 8 * sizeof *y);
    oracle_options(&s, &o);
    o.scope = CIX_SCOPE_YEAR;
    o.weighting = CIX_WEIGHT_CRITIC;
    ck_assert_cix_ok(cix_normalize(s.p, &o, y, &err), &err);
    ck_assert_cix_ok(cix_i_scope_build(s.p, &o, &sc, &err), &err);
    ck_assert_uint_eq(sc.ngroups, 6);
    wg = malloc(6 * 8 * sizeof *wg);
    ck_assert_cix_ok(
        cix_i_weights_groups(s.p, &o, y, &sc, wg, &used, NULL, NULL, &err), &err);
    ck_assert_uint_eq(used, 6);
    for (size_t g = 0; g < 6; g++) {
        check_sum1(wg + g * 8, 8);
        for (size_t j = 0; j < 8; j++)
            avg[j] += wg[g * 8 + j] / 6.0;
    }
    o.average_weights = 1;
    ck_assert_cix_ok(cix_weights(s.p, &o, y, w, &err), &err);
    for (size_t j = 0; j < 8; j++)
        ck_assert_rel(w[j], avg[j], 1e-14, 0);
    cix_i_scope_free(s.p, &sc);
    free(wg);
    free(y);
    cix_panel_free(s.p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("weights_oracle");
    TCase *tc = tcase_create("oracle");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, sd_oracle, 0, ORACLE_NSETS);
    tcase_add_loop_test(tc, cv_oracle, 0, ORACLE_NSETS);
    tcase_add_loop_test(tc, critic_oracle, 0, ORACLE_NSETS);
    tcase_add_loop_test(tc, pca_oracle, 0, ORACLE_NSETS);
    tcase_add_loop_test(tc, pca_coef_oracle, 0, ORACLE_NSETS);
    tcase_add_test(tc, pca_four_factors);
    tcase_add_test(tc, ddof_cancels);
    tcase_add_test(tc, combine_rules);
    tcase_add_test(tc, cv_mean_zero);
    tcase_add_test(tc, critic_constant_and_missing);
    tcase_add_test(tc, sd_hand);
    tcase_add_test(tc, thread_count_independent);
    tcase_add_test(tc, year_scope_average);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
