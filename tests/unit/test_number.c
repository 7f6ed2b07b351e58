/* Numbers: cix_parse_double against strtod bit for bit, cix_format_double
 * round trips and shortest texts, and independence from the process locale. */
#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static double from_bits(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

static uint64_t to_bits(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* Parses s with both functions and requires the same bits. */
static void same_as_strtod(const char *s)
{
    double want, got = 0.0;
    char *end;
    want = strtod(s, &end);
    ck_assert_msg(*end == '\0', "test input '%s' is not a complete strtod number", s);
    ck_assert_msg(cix_parse_double(s, strlen(s), &got) == 0, "cix_parse_double rejected '%s'",
                  s);
    ck_assert_msg(to_bits(got) == to_bits(want),
                  "'%s': cix_parse_double gives %.17g (0x%016llx), strtod %.17g (0x%016llx)",
                  s, got, (unsigned long long)to_bits(got), want,
                  (unsigned long long)to_bits(want));
}

static double parse_ok(const char *s)
{
    double v = -12345.0;
    ck_assert_msg(cix_parse_double(s, strlen(s), &v) == 0, "rejected '%s'", s);
    return v;
}

START_TEST(parse_known_values)
{
    ck_assert(parse_ok("0") == 0.0 && !signbit(parse_ok("0")));
    ck_assert(parse_ok("-0") == 0.0 && signbit(parse_ok("-0")));
    ck_assert(parse_ok("-0.000e5") == 0.0 && signbit(parse_ok("-0.000e5")));
    ck_assert(parse_ok("3.5") == 3.5);
    ck_assert(parse_ok("+3.5") == 3.5);
    ck_assert(parse_ok("-2.5E+2") == -250.0);
    ck_assert(parse_ok("1.") == 1.0);
    ck_assert(parse_ok(".5") == 0.5);
    ck_assert(parse_ok("00012") == 12.0);
    ck_assert(parse_ok("1e-3") == 0.001);
    ck_assert(parse_ok("0.1") == 0.1);
    ck_assert(parse_ok("1e23") == 1e23);
    ck_assert(parse_ok("1e300") == 1e300);
    ck_assert(parse_ok("4.9406564584124654e-324") == 4.9406564584124654e-324);
    ck_assert(parse_ok("2.2250738585072014e-308") == DBL_MIN);
    ck_assert(parse_ok("1.7976931348623157e308") == DBL_MAX);
    ck_assert(isinf(parse_ok("1e309")) && parse_ok("1e309") > 0); /* as strtod */
    ck_assert(parse_ok("1e-400") == 0.0);
    ck_assert(parse_ok("0e999999999999999999999") == 0.0);
    /* only the first len bytes are read */
    {
        double v = 0;
        ck_assert_int_eq(cix_parse_double("12.5xyz", 4, &v), 0);
        ck_assert(v == 12.5);
    }
}
END_TEST

START_TEST(parse_rejects_non_numbers)
{
    static const char *const bad[] = {
        "",     "+",    "-",     ".",      "+.",      "e5",     "1e",     "1e+",   "1e-",
        "inf",  "-inf", "+inf",  "INF",    "infinity", "nan",   "NaN",    "-nan",  "nan(1)",
        "0x10", "0X1p3", "0x",   " 1",     "1 ",      "\t1",    "1,5",    "1.2.3", "--1",
        "+-1",  "1e5.5", "1_000", "1..2",  "1e1e1",   "abc",    "1a",     "١",     "½"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v = 42.0;
        ck_assert_msg(cix_parse_double(bad[i], strlen(bad[i]), &v) == -1, "accepted '%s'",
                      bad[i]);
        ck_assert_msg(v == 42.0, "'%s': output written on failure", bad[i]);
    }
    ck_assert_int_eq(cix_parse_double(NULL, 0, NULL), -1);
}
END_TEST

/* cix_parse_double on a copy of s in a heap block of exactly strlen(s)
 * bytes, no terminator: the sanitizer build catches any read past it. */
static int parse_exact_block(const char *s, double *v)
{
    size_t n = strlen(s);
    char *b = malloc(n ? n : 1);
    int r;
    ck_assert_ptr_nonnull(b);
    memcpy(b, s, n);
    r = cix_parse_double(b, n, v);
    free(b);
    return r;
}

/* The word path takes "[-]digits[.digits]" of up to 16 bytes after the
 * sign in two machine words: every length, every position of the point,
 * with and without a sign, zeros, the longest mantissas, and the texts it
 * must hand on (exponents, 17 bytes, a second point, a stray byte). */
START_TEST(parse_word_path_edges)
{
    static const char *const good[] = {
        "0", "-0", "0.", "-0.", ".0", "-.0", "1.", ".5", "-.5", "00000000", "-0000000000000000",
        "0000000000000000.", ".000000000000000", "9999999999999999", "999999999999999.9",
        "9007199254740993", "9007199254740992.5", "1234567890123456", "123456789012345.",
        ".123456789012345", "0.9999999999999999", "1.000000000000001", "12345678.12345678",
        "-12345678.1234567", "17976931348623157", "4.35", "0.1", "0.3", "2.675", "1e5",
        "1.5E-3", "+1.5", "+.5", "12345678901234567", "1234567890123456.7"};
    static const char *const bad[] = {".", "-.", "1.2.3", "..1", "1..", "12345678.1234.67",
                                      "1234567a", "1234567890123,45", "-", "--1", "1-",
                                      "12345678901234\x80"};
    char buf[40];
    double v, w;
    uint64_t st = 0x9E3779B97F4A7C15ull;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        same_as_strtod(good[i]);
        ck_assert_int_eq(parse_exact_block(good[i], &v), 0);
        w = strtod(good[i], NULL);
        ck_assert_msg(to_bits(v) == to_bits(w), "'%s' in an exact block", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 42.0;
        ck_assert_msg(parse_exact_block(bad[i], &v) == -1, "accepted '%s'", bad[i]);
        ck_assert(v == 42.0);
    }
    /* every length 1..17, every point position, both signs */
    for (int len = 1; len <= 17; len++)
        for (int dot = -1; dot < len; dot++)
            for (int sign = 0; sign < 2; sign++)
                for (int rep = 0; rep < 20; rep++) {
                    int k = 0;
                    if (sign)
                        buf[k++] = '-';
                    for (int c = 0; c < len; c++) {
                        st ^= st << 13;
                        st ^= st >> 7;
                        st ^= st << 17;
                        buf[k++] = c == dot ? '.' : (char)('0' + (int)(st % 10));
                    }
                    buf[k] = '\0';
                    if (len == 1 && dot == 0)
                        continue; /* "." */
                    same_as_strtod(buf);
                    ck_assert_int_eq(parse_exact_block(buf, &v), 0);
                    ck_assert(to_bits(v) == to_bits(strtod(buf, NULL)));
                }
}
END_TEST

START_TEST(parse_random_bit_patterns)
{
    char buf[64];
    for (int i = 0; i < 40000; i++) {
        double x = from_bits(rnd());
        if (!isfinite(x))
            continue;
        snprintf(buf, sizeof buf, "%.17g", x);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%.16e", x);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%.15g", x); /* often not the same double */
        same_as_strtod(buf);
    }
    /* subnormals and values near the limits */
    for (int i = 0; i < 10000; i++) {
        double x = from_bits(rnd() & 0x000FFFFFFFFFFFFFull);
        snprintf(buf, sizeof buf, "%.17g", x);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%.17g", nextafter(DBL_MAX, 0) - x * 1e300);
        same_as_strtod(buf);
    }
}
END_TEST

