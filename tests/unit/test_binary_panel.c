/* Binary panel files: cix_panel_write_binary, and their loading through
 * cix_panel_read_file / cix_panel_read_buffer. Round trips bit for bit,
 * errors with their messages, damaged files (every truncation, flipped
 * bytes), atomic writing, allocation failures; the values of a file mapped
 * copy-on-write (writes never reach the file, freeing unmaps, a file
 * replaced by cix convert leaves a loaded panel as it was), and read into
 * the panel's storage with a custom allocator. */
#include <dirent.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cix_test.h"
#include "internal.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/cix-binary-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[400];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Number of entries in dir (besides . and ..). */
static int dir_entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static const char *path_in_dir(const char *name)
{
    static char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static double from_bits(uint64_t b)
{
    double x;
    memcpy(&x, &b, sizeof x);
    return x;
}

/* A panel with the awkward values: NaN, -0.0, subnormals, extremes, and
 * Chinese names; regions given in an order with repeats. */
static cix_panel *sample(int has_year, const cix_allocator *a)
{
    static const char *regions[] = {"北京", "上海", "Hebei", "广东省"};
    static const char *inds[] = {"gdp", "研发投入", "x y"};
    const size_t n = has_year ? 8 : 4, J = 3;
    const double special[] = {NAN, -0.0, 4.9406564584124654e-324, 2.2250738585072009e-308,
                              DBL_MAX, -DBL_MAX, 1.0 / 3.0, 0.0};
    cix_panel *p = NULL;
    cix_error err;
    ck_assert_cix_ok(cix_panel_create(n, J, has_year, a, &p, &err), &err);
    for (size_t j = 0; j < J; j++)
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, inds[j], &err), &err);
    for (size_t r = 0; r < n; r++) {
        ck_assert_cix_ok(cix_panel_set_row(p, r, regions[r % 4],
                                           has_year ? 2019 + (int32_t)(r / 4) * 3 : 0, &err),
                         &err);
        for (size_t j = 0; j < J; j++)
            cix_panel_column(p, j)[r] = special[(r + 3 * j) % 8];
    }
    return p;
}

static void assert_same(const cix_panel *a, const cix_panel *b)
{
    size_t n = cix_panel_nrows(a), J = cix_panel_nindicators(a);
    ck_assert_uint_eq(n, cix_panel_nrows(b));
    ck_assert_uint_eq(J, cix_panel_nindicators(b));
    ck_assert_int_eq(cix_panel_has_year(a), cix_panel_has_year(b));
    ck_assert_uint_eq(cix_panel_nregions(a), cix_panel_nregions(b));
    ck_assert_uint_eq(cix_panel_nyears(a), cix_panel_nyears(b));
    for (size_t j = 0; j < J; j++) {
        ck_assert_str_eq(cix_panel_indicator(a, j), cix_panel_indicator(b, j));
        ck_assert(memcmp(cix_panel_column_const(a, j), cix_panel_column_const(b, j),
                         n * sizeof(double)) == 0);
    }
    for (size_t r = 0; r < n; r++) {
        ck_assert_str_eq(cix_panel_row_region(a, r), cix_panel_row_region(b, r));
        ck_assert_int_eq(cix_panel_row_year(a, r), cix_panel_row_year(b, r));
    }
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* The sample written to dir/name and read back into memory. */
static unsigned char *sample_file(int has_year, const char *name, size_t *len)
{
    cix_panel *p = sample(has_year, NULL);
    cix_error err;
    unsigned char *buf;
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir(name), &err), &err);
    cix_panel_free(p);
    buf = (unsigned char *)cix_test_slurp(path_in_dir(name), len);
    ck_assert_ptr_nonnull(buf);
    return buf;
}

/* Reads buf[0..len) and expects status want with `part` in the message. */
static void expect_error(const unsigned char *buf, size_t len, cix_status want,
                         const char *part)
{
    cix_panel *p = (cix_panel *)&p;
    cix_error err;
    cix_status st = cix_panel_read_buffer(buf, len, "bad.cixp", NULL, &p, &err);
    ck_assert_msg(st == want, "status %d, expected %d (%s)", (int)st, (int)want,
                  st ? err.message : "ok");
    ck_assert_ptr_null(p);
    ck_assert_str_eq(err.file, "bad.cixp");
    ck_assert_msg(strstr(err.message, part) != NULL, "message '%s' lacks '%s'", err.message,
                  part);
}

