/* Cell-level helpers of the CSV reader: trimming, names, years, and the
 * diagnosis of cells that are not numbers. Private to engine/src/io. */
#ifndef CIX_IO_CSV_CELLS_H
#define CIX_IO_CSV_CELLS_H

#include <stddef.h>
#include <stdint.h>

#include "../internal.h"

/* Longest cell text quoted in an error message (bytes, cut on a UTF-8
 * character boundary). */
#define CIX_I_QUOTE_MAX 40

/* Drops ASCII spaces and tabs at both ends of s[0..*len); returns the new
 * start and updates *len. */
const char *cix_i_trim(const char *s, size_t *len);

/*
 * Checks that s[0..len) can serve as a name (column, region, indicator):
 * valid UTF-8, no NUL byte, no control character. Returns CIX_OK, or
 * CIX_EPARSE with a message in msg[0..cap) that says how to fix the file.
 */
cix_status cix_i_check_name(const char *s, size_t len, char *msg, size_t cap);

/* Parses a year: optional sign and 1-10 digits, within int32 and not
 * CIX_NO_YEAR (s already trimmed). 0 on success, -1 otherwise. */
int cix_i_parse_year(const char *s, size_t len, int32_t *out);

/*
 * Writes into msg[0..cap) why the trimmed cell s[0..len), which is valid
 * UTF-8 and did not parse as a number, is not accepted and how to fix it:
 * inf/nan literals, thousands separators (1,234 / 1 234), a decimal comma
 * (3,5; delim is the file's delimiter), a percent sign, anything else.
 */
void cix_i_describe_bad_number(const char *s, size_t len, char delim, char *msg,
                               size_t cap);

/* Copies at most CIX_I_QUOTE_MAX bytes of s[0..len) into buf (size cap >=
 * CIX_I_QUOTE_MAX + 4) without splitting a UTF-8 character; appends "..."
 * when cut. */
void cix_i_quote_text(const char *s, size_t len, char *buf, size_t cap);

#endif
