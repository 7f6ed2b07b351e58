/*
 * The lean pipeline (keep_normalized = 0): weights, scores, ranks and rank
 * changes equal, bit for bit, those of the full pipeline on the shipped
 * panel and on generated panels with missing cells, for every supported
 * method, on 1, 2 and 3 threads; the normalized and treated matrices are not
 * kept; what the full pipeline reports as an error is reported the same
 * way; the lean run allocates far less than a copy of the panel; allocation
 * failures. pca / pca-coef weights likewise (the PCA reads the panel in
 * place). The blocked correlation equals one DSYRK over all rows.
 *
 * With arguments it is a timing program instead:
 *   test_lean PANEL.csv COST,LIST NTHREADS lean|full [entropy|sd|cv|equal|pca|pca-coef]
 * prints the time of the read and of cix_compute (impute mean, minmax,
 * linear, ranks by year) and the peak RSS over the panel's size in doubles.
 */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cix_test.h"
#include "internal.h"

/* ---- panels -------------------------------------------------------------- */

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* nreg regions x nyear years x nind indicators, log-normal-ish values with
 * 0-3 decimals, a share `miss` (per mille) of missing cells. */
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
        double scale = pow(10.0, (double)(j % 5));
        snprintf(name, sizeof name, "x%03zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
        for (size_t r = 0; r < n; r++) {
            double u = ((double)lcg(&seed) + 0.5) / 16777216.0;
            double dec = pow(10.0, (double)(lcg(&seed) % 4));
            c[r] = round(scale * exp(2.0 * u + 0.3 * (double)(r % nreg % 7)) * dec) / dec;
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

/* ---- comparing a lean run with the full one ------------------------------- */

static int same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof(double)) == 0;
}

/* Runs o with keep_normalized 1 and 0 on nthreads threads and checks that
 * every output is the same; returns the number of notes of the lean run. */
static size_t compare_runs(const cix_panel *p, const cix_options *base, int nthreads)
{
    cix_options of = *base, ol = *base;
    cix_result *rf = NULL, *rl = NULL;
    cix_error e;
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p), k = 0, nl;

    of.keep_normalized = 1;
    of.nthreads = 1;
    ol.keep_normalized = 0;
    ol.nthreads = nthreads;
    ck_assert_cix_ok(cix_compute(p, &of, &rf, &e), &e);
    ck_assert_cix_ok(cix_compute(p, &ol, &rl, &e), &e);
    ck_assert_ptr_nonnull(cix_result_normalized(rf));
    ck_assert_ptr_null(cix_result_normalized(rl));
    ck_assert_ptr_null(cix_result_treated(rl));
    ck_assert_msg(same_bits(cix_result_weights(rf), cix_result_weights(rl), J),
                  "weights differ (weighting %d, normalization %d, %d threads)",
                  (int)base->weighting, (int)base->normalization, nthreads);
    ck_assert_msg(same_bits(cix_result_scores(rf), cix_result_scores(rl), n),
                  "scores differ (weighting %d, normalization %d, %d threads)",
                  (int)base->weighting, (int)base->normalization, nthreads);
    ck_assert(same_bits(cix_result_ranks(rf), cix_result_ranks(rl), n));
    ck_assert(memcmp(cix_result_rank_change(rf), cix_result_rank_change(rl),
                     n * sizeof(double)) == 0);
    for (size_t y = 0; y < cix_panel_nyears(p); y++)
        ck_assert(same_bits(cix_result_weights_year(rf, y), cix_result_weights_year(rl, y), J));
    for (size_t j = 0; j < J; j++)
        ck_assert_int_eq(cix_result_indicator_used(rl, j), 1);
    /* the lean notes are the full run's notes without the per-cell ones */
    nl = cix_result_nnotes(rl);
    for (size_t i = 0; i < cix_result_nnotes(rf); i++) {
        const cix_note *a = cix_result_note(rf, i), *b;
        if (a->kind == CIX_NOTE_IMPUTED && a->row != CIX_NO_ROW)
            continue;
        ck_assert_uint_lt(k, nl);
        b = cix_result_note(rl, k++);
        ck_assert_int_eq(a->kind, b->kind);
        ck_assert_uint_eq(a->indicator, b->indicator);
        ck_assert_uint_eq(a->count, b->count);
        ck_assert_str_eq(a->message, b->message);
    }
    ck_assert_uint_eq(k, nl);
    cix_result_free(rf);
    cix_result_free(rl);
    return nl;
}

