/*
 * Fitted models: fit on 2018-2021 of the shipped provincial panel, score
 * 2018-2023 with the fitted model and get the fit run's 2018-2021 scores bit
 * for bit; the file reads back to the same scores; refitting writes the same
 * bytes; mismatching data and units are refused.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cix_test.h"

#define SRC CIX_SOURCE_DIR
#define MODEL SRC "/tests/data/model/prov_small.csv"
#define DATA SRC "/data/prov_mfg_innovation_2018_2023.complete30.csv"

static cix_panel *read_all(const cix_model *m)
{
    cix_panel *p = NULL;
    cix_error e;
    ck_assert_cix_ok(cix_model_read_panel(m, DATA, NULL, &p, &e), &e);
    return p;
}

/* The rows of p with year <= last, as a new panel. */
static cix_panel *years_upto(const cix_panel *p, int32_t last)
{
    size_t n = 0, J = cix_panel_nindicators(p), k = 0;
    cix_panel *q = NULL;
    cix_error e;
    for (size_t r = 0; r < cix_panel_nrows(p); r++)
        n += cix_panel_row_year(p, r) <= last;
    ck_assert_cix_ok(cix_panel_create(n, J, 1, NULL, &q, &e), &e);
    for (size_t j = 0; j < J; j++)
        ck_assert_cix_ok(cix_panel_set_indicator(q, j, cix_panel_indicator(p, j), &e), &e);
    for (size_t r = 0; r < cix_panel_nrows(p); r++) {
        if (cix_panel_row_year(p, r) > last)
            continue;
        ck_assert_cix_ok(cix_panel_set_row(q, k, cix_panel_row_region(p, r),
                                           cix_panel_row_year(p, r), &e),
                         &e);
        for (size_t j = 0; j < J; j++)
            cix_panel_column(q, j)[k] = cix_panel_value(p, r, j);
        k++;
    }
    return q;
}

/* Row of q with the region and year of row r of p. */
static size_t same_row(const cix_panel *q, const cix_panel *p, size_t r)
{
    for (size_t i = 0; i < cix_panel_nrows(q); i++)
        if (cix_panel_row_year(q, i) == cix_panel_row_year(p, r) &&
            strcmp(cix_panel_row_region(q, i), cix_panel_row_region(p, r)) == 0)
            return i;
    return (size_t)-1;
}

