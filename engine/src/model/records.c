/*
 * Small text helpers of the model sources: CSV records through libcsv with
 * line numbers, whole-file reads, atomic writes and a growing text buffer.
 *
 * libcsv reports neither lines nor record starts, so the input is fed one
 * physical line at a time: a record completes while line L is being fed,
 * and it began L minus the line breaks inside its fields.
 * libcsv's own buffer is allocated through the caller's allocator by a
 * thread-local hook (csv_set_realloc_func takes no user data), as the panel
 * reader does.
 */
#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_internal.h"

typedef struct rec_state {
    const cix_allocator *a;
    const char *name;
    cix_i_record_fn fn;
    void *ud;
    cix_error *err;
    cix_status st;
    char *arena;         /* the current record's fields, NUL-separated */
    size_t arena_n, arena_cap;
    size_t *off, *len;   /* per field */
    const char **ptr;
    size_t nf, fcap;
    uint64_t breaks;     /* line breaks inside the current record's fields */
    uint64_t line;       /* the line being fed */
} rec_state;

static _Thread_local const cix_allocator *tls_alloc;

static void *rec_realloc(void *ptr, size_t size)
{
    return tls_alloc ? cix_i_realloc(tls_alloc, ptr, size) : NULL;
}

static void rec_free(void *ptr)
{
    if (tls_alloc)
        cix_i_free(tls_alloc, ptr);
}

static uint64_t count_breaks(const char *s, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
            k++;
    return k;
}

