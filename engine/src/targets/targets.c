/*
 * Target attainment (docs/models.md, "Target attainment"): progress of each
 * region and year towards the Target of every indicator that has one,
 * (x - b) / (t - b) capped to [0, 1], and the share of targets met.
 */
#include <math.h>
#include <string.h>

#include "../model/model_internal.h"

struct cix_targets {
    cix_allocator alloc;
    size_t nrows, ntargets;
    size_t *node;       /* ntargets */
    double *baseline;   /* ntargets x nrows */
    double *progress;   /* ntargets x nrows */
    double *share;      /* nrows */
    size_t *met, *known;/* nrows */
};

void cix_targets_free(cix_targets *t)
{
    cix_allocator a;
    if (!t)
        return;
    a = t->alloc;
    cix_i_free(&a, t->node);
    cix_i_free(&a, t->baseline);
    cix_i_free(&a, t->progress);
    cix_i_free(&a, t->share);
    cix_i_free(&a, t->met);
    cix_i_free(&a, t->known);
    cix_i_free(&a, t);
}

/* Progress of x from baseline b towards target t (see cix.h). dir: +1 for a
 * benefit indicator (more is better), -1 for a cost one, 0 when the
 * direction says neither (interval, target point): then only the formula. */
static double progress(double x, double b, double t, int dir)
{
    double v;
    if (isnan(x) || isnan(b))
        return NAN;
    if ((dir > 0 && x >= t) || (dir < 0 && x <= t))
        return 1.0; /* on the target's side: met, wherever the baseline was */
    if (t == b)
        return dir == 0 && x == t ? 1.0 : 0.0;
    if ((dir > 0 && t < b) || (dir < 0 && t > b))
        return 0.0; /* started on the target's side and has left it */
    v = (x - b) / (t - b);
    return v <= 0 ? 0.0 : v > 1 ? 1.0 : v; /* v <= 0 also turns -0 into 0 */
}

