/* The fast path of the CSV reader: wide-form data rows of a file or buffer,
 * parsed in parallel straight into the panel. Private to engine/src/io. */
#ifndef CIX_IO_READ_FAST_H
#define CIX_IO_READ_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "../internal.h"

/* Roles of the columns of a wide file. */
enum { CIX_I_FAST_VALUE = 0, CIX_I_FAST_REGION = 1, CIX_I_FAST_YEAR = 2 };

/*
 * What the header told the reader. The data rows follow the header at byte
 * `off` of the input: either the buffer buf[0..len) or, when buf is NULL,
 * the regular file open as fd, of `len` bytes.
 */
typedef struct cix_i_fast_spec {
    const cix_allocator *alloc;
    char delim;
    size_t ncols;
    const unsigned char *role;      /* ncols roles (CIX_I_FAST_*) */
    const size_t *role_j;           /* indicator index of each value column */
    size_t nind;
    const char *const *ind_name;    /* nind indicator names */
    int has_year;
    const char *const *na;          /* NA strings (after trimming) */
    const size_t *na_len;
    size_t nna;
    int nthreads;                   /* 0 = automatic */
    const unsigned char *buf;
    int fd;
    uint64_t off, len;
} cix_i_fast_spec;

/*
 * Reads the data rows. Returns CIX_OK with *out set, CIX_ENOMEM (*err
 * filled), or CIX_EUNSUPPORTED when the input needs the general reader:
 * anything unusual (quotes around a line break or with a doubled quote, a
 * lone CR, a cell that is not a number or NA string, a bad region or year,
 * a wrong field count, a blank or all-empty row, a duplicate row, a read
 * error). The general reader then reads the same rows and reports any
 * problem exactly. *err is untouched unless CIX_ENOMEM is returned.
 */
cix_status cix_i_fast_read(const cix_i_fast_spec *spec, cix_panel **out, cix_error *err);

#endif
