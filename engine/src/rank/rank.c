/*
 * Ranking (METHODS.md §6): descending score within each group, ties `min`
 * (1,1,3), `average` (1.5,1.5,3) or `dense` (1,1,2). Missing (NaN) scores
 * come after every present score of their group and are tied among
 * themselves by the same rule (with min: all get the number of present
 * scores + 1). The order is fully determined (equal scores keep input order),
 * and a stable merge sort keeps it O(n log n) in every case.
 */
#include <math.h>
#include <string.h>

#include "../internal.h"

typedef struct rank_ctx {
    const double *score;
    const int32_t *group;
} rank_ctx;

/* 1 if item i sorts strictly before item k: group ascending, then present
 * before missing, then score descending (input order breaks ties: the merge
 * is stable). */
static int before(const rank_ctx *c, size_t i, size_t k)
{
    double a, b;
    if (c->group && c->group[i] != c->group[k])
        return c->group[i] < c->group[k];
    a = c->score[i];
    b = c->score[k];
    if (isnan(a) || isnan(b))
        return !isnan(a) && isnan(b);
    return a > b;
}

/* Bottom-up merge sort of idx[0..n) with buffer tmp[0..n). */
static void merge_sort(const rank_ctx *c, size_t *idx, size_t *tmp, size_t n)
{
    size_t *src = idx, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, k = mid, o = lo;
            while (i < mid && k < hi)
                dst[o++] = before(c, src[k], src[i]) ? src[k++] : src[i++];
            while (i < mid)
                dst[o++] = src[i++];
            while (k < hi)
                dst[o++] = src[k++];
        }
        {
            size_t *t = src;
            src = dst;
            dst = t;
        }
    }
    if (src != idx)
        memcpy(idx, src, n * sizeof(size_t));
}

/* Equal for ranking: same group and same score, or both missing. */
static int tied(const rank_ctx *c, size_t i, size_t k)
{
    double a = c->score[i], b = c->score[k];
    if (c->group && c->group[i] != c->group[k])
        return 0;
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b;
}

cix_status cix_rank(const double *scores, const int32_t *group, size_t n, cix_ties ties,
                    const cix_allocator *alloc, double *ranks, cix_error *err)
{
    cix_allocator a;
    size_t *idx = NULL, *tmp = NULL;
    rank_ctx c;
    size_t i = 0, pos = 0, dense = 0;

    if (n == 0)
        return CIX_OK;
    if (!scores || !ranks)
        return cix_i_fail(err, CIX_EINVAL, "cix_rank: scores and ranks are required");
    if (ties != CIX_TIES_MIN && ties != CIX_TIES_AVERAGE && ties != CIX_TIES_DENSE)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_rank: unknown ties rule %d (use min, average or dense)",
                          (int)ties);
    cix_i_alloc_init(&a, alloc);
    idx = cix_i_malloc_array(&a, n, sizeof(size_t));
    tmp = cix_i_malloc_array(&a, n, sizeof(size_t));
    if (!idx || !tmp) {
        cix_i_free(&a, idx);
        cix_i_free(&a, tmp);
        return cix_i_nomem(err);
    }
    for (size_t k = 0; k < n; k++)
        idx[k] = k;
    c.score = scores;
    c.group = group;
    merge_sort(&c, idx, tmp, n);

    /* walk the runs of tied items; pos = position within the group (0-based) */
    while (i < n) {
        size_t e = i + 1;
        double r;
        if (i > 0 && group && group[idx[i]] != group[idx[i - 1]]) {
            pos = 0;
            dense = 0;
        }
        while (e < n && tied(&c, idx[i], idx[e]))
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
    cix_i_free(&a, idx);
    cix_i_free(&a, tmp);
    return CIX_OK;
}
