/* The reader's fast path (wide rows of a whole buffer or file, in one or more
 * threads) gives exactly what the general libcsv reader gives: the same
 * panel bit for bit, or the same error with the same line, column and
 * message, whatever the number of threads and wherever the chunks split. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cix_test.h"
#include "io/read_fast.h"

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void assert_panels_equal(const cix_panel *a, const cix_panel *b)
{
    ck_assert_uint_eq(cix_panel_nrows(a), cix_panel_nrows(b));
    ck_assert_uint_eq(cix_panel_nindicators(a), cix_panel_nindicators(b));
    ck_assert_int_eq(cix_panel_has_year(a), cix_panel_has_year(b));
    ck_assert_uint_eq(cix_panel_nregions(a), cix_panel_nregions(b));
    ck_assert_uint_eq(cix_panel_nyears(a), cix_panel_nyears(b));
    for (size_t k = 0; k < cix_panel_nyears(a); k++)
        ck_assert_int_eq(cix_panel_year_at(a, k), cix_panel_year_at(b, k));
    for (size_t j = 0; j < cix_panel_nindicators(a); j++)
        ck_assert_str_eq(cix_panel_indicator(a, j), cix_panel_indicator(b, j));
    for (size_t i = 0; i < cix_panel_nrows(a); i++) {
        ck_assert_str_eq(cix_panel_row_region(a, i), cix_panel_row_region(b, i));
        ck_assert_int_eq(cix_panel_row_year(a, i), cix_panel_row_year(b, i));
        for (size_t j = 0; j < cix_panel_nindicators(a); j++)
            ck_assert_msg(same_double(cix_panel_value(a, i, j), cix_panel_value(b, i, j)),
                          "cell (%zu,%zu): %.17g vs %.17g", i, j, cix_panel_value(a, i, j),
                          cix_panel_value(b, i, j));
    }
}

static void assert_errors_equal(const cix_error *a, const cix_error *b)
{
    ck_assert_int_eq(a->status, b->status);
    ck_assert_str_eq(a->file, b->file);
    ck_assert_uint_eq(a->line, b->line);
    ck_assert_uint_eq(a->column, b->column);
    ck_assert_str_eq(a->indicator, b->indicator);
    ck_assert_str_eq(a->region, b->region);
    ck_assert_int_eq(a->year, b->year);
    ck_assert_str_eq(a->message, b->message);
}

/* The general reader: the incremental API, fed in pieces of 4096 bytes. */
static cix_status read_general(const char *text, size_t len, const char *name,
                               const cix_read_options *o, cix_panel **out, cix_error *err)
{
    cix_reader *r = NULL;
    cix_status st = cix_reader_create(name, o, &r, err);
    *out = NULL;
    for (size_t off = 0; st == CIX_OK && off < len; off += 4096)
        st = cix_reader_feed(r, text + off, len - off < 4096 ? len - off : 4096, err);
    if (st == CIX_OK)
        st = cix_reader_finish(r, out, err);
    cix_reader_free(r);
    return st;
}

/* Reads `text` from memory and from a file with 1, 2, 3 and 7 threads and
 * checks each result against the general reader. Returns the status. */
static cix_status check_text(const char *text, size_t len, const cix_read_options *base)
{
    static const int threads[] = {1, 2, 3, 7, 0};
    cix_read_options o;
    cix_panel *ref = NULL;
    cix_error ref_err, ferr;
    char path[] = "/tmp/cix_fast_XXXXXX";
    cix_status ref_st;
    int fd;
    FILE *f;

    if (base)
        o = *base;
    else
        cix_read_options_init(&o);
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);

    ref_st = read_general(text, len, "t.csv", &o, &ref, &ref_err);
    for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
        for (int from_file = 0; from_file < 2; from_file++) {
            cix_panel *p = NULL;
            cix_error err;
            cix_status st;
            o.nthreads = threads[k];
            if (from_file) {
                st = cix_panel_read_file(path, &o, &p, &err);
            } else {
                st = cix_panel_read_buffer(text, len, "t.csv", &o, &p, &err);
            }
            ck_assert_msg(st == ref_st, "threads %d, %s: status %d, general reader %d (%s)",
                          threads[k], from_file ? "file" : "buffer", st, ref_st,
                          st ? err.message : "");
            if (st == CIX_OK) {
                assert_panels_equal(p, ref);
            } else {
                ck_assert_ptr_null(p);
                if (from_file) {
                    /* the general reader again, named as the file */
                    cix_panel *q = NULL;
                    ck_assert_int_eq(read_general(text, len, path, &o, &q, &ferr), ref_st);
                    assert_errors_equal(&err, &ferr);
                } else {
                    assert_errors_equal(&err, &ref_err);
                }
            }
            cix_panel_free(p);
        }
    }
    cix_panel_free(ref);
    unlink(path);
    return ref_st;
}

