/* The panel: regions x years x indicators, column-major values. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../internal.h"

#if CIX_I_HAVE_MMAP
#include <sys/mman.h>
#endif

#define NO_INDEX ((size_t)-1)

struct cix_panel {
    cix_allocator alloc;
    size_t nrows, nind;
    int has_year;
    double *data;           /* nrows * nind, column-major, ld = nrows */
    /* values in a file mapping (cix_i_panel_create_mapped): its start and
     * length, unmapped by cix_panel_free; map is NULL when data is allocated */
    void *map;
    size_t map_len;
    char **indicator;       /* nind names, NULL until set */
    /* rows */
    size_t *row_region;     /* index into region[], NO_INDEX until set */
    int32_t *row_year;      /* year or CIX_NO_YEAR */
    int32_t *row_year_index;/* index into years[], -1 until set */
    /* distinct regions, in order of first appearance, with a hash index */
    char **region;
    size_t nregions, region_cap;
    size_t *hash;           /* open addressing, NO_INDEX = empty */
    size_t hash_cap;        /* power of two */
    /* distinct years, ascending */
    int32_t *years;
    size_t nyears, year_cap;
};

static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}


/* What panel_create does with the values. */
enum {
    VALUES_UNINIT, /* allocated, left uninitialized, huge-page hint */
    VALUES_NAN,    /* allocated, every value NaN */
    VALUES_NONE    /* not allocated: the caller sets p->data */
};

/* Creates a panel; VALUES_UNINIT leaves the values uninitialized (the caller
 * writes every cell) and asks for huge pages, so that a large panel's first
 * touch is cheap. */
static cix_status panel_create(size_t nrows, size_t nindicators, int has_year,
                               const cix_allocator *alloc, int fill, cix_panel **out,
                               cix_error *err)
{
    cix_panel *p;
    size_t ncell;

    if (!out)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_create: out is NULL");
    *out = NULL;
    if (nindicators != 0 && nrows > SIZE_MAX / sizeof(double) / nindicators)
        return cix_i_fail(err, CIX_EINVAL,
                          "panel of %zu rows x %zu indicators is too large", nrows,
                          nindicators);
    ncell = nrows * nindicators;

    {
        cix_allocator a;
        cix_i_alloc_init(&a, alloc);
        p = cix_i_malloc(&a, sizeof *p);
        if (!p)
            return cix_i_nomem(err);
        memset(p, 0, sizeof *p);
        p->alloc = a;
    }
    p->nrows = nrows;
    p->nind = nindicators;
    p->has_year = has_year ? 1 : 0;
    if (fill != VALUES_NONE)
        p->data = cix_i_malloc_array(&p->alloc, ncell, sizeof(double));
    p->indicator = cix_i_malloc_array(&p->alloc, nindicators, sizeof(char *));
    if (p->indicator)
        for (size_t j = 0; j < nindicators; j++)
            p->indicator[j] = NULL; /* before any early free below */
    p->row_region = cix_i_malloc_array(&p->alloc, nrows, sizeof(size_t));
    p->row_year = cix_i_malloc_array(&p->alloc, nrows, sizeof(int32_t));
    p->row_year_index = cix_i_malloc_array(&p->alloc, nrows, sizeof(int32_t));
    if ((fill != VALUES_NONE && !p->data) || !p->indicator || !p->row_region ||
        !p->row_year || !p->row_year_index) {
        cix_panel_free(p);
        return cix_i_nomem(err);
    }
    if (fill == VALUES_NAN)
        for (size_t i = 0; i < ncell; i++)
            p->data[i] = NAN;
    else if (fill == VALUES_UNINIT)
        cix_i_advise_huge(p->data, ncell * sizeof(double));
    for (size_t r = 0; r < nrows; r++) {
        p->row_region[r] = NO_INDEX;
        p->row_year[r] = CIX_NO_YEAR;
        p->row_year_index[r] = -1;
    }
    *out = p;
    return CIX_OK;
}

cix_status cix_panel_create(size_t nrows, size_t nindicators, int has_year,
                            const cix_allocator *alloc, cix_panel **out, cix_error *err)
{
    return panel_create(nrows, nindicators, has_year, alloc, VALUES_NAN, out, err);
}

