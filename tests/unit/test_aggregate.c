/* Aggregation methods (geometric, harmonic, power, TOPSIS) and rank change:
 * hand-computed cases, error cases, the TOPSIS fixtures, and the oracle's
 * reference scores (tests/oracle/expected) on four data sets. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

#define ORACLE_DIR CIX_SOURCE_DIR "/tests/oracle"

/* A panel of nrows x nind with regions R1.., indicators c1.., cross-section
 * (or years when years != NULL), values row-major in v. */
static cix_panel *make_panel(size_t nrows, size_t nind, const int32_t *years,
                             const char *const *regions, const double *v)
{
    cix_panel *p = NULL;
    cix_error err;
    ck_assert_cix_ok(cix_panel_create(nrows, nind, years != NULL, NULL, &p, &err), &err);
    for (size_t r = 0; r < nrows; r++) {
        char name[32];
        snprintf(name, sizeof name, "R%zu", r + 1);
        ck_assert_cix_ok(cix_panel_set_row(p, r, regions ? regions[r] : name,
                                           years ? years[r] : 0, &err),
                         &err);
        for (size_t j = 0; j < nind; j++)
            cix_panel_column(p, j)[r] = v[r * nind + j];
    }
    for (size_t j = 0; j < nind; j++) {
        char name[32];
        snprintf(name, sizeof name, "c%zu", j + 1);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &err), &err);
    }
    return p;
}

/* Scores of y (column-major, taken from the panel's values) with weights w
 * (one row) and method a. */
static cix_status agg(const cix_panel *p, cix_options *o, const double *w, double *s,
                      cix_error *err)
{
    cix_i_scope sc;
    cix_status st;
    const double *y = cix_panel_column_const(p, 0);
    ck_assert_cix_ok(cix_i_scope_build(p, o, &sc, err), err);
    st = cix_i_aggregate(p, o, y, w, NULL, &sc, s, err);
    cix_i_scope_free(p, &sc);
    return st;
}