START_TEST(round_trip)
{
    for (int has_year = 0; has_year <= 1; has_year++) {
        cix_panel *p = sample(has_year, NULL), *q = NULL, *m = NULL;
        cix_read_options o;
        cix_error err;
        unsigned char *buf;
        size_t len;

        make_dir();
        ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("p.cixp"), &err), &err);
        ck_assert_int_eq(dir_entries(), 1); /* no temporary file left */
        /* the options that do not apply to a binary file are ignored */
        cix_read_options_init(&o);
        o.delimiter = ';';
        o.region_column = "nope";
        o.form = CIX_FORM_LONG;
        ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), &o, &q, &err), &err);
        assert_same(p, q);
        ck_assert_cix_ok(cix_panel_validate(q, &err), &err);
        ck_assert_uint_eq(cix_panel_nregions(q), 4);
        ck_assert_uint_eq(cix_panel_nyears(q), has_year ? 2 : 0);
        if (has_year)
            ck_assert_int_eq(cix_panel_year_at(q, 1), 2022);
        /* the special values bit for bit */
        ck_assert(signbit(cix_panel_value(q, 1, 0)) && cix_panel_value(q, 1, 0) == 0);
        ck_assert(cix_panel_value(q, 2, 0) == from_bits(1));
        ck_assert(isnan(cix_panel_value(q, 0, 0)));
        ck_assert_str_eq(cix_panel_row_region(q, 3), "广东省");
        ck_assert_str_eq(cix_panel_indicator(q, 1), "研发投入");

        buf = (unsigned char *)cix_test_slurp(path_in_dir("p.cixp"), &len);
        ck_assert_ptr_nonnull(buf);
        /* the layout: header fields and values at a multiple of 4096 */
        ck_assert_int_eq(buf[0], 0x89);
        ck_assert(memcmp(buf + 1, "CIX", 3) == 0);
        ck_assert_uint_eq(get_u64(buf + 24), cix_panel_nrows(p));
        ck_assert_uint_eq(get_u64(buf + 32), 3);
        ck_assert_uint_eq(get_u64(buf + 64) % 4096, 0);
        ck_assert_uint_eq(get_u64(buf + 72), len);
        ck_assert_uint_eq(len, get_u64(buf + 64) + cix_panel_nrows(p) * 3 * 8);
        ck_assert(memcmp(buf + get_u64(buf + 64), cix_panel_column_const(p, 0),
                         cix_panel_nrows(p) * 3 * 8) == 0);
        ck_assert_cix_ok(cix_panel_read_buffer(buf, len, "mem", NULL, &m, &err), &err);
        assert_same(p, m);
        /* writing the loaded panel gives the same bytes */
        ck_assert_cix_ok(cix_panel_write_binary(m, path_in_dir("again.cixp"), &err), &err);
        {
            size_t len2;
            char *b2 = cix_test_slurp(path_in_dir("again.cixp"), &len2);
            ck_assert_uint_eq(len, len2);
            ck_assert(memcmp(buf, b2, len) == 0);
            free(b2);
        }
        free(buf);
        cix_panel_free(p);
        cix_panel_free(q);
        cix_panel_free(m);
        remove_dir();
    }
}
END_TEST

/* The same panel from a CSV file and from its binary file. */
START_TEST(same_as_csv)
{
    static const char csv[] = "region,year,a,b\n"
                              "r1,2020,1.5,NA\n"
                              "r2,2020,-0,3e-320\n"
                              "r1,2021,2.25,4\n"
                              "r3,2021,,1e300\n";
    cix_panel *p = NULL, *q = NULL;
    cix_error err;
    make_dir();
    ck_assert_cix_ok(cix_panel_read_buffer(csv, sizeof csv - 1, "t.csv", NULL, &p, &err),
                     &err);
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("t.cixp"), &err), &err);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("t.cixp"), NULL, &q, &err), &err);
    assert_same(p, q);
    ck_assert_uint_eq(cix_panel_count_missing(q), 2);
    cix_panel_free(p);
    cix_panel_free(q);
    remove_dir();
}
END_TEST