static cix_direction *cost_every(size_t J, size_t step)
{
    cix_direction *d = calloc(J, sizeof *d);
    ck_assert_ptr_nonnull(d);
    for (size_t j = 0; j < J; j++)
        d[j].kind = j % step == step - 1 ? CIX_DIR_COST : CIX_DIR_BENEFIT;
    return d;
}

static const cix_weighting WEIGHTS[] = {CIX_WEIGHT_ENTROPY, CIX_WEIGHT_EQUAL,
                                        CIX_WEIGHT_FIXED, CIX_WEIGHT_SD, CIX_WEIGHT_CV};
static const cix_normalization NORMS[] = {CIX_NORM_MINMAX, CIX_NORM_ZSCORE, CIX_NORM_NONE};

/* Indicators with a missing cell. */
static size_t columns_missing(const cix_panel *p)
{
    size_t k = 0;
    for (size_t j = 0; j < cix_panel_nindicators(p); j++) {
        const double *c = cix_panel_column_const(p, j);
        size_t m = 0;
        for (size_t r = 0; r < cix_panel_nrows(p); r++)
            m += isnan(c[r]);
        k += m > 0;
    }
    return k;
}

/* Every supported method on p, on 1, 2 and 3 threads; the lean run makes
 * one imputation note per indicator with a missing cell (the full run one
 * per cell too, so the count shows that the lean path ran). */
static void compare_all(const cix_panel *p, cix_impute imp)
{
    size_t J = cix_panel_nindicators(p);
    size_t expect_notes = imp == CIX_IMPUTE_NONE ? 0 : columns_missing(p);
    cix_direction *dir = cost_every(J, 4);
    double *fixed = malloc(J * sizeof *fixed);
    ck_assert_ptr_nonnull(fixed);
    for (size_t j = 0; j < J; j++)
        fixed[j] = 1.0 + (double)(j % 3);
    for (size_t a = 0; a < sizeof WEIGHTS / sizeof WEIGHTS[0]; a++) {
        for (size_t b = 0; b < sizeof NORMS / sizeof NORMS[0]; b++) {
            cix_options o;
            cix_options_init(&o);
            o.impute = imp;
            o.directions = dir;
            o.ndirections = J;
            o.weighting = WEIGHTS[a];
            o.normalization = NORMS[b];
            if (o.weighting == CIX_WEIGHT_FIXED) {
                o.fixed_weights = fixed;
                o.nfixed_weights = J;
            }
            /* entropy needs y >= 0: zscore and raw values with a shift */
            if (o.weighting == CIX_WEIGHT_ENTROPY && o.normalization == CIX_NORM_ZSCORE)
                o.entropy_shift = 10.0;
            if (b == 0 && a == 0) {
                o.range_lo = 0.002;
                o.range_hi = 0.998;
                o.entropy_smooth = 0.1;
            }
            if (a == 3)
                o.ddof = 0;
            for (int t = 1; t <= 3; t++)
                ck_assert_uint_eq(compare_runs(p, &o, t), expect_notes);
        }
    }
    free(dir);
    free(fixed);
}

START_TEST(test_shipped_panel)
{
    cix_panel *p = shipped_panel();
    compare_all(p, CIX_IMPUTE_NONE);
    compare_all(p, CIX_IMPUTE_MEAN);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_missing_cells)
{
    /* 30,000 rows: more than one piece of rows per thread */
    cix_panel *p = gen_panel(3000, 10, 9, 20, 7u, NULL);
    ck_assert_uint_eq(columns_missing(p), 9);
    compare_all(p, CIX_IMPUTE_MEAN);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_small_panels)
{
    /* 2 rows; an odd number of rows and columns */
    cix_panel *p = gen_panel(2, 1, 3, 0, 3u, NULL);
    compare_all(p, CIX_IMPUTE_NONE);
    cix_panel_free(p);
    p = gen_panel(7, 3, 5, 100, 11u, NULL);
    ck_assert_uint_gt(columns_missing(p), 2);
    compare_all(p, CIX_IMPUTE_MEAN);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_entropy_groups)
{
    /* entropy of min-max columns runs four columns at a time: 13 columns
     * are three groups and one more; in them, zeros of both signs among
     * the values, magnitudes from 1e-9 to 1e12 (the compensation of the
     * sums takes both branches), a cost column in every group */
    cix_panel *p = gen_panel(500, 4, 13, 30, 19u, NULL);
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
    cix_direction *dir = cost_every(J, 3);
    double *z = cix_panel_column(p, 5), *w = cix_panel_column(p, 6);
    cix_options o;

    for (size_t r = 0; r < n; r += 7)
        z[r] = r % 14 ? -0.0 : 0.0;
    for (size_t r = 0; r < n; r++)
        if (!isnan(w[r]))
            w[r] = r % 5 == 0 ? w[r] * 1e9 : (r % 5 == 1 ? w[r] * 1e-9 : w[r]);
    ck_assert_uint_eq(columns_missing(p), J);
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = J;
    for (int t = 1; t <= 3; t++)
        ck_assert_uint_eq(compare_runs(p, &o, t), J);
    o.range_lo = 0.002;
    o.range_hi = 0.998;
    o.entropy_smooth = 0.1;
    o.entropy_shift = 0.5;
    for (int t = 1; t <= 3; t++)
        ck_assert_uint_eq(compare_runs(p, &o, t), J);
    cix_panel_free(p);
    free(dir);
}
END_TEST