static cix_status check_str(const char *text)
{
    return check_text(text, strlen(text), NULL);
}

/* ------------------------------------------------------------------------ */

/* A deterministic generator (xorshift). */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* Appends a number in one of many textual forms. */
static size_t put_number(char *t, size_t cap, uint64_t *s)
{
    uint64_t r = rng_next(s);
    double x;
    switch (r % 12) {
    case 0: return (size_t)snprintf(t, cap, "%llu", (unsigned long long)(r >> 20) % 100000);
    case 1: return (size_t)snprintf(t, cap, "%.4f", (double)(r >> 11) * 0x1p-53 * 1000);
    case 2: return (size_t)snprintf(t, cap, "-%.2f", (double)(r >> 11) * 0x1p-53 * 10);
    case 3: /* 17 significant digits */
        memcpy(&x, &r, sizeof x);
        if (!isfinite(x))
            x = 1.5;
        return (size_t)snprintf(t, cap, "%.17g", x);
    case 4: /* 20 significant digits */
        return (size_t)snprintf(t, cap, "%llu%llu.5e-3",
                                (unsigned long long)(r % 9000000000ull) + 1000000000ull,
                                (unsigned long long)((r >> 7) % 1000000000ull));
    case 5: return (size_t)snprintf(t, cap, "%.3e", (double)(r >> 11) * 0x1p-40);
    case 6: return (size_t)snprintf(t, cap, "4.9e-324");
    case 7: return (size_t)snprintf(t, cap, ".5");
    case 8: return (size_t)snprintf(t, cap, "+7.");
    case 9: return (size_t)snprintf(t, cap, "-0");
    case 10: return (size_t)snprintf(t, cap, "%s", (r >> 8) % 2 ? "NA" : "");
    default: return (size_t)snprintf(t, cap, "1e%d", (int)((r >> 9) % 600) - 300);
    }
}

/* A wide panel text: nreg regions x nyear years x m indicators, regions
 * quoted (some with the delimiter inside), with CRLF when crlf. */
static char *make_text(size_t nreg, size_t nyear, size_t m, int crlf, uint64_t seed,
                       size_t *len)
{
    size_t cap = (nreg * nyear + 1) * (m * 32 + 64), n = 0;
    char *t = malloc(cap);
    const char *eol = crlf ? "\r\n" : "\n";
    uint64_t s = seed;
    ck_assert_ptr_nonnull(t);
    n += (size_t)snprintf(t + n, cap - n, "region,year");
    for (size_t j = 0; j < m; j++)
        n += (size_t)snprintf(t + n, cap - n, ",x%zu", j);
    n += (size_t)snprintf(t + n, cap - n, "%s", eol);
    for (size_t i = 0; i < nreg; i++) {
        for (size_t y = 0; y < nyear; y++) {
            if (i % 3 == 0)
                n += (size_t)snprintf(t + n, cap - n, "\"地区 %zu, 北\",%zu", i, 2000 + y);
            else
                n += (size_t)snprintf(t + n, cap - n, "r%zu,%zu", i, 2010 - y);
            for (size_t j = 0; j < m; j++) {
                t[n++] = ',';
                n += put_number(t + n, cap - n, &s);
            }
            n += (size_t)snprintf(t + n, cap - n, "%s", eol);
        }
    }
    *len = n;
    return t;
}

START_TEST(random_panels_equal_the_general_reader)
{
    for (int crlf = 0; crlf < 2; crlf++) {
        size_t len;
        char *t = make_text(120, 7, 9, crlf, 0x9E3779B97F4A7C15ull + (uint64_t)crlf, &len);
        ck_assert_int_eq(check_text(t, len, NULL), CIX_OK);
        free(t);
    }
}
END_TEST

