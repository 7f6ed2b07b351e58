/* The cix_pca handle: eigenvalues, shares, factor count, unrotated and
 * varimax loadings in the oracle's canonical form (factors by decreasing
 * explained variance, each flipped so its loadings sum > 0), factor of each
 * indicator, OECD and score-coefficient weights; warnings. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"
#include "oracle_data.h"

#define REL 1e-9
#define ABS 1e-12

static void check_pca(const char *set, const char *method, const char *coef_method,
                      int factors)
{
    oracle_set s;
    oracle_expected e, c;
    cix_options o;
    cix_error err;
    cix_pca *a = NULL;
    char key[160];
    size_t m, J, it;
    const double *ev, *sh, *L, *Lr, *w, *cw, *cf;
    const size_t *fo;
    double cum = 0;

    oracle_load(&s, set);
    oracle_expected_load(&e, set, method);
    oracle_expected_load(&c, set, coef_method);
    oracle_options(&s, &o);
    o.weighting = CIX_WEIGHT_PCA;
    o.factors = factors;
    ck_assert_cix_ok(cix_pca_compute(s.p, &o, &a, &err), &err);
    J = cix_pca_nindicators(a);
    ck_assert_uint_eq(J, s.J);
    ck_assert_uint_eq(cix_pca_nrows(a), cix_panel_nrows(s.p));
    m = cix_pca_nfactors(a);
    ck_assert_uint_eq(m, (size_t)oracle_get(&e, "factors", "m"));
    ck_assert_uint_eq(m, (size_t)oracle_get(&c, "factors", "m"));
    ck_assert_int_eq(cix_pca_varimax_converged(a, &it), 1);
    ck_assert_uint_lt(it, 1000);
    if (factors)
        ck_assert_ptr_nonnull(strstr(cix_pca_rule(a), "fixed"));
    else
        ck_assert_ptr_nonnull(strstr(cix_pca_rule(a), "auto"));

    ev = cix_pca_eigenvalues(a);
    sh = cix_pca_variance_share(a);
    for (size_t k = 0; k < J; k++) {
        snprintf(key, sizeof key, "%zu", k + 1);
        ck_assert_rel(ev[k], oracle_get(&e, "eigenvalue", key), REL, ABS);
        ck_assert_rel(sh[k], oracle_get(&e, "share", key), REL, ABS);
        cum += sh[k];
        ck_assert_rel(cum, oracle_get(&e, "cumshare", key), REL, ABS);
        if (k > 0)
            ck_assert(ev[k] <= ev[k - 1]);
    }
    L = cix_pca_loadings(a);
    Lr = cix_pca_rotated(a);
    fo = cix_pca_factor_of(a);
    w = cix_pca_weights(a);
    cw = cix_pca_coef_weights(a);
    cf = cix_pca_coefficients(a);
    for (size_t j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(s.p, j);
        for (size_t k = 0; k < m; k++) {
            snprintf(key, sizeof key, "%s:%zu", name, k + 1);
            ck_assert_rel(L[j + k * J], oracle_get(&e, "loading_unrotated", key), REL,
                          ABS);
            ck_assert_rel(Lr[j + k * J], oracle_get(&e, "loading", key), REL, ABS);
            /* u = L / sqrt(lambda) */
            ck_assert_rel(L[j + k * J] / sqrt(ev[k]), oracle_get(&c, "u", key), REL, ABS);
        }
        ck_assert_uint_eq(fo[j] + 1, (size_t)oracle_get(&e, "factor", name));
        ck_assert_rel(w[j], oracle_get(&e, "weight", name), REL, 1e-15);
        ck_assert_rel(cf[j], oracle_get(&c, "c", name), REL, ABS);
        ck_assert_rel(cw[j], oracle_get(&c, "weight", name), REL, 1e-15);
    }
    for (size_t k = 0; k < m; k++) {
        double ex = 0;
        for (size_t j = 0; j < J; j++)
            ex += Lr[j + k * J] * Lr[j + k * J];
        snprintf(key, sizeof key, "%zu", k + 1);
        ck_assert_rel(ex, oracle_get(&e, "explained", key), REL, ABS);
    }
    /* every negative c is reported */
    {
        size_t neg = 0, notes = 0;
        for (size_t j = 0; j < J; j++)
            neg += cf[j] < 0;
        for (size_t i = 0; i < cix_pca_nnotes(a); i++) {
            const cix_note *nt = cix_pca_note(a, i);
            if (nt->kind == CIX_NOTE_NEGATIVE_COEF) {
                ck_assert(cf[nt->indicator] < 0);
                ck_assert_double_eq(nt->value_after, cf[nt->indicator]);
                ck_assert_ptr_nonnull(
                    strstr(nt->message, cix_panel_indicator(s.p, nt->indicator)));
                notes++;
            }
        }
        ck_assert_uint_eq(neg, notes);
    }
    cix_pca_free(a);
    oracle_expected_free(&e);
    oracle_expected_free(&c);
    cix_panel_free(s.p);
}

