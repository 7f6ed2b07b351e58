/*
 * Pre-treatment (METHODS.md §3) through cix_i_pretreat: coverage screen,
 * constant indicators, imputation (mean, median, interp, locf), log
 * transforms, the JRC outlier rule, the notes each step writes, the input
 * never changed, the oracle's mean-imputed mfg8 cells, allocation failures.
 * Expected values are worked out in the comments.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

#define REL 1e-14

static cix_panel *make_panel(size_t nrows, size_t nind, const char *const *region,
                             const int32_t *year, const char *const *names,
                             const double *vals, const cix_allocator *a)
{
    cix_panel *p = NULL;
    cix_error e;
    ck_assert_cix_ok(cix_panel_create(nrows, nind, year != NULL, a, &p, &e), &e);
    for (size_t r = 0; r < nrows; r++)
        ck_assert_cix_ok(cix_panel_set_row(p, r, region[r], year ? year[r] : CIX_NO_YEAR,
                                           &e),
                         &e);
    for (size_t j = 0; j < nind; j++) {
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, names[j], &e), &e);
        memcpy(cix_panel_column(p, j), vals + j * nrows, nrows * sizeof(double));
    }
    return p;
}

/* The result of one pre-treatment run. */
typedef struct run {
    cix_panel *q;
    size_t ind_map[16], row_map[256];
    cix_i_notes notes;
    cix_error err;
    cix_status st;
} run;

static void run_pretreat(run *u, const cix_panel *p, const cix_options *o)
{
    ck_assert(cix_panel_nindicators(p) <= 16 && cix_panel_nrows(p) <= 256);
    cix_i_notes_init(&u->notes, NULL);
    u->q = NULL;
    u->st = cix_i_pretreat(p, o, &u->q, u->ind_map, u->row_map, &u->notes, &u->err);
    if (u->st != CIX_OK)
        ck_assert_ptr_null(u->q);
}

static void run_free(run *u)
{
    cix_panel_free(u->q);
    cix_i_notes_free(&u->notes);
}

static size_t count_notes(const run *u, cix_note_kind kind)
{
    size_t k = 0;
    for (size_t i = 0; i < u->notes.n; i++)
        k += u->notes.v[i].kind == kind;
    return k;
}

/* The note of kind `kind` about (indicator, row), or NULL. */
static const cix_note *find_note(const run *u, cix_note_kind kind, size_t ind, size_t row)
{
    for (size_t i = 0; i < u->notes.n; i++)
        if (u->notes.v[i].kind == kind && u->notes.v[i].indicator == ind &&
            u->notes.v[i].row == row)
            return &u->notes.v[i];
    return NULL;
}

/* Every value of p's column j equals want[] (NaN = missing), bit for bit. */
static void assert_column(const cix_panel *p, size_t j, const double *want, size_t n)
{
    const double *x = cix_panel_column_const(p, j);
    for (size_t r = 0; r < n; r++) {
        if (isnan(want[r]))
            ck_assert_msg(isnan(x[r]), "row %zu = %g, expected missing", r, x[r]);
        else
            ck_assert_rel(x[r], want[r], REL, 1e-15);
    }
}

/* ---- coverage --------------------------------------------------------------- */

/* Regions a..d, indicators A (complete), B (1 of 4 present: 25 %), C (d
 * missing). --min-coverage-indicator 0.5 drops B; then region d has 1 of 2
 * cells (A, C) present = 50 % < 75 %: dropped with --min-coverage-region
 * 0.75; a, b, c have 2 of 2. */
START_TEST(coverage_screen)
{
    static const char *const reg[] = {"a", "b", "c", "d"};
    static const char *const nm[] = {"A", "B", "C"};
    const double v[] = {1, 2, 3, 4, NAN, 5, NAN, NAN, 7, 8, 9, NAN};
    const double wantA[] = {1, 2, 3}, wantC[] = {7, 8, 9};
    cix_panel *p = make_panel(4, 3, reg, NULL, nm, v, NULL);
    cix_options o;
    const cix_note *nt;
    run u;

    cix_options_init(&o);
    o.min_coverage_indicator = 0.5;
    o.min_coverage_region = 0.75;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nindicators(u.q), 2);
    ck_assert_int_eq(cix_panel_nrows(u.q), 3);
    ck_assert_int_eq(u.ind_map[0], 0);
    ck_assert_int_eq(u.ind_map[1], 2);
    for (size_t r = 0; r < 3; r++)
        ck_assert_int_eq(u.row_map[r], r);
    ck_assert_str_eq(cix_panel_indicator(u.q, 1), "C");
    ck_assert_str_eq(cix_panel_row_region(u.q, 2), "c");
    assert_column(u.q, 0, wantA, 3);
    assert_column(u.q, 1, wantC, 3);
    ck_assert_int_eq(count_notes(&u, CIX_NOTE_DROPPED_COVERAGE), 2);
    nt = find_note(&u, CIX_NOTE_DROPPED_COVERAGE, 1, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 1);
    ck_assert(nt->value_after == 0.25);
    ck_assert_ptr_nonnull(strstr(nt->message, "'B'"));
    nt = find_note(&u, CIX_NOTE_DROPPED_COVERAGE, (size_t)-1, 3);
    ck_assert_ptr_nonnull(nt);
    ck_assert(nt->value_after == 0.5);
    ck_assert_ptr_nonnull(strstr(nt->message, "'d'"));
    run_free(&u);

    /* without thresholds everything is kept and nothing is noted */
    cix_options_init(&o);
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nindicators(u.q), 3);
    ck_assert_int_eq(cix_panel_nrows(u.q), 4);
    ck_assert_int_eq(u.notes.n, 0);
    run_free(&u);

    /* everything dropped: an error saying which option to lower */
    o.min_coverage_indicator = 1.0; /* B and C are incomplete, A is kept */
    o.min_coverage_region = 1.0;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nindicators(u.q), 1);
    run_free(&u);
    cix_panel_column(p, 0)[0] = NAN;
    run_pretreat(&u, p, &o);
    ck_assert_int_eq(u.st, CIX_EDEGENERATE);
    ck_assert_ptr_nonnull(strstr(u.err.message, "--min-coverage-indicator"));
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* ---- constant indicators ------------------------------------------------------- */

