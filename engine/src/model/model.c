/*
 * Models: reading an indicator framework from CSV (docs/models.md), checking
 * its hierarchy, the node accessors, and validation against a panel.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"

/* ---- columns ---------------------------------------------------------------- */

enum {
    COL_ICODE,
    COL_INAME,
    COL_LEVEL,
    COL_PARENT,
    COL_TYPE,
    COL_DIRECTION,
    COL_WEIGHT,
    COL_TARGET,
    COL_UNIT,
    COL_DENOMINATOR,
    COL_LO,
    COL_HI,
    COL_SATISFACTORY,
    COL_NOTALLOWED,
    COL_TRANSFORM,
    COL_NORMALIZATION,
    COL_WEIGHTING,
    COL_AGGREGATION,
    COL_BASELINE,
    NCOLS
};

static const char *const col_names[NCOLS] = {
    "iCode",       "iName",     "Level",        "Parent",     "Type",
    "Direction",   "Weight",    "Target",       "Unit",       "Denominator",
    "Lo",          "Hi",        "Satisfactory", "NotAllowed", "Transform",
    "Normalization", "Weighting", "Aggregation", "Baseline",
};

#define NONE ((size_t)-1)

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static int eq_nocase(const char *s, size_t len, const char *w)
{
    size_t k = strlen(w);
    if (k != len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (lower((unsigned char)s[i]) != lower((unsigned char)w[i]))
            return 0;
    return 1;
}

static int prefix_nocase(const char *s, size_t len, const char *w)
{
    size_t k = strlen(w);
    return len >= k && eq_nocase(s, k, w);
}

/* Trims ASCII spaces and tabs. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *len = n;
    return s;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct parse_state {
    cix_model *m;
    size_t col[NCOLS];   /* file column of each known column, or NONE */
    int have_header;
    size_t ncols_file;
    size_t cap;
} parse_state;

static cix_status fail_line(cix_error *err, const cix_model *m, uint64_t line,
                            uint64_t column, cix_status st, const char *fmt, ...)
    CIX_I_PRINTF(6, 7);

static cix_status fail_line(cix_error *err, const cix_model *m, uint64_t line,
                            uint64_t column, cix_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cix_i_vfail(err, st, fmt, ap);
    va_end(ap);
    cix_i_err_file(err, m->file, line, column);
    return st;
}

cix_status cix_i_model_fail(cix_error *err, const cix_model *m, size_t i, cix_status st,
                            const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cix_i_vfail(err, st, fmt, ap);
    va_end(ap);
    cix_i_err_file(err, m->file, i < m->nnodes ? m->nodes[i].line : 0, 0);
    if (i < m->nnodes)
        cix_i_err_indicator(err, m->nodes[i].code);
    return st;
}

static cix_status header(parse_state *ps, const cix_i_record *rec, cix_error *err)
{
    cix_model *m = ps->m;
    for (int c = 0; c < NCOLS; c++)
        ps->col[c] = NONE;
    for (size_t k = 0; k < rec->nfields; k++) {
        size_t len = rec->len[k];
        const char *s = trim(rec->field[k], &len);
        int found = -1;
        for (int c = 0; c < NCOLS; c++)
            if (eq_nocase(s, len, col_names[c]))
                found = c;
        if (found < 0) {
            if (prefix_nocase(s, len, "x_") || prefix_nocase(s, len, "note"))
                continue;
            return fail_line(err, m, rec->line, k + 1, CIX_EPARSE,
                             "unknown column '%.*s' in the model header: the columns are "
                             "iCode, iName, Level, Parent, Type, Direction, Weight, "
                             "Target, Unit, Denominator, Lo, Hi, Satisfactory, "
                             "NotAllowed, Transform, Normalization, Weighting, "
                             "Aggregation, Baseline; rename it, or start its name with "
                             "'x_' to keep it as a comment column",
                             (int)(len > 64 ? 64 : len), s);
        }
        if (ps->col[found] != NONE)
            return fail_line(err, m, rec->line, k + 1, CIX_EPARSE,
                             "column '%s' appears twice in the model header (columns %zu "
                             "and %zu): remove one",
                             col_names[found], ps->col[found] + 1, k + 1);
        ps->col[found] = k;
    }
    {
        static const int required[] = {COL_ICODE, COL_LEVEL, COL_PARENT, COL_TYPE};
        for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
            if (ps->col[required[k]] == NONE)
                return fail_line(err, m, rec->line, 0, CIX_EPARSE,
                                 "the model has no '%s' column: a model needs the columns "
                                 "iCode, Level, Parent and Type (COINr's iMeta layout)",
                                 col_names[required[k]]);
    }
    m->has_weight_column = ps->col[COL_WEIGHT] != NONE;
    ps->ncols_file = rec->nfields;
    ps->have_header = 1;
    return CIX_OK;
}

