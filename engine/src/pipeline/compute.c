/*
 * The pipeline: normalize -> weights (per scope) -> linear scores -> ranks
 * within each year, and the result handle.
 */
#include <string.h>

#include "../internal.h"

struct cix_result {
    cix_allocator alloc;
    size_t nrows, nind;
    size_t nyears;      /* of the panel; 0 for a cross-section */
    size_t nwgroups;    /* rows of wgroups: nyears for scope year without
                           averaging, else 1 */
    double *wgroups;    /* nwgroups x nind, row-major */
    double *normalized; /* nrows x nind, column-major */
    double *scores;
    double *ranks;
};

void cix_result_free(cix_result *r)
{
    cix_allocator a;
    if (!r)
        return;
    a = r->alloc;
    cix_i_free(&a, r->wgroups);
    cix_i_free(&a, r->normalized);
    cix_i_free(&a, r->scores);
    cix_i_free(&a, r->ranks);
    cix_i_free(&a, r);
}

cix_status cix_compute(const cix_panel *p, const cix_options *o, cix_result **out,
                       cix_error *err)
{
    const cix_allocator *a;
    cix_result *r = NULL;
    cix_i_scope s;
    cix_status st;
    const char *msg;
    size_t n, nind, used = 1;
    int scope_built = 0;

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
    if ((st = cix_panel_validate(p, err)) != CIX_OK)
        return st;

    a = cix_i_panel_allocator(p);
    r = cix_i_malloc(a, sizeof *r);
    if (!r)
        return cix_i_nomem(err);
    memset(r, 0, sizeof *r);
    r->alloc = *a;
    r->nrows = n;
    r->nind = nind;
    r->nyears = cix_panel_nyears(p);

    if ((st = cix_i_scope_build(p, o, &s, err)) != CIX_OK)
        goto cleanup;
    scope_built = 1;
    r->normalized = cix_i_malloc_array(a, n, nind * sizeof(double));
    r->wgroups = cix_i_malloc_array(a, s.ngroups, nind * sizeof(double));
    r->scores = cix_i_malloc_array(a, n, sizeof(double));
    r->ranks = cix_i_malloc_array(a, n, sizeof(double));
    if (!r->normalized || !r->wgroups || !r->scores || !r->ranks) {
        st = cix_i_nomem(err);
        goto cleanup;
    }

    if ((st = cix_normalize(p, o, r->normalized, err)) != CIX_OK)
        goto cleanup;
    if ((st = cix_i_weights_groups(p, o, r->normalized, &s, r->wgroups, &used, NULL, NULL,
                                    err)) != CIX_OK)
        goto cleanup;
    r->nwgroups = used;
    if ((st = cix_i_aggregate_linear(p, r->normalized, r->wgroups,
                                     used > 1 ? s.apply : NULL, r->scores, err)) != CIX_OK)
        goto cleanup;
    st = cix_rank(r->scores, cix_i_panel_year_index(p), n, o->ties, a, r->ranks, err);

cleanup:
    if (scope_built)
        cix_i_scope_free(p, &s);
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

const double *cix_result_scores(const cix_result *r)
{
    return r ? r->scores : NULL;
}

const double *cix_result_ranks(const cix_result *r)
{
    return r ? r->ranks : NULL;
}
