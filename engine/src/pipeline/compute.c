/*
 * The pipeline: normalize -> weights (per scope) -> linear scores -> ranks
 * within each year, and the result handle. With keep_normalized = 0 and the
 * common methods, the lean pipeline (lean.c) computes the weights and scores
 * without a copy of the panel; the ranks are the same step.
 */
#include <math.h>
#include <string.h>

#include "../internal.h"

struct cix_result {
    cix_allocator alloc;
    size_t nrows, nind;
    size_t nyears;      /* of the panel; 0 for a cross-section */
    size_t nwgroups;    /* rows of wgroups: nyears for scope year without
                           averaging, else 1 */
    double *wgroups;    /* nwgroups x nind, row-major; 0 for dropped indicators */
    double *normalized; /* nrows x nind, column-major; NaN where dropped */
    double *treated;    /* nrows x nind, or NULL when nothing was pre-treated */
    double *scores;
    double *ranks;
    double *rank_change;
    unsigned char *used;/* nind flags */
    cix_i_notes notes;
    /* keep_normalized = CIX_KEEP_ROWS after a streaming run: what the
     * normalized values are recomputed from, and the panel of the run */
    cix_i_lean_norm *lean_norm;
    const cix_panel *panel;
    int keep;           /* the run's keep_normalized */
};

void cix_result_free(cix_result *r)
{
    cix_allocator a;
    if (!r)
        return;
    a = r->alloc;
    cix_i_notes_free(&r->notes);
    cix_i_free(&a, r->wgroups);
    cix_i_free(&a, r->normalized);
    cix_i_free(&a, r->treated);
    cix_i_free(&a, r->scores);
    cix_i_free(&a, r->ranks);
    cix_i_free(&a, r->rank_change);
    cix_i_free(&a, r->used);
    cix_i_lean_norm_free(&a, r->lean_norm);
    cix_i_free(&a, r);
}

/* 1 when o asks for any pre-treatment step. */
static int wants_pretreatment(const cix_options *o)
{
    if (o->impute != CIX_IMPUTE_NONE || o->drop_constant || o->outliers ||
        o->min_coverage_indicator > 0 || o->min_coverage_region > 0)
        return 1;
    if (o->params)
        for (size_t j = 0; j < o->nparams; j++)
            if (o->params[j].transform != CIX_TRANSFORM_NONE)
                return 1;
    return 0;
}

cix_status cix_i_pretreat_keep_indicators(const cix_panel *p, const cix_options *o,
                                          cix_panel **q, cix_options *oq, cix_error *err)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    size_t nind = cix_panel_nindicators(p), n = cix_panel_nrows(p);
    size_t *ind_map = NULL, *row_map = NULL;
    cix_status st = CIX_OK;

    *q = NULL;
    *oq = *o;
    if (!wants_pretreatment(o))
        return CIX_OK;
    ind_map = cix_i_malloc_array(a, nind, sizeof(size_t));
    row_map = cix_i_malloc_array(a, n, sizeof(size_t));
    if (!ind_map || !row_map) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if ((st = cix_i_pretreat(p, o, q, ind_map, row_map, NULL, err)) != CIX_OK)
        goto cleanup;
    if (cix_panel_nindicators(*q) != nind) {
        size_t k = 0, j;
        for (j = 0; j < nind; j++, k++)
            if (k >= cix_panel_nindicators(*q) || ind_map[k] != j)
                break;
        cix_panel_free(*q);
        *q = NULL;
        st = cix_i_fail(err, CIX_EINVAL,
                        "the pre-treatment would drop this indicator, and this analysis "
                        "reports on every indicator of the panel: remove the indicator "
                        "from the data, or leave out --drop-constant and the coverage "
                        "screen");
        cix_i_err_indicator(err, cix_panel_indicator(p, j));
        goto cleanup;
    }
    /* the pre-treatment has run: the methods see its output as it is */
    oq->impute = CIX_IMPUTE_NONE;
    oq->drop_constant = 0;
    oq->outliers = 0;
    oq->min_coverage_indicator = 0;
    oq->min_coverage_region = 0;
    /* oq->params keep their transforms, which only cix_i_pretreat applies; the
     * caller must not pre-treat *q again */

cleanup:
    cix_i_free(a, ind_map);
    cix_i_free(a, row_map);
    return st;
}