/* Cell c of the record, trimmed ("" when the column is absent or short). */
static const char *cell(const parse_state *ps, const cix_i_record *rec, int c, size_t *len)
{
    size_t k = ps->col[c];
    if (k == NONE || k >= rec->nfields) {
        *len = 0;
        return "";
    }
    *len = rec->len[k];
    return trim(rec->field[k], len);
}

static uint64_t colno(const parse_state *ps, int c)
{
    return ps->col[c] == NONE ? 0 : ps->col[c] + 1;
}

static char *dup_cell(const cix_model *m, const char *s, size_t len)
{
    return cix_i_strndup(&m->alloc, s, len);
}

/* A number cell, NaN when empty; -1 when malformed or not finite. */
static int number_cell(const char *s, size_t len, double *out)
{
    if (len == 0) {
        *out = NAN;
        return 0;
    }
    if (cix_parse_double(s, len, out) != 0 || !isfinite(*out))
        return -1;
    return 0;
}

/* Level: digits with an optional ".0" (COINr writes 1.0). */
static int level_cell(const char *s, size_t len, int *out)
{
    size_t i = 0;
    long v = 0;
    if (len == 0)
        return -1;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        v = v * 10 + (s[i] - '0');
        if (v > 1000000)
            return -1;
        i++;
    }
    if (i == 0)
        return -1;
    if (i < len) {
        if (s[i] != '.' || i + 1 == len)
            return -1;
        for (i++; i < len; i++)
            if (s[i] != '0')
                return -1;
    }
    *out = (int)v;
    return v >= 1 ? 0 : -1;
}

static int type_cell(const char *s, size_t len, cix_node_type *t)
{
    static const struct {
        const char *name;
        cix_node_type t;
    } types[] = {{"indicator", CIX_NODE_INDICATOR},     {"aggregate", CIX_NODE_AGGREGATE},
                 {"denominator", CIX_NODE_DENOMINATOR}, {"group", CIX_NODE_GROUP},
                 {"other", CIX_NODE_OTHER}};
    for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
        if (eq_nocase(s, len, types[k].name)) {
            *t = types[k].t;
            return 0;
        }
    return -1;
}

/* Direction: "+", "-", "1", "-1" (with ".0"), "[a,b]", "=t"; empty = "+". */
static int direction_cell(const char *s, size_t len, cix_direction *d)
{
    char buf[128];
    double v;
    d->kind = CIX_DIR_BENEFIT;
    d->a = d->b = 0.0;
    if (len == 0)
        return 0;
    if (cix_parse_double(s, len, &v) == 0) {
        if (v == 1.0)
            return 0;
        if (v == -1.0) {
            d->kind = CIX_DIR_COST;
            return 0;
        }
        return -1;
    }
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return cix_direction_parse(buf, d);
}

/* Parses a method name cell; 1 when given, 0 when empty, -1 unknown. */
static int method_cell(const char *s, size_t len, int kind, int *out)
{
    char buf[64];
    int rc;
    if (len == 0)
        return 0;
    if (len >= sizeof buf)
        return -1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)lower((unsigned char)s[i]);
    buf[len] = '\0';
    if (kind == COL_NORMALIZATION) {
        cix_normalization v;
        rc = cix_normalization_from_name(buf, &v);
        *out = (int)v;
    } else if (kind == COL_WEIGHTING) {
        cix_weighting v;
        rc = cix_weighting_from_name(buf, &v);
        *out = (int)v;
    } else if (kind == COL_AGGREGATION) {
        cix_aggregation v;
        rc = cix_aggregation_from_name(buf, &v);
        *out = (int)v;
    } else {
        cix_transform v;
        rc = cix_transform_from_name(buf, &v);
        *out = (int)v;
    }
    return rc == 0 ? 1 : -1;
}

static cix_status bad_cell(cix_error *err, const parse_state *ps, const cix_i_record *rec,
                           int c, const char *s, size_t len, const char *want)
{
    return fail_line(err, ps->m, rec->line, colno(ps, c), CIX_EPARSE,
                     "%s '%.*s' is not valid: %s", col_names[c], (int)(len > 48 ? 48 : len),
                     s, want);
}

