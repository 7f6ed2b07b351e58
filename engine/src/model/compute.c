/*
 * Scores of a hierarchy (docs/models.md): denominators, pre-treatment,
 * per-indicator normalization, then every aggregate from the lowest level
 * up weighs and aggregates its children with the project's methods
 * (cix_normalize, cix_i_weights_groups, cix_i_aggregate), ranks within each
 * year for every node, rank change of the index and the contributions of
 * the indicators. The same run scores with frozen statistics for fitted
 * models.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_internal.h"

#define NONE ((size_t)-1)

struct cix_model_result {
    cix_allocator alloc;
    size_t nrows, nnodes, nind, nwg;
    size_t root;
    size_t *hix;          /* nnodes: row of scores / ranks, or NONE */
    size_t *kix;          /* nnodes: indicator index, or NONE */
    size_t *parent;       /* nnodes: the model's parents */
    double *scores;       /* nh x nrows */
    double *ranks;        /* nh x nrows */
    double *rank_change;  /* nrows */
    double *treated;      /* nind x nrows */
    double *wg;           /* nwg x nnodes: weight within the parent */
    double *contrib;      /* nind x nrows */
    int linear;
    size_t *help, *hurt;  /* nrows x 3 */
    unsigned char *nhelp; /* nrows */
    cix_i_notes notes;
};

void cix_model_result_free(cix_model_result *r)
{
    cix_allocator a;
    if (!r)
        return;
    a = r->alloc;
    cix_i_notes_free(&r->notes);
    cix_i_free(&a, r->hix);
    cix_i_free(&a, r->kix);
    cix_i_free(&a, r->parent);
    cix_i_free(&a, r->scores);
    cix_i_free(&a, r->ranks);
    cix_i_free(&a, r->rank_change);
    cix_i_free(&a, r->treated);
    cix_i_free(&a, r->wg);
    cix_i_free(&a, r->contrib);
    cix_i_free(&a, r->help);
    cix_i_free(&a, r->hurt);
    cix_i_free(&a, r->nhelp);
    cix_i_free(&a, r);
}

/* ---- frozen statistics -------------------------------------------------------- */

cix_status cix_i_frozen_alloc(const cix_allocator *a, size_t nind, size_t nnodes,
                              cix_i_frozen *fz, cix_error *err)
{
    size_t k = nind ? nind : 1, nn = nnodes ? nnodes : 1;
    memset(fz, 0, sizeof *fz);
    fz->dmin = cix_i_malloc_array(a, k, sizeof(double));
    fz->dmax = cix_i_malloc_array(a, k, sizeof(double));
    fz->n = cix_i_malloc_array(a, k, sizeof(size_t));
    fz->min = cix_i_malloc_array(a, k, sizeof(double));
    fz->max = cix_i_malloc_array(a, k, sizeof(double));
    fz->mean = cix_i_malloc_array(a, k, sizeof(double));
    fz->ss = cix_i_malloc_array(a, k, sizeof(double));
    fz->sumsq = cix_i_malloc_array(a, k, sizeof(double));
    fz->weight = cix_i_malloc_array(a, nn, sizeof(double));
    fz->ideal_max = cix_i_malloc_array(a, nn, sizeof(double));
    fz->ideal_min = cix_i_malloc_array(a, nn, sizeof(double));
    if (!fz->dmin || !fz->dmax || !fz->n || !fz->min || !fz->max || !fz->mean || !fz->ss ||
        !fz->sumsq || !fz->weight || !fz->ideal_max || !fz->ideal_min) {
        cix_i_frozen_free(a, fz);
        return cix_i_nomem(err);
    }
    for (size_t i = 0; i < k; i++) {
        fz->dmin[i] = fz->dmax[i] = fz->min[i] = fz->max[i] = NAN;
        fz->mean[i] = fz->ss[i] = fz->sumsq[i] = NAN;
        fz->n[i] = 0;
    }
    for (size_t i = 0; i < nn; i++)
        fz->weight[i] = fz->ideal_max[i] = fz->ideal_min[i] = NAN;
    return CIX_OK;
}

void cix_i_frozen_free(const cix_allocator *a, cix_i_frozen *fz)
{
    cix_i_free(a, fz->dmin);
    cix_i_free(a, fz->dmax);
    cix_i_free(a, fz->n);
    cix_i_free(a, fz->min);
    cix_i_free(a, fz->max);
    cix_i_free(a, fz->mean);
    cix_i_free(a, fz->ss);
    cix_i_free(a, fz->sumsq);
    cix_i_free(a, fz->weight);
    cix_i_free(a, fz->ideal_max);
    cix_i_free(a, fz->ideal_min);
    memset(fz, 0, sizeof *fz);
}