static int grow(const cix_allocator *a, void **p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 16;
    void *q;
    if (need <= *cap)
        return 0;
    while (c < need)
        c *= 2;
    q = cix_i_realloc(a, *p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static void on_field(void *data, size_t n, void *ud)
{
    rec_state *r = ud;
    size_t c1 = r->fcap, c2 = r->fcap;
    if (r->st != CIX_OK)
        return;
    if (!data)
        n = 0;
    if (grow(r->a, (void **)&r->arena, &r->arena_cap, r->arena_n + n + 1, 1) != 0 ||
        grow(r->a, (void **)&r->off, &c1, r->nf + 1, sizeof(size_t)) != 0 ||
        grow(r->a, (void **)&r->len, &c2, r->nf + 1, sizeof(size_t)) != 0) {
        /* keep fcap the smaller capacity of the two arrays */
        r->fcap = c1 < c2 ? c1 : c2;
        r->st = cix_i_nomem(r->err);
        return;
    }
    r->fcap = c1 < c2 ? c1 : c2;
    if (n)
        memcpy(r->arena + r->arena_n, data, n);
    r->arena[r->arena_n + n] = '\0';
    r->off[r->nf] = r->arena_n;
    r->len[r->nf] = n;
    r->nf++;
    r->arena_n += n + 1;
    r->breaks += count_breaks(data ? data : "", n);
}

static void on_record(int c, void *ud)
{
    rec_state *r = ud;
    cix_i_record rec;
    (void)c;
    if (r->st != CIX_OK)
        return;
    if (r->nf) {
        /* the pointer array is rebuilt per record: the arena may have moved */
        const char **pp = cix_i_malloc_array(r->a, r->nf, sizeof *pp);
        if (!pp) {
            r->st = cix_i_nomem(r->err);
            return;
        }
        for (size_t k = 0; k < r->nf; k++)
            pp[k] = r->arena + r->off[k];
        rec.nfields = r->nf;
        rec.field = pp;
        rec.len = r->len;
        rec.line = r->line - r->breaks;
        r->st = r->fn(r->ud, &rec, r->err);
        cix_i_free(r->a, pp);
    }
    r->nf = 0;
    r->arena_n = 0;
    r->breaks = 0;
}

cix_status cix_i_csv_records(const char *buf, size_t len, const char *name, char delim,
                             const cix_allocator *a, cix_i_record_fn fn, void *ud,
                             cix_error *err)
{
    struct csv_parser csv;
    rec_state r;
    const cix_allocator *saved = tls_alloc;
    size_t pos = 0;
    int perr = 0;

    memset(&r, 0, sizeof r);
    r.a = a;
    r.name = name;
    r.fn = fn;
    r.ud = ud;
    r.err = err;
    r.st = CIX_OK;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return cix_i_nomem(err);
    tls_alloc = a;
    csv_set_delim(&csv, (unsigned char)delim);
    csv_set_realloc_func(&csv, rec_realloc);
    csv_set_free_func(&csv, rec_free);
    r.line = 1;
    while (pos < len && r.st == CIX_OK) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t seg = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;
        if (csv_parse(&csv, buf + pos, seg, on_field, on_record, &r) != seg) {
            perr = 1;
            break;
        }
        pos += seg;
        if (nl)
            r.line++;
    }
    if (r.st == CIX_OK && !perr) {
        /* the last line had no line break: its record belongs to it */
        if (pos == len && len > 0 && buf[len - 1] == '\n')
            r.line--;
        if (csv_fini(&csv, on_field, on_record, &r) != 0)
            perr = 1;
    }
    if (r.st == CIX_OK && perr) {
        if (csv_error(&csv) == CSV_ENOMEM) {
            r.st = cix_i_nomem(err);
        } else {
            r.st = cix_i_fail(err, CIX_EPARSE,
                              "malformed CSV: a quote is not closed, or a quoted field is "
                              "followed by text before the next delimiter; quote fields "
                              "that contain the delimiter and double the quotes inside "
                              "them (\"\")");
            cix_i_err_file(err, name, r.line - r.breaks, 0);
        }
    }
    csv_free(&csv);
    tls_alloc = saved;
    cix_i_free(a, r.arena);
    cix_i_free(a, r.off);
    cix_i_free(a, r.len);
    return r.st;
}

cix_status cix_i_read_whole_file(const char *path, const cix_allocator *a, char **buf,
                                 size_t *len, cix_error *err)
{
    FILE *f = fopen(path, "rb");
    char *b = NULL;
    size_t n = 0, cap = 0;
    cix_status st = CIX_OK;

    *buf = NULL;
    *len = 0;
    if (!f) {
        cix_i_fail(err, CIX_EIO, "cannot open the file: %s; check the path and the "
                                 "permissions", strerror(errno));
        cix_i_err_file(err, path, 0, 0);
        return CIX_EIO;
    }
    for (;;) {
        size_t k;
        if (cap - n < 65536 + 1) {
            size_t c = cap ? cap * 2 : 65536 * 2;
            char *q = cix_i_realloc(a, b, c);
            if (!q) {
                st = cix_i_nomem(err);
                goto cleanup;
            }
            b = q;
            cap = c;
        }
        k = fread(b + n, 1, cap - n - 1, f);
        n += k;
        if (k == 0) {
            if (ferror(f)) {
                cix_i_fail(err, CIX_EIO, "cannot read the file: %s", strerror(errno));
                cix_i_err_file(err, path, 0, 0);
                st = CIX_EIO;
                goto cleanup;
            }
            break;
        }
    }
    b[n] = '\0';

cleanup:
    fclose(f);
    if (st != CIX_OK) {
        cix_i_free(a, b);
        return st;
    }
    *buf = b;
    *len = n;
    return CIX_OK;
}

cix_status cix_i_write_file_atomic(const char *path, const char *buf, size_t len,
                                   const cix_allocator *a, cix_error *err)
{
    size_t pl = strlen(path);
    char *tmp = cix_i_malloc(a, pl + 16);
    FILE *f = NULL;
    int fd;
    cix_status st = CIX_OK;

    if (!tmp)
        return cix_i_nomem(err);
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp.XXXXXX", 12);
    fd = mkstemp(tmp);
    if (fd < 0 || !(f = fdopen(fd, "wb"))) {
        cix_i_fail(err, CIX_EIO, "cannot create a temporary file next to the output: %s; "
                                 "check that the directory exists and is writable",
                   strerror(errno));
        cix_i_err_file(err, path, 0, 0);
        if (fd >= 0) {
            close(fd);
            remove(tmp);
        }
        st = CIX_EIO;
        goto cleanup;
    }
    if (fwrite(buf, 1, len, f) != len || fflush(f) != 0 || fsync(fileno(f)) != 0) {
        cix_i_fail(err, CIX_EIO, "cannot write the output: %s (disk full?)",
                   strerror(errno));
        cix_i_err_file(err, path, 0, 0);
        fclose(f);
        remove(tmp);
        st = CIX_EIO;
        goto cleanup;
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        cix_i_fail(err, CIX_EIO, "cannot move the output into place: %s", strerror(errno));
        cix_i_err_file(err, path, 0, 0);
        remove(tmp);
        st = CIX_EIO;
    }

cleanup:
    cix_i_free(a, tmp);
    return st;
}

/* ---- text buffer --------------------------------------------------------- */

void cix_i_text_init(cix_i_text *t, const cix_allocator *a)
{
    memset(t, 0, sizeof *t);
    t->alloc = a;
}

void cix_i_text_free(cix_i_text *t)
{
    cix_i_free(t->alloc, t->s);
    t->s = NULL;
    t->n = t->cap = 0;
}

void cix_i_text_add(cix_i_text *t, const char *s, size_t len)
{
    if (t->failed)
        return;
    if (grow(t->alloc, (void **)&t->s, &t->cap, t->n + len + 1, 1) != 0) {
        t->failed = 1;
        return;
    }
    if (len)
        memcpy(t->s + t->n, s, len);
    t->n += len;
    t->s[t->n] = '\0';
}

void cix_i_text_str(cix_i_text *t, const char *s)
{
    cix_i_text_add(t, s, strlen(s));
}

void cix_i_text_field(cix_i_text *t, const char *s, size_t len)
{
    int quote = len > 0 && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == ';' ||
            s[i] == '\t')
            quote = 1;
    if (!quote) {
        cix_i_text_add(t, s, len);
        return;
    }
    cix_i_text_add(t, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            cix_i_text_add(t, "\"", 1);
        cix_i_text_add(t, s + i, 1);
    }
    cix_i_text_add(t, "\"", 1);
}

void cix_i_text_double(cix_i_text *t, double x)
{
    char b[CIX_DOUBLE_BUFSIZE];
    size_t k = cix_format_double(x, b);
    cix_i_text_add(t, b, k);
}
