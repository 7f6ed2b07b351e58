/* Cell-level helpers of the CSV reader (see csv_cells.h). */
#include <stdio.h>
#include <string.h>

#include "csv_cells.h"

const char *cix_i_trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

void cix_i_quote_text(const char *s, size_t len, char *buf, size_t cap)
{
    size_t n = len;
    int cut = 0;
    if (cap < CIX_I_QUOTE_MAX + 4) {
        if (cap)
            buf[0] = '\0';
        return;
    }
    if (n > CIX_I_QUOTE_MAX) {
        n = CIX_I_QUOTE_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        cut = 1;
    }
    memcpy(buf, s, n);
    if (cut)
        memcpy(buf + n, "...", 3), n += 3;
    buf[n] = '\0';
}

cix_status cix_i_check_name(const char *s, size_t len, char *msg, size_t cap)
{
    size_t bad;
    if (!cix_i_utf8_valid(s, len, &bad)) {
        snprintf(msg, cap,
                 "byte %zu of the field (0x%02X) is not valid UTF-8: the file is probably "
                 "in another encoding, such as GBK/GB18030 (common for Chinese data); "
                 "convert it with: iconv -f GB18030 -t UTF-8 FILE > FILE.utf8.csv",
                 bad + 1, (unsigned)(unsigned char)s[bad]);
        return CIX_EPARSE;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) {
            snprintf(msg, cap,
                     "the field contains a NUL byte (byte %zu): the file is probably "
                     "UTF-16; save it as UTF-8",
                     i + 1);
            return CIX_EPARSE;
        }
        if (c < 0x20 || c == 0x7F) {
            snprintf(msg, cap,
                     "the name contains a control character (0x%02X at byte %zu, e.g. a "
                     "line break or tab inside quotes): remove it",
                     (unsigned)c, i + 1);
            return CIX_EPARSE;
        }
    }
    return CIX_OK;
}

int cix_i_parse_year(const char *s, size_t len, int32_t *out)
{
    size_t i = 0;
    int neg = 0;
    int64_t v = 0;
    if (i < len && (s[i] == '+' || s[i] == '-')) {
        neg = s[i] == '-';
        i++;
    }
    if (i == len || len - i > 10)
        return -1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v <= (int64_t)INT32_MIN || v > (int64_t)INT32_MAX)
        return -1;
    *out = (int32_t)v;
    return 0;
}

static int lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int equal_nocase(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != word[i])
            return 0;
    return 1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Length of the thousands separator at s[0..len), or 0. */
static size_t separator_at(const char *s, size_t len, char sep_ascii)
{
    if (len >= 1 && s[0] == sep_ascii)
        return 1;
    if (sep_ascii == ' ') {
        if (len >= 2 && memcmp(s, "\xC2\xA0", 2) == 0) /* no-break space */
            return 2;
        if (len >= 3 && (memcmp(s, "\xE2\x80\xAF", 3) == 0 ||  /* narrow no-break space */
                         memcmp(s, "\xE2\x80\x89", 3) == 0))   /* thin space */
            return 3;
    }
    return 0;
}

/*
 * 1 if s is [sign] d{1,3} (SEP d{3})+ [. d+] with separator family sep_ascii
 * (',', '\'' or ' ' which also covers no-break and thin spaces); the digits
 * without separators are written to plain (NUL-terminated, cut at cap).
 */