/* ---- helpers ---------------------------------------------------------------------- */

/* A panel of k columns named names[] with the rows (regions, years) of p. */
static cix_status rows_panel(const cix_panel *p, size_t k, const char *const *names,
                             cix_panel **out, cix_error *err)
{
    size_t n = cix_panel_nrows(p);
    cix_panel *q = NULL;
    cix_status st = cix_panel_create(n, k, cix_panel_has_year(p), cix_i_panel_allocator(p),
                                     &q, err);
    if (st != CIX_OK)
        return st;
    for (size_t r = 0; r < n && st == CIX_OK; r++)
        st = cix_panel_set_row(q, r, cix_panel_row_region(p, r), cix_panel_row_year(p, r),
                               err);
    for (size_t j = 0; j < k && st == CIX_OK; j++)
        st = cix_panel_set_indicator(q, j, names[j], err);
    if (st != CIX_OK) {
        cix_panel_free(q);
        return st;
    }
    *out = q;
    return CIX_OK;
}

static int orients(cix_normalization m)
{
    return m != CIX_NORM_NONE && m != CIX_NORM_VECTOR;
}

static int wants_pretreatment(const cix_options *o, const cix_model *m)
{
    if (o->impute != CIX_IMPUTE_NONE || o->outliers)
        return 1;
    for (size_t k = 0; k < m->nind; k++)
        if (m->nodes[m->indicators[k]].params.transform != CIX_TRANSFORM_NONE)
            return 1;
    return 0;
}

/* Moves notes of a sub-run into the result, mapping column k to node map[k]. */
static cix_status adopt(cix_i_notes *dst, const cix_i_notes *src, const size_t *map,
                        size_t nmap, cix_error *err)
{
    for (size_t i = 0; i < src->n; i++) {
        const cix_note *nt = &src->v[i];
        size_t j = nt->indicator;
        if (j != (size_t)-1)
            j = j < nmap ? map[j] : (size_t)-1;
        if (cix_i_notes_add(dst, err, nt->kind, j, nt->row, nt->value_before, nt->value_after,
                            nt->count, "%s", nt->message) != CIX_OK)
            return CIX_ENOMEM;
    }
    return CIX_OK;
}

/* Indicator panel x / d (model indicator order). */
static cix_status indicator_panel(const cix_model *m, const cix_panel *p, cix_panel **out,
                                  cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t n = cix_panel_nrows(p), K = m->nind;
    const char **names = cix_i_malloc_array(a, K ? K : 1, sizeof *names);
    cix_panel *x = NULL;
    cix_status st;

    if (!names)
        return cix_i_nomem(err);
    for (size_t k = 0; k < K; k++)
        names[k] = m->nodes[m->indicators[k]].code;
    st = rows_panel(p, K, names, &x, err);
    cix_i_free(a, names);
    if (st != CIX_OK)
        return st;
    for (size_t k = 0; k < K; k++) {
        const cix_i_node *nd = &m->nodes[m->indicators[k]];
        size_t j = cix_panel_find_indicator(p, nd->code);
        const double *src = cix_panel_column_const(p, j);
        double *dst = cix_panel_column(x, k);
        if (nd->denom == CIX_NO_NODE) {
            memcpy(dst, src, n * sizeof(double));
            continue;
        }
        {
            size_t jd = cix_panel_find_indicator(p, m->nodes[nd->denom].code);
            const double *d = cix_panel_column_const(p, jd);
            for (size_t r = 0; r < n; r++) {
                if (d[r] == 0 && !isnan(src[r])) {
                    cix_i_fail(err, CIX_EDATA,
                               "the denominator '%s' of indicator '%s' is 0, so x / d is "
                               "undefined: correct the denominator, or mark the cell "
                               "missing",
                               m->nodes[nd->denom].code, nd->code);
                    cix_i_err_cell(err, p, r, j);
                    cix_panel_free(x);
                    return CIX_EDATA;
                }
                dst[r] = src[r] / d[r];
            }
        }
    }
    *out = x;
    return CIX_OK;
}

/* ---- the run ---------------------------------------------------------------------- */

typedef struct run {
    const cix_model *m;
    const cix_panel *p;
    const cix_allocator *a;
    cix_options o;          /* o with the scope used */
    cix_model_result *r;
    cix_panel *x;           /* x / d */
    cix_panel *q;           /* pre-treated x (or x) */
    double *y;              /* nind x n normalized */
} run;

