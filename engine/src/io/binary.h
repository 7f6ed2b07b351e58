/* Binary panel files (docs/binary-format.md): recognised by their first
 * bytes and loaded by cix_panel_read_file / cix_panel_read_buffer. Private
 * to engine/src/io. */
#ifndef CIX_IO_BINARY_H
#define CIX_IO_BINARY_H

#include <stddef.h>

#include "../internal.h"

/* 1 when buf[0..n) (n >= 1) is the start of a binary panel file: the whole
 * magic, or, for n below its 8 bytes, a prefix of it (a file cut short is
 * then reported as such, not read as CSV). A CSV file never matches: its
 * first byte would be 0x89, which does not begin any UTF-8 character. */
int cix_i_binary_sniff(const void *buf, size_t n);

/* Loads the binary panel file open as fd (a regular file; the file position
 * is not used; fd may be closed once this returns). With the default
 * allocator the panel's values are a private copy-on-write mapping of the
 * file (unmapped by cix_panel_free), else they are read with pread into the
 * panel's storage; the panel is the same. path names the file in errors.
 * Only o->alloc and o->nthreads apply (o may be NULL). Errors: CIX_EIO,
 * CIX_EPARSE (not a valid file: says what is wrong and to re-create it with
 * cix convert), CIX_ENOMEM. */
cix_status cix_i_binary_read_fd(int fd, const char *path, const cix_read_options *o,
                                cix_panel **out, cix_error *err);

/* The same from memory; name (may be NULL: "<memory>") names it in errors. */
cix_status cix_i_binary_read_buffer(const void *buf, size_t len, const char *name,
                                    const cix_read_options *o, cix_panel **out,
                                    cix_error *err);

#endif
