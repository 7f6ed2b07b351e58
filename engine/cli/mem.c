/* Memory for the program's arrays of one entry per row.
 *
 * On a large panel these are megabytes each, written once right after they
 * are allocated. Taken on a 2 MiB boundary with the huge-page hint (and
 * rounded up to whole 2 MiB pages when that adds at most an eighth), their
 * first touch costs one page fault per 2 MiB instead of 512 (on a virtual
 * machine a fault can cost over 10 microseconds). The library's default
 * allocator does the same for its own blocks. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "cli.h"

#define HUGE_PAGE ((size_t)1 << 21)

void *cli_rows_alloc(size_t n, size_t size)
{
    size_t bytes;
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    bytes = n * size;
    if (bytes == 0)
        bytes = 1;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (bytes >= HUGE_PAGE && bytes <= SIZE_MAX - HUGE_PAGE) {
        /* whole pages when that adds at most an eighth */
        size_t whole = (bytes + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
        void *p;
        if (whole - bytes <= bytes / 8)
            bytes = whole;
        if (posix_memalign(&p, HUGE_PAGE, bytes) != 0)
            return NULL;
        (void)madvise(p, bytes & ~(HUGE_PAGE - 1), MADV_HUGEPAGE);
        return p;
    }
#endif
    return malloc(bytes);
}

void *cli_rows_calloc(size_t n, size_t size)
{
    void *p = cli_rows_alloc(n, size);
    if (p)
        memset(p, 0, n * size);
    return p;
}