/* Regions A, B, C over 2020 and 2021. K is constant in 2021 only (5, 5, 5),
 * I lies inside its interval [0,10] everywhere, V varies. Pooled: only I is
 * constant (after its direction); per year: K too, naming 2021. */
START_TEST(drop_constant)
{
    static const char *const reg[] = {"A", "B", "C", "A", "B", "C"};
    static const int32_t yr[] = {2020, 2020, 2020, 2021, 2021, 2021};
    static const char *const nm[] = {"K", "I", "V"};
    const double v[] = {1, 2, 3, 5, 5, 5, 1, 2, 3, 4, 5, 6, 1, 4, 2, 8, 5, 7};
    const cix_direction d[] = {{CIX_DIR_BENEFIT, 0, 0}, {CIX_DIR_INTERVAL, 0, 10},
                               {CIX_DIR_COST, 0, 0}};
    cix_panel *p = make_panel(6, 3, reg, yr, nm, v, NULL);
    cix_options o;
    const cix_note *nt;
    run u;

    cix_options_init(&o);
    o.directions = d;
    o.ndirections = 3;
    o.drop_constant = 1;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nindicators(u.q), 2);
    ck_assert_int_eq(u.ind_map[0], 0);
    ck_assert_int_eq(u.ind_map[1], 2);
    assert_column(u.q, 1, v + 12, 6);
    nt = find_note(&u, CIX_NOTE_DROPPED_CONSTANT, 1, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_ptr_nonnull(strstr(nt->message, "'I'"));
    run_free(&u);

    o.scope = CIX_SCOPE_YEAR;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nindicators(u.q), 1);
    ck_assert_int_eq(u.ind_map[0], 2);
    ck_assert_str_eq(cix_panel_indicator(u.q, 0), "V");
    nt = find_note(&u, CIX_NOTE_DROPPED_CONSTANT, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_ptr_nonnull(strstr(nt->message, "2021"));
    ck_assert_int_eq(count_notes(&u, CIX_NOTE_DROPPED_CONSTANT), 2);
    run_free(&u);

    /* without drop_constant nothing is dropped */
    o.drop_constant = 0;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nindicators(u.q), 3);
    run_free(&u);

    /* all constant: an error */
    {
        const double c[] = {1, 1, 1, 1, 1, 1};
        cix_panel *k = make_panel(6, 1, reg, yr, nm, c, NULL);
        o.directions = NULL;
        o.ndirections = 0;
        o.drop_constant = 1;
        run_pretreat(&u, k, &o);
        ck_assert_int_eq(u.st, CIX_EDEGENERATE);
        run_free(&u);
        cix_panel_free(k);
    }
    cix_panel_free(p);
}
END_TEST

/* ---- imputation ------------------------------------------------------------------- */

/* Regions A, B, C, D over 2020, 2021; rows A20 B20 C20 D20 A21 B21 C21 D21,
 * x = 1, NaN, 3, 8 | NaN, 4, 10, NaN.
 * mean pooled: (1+3+8+4+10)/5 = 26/5 = 5.2 for every gap;
 * median pooled: sorted 1 3 4 8 10 -> 4;
 * mean per year: 2020 (1+3+8)/3 = 4, 2021 (4+10)/2 = 7;
 * median per year: 2020 3, 2021 (4+10)/2 = 7;
 * mean base:2021: 7 for every gap; median base:2020: 3. */
static cix_panel *gaps(void)
{
    static const char *const reg[] = {"A", "B", "C", "D", "A", "B", "C", "D"};
    static const int32_t yr[] = {2020, 2020, 2020, 2020, 2021, 2021, 2021, 2021};
    static const char *const nm[] = {"x"};
    static const double x[] = {1, NAN, 3, 8, NAN, 4, 10, NAN};
    return make_panel(8, 1, reg, yr, nm, x, NULL);
}

