/*
 * The fast paths of the pipeline against plain definitions:
 *  - cix_rank (radix sorts by group and score) against ranks counted item by
 *    item, with ties, NaN, zeros of both signs, negative and sparse groups,
 *    for the three ties rules;
 *  - the lean min-max passes (fused statistics, entropy without a stored
 *    column, vectorized scores) bit for bit against the full pipeline on
 *    panels made to reach their corners: zeros of both signs, an imputation
 *    mean equal to a present value, a zero fixed weight, a huge min-max
 *    range (infinite or NaN values in the scores), on 1, 2 and 3 threads;
 *  - keep_normalized = CIX_KEEP_ROWS: the same results and notes, and the
 *    normalized values of any rows bit for bit those of the kept matrix;
 *  - invalid panels (infinite values, rows or names twice) give
 *    cix_panel_validate's error on the lean path too;
 *  - the correlation's checks and sums over blocks of rows: the error of the
 *    first failing column at its first bad row in a later block, and the
 *    values against the textbook formulas.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* ---- ranks ----------------------------------------------------------------- */

/* The rank of item i by counting: items of its group that sort before it,
 * and the size of its tie. */
static double rank_by_count(const double *s, const int32_t *g, size_t n, cix_ties ties,
                            size_t i)
{
    size_t before = 0, equal = 0, dense = 0;
    for (size_t k = 0; k < n; k++) {
        int same_group = !g || g[k] == g[i];
        int tie = (isnan(s[k]) && isnan(s[i])) || s[k] == s[i];
        int ahead = !isnan(s[k]) && (isnan(s[i]) || s[k] > s[i]);
        if (!same_group)
            continue;
        before += ahead;
        equal += tie;
    }
    /* dense: distinct tie classes ahead */
    for (size_t k = 0; k < n; k++) {
        int first = 1;
        if ((g && g[k] != g[i]) || !(!isnan(s[k]) && (isnan(s[i]) || s[k] > s[i])))
            continue;
        for (size_t q = 0; q < k; q++)
            if ((!g || g[q] == g[k]) &&
                ((isnan(s[q]) && isnan(s[k])) || s[q] == s[k])) {
                first = 0;
                break;
            }
        dense += first;
    }
    switch (ties) {
    case CIX_TIES_AVERAGE:
        return (double)before + ((double)equal + 1.0) / 2.0;
    case CIX_TIES_DENSE:
        return (double)(dense + 1);
    default:
        return (double)(before + 1);
    }
}

static void check_ranks(const double *s, const int32_t *g, size_t n)
{
    static const cix_ties T[] = {CIX_TIES_MIN, CIX_TIES_AVERAGE, CIX_TIES_DENSE};
    double *r = malloc(n * sizeof *r);
    cix_error e;
    ck_assert_ptr_nonnull(r);
    for (size_t t = 0; t < 3; t++) {
        /* cix_rank, and the internal one with the groups on 2 and 3 threads */
        for (int nt = 0; nt <= 3; nt++) {
            if (nt == 0)
                ck_assert_cix_ok(cix_rank(s, g, n, T[t], NULL, r, &e), &e);
            else
                ck_assert_cix_ok(cix_i_rank(s, g, n, T[t], NULL, nt, r, &e), &e);
            for (size_t i = 0; i < n; i++) {
                double want = rank_by_count(s, g, n, T[t], i);
                ck_assert_msg(r[i] == want,
                              "ties %d, %d threads, item %zu (score %g, group %d): rank %g, "
                              "want %g",
                              (int)T[t], nt, i, s[i], g ? (int)g[i] : 0, r[i], want);
            }
        }
    }
    free(r);
}

