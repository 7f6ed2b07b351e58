/*
 * The four-column sums (cix_i_sums4_of, core/sum.c) against a plain
 * column-by-column reference written here: the compensated sum of the
 * present values by cix_i_ksum_add in row order, the count of NaN cells,
 * and the least and greatest present value kept by a running `v < lo` /
 * `v > hi` (the first of equal values). Everything is compared bit for bit:
 * s and c each, s + c, and lo / hi by their bytes, so that a zero of the
 * wrong sign fails. Columns: NaN cells, zeros of both signs, subnormals,
 * magnitudes from 1e-300 to 1e300 with both signs (both branches of the
 * compensation), all-NaN columns, n = 0 .. 3 and 1000, every column in
 * every lane.
 *
 * Without vector lanes (CIX_I_LANES undefined: neither GCC nor clang) the
 * function does not exist and the tests pass with nothing to check.
 */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

#if defined(CIX_I_LANES)

/* ---- the reference ------------------------------------------------------- */

typedef struct ref_sums {
    double s, c;
    size_t missing;
    double lo, hi;
    size_t big_first, small_first; /* additions by each branch of the sum */
} ref_sums;

static void ref_of(const double *x, size_t n, ref_sums *r)
{
    cix_i_ksum k = {0.0, 0.0};
    r->missing = 0;
    r->lo = INFINITY;
    r->hi = -INFINITY;
    r->big_first = r->small_first = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        if (isnan(v)) {
            r->missing++;
            continue;
        }
        if (fabs(k.s) >= fabs(v))
            r->big_first++;
        else
            r->small_first++;
        cix_i_ksum_add(&k, v);
        if (v < r->lo)
            r->lo = v;
        if (v > r->hi)
            r->hi = v;
    }
    r->s = k.s;
    r->c = k.c;
}

/* 1 when a and b are the same double bit for bit, or both NaN (a NaN's
 * payload is not part of the contract). */
static int same_bits(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return memcmp(&a, &b, sizeof a) == 0;
}

#define ck_assert_same_bits(got, want, what, lane)                                  \
    ck_assert_msg(same_bits((got), (want)),                                          \
                  "%s: %s of lane %d = %a (%.17g), expected %a (%.17g)", label, what, \
                  lane, (got), (got), (want), (want))

/* cix_i_sums4_of on cols[0..4) (n rows) against the reference, lane by
 * lane. */
static void check4(const char *label, const double *const *cols, size_t n)
{
    cix_i_sums4 got;
    memset(&got, 0xA5, sizeof got); /* every field must be written */
    cix_i_sums4_of(cols, n, &got);
    for (int k = 0; k < 4; k++) {
        ref_sums r;
        ref_of(cols[k], n, &r);
        ck_assert_same_bits(got.s[k], r.s, "s", k);
        ck_assert_same_bits(got.c[k], r.c, "c", k);
        ck_assert_same_bits(got.s[k] + got.c[k], r.s + r.c, "s + c", k);
        ck_assert_msg(got.missing[k] == (double)r.missing,
                      "%s: missing of lane %d = %.17g, expected %zu", label, k,
                      got.missing[k], r.missing);
        ck_assert_same_bits(got.lo[k], r.lo, "lo", k);
        ck_assert_same_bits(got.hi[k], r.hi, "hi", k);
    }
}

/* Every lane assignment of four columns that matters here: the four as
 * given and each rotation, so that each column runs in each lane next to
 * each other column. */
static void check_rotations(const char *label, double *const *cols, size_t n)
{
    for (int rot = 0; rot < 4; rot++) {
        const double *x[4];
        char buf[128];
        for (int k = 0; k < 4; k++)
            x[k] = cols[(k + rot) % 4];
        snprintf(buf, sizeof buf, "%s, rotation %d", label, rot);
        check4(buf, x, n);
    }
}

/* ---- columns ------------------------------------------------------------- */

static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 11; /* 53 bits */
}

/* uniform in [0, 1) */
static double unit(uint64_t *s)
{
    return (double)next(s) / 9007199254740992.0;
}

