/*
 * Decimal numbers: parsing (correctly rounded, as strtod) and shortest
 * round-trip printing, both independent of the process locale.
 *
 * Parsing. The text is first split into sign, significant digits and a
 * decimal exponent, so that value = D x 10^e with D an integer. When
 * D <= 2^53 and |e| <= 22 both D and 10^e are exact doubles and one IEEE
 * multiplication or division gives the correctly rounded result (Clinger's
 * fast path). Otherwise the digits are rewritten in the canonical
 * form "[-]DDDDeNNN" (no decimal point) and handed to strtod. That form
 * contains no locale-dependent character, and the C standard lets a locale
 * only *add* accepted forms, never change the meaning of the standard one,
 * so strtod reads it the same way under any LC_NUMERIC. At most 800
 * significant digits are passed on; further digits are replaced by a single
 * '1' when any of them is non-zero. This keeps the buffer on the stack and
 * the rounding exact: the midpoint between two adjacent doubles never needs
 * more than 767 significant digits, so the shortened text lies on the same
 * side of every midpoint as the original.
 *
 * Printing. printf's "%.Ne" is used for the digits (the only locale-dependent
 * part of its output is the decimal point, which is skipped), and the text
 * is laid out as "%.Ng" does in the C locale. N = 15, 16, 17 is tried in turn
 * and the first text that reads back to the same bits is kept: when a text of
 * at most 15 digits reads back to x, "%.15g" finds it, so the result is the
 * shortest. Subnormal numbers carry fewer significant bits; for them every N
 * from 1 to 17 is tried.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

#define MAX_DIGITS 800      /* significant digits passed to strtod */
#define EXP_LIMIT 99999     /* |exponent| beyond which the result is 0 or inf */

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The k-th digit of the digit sequence int part ++ fraction part. */
static char digit_at(const char *ip, size_t nint, const char *fp, size_t k)
{
    return k < nint ? ip[k] : fp[k - nint];
}

int cix_parse_double(const char *s, size_t len, double *out)
{
    size_t i = 0, nint, nfrac, ntot, first, last, nsig;
    const char *ip, *fp;
    int neg = 0, nd = 0, sticky = 0;
    int64_t e10 = 0, dexp = 0;
    uint64_t m = 0; /* the first (up to 19) significant digits */

    if (!s || !out)
        return -1;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    ip = s + i;
    for (; i < len && is_digit(s[i]); i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (nd == 0 && d == 0)
            continue;
        if (nd < 19) {
            m = m * 10 + d;
            nd++;
        } else {
            dexp++;
            sticky |= d != 0;
        }
    }
    nint = (size_t)(s + i - ip);
    fp = s + i;
    nfrac = 0;
    if (i < len && s[i] == '.') {
        i++;
        fp = s + i;
        for (; i < len && is_digit(s[i]); i++) {
            unsigned d = (unsigned)(s[i] - '0');
            if (nd == 0 && d == 0) {
                dexp--;
            } else if (nd < 19) {
                m = m * 10 + d;
                nd++;
                dexp--;
            } else {
                sticky |= d != 0;
            }
        }
        nfrac = (size_t)(s + i - fp);
    }
    if (nint == 0 && nfrac == 0)
        return -1; /* "", ".", "+", "inf", "nan", ... */
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        int eneg = 0;
        if (j < len && (s[j] == '+' || s[j] == '-')) {
            eneg = s[j] == '-';
            j++;
        }
        if (j == len || !is_digit(s[j]))
            return -1; /* "1e", "1e+" */
        for (; j < len && is_digit(s[j]); j++)
            if (e10 < 1000000000) /* saturates; the result is 0 or inf anyway */
                e10 = e10 * 10 + (s[j] - '0');
        e10 = eneg ? -e10 : e10;
        i = j;
    }
    if (i != len)
        return -1; /* trailing characters, hex "0x..." */

    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return 0;
    }
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    /* value = m x 10^(dexp + e10) exactly (no digit dropped); m and the power
     * of ten are exact doubles, so one operation rounds correctly */
    if (!sticky && m <= (UINT64_C(1) << 53)) {
        int64_t e = dexp + e10;
        if (e >= -22 && e <= 22) {
            double v = (double)m;
            v = e >= 0 ? v * pow10_exact[e] : v / pow10_exact[-e];
            *out = neg ? -v : v;
            return 0;
        }
        /* m x 10^(e-22) may still be an exact integer below 2^53 */
        if (e > 22 && e <= 22 + 15) {
            uint64_t mm = m;
            int64_t k = 22;
            for (; k < e && mm <= (UINT64_C(1) << 53) / 10; k++)
                mm *= 10;
            if (k == e) {
                *out = neg ? -((double)mm * 1e22) : (double)mm * 1e22;
                return 0;
            }
        }
    }
