/* The CSV panel reader: good inputs in every supported shape, every kind of
 * bad input (status, line, column, what and how to fix), chunked feeding,
 * options, the fixtures, and two readers on two threads. */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

#define DATA_DIR CIX_SOURCE_DIR "/tests/data/reader/"

static const char *data_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s%s", DATA_DIR, name);
    return path;
}

static char *slurp_data(const char *name, size_t *len)
{
    char *buf = cix_test_slurp(data_path(name), len);
    ck_assert_msg(buf != NULL, "cannot read %s", data_path(name));
    return buf;
}

static cix_panel *read_ok(const char *name, const cix_read_options *o)
{
    cix_panel *p = NULL;
    cix_error err;
    ck_assert_cix_ok(cix_panel_read_file(data_path(name), o, &p, &err), &err);
    ck_assert_ptr_nonnull(p);
    return p;
}

static cix_panel *read_text_ok(const char *text, const cix_read_options *o)
{
    cix_panel *p = NULL;
    cix_error err;
    ck_assert_cix_ok(cix_panel_read_buffer(text, strlen(text), "t.csv", o, &p, &err), &err);
    return p;
}

static int same_double(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Panels equal in shape, names, years and value bits. */
static void assert_panels_equal(const cix_panel *a, const cix_panel *b)
{
    ck_assert_uint_eq(cix_panel_nrows(a), cix_panel_nrows(b));
    ck_assert_uint_eq(cix_panel_nindicators(a), cix_panel_nindicators(b));
    ck_assert_int_eq(cix_panel_has_year(a), cix_panel_has_year(b));
    for (size_t j = 0; j < cix_panel_nindicators(a); j++)
        ck_assert_str_eq(cix_panel_indicator(a, j), cix_panel_indicator(b, j));
    for (size_t i = 0; i < cix_panel_nrows(a); i++) {
        ck_assert_str_eq(cix_panel_row_region(a, i), cix_panel_row_region(b, i));
        ck_assert_int_eq(cix_panel_row_year(a, i), cix_panel_row_year(b, i));
        for (size_t j = 0; j < cix_panel_nindicators(a); j++)
            ck_assert_msg(same_double(cix_panel_value(a, i, j), cix_panel_value(b, i, j)),
                          "cell (%zu,%zu) differs", i, j);
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

static void check_row(const cix_panel *p, size_t i, const char *region, int32_t year,
                      const double *v)
{
    ck_assert_str_eq(cix_panel_row_region(p, i), region);
    ck_assert_int_eq(cix_panel_row_year(p, i), year);
    for (size_t j = 0; j < cix_panel_nindicators(p); j++) {
        double got = cix_panel_value(p, i, j);
        if (isnan(v[j]))
            ck_assert_msg(isnan(got), "row %zu col %zu: %g, expected missing", i, j, got);
        else
            ck_assert_msg(got == v[j], "row %zu col %zu: %.17g, expected %.17g", i, j, got,
                          v[j]);
    }
}

/* ------------------------------------------------------------------------ */
/* good inputs                                                              */
/* ------------------------------------------------------------------------ */

static void check_basic_panel(const cix_panel *p)
{
    static const double r0[] = {3.61, 21.9}, r1[] = {4.03, 21.9}, r2[] = {3.87, 24.9},
                        r3[] = {4.32, 24.9};
    ck_assert_uint_eq(cix_panel_nrows(p), 4);
    ck_assert_uint_eq(cix_panel_nindicators(p), 2);
    ck_assert_int_eq(cix_panel_has_year(p), 1);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "gdp");
    ck_assert_str_eq(cix_panel_indicator(p, 1), "pop");
    ck_assert_uint_eq(cix_panel_nregions(p), 2);
    ck_assert_uint_eq(cix_panel_nyears(p), 2);
    check_row(p, 0, "Beijing", 2020, r0);
    check_row(p, 1, "Beijing", 2021, r1);
    check_row(p, 2, "Shanghai", 2020, r2);
    check_row(p, 3, "Shanghai", 2021, r3);
}

START_TEST(wide_basic)
{
    cix_panel *p = read_ok("good_wide.csv", NULL);
    check_basic_panel(p);
    cix_panel_free(p);
}
END_TEST

START_TEST(bom_crlf_semicolon_tab_give_the_same_panel)
{
    static const char *const names[] = {"good_bom_crlf.csv", "good_semicolon.csv",
                                        "good_tab.tsv"};
    for (size_t i = 0; i < 3; i++) {
        cix_panel *p = read_ok(names[i], NULL);
        check_basic_panel(p);
        cix_panel_free(p);
    }
}
END_TEST

START_TEST(quoted_fields)
{
    static const double r0[] = {3.61, 21.9}, r1[] = {4.03, 21.9}, r2[] = {2.8, 7.5};
    cix_panel *p = read_ok("good_quoted.csv", NULL);
    ck_assert_uint_eq(cix_panel_nrows(p), 3);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "gdp, bn");
    ck_assert_str_eq(cix_panel_indicator(p, 1), "pop \"m\"");
    check_row(p, 0, "Beijing, city", 2020, r0);
    check_row(p, 1, "Beijing, city", 2021, r1);
    check_row(p, 2, "Hong \"Kong\"", 2020, r2);
    ck_assert_uint_eq(cix_panel_nregions(p), 2);
    cix_panel_free(p);
}
END_TEST

START_TEST(chinese_names)
{
    static const double r0[] = {36102.6, 2189}, r2[] = {17826.6, 3858};
    cix_panel *p = read_ok("good_chinese.csv", NULL);
    ck_assert_uint_eq(cix_panel_nrows(p), 3);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "地区生产总值");
    ck_assert_str_eq(cix_panel_indicator(p, 1), "常住人口");
    ck_assert_uint_eq(cix_panel_find_indicator(p, "常住人口"), 1);
    check_row(p, 0, "北京市", 2020, r0);
    check_row(p, 2, "贵州省", 2020, r2);
    cix_panel_free(p);
}
END_TEST

