/*
 * Pre-treatment (METHODS.md §3), in this order:
 *
 *   1. coverage screen: indicators with less than min_coverage_indicator of
 *      their cells present are dropped, then regions with less than
 *      min_coverage_region of their cells (over the kept indicators);
 *   2. constant indicators (o->drop_constant): an indicator whose present
 *      values are all equal in some group of the scope (or, for an interval
 *      direction, all inside the interval) is dropped;
 *   3. imputation of missing cells (mean / median of the row's scope group,
 *      interp, locf); present values are never changed;
 *   4. per-indicator transforms (log, log1p-shift);
 *   5. the JRC outlier rule (winsorize up to 5 steps, else log1p-shift).
 *
 * The input panel is never changed: the result is a new panel q holding the
 * kept rows and indicators. Every step records what it changed as notes,
 * with the input panel's row and indicator indices.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

#define JRC_MAX_STEPS 5

/* ---- small helpers -------------------------------------------------------- */

/* " in 2019" for a row with a year, "" otherwise. */
static void year_phrase(char *buf, size_t size, const cix_panel *p, size_t row)
{
    int32_t y = cix_panel_row_year(p, row);
    if (y == CIX_NO_YEAR)
        buf[0] = '\0';
    else
        snprintf(buf, size, " in %ld", (long)y);
}

/* " (year 2019)" / " (base year 2010)" for group g of scope s, or "". */
static void group_phrase(char *buf, size_t size, const cix_panel *q, const cix_i_scope *s,
                         size_t g)
{
    if (s->kind == CIX_SCOPE_BASE)
        snprintf(buf, size, " (base year %ld)", (long)s->base_year);
    else if (s->ngroups > 1)
        snprintf(buf, size, " (year %ld)", (long)cix_panel_year_at(q, g));
    else
        buf[0] = '\0';
}

/* Rows that use the statistics of group g: every row for base:YYYY, else the
 * group's own rows. The i-th of them (from <= i < to) is row_at(s, i). */
static void applied_rows(const cix_i_scope *s, size_t g, size_t n, size_t *from, size_t *to)
{
    if (s->kind == CIX_SCOPE_BASE) {
        *from = 0;
        *to = n;
    } else {
        *from = s->start[g];
        *to = s->start[g + 1];
    }
}

static size_t row_at(const cix_i_scope *s, size_t i)
{
    return s->kind == CIX_SCOPE_BASE ? i : s->order[i];
}

/* A new panel with rows rows[0..nr) and indicators cols[0..nc) of src. */
static cix_status subset(const cix_panel *src, const size_t *rows, size_t nr,
                         const size_t *cols, size_t nc, cix_panel **out, cix_error *err)
{
    cix_panel *q = NULL;
    cix_status st;

    *out = NULL;
    /* every cell is written below: no NaN fill first */
    st = cix_i_panel_create_uninit(nr, nc, cix_panel_has_year(src),
                                   cix_i_panel_allocator(src), &q, err);
    if (st != CIX_OK)
        return st;
    for (size_t r = 0; r < nr; r++)
        if ((st = cix_panel_set_row(q, r, cix_panel_row_region(src, rows[r]),
                                    cix_panel_row_year(src, rows[r]), err)) != CIX_OK)
            goto fail;
    for (size_t k = 0; k < nc; k++) {
        const double *from = cix_panel_column_const(src, cols[k]);
        double *to = cix_panel_column(q, k);
        if ((st = cix_panel_set_indicator(q, k, cix_panel_indicator(src, cols[k]), err)) !=
            CIX_OK)
            goto fail;
        for (size_t r = 0; r < nr; r++)
            to[r] = from[rows[r]];
    }
    *out = q;
    return CIX_OK;
fail:
    cix_panel_free(q);
    return st;
}

/* ---- 1. coverage screen ---------------------------------------------------- */

