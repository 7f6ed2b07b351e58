/* Allocation failures in the reader: an allocator fails the Nth allocation
 * (and, in the sticky mode, every later one), for N = 1, 2, ... until the
 * call succeeds. Every failure must return CIX_ENOMEM with *out NULL and
 * leave no live allocation; the allocator's own count of live blocks checks
 * this, and LeakSanitizer checks it again in the sanitizer build. libcsv's
 * buffer is allocated through the same allocator, so its growth is covered. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

#define DATA_DIR CIX_SOURCE_DIR "/tests/data/reader/"

typedef struct failing {
    long count;   /* allocations so far */
    long fail_at; /* 1-based; 0 = never */
    int sticky;   /* fail every allocation from fail_at on */
    long live;    /* blocks allocated and not freed */
} failing;

static int should_fail(failing *f)
{
    f->count++;
    return f->fail_at > 0 &&
           (f->count == f->fail_at || (f->sticky && f->count > f->fail_at));
}

static void *f_malloc(void *ud, size_t n)
{
    failing *f = ud;
    void *p;
    if (should_fail(f))
        return NULL;
    p = malloc(n);
    if (p)
        f->live++;
    return p;
}

static void *f_realloc(void *ud, void *ptr, size_t n)
{
    failing *f = ud;
    void *p;
    if (should_fail(f))
        return NULL;
    p = realloc(ptr, n);
    if (p && !ptr)
        f->live++;
    return p;
}

static void f_free(void *ud, void *ptr)
{
    failing *f = ud;
    if (ptr)
        f->live--;
    free(ptr);
}

/* ---- what is run ---------------------------------------------------------- */

typedef enum how { WHOLE_BUFFER, CHUNKS_OF_7, FROM_FILE } how;

typedef struct input {
    const char *text; /* for WHOLE_BUFFER and CHUNKS_OF_7 */
    size_t len;
    const char *path; /* for FROM_FILE */
    cix_csv_form form;
} input;

static cix_status run(const input *in, how h, const cix_allocator *a, cix_panel **out,
                      cix_error *err)
{
    cix_read_options o;
    cix_reader *r = NULL;
    cix_status st;

    cix_read_options_init(&o);
    o.alloc = a;
    o.form = in->form;
    if (h == FROM_FILE)
        return cix_panel_read_file(in->path, &o, out, err);
    if (h == WHOLE_BUFFER)
        return cix_panel_read_buffer(in->text, in->len, "t.csv", &o, out, err);
    *out = (cix_panel *)&r; /* must be reset to NULL */
    st = cix_reader_create("t.csv", &o, &r, err);
    if (st != CIX_OK) {
        ck_assert_ptr_null(r);
        *out = NULL;
        return st;
    }
    for (size_t off = 0; st == CIX_OK && off < in->len; off += 7)
        st = cix_reader_feed(r, in->text + off, in->len - off < 7 ? in->len - off : 7, err);
    if (st == CIX_OK)
        st = cix_reader_finish(r, out, err);
    else
        *out = NULL;
    cix_reader_free(r);
    return st;
}

static void assert_same_panel(const cix_panel *a, const cix_panel *b)
{
    ck_assert_uint_eq(cix_panel_nrows(a), cix_panel_nrows(b));
    ck_assert_uint_eq(cix_panel_nindicators(a), cix_panel_nindicators(b));
    for (size_t j = 0; j < cix_panel_nindicators(a); j++)
        ck_assert_str_eq(cix_panel_indicator(a, j), cix_panel_indicator(b, j));
    for (size_t i = 0; i < cix_panel_nrows(a); i++) {
        ck_assert_str_eq(cix_panel_row_region(a, i), cix_panel_row_region(b, i));
        ck_assert_int_eq(cix_panel_row_year(a, i), cix_panel_row_year(b, i));
        for (size_t j = 0; j < cix_panel_nindicators(a); j++) {
            double x = cix_panel_value(a, i, j), y = cix_panel_value(b, i, j);
            ck_assert(memcmp(&x, &y, sizeof x) == 0);
        }
    }
}

/*
 * Runs `in` with allocation N failing, N = 1, 2, ...: in the sticky mode until
 * the call no longer runs out of memory, in the one-shot mode for every
 * allocation a successful run makes. The end result must equal the result
 * without failures. Returns the number of allocations of a clean run.
 */
