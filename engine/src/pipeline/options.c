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
    o->ddof = 1;
    o->no_cap = 0;
    o->params = NULL;
    o->nparams = 0;
    o->drop_constant = 0;
    o->impute = CIX_IMPUTE_NONE;
    o->min_coverage_indicator = 0.0;
    o->min_coverage_region = 0.0;
    o->outliers = 0;
    o->factors = 0;
    o->combine = CIX_COMBINE_NONE;
    o->combine_alpha = 0.5;
    o->power = 1.0;
    o->keep_normalized = 1;
    o->cell_notes = 1;
}

void cix_indicator_params_init(cix_indicator_params *q)
{
    if (!q)
        return;
    q->target = NAN;
    q->lo = NAN;
    q->hi = NAN;
    q->satisfactory = NAN;
    q->not_allowed = NAN;
    q->transform = CIX_TRANSFORM_NONE;
}

static const char *check_params(const cix_options *o)
{
    if (!o->params)
        return o->nparams ? "params is NULL but nparams is not 0" : NULL;
    if (o->nparams == 0)
        return "nparams is 0 but params is set: give one entry per indicator";
    for (size_t j = 0; j < o->nparams; j++) {
        const cix_indicator_params *q = &o->params[j];
        if (isinf(q->target) || isinf(q->lo) || isinf(q->hi) || isinf(q->satisfactory) ||
            isinf(q->not_allowed))
            return "params: targets, goalposts and efficacy values must be finite "
                   "(NaN = not given)";
        if (!isnan(q->lo) && !isnan(q->hi) && !(q->lo < q->hi))
            return "params: goalposts need lo < hi";
        if (!isnan(q->satisfactory) && !isnan(q->not_allowed) &&
            q->satisfactory == q->not_allowed)
            return "params: the satisfactory and not-allowed values of efficacy must "
                   "differ";
        if (q->transform != CIX_TRANSFORM_NONE && q->transform != CIX_TRANSFORM_LOG &&
            q->transform != CIX_TRANSFORM_LOG1P_SHIFT)
            return "params: unknown transform (use none, log or log1p-shift)";
    }
    return NULL;
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

    if (o->weighting != CIX_WEIGHT_FIXED && o->combine == CIX_COMBINE_NONE)
        return NULL;
    if ((!o->fixed_weights || o->nfixed_weights == 0) && o->weighting != CIX_WEIGHT_FIXED)
        return "fixed_weights: combine needs the fixed (subjective) weights, one per "
               "indicator";
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
    if ((unsigned)o->normalization > (unsigned)CIX_NORM_EFFICACY)
        return "normalization: unknown method";
    if (!isfinite(o->range_lo) || !isfinite(o->range_hi))
        return "range_lo, range_hi: the min-max range needs finite bounds";
    if (!(o->range_lo < o->range_hi))
        return "range_lo, range_hi: the min-max range needs lo < hi (e.g. 0,1)";
    if ((unsigned)o->weighting > (unsigned)CIX_WEIGHT_PCA_COEF)
        return "weighting: unknown method";
    if ((unsigned)o->aggregation > (unsigned)CIX_AGG_TOPSIS)
        return "aggregation: unknown method";
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
    if (o->keep_normalized != 0 && o->keep_normalized != 1 &&
        o->keep_normalized != CIX_KEEP_ROWS)
        return "keep_normalized: must be 1 (keep the matrix), 0 (need not) or "
               "CIX_KEEP_ROWS (rows on demand)";
    if (o->cell_notes != 0 && o->cell_notes != 1)
        return "cell_notes: must be 1 (a note per changed cell) or 0 (summary notes only)";
    if (o->ddof != 0 && o->ddof != 1)
        return "ddof: must be 1 (divide by n-1) or 0 (divide by n)";
    if ((msg = check_params(o)) != NULL)
        return msg;
    if ((unsigned)o->impute > (unsigned)CIX_IMPUTE_LOCF)
        return "impute: unknown method (use none, mean, median, interp or locf)";
    if (!(o->min_coverage_indicator >= 0 && o->min_coverage_indicator <= 1) ||
        !(o->min_coverage_region >= 0 && o->min_coverage_region <= 1))
        return "min_coverage_indicator, min_coverage_region: a share in [0,1]";
    if (o->factors < 0)
        return "factors: must be >= 0 (0 = auto, the handbook rule)";
    if ((unsigned)o->combine > (unsigned)CIX_COMBINE_LINEAR)
        return "combine: unknown rule (use none, mult or linear:alpha)";
    if (o->combine != CIX_COMBINE_NONE) {
        if (o->weighting == CIX_WEIGHT_FIXED)
            return "combine: combines fixed weights with another method's weights; "
                   "choose a weighting method other than fixed";
        if (!o->fixed_weights || o->nfixed_weights == 0)
            return "combine: needs fixed (subjective) weights to combine with";
        if (!(o->combine_alpha >= 0 && o->combine_alpha <= 1))
            return "combine_alpha: must be in [0,1]";
    }
    if (!isfinite(o->power) || o->power == 0)
        return "power: the generalized-mean exponent must be finite and not 0 "
               "(use geometric for the limit p -> 0)";
    return NULL;
}