static cix_status normalize_all(run *R, const cix_i_frozen *fzi, cix_i_frozen *fzo,
                                cix_error *err)
{
    const cix_model *m = R->m;
    const cix_allocator *a = R->a;
    size_t n = cix_panel_nrows(R->q), K = m->nind;
    cix_direction *dirs = cix_i_malloc_array(a, K ? K : 1, sizeof *dirs);
    cix_indicator_params *par = cix_i_malloc_array(a, K ? K : 1, sizeof *par);
    cix_normalization *meth = cix_i_malloc_array(a, K ? K : 1, sizeof *meth);
    size_t *cols = cix_i_malloc_array(a, K ? K : 1, sizeof *cols);
    const char **names = cix_i_malloc_array(a, K ? K : 1, sizeof *names);
    double *tmp = cix_i_malloc_array(a, n ? n : 1, sizeof(double));
    double *yy = NULL;
    cix_panel *sub = NULL;
    cix_i_scope s;
    int scope_built = 0;
    cix_status st = CIX_OK;

    if (!dirs || !par || !meth || !cols || !names || !tmp) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t k = 0; k < K; k++) {
        const cix_i_node *nd = &m->nodes[m->indicators[k]];
        dirs[k] = nd->dir;
        par[k] = nd->params;
        par[k].transform = CIX_TRANSFORM_NONE; /* applied by the pre-treatment */
        meth[k] = cix_i_model_norm(m, m->indicators[k], &R->o);
    }
    if (fzi) {
        for (size_t k = 0; k < K && st == CIX_OK; k++)
            st = cix_i_frozen_normalize(R->q, k, meth[k], dirs[k], &par[k], &R->o, fzi, k,
                                        R->y + k * n, err);
        goto cleanup;
    }
    if (fzo) {
        if ((st = cix_i_scope_build(R->q, &R->o, &s, err)) != CIX_OK)
            goto cleanup;
        scope_built = 1;
        for (size_t k = 0; k < K; k++)
            cix_i_frozen_collect(cix_panel_column_const(R->q, k), n, &s, dirs[k], fzo, k,
                                 tmp);
    }
    /* one cix_normalize per method, on the columns that use it */
    for (size_t k0 = 0; k0 < K; k0++) {
        cix_options on = R->o;
        size_t nk = 0;
        int seen = 0;
        for (size_t k = 0; k < k0; k++)
            if (meth[k] == meth[k0])
                seen = 1;
        if (seen)
            continue;
        for (size_t k = k0; k < K; k++)
            if (meth[k] == meth[k0])
                cols[nk++] = k;
        on.normalization = meth[k0];
        on.fixed_weights = NULL;
        on.nfixed_weights = 0;
        on.combine = CIX_COMBINE_NONE;
        if (nk == K) {
            on.directions = dirs;
            on.ndirections = K;
            on.params = par;
            on.nparams = K;
            st = cix_normalize(R->q, &on, R->y, err);
            goto cleanup;
        }
        {
            cix_direction *sd = cix_i_malloc_array(a, nk, sizeof *sd);
            cix_indicator_params *sp = cix_i_malloc_array(a, nk, sizeof *sp);
            yy = cix_i_malloc_array(a, nk, n * sizeof(double));
            if (!sd || !sp || !yy) {
                cix_i_free(a, sd);
                cix_i_free(a, sp);
                st = cix_i_nomem(err);
                goto cleanup;
            }
            for (size_t c = 0; c < nk; c++) {
                sd[c] = dirs[cols[c]];
                sp[c] = par[cols[c]];
                names[c] = cix_panel_indicator(R->q, cols[c]);
            }
            st = rows_panel(R->q, nk, names, &sub, err);
            for (size_t c = 0; c < nk && st == CIX_OK; c++)
                memcpy(cix_panel_column(sub, c), cix_panel_column_const(R->q, cols[c]),
                       n * sizeof(double));
            on.directions = sd;
            on.ndirections = nk;
            on.params = sp;
            on.nparams = nk;
            if (st == CIX_OK)
                st = cix_normalize(sub, &on, yy, err);
            for (size_t c = 0; c < nk && st == CIX_OK; c++)
                memcpy(R->y + cols[c] * n, yy + c * n, n * sizeof(double));
            cix_i_free(a, sd);
            cix_i_free(a, sp);
            cix_i_free(a, yy);
            yy = NULL;
            cix_panel_free(sub);
            sub = NULL;
            if (st != CIX_OK)
                goto cleanup;
        }
    }

