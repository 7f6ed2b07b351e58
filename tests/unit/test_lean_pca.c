/*
 * cix_pca_compute reading the panel in place: with mean imputation (or
 * none) and benefit / cost directions it reads the imputed, oriented
 * columns through a column source instead of copying the panel twice. Its
 * eigenvalues, loadings, weights, coefficients, adequacy figures and notes
 * must be bit for bit those of the copying path (the pre-treated copy, the
 * oriented copy, cix_i_pca_group) on 1, 2 and 3 threads; what it cannot
 * handle, or has to report, goes through the copying path and is reported
 * the same way; it allocates far less than a copy of the panel.
 *
 * With arguments it is a timing program instead:
 *   test_lean_pca PANEL.csv COST,LIST NTHREADS view|copy [pca|pca-coef]
 * prints the time of the read and of cix_pca_compute (impute mean) and the
 * peak RSS over the panel's size in doubles ("copy" runs the copying path).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cix_test.h"
#include "internal.h"
#include "oracle_data.h"

/* ---- panels -------------------------------------------------------------- */

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* nreg regions x nyear years x nind indicators in correlated blocks of 3,
 * log-normal-ish values with 0-3 decimals, a share `miss` (per mille) of
 * missing cells. */
static cix_panel *gen_panel(size_t nreg, size_t nyear, size_t nind, unsigned miss,
                            uint32_t seed, const cix_allocator *al)
{
    cix_panel *p = NULL;
    cix_error e;
    char name[32];
    size_t n = nreg * nyear;
    ck_assert_cix_ok(cix_panel_create(n, nind, 1, al, &p, &e), &e);
    for (size_t r = 0; r < n; r++) {
        snprintf(name, sizeof name, "r%05zu", r % nreg);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, (int32_t)(2000 + r / nreg), &e), &e);
    }
    for (size_t j = 0; j < nind; j++) {
        double *c = cix_panel_column(p, j);
        double scale = pow(10.0, (double)(j % 4));
        snprintf(name, sizeof name, "x%03zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
        for (size_t r = 0; r < n; r++) {
            double u = ((double)lcg(&seed) + 0.5) / 16777216.0;
            double dec = pow(10.0, (double)(lcg(&seed) % 4));
            double block = 0.2 * (double)((r % nreg) * (j / 3 + 1) % 11);
            c[r] = round(scale * exp(u + block + 0.05 * (double)(r / nreg)) * dec) / dec;
            if (lcg(&seed) % 1000 < miss)
                c[r] = NAN;
        }
    }
    return p;
}

static cix_panel *shipped_panel(void)
{
    char path[1024];
    cix_read_options ro;
    cix_panel *p = NULL;
    cix_error e;
    snprintf(path, sizeof path, "%s/data/prov_mfg_innovation_2018_2023.complete30.csv",
             CIX_SOURCE_DIR);
    cix_read_options_init(&ro);
    ck_assert_cix_ok(cix_panel_read_file(path, &ro, &p, &e), &e);
    return p;
}

static cix_direction *cost_every(size_t J, size_t step)
{
    cix_direction *d = calloc(J, sizeof *d);
    ck_assert_ptr_nonnull(d);
    for (size_t j = 0; j < J; j++)
        d[j].kind = j % step == step - 1 ? CIX_DIR_COST : CIX_DIR_BENEFIT;
    return d;
}

/* ---- the copying path, as cix_pca_compute ran it -------------------------- */

static cix_status reference_pca(const cix_panel *p, const cix_options *o, cix_pca **out,
                                cix_error *err)
{
    cix_options oo;
    cix_panel *q = NULL;
    cix_i_scope s;
    cix_status st;
    *out = NULL;
    if ((st = cix_i_pretreat_keep_indicators(p, o, &q, &oo, err)) != CIX_OK)
        return st;
    if (q)
        p = q;
    if (oo.scope == CIX_SCOPE_YEAR)
        oo.scope = CIX_SCOPE_POOLED;
    if ((st = cix_i_scope_build(p, &oo, &s, err)) == CIX_OK) {
        st = cix_i_pca_group(p, &oo, &s, (size_t)-1, out, NULL, err);
        cix_i_scope_free(p, &s);
    }
    cix_panel_free(q);
    return st;
}

static int same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof(double)) == 0;
}