void cix_panel_free(cix_panel *p)
{
    if (!p)
        return;
    if (p->indicator)
        for (size_t j = 0; j < p->nind; j++)
            cix_i_free(&p->alloc, p->indicator[j]);
    if (p->region)
        for (size_t k = 0; k < p->nregions; k++)
            cix_i_free(&p->alloc, p->region[k]);
    if (p->map) {
#if CIX_I_HAVE_MMAP
        (void)munmap(p->map, p->map_len);
#endif
    } else {
        cix_i_free(&p->alloc, p->data);
    }
    cix_i_free(&p->alloc, p->indicator);
    cix_i_free(&p->alloc, p->row_region);
    cix_i_free(&p->alloc, p->row_year);
    cix_i_free(&p->alloc, p->row_year_index);
    cix_i_free(&p->alloc, p->region);
    cix_i_free(&p->alloc, p->hash);
    cix_i_free(&p->alloc, p->years);
    {
        cix_allocator a = p->alloc;
        cix_i_free(&a, p);
    }
}

static cix_status check_name(const char *name, const char *what, cix_error *err)
{
    size_t bad;
    if (!name || !name[0])
        return cix_i_fail(err, CIX_EINVAL, "%s name is empty: give every %s a name",
                          what, what);
    if (!cix_i_utf8_valid(name, strlen(name), &bad))
        return cix_i_fail(err, CIX_EINVAL,
                          "%s name is not valid UTF-8 (byte %zu): save the file as UTF-8",
                          what, bad + 1);
    return CIX_OK;
}

static size_t region_lookup(const cix_panel *p, const char *name, size_t *slot)
{
    size_t mask, i;
    if (p->hash_cap == 0) {
        *slot = NO_INDEX;
        return NO_INDEX;
    }
    mask = p->hash_cap - 1;
    i = (size_t)hash_name(name) & mask;
    for (;;) {
        size_t k = p->hash[i];
        if (k == NO_INDEX) {
            *slot = i;
            return NO_INDEX;
        }
        if (strcmp(p->region[k], name) == 0) {
            *slot = i;
            return k;
        }
        i = (i + 1) & mask;
    }
}

static int rehash(cix_panel *p, size_t cap)
{
    size_t *h = cix_i_malloc_array(&p->alloc, cap, sizeof(size_t));
    if (!h)
        return -1;
    for (size_t i = 0; i < cap; i++)
        h[i] = NO_INDEX;
    for (size_t k = 0; k < p->nregions; k++) {
        size_t i = (size_t)hash_name(p->region[k]) & (cap - 1);
        while (h[i] != NO_INDEX)
            i = (i + 1) & (cap - 1);
        h[i] = k;
    }
    cix_i_free(&p->alloc, p->hash);
    p->hash = h;
    p->hash_cap = cap;
    return 0;
}

/* Index of region `name`, adding it when new. NO_INDEX on allocation failure. */
static size_t region_intern(cix_panel *p, const char *name)
{
    size_t slot, k = region_lookup(p, name, &slot);
    char *copy;

    if (k != NO_INDEX)
        return k;
    if ((p->nregions + 1) * 2 > p->hash_cap) {
        size_t cap = p->hash_cap ? p->hash_cap * 2 : 16;
        if (rehash(p, cap) != 0)
            return NO_INDEX;
        region_lookup(p, name, &slot);
    }
    if (p->nregions == p->region_cap) {
        size_t cap = p->region_cap ? p->region_cap * 2 : 16;
        char **r = cix_i_realloc(&p->alloc, p->region, cap * sizeof(char *));
        if (!r)
            return NO_INDEX;
        p->region = r;
        p->region_cap = cap;
    }
    copy = cix_i_strndup(&p->alloc, name, strlen(name));
    if (!copy)
        return NO_INDEX;
    p->region[p->nregions] = copy;
    p->hash[slot] = p->nregions;
    return p->nregions++;
}

/* Index of `year` in the sorted distinct years, inserting it when new (and
 * shifting the indices of rows with later years). -1 on allocation failure. */
static int32_t year_intern(cix_panel *p, int32_t year)
{
    size_t lo = 0, hi = p->nyears;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->years[mid] < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < p->nyears && p->years[lo] == year)
        return (int32_t)lo;
    if (p->nyears == p->year_cap) {
        size_t cap = p->year_cap ? p->year_cap * 2 : 16;
        int32_t *y = cix_i_realloc(&p->alloc, p->years, cap * sizeof(int32_t));
        if (!y)
            return -1;
        p->years = y;
        p->year_cap = cap;
    }
    memmove(p->years + lo + 1, p->years + lo, (p->nyears - lo) * sizeof(int32_t));
    p->years[lo] = year;
    p->nyears++;
    if (lo + 1 < p->nyears)
        for (size_t r = 0; r < p->nrows; r++)
            if (p->row_year_index[r] >= (int32_t)lo)
                p->row_year_index[r]++;
    return (int32_t)lo;
}