START_TEST(test_rank_hand)
{
    /* -0 and +0 tie; NaN last; two groups given out of order */
    double s[] = {0.0, -0.0, NAN, 3.0, -1.0, 3.0, NAN, 0.5};
    int32_t g[] = {7, 7, 7, 7, -3, -3, -3, -3};
    double r[8];
    cix_error e;
    ck_assert_cix_ok(cix_rank(s, g, 8, CIX_TIES_MIN, NULL, r, &e), &e);
    ck_assert(r[3] == 1 && r[0] == 2 && r[1] == 2 && r[2] == 4);
    ck_assert(r[5] == 1 && r[7] == 2 && r[4] == 3 && r[6] == 4);
    ck_assert_cix_ok(cix_rank(s, g, 8, CIX_TIES_AVERAGE, NULL, r, &e), &e);
    ck_assert(r[0] == 2.5 && r[1] == 2.5 && r[2] == 4);
    ck_assert_cix_ok(cix_rank(s, NULL, 8, CIX_TIES_DENSE, NULL, r, &e), &e);
    /* one group: 3,3 | 0.5 | 0,-0 | -1 | NaN,NaN */
    ck_assert(r[3] == 1 && r[5] == 1 && r[7] == 2 && r[0] == 3 && r[1] == 3);
    ck_assert(r[4] == 4 && r[2] == 5 && r[6] == 5);
    check_ranks(s, g, 8);
    check_ranks(s, NULL, 8);
    /* one item */
    ck_assert_cix_ok(cix_rank(s + 2, NULL, 1, CIX_TIES_MIN, NULL, r, &e), &e);
    ck_assert(r[0] == 1);
}
END_TEST

START_TEST(test_rank_random)
{
    uint32_t seed = 12345u;
    for (int round = 0; round < 40; round++) {
        size_t n = 1 + lcg(&seed) % 400;
        double *s = malloc(n * sizeof *s);
        int32_t *g = malloc(n * sizeof *g);
        unsigned kind = (unsigned)round % 4;
        ck_assert(s && g);
        for (size_t i = 0; i < n; i++) {
            uint32_t u = lcg(&seed);
            /* few distinct values (many ties), signed zeros, NaN, wide range */
            switch (u % 8) {
            case 0: s[i] = NAN; break;
            case 1: s[i] = (u & 256) ? 0.0 : -0.0; break;
            case 2: s[i] = (double)(int)(u % 7) - 3.0; break;
            case 3: s[i] = ldexp((double)(u % 1000), (int)(u % 61) - 30); break;
            case 4: s[i] = -ldexp((double)(u % 1000), (int)(u % 61) - 30); break;
            default: s[i] = ((double)u / 16777216.0) * (kind == 1 ? 1e300 : 1.0); break;
            }
            /* groups: few, negative, sparse over the int32 range */
            switch (kind) {
            case 0: g[i] = (int32_t)(u % 3); break;
            case 1: g[i] = -(int32_t)(u % 5); break;
            case 2: g[i] = (int32_t)((u % 4) * 536870911u) - INT32_MAX; break;
            default: g[i] = 42; break;
            }
        }
        check_ranks(s, g, n);
        check_ranks(s, NULL, n);
        free(s);
        free(g);
    }
}
END_TEST

START_TEST(test_rank_alloc_failures)
{
    double s[40], r[40];
    int32_t g[40];
    cix_test_hook h;
    cix_allocator a = cix_test_hook_allocator(&h);
    cix_error e;
    uint32_t seed = 9u;
    int done = 0;
    for (int i = 0; i < 40; i++) {
        s[i] = (double)(lcg(&seed) % 9);
        g[i] = (int32_t)(i % 3);
    }
    memset(&h, 0, sizeof h);
    for (long k = 1; !done; k++) {
        cix_status st;
        h.count = 0;
        h.fail_at = k;
        st = cix_rank(s, g, 40, CIX_TIES_MIN, &a, r, &e);
        h.fail_at = 0;
        if (st == CIX_OK)
            done = 1;
        else
            ck_assert_int_eq(st, CIX_ENOMEM);
        ck_assert_int_eq(h.live, 0);
    }
    check_ranks(s, g, 40);
}
END_TEST

