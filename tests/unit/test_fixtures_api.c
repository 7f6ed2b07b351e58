/*
 * Every entropy and min-max case of tests/fixtures, through the C API.
 *
 * Each case is run on the panel as read by cix_panel_read_file and on the
 * same panel built in memory (so a reader bug and a methods bug show up
 * separately). Values are compared three ways:
 *  1. with the fixture's NAME.expected.csv, within its abs_tol;
 *  2. with the figures as published (METHODS.md), to half a unit of their
 *     last printed digit, i.e. the engine's value rounds to the published one;
 *  3. with values computed independently in 40-digit decimal arithmetic from
 *     the formulas of METHODS.md, to a relative 1e-12 (1e-9 for a weight
 *     that is a difference of nearly equal entropies).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

#define MAX_EXPECTED 64

/* ---- loading ----------------------------------------------------------- */

/* Builds a cross-section panel from a fixture's wide CSV (region column,
 * then numeric columns; no quotes in the fixtures) without the reader. */
static cix_panel *build_in_memory(const char *name)
{
    char file[256];
    char *text;
    char *lines[64], *line, *save = NULL;
    size_t nlines = 0, nind = 0;
    cix_panel *p = NULL;
    cix_error e;

    snprintf(file, sizeof file, "%s.csv", name);
    text = cix_test_slurp(cix_test_fixture(file), NULL);
    ck_assert_msg(text != NULL, "cannot read fixture %s", file);
    for (line = strtok_r(text, "\r\n", &save); line && nlines < 64;
         line = strtok_r(NULL, "\r\n", &save))
        if (line[0])
            lines[nlines++] = line;
    ck_assert_uint_ge(nlines, 2);
    for (const char *c = lines[0]; *c; c++)
        nind += *c == ',';
    ck_assert_cix_ok(cix_panel_create(nlines - 1, nind, 0, NULL, &p, &e), &e);
    {
        char *f, *s2 = NULL;
        size_t j = 0;
        f = strtok_r(lines[0], ",", &s2); /* "region" */
        ck_assert_str_eq(f, "region");
        while ((f = strtok_r(NULL, ",", &s2)) != NULL)
            ck_assert_cix_ok(cix_panel_set_indicator(p, j++, f, &e), &e);
        ck_assert_uint_eq(j, nind);
    }
    for (size_t r = 1; r < nlines; r++) {
        char *f, *s2 = NULL, *end;
        size_t j = 0;
        f = strtok_r(lines[r], ",", &s2);
        ck_assert_cix_ok(cix_panel_set_row(p, r - 1, f, CIX_NO_YEAR, &e), &e);
        while ((f = strtok_r(NULL, ",", &s2)) != NULL) {
            ck_assert_uint_lt(j, nind);
            cix_panel_column(p, j++)[r - 1] = strtod(f, &end);
            ck_assert(*end == '\0');
        }
        ck_assert_uint_eq(j, nind);
    }
    free(text);
    ck_assert_cix_ok(cix_panel_validate(p, &e), &e);
    return p;
}

static cix_panel *read_with_reader(const char *name)
{
    cix_read_options ro;
    cix_panel *p = NULL;
    cix_error e;
    char file[256];
    snprintf(file, sizeof file, "%s.csv", name);
    cix_read_options_init(&ro);
    ck_assert_cix_ok(cix_panel_read_file(cix_test_fixture(file), &ro, &p, &e), &e);
    return p;
}

/* Both loaders must agree bit for bit before the methods run. */
static void assert_same_panel(const cix_panel *a, const cix_panel *b)
{
    size_t n = cix_panel_nrows(a), J = cix_panel_nindicators(a);
    ck_assert_uint_eq(cix_panel_nrows(b), n);
    ck_assert_uint_eq(cix_panel_nindicators(b), J);
    ck_assert_int_eq(cix_panel_has_year(b), 0);
    for (size_t j = 0; j < J; j++) {
        ck_assert_str_eq(cix_panel_indicator(a, j), cix_panel_indicator(b, j));
        ck_assert(memcmp(cix_panel_column_const(a, j), cix_panel_column_const(b, j),
                         n * sizeof(double)) == 0);
    }
    for (size_t r = 0; r < n; r++)
        ck_assert_str_eq(cix_panel_row_region(a, r), cix_panel_row_region(b, r));
}

