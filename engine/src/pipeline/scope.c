/* The scope of statistics (METHODS.md, "Scope"): which rows a statistic is
 * taken over, and whose statistics each row uses. */
#include <stdio.h>
#include <string.h>

#include "../internal.h"

/* Index of year `year` in the panel's sorted distinct years, or -1. */
static long find_year(const cix_panel *p, int32_t year)
{
    size_t lo = 0, hi = cix_panel_nyears(p);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int32_t y = cix_panel_year_at(p, mid);
        if (y == year)
            return (long)mid;
        if (y < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

cix_status cix_i_scope_build(const cix_panel *p, const cix_options *o, cix_i_scope *s,
                             cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    const int32_t *yidx = cix_i_panel_year_index(p);
    size_t n = cix_panel_nrows(p), nyears = cix_panel_nyears(p);
    size_t ngroups = 1, k = 0;
    long base = -1;

    memset(s, 0, sizeof *s);
    if (o->scope == CIX_SCOPE_BASE) {
        if (!yidx)
            return cix_i_fail(err, CIX_EINVAL,
                              "scope base:%ld needs a panel with a year column; this data "
                              "is a cross-section: use scope pooled",
                              (long)o->base_year);
        base = find_year(p, o->base_year);
        if (base < 0) {
            cix_i_fail(err, CIX_EINVAL,
                       "base year %ld is not in the panel (its years are %ld to %ld): "
                       "choose one of the panel's years",
                       (long)o->base_year, (long)cix_panel_year_at(p, 0),
                       (long)cix_panel_year_at(p, nyears ? nyears - 1 : 0));
            cix_i_err_year(err, o->base_year);
            return CIX_EINVAL;
        }
        s->base_year = o->base_year;
    } else if (o->scope == CIX_SCOPE_YEAR && yidx) {
        ngroups = nyears;
    }

    s->kind = o->scope;
    s->ngroups = ngroups;
    s->order = cix_i_malloc_array(a, n, sizeof(size_t));
    s->start = cix_i_malloc_array(a, ngroups + 1, sizeof(size_t));
    if (!s->order || !s->start) {
        cix_i_scope_free(p, s);
        return cix_i_nomem(err);
    }
    if (ngroups > 1) {
        /* counting sort of the rows by year index, stable */
        memset(s->start, 0, (ngroups + 1) * sizeof(size_t));
        for (size_t r = 0; r < n; r++)
            s->start[(size_t)yidx[r] + 1]++;
        for (size_t g = 0; g < ngroups; g++)
            s->start[g + 1] += s->start[g];
        for (size_t r = 0; r < n; r++)
            s->order[s->start[yidx[r]]++] = r;
        /* start[g] now holds the end of group g: shift back */
        for (size_t g = ngroups; g > 0; g--)
            s->start[g] = s->start[g - 1];
        s->start[0] = 0;
        s->apply = yidx;
    } else {
        for (size_t r = 0; r < n; r++)
            if (base < 0 || yidx[r] == (int32_t)base)
                s->order[k++] = r;
        s->start[0] = 0;
        s->start[1] = k;
        s->apply = NULL;
    }
    return CIX_OK;
}

void cix_i_scope_free(const cix_panel *p, cix_i_scope *s)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    cix_i_free(a, s->order);
    cix_i_free(a, s->start);
    s->order = s->start = NULL;
}

void cix_i_scope_err_group(cix_error *err, const cix_panel *p, const cix_i_scope *s,
                           size_t g)
{
    if (s->kind == CIX_SCOPE_BASE)
        cix_i_err_year(err, s->base_year);
    else if (s->ngroups > 1)
        cix_i_err_year(err, cix_panel_year_at(p, g));
}

void cix_i_scope_phrase(char *buf, size_t size, const cix_panel *p, const cix_i_scope *s,
                        size_t g)
{
    if (s->kind == CIX_SCOPE_BASE)
        snprintf(buf, size, " in base year %ld", (long)s->base_year);
    else if (s->ngroups > 1)
        snprintf(buf, size, " in year %ld", (long)cix_panel_year_at(p, g));
    else if (size > 0)
        buf[0] = '\0';
}

cix_status cix_i_scope_fail(cix_error *err, cix_status st, const cix_panel *p,
                            const cix_i_scope *s, size_t j, size_t g, const char *head,
                            const char *tail)
{
    char where[64];
    cix_i_scope_phrase(where, sizeof where, p, s, g);
    cix_i_fail(err, st, "%s%s: %s", head, where, tail);
    cix_i_err_indicator(err, cix_panel_indicator(p, j));
    cix_i_scope_err_group(err, p, s, g);
    return st;
}
