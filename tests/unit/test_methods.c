/* Methods: options, names, normalization with scopes and directions,
 * weights, linear aggregation, ranking, cix_compute. Expected values are
 * computed by hand in the comments. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

#define REL 1e-14

/* A non-NULL result pointer that a failing cix_compute must reset to NULL. */
static char sentinel_byte;
#define SENTINEL ((cix_result *)(void *)&sentinel_byte)

/* Builds a panel: rows (region[r], year[r]) (years NULL = cross-section),
 * indicators names[j], values col-major vals[j*nrows + r]. */
static cix_panel *make_panel(size_t nrows, size_t nind, const char *const *region,
                             const int32_t *year, const char *const *names,
                             const double *vals)
{
    cix_panel *p = NULL;
    cix_error e;
    ck_assert_cix_ok(cix_panel_create(nrows, nind, year != NULL, NULL, &p, &e), &e);
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

/* A cross-section with one indicator "x" over regions r1..r4. */
static cix_panel *column4(const double x[4])
{
    static const char *const reg[] = {"r1", "r2", "r3", "r4"};
    static const char *const nm[] = {"x"};
    return make_panel(4, 1, reg, NULL, nm, x);
}

/* ---- options and names ------------------------------------------------- */

START_TEST(options_defaults)
{
    cix_options o;
    memset(&o, 0xAB, sizeof o);
    cix_options_init(&o);
    ck_assert_int_eq(o.normalization, CIX_NORM_MINMAX);
    ck_assert(o.range_lo == 0.0 && o.range_hi == 1.0);
    ck_assert_int_eq(o.weighting, CIX_WEIGHT_ENTROPY);
    ck_assert_int_eq(o.aggregation, CIX_AGG_LINEAR);
    ck_assert_int_eq(o.scope, CIX_SCOPE_POOLED);
    ck_assert_int_eq(o.ties, CIX_TIES_MIN);
    ck_assert_ptr_null(o.directions);
    ck_assert_uint_eq(o.ndirections, 0);
    ck_assert_ptr_null(o.fixed_weights);
    ck_assert_uint_eq(o.nfixed_weights, 0);
    ck_assert(o.entropy_shift == 0.0 && o.entropy_smooth == 0.0);
    ck_assert_int_eq(o.average_weights, 0);
    ck_assert_int_eq(o.nthreads, 0);
    ck_assert_ptr_null(cix_options_check(&o));
}
END_TEST

/* Each bad field gives a message naming it. */
START_TEST(options_check_rejects)
{
    cix_options o;
    const double neg[] = {1, -1}, zero[] = {0, 0}, inf[] = {1, INFINITY};
    const cix_direction bad_iv[] = {{CIX_DIR_INTERVAL, 3, 2}};
    const cix_direction bad_kind[] = {{(cix_direction_kind)9, 0, 0}};
    const char *m;

#define EXPECT_BAD(field, stmt)                                                      \
    do {                                                                             \
        cix_options_init(&o);                                                        \
        stmt;                                                                        \
        m = cix_options_check(&o);                                                   \
        ck_assert_msg(m != NULL, "accepted bad %s", field);                          \
        ck_assert_msg(strstr(m, field) != NULL, "message '%s' does not name %s", m,  \
                      field);                                                        \
    } while (0)

    EXPECT_BAD("range_lo", o.range_lo = 1.0);
    EXPECT_BAD("range_lo", o.range_lo = 2.0);
    EXPECT_BAD("range_lo", o.range_hi = NAN);
    EXPECT_BAD("range_lo", o.range_hi = INFINITY);
    EXPECT_BAD("normalization", o.normalization = (cix_normalization)12);
    EXPECT_BAD("weighting", o.weighting = (cix_weighting)8);
    EXPECT_BAD("aggregation", o.aggregation = (cix_aggregation)5);
    EXPECT_BAD("ddof", o.ddof = 2);
    EXPECT_BAD("power", o.power = 0.0);
    EXPECT_BAD("factors", o.factors = -1);
    EXPECT_BAD("combine", o.combine = CIX_COMBINE_MULT);
    EXPECT_BAD("impute", o.impute = (cix_impute)5);
    EXPECT_BAD("scope", o.scope = (cix_scope_kind)3);
    EXPECT_BAD("base_year", o.scope = CIX_SCOPE_BASE);
    EXPECT_BAD("ties", o.ties = (cix_ties)3);
    EXPECT_BAD("entropy_shift", o.entropy_shift = -0.1);
    EXPECT_BAD("entropy_shift", o.entropy_shift = NAN);
    EXPECT_BAD("entropy_smooth", o.entropy_smooth = 1.0);
    EXPECT_BAD("entropy_smooth", o.entropy_smooth = -0.5);
    EXPECT_BAD("nthreads", o.nthreads = -1);
    EXPECT_BAD("fixed_weights", o.weighting = CIX_WEIGHT_FIXED);
    EXPECT_BAD("fixed_weights", (o.weighting = CIX_WEIGHT_FIXED, o.fixed_weights = neg,
                                 o.nfixed_weights = 2));
    EXPECT_BAD("fixed_weights", (o.weighting = CIX_WEIGHT_FIXED, o.fixed_weights = zero,
                                 o.nfixed_weights = 2));
    EXPECT_BAD("fixed_weights", (o.weighting = CIX_WEIGHT_FIXED, o.fixed_weights = inf,
                                 o.nfixed_weights = 2));
    EXPECT_BAD("directions", (o.directions = bad_iv, o.ndirections = 1));
    EXPECT_BAD("directions", (o.directions = bad_kind, o.ndirections = 1));
    EXPECT_BAD("directions", o.ndirections = 2);
#undef EXPECT_BAD

    cix_options_init(&o);
    o.scope = CIX_SCOPE_BASE;
    o.base_year = 2010;
    o.entropy_smooth = 0.5;
    o.range_lo = -1;
    ck_assert_ptr_null(cix_options_check(&o));
    ck_assert_ptr_nonnull(cix_options_check(NULL));
}
END_TEST

START_TEST(names_round_trip)
{
    cix_normalization n;
    cix_weighting w;
    cix_aggregation a;
    cix_ties t;
    cix_scope_kind k;
    int32_t by = 0;

    ck_assert_str_eq(cix_normalization_name(CIX_NORM_NONE), "none");
    ck_assert_str_eq(cix_normalization_name(CIX_NORM_MINMAX), "minmax");
    ck_assert_int_eq(cix_normalization_from_name("minmax", &n), 0);
    ck_assert_int_eq(n, CIX_NORM_MINMAX);
    ck_assert_int_eq(cix_normalization_from_name("none", &n), 0);
    ck_assert_int_eq(n, CIX_NORM_NONE);
    ck_assert_int_eq(cix_normalization_from_name("MinMax", &n), -1);
    ck_assert_int_eq(cix_normalization_from_name("zscore", &n), 0);
    ck_assert_int_eq(n, CIX_NORM_ZSCORE);
    ck_assert_int_eq(cix_normalization_from_name("ratio-mean", &n), 0);
    ck_assert_int_eq(n, CIX_NORM_RATIO_MEAN);
    ck_assert_int_eq(cix_normalization_from_name("z-score", &n), -1);
    ck_assert_int_eq(cix_normalization_from_name(NULL, &n), -1);

    ck_assert_str_eq(cix_weighting_name(CIX_WEIGHT_EQUAL), "equal");
    ck_assert_str_eq(cix_weighting_name(CIX_WEIGHT_ENTROPY), "entropy");
    ck_assert_str_eq(cix_weighting_name(CIX_WEIGHT_FIXED), "fixed");
    ck_assert_int_eq(cix_weighting_from_name("fixed", &w), 0);
    ck_assert_int_eq(w, CIX_WEIGHT_FIXED);
    ck_assert_int_eq(cix_weighting_from_name("entropy", &w), 0);
    ck_assert_int_eq(w, CIX_WEIGHT_ENTROPY);
    ck_assert_int_eq(cix_weighting_from_name("pca-coef", &w), 0);
    ck_assert_int_eq(w, CIX_WEIGHT_PCA_COEF);
    ck_assert_int_eq(cix_weighting_from_name("PCA", &w), -1);

    ck_assert_str_eq(cix_aggregation_name(CIX_AGG_LINEAR), "linear");
    ck_assert_int_eq(cix_aggregation_from_name("linear", &a), 0);
    ck_assert_int_eq(a, CIX_AGG_LINEAR);
    ck_assert_int_eq(cix_aggregation_from_name("geometric", &a), 0);
    ck_assert_int_eq(a, CIX_AGG_GEOMETRIC);
    ck_assert_int_eq(cix_aggregation_from_name("geometric-mean", &a), -1);

    ck_assert_str_eq(cix_ties_name(CIX_TIES_MIN), "min");
    ck_assert_str_eq(cix_ties_name(CIX_TIES_AVERAGE), "average");
    ck_assert_str_eq(cix_ties_name(CIX_TIES_DENSE), "dense");
    ck_assert_int_eq(cix_ties_from_name("dense", &t), 0);
    ck_assert_int_eq(t, CIX_TIES_DENSE);
    ck_assert_int_eq(cix_ties_from_name("average", &t), 0);
    ck_assert_int_eq(t, CIX_TIES_AVERAGE);
    ck_assert_int_eq(cix_ties_from_name("max", &t), -1);

    ck_assert_int_eq(cix_scope_from_name("pooled", &k, &by), 0);
    ck_assert_int_eq(k, CIX_SCOPE_POOLED);
    ck_assert_int_eq(cix_scope_from_name("year", &k, &by), 0);
    ck_assert_int_eq(k, CIX_SCOPE_YEAR);
    ck_assert_int_eq(cix_scope_from_name("base:2015", &k, &by), 0);
    ck_assert_int_eq(k, CIX_SCOPE_BASE);
    ck_assert_int_eq(by, 2015);
    ck_assert_int_eq(cix_scope_from_name("base:", &k, &by), -1);
    ck_assert_int_eq(cix_scope_from_name("base:20x5", &k, &by), -1);
    ck_assert_int_eq(cix_scope_from_name("base:2015 ", &k, &by), -1);
    ck_assert_int_eq(cix_scope_from_name("base:99999999999", &k, &by), -1);
    ck_assert_int_eq(cix_scope_from_name("base:-2147483648", &k, &by), -1);
    ck_assert_int_eq(cix_scope_from_name("years", &k, &by), -1);
    ck_assert_int_eq(cix_scope_from_name("frozen", &k, &by), -1);
}
END_TEST

START_TEST(direction_parse)
{
    cix_direction d;
    ck_assert_int_eq(cix_direction_parse("+", &d), 0);
    ck_assert_int_eq(d.kind, CIX_DIR_BENEFIT);
    ck_assert_int_eq(cix_direction_parse("-", &d), 0);
    ck_assert_int_eq(d.kind, CIX_DIR_COST);
    ck_assert_int_eq(cix_direction_parse("[0.5,1.25]", &d), 0);
    ck_assert_int_eq(d.kind, CIX_DIR_INTERVAL);
    ck_assert(d.a == 0.5 && d.b == 1.25);
    ck_assert_int_eq(cix_direction_parse("[ -2 , 3e1 ]", &d), 0);
    ck_assert(d.a == -2.0 && d.b == 30.0);
    ck_assert_int_eq(cix_direction_parse("=0.1", &d), 0);
    ck_assert_int_eq(d.kind, CIX_DIR_TARGET);
    ck_assert(d.a == 0.1);
    ck_assert_int_eq(cix_direction_parse("=-7", &d), 0);
    ck_assert(d.a == -7.0);
    ck_assert_int_eq(cix_direction_parse("", &d), -1);
    ck_assert_int_eq(cix_direction_parse("++", &d), -1);
    ck_assert_int_eq(cix_direction_parse("[3,2]", &d), -1);
    ck_assert_int_eq(cix_direction_parse("[1,2", &d), -1);
    ck_assert_int_eq(cix_direction_parse("[1;2]", &d), -1);
    ck_assert_int_eq(cix_direction_parse("[1,2,3]", &d), -1);
    ck_assert_int_eq(cix_direction_parse("[,2]", &d), -1);
    ck_assert_int_eq(cix_direction_parse("[0,5,1]", &d), -1); /* decimal comma */
    ck_assert_int_eq(cix_direction_parse("=", &d), -1);
    ck_assert_int_eq(cix_direction_parse("=inf", &d), -1);
    ck_assert_int_eq(cix_direction_parse("=nan", &d), -1);
    ck_assert_int_eq(cix_direction_parse("=1x", &d), -1);
    ck_assert_int_eq(cix_direction_parse("benefit", &d), -1);
}
END_TEST

/* ---- normalization ----------------------------------------------------- */

/* minmax to [1,3] of x = 2,4,6,10 (min 2, max 10, max-min 8):
 * benefit 1 + 2(x-2)/8 = 1, 1.5, 2, 3; cost 1 + 2(10-x)/8 = 3, 2.5, 2, 1. */
START_TEST(minmax_range_benefit_and_cost)
{
    const double x[] = {2, 4, 6, 10};
    const double ben[] = {1, 1.5, 2, 3}, cost[] = {3, 2.5, 2, 1};
    const cix_direction dcost[] = {{CIX_DIR_COST, 0, 0}};
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    o.range_lo = 1;
    o.range_hi = 3;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        ck_assert_rel(y[i], ben[i], REL, 0);
    o.directions = dcost;
    o.ndirections = 1;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        ck_assert_rel(y[i], cost[i], REL, 0);
    /* `none` does not orient: a cost indicator stays x */
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        ck_assert(y[i] == x[i]);
    cix_panel_free(p);
}
END_TEST

/* Missing cells are skipped by min/max and stay NaN. x = 5, NaN, 1, 3:
 * min 1, max 5: y = 1, NaN, 0, 0.5. */
START_TEST(minmax_skips_missing)
{
    const double x[] = {5, NAN, 1, 3};
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;
    double y[4];
    cix_options_init(&o);
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    ck_assert(y[0] == 1.0 && isnan(y[1]) && y[2] == 0.0 && y[3] == 0.5);
    cix_panel_free(p);
}
END_TEST

/* Two regions A, B and two years; rows in the order
 * A2021, B2020, A2020, B2021 with x = 10, 3, 1, 20. */
static cix_panel *two_years(void)
{
    static const char *const reg[] = {"A", "B", "A", "B"};
    static const int32_t yr[] = {2021, 2020, 2020, 2021};
    static const char *const nm[] = {"x"};
    static const double x[] = {10, 3, 1, 20};
    return make_panel(4, 1, reg, yr, nm, x);
}

START_TEST(minmax_scopes)
{
    cix_panel *p = two_years();
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    /* pooled: min 1, max 20: (10-1)/19, (3-1)/19, 0, 1 */
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    ck_assert_rel(y[0], 9.0 / 19.0, REL, 0);
    ck_assert_rel(y[1], 2.0 / 19.0, REL, 0);
    ck_assert(y[2] == 0.0 && y[3] == 1.0);

    /* year: 2020 min 1 max 3, 2021 min 10 max 20: 0, 1, 0, 1 */
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    ck_assert(y[0] == 0.0 && y[1] == 1.0 && y[2] == 0.0 && y[3] == 1.0);

    /* base:2020: min 1, max 3 for every year: (10-1)/2 = 4.5, 1, 0, 19/2 = 9.5 */
    o.scope = CIX_SCOPE_BASE;
    o.base_year = 2020;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    ck_assert(y[0] == 4.5 && y[1] == 1.0 && y[2] == 0.0 && y[3] == 9.5);

    /* base:2021: min 10, max 20: 0, (3-10)/10 = -0.7, -0.9, 1 */
    o.base_year = 2021;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    ck_assert_rel(y[1], -0.7, REL, 0);
    ck_assert_rel(y[2], -0.9, REL, 0);
    ck_assert(y[0] == 0.0 && y[3] == 1.0);

    /* a base year the panel does not have */
    o.base_year = 2019;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EINVAL);
    ck_assert_int_eq(e.year, 2019);
    ck_assert_ptr_nonnull(strstr(e.message, "2019"));
    cix_panel_free(p);
}
END_TEST