/* A random decimal: ndig digits, a point somewhere (or none), an exponent. */
static void random_decimal(char *buf, size_t cap, int ndig, int emin, int emax)
{
    size_t n = 0;
    int point = (int)(rnd() % (uint64_t)(ndig + 2)) - 1; /* -1: no point */
    if (rnd() % 2)
        buf[n++] = '-';
    for (int k = 0; k < ndig; k++) {
        if (k == point)
            buf[n++] = '.';
        buf[n++] = (char)('0' + rnd() % 10);
    }
    snprintf(buf + n, cap - n, "e%d", emin + (int)(rnd() % (uint64_t)(emax - emin + 1)));
}

START_TEST(parse_random_long_mantissas)
{
    char buf[128];
    static const int lengths[] = {1, 5, 9, 15, 16, 17, 19, 20, 25, 40};
    for (size_t l = 0; l < sizeof lengths / sizeof lengths[0]; l++)
        for (int i = 0; i < 4000; i++) {
            random_decimal(buf, sizeof buf, lengths[l], -345, 330);
            same_as_strtod(buf);
        }
}
END_TEST

START_TEST(parse_random_short_decimals)
{
    /* the fast path: <= 15 digits and |exponent| <= 22, and just outside it */
    char buf[64];
    for (int i = 0; i < 40000; i++) {
        random_decimal(buf, sizeof buf, 1 + (int)(rnd() % 16), -25, 25);
        same_as_strtod(buf);
    }
    for (int i = 0; i < 5000; i++) {
        unsigned long long m = rnd() % 1000000000000000ull;
        snprintf(buf, sizeof buf, "%llue%d", m, 18 + (int)(rnd() % 20));
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%llu", m);
        same_as_strtod(buf);
    }
}
END_TEST