static void assert_same_pca(const cix_pca *a, const cix_pca *b, const char *what)
{
    size_t J = cix_pca_nindicators(a), m = cix_pca_nfactors(a), ia, ib;
    double ka = cix_pca_kmo(a), kb = cix_pca_kmo(b);
    double pa = cix_pca_bartlett_p(a), pb = cix_pca_bartlett_p(b);

    ck_assert_uint_eq(J, cix_pca_nindicators(b));
    ck_assert_uint_eq(m, cix_pca_nfactors(b));
    ck_assert_uint_eq(cix_pca_nrows(a), cix_pca_nrows(b));
    ck_assert_str_eq(cix_pca_rule(a), cix_pca_rule(b));
    ck_assert_msg(same_bits(cix_pca_eigenvalues(a), cix_pca_eigenvalues(b), J),
                  "%s: eigenvalues differ (first %.17g vs %.17g)", what,
                  cix_pca_eigenvalues(a)[0], cix_pca_eigenvalues(b)[0]);
    ck_assert_msg(same_bits(cix_pca_variance_share(a), cix_pca_variance_share(b), J),
                  "%s: shares differ", what);
    ck_assert_msg(same_bits(cix_pca_loadings(a), cix_pca_loadings(b), J * m),
                  "%s: loadings differ", what);
    ck_assert_msg(same_bits(cix_pca_rotated(a), cix_pca_rotated(b), J * m),
                  "%s: rotated loadings differ", what);
    ck_assert_msg(memcmp(cix_pca_factor_of(a), cix_pca_factor_of(b), J * sizeof(size_t)) == 0,
                  "%s: factors differ", what);
    ck_assert_msg(same_bits(cix_pca_weights(a), cix_pca_weights(b), J),
                  "%s: pca weights differ", what);
    ck_assert_msg(same_bits(cix_pca_coefficients(a), cix_pca_coefficients(b), J),
                  "%s: coefficients differ", what);
    ck_assert_msg(same_bits(cix_pca_coef_weights(a), cix_pca_coef_weights(b), J),
                  "%s: pca-coef weights differ", what);
    ck_assert(memcmp(&ka, &kb, sizeof ka) == 0);
    ck_assert(memcmp(&pa, &pb, sizeof pa) == 0);
    ck_assert_int_eq(cix_pca_varimax_converged(a, &ia), cix_pca_varimax_converged(b, &ib));
    ck_assert_uint_eq(ia, ib);
    ck_assert_uint_eq(cix_pca_nnotes(a), cix_pca_nnotes(b));
    for (size_t i = 0; i < cix_pca_nnotes(a); i++) {
        const cix_note *x = cix_pca_note(a, i), *y = cix_pca_note(b, i);
        ck_assert_int_eq(x->kind, y->kind);
        ck_assert_uint_eq(x->indicator, y->indicator);
        ck_assert(memcmp(&x->value_after, &y->value_after, sizeof(double)) == 0);
        ck_assert_str_eq(x->message, y->message);
    }
}

/* cix_pca_compute on 1, 2 and 3 threads against the copying path. */
static void compare_pca(const cix_panel *p, const cix_options *base, const char *what)
{
    cix_pca *ref = NULL;
    cix_error e;
    ck_assert_cix_ok(reference_pca(p, base, &ref, &e), &e);
    for (int t = 1; t <= 3; t++) {
        cix_options o = *base;
        cix_pca *a = NULL;
        char buf[96];
        o.nthreads = t;
        ck_assert_cix_ok(cix_pca_compute(p, &o, &a, &e), &e);
        snprintf(buf, sizeof buf, "%s, %d threads", what, t);
        assert_same_pca(ref, a, buf);
        cix_pca_free(a);
    }
    cix_pca_free(ref);
}

/* Both weightings, auto and 2 factors. */
static void compare_variants(const cix_panel *p, const cix_options *base, const char *what)
{
    for (int f = 0; f <= 2; f += 2) {
        cix_options o = *base;
        o.factors = f;
        o.weighting = f ? CIX_WEIGHT_PCA_COEF : CIX_WEIGHT_PCA;
        compare_pca(p, &o, what);
    }
}

START_TEST(test_oracle_sets)
{
    oracle_set s;
    cix_options o;
    oracle_load(&s, ORACLE_SETS[_i]);
    oracle_options(&s, &o);
    compare_variants(s.p, &o, ORACLE_SETS[_i]);
    o.impute = CIX_IMPUTE_MEAN;
    compare_variants(s.p, &o, ORACLE_SETS[_i]);
    cix_panel_free(s.p);
}
END_TEST