typedef enum kind {
    K_NAN_SPRINKLED, /* ordinary values around 100, a fifth of the cells NaN */
    K_ZEROS,         /* +0.0 and -0.0 only, and NaN */
    K_ZEROS_SMALL,   /* zeros of both signs among small values of both signs */
    K_SUBNORMAL,     /* subnormals of both signs, a few normals, NaN */
    K_MAGNITUDES,    /* 1e-300 .. 1e300, both signs, NaN */
    K_CANCEL,        /* big values that cancel and small ones between */
    K_ALL_NAN,
    K_NEG_ZERO_ONLY, /* -0.0 only */
    K_COUNT
} kind;

static double cell(kind kd, size_t i, uint64_t *s)
{
    double u = unit(s), sign = next(s) & 1 ? -1.0 : 1.0;
    switch (kd) {
    case K_NAN_SPRINKLED:
        return u < 0.2 ? NAN : 100.0 + 50.0 * (unit(s) - 0.5);
    case K_ZEROS:
        return u < 0.1 ? NAN : sign * 0.0;
    case K_ZEROS_SMALL:
        if (u < 0.1)
            return NAN;
        if (u < 0.5)
            return sign * 0.0;
        return sign * ldexp(1.0 + unit(s), -(int)(next(s) % 60));
    case K_SUBNORMAL:
        if (u < 0.1)
            return NAN;
        if (u < 0.15)
            return sign * DBL_MIN * (1.0 + unit(s));
        return sign * ldexp((double)(next(s) % 4503599627370496ULL), -1074);
    case K_MAGNITUDES: {
        /* even rows: rising from 1e-300 to 1e300 over 1000 rows, each
         * greater than the sum so far; odd rows: any smaller magnitude,
         * either sign */
        int e = -300 + (int)(i % 1000) * 3 / 5;
        if (u < 0.1)
            return NAN;
        if (i % 2 == 0)
            return (1.0 + unit(s)) * pow(10.0, (double)e);
        return sign * (1.0 + unit(s)) * pow(10.0, (double)e - (double)(next(s) % 300));
    }
    case K_CANCEL: {
        /* +B, small, -B, small, ... with B from 1e12 to 1e300 */
        double b = pow(10.0, 12.0 + (double)(i / 4 % 289));
        switch (i % 4) {
        case 0:
            return b;
        case 2:
            return -b;
        default:
            return u < 0.2 ? NAN : sign * unit(s);
        }
    }
    case K_ALL_NAN:
        return NAN;
    case K_NEG_ZERO_ONLY:
        return -0.0;
    default:
        return 0.0;
    }
}

static double *column(kind kd, size_t n, uint64_t seed)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n; i++)
        x[i] = cell(kd, i, &seed);
    return x;
}

/* ---- tests --------------------------------------------------------------- */

/* Known sums, so that the reference itself is pinned: both branches of the
 * compensation, a NaN between. */
START_TEST(known_values)
{
    const double a[] = {1e16, 1.0, NAN, -1e16};      /* s 0, c 1 */
    const double b[] = {1.0, 1e100, 1.0, -1e100};    /* s 0, c 2 */
    const double c[] = {-0.0, 0.0, NAN, -0.0};       /* lo = hi = -0.0 */
    const double d[] = {NAN, NAN, NAN, NAN};
    const double *x[4] = {a, b, c, d};
    cix_i_sums4 got;
    double pz = 0.0, nz = -0.0;

    cix_i_sums4_of(x, 4, &got);
    ck_assert_double_eq(got.s[0], 0.0);
    ck_assert_double_eq(got.c[0], 1.0);
    ck_assert_double_eq(got.missing[0], 1.0);
    ck_assert_double_eq(got.lo[0], -1e16);
    ck_assert_double_eq(got.hi[0], 1e16);
    ck_assert_double_eq(got.s[1], 0.0);
    ck_assert_double_eq(got.c[1], 2.0);
    ck_assert_double_eq(got.missing[1], 0.0);
    ck_assert_double_eq(got.lo[1], -1e100);
    ck_assert_double_eq(got.hi[1], 1e100);
    /* zeros: the sum +0.0 (+0.0 + -0.0), the extremes the first zero */
    ck_assert_int_eq(memcmp(&got.s[2], &pz, sizeof pz), 0);
    ck_assert_int_eq(memcmp(&got.c[2], &pz, sizeof pz), 0);
    ck_assert_int_eq(memcmp(&got.lo[2], &nz, sizeof nz), 0);
    ck_assert_int_eq(memcmp(&got.hi[2], &nz, sizeof nz), 0);
    ck_assert_double_eq(got.missing[2], 1.0);
    /* all NaN: nothing summed, no extremes */
    ck_assert_int_eq(memcmp(&got.s[3], &pz, sizeof pz), 0);
    ck_assert_int_eq(memcmp(&got.c[3], &pz, sizeof pz), 0);
    ck_assert_double_eq(got.missing[3], 4.0);
    ck_assert(got.lo[3] == INFINITY);
    ck_assert(got.hi[3] == -INFINITY);
    check4("known values", x, 4);
}
END_TEST