/* ---- the lean min-max passes -------------------------------------------------- */

static int same_bits(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof(double)) == 0;
}

/* Equal bits, or both NaN. */
static int same_values(const double *a, const double *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(isnan(a[i]) && isnan(b[i])) && memcmp(&a[i], &b[i], sizeof a[i]) != 0)
            return 0;
    return 1;
}

/* cix_result_normalized_rows of rk against the matrix Y (n x J), in blocks
 * of 1, 7 and 512 rows and all rows at once. */
static void check_rows(const cix_result *rk, const cix_panel *p, const double *Y)
{
    static const size_t B[] = {1, 7, 512};
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
    double *buf = malloc((n ? n : 1) * J * sizeof *buf);
    cix_error e;
    ck_assert_ptr_nonnull(buf);
    for (size_t b = 0; b < 4; b++) {
        size_t bs = b < 3 ? B[b] : n;
        for (size_t r0 = 0; r0 < n; r0 += bs) {
            size_t m = n - r0 < bs ? n - r0 : bs;
            ck_assert_cix_ok(cix_result_normalized_rows(rk, p, r0, m, buf, &e), &e);
            for (size_t j = 0; j < J; j++)
                ck_assert_msg(same_values(buf + j * m, Y + j * n + r0, m),
                              "normalized rows %zu..%zu of column %zu differ", r0,
                              r0 + m - 1, j);
        }
    }
    free(buf);
}

/* Runs o with keep_normalized 1 (1 thread), 0 and CIX_KEEP_ROWS (nthreads):
 * same status, and on success the same weights, scores, ranks and rank
 * changes, and with CIX_KEEP_ROWS the same normalized values by rows. */
static void lean_vs_full(const cix_panel *p, const cix_options *base, int nthreads)
{
    cix_options of = *base, ol = *base, ok = *base;
    cix_result *rf = NULL, *rl = NULL, *rk = NULL;
    cix_error e1, e2, e3;
    cix_status s1, s2, s3;
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);

    of.keep_normalized = 1;
    of.nthreads = 1;
    ol.keep_normalized = 0;
    ol.nthreads = nthreads;
    s1 = cix_compute(p, &of, &rf, &e1);
    s2 = cix_compute(p, &ol, &rl, &e2);
    ck_assert_int_eq(s1, s2);
    if (s1 != CIX_OK) {
        ck_assert_str_eq(e1.message, e2.message);
        return;
    }
    ck_assert_msg(same_bits(cix_result_weights(rf), cix_result_weights(rl), J),
                  "weights differ (%d threads)", nthreads);
    ck_assert_msg(same_bits(cix_result_scores(rf), cix_result_scores(rl), n),
                  "scores differ (%d threads)", nthreads);
    ck_assert(same_bits(cix_result_ranks(rf), cix_result_ranks(rl), n));
    ck_assert(same_bits(cix_result_rank_change(rf), cix_result_rank_change(rl), n));
    ok.keep_normalized = CIX_KEEP_ROWS;
    ok.nthreads = nthreads;
    s3 = cix_compute(p, &ok, &rk, &e3);
    ck_assert_int_eq(s3, CIX_OK);
    ck_assert(same_bits(cix_result_weights(rf), cix_result_weights(rk), J));
    ck_assert(same_bits(cix_result_scores(rf), cix_result_scores(rk), n));
    ck_assert(same_bits(cix_result_ranks(rf), cix_result_ranks(rk), n));
    ck_assert_ptr_null(cix_result_treated(rk));
    check_rows(rk, p, cix_result_normalized(rf));
    /* the notes of keep_normalized = 1, one per imputed cell included */
    ck_assert_uint_eq(cix_result_nnotes(rk), cix_result_nnotes(rf));
    for (size_t i = 0; i < cix_result_nnotes(rf); i++) {
        const cix_note *a = cix_result_note(rf, i), *b = cix_result_note(rk, i);
        ck_assert_int_eq(a->kind, b->kind);
        ck_assert_uint_eq(a->indicator, b->indicator);
        ck_assert_uint_eq(a->row, b->row);
        ck_assert_uint_eq(a->count, b->count);
        ck_assert(same_values(&a->value_after, &b->value_after, 1));
        ck_assert_str_eq(a->message, b->message);
    }
    cix_result_free(rf);
    cix_result_free(rl);
    cix_result_free(rk);
}

