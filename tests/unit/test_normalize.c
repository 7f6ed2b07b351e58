/*
 * Normalizations (METHODS.md §2) and orientation: every method by hand on
 * small columns (arithmetic in the comments), each scope, the degenerate
 * cases, the OECD Table 15 fixture, and the independent reference values of
 * tests/oracle/expected (tai23 and water, every normalization file).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

#define REL 1e-14
#define ORACLE_REL 1e-12
#define ORACLE_ABS 1e-14

/* Builds a panel: rows (region[r], year[r]) (years NULL = cross-section),
 * indicators names[j], values col-major vals[j*nrows + r]. */
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

static const char *const reg4[] = {"a", "b", "c", "d"};
static const char *const nm1[] = {"x"};

/* One indicator "x" over regions a..d. */
static cix_panel *column4(const double x[4])
{
    return make_panel(4, 1, reg4, NULL, nm1, x, NULL);
}

static void norm4(const double x[4], cix_normalization m, cix_direction_kind kind,
                  double y[4])
{
    cix_direction d = {kind, 0, 0};
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;
    cix_options_init(&o);
    o.normalization = m;
    o.directions = &d;
    o.ndirections = 1;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    cix_panel_free(p);
}

static void assert4(const double y[4], const double want[4])
{
    for (int i = 0; i < 4; i++) {
        if (isnan(want[i]))
            ck_assert_msg(isnan(y[i]), "y[%d] = %g, expected missing", i, y[i]);
        else
            ck_assert_rel(y[i], want[i], REL, 1e-15);
    }
}

/* ---- each method by hand -------------------------------------------------- */

/* x = 2, 4, 6, 8: mean 5, deviations -3 -1 1 3, ss = 20.
 * ddof 1: sd = sqrt(20/3); ddof 0: sd = sqrt(5). */
START_TEST(zscore_hand)
{
    const double x[] = {2, 4, 6, 8};
    double y[4], w[4];
    double sd1 = sqrt(20.0 / 3.0), sd0 = sqrt(5.0);
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;

    norm4(x, CIX_NORM_ZSCORE, CIX_DIR_BENEFIT, y);
    for (int i = 0; i < 4; i++)
        w[i] = (x[i] - 5) / sd1;
    assert4(y, w);
    norm4(x, CIX_NORM_ZSCORE, CIX_DIR_COST, y);
    for (int i = 0; i < 4; i++)
        w[i] = -(x[i] - 5) / sd1;
    assert4(y, w);
    cix_options_init(&o);
    o.normalization = CIX_NORM_ZSCORE;
    o.ddof = 0;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    for (int i = 0; i < 4; i++)
        w[i] = (x[i] - 5) / sd0;
    assert4(y, w);
    cix_panel_free(p);
}
END_TEST

/* x = 3, 1, 3, 7: ascending ranks 1 (x=1), 2.5, 2.5 (the two 3s), 4.
 * Cost ranks -x = -3, -1, -3, -7: -7 -> 1, -3 -> 2.5, -1 -> 4.
 * Percentile (rank - 1)/3. */
START_TEST(rank_percentile_hand)
{
    const double x[] = {3, 1, 3, 7};
    const double rb[] = {2.5, 1, 2.5, 4}, rc[] = {2.5, 4, 2.5, 1};
    const double pb[] = {0.5, 0, 0.5, 1}, pc[] = {0.5, 1, 0.5, 0};
    double y[4];
    norm4(x, CIX_NORM_RANK, CIX_DIR_BENEFIT, y);
    assert4(y, rb);
    norm4(x, CIX_NORM_RANK, CIX_DIR_COST, y);
    assert4(y, rc);
    norm4(x, CIX_NORM_PERCENTILE, CIX_DIR_BENEFIT, y);
    assert4(y, pb);
    norm4(x, CIX_NORM_PERCENTILE, CIX_DIR_COST, y);
    assert4(y, pc);
}
END_TEST

/* x = 2, 4, 5, NaN: n = 3 present; ranks 1, 2, 3, NaN; percentile 0, .5, 1. */
START_TEST(rank_skips_missing)
{
    const double x[] = {2, 4, 5, NAN};
    const double r[] = {1, 2, 3, NAN}, q[] = {0, 0.5, 1, NAN};
    double y[4];
    norm4(x, CIX_NORM_RANK, CIX_DIR_BENEFIT, y);
    assert4(y, r);
    norm4(x, CIX_NORM_PERCENTILE, CIX_DIR_BENEFIT, y);
    assert4(y, q);
}
END_TEST