static long failure_loop(const input *in, how h)
{
    failing clean = {0, 0, 0, 0};
    cix_allocator a = {f_malloc, f_realloc, f_free, &clean};
    cix_panel *ref = NULL, *p;
    cix_error ref_err, err;
    cix_status ref_st = run(in, h, &a, &ref, &ref_err);
    long total = clean.count;

    ck_assert_msg(ref_st != CIX_ENOMEM, "out of memory without failures");
    for (int sticky = 1; sticky >= 0; sticky--) {
        for (long n = 1;; n++) {
            failing f = {0, n, sticky, 0};
            cix_status st;
            a.ud = &f;
            cix_error_clear(&err);
            st = run(in, h, &a, &p, &err);
            if (st == CIX_ENOMEM) {
                ck_assert_msg(p == NULL, "allocation %ld failed: *out is not NULL", n);
                ck_assert_int_eq(err.status, CIX_ENOMEM);
                ck_assert_msg(f.live == 0, "allocation %ld failed: %ld blocks leaked", n,
                              f.live);
            } else {
                ck_assert_msg(st == ref_st, "allocation %ld failed: status %d, expected %d",
                              n, st, ref_st);
                if (st == CIX_OK) {
                    assert_same_panel(p, ref);
                    cix_panel_free(p);
                } else {
                    ck_assert_ptr_null(p);
                    ck_assert_str_eq(err.message, ref_err.message);
                    ck_assert_uint_eq(err.line, ref_err.line);
                }
                ck_assert_msg(f.live == 0, "allocation %ld failed: %ld blocks leaked", n,
                              f.live);
                if (sticky)
                    break; /* every allocation has been failed once */
            }
            if (!sticky && n >= total)
                break;
            ck_assert_msg(n < 1000000, "no end to the allocations");
        }
    }
    cix_panel_free(ref);
    ck_assert_int_eq(clean.live, 0);
    return total;
}

static input from_text(const char *text)
{
    input in;
    memset(&in, 0, sizeof in);
    in.text = text;
    in.len = strlen(text);
    in.form = CIX_FORM_AUTO;
    return in;
}

START_TEST(oom_small_inputs)
{
    static const char *const texts[] = {
        ("region,year,gdp,pop\nBeijing,2020,3.61,21.9\nBeijing,2021,4.03,21.9\n"
         "Shanghai,2020,3.87,24.9\n"),
        "\xEF\xBB\xBFregion;year;\"地区 生产\";b\r\n\"北京\";2020;1;NA\r\n上海;2020;2,5;3\r\n",
        "region,year,indicator,value\nA,2020,x,1\nA,2020,y,2\nB,2021,x,NA\nB,2020,y,4\n",
        "region,x\nA,1\n",
        /* errors: the error paths must not leak either */
        "region,year,gdp\nA,2020,1\nA,2020,2\n",
        "region,year,indicator,value\nA,2020,x,1\nA,2020,x,2\n",
        "region,year,gdp\nA,2020,\"1\n",
        "region,year,gdp,gdp\n",
        "",
        "region,year,gdp\nA,2020,abc\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        input in = from_text(texts[i]);
        failure_loop(&in, WHOLE_BUFFER);
        failure_loop(&in, CHUNKS_OF_7);
    }
}
END_TEST

START_TEST(oom_from_files)
{
    static const char *const files[] = {"good_wide.csv", "good_long.csv", "good_quoted.csv",
                                        "bad_gbk.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[4096];
        input in;
        memset(&in, 0, sizeof in);
        snprintf(path, sizeof path, "%s%s", DATA_DIR, files[i]);
        in.path = path;
        failure_loop(&in, FROM_FILE);
    }
}
END_TEST

START_TEST(oom_growth_paths)
{
    /* two storage blocks (2 indicators: 16384 rows per block), a long quoted
     * field (libcsv's buffer grows several times), many regions (hash tables
     * rehash) and many long-form cells */
    size_t cap = 1 << 20, n = 0;
    char *t = malloc(cap);
    input in;
    long total;

    n += (size_t)snprintf(t + n, cap - n, "region,year,a,b\n");
    for (int i = 0; i < 20000; i++)
        n += (size_t)snprintf(t + n, cap - n, "r%d,%d,%d,%d.5\n", i % 10, 1 + i / 10, i,
                              i % 97);
    in = from_text(t);
    total = failure_loop(&in, WHOLE_BUFFER);
    ck_assert_int_gt(total, 20);

    n = (size_t)snprintf(t, cap, "region,year,gdp\n\"");
    for (int k = 0; k < 3000; k++)
        t[n++] = (char)('a' + k % 26);
    n += (size_t)snprintf(t + n, cap - n, "\",2020,1\n");
    for (int i = 0; i < 300; i++)
        n += (size_t)snprintf(t + n, cap - n, "region %d,%d,%d.25\n", i, 2000 + i % 7, i);
    in = from_text(t);
    failure_loop(&in, WHOLE_BUFFER);

    n = (size_t)snprintf(t, cap, "region,year,indicator,value\n");
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(t + n, cap - n, "r%d,%d,ind%d,%d\n", i % 13, 2000 + i % 5,
                              i % 17, i);
    in = from_text(t);
    failure_loop(&in, WHOLE_BUFFER);
    free(t);
}
END_TEST

static Suite *oom_suite(void)
{
    Suite *s = suite_create("reader_oom");
    TCase *small = tcase_create("small"), *files = tcase_create("files"),
          *growth = tcase_create("growth");
    tcase_set_timeout(small, 120);
    tcase_set_timeout(files, 120);
    tcase_set_timeout(growth, 120);
    tcase_add_test(small, oom_small_inputs);
    tcase_add_test(files, oom_from_files);
    tcase_add_test(growth, oom_growth_paths);
    suite_add_tcase(s, small);
    suite_add_tcase(s, files);
    suite_add_tcase(s, growth);
    return s;
}

int main(void)
{
    return cix_test_run(oom_suite());
}
