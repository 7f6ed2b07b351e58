/*
 * Fitted (frozen) models: fit, write, read, score (docs/models.md, "Fitted
 * model files").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../model/model_internal.h"

#define FITTED_MAGIC "cix-fitted"
#define FITTED_FORMAT 1

struct cix_fitted {
    cix_allocator alloc;
    cix_model *model;
    cix_options opt;         /* pointer members NULL */
    char version[32];
    cix_i_frozen fz;
};

void cix_fitted_free(cix_fitted *f)
{
    cix_allocator a;
    if (!f)
        return;
    a = f->alloc;
    cix_model_free(f->model);
    cix_i_frozen_free(&a, &f->fz);
    cix_i_free(&a, f);
}

static cix_status new_fitted(const cix_allocator *a, cix_fitted **out, cix_error *err)
{
    cix_fitted *f = cix_i_malloc(a, sizeof *f);
    if (!f)
        return cix_i_nomem(err);
    memset(f, 0, sizeof *f);
    f->alloc = *a;
    cix_options_init(&f->opt);
    *out = f;
    return CIX_OK;
}

/* Options a fitted model can freeze; the reason otherwise. */
static const char *unfreezable(const cix_model *m, const cix_options *o)
{
    if (o->outliers)
        return "the JRC outlier rule depends on the data being scored and cannot be "
               "frozen: leave it out of a fit";
    for (size_t k = 0; k < m->nind; k++) {
        cix_normalization n = cix_i_model_norm(m, m->indicators[k], o);
        if (n == CIX_NORM_RANK || n == CIX_NORM_PERCENTILE)
            return "rank and percentile normalizations cannot be frozen in a fitted model "
                   "(they need every value of the fit data): use minmax, zscore or another "
                   "normalization";
    }
    return NULL;
}

cix_status cix_fit(const cix_model *m, const cix_panel *p, const cix_options *o,
                   cix_fitted **out, cix_error *err)
{
    const cix_allocator *a;
    cix_fitted *f = NULL;
    cix_model_result *res = NULL;
    const char *why;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_fit: out is NULL");
    *out = NULL;
    if (!m || !p || !o)
        return cix_i_fail(err, CIX_EINVAL, "cix_fit: model, panel and options are required");
    if ((why = unfreezable(m, o)) != NULL)
        return cix_i_fail(err, CIX_EUNSUPPORTED, "%s", why);
    a = cix_i_panel_allocator(p);
    if ((st = new_fitted(a, &f, err)) != CIX_OK)
        return st;
    f->opt = *o;
    if (f->opt.scope == CIX_SCOPE_YEAR)
        f->opt.scope = CIX_SCOPE_POOLED; /* one set of statistics for all fit years */
    f->opt.average_weights = 0;
    f->opt.nthreads = 0;
    snprintf(f->version, sizeof f->version, "%s", cix_version_string());
    if ((st = cix_i_frozen_alloc(a, m->nind, m->nnodes, &f->fz, err)) != CIX_OK)
        goto cleanup;
    if ((st = cix_i_model_run(m, p, &f->opt, NULL, &f->fz, &res, err)) != CIX_OK)
        goto cleanup;
    st = cix_model_read_buffer(m->text, m->text_len, m->file, a, &f->model, err);

cleanup:
    cix_model_result_free(res);
    if (st != CIX_OK) {
        cix_fitted_free(f);
        return st;
    }
    *out = f;
    return CIX_OK;
}

/* ---- writing ------------------------------------------------------------------ */

static void put_opt(cix_i_text *t, const char *key, const char *value)
{
    cix_i_text_str(t, "option,");
    cix_i_text_str(t, key);
    cix_i_text_str(t, ",");
    cix_i_text_field(t, value, strlen(value));
    cix_i_text_str(t, "\n");
}

static void put_opt_num(cix_i_text *t, const char *key, double v)
{
    char b[CIX_DOUBLE_BUFSIZE];
    cix_format_double(v, b);
    put_opt(t, key, b);
}

static const char *scope_text(const cix_options *o, char *buf, size_t size)
{
    if (o->scope == CIX_SCOPE_BASE)
        snprintf(buf, size, "base:%ld", (long)o->base_year);
    else
        snprintf(buf, size, "%s", o->scope == CIX_SCOPE_YEAR ? "year" : "pooled");
    return buf;
}

static const char *combine_text(const cix_options *o, char *buf, size_t size)
{
    if (o->combine == CIX_COMBINE_MULT)
        return "mult";
    if (o->combine == CIX_COMBINE_LINEAR) {
        char b[CIX_DOUBLE_BUFSIZE];
        cix_format_double(o->combine_alpha, b);
        snprintf(buf, size, "linear:%s", b);
        return buf;
    }
    return "none";
}