/* x = 2, 4, 5, 9: mean 5, max 9, min 2.
 * ratio-mean x/5 = .4 .8 1 1.8; cost 5/x = 2.5 1.25 1 5/9.
 * ratio-max x/9; cost min/x = 1 .5 .4 2/9.
 * ratio-min x/2 = 1 2 2.5 4.5; cost max/x = 4.5 2.25 1.8 1. */
START_TEST(ratios_hand)
{
    const double x[] = {2, 4, 5, 9};
    const double mb[] = {0.4, 0.8, 1, 1.8}, mc[] = {2.5, 1.25, 1, 5.0 / 9.0};
    const double xb[] = {2.0 / 9.0, 4.0 / 9.0, 5.0 / 9.0, 1}, xc[] = {1, 0.5, 0.4, 2.0 / 9.0};
    const double nb[] = {1, 2, 2.5, 4.5}, nc[] = {4.5, 2.25, 1.8, 1};
    double y[4];
    norm4(x, CIX_NORM_RATIO_MEAN, CIX_DIR_BENEFIT, y);
    assert4(y, mb);
    norm4(x, CIX_NORM_RATIO_MEAN, CIX_DIR_COST, y);
    assert4(y, mc);
    norm4(x, CIX_NORM_RATIO_MAX, CIX_DIR_BENEFIT, y);
    assert4(y, xb);
    norm4(x, CIX_NORM_RATIO_MAX, CIX_DIR_COST, y);
    assert4(y, xc);
    norm4(x, CIX_NORM_RATIO_MIN, CIX_DIR_BENEFIT, y);
    assert4(y, nb);
    norm4(x, CIX_NORM_RATIO_MIN, CIX_DIR_COST, y);
    assert4(y, nc);
}
END_TEST

/* x = 1, 2, 2, 4: sum x^2 = 1 + 4 + 4 + 16 = 25, sqrt 5: y = .2 .4 .4 .8,
 * the same for a cost indicator (vector does not orient). */
START_TEST(vector_hand)
{
    const double x[] = {1, 2, 2, 4}, want[] = {0.2, 0.4, 0.4, 0.8};
    double y[4];
    norm4(x, CIX_NORM_VECTOR, CIX_DIR_BENEFIT, y);
    assert4(y, want);
    norm4(x, CIX_NORM_VECTOR, CIX_DIR_COST, y);
    assert4(y, want);
}
END_TEST

/* target, x = 2, 4, 6, 10 (min 2, max 10):
 * benefit t = 6: (x - 2)/4 = 0, .5, 1, 2 -> capped 0, .5, 1, 1;
 * --no-cap keeps 2; with lo = 0 given: x/6 = 1/3, 2/3, 1, 1 (capped).
 * cost t = 4: (10 - x)/6 = 4/3 -> 1, 1, 2/3, 0. */
START_TEST(target_hand)
{
    const double x[] = {2, 4, 6, 10};
    const double capped[] = {0, 0.5, 1, 1}, uncapped[] = {0, 0.5, 1, 2};
    const double withlo[] = {1.0 / 3.0, 2.0 / 3.0, 1, 1}, cost[] = {1, 1, 2.0 / 3.0, 0};
    cix_panel *p = column4(x);
    cix_indicator_params par;
    cix_direction d = {CIX_DIR_COST, 0, 0};
    cix_options o;
    cix_error e;
    double y[4];

    cix_indicator_params_init(&par);
    cix_options_init(&o);
    o.normalization = CIX_NORM_TARGET;
    /* no target given: an error naming the indicator */
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EINVAL);
    ck_assert_str_eq(e.indicator, "x");
    ck_assert_ptr_nonnull(strstr(e.message, "target"));
    o.params = &par;
    o.nparams = 1;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EINVAL);
    par.target = 6;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, capped);
    o.no_cap = 1;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, uncapped);
    o.no_cap = 0;
    par.lo = 0;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, withlo);
    par.lo = NAN;
    par.target = 4;
    o.directions = &d;
    o.ndirections = 1;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, cost);
    /* a benefit target at the minimum: zero denominator */
    o.directions = NULL;
    o.ndirections = 0;
    par.target = 2;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    /* below the minimum: better values would score lower */
    par.target = 1;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EDATA);
    ck_assert_str_eq(e.indicator, "x");
    /* params count must match the indicators */
    {
        cix_indicator_params two[2];
        cix_indicator_params_init(&two[0]);
        cix_indicator_params_init(&two[1]);
        two[0].target = two[1].target = 6;
        o.params = two;
        o.nparams = 2;
        ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EINVAL);
        ck_assert_ptr_nonnull(strstr(e.message, "one per indicator"));
    }
    cix_panel_free(p);
}
END_TEST