/* Interval [4,6] on x = 2, 5, 7, 10 (min 2, max 10):
 * denominator max(4-2, 10-6) = 4; deviations 2, 0, 1, 4;
 * y = 1 - dev/4 = 0.5, 1, 0.75, 0. With minmax afterwards (min 0, max 1)
 * the values are the same; with range [0,10] they are ten times larger. */
START_TEST(direction_interval)
{
    const double x[] = {2, 5, 7, 10}, want[] = {0.5, 1, 0.75, 0};
    const cix_direction d[] = {{CIX_DIR_INTERVAL, 4, 6}};
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    o.directions = d;
    o.ndirections = 1;
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        ck_assert_rel(y[i], want[i], REL, 0);
    o.normalization = CIX_NORM_MINMAX;
    o.range_hi = 10;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        ck_assert_rel(y[i], 10 * want[i], REL, 0);
    cix_panel_free(p);
}
END_TEST

/* Target 5 on x = 2, 5, 7, 10: |x-5| = 3, 0, 2, 5, max 5:
 * y = 1 - |x-5|/5 = 0.4, 1, 0.6, 0. */
START_TEST(direction_target)
{
    const double x[] = {2, 5, 7, 10}, want[] = {0.4, 1, 0.6, 0};
    const cix_direction d[] = {{CIX_DIR_TARGET, 5, 5}};
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    o.directions = d;
    o.ndirections = 1;
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        ck_assert_rel(y[i], want[i], REL, 0);
    cix_panel_free(p);
}
END_TEST