/* Drops years[] entries no row refers to any more (after a row's year changed). */
static void year_compact(cix_panel *p)
{
    size_t *used, k = 0;
    if (p->nyears == 0)
        return;
    used = cix_i_malloc_array(&p->alloc, p->nyears, sizeof(size_t));
    if (!used)
        return; /* harmless: an unused year stays listed until the next call */
    memset(used, 0, p->nyears * sizeof(size_t));
    for (size_t r = 0; r < p->nrows; r++)
        if (p->row_year_index[r] >= 0)
            used[p->row_year_index[r]] = 1;
    for (size_t y = 0; y < p->nyears; y++) {
        if (used[y]) {
            p->years[k] = p->years[y];
            used[y] = k++;
        }
    }
    for (size_t r = 0; r < p->nrows; r++)
        if (p->row_year_index[r] >= 0)
            p->row_year_index[r] = (int32_t)used[p->row_year_index[r]];
    p->nyears = k;
    cix_i_free(&p->alloc, used);
}

cix_status cix_panel_set_row(cix_panel *p, size_t row, const char *region, int32_t year,
                             cix_error *err)
{
    cix_status st;
    size_t k;

    if (!p)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_set_row: panel is NULL");
    if (row >= p->nrows)
        return cix_i_fail(err, CIX_EINVAL, "row %zu out of range (panel has %zu rows)",
                          row, p->nrows);
    if ((st = check_name(region, "region", err)) != CIX_OK)
        return st;
    if (p->has_year && year == CIX_NO_YEAR)
        return cix_i_fail(err, CIX_EINVAL, "row %zu: a panel row needs a year", row);
    k = region_intern(p, region);
    if (k == NO_INDEX)
        return cix_i_nomem(err);
    if (p->has_year) {
        int32_t old = p->row_year_index[row];
        int32_t yi = year_intern(p, year);
        if (yi < 0)
            return cix_i_nomem(err);
        p->row_year[row] = year;
        p->row_year_index[row] = yi;
        if (old >= 0 && p->years[old] != year)
            year_compact(p);
    }
    p->row_region[row] = k;
    return CIX_OK;
}

cix_status cix_panel_set_indicator(cix_panel *p, size_t j, const char *name,
                                   cix_error *err)
{
    cix_status st;
    char *copy;

    if (!p)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_set_indicator: panel is NULL");
    if (j >= p->nind)
        return cix_i_fail(err, CIX_EINVAL,
                          "indicator %zu out of range (panel has %zu indicators)", j,
                          p->nind);
    if ((st = check_name(name, "indicator", err)) != CIX_OK)
        return st;
    copy = cix_i_strndup(&p->alloc, name, strlen(name));
    if (!copy)
        return cix_i_nomem(err);
    cix_i_free(&p->alloc, p->indicator[j]);
    p->indicator[j] = copy;
    return CIX_OK;
}

typedef struct row_key {
    size_t region;
    int32_t year;
    size_t row;
} row_key;

static int cmp_row_key(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    if (x->region != y->region)
        return x->region < y->region ? -1 : 1;
    if (x->year != y->year)
        return x->year < y->year ? -1 : 1;
    return x->row < y->row ? -1 : (x->row > y->row);
}