START_TEST(regions_met_again_in_a_later_chunk)
{
    /* regions in the order B, A, C, A, B ...: every chunk sees some of them
     * first, the panel numbers them in order of first appearance */
    size_t cap = 1 << 16, n = 0;
    char *t = malloc(cap);
    static const char *const reg[] = {"B", "A", "C", "A", "B", "D"};
    n += (size_t)snprintf(t, cap, "region;year;v\n");
    for (int i = 0; i < 600; i++)
        n += (size_t)snprintf(t + n, cap - n, "%s;%d;%d.25\n", reg[i % 6], 1900 + i, i);
    ck_assert_int_eq(check_text(t, n, NULL), CIX_OK);
    free(t);
}
END_TEST

START_TEST(shapes_and_spelling)
{
    cix_read_options o;
    static const char *const ok[] = {
        "region,year,a,b\nA,2020,1,2\nA,2021,3,4\n",
        "region,year,a,b\nA,2020,1,2\nA,2021,3,4", /* no final line break */
        "\xEF\xBB\xBFregion,year,a\r\nA,2020,1\r\n\r\nB,2020,2\r\n",
        "region\tyear\ta\nA\t2020\t1.5\nB\t2020\t\n",
        "year;region;a;b\n2020;A;1;NA\n2021;A;-;..\n",
        "a,region,b\n1,A,2\n3,B,4\n",                        /* cross-section */
        "region,year,a\n  A  , 2020 , 1 \nB,2020,  2.5\t\n",  /* spaces around fields */
        "region,year,a\n\"A \"\"x\"\"\",2020,1\n",           /* doubled quote */
        "region,year,a\n\"A\",2020,\"1\"\n",                   /* quoted value */
        "region,year,a\n\"A\nB\",2020,1\n",                    /* quoted line break */
        "region,year,a\nA,2020,1\nB,2020,2\r",                 /* lone CR at the end */
        "region,year,a\nA,2020,1\rB,2020,2\r",                 /* CR line ends */
        "region,year,a\nA,2020,1\n,,\nB,2020,2\n",             /* all-empty row */
        "region,year,a\nA,2020,1\n   \nB,2020,2\n",            /* blank line of spaces */
        "region,year,a\nA,2020,1e400\n",                       /* too large */
        "region,year,a\nA,2020,00000000000000000000000000001.5e-2\n",
        "region,year,a\nA,2020,123456789012345678901234567890\n",
        "region,year,a\nA,2020,2.2250738585072011e-308\n",
        "region,year,a\nA,2020,9007199254740993\n",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        check_str(ok[i]);
    ck_assert_int_eq(check_str(ok[0]), CIX_OK);
    ck_assert_int_eq(check_str(ok[9]), CIX_EPARSE); /* control character in a name */
    ck_assert_int_eq(check_str(ok[14]), CIX_EDATA);

    /* NA strings that are numbers are NA, not numbers */
    cix_read_options_init(&o);
    o.na_strings[0] = "-999";
    o.na_strings[1] = "0";
    o.n_na_strings = 2;
    ck_assert_int_eq(check_text("region,a\nA,-999\nB,0\nC,0.0\n", 26, &o), CIX_OK);
}
END_TEST

START_TEST(errors_late_in_the_file)
{
    /* every kind of problem, in the last rows, where a second chunk finds it */
    static const char *const tails[] = {
        "Z,2020,1,2,3\n",       /* too many fields */
        "Z,2020,1\n",           /* too few */
        "Z,2020,abc,1\n",       /* not a number */
        "Z,2020,1,234,5\n",     /* thousands separator */
        "Z,2020.5,1,2\n",       /* year */
        ",2020,1,2\n",          /* empty region */
        "r1,2001,1,2\n",        /* duplicate row (first seen in the first chunk) */
        "Z,2020,\"1,2\n",       /* unterminated quote */
        "Z,2020,1\"x,2\n",      /* stray quote */
        "Z\xFF,2020,1,2\n",     /* not UTF-8 */
        "Z,2020,inf,2\n",
        "Z,2020,,2\n",
    };
    for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++) {
        size_t cap = 1 << 16, n = 0;
        char *t = malloc(cap);
        n += (size_t)snprintf(t, cap, "region,year,a,b\n");
        for (int i = 0; i < 400; i++)
            n += (size_t)snprintf(t + n, cap - n, "r%d,%d,%d.5,%d\n", i / 4, 2000 + i % 4, i,
                                  -i);
        n += (size_t)snprintf(t + n, cap - n, "%s", tails[k]);
        n += (size_t)snprintf(t + n, cap - n, "Y,2020,1,2\n");
        if (k == sizeof tails / sizeof tails[0] - 1)
            ck_assert_int_eq(check_text(t, n, NULL), CIX_OK); /* "" is an NA string */
        else
            ck_assert_int_ne(check_text(t, n, NULL), CIX_OK);
        free(t);
    }
}
END_TEST