/* nreg x nyear rows, J columns filled by fill(j, r). */
static cix_panel *make_panel(size_t nreg, size_t nyear, size_t J,
                             double (*fill)(size_t j, size_t r, uint32_t *seed))
{
    cix_panel *p = NULL;
    cix_error e;
    char name[32];
    size_t n = nreg * nyear;
    uint32_t seed = 77u;
    ck_assert_cix_ok(cix_panel_create(n, J, 1, NULL, &p, &e), &e);
    for (size_t r = 0; r < n; r++) {
        snprintf(name, sizeof name, "r%04zu", r % nreg);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, (int32_t)(1990 + r / nreg), &e), &e);
    }
    for (size_t j = 0; j < J; j++) {
        double *c = cix_panel_column(p, j);
        snprintf(name, sizeof name, "v%02zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
        for (size_t r = 0; r < n; r++)
            c[r] = fill(j, r, &seed);
    }
    return p;
}

/* Corners: column 0 zeros of both signs and ones (min -0 or +0 by order),
 * column 1 with its imputation mean among its values, column 2 constant
 * but for one cell, column 3 wide values, others ordinary; missing cells
 * in most columns. */
static double fill_corners(size_t j, size_t r, uint32_t *seed)
{
    uint32_t u = lcg(seed);
    if (j != 2 && u % 37 == 0)
        return NAN;
    switch (j) {
    case 0: return (u % 3 == 0) ? 1.0 : (u % 3 == 1 ? -0.0 : 0.0);
    case 1: return (double)(r % 2) * 2.0; /* mean of present cells near 1 */
    case 2: return r == 5 ? 3.0 : 2.0;
    case 3: return ldexp((double)(u % 1000 + 1), (int)(u % 40));
    default: return (double)(u % 100000) / 100.0 + (double)j;
    }
}

static const cix_weighting LEAN_W[] = {CIX_WEIGHT_ENTROPY, CIX_WEIGHT_FIXED,
                                       CIX_WEIGHT_EQUAL};

static void lean_corners(const cix_panel *p, int huge_range)
{
    size_t J = cix_panel_nindicators(p);
    cix_direction *d = calloc(J, sizeof *d);
    double *fw = malloc(J * sizeof *fw);
    ck_assert(d && fw);
    for (size_t j = 0; j < J; j++) {
        d[j].kind = j % 3 == 1 ? CIX_DIR_COST : CIX_DIR_BENEFIT;
        fw[j] = j == 1 ? 0.0 : 1.0 + (double)j; /* a zero weight */
    }
    for (size_t w = 0; w < sizeof LEAN_W / sizeof LEAN_W[0]; w++) {
        for (int imp = 0; imp < 2; imp++) {
            cix_options o;
            cix_options_init(&o);
            o.normalization = CIX_NORM_MINMAX;
            o.weighting = LEAN_W[w];
            o.impute = imp ? CIX_IMPUTE_MEAN : CIX_IMPUTE_NONE;
            o.directions = d;
            o.ndirections = J;
            o.fixed_weights = fw;
            o.nfixed_weights = J;
            if (huge_range) {
                o.range_lo = -1.5e308;
                o.range_hi = 1.5e308;
            } else if (w == 0) {
                o.entropy_shift = 0.25;
                o.entropy_smooth = 0.01;
            }
            for (int t = 1; t <= 3; t++)
                lean_vs_full(p, &o, t);
        }
    }
    free(d);
    free(fw);
}