START_TEST(test_means_by_hand)
{
    static const double v[] = {1, 4, 2, 8};
    static const double w[] = {0.5, 0.5};
    cix_panel *p = make_panel(2, 2, NULL, NULL, v);
    cix_options o;
    cix_error err;
    double s[2];

    cix_options_init(&o);
    o.aggregation = CIX_AGG_LINEAR;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 2.5, 1e-15, 0);
    ck_assert_rel(s[1], 5.0, 1e-15, 0);
    o.aggregation = CIX_AGG_GEOMETRIC;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 2.0, 1e-15, 0);
    ck_assert_rel(s[1], 4.0, 1e-15, 0);
    o.aggregation = CIX_AGG_HARMONIC;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 1.6, 1e-15, 0);
    ck_assert_rel(s[1], 3.2, 1e-15, 0);
    o.aggregation = CIX_AGG_POWER;
    o.power = 2;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], sqrt(8.5), 1e-15, 0);
    ck_assert_rel(s[1], sqrt(34.0), 1e-15, 0);
    o.power = 0.5;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 2.25, 1e-15, 0);
    ck_assert_rel(s[1], 4.5, 1e-15, 0);
    o.power = -1; /* = harmonic */
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 1.6, 1e-15, 0);
    ck_assert_rel(s[1], 3.2, 1e-15, 0);
    o.power = 1; /* = linear */
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 2.5, 1e-15, 0);
    ck_assert_rel(s[1], 5.0, 1e-15, 0);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_domain_errors)
{
    static const double v[] = {1, 4, 0, 8, -1, 2};
    static const double w[] = {0.5, 0.5};
    static const char *const regions[] = {"Hebei", "Shanxi", "Jilin"};
    cix_panel *p = make_panel(3, 2, NULL, regions, v);
    cix_options o;
    cix_error err;
    double s[3];

    cix_options_init(&o);
    o.aggregation = CIX_AGG_GEOMETRIC;
    ck_assert_int_eq(agg(p, &o, w, s, &err), CIX_EDATA);
    ck_assert_str_eq(err.indicator, "c1");
    ck_assert_str_eq(err.region, "Shanxi");
    ck_assert_ptr_nonnull(strstr(err.message, "normalized value 0,"));
    ck_assert_ptr_nonnull(strstr(err.message, "geometric"));
    ck_assert_ptr_nonnull(strstr(err.message, "(2 cell(s) are not)"));
    ck_assert_ptr_nonnull(strstr(err.message, "--range 1,100"));
    o.aggregation = CIX_AGG_HARMONIC;
    ck_assert_int_eq(agg(p, &o, w, s, &err), CIX_EDATA);
    ck_assert_str_eq(err.region, "Shanxi");
    o.aggregation = CIX_AGG_POWER;
    o.power = -2;
    ck_assert_int_eq(agg(p, &o, w, s, &err), CIX_EDATA);
    ck_assert_ptr_nonnull(strstr(err.message, "p = -2"));
    o.power = 2; /* zero allowed, the negative is not */
    ck_assert_int_eq(agg(p, &o, w, s, &err), CIX_EDATA);
    ck_assert_str_eq(err.region, "Jilin");
    ck_assert_ptr_nonnull(strstr(err.message, "(1 cell(s) are not)"));
    ck_assert_ptr_nonnull(strstr(err.message, ">= 0"));
    o.power = 0;
    ck_assert_int_eq(agg(p, &o, w, s, &err), CIX_EINVAL);
    /* linear takes anything */
    o.aggregation = CIX_AGG_LINEAR;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[2], 0.5, 1e-15, 0);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_missing_and_zero_weight)
{
    static const double v[] = {1, NAN, 2, NAN};
    static const double w[] = {1, 0};
    static const double w2[] = {0.5, 0.5};
    cix_panel *p = make_panel(2, 2, NULL, NULL, v);
    cix_options o;
    cix_error err;
    double s[2];
    cix_aggregation all[] = {CIX_AGG_LINEAR, CIX_AGG_GEOMETRIC, CIX_AGG_HARMONIC,
                             CIX_AGG_POWER, CIX_AGG_TOPSIS};

    cix_options_init(&o);
    o.power = 3;
    for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
        o.aggregation = all[k];
        /* weight 0: the missing column does not enter */
        ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
        if (all[k] == CIX_AGG_TOPSIS) {
            ck_assert_rel(s[0], 0.0, 0, 0);
            ck_assert_rel(s[1], 1.0, 0, 0);
        } else {
            ck_assert_rel(s[0], 1.0, 1e-15, 0);
            ck_assert_rel(s[1], 2.0, 1e-15, 0);
        }
        /* weighted: an error naming the cell */
        ck_assert_int_eq(agg(p, &o, w2, s, &err), CIX_EDATA);
        ck_assert_str_eq(err.indicator, "c2");
        ck_assert_str_eq(err.region, "R1");
        ck_assert_ptr_nonnull(strstr(err.message, "missing"));
    }
    cix_panel_free(p);
}
END_TEST

START_TEST(test_topsis_degenerate)
{
    static const double v[] = {3, 1, 3, 2};
    static const double w[] = {1, 0};
    static const char *const regions[] = {"Hubei", "Hunan"};
    cix_panel *p = make_panel(2, 2, NULL, regions, v);
    cix_options o;
    cix_error err;
    double s[2];
    cix_options_init(&o);
    o.aggregation = CIX_AGG_TOPSIS;
    ck_assert_int_eq(agg(p, &o, w, s, &err), CIX_EDEGENERATE);
    ck_assert_str_eq(err.region, "Hubei");
    ck_assert_ptr_nonnull(strstr(err.message, "D+ = D- = 0"));
    cix_panel_free(p);
}
END_TEST

/* TOPSIS ideal points per scope group: with scope year each year has its
 * own best and worst; with pooled they span both years. */
