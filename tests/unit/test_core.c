/* Core: status strings, error formatting, version, panel construction. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cix_test.h"

START_TEST(version_macros_match_runtime)
{
    char want[32];
    ck_assert_uint_eq(cix_version_number(), CIX_VERSION_NUMBER);
    ck_assert_str_eq(cix_version_string(), CIX_VERSION_STRING);
    snprintf(want, sizeof want, "%d.%d.%d", CIX_VERSION_MAJOR, CIX_VERSION_MINOR,
             CIX_VERSION_PATCH);
    ck_assert_str_eq(cix_version_string(), want);
}
END_TEST

START_TEST(strerror_covers_every_status)
{
    for (int s = 0; s < CIX_STATUS_COUNT; s++) {
        const char *t = cix_strerror((cix_status)s);
        ck_assert_ptr_nonnull(t);
        ck_assert_str_ne(t, "unknown status");
    }
    ck_assert_str_eq(cix_strerror((cix_status)CIX_STATUS_COUNT), "unknown status");
    ck_assert_str_eq(cix_strerror((cix_status)-1), "unknown status");
    /* frozen values */
    ck_assert_int_eq(CIX_OK, 0);
    ck_assert_int_eq(CIX_ENOMEM, 1);
    ck_assert_int_eq(CIX_EINVAL, 2);
    ck_assert_int_eq(CIX_EIO, 3);
    ck_assert_int_eq(CIX_EPARSE, 4);
    ck_assert_int_eq(CIX_EDATA, 5);
    ck_assert_int_eq(CIX_EDEGENERATE, 6);
    ck_assert_int_eq(CIX_ENUMERIC, 7);
    ck_assert_int_eq(CIX_EUNSUPPORTED, 8);
}
END_TEST

START_TEST(error_format_names_location)
{
    cix_error e;
    char buf[1024];
    cix_error_clear(&e);
    e.status = CIX_EDATA;
    strcpy(e.file, "p.csv");
    e.line = 12;
    e.column = 4;
    strcpy(e.indicator, "gdp");
    strcpy(e.region, "贵州");
    e.year = 2020;
    strcpy(e.message, "value is negative");
    cix_error_format(&e, buf, sizeof buf);
    ck_assert_str_eq(buf,
                     "p.csv:12:4: indicator 'gdp', region '贵州', year 2020: value is negative");
}
END_TEST

START_TEST(panel_build_and_query)
{
    cix_panel *p = NULL;
    cix_error e;
    ck_assert_cix_ok(cix_panel_create(4, 2, 1, NULL, &p, &e), &e);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 0, "研发强度", &e), &e);
    ck_assert_cix_ok(cix_panel_set_indicator(p, 1, "patents", &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(p, 0, "贵州", 2021, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(p, 1, "贵州", 2019, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(p, 2, "Beijing", 2021, &e), &e);
    ck_assert_cix_ok(cix_panel_set_row(p, 3, "Beijing", 2020, &e), &e);
    ck_assert_uint_eq(cix_panel_nregions(p), 2);
    ck_assert_uint_eq(cix_panel_nyears(p), 3);
    ck_assert_int_eq(cix_panel_year_at(p, 0), 2019);
    ck_assert_int_eq(cix_panel_year_at(p, 2), 2021);
    ck_assert(isnan(cix_panel_value(p, 0, 0)));
    cix_panel_column(p, 1)[2] = 7.5;
    ck_assert(cix_panel_value(p, 2, 1) == 7.5);
    ck_assert_uint_eq(cix_panel_count_missing(p), 7);
    ck_assert_uint_eq(cix_panel_find_indicator(p, "patents"), 1);
    ck_assert_uint_eq(cix_panel_find_indicator(p, "none"), (size_t)-1);
    ck_assert_cix_ok(cix_panel_validate(p, &e), &e);
    /* a duplicate (region, year) is caught and named */
    ck_assert_cix_ok(cix_panel_set_row(p, 3, "Beijing", 2021, &e), &e);
    ck_assert_uint_eq(cix_panel_nyears(p), 2);
    ck_assert_int_eq(cix_panel_validate(p, &e), CIX_EDATA);
    ck_assert_str_eq(e.region, "Beijing");
    ck_assert_int_eq(e.year, 2021);
    cix_panel_free(p);
    cix_panel_free(NULL);
}
END_TEST

START_TEST(panel_rejects_bad_names)
{
    cix_panel *p = NULL;
    cix_error e;
    ck_assert_cix_ok(cix_panel_create(1, 1, 0, NULL, &p, &e), &e);
    ck_assert_int_eq(cix_panel_set_row(p, 0, "", CIX_NO_YEAR, &e), CIX_EINVAL);
    ck_assert_int_eq(cix_panel_set_row(p, 0, "\xff\xfe", CIX_NO_YEAR, &e), CIX_EINVAL);
    ck_assert_int_eq(cix_panel_set_row(p, 5, "a", CIX_NO_YEAR, &e), CIX_EINVAL);
    ck_assert_int_eq(cix_panel_set_indicator(p, 0, "\xed\xa0\x80", &e), CIX_EINVAL);
    ck_assert_int_eq(cix_panel_validate(p, &e), CIX_EDATA);
    cix_panel_free(p);
    ck_assert_int_eq(cix_panel_create(SIZE_MAX / 2, 4, 0, NULL, &p, &e), CIX_EINVAL);
    ck_assert_ptr_null(p);
}
END_TEST

static Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, version_macros_match_runtime);
    tcase_add_test(tc, strerror_covers_every_status);
    tcase_add_test(tc, error_format_names_location);
    tcase_add_test(tc, panel_build_and_query);
    tcase_add_test(tc, panel_rejects_bad_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cix_test_run(core_suite());
}
