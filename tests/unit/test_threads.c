/* Separate handles from separate threads: two threads run cix_compute on
 * their own panels at the same time; every output equals, bit for bit, the
 * output of a run on one thread (and does not depend on nthreads). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"
#include "internal.h"

#define NREG 31
#define NYEAR 12
#define NIND 9
#define NROWS (NREG * NYEAR)

/* A deterministic panel; `seed` changes the values. */
static cix_panel *make_panel(uint32_t seed)
{
    cix_panel *p = NULL;
    cix_error e;
    char name[32];
    ck_assert_cix_ok(cix_panel_create(NROWS, NIND, 1, NULL, &p, &e), &e);
    for (size_t r = 0; r < NROWS; r++) {
        snprintf(name, sizeof name, "省 %zu", r % NREG);
        ck_assert_cix_ok(cix_panel_set_row(p, r, name, (int32_t)(2010 + r / NREG), &e), &e);
    }
    for (size_t j = 0; j < NIND; j++) {
        double *c = cix_panel_column(p, j);
        snprintf(name, sizeof name, "x%zu", j);
        ck_assert_cix_ok(cix_panel_set_indicator(p, j, name, &e), &e);
        for (size_t r = 0; r < NROWS; r++) {
            seed = seed * 1664525u + 1013904223u;
            c[r] = (double)(seed >> 8) / 16777216.0 * 100.0 + (double)j;
        }
    }
    return p;
}

typedef struct job {
    uint32_t seed;
    cix_options opt;
    int nthreads;
    int rounds;
    cix_status status;
    cix_result *result;
} job;

static void set_options(cix_options *o, int variant, const cix_direction *dir)
{
    cix_options_init(o);
    o->directions = dir;
    o->ndirections = NIND;
    if (variant == 1) {
        o->scope = CIX_SCOPE_YEAR;
        o->range_lo = 0.002;
        o->range_hi = 0.998;
        o->ties = CIX_TIES_AVERAGE;
    }
}

static void *run_job(void *arg)
{
    job *jb = arg;
    cix_panel *p = NULL;
    cix_error e;

    /* errors are reported through status; Check asserts are not thread-safe */
    jb->status = CIX_OK;
    for (int k = 0; k < jb->rounds && jb->status == CIX_OK; k++) {
        uint32_t seed = jb->seed;
        cix_error_clear(&e);
        if (cix_panel_create(NROWS, NIND, 1, NULL, &p, &e) != CIX_OK) {
            jb->status = e.status;
            break;
        }
        for (size_t r = 0; r < NROWS; r++) {
            char name[32];
            snprintf(name, sizeof name, "省 %zu", r % NREG);
            cix_panel_set_row(p, r, name, (int32_t)(2010 + r / NREG), &e);
        }
        for (size_t j = 0; j < NIND; j++) {
            char name[32];
            double *c = cix_panel_column(p, j);
            snprintf(name, sizeof name, "x%zu", j);
            cix_panel_set_indicator(p, j, name, &e);
            for (size_t r = 0; r < NROWS; r++) {
                seed = seed * 1664525u + 1013904223u;
                c[r] = (double)(seed >> 8) / 16777216.0 * 100.0 + (double)j;
            }
        }
        jb->opt.nthreads = jb->nthreads;
        cix_result_free(jb->result);
        jb->result = NULL;
        jb->status = cix_compute(p, &jb->opt, &jb->result, &e);
        cix_panel_free(p);
        p = NULL;
    }
    return NULL;
}

static void assert_same(const cix_result *a, const cix_result *b)
{
    ck_assert_uint_eq(cix_result_nrows(a), cix_result_nrows(b));
    ck_assert(memcmp(cix_result_normalized(a), cix_result_normalized(b),
                     NROWS * NIND * sizeof(double)) == 0);
    for (size_t k = 0; k < NYEAR; k++)
        ck_assert(memcmp(cix_result_weights_year(a, k), cix_result_weights_year(b, k),
                         NIND * sizeof(double)) == 0);
    ck_assert(memcmp(cix_result_weights(a), cix_result_weights(b), NIND * sizeof(double)) ==
              0);
    ck_assert(memcmp(cix_result_scores(a), cix_result_scores(b), NROWS * sizeof(double)) ==
              0);
    ck_assert(memcmp(cix_result_ranks(a), cix_result_ranks(b), NROWS * sizeof(double)) ==
              0);
}