START_TEST(na_strings)
{
    static const double x[] = {NAN, NAN, NAN, NAN, NAN, NAN}, y[] = {1, 2, 3, 4, 5, 6},
                        z[] = {NAN, NAN, 0.001, -250, 0.5, 7};
    cix_panel *p = read_ok("good_na.csv", NULL);
    ck_assert_uint_eq(cix_panel_nindicators(p), 6);
    check_row(p, 0, "x", 2020, x);
    check_row(p, 1, "y", 2020, y);
    check_row(p, 2, "z", 2020, z);
    ck_assert_uint_eq(cix_panel_count_missing(p), 8);
    cix_panel_free(p);
}
END_TEST

START_TEST(long_form)
{
    static const double r0[] = {3.61, 21.9}, r1[] = {3.87, NAN}, r2[] = {4.03, NAN},
                        r3[] = {NAN, 24.9};
    cix_panel *p = read_ok("good_long.csv", NULL);
    ck_assert_uint_eq(cix_panel_nrows(p), 4);
    ck_assert_uint_eq(cix_panel_nindicators(p), 2);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "gdp");
    ck_assert_str_eq(cix_panel_indicator(p, 1), "pop");
    /* rows in order of first appearance of (region, year) */
    check_row(p, 0, "Beijing", 2020, r0);
    check_row(p, 1, "Shanghai", 2020, r1);
    check_row(p, 2, "Beijing", 2021, r2);
    check_row(p, 3, "Shanghai", 2021, r3);
    cix_panel_free(p);
}
END_TEST

START_TEST(long_form_variants)
{
    static const double a[] = {1, 2}, b[] = {3, NAN};
    cix_read_options o;
    cix_panel *p;

    /* cross-section long form, columns in another order */
    p = read_text_ok("value,indicator,region\n1,x,A\n2,y,A\n3,x,B\n", NULL);
    ck_assert_int_eq(cix_panel_has_year(p), 0);
    ck_assert_uint_eq(cix_panel_nrows(p), 2);
    check_row(p, 0, "A", CIX_NO_YEAR, a);
    check_row(p, 1, "B", CIX_NO_YEAR, b);
    cix_panel_free(p);

    /* forcing the wide form: "indicator" and "value" become indicators */
    cix_read_options_init(&o);
    o.form = CIX_FORM_WIDE;
    p = read_text_ok("region,year,indicator,value\nA,2020,1,2\n", &o);
    ck_assert_uint_eq(cix_panel_nindicators(p), 2);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "indicator");
    ck_assert(cix_panel_value(p, 0, 1) == 2.0);
    cix_panel_free(p);

    /* forcing the long form with configured names */
    o.form = CIX_FORM_LONG;
    o.region_column = "地区";
    o.year_column = "年份";
    o.indicator_column = "指标";
    o.value_column = "数值";
    p = read_text_ok("年份,地区,指标,数值\n2020,北京,GDP,1.5\n2020,上海,GDP,2.5\n", &o);
    ck_assert_uint_eq(cix_panel_nrows(p), 2);
    ck_assert_str_eq(cix_panel_row_region(p, 1), "上海");
    ck_assert_int_eq(cix_panel_row_year(p, 1), 2020);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "GDP");
    ck_assert(cix_panel_value(p, 1, 0) == 2.5);
    cix_panel_free(p);
}
END_TEST

START_TEST(cross_section_and_blank_lines)
{
    static const double r2[] = {1.78, 38.6}, one[] = {1}, three[] = {3};
    cix_panel *p = read_ok("good_cross.csv", NULL);
    ck_assert_int_eq(cix_panel_has_year(p), 0);
    ck_assert_uint_eq(cix_panel_nyears(p), 0);
    ck_assert_uint_eq(cix_panel_nrows(p), 3);
    check_row(p, 2, "Guizhou", CIX_NO_YEAR, r2);
    cix_panel_free(p);

    /* blank lines, a whitespace-only line and an all-empty ",," row are skipped;
     * the last line has no line break */
    p = read_ok("good_blank_lines.csv", NULL);
    ck_assert_uint_eq(cix_panel_nrows(p), 3);
    check_row(p, 0, "Beijing", 2020, one);
    check_row(p, 2, "Shanghai", 2020, three);
    cix_panel_free(p);
}
END_TEST

