/*
 * Reading a panel for a model: a wide file's region and year columns and
 * the model's indicator and denominator columns are kept, every other column
 * (codes, group labels) skipped; a year such as "2018.0" is read as 2018.
 * The kept cells are written into a CSV buffer with the same line numbers
 * (a blank line stands for each line a record does not start on) and read
 * by the project's reader; error columns are mapped back to the file's.
 */
#include <stdio.h>
#include <string.h>

#include "../io/binary.h"
#include "model_internal.h"

#define NONE ((size_t)-1)

typedef struct filt {
    const cix_model *m;
    const cix_read_options *o;
    cix_i_text out;
    uint64_t out_line;  /* line the next output record starts on */
    size_t ncols;
    unsigned char *keep;/* per file column */
    size_t *kept;       /* output column -> file column */
    size_t nkept;
    size_t c_year;
    int header_done;
    int is_long;
} filt;

static int name_is(const char *s, size_t len, const char *w)
{
    return w && strlen(w) == len && memcmp(s, w, len) == 0;
}

static int model_column(const cix_model *m, const char *s, size_t len)
{
    for (size_t i = 0; i < m->nnodes; i++) {
        cix_node_type t = m->nodes[i].type;
        if ((t == CIX_NODE_INDICATOR || t == CIX_NODE_DENOMINATOR) &&
            name_is(s, len, m->nodes[i].code))
            return 1;
    }
    return 0;
}

/* "2018.0" -> "2018" (digits, '.', zeros only); else unchanged. */
static size_t year_len(const char *s, size_t len)
{
    size_t i = 0, k;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    k = i;
    if (k < len && (s[k] == '-' || s[k] == '+'))
        k++;
    while (k < len && s[k] >= '0' && s[k] <= '9')
        k++;
    if (k < len && s[k] == '.') {
        size_t dot = k++;
        while (k < len && s[k] == '0')
            k++;
        while (k < len && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k == len && dot > i)
            return dot;
    }
    return len;
}

static cix_status on_record(void *ud, const cix_i_record *rec, cix_error *err)
{
    filt *f = ud;
    const cix_allocator *a = f->out.alloc;
    size_t w = 0;

    if (!f->header_done) {
        const char *rc = f->o->region_column, *yc = f->o->year_column;
        const char *ic = f->o->indicator_column, *vc = f->o->value_column;
        int has_i = 0, has_v = 0;
        f->ncols = rec->nfields;
        f->keep = cix_i_malloc(a, rec->nfields);
        f->kept = cix_i_malloc_array(a, rec->nfields, sizeof(size_t));
        if (!f->keep || !f->kept)
            return cix_i_nomem(err);
        f->c_year = NONE;
        for (size_t c = 0; c < rec->nfields; c++) {
            const char *s = rec->field[c];
            size_t len = rec->len[c];
            f->keep[c] = 0;
            has_i |= name_is(s, len, ic);
            has_v |= name_is(s, len, vc);
            if (name_is(s, len, rc) || model_column(f->m, s, len)) {
                f->keep[c] = 1;
            } else if (name_is(s, len, yc)) {
                f->keep[c] = 1;
                f->c_year = c;
            }
        }
        if (f->o->form == CIX_FORM_LONG ||
            (f->o->form == CIX_FORM_AUTO && has_i && has_v &&
             rec->nfields == 3u + (f->c_year != NONE))) {
            f->is_long = 1;
            return CIX_EUNSUPPORTED; /* stop: read the file as it is */
        }
        f->header_done = 1;
        for (size_t c = 0; c < rec->nfields; c++)
            if (f->keep[c])
                f->kept[f->nkept++] = c;
    }
    while (f->out_line < rec->line) {
        cix_i_text_add(&f->out, "\n", 1);
        f->out_line++;
    }
    for (size_t c = 0; c < rec->nfields && c < f->ncols; c++) {
        size_t len = rec->len[c];
        if (!f->keep[c])
            continue;
        if (w++)
            cix_i_text_add(&f->out, ",", 1);
        if (c == f->c_year && f->header_done && rec->line > 0)
            len = year_len(rec->field[c], len);
        cix_i_text_field(&f->out, rec->field[c], len);
        for (size_t i = 0; i < len; i++)
            f->out_line += rec->field[c][i] == '\n';
    }
    /* a short record stays short: the reader reports it */
    cix_i_text_add(&f->out, "\n", 1);
    f->out_line++;
    return f->out.failed ? cix_i_nomem(err) : CIX_OK;
}

/* The file's delimiter: the most frequent of , ; TAB on the first line. */
static char detect(const char *b, size_t len)
{
    size_t nc = 0, ns = 0, nt = 0;
    int q = 0;
    for (size_t i = 0; i < len && (q || (b[i] != '\n' && b[i] != '\r')); i++) {
        if (b[i] == '"')
            q = !q;
        else if (!q)
            nc += b[i] == ',', ns += b[i] == ';', nt += b[i] == '\t';
    }
    if (ns > nc && ns >= nt)
        return ';';
    if (nt > nc && nt > ns)
        return '\t';
    return ',';
}