START_TEST(two_threads_match_one)
{
    cix_direction dir[NIND];
    job ref[2], par[2];
    pthread_t th[2];
    cix_panel *check = make_panel(11);

    for (int j = 0; j < NIND; j++) {
        dir[j].kind = j % 3 == 1 ? CIX_DIR_COST : CIX_DIR_BENEFIT;
        dir[j].a = dir[j].b = 0;
    }
    dir[4].kind = CIX_DIR_INTERVAL;
    dir[4].a = 30;
    dir[4].b = 60;
    dir[7].kind = CIX_DIR_TARGET;
    dir[7].a = dir[7].b = 50;

    /* the in-thread panel builder matches make_panel() */
    {
        job jb = {11, {0}, 0, 1, CIX_OK, NULL};
        cix_result *r = NULL;
        cix_error e;
        set_options(&jb.opt, 0, dir);
        run_job(&jb);
        ck_assert_cix_ok(jb.status, &e);
        ck_assert_cix_ok(cix_compute(check, &jb.opt, &r, &e), &e);
        assert_same(jb.result, r);
        cix_result_free(r);
        cix_result_free(jb.result);
    }

    /* one thread, one after the other */
    for (int i = 0; i < 2; i++) {
        memset(&ref[i], 0, sizeof ref[i]);
        ref[i].seed = 11u + (uint32_t)i * 1000u;
        ref[i].rounds = 1;
        ref[i].nthreads = 1;
        set_options(&ref[i].opt, i, dir);
        run_job(&ref[i]);
        ck_assert_int_eq(ref[i].status, CIX_OK);
    }
    /* two threads at the same time, several rounds each, other nthreads */
    for (int i = 0; i < 2; i++) {
        par[i] = ref[i];
        par[i].result = NULL;
        par[i].rounds = 200;
        par[i].nthreads = i == 0 ? 0 : 2;
        ck_assert_int_eq(pthread_create(&th[i], NULL, run_job, &par[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(par[i].status, CIX_OK);
        assert_same(ref[i].result, par[i].result);
        cix_result_free(ref[i].result);
        cix_result_free(par[i].result);
    }
    cix_panel_free(check);
}
END_TEST

/* The automatic thread count takes CIX_THREADS when it is a whole number
 * >= 1 and ignores anything else; an explicit count wins over it. */
START_TEST(cix_threads_environment)
{
    const char *old = getenv("CIX_THREADS");
    char *saved = old ? strdup(old) : NULL;
    int cores;
    size_t big = (size_t)1 << 24;

    ck_assert_int_eq(unsetenv("CIX_THREADS"), 0);
    cores = cix_i_threads_available();
    ck_assert_int_ge(cores, 1);
    ck_assert_int_eq(setenv("CIX_THREADS", "3", 1), 0);
    ck_assert_int_eq(cix_i_threads_available(), 3);
    ck_assert_int_eq(cix_default_threads(), 3);
    ck_assert_int_eq(cix_i_threads_resolve(0, big), 3);
    ck_assert_int_eq(cix_i_threads_resolve(0, 10), 1); /* small work: no threads */
    ck_assert_int_eq(cix_i_threads_resolve(1, big), 1);
    ck_assert_int_eq(cix_i_threads_resolve(2, big), 2);
    ck_assert_int_eq(setenv("CIX_THREADS", "100000", 1), 0);
    ck_assert_int_eq(cix_i_threads_available(), CIX_I_MAX_THREADS);
    for (int i = 0; i < 5; i++) {
        static const char *const junk[] = {"0", "-2", "two", "3x", ""};
        ck_assert_int_eq(setenv("CIX_THREADS", junk[i], 1), 0);
        ck_assert_int_eq(cix_i_threads_available(), cores);
    }
    if (saved) {
        setenv("CIX_THREADS", saved, 1);
        free(saved);
    } else {
        unsetenv("CIX_THREADS");
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *t = tcase_create("compute");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, two_threads_match_one);
    tcase_add_test(t, cix_threads_environment);
    suite_add_tcase(s, t);
    return cix_test_run(s);
}