/* goalposts lo = 3, hi = 8 on x = 2, 4, 6, 10:
 * benefit (x - 3)/5 = -.2 .2 .6 1.4 -> 0 .2 .6 1;
 * cost (8 - x)/5 = 1.2 .8 .4 -.4 -> 1 .8 .4 0. */
START_TEST(goalposts_hand)
{
    const double x[] = {2, 4, 6, 10};
    const double ben[] = {0, 0.2, 0.6, 1}, cost[] = {1, 0.8, 0.4, 0};
    cix_panel *p = column4(x);
    cix_indicator_params par;
    cix_direction d = {CIX_DIR_COST, 0, 0};
    cix_options o;
    cix_error e;
    double y[4];

    cix_indicator_params_init(&par);
    cix_options_init(&o);
    o.normalization = CIX_NORM_GOALPOSTS;
    o.params = &par;
    o.nparams = 1;
    par.lo = 3;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EINVAL); /* hi missing */
    ck_assert_str_eq(e.indicator, "x");
    ck_assert_ptr_nonnull(strstr(e.message, "goalposts"));
    par.hi = 8;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, ben);
    o.directions = &d;
    o.ndirections = 1;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, cost);
    cix_panel_free(p);
}
END_TEST

/* efficacy on x = 2, 4, 6, 10:
 * from the data, benefit x_h = 10, x_s = 2: 60 + 40 (x - 2)/8 = 60 70 80 100;
 * cost x_h = 2, x_s = 10: 60 + 40 (10 - x)/8 = 100 90 80 60;
 * given x_h = 12, x_s = 2: 60 + 40 (x - 2)/10 = 60 68 76 92;
 * cost given x_h = 0, x_s = 10: 60 + 40 (10 - x)/10 = 92 84 76 60. */
START_TEST(efficacy_hand)
{
    const double x[] = {2, 4, 6, 10};
    const double ben[] = {60, 70, 80, 100}, cost[] = {100, 90, 80, 60};
    const double given[] = {60, 68, 76, 92}, gcost[] = {92, 84, 76, 60};
    cix_panel *p = column4(x);
    cix_indicator_params par;
    cix_direction d = {CIX_DIR_COST, 0, 0};
    cix_options o;
    cix_error e;
    double y[4];

    norm4(x, CIX_NORM_EFFICACY, CIX_DIR_BENEFIT, y);
    assert4(y, ben);
    norm4(x, CIX_NORM_EFFICACY, CIX_DIR_COST, y);
    assert4(y, cost);
    cix_indicator_params_init(&par);
    cix_options_init(&o);
    o.normalization = CIX_NORM_EFFICACY;
    o.params = &par;
    o.nparams = 1;
    par.satisfactory = 12;
    par.not_allowed = 2;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, given);
    o.directions = &d;
    o.ndirections = 1;
    par.satisfactory = 0;
    par.not_allowed = 10;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, gcost);
    cix_panel_free(p);
}
END_TEST

/* An interval direction is turned into [0,1] before any normalization:
 * x = 2, 5, 7, 10 with [4,6] -> .5, 1, .75, 0 (see test_methods), then
 * ratio-max divides by the max 1: the same values; rank: 2, 4, 3, 1. */
START_TEST(direction_then_method)
{
    const double x[] = {2, 5, 7, 10}, want[] = {0.5, 1, 0.75, 0}, rk[] = {2, 4, 3, 1};
    const cix_direction d[] = {{CIX_DIR_INTERVAL, 4, 6}};
    cix_panel *p = column4(x);
    cix_options o;
    cix_error e;
    double y[4];

    cix_options_init(&o);
    o.directions = d;
    o.ndirections = 1;
    o.normalization = CIX_NORM_RATIO_MAX;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, want);
    o.normalization = CIX_NORM_RANK;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    assert4(y, rk);
    cix_panel_free(p);
}
END_TEST

/* ---- scopes ---------------------------------------------------------------- */

/* Regions A, B, C over 2020 and 2021, rows in the order
 * A2020 B2020 C2020 A2021 B2021 C2021 with x = 1 2 3 | 4 6 8. */
