/* Helpers shared by the unit tests. */
#ifndef CIX_TEST_H
#define CIX_TEST_H

#include <check.h>
#include <math.h>
#include <stddef.h>

#include "cix/cix.h"

/* |got - want| <= rel * max(|want|, tiny) + abs, with a message naming what. */
#define ck_assert_rel(got, want, rel, abs_tol)                                        \
    do {                                                                              \
        double ck_g_ = (got), ck_w_ = (want);                                         \
        double ck_tol_ = (rel) * fabs(ck_w_) + (abs_tol);                             \
        ck_assert_msg(fabs(ck_g_ - ck_w_) <= ck_tol_,                                 \
                      "%s = %.17g, expected %.17g (tolerance %.3g)", #got, ck_g_,     \
                      ck_w_, ck_tol_);                                                \
    } while (0)

/* Fails the test with the formatted error when st != CIX_OK. */
#define ck_assert_cix_ok(st, err)                                                     \
    do {                                                                              \
        cix_status ck_st_ = (st);                                                     \
        if (ck_st_ != CIX_OK) {                                                       \
            char ck_buf_[2048];                                                       \
            cix_error_format((err), ck_buf_, sizeof ck_buf_);                         \
            ck_abort_msg("%s failed: %s (%s)", #st, cix_strerror(ck_st_), ck_buf_);   \
        }                                                                             \
    } while (0)

/* Path of a file in tests/fixtures (static buffer, one at a time). */
const char *cix_test_fixture(const char *name);

/* Reads the whole file at path into a malloc'd buffer (NUL-terminated);
 * *len receives its length. NULL on failure. */
char *cix_test_slurp(const char *path, size_t *len);

/* One row of a fixture's NAME.expected.csv (quantity,key,value,abs_tol). */
typedef struct cix_expected {
    char quantity[64];
    char key[128];
    double value;
    double abs_tol;
} cix_expected;

/* Reads an expected-values file; returns the number of rows (up to max), or
 * -1 when the file cannot be read. Lines starting with '#' and the header are
 * skipped. */
int cix_test_read_expected(const char *path, cix_expected *rows, int max);

/* A counting allocator for allocation-failure tests: allocation number
 * fail_at (1-based, counting mallocs and reallocs) fails, 0 = none fails;
 * live counts the blocks allocated and not yet freed. */
typedef struct cix_test_hook {
    long fail_at, count, live;
} cix_test_hook;

/* The cix_allocator that goes through h. */
cix_allocator cix_test_hook_allocator(cix_test_hook *h);

/* A metering allocator: bytes held now and their peak; allocation number
 * fail_at (0-based, counting mallocs and reallocs of a non-NULL block) fails,
 * -1 = none fails. Start it as {0, 0, -1, 0}. */
typedef struct cix_test_meter {
    size_t now, peak;
    long fail_at, calls;
} cix_test_meter;

/* The cix_allocator that goes through m. */
cix_allocator cix_test_meter_allocator(cix_test_meter *m);

/* Runs a suite with Check and returns the process exit status. */
int cix_test_run(Suite *s);

#endif
