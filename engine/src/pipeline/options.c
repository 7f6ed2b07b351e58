/* Method options: documented defaults and a consistency check. */
#include <math.h>
#include <stddef.h>

#include "../internal.h"

void cix_options_init(cix_options *o)
{
    if (!o)
        return;
    o->normalization = CIX_NORM_MINMAX;
    o->range_lo = 0.0;
    o->range_hi = 1.0;
    o->weighting = CIX_WEIGHT_ENTROPY;
    o->aggregation = CIX_AGG_LINEAR;
    o->scope = CIX_SCOPE_POOLED;
    o->base_year = CIX_NO_YEAR;
    o->ties = CIX_TIES_MIN;
    o->directions = NULL;
    o->ndirections = 0;
    o->fixed_weights = NULL;
    o->nfixed_weights = 0;
    o->entropy_shift = 0.0;
    o->entropy_smooth = 0.0;
    o->average_weights = 0;
    o->nthreads = 0;
}

static const char *check_directions(const cix_options *o)
{
    if (!o->directions)
        return o->ndirections ? "directions is NULL but ndirections is not 0" : NULL;
    if (o->ndirections == 0)
        return "ndirections is 0 but directions is set: give one direction per indicator";
    for (size_t j = 0; j < o->ndirections; j++) {
        const cix_direction *d = &o->directions[j];
        switch (d->kind) {
        case CIX_DIR_BENEFIT:
        case CIX_DIR_COST:
            break;
        case CIX_DIR_INTERVAL:
            if (!isfinite(d->a) || !isfinite(d->b))
                return "directions: an interval [a,b] needs finite bounds";
            if (!(d->a <= d->b))
                return "directions: an interval [a,b] needs a <= b";
            break;
        case CIX_DIR_TARGET:
            if (!isfinite(d->a))
                return "directions: a target point =t needs a finite t";
            break;
        default:
            return "directions: unknown direction kind (use +, -, [a,b] or =t)";
        }
    }
    return NULL;
}

static const char *check_fixed(const cix_options *o)
{
    double sum;

    if (o->weighting != CIX_WEIGHT_FIXED)
        return NULL;
    if (!o->fixed_weights || o->nfixed_weights == 0)
        return "fixed_weights: weighting 'fixed' needs one weight per indicator";
    for (size_t j = 0; j < o->nfixed_weights; j++) {
        double w = o->fixed_weights[j];
        if (!isfinite(w))
            return "fixed_weights: every weight must be a finite number";
        if (w < 0)
            return "fixed_weights: weights must not be negative";
    }
    sum = cix_i_sum(o->fixed_weights, o->nfixed_weights, NULL);
    if (!(sum > 0))
        return "fixed_weights: the weights sum to 0: give at least one positive weight";
    return NULL;
}

const char *cix_options_check(const cix_options *o)
{
    const char *msg;

    if (!o)
        return "options are NULL: call cix_options_init first";
    if (o->normalization != CIX_NORM_NONE && o->normalization != CIX_NORM_MINMAX)
        return "normalization: unknown method (use none or minmax)";
    if (!isfinite(o->range_lo) || !isfinite(o->range_hi))
        return "range_lo, range_hi: the min-max range needs finite bounds";
    if (!(o->range_lo < o->range_hi))
        return "range_lo, range_hi: the min-max range needs lo < hi (e.g. 0,1)";
    if (o->weighting != CIX_WEIGHT_EQUAL && o->weighting != CIX_WEIGHT_ENTROPY &&
        o->weighting != CIX_WEIGHT_FIXED)
        return "weighting: unknown method (use equal, entropy or fixed)";
    if (o->aggregation != CIX_AGG_LINEAR)
        return "aggregation: unknown method (use linear)";
    if (o->scope != CIX_SCOPE_POOLED && o->scope != CIX_SCOPE_YEAR &&
        o->scope != CIX_SCOPE_BASE)
        return "scope: unknown scope (use pooled, year or base:YYYY)";
    if (o->scope == CIX_SCOPE_BASE && o->base_year == CIX_NO_YEAR)
        return "base_year: scope base needs a base year (base:YYYY)";
    if (o->ties != CIX_TIES_MIN && o->ties != CIX_TIES_AVERAGE && o->ties != CIX_TIES_DENSE)
        return "ties: unknown rule (use min, average or dense)";
    if ((msg = check_directions(o)) != NULL)
        return msg;
    if ((msg = check_fixed(o)) != NULL)
        return msg;
    if (!isfinite(o->entropy_shift) || o->entropy_shift < 0)
        return "entropy_shift: the shift must be a finite number >= 0 (e.g. 0.0001)";
    if (!isfinite(o->entropy_smooth) || o->entropy_smooth < 0 || o->entropy_smooth >= 1)
        return "entropy_smooth: the smoothing must be in [0,1) (e.g. 0.01)";
    if (o->nthreads < 0)
        return "nthreads: must be >= 0 (0 = automatic)";
    return NULL;
}