START_TEST(test_lean_corners)
{
    /* 9,000 rows: three pieces of the score pass, many entropy blocks */
    cix_panel *p = make_panel(900, 10, 7, fill_corners);
    lean_corners(p, 0);
    lean_corners(p, 1);
    cix_panel_free(p);
    /* fewer rows than a block */
    p = make_panel(13, 3, 5, fill_corners);
    lean_corners(p, 0);
    cix_panel_free(p);
}
END_TEST

/* CIX_KEEP_ROWS with the other normalizations and weights of the streaming
 * run, and with options it does not stream (the matrix is kept then); the
 * errors of cix_result_normalized_rows. */
START_TEST(test_keep_rows)
{
    static const cix_normalization N[] = {CIX_NORM_ZSCORE, CIX_NORM_NONE, CIX_NORM_MINMAX};
    static const cix_weighting W[] = {CIX_WEIGHT_SD, CIX_WEIGHT_CV, CIX_WEIGHT_PCA,
                                      CIX_WEIGHT_EQUAL};
    cix_panel *p = make_panel(300, 4, 6, fill_corners), *p2;
    cix_direction d[6];
    cix_options o;
    cix_result *r = NULL;
    cix_error e;
    double buf[6 * 4];

    memset(d, 0, sizeof d);
    for (size_t j = 0; j < 6; j++)
        d[j].kind = j % 2 ? CIX_DIR_COST : CIX_DIR_BENEFIT;
    for (size_t a = 0; a < 3; a++)
        for (size_t b = 0; b < 4; b++) {
            cix_options_init(&o);
            o.normalization = N[a];
            o.weighting = W[b];
            o.impute = CIX_IMPUTE_MEAN;
            o.directions = d;
            o.ndirections = 6;
            for (int t = 1; t <= 2; t++)
                lean_vs_full(p, &o, t);
        }
    /* not streamed (median imputation): the matrix itself is kept */
    cix_options_init(&o);
    o.impute = CIX_IMPUTE_MEDIAN;
    o.keep_normalized = CIX_KEEP_ROWS;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_ptr_nonnull(cix_result_normalized(r));
    ck_assert_ptr_null(cix_result_treated(r));
    check_rows(r, p, cix_result_normalized(r));
    cix_result_free(r);

    /* streamed: no matrix; errors */
    o.impute = CIX_IMPUTE_MEAN;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_ptr_null(cix_result_normalized(r));
    p2 = make_panel(300, 4, 6, fill_corners); /* equal values, another panel */
    ck_assert_int_eq(cix_result_normalized_rows(r, p2, 0, 4, buf, &e), CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.message, "not the one"));
    ck_assert_int_eq(cix_result_normalized_rows(r, p, 1198, 4, buf, &e), CIX_EINVAL);
    ck_assert_int_eq(cix_result_normalized_rows(r, p, 1200, 1, buf, &e), CIX_EINVAL);
    ck_assert_int_eq(cix_result_normalized_rows(r, p, 1200, 0, NULL, &e), CIX_OK);
    ck_assert_int_eq(cix_result_normalized_rows(NULL, p, 0, 1, buf, &e), CIX_EINVAL);
    ck_assert_cix_ok(cix_result_normalized_rows(r, p, 1196, 4, buf, &e), &e);
    cix_result_free(r);
    o.keep_normalized = 0;
    ck_assert_cix_ok(cix_compute(p, &o, &r, &e), &e);
    ck_assert_int_eq(cix_result_normalized_rows(r, p, 0, 4, buf, &e), CIX_EUNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(e.message, "CIX_KEEP_ROWS"));
    cix_result_free(r);
    o.keep_normalized = 3;
    ck_assert_int_eq(cix_compute(p, &o, &r, &e), CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(e.message, "keep_normalized"));
    cix_panel_free(p2);
    cix_panel_free(p);
}
END_TEST

