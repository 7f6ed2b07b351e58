/*
 * Reading panels from CSV with libcsv: wide form (region, optional year, one
 * column per indicator) and long form (region, year, indicator, value).
 *
 * Input handling
 * - The input may arrive in chunks of any size (cix_reader_feed). Until the
 *   end of the first non-blank line (outside quotes) is seen the bytes are
 *   kept in a small buffer; then a UTF-8 byte-order mark is dropped, a
 *   UTF-16 one is refused, the delimiter is detected when not configured
 *   (the most frequent of , ; TAB outside quotes in that line; ',' on a tie
 *   or when none occurs), and everything goes to libcsv.
 * - libcsv is fed one physical line at a time (each call ends at a CR or LF),
 *   so that during its callbacks the reader knows the current line number.
 *   Fields that contain line breaks inside quotes end on a later line; the
 *   line of such a field's start is found by counting the breaks inside it.
 *   Columns in error details are field numbers (1-based).
 * - Options CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL: a stray quote
 *   and an unterminated quoted field are errors; an empty unquoted field
 *   arrives as NULL. Blank lines, and rows whose fields are all empty (the
 *   ",,,," lines spreadsheets write), are skipped.
 * - An error found in a cell is held until the end of its row, so that the
 *   region and year of the row can be named even when their columns come
 *   later; errors about the row's shape (field count, quoting) come first.
 *
 * Fast path (read_fast.c)
 * - cix_panel_read_file and cix_panel_read_buffer read the header here, then
 *   hand the data rows of a wide file to cix_i_fast_read: one pass counts
 *   the rows, the panel is allocated once, and one or more threads (option
 *   nthreads) parse the rows straight into its columns. Whenever a row is
 *   anything but plain (an error, a quoted value, quotes around a line
 *   break, a lone CR, a blank or all-empty row, a duplicate), the fast path
 *   gives up and the rows are read again below, so every error is reported
 *   by the code that follows, with the same line, column and message. The
 *   fast path holds the panel's values once (about 1.05 times 8 n J bytes at
 *   the peak); cix_reader_feed always uses the general reader.
 *
 * Memory (general reader)
 * - Wide form: values are collected row-major in blocks of about 256 KiB
 *   (no reallocation, so no copying while reading), then transposed into the
 *   panel's column-major matrix, each block being freed once copied. The
 *   peak is therefore about twice the panel's values (8 n J bytes each) plus
 *   40 bytes per row (region, year, line, hash slot) and the distinct names.
 * - Long form: one 32-byte record per cell, grown by doubling (peak about
 *   six times 8 n J in the worst case), plus a bit per panel cell to find
 *   duplicates while building.
 * - No allocation per cell: names are interned in arenas with hash indexes.
 *
 * libcsv's own buffer
 * libcsv grows its field buffer through a realloc function set with
 * csv_set_realloc_func, which takes no user-data pointer. To route those
 * allocations through the reader's cix_allocator (so that a failing
 * allocator is seen everywhere and out-of-memory is reported as CIX_ENOMEM),
 * the reader sets a _Thread_local pointer to itself around each call into
 * libcsv (csv_parse, csv_fini, csv_free) and restores the previous value
 * afterwards. The pointer is per thread and only meaningful during those
 * calls, so readers on different threads never see each other. The hook also
 * lets the buffer grow geometrically instead of by libcsv's fixed 128 bytes.
 */
#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "../internal.h"
#include "binary.h"
#include "csv_cells.h"
#include "read_fast.h"

#define NONE ((size_t)-1)
#define BLOCK_DOUBLES 32768 /* values per storage block (256 KiB) */
#define READ_CHUNK 65536    /* bytes per fread in cix_panel_read_file */
#define CSV_OPTIONS (CSV_STRICT | CSV_STRICT_FINI | CSV_EMPTY_IS_NULL)

enum phase { PH_START, PH_HEADER, PH_DATA, PH_DONE };
enum role { R_INDICATOR, R_REGION, R_YEAR, R_LONG_INDICATOR, R_LONG_VALUE };

/* Interned names: NUL-terminated strings back to back in an arena, with an
 * open-addressing hash index. */
typedef struct strtab {
    char *arena;
    size_t used, cap;
    size_t *off; /* name k starts at arena + off[k] */
    size_t n, ncap;
    size_t *slot; /* indices into off, NONE = empty; nslot is a power of 2 */
    size_t nslot;
} strtab;

typedef struct rowrec {
    size_t region;
    int32_t year;
    uint64_t line;
} rowrec;

typedef struct cellrec { /* long form */
    size_t row, j;
    double value;
    uint64_t line;
} cellrec;

struct cix_reader {
    cix_allocator alloc;
    char *name;
    /* options; the strings live in `strings` */
    cix_csv_form form;
    char delim_opt;
    const char *col_region, *col_year, *col_ind, *col_value;
    const char *na[CIX_MAX_NA_STRINGS];
    size_t na_len[CIX_MAX_NA_STRINGS], nna;
    unsigned char na_first[256]; /* 1 if some NA string starts with this byte */
    int na_empty;                /* "" is an NA string */
    char *strings;
    int nthreads;

    enum phase phase;
    cix_status status; /* first error, repeated by every later call */
    cix_error err;

    /* the first line, until the delimiter is known */
    unsigned char *pend;
    size_t npend, pend_cap;
    int scan_quoted, scan_content;

    struct csv_parser csv;
    int csv_ready;
    char delim;

    /* position */
    uint64_t line;       /* current physical line, 1-based */
    int prev_cr;         /* the last byte given to libcsv was CR */
    int nl_in_field;     /* a line break was passed inside a quoted field */
    size_t field;        /* fields seen in the current record */
    uint64_t record_line;
    uint64_t header_line;

    /* header */
    char *hdr;          /* raw header names, NUL-terminated, back to back */
    size_t hdr_used, hdr_cap;
    size_t *hdr_off, *hdr_len;
    size_t ncols, hdr_ncap, hdr_len_cap;
    strtab cols;
    enum role *role;
    size_t *role_j;     /* indicator index of a wide indicator column */
    size_t *ind_col;    /* wide: column of indicator j */
    size_t nind;
    int has_year, is_long;
    size_t c_region, c_year, c_ind, c_value;

    /* current record */
    int rec_any;        /* some field is not empty */
    size_t rec_region;  /* NONE until read */
    int32_t rec_year;
    int rec_year_ok;
    size_t rec_ind;
    double rec_value;
    int has_pending;
    cix_error pending;
    double *cur;        /* wide: the row being filled */

    /* rows */
    strtab regions;
    rowrec *rows;
    size_t nrows, rows_cap;
    size_t *rslot, nrslot;

    /* wide values */
    double **blocks;
    size_t nblocks, blocks_cap, rows_per_block;

    /* long values */
    strtab inds;
    cellrec *cells;
    size_t ncells, cells_cap;
};

/* ------------------------------------------------------------------------ */
/* small helpers                                                            */
/* ------------------------------------------------------------------------ */

/* Makes room for `need` elements of `size` bytes in *p (capacity *cap),
 * doubling. 0 or -1 (overflow or allocation failure). */