/* pca and pca-coef weights (the PCA reads the imputed, oriented panel in
 * place): auto and 2 factors, every normalization, 1, 2 and 3 threads; the
 * lean run makes at least its imputation notes, then the PCA's. */
static void compare_pca(const cix_panel *p, cix_impute imp, size_t cost_step)
{
    size_t J = cix_panel_nindicators(p);
    size_t imp_notes = imp == CIX_IMPUTE_NONE ? 0 : columns_missing(p);
    cix_direction *dir = cost_every(J, cost_step);
    for (int a = 0; a < 2; a++) {
        for (size_t b = 0; b < sizeof NORMS / sizeof NORMS[0]; b++) {
            cix_options o;
            cix_options_init(&o);
            o.impute = imp;
            o.directions = dir;
            o.ndirections = J;
            o.weighting = a ? CIX_WEIGHT_PCA_COEF : CIX_WEIGHT_PCA;
            o.normalization = NORMS[b];
            o.factors = b == 1 ? 2 : 0;
            for (int t = 1; t <= 3; t++)
                ck_assert_uint_ge(compare_runs(p, &o, t), imp_notes);
        }
    }
    free(dir);
}

START_TEST(test_pca_weights)
{
    cix_panel *p = shipped_panel();
    compare_pca(p, CIX_IMPUTE_NONE, 4);
    compare_pca(p, CIX_IMPUTE_MEAN, 3);
    cix_panel_free(p);
    /* 30,000 rows: two blocks of rows of the correlation's product */
    p = gen_panel(3000, 10, 9, 20, 7u, NULL);
    compare_pca(p, CIX_IMPUTE_MEAN, 4);
    cix_panel_free(p);
    /* fewer rows than indicators: a note and a singular R */
    p = gen_panel(2, 3, 8, 50, 29u, NULL);
    compare_pca(p, CIX_IMPUTE_MEAN, 2);
    cix_panel_free(p);
}
END_TEST

START_TEST(test_pca_memory)
{
    cix_test_meter cnt = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&cnt);
    /* 100,000 rows: the product's block of rows is a small part of them */
    cix_panel *p = gen_panel(10000, 10, 40, 10, 31u, &al);
    size_t cells = cix_panel_nrows(p) * cix_panel_nindicators(p);
    size_t base = cnt.now;
    cix_direction *dir = cost_every(40, 5);
    cix_options o;
    cix_result *r = NULL;
    cix_error e;

    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.directions = dir;
    o.ndirections = 40;
    o.weighting = CIX_WEIGHT_PCA;
    o.keep_normalized = 0;
    o.nthreads = 2;
    cnt.peak = base;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_uint_lt(cnt.peak - base, cells * sizeof(double) / 4);
    cix_result_free(r);
    cix_panel_free(p);
    free(dir);
    ck_assert_uint_eq(cnt.now, 0);
}
END_TEST

/* ---- errors: reported as the full pipeline reports them ------------------- */

static void same_error(const cix_panel *p, const cix_options *base)
{
    cix_options of = *base, ol = *base;
    cix_result *rf = NULL, *rl = NULL;
    cix_error ef, el;
    cix_status sf, sl;
    of.keep_normalized = 1;
    ol.keep_normalized = 0;
    ol.nthreads = 2;
    sf = cix_compute(p, &of, &rf, &ef);
    sl = cix_compute(p, &ol, &rl, &el);
    ck_assert_int_ne(sf, CIX_OK);
    ck_assert_int_eq(sf, sl);
    ck_assert_ptr_null(rl);
    ck_assert_str_eq(ef.message, el.message);
    ck_assert_str_eq(ef.indicator, el.indicator);
    ck_assert_str_eq(ef.region, el.region);
    ck_assert_int_eq(ef.year, el.year);
}