/* All zeros of both signs and missing cells: a constant column; the lean
 * run leaves it to the full pipeline, which reports it. */
static double fill_zeros(size_t j, size_t r, uint32_t *seed)
{
    uint32_t u = lcg(seed);
    if (j == 0)
        return u % 5 == 0 ? NAN : (u % 2 ? -0.0 : 0.0);
    return (double)(u % 1000) + (double)r * 1e-3;
}

START_TEST(test_lean_signed_zero_column)
{
    cix_panel *p = make_panel(40, 5, 3, fill_zeros);
    cix_options o;
    cix_result *r = NULL;
    cix_error e;
    cix_options_init(&o);
    o.normalization = CIX_NORM_MINMAX;
    o.weighting = CIX_WEIGHT_ENTROPY;
    o.impute = CIX_IMPUTE_MEAN;
    for (int t = 1; t <= 3; t++)
        lean_vs_full(p, &o, t);
    ck_assert_int_ne(cix_compute(p, &o, &r, &e), CIX_OK);
    ck_assert_ptr_null(r);
    cix_panel_free(p);
}
END_TEST

/* An invalid panel gives cix_panel_validate's error whatever the options:
 * the lean run checks names and rows itself and leaves infinite values to
 * the full pipeline, which validates first. */
static void same_error_as_validate(const cix_panel *p)
{
    static const cix_normalization N[] = {CIX_NORM_MINMAX, CIX_NORM_ZSCORE, CIX_NORM_NONE};
    cix_error ev, ec;
    cix_status sv = cix_panel_validate(p, &ev);
    ck_assert_int_ne(sv, CIX_OK);
    for (size_t k = 0; k < 3; k++) {
        for (int keep = 0; keep < 2; keep++) {
            cix_options o;
            cix_result *r = NULL;
            cix_options_init(&o);
            o.normalization = N[k];
            o.weighting = k == 0 ? CIX_WEIGHT_ENTROPY : CIX_WEIGHT_EQUAL;
            o.impute = CIX_IMPUTE_MEAN;
            o.keep_normalized = keep;
            ck_assert_int_eq(cix_compute(p, &o, &r, &ec), sv);
            ck_assert_ptr_null(r);
            ck_assert_str_eq(ec.message, ev.message);
            ck_assert_str_eq(ec.indicator, ev.indicator);
            ck_assert_str_eq(ec.region, ev.region);
            ck_assert_int_eq(ec.year, ev.year);
        }
    }
}

START_TEST(test_lean_invalid_panels)
{
    cix_panel *p = make_panel(50, 4, 3, fill_corners);
    cix_error e;
    double *c = cix_panel_column(p, 2);
    /* infinite values, one of each sign */
    c[77] = INFINITY;
    same_error_as_validate(p);
    c[77] = -INFINITY;
    same_error_as_validate(p);
    c[77] = 2.0;
    cix_panel_column(p, 0)[3] = -INFINITY;
    same_error_as_validate(p);
    cix_panel_column(p, 0)[3] = 1.0;
    /* a (region, year) twice */
    ck_assert_cix_ok(cix_panel_set_row(p, 120, "r0007", 1992, &e), &e);
    same_error_as_validate(p);
    ck_assert_cix_ok(cix_panel_set_row(p, 120, "r0020", 1992, &e), &e);
    /* an indicator name twice */
    ck_assert_cix_ok(cix_panel_set_indicator(p, 2, "v00", &e), &e);
    same_error_as_validate(p);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 2, "v02", &e), &e);
    ck_assert_cix_ok(cix_panel_validate(p, &e), &e);
    cix_panel_free(p);
}
END_TEST

/* ---- correlation statistics in blocks of rows ---------------------------------- */