cleanup:
    if (scope_built)
        cix_i_scope_free(R->q, &s);
    cix_i_free(a, dirs);
    cix_i_free(a, par);
    cix_i_free(a, meth);
    cix_i_free(a, cols);
    cix_i_free(a, names);
    cix_i_free(a, tmp);
    return st;
}

/* Weighs and aggregates the children of aggregate node ia. */
static cix_status aggregate_node(run *R, size_t ia, const cix_i_frozen *fzi,
                                 cix_i_frozen *fzo, cix_error *err)
{
    const cix_model *m = R->m;
    const cix_allocator *a = R->a;
    cix_model_result *r = R->r;
    const cix_i_node *na = &m->nodes[ia];
    size_t n = r->nrows, k = na->nchildren;
    const size_t *ch = m->children + na->first_child;
    const char **names = cix_i_malloc_array(a, k, sizeof *names);
    cix_direction *dirs = cix_i_malloc_array(a, k, sizeof *dirs);
    double *fixed = cix_i_malloc_array(a, k, sizeof *fixed);
    int *bmin = cix_i_malloc_array(a, k, sizeof *bmin);
    double *yv = cix_i_malloc_array(a, k, n * sizeof(double));
    double *wg = NULL, *fmax = NULL, *fmin = NULL;
    cix_panel *xa = NULL;
    cix_options oa = R->o;
    cix_i_scope s;
    cix_i_notes notes;
    int scope_built = 0, common_set = 0;
    cix_normalization common = CIX_NORM_MINMAX;
    size_t used = 1;
    cix_status st;

    cix_i_notes_init(&notes, a);
    if (!names || !dirs || !fixed || !bmin || !yv) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t c = 0; c < k; c++) {
        const cix_i_node *nc = &m->nodes[ch[c]];
        names[c] = nc->code;
        fixed[c] = nc->weight;
        if (nc->type == CIX_NODE_INDICATOR) {
            cix_normalization mc = cix_i_model_norm(m, ch[c], &R->o);
            dirs[c] = nc->dir;
            if (!common_set) {
                common = mc;
                common_set = 1;
            } else if (common != mc) {
                common = CIX_NORM_MINMAX;
            }
        } else {
            dirs[c].kind = CIX_DIR_BENEFIT;
            dirs[c].a = dirs[c].b = 0.0;
        }
    }
    /* the children's x (pre-treated indicator values, or scores) and y */
    if ((st = rows_panel(R->p, k, names, &xa, err)) != CIX_OK)
        goto cleanup;
    for (size_t c = 0; c < k; c++) {
        const cix_i_node *nc = &m->nodes[ch[c]];
        const double *sc = r->scores + r->hix[ch[c]] * n;
        if (nc->type == CIX_NODE_INDICATOR)
            memcpy(cix_panel_column(xa, c), cix_panel_column_const(R->q, r->kix[ch[c]]),
                   n * sizeof(double));
        else
            memcpy(cix_panel_column(xa, c), sc, n * sizeof(double));
        memcpy(yv + c * n, sc, n * sizeof(double));
    }
    oa.normalization = common;
    oa.weighting = cix_i_model_weighting(m, ia, &R->o);
    oa.aggregation = cix_i_model_agg(m, ia, &R->o);
    oa.directions = dirs;
    oa.ndirections = k;
    oa.params = NULL;
    oa.nparams = 0;
    oa.fixed_weights = fixed;
    oa.nfixed_weights = k;
    oa.impute = CIX_IMPUTE_NONE;
    oa.outliers = 0;
    for (size_t c = 0; c < k; c++)
        bmin[c] = !orients(oa.normalization) && dirs[c].kind == CIX_DIR_COST;

    if ((st = cix_i_scope_build(xa, &oa, &s, err)) != CIX_OK)
        goto cleanup;
    scope_built = 1;
    wg = cix_i_malloc_array(a, s.ngroups, k * sizeof(double));
    if (!wg) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if (fzi) {
        for (size_t c = 0; c < k; c++)
            wg[c] = fzi->weight[ch[c]];
    } else {
        st = cix_i_weights_groups(xa, &oa, yv, &s, wg, &used, NULL, &notes, err);
        if (st != CIX_OK) {
            if (err && err->indicator[0] == '\0')
                cix_i_err_indicator(err, na->code);
            goto cleanup;
        }
        if (st == CIX_OK && (st = adopt(&r->notes, &notes, ch, k, err)) != CIX_OK)
            goto cleanup;
    }
    if (fzi && oa.aggregation == CIX_AGG_TOPSIS) {
        fmax = cix_i_malloc_array(a, k, sizeof(double));
        fmin = cix_i_malloc_array(a, k, sizeof(double));
        if (!fmax || !fmin) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        for (size_t c = 0; c < k; c++) {
            fmax[c] = fzi->ideal_max[ch[c]];
            fmin[c] = fzi->ideal_min[ch[c]];
        }
        st = cix_i_frozen_topsis(xa, yv, wg, bmin, fmax, fmin, r->scores + r->hix[ia] * n,
                                 err);
    } else {
        st = cix_i_aggregate(xa, &oa, yv, wg, used > 1 ? s.apply : NULL, &s,
                             r->scores + r->hix[ia] * n, err);
    }
    if (st != CIX_OK)
        goto cleanup;
    if (fzo) {
        for (size_t c = 0; c < k; c++) {
            fzo->weight[ch[c]] = wg[c];
            if (oa.aggregation == CIX_AGG_TOPSIS) {
                double hi = -INFINITY, lo = INFINITY;
                for (size_t i = s.start[0]; i < s.start[1]; i++) {
                    double v = yv[c * n + s.order[i]];
                    if (isnan(v))
                        continue;
                    if (v > hi)
                        hi = v;
                    if (v < lo)
                        lo = v;
                }
                fzo->ideal_max[ch[c]] = hi;
                fzo->ideal_min[ch[c]] = lo;
            }
        }
    }
    if (r->nwg == 0)
        r->nwg = used;
    for (size_t g = 0; g < r->nwg; g++)
        for (size_t c = 0; c < k; c++)
            r->wg[g * r->nnodes + ch[c]] = wg[(used > 1 ? g : 0) * k + c];

