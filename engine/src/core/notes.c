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

/* Room for `more` further notes: the list at least doubles when it grows,
 * so notes added one at a time cost O(1) each, and a large reservation is
 * one allocation of its exact size. */
static cix_status notes_reserve(cix_i_notes *ns, cix_error *err, size_t more)
{
    cix_note *v;
    size_t cap;
    if (more <= ns->cap - ns->n)
        return CIX_OK;
    if (more > SIZE_MAX / sizeof *v - ns->n)
        return cix_i_nomem(err);
    cap = ns->n + more;
    if (cap < 2 * ns->cap && 2 * ns->cap <= SIZE_MAX / sizeof *v)
        cap = 2 * ns->cap;
    if (cap < 16)
        cap = 16;
    v = cix_i_realloc(ns->alloc, ns->v, cap * sizeof *v);
    if (!v)
        return cix_i_nomem(err);
    ns->v = v;
    ns->cap = cap;
    return CIX_OK;
}

CIX_I_PRINTF(8, 0)
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
    if (notes_reserve(ns, err, 1) != CIX_OK)
        return CIX_ENOMEM;
    va_start(ap, fmt);
    note_vset(&ns->v[ns->n++], kind, indicator, row, before, after, count, fmt, ap);
    va_end(ap);
    return CIX_OK;
}