/* Inserts extra digit d after the last mantissa digit of "d.ddde+XX". */
static void with_extra_digit(const char *s, char d, char *out, size_t cap)
{
    const char *e = strchr(s, 'e');
    size_t m = (size_t)(e - s);
    ck_assert(m + strlen(e) + 2 < cap);
    memcpy(out, s, m);
    out[m] = d;
    strcpy(out + m + 1, e);
}

START_TEST(parse_exact_midpoints)
{
    /* The exact midpoint of two adjacent doubles rounds to even; one more
     * digit far to the right decides the other way. Printing the midpoint
     * with 1100 digits exercises the path that shortens long mantissas. */
    static char mid[1300], above[1300];
    if (LDBL_MANT_DIG < 64)
        return; /* no exact midpoints without an extended long double */
    for (int i = 0; i < 300; i++) {
        uint64_t b = rnd();
        double x, y;
        long double m;
        if (i % 3 == 0)
            b &= 0x000FFFFFFFFFFFFFull; /* subnormal */
        else
            b &= 0x7FFFFFFFFFFFFFFFull;
        x = from_bits(b);
        if (!isfinite(x))
            continue;
        y = nextafter(x, INFINITY);
        if (!isfinite(y))
            continue;
        m = ((long double)x + (long double)y) / 2;
        snprintf(mid, sizeof mid, "%.1100Le", m);
        same_as_strtod(mid);
        with_extra_digit(mid, '1', above, sizeof above);
        same_as_strtod(above);
        snprintf(mid, sizeof mid, "%.40Le", m);
        same_as_strtod(mid);
    }
}
END_TEST