/* The two panels of a fixture: [0] in memory, [1] through the reader. */
static void load_both(const char *name, cix_panel *p[2])
{
    p[0] = build_in_memory(name);
    p[1] = read_with_reader(name);
    assert_same_panel(p[0], p[1]);
}

static int read_expected(const char *name, cix_expected *rows)
{
    char file[256];
    int n;
    snprintf(file, sizeof file, "%s.expected.csv", name);
    n = cix_test_read_expected(cix_test_fixture(file), rows, MAX_EXPECTED);
    ck_assert_msg(n > 0, "cannot read %s", file);
    return n;
}

/* Row of `region` in p, or fail. */
static size_t find_row(const cix_panel *p, const char *region)
{
    for (size_t r = 0; r < cix_panel_nrows(p); r++)
        if (strcmp(cix_panel_row_region(p, r), region) == 0)
            return r;
    ck_abort_msg("region %s not in the panel", region);
    return 0;
}

static size_t find_indicator(const cix_panel *p, const char *name)
{
    size_t j = cix_panel_find_indicator(p, name);
    ck_assert_msg(j != (size_t)-1, "indicator %s not in the panel", name);
    return j;
}

/* ---- checks ------------------------------------------------------------ */

/* A published figure and its number of decimals. */
typedef struct published {
    const char *key;
    double value;
    int decimals;
    double exact; /* independent 40-digit value */
    double rel;   /* tolerance on exact */
} published;

static void check_value(const char *what, const char *key, double got,
                        const cix_expected *rows, int nrows, const char *quantity,
                        const published *pub, size_t npub)
{
    int found = 0;
    for (int i = 0; i < nrows; i++) {
        if (strcmp(rows[i].quantity, quantity) != 0 || strcmp(rows[i].key, key) != 0)
            continue;
        ck_assert_msg(fabs(got - rows[i].value) <= rows[i].abs_tol,
                      "%s %s %s = %.10g, expected %.10g within %g", what, quantity, key,
                      got, rows[i].value, rows[i].abs_tol);
        found = 1;
    }
    ck_assert_msg(found, "no expected %s for %s", quantity, key);
    for (size_t i = 0; i < npub; i++) {
        double half;
        if (strcmp(pub[i].key, key) != 0)
            continue;
        half = 0.5 * pow(10.0, -pub[i].decimals);
        ck_assert_msg(fabs(got - pub[i].value) <= half * (1 + 1e-9),
                      "%s %s %s = %.12g does not round to the published %.*f", what,
                      quantity, key, got, pub[i].decimals, pub[i].value);
        if (pub[i].rel > 0)
            ck_assert_msg(fabs(got - pub[i].exact) <= pub[i].rel * fabs(pub[i].exact),
                          "%s %s %s = %.17g, exact %.17g (rel %g)", what, quantity, key,
                          got, pub[i].exact, pub[i].rel);
        return;
    }
    ck_abort_msg("no published figure for %s", key);
}

/* Raw entropy weights (-n none), through cix_weights and cix_compute. */
static void check_raw_entropy(const char *name, const published *pub, size_t npub)
{
    cix_panel *p[2];
    cix_expected rows[MAX_EXPECTED];
    int nrows = read_expected(name, rows);
    cix_options o;
    cix_error e;

    load_both(name, p);
    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    o.weighting = CIX_WEIGHT_ENTROPY;
    for (int k = 0; k < 2; k++) {
        size_t J = cix_panel_nindicators(p[k]), n = cix_panel_nrows(p[k]);
        double *y = malloc(n * J * sizeof *y), *w = malloc(J * sizeof *w);
        cix_result *r = NULL;
        ck_assert(y && w);
        ck_assert_cix_ok(cix_normalize(p[k], &o, y, &e), &e);
        ck_assert_cix_ok(cix_weights(p[k], &o, y, w, &e), &e);
        ck_assert_cix_ok(cix_compute(p[k], &o, &r, &e), &e);
        ck_assert_uint_eq((size_t)npub, J);
        for (size_t j = 0; j < J; j++) {
            const char *ind = cix_panel_indicator(p[k], j);
            check_value(k ? "reader" : "memory", ind, w[j], rows, nrows, "weight", pub,
                        npub);
            ck_assert(cix_result_weights(r)[j] == w[j]);
        }
        cix_result_free(r);
        free(y);
        free(w);
    }
    cix_panel_free(p[0]);
    cix_panel_free(p[1]);
}

