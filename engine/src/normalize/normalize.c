/*
 * Normalization (METHODS.md §1 and §2): directions, then `none` or `minmax`,
 * with statistics over the scope (pooled, year, base:YYYY).
 *
 * For each indicator the column is first copied to the output; interval and
 * target-point indicators are turned into benefit values in [0,1] with the
 * min / max of the scope; then the normalization runs on that column with
 * the min / max of the scope, turning cost indicators around (minmax).
 * Missing cells (NaN) are skipped by every statistic and stay NaN.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

/* Per group of the scope: min, max and number of present cells of col. */
static void group_minmax(const double *col, const cix_i_scope *s, double *mn, double *mx,
                         size_t *cnt)
{
    for (size_t g = 0; g < s->ngroups; g++) {
        double lo = INFINITY, hi = -INFINITY;
        size_t k = 0;
        for (size_t i = s->start[g]; i < s->start[g + 1]; i++) {
            double v = col[s->order[i]];
            if (isnan(v))
                continue;
            if (v < lo)
                lo = v;
            if (v > hi)
                hi = v;
            k++;
        }
        mn[g] = lo;
        mx[g] = hi;
        cnt[g] = k;
    }
}

/* The scope's name for messages: "", " in year 2019", " in base year 2010". */
static void scope_phrase(char *buf, size_t size, const cix_panel *p, const cix_i_scope *s,
                         size_t g)
{
    if (s->kind == CIX_SCOPE_BASE)
        snprintf(buf, size, " in base year %ld", (long)s->base_year);
    else if (s->ngroups > 1)
        snprintf(buf, size, " in year %ld", (long)cix_panel_year_at(p, g));
    else
        buf[0] = '\0';
}

/* Fails with "<head><scope phrase>: <tail>" naming indicator j (and the year). */
static cix_status fail_group(cix_error *err, cix_status st, const cix_panel *p,
                             const cix_i_scope *s, size_t j, size_t g, const char *head,
                             const char *tail)
{
    char where[64];
    scope_phrase(where, sizeof where, p, s, g);
    cix_i_fail(err, st, "%s%s: %s", head, where, tail);
    cix_i_err_indicator(err, cix_panel_indicator(p, j));
    cix_i_scope_err_group(err, p, s, g);
    return st;
}

/* Checks that every group has at least one present value. */
static cix_status check_present(const cix_panel *p, const cix_i_scope *s, size_t j,
                                const size_t *cnt, cix_error *err)
{
    for (size_t g = 0; g < s->ngroups; g++)
        if (cnt[g] == 0)
            return fail_group(err, CIX_EDATA, p, s, j, g,
                              "the indicator has no value",
                              "every cell is missing; fill in the data or drop the "
                              "indicator");
    return CIX_OK;
}

static size_t group_of(const cix_i_scope *s, size_t r)
{
    return s->apply ? (size_t)s->apply[r] : 0;
}

/* Interval [a,b]: y = 1 - max(a - x, x - b, 0) / max(a - min, max - b). */
static cix_status apply_interval(const cix_panel *p, const cix_i_scope *s, size_t j,
                                 double a, double b, double *col, const double *mn,
                                 const double *mx, cix_error *err)
{
    size_t n = cix_panel_nrows(p);
    for (size_t g = 0; g < s->ngroups; g++) {
        double den = fmax(a - mn[g], mx[g] - b);
        if (!(den > 0)) {
            char msg[CIX_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg,
                     "the interval direction divides by zero, so the indicator cannot "
                     "tell regions apart: drop the indicator or check the interval "
                     "[%g,%g]",
                     a, b);
            return fail_group(err, CIX_EDEGENERATE, p, s, j, g,
                              "every value lies inside the interval", msg);
        }
    }
    for (size_t r = 0; r < n; r++) {
        double x = col[r];
        double dev;
        if (isnan(x))
            continue;
        dev = fmax(fmax(a - x, x - b), 0.0);
        col[r] = 1.0 - dev / fmax(a - mn[group_of(s, r)], mx[group_of(s, r)] - b);
    }
    return CIX_OK;
}