START_TEST(pca_auto_oracle)
{
    check_pca(ORACLE_SETS[_i], "pca", "pca-coef", 0);
}
END_TEST

START_TEST(pca_f4_oracle)
{
    check_pca("tai23", "pca-f4", "pca-coef-f4", 4);
}
END_TEST

static int has_warning(const cix_pca *a, const char *text)
{
    for (size_t i = 0; i < cix_pca_nnotes(a); i++) {
        const cix_note *nt = cix_pca_note(a, i);
        if (nt->kind == CIX_NOTE_WARNING && strstr(nt->message, text))
            return 1;
    }
    return 0;
}

/* water: KMO 0.512 (no warning), Bartlett p = 0.869 (warning); negative
 * coefficients of O2 and nutrient reported. */
START_TEST(water_warnings)
{
    oracle_set s;
    cix_options o;
    cix_error err;
    cix_pca *a = NULL;

    oracle_load(&s, "water");
    oracle_options(&s, &o);
    ck_assert_cix_ok(cix_pca_compute(s.p, &o, &a, &err), &err);
    ck_assert(has_warning(a, "Bartlett"));
    ck_assert(!has_warning(a, "KMO"));
    ck_assert(!has_warning(a, "fewer rows"));
    ck_assert_rel(cix_pca_kmo(a), 0.512, 0, 1e-3);
    ck_assert_rel(cix_pca_bartlett_p(a), 0.869, 0, 1e-3);
    ck_assert(cix_pca_coefficients(a)[0] < 0); /* O2 */
    ck_assert(cix_pca_coefficients(a)[3] < 0); /* nutrient */
    cix_pca_free(a);
    cix_panel_free(s.p);
}
END_TEST

static cix_panel *small_panel(size_t n, size_t J, const double *x)
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
        snprintf(name, sizeof name, "x%zu", j + 1);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &err), &err);
        memcpy(cix_panel_column(p, j), x + j * n, n * sizeof(double));
    }
    return p;
}

/* Fewer rows than indicators: singular R, both warnings, collinear named. */
START_TEST(few_rows_singular)
{
    double x[] = {1, 2, 4, 2, 1, 3, 5, 5, 1, 0, 2, 9};
    cix_panel *p = small_panel(3, 4, x);
    cix_options o;
    cix_error err;
    cix_pca *a = NULL;
    double sum = 0;

    cix_options_init(&o);
    ck_assert_cix_ok(cix_pca_compute(p, &o, &a, &err), &err);
    ck_assert(has_warning(a, "fewer rows than indicators"));
    ck_assert(has_warning(a, "singular"));
    ck_assert(isnan(cix_pca_kmo(a)));
    for (size_t j = 0; j < 4; j++)
        sum += cix_pca_weights(a)[j];
    ck_assert_rel(sum, 1.0, 1e-14, 0);
    cix_pca_free(a);
    cix_panel_free(p);
}
END_TEST