/* The first of equal extremes: +0.0 then -0.0 keeps +0.0, and the other
 * way round; the order of the lanes does not matter. */
START_TEST(zero_signs)
{
    const double a[] = {0.0, -0.0, 0.0};
    const double b[] = {-0.0, 0.0, -0.0};
    const double c[] = {NAN, 0.0, -0.0};
    const double d[] = {1.0, -0.0, 0.0, -1.0};
    double pz = 0.0, nz = -0.0;
    const double *x[4] = {a, b, c, d};
    cix_i_sums4 got;

    cix_i_sums4_of(x, 3, &got);
    ck_assert_int_eq(memcmp(&got.lo[0], &pz, sizeof pz), 0);
    ck_assert_int_eq(memcmp(&got.hi[0], &pz, sizeof pz), 0);
    ck_assert_int_eq(memcmp(&got.lo[1], &nz, sizeof nz), 0);
    ck_assert_int_eq(memcmp(&got.hi[1], &nz, sizeof nz), 0);
    ck_assert_int_eq(memcmp(&got.lo[2], &pz, sizeof pz), 0);
    ck_assert_int_eq(memcmp(&got.hi[2], &pz, sizeof pz), 0);
    /* the sums of zeros are +0.0, whatever the signs */
    for (int k = 0; k < 3; k++) {
        ck_assert_int_eq(memcmp(&got.s[k], &pz, sizeof pz), 0);
        ck_assert_int_eq(memcmp(&got.c[k], &pz, sizeof pz), 0);
    }
    ck_assert_int_eq(memcmp(&got.lo[3], &nz, sizeof nz), 0);
    ck_assert_int_eq(memcmp(&got.hi[3], &d[0], sizeof d[0]), 0);
    for (size_t n = 0; n <= 3; n++)
        check4("zero signs", x, n);
    check4("zero signs, four rows", (const double *const[4]){d, d, d, d}, 4);
}
END_TEST

/* Short columns: n = 0, 1, 2, 3 of every kind, in every lane. */
START_TEST(short_columns)
{
    for (size_t n = 0; n <= 3; n++)
        for (int k0 = 0; k0 < K_COUNT; k0++) {
            double *cols[4];
            char label[64];
            for (int k = 0; k < 4; k++)
                cols[k] = column((kind)((k0 + k) % K_COUNT), n,
                                 1000u * (uint64_t)n + 17u * (uint64_t)k0 + (uint64_t)k);
            snprintf(label, sizeof label, "n = %zu, kinds from %d", n, k0);
            check_rotations(label, cols, n);
            for (int k = 0; k < 4; k++)
                free(cols[k]);
        }
}
END_TEST

/* 1000 rows of every kind next to every other; the mixed magnitudes and the
 * cancellations take both branches of the compensation. */
START_TEST(long_columns)
{
    const size_t n = 1000;
    double *col[K_COUNT];
    ref_sums r;

    for (int k = 0; k < K_COUNT; k++)
        col[k] = column((kind)k, n, 7919u * (uint64_t)(k + 1));
    /* the columns are what they should be */
    ref_of(col[K_MAGNITUDES], n, &r);
    ck_assert_uint_gt(r.big_first, 100);
    ck_assert_uint_gt(r.small_first, 100);
    ck_assert_uint_gt(r.missing, 0);
    ck_assert(r.c != 0.0);
    ref_of(col[K_CANCEL], n, &r);
    ck_assert_uint_gt(r.big_first, 100);
    ck_assert_uint_gt(r.small_first, 100);
    ck_assert(r.c != 0.0);
    ref_of(col[K_ZEROS_SMALL], n, &r);
    ck_assert(r.s != 0.0);
    {
        size_t sub = 0, negz = 0, posz = 0;
        for (size_t i = 0; i < n; i++) {
            double v = col[K_SUBNORMAL][i];
            sub += v != 0.0 && fabs(v) < DBL_MIN;
            v = col[K_ZEROS_SMALL][i];
            negz += v == 0.0 && signbit(v);
            posz += v == 0.0 && !signbit(v);
        }
        ck_assert_uint_gt(sub, 500);
        ck_assert_uint_gt(negz, 50);
        ck_assert_uint_gt(posz, 50);
    }
    ref_of(col[K_ALL_NAN], n, &r);
    ck_assert_uint_eq(r.missing, n);

    for (int a = 0; a < K_COUNT; a++)
        for (int b = 0; b < K_COUNT; b++) {
            double *cols[4] = {col[a], col[b], col[(a + b + 1) % K_COUNT],
                               col[(a + 2 * b + 3) % K_COUNT]};
            char label[64];
            snprintf(label, sizeof label, "n = %zu, kinds %d %d", n, a, b);
            check_rotations(label, cols, n);
            /* every prefix length of a few, so that the last row varies */
            for (size_t m = 990; m < n; m++)
                check4(label, (const double *const *)cols, m);
        }
    for (int k = 0; k < K_COUNT; k++)
        free(col[k]);
}
END_TEST