START_TEST(test_topsis_scope)
{
    static const double v[] = {1, 3, 2, 6};
    static const int32_t years[] = {2020, 2020, 2021, 2021};
    static const char *const regions[] = {"A", "B", "A", "B"};
    static const double w[] = {1};
    cix_panel *p = make_panel(4, 1, years, regions, v);
    cix_options o;
    cix_error err;
    double s[4];
    cix_options_init(&o);
    o.aggregation = CIX_AGG_TOPSIS;
    o.scope = CIX_SCOPE_YEAR;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 0.0, 0, 0);
    ck_assert_rel(s[1], 1.0, 0, 0);
    ck_assert_rel(s[2], 0.0, 0, 0);
    ck_assert_rel(s[3], 1.0, 0, 0);
    o.scope = CIX_SCOPE_POOLED; /* best 6, worst 1 */
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 0.0, 0, 0);
    ck_assert_rel(s[1], 0.4, 1e-15, 0);
    ck_assert_rel(s[2], 0.2, 1e-15, 0);
    ck_assert_rel(s[3], 1.0, 0, 0);
    o.scope = CIX_SCOPE_BASE; /* the 2020 ideals 3 and 1 for both years */
    o.base_year = 2020;
    ck_assert_cix_ok(agg(p, &o, w, s, &err), &err);
    ck_assert_rel(s[0], 0.0, 0, 0);
    ck_assert_rel(s[1], 1.0, 0, 0);
    ck_assert_rel(s[2], 0.5, 1e-15, 0);   /* D+ = 1, D- = 1 */
    ck_assert_rel(s[3], 0.625, 1e-15, 0); /* D+ = 3, D- = 5 */
    cix_panel_free(p);
}
END_TEST

START_TEST(test_rank_change)
{
    /* A in 2018, 2019, 2021; B in 2019, 2021; C in 2018, 2021 */
    static const double v[] = {0, 0, 0, 0, 0, 0, 0};
    static const int32_t years[] = {2018, 2019, 2021, 2019, 2021, 2018, 2021};
    static const char *const regions[] = {"A", "A", "A", "B", "B", "C", "C"};
    static const double ranks[] = {2, 1, 3, 2, 1, 1, NAN};
    cix_panel *p = make_panel(7, 1, years, regions, v);
    cix_panel *q = make_panel(2, 1, NULL, NULL, v);
    cix_error err;
    double out[7];
    ck_assert_cix_ok(cix_i_rank_change(p, ranks, out, &err), &err);
    ck_assert(isnan(out[0]));        /* first year */
    ck_assert_rel(out[1], 1.0, 0, 0); /* 2 -> 1: up one */
    ck_assert_rel(out[2], -2.0, 0, 0); /* 1 -> 3 (2019 is the year before 2021) */
    ck_assert(isnan(out[3]));        /* B absent in 2018 */
    ck_assert_rel(out[4], 1.0, 0, 0);
    ck_assert(isnan(out[5]));
    ck_assert(isnan(out[6]));        /* C absent in 2019, and its rank missing */
    ck_assert_cix_ok(cix_i_rank_change(q, ranks, out, &err), &err);
    ck_assert(isnan(out[0]) && isnan(out[1]));
    cix_panel_free(p);
    cix_panel_free(q);
}
END_TEST

/* ---- data sets ------------------------------------------------------------ */

static cix_panel *load(const char *path)
{
    cix_panel *p = NULL;
    cix_error err;
    cix_read_options ro;
    cix_read_options_init(&ro);
    ck_assert_cix_ok(cix_panel_read_file(path, &ro, &p, &err), &err);
    return p;
}

/* Directions from an oracle directions file (indicator,direction). */
static cix_direction *load_directions(const char *path, const cix_panel *p)
{
    size_t J = cix_panel_nindicators(p), len;
    char *text = cix_test_slurp(path, &len), *line, *save = NULL;
    cix_direction *d = malloc(J * sizeof *d);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(d);
    for (size_t j = 0; j < J; j++)
        d[j].kind = CIX_DIR_BENEFIT, d[j].a = d[j].b = 0;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *comma = strchr(line, ','), *spec;
        size_t j, n;
        if (!comma || strncmp(line, "indicator,", 10) == 0)
            continue;
        *comma = '\0';
        spec = comma + 1;
        n = strlen(spec);
        if (n && spec[n - 1] == '\r')
            spec[--n] = '\0';
        if (spec[0] == '"') {
            spec++;
            spec[strlen(spec) - 1] = '\0';
        }
        j = cix_panel_find_indicator(p, line);
        ck_assert_msg(j != (size_t)-1, "unknown indicator %s in %s", line, path);
        ck_assert_int_eq(cix_direction_parse(spec, &d[j]), 0);
    }
    free(text);
    return d;
}