/* The per-indicator arrays of o restricted to the indicators kept (ind_map). */
typedef struct sub_options {
    cix_options o;
    cix_direction *directions;
    cix_indicator_params *params;
    double *fixed;
} sub_options;

static cix_status sub_options_build(const cix_allocator *a, const cix_options *o,
                                    const size_t *ind_map, size_t jq, sub_options *so,
                                    cix_error *err)
{
    memset(so, 0, sizeof *so);
    so->o = *o;
    if (o->directions) {
        so->directions = cix_i_malloc_array(a, jq, sizeof *so->directions);
        if (!so->directions)
            return cix_i_nomem(err);
        for (size_t k = 0; k < jq; k++)
            so->directions[k] = o->directions[ind_map[k]];
        so->o.directions = so->directions;
        so->o.ndirections = jq;
    }
    if (o->params) {
        so->params = cix_i_malloc_array(a, jq, sizeof *so->params);
        if (!so->params)
            return cix_i_nomem(err);
        for (size_t k = 0; k < jq; k++) {
            so->params[k] = o->params[ind_map[k]];
            /* transforms were applied by the pre-treatment */
            so->params[k].transform = CIX_TRANSFORM_NONE;
        }
        so->o.params = so->params;
        so->o.nparams = jq;
    }
    if (o->fixed_weights) {
        so->fixed = cix_i_malloc_array(a, jq, sizeof *so->fixed);
        if (!so->fixed)
            return cix_i_nomem(err);
        for (size_t k = 0; k < jq; k++)
            so->fixed[k] = o->fixed_weights[ind_map[k]];
        so->o.fixed_weights = so->fixed;
        so->o.nfixed_weights = jq;
    }
    /* the pre-treatment has run: the methods see its output as it is */
    so->o.impute = CIX_IMPUTE_NONE;
    so->o.drop_constant = 0;
    so->o.outliers = 0;
    so->o.min_coverage_indicator = 0;
    so->o.min_coverage_region = 0;
    return CIX_OK;
}

static void sub_options_free(const cix_allocator *a, sub_options *so)
{
    cix_i_free(a, so->directions);
    cix_i_free(a, so->params);
    cix_i_free(a, so->fixed);
}

/* Moves the notes of a run on the treated panel q into r, translating q's
 * indicator and row indices to the panel's. */
static cix_status adopt_notes(cix_result *r, const cix_i_notes *qn, const size_t *ind_map,
                              const size_t *row_map, cix_error *err)
{
    for (size_t i = 0; i < qn->n; i++) {
        const cix_note *nt = &qn->v[i];
        size_t j = nt->indicator, row = nt->row;
        if (ind_map && j != (size_t)-1)
            j = ind_map[j];
        if (row_map && row != CIX_NO_ROW)
            row = row_map[row];
        if (cix_i_notes_add(&r->notes, err, nt->kind, j, row, nt->value_before,
                            nt->value_after, nt->count, "%s", nt->message) != CIX_OK)
            return CIX_ENOMEM;
    }
    return CIX_OK;
}

/*
 * 1 when p passes the checks of cix_panel_validate other than the one for
 * infinite values: every indicator named, no name twice, every row with a
 * region, no two rows with the same region and year. In O(rows) with a
 * table of regions x years, where cix_panel_validate sorts the rows; 0 when
 * a check fails or cannot be made this way (then cix_panel_validate runs).
 * The lean pass reads every value and leaves a panel with an infinite one
 * to the full pipeline, which starts with cix_panel_validate.
 */
static int panel_plainly_valid(const cix_panel *p)
{
    const cix_allocator *a = cix_i_panel_allocator(p);
    const size_t *reg = cix_i_panel_region_index(p);
    const int32_t *yi = cix_i_panel_year_index(p);
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);
    size_t nreg = cix_panel_nregions(p), ny = yi ? cix_panel_nyears(p) : 1, cells;
    unsigned char *seen;
    int ok = 1;

    if (J > 1024 || nreg == 0 || ny == 0 || nreg > ((size_t)-1) / ny)
        return 0;
    cells = nreg * ny;
    if (cells > 4 * n + 4096)
        return 0;
    for (size_t j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(p, j);
        if (!name[0])
            return 0;
        for (size_t k = 0; k < j; k++)
            if (strcmp(cix_panel_indicator(p, k), name) == 0)
                return 0;
    }
    if (!(seen = cix_i_malloc(a, cells)))
        return 0;
    memset(seen, 0, cells);
    for (size_t r = 0; r < n && ok; r++) {
        size_t y = yi ? (size_t)yi[r] : 0, c;
        if (reg[r] >= nreg || (yi && (yi[r] < 0 || y >= ny))) {
            ok = 0;
            break;
        }
        c = reg[r] * ny + y;
        ok = !seen[c];
        seen[c] = 1;
    }
    cix_i_free(a, seen);
    return ok;
}