START_TEST(test_shipped_panel)
{
    cix_panel *p = shipped_panel();
    size_t J = cix_panel_nindicators(p);
    cix_direction *dir = cost_every(J, 4);
    cix_options o;
    cix_options_init(&o);
    compare_variants(p, &o, "shipped, all benefit");
    o.directions = dir;
    o.ndirections = J;
    compare_variants(p, &o, "shipped, cost every 4th");
    o.impute = CIX_IMPUTE_MEAN;
    o.scope = CIX_SCOPE_YEAR; /* imputation by year: the copying path */
    compare_variants(p, &o, "shipped, scope year");
    free(dir);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_generated_panels)
{
    /* 36,000 rows: 2 blocks of rows of the product; 7 columns over 3 threads */
    cix_panel *p = gen_panel(3600, 10, 7, 20, 3u, NULL);
    cix_direction *dir = cost_every(7, 3);
    cix_options o;
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = 7;
    compare_variants(p, &o, "36000 x 7, missing");
    cix_panel_free(p);
    free(dir);
    /* 200,000 rows: 16 blocks, so that with 2 and 3 threads each block is
     * centred on another thread while the one before is multiplied */
    p = gen_panel(20000, 10, 5, 20, 7u, NULL);
    dir = cost_every(5, 2);
    o.directions = dir;
    o.ndirections = 5;
    compare_variants(p, &o, "200000 x 5, missing");
    cix_panel_free(p);
    free(dir);
    /* fewer rows than indicators (a note, a singular R); few rows */
    p = gen_panel(3, 2, 9, 60, 5u, NULL);
    dir = cost_every(9, 2);
    o.directions = dir;
    o.ndirections = 9;
    compare_variants(p, &o, "6 x 9");
    cix_panel_free(p);
    p = gen_panel(11, 3, 9, 80, 9u, NULL);
    compare_variants(p, &o, "33 x 9");
    cix_panel_free(p);
    free(dir);
}
END_TEST

START_TEST(test_interval_direction)
{
    /* an interval direction is oriented with its statistics: copying path */
    cix_panel *p = gen_panel(40, 5, 6, 30, 21u, NULL);
    cix_direction *dir = cost_every(6, 3);
    cix_options o;
    dir[1].kind = CIX_DIR_INTERVAL;
    dir[1].a = 5.0;
    dir[1].b = 20.0;
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = 6;
    compare_variants(p, &o, "interval");
    cix_panel_free(p);
    free(dir);
}
END_TEST

/* ---- errors: as the copying path reports them ----------------------------- */

static void same_error(const cix_panel *p, const cix_options *base, cix_status expect)
{
    cix_options o = *base;
    cix_pca *a = NULL, *b = NULL;
    cix_error ea, eb;
    cix_status sa, sb;
    o.nthreads = 2;
    sa = reference_pca(p, &o, &a, &ea);
    sb = cix_pca_compute(p, &o, &b, &eb);
    ck_assert_int_eq(sa, expect);
    ck_assert_int_eq(sb, expect);
    ck_assert_ptr_null(b);
    ck_assert_str_eq(ea.message, eb.message);
    ck_assert_str_eq(ea.indicator, eb.indicator);
    ck_assert_str_eq(ea.region, eb.region);
    ck_assert_int_eq(ea.year, eb.year);
}

START_TEST(test_errors)
{
    cix_panel *p = gen_panel(30, 4, 5, 0, 15u, NULL);
    cix_options o;
    double *c = cix_panel_column(p, 3);
    size_t n = cix_panel_nrows(p);

    cix_options_init(&o);
    o.factors = 6;
    same_error(p, &o, CIX_EINVAL);
    o.factors = 0;
    /* a missing cell without imputation */
    c[9] = NAN;
    same_error(p, &o, CIX_EDATA);
    /* a column missing everywhere, with imputation */
    o.impute = CIX_IMPUTE_MEAN;
    for (size_t r = 0; r < n; r++)
        c[r] = NAN;
    same_error(p, &o, CIX_EDATA);
    /* a constant column, and a constant one after imputation */
    for (size_t r = 0; r < n; r++)
        c[r] = 2.5;
    same_error(p, &o, CIX_EDEGENERATE);
    c[4] = NAN;
    same_error(p, &o, CIX_EDEGENERATE);
    /* an infinite value */
    c[4] = INFINITY;
    same_error(p, &o, CIX_EDATA);
    cix_panel_free(p);
}
END_TEST

/* ---- memory and allocation failures ---------------------------------------- */

START_TEST(test_memory)
{
    cix_test_meter cnt = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&cnt);
    /* 100,000 rows: the product's block of rows is a small part of them */
    cix_panel *p = gen_panel(10000, 10, 40, 10, 13u, &al);
    size_t cells = cix_panel_nrows(p) * cix_panel_nindicators(p);
    size_t base = cnt.now;
    cix_direction *dir = cost_every(40, 5);
    cix_options o;
    cix_pca *a = NULL, *b = NULL;
    cix_error e;

    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = 40;
    o.nthreads = 2;
    cnt.peak = base;
    ck_assert_cix_ok(reference_pca(p, &o, &a, &e), &e);
    /* the copying path: the imputed copy and the oriented one at least */
    ck_assert_uint_gt(cnt.peak - base, 2 * cells * sizeof(double));
    cnt.peak = cnt.now;
    ck_assert_cix_ok(cix_pca_compute(p, &o, &b, &e), &e);
    /* in place: a column per thread, then a block of rows of 40 columns */
    ck_assert_uint_lt(cnt.peak - base, cells * sizeof(double) / 4);
    assert_same_pca(a, b, "counted");
    cix_pca_free(a);
    cix_pca_free(b);
    cix_panel_free(p);
    free(dir);
    ck_assert_uint_eq(cnt.now, 0);
}
END_TEST

