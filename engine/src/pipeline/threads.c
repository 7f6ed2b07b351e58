/*
 * A small fork-join helper for the column and row passes of the pipeline:
 * the calling thread and T-1 pthreads each run fn(ctx, t, T) once. Work is
 * split by the callers into fixed pieces (columns, ranges of rows) that do
 * not depend on which thread runs them, so no result depends on T.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "../internal.h"

int cix_i_threads_available(void)
{
    const char *env = getenv("CIX_THREADS");
    long n = 0;
    if (env && *env) {
        char *end;
        errno = 0;
        n = strtol(env, &end, 10);
        if (errno || *end || n < 1)
            n = 0; /* not a whole number >= 1: ignored */
    }
    if (n < 1)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        return 1;
    return n > CIX_I_MAX_THREADS ? CIX_I_MAX_THREADS : (int)n;
}

int cix_default_threads(void)
{
    return cix_i_threads_available();
}

int cix_i_threads_resolve(int requested, size_t work)
{
    if (requested == 1)
        return 1;
    if (requested > 1)
        return requested > CIX_I_MAX_THREADS ? CIX_I_MAX_THREADS : requested;
    if (work < CIX_I_PARALLEL_MIN_WORK)
        return 1;
    return cix_i_threads_available();
}

typedef struct worker {
    void (*fn)(void *ctx, int t, int nt);
    void *ctx;
    int t, nt;
} worker;

static void *run_worker(void *arg)
{
    worker *w = arg;
    w->fn(w->ctx, w->t, w->nt);
    return NULL;
}

void cix_i_parallel(int nthreads, void (*fn)(void *ctx, int t, int nt), void *ctx)
{
    pthread_t th[CIX_I_MAX_THREADS];
    worker w[CIX_I_MAX_THREADS];
    int started[CIX_I_MAX_THREADS];
    int nt = nthreads < 1 ? 1 : nthreads > CIX_I_MAX_THREADS ? CIX_I_MAX_THREADS : nthreads;

    for (int t = 1; t < nt; t++) {
        w[t].fn = fn;
        w[t].ctx = ctx;
        w[t].t = t;
        w[t].nt = nt;
        started[t] = pthread_create(&th[t], NULL, run_worker, &w[t]) == 0;
    }
    fn(ctx, 0, nt);
    /* a piece whose thread could not be started runs here: same pieces,
     * same results */
    for (int t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(th[t], NULL);
        else
            fn(ctx, t, nt);
    }
}

static void *run_beside(void *arg)
{
    cix_i_beside *b = arg;
    b->fn(b->ctx);
    return NULL;
}

void cix_i_beside_start(cix_i_beside *b, void (*fn)(void *ctx), void *ctx)
{
    b->fn = fn;
    b->ctx = ctx;
    b->started = pthread_create(&b->th, NULL, run_beside, b) == 0;
}

void cix_i_beside_join(cix_i_beside *b)
{
    if (b->started)
        pthread_join(b->th, NULL);
    else
        b->fn(b->ctx);
    b->started = 0;
}