START_TEST(options_names_na_delimiter)
{
    cix_read_options o;
    cix_panel *p;
    cix_error err;
    static const char *const na[] = {"-999", "n/a"};

    cix_read_options_init(&o);
    o.region_column = "province";
    o.year_column = "yr";
    p = read_text_ok("province,yr,gdp\nGuizhou,2019,1.5\n", &o);
    ck_assert_str_eq(cix_panel_row_region(p, 0), "Guizhou");
    ck_assert_int_eq(cix_panel_row_year(p, 0), 2019);
    cix_panel_free(p);

    /* configured NA strings replace the defaults, and win over numbers */
    cix_read_options_init(&o);
    o.na_strings[0] = na[0];
    o.na_strings[1] = na[1];
    o.n_na_strings = 2;
    p = read_text_ok("region,a,b\nA,-999,n/a\nB, -999 ,1\n", &o);
    ck_assert(isnan(cix_panel_value(p, 0, 0)) && isnan(cix_panel_value(p, 0, 1)));
    ck_assert(isnan(cix_panel_value(p, 1, 0)) && cix_panel_value(p, 1, 1) == 1.0);
    cix_panel_free(p);
    ck_assert_int_eq(cix_panel_read_buffer("region,a\nA,NA\n", 14, "t.csv", &o, &p, &err),
                     CIX_EDATA);
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(strstr(err.message, "'NA' is not a number"));
    ck_assert_int_eq(cix_panel_read_buffer("region,a\nA,\n", 12, "t.csv", &o, &p, &err),
                     CIX_EDATA);
    ck_assert_ptr_nonnull(strstr(err.message, "the cell is empty"));
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.column, 2);

    /* a configured delimiter is used as given */
    cix_read_options_init(&o);
    o.delimiter = ';';
    p = read_text_ok("region;a,b\nA;1\n", &o);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "a,b");
    cix_panel_free(p);
    o.delimiter = ',';
    ck_assert_int_eq(cix_panel_read_buffer("region;a\nA;1\n", 13, "t.csv", &o, &p, &err),
                     CIX_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "the whole header is one column"));
}
END_TEST

START_TEST(delimiter_detection_ignores_quotes)
{
    cix_panel *p;
    p = read_text_ok("region,\"a;b;c\",d\nA,1,2\n", NULL);
    ck_assert_uint_eq(cix_panel_nindicators(p), 2);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "a;b;c");
    cix_panel_free(p);
    p = read_text_ok("\n\n\"region\"\t\"x,y\"\t\"z\"\nA\t1\t2\n", NULL);
    ck_assert_uint_eq(cix_panel_nindicators(p), 2);
    ck_assert_str_eq(cix_panel_indicator(p, 0), "x,y");
    cix_panel_free(p);
}
END_TEST

START_TEST(options_check)
{
    cix_read_options o;
    cix_reader *r = (cix_reader *)&o;
    cix_error err;
    cix_allocator half = {NULL, NULL, NULL, NULL};

    cix_read_options_init(&o);
    ck_assert_ptr_null(cix_read_options_check(&o));
    ck_assert_int_eq(o.form, CIX_FORM_AUTO);
    ck_assert_int_eq(o.delimiter, 0);
    ck_assert_str_eq(o.region_column, "region");
    ck_assert_str_eq(o.year_column, "year");
    ck_assert_str_eq(o.indicator_column, "indicator");
    ck_assert_str_eq(o.value_column, "value");
    ck_assert_uint_eq(o.n_na_strings, 6);
    ck_assert_str_eq(o.na_strings[0], "");
    ck_assert_str_eq(o.na_strings[5], "…");
    ck_assert_ptr_nonnull(cix_read_options_check(NULL));

    o.delimiter = '|';
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "delimiter"));
    cix_read_options_init(&o);
    o.form = (cix_csv_form)7;
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "form"));
    cix_read_options_init(&o);
    o.year_column = "region";
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "different"));
    cix_read_options_init(&o);
    o.value_column = "";
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "non-empty"));
    cix_read_options_init(&o);
    o.n_na_strings = CIX_MAX_NA_STRINGS + 1;
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "n_na_strings"));
    cix_read_options_init(&o);
    o.na_strings[2] = NULL;
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "NULL"));
    cix_read_options_init(&o);
    o.alloc = &half;
    ck_assert_ptr_nonnull(strstr(cix_read_options_check(&o), "alloc"));

    ck_assert_int_eq(cix_reader_create("x.csv", &o, &r, &err), CIX_EINVAL);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(err.message, "alloc"));
}
END_TEST

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