static cix_panel *three_by_two(void)
{
    static const char *const reg[] = {"A", "B", "C", "A", "B", "C"};
    static const int32_t yr[] = {2020, 2020, 2020, 2021, 2021, 2021};
    static const double x[] = {1, 2, 3, 4, 6, 8};
    return make_panel(6, 1, reg, yr, nm1, x, NULL);
}

static void norm6(cix_panel *p, cix_normalization m, cix_scope_kind sc, int32_t base,
                  double y[6])
{
    cix_options o;
    cix_error e;
    cix_options_init(&o);
    o.normalization = m;
    o.scope = sc;
    o.base_year = base;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
}

static void assert6(const double y[6], const double want[6])
{
    for (int i = 0; i < 6; i++)
        ck_assert_rel(y[i], want[i], REL, 1e-15);
}

/* zscore:
 * pooled: mean 4, deviations -3 -2 -1 0 2 4, ss = 9+4+1+0+4+16 = 34,
 *   sd = sqrt(34/5);
 * year: 2020 mean 2 sd 1 -> -1 0 1; 2021 mean 6 sd 2 -> -1 0 1;
 * base:2020 (mean 2, sd 1) -> -1 0 1 2 4 6. */
START_TEST(zscore_scopes)
{
    cix_panel *p = three_by_two();
    double y[6], w[6];
    const double yr[] = {-1, 0, 1, -1, 0, 1}, base[] = {-1, 0, 1, 2, 4, 6};
    const double x[] = {1, 2, 3, 4, 6, 8};
    norm6(p, CIX_NORM_ZSCORE, CIX_SCOPE_POOLED, 0, y);
    for (int i = 0; i < 6; i++)
        w[i] = (x[i] - 4) / sqrt(34.0 / 5.0);
    assert6(y, w);
    norm6(p, CIX_NORM_ZSCORE, CIX_SCOPE_YEAR, 0, y);
    assert6(y, yr);
    norm6(p, CIX_NORM_ZSCORE, CIX_SCOPE_BASE, 2020, y);
    assert6(y, base);
    cix_panel_free(p);
}
END_TEST

/* rank and percentile:
 * pooled: 1..6 in order; year: 1 2 3 1 2 3;
 * base:2021 (values 4 6 8, ranks 1 2 3): 1, 2, 3 are below 4 -> 1;
 *   4 -> 1, 6 -> 2, 8 -> 3;
 * base:2020 (values 1 2 3): 4, 6, 8 above 3 -> 3.
 * Interpolation: base 2021 and x = 5 sits half way between 4 (rank 1) and 6
 * (rank 2): 1.5; percentile (1.5 - 1)/2 = .25. */
START_TEST(rank_scopes)
{
    cix_panel *p = three_by_two();
    double y[6];
    const double pooled[] = {1, 2, 3, 4, 5, 6}, yr[] = {1, 2, 3, 1, 2, 3};
    const double b21[] = {1, 1, 1, 1, 2, 3}, b20[] = {1, 2, 3, 3, 3, 3};
    const double b21i[] = {1, 1, 1.5, 1, 2, 3}, p21i[] = {0, 0, 0.25, 0, 0.5, 1};
    norm6(p, CIX_NORM_RANK, CIX_SCOPE_POOLED, 0, y);
    assert6(y, pooled);
    norm6(p, CIX_NORM_RANK, CIX_SCOPE_YEAR, 0, y);
    assert6(y, yr);
    norm6(p, CIX_NORM_RANK, CIX_SCOPE_BASE, 2021, y);
    assert6(y, b21);
    norm6(p, CIX_NORM_RANK, CIX_SCOPE_BASE, 2020, y);
    assert6(y, b20);
    cix_panel_column(p, 0)[2] = 5; /* C2020 = 5 */
    norm6(p, CIX_NORM_RANK, CIX_SCOPE_BASE, 2021, y);
    assert6(y, b21i);
    norm6(p, CIX_NORM_PERCENTILE, CIX_SCOPE_BASE, 2021, y);
    assert6(y, p21i);
    cix_panel_free(p);
}
END_TEST

/* Mid-ranks interpolate between tied values: base values 1, 3, 3, 5 have
 * ranks 1, 2.5, 2.5, 4; x = 2 lies half way between 1 (rank 1) and 3 (2.5):
 * 1.75; x = 4 half way between 3 (2.5) and 5 (4): 3.25. Rows: four of 2020
 * (the base) and two of 2021 with x = 2 and 4. */
