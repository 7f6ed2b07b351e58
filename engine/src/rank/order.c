/*
 * Output order of scored rows (METHODS.md §6), the order `cix score` prints
 * them in: by year ascending (a cross-section is one year), then by rank
 * ascending with the missing (NaN) ranks last within their year, then in
 * input order.
 *
 * The ranks cix_rank gives are whole numbers from 1 to the number of rows
 * of the year (ties min and dense) or halves (ties average: 1.5, 2.5): then
 * the order comes from a counting sort in O(n): per year one bucket for
 * every possible rank (every half rank when some rank is a half) and one for
 * the missing ranks, filled in input order. Any other ranks (a caller's own)
 * are sorted by comparison, O(n log n), to the same order.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

/* Year group of row i: 0 for a row without a year (sorts first, as
 * CIX_NO_YEAR is the smallest year) and for every row of a cross-section,
 * else 1 + the row's year index. */
static size_t group_of(const int32_t *yidx, size_t i)
{
    return yidx ? (size_t)((int64_t)yidx[i] + 1) : 0;
}

/* The bucket of row i: its rank's within its year, or the year's last one
 * (missing ranks). base[g] .. base[g+1] are the buckets of group g. */
static size_t bucket_of(const int32_t *yidx, const double *ranks, const size_t *base,
                        size_t scale, size_t i)
{
    size_t g = group_of(yidx, i);
    double r = ranks[i];
    if (isnan(r))
        return base[g + 1] - 1;
    return base[g] + (size_t)((double)scale * r) - scale;
}

/*
 * The order by counting when every present rank is a whole number or a
 * half from 1 to the number of rows of its year. Returns 1 when order is
 * filled, 0 when some rank does not fit (order untouched), -1 when out of
 * memory (order untouched).
 */
static int order_counting(const cix_allocator *a, const int32_t *yidx, size_t ng,
                          const double *ranks, size_t n, size_t *order)
{
    size_t *cnt = NULL, *base = NULL, *at = NULL;
    size_t scale = 1, nb = 0, i, g;
    int rc = -1;

    cnt = cix_i_malloc_array(a, ng, sizeof *cnt);
    base = cix_i_malloc_array(a, ng + 1, sizeof *base);
    if (!cnt || !base)
        goto cleanup;
    memset(cnt, 0, ng * sizeof *cnt);
    /* rows per year; whole ranks or halves, at least 1 */
    rc = 0;
    for (i = 0; i < n; i++) {
        double r = ranks[i];
        cnt[group_of(yidx, i)]++;
        if (isnan(r))
            continue;
        if (!(r >= 1))
            goto cleanup;
        if (r != floor(r)) {
            if (2 * r != floor(2 * r))
                goto cleanup;
            scale = 2;
        }
    }
    /* buckets of group g: ranks 1 .. cnt[g] in steps of 1 / scale, then the
     * missing ranks */
    for (g = 0; g < ng; g++) {
        base[g] = nb;
        nb += (cnt[g] ? scale * (cnt[g] - 1) + 1 : 0) + 1;
    }
    base[ng] = nb;
    rc = -1;
    at = cix_i_malloc_array(a, nb + 1, sizeof *at);
    if (!at)
        goto cleanup;
    memset(at, 0, (nb + 1) * sizeof *at);
    rc = 0;
    for (i = 0; i < n; i++) {
        double r = ranks[i];
        if (!isnan(r) && r > (double)cnt[group_of(yidx, i)])
            goto cleanup;
        at[bucket_of(yidx, ranks, base, scale, i) + 1]++;
    }
    for (i = 0; i < nb; i++)
        at[i + 1] += at[i];
    for (i = 0; i < n; i++)
        order[at[bucket_of(yidx, ranks, base, scale, i)]++] = i;
    rc = 1;

cleanup:
    cix_i_free(a, cnt);
    cix_i_free(a, base);
    cix_i_free(a, at);
    return rc;
}

typedef struct order_item {
    size_t group;
    double rank;
    size_t row;
} order_item;

/* Year group, then rank (missing last), then input order. */
static int item_cmp(const void *pa, const void *pb)
{
    const order_item *x = pa, *y = pb;
    int xn = isnan(x->rank), yn = isnan(y->rank);
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    if (xn != yn)
        return xn ? 1 : -1;
    if (!xn && x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return x->row < y->row ? -1 : x->row > y->row;
}

cix_status cix_rank_order(const cix_panel *p, const double *ranks, size_t *order,
                          cix_error *err)
{
    const cix_allocator *a;
    const int32_t *yidx;
    order_item *it;
    size_t n, ng, i;
    int rc;

    if (!p)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_rank_order: panel is NULL (pass the panel the ranks were "
                          "computed on)");
    n = cix_panel_nrows(p);
    if (n == 0)
        return CIX_OK;
    if (!ranks || !order)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_rank_order: ranks and order are required (%zu values each: "
                          "the ranks of the panel's rows and a buffer for the order)",
                          n);
    a = cix_i_panel_allocator(p);
    yidx = cix_i_panel_year_index(p);
    ng = yidx ? cix_panel_nyears(p) + 1 : 1;

    rc = order_counting(a, yidx, ng, ranks, n, order);
    if (rc < 0)
        return cix_i_nomem(err);
    if (rc > 0)
        return CIX_OK;

    it = cix_i_malloc_array(a, n, sizeof *it);
    if (!it)
        return cix_i_nomem(err);
    for (i = 0; i < n; i++) {
        it[i].group = group_of(yidx, i);
        it[i].rank = ranks[i];
        it[i].row = i;
    }
    qsort(it, n, sizeof *it, item_cmp);
    for (i = 0; i < n; i++)
        order[i] = it[i].row;
    cix_i_free(a, it);
    return CIX_OK;
}