START_TEST(parse_extremes)
{
    static char big[3000];
    static const char *const cases[] = {
        "1e999999999999999999", "-1e-99999999999999",   "123456789e-400",
        "0.000000000000000000000000000000000000001e-300",
        "1797693134862315708145274237317043567981e269", /* just above DBL_MAX rounding */
        "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324",
        "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125000000000000000000000000000000001e-324",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_strtod(cases[i]);
    /* 2500 digits with the deciding digit at the very end */
    memset(big, '0', sizeof big);
    big[0] = '1';
    big[2500] = '\0';
    same_as_strtod(big);
    big[2499] = '1';
    same_as_strtod(big);
    memcpy(big, "0.", 2);
    same_as_strtod(big);
}
END_TEST

START_TEST(parse_product_boundaries)
{
    /* Texts around the points where the 128-bit product path must decide
     * exactly or hand over: exact midpoints written with few digits (ties to
     * even, decided exactly when 5^q fits in 128 bits), the overflow to inf,
     * the subnormal range and its lower end, zeros with huge exponents,
     * 19, 20 and 40 digit mantissas around 2^64. */
    static const char *const cases[] = {
        "9007199254740993", "9007199254740995", "9007199254740993e0", "90071992547409930e-1",
        "9007199254740992.5", "9007199254740993.0000000000000000001",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.000000000000000111022302462515654042363166809082031250000000000000001",
        "1.00000000000000011102230246251565404236316680908203124999999",
        "0.1000000000000000055511151231257827021181583404541015625", "1.7976931348623157e308",
        "1.7976931348623158e308", "1.7976931348623159e308", "-1.7976931348623159e308",
        "17976931348623158079e289", "17976931348623158080e289", "1797693134862315807e290",
        "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649"
        "017977587207096330286416692887910946555547851940402630657488671505820681908902000708383"
        "676273854845817711531764475730270069855571366959622842914819860834936475292719074168444"
        "365510704342711559699508093042880177904174497791.9999999999",
        "1e308", "10e308", "0.1e310", "9999999999999999999e289", "1e-308",
        "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
        "2.225073858507201136057409796709131975934819546351645648e-308",
        "2.2250738585072008890245868760858598876504231122409594654935248025624400092282356951787758888037591552642309780950434312085877387158357291821993020294379224223559819827501242041788969571311791082261043971979604000454897391938079198936081525613113376149842043271751033627391549782731594143828136275113838604094249464942286316695429105080201815926642134996606517803095075913058719846423906068637102005108723282784678843631944515866135041223479014792369585208321597621066375401613736583044193603714778355306682834535634005074073040135602968046375918583163124224521599262546494300836851861719422417646455137135420132217031370496583210154654068035397417906022589503023501937519773030945763173210852507299305089761582519159720757232455434770912461317493580281734466552734375e-308",
        "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324",
        "3e-324", "7.4109846876186982e-324", "1e-323", "123456789012345678e-340",
        "12345678901234567890e-343", "1e-342", "1e-343", "99999999999999999999e-345", "0e-99999",
        "-0e-400", "0.0000e400", "00000.000e+99999999999", "0.000000000000000000000000e-9999",
        "9999999999999999999", "99999999999999999999", "18446744073709551615",
        "18446744073709551616", "18446744073709551617", "1844674407370955161500000",
        "18446744073709551615.000000000000000000001", "1234567890123456789012345678901234567890",
        "1234567890123456789012345678901234567890e-60", "0.0000000000000000000000000000000000001",
        "1e23", "8.41e21", "5e-324", "1e22", "1e-22", "123456789012345678901e-21"};
    char buf[64];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_strtod(cases[i]);
    ck_assert(parse_ok("9007199254740993") == 9007199254740992.0);
    ck_assert(parse_ok("9007199254740995") == 9007199254740996.0);
    ck_assert(parse_ok("1.00000000000000011102230246251565404236316680908203125") == 1.0);
    ck_assert(parse_ok("1.7976931348623158e308") == DBL_MAX);
    ck_assert(isinf(parse_ok("1.7976931348623159e308")));
    ck_assert(parse_ok("2.4703282292062327e-324") == 0.0);
    ck_assert(parse_ok("2.4703282292062328e-324") == 4.9406564584124654e-324);
    ck_assert(parse_ok("0e-99999") == 0.0 && !signbit(parse_ok("0e-99999")));
    /* Exact midpoints K x 2^j (K odd, 2^53 < K < 2^54) written as w x 10^q:
     * K = r x 5^q, w = r x 2^(j - q); and the neighbours w - 1, w + 1. */
    for (int i = 0; i < 20000; i++) {
        int q = (int)(rnd() % 24), j;
        uint64_t p5 = 1, lo, hi, r, w;
        for (int k = 0; k < q; k++)
            p5 *= 5;
        lo = ((UINT64_C(1) << 53) + p5 - 1) / p5; /* r x 5^q in (2^53, 2^54) */
        hi = ((UINT64_C(1) << 54) - 1) / p5;
        if (hi < lo)
            continue;
        r = lo + rnd() % (hi - lo + 1);
        r |= 1;
        if (r > hi)
            continue;
        w = r;
        for (j = q; j < q + 10 && w <= UINT64_MAX / 2 / 10; j++)
            w *= 2; /* w stays below 10^19 */
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)w, q);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)(w - 1), q);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)(w + 1), q);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%llu1e%d", (unsigned long long)w, q - 1);
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "-%llu0000000000000000000001e%d", (unsigned long long)w,
                 q - 22);
        same_as_strtod(buf);
    }
}
END_TEST