static int reserve(const cix_allocator *a, void **p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 16;
    void *q;
    if (need <= *cap)
        return 0;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    if (c > SIZE_MAX / size)
        return -1;
    q = cix_i_realloc(a, *p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t hash_row(size_t region, int32_t year)
{
    uint64_t h = (uint64_t)region * 0x9E3779B97F4A7C15ull ^ (uint32_t)year;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

static size_t count_breaks(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == len || s[i + 1] != '\n')))
            n++;
    return n;
}

/* ---- strtab ------------------------------------------------------------- */

static const char *strtab_name(const strtab *t, size_t k)
{
    return t->arena + t->off[k];
}

static size_t strtab_len(const strtab *t, size_t k)
{
    return (k + 1 < t->n ? t->off[k + 1] : t->used) - t->off[k] - 1;
}

static void strtab_free(const cix_allocator *a, strtab *t)
{
    cix_i_free(a, t->arena);
    cix_i_free(a, t->off);
    cix_i_free(a, t->slot);
    memset(t, 0, sizeof *t);
}

static int strtab_rehash(const cix_allocator *a, strtab *t, size_t nslot)
{
    size_t *s = cix_i_malloc_array(a, nslot, sizeof *s);
    if (!s)
        return -1;
    for (size_t i = 0; i < nslot; i++)
        s[i] = NONE;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = (size_t)hash_bytes(strtab_name(t, k), strtab_len(t, k)) & (nslot - 1);
        while (s[i] != NONE)
            i = (i + 1) & (nslot - 1);
        s[i] = k;
    }
    cix_i_free(a, t->slot);
    t->slot = s;
    t->nslot = nslot;
    return 0;
}

/* Index of name s[0..len) (no NUL inside), added when new (*added = 1).
 * NONE on allocation failure. */
static size_t strtab_intern(const cix_allocator *a, strtab *t, const char *s, size_t len,
                            int *added)
{
    size_t i;
    *added = 0;
    if ((t->n + 1) * 2 > t->nslot) {
        if (t->nslot > SIZE_MAX / 4 ||
            strtab_rehash(a, t, t->nslot ? t->nslot * 2 : 16) != 0)
            return NONE;
    }
    i = (size_t)hash_bytes(s, len) & (t->nslot - 1);
    for (;;) {
        size_t k = t->slot[i];
        if (k == NONE)
            break;
        if (strtab_len(t, k) == len && memcmp(strtab_name(t, k), s, len) == 0)
            return k;
        i = (i + 1) & (t->nslot - 1);
    }
    if (len >= SIZE_MAX - t->used - 1 ||
        reserve(a, (void **)&t->arena, &t->cap, t->used + len + 1, 1) != 0 ||
        reserve(a, (void **)&t->off, &t->ncap, t->n + 1, sizeof *t->off) != 0)
        return NONE;
    memcpy(t->arena + t->used, s, len);
    t->arena[t->used + len] = '\0';
    t->off[t->n] = t->used;
    t->used += len + 1;
    t->slot[i] = t->n;
    *added = 1;
    return t->n++;
}

/* ---- errors ------------------------------------------------------------- */

static void fail_nomem(cix_reader *r)
{
    if (r->status != CIX_OK)
        return;
    r->status = cix_i_nomem(&r->err);
}

/* Records the reader's (first) error at line, column of the input. */
static void fail_at(cix_reader *r, cix_status st, uint64_t line, uint64_t col,
                    const char *fmt, ...) CIX_I_PRINTF(5, 6);
static void fail_at(cix_reader *r, cix_status st, uint64_t line, uint64_t col,
                    const char *fmt, ...)
{
    va_list ap;
    if (r->status != CIX_OK)
        return;
    va_start(ap, fmt);
    cix_i_vfail(&r->err, st, fmt, ap);
    va_end(ap);
    cix_i_err_file(&r->err, r->name, line, col);
    r->status = st;
}

/* Holds a cell's error until the end of its row (the first one wins). */
static void pend_cell(cix_reader *r, cix_status st, uint64_t line, size_t col,
                      const char *indicator, const char *fmt, ...) CIX_I_PRINTF(6, 7);
static void pend_cell(cix_reader *r, cix_status st, uint64_t line, size_t col,
                      const char *indicator, const char *fmt, ...)
{
    va_list ap;
    if (r->has_pending)
        return;
    va_start(ap, fmt);
    cix_i_vfail(&r->pending, st, fmt, ap);
    va_end(ap);
    cix_i_err_file(&r->pending, r->name, line, col + 1);
    if (indicator)
        cix_i_err_indicator(&r->pending, indicator);
    r->has_pending = 1;
}

static const char *col_name(const cix_reader *r, size_t col)
{
    return r->hdr + r->hdr_off[col];
}

/* ------------------------------------------------------------------------ */
/* libcsv allocation hooks                                                  */
/* ------------------------------------------------------------------------ */

/* The reader whose libcsv call is running on this thread (see the comment
 * at the top of the file). */
static _Thread_local cix_reader *tls_reader;

static void *csv_realloc_hook(void *ptr, size_t size)
{
    cix_reader *r = tls_reader;
    void *q;
    if (!r)
        return NULL;
    q = cix_i_realloc(&r->alloc, ptr, size);
    /* grow geometrically: the next increase adds as much as there is now */
    if (q && size > r->csv.blk_size)
        r->csv.blk_size = size;
    return q;
}

static void csv_free_hook(void *ptr)
{
    if (tls_reader)
        cix_i_free(&tls_reader->alloc, ptr);
}

static void on_field(void *data, size_t len, void *ud);
static void on_record(int c, void *ud);

static size_t run_csv_parse(cix_reader *r, const void *s, size_t len)
{
    cix_reader *saved = tls_reader;
    size_t k;
    tls_reader = r;
    k = csv_parse(&r->csv, s, len, on_field, on_record, r);
    tls_reader = saved;
    return k;
}

static int run_csv_fini(cix_reader *r)
{
    cix_reader *saved = tls_reader;
    int rc;
    tls_reader = r;
    rc = csv_fini(&r->csv, on_field, on_record, r);
    tls_reader = saved;
    return rc;
}

static void run_csv_free(cix_reader *r)
{
    cix_reader *saved = tls_reader;
    tls_reader = r;
    csv_free(&r->csv);
    tls_reader = saved;
}

/* ------------------------------------------------------------------------ */
/* header                                                                   */
/* ------------------------------------------------------------------------ */

/* "'a', 'b', 'c'" into buf, cut with ", ..." when too long. */
static void list_columns(const cix_reader *r, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < r->ncols; c++) {
        char q[CIX_I_QUOTE_MAX + 4];
        int k;
        cix_i_quote_text(col_name(r, c), r->hdr_len[c], q, sizeof q);
        if (n + strlen(q) + 16 >= cap) {
            snprintf(buf + n, cap - n, ", ...");
            return;
        }
        k = snprintf(buf + n, cap - n, "%s'%s'", c ? ", " : "", q);
        if (k < 0)
            return;
        n += (size_t)k;
    }
}

static size_t find_column(const cix_reader *r, const char *name)
{
    for (size_t c = 0; c < r->ncols; c++)
        if (strcmp(col_name(r, c), name) == 0)
            return c;
    return NONE;
}

