/* Private declarations shared by the engine's sources. Not installed.
 * Internal functions that cross files use the prefix cix_i_. */
#ifndef CIX_INTERNAL_H
#define CIX_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "cix/cix.h"

#if defined(__GNUC__)
#  define CIX_I_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define CIX_I_PRINTF(f, a)
#endif

/* ---- allocation (core/alloc.c) ---------------------------------------- */

/* Copies *a into *dst, or the libc allocator when a is NULL. */
void cix_i_alloc_init(cix_allocator *dst, const cix_allocator *a);
void *cix_i_malloc(const cix_allocator *a, size_t size);
void *cix_i_realloc(const cix_allocator *a, void *ptr, size_t size);
void cix_i_free(const cix_allocator *a, void *ptr);
/* malloc of n*size with an overflow check (NULL on overflow). */
void *cix_i_malloc_array(const cix_allocator *a, size_t n, size_t size);
/* Copy of s[0..len) plus a NUL, or NULL. */
char *cix_i_strndup(const cix_allocator *a, const char *s, size_t len);

/* ---- errors (core/error.c) -------------------------------------------- */

/*
 * Fills *err (if not NULL): status, message from fmt, and clears the
 * location fields. Returns status so callers can `return cix_i_fail(...)`.
 */
cix_status cix_i_fail(cix_error *err, cix_status status, const char *fmt, ...)
    CIX_I_PRINTF(3, 4);
cix_status cix_i_vfail(cix_error *err, cix_status status, const char *fmt, va_list ap);
/* Location setters, each a no-op when err is NULL; call after cix_i_fail. */
void cix_i_err_file(cix_error *err, const char *file, uint64_t line, uint64_t column);
void cix_i_err_indicator(cix_error *err, const char *indicator);
void cix_i_err_region(cix_error *err, const char *region);
void cix_i_err_year(cix_error *err, int32_t year);
/* Convenience: sets indicator/region/year of cell (row, j) of panel p. */
void cix_i_err_cell(cix_error *err, const cix_panel *p, size_t row, size_t j);
/* Short for cix_i_fail(err, CIX_ENOMEM, "out of memory"). */
cix_status cix_i_nomem(cix_error *err);

/* ---- panel internals (core/panel.c) ----------------------------------- */

/* The allocator a panel was created with. */
const cix_allocator *cix_i_panel_allocator(const cix_panel *p);
/* Year index (0..nyears-1, in ascending year order) of each row; NULL for a
 * cross-section. Valid until the panel's rows change. */
const int32_t *cix_i_panel_year_index(const cix_panel *p);
/* Region index (0..nregions-1, in order of first appearance) of each row. */
const size_t *cix_i_panel_region_index(const cix_panel *p);
/* The whole column-major value matrix (ld = nrows). */
double *cix_i_panel_data(cix_panel *p);
const double *cix_i_panel_data_const(const cix_panel *p);

/* ---- UTF-8 (core/utf8.c) ----------------------------------------------- */

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates), else 0; when
 * invalid and bad_offset != NULL, *bad_offset is the offset of the first
 * bad byte. */
int cix_i_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* ---- numerics (core/sum.c) --------------------------------------------- */

/* Pairwise-free Neumaier compensated sum of x[0..n) skipping NaN;
 * *count receives the number of values summed (may be NULL). */
double cix_i_sum(const double *x, size_t n, size_t *count);

#endif /* CIX_INTERNAL_H */