/* A binary panel file (cix convert): the panel with the model's indicator
 * and denominator columns, in the file's order, as the CSV filter keeps
 * them. *out is the whole panel when no column is the model's (the model's
 * checks then name the missing ones). */
static cix_status model_columns_of(const cix_model *m, cix_panel *full,
                                   const cix_allocator *user, const cix_allocator *a,
                                   cix_panel **out, cix_error *err)
{
    size_t n = cix_panel_nrows(full), J = cix_panel_nindicators(full), k = 0;
    size_t *cols = cix_i_malloc_array(a, J ? J : 1, sizeof *cols);
    cix_panel *q = NULL;
    cix_status st = CIX_OK;

    *out = NULL;
    if (!cols) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(full, j);
        if (model_column(m, name, strlen(name)))
            cols[k++] = j;
    }
    if (k == 0 || k == J) {
        *out = full;
        full = NULL;
        goto cleanup;
    }
    if ((st = cix_panel_create(n, k, cix_panel_has_year(full), user, &q, err)) != CIX_OK)
        goto cleanup;
    for (size_t r = 0; r < n && st == CIX_OK; r++)
        st = cix_panel_set_row(q, r, cix_panel_row_region(full, r),
                               cix_panel_row_year(full, r), err);
    for (size_t i = 0; i < k && st == CIX_OK; i++) {
        st = cix_panel_set_indicator(q, i, cix_panel_indicator(full, cols[i]), err);
        if (st == CIX_OK)
            memcpy(cix_panel_column(q, i), cix_panel_column_const(full, cols[i]),
                   n * sizeof(double));
    }
    if (st == CIX_OK) {
        *out = q;
        q = NULL;
    }

cleanup:
    cix_panel_free(q);
    cix_panel_free(full);
    cix_i_free(a, cols);
    return st;
}

/* 1 when the file at path begins as a binary panel file (cix convert):
 * it is then loaded by cix_panel_read_file, which maps its values. */
static int binary_file(const char *path)
{
    unsigned char head[8];
    size_t got;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0; /* cix_i_read_whole_file reports it */
    got = fread(head, 1, sizeof head, fp);
    fclose(fp);
    return got == sizeof head && cix_i_binary_sniff(head, got);
}

cix_status cix_model_read_panel(const cix_model *m, const char *path,
                                const cix_read_options *o, cix_panel **out, cix_error *err)
{
    cix_read_options ro;
    cix_allocator a;
    filt f;
    char *buf = NULL;
    size_t len;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_read_panel: out is NULL");
    *out = NULL;
    if (!m || !path)
        return cix_i_fail(err, CIX_EINVAL, "cix_model_read_panel: model and path are "
                                           "required");
    if (o)
        ro = *o;
    else
        cix_read_options_init(&ro);
    cix_i_alloc_init(&a, ro.alloc);
    if (binary_file(path)) {
        cix_panel *full = NULL;
        if ((st = cix_panel_read_file(path, &ro, &full, err)) != CIX_OK)
            return st;
        return model_columns_of(m, full, ro.alloc, &a, out, err);
    }
    if ((st = cix_i_read_whole_file(path, &a, &buf, &len, err)) != CIX_OK)
        return st;
    if (cix_i_binary_sniff(buf, len)) { /* (short, or changed since the check) */
        cix_panel *full = NULL;
        st = cix_panel_read_buffer(buf, len, path, &ro, &full, err);
        cix_i_free(&a, buf);
        if (st != CIX_OK)
            return st;
        return model_columns_of(m, full, ro.alloc, &a, out, err);
    }
    memset(&f, 0, sizeof f);
    f.m = m;
    f.o = &ro;
    f.out_line = 1;
    if (!ro.region_column)
        ro.region_column = "region";
    if (!ro.year_column)
        ro.year_column = "year";
    if (!ro.indicator_column)
        ro.indicator_column = "indicator";
    if (!ro.value_column)
        ro.value_column = "value";
    cix_i_text_init(&f.out, &a);
    {
        char delim = ro.delimiter ? ro.delimiter : detect(buf, len);
        cix_error e2;
        st = cix_i_csv_records(buf, len, path, delim, &a, on_record, &f, &e2);
        if (st == CIX_EUNSUPPORTED && f.is_long) {
            st = cix_panel_read_buffer(buf, len, path, o, out, err);
            goto cleanup;
        }
        if (st == CIX_EPARSE || !f.header_done) {
            /* let the reader report the file's own problem */
            st = cix_panel_read_buffer(buf, len, path, o, out, err);
            goto cleanup;
        }
        if (st != CIX_OK) {
            if (err)
                *err = e2;
            goto cleanup;
        }
        ro.delimiter = ',';
    }
    st = cix_panel_read_buffer(f.out.s ? f.out.s : "", f.out.n, path, &ro, out, err);
    if (st != CIX_OK && err && err->column > 0 && err->column <= f.nkept)
        err->column = f.kept[err->column - 1] + 1;

cleanup:
    cix_i_text_free(&f.out);
    cix_i_free(&a, f.keep);
    cix_i_free(&a, f.kept);
    cix_i_free(&a, buf);
    return st;
}