/* x3 = x1 + x2 exactly: the singular-R warning names x1, x2 and x3, and not
 * x4. */
START_TEST(collinear_named)
{
    double x[24] = {1, 4, 2, 8, 5, 7, 3, 1, 4, 1, 5, 9, 0, 0, 0, 0, 0, 0,
                    6, 2, 7, 1, 8, 3};
    cix_panel *p;
    cix_options o;
    cix_error err;
    cix_pca *a = NULL;
    int found = 0;

    for (size_t i = 0; i < 6; i++)
        x[12 + i] = x[i] + x[6 + i];
    p = small_panel(6, 4, x);
    cix_options_init(&o);
    ck_assert_cix_ok(cix_pca_compute(p, &o, &a, &err), &err);
    for (size_t i = 0; i < cix_pca_nnotes(a); i++) {
        const char *m = cix_pca_note(a, i)->message;
        if (strstr(m, "singular")) {
            found = 1;
            ck_assert_ptr_nonnull(strstr(m, "'x1'"));
            ck_assert_ptr_nonnull(strstr(m, "'x2'"));
            ck_assert_ptr_nonnull(strstr(m, "'x3'"));
            ck_assert_ptr_null(strstr(m, "'x4'"));
        }
    }
    ck_assert(found);
    cix_pca_free(a);
    cix_panel_free(p);
}
END_TEST

START_TEST(errors)
{
    double x[] = {1, 2, 3, 4, 5, 5, 5, 5, 2, 1, 4, 3};
    cix_panel *p = small_panel(4, 3, x);
    cix_options o;
    cix_error err;
    cix_pca *a = (cix_pca *)&o;

    cix_options_init(&o);
    ck_assert_int_eq(cix_pca_compute(p, &o, &a, &err), CIX_EDEGENERATE);
    ck_assert_ptr_null(a);
    ck_assert_str_eq(err.indicator, "x2");
    ck_assert_ptr_nonnull(strstr(err.message, "constant"));

    cix_panel_column(p, 1)[0] = 1;
    o.factors = 4;
    ck_assert_int_eq(cix_pca_compute(p, &o, &a, &err), CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "--factors"));

    o.factors = 0;
    cix_panel_column(p, 2)[3] = NAN;
    ck_assert_int_eq(cix_pca_compute(p, &o, &a, &err), CIX_EDATA);
    ck_assert_str_eq(err.indicator, "x3");
    ck_assert_str_eq(err.region, "R4");
    ck_assert_ptr_nonnull(strstr(err.message, "--impute"));
    cix_panel_free(p);

    ck_assert_int_eq(cix_pca_compute(NULL, &o, &a, &err), CIX_EINVAL);
    ck_assert_ptr_null(cix_pca_eigenvalues(NULL));
    ck_assert_uint_eq(cix_pca_nfactors(NULL), 0);
    cix_pca_free(NULL);
}
END_TEST

/* One factor: no rotation; rotated = unrotated; weights ∝ L^2. */
START_TEST(one_factor)
{
    oracle_set s;
    cix_options o;
    cix_error err;
    cix_pca *a = NULL;
    double sum = 0;

    oracle_load(&s, "tai23");
    oracle_options(&s, &o);
    o.factors = 1;
    ck_assert_cix_ok(cix_pca_compute(s.p, &o, &a, &err), &err);
    ck_assert_uint_eq(cix_pca_nfactors(a), 1);
    for (size_t j = 0; j < 8; j++) {
        double l = cix_pca_loadings(a)[j];
        ck_assert_double_eq(cix_pca_rotated(a)[j], l);
        sum += l;
    }
    ck_assert(sum > 0);
    for (size_t j = 0; j < 8; j++) {
        double l = cix_pca_loadings(a)[j];
        ck_assert_rel(cix_pca_weights(a)[j], l * l / cix_pca_eigenvalues(a)[0], 1e-12, 0);
        ck_assert_uint_eq(cix_pca_factor_of(a)[j], 0);
    }
    cix_pca_free(a);
    cix_panel_free(s.p);
}
END_TEST