/* Regions are renumbered in order of first appearance, unused ones dropped. */
START_TEST(regions_renumbered)
{
    cix_panel *p = NULL, *q = NULL;
    cix_error err;
    make_dir();
    ck_assert_cix_ok(cix_panel_create(2, 1, 0, NULL, &p, &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "x", &err), &err);
    ck_assert_cix_ok(cix_panel_set_row(p, 0, "old", 0, &err), &err);
    ck_assert_cix_ok(cix_panel_set_row(p, 1, "b", 0, &err), &err);
    ck_assert_cix_ok(cix_panel_set_row(p, 0, "a", 0, &err), &err);
    ck_assert_uint_eq(cix_panel_nregions(p), 3);
    cix_panel_column(p, 0)[0] = 1;
    cix_panel_column(p, 0)[1] = 2;
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("r.cixp"), &err), &err);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("r.cixp"), NULL, &q, &err), &err);
    ck_assert_uint_eq(cix_panel_nregions(q), 2);
    ck_assert_str_eq(cix_panel_row_region(q, 0), "a");
    ck_assert_str_eq(cix_panel_row_region(q, 1), "b");
    ck_assert(cix_panel_value(q, 1, 0) == 2);
    cix_panel_free(p);
    cix_panel_free(q);
    remove_dir();
}
END_TEST

START_TEST(write_errors)
{
    cix_panel *p = sample(1, NULL);
    cix_error err;
    cix_status st;
    make_dir();
    /* a directory that does not exist */
    st = cix_panel_write_binary(p, "/nonexistent-cix-dir/p.cixp", &err);
    ck_assert_int_eq(st, CIX_EIO);
    ck_assert_str_eq(err.file, "/nonexistent-cix-dir/p.cixp");
    ck_assert_ptr_nonnull(strstr(err.message, "directory exists"));
    /* the target is a directory: the rename fails, the temporary goes */
    ck_assert_int_eq(mkdir(path_in_dir("sub"), 0700), 0);
    st = cix_panel_write_binary(p, path_in_dir("sub"), &err);
    ck_assert_int_eq(st, CIX_EIO);
    ck_assert_ptr_nonnull(strstr(err.message, "cannot move"));
    ck_assert_int_eq(dir_entries(), 1);
    rmdir(path_in_dir("sub"));
    /* an infinite value names its cell */
    cix_panel_column(p, 2)[5] = INFINITY;
    st = cix_panel_write_binary(p, path_in_dir("inf.cixp"), &err);
    ck_assert_int_eq(st, CIX_EDATA);
    ck_assert_str_eq(err.indicator, "x y");
    ck_assert_str_eq(err.region, "上海");
    ck_assert_int_eq(err.year, 2022);
    ck_assert_int_eq(dir_entries(), 0);
    cix_panel_free(p);
    /* a row without a region, a name with a control character */
    ck_assert_cix_ok(cix_panel_create(1, 1, 0, NULL, &p, &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "a\tb", &err), &err);
    st = cix_panel_write_binary(p, path_in_dir("x.cixp"), &err);
    ck_assert_int_eq(st, CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "control character"));
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "a", &err), &err);
    st = cix_panel_write_binary(p, path_in_dir("x.cixp"), &err);
    ck_assert_int_eq(st, CIX_EINVAL);
    ck_assert_ptr_nonnull(strstr(err.message, "row 1 has no region"));
    ck_assert_int_eq(dir_entries(), 0);
    cix_panel_free(p);
    remove_dir();
}
END_TEST

START_TEST(read_errors)
{
    size_t len;
    unsigned char *buf, *b;
    make_dir();
    buf = sample_file(1, "p.cixp", &len);
    b = malloc(len + 8);
    ck_assert_ptr_nonnull(b);

    /* wrong version */
    memcpy(b, buf, len);
    b[8] = 2;
    expect_error(b, len, CIX_EPARSE, "format version 2; this cix reads version 1");
    /* written on a big-endian machine */
    memcpy(b, buf, len);
    b[12] = 1, b[13] = 2, b[14] = 3, b[15] = 4;
    expect_error(b, len, CIX_EPARSE, "written on a big-endian machine");
    /* cut short, with data after the end */
    expect_error(buf, len - 8, CIX_EPARSE, "cut short");
    memcpy(b, buf, len);
    memset(b + len, 0, 8);
    expect_error(b, len + 8, CIX_EPARSE, "data after the end");
    /* a changed name byte: the checksum */
    memcpy(b, buf, len);
    b[100] ^= 0x20;
    expect_error(b, len, CIX_EPARSE, "checksum");
    expect_error(b, len, CIX_EPARSE, "re-create it with cix convert");
    /* shorter than the header; a lone first byte */
    expect_error(buf, 50, CIX_EPARSE, "fewer than its 96-byte header");
    expect_error(buf, 1, CIX_EPARSE, "fewer than its 96-byte header");
    /* an infinite value in the values */
    memcpy(b, buf, len);
    {
        size_t off = (size_t)get_u64(buf + 64) + (8 + 3) * 8; /* indicator 2, row 4 */
        uint64_t inf = 0x7FF0000000000000ull;
        memcpy(b + off, &inf, 8);
        expect_error(b, len, CIX_EPARSE, "infinite value (indicator 2, row 4)");
    }
    /* the same errors through a file: the file name and the truncation */
    {
        FILE *f = fopen(path_in_dir("cut.cixp"), "wb");
        cix_panel *p = NULL;
        cix_error err;
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(fwrite(buf, 1, len - 100, f), len - 100);
        fclose(f);
        ck_assert_int_eq(cix_panel_read_file(path_in_dir("cut.cixp"), NULL, &p, &err),
                         CIX_EPARSE);
        ck_assert_ptr_null(p);
        ck_assert_str_eq(err.file, path_in_dir("cut.cixp"));
        ck_assert_ptr_nonnull(strstr(err.message, "cut short"));
    }
    free(b);
    free(buf);
    remove_dir();
}
END_TEST