/* Xu (2004): 0.462952, 0.399204, 0.137841, 0.000003. */
START_TEST(entropy_xu2004)
{
    static const published pub[] = {
        {"c1", 0.462952, 6, 0.46295228689937982949, 1e-12},
        {"c2", 0.399204, 6, 0.39920354898959191078, 1e-12},
        {"c3", 0.137841, 6, 0.13784085613853291473, 1e-12},
        {"c4", 0.000003, 6, 3.30797249534499674e-6, 1e-9},
    };
    check_raw_entropy("entropy_xu2004", pub, 4);
}
END_TEST

/* Zavadskas & Podvezko (2016): 0.114575, 0.198082, 0.418461, 0.268881. */
START_TEST(entropy_zp2016)
{
    static const published pub[] = {
        {"c1", 0.114575, 6, 0.1145754498950897395, 1e-12},
        {"c2", 0.198082, 6, 0.19808197181903795506, 1e-12},
        {"c3", 0.418461, 6, 0.41846124455960391831, 1e-12},
        {"c4", 0.268881, 6, 0.26888133372626838713, 1e-12},
    };
    check_raw_entropy("entropy_zp2016", pub, 4);
}
END_TEST

/* [[1,2],[4,16]]: 0.358889, 0.641111. */
START_TEST(entropy_2x2)
{
    static const published pub[] = {
        {"c1", 0.358889, 6, 0.35888879048891079266, 1e-12},
        {"c2", 0.641111, 6, 0.64111120951108920734, 1e-12},
    };
    check_raw_entropy("entropy_2x2", pub, 2);
}
END_TEST

/* Min-max to [0.002, 0.998], x1 +, x2 -, entropy weights, linear scores
 * x100: w = 0.5452618, 0.4547382; scores 56.35354, 47.88215, 30.39461,
 * 54.50808. */
START_TEST(entropy_minmax_offset)
{
    static const published wpub[] = {
        {"x1", 0.5452618, 7, 0.54526182818027641358, 1e-12},
        {"x2", 0.4547382, 7, 0.45473817181972358642, 1e-12},
    };
    static const published spub[] = {
        {"r1", 56.35354, 5, 56.353537530595575366, 1e-12},
        {"r2", 47.88215, 5, 47.882154156468141545, 1e-12},
        {"r3", 30.39461, 5, 30.394614608829646138, 1e-12},
        {"r4", 54.50808, 5, 54.508078086755530793, 1e-12},
    };
    cix_panel *p[2];
    cix_expected rows[MAX_EXPECTED];
    int nrows = read_expected("entropy_minmax_offset", rows);
    cix_direction dir[2];
    cix_options o;
    cix_error e;

    load_both("entropy_minmax_offset", p);
    cix_options_init(&o);
    o.normalization = CIX_NORM_MINMAX;
    o.range_lo = 0.002;
    o.range_hi = 0.998;
    o.weighting = CIX_WEIGHT_ENTROPY;
    o.aggregation = CIX_AGG_LINEAR;
    dir[find_indicator(p[0], "x1")].kind = CIX_DIR_BENEFIT;
    dir[find_indicator(p[0], "x2")].kind = CIX_DIR_COST;
    dir[0].a = dir[0].b = dir[1].a = dir[1].b = 0;
    o.directions = dir;
    o.ndirections = 2;
    for (int k = 0; k < 2; k++) {
        const char *what = k ? "reader" : "memory";
        cix_result *r = NULL;
        const double *w, *s;
        ck_assert_cix_ok(cix_compute(p[k], &o, &r, &e), &e);
        w = cix_result_weights(r);
        s = cix_result_scores(r);
        for (size_t j = 0; j < 2; j++)
            check_value(what, cix_panel_indicator(p[k], j), w[j], rows, nrows, "weight",
                        wpub, 2);
        for (int i = 0; i < nrows; i++) {
            size_t row;
            if (strcmp(rows[i].quantity, "score100") != 0)
                continue;
            row = find_row(p[k], rows[i].key);
            check_value(what, rows[i].key, 100 * s[row], rows, nrows, "score100", spub, 4);
        }
        /* ranks: r1 56.35 > r4 54.51 > r2 47.88 > r3 30.39 */
        ck_assert(cix_result_ranks(r)[find_row(p[k], "r1")] == 1);
        ck_assert(cix_result_ranks(r)[find_row(p[k], "r4")] == 2);
        ck_assert(cix_result_ranks(r)[find_row(p[k], "r2")] == 3);
        ck_assert(cix_result_ranks(r)[find_row(p[k], "r3")] == 4);
        cix_result_free(r);
    }
    cix_panel_free(p[0]);
    cix_panel_free(p[1]);
}
END_TEST