cleanup:
    if (scope_built)
        cix_i_scope_free(xa, &s);
    cix_i_notes_free(&notes);
    cix_panel_free(xa);
    cix_i_free(a, names);
    cix_i_free(a, dirs);
    cix_i_free(a, fixed);
    cix_i_free(a, bmin);
    cix_i_free(a, yv);
    cix_i_free(a, wg);
    cix_i_free(a, fmax);
    cix_i_free(a, fmin);
    return st;
}

/* Weight of node i for weight group g (product along the path when eff). */
static double path_weight(const cix_model *m, const cix_model_result *r, size_t i, size_t g)
{
    double w = 1.0;
    for (size_t j = i; m->nodes[j].parent != CIX_NO_NODE; j = m->nodes[j].parent)
        w *= r->wg[g * r->nnodes + j];
    return w;
}

static cix_status contributions(run *R, cix_error *err)
{
    const cix_model *m = R->m;
    cix_model_result *r = R->r;
    size_t n = r->nrows, K = m->nind;
    const int32_t *yidx = cix_i_panel_year_index(R->p);
    size_t ny = cix_panel_nyears(R->p);
    const double *idx = r->scores + r->hix[r->root] * n;
    double *wk = NULL;
    size_t *cnt = NULL;
    cix_status st = CIX_OK;

    r->linear = 1;
    for (size_t q = 0; q < m->nagg; q++)
        if (cix_i_model_agg(m, m->aggregates[q], &R->o) != CIX_AGG_LINEAR)
            r->linear = 0;
    if (r->linear) {
        wk = cix_i_malloc_array(R->a, r->nwg, K * sizeof(double));
        if (!wk)
            return cix_i_nomem(err);
        for (size_t g = 0; g < r->nwg; g++)
            for (size_t k = 0; k < K; k++)
                wk[g * K + k] = path_weight(m, r, m->indicators[k], g);
        for (size_t k = 0; k < K; k++) {
            const double *y = R->y + k * n;
            for (size_t i = 0; i < n; i++) {
                size_t g = (r->nwg > 1 && yidx) ? (size_t)yidx[i] : 0;
                r->contrib[k * n + i] = idx[i] != 0 ? wk[g * K + k] * y[i] / idx[i] : NAN;
            }
        }
    } else {
        size_t ng = ny ? ny : 1;
        cnt = cix_i_malloc_array(R->a, ng, sizeof(size_t));
        if (!cnt)
            return cix_i_nomem(err);
        for (size_t k = 0; k < K; k++) {
            const double *y = R->y + k * n;
            const double *rk = r->ranks + r->hix[m->indicators[k]] * n;
            memset(cnt, 0, ng * sizeof(size_t));
            for (size_t i = 0; i < n; i++)
                if (!isnan(y[i]))
                    cnt[yidx ? (size_t)yidx[i] : 0]++;
            for (size_t i = 0; i < n; i++) {
                size_t c = cnt[yidx ? (size_t)yidx[i] : 0];
                r->contrib[k * n + i] = isnan(y[i]) ? NAN
                                        : c > 1   ? ((double)c - rk[i]) / (double)(c - 1)
                                                  : 1.0;
            }
        }
    }
    /* the three largest and smallest per row */
    for (size_t i = 0; i < n; i++) {
        size_t nh = 0;
        for (size_t q = 0; q < 3; q++)
            r->help[i * 3 + q] = r->hurt[i * 3 + q] = CIX_NO_NODE;
        for (size_t q = 0; q < 3; q++) {
            size_t bh = NONE, bl = NONE;
            for (size_t k = 0; k < K; k++) {
                double v = r->contrib[k * n + i];
                int taken_h = 0, taken_l = 0;
                if (isnan(v))
                    continue;
                for (size_t t = 0; t < q; t++) {
                    taken_h |= r->help[i * 3 + t] == m->indicators[k];
                    taken_l |= r->hurt[i * 3 + t] == m->indicators[k];
                }
                if (!taken_h && (bh == NONE || v > r->contrib[bh * n + i]))
                    bh = k;
                if (!taken_l && (bl == NONE || v < r->contrib[bl * n + i]))
                    bl = k;
            }
            if (bh == NONE)
                break;
            r->help[i * 3 + q] = m->indicators[bh];
            r->hurt[i * 3 + q] = m->indicators[bl];
            nh++;
        }
        r->nhelp[i] = (unsigned char)nh;
    }
    cix_i_free(R->a, wk);
    cix_i_free(R->a, cnt);
    return st;
}