START_TEST(test_alloc_failures)
{
    cix_test_meter cnt = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&cnt);
    cix_panel *p = gen_panel(30, 4, 5, 50, 17u, &al);
    cix_direction *dir = cost_every(5, 2);
    cix_options o;
    cix_pca *ref = NULL;
    cix_error e;
    int ok = 0;

    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = 5;
    o.nthreads = 2;
    ck_assert_cix_ok(cix_pca_compute(p, &o, &ref, &e), &e);
    for (long k = 0; k < 10000 && !ok; k++) {
        cix_pca *a = NULL;
        size_t before = cnt.now;
        cix_status st;
        cnt.fail_at = k;
        cnt.calls = 0;
        st = cix_pca_compute(p, &o, &a, &e);
        cnt.fail_at = -1;
        if (st == CIX_OK) {
            ok = 1;
            assert_same_pca(ref, a, "after failures");
            cix_pca_free(a);
        } else {
            ck_assert_int_eq(st, CIX_ENOMEM);
            ck_assert_ptr_null(a);
        }
        ck_assert_uint_eq(cnt.now, before);
    }
    ck_assert(ok);
    cix_pca_free(ref);
    cix_panel_free(p);
    free(dir);
}
END_TEST

/* ---- timing program -------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int timing(int argc, char **argv)
{
    cix_read_options ro;
    cix_options o;
    cix_panel *p = NULL;
    cix_pca *a = NULL;
    cix_error e;
    cix_direction *dir;
    struct rusage ru;
    double t0, t_read, t_pca;
    size_t n, J;
    char *list, *save = NULL;
    int copy;

    if (argc < 5) {
        fprintf(stderr, "usage: test_lean_pca PANEL.csv COST,LIST NTHREADS view|copy "
                        "[pca|pca-coef]\n");
        return 2;
    }
    cix_read_options_init(&ro);
    t0 = now_s();
    if (cix_panel_read_file(argv[1], &ro, &p, &e) != CIX_OK) {
        fprintf(stderr, "read: %s\n", e.message);
        return 1;
    }
    t_read = now_s() - t0;
    n = cix_panel_nrows(p);
    J = cix_panel_nindicators(p);
    dir = calloc(J, sizeof *dir);
    list = strdup(argv[2]);
    if (!dir || !list)
        return 1;
    for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        size_t j = cix_panel_find_indicator(p, tok);
        if (j < J)
            dir[j].kind = CIX_DIR_COST;
    }
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = J;
    o.nthreads = atoi(argv[3]);
    o.weighting = CIX_WEIGHT_PCA;
    copy = strcmp(argv[4], "copy") == 0;
    if (argc > 5 && cix_weighting_from_name(argv[5], &o.weighting) != 0)
        return 2;
    t0 = now_s();
    if ((copy ? reference_pca(p, &o, &a, &e) : cix_pca_compute(p, &o, &a, &e)) != CIX_OK) {
        fprintf(stderr, "pca: %s\n", e.message);
        return 1;
    }
    t_pca = now_s() - t0;
    getrusage(RUSAGE_SELF, &ru);
    printf("pca-timing mode=%s threads=%d rows=%zu indicators=%zu read=%.3f pca=%.3f "
           "factors=%zu peak_rss_mib=%.0f rss_per_panel_double=%.2f w0=%.17g\n",
           argv[4], o.nthreads, n, J, t_read, t_pca, cix_pca_nfactors(a),
           (double)ru.ru_maxrss / 1024.0,
           (double)ru.ru_maxrss * 1024.0 / ((double)n * (double)J * 8.0),
           (o.weighting == CIX_WEIGHT_PCA ? cix_pca_weights(a) : cix_pca_coef_weights(a))[0]);
    cix_pca_free(a);
    cix_panel_free(p);
    free(dir);
    free(list);
    return 0;
}

static Suite *lean_pca_suite(void)
{
    Suite *s = suite_create("lean_pca");
    TCase *tc = tcase_create("lean_pca");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, test_oracle_sets, 0, ORACLE_NSETS);
    tcase_add_test(tc, test_shipped_panel);
    tcase_add_test(tc, test_generated_panels);
    tcase_add_test(tc, test_interval_direction);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_memory);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return timing(argc, argv);
    return cix_test_run(lean_pca_suite());
}
