/*
 * Binary panel files: the panel as it lies in memory, so that a later run
 * loads it with a few large reads instead of parsing a CSV file. The layout
 * is documented byte by byte in docs/binary-format.md:
 *
 *   header (96 bytes) | names | row regions (u32) [| row years (i32)]
 *   | zero padding to a multiple of 4096 | values (column-major doubles)
 *
 * Writing: everything before the values is built in one buffer (its
 * checksum included), written to a temporary file next to the target, the
 * values follow straight from the panel's storage, and the temporary file is
 * renamed over the target; on any failure it is removed.
 *
 * Loading: the header is checked (magic, version, byte order, sizes, every
 * offset against the file's size), the part before the values is read and
 * its checksum, names and rows validated exactly as the CSV reader would
 * (names valid UTF-8 without control characters, indicators and regions
 * distinct, regions numbered in order of first appearance, no duplicate
 * row), and only then is the panel made. A file read through a descriptor
 * with the default allocator has its values mapped (mmap, MAP_PRIVATE,
 * copy-on-write) and the panel's columns point into the mapping, so that no
 * fresh memory is touched for them (on this kind of machine the first touch
 * of fresh memory costs more than reading pages the system already caches);
 * otherwise (memory buffer, custom allocator, no mmap, mmap failed) the
 * panel's storage is allocated and the values read into it. Either way one
 * or more threads go over the values in pieces of 1 MiB, reading each piece
 * (or faulting it in) and checking it for infinite values while it is in
 * the cache.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../internal.h"
#include "binary.h"

#if CIX_I_HAVE_MMAP
#include <sys/mman.h>
#endif
#include "csv_cells.h"

#define HEADER_SIZE 96u
#define FORMAT_VERSION 1u
#define BYTE_ORDER_MARK 0x01020304u
#define VALUES_ALIGN 4096u
#define FLAG_HAS_YEAR 1u
#define NAME_MAX_BYTES ((uint64_t)1 << 20) /* longest name accepted */
#define PIECE_CELLS ((size_t)1 << 17)        /* 1 MiB of values per read */
#define REMEDY "re-create it with cix convert"

static const unsigned char magic[8] = {0x89, 'C', 'I', 'X', '\r', '\n', 0x1A, '\n'};

/* Offsets of the header fields. */
enum {
    H_VERSION = 8,
    H_BOM = 12,
    H_DOUBLE_SIZE = 16,
    H_INDEX_SIZE = 17,
    H_RESERVED16 = 18,
    H_FLAGS = 20,
    H_NROWS = 24,
    H_NIND = 32,
    H_NREGIONS = 40,
    H_NAMES_SIZE = 48,
    H_ROWS_OFFSET = 56,
    H_VALUES_OFFSET = 64,
    H_TOTAL_SIZE = 72,
    H_CHECKSUM = 80,
    H_RESERVED64 = 88
};

/* ------------------------------------------------------------------------ */
/* little helpers                                                           */
/* ------------------------------------------------------------------------ */

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
    return (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    put_u32(p, (uint32_t)v);
    put_u32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) / a * a;
}

/* The checksum of docs/binary-format.md over buf[0..n), n a multiple of 8,
 * read as little-endian 64-bit words. */
static uint64_t checksum(const unsigned char *buf, size_t n)
{
    uint64_t h = 0x6A09E667F3BCC908ull ^ (uint64_t)n;
    for (size_t i = 0; i < n; i += 8) {
        h = (h ^ get_u64(buf + i)) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 29;
    }
    return h;
}

static int host_little_endian(void)
{
    const uint32_t one = 1;
    unsigned char c;
    memcpy(&c, &one, 1);
    return c == 1;
}

