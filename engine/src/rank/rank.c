/*
 * Ranking (METHODS.md §6): descending score within each group, ties `min`
 * (1,1,3), `average` (1.5,1.5,3) or `dense` (1,1,2). Missing (NaN) scores
 * come after every present score of their group and are tied among
 * themselves by the same rule (with min: all get the number of present
 * scores + 1).
 *
 * The items are sorted by group, then by score, with least-significant-digit
 * radix sorts on integer keys (a byte at a time, bytes shared by every key
 * skipped): first by group over all items, then by score within each
 * group. A score's key orders the doubles from the largest down, -0 right
 * after +0, NaN last, so the items that rank as ties (equal scores, or both
 * missing) are next to each other; their order among themselves does not
 * change any rank. O(n) per byte of key, at most 4 + 8 passes.
 */
#include <math.h>
#include <string.h>

#include "../internal.h"

/* Sort key of a score: smaller for a larger score, NaN the largest. */
static uint64_t score_key(double x)
{
    uint64_t u;
    if (isnan(x))
        return UINT64_MAX;
    memcpy(&u, &x, sizeof u);
    /* ascending order of the doubles as unsigned integers, then reversed */
    u = (u >> 63) ? ~u : u | ((uint64_t)1 << 63);
    return ~u;
}

/*
 * Stable LSD radix sort of the n (key, item) pairs k[], v[] by key, on the
 * `bytes` low bytes of the keys; kt, vt: buffers of n. The result is in k, v.
 */
static void radix_sort(uint64_t *k, size_t *v, uint64_t *kt, size_t *vt, size_t n,
                       unsigned bytes)
{
    size_t count[8][256];
    uint64_t *ks = k, *kd = kt;
    size_t *vs = v, *vd = vt;

    memset(count, 0, sizeof count);
    for (size_t i = 0; i < n; i++)
        for (unsigned b = 0; b < bytes; b++)
            count[b][(k[i] >> (8 * b)) & 0xff]++;
    for (unsigned b = 0; b < bytes; b++) {
        size_t pos = 0, *c = count[b];
        unsigned shift = 8 * b;
        if (c[(ks[0] >> shift) & 0xff] == n)
            continue; /* every key has this byte */
        for (unsigned d = 0; d < 256; d++) {
            size_t m = c[d];
            c[d] = pos;
            pos += m;
        }
        for (size_t i = 0; i < n; i++) {
            size_t at = c[(ks[i] >> shift) & 0xff]++;
            kd[at] = ks[i];
            vd[at] = vs[i];
        }
        {
            uint64_t *t = ks;
            size_t *tv = vs;
            ks = kd;
            kd = t;
            vs = vd;
            vd = tv;
        }
    }
    if (ks != k) {
        memcpy(k, ks, n * sizeof *k);
        memcpy(v, vs, n * sizeof *v);
    }
}

/* Equal for ranking: same score, or both missing (same group assumed). */
static int tied(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b;
}

/* Ranks of the items idx[0..m) of one group, sorted by score. */
static void rank_group(const double *scores, const size_t *idx, size_t m, cix_ties ties,
                       double *ranks)
{
    size_t i = 0, pos = 0, dense = 0;
    while (i < m) {
        size_t e = i + 1;
        double r;
        while (e < m && tied(scores[idx[i]], scores[idx[e]]))
            e++;
        dense++;
        switch (ties) {
        case CIX_TIES_AVERAGE:
            /* positions pos+1 .. pos+(e-i), averaged */
            r = (double)pos + ((double)(e - i) + 1.0) / 2.0;
            break;
        case CIX_TIES_DENSE:
            r = (double)dense;
            break;
        default:
            r = (double)(pos + 1);
            break;
        }
        for (size_t k = i; k < e; k++)
            ranks[idx[k]] = r;
        pos += e - i;
        i = e;
    }
}

/* The groups of the sorted items, ranked: group k is items start[k] ..
 * start[k+1]-1 of idx, and uses the same part of the buffers. */
