/*
 * Fuzz target for the CSV panel reader (libFuzzer entry point; also run over
 * the sample inputs by replay_main.c in every build).
 *
 * Each input is read with the default options and with options chosen by its
 * last byte, each time once as a whole and once in chunks whose size comes
 * from its first byte; the two results must be identical. Every value of a panel that was read must print and read
 * back bit for bit. Short inputs are also given to cix_parse_double, whose
 * result must match strtod's when it accepts the text.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix/cix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                       \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void check_same_panel(const cix_panel *a, const cix_panel *b)
{
    CHECK(cix_panel_nrows(a) == cix_panel_nrows(b));
    CHECK(cix_panel_nindicators(a) == cix_panel_nindicators(b));
    CHECK(cix_panel_has_year(a) == cix_panel_has_year(b));
    for (size_t j = 0; j < cix_panel_nindicators(a); j++)
        CHECK(strcmp(cix_panel_indicator(a, j), cix_panel_indicator(b, j)) == 0);
    for (size_t i = 0; i < cix_panel_nrows(a); i++) {
        CHECK(strcmp(cix_panel_row_region(a, i), cix_panel_row_region(b, i)) == 0);
        CHECK(cix_panel_row_year(a, i) == cix_panel_row_year(b, i));
        for (size_t j = 0; j < cix_panel_nindicators(a); j++)
            CHECK(same_bits(cix_panel_value(a, i, j), cix_panel_value(b, i, j)));
    }
}

static void check_same_error(const cix_error *a, const cix_error *b)
{
    CHECK(a->status == b->status);
    CHECK(a->line == b->line && a->column == b->column);
    CHECK(a->year == b->year);
    CHECK(strcmp(a->file, b->file) == 0);
    CHECK(strcmp(a->indicator, b->indicator) == 0);
    CHECK(strcmp(a->region, b->region) == 0);
    CHECK(strcmp(a->message, b->message) == 0);
}

static void check_panel(const cix_panel *p)
{
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
    CHECK(n > 0 && J > 0);
    CHECK(cix_panel_validate(p, NULL) == CIX_OK);
    for (size_t j = 0; j < J; j++) {
        const double *col = cix_panel_column_const(p, j);
        CHECK(col != NULL && cix_panel_indicator(p, j)[0] != '\0');
        for (size_t i = 0; i < n; i++) {
            char buf[CIX_DOUBLE_BUFSIZE];
            double back;
            size_t len;
            CHECK(!isinf(col[i]));
            if (isnan(col[i]))
                continue;
            len = cix_format_double(col[i], buf);
            CHECK(len > 0 && len < CIX_DOUBLE_BUFSIZE && strlen(buf) == len);
            CHECK(cix_parse_double(buf, len, &back) == 0 && same_bits(back, col[i]));
        }
    }
    for (size_t i = 0; i < n; i++)
        CHECK(cix_panel_row_region(p, i)[0] != '\0');
}

static cix_status read_chunked(const uint8_t *data, size_t size, size_t chunk,
                               const cix_read_options *o, cix_panel **out, cix_error *err)
{
    cix_reader *r = NULL;
    cix_status st = cix_reader_create("fuzz.csv", o, &r, err);
    *out = NULL;
    for (size_t off = 0; st == CIX_OK && off < size; off += chunk)
        st = cix_reader_feed(r, data + off, size - off < chunk ? size - off : chunk, err);
    if (st == CIX_OK)
        st = cix_reader_finish(r, out, err);
    cix_reader_free(r);
    return st;
}

static void check_number(const uint8_t *data, size_t size)
{
    char text[80];
    double mine, theirs;
    char *end;
    if (size >= sizeof text)
        return;
    memcpy(text, data, size);
    text[size] = '\0';
    if (cix_parse_double((const char *)data, size, &mine) != 0)
        return;
    theirs = strtod(text, &end);
    CHECK(end == text + size);
    CHECK(same_bits(mine, theirs));
}

/* Reads the input whole and in chunks with options o; both must agree. */
static void check_read(const uint8_t *data, size_t size, const cix_read_options *o,
                       size_t chunk)
{
    cix_panel *whole = NULL, *parts = NULL;
    cix_error e1, e2;
    cix_status s1 = cix_panel_read_buffer(data, size, "fuzz.csv", o, &whole, &e1);
    cix_status s2 = read_chunked(data, size, chunk, o, &parts, &e2);
    CHECK(s1 == s2);
    if (s1 == CIX_OK) {
        CHECK(whole && parts);
        check_panel(whole);
        check_same_panel(whole, parts);
    } else {
        CHECK(!whole && !parts);
        CHECK(s1 == CIX_EPARSE || s1 == CIX_EDATA);
        CHECK(e1.message[0] != '\0');
        check_same_error(&e1, &e2);
    }
    cix_panel_free(whole);
    cix_panel_free(parts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delims[4] = {0, ',', ';', '\t'};
    cix_read_options o;
    unsigned sel = size ? data[size - 1] : 0;
    size_t chunk = size ? 1 + data[0] % 16 : 1;

    check_number(data, size);
    cix_read_options_init(&o);
    check_read(data, size, &o, chunk);
    o.form = (cix_csv_form)(sel % 3);
    o.delimiter = delims[(sel / 3) % 4];
    if (o.form != CIX_FORM_AUTO || o.delimiter != 0)
        check_read(data, size, &o, chunk);
    return 0;
}
