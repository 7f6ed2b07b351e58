/*
 * cix_parse_double against glibc strtod, bit for bit, on millions of
 * generated texts of every kind: short decimals (the fast path), 15-, 17- and
 * 20-digit mantissas, subnormals, huge and tiny exponents, long digit
 * strings, signs and zeros.
 *
 * As a unit test it checks 1.2 million texts. With an argument it is a
 * measuring program:  test_number_bulk N  checks N texts of each kind and
 * prints the time per number of cix_parse_double and of strtod, the medians
 * of 5 alternating runs of each (build it without sanitizers for meaningful
 * times);  test_number_bulk N K  does so for kind K only (0 = short decimals,
 * in the order of the table).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cix_test.h"

enum { K_SHORT, K_G15, K_G17, K_DIG20, K_SUBNORMAL, K_EXP, K_LONG, NKINDS };
static const char *const kind_name[NKINDS] = {"short decimals", "%.15g",    "%.17g",
                                              "20 digits",      "subnormal", "exponents",
                                              "40+ digits"};

static uint64_t rng(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static double bits_double(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* One text of kind k into t (NUL-terminated); returns its length. */
static size_t gen(int k, uint64_t *s, char *t, size_t cap)
{
    uint64_t r = rng(s), r2 = rng(s);
    double x;
    int n = 0;
    switch (k) {
    case K_SHORT: /* what statistical tables hold: up to 6 decimals */
        n = snprintf(t, cap, "%s%.*f", r & 1 ? "-" : "", (int)(r >> 1) % 7,
                     (double)(r2 >> 11) * 0x1p-53 * pow(10, (double)((r >> 4) % 9)));
        break;
    case K_G15:
    case K_G17:
        do
            x = bits_double(rng(s));
        while (!isfinite(x));
        n = snprintf(t, cap, k == K_G15 ? "%.15g" : "%.17g", x);
        break;
    case K_DIG20:
        n = snprintf(t, cap, "%llu%010llue%d", (unsigned long long)(r % 9000000000ull) + 1000000000ull,
                     (unsigned long long)(r2 % 10000000000ull), (int)((r >> 40) % 80) - 40);
        break;
    case K_SUBNORMAL:
        x = bits_double(r & ((UINT64_C(1) << 52) - 1));
        n = snprintf(t, cap, "%.*g", 1 + (int)(r2 % 17), x);
        break;
    case K_EXP:
        n = snprintf(t, cap, "%llu.%llue%d", (unsigned long long)(r % 1000),
                     (unsigned long long)(r2 % 1000000), (int)((r >> 30) % 700) - 350);
        break;
    default: { /* 40 to 99 digits: near halfway points and beyond 19 digits */
        size_t len = 40 + (size_t)(r % 60), p = 0;
        x = bits_double(rng(s) & ~(UINT64_C(1) << 63));
        if (!isfinite(x))
            x = 1.0;
        n = snprintf(t, cap, "%.*e", (int)len, x); /* exact digits of a double */
        if (n > 0 && (r2 & 3) == 0) {
            /* change the last digits: values just off an exact double */
            for (p = 0; t[p] && t[p] != 'e'; p++)
                ;
            if (p > 3)
                t[p - 1] = (char)('0' + (r2 >> 8) % 10);
        }
        break;
    }
    }
    return n > 0 ? (size_t)n : 0;
}

#define ROUNDS 5

/* The median of n values (sorts them). */
static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Checks n texts of kind k; with `timing`, prints the times. Returns the
 * number of mismatches (and reports the first). */
static size_t run_kind(int k, size_t n, int timing)
{
    size_t cap = n * 128, used = 0, bad = 0;
    char *text = malloc(cap);
    size_t *off = malloc((n + 1) * sizeof *off);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    uint64_t s = 0x243F6A8885A308D3ull ^ (uint64_t)(k + 1) * 0x9E3779B97F4A7C15ull;
    double t0, t1, t2, tc[ROUNDS], ts[ROUNDS], ratio[ROUNDS];

    if (!text || !off || !a || !b) { /* no ck_assert: also runs outside Check */
        fprintf(stderr, "test_number_bulk: out of memory\n");
        exit(2);
    }
    for (size_t i = 0; i < n; i++) {
        off[i] = used;
        used += gen(k, &s, text + used, cap - used) + 1;
    }
    off[n] = used;
    memset(a, 0, n * sizeof *a); /* first touch outside the timed loops */
    memset(b, 0, n * sizeof *b);
    /* timing: ROUNDS alternating runs of each, medians reported */
    for (int round = 0; round < (timing ? ROUNDS : 1); round++) {
        t0 = now();
        for (size_t i = 0; i < n; i++) {
            if (cix_parse_double(text + off[i], off[i + 1] - off[i] - 1, &a[i]) != 0)
                a[i] = -1234.5; /* every generated text is a number */
        }
        t1 = now();
        for (size_t i = 0; i < n; i++)
            b[i] = strtod(text + off[i], NULL);
        t2 = now();
        tc[round] = t1 - t0;
        ts[round] = t2 - t1;
        ratio[round] = (t2 - t1) / (t1 - t0);
    }
    for (size_t i = 0; i < n; i++) {
        if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) {
            if (bad++ == 0)
                fprintf(stderr, "'%s': cix %.17g, strtod %.17g\n", text + off[i], a[i], b[i]);
        }
    }
    if (timing)
        printf("%-15s n=%zu  cix %.1f ns  strtod %.1f ns  strtod/cix %.2f (median of %d)  "
               "mismatches %zu\n",
               kind_name[k], n, median(tc, ROUNDS) / (double)n * 1e9,
               median(ts, ROUNDS) / (double)n * 1e9, median(ratio, ROUNDS), ROUNDS, bad);
    free(text);
    free(off);
    free(a);
    free(b);
    return bad;
}

START_TEST(bit_identical_to_strtod)
{
    size_t n = _i == K_SHORT ? 400000 : 150000;
    size_t bad = run_kind(_i, n, 0);
    ck_assert_msg(bad == 0, "%s: %zu of %zu differ from strtod", kind_name[_i], bad, n);
}
END_TEST

static Suite *bulk_suite(void)
{
    Suite *s = suite_create("number_bulk");
    TCase *tc = tcase_create("bulk");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, bit_identical_to_strtod, 0, NKINDS);
    suite_add_tcase(s, tc);
    return s;
}

int main(int argc, char **argv)
{
    if (argc > 1) {
        size_t n = (size_t)strtoull(argv[1], NULL, 10), bad = 0;
        if (n == 0) {
            fprintf(stderr, "usage: test_number_bulk [N [KIND]]\n");
            return 2;
        }
        int only = argc > 2 ? atoi(argv[2]) : -1; /* one kind, by its index */
        for (int k = 0; k < NKINDS; k++)
            if (only < 0 || only == k)
                bad += run_kind(k, n, 1);
        return bad ? 1 : 0;
    }
    return cix_test_run(bulk_suite());
}