START_TEST(parse_near_midpoints_by_digits)
{
    /* The product path first decides from the top 64 bits of the product
     * and hands over to the full 192 bits only when the bits below the kept
     * ones lie within a few units of the midpoint. Texts that cut the exact
     * midpoint of two normal doubles after 16 to 22 significant digits (and
     * the same plus or minus one in the last digit) fall on both sides of
     * that zone and inside it: 16-18 digits are some 2^7 to 2^3 units from
     * the midpoint, 19-22 digits within one unit. Powers of two (a gap
     * below half as wide), the ends of the normal range and 2^64 are among
     * the doubles. */
    static const char *const cases[] = {
        "99999999999999999999e288", "99999999999999999999e289", "-99999999999999999999e287",
        "99999999999999999999e-327", "99999999999999999999e-326", "99999999999999999999e-344",
        "99999999999999999999e-342", "00000000000099999999999999999999e-307",
        "0000000000001234567890123456789e300", "0.000000000012345678901234567890e-290",
        "17976931348623157081e289", "17976931348623157082e289", "1797693134862315808e290",
        "22250738585072013831e-327", "22250738585072008890e-327", "22250738585072011360e-327",
        "18446744073709551616e-19", "18446744073709551615e0", "36893488147419103231e-1",
        "92233720368547758075e-1", "92233720368547758085e-1", "9223372036854775808.5",
        "11102230246251565404e-35", "10000000000000000555e-19", "10000000000000000556e-19"};
    char mid[64], t[96];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        same_as_strtod(cases[i]);
    if (LDBL_MANT_DIG < 64)
        return; /* no exact midpoints without an extended long double */
    for (int i = 0; i < 6000; i++) {
        uint64_t b = rnd() & 0x7FFFFFFFFFFFFFFFull;
        double x, y;
        long double m;
        char digits[32];
        int e, nd;
        if (i % 5 == 0)
            b &= 0xFFF0000000000000ull; /* a power of two: its lower gap */
        if (i % 7 == 0)
            b = (b & 0x000FFFFFFFFFFFFFull) | (rnd() % 3 == 0   ? 0x7FE0000000000000ull
                                               : rnd() % 2 == 0 ? 0x0010000000000000ull
                                                                : 0x43F0000000000000ull);
        if (i % 11 == 0)
            b |= 0x000FFFFFFFFFFFFFull; /* just below a power of two */
        x = from_bits(b);
        if (!isfinite(x) || x < DBL_MIN)
            continue;
        y = i % 2 ? nextafter(x, INFINITY) : nextafter(x, 0.0);
        if (isfinite(y)) /* exact in the 64-bit significand */
            m = ((long double)x + (long double)y) / 2;
        else /* above DBL_MAX: the midpoint to 2^1024 */
            m = (long double)x + ((long double)x - (long double)nextafter(x, 0.0)) / 2;
        snprintf(mid, sizeof mid, "%.24Le", m);
        /* digits[] = the 25 significant digits, e = the decimal exponent */
        digits[0] = mid[0];
        memcpy(digits + 1, mid + 2, 24);
        e = atoi(strchr(mid, 'e') + 1);
        for (nd = 16; nd <= 22; nd++) {
            for (int d = -1; d <= 1; d++) {
                int k;
                memcpy(t, digits, (size_t)nd);
                /* the last digit plus d, carrying as needed (skipped when
                 * the carry runs out of the first digit) */
                for (k = nd - 1; d != 0 && k >= 0; k--) {
                    int v = t[k] - '0' + d;
                    if (v >= 0 && v <= 9) {
                        t[k] = (char)('0' + v);
                        break;
                    }
                    t[k] = d > 0 ? '0' : '9';
                }
                if (k < 0 || t[0] == '0')
                    continue;
                snprintf(t + nd, sizeof t - (size_t)nd, "e%d", e - (nd - 1));
                same_as_strtod(t);
                if (nd == 20) {
                    /* leading zeros, a point after 3 digits: the same value */
                    char u[128];
                    snprintf(u, sizeof u, "0000%.3s.%.17se%d", t, t + 3, e - 2);
                    same_as_strtod(u);
                }
            }
        }
    }
}
END_TEST

/* Whether strtod reads all of s (as cix_parse_double must, which also
 * rejects leading white space, "inf", "nan" and hex). */
static int strtod_reads_all(const char *s)
{
    char *end;
    if (!*s || s[0] == ' ' || s[0] == '\t')
        return 0;
    (void)strtod(s, &end);
    return *end == '\0';
}

/* cix_parse_double on s in an exact heap block agrees with strtod: accepts
 * exactly what strtod reads to the end, with the same bits. */
static void agrees_with_strtod(const char *s)
{
    double v = 42.0;
    int r = parse_exact_block(s, &v);
    if (strtod_reads_all(s) && !strchr(s, 'x') && !strchr(s, 'X') && !strchr(s, 'n') &&
        !strchr(s, 'N')) {
        ck_assert_msg(r == 0, "rejected '%s'", s);
        ck_assert_msg(to_bits(v) == to_bits(strtod(s, NULL)), "'%s': %a, strtod %a", s, v,
                      strtod(s, NULL));
    } else {
        ck_assert_msg(r == -1, "accepted '%s'", s);
        ck_assert_msg(v == 42.0, "'%s': output written on failure", s);
    }
}

/* The one-pass path: the exponent read from the last 8 bytes, the digits
 * eight at a time with the overflowing piece kept to 64 bits (the factor
 * 2^k), short texts through a zero-padded copy, results below 2^-1074. */