/* The same column in every lane, and columns that overlap. */
START_TEST(shared_columns)
{
    const size_t n = 1000;
    double *x = column(K_MAGNITUDES, n + 3, 4242);
    const double *same[4] = {x, x, x, x};
    const double *shifted[4] = {x, x + 1, x + 2, x + 3};
    cix_i_sums4 got;

    check4("one column in four lanes", same, n);
    check4("overlapping columns", shifted, n);
    cix_i_sums4_of(same, n, &got);
    for (int k = 1; k < 4; k++) {
        ck_assert_int_eq(memcmp(&got.s[k], &got.s[0], sizeof got.s[0]), 0);
        ck_assert_int_eq(memcmp(&got.c[k], &got.c[0], sizeof got.c[0]), 0);
    }
    free(x);
}
END_TEST

/* A sum that overflows: the sums keep s as the reference does (+inf) and
 * s + c is NaN in both. (The compensation itself is not compared: after an
 * overflow a NaN lane, which adds +0.0 to an infinite sum, turns it into
 * NaN where the reference, which skips the cell, keeps it infinite.) */
START_TEST(overflow)
{
    const double a[] = {1.5e308, 1.5e308, NAN};
    const double b[] = {1.5e308, 1.5e308, 1.0};
    const double c[] = {1.0, INFINITY, NAN};
    const double d[] = {-INFINITY, NAN, 2.0};
    const double *x[4] = {a, b, c, d};
    cix_i_sums4 got;

    cix_i_sums4_of(x, 3, &got);
    for (int k = 0; k < 4; k++) {
        ref_sums r;
        const char *label = "overflow";
        ref_of(x[k], 3, &r);
        ck_assert_same_bits(got.s[k], r.s, "s", k);
        ck_assert(isnan(got.s[k] + got.c[k]));
        ck_assert(isnan(r.s + r.c));
        ck_assert_double_eq(got.missing[k], (double)r.missing);
        ck_assert_same_bits(got.lo[k], r.lo, "lo", k);
        ck_assert_same_bits(got.hi[k], r.hi, "hi", k);
    }
    ck_assert(got.s[0] == INFINITY);
    ck_assert(got.hi[2] == INFINITY);
    ck_assert(got.lo[3] == -INFINITY);
    /* without a NaN after the overflow, the compensations agree too */
    check4("overflow, no NaN after it", (const double *const[4]){b, b, c, d}, 2);
}
END_TEST

#else /* !CIX_I_LANES */

/* No vector lanes on this compiler: cix_i_sums4_of is not built, and the
 * column-by-column code runs everywhere. */
START_TEST(no_lanes)
{
    ck_assert(1);
}
END_TEST

#endif /* CIX_I_LANES */

static Suite *lanes_suite(void)
{
    Suite *s = suite_create("lanes");
    TCase *tc = tcase_create("lanes");
    tcase_set_timeout(tc, 120);
#if defined(CIX_I_LANES)
    tcase_add_test(tc, known_values);
    tcase_add_test(tc, zero_signs);
    tcase_add_test(tc, short_columns);
    tcase_add_test(tc, long_columns);
    tcase_add_test(tc, shared_columns);
    tcase_add_test(tc, overflow);
#else
    tcase_add_test(tc, no_lanes);
#endif
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(lanes_suite());
}