/* Weights through the pipeline's group function return the PCA handle of
 * the last group; with scope year, one PCA per year. */
START_TEST(groups_handle)
{
    oracle_set s;
    cix_options o;
    cix_error err;
    cix_i_scope sc;
    cix_i_notes notes;
    cix_pca *a = NULL;
    size_t n, used;
    double *y, wg[6 * 8];

    oracle_load(&s, "complete30");
    n = cix_panel_nrows(s.p);
    y = malloc(n * 8 * sizeof *y);
    oracle_options(&s, &o);
    o.weighting = CIX_WEIGHT_PCA_COEF;
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_cix_ok(cix_normalize(s.p, &o, y, &err), &err);
    ck_assert_cix_ok(cix_i_scope_build(s.p, &o, &sc, &err), &err);
    cix_i_notes_init(&notes, NULL);
    {
        cix_allocator al;
        cix_i_alloc_init(&al, NULL);
        notes.alloc = &al;
        ck_assert_cix_ok(
            cix_i_weights_groups(s.p, &o, y, &sc, wg, &used, &a, &notes, &err), &err);
        ck_assert_uint_eq(used, 6);
        ck_assert_ptr_nonnull(a);
        ck_assert_uint_eq(cix_pca_nrows(a), 30);
        for (size_t j = 0; j < 8; j++)
            ck_assert_double_eq(wg[5 * 8 + j], cix_pca_coef_weights(a)[j]);
        cix_pca_free(a);
        cix_i_notes_free(&notes);
    }
    cix_i_scope_free(s.p, &sc);
    free(y);
    cix_panel_free(s.p);
}
END_TEST

/* Every allocation failure of cix_pca_compute and of the pca, pca-coef and
 * critic weights is CIX_ENOMEM with no output (leaks are caught by the
 * sanitizer build). */
START_TEST(allocation_failures)
{
    static const cix_weighting ms[] = {CIX_WEIGHT_PCA, CIX_WEIGHT_PCA_COEF,
                                       CIX_WEIGHT_CRITIC, CIX_WEIGHT_SD, CIX_WEIGHT_CV};
    oracle_set s;
    cix_test_meter fs = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&fs);
    cix_panel *p;
    cix_options o;
    cix_error err;
    double y[23 * 8], w[8];
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
    o.weighting = CIX_WEIGHT_PCA_COEF;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
    for (fails = 0;; fails++) {
        cix_pca *a = (cix_pca *)&fs;
        cix_status st;
        fs.calls = 0;
        fs.fail_at = fails;
        st = cix_pca_compute(p, &o, &a, &err);
        fs.fail_at = -1;
        if (st == CIX_OK) {
            ck_assert_uint_eq(cix_pca_nnotes(a), 3); /* Bartlett, 2 negative c */
            cix_pca_free(a);
            break;
        }
        ck_assert_int_eq(st, CIX_ENOMEM);
        ck_assert_ptr_null(a);
    }
    ck_assert(fails > 10);
    for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++) {
        o.weighting = ms[k];
        for (fails = 0;; fails++) {
            cix_status st;
            fs.calls = 0;
            fs.fail_at = fails;
            st = cix_weights(p, &o, y, w, &err);
            fs.fail_at = -1;
            if (st == CIX_OK)
                break;
            ck_assert_int_eq(st, CIX_ENOMEM);
        }
        ck_assert(fails > 0);
    }
    cix_panel_free(p);
    cix_panel_free(s.p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("pca");
    TCase *tc = tcase_create("pca");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, pca_auto_oracle, 0, ORACLE_NSETS);
    tcase_add_test(tc, pca_f4_oracle);
    tcase_add_test(tc, water_warnings);
    tcase_add_test(tc, few_rows_singular);
    tcase_add_test(tc, collinear_named);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, one_factor);
    tcase_add_test(tc, groups_handle);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