START_TEST(rank_base_ties_interpolated)
{
    static const char *const reg[] = {"a", "b", "c", "d", "a", "b"};
    static const int32_t yr[] = {2020, 2020, 2020, 2020, 2021, 2021};
    static const double x[] = {1, 3, 3, 5, 2, 4};
    const double want[] = {1, 2.5, 2.5, 4, 1.75, 3.25};
    cix_panel *p = make_panel(6, 1, reg, yr, nm1, x, NULL);
    double y[6];
    norm6(p, CIX_NORM_RANK, CIX_SCOPE_BASE, 2020, y);
    assert6(y, want);
    cix_panel_free(p);
}
END_TEST

/* ratio-mean / vector / efficacy per year and from a base year:
 * year: 2020 mean 2 -> .5 1 1.5; 2021 mean 6 -> 2/3 1 4/3;
 * base:2020 mean 2 -> .5 1 1.5 2 3 4;
 * vector year: 2020 sqrt(14), 2021 sqrt(16+36+64) = sqrt(116);
 * efficacy base:2021 (x_s 4, x_h 8): 60 + 10 (x - 4) = 30 40 50 60 80 100. */
START_TEST(other_scopes)
{
    cix_panel *p = three_by_two();
    double y[6], w[6];
    const double rm_year[] = {0.5, 1, 1.5, 4.0 / 6.0, 1, 8.0 / 6.0};
    const double rm_base[] = {0.5, 1, 1.5, 2, 3, 4};
    const double eff[] = {30, 40, 50, 60, 80, 100};
    const double x[] = {1, 2, 3, 4, 6, 8};
    norm6(p, CIX_NORM_RATIO_MEAN, CIX_SCOPE_YEAR, 0, y);
    assert6(y, rm_year);
    norm6(p, CIX_NORM_RATIO_MEAN, CIX_SCOPE_BASE, 2020, y);
    assert6(y, rm_base);
    norm6(p, CIX_NORM_VECTOR, CIX_SCOPE_YEAR, 0, y);
    for (int i = 0; i < 6; i++)
        w[i] = x[i] / sqrt(i < 3 ? 14.0 : 116.0);
    assert6(y, w);
    norm6(p, CIX_NORM_EFFICACY, CIX_SCOPE_BASE, 2021, y);
    assert6(y, eff);
    cix_panel_free(p);
}
END_TEST

/* ---- degenerate data -------------------------------------------------------- */

static cix_status try4(const double x[4], cix_normalization m, cix_direction_kind kind,
                       cix_error *e)
{
    cix_direction d = {kind, 0, 0};
    cix_panel *p = column4(x);
    cix_options o;
    double y[4];
    cix_status st;
    cix_options_init(&o);
    o.normalization = m;
    o.directions = &d;
    o.ndirections = 1;
    st = cix_normalize(p, &o, y, e);
    cix_panel_free(p);
    return st;
}

