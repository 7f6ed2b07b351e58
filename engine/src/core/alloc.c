/* Allocation through a handle's cix_allocator. */
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

static void *libc_malloc(void *ud, size_t size)
{
    (void)ud;
    return malloc(size);
}

static void *libc_realloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    return realloc(ptr, size);
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
        return malloc(size);
    return a->malloc_fn(a->ud, size);
}

void *cix_i_realloc(const cix_allocator *a, void *ptr, size_t size)
{
    if (size == 0)
        size = 1;
    if (!a)
        return realloc(ptr, size);
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