START_TEST(parse_stream_edges)
{
    static const char *const cases[] = {
        "1e5", "1E5", "1e+5", "1e-5", "-1e-5", "+1e1", ".5e1", "5.e1", "-.5E-1", "0e0", "-0e-0",
        "1.5e-3", "1e0000", "1e-0000", "1e0001", "1e+0001", "1e12345", "1e-12345", "1e1234567",
        "1e-1234567", "1e12345678", "1e-00000005", "0e123456789", "9e-999999",
        "0000000000000000000000000001e-5", "000000000000000000000000000.000000000000000000001e21",
        "0.0000000000000000000000012345678901234567890e10", "12345678901234567890e-12",
        "18446744073709551615e-10", "18446744073709551616e-10", "99999999999999999999e300",
        "1234567890123456789012345e-345", "1234567890123456789012345e-350",
        "123456789012345678901234567890e-360", "98765432109876543210987654321e-352",
        "1234567890123456789012345678901234567890e-380", "12345678901234567890123e288",
        "1e-324", "2e-324", "2.5e-324", "3e-324", "3.7e-324", "7e-324", "1.5e-323", "1e-325",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "4.9406564584124654e-324",
        "1.23456789012345e+100", "1.2345678901234567e-100", "123.456789e-300", "1234.5e-3",
        "12345678.9e1", "1234567.89e-1", "123456789012345.6e1", "1.7976931348623157e+308",
        "1.7976931348623159e+308", "2.2250738585072011e-308", "4.9e-324", "5e-324",
        /* 16 to 24 digits before the exponent, no point: read without a scan */
        "1234567890123456e5", "-1234567890123456e-5", "+1234567890123456E+5",
        "0000000000000000e5", "0000000000000001e-400", "9999999999999999e292",
        "12345678901234567e0", "123456789012345678e-1", "1234567890123456789e-2",
        "99999999999999999999e-20", "123456789012345678901e3", "1234567890123456789012e-330",
        "12345678901234567890123e100", "123456789012345678901234e-5",
        "999999999999999999999999e284", "000000000000000000000001e-5",
        "18446744073709551615e0", "18446744073709551616e0", "36893488147419103232e-1",
        "1234567890123456.e5", "123456789012345.6e5", ".1234567890123456e5",
        "12345678901234567890.e-3", "1234567890123456789012345e-3"};
    static const char *const bad[] = {
        "1e", "1E", "1e+", "1e-", "1e-+5", "1e+-5", "1e--5", "1e5e5", "1e5.5", "1e5x", "1e 5",
        "1.5e", "12345678e", "12345678e+", "1234567890123456789e", "12345678901234567890e-",
        "1.2.3e5", "1e5+", "e5", ".e5", "-e5", "+.e1", "1x5e5", "12345678901234567890x1e5",
        "1234567890123456789012345678901234567890e", "1e12345678901234567890e1",
        "123456789012345x7e5", "x234567890123456e5", "1234567890123456789012x4e5",
        "12345678901234567890123-e5", "1234567890123456-e5", "1234567890123456789+e-5"};
    char buf[80], mod[80];
    static const char subst[] = "x.e+- E";
    uint64_t st = 0x2545F4914F6CDD1Dull;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        same_as_strtod(cases[i]);
        agrees_with_strtod(cases[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_msg(!strtod_reads_all(bad[i]) || strchr(bad[i], ' '), "'%s' is valid",
                      bad[i]);
        agrees_with_strtod(bad[i]);
    }
    /* numbers of every shape, and each with a stray byte at every position */
    for (int i = 0; i < 3000; i++) {
        int nint = (int)(rnd() % 24), nfrac = (int)(rnd() % 24), k = 0, len;
        if (rnd() % 3 == 0)
            buf[k++] = rnd() % 2 ? '-' : '+';
        for (int j = 0; j < nint; j++)
            buf[k++] = (char)('0' + (j == 0 && rnd() % 4 == 0 ? 0 : rnd() % 10));
        if (nfrac > 0 || rnd() % 2) {
            buf[k++] = '.';
            for (int j = 0; j < nfrac; j++)
                buf[k++] = (char)('0' + rnd() % 10);
        }
        if (nint == 0 && nfrac == 0)
            buf[k++] = '7';
        if (rnd() % 4 != 0) {
            int ne = 1 + (int)(rnd() % 4);
            buf[k++] = rnd() % 2 ? 'e' : 'E';
            if (rnd() % 2)
                buf[k++] = rnd() % 2 ? '-' : '+';
            for (int j = 0; j < ne; j++)
                buf[k++] = (char)('0' + rnd() % 10);
        }
        buf[k] = '\0';
        len = k;
        agrees_with_strtod(buf);
        for (int pos = 0; pos < len; pos++) {
            st ^= st << 13;
            st ^= st >> 7;
            st ^= st << 17;
            memcpy(mod, buf, (size_t)len + 1);
            mod[pos] = subst[st % (sizeof subst - 1)];
            agrees_with_strtod(mod);
            memcpy(mod, buf, (size_t)len + 1);
            mod[pos] = '\0'; /* every prefix, ending anywhere */
            agrees_with_strtod(mod);
        }
    }
    /* tiny values: rounding to 0 or to the smallest subnormals */
    for (int i = 0; i < 20000; i++) {
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)(rnd() % 100000000000000000ull),
                 -340 - (int)(rnd() % 20));
        same_as_strtod(buf);
        snprintf(buf, sizeof buf, "%.*e", (int)(rnd() % 20), from_bits(rnd() % 64));
        same_as_strtod(buf);
    }
    /* 20 to 28 digits: the piece that overflows 64 bits kept in 64 */
    for (int i = 0; i < 20000; i++) {
        int nd = 20 + (int)(rnd() % 9), k = 0;
        for (int j = 0; j < nd; j++)
            buf[k++] = (char)('0' + (j == 0 ? 1 + rnd() % 9 : rnd() % 10));
        snprintf(buf + k, sizeof buf - (size_t)k, "e%d", -370 + (int)(rnd() % 690));
        same_as_strtod(buf);
    }
}
END_TEST