#endif

    /* Slow path: the significant digits in canonical form, through strtod. */
    ntot = nint + nfrac;
    for (first = 0; digit_at(ip, nint, fp, first) == '0'; first++)
        ; /* m != 0: there is a non-zero digit */
    for (last = ntot - 1; digit_at(ip, nint, fp, last) == '0'; last--)
        ;
    nsig = last - first + 1;
    {
        char buf[MAX_DIGITS + 32];
        size_t p = 0, ndig = nsig < MAX_DIGITS ? nsig : MAX_DIGITS;
        int64_t e;
        int saved_errno = errno;
        char *end;
        double v;

        if (neg)
            buf[p++] = '-';
        for (size_t k = 0; k < ndig; k++)
            buf[p++] = digit_at(ip, nint, fp, first + k);
        if (nsig > MAX_DIGITS) {
            buf[p++] = '1'; /* sticky digit: the dropped tail is non-zero */
            ndig++;
        }
        /* the written digits end at position first + ndig - 1 */
        e = (int64_t)nint - (int64_t)first - (int64_t)ndig + e10;
        if (e > EXP_LIMIT)
            e = EXP_LIMIT;
        if (e < -EXP_LIMIT)
            e = -EXP_LIMIT;
        snprintf(buf + p, sizeof buf - p, "e%ld", (long)e);
        v = strtod(buf, &end);
        errno = saved_errno;
        if (*end != '\0')
            return -1; /* cannot happen: the canonical form is always complete */
        *out = v;
        return 0;
    }
}

/*
 * Significant digits and decimal exponent of x > 0 rounded to prec digits,
 * from printf's "%.*e" (any decimal point character is skipped). digits gets
 * prec characters, not NUL-terminated. Returns 0, or -1 on a surprise.
 */
static int e_digits(double x, int prec, char *digits, int *exp10)
{
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x), nd = 0;
    const char *p;

    if (n <= 0 || (size_t)n >= sizeof tmp)
        return -1;
    for (p = tmp; *p && *p != 'e' && *p != 'E'; p++)
        if (is_digit(*p)) {
            if (nd == prec)
                return -1;
            digits[nd++] = *p;
        }
    if (nd != prec || !*p)
        return -1;
    *exp10 = (int)strtol(p + 1, NULL, 10);
    return 0;
}

/* Lays out digits/exponent like "%.{prec}g" in the C locale. */
static size_t g_layout(int neg, const char *digits, int prec, int x, char *buf)
{
    size_t n = 0;
    int nd = prec;

    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (neg)
        buf[n++] = '-';
    if (x < -4 || x >= prec) {
        buf[n++] = digits[0];
        if (nd > 1) {
            buf[n++] = '.';
            for (int k = 1; k < nd; k++)
                buf[n++] = digits[k];
        }
        n += (size_t)sprintf(buf + n, "e%c%02d", x < 0 ? '-' : '+', x < 0 ? -x : x);
        return n;
    }
    if (x >= 0) {
        for (int k = 0; k <= x; k++)
            buf[n++] = k < nd ? digits[k] : '0';
        if (nd > x + 1) {
            buf[n++] = '.';
            for (int k = x + 1; k < nd; k++)
                buf[n++] = digits[k];
        }
    } else {
        buf[n++] = '0';
        buf[n++] = '.';
        for (int k = 0; k < -x - 1; k++)
            buf[n++] = '0';
        for (int k = 0; k < nd; k++)
            buf[n++] = digits[k];
    }
    buf[n] = '\0';
    return n;
}

size_t cix_format_double(double x, char buf[CIX_DOUBLE_BUFSIZE])
{
    double ax = fabs(x);
    int neg = signbit(x) != 0;
    int lo, hi;
    size_t n = 0;

    if (isnan(x)) {
        buf[0] = '\0';
        return 0;
    }
    if (isinf(x)) {
        strcpy(buf, neg ? "-inf" : "inf");
        return neg ? 4 : 3;
    }
    if (ax == 0.0) {
        strcpy(buf, neg ? "-0" : "0");
        return neg ? 2 : 1;
    }
    lo = ax < DBL_MIN ? 1 : 15;
    hi = 17;
    for (int prec = lo; prec <= hi; prec++) {
        char digits[17];
        int e;
        double back;
        if (e_digits(ax, prec, digits, &e) != 0)
            continue;
        n = g_layout(neg, digits, prec, e, buf);
        if (cix_parse_double(buf, n, &back) == 0 && memcmp(&back, &x, sizeof x) == 0)
            return n;
    }
    /* 17 significant digits always read back; reaching this means printf
     * misbehaved. Fall back to the 17-digit text built above. */
    return n;
}