static size_t find_column_nocase(const cix_reader *r, const char *name)
{
    for (size_t c = 0; c < r->ncols; c++) {
        const char *a = col_name(r, c), *b = name;
        while (*a && *b) {
            char x = *a, y = *b;
            if (x >= 'A' && x <= 'Z')
                x = (char)(x - 'A' + 'a');
            if (y >= 'A' && y <= 'Z')
                y = (char)(y - 'A' + 'a');
            if (x != y)
                break;
            a++, b++;
        }
        if (!*a && !*b)
            return c;
    }
    return NONE;
}

static void header_field(cix_reader *r, const char *s, size_t len)
{
    if (len >= SIZE_MAX - r->hdr_used - 1 ||
        reserve(&r->alloc, (void **)&r->hdr, &r->hdr_cap, r->hdr_used + len + 1, 1) != 0 ||
        reserve(&r->alloc, (void **)&r->hdr_off, &r->hdr_ncap, r->ncols + 1,
                sizeof *r->hdr_off) != 0) {
        fail_nomem(r);
        return;
    }
    /* hdr_len follows the capacity of hdr_off */
    if (r->hdr_len_cap != r->hdr_ncap) {
        size_t *l = cix_i_realloc(&r->alloc, r->hdr_len, r->hdr_ncap * sizeof *l);
        if (!l) {
            fail_nomem(r);
            return;
        }
        r->hdr_len = l;
        r->hdr_len_cap = r->hdr_ncap;
    }
    if (len)
        memcpy(r->hdr + r->hdr_used, s, len);
    r->hdr[r->hdr_used + len] = '\0';
    r->hdr_off[r->ncols] = r->hdr_used;
    r->hdr_len[r->ncols] = len;
    r->hdr_used += len + 1;
    r->ncols++;
}

/* Checks the header and decides the form and the role of every column. */
static void analyze_header(cix_reader *r)
{
    uint64_t hl = r->header_line;
    size_t n = r->ncols;
    char msg[CIX_ERROR_MESSAGE_MAX], list[256];
    int wide;

    for (size_t c = 0; c < n; c++) {
        const char *s = col_name(r, c);
        size_t len = r->hdr_len[c], k;
        int added;
        cix_status st;
        if (len == 0) {
            fail_at(r, CIX_EPARSE, hl, c + 1,
                    "column %zu of the header has no name: give every column a name%s",
                    c + 1,
                    (c + 1 == n && n > 1)
                        ? " (the header line ends with a delimiter: remove it)"
                        : "");
            return;
        }
        if ((st = cix_i_check_name(s, len, msg, sizeof msg)) != CIX_OK) {
            fail_at(r, st, hl, c + 1, "column name: %s", msg);
            return;
        }
        k = strtab_intern(&r->alloc, &r->cols, s, len, &added);
        if (k == NONE) {
            fail_nomem(r);
            return;
        }
        if (!added) {
            char q[CIX_I_QUOTE_MAX + 4];
            cix_i_quote_text(s, len, q, sizeof q);
            fail_at(r, CIX_EPARSE, hl, c + 1,
                    "column name '%s' appears twice (columns %zu and %zu): rename one of "
                    "them",
                    q, k + 1, c + 1);
            return;
        }
    }

    r->c_region = find_column(r, r->col_region);
    r->c_year = find_column(r, r->col_year);
    r->c_ind = find_column(r, r->col_ind);
    r->c_value = find_column(r, r->col_value);
    r->has_year = r->c_year != NONE;

    if (r->c_region == NONE) {
        size_t ci = find_column_nocase(r, r->col_region);
        char hint[160] = "";
        list_columns(r, list, sizeof list);
        if (ci != NONE)
            snprintf(hint, sizeof hint,
                     " (column %zu is '%s': names are case-sensitive)", ci + 1,
                     col_name(r, ci));
        else if (n == 1)
            snprintf(hint, sizeof hint,
                     " (the whole header is one column: fields must be separated by "
                     "',', ';' or a tab)");
        fail_at(r, CIX_EPARSE, hl, 0,
                "no column named '%s'%s; the header has %s. Rename the column that "
                "holds the region names to '%s', or set the region column name in "
                "the read options",
                r->col_region, hint, list, r->col_region);
        return;
    }

    {
        int long_cols = r->c_ind != NONE && r->c_value != NONE;
        size_t want = 3 + (r->has_year ? 1 : 0);
        if (r->form == CIX_FORM_LONG) {
            wide = 0;
            if (!long_cols) {
                list_columns(r, list, sizeof list);
                fail_at(r, CIX_EPARSE, hl, 0,
                        "a long-form file needs the columns '%s', '%s' and '%s' (and "
                        "optionally '%s'); the header has %s",
                        r->col_region, r->col_ind, r->col_value, r->col_year, list);
                return;
            }
            if (n != want) {
                for (size_t c = 0; c < n; c++)
                    if (c != r->c_region && c != r->c_year && c != r->c_ind &&
                        c != r->c_value) {
                        fail_at(r, CIX_EPARSE, hl, c + 1,
                                "unexpected column '%s' in a long-form file: a long-form "
                                "file has only the columns %s, %s, %s, %s; remove it",
                                col_name(r, c), r->col_region, r->col_year, r->col_ind,
                                r->col_value);
                        return;
                    }
            }
        } else {
            wide = r->form == CIX_FORM_WIDE || !long_cols || n != want;
        }
    }
    r->is_long = !wide;

    r->role = cix_i_malloc_array(&r->alloc, n, sizeof *r->role);
    r->role_j = cix_i_malloc_array(&r->alloc, n, sizeof *r->role_j);
    r->ind_col = cix_i_malloc_array(&r->alloc, n, sizeof *r->ind_col);
    if (!r->role || !r->role_j || !r->ind_col) {
        fail_nomem(r);
        return;
    }
    r->nind = 0;
    for (size_t c = 0; c < n; c++) {
        r->role_j[c] = NONE;
        if (c == r->c_region)
            r->role[c] = R_REGION;
        else if (c == r->c_year)
            r->role[c] = R_YEAR;
        else if (!wide && c == r->c_ind)
            r->role[c] = R_LONG_INDICATOR;
        else if (!wide && c == r->c_value)
            r->role[c] = R_LONG_VALUE;
        else {
            r->role[c] = R_INDICATOR;
            r->role_j[c] = r->nind;
            r->ind_col[r->nind++] = c;
        }
    }
    if (wide && r->nind == 0) {
        fail_at(r, CIX_EPARSE, hl, 0,
                "no indicator columns: the header has only %s; add one column per "
                "indicator after the %s",
                r->has_year ? "the region and year columns" : "the region column",
                r->has_year ? "region and year columns" : "region column");
        return;
    }
    if (wide) {
        r->rows_per_block = BLOCK_DOUBLES / r->nind;
        if (r->rows_per_block == 0)
            r->rows_per_block = 1;
    }
}

/* ------------------------------------------------------------------------ */
/* records                                                                  */
/* ------------------------------------------------------------------------ */

static void record_reset(cix_reader *r)
{
    r->field = 0;
    r->rec_any = 0;
    r->rec_region = NONE;
    r->rec_year = CIX_NO_YEAR;
    r->rec_year_ok = 0;
    r->rec_ind = NONE;
    r->rec_value = NAN;
    r->has_pending = 0;
    r->cur = NULL;
}