START_TEST(fixtures_read)
{
    static const char *const names[] = {"entropy_2x2.csv",  "entropy_minmax_offset.csv",
                                        "entropy_xu2004.csv", "entropy_zp2016.csv",
                                        "tai23.csv",        "topsis_minmax.csv",
                                        "topsis_vector.csv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cix_panel *p = NULL;
        cix_error err;
        size_t len;
        char *text = cix_test_slurp(cix_test_fixture(names[i]), &len);
        size_t lines = count_char(text, '\n'), header_fields;
        ck_assert_ptr_nonnull(text);
        header_fields = 1;
        for (const char *s = text; *s && *s != '\n'; s++)
            header_fields += *s == ',';
        ck_assert_cix_ok(cix_panel_read_file(cix_test_fixture(names[i]), NULL, &p, &err),
                         &err);
        ck_assert_uint_eq(cix_panel_nrows(p), lines - 1);
        ck_assert_uint_eq(cix_panel_nindicators(p), header_fields - 1);
        ck_assert_int_eq(cix_panel_has_year(p), 0);
        ck_assert_uint_eq(cix_panel_count_missing(p), 0);
        if (strcmp(names[i], "tai23.csv") == 0) {
            static const double us[] = {289, 130, 179.1, 66.2, 3.0, 4.07, 12, 13.9};
            static const double sl[] = {105, 4, 20.3, 49.5, 2.84, 3.71, 7.1, 10.6};
            ck_assert_uint_eq(cix_panel_nrows(p), 23);
            ck_assert_str_eq(cix_panel_indicator(p, 0), "PATENTS");
            ck_assert_str_eq(cix_panel_indicator(p, 7), "UNIVERSITY");
            check_row(p, 1, "United States", CIX_NO_YEAR, us);
            check_row(p, 22, "Slovenia", CIX_NO_YEAR, sl);
            ck_assert_str_eq(cix_panel_row_region(p, 20), "Czech Republic");
        }
        cix_panel_free(p);
        free(text);
    }
}
END_TEST

/* ------------------------------------------------------------------------ */
/* bad inputs                                                               */
/* ------------------------------------------------------------------------ */

typedef struct bad_case {
    const char *file;
    cix_status status;
    uint64_t line, column;
    const char *phrase, *phrase2;
    const char *indicator, *region;
    int32_t year;
} bad_case;

static const bad_case bad_files[] = {
    {"bad_ragged_more.csv", CIX_EPARSE, 3, 5, "has 5 fields but the header has 4",
     "quote a field that contains the delimiter", "", "", CIX_NO_YEAR},
    {"bad_ragged_less.csv", CIX_EPARSE, 3, 3, "has 3 fields but the header has 4",
     "add the missing fields", "", "", CIX_NO_YEAR},
    {"bad_unterminated_quote.csv", CIX_EPARSE, 3, 3, "unterminated quoted field",
     "add the closing quote", "", "", CIX_NO_YEAR},
    {"bad_stray_quote.csv", CIX_EPARSE, 3, 3, "quote character inside an unquoted field",
     "double the quote", "", "", CIX_NO_YEAR},
    {"bad_thousands.csv", CIX_EDATA, 2, 3, "thousands separator", "as 1234", "gdp",
     "Beijing", 2020},
    {"bad_thousands_space.csv", CIX_EDATA, 2, 3, "thousands separators", "as 1234", "gdp",
     "Beijing", 2020},
    {"bad_decimal_comma.csv", CIX_EDATA, 2, 3, "decimal comma", "as 3.5", "gdp", "Beijing",
     2020},
    {"bad_inf.csv", CIX_EDATA, 2, 4, "'inf' is not accepted",
     "leave the cell empty or write NA", "pop", "Beijing", 2020},
    {"bad_nan.csv", CIX_EDATA, 2, 3, "'nan' is not accepted",
     "leave the cell empty or write NA", "gdp", "Beijing", 2020},
    {"bad_text.csv", CIX_EDATA, 2, 3, "'abc' is not a number", "such as 12.5", "gdp",
     "Beijing", 2020},
    {"bad_cell_before_region.csv", CIX_EDATA, 2, 1, "'abc' is not a number", "", "gdp",
     "Beijing", 2020},
    {"bad_duplicate_row.csv", CIX_EDATA, 4, 1, "lines 2 and 4", "keep only one", "",
     "Beijing", 2020},
    {"bad_duplicate_column.csv", CIX_EPARSE, 1, 4, "'gdp' appears twice (columns 3 and 4)",
     "rename one", "", "", CIX_NO_YEAR},
    {"bad_empty_column.csv", CIX_EPARSE, 1, 4, "column 4 of the header has no name",
     "ends with a delimiter", "", "", CIX_NO_YEAR},
    {"bad_year_fraction.csv", CIX_EDATA, 2, 2, "year '2020.5' is not an integer",
     "whole numbers such as 2020", "", "Beijing", CIX_NO_YEAR},
    {"bad_year_text.csv", CIX_EDATA, 2, 2, "year 'FY2020' is not an integer",
     "whole numbers such as 2020", "", "Beijing", CIX_NO_YEAR},
    {"bad_empty.csv", CIX_EPARSE, 1, 0, "the file is empty", "header line", "", "",
     CIX_NO_YEAR},
    {"bad_header_only.csv", CIX_EPARSE, 1, 0, "no data rows", "add at least one row", "", "",
     CIX_NO_YEAR},
    {"bad_no_indicators.csv", CIX_EPARSE, 1, 0, "no indicator columns",
     "add one column per indicator", "", "", CIX_NO_YEAR},
    {"bad_gbk.csv", CIX_EPARSE, 2, 1, "not valid UTF-8", "iconv -f GB18030 -t UTF-8", "", "",
     2020},
    {"bad_no_region.csv", CIX_EPARSE, 1, 0, "'province', 'year', 'gdp'",
     "set the region column name", "", "", CIX_NO_YEAR},
    {"bad_empty_region.csv", CIX_EDATA, 2, 1, "region name is empty", "every row needs", "",
     "", 2020},
    {"bad_long_duplicate.csv", CIX_EDATA, 4, 3, "lines 2 and 4", "keep only one", "gdp",
     "Beijing", 2020},
    {"bad_utf16.csv", CIX_EPARSE, 1, 0, "UTF-16", "save it as UTF-8", "", "", CIX_NO_YEAR},
    {"bad_multiline_name.csv", CIX_EPARSE, 3, 1, "control character", "remove it", "", "",
     2021},
};