static void fitted_text(const cix_fitted *f, cix_i_text *t)
{
    const cix_model *m = f->model;
    const cix_options *o = &f->opt;
    char buf[64];

    cix_i_text_str(t, FITTED_MAGIC ",1\n");
    cix_i_text_str(t, "engine,");
    cix_i_text_field(t, f->version, strlen(f->version));
    cix_i_text_str(t, "\n");
    put_opt(t, "normalization", cix_normalization_name(o->normalization));
    put_opt_num(t, "range_lo", o->range_lo);
    put_opt_num(t, "range_hi", o->range_hi);
    put_opt(t, "weighting", cix_weighting_name(o->weighting));
    put_opt(t, "aggregation", cix_aggregation_name(o->aggregation));
    put_opt(t, "scope", scope_text(o, buf, sizeof buf));
    put_opt(t, "ties", cix_ties_name(o->ties));
    put_opt_num(t, "ddof", (double)o->ddof);
    put_opt_num(t, "no_cap", (double)o->no_cap);
    put_opt(t, "impute", cix_impute_name(o->impute));
    put_opt_num(t, "entropy_shift", o->entropy_shift);
    put_opt_num(t, "entropy_smooth", o->entropy_smooth);
    put_opt_num(t, "factors", (double)o->factors);
    put_opt(t, "combine", combine_text(o, buf, sizeof buf));
    put_opt_num(t, "power", o->power);
    cix_i_text_str(t, "# indicator,code,unit,normalization,direction min,direction max,n,"
                      "min,max,mean,ss,sumsq\n");
    for (size_t k = 0; k < m->nind; k++) {
        const cix_i_node *nd = &m->nodes[m->indicators[k]];
        const double v[7] = {f->fz.dmin[k], f->fz.dmax[k], f->fz.min[k], f->fz.max[k],
                             f->fz.mean[k], f->fz.ss[k],   f->fz.sumsq[k]};
        char nb[32];
        cix_i_text_str(t, "indicator,");
        cix_i_text_field(t, nd->code, strlen(nd->code));
        cix_i_text_str(t, ",");
        cix_i_text_field(t, nd->unit, strlen(nd->unit));
        cix_i_text_str(t, ",");
        cix_i_text_str(t, cix_normalization_name(cix_i_model_norm(m, m->indicators[k], o)));
        for (size_t q = 0; q < 2; q++) {
            cix_i_text_str(t, ",");
            cix_i_text_double(t, v[q]);
        }
        snprintf(nb, sizeof nb, ",%zu", f->fz.n[k]);
        cix_i_text_str(t, nb);
        for (size_t q = 2; q < 7; q++) {
            cix_i_text_str(t, ",");
            cix_i_text_double(t, v[q]);
        }
        cix_i_text_str(t, "\n");
    }
    cix_i_text_str(t, "# weight,code,weight within the parent\n");
    for (size_t i = 0; i < m->nnodes; i++) {
        if (m->nodes[i].parent == CIX_NO_NODE)
            continue;
        cix_i_text_str(t, "weight,");
        cix_i_text_field(t, m->nodes[i].code, strlen(m->nodes[i].code));
        cix_i_text_str(t, ",");
        cix_i_text_double(t, f->fz.weight[i]);
        cix_i_text_str(t, "\n");
    }
    for (size_t i = 0; i < m->nnodes; i++) {
        if (isnan(f->fz.ideal_max[i]))
            continue;
        cix_i_text_str(t, "ideal,");
        cix_i_text_field(t, m->nodes[i].code, strlen(m->nodes[i].code));
        cix_i_text_str(t, ",");
        cix_i_text_double(t, f->fz.ideal_max[i]);
        cix_i_text_str(t, ",");
        cix_i_text_double(t, f->fz.ideal_min[i]);
        cix_i_text_str(t, "\n");
    }
    snprintf(buf, sizeof buf, "model,%zu\n", m->text_len);
    cix_i_text_str(t, buf);
    cix_i_text_add(t, m->text, m->text_len);
}

cix_status cix_fitted_write_file(const cix_fitted *f, const char *path, cix_error *err)
{
    cix_i_text t;
    cix_status st;
    if (!f || !path)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_write_file: fitted model and path "
                                           "are required");
    cix_i_text_init(&t, &f->alloc);
    fitted_text(f, &t);
    if (t.failed) {
        cix_i_text_free(&t);
        return cix_i_nomem(err);
    }
    st = cix_i_write_file_atomic(path, t.s, t.n, &f->alloc, err);
    cix_i_text_free(&t);
    return st;
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct rd {
    cix_fitted *f;
    const char *name;
    int magic;
    size_t nindicator;
} rd;