/* The storage of row r->nrows (wide form), allocating a block when needed. */
static double *row_slot(cix_reader *r)
{
    size_t b = r->nrows / r->rows_per_block, i = r->nrows % r->rows_per_block;
    if (b == r->nblocks) {
        double *blk;
        if (reserve(&r->alloc, (void **)&r->blocks, &r->blocks_cap, b + 1,
                    sizeof *r->blocks) != 0)
            return NULL;
        blk = cix_i_malloc_array(&r->alloc, r->rows_per_block * r->nind, sizeof(double));
        if (!blk)
            return NULL;
        r->blocks[r->nblocks++] = blk;
    }
    return r->blocks[b] + i * r->nind;
}

static int is_na(const cix_reader *r, const char *s, size_t len)
{
    if (len == 0)
        return r->na_empty;
    if (!r->na_first[(unsigned char)s[0]])
        return 0;
    for (size_t k = 0; k < r->nna; k++)
        if (r->na_len[k] == len && memcmp(r->na[k], s, len) == 0)
            return 1;
    return 0;
}

/* Parses a value cell; NaN for an NA string. Holds an error and returns -1. */
static int value_cell(cix_reader *r, const char *s, size_t len, uint64_t line, size_t col,
                      const char *indicator, double *v)
{
    char msg[CIX_ERROR_MESSAGE_MAX];
    cix_status st;
    const char *t = cix_i_trim(s, &len);

    if (is_na(r, t, len)) {
        *v = NAN;
        return 0;
    }
    if (len == 0) {
        pend_cell(r, CIX_EDATA, line, col, indicator,
                  "the cell is empty: write a number, or add \"\" to the NA strings if "
                  "empty cells mean missing");
        return -1;
    }
    if (cix_parse_double(t, len, v) == 0) {
        if (isinf(*v)) {
            char q[CIX_I_QUOTE_MAX + 4];
            cix_i_quote_text(t, len, q, sizeof q);
            pend_cell(r, CIX_EDATA, line, col, indicator,
                      "'%s' is too large for a double (the largest is about 1.8e308): "
                      "check the value, or rescale the indicator",
                      q);
            return -1;
        }
        return 0;
    }
    if (!cix_i_utf8_valid(t, len, NULL) || memchr(t, 0, len)) {
        st = cix_i_check_name(t, len, msg, sizeof msg);
        pend_cell(r, st, line, col, indicator, "%s", msg);
        return -1;
    }
    cix_i_describe_bad_number(t, len, r->delim, msg, sizeof msg);
    pend_cell(r, CIX_EDATA, line, col, indicator, "%s", msg);
    return -1;
}

/* Interns a name cell (region or long-form indicator). NONE on error (held). */
static size_t name_cell(cix_reader *r, strtab *t, const char *s, size_t len,
                        uint64_t line, size_t col, const char *what)
{
    char msg[CIX_ERROR_MESSAGE_MAX];
    cix_status st;
    size_t k;
    int added;

    if (len == 0) {
        pend_cell(r, CIX_EDATA, line, col, NULL,
                  "the %s name is empty: every row needs a %s", what, what);
        return NONE;
    }
    if ((st = cix_i_check_name(s, len, msg, sizeof msg)) != CIX_OK) {
        pend_cell(r, st, line, col, NULL, "%s name: %s", what, msg);
        return NONE;
    }
    k = strtab_intern(&r->alloc, t, s, len, &added);
    if (k == NONE)
        fail_nomem(r);
    return k;
}

static void year_cell(cix_reader *r, const char *s, size_t len, uint64_t line, size_t col)
{
    const char *t = cix_i_trim(s, &len);
    char q[CIX_I_QUOTE_MAX + 4], msg[CIX_ERROR_MESSAGE_MAX];
    cix_status st;

    if (len == 0 || is_na(r, t, len)) {
        pend_cell(r, CIX_EDATA, line, col, NULL,
                  "the year is missing: every row of a panel needs a year (or remove the "
                  "'%s' column for a cross-section)",
                  r->col_year);
        return;
    }
    if (cix_i_parse_year(t, len, &r->rec_year) == 0) {
        r->rec_year_ok = 1;
        return;
    }
    if (!cix_i_utf8_valid(t, len, NULL) || memchr(t, 0, len)) {
        st = cix_i_check_name(t, len, msg, sizeof msg);
        pend_cell(r, st, line, col, NULL, "%s", msg);
        return;
    }
    cix_i_quote_text(t, len, q, sizeof q);
    pend_cell(r, CIX_EDATA, line, col, NULL,
              "year '%s' is not an integer: write years as whole numbers such as 2020 "
              "(no fractions, prefixes like FY, or ranges)",
              q);
}

static void on_field(void *data, size_t len, void *ud)
{
    cix_reader *r = ud;
    const char *s = data ? (const char *)data : "";
    size_t col;
    uint64_t line = r->line;

    if (r->status != CIX_OK)
        return;
    if (!data)
        len = 0;
    col = r->field++;
    if (r->nl_in_field) {
        line -= count_breaks(s, len);
        r->nl_in_field = 0;
    }
    if (col == 0)
        r->record_line = line;
    if (r->phase == PH_HEADER) {
        header_field(r, s, len);
        return;
    }
    if (len)
        r->rec_any = 1;
    if (col >= r->ncols)
        return; /* too many fields: reported at the end of the record */
    switch (r->role[col]) {
    case R_INDICATOR:
        if (!r->cur) {
            r->cur = row_slot(r);
            if (!r->cur) {
                fail_nomem(r);
                return;
            }
        }
        if (value_cell(r, s, len, line, col, col_name(r, col), &r->cur[r->role_j[col]]) != 0)
            r->cur[r->role_j[col]] = NAN;
        break;
    case R_REGION:
        r->rec_region = name_cell(r, &r->regions, s, len, line, col, "region");
        break;
    case R_YEAR:
        year_cell(r, s, len, line, col);
        break;
    case R_LONG_INDICATOR:
        r->rec_ind = name_cell(r, &r->inds, s, len, line, col, "indicator");
        break;
    case R_LONG_VALUE:
        value_cell(r, s, len, line, col,
                   r->rec_ind != NONE ? strtab_name(&r->inds, r->rec_ind) : NULL,
                   &r->rec_value);
        break;
    }
}

/* Row index of (region, year), adding it when new. *existing = 1 when it
 * was there. NONE on allocation failure. */
static size_t row_intern(cix_reader *r, size_t region, int32_t year, uint64_t line,
                         int *existing)
{
    size_t i, mask;
    *existing = 0;
    if ((r->nrows + 1) * 2 > r->nrslot) {
        size_t ns = r->nrslot ? r->nrslot * 2 : 64, *s;
        if (r->nrslot > SIZE_MAX / 4)
            return NONE;
        s = cix_i_malloc_array(&r->alloc, ns, sizeof *s);
        if (!s)
            return NONE;
        for (size_t k = 0; k < ns; k++)
            s[k] = NONE;
        for (size_t k = 0; k < r->nrows; k++) {
            size_t h = (size_t)hash_row(r->rows[k].region, r->rows[k].year) & (ns - 1);
            while (s[h] != NONE)
                h = (h + 1) & (ns - 1);
            s[h] = k;
        }
        cix_i_free(&r->alloc, r->rslot);
        r->rslot = s;
        r->nrslot = ns;
    }
    mask = r->nrslot - 1;
    i = (size_t)hash_row(region, year) & mask;
    for (;;) {
        size_t k = r->rslot[i];
        if (k == NONE)
            break;
        if (r->rows[k].region == region && r->rows[k].year == year) {
            *existing = 1;
            return k;
        }
        i = (i + 1) & mask;
    }
    if (reserve(&r->alloc, (void **)&r->rows, &r->rows_cap, r->nrows + 1, sizeof *r->rows) !=
        0)
        return NONE;
    r->rows[r->nrows].region = region;
    r->rows[r->nrows].year = year;
    r->rows[r->nrows].line = line;
    r->rslot[i] = r->nrows;
    return r->nrows++;
}