static void check_bad(const cix_error *err, cix_status st, const bad_case *c)
{
    char where[1200];
    cix_error_format(err, where, sizeof where);
    ck_assert_msg(st == c->status, "%s: status %d, expected %d (%s)", c->file, st, c->status,
                  where);
    ck_assert_msg(err->line == c->line && err->column == c->column,
                  "%s: at %llu:%llu, expected %llu:%llu (%s)", c->file,
                  (unsigned long long)err->line, (unsigned long long)err->column,
                  (unsigned long long)c->line, (unsigned long long)c->column, where);
    ck_assert_msg(strstr(err->message, c->phrase) != NULL, "%s: '%s' not in: %s", c->file,
                  c->phrase, err->message);
    ck_assert_msg(strstr(err->message, c->phrase2) != NULL, "%s: '%s' not in: %s", c->file,
                  c->phrase2, err->message);
    ck_assert_str_eq(err->indicator, c->indicator);
    ck_assert_str_eq(err->region, c->region);
    ck_assert_int_eq(err->year, c->year);
}

START_TEST(bad_files_named_precisely)
{
    const bad_case *c = &bad_files[_i];
    cix_panel *p = (cix_panel *)&p;
    cix_error err;
    cix_status st = cix_panel_read_file(data_path(c->file), NULL, &p, &err);
    ck_assert_ptr_null(p);
    check_bad(&err, st, c);
    ck_assert_str_eq(err.file, data_path(c->file));
}
END_TEST

static const bad_case bad_texts[] = {
    /* input in `file`; name t.csv */
    {"region;year;gdp\nA;2020;1,234\n", CIX_EDATA, 2, 3,
     "if the comma is a thousands separator write 1234",
     "if it is a decimal comma write 1.234", "gdp", "A", 2020},
    {"region,year,gdp\nA,2020,1,234\n", CIX_EPARSE, 2, 4, "has 4 fields but the header has 3",
     "1,234 must not contain a thousands separator", "", "", CIX_NO_YEAR},
    {"region,year,gdp\nA,2020,1e999\n", CIX_EDATA, 2, 3, "'1e999' is too large", "", "gdp",
     "A", 2020},
    {"region,year,gdp\nA,2020,12.5%\n", CIX_EDATA, 2, 3, "percent sign", "", "gdp", "A",
     2020},
    {"region,year,gdp\nA,2020,\"3.5\"x\n", CIX_EPARSE, 2, 3, "text after the closing quote",
     "", "", "", CIX_NO_YEAR},
    {"region,year,gdp\nA,,1\n", CIX_EDATA, 2, 2, "the year is missing", "", "", "A",
     CIX_NO_YEAR},
    {"region,year,gdp\nA,99999999999,1\n", CIX_EDATA, 2, 2, "is not an integer", "", "", "A",
     CIX_NO_YEAR},
    {"region,gdp\nA,1\nB,2\nA,3\n", CIX_EDATA, 4, 1, "lines 2 and 4",
     "add a 'year' column", "", "A", CIX_NO_YEAR},
    {"region,year,indicator,value\nA,2020,,1\n", CIX_EDATA, 2, 3, "indicator name is empty",
     "", "", "A", 2020},
    {"region,year,gdp\r\nA,2020,1\r\nB,2020,x\r\n", CIX_EDATA, 3, 3, "'x' is not a number",
     "", "gdp", "B", 2020},
    {"region,year,gdp\rA,2020,1\rB,2020,x\r", CIX_EDATA, 3, 3, "'x' is not a number", "",
     "gdp", "B", 2020},
    {"region,a\rA,1\nB,2\r\n\rC,x\n", CIX_EDATA, 5, 2, "'x' is not a number", "", "a", "C",
     CIX_NO_YEAR},
    {"region,year,gdp\nA,2020,1\nB,2020,\"2\n\n\nC,2020,3\n", CIX_EPARSE, 3, 3,
     "unterminated quoted field", "", "", "", CIX_NO_YEAR},
    {"Region,year,gdp\nA,2020,1\n", CIX_EPARSE, 1, 0, "column 1 is 'Region'",
     "case-sensitive", "", "", CIX_NO_YEAR},
    {"region,year,indicator,value,note\nA,2020,x,1,n\n", CIX_EDATA, 2, 3, "'x' is not a number",
     "", "indicator", "A", 2020},
    {"region,year,gdp\nA,2020,-nan\n", CIX_EDATA, 2, 3, "'-nan' is not accepted", "", "gdp",
     "A", 2020},
    {"region,year,gdp\nA,2020,Infinity\n", CIX_EDATA, 2, 3, "'Infinity' is not accepted", "",
     "gdp", "A", 2020},
    {"region,year,gdp\nA,2020,1\xA0" "234\n", CIX_EPARSE, 2, 3, "not valid UTF-8", "GB18030",
     "gdp", "A", 2020},
    {"region,year,gdp\nA,2020,1\xC2\xA0" "234\n", CIX_EDATA, 2, 3, "thousands separators",
     "as 1234", "gdp", "A", 2020},
    {"region,year,\"gdp\"\"\nA,2020,1\n", CIX_EPARSE, 1, 3, "unterminated", "", "", "",
     CIX_NO_YEAR},
};

