/* The audit handle against the oracle: Pearson, Spearman, KMO, Bartlett,
 * Cronbach's alpha, moments; flags; errors; the chi-square tail. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"
#include "oracle_data.h"

#define REL 1e-9
#define ABS 1e-12

static cix_audit *audit_of(const oracle_set *s, cix_normalization norm)
{
    cix_options o;
    cix_error err;
    cix_audit *a = NULL;
    oracle_options(s, &o);
    o.normalization = norm;
    ck_assert_cix_ok(cix_audit_compute(s->p, &o, NULL, &a, &err), &err);
    return a;
}

START_TEST(audit_oracle)
{
    const char *set = ORACLE_SETS[_i];
    oracle_set s;
    oracle_expected pe, sp, km, ba, al, mo;
    cix_audit *a, *az;
    char key[300];
    size_t J;

    oracle_load(&s, set);
    oracle_expected_load(&pe, set, "pearson");
    oracle_expected_load(&sp, set, "spearman");
    oracle_expected_load(&km, set, "kmo");
    oracle_expected_load(&ba, set, "bartlett");
    oracle_expected_load(&al, set, "alpha");
    oracle_expected_load(&mo, set, "moments");
    a = audit_of(&s, CIX_NORM_MINMAX);
    J = cix_audit_nindicators(a);
    ck_assert_uint_eq(J, s.J);
    for (size_t j = 0; j < J; j++) {
        const char *nj = cix_panel_indicator(s.p, j);
        for (size_t k = 0; k < J; k++) {
            snprintf(key, sizeof key, "%s:%s", nj, cix_panel_indicator(s.p, k));
            ck_assert_rel(cix_audit_pearson(a)[j + k * J], oracle_get(&pe, "r", key), REL,
                          ABS);
            ck_assert_rel(cix_audit_spearman(a)[j + k * J], oracle_get(&sp, "rho", key), REL,
                          ABS);
        }
        ck_assert_rel(cix_audit_kmo_indicator(a)[j], oracle_get(&km, "kmo", nj), REL, 0);
        ck_assert_rel(cix_audit_skewness(a)[j], oracle_get(&mo, "skewness", nj), REL, ABS);
        ck_assert_rel(cix_audit_kurtosis(a)[j], oracle_get(&mo, "kurtosis", nj), REL, ABS);
    }
    ck_assert_rel(cix_audit_kmo(a), oracle_get(&km, "kmo", "overall"), REL, 0);
    ck_assert_rel(cix_audit_bartlett_chisq(a), oracle_get(&ba, "bartlett", "chisq"), REL, 0);
    ck_assert_double_eq(cix_audit_bartlett_df(a), oracle_get(&ba, "bartlett", "df"));
    ck_assert_rel(cix_audit_bartlett_p(a), oracle_get(&ba, "bartlett", "p"), REL, 0);
    /* alpha on minmax [0,1] y and on zscore y */
    ck_assert_rel(cix_audit_cronbach_alpha(a), oracle_get(&al, "alpha", "minmax"), REL, 0);
    az = audit_of(&s, CIX_NORM_ZSCORE);
    ck_assert_rel(cix_audit_cronbach_alpha(az), oracle_get(&al, "alpha", "zscore"), REL, 0);
    cix_audit_free(az);

    /* flags agree with the values */
    for (size_t j = 0; j < J; j++) {
        unsigned f = cix_audit_flags(a)[j];
        int col = 0, neg = 0;
        for (size_t k = 0; k < J; k++)
            if (k != j) {
                col |= fabs(cix_audit_pearson(a)[j + k * J]) > 0.92;
                neg |= cix_audit_pearson(a)[j + k * J] < 0;
            }
        ck_assert_int_eq(!!(f & CIX_AUDIT_KMO_LOW), cix_audit_kmo_indicator(a)[j] < 0.5);
        ck_assert_int_eq(!!(f & CIX_AUDIT_OUTLIERS), fabs(cix_audit_skewness(a)[j]) > 2 &&
                                                         cix_audit_kurtosis(a)[j] > 3.5);
        ck_assert_int_eq(!!(f & CIX_AUDIT_COLLINEAR), col);
        ck_assert_int_eq(!!(f & CIX_AUDIT_NEGATIVE_IN_GROUP), neg);
    }
    ck_assert_int_eq(!!(cix_audit_overall_flags(a) & CIX_AUDIT_KMO_LOW),
                     cix_audit_kmo(a) < 0.5);
    ck_assert_int_eq(!!(cix_audit_overall_flags(a) & CIX_AUDIT_BARTLETT_NS),
                     cix_audit_bartlett_p(a) >= 0.05);
    cix_audit_free(a);
    oracle_expected_free(&pe);
    oracle_expected_free(&sp);
    oracle_expected_free(&km);
    oracle_expected_free(&ba);
    oracle_expected_free(&al);
    oracle_expected_free(&mo);
    cix_panel_free(s.p);
}
END_TEST