cix_status cix_i_model_run(const cix_model *m, const cix_panel *p, const cix_options *o,
                           const cix_i_frozen *fzi, cix_i_frozen *fzo,
                           cix_model_result **out, cix_error *err)
{
    run R;
    cix_model_result *r = NULL;
    const cix_allocator *a;
    size_t *ind_map = NULL, *row_map = NULL;
    size_t n, nh = 0, K;
    const char *msg;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_compute: out is NULL");
    *out = NULL;
    if (!m || !p || !o)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_compute: model, panel and options are "
                                           "required");
    {
        /* fixed (subjective) weights come from the model's Weight column */
        static const double one = 1.0;
        cix_options oc = *o;
        if (!oc.fixed_weights) {
            oc.fixed_weights = &one;
            oc.nfixed_weights = 1;
        }
        if ((msg = cix_options_check(&oc)) != NULL)
            return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    }
    if (o->directions || o->params || o->fixed_weights)
        return cix_i_fail(err, CIX_EINVAL,
                          "with a model, directions, indicator parameters and fixed weights "
                          "come from the model file: leave them out of the options");
    if (o->min_coverage_indicator > 0 || o->min_coverage_region > 0 || o->drop_constant)
        return cix_i_fail(err, CIX_EUNSUPPORTED,
                          "the coverage screen and dropping constant indicators are not "
                          "supported with a model: remove the indicator from the model "
                          "instead");
    if ((st = cix_panel_validate(p, err)) != CIX_OK)
        return st;
    if ((st = cix_model_validate(m, p, err)) != CIX_OK)
        return st;
    n = cix_panel_nrows(p);
    K = m->nind;
    if (n == 0)
        return cix_i_fail(err, CIX_EINVAL, "the panel has no rows: nothing to score");

    a = cix_i_panel_allocator(p);
    memset(&R, 0, sizeof R);
    R.m = m;
    R.p = p;
    R.a = a;
    R.o = *o;
    if ((fzi || fzo) && R.o.scope == CIX_SCOPE_YEAR)
        R.o.scope = CIX_SCOPE_POOLED;

    r = cix_i_malloc(a, sizeof *r);
    if (!r)
        return cix_i_nomem(err);
    memset(r, 0, sizeof *r);
    r->alloc = *a;
    cix_i_notes_init(&r->notes, &r->alloc);
    R.r = r;
    r->nrows = n;
    r->nnodes = m->nnodes;
    r->nind = K;
    r->root = m->root;
    r->hix = cix_i_malloc_array(a, m->nnodes, sizeof(size_t));
    r->kix = cix_i_malloc_array(a, m->nnodes, sizeof(size_t));
    r->parent = cix_i_malloc_array(a, m->nnodes, sizeof(size_t));
    if (!r->hix || !r->kix || !r->parent) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < m->nnodes; i++) {
        cix_node_type t = m->nodes[i].type;
        r->hix[i] = (t == CIX_NODE_INDICATOR || t == CIX_NODE_AGGREGATE) ? nh++ : NONE;
        r->kix[i] = NONE;
        r->parent[i] = m->nodes[i].parent;
    }
    for (size_t k = 0; k < K; k++)
        r->kix[m->indicators[k]] = k;
    {
        size_t nwmax = cix_panel_nyears(p) ? cix_panel_nyears(p) : 1;
        r->scores = cix_i_malloc_array(a, nh, n * sizeof(double));
        r->ranks = cix_i_malloc_array(a, nh, n * sizeof(double));
        r->rank_change = cix_i_malloc_array(a, n, sizeof(double));
        r->treated = cix_i_malloc_array(a, K, n * sizeof(double));
        r->contrib = cix_i_malloc_array(a, K, n * sizeof(double));
        r->wg = cix_i_malloc_array(a, nwmax, m->nnodes * sizeof(double));
        r->help = cix_i_malloc_array(a, n, 3 * sizeof(size_t));
        r->hurt = cix_i_malloc_array(a, n, 3 * sizeof(size_t));
        r->nhelp = cix_i_malloc_array(a, n, 1);
        if (!r->scores || !r->ranks || !r->rank_change || !r->treated || !r->contrib ||
            !r->wg || !r->help || !r->hurt || !r->nhelp) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        for (size_t i = 0; i < nwmax * m->nnodes; i++)
            r->wg[i] = NAN;
    }

    /* 1. x / d, pre-treatment on a copy */
    if ((st = indicator_panel(m, p, &R.x, err)) != CIX_OK)
        goto cleanup;
    R.q = R.x;
    if (wants_pretreatment(&R.o, m)) {
        cix_options op = R.o;
        cix_direction *dirs = cix_i_malloc_array(a, K, sizeof *dirs);
        cix_indicator_params *par = cix_i_malloc_array(a, K, sizeof *par);
        ind_map = cix_i_malloc_array(a, K, sizeof(size_t));
        row_map = cix_i_malloc_array(a, n, sizeof(size_t));
        if (!dirs || !par || !ind_map || !row_map) {
            cix_i_free(a, dirs);
            cix_i_free(a, par);
            st = cix_i_nomem(err);
            goto cleanup;
        }
        for (size_t k = 0; k < K; k++) {
            dirs[k] = m->nodes[m->indicators[k]].dir;
            par[k] = m->nodes[m->indicators[k]].params;
        }
        op.directions = dirs;
        op.ndirections = K;
        op.params = par;
        op.nparams = K;
        {
            cix_i_notes pn;
            cix_i_notes_init(&pn, a);
            st = cix_i_pretreat(R.x, &op, &R.q, ind_map, row_map, &pn, err);
            if (st == CIX_OK)
                st = adopt(&r->notes, &pn, m->indicators, K, err);
            cix_i_notes_free(&pn);
        }
        cix_i_free(a, dirs);
        cix_i_free(a, par);
        if (st != CIX_OK)
            goto cleanup; /* R.q is the treated panel, or still R.x */
        if (cix_panel_nrows(R.q) != n || cix_panel_nindicators(R.q) != K) {
            st = cix_i_fail(err, CIX_EUNSUPPORTED,
                            "the pre-treatment dropped rows or indicators, which a model "
                            "does not support: remove them from the model or the data");
            goto cleanup;
        }
    }
    for (size_t k = 0; k < K; k++)
        memcpy(r->treated + k * n, cix_panel_column_const(R.q, k), n * sizeof(double));

    /* 2. normalization: the indicators' scores */
    R.y = cix_i_malloc_array(a, K ? K : 1, n * sizeof(double));
    if (!R.y) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if ((st = normalize_all(&R, fzi, fzo, err)) != CIX_OK)
        goto cleanup;
    for (size_t k = 0; k < K; k++)
        memcpy(r->scores + r->hix[m->indicators[k]] * n, R.y + k * n, n * sizeof(double));

    /* 3. aggregates, children before parents */
    for (size_t q = 0; q < m->nagg; q++)
        if ((st = aggregate_node(&R, m->aggregates[q], fzi, fzo, err)) != CIX_OK)
            goto cleanup;
    if (r->nwg == 0)
        r->nwg = 1;

    /* 4. ranks within each year for every node, rank change of the index */
    for (size_t i = 0; i < m->nnodes; i++) {
        const double *sc;
        double *neg = NULL;
        if (r->hix[i] == NONE)
            continue;
        sc = r->scores + r->hix[i] * n;
        if (r->kix[i] != NONE && m->nodes[i].dir.kind == CIX_DIR_COST &&
            !orients(cix_i_model_norm(m, i, &R.o))) {
            /* a cost indicator left unoriented: smaller is better */
            neg = cix_i_malloc_array(a, n, sizeof(double));
            if (!neg) {
                st = cix_i_nomem(err);
                goto cleanup;
            }
            for (size_t t = 0; t < n; t++)
                neg[t] = -sc[t];
            sc = neg;
        }
        st = cix_rank(sc, cix_i_panel_year_index(p), n, R.o.ties, a,
                      r->ranks + r->hix[i] * n, err);
        cix_i_free(a, neg);
        if (st != CIX_OK)
            goto cleanup;
    }
    if ((st = cix_i_rank_change(p, r->ranks + r->hix[m->root] * n, r->rank_change, err)) !=
        CIX_OK)
        goto cleanup;

    /* 5. contributions */
    st = contributions(&R, err);