/* Fills keep_ind (nind) and keep_row (n) flags. */
static cix_status coverage(const cix_panel *p, const cix_options *o, unsigned char *keep_ind,
                           unsigned char *keep_row, cix_i_notes *notes, cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    size_t nreg = cix_panel_nregions(p), kept = 0, nki;
    const size_t *ridx = cix_i_panel_region_index(p);
    size_t *cells = NULL, *present = NULL, *first = NULL;
    cix_status st = CIX_OK;

    for (size_t j = 0; j < nind; j++) {
        const double *x = cix_panel_column_const(p, j);
        size_t k = 0;
        double share;
        for (size_t r = 0; r < n; r++)
            k += !isnan(x[r]);
        share = n ? (double)k / (double)n : 0.0;
        keep_ind[j] = !(share < o->min_coverage_indicator);
        if (!keep_ind[j]) {
            st = cix_i_notes_add(notes, err, CIX_NOTE_DROPPED_COVERAGE, j, CIX_NO_ROW, NAN,
                                 share, k,
                                 "indicator '%s' dropped: %zu of %zu cells present "
                                 "(%.1f%%), below the coverage threshold %.1f%% "
                                 "(--min-coverage-indicator)",
                                 cix_panel_indicator(p, j), k, n, 100.0 * share,
                                 100.0 * o->min_coverage_indicator);
            if (st != CIX_OK)
                return st;
        }
        kept += keep_ind[j];
    }
    if (kept == 0)
        return cix_i_fail(err, CIX_EDEGENERATE,
                          "the coverage screen dropped every indicator: lower "
                          "--min-coverage-indicator (now %g) or fill in the data",
                          o->min_coverage_indicator);
    nki = kept;

    for (size_t r = 0; r < n; r++)
        keep_row[r] = 1;
    if (!(o->min_coverage_region > 0))
        return CIX_OK;
    cells = cix_i_malloc_array(a, nreg ? nreg : 1, sizeof *cells);
    present = cix_i_malloc_array(a, nreg ? nreg : 1, sizeof *present);
    first = cix_i_malloc_array(a, nreg ? nreg : 1, sizeof *first);
    if (!cells || !present || !first) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t g = 0; g < nreg; g++) {
        cells[g] = present[g] = 0;
        first[g] = CIX_NO_ROW;
    }
    for (size_t r = 0; r < n; r++) {
        size_t g = ridx[r];
        if (first[g] == CIX_NO_ROW)
            first[g] = r;
        for (size_t j = 0; j < nind; j++) {
            if (!keep_ind[j])
                continue;
            cells[g]++;
            present[g] += !isnan(cix_panel_column_const(p, j)[r]);
        }
    }
    kept = 0;
    for (size_t g = 0; g < nreg; g++) {
        double share = cells[g] ? (double)present[g] / (double)cells[g] : 0.0;
        size_t rows = cells[g] / nki;
        if (!(share < o->min_coverage_region))
            continue;
        for (size_t r = 0; r < n; r++)
            if (ridx[r] == g)
                keep_row[r] = 0;
        st = cix_i_notes_add(notes, err, CIX_NOTE_DROPPED_COVERAGE, (size_t)-1, first[g],
                             NAN, share, rows,
                             "region '%s' dropped (%zu rows): %zu of %zu cells present "
                             "(%.1f%%), below the coverage threshold %.1f%% "
                             "(--min-coverage-region)",
                             cix_panel_row_region(p, first[g]), rows, present[g], cells[g],
                             100.0 * share, 100.0 * o->min_coverage_region);
        if (st != CIX_OK)
            goto cleanup;
    }
    for (size_t r = 0; r < n; r++)
        kept += keep_row[r];
    if (kept == 0)
        st = cix_i_fail(err, CIX_EDEGENERATE,
                        "the coverage screen dropped every region: lower "
                        "--min-coverage-region (now %g) or fill in the data",
                        o->min_coverage_region);
cleanup:
    cix_i_free(a, cells);
    cix_i_free(a, present);
    cix_i_free(a, first);
    return st;
}

/* ---- 2. constant indicators ------------------------------------------------ */

/* 1 if column col is constant in some group of s (all present values equal,
 * or for an interval direction all inside the interval); *gout = the group. */
static int is_constant(const double *col, const cix_i_scope *s, const cix_direction *d,
                       size_t *gout)
{
    for (size_t g = 0; g < s->ngroups; g++) {
        double lo = INFINITY, hi = -INFINITY;
        size_t m = 0;
        for (size_t i = s->start[g]; i < s->start[g + 1]; i++) {
            double v = col[s->order[i]];
            if (isnan(v))
                continue;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
            m++;
        }
        if (m == 0)
            continue;
        if (hi == lo || (d && d->kind == CIX_DIR_INTERVAL && !(fmax(d->a - lo, hi - d->b) > 0))) {
            *gout = g;
            return 1;
        }
    }
    return 0;
}