static uint64_t name_hash(const unsigned char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Power of two >= 2 n (at least 16), or 0 on overflow. */
static size_t table_size(size_t n)
{
    size_t cap = 16;
    while (cap < n * 2 || cap < n) {
        if (cap > SIZE_MAX / 4)
            return 0;
        cap *= 2;
    }
    return cap;
}

/* Finds two equal names among s[k][0..len[k]), k < n: returns 1 with *dup
 * the later one's index, 0 when all differ, -1 when out of memory. */
static int find_duplicate_name(const cix_allocator *a, const char *const *s,
                               const size_t *len, size_t n, size_t *dup)
{
    size_t cap = table_size(n), *slot;
    if (!cap || !(slot = cix_i_malloc_array(a, cap, sizeof *slot)))
        return -1;
    for (size_t i = 0; i < cap; i++)
        slot[i] = (size_t)-1;
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)name_hash((const unsigned char *)s[k], len[k]) & (cap - 1);
        for (; slot[i] != (size_t)-1; i = (i + 1) & (cap - 1)) {
            size_t o = slot[i];
            if (len[o] == len[k] && memcmp(s[o], s[k], len[k]) == 0) {
                cix_i_free(a, slot);
                *dup = k;
                return 1;
            }
        }
        slot[i] = k;
    }
    cix_i_free(a, slot);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* writing                                                                  */
/* ------------------------------------------------------------------------ */

static cix_status write_all(int fd, const void *buf, size_t n)
{
    const unsigned char *p = buf;
    while (n > 0) {
        size_t chunk = n < ((size_t)1 << 30) ? n : ((size_t)1 << 30);
        ssize_t w = write(fd, p, chunk);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = EIO;
            return CIX_EIO;
        }
        p += w;
        n -= (size_t)w;
    }
    return CIX_OK;
}

static cix_status fail_path(cix_error *err, cix_status st, const char *path, const char *fmt,
                            ...) CIX_I_PRINTF(4, 5);

static cix_status fail_path(cix_error *err, cix_status st, const char *path, const char *fmt,
                            ...)
{
    va_list ap;
    va_start(ap, fmt);
    cix_i_vfail(err, st, fmt, ap);
    va_end(ap);
    cix_i_err_file(err, path, 0, 0);
    return st;
}

/* Creates a new file next to path (path + ".tmp" + a number), mode 0666
 * less the umask. Returns the descriptor, or -1 with errno set. */
