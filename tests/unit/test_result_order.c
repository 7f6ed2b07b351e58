/*
 * cix_rank_order: the rows in the order `cix score` prints them (year, then
 * rank with missing ranks last, then input order), by counting for whole
 * and half ranks and by comparison for any other ranks.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

/* A panel of n rows: region "r<i>" and year[i] (NULL: a cross-section). */
static cix_panel *panel_of(size_t n, const int32_t *year, const cix_allocator *a)
{
    cix_panel *p = NULL;
    cix_error e;
    char name[32];
    ck_assert_cix_ok(cix_panel_create(n, 1, year != NULL, a, &p, &e), &e);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "x", &e), &e);
    for (size_t i = 0; i < n; i++) {
        snprintf(name, sizeof name, "r%zu", i);
        ck_assert_cix_ok(cix_panel_set_row(p, i, name, year ? year[i] : CIX_NO_YEAR, &e), &e);
    }
    return p;
}

/* cix_rank_order of p and ranks equals want[0..n); what names the case. */
static void check_order(const char *what, const cix_panel *p, const double *ranks,
                        const size_t *want, size_t n)
{
    size_t *got = malloc((n ? n : 1) * sizeof *got);
    cix_error e;
    ck_assert_ptr_nonnull(got);
    ck_assert_cix_ok(cix_rank_order(p, ranks, got, &e), &e);
    for (size_t k = 0; k < n; k++)
        ck_assert_msg(got[k] == want[k], "%s: position %zu: row %zu, expected row %zu", what, k,
                      got[k], want[k]);
    free(got);
}

/* One panel with years, its ranks and the order expected. */
typedef struct order_case {
    const char *what;
    size_t n;
    int32_t year[10];
    double rank[10];
    size_t want[10];
} order_case;

static const order_case cases[] = {
    {"years out of order, ties min, missing ranks (counting)", 10,
     {2021, 2019, 2021, 2019, 2021, 2019, 2021, 2020, 2020, 2020},
     {2, 1, 1, NAN, 2, 2, 4, 1, NAN, NAN},
     {1, 5, 3, 7, 8, 9, 2, 0, 4, 6}},
    {"dense ranks, every rank of a year missing (counting)", 7,
     {2005, 2005, 2005, 2003, 2003, 2004, 2004},
     {1, 2, 1, NAN, NAN, 1, 1},
     {3, 4, 5, 6, 0, 2, 1}},
    {"average ties: 2.5 and 2.5 keep input order (counting by halves)", 7,
     {2020, 2020, 2020, 2020, 2018, 2018, 2020},
     {2.5, 1, 2.5, 4.5, 1.5, 1.5, 4.5},
     {4, 5, 1, 0, 2, 3, 6}},
    {"fractions, below 1, infinite (comparison)", 7,
     {2020, 2020, 2020, 2020, 2020, 2019, 2019},
     {3.75, NAN, -1, 3.75, INFINITY, 100, 0.5},
     {6, 5, 2, 0, 3, 4, 1}},
    {"a whole rank above the rows of its year (comparison)", 4,
     {2020, 2020, 2020, 2020},
     {5, 1, NAN, 2},
     {1, 3, 0, 2}},
    {"one row", 1, {2022}, {1}, {0}},
    {"one row, rank missing", 1, {2022}, {NAN}, {0}},
    {"one row, rank off the grid", 1, {2022}, {7.25}, {0}},
};

START_TEST(panels_with_years)
{
    const order_case *c = &cases[_i];
    cix_panel *p = panel_of(c->n, c->year, NULL);
    check_order(c->what, p, c->rank, c->want, c->n);
    cix_panel_free(p);
}
END_TEST

START_TEST(cross_section)
{
    const double rank[5] = {2, 1, NAN, 1, 2.5};
    const double whole[4] = {3, 1, NAN, 1};
    const size_t want[5] = {1, 3, 0, 4, 2};
    const size_t want_whole[4] = {1, 3, 0, 2};
    cix_panel *p = panel_of(5, NULL, NULL);
    ck_assert_int_eq(cix_panel_has_year(p), 0);
    check_order("cross-section, a half", p, rank, want, 5);
    cix_panel_free(p);
    p = panel_of(4, NULL, NULL);
    check_order("cross-section, whole ranks", p, whole, want_whole, 4);
    cix_panel_free(p);
}
END_TEST