cix_status cix_targets_compute(const cix_model *m, const cix_panel *p, int32_t baseline_year,
                               cix_targets **out, cix_error *err)
{
    const cix_allocator *a;
    cix_targets *t = NULL;
    size_t n, nt = 0, nreg, *brow = NULL;
    long by = -1;
    int need_year = 0;
    cix_status st = CIX_OK;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_targets_compute: out is NULL");
    *out = NULL;
    if (!m || !p)
        return cix_i_fail(err, CIX_EINVAL, "cix_targets_compute: model and panel are "
                                           "required");
    if ((st = cix_model_validate(m, p, err)) != CIX_OK)
        return st;
    for (size_t k = 0; k < m->nind; k++) {
        const cix_i_node *nd = &m->nodes[m->indicators[k]];
        if (!isnan(nd->target)) {
            nt++;
            if (isnan(nd->baseline))
                need_year = 1;
        }
    }
    if (nt == 0) {
        cix_i_fail(err, CIX_EINVAL,
                   "the model gives no Target for any indicator: add a Target column with "
                   "the target values");
        cix_i_err_file(err, m->file, 1, 0);
        return CIX_EINVAL;
    }
    n = cix_panel_nrows(p);
    nreg = cix_panel_nregions(p);
    if (need_year) {
        if (!cix_panel_has_year(p))
            return cix_i_fail(err, CIX_EINVAL,
                              "the panel is a cross-section, so a baseline year cannot be "
                              "taken from it: give the baselines in the model's Baseline "
                              "column");
        for (size_t k = 0; k < cix_panel_nyears(p); k++)
            if (cix_panel_year_at(p, k) == baseline_year)
                by = (long)k;
        if (by < 0) {
            cix_i_fail(err, CIX_EINVAL,
                       "baseline year %ld is not in the panel (its years are %ld to %ld): "
                       "choose one of its years, or give the baselines in the model's "
                       "Baseline column",
                       (long)baseline_year, (long)cix_panel_year_at(p, 0),
                       (long)cix_panel_year_at(p, cix_panel_nyears(p) - 1));
            cix_i_err_year(err, baseline_year);
            return CIX_EINVAL;
        }
    }
    a = cix_i_panel_allocator(p);
    t = cix_i_malloc(a, sizeof *t);
    if (!t)
        return cix_i_nomem(err);
    memset(t, 0, sizeof *t);
    t->alloc = *a;
    t->nrows = n;
    t->ntargets = nt;
    t->node = cix_i_malloc_array(a, nt, sizeof(size_t));
    t->baseline = cix_i_malloc_array(a, nt, n * sizeof(double));
    t->progress = cix_i_malloc_array(a, nt, n * sizeof(double));
    t->share = cix_i_malloc_array(a, n ? n : 1, sizeof(double));
    t->met = cix_i_malloc_array(a, n ? n : 1, sizeof(size_t));
    t->known = cix_i_malloc_array(a, n ? n : 1, sizeof(size_t));
    brow = cix_i_malloc_array(a, nreg ? nreg : 1, sizeof(size_t));
    if (!t->node || !t->baseline || !t->progress || !t->share || !t->met || !t->known ||
        !brow) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    {
        const size_t *ridx = cix_i_panel_region_index(p);
        const int32_t *yidx = cix_i_panel_year_index(p);
        for (size_t g = 0; g < nreg; g++)
            brow[g] = CIX_NO_ROW;
        if (by >= 0)
            for (size_t r = 0; r < n; r++)
                if (yidx[r] == (int32_t)by)
                    brow[ridx[r]] = r;
        memset(t->met, 0, n * sizeof(size_t));
        memset(t->known, 0, n * sizeof(size_t));
        nt = 0;
        for (size_t k = 0; k < m->nind; k++) {
            const cix_i_node *nd = &m->nodes[m->indicators[k]];
            const double *x, *d = NULL;
            double *b, *pr;
            if (isnan(nd->target))
                continue;
            t->node[nt] = m->indicators[k];
            b = t->baseline + nt * n;
            pr = t->progress + nt * n;
            x = cix_panel_column_const(p, cix_panel_find_indicator(p, nd->code));
            if (nd->denom != CIX_NO_NODE)
                d = cix_panel_column_const(
                    p, cix_panel_find_indicator(p, m->nodes[nd->denom].code));
            for (size_t r = 0; r < n; r++) {
                size_t br = brow[ridx[r]];
                double xv = d ? x[r] / d[r] : x[r];
                if (!isnan(nd->baseline))
                    b[r] = nd->baseline;
                else
                    b[r] = br == CIX_NO_ROW ? NAN : d ? x[br] / d[br] : x[br];
                if (!isfinite(xv))
                    xv = NAN;
                if (!isfinite(b[r]))
                    b[r] = NAN;
                pr[r] = progress(xv, b[r], nd->target,
                                 nd->dir.kind == CIX_DIR_COST      ? -1
                                 : nd->dir.kind == CIX_DIR_BENEFIT ? 1
                                                                   : 0);
                if (!isnan(pr[r])) {
                    t->known[r]++;
                    if (pr[r] >= 1.0)
                        t->met[r]++;
                }
            }
            nt++;
        }
        for (size_t r = 0; r < n; r++)
            t->share[r] = t->known[r] ? (double)t->met[r] / (double)t->known[r] : NAN;
    }

cleanup:
    cix_i_free(a, brow);
    if (st != CIX_OK) {
        cix_targets_free(t);
        return st;
    }
    *out = t;
    return CIX_OK;
}

size_t cix_targets_count(const cix_targets *t)
{
    return t ? t->ntargets : 0;
}

size_t cix_targets_node(const cix_targets *t, size_t k)
{
    return (t && k < t->ntargets) ? t->node[k] : CIX_NO_NODE;
}

const double *cix_targets_baseline(const cix_targets *t, size_t k)
{
    return (t && k < t->ntargets) ? t->baseline + k * t->nrows : NULL;
}

const double *cix_targets_progress(const cix_targets *t, size_t k)
{
    return (t && k < t->ntargets) ? t->progress + k * t->nrows : NULL;
}

const double *cix_targets_share_met(const cix_targets *t)
{
    return t ? t->share : NULL;
}

const size_t *cix_targets_met(const cix_targets *t)
{
    return t ? t->met : NULL;
}

const size_t *cix_targets_known(const cix_targets *t)
{
    return t ? t->known : NULL;
}