cix_status cix_panel_validate(const cix_panel *p, cix_error *err)
{
    row_key *keys;

    if (!p)
        return cix_i_fail(err, CIX_EINVAL, "cix_panel_validate: panel is NULL");
    for (size_t j = 0; j < p->nind; j++) {
        if (!p->indicator[j])
            return cix_i_fail(err, CIX_EDATA, "indicator %zu has no name", j + 1);
        for (size_t k = 0; k < j; k++)
            if (strcmp(p->indicator[k], p->indicator[j]) == 0) {
                cix_i_fail(err, CIX_EDATA,
                           "indicator name appears twice (indicators %zu and %zu): "
                           "rename one of them",
                           k + 1, j + 1);
                cix_i_err_indicator(err, p->indicator[j]);
                return CIX_EDATA;
            }
    }
    for (size_t r = 0; r < p->nrows; r++)
        if (p->row_region[r] == NO_INDEX)
            return cix_i_fail(err, CIX_EDATA, "row %zu has no region", r + 1);
    for (size_t j = 0; j < p->nind; j++) {
        const double *c = p->data + j * p->nrows;
        for (size_t r = 0; r < p->nrows; r++)
            if (isinf(c[r])) {
                cix_i_fail(err, CIX_EDATA,
                           "value is infinite: use a finite number, or leave the cell "
                           "empty if it is missing");
                cix_i_err_cell(err, p, r, j);
                return CIX_EDATA;
            }
    }
    keys = cix_i_malloc_array(&p->alloc, p->nrows, sizeof *keys);
    if (!keys)
        return cix_i_nomem(err);
    for (size_t r = 0; r < p->nrows; r++) {
        keys[r].region = p->row_region[r];
        keys[r].year = p->row_year[r];
        keys[r].row = r;
    }
    qsort(keys, p->nrows, sizeof *keys, cmp_row_key);
    for (size_t i = 1; i < p->nrows; i++) {
        if (keys[i].region == keys[i - 1].region && keys[i].year == keys[i - 1].year) {
            size_t r0 = keys[i - 1].row, r1 = keys[i].row;
            if (p->has_year)
                cix_i_fail(err, CIX_EDATA,
                           "rows %zu and %zu are the same (region, year): keep one",
                           r0 + 1, r1 + 1);
            else
                cix_i_fail(err, CIX_EDATA,
                           "rows %zu and %zu are the same region: keep one, or add a "
                           "year column",
                           r0 + 1, r1 + 1);
            cix_i_err_region(err, p->region[keys[i].region]);
            cix_i_err_year(err, keys[i].year);
            cix_i_free(&p->alloc, keys);
            return CIX_EDATA;
        }
    }
    cix_i_free(&p->alloc, keys);
    return CIX_OK;
}

size_t cix_panel_nrows(const cix_panel *p) { return p ? p->nrows : 0; }
size_t cix_panel_nindicators(const cix_panel *p) { return p ? p->nind : 0; }
int cix_panel_has_year(const cix_panel *p) { return p ? p->has_year : 0; }
size_t cix_panel_nregions(const cix_panel *p) { return p ? p->nregions : 0; }
size_t cix_panel_nyears(const cix_panel *p) { return p ? p->nyears : 0; }

int32_t cix_panel_year_at(const cix_panel *p, size_t k)
{
    return (p && k < p->nyears) ? p->years[k] : CIX_NO_YEAR;
}

const char *cix_panel_row_region(const cix_panel *p, size_t row)
{
    if (!p || row >= p->nrows || p->row_region[row] == NO_INDEX)
        return "";
    return p->region[p->row_region[row]];
}

int32_t cix_panel_row_year(const cix_panel *p, size_t row)
{
    return (p && row < p->nrows) ? p->row_year[row] : CIX_NO_YEAR;
}

const char *cix_panel_indicator(const cix_panel *p, size_t j)
{
    if (!p || j >= p->nind || !p->indicator[j])
        return "";
    return p->indicator[j];
}

size_t cix_panel_find_indicator(const cix_panel *p, const char *name)
{
    if (!p || !name)
        return (size_t)-1;
    for (size_t j = 0; j < p->nind; j++)
        if (p->indicator[j] && strcmp(p->indicator[j], name) == 0)
            return j;
    return (size_t)-1;
}

double cix_panel_value(const cix_panel *p, size_t row, size_t j)
{
    if (!p || row >= p->nrows || j >= p->nind)
        return NAN;
    return p->data[j * p->nrows + row];
}

double *cix_panel_column(cix_panel *p, size_t j)
{
    if (!p || j >= p->nind)
        return NULL;
    return p->data + j * p->nrows;
}

const double *cix_panel_column_const(const cix_panel *p, size_t j)
{
    if (!p || j >= p->nind)
        return NULL;
    return p->data + j * p->nrows;
}

size_t cix_panel_count_missing(const cix_panel *p)
{
    size_t n = 0, ncell;
    if (!p)
        return 0;
    ncell = p->nrows * p->nind;
    for (size_t i = 0; i < ncell; i++)
        n += isnan(p->data[i]) != 0;
    return n;
}

const cix_allocator *cix_i_panel_allocator(const cix_panel *p)
{
    return &p->alloc;
}