static size_t text_len(const bad_case *c)
{
    return strlen(c->file);
}

START_TEST(bad_texts_named_precisely)
{
    const bad_case *c = &bad_texts[_i];
    cix_panel *p = (cix_panel *)&p;
    cix_error err;
    cix_status st = cix_panel_read_buffer(c->file, text_len(c), "t.csv", NULL, &p, &err);
    ck_assert_ptr_null(p);
    check_bad(&err, st, c);
    ck_assert_str_eq(err.file, "t.csv");
}
END_TEST

START_TEST(long_form_shape_errors)
{
    cix_read_options o;
    cix_panel *p;
    cix_error err;
    cix_read_options_init(&o);
    o.form = CIX_FORM_LONG;
    ck_assert_int_eq(cix_panel_read_buffer("region,year,indicator,value,note\n", 33, NULL, &o,
                                           &p, &err),
                     CIX_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "unexpected column 'note'"));
    ck_assert_uint_eq(err.column, 5);
    ck_assert_str_eq(err.file, "<memory>");
    ck_assert_int_eq(cix_panel_read_buffer("region,year,value\nA,2020,1\n", 27, NULL, &o, &p,
                                           &err),
                     CIX_EPARSE);
    ck_assert_ptr_nonnull(strstr(err.message, "needs the columns"));
}
END_TEST

START_TEST(io_errors)
{
    cix_panel *p = (cix_panel *)&p;
    cix_error err;
    ck_assert_int_eq(cix_panel_read_file(DATA_DIR "no-such-file.csv", NULL, &p, &err), CIX_EIO);
    ck_assert_ptr_null(p);
    ck_assert_str_eq(err.file, DATA_DIR "no-such-file.csv");
    ck_assert_ptr_nonnull(strstr(err.message, "cannot open the file: no such file"));
    ck_assert_int_eq(cix_panel_read_file(DATA_DIR, NULL, &p, &err), CIX_EIO);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(cix_panel_read_file(NULL, NULL, &p, &err), CIX_EINVAL);
    ck_assert_int_eq(cix_panel_read_file("x", NULL, NULL, &err), CIX_EINVAL);
    ck_assert_int_eq(cix_panel_read_buffer(NULL, 3, "x", NULL, &p, &err), CIX_EINVAL);
}
END_TEST