/* A row whose year was never set (CIX_NO_YEAR) comes before every year. */
START_TEST(row_without_year)
{
    cix_panel *p = NULL;
    cix_error e;
    const double rank[3] = {1, 1, 1};
    const size_t want[3] = {2, 1, 0};
    ck_assert_cix_ok(cix_panel_create(3, 1, 1, NULL, &p, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(p, 0, "a", 2021, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(p, 1, "b", 2020, &e), &e);
    ck_assert_int_eq(cix_panel_row_year(p, 2), CIX_NO_YEAR);
    check_order("row without a year", p, rank, want, 3);
    cix_panel_free(p);
}
END_TEST

START_TEST(null_arguments_and_no_rows)
{
    const int32_t year[2] = {2020, 2020};
    const double rank[2] = {1, 2};
    size_t order[2] = {7, 7};
    cix_panel *p = panel_of(2, year, NULL);
    cix_error e;

    cix_error_clear(&e);
    ck_assert_int_eq(cix_rank_order(NULL, rank, order, &e), CIX_EINVAL);
    ck_assert_int_eq(e.status, CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.message, "panel"));
    cix_error_clear(&e);
    ck_assert_int_eq(cix_rank_order(p, NULL, order, &e), CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.message, "ranks"));
    ck_assert_int_eq(cix_rank_order(p, rank, NULL, NULL), CIX_EINVAL);
    ck_assert_int_eq(order[0], 7);
    ck_assert_int_eq(order[1], 7);
    cix_panel_free(p);

    /* no rows: nothing to read or write */
    p = NULL;
    ck_assert_cix_ok(cix_panel_create(0, 0, 1, NULL, &p, &e), &e);
    ck_assert_uint_eq(cix_panel_nrows(p), 0);
    ck_assert_cix_ok(cix_rank_order(p, NULL, NULL, &e), &e);
    cix_panel_free(p);
}
END_TEST

/* The order written out by hand: years ascending; within a year, rows in
 * input order, then moved left past every row with a larger rank or a
 * missing one (insertion, which keeps equal ranks in input order). */
static void reference_order(const cix_panel *p, const double *rank, size_t *out)
{
    size_t n = cix_panel_nrows(p), ny = cix_panel_nyears(p), m = 0;
    for (size_t k = 0; k < ny; k++) {
        size_t first = m;
        for (size_t i = 0; i < n; i++) {
            size_t at;
            if (cix_panel_row_year(p, i) != cix_panel_year_at(p, k))
                continue;
            at = m++;
            while (at > first &&
                   (isnan(rank[out[at - 1]]) ? !isnan(rank[i]) : rank[i] < rank[out[at - 1]])) {
                out[at] = out[at - 1];
                at--;
            }
            out[at] = i;
        }
    }
    ck_assert_uint_eq(m, n);
}

/* Ranks of cix_rank with every ties rule over panels of random shapes, and
 * the same ranks nudged off the counting sort's grid, against the order
 * written out by hand. */