static void data_record(cix_reader *r)
{
    int32_t year = r->has_year ? r->rec_year : CIX_NO_YEAR;
    size_t row;
    int existing;

    if (!r->rec_any)
        return; /* an all-empty row (",,,,") is skipped like a blank line */
    if (r->field != r->ncols) {
        if (r->field > r->ncols)
            fail_at(r, CIX_EPARSE, r->record_line, r->ncols + 1,
                    "this row has %zu fields but the header has %zu: remove the extra "
                    "fields, or quote a field that contains the delimiter '%s' (a "
                    "number like 1,234 must not contain a thousands separator)",
                    r->field, r->ncols, r->delim == '\t' ? "\\t" : (r->delim == ';' ? ";" : ","));
        else
            fail_at(r, CIX_EPARSE, r->record_line, r->field,
                    "this row has %zu fields but the header has %zu: add the missing "
                    "fields (leave a cell empty for a missing value)",
                    r->field, r->ncols);
        return;
    }
    if (r->has_pending) {
        if (!r->pending.region[0] && r->rec_region != NONE)
            cix_i_err_region(&r->pending, strtab_name(&r->regions, r->rec_region));
        if (r->pending.year == CIX_NO_YEAR && r->rec_year_ok)
            cix_i_err_year(&r->pending, r->rec_year);
        if (!r->pending.indicator[0] && r->rec_ind != NONE)
            cix_i_err_indicator(&r->pending, strtab_name(&r->inds, r->rec_ind));
        r->err = r->pending;
        r->status = r->pending.status;
        return;
    }
    row = row_intern(r, r->rec_region, year, r->record_line, &existing);
    if (row == NONE) {
        fail_nomem(r);
        return;
    }
    if (!r->is_long) {
        if (existing) {
            const char *reg = strtab_name(&r->regions, r->rec_region);
            if (r->has_year)
                fail_at(r, CIX_EDATA, r->record_line, r->c_region + 1,
                        "duplicate row: lines %llu and %llu both have region '%s' and "
                        "year %ld; keep only one of them",
                        (unsigned long long)r->rows[row].line,
                        (unsigned long long)r->record_line, reg, (long)year);
            else
                fail_at(r, CIX_EDATA, r->record_line, r->c_region + 1,
                        "duplicate row: lines %llu and %llu both have region '%s'; keep "
                        "only one of them, or add a '%s' column if they are different "
                        "years",
                        (unsigned long long)r->rows[row].line,
                        (unsigned long long)r->record_line, reg, r->col_year);
            cix_i_err_region(&r->err, reg);
            cix_i_err_year(&r->err, year);
        }
        return; /* the values are already in the row slot */
    }
    if (reserve(&r->alloc, (void **)&r->cells, &r->cells_cap, r->ncells + 1,
                sizeof *r->cells) != 0) {
        fail_nomem(r);
        return;
    }
    r->cells[r->ncells].row = row;
    r->cells[r->ncells].j = r->rec_ind;
    r->cells[r->ncells].value = r->rec_value;
    r->cells[r->ncells].line = r->record_line;
    r->ncells++;
}

static void on_record(int c, void *ud)
{
    cix_reader *r = ud;
    (void)c;
    if (r->status != CIX_OK)
        return;
    if (r->phase == PH_HEADER) {
        r->header_line = r->record_line;
        analyze_header(r);
        r->phase = PH_DATA;
    } else {
        data_record(r);
    }
    record_reset(r);
}

/* ------------------------------------------------------------------------ */
/* feeding                                                                  */
/* ------------------------------------------------------------------------ */

static void csv_syntax_error(cix_reader *r)
{
    int e = csv_error(&r->csv);
    if (e == CSV_ENOMEM) {
        fail_nomem(r);
    } else if (e == CSV_EPARSE && r->csv.quoted) {
        fail_at(r, CIX_EPARSE, r->line, r->field + 1,
                "text after the closing quote of a quoted field: a quote inside a quoted "
                "field must be doubled (\"\"), and the field must end at the closing "
                "quote");
    } else if (e == CSV_EPARSE) {
        fail_at(r, CIX_EPARSE, r->line, r->field + 1,
                "a quote character inside an unquoted field: quote the whole field "
                "(\"...\") and double the quote inside it (\"\")");
    } else {
        fail_at(r, CIX_EPARSE, r->line, r->field + 1, "the CSV parser failed: %s",
                csv_strerror(e));
    }
}

/* Gives bytes to libcsv one line at a time, counting lines. */
static void feed_csv(cix_reader *r, const unsigned char *s, size_t len)
{
    while (len > 0 && r->status == CIX_OK) {
        size_t k = 0, seg;
        while (k < len && s[k] != '\n' && s[k] != '\r')
            k++;
        seg = k < len ? k + 1 : len;
        if (run_csv_parse(r, s, seg) != seg || csv_error(&r->csv) != CSV_SUCCESS) {
            if (r->status == CIX_OK)
                csv_syntax_error(r);
            return;
        }
        if (k < len) {
            /* CR, LF and CR LF each end one line */
            if (s[k] == '\r' || k > 0 || !r->prev_cr)
                r->line++;
            r->prev_cr = s[k] == '\r';
            /* a break that libcsv kept inside a quoted field */
            if (r->csv.quoted && r->csv.pstate != 0)
                r->nl_in_field = 1;
        } else {
            r->prev_cr = 0;
        }
        s += seg;
        len -= seg;
    }
}

/* Delimiter of the first non-blank line: the most frequent of , ; TAB
 * outside quotes (',' when none). */
static char detect_delimiter(const unsigned char *s, size_t len)
{
    size_t i = 0, nc = 0, ns = 0, nt = 0;
    int quoted = 0, content = 0;
    for (; i < len; i++) {
        unsigned char c = s[i];
        if (c == '"')
            quoted = !quoted;
        if (quoted)
            continue;
        if (c == '\n' || c == '\r') {
            if (content)
                break;
            continue;
        }
        if (c != ' ')
            content = 1;
        nc += c == ',';
        ns += c == ';';
        nt += c == '\t';
    }
    if (nc >= ns && nc >= nt)
        return nc || !(ns || nt) ? ',' : ';';
    return ns >= nt ? ';' : '\t';
}