static int create_temp(const char *path, char *tmp, size_t cap)
{
    unsigned long seed = (unsigned long)(uintptr_t)tmp ^ (unsigned long)time(NULL) ^
                         (unsigned long)getpid() * 2654435761ul;
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd;
        seed = seed * 6364136223846793005ul + 1442695040888963407ul;
        snprintf(tmp, cap, "%s.tmp%06lu", path, (seed >> 16) % 1000000ul);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

/* Checks a name for the file (as the CSV reader would accept it). */
static cix_status check_save_name(const char *s, const char *what, size_t index,
                                  const char *path, cix_error *err)
{
    char msg[256];
    size_t len = strlen(s);
    if (len == 0)
        return fail_path(err, CIX_EINVAL, path,
                         "%s %zu has no name: name it before writing the panel", what,
                         index + 1);
    if (len > NAME_MAX_BYTES || cix_i_check_name(s, len, msg, sizeof msg) != CIX_OK)
        return fail_path(err, CIX_EINVAL, path,
                         "%s %zu: the name cannot be stored (%s): rename it",
                         what, index + 1, len > NAME_MAX_BYTES ? "longer than 1 MiB" : msg);
    return CIX_OK;
}

cix_status cix_panel_write_binary(const cix_panel *p, const char *path, cix_error *err)
{
    const cix_allocator *a;
    size_t n, J, nreg_panel, nreg = 0, *map = NULL, *first = NULL;
    const size_t *rreg;
    const double *data;
    unsigned char *meta = NULL;
    uint64_t names_size = 0, rows_offset, rows_bytes, values_offset, total;
    char *tmp = NULL;
    size_t tmp_cap;
    int fd = -1, has_year;
    cix_status st = CIX_OK;

    if (!p || !path || !path[0])
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_write_binary: %s",
                          !p ? "panel is NULL" : "give a file name");
    a = cix_i_panel_allocator(p);
    n = cix_panel_nrows(p);
    J = cix_panel_nindicators(p);
    has_year = cix_panel_has_year(p);
    nreg_panel = cix_panel_nregions(p);
    rreg = cix_i_panel_region_index(p);
    data = cix_i_panel_data_const(p);

    /* names, and the regions renumbered in order of first appearance */
    for (size_t j = 0; j < J; j++) {
        if ((st = check_save_name(cix_panel_indicator(p, j), "indicator", j, path, err)))
            return st;
        names_size += 4 + strlen(cix_panel_indicator(p, j));
    }
    map = cix_i_malloc_array(a, nreg_panel + 1, sizeof *map);
    first = cix_i_malloc_array(a, nreg_panel + 1, sizeof *first);
    if (!map || !first) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t k = 0; k < nreg_panel; k++)
        map[k] = (size_t)-1;
    for (size_t r = 0; r < n; r++) {
        if (rreg[r] >= nreg_panel) {
            st = fail_path(err, CIX_EINVAL, path,
                           "row %zu has no region: set it with cix_panel_set_row before "
                           "writing the panel", r + 1);
            goto cleanup;
        }
        if (map[rreg[r]] == (size_t)-1) {
            const char *name = cix_panel_row_region(p, r);
            if ((st = check_save_name(name, "region", nreg, path, err)) != CIX_OK)
                goto cleanup;
            names_size += 4 + strlen(name);
            first[nreg] = r;
            map[rreg[r]] = nreg++;
        }
    }
    for (size_t j = 0; j < J; j++) {
        const double *c = data + j * n;
        for (size_t r = 0; r < n; r++)
            if (isinf(c[r])) {
                st = fail_path(err, CIX_EDATA, path,
                               "value is infinite: a panel file holds finite values and "
                               "NaN (missing) only; fix or clear the cell");
                cix_i_err_cell(err, p, r, j);
                goto cleanup;
            }
    }

    rows_offset = align_up(HEADER_SIZE + names_size, 8);
    rows_bytes = (uint64_t)n * 4 * (has_year ? 2 : 1);
    values_offset = align_up(rows_offset + rows_bytes, VALUES_ALIGN);
    total = values_offset + (uint64_t)n * J * sizeof(double);
    if (values_offset > SIZE_MAX) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    meta = cix_i_malloc(a, (size_t)values_offset);
    if (!meta) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    memset(meta, 0, (size_t)values_offset);
    {
        const uint32_t bom = BYTE_ORDER_MARK;
        unsigned char *w = meta + HEADER_SIZE;
        unsigned char *ri = meta + rows_offset, *yi = ri + (size_t)n * 4;
        memcpy(meta, magic, sizeof magic);
        put_u32(meta + H_VERSION, FORMAT_VERSION);
        memcpy(meta + H_BOM, &bom, 4); /* native order: tells the reader ours */
        meta[H_DOUBLE_SIZE] = (unsigned char)sizeof(double);
        meta[H_INDEX_SIZE] = 4;
        put_u32(meta + H_FLAGS, has_year ? FLAG_HAS_YEAR : 0);
        put_u64(meta + H_NROWS, n);
        put_u64(meta + H_NIND, J);
        put_u64(meta + H_NREGIONS, nreg);
        put_u64(meta + H_NAMES_SIZE, names_size);
        put_u64(meta + H_ROWS_OFFSET, rows_offset);
        put_u64(meta + H_VALUES_OFFSET, values_offset);
        put_u64(meta + H_TOTAL_SIZE, total);
        for (size_t k = 0; k < J + nreg; k++) {
            const char *s = k < J ? cix_panel_indicator(p, k)
                                  : cix_panel_row_region(p, first[k - J]);
            size_t len = strlen(s);
            put_u32(w, (uint32_t)len);
            memcpy(w + 4, s, len);
            w += 4 + len;
        }
        for (size_t r = 0; r < n; r++) {
            uint32_t k = (uint32_t)map[rreg[r]];
            int32_t y = cix_panel_row_year(p, r);
            memcpy(ri + 4 * r, &k, 4);
            if (has_year)
                memcpy(yi + 4 * r, &y, 4);
        }
        put_u64(meta + H_CHECKSUM, checksum(meta, (size_t)values_offset));
    }

    tmp_cap = strlen(path) + 16;
    tmp = cix_i_malloc(a, tmp_cap);
    if (!tmp) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    fd = create_temp(path, tmp, tmp_cap);
    if (fd < 0) {
        int e = errno;
        st = fail_path(err, CIX_EIO, path,
                       "cannot create a file next to it: %s; check that the directory "
                       "exists and is writable, or write elsewhere", strerror(e));
        goto cleanup;
    }
    if (write_all(fd, meta, (size_t)values_offset) != CIX_OK ||
        write_all(fd, data, (size_t)(total - values_offset)) != CIX_OK) {
        int e = errno;
        st = fail_path(err, CIX_EIO, path,
                       "cannot write the file: %s; free some space (it needs %llu bytes) "
                       "or write elsewhere", strerror(e), (unsigned long long)total);
    }
    {
        struct stat sb;
        if (st == CIX_OK && stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            (void)fchmod(fd, sb.st_mode & 07777); /* keep the replaced file's mode */
    }
    if (close(fd) != 0 && st == CIX_OK) {
        int e = errno;
        st = fail_path(err, CIX_EIO, path, "cannot write the file: %s; write elsewhere",
                       strerror(e));
    }
    fd = -1;
    if (st == CIX_OK && rename(tmp, path) != 0) {
        int e = errno;
        st = fail_path(err, CIX_EIO, path,
                       "cannot move the finished file into place: %s; check the "
                       "permissions of the directory", strerror(e));
    }
    if (st != CIX_OK)
        (void)unlink(tmp);

cleanup:
    cix_i_free(a, tmp);
    cix_i_free(a, meta);
    cix_i_free(a, map);
    cix_i_free(a, first);
    return st;
}