/* Every truncation and many flipped bytes give an error or a valid panel. */
START_TEST(damaged_files)
{
    size_t len, values;
    unsigned char *buf, *b;
    static const unsigned char flips[] = {0x01, 0x80, 0xFF};
    long ok = 0, bad = 0;
    make_dir();
    buf = sample_file(1, "p.cixp", &len);
    values = (size_t)get_u64(buf + 64);
    b = malloc(len);
    ck_assert_ptr_nonnull(b);
    for (size_t cut = 1; cut < len; cut++) {
        cix_panel *p = NULL;
        cix_error err;
        cix_status st = cix_panel_read_buffer(buf, cut, "cut", NULL, &p, &err);
        ck_assert_int_eq(st, CIX_EPARSE);
        ck_assert_ptr_null(p);
    }
    for (size_t i = 0; i < len; i++) {
        if (i >= 400 && i < values && i % 61 != 0)
            continue; /* the zero padding: a sample of it */
        for (size_t k = 0; k < sizeof flips; k++) {
            cix_panel *p = NULL;
            cix_error err;
            cix_status st;
            memcpy(b, buf, len);
            b[i] ^= flips[k];
            st = cix_panel_read_buffer(b, len, "flip", NULL, &p, &err);
            if (st == CIX_OK) {
                ck_assert_msg(i >= values, "byte %zu flipped, still accepted", i);
                ck_assert_cix_ok(cix_panel_validate(p, &err), &err);
                ok++;
            } else {
                ck_assert_ptr_null(p);
                ck_assert(st == CIX_EPARSE);
                /* (without the magic the bytes are read as CSV, which fails) */
                ck_assert_msg(i < 8 || strstr(err.message, "cix convert") != NULL,
                              "byte %zu: %s", i, err.message);
                bad++;
            }
            cix_panel_free(p);
        }
    }
    ck_assert(ok > 0 && bad > 0);
    free(b);
    free(buf);
    remove_dir();
}
END_TEST

/* A panel of several pieces of values on 1 and 2 threads. */
START_TEST(threads)
{
    const size_t n = 70001, J = 5;
    cix_panel *p = NULL, *q1 = NULL, *q2 = NULL;
    cix_read_options o;
    cix_error err;
    char name[32];
    make_dir();
    ck_assert_cix_ok(cix_panel_create(n, J, 1, NULL, &p, &err), &err);
    for (size_t j = 0; j < J; j++) {
        snprintf(name, sizeof name, "i%zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &err), &err);
        for (size_t r = 0; r < n; r++)
            cix_panel_column(p, j)[r] = (r * 7 + j) % 11 == 0 ? NAN : (double)r * 0.1 - j;
    }
    for (size_t r = 0; r < n; r++) {
        snprintf(name, sizeof name, "region %zu", r / 7);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, 2000 + (int32_t)(r % 7), &err), &err);
    }
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("big.cixp"), &err), &err);
    cix_read_options_init(&o);
    o.nthreads = 1;
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("big.cixp"), &o, &q1, &err), &err);
    o.nthreads = 2;
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("big.cixp"), &o, &q2, &err), &err);
    ck_assert_uint_gt(cix_i_panel_mapped_bytes(q1), 0);
    ck_assert_uint_gt(cix_i_panel_mapped_bytes(q2), 0);
    assert_same(p, q1);
    assert_same(p, q2);
    cix_panel_free(p);
    cix_panel_free(q1);
    cix_panel_free(q2);
    remove_dir();
}
END_TEST

