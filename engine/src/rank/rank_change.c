/*
 * Rank change against the previous year (METHODS.md §6): for a row of
 * region R in year index k > 0, the rank of R in year index k - 1 (the
 * panel's previous year, even when years are not consecutive) minus the
 * row's rank, so a positive change means the region moved up. NaN in the
 * panel's first year, for a region absent the year before, when either rank
 * is missing, and for every row of a cross-section.
 */
#include <math.h>

#include "../internal.h"

cix_status cix_i_rank_change(const cix_panel *p, const double *ranks, double *out,
                             cix_error *err)
{
    size_t n, nreg, ny;
    const int32_t *yidx;
    const size_t *ridx;
    const cix_allocator *a;
    size_t *cell;

    if (!p || !ranks || !out)
        return cix_i_fail(err, CIX_EINVAL, "rank change: panel, ranks and out are required");
    n = cix_panel_nrows(p);
    for (size_t r = 0; r < n; r++)
        out[r] = NAN;
    yidx = cix_i_panel_year_index(p);
    ny = cix_panel_nyears(p);
    if (!yidx || ny < 2 || n == 0)
        return CIX_OK;
    ridx = cix_i_panel_region_index(p);
    nreg = cix_panel_nregions(p);
    a = cix_i_panel_allocator(p);
    /* the row of (region, year index), or n when absent */
    if (nreg != 0 && ny > ((size_t)-1) / nreg)
        return cix_i_nomem(err);
    cell = cix_i_malloc_array(a, nreg * ny, sizeof(size_t));
    if (!cell)
        return cix_i_nomem(err);
    for (size_t i = 0; i < nreg * ny; i++)
        cell[i] = n;
    for (size_t r = 0; r < n; r++)
        cell[ridx[r] * ny + (size_t)yidx[r]] = r;
    for (size_t r = 0; r < n; r++) {
        size_t k = (size_t)yidx[r], prev;
        if (k == 0)
            continue;
        prev = cell[ridx[r] * ny + k - 1];
        if (prev == n || isnan(ranks[prev]) || isnan(ranks[r]))
            continue;
        out[r] = ranks[prev] - ranks[r];
    }
    cix_i_free(a, cell);
    return CIX_OK;
}