/* ------------------------------------------------------------------------ */
/* loading                                                                  */
/* ------------------------------------------------------------------------ */

/* Where the bytes come from: a file (pread) or memory. */
typedef struct source {
    int fd;
    const unsigned char *mem;
    uint64_t size;
    const char *name;
} source;

/* Reads n bytes at off: 0, or -1 with *eno (0 when the file ended early). */
static int source_read(const source *s, uint64_t off, void *dst, size_t n, int *eno)
{
    unsigned char *d = dst;
    if (s->mem) {
        memcpy(d, s->mem + off, n);
        return 0;
    }
    while (n > 0) {
        ssize_t got = pread(s->fd, d, n, (off_t)off);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            *eno = got < 0 ? errno : 0;
            return -1;
        }
        d += got;
        off += (uint64_t)got;
        n -= (size_t)got;
    }
    return 0;
}

static cix_status corrupt(cix_error *err, const source *s, const char *fmt, ...)
    CIX_I_PRINTF(3, 4);

/* CIX_EPARSE: "<what is wrong>: the file is damaged or was not written by
 * cix; re-create it with cix convert". */
static cix_status corrupt(cix_error *err, const source *s, const char *fmt, ...)
{
    char what[CIX_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fail_path(err, CIX_EPARSE, s->name,
                     "binary panel file: %s; the file is damaged or was not written by "
                     "cix: " REMEDY, what);
}

static cix_status read_failed(cix_error *err, const source *s, int eno)
{
    if (eno == 0)
        return corrupt(err, s, "it ended early while being read (was it changed?)");
    return fail_path(err, CIX_EIO, s->name, "cannot read the file: %s; check the disk",
                     strerror(eno));
}

/* What the header says. */
typedef struct header {
    int has_year;
    uint64_t nrows, nind, nregions, names_size, rows_offset, values_offset, total;
} header;

static cix_status parse_header(const source *s, const unsigned char *h, header *hd,
                               cix_error *err)
{
    uint32_t version, bom, flags;
    uint64_t rows_bytes, ncell;

    if (s->size < HEADER_SIZE || memcmp(h, magic, sizeof magic) != 0)
        return corrupt(err, s, "it has %llu bytes, fewer than its %u-byte header",
                       (unsigned long long)s->size, HEADER_SIZE);
    version = get_u32(h + H_VERSION);
    if (version != FORMAT_VERSION)
        return fail_path(err, CIX_EPARSE, s->name,
                         "binary panel file of format version %u; this cix reads version "
                         "%u: %s from the CSV file with this cix's cix convert",
                         version, FORMAT_VERSION,
                         version > FORMAT_VERSION ? "use a newer cix, or re-create it"
                                                  : "re-create it");
    memcpy(&bom, h + H_BOM, 4);
    if (bom != BYTE_ORDER_MARK) {
        const uint32_t swapped = 0x04030201u;
        if (bom == swapped)
            return fail_path(err, CIX_EPARSE, s->name,
                             "binary panel file written on a %s-endian machine, and this "
                             "one is %s-endian: convert the CSV file again on this "
                             "machine with cix convert",
                             host_little_endian() ? "big" : "little",
                             host_little_endian() ? "little" : "big");
        return corrupt(err, s, "byte-order mark 0x%08X is not 0x%08X", (unsigned)bom,
                       BYTE_ORDER_MARK);
    }
    if (h[H_DOUBLE_SIZE] != sizeof(double) || h[H_INDEX_SIZE] != 4)
        return corrupt(err, s, "value size %u and index size %u are not 8 and 4",
                       (unsigned)h[H_DOUBLE_SIZE], (unsigned)h[H_INDEX_SIZE]);
    flags = get_u32(h + H_FLAGS);
    if ((flags & ~FLAG_HAS_YEAR) != 0 || h[H_RESERVED16] || h[H_RESERVED16 + 1] ||
        get_u64(h + H_RESERVED64) != 0)
        return corrupt(err, s, "unknown flags or reserved fields set in the header");
    hd->has_year = (flags & FLAG_HAS_YEAR) != 0;
    hd->nrows = get_u64(h + H_NROWS);
    hd->nind = get_u64(h + H_NIND);
    hd->nregions = get_u64(h + H_NREGIONS);
    hd->names_size = get_u64(h + H_NAMES_SIZE);
    hd->rows_offset = get_u64(h + H_ROWS_OFFSET);
    hd->values_offset = get_u64(h + H_VALUES_OFFSET);
    hd->total = get_u64(h + H_TOTAL_SIZE);

    if (hd->total != s->size)
        return corrupt(err, s,
                       hd->total > s->size ? "it has %llu bytes and its header says %llu "
                                             "(cut short, e.g. by an interrupted copy)"
                                           : "it has %llu bytes and its header says %llu "
                                             "(data after the end)",
                       (unsigned long long)s->size, (unsigned long long)hd->total);
    /* every count within what the file's size allows (no overflow below) */
    if (hd->names_size > s->size || hd->nrows > s->size / 4 || hd->nind > s->size / 5 ||
        hd->nregions > s->size / 5 || hd->nregions >= UINT32_MAX ||
        hd->nregions > hd->nrows || (hd->nregions == 0) != (hd->nrows == 0) ||
        (hd->nind + hd->nregions) * 5 > hd->names_size + 4 * (hd->nind + hd->nregions))
        return corrupt(err, s, "impossible counts in the header (%llu rows, %llu "
                               "indicators, %llu regions, %llu bytes of names)",
                       (unsigned long long)hd->nrows, (unsigned long long)hd->nind,
                       (unsigned long long)hd->nregions,
                       (unsigned long long)hd->names_size);
    rows_bytes = hd->nrows * 4 * (hd->has_year ? 2 : 1);
    if (hd->rows_offset != align_up(HEADER_SIZE + hd->names_size, 8) ||
        hd->values_offset != align_up(hd->rows_offset + rows_bytes, VALUES_ALIGN) ||
        hd->values_offset > s->size)
        return corrupt(err, s, "the section offsets in the header are inconsistent");
    ncell = hd->nind ? hd->nrows * hd->nind : 0;
    if ((hd->nind && hd->nrows > (s->size - hd->values_offset) / 8 / hd->nind) ||
        hd->values_offset + ncell * 8 != hd->total)
        return corrupt(err, s, "the size of the values (%llu rows x %llu indicators) does "
                               "not match the file's size",
                       (unsigned long long)hd->nrows, (unsigned long long)hd->nind);
    if (hd->values_offset > SIZE_MAX || ncell > SIZE_MAX / 8)
        return fail_path(err, CIX_ENOMEM, s->name,
                         "the panel is too large for this machine's address space");
    return CIX_OK;
}

/* Names and rows of the part before the values. */
typedef struct meta_view {
    const char **name; /* indicators, then regions */
    size_t *len;
    const uint32_t *row_region;
    const int32_t *row_year;
} meta_view;

static cix_status parse_meta(const source *s, const header *hd, unsigned char *m,
                             const cix_allocator *a, meta_view *v, cix_error *err)
{
    size_t nnames = (size_t)(hd->nind + hd->nregions), n = (size_t)hd->nrows, dup;
    uint64_t stored = get_u64(m + H_CHECKSUM), pos = HEADER_SIZE;
    const uint64_t end = HEADER_SIZE + hd->names_size;
    uint32_t next_region = 0;
    char msg[256];
    int d;

    put_u64(m + H_CHECKSUM, 0);
    if (checksum(m, (size_t)hd->values_offset) != stored)
        return corrupt(err, s, "the checksum of the header, names and rows does not match");
    for (uint64_t i = end; i < hd->rows_offset; i++)
        if (m[i])
            return corrupt(err, s, "padding bytes are not zero");
    for (uint64_t i = hd->rows_offset + n * 4 * (hd->has_year ? 2u : 1u);
         i < hd->values_offset; i++)
        if (m[i])
            return corrupt(err, s, "padding bytes are not zero");

    for (size_t k = 0; k < nnames; k++) {
        const char *what = k < hd->nind ? "indicator" : "region";
        size_t index = k < hd->nind ? k : k - (size_t)hd->nind;
        uint32_t len;
        if (end - pos < 4 || (len = get_u32(m + pos)) > end - pos - 4)
            return corrupt(err, s, "the names section ends inside %s name %zu", what,
                           index + 1);
        if (len == 0 || len > NAME_MAX_BYTES)
            return corrupt(err, s, "%s name %zu has %u bytes", what, index + 1,
                           (unsigned)len);
        if (cix_i_check_name((const char *)m + pos + 4, len, msg, sizeof msg) != CIX_OK)
            return corrupt(err, s, "%s name %zu: %s", what, index + 1, msg);
        v->name[k] = (const char *)m + pos + 4;
        v->len[k] = len;
        pos += 4 + (uint64_t)len;
    }
    if (pos != end)
        return corrupt(err, s, "%llu bytes left over after the names",
                       (unsigned long long)(end - pos));
    d = find_duplicate_name(a, (const char *const *)v->name, v->len, (size_t)hd->nind,
                            &dup);
    if (d == 0) {
        d = find_duplicate_name(a, (const char *const *)v->name + hd->nind, v->len + hd->nind,
                                (size_t)hd->nregions, &dup);
        if (d > 0)
            return corrupt(err, s, "region name %zu appears twice", dup + 1);
    } else if (d > 0) {
        return corrupt(err, s, "indicator name %zu appears twice", dup + 1);
    }
    if (d < 0)
        return cix_i_nomem(err);

    v->row_region = (const uint32_t *)(const void *)(m + hd->rows_offset);
    v->row_year = hd->has_year ? (const int32_t *)(const void *)(m + hd->rows_offset + 4 * n)
                               : NULL;
    for (size_t r = 0; r < n; r++) {
        uint32_t k = v->row_region[r];
        if (k > next_region || k >= hd->nregions)
            return corrupt(err, s, "row %zu refers to region %lu out of order", r + 1,
                           (unsigned long)k + 1);
        if (k == next_region)
            next_region++;
        if (v->row_year && v->row_year[r] == CIX_NO_YEAR)
            return corrupt(err, s, "row %zu has no year", r + 1);
    }
    if (next_region != hd->nregions)
        return corrupt(err, s, "%lu regions listed and %lu used by the rows",
                       (unsigned long)hd->nregions, (unsigned long)next_region);
    {
        /* duplicate rows: a set of (region, year) keys */
        size_t cap = table_size(n);
        uint64_t *set = cap ? cix_i_malloc_array(a, cap, sizeof *set) : NULL;
        if (!set)
            return cix_i_nomem(err);
        memset(set, 0, cap * sizeof *set);
        for (size_t r = 0; r < n; r++) {
            uint64_t key = ((uint64_t)v->row_region[r] << 32 |
                            (v->row_year ? (uint32_t)v->row_year[r] : 0u)) + 1;
            size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (cap - 1);
            for (; set[i] && set[i] != key; i = (i + 1) & (cap - 1))
                ;
            if (set[i] == key) {
                cix_i_free(a, set);
                return corrupt(err, s, "row %zu repeats an earlier (region, year)", r + 1);
            }
            set[i] = key;
        }
        cix_i_free(a, set);
    }
    return CIX_OK;
}

/* The values: every thread reads its share of the cells in pieces (or, when
 * they are mapped, faults them in) and checks each piece for infinite values
 * while it is in the cache. */
typedef struct values_job {
    const source *s;
    uint64_t off;
    double *dst;
    size_t ncell;
    int mapped; /* dst is the mapping of the values: nothing to read */
    size_t bad[CIX_I_MAX_THREADS]; /* first infinite cell, or (size_t)-1 */
    int eno[CIX_I_MAX_THREADS];    /* -1 = fine, 0 = file ended, else errno */
} values_job;

static void read_values(void *ctx, int t, int nt)
{
    values_job *job = ctx;
    size_t c0 = job->ncell / (size_t)nt * (size_t)t, c1;
    c1 = t == nt - 1 ? job->ncell : job->ncell / (size_t)nt * (size_t)(t + 1);
    job->bad[t] = (size_t)-1;
    job->eno[t] = -1;
    for (size_t c = c0; c < c1; c += PIECE_CELLS) {
        size_t m = c1 - c < PIECE_CELLS ? c1 - c : PIECE_CELLS;
        double *d = job->dst + c;
        int inf = 0, eno = 0;
        if (!job->mapped &&
            source_read(job->s, job->off + (uint64_t)c * 8, d, m * sizeof(double), &eno)) {
            job->eno[t] = eno;
            return;
        }
        for (size_t i = 0; i < m; i++)
            inf |= isinf(d[i]) != 0;
        if (inf) {
            size_t i = 0;
            while (!isinf(d[i]))
                i++;
            job->bad[t] = c + i;
            return;
        }
    }
}

/* 1 when a is the default allocator (o->alloc NULL or incomplete). */
static int default_allocator(const cix_allocator *a)
{
    cix_allocator d;
    cix_i_alloc_init(&d, NULL);
    return a->malloc_fn == d.malloc_fn && a->realloc_fn == d.realloc_fn &&
           a->free_fn == d.free_fn;
}

static void unmap_values(void *map, size_t len)
{
#if CIX_I_HAVE_MMAP
    (void)munmap(map, len);
#else
    (void)map;
    (void)len;
#endif
}

/* Maps the values of the file s (read through a descriptor) privately and
 * writable (copy-on-write: a write to the panel never reaches the file).
 * The mapping starts at the page that holds values_offset (a multiple of
 * 4096, which need not be one of the page size). Returns 1 with *map,
 * *map_len and *data set, or 0 (no descriptor, no values, no mmap, or mmap
 * failed): the caller then reads the values into allocated storage. */
static int map_values(const source *s, const header *hd, void **map, size_t *map_len,
                      double **data)
{
#if CIX_I_HAVE_MMAP
    long page = sysconf(_SC_PAGESIZE);
    uint64_t start, len;
    void *m;
    if (s->fd < 0 || page <= 0 || hd->total <= hd->values_offset)
        return 0;
    start = hd->values_offset / (uint64_t)page * (uint64_t)page;
    len = hd->total - start;
    if (len > SIZE_MAX || (uint64_t)(off_t)start != start)
        return 0;
    m = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_PRIVATE, s->fd, (off_t)start);
    if (m == MAP_FAILED)
        return 0;
    *map = m;
    *map_len = (size_t)len;
    *data = (double *)(void *)((unsigned char *)m + (size_t)(hd->values_offset - start));
    return 1;
#else
    (void)s;
    (void)hd;
    (void)map;
    (void)map_len;
    (void)data;
    return 0;
#endif
}