static void check_impute(cix_impute m, cix_scope_kind sc, int32_t base, double gB20,
                         double gA21, double gD21)
{
    cix_panel *p = gaps();
    const double want[] = {1, gB20, 3, 8, gA21, 4, 10, gD21};
    const double before[] = {1, NAN, 3, 8, NAN, 4, 10, NAN};
    cix_options o;
    const cix_note *nt;
    run u;

    cix_options_init(&o);
    o.impute = m;
    o.scope = sc;
    o.base_year = base;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, want, 8);
    /* the input is untouched */
    assert_column(p, 0, before, 8);
    /* one note per filled cell with the value, and a summary with the count */
    ck_assert_int_eq(count_notes(&u, CIX_NOTE_IMPUTED), 4);
    nt = find_note(&u, CIX_NOTE_IMPUTED, 0, 1);
    ck_assert_ptr_nonnull(nt);
    ck_assert(isnan(nt->value_before));
    ck_assert_rel(nt->value_after, gB20, REL, 0);
    ck_assert_ptr_nonnull(strstr(nt->message, "'B'"));
    ck_assert_ptr_nonnull(strstr(nt->message, "2020"));
    nt = find_note(&u, CIX_NOTE_IMPUTED, 0, 7);
    ck_assert_ptr_nonnull(nt);
    ck_assert_rel(nt->value_after, gD21, REL, 0);
    nt = find_note(&u, CIX_NOTE_IMPUTED, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 3);
    ck_assert_ptr_nonnull(strstr(nt->message, cix_impute_name(m)));
    run_free(&u);
    cix_panel_free(p);
}

START_TEST(impute_mean_median)
{
    check_impute(CIX_IMPUTE_MEAN, CIX_SCOPE_POOLED, 0, 5.2, 5.2, 5.2);
    check_impute(CIX_IMPUTE_MEDIAN, CIX_SCOPE_POOLED, 0, 4, 4, 4);
    check_impute(CIX_IMPUTE_MEAN, CIX_SCOPE_YEAR, 0, 4, 7, 7);
    check_impute(CIX_IMPUTE_MEDIAN, CIX_SCOPE_YEAR, 0, 3, 7, 7);
    check_impute(CIX_IMPUTE_MEAN, CIX_SCOPE_BASE, 2021, 7, 7, 7);
    check_impute(CIX_IMPUTE_MEDIAN, CIX_SCOPE_BASE, 2020, 3, 3, 3);
}
END_TEST

/* A year whose cells are all missing cannot give a mean: an error naming
 * the cell and the year. */