static cix_status row(parse_state *ps, const cix_i_record *rec, cix_error *err)
{
    cix_model *m = ps->m;
    cix_i_node *nd;
    const char *s;
    size_t len, any = 0;
    int v;

    for (size_t k = 0; k < rec->nfields; k++) {
        size_t l = rec->len[k];
        trim(rec->field[k], &l);
        any += l;
    }
    if (any == 0)
        return CIX_OK; /* an empty row (",,,,") */
    if (m->nnodes == ps->cap) {
        size_t c = ps->cap ? ps->cap * 2 : 32;
        cix_i_node *q = cix_i_realloc(&m->alloc, m->nodes, c * sizeof *q);
        if (!q)
            return cix_i_nomem(err);
        m->nodes = q;
        ps->cap = c;
    }
    nd = &m->nodes[m->nnodes];
    memset(nd, 0, sizeof *nd);
    cix_indicator_params_init(&nd->params);
    nd->parent = nd->denom = CIX_NO_NODE;
    nd->first_child = 0;
    nd->line = rec->line;
    nd->target = nd->baseline = NAN;
    nd->weight = 1.0;
    m->nnodes++; /* from here on the node is freed with the model */

    s = cell(ps, rec, COL_ICODE, &len);
    if (len == 0)
        return fail_line(err, m, rec->line, colno(ps, COL_ICODE), CIX_EPARSE,
                         "the row has no iCode: give every row a unique code");
    if (!cix_i_utf8_valid(s, len, NULL) || memchr(s, 0, len))
        return fail_line(err, m, rec->line, colno(ps, COL_ICODE), CIX_EPARSE,
                         "iCode is not valid UTF-8 text: save the model as UTF-8");
    if (!(nd->code = dup_cell(m, s, len)))
        return cix_i_nomem(err);

    s = cell(ps, rec, COL_TYPE, &len);
    if (type_cell(s, len, &nd->type) != 0)
        return bad_cell(err, ps, rec, COL_TYPE, s, len,
                        "use Indicator, Aggregate, Denominator, Group or Other");

    s = cell(ps, rec, COL_INAME, &len);
    if (!cix_i_utf8_valid(s, len, NULL))
        return fail_line(err, m, rec->line, colno(ps, COL_INAME), CIX_EPARSE,
                         "iName is not valid UTF-8 text: save the model as UTF-8");
    if (!(nd->name = dup_cell(m, s, len)))
        return cix_i_nomem(err);
    s = cell(ps, rec, COL_UNIT, &len);
    if (!cix_i_utf8_valid(s, len, NULL))
        return fail_line(err, m, rec->line, colno(ps, COL_UNIT), CIX_EPARSE,
                         "Unit is not valid UTF-8 text: save the model as UTF-8");
    if (!(nd->unit = dup_cell(m, s, len)))
        return cix_i_nomem(err);

    if (nd->type != CIX_NODE_INDICATOR && nd->type != CIX_NODE_AGGREGATE)
        return CIX_OK; /* denominators, groups, other rows: code, name, unit only */

    s = cell(ps, rec, COL_LEVEL, &len);
    if (level_cell(s, len, &nd->level) != 0)
        return bad_cell(err, ps, rec, COL_LEVEL, s, len,
                        "give a whole number >= 1 (1 for indicators, increasing towards "
                        "the index)");
    s = cell(ps, rec, COL_PARENT, &len);
    if (len && !(nd->parent_code = dup_cell(m, s, len)))
        return cix_i_nomem(err);

    s = cell(ps, rec, COL_DIRECTION, &len);
    if (direction_cell(s, len, &nd->dir) != 0)
        return bad_cell(err, ps, rec, COL_DIRECTION, s, len,
                        "use + or 1 (benefit), - or -1 (cost), [a,b] (interval, a <= b) or "
                        "=t (target point)");
    if (nd->type == CIX_NODE_AGGREGATE && nd->dir.kind != CIX_DIR_BENEFIT)
        return bad_cell(err, ps, rec, COL_DIRECTION, s, len,
                        "an aggregate's score is already oriented (larger is better): "
                        "leave its Direction empty or +");

    s = cell(ps, rec, COL_WEIGHT, &len);
    if (number_cell(s, len, &nd->weight) != 0 || nd->weight < 0)
        return bad_cell(err, ps, rec, COL_WEIGHT, s, len, "give a number >= 0");
    if (isnan(nd->weight))
        nd->weight = 1.0;

    {
        static const int numcols[] = {COL_TARGET, COL_LO, COL_HI, COL_SATISFACTORY,
                                      COL_NOTALLOWED, COL_BASELINE};
        double val[6];
        for (size_t k = 0; k < 6; k++) {
            s = cell(ps, rec, numcols[k], &len);
            if (number_cell(s, len, &val[k]) != 0)
                return bad_cell(err, ps, rec, numcols[k], s, len,
                                "give a number (with '.' as the decimal point) or leave "
                                "it empty");
        }
        nd->target = nd->params.target = val[0];
        nd->params.lo = val[1];
        nd->params.hi = val[2];
        nd->params.satisfactory = val[3];
        nd->params.not_allowed = val[4];
        nd->baseline = val[5];
        if (!isnan(val[1]) && !isnan(val[2]) && !(val[1] < val[2]))
            return fail_line(err, m, rec->line, colno(ps, COL_HI), CIX_EPARSE,
                             "the goalposts need Lo < Hi (Lo = %g, Hi = %g): swap or correct "
                             "them",
                             val[1], val[2]);
        if (!isnan(val[3]) && !isnan(val[4]) && val[3] == val[4])
            return fail_line(err, m, rec->line, colno(ps, COL_NOTALLOWED), CIX_EPARSE,
                             "Satisfactory and NotAllowed are equal (%g): the efficacy "
                             "coefficient divides by their difference; correct one of them",
                             val[3]);
    }

    s = cell(ps, rec, COL_DENOMINATOR, &len);
    if (len) {
        if (nd->type != CIX_NODE_INDICATOR)
            return bad_cell(err, ps, rec, COL_DENOMINATOR, s, len,
                            "only indicators have denominators: leave it empty");
        if (!(nd->denom_code = dup_cell(m, s, len)))
            return cix_i_nomem(err);
    }
    s = cell(ps, rec, COL_TRANSFORM, &len);
    if (method_cell(s, len, COL_TRANSFORM, &v) < 0)
        return bad_cell(err, ps, rec, COL_TRANSFORM, s, len,
                        "use log or log1p-shift, or leave it empty");
    if (len)
        nd->params.transform = (cix_transform)v;
    s = cell(ps, rec, COL_NORMALIZATION, &len);
    if ((nd->has_norm = method_cell(s, len, COL_NORMALIZATION, &v)) < 0)
        return bad_cell(err, ps, rec, COL_NORMALIZATION, s, len,
                        "use none, minmax, zscore, rank, percentile, ratio-mean, ratio-max, "
                        "ratio-min, vector, target, goalposts or efficacy");
    nd->norm = nd->has_norm ? (cix_normalization)v : CIX_NORM_MINMAX;
    s = cell(ps, rec, COL_WEIGHTING, &len);
    if ((nd->has_weighting = method_cell(s, len, COL_WEIGHTING, &v)) < 0)
        return bad_cell(err, ps, rec, COL_WEIGHTING, s, len,
                        "use fixed, equal, entropy, sd, cv, critic, pca or pca-coef");
    nd->weighting = nd->has_weighting ? (cix_weighting)v : CIX_WEIGHT_FIXED;
    s = cell(ps, rec, COL_AGGREGATION, &len);
    if ((nd->has_agg = method_cell(s, len, COL_AGGREGATION, &v)) < 0)
        return bad_cell(err, ps, rec, COL_AGGREGATION, s, len,
                        "use linear, geometric, harmonic, power or topsis");
    nd->agg = nd->has_agg ? (cix_aggregation)v : CIX_AGG_LINEAR;
    if (nd->type == CIX_NODE_INDICATOR && (nd->has_weighting || nd->has_agg))
        return fail_line(err, m, rec->line,
                         colno(ps, nd->has_weighting ? COL_WEIGHTING : COL_AGGREGATION),
                         CIX_EPARSE,
                         "an indicator has no children to weigh or aggregate: put "
                         "Weighting and Aggregation on its parent '%s'",
                         nd->parent_code ? nd->parent_code : "");
    return CIX_OK;
}