START_TEST(reader_state)
{
    cix_reader *r;
    cix_panel *p;
    cix_error err, again;
    static const char good[] = "region,a\nA,1\n", bad[] = "region,a\nA,x\nB,2\n";

    /* after success, the reader is done */
    ck_assert_cix_ok(cix_reader_create("s.csv", NULL, &r, &err), &err);
    ck_assert_cix_ok(cix_reader_feed(r, good, 0, &err), &err);
    ck_assert_cix_ok(cix_reader_feed(r, good, sizeof good - 1, &err), &err);
    ck_assert_cix_ok(cix_reader_finish(r, &p, &err), &err);
    ck_assert(cix_panel_value(p, 0, 0) == 1.0);
    cix_panel_free(p);
    ck_assert_int_eq(cix_reader_feed(r, good, 3, &err), CIX_EINVAL);
    ck_assert_int_eq(cix_reader_finish(r, &p, &err), CIX_EINVAL);
    ck_assert_ptr_null(p);
    cix_reader_free(r);

    /* after an error, every call repeats it */
    ck_assert_cix_ok(cix_reader_create("s.csv", NULL, &r, &err), &err);
    ck_assert_int_eq(cix_reader_feed(r, bad, sizeof bad - 1, &err), CIX_EDATA);
    ck_assert_int_eq(cix_reader_feed(r, good, 3, &again), CIX_EDATA);
    assert_errors_equal(&err, &again);
    ck_assert_int_eq(cix_reader_finish(r, &p, &again), CIX_EDATA);
    ck_assert_ptr_null(p);
    assert_errors_equal(&err, &again);
    ck_assert_uint_eq(err.line, 2);
    cix_reader_free(r);
    cix_reader_free(NULL);

    ck_assert_int_eq(cix_reader_create("s.csv", NULL, NULL, &err), CIX_EINVAL);
    ck_assert_int_eq(cix_reader_feed(NULL, good, 1, &err), CIX_EINVAL);
    ck_assert_int_eq(cix_reader_finish(NULL, &p, &err), CIX_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* chunked feeding                                                          */
/* ------------------------------------------------------------------------ */

static cix_status read_in_chunks(const char *buf, size_t len, size_t chunk, cix_panel **out,
                                 cix_error *err)
{
    cix_reader *r = NULL;
    cix_status st = cix_reader_create("t.csv", NULL, &r, err);
    *out = NULL;
    for (size_t off = 0; st == CIX_OK && off < len; off += chunk) {
        size_t n = len - off < chunk ? len - off : chunk;
        st = cix_reader_feed(r, buf + off, n, err);
        if (st == CIX_OK && chunk == 3)
            st = cix_reader_feed(r, buf, 0, err); /* empty feeds change nothing */
    }
    if (st == CIX_OK)
        st = cix_reader_finish(r, out, err);
    cix_reader_free(r);
    return st;
}

static void check_every_chunk_size(const char *buf, size_t len)
{
    cix_panel *ref = NULL;
    cix_error ref_err;
    cix_status ref_st = cix_panel_read_buffer(buf, len, "t.csv", NULL, &ref, &ref_err);
    for (size_t chunk = 1; chunk <= len; chunk++) {
        cix_panel *p = NULL;
        cix_error err;
        cix_status st = read_in_chunks(buf, len, chunk, &p, &err);
        ck_assert_msg(st == ref_st, "chunk %zu: status %d, whole buffer %d", chunk, st,
                      ref_st);
        if (st == CIX_OK)
            assert_panels_equal(p, ref);
        else
            assert_errors_equal(&err, &ref_err);
        cix_panel_free(p);
    }
    cix_panel_free(ref);
}

START_TEST(every_chunk_size)
{
    static const char *const files[] = {
        "good_wide.csv",      "good_bom_crlf.csv",        "good_quoted.csv",
        "good_chinese.csv",   "good_long.csv",            "good_blank_lines.csv",
        "good_tab.tsv",       "good_na.csv",              "bad_unterminated_quote.csv",
        "bad_gbk.csv",        "bad_duplicate_row.csv",    "bad_ragged_more.csv",
        "bad_utf16.csv",      "bad_stray_quote.csv",      "bad_cell_before_region.csv",
        "bad_multiline_name.csv", "bad_long_duplicate.csv", "bad_empty.csv",
        "bad_header_only.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *buf = slurp_data(files[i], &len);
        check_every_chunk_size(buf, len);
        free(buf);
    }
    for (size_t i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++)
        check_every_chunk_size(bad_texts[i].file, text_len(&bad_texts[i]));
}
END_TEST

START_TEST(nul_byte_in_a_name)
{
    static const char text[] = "region,year,gdp\n\"A\xE5\x8C\x97\x00\",2020,1\n";
    static const bad_case c = {"", CIX_EPARSE, 2, 1, "NUL byte", "UTF-16", "", "", 2020};
    cix_panel *p;
    cix_error err;
    cix_status st = cix_panel_read_buffer(text, sizeof text - 1, "t.csv", NULL, &p, &err);
    ck_assert_ptr_null(p);
    check_bad(&err, st, &c);
    check_every_chunk_size(text, sizeof text - 1);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* allocator routing and threads                                            */
/* ------------------------------------------------------------------------ */

typedef struct counting {
    size_t calls, live, max_size;
} counting;

static void *c_malloc(void *ud, size_t n)
{
    counting *c = ud;
    void *p = malloc(n);
    c->calls++;
    if (p)
        c->live++;
    if (n > c->max_size)
        c->max_size = n;
    return p;
}

static void *c_realloc(void *ud, void *ptr, size_t n)
{
    counting *c = ud;
    void *p = realloc(ptr, n);
    c->calls++;
    if (p && !ptr)
        c->live++;
    if (n > c->max_size)
        c->max_size = n;
    return p;
}

static void c_free(void *ud, void *ptr)
{
    counting *c = ud;
    if (ptr)
        c->live--;
    free(ptr);
}

START_TEST(libcsv_allocates_through_the_handle)
{
    /* a quoted value cell of 20000 bytes: only libcsv's field buffer grows
     * with it (value cells are parsed in place, never copied) */
    size_t pad = 20000, n = 0;
    char *text = malloc(pad + 64);
    counting c = {0, 0, 0};
    cix_allocator a = {c_malloc, c_realloc, c_free, &c};
    cix_read_options o;
    cix_panel *p;
    cix_error err;

    n += (size_t)sprintf(text, "region,a\nA,\"");
    memset(text + n, ' ', pad);
    n += pad;
    n += (size_t)sprintf(text + n, "1.5\"\n");
    cix_read_options_init(&o);
    o.alloc = &a;
    ck_assert_cix_ok(cix_panel_read_buffer(text, n, "t.csv", &o, &p, &err), &err);
    ck_assert(cix_panel_value(p, 0, 0) == 1.5);
    ck_assert_uint_ge(c.max_size, pad);
    ck_assert_uint_lt(c.calls, 80); /* the buffer grows geometrically */
    cix_panel_free(p);
    ck_assert_uint_eq(c.live, 0);
    free(text);
}
END_TEST

typedef struct job {
    const char *text;
    size_t len;
    counting c;
    size_t nrows;
    double sum;
    cix_status st;
} job;

static void *run_job(void *arg)
{
    job *jb = arg;
    cix_allocator a = {c_malloc, c_realloc, c_free, &jb->c};
    cix_read_options o;
    cix_read_options_init(&o);
    o.alloc = &a;
    for (int rep = 0; rep < 20 && jb->st == CIX_OK; rep++) {
        cix_panel *p = NULL;
        jb->st = cix_panel_read_buffer(jb->text, jb->len, "t.csv", &o, &p, NULL);
        if (jb->st == CIX_OK) {
            jb->nrows = cix_panel_nrows(p);
            jb->sum = 0;
            for (size_t i = 0; i < jb->nrows; i++)
                jb->sum += cix_panel_value(p, i, 0);
        }
        cix_panel_free(p);
    }
    return NULL;
}

static char *make_panel_text(size_t nrows, size_t *len)
{
    size_t cap = nrows * 64 + 64, n = 0;
    char *t = malloc(cap);
    n += (size_t)snprintf(t, cap, "region,year,x,y\n");
    for (size_t i = 0; i < nrows; i++)
        n += (size_t)snprintf(t + n, cap - n, "\"地区 %zu\",%zu,%zu.5,%zu\n", i / 10,
                              2000 + i % 10, i, i * 7);
    *len = n;
    return t;
}

START_TEST(two_threads_two_readers)
{
    job jobs[2];
    pthread_t th[2];
    job ref;
    char *text;
    memset(jobs, 0, sizeof jobs);
    memset(&ref, 0, sizeof ref);
    text = make_panel_text(3000, &ref.len);
    ref.text = text;
    run_job(&ref);
    ck_assert_int_eq(ref.st, CIX_OK);
    ck_assert_uint_eq(ref.nrows, 3000);
    for (int k = 0; k < 2; k++) {
        jobs[k].text = ref.text;
        jobs[k].len = ref.len;
        ck_assert_int_eq(pthread_create(&th[k], NULL, run_job, &jobs[k]), 0);
    }
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(jobs[k].st, CIX_OK);
        ck_assert_uint_eq(jobs[k].nrows, ref.nrows);
        ck_assert(jobs[k].sum == ref.sum);
        /* each thread's allocations, libcsv's included, went to its own allocator */
        ck_assert_uint_eq(jobs[k].c.calls, ref.c.calls);
        ck_assert_uint_eq(jobs[k].c.live, 0);
    }
    free(text);
}
END_TEST

static Suite *reader_suite(void)
{
    Suite *s = suite_create("reader");
    TCase *good = tcase_create("good"), *bad = tcase_create("bad"),
          *feed = tcase_create("feeding");
    tcase_add_test(good, wide_basic);
    tcase_add_test(good, bom_crlf_semicolon_tab_give_the_same_panel);
    tcase_add_test(good, quoted_fields);
    tcase_add_test(good, chinese_names);
    tcase_add_test(good, na_strings);
    tcase_add_test(good, long_form);
    tcase_add_test(good, long_form_variants);
    tcase_add_test(good, cross_section_and_blank_lines);
    tcase_add_test(good, options_names_na_delimiter);
    tcase_add_test(good, delimiter_detection_ignores_quotes);
    tcase_add_test(good, options_check);
    tcase_add_test(good, fixtures_read);
    tcase_add_loop_test(bad, bad_files_named_precisely, 0,
                        (int)(sizeof bad_files / sizeof bad_files[0]));
    tcase_add_loop_test(bad, bad_texts_named_precisely, 0,
                        (int)(sizeof bad_texts / sizeof bad_texts[0]));
    tcase_add_test(bad, long_form_shape_errors);
    tcase_add_test(bad, io_errors);
    tcase_add_test(bad, reader_state);
    tcase_set_timeout(feed, 120);
    tcase_add_test(feed, every_chunk_size);
    tcase_add_test(feed, nul_byte_in_a_name);
    tcase_add_test(feed, libcsv_allocates_through_the_handle);
    tcase_add_test(feed, two_threads_two_readers);
    suite_add_tcase(s, good);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, feed);
    return s;
}

int main(void)
{
    return cix_test_run(reader_suite());
}