START_TEST(impute_mean_empty_group)
{
    cix_panel *p = gaps();
    double *x = cix_panel_column(p, 0);
    cix_options o;
    run u;
    x[5] = x[6] = NAN; /* 2021 all missing */
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.scope = CIX_SCOPE_YEAR;
    run_pretreat(&u, p, &o);
    ck_assert_int_eq(u.st, CIX_EDATA);
    ck_assert_int_eq(u.err.year, 2021);
    ck_assert_str_eq(u.err.indicator, "x");
    ck_assert_ptr_nonnull(strstr(u.err.message, "2021"));
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* Rows deliberately out of year order. Region P: 2018 1, 2019 -, 2020 -,
 * 2021 7, 2022 -; Q: 2018 -, 2019 4, 2020 -, 2021 10, 2022 -; R: all missing.
 * interp: P2019 = 1 + (7-1)(1/3) = 3, P2020 = 5, P2022 = 7 (nearest);
 *         Q2018 = 4 (nearest), Q2020 = (4+10)/2 = 7, Q2022 = 10; R stays.
 * locf:   P2019 = P2020 = 1, P2022 = 7; Q2018 stays (leading gap),
 *         Q2020 = 4, Q2022 = 10; R stays. */
static cix_panel *series(void)
{
    static const char *const reg[] = {"P", "Q", "R", "P", "Q", "R", "P", "Q",
                                      "R", "P", "Q", "R", "P", "Q", "R"};
    static const int32_t yr[] = {2021, 2021, 2021, 2018, 2018, 2018, 2020, 2020,
                                 2020, 2019, 2019, 2019, 2022, 2022, 2022};
    static const char *const nm[] = {"x"};
    static const double x[] = {7,   10,  NAN, 1,   NAN, NAN, NAN, NAN,
                               NAN, NAN, 4,   NAN, NAN, NAN, NAN};
    return make_panel(15, 1, reg, yr, nm, x, NULL);
}

START_TEST(impute_interp)
{
    cix_panel *p = series();
    /* rows: P21 Q21 R21 P18 Q18 R18 P20 Q20 R20 P19 Q19 R19 P22 Q22 R22 */
    const double want[] = {7, 10, NAN, 1, 4, NAN, 5, 7, NAN, 3, 4, NAN, 7, 10, NAN};
    cix_options o;
    const cix_note *nt;
    run u;
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_INTERP;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, want, 15);
    nt = find_note(&u, CIX_NOTE_IMPUTED, 0, 9); /* P2019 */
    ck_assert_ptr_nonnull(nt);
    ck_assert_rel(nt->value_after, 3, REL, 0);
    ck_assert_ptr_nonnull(strstr(nt->message, "between 2018 and 2021"));
    nt = find_note(&u, CIX_NOTE_IMPUTED, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 6);
    nt = find_note(&u, CIX_NOTE_WARNING, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 5);
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

START_TEST(impute_locf)
{
    cix_panel *p = series();
    const double want[] = {7, 10, NAN, 1, NAN, NAN, 1, 4, NAN, 1, 4, NAN, 7, 10, NAN};
    cix_options o;
    const cix_note *nt;
    run u;
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_LOCF;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, want, 15);
    nt = find_note(&u, CIX_NOTE_IMPUTED, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 5);
    /* Q2018 (leading gap) and R's five cells stay missing, and say so */
    nt = find_note(&u, CIX_NOTE_WARNING, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 6);
    ck_assert_ptr_nonnull(strstr(nt->message, "no earlier observation"));
    ck_assert_ptr_null(find_note(&u, CIX_NOTE_IMPUTED, 0, 4));
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* The oracle's mfg8 panel (186 rows, 31 missing cells) imputed with the
 * pooled column mean: every filled value and every count agree with
 * tests/oracle/expected/mfg8.impute-mean.csv. */
START_TEST(impute_mean_oracle_mfg8)
{
    char path[1024];
    cix_read_options ro;
    cix_panel *p = NULL;
    cix_expected *rows = malloc(256 * sizeof *rows);
    cix_options o;
    cix_error e;
    size_t filled = 0;
    int n;
    run u;

    snprintf(path, sizeof path, "%s/tests/oracle/data/mfg8.csv", CIX_SOURCE_DIR);
    cix_read_options_init(&ro);
    ck_assert_cix_ok(cix_panel_read_file(path, &ro, &p, &e), &e);
    snprintf(path, sizeof path, "%s/tests/oracle/expected/mfg8.impute-mean.csv",
             CIX_SOURCE_DIR);
    n = cix_test_read_expected(path, rows, 256);
    ck_assert_int_gt(n, 8);
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert_int_eq(cix_panel_nrows(u.q), 186);
    ck_assert_int_eq(cix_panel_count_missing(u.q), 0);
    for (int i = 0; i < n; i++) {
        if (strcmp(rows[i].quantity, "filled_count") == 0) {
            size_t j = cix_panel_find_indicator(p, rows[i].key);
            const cix_note *nt = find_note(&u, CIX_NOTE_IMPUTED, j, CIX_NO_ROW);
            ck_assert(j != (size_t)-1);
            if (rows[i].value == 0)
                ck_assert_ptr_null(nt);
            else {
                ck_assert_ptr_nonnull(nt);
                ck_assert_int_eq((int)nt->count, (int)rows[i].value);
            }
        } else if (strcmp(rows[i].quantity, "filled") == 0) {
            char *y = strchr(rows[i].key, ':'), *ind;
            size_t j, r;
            const cix_note *nt;
            ck_assert_ptr_nonnull(y);
            *y++ = '\0';
            ind = strchr(y, ':');
            ck_assert_ptr_nonnull(ind);
            *ind++ = '\0';
            j = cix_panel_find_indicator(p, ind);
            ck_assert(j != (size_t)-1);
            for (r = 0; r < 186; r++)
                if (strcmp(cix_panel_row_region(p, r), rows[i].key) == 0 &&
                    cix_panel_row_year(p, r) == atoi(y))
                    break;
            ck_assert_int_lt(r, 186);
            ck_assert(isnan(cix_panel_value(p, r, j)));
            ck_assert_rel(cix_panel_value(u.q, r, j), rows[i].value, 1e-13, 0);
            nt = find_note(&u, CIX_NOTE_IMPUTED, j, r);
            ck_assert_ptr_nonnull(nt);
            ck_assert(nt->value_after == cix_panel_value(u.q, r, j));
            filled++;
        }
    }
    ck_assert_int_eq(filled, 31);
    ck_assert_int_eq(cix_panel_count_missing(p), 31);
    /* present values are never changed */
    for (size_t j = 0; j < 8; j++)
        for (size_t r = 0; r < 186; r++)
            if (!isnan(cix_panel_value(p, r, j)))
                ck_assert(cix_panel_value(p, r, j) == cix_panel_value(u.q, r, j));
    run_free(&u);
    free(rows);
    cix_panel_free(p);
}
END_TEST

/* ---- transforms ----------------------------------------------------------------------- */

/* L: log on 1, e, 10, NaN -> 0, 1, ln 10, NaN.
 * S: log1p-shift on -3, -2, 0, 5 (min -3) -> log(1), log(2), log(4), log(9).
 * N: no transform. */
START_TEST(transforms)
{
    static const char *const reg[] = {"a", "b", "c", "d"};
    static const char *const nm[] = {"L", "S", "N"};
    const double v[] = {1, M_E, 10, NAN, -3, -2, 0, 5, 1, 2, 3, 4};
    const double wl[] = {0, 1, log(10.0), NAN};
    const double ws[] = {0, log(2.0), log(4.0), log(9.0)};
    cix_indicator_params par[3];
    cix_panel *p = make_panel(4, 3, reg, NULL, nm, v, NULL);
    cix_options o;
    const cix_note *nt;
    run u;

    for (int j = 0; j < 3; j++)
        cix_indicator_params_init(&par[j]);
    par[0].transform = CIX_TRANSFORM_LOG;
    par[1].transform = CIX_TRANSFORM_LOG1P_SHIFT;
    cix_options_init(&o);
    o.params = par;
    o.nparams = 3;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, wl, 4);
    assert_column(u.q, 1, ws, 4);
    assert_column(u.q, 2, v + 8, 4);
    nt = find_note(&u, CIX_NOTE_LOGGED, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 3);
    nt = find_note(&u, CIX_NOTE_LOGGED, 1, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 4);
    ck_assert_ptr_null(find_note(&u, CIX_NOTE_LOGGED, 2, CIX_NO_ROW));
    run_free(&u);

    /* log of a value <= 0: an error naming the cell */
    par[0].transform = CIX_TRANSFORM_NONE;
    par[1].transform = CIX_TRANSFORM_LOG;
    run_pretreat(&u, p, &o);
    ck_assert_int_eq(u.st, CIX_EDATA);
    ck_assert_str_eq(u.err.indicator, "S");
    ck_assert_str_eq(u.err.region, "a");
    ck_assert_ptr_nonnull(strstr(u.err.message, "log1p-shift"));
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* log1p-shift from a base year: min of 2020 = 2 applied to 2021; a 2021
 * value 0.5 gives 0.5 - 2 + 1 < 0: an error naming that cell. */
START_TEST(transform_base_scope)
{
    static const char *const reg[] = {"A", "B", "A", "B"};
    static const int32_t yr[] = {2020, 2020, 2021, 2021};
    static const char *const nm[] = {"x"};
    const double v[] = {2, 4, 3, 0.5};
    const double w[] = {0, log(3.0), log(2.0), NAN};
    cix_indicator_params par;
    cix_panel *p = make_panel(4, 1, reg, yr, nm, v, NULL);
    cix_options o;
    run u;

    cix_indicator_params_init(&par);
    par.transform = CIX_TRANSFORM_LOG1P_SHIFT;
    cix_options_init(&o);
    o.params = &par;
    o.nparams = 1;
    o.scope = CIX_SCOPE_BASE;
    o.base_year = 2020;
    run_pretreat(&u, p, &o);
    ck_assert_int_eq(u.st, CIX_EDATA);
    ck_assert_str_eq(u.err.region, "B");
    ck_assert_int_eq(u.err.year, 2021);
    run_free(&u);
    cix_panel_column(p, 0)[3] = NAN;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, w, 4);
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* ---- the JRC outlier rule --------------------------------------------------------------- */

static cix_panel *one_column(size_t n, const double *x)
{
    static char names[256][24];
    const char *reg[256];
    static const char *const nm[] = {"x"};
    for (size_t r = 0; r < n; r++) {
        snprintf(names[r], sizeof names[r], "r%zu", r);
        reg[r] = names[r];
    }
    return make_panel(n, 1, reg, NULL, nm, x, NULL);
}

/* Independent check of the flag: population moments written out. */
static int flagged(const double *x, size_t n)
{
    double m = 0, m2 = 0, m3 = 0, m4 = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i] / (double)n;
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - m;
        m2 += d * d / (double)n;
        m3 += d * d * d / (double)n;
        m4 += d * d * d * d / (double)n;
    }
    return m2 > 0 && fabs(m3 / pow(m2, 1.5)) > 2 && m4 / (m2 * m2) - 3 > 3.5;
}

