/* Notes: the record of what the engine did to the data, and its warnings. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../internal.h"

void cix_i_notes_init(cix_i_notes *ns, const cix_allocator *alloc)
{
    ns->alloc = alloc;
    ns->v = NULL;
    ns->n = ns->cap = 0;
}

void cix_i_notes_free(cix_i_notes *ns)
{
    if (!ns)
        return;
    cix_i_free(ns->alloc, ns->v);
    ns->v = NULL;
    ns->n = ns->cap = 0;
}

/* Room for `more` further notes at once. */
static cix_status notes_reserve(cix_i_notes *ns, cix_error *err, size_t more)
{
    cix_note *v;
    if (!ns || more <= ns->cap - ns->n)
        return CIX_OK;
    if (more > SIZE_MAX / sizeof *v - ns->n)
        return cix_i_nomem(err);
    v = cix_i_realloc(ns->alloc, ns->v, (ns->n + more) * sizeof *v);
    if (!v)
        return cix_i_nomem(err);
    ns->v = v;
    ns->cap = ns->n + more;
    return CIX_OK;
}

static void note_vset(cix_note *note, cix_note_kind kind, size_t indicator, size_t row,
                      double before, double after, size_t count, const char *fmt,
                      va_list ap)
{
    note->kind = kind;
    note->indicator = indicator;
    note->row = row;
    note->value_before = before;
    note->value_after = after;
    note->count = count;
    vsnprintf(note->message, sizeof note->message, fmt, ap);
}

void cix_i_note_set(cix_note *note, cix_note_kind kind, size_t indicator, size_t row,
                    double before, double after, size_t count, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    note_vset(note, kind, indicator, row, before, after, count, fmt, ap);
    va_end(ap);
}

cix_note *cix_i_notes_grow(cix_i_notes *ns, cix_error *err, size_t more)
{
    cix_note *first;
    if (notes_reserve(ns, err, more) != CIX_OK)
        return NULL;
    first = ns->v + ns->n;
    ns->n += more;
    return first;
}

cix_status cix_i_notes_add(cix_i_notes *ns, cix_error *err, cix_note_kind kind,
                           size_t indicator, size_t row, double before, double after,
                           size_t count, const char *fmt, ...)
{
    va_list ap;

    if (!ns)
        return CIX_OK;
    if (ns->n == ns->cap) {
        size_t cap = ns->cap ? ns->cap * 2 : 16;
        cix_note *v = cix_i_realloc(ns->alloc, ns->v, cap * sizeof *v);
        if (!v || cap > SIZE_MAX / sizeof *v)
            return cix_i_nomem(err);
        ns->v = v;
        ns->cap = cap;
    }
    va_start(ap, fmt);
    note_vset(&ns->v[ns->n++], kind, indicator, row, before, after, count, fmt, ap);
    va_end(ap);
    return CIX_OK;
}