static cix_status rd_fail(const rd *s, const cix_i_record *rec, cix_error *err,
                          const char *what)
{
    cix_i_fail(err, CIX_EPARSE,
               "%s: the fitted model file is damaged or was edited by hand; fit the model "
               "again (cix fit)",
               what);
    cix_i_err_file(err, s->name, rec->line, 0);
    return CIX_EPARSE;
}

static int fnum(const cix_i_record *rec, size_t k, double *v)
{
    if (k >= rec->nfields)
        return -1;
    if (rec->len[k] == 0) {
        *v = NAN;
        return 0;
    }
    return cix_parse_double(rec->field[k], rec->len[k], v);
}

static int is(const cix_i_record *rec, size_t k, const char *w)
{
    return k < rec->nfields && rec->len[k] == strlen(w) &&
           memcmp(rec->field[k], w, rec->len[k]) == 0;
}

static cix_status rd_option(rd *s, const cix_i_record *rec, cix_error *err)
{
    cix_options *o = &s->f->opt;
    const char *v;
    double d;
    int ok = 0;
    if (rec->nfields != 3)
        return rd_fail(s, rec, err, "an option line needs a name and a value");
    v = rec->field[2];
    if (is(rec, 1, "normalization"))
        ok = cix_normalization_from_name(v, &o->normalization) == 0;
    else if (is(rec, 1, "weighting"))
        ok = cix_weighting_from_name(v, &o->weighting) == 0;
    else if (is(rec, 1, "aggregation"))
        ok = cix_aggregation_from_name(v, &o->aggregation) == 0;
    else if (is(rec, 1, "scope"))
        ok = cix_scope_from_name(v, &o->scope, &o->base_year) == 0;
    else if (is(rec, 1, "ties"))
        ok = cix_ties_from_name(v, &o->ties) == 0;
    else if (is(rec, 1, "impute"))
        ok = cix_impute_from_name(v, &o->impute) == 0;
    else if (is(rec, 1, "combine"))
        ok = cix_combine_from_name(v, &o->combine, &o->combine_alpha) == 0;
    else if (fnum(rec, 2, &d) == 0 && !isnan(d)) {
        ok = 1;
        if (is(rec, 1, "range_lo"))
            o->range_lo = d;
        else if (is(rec, 1, "range_hi"))
            o->range_hi = d;
        else if (is(rec, 1, "ddof"))
            o->ddof = (int)d;
        else if (is(rec, 1, "no_cap"))
            o->no_cap = (int)d;
        else if (is(rec, 1, "entropy_shift"))
            o->entropy_shift = d;
        else if (is(rec, 1, "entropy_smooth"))
            o->entropy_smooth = d;
        else if (is(rec, 1, "factors"))
            o->factors = (int)d;
        else if (is(rec, 1, "power"))
            o->power = d;
        else
            ok = 0;
    }
    return ok ? CIX_OK : rd_fail(s, rec, err, "unknown option or value");
}