/* ---- 3. imputation ---------------------------------------------------------- */

/* What the per-column steps share. */
typedef struct pctx {
    const cix_panel *p;   /* the input panel (names in notes and errors) */
    cix_panel *q;         /* the treated panel */
    const cix_options *o;
    const cix_i_scope *s; /* scope over q */
    const size_t *ind_map, *row_map;
    cix_i_notes *notes;
    cix_error *err;
    double *orig;         /* nrows of q */
    double *buf;          /* nrows of q */
    double *gval;         /* ngroups */
    size_t *byregion;     /* q's rows sorted by region, then year */
} pctx;

/* Fails naming cell (row r, indicator k) of q by the input panel's names. */
static cix_status fail_cell(const pctx *c, size_t r, size_t k, cix_status st,
                            const char *msg)
{
    cix_i_fail(c->err, st, "%s", msg);
    cix_i_err_cell(c->err, c->p, c->row_map[r], c->ind_map[k]);
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Present values of group g of column col into c->buf; returns how many. */
static size_t gather(const pctx *c, const double *col, size_t g)
{
    size_t m = 0;
    for (size_t i = c->s->start[g]; i < c->s->start[g + 1]; i++) {
        double v = col[c->s->order[i]];
        if (!isnan(v))
            c->buf[m++] = v;
    }
    return m;
}

void cix_i_note_cell_imputed(cix_note *note, const cix_panel *p, size_t j, size_t row,
                             double v, const char *how)
{
    char yr[32];
    year_phrase(yr, sizeof yr, p, row);
    cix_i_note_set(note, CIX_NOTE_IMPUTED, j, row, NAN, v, 1,
                   "'%s' of '%s'%s was missing: imputed %.17g (%s)", cix_panel_indicator(p, j),
                   cix_panel_row_region(p, row), yr, v, how);
}

void cix_i_note_imputed(cix_note *note, const cix_panel *p, size_t j, size_t filled,
                        size_t missing, cix_impute method)
{
    cix_i_note_set(note, CIX_NOTE_IMPUTED, j, CIX_NO_ROW, NAN, NAN, filled,
                   "'%s': %zu of %zu missing cells imputed by %s", cix_panel_indicator(p, j),
                   filled, missing, cix_impute_name(method));
}

static cix_status note_filled(const pctx *c, size_t r, size_t k, double v, const char *how)
{
    cix_note *note;
    if (!c->notes || !c->o->cell_notes)
        return CIX_OK;
    if (!(note = cix_i_notes_grow(c->notes, c->err, 1)))
        return CIX_ENOMEM;
    cix_i_note_cell_imputed(note, c->p, c->ind_map[k], c->row_map[r], v, how);
    return CIX_OK;
}

/* mean / median of the row's scope group. */
static cix_status impute_stat(const pctx *c, size_t k, size_t *filled)
{
    double *col = cix_panel_column(c->q, k);
    size_t n = cix_panel_nrows(c->q);
    int median = c->o->impute == CIX_IMPUTE_MEDIAN;
    cix_status st;

    for (size_t g = 0; g < c->s->ngroups; g++) {
        size_t m = gather(c, col, g);
        if (m == 0) {
            c->gval[g] = NAN;
        } else if (median) {
            qsort(c->buf, m, sizeof(double), cmp_double);
            c->gval[g] = m % 2 ? c->buf[m / 2] : (c->buf[m / 2 - 1] + c->buf[m / 2]) / 2.0;
        } else {
            cix_i_ksum sum = {0, 0};
            for (size_t i = 0; i < m; i++)
                cix_i_ksum_add(&sum, c->buf[i]);
            c->gval[g] = cix_i_ksum_get(&sum) / (double)m;
        }
    }
    for (size_t r = 0; r < n; r++) {
        size_t g = c->s->apply ? (size_t)c->s->apply[r] : 0;
        char grp[48], how[96];
        if (!isnan(col[r]))
            continue;
        group_phrase(grp, sizeof grp, c->q, c->s, g);
        if (isnan(c->gval[g])) {
            cix_i_fail(c->err, CIX_EDATA,
                       "cannot impute by the %s: the indicator has no value in its scope "
                       "group%s; use --impute interp or locf, another scope, or drop the "
                       "indicator",
                       median ? "median" : "mean", grp);
            cix_i_err_cell(c->err, c->p, c->row_map[r], c->ind_map[k]);
            return CIX_EDATA;
        }
        col[r] = c->gval[g];
        snprintf(how, sizeof how, "%s of the scope group%s", median ? "median" : "mean", grp);
        if ((st = note_filled(c, r, k, col[r], how)) != CIX_OK)
            return st;
        (*filled)++;
    }
    return CIX_OK;
}

/* interp (linear across years within a region, the nearest value carried
 * past the ends) and locf (last observation carried forward; leading gaps
 * stay missing). *left counts the cells left missing. */
static cix_status impute_series(const pctx *c, size_t k, size_t *filled, size_t *left)
{
    double *col = cix_panel_column(c->q, k);
    const double *x = c->orig;
    size_t n = cix_panel_nrows(c->q);
    const size_t *ridx = cix_i_panel_region_index(c->q);
    const size_t *by = c->byregion;
    int locf = c->o->impute == CIX_IMPUTE_LOCF;
    cix_status st;

    memcpy(c->orig, col, n * sizeof(double));
    for (size_t i0 = 0, i1; i0 < n; i0 = i1) {
        size_t prev = CIX_NO_ROW, next = i0;
        for (i1 = i0 + 1; i1 < n && ridx[by[i1]] == ridx[by[i0]]; i1++)
            ;
        for (size_t i = i0; i < i1; i++) {
            size_t r = by[i];
            double v = NAN;
            char how[96];
            if (!isnan(x[r])) {
                prev = i;
                continue;
            }
            if (next <= i)
                for (next = i + 1; next < i1 && isnan(x[by[next]]); next++)
                    ;
            if (prev != CIX_NO_ROW && (locf || next >= i1)) {
                v = x[by[prev]];
                snprintf(how, sizeof how, "%s, %ld",
                         locf ? "last observation carried forward" : "nearest value",
                         (long)cix_panel_row_year(c->q, by[prev]));
            } else if (!locf && prev == CIX_NO_ROW && next < i1) {
                v = x[by[next]];
                snprintf(how, sizeof how, "nearest value, %ld",
                         (long)cix_panel_row_year(c->q, by[next]));
            } else if (!locf && prev != CIX_NO_ROW) {
                int32_t y0 = cix_panel_row_year(c->q, by[prev]);
                int32_t y1 = cix_panel_row_year(c->q, by[next]);
                int32_t y = cix_panel_row_year(c->q, r);
                double x0 = x[by[prev]], x1 = x[by[next]];
                v = x0 + (x1 - x0) * ((double)((int64_t)y - y0) / (double)((int64_t)y1 - y0));
                snprintf(how, sizeof how, "linear interpolation between %ld and %ld",
                         (long)y0, (long)y1);
            }
            if (isnan(v)) {
                (*left)++;
                continue;
            }
            col[r] = v;
            if ((st = note_filled(c, r, k, v, how)) != CIX_OK)
                return st;
            (*filled)++;
        }
    }
    return CIX_OK;
}

static cix_status impute_column(const pctx *c, size_t k)
{
    const double *col = cix_panel_column_const(c->q, k);
    size_t n = cix_panel_nrows(c->q), missing = 0, filled = 0, left = 0;
    size_t pj = c->ind_map[k];
    const char *name = cix_panel_indicator(c->p, pj);
    const char *method = cix_impute_name(c->o->impute);
    cix_status st;

    for (size_t r = 0; r < n; r++)
        missing += isnan(col[r]);
    if (missing == 0)
        return CIX_OK;
    if (c->o->impute == CIX_IMPUTE_MEAN || c->o->impute == CIX_IMPUTE_MEDIAN)
        st = impute_stat(c, k, &filled);
    else
        st = impute_series(c, k, &filled, &left);
    if (st != CIX_OK)
        return st;
    if (c->notes) {
        cix_note *note = cix_i_notes_grow(c->notes, c->err, 1);
        if (!note)
            return CIX_ENOMEM;
        cix_i_note_imputed(note, c->p, pj, filled, missing, c->o->impute);
    }
    if (st == CIX_OK && left > 0)
        st = cix_i_notes_add(
            c->notes, c->err, CIX_NOTE_WARNING, pj, CIX_NO_ROW, NAN, NAN, left,
            "'%s': %zu missing cells left missing by %s (%s); a method that needs every "
            "cell will name them: use --impute mean/median or interp, or drop the "
            "indicator or the regions",
            name, left, method,
            c->o->impute == CIX_IMPUTE_LOCF
                ? "no earlier observation of the region to carry forward"
                : "the region has no value of the indicator in any year");
    return st;
}

/* ---- 4. transforms ----------------------------------------------------------- */

/* log1p-shift on the rows using group g: log(x - min + 1) = log1p(x - min),
 * min over the group's present values. Returns the number of cells. */
static cix_status shift_log_group(const pctx *c, size_t k, size_t g, double *mn,
                                  size_t *count)
{
    double *col = cix_panel_column(c->q, k);
    size_t n = cix_panel_nrows(c->q), from, to;
    double lo = INFINITY;

    for (size_t i = c->s->start[g]; i < c->s->start[g + 1]; i++) {
        double v = col[c->s->order[i]];
        if (!isnan(v) && v < lo)
            lo = v;
    }
    *mn = lo;
    applied_rows(c->s, g, n, &from, &to);
    for (size_t i = from; i < to; i++) {
        size_t r = row_at(c->s, i);
        double v = col[r];
        if (isnan(v))
            continue;
        if (isinf(lo))
            return fail_cell(c, r, k, CIX_EDATA,
                             "log1p-shift needs the minimum of the base year, which has no "
                             "value of the indicator: choose another scope or base year");
        if (!(v - lo > -1.0)) {
            char msg[CIX_ERROR_MESSAGE_MAX];
            snprintf(msg, sizeof msg,
                     "log1p-shift: x - min + 1 <= 0 for x = %g (below the base year's "
                     "minimum %g by 1 or more): choose another base year or transform",
                     v, lo);
            return fail_cell(c, r, k, CIX_EDATA, msg);
        }
        col[r] = log1p(v - lo);
        (*count)++;
    }
    return CIX_OK;
}

static cix_status transform_column(const pctx *c, size_t k)
{
    size_t pj = c->ind_map[k];
    cix_transform tr = c->o->params ? c->o->params[pj].transform : CIX_TRANSFORM_NONE;
    double *col = cix_panel_column(c->q, k);
    size_t n = cix_panel_nrows(c->q), count = 0;
    cix_status st;

    if (tr == CIX_TRANSFORM_LOG) {
        for (size_t r = 0; r < n; r++) {
            if (isnan(col[r]))
                continue;
            if (!(col[r] > 0)) {
                char msg[CIX_ERROR_MESSAGE_MAX];
                snprintf(msg, sizeof msg,
                         "the log transform needs x > 0 and the value is %g: use "
                         "--transform IND=log1p-shift or correct the cell",
                         col[r]);
                return fail_cell(c, r, k, CIX_EDATA, msg);
            }
        }
        for (size_t r = 0; r < n; r++)
            if (!isnan(col[r])) {
                col[r] = log(col[r]);
                count++;
            }
        return cix_i_notes_add(c->notes, c->err, CIX_NOTE_LOGGED, pj, CIX_NO_ROW, NAN, NAN,
                               count, "'%s' transformed by log(x) (%zu cells)",
                               cix_panel_indicator(c->p, pj), count);
    }
    if (tr == CIX_TRANSFORM_LOG1P_SHIFT) {
        double mn = NAN;
        for (size_t g = 0; g < c->s->ngroups; g++)
            if ((st = shift_log_group(c, k, g, &mn, &count)) != CIX_OK)
                return st;
        return cix_i_notes_add(c->notes, c->err, CIX_NOTE_LOGGED, pj, CIX_NO_ROW, NAN, NAN,
                               count,
                               "'%s' transformed by log1p-shift, log(x - min + 1) with min "
                               "over the scope%s (%zu cells)",
                               cix_panel_indicator(c->p, pj),
                               c->s->ngroups > 1 ? " group of each year" : "", count);
    }
    return CIX_OK;
}

/* ---- 5. JRC outlier rule -------------------------------------------------------- */

static double clampv(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Skewness g1 = m3/m2^1.5 and excess kurtosis g2 = m4/m2^2 - 3 (population
 * moments) of v[0..m) clamped to [lo, hi]; both 0 when m2 = 0. */
static void moments(const double *v, size_t m, double lo, double hi, double *g1,
                    double *g2)
{
    cix_i_ksum s = {0, 0}, s2 = {0, 0}, s3 = {0, 0}, s4 = {0, 0};
    double mean, m2, m3, m4;

    *g1 = *g2 = 0;
    if (m == 0)
        return;
    for (size_t i = 0; i < m; i++)
        cix_i_ksum_add(&s, clampv(v[i], lo, hi));
    mean = cix_i_ksum_get(&s) / (double)m;
    for (size_t i = 0; i < m; i++) {
        double d = clampv(v[i], lo, hi) - mean;
        cix_i_ksum_add(&s2, d * d);
        cix_i_ksum_add(&s3, d * d * d);
        cix_i_ksum_add(&s4, d * d * d * d);
    }
    m2 = cix_i_ksum_get(&s2) / (double)m;
    m3 = cix_i_ksum_get(&s3) / (double)m;
    m4 = cix_i_ksum_get(&s4) / (double)m;
    if (!(m2 > 0))
        return;
    *g1 = m3 / pow(m2, 1.5);
    *g2 = m4 / (m2 * m2) - 3.0;
}

static int jrc_flagged(double g1, double g2)
{
    return fabs(g1) > 2.0 && g2 > 3.5;
}

static cix_status outliers_group(const pctx *c, size_t k, size_t g)
{
    double *col = cix_panel_column(c->q, k);
    size_t n = cix_panel_nrows(c->q), pj = c->ind_map[k], from, to, changed = 0;
    size_t m = gather(c, col, g);
    double lo = -INFINITY, hi = INFINITY, g1, g2, g1_0, g2_0;
    const char *name = cix_panel_indicator(c->p, pj);
    char grp[48];
    int steps = 0;
    cix_status st;

    moments(c->buf, m, lo, hi, &g1_0, &g2_0);
    if (!jrc_flagged(g1_0, g2_0))
        return CIX_OK;
    g1 = g1_0;
    g2 = g2_0;
    group_phrase(grp, sizeof grp, c->q, c->s, g);
    /* Winsorize: every value at the current extreme on the skewed side takes
     * the next value inward; at most JRC_MAX_STEPS times. */
    while (jrc_flagged(g1, g2) && steps < JRC_MAX_STEPS) {
        double ext = g1 > 0 ? -INFINITY : INFINITY, next = g1 > 0 ? -INFINITY : INFINITY;
        for (size_t i = 0; i < m; i++) {
            double v = clampv(c->buf[i], lo, hi);
            ext = g1 > 0 ? fmax(ext, v) : fmin(ext, v);
        }
        for (size_t i = 0; i < m; i++) {
            double v = clampv(c->buf[i], lo, hi);
            if (g1 > 0 && v < ext)
                next = fmax(next, v);
            else if (g1 < 0 && v > ext)
                next = fmin(next, v);
        }
        if (isinf(next))
            break; /* one distinct value left: nothing to winsorize */
        if (g1 > 0)
            hi = next;
        else
            lo = next;
        steps++;
        moments(c->buf, m, lo, hi, &g1, &g2);
    }
    applied_rows(c->s, g, n, &from, &to);
    if (jrc_flagged(g1, g2)) {
        double mn;
        size_t count = 0;
        if ((st = shift_log_group(c, k, g, &mn, &count)) != CIX_OK)
            return st;
        return cix_i_notes_add(
            c->notes, c->err, CIX_NOTE_LOGGED, pj, CIX_NO_ROW, NAN, NAN, count,
            "'%s'%s flagged by the JRC outlier rule (skewness %.4g, kurtosis %.4g) and "
            "still flagged after winsorizing %d times: winsorizing undone, log1p-shift "
            "log(x - min + 1) applied instead with min = %.17g (%zu cells)",
            name, grp, g1_0, g2_0, steps, mn, count);
    }
    for (size_t i = from; i < to; i++) {
        size_t r = row_at(c->s, i);
        double v = col[r], w;
        char yr[32];
        if (isnan(v) || (w = clampv(v, lo, hi)) == v)
            continue;
        col[r] = w;
        changed++;
        if (!c->o->cell_notes)
            continue;
        year_phrase(yr, sizeof yr, c->p, c->row_map[r]);
        st = cix_i_notes_add(c->notes, c->err, CIX_NOTE_WINSORIZED, pj, c->row_map[r], v,
                             w, 1, "'%s' of '%s'%s winsorized: %.17g -> %.17g", name,
                             cix_panel_row_region(c->p, c->row_map[r]), yr, v, w);
        if (st != CIX_OK)
            return st;
    }
    return cix_i_notes_add(c->notes, c->err, CIX_NOTE_WINSORIZED, pj, CIX_NO_ROW, NAN, NAN,
                           changed,
                           "'%s'%s flagged by the JRC outlier rule (skewness %.4g, kurtosis "
                           "%.4g): %zu values winsorized in %d steps; now skewness %.4g, "
                           "kurtosis %.4g",
                           name, grp, g1_0, g2_0, changed, steps, g1, g2);
}

/* ---- the whole pre-treatment ------------------------------------------------------ */

typedef struct rkey {
    size_t reg;
    int32_t year;
    size_t row;
} rkey;

static int cmp_rkey(const void *a, const void *b)
{
    const rkey *x = a, *y = b;
    if (x->reg != y->reg)
        return x->reg < y->reg ? -1 : 1;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* q's rows sorted by region, then year, into out (nrows). */
static cix_status sort_by_region(const cix_panel *q, size_t *out, cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(q);
    size_t n = cix_panel_nrows(q);
    const size_t *ridx = cix_i_panel_region_index(q);
    rkey *keys = cix_i_malloc_array(a, n ? n : 1, sizeof *keys);
    if (!keys)
        return cix_i_nomem(err);
    for (size_t r = 0; r < n; r++) {
        keys[r].reg = ridx[r];
        keys[r].year = cix_panel_row_year(q, r);
        keys[r].row = r;
    }
    qsort(keys, n, sizeof *keys, cmp_rkey);
    for (size_t r = 0; r < n; r++)
        out[r] = keys[r].row;
    cix_i_free(a, keys);
    return CIX_OK;
}

/* Drops the constant indicators of *q (notes name them); *nc is updated and
 * ind_map compacted. */
static cix_status drop_constant(const cix_panel *p, const cix_options *o, cix_panel **q,
                                size_t *ind_map, size_t *nc, cix_i_notes *notes,
                                cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t nr = cix_panel_nrows(*q), kept = 0;
    size_t *rows = NULL, *cols = NULL;
    cix_panel *q2 = NULL;
    cix_i_scope s;
    cix_status st;

    if ((st = cix_i_scope_build(*q, o, &s, err)) != CIX_OK)
        return st;
    rows = cix_i_malloc_array(a, nr ? nr : 1, sizeof *rows);
    cols = cix_i_malloc_array(a, *nc ? *nc : 1, sizeof *cols);
    if (!rows || !cols) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t k = 0; k < *nc; k++) {
        size_t g, pj = ind_map[k];
        const cix_direction *d = o->directions ? &o->directions[pj] : NULL;
        char grp[48];
        if (!is_constant(cix_panel_column_const(*q, k), &s, d, &g)) {
            cols[kept++] = k;
            continue;
        }
        group_phrase(grp, sizeof grp, *q, &s, g);
        st = cix_i_notes_add(notes, err, CIX_NOTE_DROPPED_CONSTANT, pj, CIX_NO_ROW, NAN, NAN,
                             0, "indicator '%s' dropped: constant%s%s (--drop-constant)",
                             cix_panel_indicator(p, pj), grp,
                             d && d->kind == CIX_DIR_INTERVAL ? " or every value inside its "
                                                                "interval"
                                                              : "");
        if (st != CIX_OK)
            goto cleanup;
    }
    if (kept == *nc)
        goto cleanup;
    if (kept == 0) {
        st = cix_i_fail(err, CIX_EDEGENERATE,
                        "every indicator is constant in the scope and was dropped "
                        "(--drop-constant): nothing is left to compute an index from");
        goto cleanup;
    }
    for (size_t r = 0; r < nr; r++)
        rows[r] = r;
    if ((st = subset(*q, rows, nr, cols, kept, &q2, err)) != CIX_OK)
        goto cleanup;
    for (size_t k = 0; k < kept; k++)
        ind_map[k] = ind_map[cols[k]];
    *nc = kept;
    cix_panel_free(*q);
    *q = q2;
cleanup:
    cix_i_free(a, rows);
    cix_i_free(a, cols);
    cix_i_scope_free(*q, &s);
    return st;
}

cix_status cix_i_pretreat(const cix_panel *p, const cix_options *o, cix_panel **q,
                          size_t *ind_map, size_t *row_map, cix_i_notes *notes,
                          cix_error *err)
{
    const cix_allocator *a;
    unsigned char *keep_ind = NULL, *keep_row = NULL;
    cix_panel *t = NULL;
    cix_i_scope s;
    int scope_built = 0;
    size_t n, nind, nr = 0, nc = 0;
    pctx c;
    cix_status st;
    const char *msg;

    if (!q)
        return cix_i_fail(err, CIX_EINVAL, "pre-treatment: q is NULL");
    *q = NULL;
    if (!p || !o || !ind_map || !row_map)
        return cix_i_fail(err, CIX_EINVAL, "pre-treatment: panel, options and maps are "
                                           "required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    n = cix_panel_nrows(p);
    nind = cix_panel_nindicators(p);
    if (n == 0 || nind == 0)
        return cix_i_fail(err, CIX_EINVAL, "the panel is empty (%zu rows, %zu indicators)",
                          n, nind);
    if ((o->directions && o->ndirections != nind) || (o->params && o->nparams != nind))
        return cix_i_fail(err, CIX_EINVAL,
                          "directions and indicator parameters need one entry per "
                          "indicator (%zu), in the panel's order",
                          nind);
    a = cix_i_panel_allocator(p);
    memset(&c, 0, sizeof c);
    keep_ind = cix_i_malloc(a, nind);
    keep_row = cix_i_malloc(a, n);
    if (!keep_ind || !keep_row) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    /* 1. coverage */
    if ((st = coverage(p, o, keep_ind, keep_row, notes, err)) != CIX_OK)
        goto cleanup;
    for (size_t j = 0; j < nind; j++)
        if (keep_ind[j])
            ind_map[nc++] = j;
    for (size_t r = 0; r < n; r++)
        if (keep_row[r])
            row_map[nr++] = r;
    if ((st = subset(p, row_map, nr, ind_map, nc, &t, err)) != CIX_OK)
        goto cleanup;

    /* 2. constant indicators */
    if (o->drop_constant &&
        (st = drop_constant(p, o, &t, ind_map, &nc, notes, err)) != CIX_OK)
        goto cleanup;

    if (o->impute == CIX_IMPUTE_NONE && !o->outliers && !o->params)
        goto cleanup; /* nothing else to do */
    if ((st = cix_i_scope_build(t, o, &s, err)) != CIX_OK)
        goto cleanup;
    scope_built = 1;
    c.p = p;
    c.q = t;
    c.o = o;
    c.s = &s;
    c.ind_map = ind_map;
    c.row_map = row_map;
    c.notes = notes;
    c.err = err;
    c.orig = cix_i_malloc_array(a, nr, sizeof(double));
    c.buf = cix_i_malloc_array(a, nr, sizeof(double));
    c.gval = cix_i_malloc_array(a, s.ngroups, sizeof(double));
    c.byregion = cix_i_malloc_array(a, nr, sizeof(size_t));
    if (!c.orig || !c.buf || !c.gval || !c.byregion) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    /* 3. imputation */
    if (o->impute != CIX_IMPUTE_NONE) {
        if ((o->impute == CIX_IMPUTE_INTERP || o->impute == CIX_IMPUTE_LOCF) &&
            (st = sort_by_region(t, c.byregion, err)) != CIX_OK)
            goto cleanup;
        for (size_t k = 0; k < nc; k++)
            if ((st = impute_column(&c, k)) != CIX_OK)
                goto cleanup;
    }
    /* 4. transforms */
    for (size_t k = 0; k < nc && o->params; k++)
        if ((st = transform_column(&c, k)) != CIX_OK)
            goto cleanup;
    /* 5. outliers */
    for (size_t k = 0; k < nc && o->outliers; k++)
        for (size_t g = 0; g < s.ngroups; g++)
            if ((st = outliers_group(&c, k, g)) != CIX_OK)
                goto cleanup;

cleanup:
    if (scope_built)
        cix_i_scope_free(t, &s);
    cix_i_free(a, c.orig);
    cix_i_free(a, c.buf);
    cix_i_free(a, c.gval);
    cix_i_free(a, c.byregion);
    cix_i_free(a, keep_ind);
    cix_i_free(a, keep_row);
    if (st != CIX_OK) {
        cix_panel_free(t);
        return st;
    }
    *q = t;
    return CIX_OK;
}