static cix_status load(const source *s, const cix_read_options *o, cix_panel **out,
                       cix_error *err)
{
    cix_allocator alloc;
    unsigned char h[HEADER_SIZE], *m = NULL;
    meta_view v = {NULL, NULL, NULL, NULL};
    header hd;
    cix_panel *p = NULL;
    char *arena = NULL;
    void *map = NULL;
    double *mapped_data = NULL;
    size_t nnames, map_len = 0;
    int eno = 0, mapped = 0;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "binary panel: out is NULL");
    *out = NULL;
    cix_i_alloc_init(&alloc, o ? o->alloc : NULL);
    memset(h, 0, sizeof h);
    memset(&hd, 0, sizeof hd);
    if (source_read(s, 0, h, s->size < HEADER_SIZE ? (size_t)s->size : HEADER_SIZE, &eno))
        return read_failed(err, s, eno);
    if ((st = parse_header(s, h, &hd, err)) != CIX_OK)
        return st;
    nnames = (size_t)(hd.nind + hd.nregions);
    m = cix_i_malloc(&alloc, (size_t)hd.values_offset);
    v.name = cix_i_malloc_array(&alloc, nnames, sizeof *v.name);
    v.len = cix_i_malloc_array(&alloc, nnames, sizeof *v.len);
    if (!m || !v.name || !v.len) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    if (source_read(s, 0, m, (size_t)hd.values_offset, &eno)) {
        st = read_failed(err, s, eno);
        goto cleanup;
    }
    if ((st = parse_meta(s, &hd, m, &alloc, &v, err)) != CIX_OK)
        goto cleanup;

    /* map the values only with the default allocator: a caller who gives
     * one expects the panel's storage to come from it */
    mapped = default_allocator(&alloc) && map_values(s, &hd, &map, &map_len, &mapped_data);
    if (mapped) {
        st = cix_i_panel_create_mapped((size_t)hd.nrows, (size_t)hd.nind, hd.has_year,
                                       &alloc, map, map_len, mapped_data, &p, err);
        if (st != CIX_OK)
            unmap_values(map, map_len);
    } else {
        st = cix_i_panel_create_uninit((size_t)hd.nrows, (size_t)hd.nind, hd.has_year,
                                       &alloc, &p, err);
    }
    if (st != CIX_OK)
        goto cleanup;
    arena = cix_i_malloc(&alloc, (size_t)hd.names_size + 1);
    if (!arena) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < hd.nind; j++) {
        memcpy(arena, v.name[j], v.len[j]);
        arena[v.len[j]] = '\0';
        if ((st = cix_panel_set_indicator(p, j, arena, err)) != CIX_OK)
            goto cleanup;
    }
    st = cix_i_panel_set_rows(p, (const char *const *)v.name + hd.nind, v.len + hd.nind,
                              (size_t)hd.nregions, v.row_region, v.row_year, err);
    if (st != CIX_OK)
        goto cleanup;
    cix_i_free(&alloc, m); /* the names were copied: free before the values come */
    m = NULL;
    {
        values_job job;
        size_t ncell = (size_t)(hd.nrows * hd.nind), first_bad = (size_t)-1;
        int nt = cix_i_threads_resolve(o ? o->nthreads : 0, ncell), bad_eno = -1;
        if ((size_t)nt > ncell / PIECE_CELLS + 1)
            nt = (int)(ncell / PIECE_CELLS + 1);
        job.s = s;
        job.off = hd.values_offset;
        job.dst = cix_i_panel_data(p);
        job.ncell = ncell;
        job.mapped = mapped;
        cix_i_parallel(nt, read_values, &job);
        for (int t = 0; t < nt; t++) {
            if (job.eno[t] >= 0 && bad_eno < 0)
                bad_eno = job.eno[t];
            if (job.bad[t] < first_bad)
                first_bad = job.bad[t];
        }
        if (bad_eno >= 0) {
            st = read_failed(err, s, bad_eno);
        } else if (first_bad != (size_t)-1) {
            size_t n = (size_t)hd.nrows;
            st = corrupt(err, s, "an infinite value (indicator %zu, row %zu)",
                         first_bad / n + 1, first_bad % n + 1);
            cix_i_err_cell(err, p, first_bad % n, first_bad / n);
        }
    }