START_TEST(random_panels)
{
    uint32_t seed = 12345;
    for (int trial = 0; trial < 300; trial++) {
        size_t n = 1 + trial % 37;
        int32_t *year = malloc(n * sizeof *year);
        double *score = malloc(n * sizeof *score), *rank = malloc(n * sizeof *rank);
        size_t *want = malloc(n * sizeof *want);
        cix_ties ties = (cix_ties)(trial % 3);
        cix_panel *p;
        cix_error e;
        ck_assert(year && score && rank && want);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            year[i] = 1990 + (int32_t)((seed >> 8) % 5);
            seed = seed * 1664525u + 1013904223u;
            /* few distinct scores: many ties; some missing */
            score[i] = (seed >> 8) % 9 == 0 ? NAN : (double)((seed >> 12) % 4);
        }
        p = panel_of(n, year, NULL);
        ck_assert_cix_ok(cix_rank(score, year, n, ties, NULL, rank, &e), &e);
        /* missing ranks too (a caller's, or a region dropped by a screen) */
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            if ((seed >> 8) % 7 == 0)
                rank[i] = NAN;
        }
        reference_order(p, rank, want);
        check_order("ranks of cix_rank", p, rank, want, n);
        for (size_t i = 0; i < n; i++)
            if (!isnan(rank[i]))
                rank[i] += 0.125;
        reference_order(p, rank, want);
        check_order("ranks off the grid", p, rank, want, n);
        cix_panel_free(p);
        free(year);
        free(score);
        free(rank);
        free(want);
    }
}
END_TEST

/* The ranks of a full run, as the CLI orders them. */
START_TEST(compute_ranks)
{
    const int32_t year[6] = {2021, 2021, 2021, 2020, 2020, 2020};
    const double x[6] = {3, 1, 3, 5, 7, 6};
    const size_t want[6] = {4, 5, 3, 0, 2, 1};
    cix_panel *p = panel_of(6, year, NULL);
    cix_result *r = NULL;
    cix_options o;
    cix_error e;
    memcpy(cix_panel_column(p, 0), x, sizeof x);
    cix_options_init(&o);
    o.weighting = CIX_WEIGHT_EQUAL;
    o.ties = CIX_TIES_AVERAGE;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_rel(cix_result_ranks(r)[0], 1.5, 0, 0);
    ck_assert_rel(cix_result_ranks(r)[2], 1.5, 0, 0);
    check_order("cix_compute", p, cix_result_ranks(r), want, 6);
    cix_result_free(r);
    cix_panel_free(p);
}
END_TEST

/* Every allocation failure gives CIX_ENOMEM, leaves order untouched and
 * leaks nothing, on the counting path and on the comparison path. */
START_TEST(out_of_memory)
{
    const int32_t year[6] = {2021, 2020, 2021, 2020, 2021, 2020};
    const double whole[6] = {1, 2, 3, 1, 2, NAN};
    const double other[6] = {1.1, 2, 3, 1, 2, NAN};
    const size_t want_whole[6] = {3, 1, 5, 0, 4, 2};
    const double *ranks[2] = {whole, other};
    for (int c = 0; c < 2; c++) {
        cix_test_hook h = {0, 0, 0};
        cix_allocator a = cix_test_hook_allocator(&h);
        cix_panel *p = panel_of(6, year, &a);
        long base = h.live, n;
        for (n = 1;; n++) {
            size_t order[6];
            cix_status st;
            cix_error e;
            for (int i = 0; i < 6; i++)
                order[i] = 99;
            h.count = 0;
            h.fail_at = n;
            st = cix_rank_order(p, ranks[c], order, &e);
            h.fail_at = 0;
            ck_assert_int_eq(h.live, base);
            if (st == CIX_OK) {
                ck_assert(h.count < n);
                for (int i = 0; i < 6; i++)
                    ck_assert_uint_eq(order[i], want_whole[i]);
                break;
            }
            ck_assert_int_eq(st, CIX_ENOMEM);
            ck_assert_int_eq(e.status, CIX_ENOMEM);
            for (int i = 0; i < 6; i++)
                ck_assert_uint_eq(order[i], 99);
        }
        ck_assert_int_gt(n, 1);
        cix_panel_free(p);
        ck_assert_int_eq(h.live, 0);
    }
}
END_TEST

int main(void)
{
    const TTest *tests[] = {cross_section, row_without_year, null_arguments_and_no_rows,
                            random_panels, compute_ranks, out_of_memory};
    Suite *s = suite_create("result_order");
    TCase *t = tcase_create("order");
    tcase_add_loop_test(t, panels_with_years, 0, (int)(sizeof cases / sizeof cases[0]));
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++)
        tcase_add_test(t, tests[k]);
    suite_add_tcase(s, t);
    return cix_test_run(s);
}