START_TEST(quoted_line_breaks_anywhere)
{
    /* a quoted region holding a line break (an error: names have no control
     * characters) at one row in every 7, so that chunk boundaries fall inside
     * the quotes for some thread counts */
    for (int at = 0; at < 60; at += 7) {
        size_t cap = 1 << 16, n = 0;
        char *t = malloc(cap);
        n += (size_t)snprintf(t, cap, "region,year,a\n");
        for (int i = 0; i < 60; i++) {
            if (i == at)
                n += (size_t)snprintf(t + n, cap - n, "\"q\n%d\",2000,1\n", i);
            else
                n += (size_t)snprintf(t + n, cap - n, "r%d,2000,%d\n", i, i);
        }
        ck_assert_int_eq(check_text(t, n, NULL), CIX_EPARSE);
        free(t);
    }
}
END_TEST

START_TEST(fixtures_equal_the_general_reader)
{
    static const char *const names[] = {"tai23.csv", "entropy_xu2004.csv",
                                        "entropy_zp2016.csv", "topsis_vector.csv",
                                        "entropy_2x2.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t len;
        char *text = cix_test_slurp(cix_test_fixture(names[i]), &len);
        ck_assert_ptr_nonnull(text);
        ck_assert_int_eq(check_text(text, len, NULL), CIX_OK);
        free(text);
    }
}
END_TEST

START_TEST(nthreads_is_checked)
{
    cix_read_options o;
    cix_read_options_init(&o);
    ck_assert_int_eq(o.nthreads, 0);
    ck_assert_ptr_null(cix_read_options_check(&o));
    o.nthreads = -1;
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "nthreads"));
}
END_TEST

/* The fast path itself on text[0..n) of the columns region,year,a,b (a
 * header of 16 bytes) on `threads` threads: it must read it (CIX_OK), and
 * the panel must be the general reader's. Returns the number of rows. */
static size_t fast_read_wide(const char *text, size_t n, int threads)
{
    static const unsigned char role[] = {CIX_I_FAST_REGION, CIX_I_FAST_YEAR,
                                         CIX_I_FAST_VALUE, CIX_I_FAST_VALUE};
    static const size_t role_j[] = {0, 0, 0, 1};
    static const char *const names[] = {"a", "b"};
    cix_i_fast_spec sp;
    cix_panel *p = NULL, *ref = NULL;
    cix_error err;
    size_t rows;

    memset(&sp, 0, sizeof sp);
    sp.delim = ',';
    sp.ncols = 4;
    sp.role = role;
    sp.role_j = role_j;
    sp.nind = 2;
    sp.ind_name = names;
    sp.has_year = 1;
    sp.nthreads = threads;
    sp.buf = (const unsigned char *)text;
    sp.fd = -1;
    sp.off = 16;
    sp.len = n;
    ck_assert_int_eq(cix_i_fast_read(&sp, &p, &err), CIX_OK);
    ck_assert_int_eq(read_general(text, n, "t.csv", NULL, &ref, &err), CIX_OK);
    assert_panels_equal(p, ref);
    rows = cix_panel_nrows(p);
    cix_panel_free(p);
    cix_panel_free(ref);
    return rows;
}

/* Appends text to t (growing it). */
static void put(char **t, size_t *n, size_t *cap, const char *s, size_t len)
{
    while (*n + len + 1 > *cap) {
        *cap *= 2;
        *t = realloc(*t, *cap);
        ck_assert_ptr_nonnull(*t);
    }
    memcpy(*t + *n, s, len);
    *n += len;
    (*t)[*n] = '\0';
}