START_TEST(test_errors)
{
    cix_panel *p = gen_panel(50, 4, 4, 0, 5u, NULL);
    cix_options o;
    double *c;

    cix_options_init(&o);
    /* a missing cell without imputation: linear aggregation names it */
    c = cix_panel_column(p, 2);
    c[17] = NAN;
    same_error(p, &o);
    /* a column missing everywhere, with imputation */
    for (size_t r = 0; r < cix_panel_nrows(p); r++)
        c[r] = NAN;
    o.impute = CIX_IMPUTE_MEAN;
    same_error(p, &o);
    /* a constant column: minmax divides by zero, zscore too */
    for (size_t r = 0; r < cix_panel_nrows(p); r++)
        c[r] = 4.0;
    same_error(p, &o);
    o.normalization = CIX_NORM_ZSCORE;
    same_error(p, &o);
    /* a constant column: the PCA's correlation is undefined */
    o.normalization = CIX_NORM_NONE;
    o.weighting = CIX_WEIGHT_PCA;
    same_error(p, &o);
    o.weighting = CIX_WEIGHT_ENTROPY;
    /* negative values for entropy */
    o.normalization = CIX_NORM_NONE;
    c[3] = -1.0;
    same_error(p, &o);
    cix_panel_free(p);
}
END_TEST

/* ---- memory: the lean run holds no copy of the panel ---------------------- */

START_TEST(test_memory)
{
    cix_test_meter cnt = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&cnt);
    cix_panel *p = gen_panel(4000, 5, 40, 10, 13u, &al);
    size_t cells = cix_panel_nrows(p) * cix_panel_nindicators(p);
    size_t base = cnt.now;
    cix_options o;
    cix_result *r = NULL;
    cix_error e;

    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.nthreads = 2;
    cnt.peak = base;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    /* the full run: the imputed copy and the normalized matrix at least */
    ck_assert_uint_gt(cnt.peak - base, 2 * cells * sizeof(double));
    cix_result_free(r);
    o.keep_normalized = 0;
    cnt.peak = cnt.now;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    /* the lean run: a few columns per thread and the per-row arrays */
    ck_assert_uint_lt(cnt.peak - base, cells * sizeof(double) / 4);
    cix_result_free(r);
    cix_panel_free(p);
    ck_assert_uint_eq(cnt.now, 0);
}
END_TEST

START_TEST(test_alloc_failures)
{
    cix_test_meter cnt = {0, 0, -1, 0};
    cix_allocator al = cix_test_meter_allocator(&cnt);
    cix_panel *p = gen_panel(30, 4, 5, 50, 17u, &al);
    cix_options o;
    cix_result *ref = NULL;
    cix_error e;
    int ok = 0;

    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEAN;
    o.keep_normalized = 0;
    o.nthreads = 2;
    ck_assert_cix_ok(cix_compute(p, &o, &ref, &e), &e);
    for (long k = 0; k < 10000 && !ok; k++) {
        cix_result *r = NULL;
        size_t before = cnt.now;
        cix_status st;
        cnt.fail_at = k;
        cnt.calls = 0;
        st = cix_compute(p, &o, &r, &e);
        cnt.fail_at = -1;
        if (st == CIX_OK) {
            ok = 1;
            ck_assert(same_bits(cix_result_scores(r), cix_result_scores(ref),
                                cix_panel_nrows(p)));
            cix_result_free(r);
        } else {
            ck_assert_int_eq(st, CIX_ENOMEM);
            ck_assert_ptr_null(r);
        }
        ck_assert_uint_eq(cnt.now, before);
    }
    ck_assert(ok);
    cix_result_free(ref);
    cix_panel_free(p);
}
END_TEST

/* ---- the blocked correlation ---------------------------------------------- */

/* The one-matrix computation: centre, one DSYRK, the residual means taken
 * out (the sums of rows 4k, 4k+1, 4k+2, 4k+3 apart), scale by the norms
 * from the product. */