/* Fills missing cells with the mean of the column's present cells. */
static void impute_mean(cix_panel *p)
{
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p), cnt;
    for (size_t j = 0; j < J; j++) {
        double *c = cix_panel_column(p, j);
        double m = cix_i_sum(c, n, &cnt) / (double)cnt;
        for (size_t r = 0; r < n; r++)
            if (isnan(c[r]))
                c[r] = m;
    }
}

static void row_key(const cix_panel *p, size_t r, char *buf, size_t size)
{
    if (cix_panel_has_year(p))
        snprintf(buf, size, "%s:%ld", cix_panel_row_region(p, r),
                 (long)cix_panel_row_year(p, r));
    else
        snprintf(buf, size, "%s", cix_panel_row_region(p, r));
}

typedef struct dataset {
    const char *name, *path;
    int impute;
} dataset;

static const dataset datasets[] = {
    {"tai23", CIX_FIXTURE_DIR "/tai23.csv", 0},
    {"water", ORACLE_DIR "/data/water.csv", 0},
    {"mfg8", ORACLE_DIR "/data/mfg8.csv", 1},
    {"complete30", ORACLE_DIR "/data/complete30.csv", 0},
};

typedef struct method_case {
    const char *file; /* expected file suffix */
    cix_aggregation agg;
    double power;
    cix_normalization norm;
    double lo, hi;
} method_case;

static const method_case methods[] = {
    {"linear", CIX_AGG_LINEAR, 1, CIX_NORM_MINMAX, 1, 100},
    {"geometric", CIX_AGG_GEOMETRIC, 1, CIX_NORM_MINMAX, 1, 100},
    {"harmonic", CIX_AGG_HARMONIC, 1, CIX_NORM_MINMAX, 1, 100},
    {"power-2", CIX_AGG_POWER, 2, CIX_NORM_MINMAX, 1, 100},
    {"power-0.5", CIX_AGG_POWER, 0.5, CIX_NORM_MINMAX, 1, 100},
    {"topsis-minmax", CIX_AGG_TOPSIS, 1, CIX_NORM_MINMAX, 0, 1},
    {"topsis-vector", CIX_AGG_TOPSIS, 1, CIX_NORM_VECTOR, 0, 1},
};

#define MAX_EXPECTED 4000

/* The oracle's scores of one data set and method, through cix_normalize
 * (vector: x/sqrt(sum x^2) of the un-oriented -n none values, written out
 * here so this test depends only on the aggregation) and cix_i_aggregate. */