cleanup:
    if (R.q != R.x)
        cix_panel_free(R.q);
    cix_panel_free(R.x);
    cix_i_free(a, R.y);
    cix_i_free(a, ind_map);
    cix_i_free(a, row_map);
    if (st != CIX_OK) {
        cix_model_result_free(r);
        return st;
    }
    *out = r;
    return CIX_OK;
}

cix_status cix_model_compute(const cix_model *m, const cix_panel *p, const cix_options *o,
                             cix_model_result **out, cix_error *err)
{
    return cix_i_model_run(m, p, o, NULL, NULL, out, err);
}

/* ---- accessors ---------------------------------------------------------------------- */

size_t cix_model_result_nrows(const cix_model_result *r)
{
    return r ? r->nrows : 0;
}

size_t cix_model_result_nnodes(const cix_model_result *r)
{
    return r ? r->nnodes : 0;
}

const double *cix_model_result_scores(const cix_model_result *r, size_t i)
{
    if (!r || i >= r->nnodes || r->hix[i] == NONE)
        return NULL;
    return r->scores + r->hix[i] * r->nrows;
}

const double *cix_model_result_ranks(const cix_model_result *r, size_t i)
{
    if (!r || i >= r->nnodes || r->hix[i] == NONE)
        return NULL;
    return r->ranks + r->hix[i] * r->nrows;
}