static cix_status on_rec(void *ud, const cix_i_record *rec, cix_error *err)
{
    parse_state *ps = ud;
    if (!ps->have_header)
        return header(ps, rec, err);
    return row(ps, rec, err);
}

/* ---- structure -------------------------------------------------------------- */

typedef struct code_ix {
    const char *code;
    size_t i;
} code_ix;

static int cmp_code(const void *a, const void *b)
{
    const code_ix *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    if (c)
        return c;
    return (x->i > y->i) - (x->i < y->i);
}

static size_t find_sorted(const code_ix *v, size_t n, const char *code)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].code, code);
        if (c == 0) {
            /* the first of equal codes */
            while (mid > 0 && strcmp(v[mid - 1].code, code) == 0)
                mid--;
            return v[mid].i;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NONE;
}

static int in_hierarchy(const cix_i_node *nd)
{
    return nd->type == CIX_NODE_INDICATOR || nd->type == CIX_NODE_AGGREGATE;
}

static cix_status structure(cix_model *m, cix_error *err)
{
    const cix_allocator *a = &m->alloc;
    size_t n = m->nnodes, nroots = 0, r1 = NONE;
    code_ix *ix = NULL;
    unsigned char *mark = NULL;
    size_t *cnt = NULL;
    cix_status st = CIX_OK;

    if (n == 0)
        return fail_line(err, m, 1, 0, CIX_EPARSE,
                         "the model has no rows: give one row per indicator and aggregate");
    ix = cix_i_malloc_array(a, n, sizeof *ix);
    mark = cix_i_malloc(a, n);
    cnt = cix_i_malloc_array(a, n + 1, sizeof *cnt);
    m->children = cix_i_malloc_array(a, n, sizeof *m->children);
    m->indicators = cix_i_malloc_array(a, n, sizeof *m->indicators);
    m->aggregates = cix_i_malloc_array(a, n, sizeof *m->aggregates);
    if (!ix || !mark || !cnt || !m->children || !m->indicators || !m->aggregates) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    /* unique codes */
    for (size_t i = 0; i < n; i++) {
        ix[i].code = m->nodes[i].code;
        ix[i].i = i;
    }
    qsort(ix, n, sizeof *ix, cmp_code);
    for (size_t k = 1; k < n; k++)
        if (strcmp(ix[k].code, ix[k - 1].code) == 0) {
            size_t i = ix[k].i, j = ix[k - 1].i;
            st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                  "duplicate code '%s': line %llu has it too; give every "
                                  "row its own iCode",
                                  m->nodes[i].code, (unsigned long long)m->nodes[j].line);
            goto cleanup;
        }
    /* parents and denominators */
    for (size_t i = 0; i < n; i++) {
        cix_i_node *nd = &m->nodes[i];
        if (!in_hierarchy(nd))
            continue;
        if (nd->parent_code) {
            size_t p = find_sorted(ix, n, nd->parent_code);
            if (p == NONE) {
                st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                      "parent '%s' of '%s' is not a code of the model: add "
                                      "a row for it or correct the Parent",
                                      nd->parent_code, nd->code);
                goto cleanup;
            }
            if (m->nodes[p].type != CIX_NODE_AGGREGATE) {
                st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                      "parent '%s' of '%s' is not an Aggregate (line %llu "
                                      "is of another type): only aggregates have children",
                                      nd->parent_code, nd->code,
                                      (unsigned long long)m->nodes[p].line);
                goto cleanup;
            }
            nd->parent = p;
        } else if (nd->type == CIX_NODE_INDICATOR) {
            st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                  "indicator '%s' has no Parent: give the code of the "
                                  "aggregate it belongs to",
                                  nd->code);
            goto cleanup;
        } else {
            nroots++;
            if (nroots == 1) {
                r1 = i;
            } else {
                st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                      "two roots: '%s' and '%s' (line %llu) both have no "
                                      "Parent; a model has exactly one root (the index): "
                                      "give one of them a Parent",
                                      nd->code, m->nodes[r1].code,
                                      (unsigned long long)m->nodes[r1].line);
                goto cleanup;
            }
        }
        if (nd->denom_code) {
            size_t d = find_sorted(ix, n, nd->denom_code);
            if (d == NONE || m->nodes[d].type != CIX_NODE_DENOMINATOR) {
                st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                      "denominator '%s' of '%s' is not a Denominator row of "
                                      "the model: add a row with Type Denominator for it",
                                      nd->denom_code, nd->code);
                goto cleanup;
            }
            nd->denom = d;
        }
    }
    /* cycles: follow the parents; mark 1 = on the current path, 2 = done */
    memset(mark, 0, n);
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        if (!in_hierarchy(&m->nodes[i]))
            continue;
        while (j != NONE && mark[j] == 0) {
            mark[j] = 1;
            j = m->nodes[j].parent;
        }
        if (j != NONE && mark[j] == 1) {
            char path[256];
            size_t k = j, used = 0;
            path[0] = '\0';
            do {
                int w = snprintf(path + used, sizeof path - used, "%s'%s'",
                                 k == j ? "" : " -> ", m->nodes[k].code);
                if (w < 0 || (size_t)w >= sizeof path - used)
                    break;
                used += (size_t)w;
                k = m->nodes[k].parent;
            } while (k != j);
            st = cix_i_model_fail(err, m, j, CIX_EPARSE,
                                  "the parents form a cycle: %s -> '%s'; a node cannot be "
                                  "its own ancestor: correct one of these Parents",
                                  path, m->nodes[j].code);
            goto cleanup;
        }
        for (j = i; j != NONE && mark[j] == 1; j = m->nodes[j].parent)
            mark[j] = 2;
    }
    if (nroots == 0) {
        st = fail_line(err, m, m->nodes[0].line, 0, CIX_EPARSE,
                       "the model has no root: one Aggregate (the index) must have an "
                       "empty Parent");
        goto cleanup;
    }
    m->root = r1;
    /* levels, children */
    memset(cnt, 0, (n + 1) * sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        cix_i_node *nd = &m->nodes[i];
        if (!in_hierarchy(nd) || nd->parent == NONE)
            continue;
        if (!(nd->level < m->nodes[nd->parent].level)) {
            st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                  "'%s' has Level %d but its parent '%s' has Level %d: a "
                                  "child's Level must be lower than its parent's",
                                  nd->code, nd->level, m->nodes[nd->parent].code,
                                  m->nodes[nd->parent].level);
            goto cleanup;
        }
        cnt[nd->parent + 1]++;
    }
    for (size_t i = 0; i < n; i++)
        cnt[i + 1] += cnt[i];
    for (size_t i = 0; i < n; i++) {
        m->nodes[i].first_child = cnt[i];
        m->nodes[i].nchildren = 0;
    }
    for (size_t i = 0; i < n; i++) {
        cix_i_node *nd = &m->nodes[i];
        if (in_hierarchy(nd) && nd->parent != NONE) {
            cix_i_node *pn = &m->nodes[nd->parent];
            m->children[pn->first_child + pn->nchildren++] = i;
        }
    }
    for (size_t i = 0; i < n; i++) {
        cix_i_node *nd = &m->nodes[i];
        if (nd->type == CIX_NODE_AGGREGATE && nd->nchildren == 0) {
            st = cix_i_model_fail(err, m, i, CIX_EPARSE,
                                  "aggregate '%s' has no children: give it indicators or "
                                  "aggregates (their Parent is '%s'), or remove the row",
                                  nd->code, nd->code);
            goto cleanup;
        }
        if (nd->type == CIX_NODE_INDICATOR)
            m->indicators[m->nind++] = i;
    }
    /* aggregates by increasing level: children before parents */
    {
        int maxl = 0;
        for (size_t i = 0; i < n; i++)
            if (m->nodes[i].type == CIX_NODE_AGGREGATE && m->nodes[i].level > maxl)
                maxl = m->nodes[i].level;
        /* levels are small in practice; a sort keeps it O(n log n) anyway */
        for (size_t i = 0; i < n; i++)
            if (m->nodes[i].type == CIX_NODE_AGGREGATE)
                m->aggregates[m->nagg++] = i;
        for (size_t k = 1; k < m->nagg; k++) {
            size_t v = m->aggregates[k], q = k;
            while (q > 0 && m->nodes[m->aggregates[q - 1]].level > m->nodes[v].level) {
                m->aggregates[q] = m->aggregates[q - 1];
                q--;
            }
            m->aggregates[q] = v;
        }
        (void)maxl;
    }

