/* Canonical method names (METHODS.md, the CLI) and their parsers. */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "../internal.h"

typedef struct name_entry {
    const char *name;
    int value;
} name_entry;

static const name_entry normalization_names[] = {
    {"none", CIX_NORM_NONE},
    {"minmax", CIX_NORM_MINMAX},
    {"zscore", CIX_NORM_ZSCORE},
    {"rank", CIX_NORM_RANK},
    {"percentile", CIX_NORM_PERCENTILE},
    {"ratio-mean", CIX_NORM_RATIO_MEAN},
    {"ratio-max", CIX_NORM_RATIO_MAX},
    {"ratio-min", CIX_NORM_RATIO_MIN},
    {"vector", CIX_NORM_VECTOR},
    {"target", CIX_NORM_TARGET},
    {"goalposts", CIX_NORM_GOALPOSTS},
    {"efficacy", CIX_NORM_EFFICACY},
};

static const name_entry weighting_names[] = {
    {"equal", CIX_WEIGHT_EQUAL},
    {"entropy", CIX_WEIGHT_ENTROPY},
    {"fixed", CIX_WEIGHT_FIXED},
    {"sd", CIX_WEIGHT_SD},
    {"cv", CIX_WEIGHT_CV},
    {"critic", CIX_WEIGHT_CRITIC},
    {"pca", CIX_WEIGHT_PCA},
    {"pca-coef", CIX_WEIGHT_PCA_COEF},
};

static const name_entry aggregation_names[] = {
    {"linear", CIX_AGG_LINEAR},
    {"geometric", CIX_AGG_GEOMETRIC},
    {"harmonic", CIX_AGG_HARMONIC},
    {"power", CIX_AGG_POWER},
    {"topsis", CIX_AGG_TOPSIS},
};

static const name_entry impute_names[] = {
    {"none", CIX_IMPUTE_NONE},
    {"mean", CIX_IMPUTE_MEAN},
    {"median", CIX_IMPUTE_MEDIAN},
    {"interp", CIX_IMPUTE_INTERP},
    {"locf", CIX_IMPUTE_LOCF},
};

static const name_entry transform_names[] = {
    {"none", CIX_TRANSFORM_NONE},
    {"log", CIX_TRANSFORM_LOG},
    {"log1p-shift", CIX_TRANSFORM_LOG1P_SHIFT},
};

static const name_entry ties_names[] = {
    {"min", CIX_TIES_MIN},
    {"average", CIX_TIES_AVERAGE},
    {"dense", CIX_TIES_DENSE},
};

#define COUNT(t) (sizeof(t) / sizeof((t)[0]))

static const char *name_of(const name_entry *t, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value)
            return t[i].name;
    return "unknown";
}

static int value_of(const name_entry *t, size_t n, const char *name, int *value)
{
    if (!name)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].name, name) == 0) {
            *value = t[i].value;
            return 0;
        }
    return -1;
}

const char *cix_normalization_name(cix_normalization n)
{
    return name_of(normalization_names, COUNT(normalization_names), (int)n);
}

int cix_normalization_from_name(const char *name, cix_normalization *out)
{
    int v;
    if (!out || value_of(normalization_names, COUNT(normalization_names), name, &v) != 0)
        return -1;
    *out = (cix_normalization)v;
    return 0;
}

const char *cix_weighting_name(cix_weighting w)
{
    return name_of(weighting_names, COUNT(weighting_names), (int)w);
}

int cix_weighting_from_name(const char *name, cix_weighting *out)
{
    int v;
    if (!out || value_of(weighting_names, COUNT(weighting_names), name, &v) != 0)
        return -1;
    *out = (cix_weighting)v;
    return 0;
}

const char *cix_aggregation_name(cix_aggregation a)
{
    return name_of(aggregation_names, COUNT(aggregation_names), (int)a);
}

int cix_aggregation_from_name(const char *name, cix_aggregation *out)
{
    int v;
    if (!out || value_of(aggregation_names, COUNT(aggregation_names), name, &v) != 0)
        return -1;
    *out = (cix_aggregation)v;
    return 0;
}

const char *cix_ties_name(cix_ties t)
{
    return name_of(ties_names, COUNT(ties_names), (int)t);
}

int cix_ties_from_name(const char *name, cix_ties *out)
{
    int v;
    if (!out || value_of(ties_names, COUNT(ties_names), name, &v) != 0)
        return -1;
    *out = (cix_ties)v;
    return 0;
}

const char *cix_impute_name(cix_impute m)
{
    return name_of(impute_names, COUNT(impute_names), (int)m);
}

int cix_impute_from_name(const char *name, cix_impute *out)
{
    int v;
    if (!out || value_of(impute_names, COUNT(impute_names), name, &v) != 0)
        return -1;
    *out = (cix_impute)v;
    return 0;
}

const char *cix_transform_name(cix_transform t)
{
    return name_of(transform_names, COUNT(transform_names), (int)t);
}

int cix_transform_from_name(const char *name, cix_transform *out)
{
    int v;
    if (!out || value_of(transform_names, COUNT(transform_names), name, &v) != 0)
        return -1;
    *out = (cix_transform)v;
    return 0;
}

/* "none", "mult" or "linear:ALPHA" with ALPHA a number in [0,1]. */
int cix_combine_from_name(const char *name, cix_combine *out, double *alpha)
{
    double a;
    if (!name || !out)
        return -1;
    if (strcmp(name, "none") == 0) {
        *out = CIX_COMBINE_NONE;
        return 0;
    }
    if (strcmp(name, "mult") == 0) {
        *out = CIX_COMBINE_MULT;
        return 0;
    }
    if (strncmp(name, "linear:", 7) != 0 || !alpha)
        return -1;
    if (cix_parse_double(name + 7, strlen(name + 7), &a) != 0 || !(a >= 0 && a <= 1))
        return -1;
    *out = CIX_COMBINE_LINEAR;
    *alpha = a;
    return 0;
}

/* "pooled", "year" or "base:YYYY" (YYYY: optional '-', 1 to 10 decimal digits,
 * within int32 and not CIX_NO_YEAR). base_year is written only for base and
 * must then be non-NULL. */
int cix_scope_from_name(const char *name, cix_scope_kind *kind, int32_t *base_year)
{
    const char *s;
    long long v = 0;
    int neg = 0;
    size_t digits = 0;

    if (!name || !kind)
        return -1;
    if (strcmp(name, "pooled") == 0) {
        *kind = CIX_SCOPE_POOLED;
        return 0;
    }
    if (strcmp(name, "year") == 0) {
        *kind = CIX_SCOPE_YEAR;
        return 0;
    }
    if (strncmp(name, "base:", 5) != 0 || !base_year)
        return -1;
    s = name + 5;
    if (*s == '-') {
        neg = 1;
        s++;
    }
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    if (*s != '\0' || digits == 0)
        return -1;
    if (neg)
        v = -v;
    if (v > INT32_MAX || v <= (long long)INT32_MIN)
        return -1; /* INT32_MIN is CIX_NO_YEAR */
    *kind = CIX_SCOPE_BASE;
    *base_year = (int32_t)v;
    return 0;
}