START_TEST(test_correlation_blocks)
{
    /* 3,000 rows: the checks and sums run over blocks of 1,024 rows */
    size_t n = 3000, J = 4;
    cix_panel *p = NULL;
    cix_error e;
    double *x, R[16], sd[4];
    char name[32];
    uint32_t seed = 31u;

    ck_assert_cix_ok(cix_panel_create(n, J, 1, NULL, &p, &e), &e);
    for (size_t r = 0; r < n; r++) {
        snprintf(name, sizeof name, "g%04zu", r % 300);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, (int32_t)(2000 + r / 300), &e), &e);
    }
    for (size_t j = 0; j < J; j++) {
        snprintf(name, sizeof name, "c%zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
    }
    x = malloc(n * J * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n * J; i++)
        x[i] = 1e6 + (double)(lcg(&seed) % 100000) / 7.0;
    for (size_t i = 0; i < n; i++)
        x[3 * n + i] = 5.0; /* column 3 constant */
    x[1 * n + 2100] = INFINITY;
    x[2 * n + 1500] = NAN;
    x[2 * n + 2900] = INFINITY;

    /* the first failing column, at its first bad row */
    ck_assert_int_eq(cix_i_correlation(p, x, n, J, NULL, R, NULL, &e), CIX_EDATA);
    ck_assert(strstr(e.message, "infinite") != NULL);
    ck_assert_str_eq(e.indicator, "c1");
    ck_assert_str_eq(e.region, "g0000");
    ck_assert_int_eq(e.year, 2007);
    x[1 * n + 2100] = 1e6;
    ck_assert_int_eq(cix_i_correlation(p, x, n, J, NULL, R, NULL, &e), CIX_EDATA);
    ck_assert(strstr(e.message, "missing") != NULL);
    ck_assert_str_eq(e.indicator, "c2");
    ck_assert_int_eq(e.year, 2005);
    x[2 * n + 1500] = 1e6;
    x[2 * n + 2900] = 1e6;
    ck_assert_int_eq(cix_i_correlation(p, x, n, J, NULL, R, NULL, &e), CIX_EDEGENERATE);
    ck_assert(strstr(e.message, "constant (every value is 5)") != NULL);
    ck_assert_str_eq(e.indicator, "c3");
    /* a constant column but for its last cell, in the last block */
    x[3 * n + n - 1] = 6.0;
    ck_assert_cix_ok(cix_i_correlation(p, x, n, J, NULL, R, sd, &e), &e);
    /* against the two-pass textbook formulas */
    for (size_t a = 0; a < J; a++) {
        double ma = 0, va = 0;
        for (size_t i = 0; i < n; i++)
            ma += x[a * n + i] / (double)n;
        for (size_t i = 0; i < n; i++)
            va += (x[a * n + i] - ma) * (x[a * n + i] - ma);
        ck_assert_rel(sd[a], sqrt(va / (double)(n - 1)), 1e-9, 0);
        for (size_t b = 0; b < J; b++) {
            double mb = 0, vb = 0, cab = 0;
            for (size_t i = 0; i < n; i++)
                mb += x[b * n + i] / (double)n;
            for (size_t i = 0; i < n; i++) {
                vb += (x[b * n + i] - mb) * (x[b * n + i] - mb);
                cab += (x[a * n + i] - ma) * (x[b * n + i] - mb);
            }
            ck_assert_rel(R[a + b * J], cab / sqrt(va * vb), 1e-9, 1e-12);
        }
    }
    free(x);
    cix_panel_free(p);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("fast_paths");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_rank_hand);
    tcase_add_test(tc, test_rank_random);
    tcase_add_test(tc, test_rank_alloc_failures);
    tcase_add_test(tc, test_lean_corners);
    tcase_add_test(tc, test_lean_signed_zero_column);
    tcase_add_test(tc, test_keep_rows);
    tcase_add_test(tc, test_correlation_blocks);
    tcase_add_test(tc, test_lean_invalid_panels);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(suite());
}
