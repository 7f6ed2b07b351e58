/*
 * Oriented x for the correlation-based methods: a weak definition of
 * cix_i_orient, used only while the pre-treatment module does not provide
 * its own (a strong definition there takes precedence at link time).
 * Cost columns are negated; interval [a,b] and target =t columns become
 * benefit values in [0,1] (METHODS.md §1) with min / max / max|x - t| over
 * the scope group each row uses; missing cells stay NaN.
 */
#include <math.h>

#include "../internal.h"

#if defined(__GNUC__)
__attribute__((weak))
#endif
cix_status cix_i_orient(const cix_panel *p, const cix_options *o, const cix_i_scope *s,
                        double *xo, cix_error *err)
{
    size_t n = cix_panel_nrows(p), J = cix_panel_nindicators(p);

    for (size_t j = 0; j < J; j++) {
        const double *x = cix_panel_column_const(p, j);
        double *out = xo + j * n;
        cix_direction d = {CIX_DIR_BENEFIT, 0, 0};

        if (o->directions)
            d = o->directions[j];
        if (d.kind == CIX_DIR_BENEFIT || d.kind == CIX_DIR_COST) {
            for (size_t r = 0; r < n; r++)
                out[r] = d.kind == CIX_DIR_COST ? -x[r] : x[r];
            continue;
        }
        for (size_t g = 0; g < s->ngroups; g++) {
            double lo = INFINITY, hi = -INFINITY, dev = 0.0, den;
            for (size_t i = s->start[g]; i < s->start[g + 1]; i++) {
                double v = x[s->order[i]];
                if (isnan(v))
                    continue;
                lo = fmin(lo, v);
                hi = fmax(hi, v);
                dev = fmax(dev, fabs(v - d.a));
            }
            den = d.kind == CIX_DIR_INTERVAL ? fmax(d.a - lo, hi - d.b) : dev;
            if (!(den > 0)) {
                cix_i_fail(err, CIX_EDEGENERATE,
                           "every value of the indicator is %s, so its orientation "
                           "max(...) is 0: drop the indicator or change its direction",
                           d.kind == CIX_DIR_INTERVAL ? "inside its interval"
                                                      : "at its target");
                cix_i_err_indicator(err, cix_panel_indicator(p, j));
                return CIX_EDEGENERATE;
            }
            for (size_t r = 0; r < n; r++) {
                size_t gr = s->apply ? (size_t)s->apply[r] : 0;
                double v = x[r], pen;
                if (gr != g)
                    continue;
                if (d.kind == CIX_DIR_INTERVAL)
                    pen = fmax(fmax(d.a - v, v - d.b), 0.0);
                else
                    pen = fabs(v - d.a);
                out[r] = isnan(v) ? v : 1.0 - pen / den;
            }
        }
    }
    return CIX_OK;
}
