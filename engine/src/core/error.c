/* Status strings and the per-call error detail. */
#include <stdio.h>
#include <string.h>

#include "../internal.h"

static const char *const status_text[CIX_STATUS_COUNT] = {
    "success",                                 /* CIX_OK */
    "out of memory",                           /* CIX_ENOMEM */
    "invalid argument",                        /* CIX_EINVAL */
    "input/output error",                      /* CIX_EIO */
    "malformed input",                         /* CIX_EPARSE */
    "invalid data for the method",             /* CIX_EDATA */
    "degenerate data",                         /* CIX_EDEGENERATE */
    "numerical failure",                       /* CIX_ENUMERIC */
    "not supported",                           /* CIX_EUNSUPPORTED */
};

const char *cix_strerror(cix_status status)
{
    if ((unsigned)status >= CIX_STATUS_COUNT)
        return "unknown status";
    return status_text[status];
}

void cix_error_clear(cix_error *err)
{
    if (!err)
        return;
    err->status = CIX_OK;
    err->file[0] = '\0';
    err->line = 0;
    err->column = 0;
    err->indicator[0] = '\0';
    err->region[0] = '\0';
    err->year = CIX_NO_YEAR;
    err->message[0] = '\0';
}

/* Copies src into a fixed buffer, truncating on a UTF-8 character boundary. */
static void copy_name(char *dst, size_t cap, const char *src)
{
    size_t n;
    if (!src) {
        dst[0] = '\0';
        return;
    }
    n = strlen(src);
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

cix_status cix_i_vfail(cix_error *err, cix_status status, const char *fmt, va_list ap)
{
    if (!err)
        return status;
    cix_error_clear(err);
    err->status = status;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    return status;
}

cix_status cix_i_fail(cix_error *err, cix_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cix_i_vfail(err, status, fmt, ap);
    va_end(ap);
    return status;
}

cix_status cix_i_nomem(cix_error *err)
{
    return cix_i_fail(err, CIX_ENOMEM, "out of memory");
}

void cix_i_err_file(cix_error *err, const char *file, uint64_t line, uint64_t column)
{
    if (!err)
        return;
    copy_name(err->file, sizeof err->file, file);
    err->line = line;
    err->column = column;
}

void cix_i_err_indicator(cix_error *err, const char *indicator)
{
    if (err)
        copy_name(err->indicator, sizeof err->indicator, indicator);
}

void cix_i_err_region(cix_error *err, const char *region)
{
    if (err)
        copy_name(err->region, sizeof err->region, region);
}

void cix_i_err_year(cix_error *err, int32_t year)
{
    if (err)
        err->year = year;
}

void cix_i_err_cell(cix_error *err, const cix_panel *p, size_t row, size_t j)
{
    if (!err || !p)
        return;
    cix_i_err_indicator(err, cix_panel_indicator(p, j));
    cix_i_err_region(err, cix_panel_row_region(p, row));
    cix_i_err_year(err, cix_panel_row_year(p, row));
}

size_t cix_error_format(const cix_error *err, char *buf, size_t size)
{
    char where[CIX_ERROR_FILE_MAX + 64];
    char what[3 * CIX_ERROR_NAME_MAX + 64];
    size_t wn = 0, tn = 0;
    int n;

    where[0] = what[0] = '\0';
    if (!err) {
        n = snprintf(buf, size, "no error");
        return n < 0 ? 0 : (size_t)n;
    }
    if (err->file[0]) {
        if (err->line && err->column)
            n = snprintf(where, sizeof where, "%s:%llu:%llu: ", err->file,
                         (unsigned long long)err->line, (unsigned long long)err->column);
        else if (err->line)
            n = snprintf(where, sizeof where, "%s:%llu: ", err->file,
                         (unsigned long long)err->line);
        else
            n = snprintf(where, sizeof where, "%s: ", err->file);
        wn = n < 0 ? 0 : (size_t)n;
    }
    (void)wn;
    if (err->indicator[0]) {
        n = snprintf(what + tn, sizeof what - tn, "indicator '%s'", err->indicator);
        tn += n < 0 ? 0 : (size_t)n;
    }
    if (err->region[0] && tn < sizeof what) {
        n = snprintf(what + tn, sizeof what - tn, "%sregion '%s'", tn ? ", " : "",
                     err->region);
        tn += n < 0 ? 0 : (size_t)n;
    }
    if (err->year != CIX_NO_YEAR && tn < sizeof what) {
        n = snprintf(what + tn, sizeof what - tn, "%syear %ld", tn ? ", " : "",
                     (long)err->year);
        tn += n < 0 ? 0 : (size_t)n;
    }
    n = snprintf(buf, size, "%s%s%s%s", where, what, tn ? ": " : "",
                 err->message[0] ? err->message : cix_strerror(err->status));
    return n < 0 ? 0 : (size_t)n;
}