cleanup:
    cix_i_free(a, ix);
    cix_i_free(a, mark);
    cix_i_free(a, cnt);
    return st;
}

void cix_model_free(cix_model *m)
{
    cix_allocator a;
    if (!m)
        return;
    a = m->alloc;
    for (size_t i = 0; i < m->nnodes; i++) {
        cix_i_node *nd = &m->nodes[i];
        cix_i_free(&a, nd->code);
        cix_i_free(&a, nd->name);
        cix_i_free(&a, nd->unit);
        cix_i_free(&a, nd->parent_code);
        cix_i_free(&a, nd->denom_code);
    }
    cix_i_free(&a, m->nodes);
    cix_i_free(&a, m->children);
    cix_i_free(&a, m->indicators);
    cix_i_free(&a, m->aggregates);
    cix_i_free(&a, m->file);
    cix_i_free(&a, m->text);
    cix_i_free(&a, m);
}

cix_status cix_model_read_buffer(const void *buf, size_t len, const char *name,
                                 const cix_allocator *alloc, cix_model **out,
                                 cix_error *err)
{
    cix_model *m;
    parse_state ps;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_read_buffer: out is NULL");
    *out = NULL;
    if (!buf && len)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_read_buffer: buf is NULL");
    if (!name)
        name = "<memory>";
    {
        cix_allocator tmp;
        cix_i_alloc_init(&tmp, alloc);
        m = cix_i_malloc(&tmp, sizeof *m);
        if (!m)
            return cix_i_nomem(err);
        memset(m, 0, sizeof *m);
        m->alloc = tmp;
    }
    m->root = CIX_NO_NODE;
    m->file = cix_i_strndup(&m->alloc, name, strlen(name));
    m->text = cix_i_malloc(&m->alloc, len + 1);
    if (!m->file || !m->text) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if (len)
        memcpy(m->text, buf, len);
    m->text[len] = '\0';
    m->text_len = len;
    if (!cix_i_utf8_valid(m->text, len, NULL)) {
        size_t bad = 0;
        uint64_t line = 1;
        cix_i_utf8_valid(m->text, len, &bad);
        for (size_t i = 0; i < bad; i++)
            line += m->text[i] == '\n';
        st = fail_line(err, m, line, 0, CIX_EPARSE,
                       "the model is not valid UTF-8 text: save it as UTF-8 (a spreadsheet's "
                       "\"CSV UTF-8\" format)");
        goto cleanup;
    }
    memset(&ps, 0, sizeof ps);
    ps.m = m;
    st = cix_i_csv_records(m->text, len, m->file, ',', &m->alloc, on_rec, &ps, err);
    if (st == CIX_OK && !ps.have_header)
        st = fail_line(err, m, 1, 0, CIX_EPARSE,
                       "the model file is empty: it needs a header (iCode, Level, Parent, "
                       "Type, ...) and one row per node");
    if (st == CIX_OK)
        st = structure(m, err);

cleanup:
    if (st != CIX_OK) {
        cix_model_free(m);
        return st;
    }
    *out = m;
    return CIX_OK;
}