/* Interval / target statistics follow the scope. Panel two_years() with
 * target 5, scope year: 2020 has x = 3, 1 (|x-5| = 2, 4, max 4):
 * y = 0.5, 0; 2021 has x = 10, 20 (|x-5| = 5, 15, max 15): y = 2/3, 0. */
START_TEST(direction_target_year_scope)
{
    const cix_direction d[] = {{CIX_DIR_TARGET, 5, 5}};
    cix_panel *p = two_years();
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    o.directions = d;
    o.ndirections = 1;
    o.normalization = CIX_NORM_NONE;
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    ck_assert_rel(y[0], 2.0 / 3.0, REL, 0); /* A2021 */
    ck_assert_rel(y[1], 0.5, REL, 0);       /* B2020 */
    ck_assert(y[2] == 0.0 && y[3] == 0.0);
    cix_panel_free(p);
}
END_TEST

START_TEST(normalize_degenerate)
{
    const double c[] = {3, 3, 3, 3}, in[] = {4, 5, 5.5, 6};
    const cix_direction iv[] = {{CIX_DIR_INTERVAL, 4, 6}};
    const cix_direction tg[] = {{CIX_DIR_TARGET, 3, 3}};
    cix_panel *p = column4(c), *q = column4(in), *t = two_years();
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    ck_assert_int_eq(e.year, CIX_NO_YEAR);
    ck_assert_ptr_nonnull(strstr(e.message, "drop the indicator"));
    /* every value inside the interval: zero denominator */
    o.directions = iv;
    o.ndirections = 1;
    ck_assert_int_eq(cix_normalize(q, &o, y, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    /* every value at the target */
    o.directions = tg;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    /* scope year: a year where the indicator is constant is named */
    cix_panel_column(t, 0)[0] = 20; /* A2021 = B2021 = 20 */
    cix_options_init(&o);
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_int_eq(cix_normalize(t, &o, y, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    ck_assert_int_eq(e.year, 2021);
    ck_assert_ptr_nonnull(strstr(e.message, "2021"));
    /* pooled it is fine */
    o.scope = CIX_SCOPE_POOLED;
    ck_assert_cix_ok(cix_normalize(t, &o, y, &e), &e);
    /* directions must match the indicators */
    o.directions = iv;
    o.ndirections = 1;
    ck_assert_cix_ok(cix_normalize(t, &o, y, &e), &e);
    {
        const cix_direction two[] = {{CIX_DIR_BENEFIT, 0, 0}, {CIX_DIR_COST, 0, 0}};
        o.directions = two;
        o.ndirections = 2;
        ck_assert_int_eq(cix_normalize(t, &o, y, &e), CIX_EINVAL);
    }
    cix_panel_free(p);
    cix_panel_free(q);
    cix_panel_free(t);
}
END_TEST

/* ---- weights ----------------------------------------------------------- */

static const char *const reg2[] = {"a", "b"};
static const char *const nm2[] = {"A", "B"};

/* Columns A = (0, 1), B = (1, 3), n = 2, raw (-n none):
 * A: p = (0, 1), e = 0, d = 1.
 * B: p = (1/4, 3/4), e = (1/4 log2 4 + 3/4 log2 4/3) = 2 - (3/4) log2 3,
 *    d = (3/4) log2 3 - 1 = 0.188721875540867...
 * w = (1, d_B) / (1 + d_B). */
START_TEST(entropy_hand)
{
    const double v[] = {0, 1, 1, 3};
    cix_panel *p = make_panel(2, 2, reg2, NULL, nm2, v);
    cix_options o;
    cix_error e;
    double w[2], db = 0.75 * log2(3.0) - 1.0;

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert_rel(w[0], 1.0 / (1.0 + db), 1e-13, 0);
    ck_assert_rel(w[1], db / (1.0 + db), 1e-13, 0);
    cix_panel_free(p);
}
END_TEST

/* A constant column has e = 1 exactly, d = 0, weight exactly 0, even where
 * rounding of p = 0.1/0.3 would leave a few ulps. */
START_TEST(entropy_constant_column_weight_zero)
{
    static const char *const reg3[] = {"a", "b", "c"};
    const double v[] = {0.1, 0.1, 0.1, 1, 2, 3};
    cix_panel *p = make_panel(3, 2, reg3, NULL, nm2, v);
    cix_options o;
    cix_error e;
    double w[2];

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert(w[0] == 0.0 && w[1] == 1.0);
    cix_panel_free(p);
}
END_TEST

/* --shift 1: A = (1, 2), B = (2, 4): both p = (1/3, 2/3), equal entropy,
 * w = (0.5, 0.5). --smooth 0.5: A = 0.5 + 0.5 (0, 1) = (0.5, 1),
 * B = 0.5 + 0.5 (1, 3) = (1, 2): again p = (1/3, 2/3) for both.
 * --shift 1 --smooth 0.5 (shift first): A = 0.5 + 0.5 (1, 2) = (1, 1.5),
 * p = (0.4, 0.6); B = 0.5 + 0.5 (2, 4) = (1.5, 2.5), p = (0.375, 0.625):
 * d = 1 - H(p)/ln 2 with H the natural-log entropy. */
START_TEST(entropy_shift_smooth)
{
    const double v[] = {0, 1, 1, 3};
    cix_panel *p = make_panel(2, 2, reg2, NULL, nm2, v);
    cix_options o;
    cix_error e;
    double w[2], da, db;

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    o.entropy_shift = 1;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert_rel(w[0], 0.5, 1e-14, 0);
    ck_assert_rel(w[1], 0.5, 1e-14, 0);
    o.entropy_shift = 0;
    o.entropy_smooth = 0.5;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert_rel(w[0], 0.5, 1e-14, 0);
    ck_assert_rel(w[1], 0.5, 1e-14, 0);
    o.entropy_shift = 1;
    da = 1 + (0.4 * log(0.4) + 0.6 * log(0.6)) / log(2.0);
    db = 1 + (0.375 * log(0.375) + 0.625 * log(0.625)) / log(2.0);
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert_rel(w[0], da / (da + db), 1e-12, 0);
    ck_assert_rel(w[1], db / (da + db), 1e-12, 0);
    cix_panel_free(p);
}
END_TEST

/* A missing cell is skipped: n counts the present cells of the column.
 * Three rows with A = (1, NaN, 3), B = (1, 5, 3): A has n = 2,
 * p = (1/4, 3/4), d_A = 1 - H/ln 2 = (3/4) log2 3 - 1 as in entropy_hand;
 * B has n = 3, p = (1, 5, 3)/9, d_B = 1 - H/ln 3. */
START_TEST(entropy_missing_cell_skipped)
{
    static const char *const reg3[] = {"a", "b", "c"};
    const double v[] = {1, NAN, 3, 1, 5, 3};
    cix_panel *p = make_panel(3, 2, reg3, NULL, nm2, v);
    cix_options o;
    cix_error e;
    double w[2], da, db, pb[3] = {1.0 / 9, 5.0 / 9, 3.0 / 9};

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    da = 0.75 * log2(3.0) - 1.0;
    db = 1 + (pb[0] * log(pb[0]) + pb[1] * log(pb[1]) + pb[2] * log(pb[2])) / log(3.0);
    ck_assert_rel(w[0], da / (da + db), 1e-12, 0);
    ck_assert_rel(w[1], db / (da + db), 1e-12, 0);
    /* but linear aggregation refuses the missing cell, naming it */
    {
        cix_result *r = SENTINEL; /* must be reset to NULL */
        ck_assert_int_eq(cix_compute(p, &o, &r, &e), CIX_EDATA);
        ck_assert_ptr_null(r);
        ck_assert_str_eq(e.indicator, "A");
        ck_assert_str_eq(e.region, "b");
        ck_assert_int_eq(e.year, CIX_NO_YEAR);
        ck_assert_ptr_nonnull(strstr(e.message, "missing"));
    }
    cix_panel_free(p);
}
END_TEST

START_TEST(entropy_errors)
{
    static const char *const reg[] = {"A", "B", "A", "B"};
    static const int32_t yr[] = {2020, 2020, 2021, 2021};
    const double neg[] = {1, 2, 3, 4, 5, 6, -0.5, 8};
    const double zero[] = {1, 2, 3, 4, 0, 0, 0, 0};
    const double flat[] = {2, 2, 2, 2, 7, 7, 7, 7};
    cix_panel *p = make_panel(4, 2, reg, yr, nm2, neg);
    cix_options o;
    cix_error e;
    double w[2];

    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    /* negative y names the cell and suggests minmax or a shift */
    ck_assert_int_eq(cix_weights(p, &o, neg, w, &e), CIX_EDATA);
    ck_assert_str_eq(e.indicator, "B");
    ck_assert_str_eq(e.region, "A");
    ck_assert_int_eq(e.year, 2021);
    ck_assert_ptr_nonnull(strstr(e.message, "minmax"));
    ck_assert_ptr_nonnull(strstr(e.message, "shift"));
    /* a shift that makes it non-negative is accepted */
    o.entropy_shift = 0.5;
    ck_assert_cix_ok(cix_weights(p, &o, neg, w, &e), &e);
    o.entropy_shift = 0;
    /* zero column sum */
    ck_assert_int_eq(cix_weights(p, &o, zero, w, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "B");
    /* scope year names the year of the zero sum */
    {
        double z2[] = {1, 2, 3, 4, 0, 0, 1, 2};
        o.scope = CIX_SCOPE_YEAR;
        ck_assert_int_eq(cix_weights(p, &o, z2, w, &e), CIX_EDEGENERATE);
        ck_assert_str_eq(e.indicator, "B");
        ck_assert_int_eq(e.year, 2020);
        o.scope = CIX_SCOPE_POOLED;
        ck_assert_cix_ok(cix_weights(p, &o, z2, w, &e), &e);
    }
    /* all d_j = 0 */
    ck_assert_int_eq(cix_weights(p, &o, flat, w, &e), CIX_EDEGENERATE);
    ck_assert_ptr_nonnull(strstr(e.message, "d_j"));
    /* fixed weights must match the indicators */
    {
        const double f3[] = {1, 1, 1};
        o.weighting = CIX_WEIGHT_FIXED;
        o.fixed_weights = f3;
        o.nfixed_weights = 3;
        ck_assert_int_eq(cix_weights(p, &o, neg, w, &e), CIX_EINVAL);
    }
    cix_panel_free(p);
}
END_TEST

START_TEST(equal_and_fixed)
{
    const double v[] = {0, 1, 1, 3};
    const double f[] = {1, 3};
    cix_panel *p = make_panel(2, 2, reg2, NULL, nm2, v);
    cix_options o;
    cix_error e;
    double w[2];
    cix_result *r = NULL;

    cix_options_init(&o);
    o.weighting = CIX_WEIGHT_EQUAL;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert(w[0] == 0.5 && w[1] == 0.5);
    o.weighting = CIX_WEIGHT_FIXED;
    o.fixed_weights = f;
    o.nfixed_weights = 2;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert(w[0] == 0.25 && w[1] == 0.75);
    /* minmax: A -> (0, 1), B -> (0, 1); scores 0.25*y_A + 0.75*y_B = 0, 1;
     * ranks 2, 1 */
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert(cix_result_scores(r)[0] == 0.0 && cix_result_scores(r)[1] == 1.0);
    ck_assert(cix_result_ranks(r)[0] == 2.0 && cix_result_ranks(r)[1] == 1.0);
    ck_assert(cix_result_weights(r)[1] == 0.75);
    ck_assert_ptr_eq(cix_result_weights_year(r, 0), cix_result_weights(r));
    ck_assert_ptr_null(cix_result_weights_year(r, 1));
    cix_result_free(r);
    cix_panel_free(p);
}
END_TEST

/* ---- ranking ----------------------------------------------------------- */

START_TEST(rank_ties)
{
    const double s[] = {5, 5, 3};
    const double want_min[] = {1, 1, 3}, want_avg[] = {1.5, 1.5, 3},
                 want_dense[] = {1, 1, 2};
    double r[3];
    cix_error e;

    ck_assert_cix_ok(cix_rank(s, NULL, 3, CIX_TIES_MIN, NULL, r, &e), &e);
    for (int i = 0; i < 3; i++)
        ck_assert(r[i] == want_min[i]);
    ck_assert_cix_ok(cix_rank(s, NULL, 3, CIX_TIES_AVERAGE, NULL, r, &e), &e);
    for (int i = 0; i < 3; i++)
        ck_assert(r[i] == want_avg[i]);
    ck_assert_cix_ok(cix_rank(s, NULL, 3, CIX_TIES_DENSE, NULL, r, &e), &e);
    for (int i = 0; i < 3; i++)
        ck_assert(r[i] == want_dense[i]);
    ck_assert_int_eq(cix_rank(s, NULL, 3, (cix_ties)5, NULL, r, &e), CIX_EINVAL);
    ck_assert_int_eq(cix_rank(NULL, NULL, 3, CIX_TIES_MIN, NULL, r, &e), CIX_EINVAL);
    ck_assert_cix_ok(cix_rank(NULL, NULL, 0, CIX_TIES_MIN, NULL, NULL, &e), &e);
}
END_TEST

/* NaN ranks last: scores NaN, 2, 3, NaN, 2 -> 4, 2, 1, 4, 2 (min),
 * 4.5, 2.5, 1, 4.5, 2.5 (average), 3, 2, 1, 3, 2 (dense). */
START_TEST(rank_nan_last)
{
    const double s[] = {NAN, 2, 3, NAN, 2};
    const double wmin[] = {4, 2, 1, 4, 2}, wavg[] = {4.5, 2.5, 1, 4.5, 2.5},
                 wden[] = {3, 2, 1, 3, 2};
    double r[5];
    cix_error e;
    ck_assert_cix_ok(cix_rank(s, NULL, 5, CIX_TIES_MIN, NULL, r, &e), &e);
    for (int i = 0; i < 5; i++)
        ck_assert(r[i] == wmin[i]);
    ck_assert_cix_ok(cix_rank(s, NULL, 5, CIX_TIES_AVERAGE, NULL, r, &e), &e);
    for (int i = 0; i < 5; i++)
        ck_assert(r[i] == wavg[i]);
    ck_assert_cix_ok(cix_rank(s, NULL, 5, CIX_TIES_DENSE, NULL, r, &e), &e);
    for (int i = 0; i < 5; i++)
        ck_assert(r[i] == wden[i]);
}
END_TEST

/* Groups are ranked separately: group 7 has 1, 3, 3; group -2 has 4, 2. */
START_TEST(rank_groups)
{
    const double s[] = {1, 4, 3, 2, 3};
    const int32_t g[] = {7, -2, 7, -2, 7};
    const double want[] = {3, 1, 1, 2, 1};
    double r[5];
    cix_error e;
    ck_assert_cix_ok(cix_rank(s, g, 5, CIX_TIES_MIN, NULL, r, &e), &e);
    for (int i = 0; i < 5; i++)
        ck_assert_msg(r[i] == want[i], "rank[%d] = %g, expected %g", i, r[i], want[i]);
}
END_TEST

/* Against the definition, on many items with many ties and NaNs:
 * min = 1 + #{greater in group}, dense = 1 + #{distinct greater},
 * average = min + (#{equal} - 1)/2; NaN counts as below everything. */
START_TEST(rank_matches_definition)
{
    enum { N = 600 };
    double *s = malloc(N * sizeof *s), *rm = malloc(N * sizeof *rm),
           *ra = malloc(N * sizeof *ra), *rd = malloc(N * sizeof *rd);
    int32_t *g = malloc(N * sizeof *g);
    uint32_t seed = 12345;
    cix_error e;

    ck_assert(s && rm && ra && rd && g);
    for (int i = 0; i < N; i++) {
        seed = seed * 1664525u + 1013904223u;
        g[i] = (int32_t)(seed >> 28) % 3;
        s[i] = ((seed >> 8) % 17 == 0) ? NAN : (double)((seed >> 12) % 23);
    }
    ck_assert_cix_ok(cix_rank(s, g, N, CIX_TIES_MIN, NULL, rm, &e), &e);
    ck_assert_cix_ok(cix_rank(s, g, N, CIX_TIES_AVERAGE, NULL, ra, &e), &e);
    ck_assert_cix_ok(cix_rank(s, g, N, CIX_TIES_DENSE, NULL, rd, &e), &e);
    for (int i = 0; i < N; i++) {
        size_t greater = 0, equal = 0, distinct = 0;
        double seen[32];
        size_t nseen = 0;
        for (int k = 0; k < N; k++) {
            int gt, eq;
            if (g[k] != g[i])
                continue;
            if (isnan(s[i])) {
                gt = !isnan(s[k]);
                eq = isnan(s[k]);
            } else {
                gt = !isnan(s[k]) && s[k] > s[i];
                eq = !isnan(s[k]) && s[k] == s[i];
            }
            greater += gt;
            equal += eq;
            if (gt) {
                double key = isnan(s[k]) ? -1 : s[k];
                size_t q = 0;
                while (q < nseen && seen[q] != key)
                    q++;
                if (q == nseen)
                    seen[nseen++] = key;
            }
        }
        distinct = nseen;
        ck_assert(rm[i] == (double)(1 + greater));
        ck_assert(ra[i] == (double)(1 + greater) + ((double)equal - 1) / 2);
        ck_assert(rd[i] == (double)(1 + distinct));
    }
    free(s);
    free(rm);
    free(ra);
    free(rd);
    free(g);
}
END_TEST

/* ---- the pipeline ------------------------------------------------------ */

/* Ranks within each year; scores s = sum w y. Panel two_years() with a
 * second indicator; equal weights, minmax pooled.
 * x: A2021 10, B2020 3, A2020 1, B2021 20 -> 9/19, 2/19, 0, 1
 * z: 4, 2, 0, 4 -> 1, 0.5, 0, 1
 * scores 0.5*(x+z): (9/19+1)/2, (2/19+0.5)/2, 0, 1
 * ranks in 2020: B 1, A 2; in 2021: B 1, A 2. */
START_TEST(compute_ranks_within_years)
{
    static const char *const reg[] = {"A", "B", "A", "B"};
    static const int32_t yr[] = {2021, 2020, 2020, 2021};
    static const char *const nm[] = {"x", "z"};
    const double v[] = {10, 3, 1, 20, 4, 2, 0, 4};
    cix_panel *p = make_panel(4, 2, reg, yr, nm, v);
    cix_options o;
    cix_error e;
    cix_result *r = NULL;
    const double *s, *rk;

    cix_options_init(&o);
    o.weighting = CIX_WEIGHT_EQUAL;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_uint_eq(cix_result_nrows(r), 4);
    ck_assert_uint_eq(cix_result_nindicators(r), 2);
    s = cix_result_scores(r);
    rk = cix_result_ranks(r);
    ck_assert_rel(s[0], (9.0 / 19.0 + 1.0) / 2.0, REL, 0);
    ck_assert_rel(s[1], (2.0 / 19.0 + 0.5) / 2.0, REL, 0);
    ck_assert(s[2] == 0.0 && s[3] == 1.0);
    ck_assert(rk[0] == 2 && rk[1] == 1 && rk[2] == 2 && rk[3] == 1);
    ck_assert_rel(cix_result_normalized(r)[4 + 1], 0.5, REL, 0);
    cix_result_free(r);
    cix_panel_free(p);
}
END_TEST

/* Three regions over two years, two indicators, rows year by year. */
static cix_panel *three_by_two(void)
{
    static const char *const reg[] = {"a", "b", "c", "a", "b", "c"};
    static const int32_t yr[] = {2020, 2020, 2020, 2021, 2021, 2021};
    static const double v[] = {1, 4, 2, 3, 9, 8, 5, 6, 1, 7, 7, 2};
    return make_panel(6, 2, reg, yr, nm2, v);
}

/* The cross-section of year index k of three_by_two(). */
static cix_panel *one_year_of(size_t k)
{
    static const char *const reg[] = {"a", "b", "c"};
    static const double v[] = {1, 4, 2, 3, 9, 8, 5, 6, 1, 7, 7, 2};
    double c[6];
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 3; i++)
            c[j * 3 + i] = v[j * 6 + (int)k * 3 + i];
    return make_panel(3, 2, reg, NULL, nm2, c);
}

/* Scope year: each year gets the weights of its own cross-section; the
 * final weights are the last year's, or the average with average_weights. */
START_TEST(scope_year_weights)
{
    cix_panel *p = three_by_two(), *c0 = one_year_of(0), *c1 = one_year_of(1);
    cix_options o;
    cix_error e;
    cix_result *r = NULL, *r0 = NULL, *r1 = NULL;
    double w[2];

    cix_options_init(&o);
    ck_assert_cix_ok(cix_compute(c0, &o, &r0, &e), &e);
    ck_assert_cix_ok(cix_compute(c1, &o, &r1, &e), &e);
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    for (int j = 0; j < 2; j++) {
        ck_assert(cix_result_weights_year(r, 0)[j] == cix_result_weights(r0)[j]);
        ck_assert(cix_result_weights_year(r, 1)[j] == cix_result_weights(r1)[j]);
        ck_assert(cix_result_weights(r)[j] == cix_result_weights(r1)[j]);
    }
    ck_assert(cix_result_weights(r0)[0] != cix_result_weights(r1)[0]);
    for (int i = 0; i < 3; i++) {
        ck_assert(cix_result_scores(r)[i] == cix_result_scores(r0)[i]);
        ck_assert(cix_result_scores(r)[3 + i] == cix_result_scores(r1)[i]);
        ck_assert(cix_result_ranks(r)[3 + i] == cix_result_ranks(r1)[i]);
    }
    ck_assert_ptr_null(cix_result_weights_year(r, 2));
    /* cix_weights gives the last year's weights too */
    ck_assert_cix_ok(cix_weights(p, &o, cix_result_normalized(r), w, &e), &e);
    ck_assert(w[0] == cix_result_weights(r1)[0] && w[1] == cix_result_weights(r1)[1]);
    cix_result_free(r);

    o.average_weights = 1;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    for (int j = 0; j < 2; j++) {
        double avg = (cix_result_weights(r0)[j] + cix_result_weights(r1)[j]) / 2;
        ck_assert_rel(cix_result_weights(r)[j], avg, 1e-15, 0);
        ck_assert_ptr_eq(cix_result_weights_year(r, 1), cix_result_weights(r));
    }
    ck_assert_rel(cix_result_weights(r)[0] + cix_result_weights(r)[1], 1.0, 1e-15, 0);
    /* scores use the averaged weights in both years */
    for (int i = 0; i < 6; i++) {
        const double *y = cix_result_normalized(r), *wa = cix_result_weights(r);
        ck_assert_rel(cix_result_scores(r)[i], wa[0] * y[i] + wa[1] * y[6 + i], 1e-15,
                      1e-300);
    }
    cix_result_free(r);
    cix_result_free(r0);
    cix_result_free(r1);
    cix_panel_free(p);
    cix_panel_free(c0);
    cix_panel_free(c1);
}
END_TEST

/* Scope base:2020: entropy over the base year's rows, normalized with the
 * base year's min/max. Equal to the cross-section of 2020 for those rows. */
START_TEST(scope_base_weights)
{
    cix_panel *p = three_by_two(), *c0 = one_year_of(0);
    cix_options o;
    cix_error e;
    cix_result *r = NULL, *r0 = NULL;

    cix_options_init(&o);
    ck_assert_cix_ok(cix_compute(c0, &o, &r0, &e), &e);
    o.scope = CIX_SCOPE_BASE;
    o.base_year = 2020;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    for (int j = 0; j < 2; j++)
        ck_assert(cix_result_weights(r)[j] == cix_result_weights(r0)[j]);
    for (int i = 0; i < 3; i++)
        ck_assert(cix_result_scores(r)[i] == cix_result_scores(r0)[i]);
    /* 2021, indicator A: x = 3, 9, 8 with the 2020 min 1, max 4: (x-1)/3 */
    ck_assert_rel(cix_result_normalized(r)[4], 8.0 / 3.0, REL, 0);
    cix_result_free(r);
    o.base_year = 1999;
    r = SENTINEL;
    ck_assert_int_eq(cix_compute(p, &o, &r, &e), CIX_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(e.year, 1999);
    /* base on a cross-section */
    ck_assert_int_eq(cix_compute(c0, &o, &r, &e), CIX_EINVAL);
    cix_result_free(r0);
    cix_panel_free(p);
    cix_panel_free(c0);
}
END_TEST

/* ---- properties -------------------------------------------------------- */

/* A deterministic pseudo-random panel of nreg regions x nyear years x nind. */
static cix_panel *random_panel(size_t nreg, size_t nyear, size_t nind, uint32_t seed)
{
    cix_panel *p = NULL;
    cix_error e;
    char name[32];
    size_t n = nreg * nyear;
    ck_assert_cix_ok(cix_panel_create(n, nind, 1, NULL, &p, &e), &e);
    for (size_t r = 0; r < n; r++) {
        snprintf(name, sizeof name, "region %zu", r % nreg);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, (int32_t)(2000 + r / nreg), &e),
                         &e);
    }
    for (size_t j = 0; j < nind; j++) {
        double *c = cix_panel_column(p, j);
        snprintf(name, sizeof name, "x%zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
        for (size_t r = 0; r < n; r++) {
            seed = seed * 1664525u + 1013904223u;
            c[r] = (double)(seed >> 8) / 16777216.0 * (double)(j + 1) * 10.0;
        }
    }
    return p;
}

START_TEST(weights_nonnegative_sum_one)
{
    cix_panel *p = random_panel(31, 5, 7, 99);
    cix_options o;
    cix_error e;
    cix_result *r = NULL;
    const cix_weighting ws[] = {CIX_WEIGHT_EQUAL, CIX_WEIGHT_ENTROPY};
    const cix_scope_kind sc[] = {CIX_SCOPE_POOLED, CIX_SCOPE_YEAR};

    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            cix_options_init(&o);
            o.weighting = ws[a];
            o.scope = sc[b];
            ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
            for (size_t k = 0; k < 5; k++) {
                const double *w = cix_result_weights_year(r, k);
                double sum = 0;
                for (int j = 0; j < 7; j++) {
                    ck_assert(w[j] >= 0);
                    sum += w[j];
                }
                ck_assert_rel(sum, 1.0, 1e-14, 0);
            }
            cix_result_free(r);
        }
    cix_panel_free(p);
}
END_TEST

/* minmax + entropy weights do not change when an indicator is multiplied
 * by a positive constant (min-max removes the unit). */
START_TEST(weights_scale_invariant)
{
    cix_panel *p = random_panel(20, 3, 4, 7), *q = random_panel(20, 3, 4, 7);
    cix_options o;
    cix_error e;
    cix_result *r = NULL, *s = NULL;
    double *c = cix_panel_column(q, 2);

    for (size_t i = 0; i < 60; i++)
        c[i] *= 1234.5;
    cix_options_init(&o);
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_cix_ok(cix_compute(q, &o, &s, &e), &e);
    for (int j = 0; j < 4; j++)
        ck_assert_rel(cix_result_weights(s)[j], cix_result_weights(r)[j], 1e-12, 0);
    cix_result_free(r);
    cix_result_free(s);
    cix_panel_free(p);
    cix_panel_free(q);
}
END_TEST

/* A pooled panel with a single year gives exactly the cross-section. */
START_TEST(one_year_panel_is_cross_section)
{
    cix_panel *p = random_panel(25, 1, 5, 3), *c = NULL;
    cix_options o;
    cix_error e;
    cix_result *r = NULL, *s = NULL;
    size_t n = 25, J = 5;

    ck_assert_cix_ok(cix_panel_create(n, J, 0, NULL, &c, &e), &e);
    for (size_t i = 0; i < n; i++)
        ck_assert_cix_ok(cix_panel_set_row(c, i, cix_panel_row_region(p, i), CIX_NO_YEAR,
                                           &e),
                         &e);
    for (size_t j = 0; j < J; j++) {
        ck_assert_cix_ok(cix_panel_set_indicator(c, j, cix_panel_indicator(p, j), &e), &e);
        memcpy(cix_panel_column(c, j), cix_panel_column(p, j), n * sizeof(double));
    }
    for (int sc = 0; sc < 2; sc++) {
        cix_options_init(&o);
        o.scope = sc ? CIX_SCOPE_YEAR : CIX_SCOPE_POOLED;
        ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
        ck_assert_cix_ok(cix_compute(c, &o, &s, &e), &e);
        ck_assert(memcmp(cix_result_weights(r), cix_result_weights(s), J * sizeof(double)) ==
                  0);
        ck_assert(memcmp(cix_result_normalized(r), cix_result_normalized(s),
                         n * J * sizeof(double)) == 0);
        ck_assert(memcmp(cix_result_scores(r), cix_result_scores(s), n * sizeof(double)) ==
                  0);
        ck_assert(memcmp(cix_result_ranks(r), cix_result_ranks(s), n * sizeof(double)) == 0);
        cix_result_free(r);
        cix_result_free(s);
    }
    cix_panel_free(p);
    cix_panel_free(c);
}
END_TEST

/* Entropy over a pooled panel uses n = all rows of all years (1/ln 4 here,
 * never 1/ln T): A = (0,1,0,1), B = (1,3,1,3) over two years of two regions:
 * p_A = (0,1/2,0,1/2): e_A = ln 2 / ln 4 = 1/2, d_A = 1/2;
 * p_B = (1,3,1,3)/8: e_B = -(2 (1/8) ln(1/8) + 2 (3/8) ln(3/8)) / ln 4. */
START_TEST(entropy_pooled_n_is_all_rows)
{
    static const char *const reg[] = {"a", "b", "a", "b"};
    static const int32_t yr[] = {2001, 2001, 2002, 2002};
    const double v[] = {0, 1, 0, 1, 1, 3, 1, 3};
    cix_panel *p = make_panel(4, 2, reg, yr, nm2, v);
    cix_options o;
    cix_error e;
    double w[2], da = 0.5, db;

    db = 1 + (2 * 0.125 * log(0.125) + 2 * 0.375 * log(0.375)) / log(4.0);
    cix_options_init(&o);
    o.normalization = CIX_NORM_NONE;
    ck_assert_cix_ok(cix_weights(p, &o, v, w, &e), &e);
    ck_assert_rel(w[0], da / (da + db), 1e-13, 0);
    ck_assert_rel(w[1], db / (da + db), 1e-13, 0);
    cix_panel_free(p);
}
END_TEST

/* cix_compute checks its input. */
START_TEST(compute_arguments)
{
    cix_panel *p = two_years(), *empty = NULL;
    cix_options o;
    cix_error e;
    cix_result *r = SENTINEL;

    cix_options_init(&o);
    ck_assert_int_eq(cix_compute(p, NULL, &r, &e), CIX_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(cix_compute(p, &o, NULL, &e), CIX_EINVAL);
    o.range_lo = 5;
    ck_assert_int_eq(cix_compute(p, &o, &r, &e), CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.message, "range_lo"));
    cix_options_init(&o);
    ck_assert_cix_ok(cix_panel_create(0, 0, 0, NULL, &empty, &e), &e);
    ck_assert_int_eq(cix_compute(empty, &o, &r, &e), CIX_EINVAL);
    /* a panel with an unnamed indicator fails validation */
    {
        cix_panel *q = NULL;
        ck_assert_cix_ok(cix_panel_create(2, 1, 0, NULL, &q, &e), &e);
        ck_assert_cix_ok(cix_panel_set_row(q, 0, "a", 0, &e), &e);
        ck_assert_cix_ok(cix_panel_set_row(q, 1, "b", 0, &e), &e);
        ck_assert_int_eq(cix_compute(q, &o, &r, &e), CIX_EDATA);
        cix_panel_free(q);
    }
    cix_result_free(NULL);
    ck_assert_ptr_null(cix_result_scores(NULL));
    cix_panel_free(p);
    cix_panel_free(empty);
}
END_TEST

static Suite *methods_suite(void)
{
    Suite *s = suite_create("methods");
    TCase *t = tcase_create("options");
    tcase_add_test(t, options_defaults);
    tcase_add_test(t, options_check_rejects);
    tcase_add_test(t, names_round_trip);
    tcase_add_test(t, direction_parse);
    suite_add_tcase(s, t);
    t = tcase_create("normalize");
    tcase_add_test(t, minmax_range_benefit_and_cost);
    tcase_add_test(t, minmax_skips_missing);
    tcase_add_test(t, minmax_scopes);
    tcase_add_test(t, direction_interval);
    tcase_add_test(t, direction_target);
    tcase_add_test(t, direction_target_year_scope);
    tcase_add_test(t, normalize_degenerate);
    suite_add_tcase(s, t);
    t = tcase_create("weights");
    tcase_add_test(t, entropy_hand);
    tcase_add_test(t, entropy_constant_column_weight_zero);
    tcase_add_test(t, entropy_shift_smooth);
    tcase_add_test(t, entropy_missing_cell_skipped);
    tcase_add_test(t, entropy_errors);
    tcase_add_test(t, equal_and_fixed);
    tcase_add_test(t, entropy_pooled_n_is_all_rows);
    suite_add_tcase(s, t);
    t = tcase_create("rank");
    tcase_add_test(t, rank_ties);
    tcase_add_test(t, rank_nan_last);
    tcase_add_test(t, rank_groups);
    tcase_add_test(t, rank_matches_definition);
    suite_add_tcase(s, t);
    t = tcase_create("compute");
    tcase_add_test(t, compute_ranks_within_years);
    tcase_add_test(t, scope_year_weights);
    tcase_add_test(t, scope_base_weights);
    tcase_add_test(t, compute_arguments);
    suite_add_tcase(s, t);
    t = tcase_create("properties");
    tcase_add_test(t, weights_nonnegative_sum_one);
    tcase_add_test(t, weights_scale_invariant);
    tcase_add_test(t, one_year_panel_is_cross_section);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cix_test_run(methods_suite());
}