const int32_t *cix_i_panel_year_index(const cix_panel *p)
{
    return p->has_year ? p->row_year_index : NULL;
}

const size_t *cix_i_panel_region_index(const cix_panel *p)
{
    return p->row_region;
}

double *cix_i_panel_data(cix_panel *p)
{
    return p->data;
}

const double *cix_i_panel_data_const(const cix_panel *p)
{
    return p->data;
}

/* ------------------------------------------------------------------------ */
/* internal constructors for bulk loaders (the fast CSV path)               */
/* ------------------------------------------------------------------------ */

cix_status cix_i_panel_create_uninit(size_t nrows, size_t nindicators, int has_year,
                                     const cix_allocator *alloc, cix_panel **out,
                                     cix_error *err)
{
    return panel_create(nrows, nindicators, has_year, alloc, VALUES_UNINIT, out, err);
}

cix_status cix_i_panel_create_mapped(size_t nrows, size_t nindicators, int has_year,
                                     const cix_allocator *alloc, void *map, size_t map_len,
                                     double *data, cix_panel **out, cix_error *err)
{
    cix_status st;
    if (!map || !data)
        return cix_i_fail(err, CIX_EINVAL, "cix_i_panel_create_mapped: no mapping");
    st = panel_create(nrows, nindicators, has_year, alloc, VALUES_NONE, out, err);
    if (st != CIX_OK)
        return st;
    (*out)->data = data;
    (*out)->map = map;
    (*out)->map_len = map_len;
    return CIX_OK;
}

size_t cix_i_panel_mapped_bytes(const cix_panel *p)
{
    return p && p->map ? p->map_len : 0;
}

cix_status cix_i_panel_set_rows(cix_panel *p, const char *const *names, const size_t *lens,
                                size_t nnames, const uint32_t *row_region,
                                const int32_t *row_year, cix_error *err)
{
    size_t cap = 16;

    if (p->nregions != 0 || p->nyears != 0)
        return cix_i_fail(err, CIX_EINVAL, "cix_i_panel_set_rows: rows already set");
    while (cap < nnames * 2) {
        if (cap > SIZE_MAX / 4)
            return cix_i_nomem(err);
        cap *= 2;
    }
    p->region = cix_i_malloc_array(&p->alloc, nnames ? nnames : 1, sizeof(char *));
    if (!p->region)
        return cix_i_nomem(err);
    p->region_cap = nnames ? nnames : 1;
    for (size_t k = 0; k < nnames; k++) {
        char *copy = cix_i_strndup(&p->alloc, names[k], lens[k]);
        if (!copy)
            return cix_i_nomem(err); /* the names so far are freed with the panel */
        p->region[p->nregions++] = copy;
    }
    if (rehash(p, cap) != 0)
        return cix_i_nomem(err);
    for (size_t r = 0; r < p->nrows; r++)
        p->row_region[r] = row_region[r];
    if (!p->has_year)
        return CIX_OK;
    {
        int32_t last = 0;
        size_t last_k = 0;
        int have_last = 0;
        for (size_t r = 0; r < p->nrows; r++) {
            int32_t y = row_year[r];
            size_t lo = 0, hi = p->nyears;
            p->row_year[r] = y;
            if (have_last && y == last)
                continue;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (p->years[mid] < y)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == p->nyears || p->years[lo] != y) {
                if (p->nyears == p->year_cap) {
                    size_t c = p->year_cap ? p->year_cap * 2 : 16;
                    int32_t *yy = cix_i_realloc(&p->alloc, p->years, c * sizeof(int32_t));
                    if (!yy)
                        return cix_i_nomem(err);
                    p->years = yy;
                    p->year_cap = c;
                }
                memmove(p->years + lo + 1, p->years + lo,
                        (p->nyears - lo) * sizeof(int32_t));
                p->years[lo] = y;
                p->nyears++;
            }
            last = y;
            have_last = 1;
        }
        have_last = 0;
        for (size_t r = 0; r < p->nrows; r++) {
            int32_t y = p->row_year[r];
            if (!have_last || y != last) {
                size_t lo = 0, hi = p->nyears;
                while (lo < hi) {
                    size_t mid = lo + (hi - lo) / 2;
                    if (p->years[mid] < y)
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                last = y;
                last_k = lo;
                have_last = 1;
            }
            p->row_year_index[r] = (int32_t)last_k;
        }
    }
    return CIX_OK;
}
