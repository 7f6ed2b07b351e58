/*
 * Allocation failures in the methods: an allocator hook fails the Nth
 * allocation, for N = 1, 2, ... until the call succeeds. Every failure must
 * return CIX_ENOMEM, leave *out NULL and leak nothing (the hook counts live
 * blocks; LeakSanitizer checks the rest in the sanitizer build).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

/* A 3-year panel of 5 regions and 3 indicators, built with the hook off. */
static cix_panel *make_panel(cix_test_hook *h)
{
    cix_allocator a = cix_test_hook_allocator(h);
    cix_panel *p = NULL;
    cix_error e;
    char name[16];
    uint32_t seed = 5;

    h->fail_at = 0;
    ck_assert_cix_ok(cix_panel_create(15, 3, 1, &a, &p, &e), &e);
    for (size_t r = 0; r < 15; r++) {
        snprintf(name, sizeof name, "r%zu", r % 5);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, (int32_t)(2020 + r / 5), &e), &e);
    }
    for (size_t j = 0; j < 3; j++) {
        snprintf(name, sizeof name, "x%zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
        for (size_t r = 0; r < 15; r++) {
            seed = seed * 1664525u + 1013904223u;
            cix_panel_column(p, j)[r] = (double)(seed >> 16);
        }
    }
    return p;
}

static void loop_compute(const cix_options *o)
{
    cix_test_hook h = {0, 0, 0};
    cix_panel *p = make_panel(&h);
    long base, n;
    cix_result *ref = NULL;
    cix_error e;

    ck_assert_cix_ok(cix_compute(p, o, &ref, &e), &e);
    base = h.live;
    for (n = 1;; n++) {
        cix_result *r = (cix_result *)(void *)&h; /* must be reset */
        cix_status st;
        h.count = 0;
        h.fail_at = n;
        st = cix_compute(p, o, &r, &e);
        h.fail_at = 0;
        if (st == CIX_OK) {
            ck_assert_msg(h.count < n, "allocation %ld failed but the call succeeded", n);
            ck_assert(memcmp(cix_result_scores(r), cix_result_scores(ref),
                             15 * sizeof(double)) == 0);
            cix_result_free(r);
            break;
        }
        ck_assert_msg(st == CIX_ENOMEM, "allocation %ld failing gave %s: %s", n,
                      cix_strerror(st), e.message);
        ck_assert_int_eq(e.status, CIX_ENOMEM);
        ck_assert_ptr_null(r);
        ck_assert_msg(h.live == base, "allocation %ld failing leaked %ld blocks", n,
                      h.live - base);
    }
    ck_assert_int_gt(n, 3); /* the loop did exercise failures */
    ck_assert_int_eq(h.live, base);
    cix_result_free(ref);
    cix_panel_free(p);
    ck_assert_int_eq(h.live, 0);
}

START_TEST(compute_pooled_entropy)
{
    cix_options o;
    cix_options_init(&o);
    loop_compute(&o);
}
END_TEST

START_TEST(compute_year_scope)
{
    cix_options o;
    cix_options_init(&o);
    o.scope = CIX_SCOPE_YEAR;
    loop_compute(&o);
    o.average_weights = 1;
    loop_compute(&o);
}
END_TEST

START_TEST(compute_base_scope_directions)
{
    const cix_direction d[3] = {{CIX_DIR_COST, 0, 0},
                                {CIX_DIR_INTERVAL, 1000, 20000},
                                {CIX_DIR_TARGET, 30000, 30000}};
    cix_options o;
    cix_options_init(&o);
    o.scope = CIX_SCOPE_BASE;
    o.base_year = 2021;
    o.directions = d;
    o.ndirections = 3;
    loop_compute(&o);
}
END_TEST

/* cix_normalize, cix_weights and cix_rank on their own. */
START_TEST(parts)
{
    cix_test_hook h = {0, 0, 0};
    cix_allocator a = cix_test_hook_allocator(&h);
    cix_panel *p = make_panel(&h);
    long base = h.live;
    double y[45], w[3], s[15], rk[15];
    cix_options o;
    cix_error e;
    int done = 0;

    cix_options_init(&o);
    o.scope = CIX_SCOPE_YEAR;
    for (long n = 1; !done; n++) {
        cix_status st;
        h.count = 0;
        h.fail_at = n;
        st = cix_normalize(p, &o, y, &e);
        if (st == CIX_OK)
            st = cix_weights(p, &o, y, w, &e);
        if (st == CIX_OK) {
            for (int i = 0; i < 15; i++)
                s[i] = y[i] * w[0] + y[15 + i] * w[1] + y[30 + i] * w[2];
            st = cix_rank(s, NULL, 15, CIX_TIES_MIN, &a, rk, &e);
        }
        h.fail_at = 0;
        if (st == CIX_OK) {
            ck_assert(h.count < n);
            done = 1;
        } else {
            ck_assert_int_eq(st, CIX_ENOMEM);
        }
        ck_assert_int_eq(h.live, base);
    }
    cix_panel_free(p);
    ck_assert_int_eq(h.live, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("compute_oom");
    TCase *t = tcase_create("oom");
    tcase_add_test(t, compute_pooled_entropy);
    tcase_add_test(t, compute_year_scope);
    tcase_add_test(t, compute_base_scope_directions);
    tcase_add_test(t, parts);
    suite_add_tcase(s, t);
    return cix_test_run(s);
}