/* The text the format contract asks for: the first of %.15g, %.16g, %.17g
 * (every precision from 1 for subnormals) that strtod reads back exactly. */
static void expected_text(double x, char *out, size_t cap)
{
    int lo = fabs(x) < DBL_MIN ? 1 : 15;
    for (int p = lo; p <= 17; p++) {
        snprintf(out, cap, "%.*g", p, x);
        if (to_bits(strtod(out, NULL)) == to_bits(x))
            return;
    }
    ck_abort_msg("%%.17g does not round-trip %a", x);
}

START_TEST(format_known_values)
{
    char buf[CIX_DOUBLE_BUFSIZE];
    struct {
        double x;
        const char *text;
    } cases[] = {
        {0.1, "0.1"},       {1e-300, "1e-300"},   {-2.5, "-2.5"},     {0.0, "0"},
        {-0.0, "-0"},       {1.0, "1"},           {100.0, "100"},     {1e15, "1e+15"},
        {123456.0, "123456"}, {0.0001, "0.0001"}, {0.00001, "1e-05"}, {1.0 / 3, "0.3333333333333333"},
        {2.0 / 3, "0.6666666666666666"}, {DBL_MAX, "1.7976931348623157e+308"},
        {DBL_MIN, "2.2250738585072014e-308"}, {5e-324, "5e-324"},
        {36102.6, "36102.6"}, {1e21, "1e+21"},   {123456789012345.0, "123456789012345"},
        {1234567890123456.0, "1234567890123456"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cix_format_double(cases[i].x, buf);
        ck_assert_str_eq(buf, cases[i].text);
        ck_assert_uint_eq(n, strlen(cases[i].text));
    }
    ck_assert_uint_eq(cix_format_double(NAN, buf), 0);
    ck_assert_str_eq(buf, "");
    ck_assert_uint_eq(cix_format_double(INFINITY, buf), 3);
    ck_assert_str_eq(buf, "inf");
    ck_assert_uint_eq(cix_format_double(-INFINITY, buf), 4);
    ck_assert_str_eq(buf, "-inf");
}
END_TEST

static void check_format(double x)
{
    char buf[CIX_DOUBLE_BUFSIZE], want[64];
    double back;
    size_t n = cix_format_double(x, buf);
    ck_assert_uint_lt(n, CIX_DOUBLE_BUFSIZE);
    ck_assert_uint_eq(n, strlen(buf));
    ck_assert_msg(cix_parse_double(buf, n, &back) == 0, "'%s' does not parse", buf);
    ck_assert_msg(to_bits(back) == to_bits(x), "%a printed as '%s' reads back as %a", x, buf,
                  back);
    ck_assert_msg(to_bits(strtod(buf, NULL)) == to_bits(x), "strtod('%s') != %a", buf, x);
    expected_text(x, want, sizeof want);
    ck_assert_str_eq(buf, want);
}

START_TEST(format_round_trips)
{
    for (int i = 0; i < 40000; i++) {
        double x = from_bits(rnd());
        if (isfinite(x))
            check_format(x);
    }
    for (int i = 0; i < 5000; i++) {
        check_format(from_bits(rnd() & 0x000FFFFFFFFFFFFFull)); /* subnormal */
        check_format((double)(int64_t)(rnd() % 2000001) / 1000.0 - 1000.0); /* data-like */
        check_format((double)(rnd() % 100000) * pow(10, (double)(rnd() % 40) - 20));
    }
}
END_TEST

/* The integer path of cix_format_double decides the digits and the
 * round trip itself; these cases sit on its edges: powers of two (the gap
 * below is half the gap above), exact ties at the 15th to 17th digit (ties
 * to even), whole numbers around 10^15..10^18, the magnitudes where it hands
 * over to printf (below ~1e-7, above ~1e21) and data-like values. */
START_TEST(format_edges_of_the_exact_path)
{
    for (int k = -90; k <= 90; k++) {
        double x = ldexp(1.0, k);
        check_format(x);
        check_format(nextafter(x, 0.0));
        check_format(nextafter(x, INFINITY));
        check_format(3 * x);
        check_format(pow(10.0, k / 3.0));
    }
    for (int k = -30; k <= 30; k++) {
        double x = pow(10.0, k);
        check_format(x);
        check_format(nextafter(x, 0.0));
        check_format(nextafter(x, INFINITY));
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t t = rnd() % (UINT64_C(1) << 53);
        check_format((double)t / 2); /* ties at the 16th/17th digit */
        check_format((double)t / 8);
        check_format((double)(t >> 3) / 1024);
        check_format(ldexp((double)(t | 1), -(int)(rnd() % 80)));
        check_format((double)(rnd() % UINT64_C(100000000000000000)) * 10);
        check_format((double)(rnd() % UINT64_C(1000000000000000000)));
        check_format((double)(rnd() >> 11) / 9007199254740992.0 * 100); /* scores */
        check_format(from_bits((rnd() & UINT64_C(0x800FFFFFFFFFFFFF)) |
                               ((uint64_t)(1023 - 75 + rnd() % 150) << 52)));
    }
}
END_TEST

START_TEST(locale_with_decimal_comma)
{
    char buf[CIX_DOUBLE_BUFSIZE], probe[16];
    static const char csv[] = "region;year;gdp\nBeijing;2020;3.5\nShanghai;2020;1e-3\n";
    cix_panel *p = NULL;
    cix_error err;
    double v;

    if (!setlocale(LC_ALL, "de_DE.UTF-8"))
        ck_abort_msg("the de_DE.UTF-8 locale (decimal comma) is not installed; install it "
                     "with: apt-get install locales && sed -i "
                     "'s/^# *de_DE.UTF-8/de_DE.UTF-8/' /etc/locale.gen && locale-gen");
    snprintf(probe, sizeof probe, "%.1f", 2.5);
    ck_assert_msg(strcmp(probe, "2,5") == 0, "de_DE.UTF-8 does not use a decimal comma (%s)",
                  probe);

    ck_assert_int_eq(cix_parse_double("3.5", 3, &v), 0);
    ck_assert(v == 3.5);
    ck_assert_int_eq(cix_parse_double("3,5", 3, &v), -1);
    ck_assert_int_eq(cix_parse_double("0.1234567890123456789", 21, &v), 0);
    ck_assert(v == 0.1234567890123456789);
    cix_format_double(3.5, buf);
    ck_assert_str_eq(buf, "3.5");
    cix_format_double(1e-300, buf);
    ck_assert_str_eq(buf, "1e-300");
    cix_format_double(-0.6666666666666666, buf);
    ck_assert_str_eq(buf, "-0.6666666666666666");
    for (int i = 0; i < 2000; i++) {
        double x = from_bits(rnd()), back;
        size_t n;
        if (!isfinite(x))
            continue;
        n = cix_format_double(x, buf);
        ck_assert_msg(strchr(buf, ',') == NULL, "'%s' has a comma", buf);
        ck_assert_int_eq(cix_parse_double(buf, n, &back), 0);
        ck_assert(to_bits(back) == to_bits(x));
    }
    ck_assert_cix_ok(cix_panel_read_buffer(csv, sizeof csv - 1, "de.csv", NULL, &p, &err),
                     &err);
    ck_assert(cix_panel_value(p, 0, 0) == 3.5);
    ck_assert(cix_panel_value(p, 1, 0) == 0.001);
    cix_panel_free(p);
    setlocale(LC_ALL, "C");
}
END_TEST

static Suite *number_suite(void)
{
    Suite *s = suite_create("number");
    TCase *tc = tcase_create("number");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, parse_known_values);
    tcase_add_test(tc, parse_rejects_non_numbers);
    tcase_add_test(tc, parse_word_path_edges);
    tcase_add_test(tc, parse_random_bit_patterns);
    tcase_add_test(tc, parse_random_long_mantissas);
    tcase_add_test(tc, parse_random_short_decimals);
    tcase_add_test(tc, parse_exact_midpoints);
    tcase_add_test(tc, parse_extremes);
    tcase_add_test(tc, parse_product_boundaries);
    tcase_add_test(tc, parse_near_midpoints_by_digits);
    tcase_add_test(tc, parse_stream_edges);
    tcase_add_test(tc, format_known_values);
    tcase_add_test(tc, format_round_trips);
    tcase_add_test(tc, format_edges_of_the_exact_path);
    tcase_add_test(tc, locale_with_decimal_comma);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(number_suite());
}