static void check_oracle(const dataset *ds, const method_case *mc)
{
    char path[512], key[256], dpath[512];
    cix_panel *p = load(ds->path);
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p), nexp = 0, nscore = 0;
    cix_direction *dir;
    cix_options o;
    cix_error err;
    cix_i_scope sc;
    double *y = malloc(n * J * sizeof *y), *w = malloc(J * sizeof *w), *s = malloc(n * sizeof *s);
    cix_expected *ex = malloc(MAX_EXPECTED * sizeof *ex);
    int nex;

    ck_assert(y && w && s && ex);
    snprintf(dpath, sizeof dpath, ORACLE_DIR "/data/%s.directions.csv", ds->name);
    dir = load_directions(dpath, p);
    if (ds->impute)
        impute_mean(p);
    cix_options_init(&o);
    o.directions = dir;
    o.ndirections = J;
    o.aggregation = mc->agg;
    o.power = mc->power;
    o.range_lo = mc->lo;
    o.range_hi = mc->hi;
    if (mc->norm == CIX_NORM_VECTOR) {
        o.normalization = CIX_NORM_NONE;
        ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
        for (size_t j = 0; j < J; j++) {
            double ss = 0;
            for (size_t r = 0; r < n; r++)
                ss += y[j * n + r] * y[j * n + r];
            for (size_t r = 0; r < n; r++)
                y[j * n + r] /= sqrt(ss);
        }
        o.normalization = CIX_NORM_VECTOR;
    } else {
        o.normalization = mc->norm;
        ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
    }
    for (size_t j = 0; j < J; j++)
        w[j] = 1.0 / (double)J;
    ck_assert_cix_ok(cix_i_scope_build(p, &o, &sc, &err), &err);
    ck_assert_cix_ok(cix_i_aggregate(p, &o, y, w, NULL, &sc, s, &err), &err);
    cix_i_scope_free(p, &sc);

    snprintf(path, sizeof path, ORACLE_DIR "/expected/%s.%s.csv", ds->name, mc->file);
    nex = cix_test_read_expected(path, ex, MAX_EXPECTED);
    ck_assert_msg(nex > 0, "cannot read %s", path);
    for (int e = 0; e < nex; e++) {
        size_t r;
        if (strcmp(ex[e].quantity, "score") != 0)
            continue;
        nexp++;
        for (r = 0; r < n; r++) {
            row_key(p, r, key, sizeof key);
            if (strcmp(key, ex[e].key) == 0)
                break;
        }
        ck_assert_msg(r < n, "%s: no row %s", path, ex[e].key);
        ck_assert_msg(fabs(s[r] - ex[e].value) <= 1e-12 * fabs(ex[e].value) + 1e-14,
                      "%s: score %s = %.17g, expected %.17g", path, ex[e].key, s[r],
                      ex[e].value);
        nscore++;
    }
    ck_assert_uint_eq(nexp, n);
    ck_assert_uint_eq(nscore, n);
    free(dir);
    free(y);
    free(w);
    free(s);
    free(ex);
    cix_panel_free(p);
}

START_TEST(test_oracle)
{
    const dataset *ds = &datasets[_i / (int)(sizeof methods / sizeof methods[0])];
    const method_case *mc = &methods[_i % (int)(sizeof methods / sizeof methods[0])];
    check_oracle(ds, mc);
}
END_TEST

/* The TOPSIS fixtures (METHODS.md §5) through cix_normalize + aggregation,
 * with fixed weights and directions, within the published tolerance. */
static void check_topsis_fixture(const char *name, cix_normalization norm, const double *wv,
                                 const char *d1, const char *d2)
{
    char path[512];
    cix_panel *p;
    cix_direction dir[2];
    cix_options o;
    cix_error err;
    cix_i_scope sc;
    cix_expected ex[16];
    double y[6], s[3];
    int nex;

    snprintf(path, sizeof path, "%s.csv", name);
    p = load(cix_test_fixture(path));
    ck_assert_uint_eq(cix_panel_nrows(p), 3);
    ck_assert_int_eq(cix_direction_parse(d1, &dir[0]), 0);
    ck_assert_int_eq(cix_direction_parse(d2, &dir[1]), 0);
    cix_options_init(&o);
    o.directions = dir;
    o.ndirections = 2;
    o.aggregation = CIX_AGG_TOPSIS;
    o.normalization = norm == CIX_NORM_VECTOR ? CIX_NORM_NONE : norm;
    ck_assert_cix_ok(cix_normalize(p, &o, y, &err), &err);
    if (norm == CIX_NORM_VECTOR) {
        for (size_t j = 0; j < 2; j++) {
            double ss = 0;
            for (size_t r = 0; r < 3; r++)
                ss += y[j * 3 + r] * y[j * 3 + r];
            for (size_t r = 0; r < 3; r++)
                y[j * 3 + r] /= sqrt(ss);
        }
    }
    o.normalization = norm;
    ck_assert_cix_ok(cix_i_scope_build(p, &o, &sc, &err), &err);
    ck_assert_cix_ok(cix_i_aggregate(p, &o, y, wv, NULL, &sc, s, &err), &err);
    cix_i_scope_free(p, &sc);
    snprintf(path, sizeof path, "%s.expected.csv", name);
    nex = cix_test_read_expected(cix_test_fixture(path), ex, 16);
    ck_assert_int_eq(nex, 3);
    for (int e = 0; e < nex; e++) {
        size_t r = (size_t)(ex[e].key[1] - '1');
        ck_assert_str_eq(ex[e].quantity, "score");
        ck_assert_str_eq(cix_panel_row_region(p, r), ex[e].key);
        ck_assert_rel(s[r], ex[e].value, 0, ex[e].abs_tol);
    }
    cix_panel_free(p);
}