/* Reads the binary panel (buf of len bytes, or with buf NULL the file
 * `path`) through the hook allocator h with allocation N failing, N = 1,
 * 2, ...: CIX_ENOMEM, no panel and nothing left allocated, until it
 * succeeds with `want`. Returns the number of attempts. */
static size_t read_failing(const cix_panel *want, cix_test_hook *h, const unsigned char *buf,
                           size_t len, const char *path)
{
    cix_allocator a = cix_test_hook_allocator(h);
    size_t n;
    for (n = 1;; n++) {
        cix_read_options o;
        cix_error err;
        cix_status st;
        cix_panel *q = (cix_panel *)&q;
        cix_read_options_init(&o);
        o.alloc = &a;
        h->count = 0;
        h->fail_at = n;
        st = buf ? cix_panel_read_buffer(buf, len, "p.cixp", &o, &q, &err)
                 : cix_panel_read_file(path, &o, &q, &err);
        h->fail_at = 0;
        if (st == CIX_OK) {
            assert_same(want, q);
            cix_panel_free(q);
            ck_assert_int_eq(h->live, 0);
            return n;
        }
        ck_assert_int_eq(st, CIX_ENOMEM);
        ck_assert_ptr_null(q);
        ck_assert_int_eq(h->live, 0);
    }
}

/* Allocation N fails, N = 1, 2, ...: CIX_ENOMEM, nothing left allocated, no
 * file written; then success. */
START_TEST(allocation_failures)
{
    cix_test_hook h = {0, 0, 0};
    cix_allocator a = cix_test_hook_allocator(&h);
    cix_panel *p, *ref;
    cix_error err;
    size_t len;
    unsigned char *buf;
    long n;
    make_dir();
    p = sample(1, &a);
    for (n = 1;; n++) {
        cix_status st;
        h.fail_at = h.count + n;
        st = cix_panel_write_binary(p, path_in_dir("p.cixp"), &err);
        h.fail_at = 0;
        if (st == CIX_OK)
            break;
        ck_assert_int_eq(st, CIX_ENOMEM);
        ck_assert_int_eq(dir_entries(), 0);
    }
    ck_assert(n > 1);
    cix_panel_free(p);
    ck_assert_int_eq(h.live, 0);
    buf = (unsigned char *)cix_test_slurp(path_in_dir("p.cixp"), &len);
    ck_assert_ptr_nonnull(buf);
    ref = sample(1, NULL);
    ck_assert(read_failing(ref, &h, buf, len, NULL) > 5);
    cix_panel_free(ref);
    free(buf);
    remove_dir();
}
END_TEST

/* Writes buf[0..len) to dir/name. */
static void put_file(const char *name, const void *buf, size_t len)
{
    FILE *f = fopen(path_in_dir(name), "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* A CSV file read, converted and loaded from the file: the values mapped,
 * bit for bit those of the CSV reader (-0, subnormals, 17 digits, NA); a
 * panel with NaN payloads set through the API keeps them bit for bit. */
START_TEST(mapped_same_bits)
{
    static const char csv[] = "region,year,a,b,c\n"
                              "r1,2020,-0,4.9406564584124654e-324,0.1\n"
                              "r2,2020,2.2250738585072009e-308,NA,1.7976931348623157e308\n"
                              "r1,2021,-2.2250738585072004e-308,0.30000000000000004,\n"
                              "r3,2021,123456789012345678901234,-1e-310,-0.0\n";
    static const uint64_t payloads[] = {
        0x7FF8000000000000ull, 0xFFF8000000000000ull, 0x7FF8000000000123ull,
        0x7FF0000000000001ull, /* signalling */
        0xFFFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0x0000000000000001ull,
        0x800FFFFFFFFFFFFFull};
    cix_panel *p = NULL, *q = NULL;
    cix_error err;
    size_t n;
    make_dir();
    ck_assert_cix_ok(cix_panel_read_buffer(csv, sizeof csv - 1, "t.csv", NULL, &p, &err),
                     &err);
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("t.cixp"), &err), &err);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("t.cixp"), NULL, &q, &err), &err);
    ck_assert_uint_gt(cix_i_panel_mapped_bytes(q), 0);
    ck_assert_uint_eq(cix_i_panel_mapped_bytes(p), 0);
    assert_same(p, q);
    ck_assert(signbit(cix_panel_value(q, 0, 0)) && cix_panel_value(q, 0, 0) == 0);
    ck_assert(cix_panel_value(q, 0, 1) == from_bits(1));
    ck_assert(cix_panel_value(q, 2, 1) == 0.30000000000000004);
    ck_assert(isnan(cix_panel_value(q, 1, 1)) && isnan(cix_panel_value(q, 2, 2)));
    cix_panel_free(p);
    cix_panel_free(q);

    /* NaN payloads (both signs, signalling), -0, the smallest subnormals */
    n = sizeof payloads / sizeof payloads[0];
    ck_assert_cix_ok(cix_panel_create(n, 2, 0, NULL, &p, &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "x", &err), &err);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 1, "y", &err), &err);
    for (size_t r = 0; r < n; r++) {
        char name[16];
        snprintf(name, sizeof name, "r%zu", r);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, 0, &err), &err);
        memcpy(cix_panel_column(p, 0) + r, &payloads[r], 8);
        memcpy(cix_panel_column(p, 1) + r, &payloads[n - 1 - r], 8);
    }
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("nan.cixp"), &err), &err);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("nan.cixp"), NULL, &q, &err), &err);
    ck_assert_uint_gt(cix_i_panel_mapped_bytes(q), 0);
    for (size_t r = 0; r < n; r++) {
        uint64_t b0, b1;
        memcpy(&b0, cix_panel_column_const(q, 0) + r, 8);
        memcpy(&b1, cix_panel_column_const(q, 1) + r, 8);
        ck_assert_uint_eq(b0, payloads[r]);
        ck_assert_uint_eq(b1, payloads[n - 1 - r]);
    }
    cix_panel_free(p);
    cix_panel_free(q);
    remove_dir();
}
END_TEST