static cix_status rd_record(void *ud, const cix_i_record *rec, cix_error *err)
{
    rd *s = ud;
    cix_fitted *f = s->f;
    const cix_model *m = f->model;

    if (rec->len[0] > 0 && rec->field[0][0] == '#')
        return CIX_OK;
    if (!s->magic) {
        double v;
        if (!is(rec, 0, FITTED_MAGIC) || fnum(rec, 1, &v) != 0)
            return rd_fail(s, rec, err, "not a fitted model file (no cix-fitted header)");
        if (v != FITTED_FORMAT) {
            cix_i_fail(err, CIX_EPARSE,
                       "fitted model format %g is not known to this engine (it reads format "
                       "%d): use the engine version that wrote it, or fit again",
                       v, FITTED_FORMAT);
            cix_i_err_file(err, s->name, rec->line, 0);
            return CIX_EPARSE;
        }
        s->magic = 1;
        return CIX_OK;
    }
    if (is(rec, 0, "engine")) {
        if (rec->nfields != 2)
            return rd_fail(s, rec, err, "the engine line needs a version");
        snprintf(f->version, sizeof f->version, "%.*s", (int)rec->len[1], rec->field[1]);
        return CIX_OK;
    }
    if (is(rec, 0, "option"))
        return rd_option(s, rec, err);
    if (is(rec, 0, "indicator")) {
        size_t k = s->nindicator, i;
        double v[8];
        cix_normalization nm;
        if (rec->nfields != 12 || k >= m->nind)
            return rd_fail(s, rec, err, "an indicator line does not match the model");
        i = m->indicators[k];
        if (!is(rec, 1, m->nodes[i].code) ||
            cix_normalization_from_name(rec->field[3], &nm) != 0)
            return rd_fail(s, rec, err, "an indicator line does not match the model");
        for (size_t q = 0; q < 8; q++)
            if (fnum(rec, 4 + q, &v[q]) != 0)
                return rd_fail(s, rec, err, "a statistic is not a number");
        f->fz.dmin[k] = v[0];
        f->fz.dmax[k] = v[1];
        if (!(v[2] >= 0) || v[2] != floor(v[2]))
            return rd_fail(s, rec, err, "a count is not a whole number");
        f->fz.n[k] = (size_t)v[2];
        f->fz.min[k] = v[3];
        f->fz.max[k] = v[4];
        f->fz.mean[k] = v[5];
        f->fz.ss[k] = v[6];
        f->fz.sumsq[k] = v[7];
        s->nindicator++;
        return CIX_OK;
    }
    if (is(rec, 0, "weight") || is(rec, 0, "ideal")) {
        int ideal = is(rec, 0, "ideal");
        char code[512];
        size_t i;
        double v, w = NAN;
        if (rec->nfields != (ideal ? 4u : 3u) || rec->len[1] >= sizeof code)
            return rd_fail(s, rec, err, "a weight or ideal line is malformed");
        memcpy(code, rec->field[1], rec->len[1]);
        code[rec->len[1]] = '\0';
        i = cix_model_find(m, code);
        if (i == CIX_NO_NODE || fnum(rec, 2, &v) != 0 || (ideal && fnum(rec, 3, &w) != 0))
            return rd_fail(s, rec, err, "a weight or ideal line names no node of the model");
        if (ideal) {
            f->fz.ideal_max[i] = v;
            f->fz.ideal_min[i] = w;
        } else {
            f->fz.weight[i] = v;
        }
        return CIX_OK;
    }
    return rd_fail(s, rec, err, "unknown line");
}

/* Offset of the line "model,N\n" (at a line start), or (size_t)-1. */
static size_t find_model_line(const char *b, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++)
        if ((i == 0 || b[i - 1] == '\n') && memcmp(b + i, "model,", 6) == 0)
            return i;
    return (size_t)-1;
}

cix_status cix_fitted_read_buffer(const void *buf, size_t len, const char *name,
                                  const cix_allocator *alloc, cix_fitted **out,
                                  cix_error *err)
{
    cix_allocator a;
    cix_fitted *f = NULL;
    const char *b = buf;
    size_t at, nl, mlen = 0;
    uint64_t mline = 1;
    rd s;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_read_buffer: out is NULL");
    *out = NULL;
    if (!buf && len)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_read_buffer: buf is NULL");
    if (!name)
        name = "<memory>";
    cix_i_alloc_init(&a, alloc);
    at = find_model_line(b, len);
    nl = at == (size_t)-1 ? at : at;
    if (at != (size_t)-1) {
        const char *e = memchr(b + at, '\n', len - at);
        double v;
        nl = e ? (size_t)(e - b) + 1 : len;
        if (!e || cix_parse_double(b + at + 6, (size_t)(e - (b + at + 6)), &v) != 0 ||
            v != len - nl)
            at = (size_t)-1;
        else
            mlen = (size_t)v;
        for (size_t i = 0; i < nl; i++)
            mline += b[i] == '\n';
    }
    if (at == (size_t)-1) {
        cix_i_fail(err, CIX_EPARSE,
                   "the fitted model file has no complete 'model,N' section at its end (it "
                   "is cut short or not a fitted model): fit the model again");
        cix_i_err_file(err, name, 0, 0);
        return CIX_EPARSE;
    }
    if ((st = new_fitted(&a, &f, err)) != CIX_OK)
        return st;
    {
        /* the model text is that of the original file: errors name its lines
         * shifted to the fitted file's */
        char mname[CIX_ERROR_FILE_MAX];
        snprintf(mname, sizeof mname, "%s (model section from line %llu)", name,
                 (unsigned long long)mline);
        st = cix_model_read_buffer(b + nl, mlen, mname, &a, &f->model, err);
    }
    if (st != CIX_OK)
        goto cleanup;
    if ((st = cix_i_frozen_alloc(&a, f->model->nind, f->model->nnodes, &f->fz, err)) !=
        CIX_OK)
        goto cleanup;
    memset(&s, 0, sizeof s);
    s.f = f;
    s.name = name;
    if ((st = cix_i_csv_records(b, at, name, ',', &a, rd_record, &s, err)) != CIX_OK)
        goto cleanup;
    if (!s.magic || s.nindicator != f->model->nind) {
        cix_i_fail(err, CIX_EPARSE,
                   "the fitted model file lacks %s: fit the model again",
                   !s.magic ? "its cix-fitted header" : "statistics of some indicators");
        cix_i_err_file(err, name, 0, 0);
        st = CIX_EPARSE;
        goto cleanup;
    }
    {
        /* the model's own file name for later messages */
        char *nm = cix_i_strndup(&a, name, strlen(name));
        if (!nm) {
            st = cix_i_nomem(err);
            goto cleanup;
        }
        cix_i_free(&a, f->model->file);
        f->model->file = nm;
    }

cleanup:
    if (st != CIX_OK) {
        cix_fitted_free(f);
        return st;
    }
    *out = f;
    return CIX_OK;
}