typedef struct rank_job {
    const double *scores;
    cix_ties ties;
    double *ranks;
    size_t *idx, *tmp;
    uint64_t *key, *ktmp;
    const size_t *start;
    size_t ngroups;
} rank_job;

/* The groups of the items idx[0..n), sorted by group: their number, and
 * with start the first item of each, then n. */
static size_t group_starts(const int32_t *group, const size_t *idx, size_t n, size_t *start)
{
    size_t ng = 0;
    for (size_t k = 0; k < n; k++)
        if (k == 0 || (group && group[idx[k]] != group[idx[k - 1]])) {
            if (start)
                start[ng] = k;
            ng++;
        }
    if (start)
        start[ng] = n;
    return ng;
}

static void rank_groups(void *arg, int t, int nt)
{
    const rank_job *jb = arg;
    for (size_t k = (size_t)t; k < jb->ngroups; k += (size_t)nt) {
        size_t g0 = jb->start[k], g1 = jb->start[k + 1];
        for (size_t i = g0; i < g1; i++)
            jb->key[i] = score_key(jb->scores[jb->idx[i]]);
        radix_sort(jb->key + g0, jb->idx + g0, jb->ktmp + g0, jb->tmp + g0, g1 - g0, 8);
        rank_group(jb->scores, jb->idx + g0, g1 - g0, jb->ties, jb->ranks);
    }
}

cix_status cix_rank(const double *scores, const int32_t *group, size_t n, cix_ties ties,
                    const cix_allocator *alloc, double *ranks, cix_error *err)
{
    return cix_i_rank(scores, group, n, ties, alloc, 1, ranks, err);
}

cix_status cix_i_rank(const double *scores, const int32_t *group, size_t n, cix_ties ties,
                      const cix_allocator *alloc, int nthreads, double *ranks, cix_error *err)
{
    cix_allocator a;
    size_t *idx = NULL, *tmp = NULL, *start = NULL, ngroups;
    uint64_t *key = NULL, *ktmp = NULL;
    cix_status st = CIX_OK;
    rank_job jb;

    if (n == 0)
        return CIX_OK;
    if (!scores || !ranks)
        return cix_i_fail(err, CIX_EINVAL, "cix_rank: scores and ranks are required");
    if (ties != CIX_TIES_MIN && ties != CIX_TIES_AVERAGE && ties != CIX_TIES_DENSE)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_rank: unknown ties rule %d (use min, average or dense)",
                          (int)ties);
    cix_i_alloc_init(&a, alloc);
    idx = cix_i_malloc_array(&a, n, sizeof *idx);
    tmp = cix_i_malloc_array(&a, n, sizeof *tmp);
    key = cix_i_malloc_array(&a, n, sizeof *key);
    ktmp = cix_i_malloc_array(&a, n, sizeof *ktmp);
    if (!idx || !tmp || !key || !ktmp) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t k = 0; k < n; k++)
        idx[k] = k;

    /* by group (the sign bit flipped: ascending as signed) */
    if (group) {
        for (size_t k = 0; k < n; k++)
            key[k] = (uint32_t)group[k] ^ UINT32_C(0x80000000);
        radix_sort(key, idx, ktmp, tmp, n, 4);
    }
    /* then by score within each group, the groups shared among the
     * threads (each group's ranks depend on that group alone) */
    ngroups = group_starts(group, idx, n, NULL);
    if (!(start = cix_i_malloc_array(&a, ngroups + 1, sizeof *start))) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    group_starts(group, idx, n, start);
    jb.scores = scores;
    jb.ties = ties;
    jb.ranks = ranks;
    jb.idx = idx;
    jb.tmp = tmp;
    jb.key = key;
    jb.ktmp = ktmp;
    jb.start = start;
    jb.ngroups = ngroups;
    nthreads = cix_i_threads_resolve(nthreads, n * 8);
    cix_i_parallel((size_t)nthreads > ngroups ? (int)ngroups : nthreads, rank_groups, &jb);

cleanup:
    cix_i_free(&a, start);
    cix_i_free(&a, idx);
    cix_i_free(&a, tmp);
    cix_i_free(&a, key);
    cix_i_free(&a, ktmp);
    return st;
}