cleanup:
    cix_i_free(&alloc, arena);
    cix_i_free(&alloc, m);
    cix_i_free(&alloc, v.name);
    cix_i_free(&alloc, v.len);
    if (st != CIX_OK)
        cix_panel_free(p);
    else
        *out = p;
    return st;
}

int cix_i_binary_sniff(const void *buf, size_t n)
{
    return n > 0 && memcmp(buf, magic, n < sizeof magic ? n : sizeof magic) == 0;
}

cix_status cix_i_binary_read_fd(int fd, const char *path, const cix_read_options *o,
                                cix_panel **out, cix_error *err)
{
    struct stat sb;
    source s;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (out)
            *out = NULL;
        return fail_path(err, CIX_EIO, path,
                         "a binary panel file must be a regular file (not a pipe or "
                         "device): give its path");
    }
    s.fd = fd;
    s.mem = NULL;
    s.size = (uint64_t)sb.st_size;
    s.name = path;
    return load(&s, o, out, err);
}

cix_status cix_i_binary_read_buffer(const void *buf, size_t len, const char *name,
                                    const cix_read_options *o, cix_panel **out,
                                    cix_error *err)
{
    source s;
    s.fd = -1;
    s.mem = buf;
    s.size = len;
    s.name = name ? name : "<memory>";
    return load(&s, o, out, err);
}