/* Writes through cix_panel_column on a mapped panel stay in the panel: the
 * file keeps its bytes, a second load sees the old values. */
START_TEST(mapped_writes_stay_private)
{
    cix_panel *p = sample(1, NULL), *q = NULL, *q2 = NULL;
    cix_error err;
    size_t len, len2, n = cix_panel_nrows(p);
    unsigned char *before, *after;
    make_dir();
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("p.cixp"), &err), &err);
    before = (unsigned char *)cix_test_slurp(path_in_dir("p.cixp"), &len);
    ck_assert_ptr_nonnull(before);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &q, &err), &err);
    ck_assert_uint_gt(cix_i_panel_mapped_bytes(q), 0);
    /* the first and the last cell, and a whole column */
    cix_panel_column(q, 0)[0] = 42.5;
    cix_panel_column(q, 2)[n - 1] = -7.0;
    for (size_t r = 0; r < n; r++)
        cix_panel_column(q, 1)[r] = (double)r;
    ck_assert(cix_panel_value(q, 0, 0) == 42.5);
    ck_assert(cix_panel_value(q, n - 1, 2) == -7.0);
    ck_assert(cix_panel_value(q, 3, 1) == 3.0);
    after = (unsigned char *)cix_test_slurp(path_in_dir("p.cixp"), &len2);
    ck_assert_ptr_nonnull(after);
    ck_assert_uint_eq(len, len2);
    ck_assert(memcmp(before, after, len) == 0);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &q2, &err), &err);
    assert_same(p, q2);
    /* and q, once freed, leaves the file as it was */
    cix_panel_free(q);
    free(after);
    after = (unsigned char *)cix_test_slurp(path_in_dir("p.cixp"), &len2);
    ck_assert(len == len2 && memcmp(before, after, len) == 0);
    free(before);
    free(after);
    cix_panel_free(p);
    cix_panel_free(q2);
    remove_dir();
}
END_TEST

#ifdef __linux__
/* Lines of /proc/self/maps that name path. */
static int mappings_of(const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[1024];
    int k = 0;
    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f))
        k += strstr(line, path) != NULL;
    fclose(f);
    return k;
}
#endif

/* The mapping lives as long as the panel: cix_panel_free unmaps it; the
 * descriptor is not kept open. A file replaced as cix convert does (a new
 * file renamed over it) leaves a loaded panel as it was. */
START_TEST(mapped_lifetime)
{
    cix_panel *p = sample(1, NULL), *q = NULL, *q2 = NULL, *r2 = NULL;
    cix_error err;
    size_t n = cix_panel_nrows(p);
    make_dir();
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("p.cixp"), &err), &err);
#ifdef __linux__
    ck_assert_int_eq(mappings_of(path_in_dir("p.cixp")), 0);