cix_status cix_model_read_file(const char *path, const cix_allocator *alloc,
                               cix_model **out, cix_error *err)
{
    cix_allocator a;
    char *buf;
    size_t len;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_read_file: out is NULL");
    *out = NULL;
    if (!path)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_read_file: path is NULL");
    cix_i_alloc_init(&a, alloc);
    if ((st = cix_i_read_whole_file(path, &a, &buf, &len, err)) != CIX_OK)
        return st;
    st = cix_model_read_buffer(buf, len, path, alloc, out, err);
    cix_i_free(&a, buf);
    return st;
}

/* ---- accessors --------------------------------------------------------------- */

static const cix_i_node *node(const cix_model *m, size_t i)
{
    return (m && i < m->nnodes) ? &m->nodes[i] : NULL;
}

const char *cix_model_file(const cix_model *m)
{
    return m ? m->file : "";
}

size_t cix_model_nnodes(const cix_model *m)
{
    return m ? m->nnodes : 0;
}

size_t cix_model_root(const cix_model *m)
{
    return m ? m->root : CIX_NO_NODE;
}

size_t cix_model_find(const cix_model *m, const char *code)
{
    if (!m || !code)
        return CIX_NO_NODE;
    for (size_t i = 0; i < m->nnodes; i++)
        if (strcmp(m->nodes[i].code, code) == 0)
            return i;
    return CIX_NO_NODE;
}