/* Known flags: tai23 PATENTS KMO 0.26 (low) with overall 0.50057 (not low);
 * water Bartlett p 0.869 (not significant); groups limit the negative
 * correlation flag. */
START_TEST(known_flags)
{
    oracle_set s;
    cix_audit *a;
    cix_options o;
    cix_error err;
    size_t group[4] = {0, 1, 2, 3};

    oracle_load(&s, "tai23");
    a = audit_of(&s, CIX_NORM_MINMAX);
    ck_assert(cix_audit_flags(a)[0] & CIX_AUDIT_KMO_LOW);
    ck_assert(!(cix_audit_overall_flags(a) & CIX_AUDIT_KMO_LOW));
    ck_assert(!(cix_audit_overall_flags(a) & CIX_AUDIT_BARTLETT_NS));
    cix_audit_free(a);
    cix_panel_free(s.p);

    oracle_load(&s, "water");
    a = audit_of(&s, CIX_NORM_MINMAX);
    ck_assert(cix_audit_overall_flags(a) & CIX_AUDIT_BARTLETT_NS);
    cix_audit_free(a);
    /* every indicator in its own group: no negative-in-group flag */
    oracle_options(&s, &o);
    ck_assert_cix_ok(cix_audit_compute(s.p, &o, group, &a, &err), &err);
    for (size_t j = 0; j < 4; j++)
        ck_assert(!(cix_audit_flags(a)[j] & CIX_AUDIT_NEGATIVE_IN_GROUP));
    cix_audit_free(a);
    cix_panel_free(s.p);
}
END_TEST

static cix_panel *small_panel(size_t n, size_t J, const double *x, const char *const *nm)
{
    cix_panel *p;
    cix_error err;
    char name[32];
    ck_assert_cix_ok(cix_panel_create(n, J, 0, NULL, &p, &err), &err);
    for (size_t r = 0; r < n; r++) {
        snprintf(name, sizeof name, "R%zu", r + 1);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, CIX_NO_YEAR, &err), &err);
    }
    for (size_t j = 0; j < J; j++) {
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, nm[j], &err), &err);
        memcpy(cix_panel_column(p, j), x + j * n, n * sizeof(double));
    }
    return p;
}

/* exports = goods + services: singular R, the error names the three. */
START_TEST(singular_names_collinear)
{
    static const char *const nm[] = {"goods", "services", "exports", "jobs"};
    double x[28] = {1, 4, 2, 8, 5, 7, 3, 1, 4, 1, 5, 9, 2, 6, 0, 0, 0, 0, 0, 0, 0,
                    6, 2, 7, 1, 8, 3, 5};
    cix_panel *p;
    cix_options o;
    cix_error err;
    cix_audit *a = NULL;

    for (size_t i = 0; i < 7; i++)
        x[14 + i] = x[i] + x[7 + i];
    p = small_panel(7, 4, x, nm);
    cix_options_init(&o);
    ck_assert_int_eq(cix_audit_compute(p, &o, NULL, &a, &err), CIX_ENUMERIC);
    ck_assert_ptr_null(a);
    ck_assert_ptr_nonnull(strstr(err.message, "'goods'"));
    ck_assert_ptr_nonnull(strstr(err.message, "'services'"));
    ck_assert_ptr_nonnull(strstr(err.message, "'exports'"));
    ck_assert_ptr_null(strstr(err.message, "'jobs'"));
    ck_assert_ptr_nonnull(strstr(err.message, "singular"));
    ck_assert_str_eq(err.indicator, "goods");
    cix_panel_free(p);
}
END_TEST

START_TEST(errors)
{
    static const char *const nm[] = {"a", "b", "c"};
    double x[] = {1, 2, 3, 4, 2, 2, 2, 2, 2, 1, 4, 3};
    cix_panel *p = small_panel(4, 3, x, nm);
    cix_options o;
    cix_error err;
    cix_audit *a = NULL;

    cix_options_init(&o);
    ck_assert_int_eq(cix_audit_compute(p, &o, NULL, &a, &err), CIX_EDEGENERATE);
    ck_assert_str_eq(err.indicator, "b");
    cix_panel_column(p, 1)[1] = 5;
    cix_panel_column(p, 0)[2] = NAN;
    ck_assert_int_eq(cix_audit_compute(p, &o, NULL, &a, &err), CIX_EDATA);
    ck_assert_str_eq(err.indicator, "a");
    ck_assert_str_eq(err.region, "R3");
    ck_assert_ptr_nonnull(strstr(err.message, "--impute"));
    cix_panel_free(p);
    ck_assert_int_eq(cix_audit_compute(NULL, &o, NULL, &a, &err), CIX_EINVAL);
    cix_audit_free(NULL);
    ck_assert(isnan(cix_audit_kmo(NULL)));
}
END_TEST