static void start_parsing(cix_reader *r)
{
    const unsigned char *s = r->pend;
    size_t n = r->npend;

    if (n >= 2 && ((s[0] == 0xFF && s[1] == 0xFE) || (s[0] == 0xFE && s[1] == 0xFF))) {
        fail_at(r, CIX_EPARSE, 1, 0,
                "the file is UTF-16 (it starts with a UTF-16 byte-order mark): save it "
                "as UTF-8, e.g. with: iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.csv");
        return;
    }
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF) {
        s += 3;
        n -= 3;
    }
    r->delim = r->delim_opt ? r->delim_opt : detect_delimiter(s, n);
    if (csv_init(&r->csv, CSV_OPTIONS) != 0) {
        fail_nomem(r);
        return;
    }
    csv_set_delim(&r->csv, (unsigned char)r->delim);
    csv_set_realloc_func(&r->csv, csv_realloc_hook);
    csv_set_free_func(&r->csv, csv_free_hook);
    r->csv_ready = 1;
    r->phase = PH_HEADER;
    feed_csv(r, s, n);
    cix_i_free(&r->alloc, r->pend);
    r->pend = NULL;
    r->npend = r->pend_cap = 0;
}

/* Before the delimiter is known: keeps bytes up to the end of the first
 * non-blank line, then starts libcsv on them and passes the rest. */
static void feed_bytes(cix_reader *r, const unsigned char *s, size_t len)
{
    size_t k = 0;
    int found = 0;

    if (r->phase != PH_START) {
        feed_csv(r, s, len);
        return;
    }
    for (; k < len; k++) {
        unsigned char c = s[k];
        size_t pos = r->npend + k;
        if (c == '"')
            r->scan_quoted = !r->scan_quoted;
        if (r->scan_quoted)
            continue;
        if (c == '\n' || c == '\r') {
            if (r->scan_content) {
                found = 1;
                k++;
                break;
            }
        } else if (c != ' ' && c != '\t' && !(pos < 3 && c == "\xEF\xBB\xBF"[pos])) {
            r->scan_content = 1;
        }
    }
    if (k > 0) {
        if (reserve(&r->alloc, (void **)&r->pend, &r->pend_cap, r->npend + k, 1) != 0) {
            fail_nomem(r);
            return;
        }
        memcpy(r->pend + r->npend, s, k);
        r->npend += k;
    }
    if (found) {
        start_parsing(r);
        if (r->status == CIX_OK && k < len)
            feed_csv(r, s + k, len - k);
    }
}

/* ------------------------------------------------------------------------ */
/* building the panel                                                       */
/* ------------------------------------------------------------------------ */

static cix_status name_rows(cix_reader *r, cix_panel *p)
{
    for (size_t i = 0; i < r->nrows; i++) {
        cix_status st = cix_panel_set_row(p, i, strtab_name(&r->regions, r->rows[i].region),
                                          r->rows[i].year, &r->err);
        if (st != CIX_OK)
            return st;
    }
    return CIX_OK;
}

static cix_status build_wide(cix_reader *r, cix_panel **out)
{
    cix_panel *p = NULL;
    cix_status st;
    size_t n = r->nrows, J = r->nind;
    double *data;

    st = cix_panel_create(n, J, r->has_year, &r->alloc, &p, &r->err);
    if (st != CIX_OK)
        goto cleanup;
    data = cix_i_panel_data(p);
    for (size_t b = 0; b < r->nblocks; b++) {
        size_t r0 = b * r->rows_per_block;
        size_t nb = n - r0 < r->rows_per_block ? n - r0 : r->rows_per_block;
        const double *blk = r->blocks[b];
        for (size_t j = 0; j < J; j++) {
            double *col = data + j * n + r0;
            for (size_t i = 0; i < nb; i++)
                col[i] = blk[i * J + j];
        }
        cix_i_free(&r->alloc, r->blocks[b]);
        r->blocks[b] = NULL;
    }
    r->nblocks = 0;
    for (size_t j = 0; j < J; j++) {
        size_t c = r->ind_col[j];
        st = cix_panel_set_indicator(p, j, col_name(r, c), &r->err);
        if (st != CIX_OK)
            goto cleanup;
    }
    st = name_rows(r, p);
cleanup:
    if (st != CIX_OK) {
        cix_panel_free(p);
        p = NULL;
    }
    *out = p;
    return st;
}

static cix_status build_long(cix_reader *r, cix_panel **out)
{
    cix_panel *p = NULL;
    unsigned char *seen = NULL;
    cix_status st;
    size_t n = r->nrows, J = r->inds.n;
    double *data;

    st = cix_panel_create(n, J, r->has_year, &r->alloc, &p, &r->err);
    if (st != CIX_OK)
        goto cleanup;
    seen = cix_i_malloc(&r->alloc, n * J / 8 + 1);
    if (!seen) {
        st = cix_i_nomem(&r->err);
        goto cleanup;
    }
    memset(seen, 0, n * J / 8 + 1);
    data = cix_i_panel_data(p);
    for (size_t k = 0; k < r->ncells; k++) {
        const cellrec *c = &r->cells[k];
        size_t idx = c->j * n + c->row;
        if (seen[idx / 8] & (1u << (idx % 8))) {
            size_t first = 0;
            const rowrec *row = &r->rows[c->row];
            while (r->cells[first].row != c->row || r->cells[first].j != c->j)
                first++;
            st = cix_i_fail(&r->err, CIX_EDATA,
                            "duplicate value: lines %llu and %llu both give this "
                            "indicator for the same region and year; keep only one of "
                            "them",
                            (unsigned long long)r->cells[first].line,
                            (unsigned long long)c->line);
            cix_i_err_file(&r->err, r->name, c->line, r->c_ind + 1);
            cix_i_err_indicator(&r->err, strtab_name(&r->inds, c->j));
            cix_i_err_region(&r->err, strtab_name(&r->regions, row->region));
            cix_i_err_year(&r->err, row->year);
            goto cleanup;
        }
        seen[idx / 8] |= (unsigned char)(1u << (idx % 8));
        data[idx] = c->value;
    }
    for (size_t j = 0; j < J; j++) {
        st = cix_panel_set_indicator(p, j, strtab_name(&r->inds, j), &r->err);
        if (st != CIX_OK)
            goto cleanup;
    }
    st = name_rows(r, p);
cleanup:
    cix_i_free(&r->alloc, seen);
    if (st != CIX_OK) {
        cix_panel_free(p);
        p = NULL;
    }
    *out = p;
    return st;
}

/* ------------------------------------------------------------------------ */
/* the fast path (read_fast.c)                                              */
/* ------------------------------------------------------------------------ */

/* Feeds s[0..len) one physical line at a time until the header has been
 * read (or an error found); returns the bytes fed. The rest of the input
 * then starts at a fresh record. */
static size_t feed_header(cix_reader *r, const unsigned char *s, size_t len)
{
    size_t pos = 0;
    while (pos < len && r->status == CIX_OK && r->phase != PH_DATA) {
        size_t k = pos;
        while (k < len && s[k] != '\n' && s[k] != '\r')
            k++;
        if (k < len)
            k++;
        feed_bytes(r, s + pos, k - pos);
        pos = k;
    }
    return pos;
}

/*
 * After feed_header: reads the data rows at off..len of the buffer buf (or
 * of the file fd when buf is NULL) with the fast path. CIX_EUNSUPPORTED when
 * the general reader must read them (the reader is then unchanged).
 */