/* 30 zeros and 1, 2, 3: skewness 3.56, kurtosis 11.75 -> flagged.
 * Step 1: 3 -> 2 (g1 3.19, g2 8.60, still flagged); step 2: the two 2s -> 1
 * (2.85, 6.10); step 3: the three 1s -> 0: constant, no longer flagged.
 * Three cells winsorized: 1 -> 0, 2 -> 0, 3 -> 0. Mirrored (30 zeros and
 * -1, -2, -3), the low side is winsorized the same way. */
START_TEST(jrc_winsorize)
{
    double x[33], want[33];
    for (int sign = 1; sign >= -1; sign -= 2) {
        cix_panel *p;
        cix_options o;
        const cix_note *nt;
        run u;
        for (int i = 0; i < 33; i++)
            x[i] = want[i] = 0;
        x[30] = sign * 1.0;
        x[31] = sign * 2.0;
        x[32] = sign * 3.0;
        ck_assert(flagged(x, 33));
        p = one_column(33, x);
        cix_options_init(&o);
        o.outliers = 1;
        run_pretreat(&u, p, &o);
        ck_assert_cix_ok(u.st, &u.err);
        assert_column(u.q, 0, want, 33);
        ck_assert_int_eq(count_notes(&u, CIX_NOTE_WINSORIZED), 4);
        nt = find_note(&u, CIX_NOTE_WINSORIZED, 0, 32);
        ck_assert_ptr_nonnull(nt);
        ck_assert(nt->value_before == sign * 3.0 && nt->value_after == 0);
        nt = find_note(&u, CIX_NOTE_WINSORIZED, 0, CIX_NO_ROW);
        ck_assert_ptr_nonnull(nt);
        ck_assert_int_eq(nt->count, 3);
        ck_assert_ptr_nonnull(strstr(nt->message, "3 steps"));
        ck_assert_int_eq(count_notes(&u, CIX_NOTE_LOGGED), 0);
        run_free(&u);
        /* cell_notes = 0: the same values, the summary note alone */
        o.cell_notes = 0;
        run_pretreat(&u, p, &o);
        ck_assert_cix_ok(u.st, &u.err);
        assert_column(u.q, 0, want, 33);
        ck_assert_int_eq(count_notes(&u, CIX_NOTE_WINSORIZED), 1);
        nt = find_note(&u, CIX_NOTE_WINSORIZED, 0, CIX_NO_ROW);
        ck_assert_ptr_nonnull(nt);
        ck_assert_int_eq(nt->count, 3);
        run_free(&u);
        cix_panel_free(p);
    }
}
END_TEST