cix_status cix_fitted_read_file(const char *path, const cix_allocator *alloc,
                                cix_fitted **out, cix_error *err)
{
    cix_allocator a;
    char *buf;
    size_t len;
    cix_status st;
    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_read_file: out is NULL");
    *out = NULL;
    if (!path)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_read_file: path is NULL");
    cix_i_alloc_init(&a, alloc);
    if ((st = cix_i_read_whole_file(path, &a, &buf, &len, err)) != CIX_OK)
        return st;
    st = cix_fitted_read_buffer(buf, len, path, alloc, out, err);
    cix_i_free(&a, buf);
    return st;
}

/* ---- use ------------------------------------------------------------------------ */

const cix_model *cix_fitted_model(const cix_fitted *f)
{
    return f ? f->model : NULL;
}

const cix_options *cix_fitted_options(const cix_fitted *f)
{
    return f ? &f->opt : NULL;
}

const char *cix_fitted_engine_version(const cix_fitted *f)
{
    return f ? f->version : "";
}

cix_status cix_fitted_check_model(const cix_fitted *f, const cix_model *m, cix_error *err)
{
    const cix_model *fm;
    if (!f || !m)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_check_model: fitted model and model "
                                           "are required");
    fm = f->model;
    for (size_t k = 0; k < fm->nind; k++) {
        const cix_i_node *a = &fm->nodes[fm->indicators[k]];
        size_t i = cix_model_find(m, a->code);
        const cix_i_node *b = i == CIX_NO_NODE ? NULL : &m->nodes[i];
        if (!b || b->type != CIX_NODE_INDICATOR) {
            cix_i_fail(err, CIX_EDATA,
                       "indicator '%s' of the fitted model is not an indicator of '%s': the "
                       "new data must measure the same indicators; fit again for a new "
                       "framework",
                       a->code, m->file);
            cix_i_err_indicator(err, a->code);
            cix_i_err_file(err, m->file, b ? b->line : 0, 0);
            return CIX_EDATA;
        }
        if (strcmp(a->unit, b->unit) != 0) {
            cix_i_fail(err, CIX_EDATA,
                       "indicator '%s' is in '%s' in the fitted model but in '%s' here: "
                       "convert the data to the fitted unit, or fit again",
                       a->code, a->unit, b->unit);
            cix_i_err_indicator(err, a->code);
            cix_i_err_file(err, m->file, b->line, 0);
            return CIX_EDATA;
        }
        if (a->dir.kind != b->dir.kind || a->dir.a != b->dir.a || a->dir.b != b->dir.b) {
            cix_i_fail(err, CIX_EDATA,
                       "indicator '%s' has another direction than in the fitted model: "
                       "use the fitted direction, or fit again",
                       a->code);
            cix_i_err_indicator(err, a->code);
            cix_i_err_file(err, m->file, b->line, 0);
            return CIX_EDATA;
        }
    }
    return CIX_OK;
}

cix_status cix_fitted_score(const cix_fitted *f, const cix_panel *p, cix_model_result **out,
                            cix_error *err)
{
    cix_options o;
    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_score: out is NULL");
    *out = NULL;
    if (!f || !p)
        return cix_i_fail(err, CIX_EINVAL, "cix_fitted_score: fitted model and panel are "
                                           "required");
    o = f->opt;
    /* the statistics are frozen: the scope only decides the rows the
     * pre-treatment looks at, here all rows of the data being scored */
    o.scope = CIX_SCOPE_POOLED;
    return cix_i_model_run(f->model, p, &o, &f->fz, NULL, out, err);
}
