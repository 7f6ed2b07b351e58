/* Display width of UTF-8 text, for aligning table columns.
 *
 * The locale's wcwidth() is not used: it depends on the locale the program
 * runs in (and in the "C" locale every non-ASCII character is unprintable).
 * Instead the East Asian Width property is checked directly: characters of
 * class W (wide) and F (fullwidth) take two columns, combining marks and
 * controls none, everything else one. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cli.h"

size_t cli_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;
    size_t n, i;

    if (len == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    c = u[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        c &= 0x07;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len < n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (i = 1; i < n; i++) {
        if ((u[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        c = (c << 6) | (u[i] & 0x3F);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = c;
    return n;
}

typedef struct range {
    uint32_t lo, hi;
} range;

/* East Asian Wide (W) and Fullwidth (F) ranges, ascending. */
static const range wide[] = {
    {0x1100, 0x115F},   /* Hangul Jamo initial consonants */
    {0x231A, 0x231B},   /* watch, hourglass */
    {0x2329, 0x232A},   /* angle brackets */
    {0x23E9, 0x23EC},   {0x23F0, 0x23F0}, {0x23F3, 0x23F3},
    {0x25FD, 0x25FE},   {0x2614, 0x2615}, {0x2648, 0x2653},
    {0x267F, 0x267F},   {0x2693, 0x2693}, {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE}, {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4}, {0x26EA, 0x26EA},
    {0x26F2, 0x26F3},   {0x26F5, 0x26F5}, {0x26FA, 0x26FA},
    {0x26FD, 0x26FD},   {0x2705, 0x2705}, {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C}, {0x274E, 0x274E},
    {0x2753, 0x2755},   {0x2757, 0x2757}, {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF}, {0x2B1B, 0x2B1C},
    {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   /* CJK radicals, Kangxi, ideographic description,
                           CJK symbols and punctuation (U+303F is narrow) */
    {0x3041, 0x33FF},   /* Hiragana .. CJK compatibility */
    {0x3400, 0x4DBF},   /* CJK extension A */
    {0x4E00, 0x9FFF},   /* CJK unified ideographs */
    {0xA000, 0xA4CF},   /* Yi */
    {0xA960, 0xA97F},   /* Hangul Jamo extended A */
    {0xAC00, 0xD7A3},   /* Hangul syllables */
    {0xF900, 0xFAFF},   /* CJK compatibility ideographs */
    {0xFE10, 0xFE19},   /* vertical forms */
    {0xFE30, 0xFE6F},   /* CJK compatibility forms, small form variants */
    {0xFF00, 0xFF60},   /* fullwidth forms */
    {0xFFE0, 0xFFE6},   /* fullwidth signs */
    {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, /* Tangut */
    {0x1B000, 0x1B2FF}, /* Kana supplement and extensions, Nushu */
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E},
    {0x1F191, 0x1F19A}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B},
    {0x1F240, 0x1F248}, {0x1F250, 0x1F251}, {0x1F260, 0x1F265},
    {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C},
    {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3},
    {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D},
    {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F},
    {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC},
    {0x1F7E0, 0x1F7EB}, {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945},
    {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, /* CJK extensions B..F, compatibility supplement */
    {0x30000, 0x3FFFD}, /* CJK extensions G.. */
};

/* Combining marks and other characters that take no column. */
static const range zero[] = {
    {0x0300, 0x036F},   /* combining diacritical marks */
    {0x0483, 0x0489},   {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F},   {0x0E31, 0x0E31}, {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E},
    {0x1160, 0x11FF},   /* Hangul Jamo medial vowels, final consonants */
    {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF},
    {0x200B, 0x200F},   /* zero width space, joiners, marks */
    {0x202A, 0x202E},   {0x2060, 0x2064},
    {0x20D0, 0x20FF},   /* combining marks for symbols */
    {0x302A, 0x302D},   /* ideographic tone marks */
    {0x3099, 0x309A},   /* kana voicing marks */
    {0xFE00, 0xFE0F},   /* variation selectors */
    {0xFE20, 0xFE2F},   /* combining half marks */
    {0xFEFF, 0xFEFF},   /* zero width no-break space */
    {0xE0100, 0xE01EF}, /* variation selectors supplement */
};

static int in_ranges(uint32_t cp, const range *r, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return 1;
    }
    return 0;
}

int cli_char_width(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
        return 0;
    if (cp < 0x300)
        return 1;
    if (in_ranges(cp, zero, sizeof zero / sizeof zero[0]))
        return 0;
    /* The two zero-width ranges inside the wide block were checked above. */
    if (in_ranges(cp, wide, sizeof wide / sizeof wide[0]))
        return 2;
    return 1;
}

size_t cli_display_width(const char *s)
{
    size_t len = strlen(s), i = 0, w = 0;
    while (i < len) {
        uint32_t cp;
        i += cli_utf8_decode(s + i, len - i, &cp);
        w += (size_t)cli_char_width(cp);
    }
    return w;
}
