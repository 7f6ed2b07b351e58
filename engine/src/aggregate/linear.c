/* Linear aggregation (METHODS.md §5, `linear`): s = sum_j w_j y_j. An
 * indicator whose weight is exactly 0 does not enter the score (its cells may
 * be missing: a dropped indicator has weight 0 and a NaN column). */
#include <math.h>

#include "../internal.h"

cix_status cix_i_aggregate_linear(const cix_panel *p, const double *y, const double *w,
                                  const int32_t *group, double *s, cix_error *err)
{
    size_t n = cix_panel_nrows(p), nind = cix_panel_nindicators(p);
    const cix_allocator *a = cix_i_panel_allocator(p);
    double *term;
    cix_status st = CIX_OK;

    term = cix_i_malloc_array(a, nind, sizeof(double));
    if (!term)
        return cix_i_nomem(err);
    for (size_t r = 0; r < n; r++) {
        const double *wr = w + (group ? (size_t)group[r] * nind : 0);
        for (size_t j = 0; j < nind; j++) {
            double v = y[j * n + r];
            if (wr[j] == 0.0) {
                term[j] = 0.0;
                continue;
            }
            if (isnan(v)) {
                cix_i_fail(err, CIX_EDATA,
                           "the value is missing, and linear aggregation needs every "
                           "weighted indicator of every row: impute the missing cells "
                           "(--impute mean, median, interp or locf), or drop the "
                           "indicator or the region");
                cix_i_err_cell(err, p, r, j);
                st = CIX_EDATA;
                goto cleanup;
            }
            term[j] = wr[j] * v;
        }
        s[r] = cix_i_sum(term, nind, NULL);
    }

cleanup:
    cix_i_free(a, term);
    return st;
}