/* A single large value among equal ones: 19 zeros and a 1 (skewness 4.13,
 * kurtosis 15.05) -> one step, 1 -> 0, and the column is constant. */
START_TEST(jrc_single_step)
{
    double x[20] = {0};
    cix_panel *p;
    cix_options o;
    run u;
    x[7] = 1;
    ck_assert(flagged(x, 20));
    p = one_column(20, x);
    cix_options_init(&o);
    o.outliers = 1;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    ck_assert(cix_panel_value(u.q, 7, 0) == 0);
    ck_assert_ptr_nonnull(find_note(&u, CIX_NOTE_WINSORIZED, 0, 7));
    ck_assert_ptr_nonnull(strstr(find_note(&u, CIX_NOTE_WINSORIZED, 0, CIX_NO_ROW)->message,
                                 "1 steps"));
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* 100 zeros and 100, 101, ..., 109: after five steps (109..105 capped to
 * 104) the indicator is still flagged (g1 2.847, g2 6.109), so winsorizing
 * is undone and log1p-shift applied: y = log(x - 0 + 1). */
START_TEST(jrc_falls_back_to_log)
{
    double x[110], want[110];
    cix_panel *p;
    cix_options o;
    const cix_note *nt;
    run u;
    for (int i = 0; i < 110; i++) {
        x[i] = i < 100 ? 0 : 100 + (i - 100);
        want[i] = log(x[i] + 1);
    }
    ck_assert(flagged(x, 110));
    p = one_column(110, x);
    cix_options_init(&o);
    o.outliers = 1;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, want, 110);
    ck_assert_int_eq(count_notes(&u, CIX_NOTE_WINSORIZED), 0);
    nt = find_note(&u, CIX_NOTE_LOGGED, 0, CIX_NO_ROW);
    ck_assert_ptr_nonnull(nt);
    ck_assert_int_eq(nt->count, 110);
    ck_assert_ptr_nonnull(strstr(nt->message, "winsorizing 5 times"));
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* An unflagged indicator is left alone: 1..20 has skewness 0. */
START_TEST(jrc_not_flagged)
{
    double x[20];
    cix_panel *p;
    cix_options o;
    run u;
    for (int i = 0; i < 20; i++)
        x[i] = i + 1;
    p = one_column(20, x);
    cix_options_init(&o);
    o.outliers = 1;
    run_pretreat(&u, p, &o);
    ck_assert_cix_ok(u.st, &u.err);
    assert_column(u.q, 0, x, 20);
    ck_assert_int_eq(u.notes.n, 0);
    run_free(&u);
    cix_panel_free(p);
}
END_TEST

/* ---- through cix_compute ---------------------------------------------------------- */

/* Regions P, Q over 2020, 2021; rows P20 Q20 P21 Q21.
 * A = 1, 3, -, 5: interp fills P21 with P's only value 1 (nearest);
 * B = 2, 2, 2, 2: constant, dropped (--drop-constant);
 * C = 2, 4, 6, 10.
 * Normalization target, pooled: A with t = 5, lo = min 1: (x - 1)/4 =
 * 0, .5, 0, 1; C with t = 6, lo = 2: (x - 2)/4 capped = 0, .5, 1, 1 (C is
 * the second indicator of the treated panel: its parameters must follow it).
 * Equal weights over A and C: .5, 0, .5; scores 0, .5, .5, 1. */
START_TEST(through_compute)
{
    static const char *const reg[] = {"P", "Q", "P", "Q"};
    static const int32_t yr[] = {2020, 2020, 2021, 2021};
    static const char *const nm[] = {"A", "B", "C"};
    const double v[] = {1, 3, NAN, 5, 2, 2, 2, 2, 2, 4, 6, 10};
    const double yA[] = {0, 0.5, 0, 1}, yC[] = {0, 0.5, 1, 1}, sc[] = {0, 0.5, 0.5, 1};
    const double tA[] = {1, 3, 1, 5};
    cix_indicator_params par[3];
    cix_panel *p = make_panel(4, 3, reg, yr, nm, v, NULL);
    cix_result *res = NULL;
    cix_options o;
    cix_error e;
    const double *y, *w, *t;
    int dropped = 0, imputed = 0;

    for (int j = 0; j < 3; j++)
        cix_indicator_params_init(&par[j]);
    par[0].target = 5;
    par[2].target = 6;
    cix_options_init(&o);
    o.normalization = CIX_NORM_TARGET;
    o.weighting = CIX_WEIGHT_EQUAL;
    o.impute = CIX_IMPUTE_INTERP;
    o.drop_constant = 1;
    o.params = par;
    o.nparams = 3;
    ck_assert_cix_ok(cix_compute(p, &o, &res, &e), &e);
    ck_assert(cix_result_indicator_used(res, 0) && !cix_result_indicator_used(res, 1) &&
              cix_result_indicator_used(res, 2));
    y = cix_result_normalized(res);
    w = cix_result_weights(res);
    t = cix_result_treated(res);
    ck_assert_ptr_nonnull(t);
    for (int r = 0; r < 4; r++) {
        ck_assert_rel(y[r], yA[r], REL, 1e-15);
        ck_assert(isnan(y[4 + r]));
        ck_assert_rel(y[8 + r], yC[r], REL, 1e-15);
        ck_assert_rel(cix_result_scores(res)[r], sc[r], REL, 1e-15);
        ck_assert_rel(t[r], tA[r], REL, 0);
    }
    ck_assert_rel(w[0], 0.5, REL, 0);
    ck_assert(w[1] == 0);
    ck_assert_rel(w[2], 0.5, REL, 0);
    /* the panel keeps its gap; the notes use the panel's indices */
    ck_assert(isnan(cix_panel_value(p, 2, 0)));
    for (size_t i = 0; i < cix_result_nnotes(res); i++) {
        const cix_note *nt = cix_result_note(res, i);
        if (nt->kind == CIX_NOTE_DROPPED_CONSTANT && nt->indicator == 1)
            dropped++;
        if (nt->kind == CIX_NOTE_IMPUTED && nt->indicator == 0 && nt->row == 2 &&
            nt->value_after == 1)
            imputed++;
    }
    ck_assert_int_eq(dropped, 1);
    ck_assert_int_eq(imputed, 1);
    cix_result_free(res);
    cix_panel_free(p);
}
END_TEST

/* cell_notes = 0: the summary notes only, for every keep_normalized (the
 * streaming run and the full pipeline), and the same weights, scores and
 * ranks bit for bit; 1: one note per imputed cell too (the full pipeline
 * and CIX_KEEP_ROWS), in the same order whatever the thread count. */
START_TEST(cell_notes_option)
{
    enum { N = 40, J = 3 };
    static char names[N][8];
    const char *reg[N];
    int32_t yr[N];
    static const char *const nm[] = {"a", "b", "c"};
    double v[N * J];
    size_t missing[J] = {0, 0, 0};
    const int keeps[] = {1, 0, CIX_KEEP_ROWS};
    cix_panel *p;
    cix_result *ref = NULL;
    cix_error e;

    for (int r = 0; r < N; r++) {
        snprintf(names[r], sizeof names[r], "R%d", r % 20);
        reg[r] = names[r];
        yr[r] = 2020 + r / 20;
        for (int j = 0; j < J; j++) {
            double x = 1.0 + (double)((r * 7 + j * 13) % 29) / 3.0;
            if ((r + 3 * j) % 9 == 4) {
                x = NAN;
                missing[j]++;
            }
            v[j * N + r] = x;
        }
    }
    p = make_panel(N, J, reg, yr, nm, v, NULL);
    for (int cells = 1; cells >= 0; cells--) {
        for (size_t k = 0; k < sizeof keeps / sizeof keeps[0]; k++) {
            for (int nt = 1; nt <= 2; nt++) {
                cix_options o;
                cix_result *res = NULL;
                size_t per_cell = 0, summary = 0;
                cix_options_init(&o);
                o.impute = CIX_IMPUTE_MEAN;
                o.keep_normalized = keeps[k];
                o.cell_notes = cells;
                o.nthreads = nt;
                ck_assert_ptr_null(cix_options_check(&o));
                ck_assert_cix_ok(cix_compute(p, &o, &res, &e), &e);
                for (size_t i = 0; i < cix_result_nnotes(res); i++) {
                    const cix_note *t = cix_result_note(res, i);
                    ck_assert_int_eq(t->kind, CIX_NOTE_IMPUTED);
                    if (t->row == CIX_NO_ROW) {
                        ck_assert_uint_eq(t->count, missing[t->indicator]);
                        summary++;
                    } else {
                        ck_assert(isnan(cix_panel_value(p, t->row, t->indicator)));
                        per_cell++;
                    }
                }
                ck_assert_uint_eq(summary, J);
                /* per-cell notes: with cells, unless the run streams
                 * without keeping rows (keep_normalized = 0) */
                ck_assert_uint_eq(per_cell, cells && keeps[k] != 0
                                                ? missing[0] + missing[1] + missing[2]
                                                : 0);
                if (!ref) {
                    ref = res;
                    continue;
                }
                for (size_t j = 0; j < J; j++)
                    ck_assert(cix_result_weights(res)[j] == cix_result_weights(ref)[j]);
                for (size_t r = 0; r < N; r++) {
                    ck_assert(cix_result_scores(res)[r] == cix_result_scores(ref)[r]);
                    ck_assert(cix_result_ranks(res)[r] == cix_result_ranks(ref)[r]);
                }
                cix_result_free(res);
            }
        }
    }
    cix_result_free(ref);
    cix_panel_free(p);
    /* an invalid value is refused by the check */
    {
        cix_options o;
        cix_options_init(&o);
        o.cell_notes = 2;
        ck_assert_ptr_nonnull(cix_options_check(&o));
        ck_assert_ptr_nonnull(strstr(cix_options_check(&o), "cell_notes"));
    }
}
END_TEST

/* ---- allocation failures ---------------------------------------------------------------- */

/* Every step on: coverage drops an indicator, a constant one is dropped,
 * interp and mean imputation, a log1p-shift, the outlier rule; the Nth
 * allocation fails for N = 1, 2, ... until the call succeeds. */
START_TEST(pretreat_oom)
{
    static const char *const reg[] = {"P", "Q", "R", "P", "Q", "R"};
    static const int32_t yr[] = {2020, 2020, 2020, 2021, 2021, 2021};
    static const char *const nm[] = {"a", "b", "c", "d"};
    const double v[] = {1, NAN, 3,   4, 5, 6, NAN, NAN, NAN, NAN, 1, NAN,
                        2, 2,   2,   2, 2, 2, 1,   5,   2,   8,   3, 9};
    cix_test_hook h = {0, 0, 0};
    cix_allocator a = cix_test_hook_allocator(&h);
    cix_panel *p = make_panel(6, 4, reg, yr, nm, v, &a);
    cix_indicator_params par[4];
    long live0 = h.live;
    int ok = 0;

    for (int j = 0; j < 4; j++)
        cix_indicator_params_init(&par[j]);
    par[3].transform = CIX_TRANSFORM_LOG1P_SHIFT;
    for (int m = CIX_IMPUTE_MEAN; m <= CIX_IMPUTE_LOCF; m++) {
        ok = 0;
        for (long n = 1; n < 200 && !ok; n++) {
            cix_options o;
            cix_i_notes ns;
            cix_panel *q = NULL;
            size_t im[4], rm[6];
            cix_error e;
            cix_status st;
            cix_options_init(&o);
            o.impute = (cix_impute)m;
            o.min_coverage_indicator = 0.5;
            o.drop_constant = 1;
            o.outliers = 1;
            o.params = par;
            o.nparams = 4;
            cix_i_notes_init(&ns, &a);
            h.fail_at = n;
            h.count = 0;
            st = cix_i_pretreat(p, &o, &q, im, rm, &ns, &e);
            h.fail_at = 0;
            if (st == CIX_OK) {
                ok = 1;
                ck_assert_int_eq(cix_panel_nindicators(q), 2); /* a, d */
                ck_assert_int_ge(ns.n, 3);
            } else {
                ck_assert_int_eq(st, CIX_ENOMEM);
                ck_assert_ptr_null(q);
            }
            cix_panel_free(q);
            cix_i_notes_free(&ns);
            ck_assert_int_eq(h.live, live0);
        }
        ck_assert(ok);
    }
    cix_panel_free(p);
    ck_assert_int_eq(h.live, 0);
}
END_TEST

static Suite *pretreat_suite(void)
{
    Suite *s = suite_create("pretreat");
    TCase *t = tcase_create("screen");
    tcase_add_test(t, coverage_screen);
    tcase_add_test(t, drop_constant);
    suite_add_tcase(s, t);
    t = tcase_create("impute");
    tcase_add_test(t, impute_mean_median);
    tcase_add_test(t, impute_mean_empty_group);
    tcase_add_test(t, impute_interp);
    tcase_add_test(t, impute_locf);
    tcase_add_test(t, impute_mean_oracle_mfg8);
    suite_add_tcase(s, t);
    t = tcase_create("transform");
    tcase_add_test(t, transforms);
    tcase_add_test(t, transform_base_scope);
    tcase_add_test(t, jrc_winsorize);
    tcase_add_test(t, cell_notes_option);
    tcase_add_test(t, jrc_single_step);
    tcase_add_test(t, jrc_falls_back_to_log);
    tcase_add_test(t, jrc_not_flagged);
    suite_add_tcase(s, t);
    t = tcase_create("compute");
    tcase_add_test(t, through_compute);
    suite_add_tcase(s, t);
    t = tcase_create("oom");
    tcase_add_test(t, pretreat_oom);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cix_test_run(pretreat_suite());
}