size_t cix_model_nindicators(const cix_model *m)
{
    return m ? m->nind : 0;
}

size_t cix_model_indicator(const cix_model *m, size_t k)
{
    return (m && k < m->nind) ? m->indicators[k] : CIX_NO_NODE;
}

const char *cix_model_node_code(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->code : "";
}

const char *cix_model_node_name(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->name : "";
}

const char *cix_model_node_unit(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->unit : "";
}

cix_node_type cix_model_node_type(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->type : CIX_NODE_OTHER;
}

int cix_model_node_level(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->level : 0;
}

size_t cix_model_node_parent(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->parent : CIX_NO_NODE;
}

size_t cix_model_node_nchildren(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->nchildren : 0;
}

size_t cix_model_node_child(const cix_model *m, size_t i, size_t k)
{
    const cix_i_node *nd = node(m, i);
    return (nd && k < nd->nchildren) ? m->children[nd->first_child + k] : CIX_NO_NODE;
}

cix_direction cix_model_node_direction(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    cix_direction d = {CIX_DIR_BENEFIT, 0.0, 0.0};
    return nd ? nd->dir : d;
}

double cix_model_node_weight(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->weight : NAN;
}

double cix_model_node_target(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->target : NAN;
}

double cix_model_node_baseline(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->baseline : NAN;
}