cix_status cix_compute(const cix_panel *p, const cix_options *o, cix_result **out,
                       cix_error *err)
{
    const cix_allocator *a;
    cix_result *r = NULL;
    cix_panel *treated = NULL;
    const cix_panel *q = NULL; /* the panel the methods run on: p or treated */
    size_t *ind_map = NULL, *row_map = NULL;
    sub_options so;
    const cix_options *oq = o;
    cix_i_scope s;
    cix_i_notes qnotes;
    cix_status st;
    const char *msg;
    size_t n, nind, nq, jq, used = 1;
    double *yq = NULL, *wq = NULL, *sq = NULL;
    int scope_built = 0, lean;
    int same_shape = 0; /* q is a copy of p with every row and indicator, in order */

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_compute: out is NULL");
    *out = NULL;
    if (!p || !o)
        return cix_i_fail(err, CIX_EINVAL, "cix_compute: panel and options are required");
    if ((msg = cix_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid options: %s", msg);
    n = cix_panel_nrows(p);
    nind = cix_panel_nindicators(p);
    if (n == 0 || nind == 0)
        return cix_i_fail(err, CIX_EINVAL,
                          "the panel is empty (%zu rows, %zu indicators): a composite "
                          "index needs at least one row and one indicator",
                          n, nind);
    if (o->directions && o->ndirections != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu directions given for %zu indicators: give one per indicator",
                          o->ndirections, nind);
    if (o->params && o->nparams != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu indicator parameters given for %zu indicators: give one "
                          "per indicator",
                          o->nparams, nind);
    if (o->fixed_weights && o->nfixed_weights != nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "%zu fixed weights given for %zu indicators: give one per "
                          "indicator",
                          o->nfixed_weights, nind);
    /* the lean pipeline runs on a panel that passes the row and name checks;
     * anything else is validated in full before the full pipeline */
    lean = cix_i_lean_supported(p, o) && panel_plainly_valid(p);
    if (!lean && (st = cix_panel_validate(p, err)) != CIX_OK)
        return st;

    a = cix_i_panel_allocator(p);
    memset(&so, 0, sizeof so);
    cix_i_notes_init(&qnotes, a);
    r = cix_i_malloc(a, sizeof *r);
    if (!r)
        return cix_i_nomem(err);
    memset(r, 0, sizeof *r);
    r->alloc = *a;
    cix_i_notes_init(&r->notes, &r->alloc);
    r->nrows = n;
    r->nind = nind;
    r->nyears = cix_panel_nyears(p);
    r->panel = p;
    r->keep = o->keep_normalized;
    r->scores = cix_i_malloc_array(a, n, sizeof(double));
    r->ranks = cix_i_malloc_array(a, n, sizeof(double));
    r->rank_change = cix_i_malloc_array(a, n, sizeof(double));
    r->used = cix_i_malloc_array(a, nind, 1);
    if (!r->scores || !r->ranks || !r->rank_change || !r->used) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    /* 0. the lean pipeline, when the options allow it: no copy of the panel */
    q = p;
    if (lean) {
        r->wgroups = cix_i_malloc_array(a, nind, sizeof(double));
        if (!r->wgroups) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        r->nwgroups = 1;
        st = cix_i_compute_lean(p, o, r->wgroups, r->scores,
                                o->keep_normalized == CIX_KEEP_ROWS ? &r->lean_norm : NULL,
                                &r->notes, err);
        if (st == CIX_OK) {
            memset(r->used, 1, nind);
            goto rank;
        }
        if (st != CIX_EUNSUPPORTED)
            goto cleanup;
        /* something to report: the full pipeline runs and reports it */
        cix_i_notes_free(&r->notes);
        cix_i_notes_init(&r->notes, &r->alloc);
        cix_i_free(a, r->wgroups);
        r->wgroups = NULL;
        r->nwgroups = 0;
        if ((st = cix_panel_validate(p, err)) != CIX_OK)
            goto cleanup;
    }

    /* 1. pre-treatment, on a copy: the panel itself is never changed */
    if (wants_pretreatment(o)) {
        ind_map = cix_i_malloc_array(a, nind, sizeof(size_t));
        row_map = cix_i_malloc_array(a, n, sizeof(size_t));
        if (!ind_map || !row_map) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        if ((st = cix_i_pretreat(p, o, &treated, ind_map, row_map, &r->notes, err)) !=
            CIX_OK)
            goto cleanup;
        q = treated;
        if ((st = sub_options_build(a, o, ind_map, cix_panel_nindicators(q), &so, err)) !=
            CIX_OK)
            goto cleanup;
        oq = &so.o;
    }
    nq = cix_panel_nrows(q);
    jq = cix_panel_nindicators(q);
    if (q != p && nq == n && jq == nind) {
        same_shape = 1;
        for (size_t k = 0; k < jq && same_shape; k++)
            same_shape = ind_map[k] == k;
        for (size_t i = 0; i < nq && same_shape; i++)
            same_shape = row_map[i] == i;
    }

    /* 2. normalize, weigh and aggregate on q */
    if ((st = cix_i_scope_build(q, oq, &s, err)) != CIX_OK)
        goto cleanup;
    scope_built = 1;
    r->wgroups = cix_i_malloc_array(a, s.ngroups, nind * sizeof(double));
    r->normalized = cix_i_malloc_array(a, n, nind * sizeof(double));
    if (!r->wgroups || !r->normalized) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if (q == p || same_shape) {
        /* results computed in place: no copy to scatter back */
        yq = r->normalized;
        wq = r->wgroups;
        sq = r->scores;
    } else {
        yq = cix_i_malloc_array(a, nq, jq * sizeof(double));
        wq = cix_i_malloc_array(a, s.ngroups, jq * sizeof(double));
        sq = cix_i_malloc_array(a, nq, sizeof(double));
        if (!yq || !wq || !sq) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
    }
    if ((st = cix_normalize(q, oq, yq, err)) != CIX_OK)
        goto cleanup;
    if ((st = cix_i_weights_groups(q, oq, yq, &s, wq, &used, NULL, &qnotes, err)) !=
        CIX_OK)
        goto cleanup;
    r->nwgroups = used;
    if ((st = cix_i_aggregate(q, oq, yq, wq, used > 1 ? s.apply : NULL, &s, sq, err)) !=
        CIX_OK)
        goto cleanup;
    if ((st = adopt_notes(r, &qnotes, ind_map, row_map, err)) != CIX_OK)
        goto cleanup;

    /* 3. back to the panel's rows and indicators */
    if (q == p) {
        memset(r->used, 1, nind);
    } else if (same_shape) {
        memset(r->used, 1, nind);
        if (o->keep_normalized) {
            r->treated = cix_i_malloc_array(a, n, nind * sizeof(double));
            if (!r->treated) {
                st = cix_i_nomem(err);
                goto cleanup;
            }
            for (size_t k = 0; k < jq; k++)
                memcpy(r->treated + k * n, cix_panel_column_const(q, k), n * sizeof(double));
        }
    } else {
        size_t ncell = n * nind;
        memset(r->used, 0, nind);
        for (size_t k = 0; k < jq; k++)
            r->used[ind_map[k]] = 1;
        for (size_t i = 0; i < ncell; i++)
            r->normalized[i] = NAN;
        for (size_t i = 0; i < used * nind; i++)
            r->wgroups[i] = 0.0;
        for (size_t i = 0; i < n; i++)
            r->scores[i] = NAN;
        for (size_t k = 0; k < jq; k++)
            for (size_t i = 0; i < nq; i++)
                r->normalized[ind_map[k] * n + row_map[i]] = yq[k * nq + i];
        for (size_t g = 0; g < used; g++)
            for (size_t k = 0; k < jq; k++)
                r->wgroups[g * nind + ind_map[k]] = wq[g * jq + k];
        for (size_t i = 0; i < nq; i++)
            r->scores[row_map[i]] = sq[i];
        r->treated = cix_i_malloc_array(a, n, nind * sizeof(double));
        if (!r->treated) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        for (size_t i = 0; i < ncell; i++)
            r->treated[i] = NAN;
        for (size_t k = 0; k < jq; k++) {
            const double *c = cix_panel_column_const(q, k);
            for (size_t i = 0; i < nq; i++)
                r->treated[ind_map[k] * n + row_map[i]] = c[i];
        }
    }

    if (o->keep_normalized != 1) {
        if (o->keep_normalized == 0) {
            cix_i_free(a, r->normalized);
            r->normalized = NULL;
        }
        cix_i_free(a, r->treated);
        r->treated = NULL;
    }

    /* 4. ranks within each year, over all of the panel's rows (rows dropped by
     * the coverage screen have NaN scores and rank last), and rank change */
rank:
    if ((st = cix_i_rank(r->scores, cix_i_panel_year_index(p), n, o->ties, a, o->nthreads,
                         r->ranks, err)) != CIX_OK)
        goto cleanup;
    st = cix_i_rank_change(p, r->ranks, r->rank_change, err);

cleanup:
    if (scope_built)
        cix_i_scope_free(q, &s);
    if (q != p && !same_shape) {
        cix_i_free(a, yq);
        cix_i_free(a, wq);
        cix_i_free(a, sq);
    }
    cix_i_notes_free(&qnotes);
    sub_options_free(a, &so);
    cix_panel_free(treated);
    cix_i_free(a, ind_map);
    cix_i_free(a, row_map);
    if (st != CIX_OK) {
        cix_result_free(r);
        return st;
    }
    *out = r;
    return CIX_OK;
}

size_t cix_result_nrows(const cix_result *r)
{
    return r ? r->nrows : 0;
}

size_t cix_result_nindicators(const cix_result *r)
{
    return r ? r->nind : 0;
}

const double *cix_result_weights(const cix_result *r)
{
    if (!r)
        return NULL;
    return r->wgroups + (r->nwgroups - 1) * r->nind;
}

/* k < nyears; for a cross-section k = 0 gives the weights. NULL otherwise. */
const double *cix_result_weights_year(const cix_result *r, size_t k)
{
    size_t nk;
    if (!r)
        return NULL;
    nk = r->nyears ? r->nyears : 1;
    if (k >= nk)
        return NULL;
    return r->nwgroups > 1 ? r->wgroups + k * r->nind : r->wgroups;
}

const double *cix_result_normalized(const cix_result *r)
{
    return r ? r->normalized : NULL;
}

cix_status cix_result_normalized_rows(const cix_result *r, const cix_panel *p, size_t r0,
                                      size_t m, double *out, cix_error *err)
{
    if (!r || !p || (!out && m > 0))
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_result_normalized_rows: result, panel and out are required");
    if (p != r->panel || cix_panel_nrows(p) != r->nrows ||
        cix_panel_nindicators(p) != r->nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_result_normalized_rows: the panel is not the one the result "
                          "was computed from: pass that panel (and keep it until the "
                          "result is freed)");
    if (r0 > r->nrows || m > r->nrows - r0)
        return cix_i_fail(err, CIX_EINVAL,
                          "cix_result_normalized_rows: rows %zu to %zu asked, and the "
                          "result has %zu rows",
                          r0 + 1, r0 + m, r->nrows);
    if (m == 0)
        return CIX_OK;
    if (r->normalized) {
        for (size_t j = 0; j < r->nind; j++)
            memcpy(out + j * m, r->normalized + j * r->nrows + r0, m * sizeof(double));
        return CIX_OK;
    }
    if (r->lean_norm) {
        cix_i_lean_norm_rows(r->lean_norm, p, r0, m, out);
        return CIX_OK;
    }
    return cix_i_fail(err, CIX_EUNSUPPORTED,
                      "the result keeps no normalized values (keep_normalized = %d): "
                      "compute it with keep_normalized = 1 or CIX_KEEP_ROWS",
                      r->keep);
}

const double *cix_result_scores(const cix_result *r)
{
    return r ? r->scores : NULL;
}

const double *cix_result_ranks(const cix_result *r)
{
    return r ? r->ranks : NULL;
}

const double *cix_result_rank_change(const cix_result *r)
{
    return r ? r->rank_change : NULL;
}

int cix_result_indicator_used(const cix_result *r, size_t j)
{
    return (r && j < r->nind) ? r->used[j] : 0;
}

const double *cix_result_treated(const cix_result *r)
{
    return r ? r->treated : NULL;
}

size_t cix_result_nnotes(const cix_result *r)
{
    return r ? r->notes.n : 0;
}

const cix_note *cix_result_note(const cix_result *r, size_t i)
{
    return (r && i < r->notes.n) ? &r->notes.v[i] : NULL;
}