static int bits_equal(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Every hierarchy node's scores of rows of `fit` equal those of `all`. */
static void assert_same_scores(const cix_model *m, const cix_panel *fit,
                               const cix_model_result *rf, const cix_panel *all,
                               const cix_model_result *ra)
{
    size_t checked = 0;
    for (size_t i = 0; i < cix_model_nnodes(m); i++) {
        const double *sf = cix_model_result_scores(rf, i), *sa = cix_model_result_scores(ra, i);
        if (!sf)
            continue;
        ck_assert_ptr_nonnull(sa);
        for (size_t r = 0; r < cix_panel_nrows(all); r++) {
            size_t q = same_row(fit, all, r);
            if (q == (size_t)-1)
                continue;
            ck_assert_msg(bits_equal(sf[q], sa[r]), "node %s, %s %d: %.17g vs %.17g",
                          cix_model_node_code(m, i), cix_panel_row_region(all, r),
                          (int)cix_panel_row_year(all, r), sf[q], sa[r]);
            checked++;
        }
    }
    ck_assert_uint_eq(checked, 12 * 120);
}

static void options(cix_options *o)
{
    cix_options_init(o);
    o->impute = CIX_IMPUTE_MEAN;
}

START_TEST(fit_then_score_new_years)
{
    cix_model *m = NULL;
    cix_panel *all, *fit;
    cix_fitted *f = NULL, *g = NULL;
    cix_model_result *rc = NULL, *rs = NULL, *rg = NULL;
    cix_options o;
    cix_error e;
    char path1[256], path2[256];
    char *t1, *t2;
    size_t l1, l2;

    ck_assert_cix_ok(cix_model_read_file(MODEL, NULL, &m, &e), &e);
    all = read_all(m);
    ck_assert_uint_eq(cix_panel_nrows(all), 180);
    fit = years_upto(all, 2021);
    ck_assert_uint_eq(cix_panel_nrows(fit), 120);
    options(&o);

    ck_assert_cix_ok(cix_model_compute(m, fit, &o, &rc, &e), &e);
    ck_assert_cix_ok(cix_fit(m, fit, &o, &f, &e), &e);
    ck_assert_str_eq(cix_fitted_engine_version(f), cix_version_string());
    ck_assert_cix_ok(cix_fitted_score(f, all, &rs, &e), &e);
    assert_same_scores(m, fit, rc, all, rs);

    /* weights of the fit run are the fitted ones, at every level */
    for (size_t i = 0; i < cix_model_nnodes(m); i++)
        if (cix_model_node_parent(m, i) != CIX_NO_NODE)
            ck_assert(bits_equal(cix_model_result_weight(rc, i),
                                 cix_model_result_weight(rs, i)));
    /* Input has twice the weight of the other pillars; Output equal weights */
    ck_assert_rel(cix_model_result_weight(rc, cix_model_find(m, "Input")), 0.5, 1e-15, 0);
    ck_assert_rel(cix_model_result_weight(rc, cix_model_find(m, "tm_out_value")), 1.0 / 3,
                  1e-15, 0);
    ck_assert_rel(cix_model_result_weight(rc, cix_model_find(m, "ht_rd_intensity")),
                  2.0 / 3, 1e-15, 0);

    /* new years may leave the fit range: minmax above 1 is allowed */
    {
        const double *y = cix_model_result_scores(rs, cix_model_find(m, "rd_intensity"));
        double hi = -INFINITY;
        for (size_t r = 0; r < 180; r++)
            if (cix_panel_row_year(all, r) > 2021 && y[r] > hi)
                hi = y[r];
        ck_assert(hi > 1.0);
    }

    /* the file reads back to the same scores; refit gives the same bytes */
    snprintf(path1, sizeof path1, "/tmp/cix_fit_test_%ld_a.fit", (long)getpid());
    snprintf(path2, sizeof path2, "/tmp/cix_fit_test_%ld_b.fit", (long)getpid());
    ck_assert_cix_ok(cix_fitted_write_file(f, path1, &e), &e);
    {
        cix_fitted *f2 = NULL;
        ck_assert_cix_ok(cix_fit(m, fit, &o, &f2, &e), &e);
        ck_assert_cix_ok(cix_fitted_write_file(f2, path2, &e), &e);
        cix_fitted_free(f2);
    }
    t1 = cix_test_slurp(path1, &l1);
    t2 = cix_test_slurp(path2, &l2);
    ck_assert_ptr_nonnull(t1);
    ck_assert_ptr_nonnull(t2);
    ck_assert_uint_eq(l1, l2);
    ck_assert(memcmp(t1, t2, l1) == 0);
    ck_assert_ptr_nonnull(strstr(t1, "cix-fitted,1\n"));
    ck_assert_ptr_nonnull(strstr(t1, "\nideal,pat_grant_inv,"));
    ck_assert_cix_ok(cix_fitted_read_file(path1, NULL, &g, &e), &e);
    ck_assert_int_eq(cix_fitted_options(g)->impute, CIX_IMPUTE_MEAN);
    ck_assert_uint_eq(cix_model_nindicators(cix_fitted_model(g)), 8);
    ck_assert_cix_ok(cix_fitted_score(g, all, &rg, &e), &e);
    assert_same_scores(m, fit, rc, all, rg);
    {
        /* writing the read model again gives the same bytes */
        char *t3;
        size_t l3;
        ck_assert_cix_ok(cix_fitted_write_file(g, path2, &e), &e);
        t3 = cix_test_slurp(path2, &l3);
        ck_assert_uint_eq(l3, l1);
        ck_assert(memcmp(t1, t3, l1) == 0);
        free(t3);
    }
    ck_assert_cix_ok(cix_fitted_check_model(g, m, &e), &e);
    remove(path1);
    remove(path2);
    free(t1);
    free(t2);
    cix_model_result_free(rc);
    cix_model_result_free(rs);
    cix_model_result_free(rg);
    cix_fitted_free(f);
    cix_fitted_free(g);
    cix_panel_free(fit);
    cix_panel_free(all);
    cix_model_free(m);
}
END_TEST

/* Unfitted scoring of a pooled panel or a cross-section equals fitted
 * scoring of the same data, bit for bit (minmax, zscore, TOPSIS, entropy). */
START_TEST(fitted_equals_unfitted)
{
    cix_model *m = NULL;
    cix_panel *all, *cs;
    cix_options o;
    cix_error e;

    ck_assert_cix_ok(cix_model_read_file(MODEL, NULL, &m, &e), &e);
    all = read_all(m);
    options(&o);
    {
        cix_model_result *rc = NULL, *rs = NULL;
        cix_fitted *f = NULL;
        ck_assert_cix_ok(cix_model_compute(m, all, &o, &rc, &e), &e);
        ck_assert_cix_ok(cix_fit(m, all, &o, &f, &e), &e);
        ck_assert_cix_ok(cix_fitted_score(f, all, &rs, &e), &e);
        for (size_t i = 0; i < cix_model_nnodes(m); i++) {
            const double *a = cix_model_result_scores(rc, i), *b = cix_model_result_scores(rs, i);
            if (!a)
                continue;
            for (size_t r = 0; r < 180; r++)
                ck_assert_msg(bits_equal(a[r], b[r]), "%s row %zu",
                              cix_model_node_code(m, i), r);
        }
        cix_model_result_free(rc);
        cix_model_result_free(rs);
        cix_fitted_free(f);
    }
    /* a cross-section: the 2023 rows without a year */
    {
        size_t n = 0, k = 0, J = cix_panel_nindicators(all);
        cix_model_result *rc = NULL, *rs = NULL;
        cix_fitted *f = NULL;
        for (size_t r = 0; r < 180; r++)
            n += cix_panel_row_year(all, r) == 2023;
        ck_assert_cix_ok(cix_panel_create(n, J, 0, NULL, &cs, &e), &e);
        for (size_t j = 0; j < J; j++)
            ck_assert_cix_ok(cix_panel_set_indicator(cs, j, cix_panel_indicator(all, j), &e),
                             &e);
        for (size_t r = 0; r < 180; r++) {
            if (cix_panel_row_year(all, r) != 2023)
                continue;
            ck_assert_cix_ok(cix_panel_set_row(cs, k, cix_panel_row_region(all, r), 0, &e),
                             &e);
            for (size_t j = 0; j < J; j++)
                cix_panel_column(cs, j)[k] = cix_panel_value(all, r, j);
            k++;
        }
        o.scope = CIX_SCOPE_YEAR; /* a cross-section has one year: the same as pooled */
        ck_assert_cix_ok(cix_model_compute(m, cs, &o, &rc, &e), &e);
        ck_assert_cix_ok(cix_fit(m, cs, &o, &f, &e), &e);
        ck_assert_cix_ok(cix_fitted_score(f, cs, &rs, &e), &e);
        for (size_t r = 0; r < n; r++)
            ck_assert(bits_equal(cix_model_result_index(rc)[r], cix_model_result_index(rs)[r]));
        cix_model_result_free(rc);
        cix_model_result_free(rs);
        cix_fitted_free(f);
        cix_panel_free(cs);
    }
    cix_panel_free(all);
    cix_model_free(m);
}
END_TEST

START_TEST(fitted_refuses_mismatch)
{
    cix_model *m = NULL, *m2 = NULL;
    cix_panel *all, *bad = NULL;
    cix_fitted *f = NULL;
    cix_model_result *r = NULL;
    cix_options o;
    cix_error e;
    size_t len;
    char *text;

    ck_assert_cix_ok(cix_model_read_file(MODEL, NULL, &m, &e), &e);
    all = read_all(m);
    options(&o);
    ck_assert_cix_ok(cix_fit(m, all, &o, &f, &e), &e);
    /* a panel without tm_out_value */
    ck_assert_cix_ok(cix_panel_create(2, 1, 1, NULL, &bad, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(bad, 0, "A", 2024, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(bad, 1, "B", 2024, &e), &e);
    ck_assert_cix_ok(cix_panel_set_indicator(bad, 0, "rd_intensity", &e), &e);
    ck_assert_int_eq(cix_fitted_score(f, bad, &r, &e), CIX_EDATA);
    ck_assert_ptr_null(r);
    ck_assert_str_eq(e.indicator, "rd_ent_share");
    ck_assert_ptr_nonnull(strstr(e.message, "not a column of the panel"));
    /* a model whose unit differs */
    text = cix_test_slurp(MODEL, &len);
    {
        char *u = strstr(text, "Enterprise share of R&D funds,1,Input,Indicator,+,1,%");
        ck_assert_ptr_nonnull(u);
        u[strlen("Enterprise share of R&D funds,1,Input,Indicator,+,1,")] = 'x';
    }
    ck_assert_cix_ok(cix_model_read_buffer(text, len, "new.csv", NULL, &m2, &e), &e);
    ck_assert_int_eq(cix_fitted_check_model(f, m2, &e), CIX_EDATA);
    ck_assert_str_eq(e.indicator, "rd_ent_share");
    ck_assert_uint_eq(e.line, 7);
    ck_assert_ptr_nonnull(strstr(e.message, "in '%' in the fitted model but in 'x' here"));
    /* rank normalization cannot be frozen */
    o.normalization = CIX_NORM_RANK;
    {
        cix_fitted *f2 = NULL;
        ck_assert_int_eq(cix_fit(m, all, &o, &f2, &e), CIX_EUNSUPPORTED);
        ck_assert_ptr_null(f2);
    }
    /* a damaged file */
    {
        cix_fitted *f3 = NULL;
        static const char dmg[] = "cix-fitted,1\nengine,0\nbogus,1\nmodel,0\n";
        ck_assert_int_eq(cix_fitted_read_buffer(dmg, sizeof dmg - 1, "d.fit", NULL, &f3, &e),
                         CIX_EPARSE);
        ck_assert_ptr_null(f3);
    }
    free(text);
    cix_model_free(m2);
    cix_panel_free(bad);
    cix_fitted_free(f);
    cix_panel_free(all);
    cix_model_free(m);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fit");
    TCase *t = tcase_create("fit");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, fit_then_score_new_years);
    tcase_add_test(t, fitted_equals_unfitted);
    tcase_add_test(t, fitted_refuses_mismatch);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