#endif
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &q, &err), &err);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &q2, &err), &err);
#ifdef __linux__
    ck_assert_int_eq(mappings_of(path_in_dir("p.cixp")), 2);
    cix_panel_free(q2);
    ck_assert_int_eq(mappings_of(path_in_dir("p.cixp")), 1);
#else
    cix_panel_free(q2);
#endif
    /* replaced by a panel with other values: q still reads the old ones */
    cix_panel_column(p, 0)[2] = 1234.5;
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("p.cixp"), &err), &err);
    ck_assert(cix_panel_value(q, 2, 0) == from_bits(1)); /* sample's old value */
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &r2, &err), &err);
    ck_assert(cix_panel_value(r2, 2, 0) == 1234.5);
    assert_same(p, r2);
    for (size_t r = 0; r < n; r++)
        if (r != 2)
            ck_assert(memcmp(cix_panel_column_const(q, 0) + r, cix_panel_column_const(p, 0) + r,
                             8) == 0);
    /* a mapped panel written over its own file (cix convert X -o X) */
    ck_assert_cix_ok(cix_panel_write_binary(r2, path_in_dir("p.cixp"), &err), &err);
    cix_panel_free(q);
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &q, &err), &err);
    assert_same(p, q);
    cix_panel_free(q);
    cix_panel_free(r2);
#ifdef __linux__
    ck_assert_int_eq(mappings_of(path_in_dir("p.cixp")), 0);
#endif
    cix_panel_free(p);
    remove_dir();
}
END_TEST

/* Reads dir/name through the file, with the default allocator (mapped) and
 * with a custom one (read into its storage): both give status want, no
 * panel, the file named and `part` in the message; with the custom
 * allocator nothing is left allocated. */
static void expect_file_error(const char *name, cix_status want, const char *part,
                              cix_error *out)
{
    cix_test_hook h = {0, 0, 0};
    cix_allocator a = cix_test_hook_allocator(&h);
    for (int custom = 0; custom <= 1; custom++) {
        cix_read_options o;
        cix_panel *p = (cix_panel *)&p;
        cix_error err;
        cix_status st;
        cix_read_options_init(&o);
        if (custom)
            o.alloc = &a;
        st = cix_panel_read_file(path_in_dir(name), &o, &p, &err);
        ck_assert_msg(st == want, "%s: status %d, expected %d (%s)", name, (int)st, (int)want,
                      st ? err.message : "ok");
        ck_assert_ptr_null(p);
        ck_assert_str_eq(err.file, path_in_dir(name));
        ck_assert_msg(strstr(err.message, part) != NULL, "message '%s' lacks '%s'",
                      err.message, part);
        ck_assert_int_eq(h.live, 0);
        if (custom)
            ck_assert_str_eq(err.message, out->message); /* the same either way */
        *out = err;
    }
}

/* Errors of files loaded by mapping: the same as by reading. */
START_TEST(mapped_errors)
{
    size_t len, values;
    unsigned char *buf, *b;
    cix_error err;
    long cuts = 0;
    make_dir();
    buf = sample_file(1, "p.cixp", &len);
    values = (size_t)get_u64(buf + 64);
    b = malloc(len + 8);
    ck_assert_ptr_nonnull(b);

    /* an infinite value: named by indicator and row, and by its cell */
    for (int sign = 0; sign <= 1; sign++) {
        uint64_t inf = sign ? 0xFFF0000000000000ull : 0x7FF0000000000000ull;
        memcpy(b, buf, len);
        memcpy(b + values + (8 + 3) * 8, &inf, 8); /* indicator 2, row 4 */
        put_file("inf.cixp", b, len);
        expect_file_error("inf.cixp", CIX_EPARSE, "infinite value (indicator 2, row 4)", &err);
        ck_assert_str_eq(err.indicator, "研发投入");
        ck_assert_str_eq(err.region, "广东省");
        ck_assert_int_eq(err.year, 2019);
    }
    /* the last cell, in the mapping's last page */
    memcpy(b, buf, len);
    {
        uint64_t inf = 0x7FF0000000000000ull;
        memcpy(b + len - 8, &inf, 8);
    }
    put_file("last.cixp", b, len);
    expect_file_error("last.cixp", CIX_EPARSE, "infinite value (indicator 3, row 8)", &err);
    /* the checksum, data after the end, the version */
    memcpy(b, buf, len);
    b[100] ^= 0x20;
    put_file("sum.cixp", b, len);
    expect_file_error("sum.cixp", CIX_EPARSE, "checksum", &err);
    ck_assert_ptr_nonnull(strstr(err.message, "re-create it with cix convert"));
    memcpy(b, buf, len);
    memset(b + len, 0, 8);
    put_file("long.cixp", b, len + 8);
    expect_file_error("long.cixp", CIX_EPARSE, "data after the end", &err);
    memcpy(b, buf, len);
    b[8] = 2;
    put_file("v2.cixp", b, len);
    expect_file_error("v2.cixp", CIX_EPARSE, "format version 2; this cix reads version 1",
                      &err);
    /* every cut within and near the values, a sample of the others */
    for (size_t cut = 1; cut < len; cut++) {
        if (cut + 64 < values && cut % 37 != 0 && cut > 120)
            continue;
        put_file("cut.cixp", buf, cut);
        expect_file_error("cut.cixp", CIX_EPARSE,
                          cut < 96 ? "fewer than its 96-byte header" : "cut short", &err);
        cuts++;
    }
    ck_assert(cuts > 300);
    free(b);
    free(buf);
    remove_dir();
}
END_TEST