static cix_status try_fast(cix_reader *r, const unsigned char *buf, int fd, uint64_t off,
                           uint64_t len, cix_panel **out, cix_error *err)
{
    cix_i_fast_spec sp;
    unsigned char *role = NULL;
    const char **ind_name = NULL;
    cix_status st;

    *out = NULL;
    if (r->status != CIX_OK || r->phase != PH_DATA || r->is_long || r->nrows != 0 ||
        r->nind == 0)
        return CIX_EUNSUPPORTED;
    role = cix_i_malloc(&r->alloc, r->ncols);
    ind_name = cix_i_malloc_array(&r->alloc, r->nind, sizeof *ind_name);
    if (!role || !ind_name) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    for (size_t c = 0; c < r->ncols; c++)
        role[c] = r->role[c] == R_REGION ? CIX_I_FAST_REGION
                  : r->role[c] == R_YEAR ? CIX_I_FAST_YEAR
                                         : CIX_I_FAST_VALUE;
    for (size_t j = 0; j < r->nind; j++)
        ind_name[j] = col_name(r, r->ind_col[j]);
    memset(&sp, 0, sizeof sp);
    sp.alloc = &r->alloc;
    sp.delim = r->delim;
    sp.ncols = r->ncols;
    sp.role = role;
    sp.role_j = r->role_j;
    sp.nind = r->nind;
    sp.ind_name = ind_name;
    sp.has_year = r->has_year;
    sp.na = r->na;
    sp.na_len = r->na_len;
    sp.nna = r->nna;
    sp.nthreads = r->nthreads;
    sp.buf = buf;
    sp.fd = fd;
    sp.off = off;
    sp.len = len;
    st = cix_i_fast_read(&sp, out, err);
cleanup:
    cix_i_free(&r->alloc, role);
    cix_i_free(&r->alloc, ind_name);
    return st;
}

/* ------------------------------------------------------------------------ */
/* public API                                                               */
/* ------------------------------------------------------------------------ */

/* A short description of an errno value (strerror is not thread-safe and
 * strerror_r comes in two incompatible variants). */
static const char *errno_text(int e)
{
    switch (e) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EISDIR: return "is a directory";
    case ENOTDIR: return "a part of the path is not a directory";
    case EMFILE: case ENFILE: return "too many open files";
    case ENAMETOOLONG: return "file name too long";
    case EIO: return "input/output error";
    case ELOOP: return "too many symbolic links";
    case ENOMEM: return "out of memory";
    default: return "system error";
    }
}

static const char *const default_na[] = {"", "NA", "NaN", "-", "..", "\xE2\x80\xA6"};

void cix_read_options_init(cix_read_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->form = CIX_FORM_AUTO;
    o->delimiter = 0;
    o->region_column = "region";
    o->year_column = "year";
    o->indicator_column = "indicator";
    o->value_column = "value";
    o->n_na_strings = sizeof default_na / sizeof default_na[0];
    for (size_t k = 0; k < o->n_na_strings; k++)
        o->na_strings[k] = default_na[k];
    o->alloc = NULL;
}

const char *cix_read_options_check(const cix_read_options *o)
{
    const char *names[4];
    if (!o)
        return "read options are NULL";
    if (o->form != CIX_FORM_AUTO && o->form != CIX_FORM_WIDE && o->form != CIX_FORM_LONG)
        return "form must be CIX_FORM_AUTO, CIX_FORM_WIDE or CIX_FORM_LONG";
    if (o->delimiter != 0 && o->delimiter != ',' && o->delimiter != ';' &&
        o->delimiter != '\t')
        return "delimiter must be ',', ';', '\\t' or 0 (detect)";
    names[0] = o->region_column;
    names[1] = o->year_column;
    names[2] = o->indicator_column;
    names[3] = o->value_column;
    for (int i = 0; i < 4; i++) {
        if (!names[i] || !names[i][0])
            return "region_column, year_column, indicator_column and value_column must "
                   "be non-empty";
        if (!cix_i_utf8_valid(names[i], strlen(names[i]), NULL))
            return "column names must be UTF-8";
        for (int k = 0; k < i; k++)
            if (strcmp(names[i], names[k]) == 0)
                return "region_column, year_column, indicator_column and value_column "
                       "must be different";
    }
    if (o->n_na_strings > CIX_MAX_NA_STRINGS)
        return "n_na_strings is larger than CIX_MAX_NA_STRINGS";
    for (size_t k = 0; k < o->n_na_strings; k++)
        if (!o->na_strings[k])
            return "na_strings[0..n_na_strings) must not be NULL";
    if (o->alloc && (!o->alloc->malloc_fn || !o->alloc->realloc_fn || !o->alloc->free_fn))
        return "alloc must set malloc_fn, realloc_fn and free_fn";
    if (o->nthreads < 0)
        return "nthreads must be 0 (automatic) or a number of threads";
    return NULL;
}

cix_status cix_reader_create(const char *name, const cix_read_options *o, cix_reader **out,
                             cix_error *err)
{
    cix_read_options defaults;
    cix_allocator a;
    cix_reader *r;
    const char *problem, *src[4];
    const char **dst[4];
    size_t total = 0;
    char *p;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_create: out is NULL");
    *out = NULL;
    if (!o) {
        cix_read_options_init(&defaults);
        o = &defaults;
    }
    if ((problem = cix_read_options_check(o)) != NULL)
        return cix_i_fail(err, CIX_EINVAL, "invalid read options: %s", problem);
    if (!name)
        name = "<memory>";

    cix_i_alloc_init(&a, o->alloc);
    r = cix_i_malloc(&a, sizeof *r);
    if (!r)
        return cix_i_nomem(err);
    memset(r, 0, sizeof *r);
    r->alloc = a;

    src[0] = o->region_column;
    src[1] = o->year_column;
    src[2] = o->indicator_column;
    src[3] = o->value_column;
    dst[0] = &r->col_region;
    dst[1] = &r->col_year;
    dst[2] = &r->col_ind;
    dst[3] = &r->col_value;
    total = strlen(name) + 1;
    for (int i = 0; i < 4; i++)
        total += strlen(src[i]) + 1;
    for (size_t k = 0; k < o->n_na_strings; k++)
        total += strlen(o->na_strings[k]) + 1;
    r->strings = cix_i_malloc(&a, total);
    if (!r->strings) {
        cix_i_free(&a, r);
        return cix_i_nomem(err);
    }
    p = r->strings;
#define COPY_STR(d, s)                                                                    \
    do {                                                                                  \
        size_t l_ = strlen(s) + 1;                                                        \
        memcpy(p, (s), l_);                                                               \
        (d) = p;                                                                          \
        p += l_;                                                                          \
    } while (0)
    COPY_STR(r->name, name);
    for (int i = 0; i < 4; i++)
        COPY_STR(*dst[i], src[i]);
    r->nna = o->n_na_strings;
    for (size_t k = 0; k < r->nna; k++) {
        COPY_STR(r->na[k], o->na_strings[k]);
        r->na_len[k] = strlen(r->na[k]);
        if (r->na_len[k] == 0)
            r->na_empty = 1;
        else
            r->na_first[(unsigned char)r->na[k][0]] = 1;
    }
#undef COPY_STR

    r->form = o->form;
    r->delim_opt = o->delimiter;
    r->nthreads = o->nthreads;
    r->phase = PH_START;
    r->status = CIX_OK;
    r->line = 1;
    r->c_region = r->c_year = r->c_ind = r->c_value = NONE;
    record_reset(r);
    *out = r;
    return CIX_OK;
}