static void reference_correlation(const double *x, size_t n, size_t J, double *R)
{
    double *z = malloc(n * J * sizeof *z), *t = malloc(J * sizeof *t);
    double *nrm = malloc(J * sizeof *nrm);
    ck_assert_ptr_nonnull(z);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_nonnull(nrm);
    for (size_t j = 0; j < J; j++) {
        const double *col = x + j * n;
        double *c = z + j * n, mean, part[4] = {0.0, 0.0, 0.0, 0.0};
        mean = cix_i_sum(col, n, NULL) / (double)n;
        for (size_t i = 0; i < n; i++) {
            c[i] = col[i] - mean;
            part[i % 4] += c[i];
        }
        t[j] = (part[0] + part[1]) + (part[2] + part[3]);
    }
    cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, (blasint)J, (blasint)n, 1.0, z,
                (blasint)n, 0.0, R, (blasint)J);
    for (size_t j = 0; j < J; j++) {
        for (size_t i = 0; i <= j; i++)
            R[i + j * J] -= t[i] * t[j] / (double)n;
        nrm[j] = sqrt(R[j + j * J]);
    }
    for (size_t j = 0; j < J; j++)
        for (size_t i = 0; i < j; i++)
            R[i + j * J] = R[i + j * J] / nrm[i] / nrm[j];
    free(z);
    free(t);
    free(nrm);
}

typedef struct neg_src {
    const double *x;
    size_t n;
} neg_src;

/* Columns of x, the odd ones negated (as a cost indicator is oriented). */
static void neg_get(const void *ud, size_t j, size_t r0, size_t m, double *dst)
{
    const neg_src *s = ud;
    for (size_t i = 0; i < m; i++) {
        double v = s->x[j * s->n + r0 + i];
        dst[i] = j % 2 ? -v : v;
    }
}

START_TEST(test_blocked_correlation)
{
    /* 1, 2, 3 and 4 blocks; a short last piece kept whole */
    static const size_t rows[] = {3000, 24575, 24578, 36870, 61445};
    size_t J = 11;
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        size_t n = rows[k];
        uint32_t seed = 99u + (uint32_t)k;
        double *x = malloc(n * J * sizeof *x), *xn = malloc(n * J * sizeof *xn);
        double *R0 = calloc(J * J, sizeof *R0), *R1 = calloc(J * J, sizeof *R1);
        double *R2 = calloc(J * J, sizeof *R2), sd1[11], sd2[11];
        neg_src ns;
        cix_i_colsrc src;
        cix_error e;
        ck_assert_ptr_nonnull(x);
        ck_assert_ptr_nonnull(xn);
        for (size_t i = 0; i < n * J; i++) {
            x[i] = 1e6 + ((double)lcg(&seed) / 16777216.0) * (double)(i / n + 1);
            if (i >= n)
                x[i] += 0.5 * x[i % n]; /* correlated with the first column */
            xn[i] = (i / n) % 2 ? -x[i] : x[i];
        }
        reference_correlation(xn, n, J, R0);
        ck_assert_cix_ok(cix_i_correlation(NULL, xn, n, J, NULL, R1, sd1, &e), &e);
        ns.x = x;
        ns.n = n;
        src.get = neg_get;
        src.ud = &ns;
        ck_assert_cix_ok(cix_i_correlation_src(NULL, &src, n, J, NULL, 2, R2, sd2, &e), &e);
        for (size_t j = 0; j < J; j++)
            for (size_t i = 0; i < j; i++) {
                double v = R0[i + j * J];
                v = v > 1.0 ? 1.0 : v < -1.0 ? -1.0 : v;
                ck_assert_msg(R1[i + j * J] == v && R1[j + i * J] == v,
                              "n = %zu: R[%zu,%zu] = %.17g, one DSYRK gives %.17g", n, i,
                              j, R1[i + j * J], v);
            }
        ck_assert(same_bits(R1, R2, J * J));
        ck_assert(same_bits(sd1, sd2, J));
        free(x);
        free(xn);
        free(R0);
        free(R1);
        free(R2);
    }
}
END_TEST

