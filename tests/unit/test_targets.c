/*
 * Target attainment: a hand-computed case with a model baseline, a baseline
 * year, a cost indicator, a target equal to its baseline, caps at 0 and 1
 * and a missing cell; errors.
 */
#include <math.h>
#include <string.h>

#include "cix_test.h"

#define SRC CIX_SOURCE_DIR

static cix_panel *panel(void)
{
    /* rows A2020, A2021, B2020, B2021; columns up, down, flat, none, above */
    static const double v[4][5] = {
        {2, 5, 5, 1, 5}, {6, 3, 4, 1, 2}, {12, 4, 6, 1, 3}, {1, 0.5, NAN, 1, NAN}};
    static const char *const names[5] = {"up", "down", "flat", "none", "above"};
    cix_panel *p = NULL;
    cix_error e;
    ck_assert_cix_ok(cix_panel_create(4, 5, 1, NULL, &p, &e), &e);
    for (size_t r = 0; r < 4; r++)
        ck_assert_cix_ok(cix_panel_set_row(p, r, r < 2 ? "A" : "B", (int32_t)(2020 + r % 2),
                                           &e),
                         &e);
    for (size_t j = 0; j < 5; j++) {
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, names[j], &e), &e);
        for (size_t r = 0; r < 4; r++)
            cix_panel_column(p, j)[r] = v[r][j];
    }
    return p;
}

START_TEST(hand_computed)
{
    cix_model *m = NULL;
    cix_panel *p = panel();
    cix_targets *t = NULL;
    cix_error e;
    /* expected progress per target (up, down, flat) and row */
    static const double want[4][4] = {
        {0.0, 0.5, 1.0, 0.0},  /* (x - 2) / (10 - 2), capped */
        {0.0, 0.5, 0.0, 1.0},  /* (x - b) / (1 - b), b = 2020 value: 5 (A), 4 (B) */
        {1.0, 0.0, 1.0, NAN},  /* t = b = 5: met when x >= 5 */
        {1.0, 0.0, 1.0, NAN},  /* t = 3 < b = 4, benefit: met when x >= 3, else
                                  it started above the target and fell: 0 */
    };
    static const double base_down[4] = {5, 5, 4, 4};
    static const size_t met[4] = {2, 0, 3, 1}, known[4] = {4, 4, 4, 2};

    ck_assert_cix_ok(
        cix_model_read_file(SRC "/tests/data/model/targets_small.csv", NULL, &m, &e), &e);
    ck_assert_cix_ok(cix_targets_compute(m, p, 2020, &t, &e), &e);
    ck_assert_uint_eq(cix_targets_count(t), 4);
    ck_assert_str_eq(cix_model_node_code(m, cix_targets_node(t, 0)), "up");
    ck_assert_str_eq(cix_model_node_code(m, cix_targets_node(t, 1)), "down");
    ck_assert_str_eq(cix_model_node_code(m, cix_targets_node(t, 2)), "flat");
    ck_assert_str_eq(cix_model_node_code(m, cix_targets_node(t, 3)), "above");
    for (size_t k = 0; k < 4; k++)
        for (size_t r = 0; r < 4; r++) {
            double got = cix_targets_progress(t, k)[r];
            if (isnan(want[k][r]))
                ck_assert_msg(isnan(got), "target %zu row %zu: %g", k, r, got);
            else
                ck_assert_rel(got, want[k][r], 1e-15, 0);
        }
    for (size_t r = 0; r < 4; r++) {
        ck_assert_rel(cix_targets_baseline(t, 0)[r], 2.0, 0, 0);
        ck_assert_rel(cix_targets_baseline(t, 1)[r], base_down[r], 0, 0);
        ck_assert_uint_eq(cix_targets_met(t)[r], met[r]);
        ck_assert_uint_eq(cix_targets_known(t)[r], known[r]);
        ck_assert_rel(cix_targets_share_met(t)[r], (double)met[r] / (double)known[r], 1e-15,
                      0);
    }
    cix_targets_free(t);

    /* errors: a baseline year the panel lacks; a model without targets */
    ck_assert_int_eq(cix_targets_compute(m, p, 2019, &t, &e), CIX_EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(e.message, "baseline year 2019 is not in the panel"));
    cix_model_free(m);
    {
        static const char txt[] = "iCode,Level,Parent,Type\nI,2,,Aggregate\nup,1,I,Indicator\n";
        ck_assert_cix_ok(cix_model_read_buffer(txt, sizeof txt - 1, "n.csv", NULL, &m, &e),
                         &e);
        ck_assert_int_eq(cix_targets_compute(m, p, 2020, &t, &e), CIX_EINVAL);
        ck_assert_ptr_nonnull(strstr(e.message, "no Target"));
        cix_model_free(m);
    }
    cix_panel_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("targets");
    TCase *t = tcase_create("targets");
    tcase_add_test(t, hand_computed);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