/* Target point t: y = 1 - |x - t| / max|x - t|. */
static cix_status apply_target(const cix_panel *p, const cix_i_scope *s, size_t j,
                               double t, double *col, const double *mn, const double *mx,
                               cix_error *err)
{
    size_t n = cix_panel_nrows(p);
    for (size_t g = 0; g < s->ngroups; g++) {
        double den = fmax(fabs(mn[g] - t), fabs(mx[g] - t));
        if (!(den > 0)) {
            char msg[CIX_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg,
                     "the target direction divides by zero, so the indicator cannot "
                     "tell regions apart: drop the indicator or check the target %g",
                     t);
            return fail_group(err, CIX_EDEGENERATE, p, s, j, g,
                              "every value equals the target", msg);
        }
    }
    for (size_t r = 0; r < n; r++) {
        double x = col[r];
        size_t g;
        if (isnan(x))
            continue;
        g = group_of(s, r);
        col[r] = 1.0 - fabs(x - t) / fmax(fabs(mn[g] - t), fabs(mx[g] - t));
    }
    return CIX_OK;
}

/* minmax: l + (u-l)(x-min)/(max-min), or l + (u-l)(max-x)/(max-min) for cost. */
static cix_status apply_minmax(const cix_panel *p, const cix_i_scope *s, size_t j,
                               int cost, double lo, double hi, double *col,
                               const double *mn, const double *mx, cix_error *err)
{
    size_t n = cix_panel_nrows(p);
    for (size_t g = 0; g < s->ngroups; g++)
        if (!(mx[g] > mn[g]))
            return fail_group(err, CIX_EDEGENERATE, p, s, j, g,
                              "the indicator is constant",
                              "max = min, so min-max normalization divides by zero; "
                              "drop the indicator");
    for (size_t r = 0; r < n; r++) {
        double x = col[r];
        size_t g;
        if (isnan(x))
            continue;
        g = group_of(s, r);
        if (cost)
            col[r] = lo + (hi - lo) * ((mx[g] - x) / (mx[g] - mn[g]));
        else
            col[r] = lo + (hi - lo) * ((x - mn[g]) / (mx[g] - mn[g]));
    }
    return CIX_OK;
}

cix_status cix_normalize(const cix_panel *p, const cix_options *o, double *out,
                         cix_error *err)
{
    cix_status st = CIX_OK;
    cix_i_scope s;
    double *mn = NULL, *mx = NULL;
    size_t *cnt = NULL;
    size_t n, nind;
    const char *msg;
    const cix_allocator *a;

    if (!p || !o || !out)
        return cix_i_fail(err, CIX_EINVAL, "cix_normalize: panel, options and out are "
                                           "required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    n = cix_panel_nrows(p);
    nind = cix_panel_nindicators(p);
    if (o->directions && o->ndirections != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu directions given for %zu indicators: give one per "
                          "indicator, in the panel's order",
                          o->ndirections, nind);
    a = cix_i_panel_allocator(p);
    if ((st = cix_i_scope_build(p, o, &s, err)) != CIX_OK)
        return st;
    mn = cix_i_malloc_array(a, s.ngroups, sizeof(double));
    mx = cix_i_malloc_array(a, s.ngroups, sizeof(double));
    cnt = cix_i_malloc_array(a, s.ngroups, sizeof(size_t));
    if (!mn || !mx || !cnt) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    for (size_t j = 0; j < nind; j++) {
        const cix_direction *d = o->directions ? &o->directions[j] : NULL;
        cix_direction_kind kind = d ? d->kind : CIX_DIR_BENEFIT;
        double *col = out + j * n;

        memcpy(col, cix_panel_column_const(p, j), n * sizeof(double));
        if (kind == CIX_DIR_INTERVAL || kind == CIX_DIR_TARGET) {
            group_minmax(col, &s, mn, mx, cnt);
            if ((st = check_present(p, &s, j, cnt, err)) != CIX_OK)
                goto cleanup;
            if (kind == CIX_DIR_INTERVAL)
                st = apply_interval(p, &s, j, d->a, d->b, col, mn, mx, err);
            else
                st = apply_target(p, &s, j, d->a, col, mn, mx, err);
            if (st != CIX_OK)
                goto cleanup;
        }
        if (o->normalization == CIX_NORM_MINMAX) {
            group_minmax(col, &s, mn, mx, cnt);
            if ((st = check_present(p, &s, j, cnt, err)) != CIX_OK)
                goto cleanup;
            st = apply_minmax(p, &s, j, kind == CIX_DIR_COST, o->range_lo, o->range_hi,
                              col, mn, mx, err);
            if (st != CIX_OK)
                goto cleanup;
        }
    }

cleanup:
    cix_i_free(a, mn);
    cix_i_free(a, mx);
    cix_i_free(a, cnt);
    cix_i_scope_free(p, &s);
    return st;
}