START_TEST(degenerate_cases)
{
    const double c[] = {3, 3, 3, 3}, z[] = {0, 0, 0, 0}, mean0[] = {-2, -1, 1, 2};
    const double zero[] = {0, 1, 2, 3}, one[] = {NAN, 4, NAN, NAN};
    const double none[] = {NAN, NAN, NAN, NAN};
    cix_error e;

    /* constant: minmax, zscore, efficacy from the data */
    ck_assert_int_eq(try4(c, CIX_NORM_MINMAX, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    ck_assert_ptr_nonnull(strstr(e.message, "--drop-constant"));
    ck_assert_int_eq(try4(c, CIX_NORM_ZSCORE, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    ck_assert_ptr_nonnull(strstr(e.message, "sd = 0"));
    ck_assert_int_eq(try4(c, CIX_NORM_EFFICACY, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    /* a constant column has a rank (every value the mid-rank 2.5): no error */
    ck_assert_int_eq(try4(c, CIX_NORM_RANK, CIX_DIR_BENEFIT, &e), CIX_OK);
    /* zero sum of squares */
    ck_assert_int_eq(try4(z, CIX_NORM_VECTOR, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    ck_assert_str_eq(e.indicator, "x");
    /* mean 0, max 0, min 0 */
    ck_assert_int_eq(try4(mean0, CIX_NORM_RATIO_MEAN, CIX_DIR_BENEFIT, &e),
                     CIX_EDEGENERATE);
    ck_assert_ptr_nonnull(strstr(e.message, "mean"));
    ck_assert_int_eq(try4(z, CIX_NORM_RATIO_MAX, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    ck_assert_int_eq(try4(zero, CIX_NORM_RATIO_MIN, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    /* cost ratios divide by x: the cell is named */
    ck_assert_int_eq(try4(zero, CIX_NORM_RATIO_MAX, CIX_DIR_COST, &e), CIX_EDATA);
    ck_assert_str_eq(e.indicator, "x");
    ck_assert_str_eq(e.region, "a");
    ck_assert_int_eq(try4(zero, CIX_NORM_RATIO_MEAN, CIX_DIR_COST, &e), CIX_EDATA);
    ck_assert_str_eq(e.region, "a");
    ck_assert_int_eq(try4(zero, CIX_NORM_RATIO_MIN, CIX_DIR_COST, &e), CIX_EDATA);
    /* one present value: zscore with n - 1, percentile */
    ck_assert_int_eq(try4(one, CIX_NORM_ZSCORE, CIX_DIR_BENEFIT, &e), CIX_EDEGENERATE);
    ck_assert_ptr_nonnull(strstr(e.message, "--ddof 0"));
    ck_assert_int_eq(try4(one, CIX_NORM_PERCENTILE, CIX_DIR_BENEFIT, &e),
                     CIX_EDEGENERATE);
    /* no value at all */
    ck_assert_int_eq(try4(none, CIX_NORM_ZSCORE, CIX_DIR_BENEFIT, &e), CIX_EDATA);
    ck_assert_str_eq(e.indicator, "x");
    /* none never fails on data */
    ck_assert_int_eq(try4(none, CIX_NORM_NONE, CIX_DIR_BENEFIT, &e), CIX_OK);
}
END_TEST

/* Scope year: the year where the statistic degenerates is named. */
START_TEST(degenerate_names_year)
{
    cix_panel *p = three_by_two();
    cix_options o;
    cix_error e;
    double y[6];
    double *x = cix_panel_column(p, 0);
    x[3] = x[4] = x[5] = 5; /* 2021 constant */
    cix_options_init(&o);
    o.normalization = CIX_NORM_ZSCORE;
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_int_eq(cix_normalize(p, &o, y, &e), CIX_EDEGENERATE);
    ck_assert_int_eq(e.year, 2021);
    ck_assert_ptr_nonnull(strstr(e.message, "2021"));
    o.scope = CIX_SCOPE_POOLED;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
    cix_panel_free(p);
}
END_TEST

/* ---- orientation for PCA / audit ------------------------------------------- */

/* Three indicators over a..d: + copied, - negated, [4,6] on 2 5 7 10 ->
 * .5 1 .75 0. */
START_TEST(orient_hand)
{
    const double v[] = {1, 2, 3, 4, 1, 2, 3, 4, 2, 5, 7, 10};
    const double want[] = {1, 2, 3, 4, -1, -2, -3, -4, 0.5, 1, 0.75, 0};
    static const char *const nm[] = {"b", "c", "i"};
    const cix_direction d[] = {{CIX_DIR_BENEFIT, 0, 0}, {CIX_DIR_COST, 0, 0},
                               {CIX_DIR_INTERVAL, 4, 6}};
    cix_panel *p = make_panel(4, 3, reg4, NULL, nm, v, NULL);
    cix_options o;
    cix_i_scope s;
    cix_error e;
    double xo[12];

    cix_options_init(&o);
    o.directions = d;
    o.ndirections = 3;
    ck_assert_cix_ok(cix_i_scope_build(p, &o, &s, &e), &e);
    ck_assert_cix_ok(cix_i_orient(p, &o, &s, xo, &e), &e);
    for (int i = 0; i < 12; i++)
        ck_assert_rel(xo[i], want[i], REL, 0);
    cix_i_scope_free(p, &s);
    cix_panel_free(p);
}
END_TEST

/* ---- published and reference values ---------------------------------------- */

static cix_panel *read_csv(const char *path)
{
    cix_read_options ro;
    cix_panel *p = NULL;
    cix_error e;
    cix_read_options_init(&ro);
    ck_assert_cix_ok(cix_panel_read_file(path, &ro, &p, &e), &e);
    return p;
}

/* OECD/JRC Handbook Table 15, SCHOOLING (published to two decimals). */
START_TEST(table15)
{
    static const struct {
        const char *q;
        cix_normalization m;
    } map[] = {{"zscore", CIX_NORM_ZSCORE},         {"minmax", CIX_NORM_MINMAX},
               {"ratio-mean", CIX_NORM_RATIO_MEAN}, {"ratio-max", CIX_NORM_RATIO_MAX},
               {"ratio-min", CIX_NORM_RATIO_MIN}};
    cix_expected rows[32];
    int n = cix_test_read_expected(cix_test_fixture("tai23.table15.expected.csv"), rows, 32);
    cix_panel *p = read_csv(cix_test_fixture("tai23.csv"));
    size_t nr = cix_panel_nrows(p), nj = cix_panel_nindicators(p);
    size_t js = cix_panel_find_indicator(p, "SCHOOLING");
    double *y = malloc(nr * nj * sizeof *y);
    int checked = 0;

    ck_assert_int_eq(n, 8);
    ck_assert(js != (size_t)-1);
    for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
        cix_options o;
        cix_error e;
        cix_options_init(&o);
        o.normalization = map[k].m;
        ck_assert_cix_ok(cix_normalize(p, &o, y, &e), &e);
        for (int i = 0; i < n; i++) {
            if (strcmp(rows[i].quantity, map[k].q) != 0)
                continue;
            for (size_t r = 0; r < nr; r++)
                if (strcmp(cix_panel_row_region(p, r), rows[i].key) == 0) {
                    ck_assert_rel(y[js * nr + r], rows[i].value, 0, rows[i].abs_tol);
                    checked++;
                }
        }
    }
    ck_assert_int_eq(checked, 8);
    free(y);
    cix_panel_free(p);
}
END_TEST

static void oracle_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/tests/oracle/%s", CIX_SOURCE_DIR, rel);
}

/* Compares one expected/<set>.<method>.csv (y,REGION:IND rows) with the
 * engine; returns the number of values compared. */
static int compare_oracle(const cix_panel *p, const cix_options *o, const char *file)
{
    char path[1024];
    size_t nr = cix_panel_nrows(p), nj = cix_panel_nindicators(p);
    cix_expected *rows = malloc(4096 * sizeof *rows);
    double *y = malloc(nr * nj * sizeof *y);
    cix_error e;
    int n, got = 0;

    oracle_path(path, sizeof path, file);
    n = cix_test_read_expected(path, rows, 4096);
    ck_assert_msg(n > 0, "cannot read %s", path);
    ck_assert_cix_ok(cix_normalize(p, o, y, &e), &e);
    for (int i = 0; i < n; i++) {
        char *colon = strrchr(rows[i].key, ':');
        size_t j, r;
        if (strcmp(rows[i].quantity, "y") != 0)
            continue;
        ck_assert_ptr_nonnull(colon);
        *colon = '\0';
        j = cix_panel_find_indicator(p, colon + 1);
        ck_assert_msg(j != (size_t)-1, "%s: no indicator %s", file, colon + 1);
        for (r = 0; r < nr; r++)
            if (strcmp(cix_panel_row_region(p, r), rows[i].key) == 0)
                break;
        ck_assert_msg(r < nr, "%s: no region %s", file, rows[i].key);
        ck_assert_msg(fabs(y[j * nr + r] - rows[i].value) <=
                          ORACLE_REL * fabs(rows[i].value) + ORACLE_ABS,
                      "%s %s:%s = %.17g, oracle %.17g", file, rows[i].key, colon + 1,
                      y[j * nr + r], rows[i].value);
        got++;
    }
    free(rows);
    free(y);
    return got;
}

static const struct {
    const char *name;
    cix_normalization m;
    int ddof;
} oracle_methods[] = {
    {"minmax", CIX_NORM_MINMAX, 1},         {"zscore", CIX_NORM_ZSCORE, 1},
    {"zscore-ddof0", CIX_NORM_ZSCORE, 0},   {"rank", CIX_NORM_RANK, 1},
    {"percentile", CIX_NORM_PERCENTILE, 1}, {"ratio-mean", CIX_NORM_RATIO_MEAN, 1},
    {"ratio-max", CIX_NORM_RATIO_MAX, 1},   {"ratio-min", CIX_NORM_RATIO_MIN, 1},
    {"vector", CIX_NORM_VECTOR, 1},
};
#define N_ORACLE_METHODS (sizeof oracle_methods / sizeof oracle_methods[0])

/* tai23: 23 countries x 8 indicators, all +: every value of every file. */
START_TEST(oracle_tai23)
{
    cix_panel *p = read_csv(cix_test_fixture("tai23.csv"));
    char file[128];
    for (size_t k = 0; k < N_ORACLE_METHODS; k++) {
        cix_options o;
        cix_options_init(&o);
        o.normalization = oracle_methods[k].m;
        o.ddof = oracle_methods[k].ddof;
        snprintf(file, sizeof file, "expected/tai23.%s.csv", oracle_methods[k].name);
        ck_assert_int_eq(compare_oracle(p, &o, file), 23 * 8);
    }
    cix_panel_free(p);
}
END_TEST

/* water: 20 rivers x 4 indicators, O2 +, PH =7, germ -, nutrient [10,20]
 * (tests/oracle/data/water.directions.csv); no ratio-min file (a transformed
 * column has a 0). */
START_TEST(oracle_water)
{
    char path[1024], file[128];
    cix_direction d[4];
    cix_panel *p;

    oracle_path(path, sizeof path, "data/water.csv");
    p = read_csv(path);
    ck_assert_int_eq(cix_panel_nindicators(p), 4);
    ck_assert_int_eq(cix_direction_parse("+", &d[0]), 0);
    ck_assert_int_eq(cix_direction_parse("=7", &d[1]), 0);
    ck_assert_int_eq(cix_direction_parse("-", &d[2]), 0);
    ck_assert_int_eq(cix_direction_parse("[10,20]", &d[3]), 0);
    for (size_t k = 0; k < N_ORACLE_METHODS; k++) {
        cix_options o;
        if (oracle_methods[k].m == CIX_NORM_RATIO_MIN)
            continue;
        cix_options_init(&o);
        o.normalization = oracle_methods[k].m;
        o.ddof = oracle_methods[k].ddof;
        o.directions = d;
        o.ndirections = 4;
        snprintf(file, sizeof file, "expected/water.%s.csv", oracle_methods[k].name);
        ck_assert_int_eq(compare_oracle(p, &o, file), 20 * 4);
    }
    cix_panel_free(p);
}
END_TEST

/* ---- allocation failures --------------------------------------------------- */

START_TEST(normalize_oom)
{
    static const char *const reg[] = {"A", "B", "C", "A", "B", "C"};
    static const int32_t yr[] = {2020, 2020, 2020, 2021, 2021, 2021};
    static const double x[] = {1, 2, 3, 4, 6, 8};
    cix_test_hook h = {0, 0, 0};
    cix_allocator a = cix_test_hook_allocator(&h);
    cix_panel *p = make_panel(6, 1, reg, yr, nm1, x, &a);
    long live0 = h.live;
    int ok = 0;
    for (int m = 0; m <= (int)CIX_NORM_EFFICACY; m++) {
        if (m == CIX_NORM_TARGET || m == CIX_NORM_GOALPOSTS)
            continue;
        for (long n = 1; n < 50 && !ok; n++) {
            cix_options o;
            cix_error e;
            double y[6];
            cix_status st;
            cix_options_init(&o);
            o.normalization = (cix_normalization)m;
            o.scope = CIX_SCOPE_YEAR;
            h.fail_at = n;
            h.count = 0;
            st = cix_normalize(p, &o, y, &e);
            h.fail_at = 0;
            ck_assert_int_eq(h.live, live0);
            if (st == CIX_OK)
                ok = 1;
            else
                ck_assert_int_eq(st, CIX_ENOMEM);
        }
        ck_assert(ok);
        ok = 0;
    }
    cix_panel_free(p);
    ck_assert_int_eq(h.live, 0);
}
END_TEST

static Suite *normalize_suite(void)
{
    Suite *s = suite_create("normalize");
    TCase *t = tcase_create("methods");
    tcase_add_test(t, zscore_hand);
    tcase_add_test(t, rank_percentile_hand);
    tcase_add_test(t, rank_skips_missing);
    tcase_add_test(t, ratios_hand);
    tcase_add_test(t, vector_hand);
    tcase_add_test(t, target_hand);
    tcase_add_test(t, goalposts_hand);
    tcase_add_test(t, efficacy_hand);
    tcase_add_test(t, direction_then_method);
    suite_add_tcase(s, t);
    t = tcase_create("scopes");
    tcase_add_test(t, zscore_scopes);
    tcase_add_test(t, rank_scopes);
    tcase_add_test(t, rank_base_ties_interpolated);
    tcase_add_test(t, other_scopes);
    suite_add_tcase(s, t);
    t = tcase_create("degenerate");
    tcase_add_test(t, degenerate_cases);
    tcase_add_test(t, degenerate_names_year);
    tcase_add_test(t, orient_hand);
    suite_add_tcase(s, t);
    t = tcase_create("reference");
    tcase_add_test(t, table15);
    tcase_add_test(t, oracle_tai23);
    tcase_add_test(t, oracle_water);
    tcase_add_test(t, normalize_oom);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cix_test_run(normalize_suite());
}