START_TEST(test_correlation_errors)
{
    /* the error of the first failing column, whatever the thread count */
    size_t n = 40, J = 6;
    double x[240];
    uint32_t seed = 5u;
    for (size_t i = 0; i < n * J; i++)
        x[i] = (double)(lcg(&seed) % 1000);
    for (size_t i = 0; i < n; i++)
        x[4 * n + i] = 2.0; /* column 5 constant */
    x[3 * n + 7] = NAN;    /* column 4 has a missing cell */
    {
        double R[36];
        cix_error e1, e2;
        neg_src ns = {x, n};
        cix_i_colsrc src = {neg_get, &ns};
        cix_status s1 = cix_i_correlation_src(NULL, &src, n, J, NULL, 1, R, NULL, &e1);
        cix_status s2 = cix_i_correlation_src(NULL, &src, n, J, NULL, 3, R, NULL, &e2);
        ck_assert_int_eq(s1, CIX_EDATA);
        ck_assert_int_eq(s2, CIX_EDATA);
        ck_assert_str_eq(e1.message, e2.message);
        ck_assert_str_eq(e2.indicator, "");
    }
    /* columns are checked four at a time: a constant column 2 comes before
     * an infinite value in column 3 and a NaN in column 4 of its group, on
     * any thread count; and a group without failure is not reported */
    for (size_t i = 0; i < n; i++)
        x[1 * n + i] = -3.5;
    x[2 * n + 30] = INFINITY;
    for (int t = 1; t <= 3; t++) {
        double R[36];
        cix_error e;
        neg_src ns = {x, n};
        cix_i_colsrc src = {neg_get, &ns};
        ck_assert_int_eq(cix_i_correlation_src(NULL, &src, n, J, NULL, t, R, NULL, &e),
                         CIX_EDEGENERATE);
        ck_assert_msg(strstr(e.message, "'column 2' is constant") != NULL, "%s", e.message);
    }
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
    cix_result *r = NULL;
    cix_error e;
    cix_direction *dir;
    struct rusage ru;
    double t0, t_read, t_compute, t_validate, t_rank;
    size_t n, J;
    char *list, *save = NULL;

    if (argc < 5) {
        fprintf(stderr, "usage: test_lean PANEL.csv COST,LIST NTHREADS lean|full "
                        "[entropy|sd|cv|equal|pca|pca-coef]\n");
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
    o.keep_normalized = strcmp(argv[4], "lean") != 0;
    if (argc > 5 && cix_weighting_from_name(argv[5], &o.weighting) != 0)
        return 2;
    t0 = now_s();
    if (cix_compute(p, &o, &r, &e) != CIX_OK) {
        fprintf(stderr, "compute: %s\n", e.message);
        return 1;
    }
    t_compute = now_s() - t0;
    /* two of its steps alone: the panel check and the ranks */
    t0 = now_s();
    if (cix_panel_validate(p, &e) != CIX_OK)
        return 1;
    t_validate = now_s() - t0;
    {
        double *rk = malloc(n * sizeof *rk);
        int32_t *grp = malloc(n * sizeof *grp);
        if (!rk || !grp)
            return 1;
        for (size_t i = 0; i < n; i++)
            grp[i] = cix_panel_row_year(p, i);
        t0 = now_s();
        if (cix_rank(cix_result_scores(r), grp, n, CIX_TIES_MIN, NULL, rk, &e) != CIX_OK)
            return 1;
        t_rank = now_s() - t0;
        free(rk);
        free(grp);
    }
    getrusage(RUSAGE_SELF, &ru);
    printf("lean-timing mode=%s threads=%d weighting=%s rows=%zu indicators=%zu read=%.3f "
           "compute=%.3f (validate=%.3f rank=%.3f) peak_rss_mib=%.0f rss_per_panel_double=%.2f score0=%.17g\n",
           argv[4], o.nthreads, cix_weighting_name(o.weighting), n, J, t_read, t_compute, t_validate, t_rank,
           (double)ru.ru_maxrss / 1024.0,
           (double)ru.ru_maxrss * 1024.0 / ((double)n * (double)J * 8.0),
           cix_result_scores(r)[0]);
    cix_result_free(r);
    cix_panel_free(p);
    free(dir);
    free(list);
    return 0;
}

static Suite *lean_suite(void)
{
    Suite *s = suite_create("lean");
    TCase *tc = tcase_create("lean");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_shipped_panel);
    tcase_add_test(tc, test_missing_cells);
    tcase_add_test(tc, test_small_panels);
    tcase_add_test(tc, test_entropy_groups);
    tcase_add_test(tc, test_pca_weights);
    tcase_add_test(tc, test_pca_memory);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_memory);
    tcase_add_test(tc, test_alloc_failures);
    tcase_add_test(tc, test_blocked_correlation);
    tcase_add_test(tc, test_correlation_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return timing(argc, argv);
    return cix_test_run(lean_suite());
}
