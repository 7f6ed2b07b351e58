/* Parsing indicator directions: "+", "-", "[a,b]", "=t" (METHODS.md §1). */
#include <math.h>
#include <string.h>

#include "../internal.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses s[0..len) as a number, ignoring spaces around it. */
static int parse_number(const char *s, size_t len, double *out)
{
    while (len > 0 && is_space(*s)) {
        s++;
        len--;
    }
    while (len > 0 && is_space(s[len - 1]))
        len--;
    if (len == 0 || cix_parse_double(s, len, out) != 0)
        return -1;
    return isfinite(*out) ? 0 : -1;
}

int cix_direction_parse(const char *text, cix_direction *out)
{
    size_t len;
    cix_direction d;

    if (!text || !out)
        return -1;
    while (is_space(*text))
        text++;
    len = strlen(text);
    while (len > 0 && is_space(text[len - 1]))
        len--;
    if (len == 0)
        return -1;
    d.a = d.b = 0.0;
    if (len == 1 && text[0] == '+') {
        d.kind = CIX_DIR_BENEFIT;
    } else if (len == 1 && text[0] == '-') {
        d.kind = CIX_DIR_COST;
    } else if (text[0] == '=') {
        d.kind = CIX_DIR_TARGET;
        if (parse_number(text + 1, len - 1, &d.a) != 0)
            return -1;
        d.b = d.a;
    } else if (text[0] == '[' && text[len - 1] == ']') {
        const char *comma = memchr(text + 1, ',', len - 2);
        if (!comma || memchr(comma + 1, ',', (size_t)(text + len - 1 - (comma + 1))))
            return -1;
        d.kind = CIX_DIR_INTERVAL;
        if (parse_number(text + 1, (size_t)(comma - (text + 1)), &d.a) != 0 ||
            parse_number(comma + 1, (size_t)(text + len - 1 - (comma + 1)), &d.b) != 0)
            return -1;
        if (!(d.a <= d.b))
            return -1;
    } else {
        return -1;
    }
    *out = d;
    return 0;
}