const double *cix_model_result_index(const cix_model_result *r)
{
    return r ? cix_model_result_scores(r, r->root) : NULL;
}

const double *cix_model_result_rank_change(const cix_model_result *r)
{
    return r ? r->rank_change : NULL;
}

const double *cix_model_result_treated(const cix_model_result *r, size_t i)
{
    if (!r || i >= r->nnodes || r->kix[i] == NONE)
        return NULL;
    return r->treated + r->kix[i] * r->nrows;
}

double cix_model_result_weight_year(const cix_model_result *r, size_t i, size_t k)
{
    if (!r || i >= r->nnodes)
        return NAN;
    if (r->nwg == 1)
        k = 0;
    if (k >= r->nwg)
        return NAN;
    return r->wg[k * r->nnodes + i];
}

double cix_model_result_weight(const cix_model_result *r, size_t i)
{
    if (!r)
        return NAN;
    return cix_model_result_weight_year(r, i, r->nwg - 1);
}

double cix_model_result_effective_weight(const cix_model_result *r, size_t i)
{
    double w = 1.0;
    if (!r || i >= r->nnodes || r->hix[i] == NONE)
        return NAN;
    for (size_t j = i; r->parent[j] != NONE; j = r->parent[j])
        w *= cix_model_result_weight(r, j);
    return w;
}

const double *cix_model_result_contributions(const cix_model_result *r, size_t i)
{
    if (!r || i >= r->nnodes || r->kix[i] == NONE)
        return NULL;
    return r->contrib + r->kix[i] * r->nrows;
}

int cix_model_result_contributions_linear(const cix_model_result *r)
{
    return r ? r->linear : 0;
}

size_t cix_model_result_helpers(const cix_model_result *r, size_t row, size_t out[3])
{
    if (!r || row >= r->nrows || !out)
        return 0;
    for (size_t q = 0; q < 3; q++)
        out[q] = r->help[row * 3 + q];
    return r->nhelp[row];
}

size_t cix_model_result_hurters(const cix_model_result *r, size_t row, size_t out[3])
{
    if (!r || row >= r->nrows || !out)
        return 0;
    for (size_t q = 0; q < 3; q++)
        out[q] = r->hurt[row * 3 + q];
    return r->nhelp[row];
}

size_t cix_model_result_nnotes(const cix_model_result *r)
{
    return r ? r->notes.n : 0;
}

const cix_note *cix_model_result_note(const cix_model_result *r, size_t i)
{
    return (r && i < r->notes.n) ? &r->notes.v[i] : NULL;
}