/* OECD/JRC Handbook Table 15, SCHOOLING, min-max: Finland (10) 0.59,
 * Singapore (7.1) 0.00; min 7.1 (Singapore, Slovenia), max 12 (USA):
 * Finland = (10 - 7.1)/(12 - 7.1) = 2.9/4.9. Only the minmax rows of the
 * table are run here; the other normalizations come with later methods. */
START_TEST(tai23_table15_minmax)
{
    static const published pub[] = {
        {"Finland", 0.59, 2, 0.59183673469387755102, 1e-14},
        {"Singapore", 0.00, 2, 0.0, 0},
    };
    cix_panel *p[2];
    cix_expected rows[MAX_EXPECTED];
    int nrows = read_expected("tai23.table15", rows), checked = 0;
    cix_options o;
    cix_error e;

    load_both("tai23", p);
    cix_options_init(&o);
    o.normalization = CIX_NORM_MINMAX;
    for (int k = 0; k < 2; k++) {
        size_t n = cix_panel_nrows(p[k]), J = cix_panel_nindicators(p[k]);
        size_t js = find_indicator(p[k], "SCHOOLING");
        double *y = malloc(n * J * sizeof *y);
        cix_result *r = NULL;
        ck_assert_ptr_nonnull(y);
        ck_assert_cix_ok(cix_normalize(p[k], &o, y, &e), &e);
        ck_assert_cix_ok(cix_compute(p[k], &o, &r, &e), &e);
        for (int i = 0; i < nrows; i++) {
            size_t row;
            if (strcmp(rows[i].quantity, "minmax") != 0)
                continue;
            row = find_row(p[k], rows[i].key);
            check_value(k ? "reader" : "memory", rows[i].key, y[js * n + row], rows, nrows,
                        "minmax", pub, 2);
            ck_assert(cix_result_normalized(r)[js * n + row] == y[js * n + row]);
            checked++;
        }
        ck_assert(y[js * n + find_row(p[k], "Singapore")] == 0.0);
        ck_assert(y[js * n + find_row(p[k], "United States")] == 1.0);
        cix_result_free(r);
        free(y);
    }
    ck_assert_int_eq(checked, 4);
    cix_panel_free(p[0]);
    cix_panel_free(p[1]);
}
END_TEST

static Suite *fixtures_suite(void)
{
    Suite *s = suite_create("fixtures_api");
    TCase *t = tcase_create("entropy");
    tcase_add_test(t, entropy_xu2004);
    tcase_add_test(t, entropy_zp2016);
    tcase_add_test(t, entropy_2x2);
    tcase_add_test(t, entropy_minmax_offset);
    suite_add_tcase(s, t);
    t = tcase_create("minmax");
    tcase_add_test(t, tai23_table15_minmax);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cix_test_run(fixtures_suite());
}