size_t cix_model_node_denominator(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->denom : CIX_NO_NODE;
}

void cix_model_node_params(const cix_model *m, size_t i, cix_indicator_params *out)
{
    const cix_i_node *nd = node(m, i);
    if (!out)
        return;
    if (nd)
        *out = nd->params;
    else
        cix_indicator_params_init(out);
}

uint64_t cix_model_node_line(const cix_model *m, size_t i)
{
    const cix_i_node *nd = node(m, i);
    return nd ? nd->line : 0;
}

cix_normalization cix_i_model_norm(const cix_model *m, size_t i, const cix_options *o)
{
    for (size_t j = i; j != CIX_NO_NODE; j = m->nodes[j].parent)
        if (m->nodes[j].has_norm)
            return m->nodes[j].norm;
    return o->normalization;
}

cix_weighting cix_i_model_weighting(const cix_model *m, size_t i, const cix_options *o)
{
    for (size_t j = i; j != CIX_NO_NODE; j = m->nodes[j].parent)
        if (m->nodes[j].has_weighting)
            return m->nodes[j].weighting;
    return m->has_weight_column ? CIX_WEIGHT_FIXED : o->weighting;
}

cix_aggregation cix_i_model_agg(const cix_model *m, size_t i, const cix_options *o)
{
    for (size_t j = i; j != CIX_NO_NODE; j = m->nodes[j].parent)
        if (m->nodes[j].has_agg)
            return m->nodes[j].agg;
    return o->aggregation;
}

cix_normalization cix_model_node_normalization(const cix_model *m, size_t i,
                                               const cix_options *o)
{
    cix_options d;
    if (!o) {
        cix_options_init(&d);
        o = &d;
    }
    return node(m, i) ? cix_i_model_norm(m, i, o) : o->normalization;
}

cix_weighting cix_model_node_weighting(const cix_model *m, size_t i, const cix_options *o)
{
    cix_options d;
    if (!o) {
        cix_options_init(&d);
        o = &d;
    }
    return node(m, i) ? cix_i_model_weighting(m, i, o) : o->weighting;
}

cix_aggregation cix_model_node_aggregation(const cix_model *m, size_t i,
                                           const cix_options *o)
{
    cix_options d;
    if (!o) {
        cix_options_init(&d);
        o = &d;
    }
    return node(m, i) ? cix_i_model_agg(m, i, o) : o->aggregation;
}

/* ---- validation against a panel ---------------------------------------------- */

/* "'a', 'b', ..." of the panel's columns, cut to fit. */
static void list_panel_columns(const cix_panel *p, char *buf, size_t cap)
{
    size_t used = 0, J = cix_panel_nindicators(p);
    buf[0] = '\0';
    for (size_t j = 0; j < J; j++) {
        const char *nm = cix_panel_indicator(p, j);
        int w = snprintf(buf + used, cap - used, "%s'%s'", j ? ", " : "", nm);
        if (w < 0 || (size_t)w >= cap - used) {
            if (used + 6 < cap)
                memcpy(buf + used, ", ...", 6);
            else if (cap > 4)
                memcpy(buf + cap - 4, "...", 4);
            return;
        }
        used += (size_t)w;
    }
}

static cix_status missing_column(const cix_model *m, size_t i, const cix_panel *p,
                                 const char *what, const char *code, cix_error *err)
{
    char list[280];
    list_panel_columns(p, list, sizeof list);
    return cix_i_model_fail(err, m, i, CIX_EDATA,
                            "%s '%s' is not a column of the panel; the panel has %s: add "
                            "the column or correct the iCode",
                            what, code, list);
}

cix_status cix_model_validate(const cix_model *m, const cix_panel *p, cix_error *err)
{
    if (!m || !p)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_validate: model and panel are "
                                           "required");
    for (size_t k = 0; k < m->nind; k++) {
        size_t i = m->indicators[k];
        const cix_i_node *nd = &m->nodes[i];
        if (cix_panel_find_indicator(p, nd->code) == (size_t)-1)
            return missing_column(m, i, p, "indicator", nd->code, err);
        if (nd->denom != CIX_NO_NODE &&
            cix_panel_find_indicator(p, m->nodes[nd->denom].code) == (size_t)-1)
            return missing_column(m, i, p, "denominator", m->nodes[nd->denom].code, err);
    }
    return CIX_OK;
}