START_TEST(test_topsis_fixtures)
{
    static const double wv[] = {0.6, 0.4}, wm[] = {0.5, 0.5};
    check_topsis_fixture("topsis_vector", CIX_NORM_VECTOR, wv, "+", "-");
    check_topsis_fixture("topsis_minmax", CIX_NORM_MINMAX, wm, "-", "+");
}
END_TEST

/* Allocation failures: every one is CIX_ENOMEM, nothing leaks. */
typedef struct fail_ud {
    int countdown;
} fail_ud;
static void *f_malloc(void *ud, size_t n)
{
    fail_ud *f = ud;
    if (f->countdown-- == 0)
        return NULL;
    return malloc(n);
}
static void *f_realloc(void *ud, void *q, size_t n)
{
    fail_ud *f = ud;
    if (f->countdown-- == 0)
        return NULL;
    return realloc(q, n);
}
static void f_free(void *ud, void *q)
{
    (void)ud;
    free(q);
}

START_TEST(test_nomem)
{
    static const double v[] = {1, 4, 2, 8, 3, 5};
    static const double w[] = {0.5, 0.5};
    static const int32_t years[] = {2019, 2020, 2020};
    static const char *const regions[] = {"A", "A", "B"};
    static const double ranks[] = {1, 2, 1};
    fail_ud ud;
    cix_allocator al = {f_malloc, f_realloc, f_free, &ud};
    cix_aggregation all[] = {CIX_AGG_GEOMETRIC, CIX_AGG_HARMONIC, CIX_AGG_POWER,
                             CIX_AGG_TOPSIS};
    for (size_t k = 0; k < 5; k++) {
        for (int fail = 0; fail < 8; fail++) {
            cix_panel *p = NULL;
            cix_error err;
            cix_options o;
            cix_i_scope sc;
            cix_status st;
            double s[3];
            ud.countdown = -1;
            ck_assert_cix_ok(cix_panel_create(3, 2, 1, &al, &p, &err), &err);
            for (size_t r = 0; r < 3; r++) {
                ck_assert_cix_ok(cix_panel_set_row(p, r, regions[r], years[r], &err), &err);
                for (size_t j = 0; j < 2; j++)
                    cix_panel_column(p, j)[r] = v[r * 2 + j];
            }
            ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "a", &err), &err);
            ck_assert_cix_ok(cix_panel_set_indicator(p, 1, "b", &err), &err);
            cix_options_init(&o);
            ck_assert_cix_ok(cix_i_scope_build(p, &o, &sc, &err), &err);
            cix_i_panel_year_index(p);
            cix_i_panel_region_index(p);
            ud.countdown = fail;
            if (k < 4) {
                o.aggregation = all[k];
                st = cix_i_aggregate(p, &o, cix_panel_column_const(p, 0), w, NULL, &sc, s,
                                     &err);
            } else {
                st = cix_i_rank_change(p, ranks, s, &err);
            }
            ck_assert(st == CIX_OK || st == CIX_ENOMEM);
            ud.countdown = -1;
            cix_i_scope_free(p, &sc);
            cix_panel_free(p);
        }
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("aggregate");
    TCase *tc = tcase_create("aggregate");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_means_by_hand);
    tcase_add_test(tc, test_domain_errors);
    tcase_add_test(tc, test_missing_and_zero_weight);
    tcase_add_test(tc, test_topsis_degenerate);
    tcase_add_test(tc, test_topsis_scope);
    tcase_add_test(tc, test_rank_change);
    tcase_add_test(tc, test_topsis_fixtures);
    tcase_add_loop_test(tc, test_oracle, 0,
                        (int)(sizeof datasets / sizeof datasets[0] *
                              (sizeof methods / sizeof methods[0])));
    tcase_add_test(tc, test_nomem);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