/* Spearman with ties: average ranks. x = (1,2,2,3), y = (1,3,2,4) -> ranks
 * (1,2.5,2.5,4) and (1,3,2,4); hand value of the Pearson of the ranks. */
START_TEST(spearman_ties)
{
    static const char *const nm[] = {"x", "y", "z"};
    double v[] = {1, 2, 2, 3, 10, 30, 20, 40, 5, 1, 4, 2};
    cix_panel *p = small_panel(4, 3, v, nm);
    cix_options o;
    cix_error err;
    cix_audit *a = NULL;
    /* ranks x: 1,2.5,2.5,4 (mean 2.5, dev -1.5,0,0,1.5); y: 1,3,2,4 (dev -1.5,.5,-.5,1.5) */
    double sxy = 2.25 + 2.25, sxx = 4.5, syy = 5.0;

    cix_options_init(&o);
    ck_assert_cix_ok(cix_audit_compute(p, &o, NULL, &a, &err), &err);
    ck_assert_rel(cix_audit_spearman(a)[0 + 1 * 3], sxy / sqrt(sxx * syy), 1e-15, 0);
    ck_assert_rel(cix_audit_spearman(a)[1 + 0 * 3], sxy / sqrt(sxx * syy), 1e-15, 0);
    ck_assert_double_eq(cix_audit_spearman(a)[4], 1.0);
    cix_audit_free(a);
    cix_panel_free(p);
}
END_TEST

/* Q(a, x) against closed forms: Q(1, x) = e^-x, Q(1/2, x) = erfc(sqrt x),
 * Q(2, x) = (1 + x) e^-x; tiny tails keep their relative accuracy. */
START_TEST(gamma_tail)
{
    static const double xs[] = {0.01, 0.5, 1, 2.5, 7, 30, 100, 460, 700};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i];
        ck_assert_rel(cix_i_gamma_q(1.0, x), exp(-x), 1e-13, 0);
        ck_assert_rel(cix_i_gamma_q(2.0, x), (1 + x) * exp(-x), 1e-13, 0);
        if (x < 25)
            ck_assert_rel(cix_i_gamma_q(0.5, x), erfc(sqrt(x)), 1e-13, 0);
    }
    /* chi-square with 2 df: p = e^(-chisq/2) */
    ck_assert_rel(cix_i_chisq_upper(920.0, 2.0), exp(-460.0), 1e-13, 0);
    ck_assert_double_eq(cix_i_chisq_upper(0.0, 5.0), 1.0);
    ck_assert_rel(cix_i_chisq_upper(3.84145882069412, 1.0), 0.05, 1e-12, 0);
    for (double x = 0.25; x < 200; x *= 1.7)
        ck_assert_rel(cix_i_lgamma(x), lgamma(x), 1e-14, 1e-14);
}
END_TEST

/* Every allocation failure of the audit is CIX_ENOMEM with no handle. */
START_TEST(allocation_failures)
{
    oracle_set s;
    cix_test_meter fs = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&fs);
    cix_panel *p;
    cix_options o;
    cix_error err;
    long fails;

    oracle_load(&s, "water");
    ck_assert_cix_ok(cix_panel_create(20, 4, 0, &al, &p, &err), &err);
    for (size_t r = 0; r < 20; r++)
        ck_assert_cix_ok(
            cix_panel_set_row(p, r, cix_panel_row_region(s.p, r), CIX_NO_YEAR, &err), &err);
    for (size_t j = 0; j < 4; j++) {
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, cix_panel_indicator(s.p, j), &err),
                         &err);
        memcpy(cix_panel_column(p, j), cix_panel_column(s.p, j), 20 * sizeof(double));
    }
    oracle_options(&s, &o);
    for (fails = 0;; fails++) {
        cix_audit *a = (cix_audit *)&fs;
        cix_status st;
        fs.calls = 0;
        fs.fail_at = fails;
        st = cix_audit_compute(p, &o, NULL, &a, &err);
        fs.fail_at = -1;
        if (st == CIX_OK) {
            ck_assert_uint_eq(cix_audit_nindicators(a), 4);
            cix_audit_free(a);
            break;
        }
        ck_assert_int_eq(st, CIX_ENOMEM);
        ck_assert_ptr_null(a);
    }
    ck_assert(fails > 14);
    cix_panel_free(p);
    cix_panel_free(s.p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("audit");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, audit_oracle, 0, ORACLE_NSETS);
    tcase_add_test(tc, known_flags);
    tcase_add_test(tc, singular_names_collinear);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, spearman_ties);
    tcase_add_test(tc, gamma_tail);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
