/* Allocation through a handle's cix_allocator. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "../internal.h"

#define HUGE_PAGE ((size_t)1 << 21)

void cix_i_advise_huge(void *ptr, size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    uintptr_t lo, hi;
    if (!ptr || size < CIX_I_HUGE_MIN)
        return;
    lo = ((uintptr_t)ptr + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
    hi = ((uintptr_t)ptr + size) & ~(uintptr_t)(HUGE_PAGE - 1);
    if (hi > lo)
        (void)madvise((void *)lo, (size_t)(hi - lo), MADV_HUGEPAGE);
#else
    (void)ptr;
    (void)size;
#endif
}

/* Bytes to ask for a block of `size` >= CIX_I_HUGE_MIN: rounded up to whole
 * 2 MiB pages when that adds at most an eighth (the last page can then be a
 * huge page too: the per-row arrays of a million rows, 4 or 8 MB, are just
 * under 4 or 8 MiB), else the size itself. */
static size_t huge_size(size_t size)
{
    size_t whole = (size + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    return whole - size <= size / 8 ? whole : size;
}

/* The default allocator: the C library's. A block of CIX_I_HUGE_MIN bytes
 * or more (the panel, the per-row and per-cell arrays of the pipeline) starts
 * on a 2 MiB boundary, with the huge-page hint: its first touch then costs
 * one fault per 2 MiB instead of 512. (posix_memalign's blocks go to
 * realloc and free like malloc's in the C libraries of Linux, glibc and musl,
 * the only ones this branch is compiled for.) */
static void *libc_malloc(void *ud, size_t size)
{
    void *p = NULL;
    (void)ud;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (size >= CIX_I_HUGE_MIN && size <= SIZE_MAX - HUGE_PAGE) {
        size = huge_size(size);
        if (posix_memalign(&p, HUGE_PAGE, size) != 0)
            return NULL;
        cix_i_advise_huge(p, size);
        return p;
    }
#endif
    p = malloc(size);
    return p;
}

static void *libc_realloc(void *ud, void *ptr, size_t size)
{
    void *p = realloc(ptr, size);
    (void)ud;
    cix_i_advise_huge(p, size);
    return p;
}

static void libc_free(void *ud, void *ptr)
{
    (void)ud;
    free(ptr);
}

void cix_i_alloc_init(cix_allocator *dst, const cix_allocator *a)
{
    if (a && a->malloc_fn && a->realloc_fn && a->free_fn) {
        *dst = *a;
    } else {
        dst->malloc_fn = libc_malloc;
        dst->realloc_fn = libc_realloc;
        dst->free_fn = libc_free;
        dst->ud = NULL;
    }
}

void *cix_i_malloc(const cix_allocator *a, size_t size)
{
    if (size == 0)
        size = 1;
    if (!a)
        return libc_malloc(NULL, size);
    return a->malloc_fn(a->ud, size);
}

void *cix_i_realloc(const cix_allocator *a, void *ptr, size_t size)
{
    if (size == 0)
        size = 1;
    if (!a)
        return libc_realloc(NULL, ptr, size);
    return a->realloc_fn(a->ud, ptr, size);
}

void cix_i_free(const cix_allocator *a, void *ptr)
{
    if (!ptr)
        return;
    if (!a)
        free(ptr);
    else
        a->free_fn(a->ud, ptr);
}

void *cix_i_malloc_array(const cix_allocator *a, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    return cix_i_malloc(a, n * size);
}

char *cix_i_strndup(const cix_allocator *a, const char *s, size_t len)
{
    char *d;
    if (len == SIZE_MAX)
        return NULL;
    d = cix_i_malloc(a, len + 1);
    if (!d)
        return NULL;
    if (len)
        memcpy(d, s, len);
    d[len] = '\0';
    return d;
}