/* A custom allocator: the values are read into storage from it (not
 * mapped), the panel is the same, every allocation failure is reported and
 * leaves nothing allocated; a memory buffer is never mapped. */
START_TEST(custom_allocator_not_mapped)
{
    cix_test_meter m = {0, 0, -1, 0};
    cix_allocator ma = cix_test_meter_allocator(&m);
    cix_test_hook h = {0, 0, 0};
    const size_t n = 5000, J = 4;
    cix_panel *p = NULL, *q = NULL, *d = NULL, *b = NULL;
    cix_read_options o;
    cix_error err;
    size_t len;
    unsigned char *buf;
    make_dir();
    ck_assert_cix_ok(cix_panel_create(n, J, 0, NULL, &p, &err), &err);
    for (size_t j = 0; j < J; j++) {
        char name[16];
        snprintf(name, sizeof name, "i%zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &err), &err);
        for (size_t r = 0; r < n; r++)
            cix_panel_column(p, j)[r] = r % 13 == j ? NAN : (double)r / 7.0 - (double)j;
    }
    for (size_t r = 0; r < n; r++) {
        char name[16];
        snprintf(name, sizeof name, "r%zu", r);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, 0, &err), &err);
    }
    ck_assert_cix_ok(cix_panel_write_binary(p, path_in_dir("p.cixp"), &err), &err);

    cix_read_options_init(&o);
    o.alloc = &ma;
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), &o, &q, &err), &err);
    ck_assert_uint_eq(cix_i_panel_mapped_bytes(q), 0);
    ck_assert_uint_ge(m.now, n * J * sizeof(double)); /* the values came from it */
    assert_same(p, q);
    cix_panel_free(q);
    ck_assert_uint_eq(m.now, 0);
    /* the default allocator maps, with the same panel */
    ck_assert_cix_ok(cix_panel_read_file(path_in_dir("p.cixp"), NULL, &d, &err), &err);
    ck_assert_uint_ge(cix_i_panel_mapped_bytes(d), n * J * sizeof(double));
    assert_same(p, d);
    /* a buffer is read, not mapped */
    buf = (unsigned char *)cix_test_slurp(path_in_dir("p.cixp"), &len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_cix_ok(cix_panel_read_buffer(buf, len, "p.cixp", NULL, &b, &err), &err);
    ck_assert_uint_eq(cix_i_panel_mapped_bytes(b), 0);
    assert_same(p, b);
    /* allocation failures through a file */
    ck_assert(read_failing(p, &h, NULL, 0, path_in_dir("p.cixp")) > 5);
    free(buf);
    cix_panel_free(p);
    cix_panel_free(d);
    cix_panel_free(b);
    remove_dir();
}
END_TEST

static Suite *binary_suite(void)
{
    Suite *s = suite_create("binary_panel");
    TCase *tc = tcase_create("binary");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, same_as_csv);
    tcase_add_test(tc, regions_renumbered);
    tcase_add_test(tc, write_errors);
    tcase_add_test(tc, read_errors);
    tcase_add_test(tc, damaged_files);
    tcase_add_test(tc, threads);
    tcase_add_test(tc, allocation_failures);
    tcase_add_test(tc, mapped_same_bits);
    tcase_add_test(tc, mapped_writes_stay_private);
    tcase_add_test(tc, mapped_lifetime);
    tcase_add_test(tc, mapped_errors);
    tcase_add_test(tc, custom_allocator_not_mapped);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(binary_suite());
}