static int grouped_number(const char *s, size_t len, char sep_ascii, char *plain,
                          size_t cap)
{
    size_t i = 0, n = 0, run = 0, groups = 0;
    int ok = 1;
#define PUT(c) ((n + 1 < cap) ? (void)(plain[n++] = (c)) : (void)0)
    if (i < len && (s[i] == '+' || s[i] == '-'))
        PUT(s[i]), i++;
    while (i < len && is_digit(s[i]))
        PUT(s[i]), i++, run++;
    if (run < 1 || run > 3)
        ok = 0;
    while (ok && i < len && s[i] != '.') {
        size_t k = separator_at(s + i, len - i, sep_ascii);
        if (k == 0) {
            ok = 0;
            break;
        }
        i += k;
        run = 0;
        while (i < len && is_digit(s[i]))
            PUT(s[i]), i++, run++;
        if (run != 3)
            ok = 0;
        groups++;
    }
    if (ok && i < len) { /* '.' then digits */
        PUT('.');
        i++;
        run = 0;
        while (i < len && is_digit(s[i]))
            PUT(s[i]), i++, run++;
        if (run == 0 || i != len)
            ok = 0;
    }
#undef PUT
    plain[n] = '\0';
    return ok && groups > 0;
}

/* 1 if s is [sign] d* ',' d+ (one decimal comma); plain gets it with a '.'. */
static int decimal_comma(const char *s, size_t len, char *plain, size_t cap)
{
    size_t i = 0, commas = 0, digits = 0, after = 0;
    if (len + 1 > cap)
        return 0;
    for (; i < len; i++) {
        char c = s[i];
        if ((c == '+' || c == '-') && i == 0) {
        } else if (is_digit(c)) {
            digits++;
            if (commas)
                after++;
        } else if (c == ',' && commas == 0) {
            commas++;
            c = '.';
        } else {
            return 0;
        }
        plain[i] = c;
    }
    plain[len] = '\0';
    return commas == 1 && after > 0 && digits > 0;
}

void cix_i_describe_bad_number(const char *s, size_t len, char delim, char *msg,
                               size_t cap)
{
    char q[CIX_I_QUOTE_MAX + 4], plain[64], alt[64];
    const char *w = s;
    size_t wl = len;
    double dummy;

    cix_i_quote_text(s, len, q, sizeof q);
    if (wl > 0 && (*w == '+' || *w == '-'))
        w++, wl--;
    if (equal_nocase(w, wl, "inf") || equal_nocase(w, wl, "infinity") ||
        equal_nocase(w, wl, "nan")) {
        snprintf(msg, cap,
                 "'%s' is not accepted as a value: leave the cell empty or write NA if "
                 "the value is missing, or put the actual number there",
                 q);
        return;
    }
    if (grouped_number(s, len, ',', plain, sizeof plain)) {
        if (delim == ';' && decimal_comma(s, len, alt, sizeof alt))
            snprintf(msg, cap,
                     "'%s' is not a number: if the comma is a thousands separator write "
                     "%s; if it is a decimal comma write %s (numbers use a decimal "
                     "point and no thousands separators)",
                     q, plain, alt);
        else
            snprintf(msg, cap,
                     "'%s' is not a number: it has a thousands separator; write it "
                     "without separators, as %s",
                     q, plain);
        return;
    }
    if (grouped_number(s, len, ' ', plain, sizeof plain) ||
        grouped_number(s, len, '\'', plain, sizeof plain)) {
        snprintf(msg, cap,
                 "'%s' is not a number: it has thousands separators; write it without "
                 "separators, as %s",
                 q, plain);
        return;
    }
    if (decimal_comma(s, len, plain, sizeof plain)) {
        snprintf(msg, cap,
                 "'%s' is not a number: it uses a decimal comma; write numbers with a "
                 "decimal point, as %s",
                 q, plain);
        return;
    }
    if (len > 1 && s[len - 1] == '%') {
        size_t k = len - 1;
        const char *t = cix_i_trim(s, &k);
        if (cix_parse_double(t, k, &dummy) == 0) {
            snprintf(msg, cap,
                     "'%s' is not a number: it has a percent sign; write the number "
                     "without it (and say in the indicator's documentation that it is "
                     "a percentage)",
                     q);
            return;
        }
    }
    snprintf(msg, cap,
             "'%s' is not a number: write a decimal number such as 12.5 (a point as "
             "the decimal separator, no thousands separators), or leave the cell empty "
             "or write NA if the value is missing",
             q);
}