START_TEST(large_inputs_counted_on_threads)
{
    /* inputs of 1.5 MB: the rows are counted on the reader's threads, each
     * in its span of the bytes. Lines with LF and CRLF ends, empty lines of
     * both kinds, a line of a lone CR, and a line of 400,000 bytes that
     * covers whole spans; the input ends with a line break, without one,
     * and with a lone CR */
    static const char *const tails[] = {"\n", "", "\r"};
    for (size_t e = 0; e < sizeof tails / sizeof tails[0]; e++) {
        size_t cap = 1 << 16, n = 0, len;
        char *t = malloc(cap), line[96];
        uint32_t seed = 77u + (uint32_t)e;
        ck_assert_ptr_nonnull(t);
        put(&t, &n, &cap, "region,year,a,b\n", 16);
        for (int i = 0; n < 1500000; i++) {
            uint32_t k = (seed = seed * 1664525u + 1013904223u) >> 24;
            if (k < 8) {
                put(&t, &n, &cap, k < 4 ? "\n" : "\r\n", k < 4 ? 1 : 2);
                continue;
            }
            if (i == 20000) {
                put(&t, &n, &cap, "long,2020,1", 11);
                for (int r = 0; r < 400000; r += 50)
                    put(&t, &n, &cap, "                                                  ", 50);
                put(&t, &n, &cap, ",2\n", 3);
                continue;
            }
            len = (size_t)snprintf(line, sizeof line, "r%06d,%d,%u.%u,%d%s", i, 2000 + i % 9,
                                   k, (seed >> 8) % 1000, i % 77,
                                   k < 120 ? "\r\n" : "\n");
            put(&t, &n, &cap, line, len);
        }
        /* the end: the last row without its line break, or with a lone CR */
        while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r'))
            n--;
        put(&t, &n, &cap, tails[e], strlen(tails[e]));
        ck_assert_int_eq(check_text(t, n, NULL), CIX_OK);
        /* the fast path itself reads it (a final lone CR sends it to the
         * general reader): the threads' counts let every worker end where
         * the next begins */
        for (int th = 2; th <= 7 && e < 2; th += 5)
            fast_read_wide(t, n, th);
        free(t);
    }
}
END_TEST

START_TEST(empty_line_at_a_span_edge)
{
    /* two spans, and an empty CRLF line whose LF is the first byte of the
     * second span: its CR, the last byte of the first span, makes it an
     * empty line, not a row. Rows of 32 bytes: k of them, the empty line,
     * k - 1 more and one of 34 bytes put that LF at byte 32 k + 1 of the
     * 64 k + 4 data bytes, where the second span begins. */
    const size_t k = 4096, head = 16;
    size_t n = 0, cap = head + 64 * k + 8;
    char *t = malloc(cap);

    ck_assert_ptr_nonnull(t);
    memcpy(t, "region,year,a,b\n", head);
    n = head;
    for (size_t i = 0; i < 2 * k; i++) {
        if (i == k) {
            memcpy(t + n, "\r\n", 2);
            n += 2;
        }
        /* the row, its values followed by spaces up to 30 (32) bytes */
        n += (size_t)snprintf(t + n, cap - n, "%-*s\r\n", i == 2 * k - 1 ? 32 : 30,
                              "r000000,2020,1.5,2.5");
        snprintf(t + n - (i == 2 * k - 1 ? 34 : 32), 8, "r%06zu", i);
        t[n - (i == 2 * k - 1 ? 34 : 32) + 7] = ',';
    }
    ck_assert_uint_eq(n - head, 64 * k + 4);
    ck_assert_int_eq(t[head + 32 * k + 1], '\n');
    ck_assert_int_eq(t[head + 32 * k], '\r');
    ck_assert_uint_eq(fast_read_wide(t, n, 2), 2 * k);
    ck_assert_int_eq(check_text(t, n, NULL), CIX_OK);
    free(t);
}
END_TEST

static Suite *fast_suite(void)
{
    Suite *s = suite_create("reader_fast");
    TCase *tc = tcase_create("fast");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_panels_equal_the_general_reader);
    tcase_add_test(tc, regions_met_again_in_a_later_chunk);
    tcase_add_test(tc, large_inputs_counted_on_threads);
    tcase_add_test(tc, empty_line_at_a_span_edge);
    tcase_add_test(tc, shapes_and_spelling);
    tcase_add_test(tc, errors_late_in_the_file);
    tcase_add_test(tc, quoted_line_breaks_anywhere);
    tcase_add_test(tc, fixtures_equal_the_general_reader);
    tcase_add_test(tc, nthreads_is_checked);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(fast_suite());
}