void cix_reader_free(cix_reader *r)
{
    cix_allocator a;
    if (!r)
        return;
    a = r->alloc;
    if (r->csv_ready)
        run_csv_free(r);
    cix_i_free(&a, r->pend);
    cix_i_free(&a, r->hdr);
    cix_i_free(&a, r->hdr_off);
    cix_i_free(&a, r->hdr_len);
    strtab_free(&a, &r->cols);
    cix_i_free(&a, r->role);
    cix_i_free(&a, r->role_j);
    cix_i_free(&a, r->ind_col);
    strtab_free(&a, &r->regions);
    cix_i_free(&a, r->rows);
    cix_i_free(&a, r->rslot);
    for (size_t b = 0; b < r->nblocks; b++)
        cix_i_free(&a, r->blocks[b]);
    cix_i_free(&a, r->blocks);
    strtab_free(&a, &r->inds);
    cix_i_free(&a, r->cells);
    cix_i_free(&a, r->strings);
    cix_i_free(&a, r);
}

static cix_status report(const cix_reader *r, cix_error *err)
{
    if (err)
        *err = r->err;
    return r->status;
}

cix_status cix_reader_feed(cix_reader *r, const void *buf, size_t len, cix_error *err)
{
    if (!r)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_feed: reader is NULL");
    if (r->status != CIX_OK)
        return report(r, err);
    if (r->phase == PH_DONE)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_feed: the reader is finished");
    if (len == 0)
        return CIX_OK;
    if (!buf)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_feed: buf is NULL");
    feed_bytes(r, buf, len);
    return r->status == CIX_OK ? CIX_OK : report(r, err);
}

cix_status cix_reader_finish(cix_reader *r, cix_panel **out, cix_error *err)
{
    cix_panel *p = NULL;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_finish: out is NULL");
    *out = NULL;
    if (!r)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_finish: reader is NULL");
    if (r->status != CIX_OK)
        return report(r, err);
    if (r->phase == PH_DONE)
        return cix_i_fail(err, CIX_EINVAL, "cix_reader_finish: the reader is finished");

    if (r->phase == PH_START)
        start_parsing(r);
    if (r->status == CIX_OK && r->csv_ready && run_csv_fini(r) != 0) {
        if (csv_error(&r->csv) == CSV_ENOMEM) {
            fail_nomem(r);
        } else {
            /* the field's text so far holds every break since its opening quote */
            uint64_t line = r->line;
            if (r->csv.entry_buf)
                line -= count_breaks((const char *)r->csv.entry_buf, r->csv.entry_pos);
            fail_at(r, CIX_EPARSE, line, r->field + 1,
                    "unterminated quoted field: the quote that opens this field is "
                    "never closed; add the closing quote (and double any quote inside "
                    "the field: \"\")");
        }
    }
    if (r->status != CIX_OK)
        return report(r, err);
    if (r->phase != PH_DATA) {
        fail_at(r, CIX_EPARSE, 1, 0,
                "the file is empty: a panel needs a header line (e.g. region,year,gdp) "
                "and at least one data row");
        return report(r, err);
    }
    if (r->nrows == 0) {
        fail_at(r, CIX_EPARSE, r->header_line, 0,
                "the file has a header but no data rows: add at least one row");
        return report(r, err);
    }
    st = r->is_long ? build_long(r, &p) : build_wide(r, &p);
    if (st == CIX_OK)
        st = cix_panel_validate(p, &r->err);
    if (st != CIX_OK) {
        cix_panel_free(p);
        if (!r->err.file[0] && st != CIX_ENOMEM)
            cix_i_err_file(&r->err, r->name, 0, 0);
        r->status = st;
        return report(r, err);
    }
    r->phase = PH_DONE;
    *out = p;
    return CIX_OK;
}

cix_status cix_panel_read_buffer(const void *buf, size_t len, const char *name,
                                 const cix_read_options *o, cix_panel **out, cix_error *err)
{
    cix_reader *r = NULL;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_read_buffer: out is NULL");
    *out = NULL;
    if (!buf && len)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_read_buffer: buf is NULL");
    if (cix_i_binary_sniff(buf, len)) /* a binary panel file (binary.c) */
        return cix_i_binary_read_buffer(buf, len, name, o, out, err);
    st = cix_reader_create(name, o, &r, err);
    if (st != CIX_OK)
        goto cleanup;
    if (len > 0) {
        size_t used = feed_header(r, buf, len);
        st = try_fast(r, buf, -1, used, len, out, err);
        if (st != CIX_EUNSUPPORTED)
            goto cleanup;
        st = cix_reader_feed(r, (const unsigned char *)buf + used, len - used, err);
        if (st != CIX_OK)
            goto cleanup;
    }
    st = cix_reader_finish(r, out, err);
cleanup:
    cix_reader_free(r);
    return st;
}

cix_status cix_panel_read_file(const char *path, const cix_read_options *o, cix_panel **out,
                               cix_error *err)
{
    cix_reader *r = NULL;
    unsigned char *buf = NULL;
    FILE *f = NULL;
    cix_status st;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_read_file: out is NULL");
    *out = NULL;
    if (!path)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_read_file: path is NULL");
    st = cix_reader_create(path, o, &r, err);
    if (st != CIX_OK)
        goto cleanup;
    buf = cix_i_malloc(&r->alloc, READ_CHUNK);
    if (!buf) {
        st = cix_i_nomem(err);
        goto cleanup;
    }
    f = fopen(path, "rb");
    if (!f) {
        int e = errno;
        st = cix_i_fail(err, CIX_EIO,
                        "cannot open the file: %s (errno %d); check the path and the "
                        "permissions",
                        errno_text(e), e);
        cix_i_err_file(err, path, 0, 0);
        goto cleanup;
    }
    for (int first = 1;; first = 0) {
        size_t n = fread(buf, 1, READ_CHUNK, f), used = 0;
        if (first && cix_i_binary_sniff(buf, n)) { /* a binary panel file (binary.c) */
            st = cix_i_binary_read_fd(fileno(f), path, o, out, err);
            goto cleanup;
        }
        if (first && n > 0 && !ferror(f)) {
            /* the header through the general reader, then the rows through
             * the fast path when the file allows it */
            struct stat sb;
            int fd = fileno(f);
            used = feed_header(r, buf, n);
            if (r->status != CIX_OK) {
                st = report(r, err);
                goto cleanup;
            }
            if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
                (uint64_t)sb.st_size >= n) {
                st = try_fast(r, NULL, fd, used, (uint64_t)sb.st_size, out, err);
                if (st != CIX_EUNSUPPORTED)
                    goto cleanup;
            }
        }
        if (n > used && (st = cix_reader_feed(r, buf + used, n - used, err)) != CIX_OK)
            goto cleanup;
        if (n < READ_CHUNK) {
            if (ferror(f)) {
                int e = errno;
                st = cix_i_fail(err, CIX_EIO, "cannot read the file: %s (errno %d)",
                                errno_text(e), e);
                cix_i_err_file(err, path, 0, 0);
                goto cleanup;
            }
            break;
        }
    }
    st = cix_reader_finish(r, out, err);
cleanup:
    if (f)
        fclose(f);
    if (r)
        cix_i_free(&r->alloc, buf);
    cix_reader_free(r);
    return st;
}
