/*
 * cix — composite indices of regional economies.
 *
 * Public C API. Everything the library exports is declared here (and in
 * cix/version.h, which this header includes).
 *
 * Conventions
 * -----------
 * - One prefix: cix_ for functions and types, CIX_ for macros and enum values.
 * - Opaque handles come in create/free pairs; every *_free() accepts NULL.
 * - Functions that can fail return a cix_status and take a last argument
 *   `cix_error *err` that may be NULL. On failure *err is filled with the
 *   status, a message and, where known, the file, line, column, indicator,
 *   region and year the problem concerns. On success *err is left untouched.
 * - There is no global mutable state: two handles may be used from two
 *   threads at the same time. A single handle must not be used from two
 *   threads at once.
 * - Memory: a handle allocates through the cix_allocator given when it was
 *   created (NULL = the C library's malloc/realloc/free). Every allocation
 *   failure returns CIX_ENOMEM and leaves no leak and no half-built output.
 * - Numbers are read and written independently of the process locale.
 * - Missing values are NaN.
 *
 * Storage layout of a panel
 * -------------------------
 * A panel has nrows rows, one per (region, year), in input order, and
 * nindicators columns. Values are stored column-major: the column of
 * indicator j is a contiguous array of nrows doubles, at
 * cix_panel_column(p, j). Column-wise statistics (min, max, sums) are one
 * sequential pass over a column, and the whole matrix is a Fortran-order
 * nrows x nindicators matrix with leading dimension nrows, ready for BLAS
 * (a covariance is one DSYRK with trans = 'T').
 */
#ifndef CIX_H
#define CIX_H

#include <stddef.h>
#include <stdint.h>

#include "cix/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && !defined(CIX_STATIC)
#  ifdef CIX_BUILDING
#    define CIX_API __declspec(dllexport)
#  else
#    define CIX_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define CIX_API __attribute__((visibility("default")))
#else
#  define CIX_API
#endif

/* ------------------------------------------------------------------------ */
/* Status and error detail                                                  */
/* ------------------------------------------------------------------------ */

/* Status codes. The numeric values are frozen: new codes are only appended. */
typedef enum cix_status {
    CIX_OK = 0,
    CIX_ENOMEM = 1,      /* an allocation failed */
    CIX_EINVAL = 2,      /* invalid argument or option (a programming or usage error) */
    CIX_EIO = 3,         /* a file could not be opened, read or written */
    CIX_EPARSE = 4,      /* malformed input file (CSV syntax, encoding, header) */
    CIX_EDATA = 5,       /* well-formed input whose values a method cannot use
                            (missing cell, negative value for entropy, ...) */
    CIX_EDEGENERATE = 6, /* degenerate statistic: constant indicator, zero sum */
    CIX_ENUMERIC = 7,    /* numerical failure: LAPACK error, no convergence */
    CIX_EUNSUPPORTED = 8 /* valid request that this build does not implement */
} cix_status;

/* Number of status codes; cix_strerror() knows all of them. */
#define CIX_STATUS_COUNT 9

/* Fixed-size buffers so that filling an error never allocates. */
#define CIX_ERROR_NAME_MAX 128
#define CIX_ERROR_FILE_MAX 512
#define CIX_ERROR_MESSAGE_MAX 512

/* Marks "no year" in cix_error.year and in panels without a year column. */
#define CIX_NO_YEAR INT32_MIN

/*
 * Per-call error detail. Fields that do not apply are empty strings, 0 for
 * line/column, and CIX_NO_YEAR for year. Line and column are 1-based.
 * `message` says what is wrong and, where possible, how to fix it.
 */
typedef struct cix_error {
    cix_status status;
    char file[CIX_ERROR_FILE_MAX];
    uint64_t line;
    uint64_t column;
    char indicator[CIX_ERROR_NAME_MAX];
    char region[CIX_ERROR_NAME_MAX];
    int32_t year;
    char message[CIX_ERROR_MESSAGE_MAX];
} cix_error;

/* Static description of a status ("out of memory", ...). Never NULL; an
 * unknown value gives "unknown status". */
CIX_API const char *cix_strerror(cix_status status);

/* Resets *err to "no error" (status CIX_OK, empty fields). NULL is a no-op. */
CIX_API void cix_error_clear(cix_error *err);

/*
 * Writes a one-line human-readable description of *err into buf (always
 * NUL-terminated when size > 0), e.g.
 *   "data.csv:12:4: indicator 'gdp', region 'Hebei', year 2020: ..."
 * Returns the length the full text needs, like snprintf.
 */
CIX_API size_t cix_error_format(const cix_error *err, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

/* Runtime version: CIX_VERSION_NUMBER of the library actually linked. */
CIX_API unsigned cix_version_number(void);
/* Runtime version string, e.g. "0.4.1". Static storage. */
CIX_API const char *cix_version_string(void);

/* ------------------------------------------------------------------------ */
/* Allocator                                                                */
/* ------------------------------------------------------------------------ */

/*
 * A user allocator. All three functions must be set. `realloc_fn` follows
 * C realloc semantics (ptr may be NULL). `ud` is passed through unchanged.
 * Handles keep a copy of the struct, not the pointer.
 */
typedef struct cix_allocator {
    void *(*malloc_fn)(void *ud, size_t size);
    void *(*realloc_fn)(void *ud, void *ptr, size_t size);
    void (*free_fn)(void *ud, void *ptr);
    void *ud;
} cix_allocator;

/* ------------------------------------------------------------------------ */
/* Panel                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct cix_panel cix_panel;

/*
 * Creates a panel of nrows rows and nindicators indicators, every value NaN,
 * every region and indicator name empty, every year CIX_NO_YEAR.
 * has_year: 1 if rows carry a year (a panel), 0 for a cross-section.
 * alloc may be NULL. nrows and nindicators may be 0 only for an empty panel.
 * Errors: CIX_EINVAL (nrows*nindicators overflows), CIX_ENOMEM.
 * Complexity: O(nrows * nindicators) to set the NaNs.
 */
CIX_API cix_status cix_panel_create(size_t nrows, size_t nindicators, int has_year,
                                    const cix_allocator *alloc, cix_panel **out,
                                    cix_error *err);

/* Frees a panel and everything it owns. NULL is a no-op. */
CIX_API void cix_panel_free(cix_panel *p);

/*
 * Sets row `row`'s region name (UTF-8, copied) and year (ignored for a
 * cross-section). Rows of the same region must use the same name; region
 * identity is by exact byte equality of the name.
 * Errors: CIX_EINVAL (row out of range, name NULL or empty or not UTF-8),
 * CIX_ENOMEM. O(len(name)) amortized.
 */
CIX_API cix_status cix_panel_set_row(cix_panel *p, size_t row, const char *region,
                                     int32_t year, cix_error *err);

/* Sets indicator j's name (UTF-8, copied). Errors as cix_panel_set_row. */
CIX_API cix_status cix_panel_set_indicator(cix_panel *p, size_t j, const char *name,
                                           cix_error *err);

/*
 * Checks that the panel is complete and consistent: every region and
 * indicator named, indicator names unique, no duplicate (region, year) row
 * (or duplicate region in a cross-section), no infinite value.
 * Errors: CIX_EDATA with the offending row / indicator in *err. O(n log n).
 */
CIX_API cix_status cix_panel_validate(const cix_panel *p, cix_error *err);

CIX_API size_t cix_panel_nrows(const cix_panel *p);
CIX_API size_t cix_panel_nindicators(const cix_panel *p);
/* 1 if the rows carry a year, 0 for a cross-section. */
CIX_API int cix_panel_has_year(const cix_panel *p);
/* Number of distinct regions / years (0 years for a cross-section). */
CIX_API size_t cix_panel_nregions(const cix_panel *p);
CIX_API size_t cix_panel_nyears(const cix_panel *p);
/* The k-th distinct year, ascending (0 <= k < nyears). */
CIX_API int32_t cix_panel_year_at(const cix_panel *p, size_t k);

/* Region name of a row; pointer valid until the panel is freed or the row's
 * region is set again. Returns "" for an out-of-range row. */
CIX_API const char *cix_panel_row_region(const cix_panel *p, size_t row);
/* Year of a row, or CIX_NO_YEAR (cross-section / out of range). */
CIX_API int32_t cix_panel_row_year(const cix_panel *p, size_t row);
/* Indicator name; "" when out of range. */
CIX_API const char *cix_panel_indicator(const cix_panel *p, size_t j);
/* Index of the indicator named `name`, or (size_t)-1 if none. O(J). */
CIX_API size_t cix_panel_find_indicator(const cix_panel *p, const char *name);

/* Value of (row, j); NaN when missing or out of range. */
CIX_API double cix_panel_value(const cix_panel *p, size_t row, size_t j);
/* Column j, nrows contiguous doubles, writable; NULL when out of range. */
CIX_API double *cix_panel_column(cix_panel *p, size_t j);
CIX_API const double *cix_panel_column_const(const cix_panel *p, size_t j);

/* Number of missing (NaN) cells in the whole panel. O(n * J). */
CIX_API size_t cix_panel_count_missing(const cix_panel *p);

/* ------------------------------------------------------------------------ */
/* Reading panels from CSV                                                  */
/* ------------------------------------------------------------------------ */

typedef enum cix_csv_form {
    CIX_FORM_AUTO = 0, /* long if the header is exactly region,year,indicator,value
                          (with the configured names), else wide */
    CIX_FORM_WIDE = 1, /* region column, optional year column, one column per indicator */
    CIX_FORM_LONG = 2  /* region,year,indicator,value (year optional) */
} cix_csv_form;

#define CIX_MAX_NA_STRINGS 16

typedef struct cix_read_options {
    cix_csv_form form;           /* default CIX_FORM_AUTO */
    char delimiter;              /* ',', ';', '\t', or 0 = detect from the header line
                                    (default 0) */
    const char *region_column;   /* default "region" */
    const char *year_column;     /* default "year"; a wide file without it is a
                                    cross-section */
    const char *indicator_column;/* long form; default "indicator" */
    const char *value_column;    /* long form; default "value" */
    /* Cell texts (after trimming spaces) that mean "missing". Default: "",
     * "NA", "NaN", "-", "..", "…" (U+2026). */
    const char *na_strings[CIX_MAX_NA_STRINGS];
    size_t n_na_strings;
    const cix_allocator *alloc;  /* NULL = libc; the panel keeps a copy */
    /* --- added in 0.2 (append-only) --- */
    int nthreads;                /* threads for reading a file or buffer: 0 =
                                    automatic (for large inputs the
                                    environment variable CIX_THREADS when it
                                    is a whole number >= 1, else one per
                                    core), 1 = none; the panel never depends
                                    on it (default 0) */
} cix_read_options;

/* Sets the documented defaults above. */
CIX_API void cix_read_options_init(cix_read_options *o);
/* NULL if the options are consistent, else a static message. */
CIX_API const char *cix_read_options_check(const cix_read_options *o);

/*
 * Reads a CSV panel from a file. `path` is used in error messages.
 * Errors: CIX_EIO (cannot open / read), CIX_EPARSE (syntax, encoding,
 * header: with file, line and column), CIX_EDATA (bad or duplicate values),
 * CIX_ENOMEM. On failure *out is NULL. O(file size).
 */
CIX_API cix_status cix_panel_read_file(const char *path, const cix_read_options *o,
                                       cix_panel **out, cix_error *err);

/* As cix_panel_read_file, from memory; `name` is used as the file name in
 * error messages (may be NULL: "<memory>"). */
CIX_API cix_status cix_panel_read_buffer(const void *buf, size_t len, const char *name,
                                         const cix_read_options *o, cix_panel **out,
                                         cix_error *err);

/*
 * Binary panel files (added in 0.3; append-only). Writes panel p to path in
 * the binary format of docs/binary-format.md: the names, regions and years,
 * then the values exactly as the panel stores them (column-major IEEE-754
 * doubles, bit for bit: NaN = missing, -0.0 and subnormals kept), starting
 * at a multiple of 4096 bytes. cix_panel_read_file and cix_panel_read_buffer
 * recognise such a file by its first bytes and load it with a few large
 * reads instead of parsing CSV, giving the same panel as the CSV it was made
 * from; for a binary file only the alloc and nthreads read options apply
 * (delimiter, column names, NA strings and form are ignored). Regions are
 * numbered in order of first appearance, as a read panel has them.
 * Atomic: a temporary file in path's directory is written and renamed over
 * path; on failure it is removed and path is untouched. Not synced to disk.
 * Errors: CIX_EINVAL (a row without a region, a name empty or with a control
 * character), CIX_EDATA (an infinite value, naming the cell), CIX_EIO
 * (naming path), CIX_ENOMEM. Allocates through p's allocator about
 * 8 bytes per row plus the names; O(nrows * nindicators).
 */
CIX_API cix_status cix_panel_write_binary(const cix_panel *p, const char *path,
                                          cix_error *err);

/* Incremental reader: feed the input in chunks of any size. */
typedef struct cix_reader cix_reader;

CIX_API cix_status cix_reader_create(const char *name, const cix_read_options *o,
                                     cix_reader **out, cix_error *err);
CIX_API void cix_reader_free(cix_reader *r);
/* Feeds the next len bytes. After an error every later call returns it again. */
CIX_API cix_status cix_reader_feed(cix_reader *r, const void *buf, size_t len,
                                   cix_error *err);
/* Ends the input and builds the panel (caller frees it). */
CIX_API cix_status cix_reader_finish(cix_reader *r, cix_panel **out, cix_error *err);

/* ------------------------------------------------------------------------ */
/* Methods                                                                  */
/* ------------------------------------------------------------------------ */

/* Indicator direction (METHODS.md §1). */
typedef enum cix_direction_kind {
    CIX_DIR_BENEFIT = 0,  /* "+" larger is better */
    CIX_DIR_COST = 1,     /* "-" smaller is better */
    CIX_DIR_INTERVAL = 2, /* "[a,b]" best inside [a,b] */
    CIX_DIR_TARGET = 3    /* "=t" best at t (a = t) */
} cix_direction_kind;

typedef struct cix_direction {
    cix_direction_kind kind;
    double a; /* interval lower bound, or the target point */
    double b; /* interval upper bound */
} cix_direction;

/* Normalizations (METHODS.md §2). Values are frozen; new ones are appended. */
typedef enum cix_normalization {
    CIX_NORM_NONE = 0,       /* "none" */
    CIX_NORM_MINMAX = 1,     /* "minmax", range [range_lo, range_hi] */
    CIX_NORM_ZSCORE = 2,     /* "zscore", sd with ddof */
    CIX_NORM_RANK = 3,       /* "rank", 1..n, ties averaged */
    CIX_NORM_PERCENTILE = 4, /* "percentile", (rank-1)/(n-1) */
    CIX_NORM_RATIO_MEAN = 5, /* "ratio-mean" */
    CIX_NORM_RATIO_MAX = 6,  /* "ratio-max" */
    CIX_NORM_RATIO_MIN = 7,  /* "ratio-min" */
    CIX_NORM_VECTOR = 8,     /* "vector", x / sqrt(sum x^2), not oriented */
    CIX_NORM_TARGET = 9,     /* "target", needs cix_indicator_params.target */
    CIX_NORM_GOALPOSTS = 10, /* "goalposts", needs params lo/hi */
    CIX_NORM_EFFICACY = 11   /* "efficacy", 60-100 scale (功效系数法) */
} cix_normalization;

/* Weighting methods (METHODS.md §4). Values are frozen. */
typedef enum cix_weighting {
    CIX_WEIGHT_EQUAL = 0,    /* "equal" */
    CIX_WEIGHT_ENTROPY = 1,  /* "entropy" */
    CIX_WEIGHT_FIXED = 2,    /* "fixed": fixed_weights */
    CIX_WEIGHT_SD = 3,       /* "sd": sd of y */
    CIX_WEIGHT_CV = 4,       /* "cv": sd/|mean| of the (pre-treated) x */
    CIX_WEIGHT_CRITIC = 5,   /* "critic" */
    CIX_WEIGHT_PCA = 6,      /* "pca": OECD factor-analysis rule with varimax */
    CIX_WEIGHT_PCA_COEF = 7  /* "pca-coef": principal-component score coefficients */
} cix_weighting;

/* Aggregation methods (METHODS.md §5). Values are frozen. */
typedef enum cix_aggregation {
    CIX_AGG_LINEAR = 0,    /* "linear" */
    CIX_AGG_GEOMETRIC = 1, /* "geometric": y > 0 required */
    CIX_AGG_HARMONIC = 2,  /* "harmonic": y > 0 required */
    CIX_AGG_POWER = 3,     /* "power": generalized mean with exponent `power` */
    CIX_AGG_TOPSIS = 4     /* "topsis": ideal points from the scope */
} cix_aggregation;

/* Combination of the fixed weights a (subjective, fixed_weights) with the
 * weights b of the chosen method (objective) — METHODS.md §4 "Combined". */
typedef enum cix_combine {
    CIX_COMBINE_NONE = 0,   /* use b alone */
    CIX_COMBINE_MULT = 1,   /* "mult": a_j b_j / sum a b */
    CIX_COMBINE_LINEAR = 2  /* "linear:alpha": alpha a + (1 - alpha) b */
} cix_combine;

/* Missing-value imputation (METHODS.md §3). Values are frozen. */
typedef enum cix_impute {
    CIX_IMPUTE_NONE = 0,   /* "none" */
    CIX_IMPUTE_MEAN = 1,   /* "mean" over the scope */
    CIX_IMPUTE_MEDIAN = 2, /* "median" over the scope */
    CIX_IMPUTE_INTERP = 3, /* "interp": linear across years within a region */
    CIX_IMPUTE_LOCF = 4    /* "locf": last observation carried forward */
} cix_impute;

/* Per-indicator transform before normalization (METHODS.md §3). */
typedef enum cix_transform {
    CIX_TRANSFORM_NONE = 0,
    CIX_TRANSFORM_LOG = 1,        /* "log": log(x), x > 0 required */
    CIX_TRANSFORM_LOG1P_SHIFT = 2 /* "log1p-shift": log(x - min + 1) over the scope */
} cix_transform;

/*
 * Per-indicator parameters for target, goalposts and efficacy
 * normalizations and for transforms. NaN means "not given".
 */
typedef struct cix_indicator_params {
    double target;       /* t for "target" */
    double lo, hi;       /* goalposts; for "target" they replace min/max */
    double satisfactory; /* x_h (满意值) for "efficacy" */
    double not_allowed;  /* x_s (不允许值) for "efficacy" */
    cix_transform transform;
} cix_indicator_params;

/* Sets every field to "not given" (NaN, CIX_TRANSFORM_NONE). */
CIX_API void cix_indicator_params_init(cix_indicator_params *q);

typedef enum cix_scope_kind {
    CIX_SCOPE_POOLED = 0, /* statistics over all rows of all years */
    CIX_SCOPE_YEAR = 1,   /* statistics per year */
    CIX_SCOPE_BASE = 2    /* statistics of the base year, applied to all */
} cix_scope_kind;

typedef enum cix_ties {
    CIX_TIES_MIN = 0,     /* 1,1,3 (default) */
    CIX_TIES_AVERAGE = 1, /* 1.5,1.5,3 */
    CIX_TIES_DENSE = 2    /* 1,1,2 */
} cix_ties;

typedef struct cix_options {
    cix_normalization normalization; /* default CIX_NORM_MINMAX */
    double range_lo, range_hi;       /* minmax output range, default 0, 1 */
    cix_weighting weighting;         /* default CIX_WEIGHT_ENTROPY */
    cix_aggregation aggregation;     /* default CIX_AGG_LINEAR */
    cix_scope_kind scope;            /* default CIX_SCOPE_POOLED */
    int32_t base_year;               /* for CIX_SCOPE_BASE */
    cix_ties ties;                   /* default CIX_TIES_MIN */
    /* Directions, one per indicator, in panel order; NULL = all benefit. */
    const cix_direction *directions;
    size_t ndirections;              /* must equal nindicators when directions != NULL */
    /* Fixed weights for CIX_WEIGHT_FIXED, one per indicator (rescaled to sum 1). */
    const double *fixed_weights;
    size_t nfixed_weights;
    double entropy_shift;            /* entropy: add δ to every y first; default 0 */
    double entropy_smooth;           /* entropy: a + (1-a) y; default 0 (off) */
    int average_weights;             /* scope year: average the yearly weights */
    int nthreads;                    /* 0 = automatic (CIX_THREADS from the
                                        environment when it is a whole number
                                        >= 1, else one per core); results
                                        never depend on it */

    /* --- added in 0.2: the full method set (append-only) --- */
    int ddof;                        /* zscore, sd, critic: 1 (n-1, default) or 0 (n) */
    int no_cap;                      /* target normalization: do not cap at 1 */
    /* Per-indicator parameters (targets, goalposts, efficacy values,
     * transforms), one per indicator in panel order; NULL = none given. */
    const cix_indicator_params *params;
    size_t nparams;
    int drop_constant;               /* drop constant indicators (reported) instead
                                        of failing */
    cix_impute impute;               /* default CIX_IMPUTE_NONE */
    double min_coverage_indicator;   /* drop indicators with less than this share
                                        of cells present (0..1); default 0 = keep */
    double min_coverage_region;      /* same for regions; default 0 */
    int outliers;                    /* 1 = JRC outlier rule (winsorize up to 5,
                                        else log1p-shift); default 0 */
    int factors;                     /* pca, pca-coef: number of factors, 0 = auto */
    cix_combine combine;             /* default CIX_COMBINE_NONE */
    double combine_alpha;            /* for CIX_COMBINE_LINEAR, in [0,1] */
    double power;                    /* CIX_AGG_POWER exponent p (p != 0); default 1 */

    /* --- added in 0.3 (append-only) --- */
    /* 1 (default): cix_compute keeps the normalized matrix (and the
     * pre-treated one). 0: it need not; cix_result_normalized() and
     * cix_result_treated() then return NULL, and for the common methods
     * (impute none or mean, no other pre-treatment, benefit / cost
     * directions, scope pooled, normalization none / minmax / zscore,
     * weights equal / fixed / entropy / sd / cv / pca / pca-coef without
     * combining, linear aggregation) the run streams over the panel's
     * columns with o->nthreads threads and holds no copy of the panel:
     * weights, scores and ranks are bit for bit those of keep_normalized = 1
     * for any thread count. Imputation is then reported by its one note per
     * indicator (how many cells were filled), not one note per cell.
     * CIX_KEEP_ROWS: as 0, but the result can still give the normalized
     * values of any rows through cix_result_normalized_rows(): the streaming
     * run keeps each column's statistics (a few numbers per indicator) and
     * recomputes them from the panel, any other run keeps its normalized
     * matrix. The notes are those of 1 (one per imputed cell);
     * cix_result_treated() returns NULL. Other values are invalid. */
    int keep_normalized;

    /* --- added in 0.4 (append-only) --- */
    /* 1 (default): wherever the run records them (see keep_normalized),
     * one note per cell the pre-treatment changes (CIX_NOTE_IMPUTED or
     * CIX_NOTE_WINSORIZED with a row) before the indicator's summary note.
     * 0: the summary notes only (each indicator's count of cells imputed
     * or winsorized, with row CIX_NO_ROW), which spares a note per cell on
     * large panels. Weights, scores and ranks do not depend on it. Other
     * values are invalid. */
    int cell_notes;
} cix_options;

/* keep_normalized: normalized values of rows on demand, without the matrix
 * when the run can stream. */
#define CIX_KEEP_ROWS 2

/* Sets the documented defaults above. */
CIX_API void cix_options_init(cix_options *o);
/* NULL if the options are consistent, else a static message naming the field. */
CIX_API const char *cix_options_check(const cix_options *o);

/* Canonical names (as in METHODS.md and the CLI) and their parsers.
 * The *_from_name functions return 0 on success, -1 for an unknown name. */
CIX_API const char *cix_normalization_name(cix_normalization n);
CIX_API int cix_normalization_from_name(const char *name, cix_normalization *out);
CIX_API const char *cix_weighting_name(cix_weighting w);
CIX_API int cix_weighting_from_name(const char *name, cix_weighting *out);
CIX_API const char *cix_aggregation_name(cix_aggregation a);
CIX_API int cix_aggregation_from_name(const char *name, cix_aggregation *out);
CIX_API const char *cix_ties_name(cix_ties t);
CIX_API int cix_ties_from_name(const char *name, cix_ties *out);
CIX_API const char *cix_impute_name(cix_impute m);
CIX_API int cix_impute_from_name(const char *name, cix_impute *out);
CIX_API const char *cix_transform_name(cix_transform t);
CIX_API int cix_transform_from_name(const char *name, cix_transform *out);
/* "mult" or "linear:ALPHA" (and "none"). */
CIX_API int cix_combine_from_name(const char *name, cix_combine *out, double *alpha);
/* "pooled", "year", "base:YYYY". */
CIX_API int cix_scope_from_name(const char *name, cix_scope_kind *kind, int32_t *base_year);
/* Parses "+", "-", "[a,b]", "=t" (locale-independent). 0 or -1. */
CIX_API int cix_direction_parse(const char *text, cix_direction *out);

/*
 * Normalizes the panel into `out`, a caller buffer of nrows*nindicators
 * doubles in the panel's column-major layout. Missing cells stay NaN.
 * Directions are applied as METHODS.md says (cost indicators turned around
 * by orienting normalizations).
 * Errors: CIX_EINVAL, CIX_EDEGENERATE (max = min: names the indicator),
 * CIX_EDATA, CIX_ENOMEM. O(n * J).
 */
CIX_API cix_status cix_normalize(const cix_panel *p, const cix_options *o, double *out,
                                 cix_error *err);

/*
 * Weights from a normalized matrix y (nrows x nindicators, column-major,
 * leading dimension nrows) of panel p: w is a caller buffer of nindicators
 * doubles, summing to 1. With scope "year" and average_weights set, the
 * yearly weights are averaged; with scope "year" otherwise, use
 * cix_result_weights_year() from cix_compute().
 * Missing (NaN) cells of y are skipped: a column's statistics use its present
 * cells only (entropy: n is the number of present cells of the column).
 * Errors: CIX_EDATA (negative y for entropy: names the cell),
 * CIX_EDEGENERATE (column sum 0, all d_j = 0), CIX_EINVAL, CIX_ENOMEM.
 * O(n * J).
 */
CIX_API cix_status cix_weights(const cix_panel *p, const cix_options *o, const double *y,
                               double *w, cix_error *err);

/*
 * Ranks scores within groups, descending (highest score = rank 1).
 * group[i] is the group of item i (NULL = one group); NaN scores rank last
 * within their group. ranks is a caller buffer of n doubles (average ties give
 * halves). Errors: CIX_EINVAL, CIX_ENOMEM. O(n log n).
 */
CIX_API cix_status cix_rank(const double *scores, const int32_t *group, size_t n,
                            cix_ties ties, const cix_allocator *alloc, double *ranks,
                            cix_error *err);

/* The result of a full run: normalized data, weights, scores, ranks. */
typedef struct cix_result cix_result;

/*
 * Runs the pipeline normalize -> weights -> aggregate -> rank (ranks within
 * each year) on panel p with options o. Allocates through p's allocator.
 * Errors: any of the above. On failure *out is NULL. O(n * J + n log n).
 */
CIX_API cix_status cix_compute(const cix_panel *p, const cix_options *o, cix_result **out,
                               cix_error *err);
CIX_API void cix_result_free(cix_result *r);

CIX_API size_t cix_result_nrows(const cix_result *r);
CIX_API size_t cix_result_nindicators(const cix_result *r);
/* Final weights (nindicators doubles, summing to 1). For scope "year"
 * without averaging: the weights of the last year (see _weights_year). */
CIX_API const double *cix_result_weights(const cix_result *r);
/* Weights used for year index k (0 <= k < nyears of the panel); the same as
 * cix_result_weights() unless scope is "year" without averaging. */
CIX_API const double *cix_result_weights_year(const cix_result *r, size_t k);
/* Normalized matrix, column-major, nrows x nindicators; NULL when the run
 * had keep_normalized = 0, and after a streaming CIX_KEEP_ROWS run. */
CIX_API const double *cix_result_normalized(const cix_result *r);
/* The normalized values of rows r0 .. r0+m-1 of every indicator into out,
 * column-major with leading dimension m (m x nindicators doubles): those of
 * cix_result_normalized(), bit for bit. p must be the panel the result was
 * computed from, unchanged since. Works when the run had keep_normalized = 1
 * or CIX_KEEP_ROWS; after a streaming CIX_KEEP_ROWS run the values are
 * recomputed from p's rows (a block of a few hundred rows at a time keeps
 * the memory small). CIX_EUNSUPPORTED for a keep_normalized = 0 result,
 * CIX_EINVAL for another panel or rows out of range. (Added in 0.3.) */
CIX_API cix_status cix_result_normalized_rows(const cix_result *r, const cix_panel *p,
                                              size_t r0, size_t m, double *out,
                                              cix_error *err);
/* Scores and ranks, one per panel row, in panel row order. */
CIX_API const double *cix_result_scores(const cix_result *r);
CIX_API const double *cix_result_ranks(const cix_result *r);
/* Rank change against the previous year of the same region, one per row:
 * previous rank - this rank (positive = moved up); NaN in the first year, for
 * a region absent the year before, or for a cross-section. */
CIX_API const double *cix_result_rank_change(const cix_result *r);
/* 1 if panel indicator j was used, 0 if it was dropped (constant with
 * drop_constant, or by the coverage screen). Weights and normalized columns
 * are over all panel indicators: a dropped indicator has weight 0 and a NaN
 * column. Rows of a region dropped by the coverage screen have NaN scores. */
CIX_API int cix_result_indicator_used(const cix_result *r, size_t j);
/* The pre-treated values x the methods saw (imputed, transformed,
 * winsorized), column-major nrows x nindicators, NaN where dropped; NULL when
 * no pre-treatment step was asked for (x is then the panel's values) or
 * with keep_normalized = 0. The panel itself is never changed. */
CIX_API const double *cix_result_treated(const cix_result *r);

/*
 * The rows of panel p in the order `cix score` prints them:
 * by year ascending (a cross-section is one year), then by rank ascending
 * with missing (NaN) ranks last within their year, then in input order (so
 * tied ranks, 2.5 and 2.5 from average ties, keep input order). ranks holds
 * one rank per row of p, in panel row order: cix_result_ranks() of a run on
 * p, or cix_model_result_ranks() of any node; the order is the same for
 * every scope, since ranks are always within each year. order is a caller
 * buffer of cix_panel_nrows(p) row indices; it is written only on success.
 * With no rows nothing is read or written (ranks and order may be NULL).
 * Temporary memory comes from p's allocator.
 * Errors: CIX_EINVAL (p NULL, or ranks or order NULL with rows), CIX_ENOMEM.
 * O(n + nyears) when every present rank is a whole number or a half from 1
 * to the number of rows of its year, as cix_rank gives with every ties
 * rule; otherwise O(n log n).
 */
CIX_API cix_status cix_rank_order(const cix_panel *p, const double *ranks, size_t *order,
                                  cix_error *err);

/* ------------------------------------------------------------------------ */
/* Notes: what the engine did to the data, and warnings                     */
/* ------------------------------------------------------------------------ */

typedef enum cix_note_kind {
    CIX_NOTE_IMPUTED = 0,          /* a missing cell was filled (row, indicator,
                                      value_after) */
    CIX_NOTE_WINSORIZED = 1,       /* a value was replaced by the next one (row,
                                      indicator, value_before, value_after) */
    CIX_NOTE_LOGGED = 2,           /* an indicator was log-transformed (indicator) */
    CIX_NOTE_DROPPED_CONSTANT = 3, /* indicator dropped: constant in the scope */
    CIX_NOTE_DROPPED_COVERAGE = 4, /* indicator (or region: row set, indicator
                                      (size_t)-1) dropped by the coverage screen */
    CIX_NOTE_NEGATIVE_COEF = 5,    /* pca-coef: c_j < 0 (indicator, value_after=c_j) */
    CIX_NOTE_WARNING = 6,          /* a warning (KMO < 0.5, Bartlett p >= 0.05,
                                      fewer rows than indicators, ...) */
    CIX_NOTE_OUTLIER_FLAG = 7      /* indicator flagged by the JRC rule (audit) */
} cix_note_kind;

#define CIX_NO_ROW ((size_t)-1)

typedef struct cix_note {
    cix_note_kind kind;
    size_t indicator;   /* panel index, or (size_t)-1 */
    size_t row;         /* panel row, or CIX_NO_ROW */
    double value_before;/* NaN when not applicable */
    double value_after; /* NaN when not applicable */
    size_t count;       /* e.g. number of cells filled for a summary note */
    char message[256];  /* human-readable, names indicator/region/year */
} cix_note;

/* Notes recorded by cix_compute, in the order the steps ran. */
CIX_API size_t cix_result_nnotes(const cix_result *r);
CIX_API const cix_note *cix_result_note(const cix_result *r, size_t i);

/* ------------------------------------------------------------------------ */
/* PCA / factor analysis                                                    */
/* ------------------------------------------------------------------------ */

/*
 * Principal components of the correlation matrix R of the pre-treated,
 * oriented x (cost indicators negated, interval/target turned to benefit),
 * as METHODS.md §4 "pca" / "pca-coef" describe. Missing cells must have been
 * imputed (options.impute), else CIX_EDATA names the cell.
 */
typedef struct cix_pca cix_pca;

CIX_API cix_status cix_pca_compute(const cix_panel *p, const cix_options *o, cix_pca **out,
                                   cix_error *err);
CIX_API void cix_pca_free(cix_pca *a);
CIX_API size_t cix_pca_nindicators(const cix_pca *a);
/* Eigenvalues of R, descending (nindicators of them), and their shares. */
CIX_API const double *cix_pca_eigenvalues(const cix_pca *a);
CIX_API const double *cix_pca_variance_share(const cix_pca *a);
/* Number of retained factors m and a static description of the rule used. */
CIX_API size_t cix_pca_nfactors(const cix_pca *a);
CIX_API const char *cix_pca_rule(const cix_pca *a);
/* Loadings, column-major nindicators x m: unrotated L = V_m diag(sqrt λ) and
 * varimax-rotated, each factor's sign flipped so its loadings sum > 0;
 * rotated factors ordered by decreasing sum of squared loadings. */
CIX_API const double *cix_pca_loadings(const cix_pca *a);
CIX_API const double *cix_pca_rotated(const cix_pca *a);
/* Factor (0-based) each indicator is assigned to (largest squared rotated
 * loading). */
CIX_API const size_t *cix_pca_factor_of(const cix_pca *a);
/* Weights by the OECD rule (pca) and by the score-coefficient rule
 * (pca-coef, with c_j available through cix_pca_coefficients). */
CIX_API const double *cix_pca_weights(const cix_pca *a);
CIX_API const double *cix_pca_coef_weights(const cix_pca *a);
CIX_API const double *cix_pca_coefficients(const cix_pca *a);
/* Varimax iterations used, and 1 if it converged. */
CIX_API int cix_pca_varimax_converged(const cix_pca *a, size_t *iterations);
/* Number of rows the correlation was computed from. */
CIX_API size_t cix_pca_nrows(const cix_pca *a);
/* KMO of R and Bartlett's p-value (NaN when R is singular). */
CIX_API double cix_pca_kmo(const cix_pca *a);
CIX_API double cix_pca_bartlett_p(const cix_pca *a);
/* Notes recorded by the PCA: warnings (fewer rows than indicators, singular
 * R naming the collinear indicators, KMO < 0.5, Bartlett p >= 0.05, varimax
 * not converged) and every negative score coefficient. */
CIX_API size_t cix_pca_nnotes(const cix_pca *a);
CIX_API const cix_note *cix_pca_note(const cix_pca *a, size_t i);

/* ------------------------------------------------------------------------ */
/* Statistical audit                                                        */
/* ------------------------------------------------------------------------ */

typedef struct cix_audit cix_audit;

/* Flags raised by the audit (bit set per indicator or overall). */
#define CIX_AUDIT_KMO_LOW 0x01            /* KMO < 0.5 */
#define CIX_AUDIT_BARTLETT_NS 0x02        /* Bartlett p >= 0.05 */
#define CIX_AUDIT_OUTLIERS 0x04           /* JRC rule: |skew| > 2 and kurt > 3.5 */
#define CIX_AUDIT_COLLINEAR 0x08          /* correlated above 0.92 with another */
#define CIX_AUDIT_NEGATIVE_IN_GROUP 0x10  /* negatively correlated within its group */

/*
 * Audits the pre-treated, oriented x of panel p (METHODS.md §7).
 * `group` gives each indicator's group (pillar) index for the negative-
 * correlation flag, or NULL (all one group).
 * Errors: CIX_EDATA (missing cells: impute first), CIX_ENUMERIC (R is
 * singular, KMO needs its inverse: the message names the collinear
 * indicators), CIX_ENOMEM. O(n J^2 + J^3).
 */
CIX_API cix_status cix_audit_compute(const cix_panel *p, const cix_options *o,
                                     const size_t *group, cix_audit **out, cix_error *err);
CIX_API void cix_audit_free(cix_audit *a);
CIX_API size_t cix_audit_nindicators(const cix_audit *a);
/* Column-major J x J correlation matrices. */
CIX_API const double *cix_audit_pearson(const cix_audit *a);
CIX_API const double *cix_audit_spearman(const cix_audit *a);
CIX_API double cix_audit_kmo(const cix_audit *a);
CIX_API const double *cix_audit_kmo_indicator(const cix_audit *a);
/* Bartlett's sphericity test. */
CIX_API double cix_audit_bartlett_chisq(const cix_audit *a);
CIX_API double cix_audit_bartlett_df(const cix_audit *a);
CIX_API double cix_audit_bartlett_p(const cix_audit *a);
/* Cronbach's alpha of the normalized y (options' normalization). */
CIX_API double cix_audit_cronbach_alpha(const cix_audit *a);
/* Per indicator: skewness g1 and excess kurtosis g2 (population moments, of x). */
CIX_API const double *cix_audit_skewness(const cix_audit *a);
CIX_API const double *cix_audit_kurtosis(const cix_audit *a);
/* Flags: per indicator (CIX_AUDIT_* bits), and overall. */
CIX_API const unsigned *cix_audit_flags(const cix_audit *a);
CIX_API unsigned cix_audit_overall_flags(const cix_audit *a);

/* ------------------------------------------------------------------------ */
/* Numbers                                                                  */
/* ------------------------------------------------------------------------ */

/* Buffer size that always suffices for cix_format_double. */
#define CIX_DOUBLE_BUFSIZE 32

/*
 * Writes the shortest decimal text that reads back to exactly x (with
 * cix_parse_double or strtod in the C locale), e.g. "0.1", "1e-300",
 * "-2.5"; NaN is written as "" (missing) and infinities as "inf"/"-inf".
 * Locale-independent. Returns the length written (without the NUL).
 */
CIX_API size_t cix_format_double(double x, char buf[CIX_DOUBLE_BUFSIZE]);

/*
 * Parses a complete decimal number (optional sign, digits, '.', exponent)
 * from s[0..len) with the C locale's rules, correctly rounded exactly as
 * strtod. Rejects empty text, trailing characters, hex, "inf" and "nan".
 * Returns 0 on success, -1 otherwise. Locale-independent.
 */
CIX_API int cix_parse_double(const char *s, size_t len, double *out);

/* ------------------------------------------------------------------------ */
/* Models: indicator frameworks (docs/models.md)                            */
/* ------------------------------------------------------------------------ */

/*
 * A model is an indicator framework read from a CSV file in the layout of
 * COINr's indicator metadata: one row per node (indicator, aggregate,
 * denominator, group), with its parent, level, direction, weight, target,
 * unit and methods. docs/models.md describes every column and rule.
 * Nodes are numbered 0..nnodes-1 in file order (rows of every type).
 */
typedef struct cix_model cix_model;

typedef enum cix_node_type {
    CIX_NODE_INDICATOR = 0,   /* "Indicator": a column of the panel */
    CIX_NODE_AGGREGATE = 1,   /* "Aggregate": a sub-pillar, pillar, sub-index or the index */
    CIX_NODE_DENOMINATOR = 2, /* "Denominator": a panel column indicators are divided by */
    CIX_NODE_GROUP = 3,       /* "Group": ignored */
    CIX_NODE_OTHER = 4        /* "Other": ignored */
} cix_node_type;

/* "No node": a root's parent, a missing denominator, an unknown code. */
#define CIX_NO_NODE ((size_t)-1)

/*
 * Reads a model from a CSV file and checks every rule of docs/models.md that
 * does not need the panel (one root, parents exist and are aggregates, no
 * cycles, levels decrease towards the indicators, well-formed directions,
 * numbers and method names, unique codes). `alloc` may be NULL (libc).
 * Errors: CIX_EIO (cannot read), CIX_EPARSE (CSV syntax, unknown or missing
 * column, a malformed cell, a broken hierarchy: err names the file and the
 * line of the row concerned), CIX_ENOMEM. On failure *out is NULL.
 * O(file size + nnodes log nnodes).
 */
CIX_API cix_status cix_model_read_file(const char *path, const cix_allocator *alloc,
                                       cix_model **out, cix_error *err);

/* As cix_model_read_file, from memory; `name` is the file name used in
 * messages (NULL: "<memory>"). The buffer is copied. */
CIX_API cix_status cix_model_read_buffer(const void *buf, size_t len, const char *name,
                                         const cix_allocator *alloc, cix_model **out,
                                         cix_error *err);

/* Frees a model. NULL is a no-op. */
CIX_API void cix_model_free(cix_model *m);

/* The file name given when the model was read. */
CIX_API const char *cix_model_file(const cix_model *m);
/* Number of nodes (rows of every type). */
CIX_API size_t cix_model_nnodes(const cix_model *m);
/* The root (the index). */
CIX_API size_t cix_model_root(const cix_model *m);
/* Node whose code is `code` (exact bytes), or CIX_NO_NODE. O(nnodes). */
CIX_API size_t cix_model_find(const cix_model *m, const char *code);
/* Indicators of the hierarchy, in file order: their number and the node
 * index of the k-th. */
CIX_API size_t cix_model_nindicators(const cix_model *m);
CIX_API size_t cix_model_indicator(const cix_model *m, size_t k);

/* Node accessors; i out of range gives "", 0, CIX_NO_NODE, NaN. Strings are
 * owned by the model. */
CIX_API const char *cix_model_node_code(const cix_model *m, size_t i);
CIX_API const char *cix_model_node_name(const cix_model *m, size_t i);
CIX_API const char *cix_model_node_unit(const cix_model *m, size_t i);
CIX_API cix_node_type cix_model_node_type(const cix_model *m, size_t i);
/* Level (1 = indicators), 0 when the row gives none. */
CIX_API int cix_model_node_level(const cix_model *m, size_t i);
CIX_API size_t cix_model_node_parent(const cix_model *m, size_t i);
/* Children in file order. */
CIX_API size_t cix_model_node_nchildren(const cix_model *m, size_t i);
CIX_API size_t cix_model_node_child(const cix_model *m, size_t i, size_t k);
/* Direction (benefit for aggregates and empty cells). */
CIX_API cix_direction cix_model_node_direction(const cix_model *m, size_t i);
/* The Weight column as written (1 when empty); rescaled among siblings only
 * when the weights are used. */
CIX_API double cix_model_node_weight(const cix_model *m, size_t i);
/* Target and Baseline columns (NaN when empty). */
CIX_API double cix_model_node_target(const cix_model *m, size_t i);
CIX_API double cix_model_node_baseline(const cix_model *m, size_t i);
/* Denominator node of an indicator, or CIX_NO_NODE. */
CIX_API size_t cix_model_node_denominator(const cix_model *m, size_t i);
/* Target, goalposts (Lo, Hi), efficacy values and transform of node i. */
CIX_API void cix_model_node_params(const cix_model *m, size_t i, cix_indicator_params *out);
/* Line of the model file the node is on. */
CIX_API uint64_t cix_model_node_line(const cix_model *m, size_t i);
/*
 * Methods in force for node i under options o (o may be NULL: the
 * cix_options_init defaults): an indicator's normalization is its own, else
 * the nearest ancestor's, else o->normalization; an aggregate's weighting is
 * its own, else the nearest ancestor's, else "fixed" when the file has a
 * Weight column, else o->weighting; its aggregation is its own, else the
 * nearest ancestor's, else o->aggregation.
 */
CIX_API cix_normalization cix_model_node_normalization(const cix_model *m, size_t i,
                                                       const cix_options *o);
CIX_API cix_weighting cix_model_node_weighting(const cix_model *m, size_t i,
                                               const cix_options *o);
CIX_API cix_aggregation cix_model_node_aggregation(const cix_model *m, size_t i,
                                                   const cix_options *o);

/*
 * Checks the model against panel p before anything is computed: every
 * indicator is a column of p (else CIX_EDATA naming the indicator and the
 * model line, and listing the panel's columns), every denominator an
 * indicator names is a column too. O(nnodes * J).
 */
CIX_API cix_status cix_model_validate(const cix_model *m, const cix_panel *p,
                                      cix_error *err);

/*
 * Reads a wide CSV panel for model m: the region and year columns of o and
 * the columns of m's indicators and denominators are kept, every other
 * column (codes, group labels, ...) is skipped, and a year written as a
 * whole number with a ".0" suffix (as COINr writes it) is accepted. Line and
 * column numbers in errors are those of the file. Long-form files are read
 * as cix_panel_read_file does; from a binary panel file (cix_panel_write_binary)
 * the same columns are kept. Errors: as cix_panel_read_file.
 * O(file size).
 */
CIX_API cix_status cix_model_read_panel(const cix_model *m, const char *path,
                                        const cix_read_options *o, cix_panel **out,
                                        cix_error *err);

/* The scores of a model on a panel: every node's score, ranks, weights at
 * every level, contributions. */
typedef struct cix_model_result cix_model_result;

/*
 * Scores panel p with model m (docs/models.md, "Scores of a hierarchy"):
 * x / d for indicators with a denominator; pre-treatment of o (impute,
 * outliers, transforms from the model's Transform column); per-indicator
 * normalization over o's scope; then every aggregate, children before
 * parents, weighs its children's scores within itself (its weighting, over
 * the scope) and aggregates them; ranks within each year for every node;
 * rank change for the index; contributions of the indicators to the index.
 * o's directions, params and fixed_weights must be NULL (the model gives
 * them); o's coverage screen and drop_constant are not supported with a
 * model (CIX_EUNSUPPORTED: remove the indicator from the model instead).
 * Allocates through p's allocator.
 * Errors: cix_model_validate's, every method's (naming the indicator, or the
 * aggregate as "indicator"), CIX_EDATA (a zero denominator: names the cell),
 * CIX_ENOMEM. On failure *out is NULL. O(n * (nindicators + nnodes) + n log n
 * per node).
 */
CIX_API cix_status cix_model_compute(const cix_model *m, const cix_panel *p,
                                     const cix_options *o, cix_model_result **out,
                                     cix_error *err);
CIX_API void cix_model_result_free(cix_model_result *r);

CIX_API size_t cix_model_result_nrows(const cix_model_result *r);
CIX_API size_t cix_model_result_nnodes(const cix_model_result *r);
/* Score of node i, one per panel row (for an indicator: its normalized
 * value); NULL for a node outside the hierarchy. The index is the root's. */
CIX_API const double *cix_model_result_scores(const cix_model_result *r, size_t i);
/* Ranks of node i within each year (descending score, o's ties). */
CIX_API const double *cix_model_result_ranks(const cix_model_result *r, size_t i);
/* Index scores, ranks and rank change (previous rank - this rank). */
CIX_API const double *cix_model_result_index(const cix_model_result *r);
CIX_API const double *cix_model_result_rank_change(const cix_model_result *r);
/* The values an indicator's normalization saw: x / d, pre-treated. NULL
 * for a node that is not an indicator. */
CIX_API const double *cix_model_result_treated(const cix_model_result *r, size_t i);
/* Weight of node i within its parent (siblings sum to 1); for scope year
 * without average_weights, the last year's (see _weight_year). NaN for the
 * root and nodes outside the hierarchy. */
CIX_API double cix_model_result_weight(const cix_model_result *r, size_t i);
/* Weight of node i within its parent for year index k. */
CIX_API double cix_model_result_weight_year(const cix_model_result *r, size_t i, size_t k);
/* Effective weight of node i on the index: the product of the weights along
 * its path to the root (last year's for scope year). 1 for the root. */
CIX_API double cix_model_result_effective_weight(const cix_model_result *r, size_t i);
/*
 * Contributions of indicator node i, one per row. When every aggregate is
 * linear: w_eff_i * y_i / index (the indicator's share of the index score;
 * they sum to 1 over the indicators of a row). Otherwise the indicator's
 * relative position among the regions of the row's year, (n - rank)/(n - 1)
 * with rank descending (1 = best, 0 = worst). NULL for other nodes.
 */
CIX_API const double *cix_model_result_contributions(const cix_model_result *r, size_t i);
/* 1 when the contributions are shares of a linear index, 0 for ranks. */
CIX_API int cix_model_result_contributions_linear(const cix_model_result *r);
/* The (up to) three indicator nodes of row `row` with the largest (helpers)
 * and smallest (hurters) contributions, best / worst first; returns how
 * many were written to out[0..3) (indicators with missing values skipped). */
CIX_API size_t cix_model_result_helpers(const cix_model_result *r, size_t row,
                                        size_t out[3]);
CIX_API size_t cix_model_result_hurters(const cix_model_result *r, size_t row,
                                        size_t out[3]);
/* Notes of the run (pre-treatment, weights), indicator = model node index. */
CIX_API size_t cix_model_result_nnotes(const cix_model_result *r);
CIX_API const cix_note *cix_model_result_note(const cix_model_result *r, size_t i);

/* ------------------------------------------------------------------------ */
/* Fitted (frozen) models                                                   */
/* ------------------------------------------------------------------------ */

/*
 * A fitted model holds everything needed to score new data exactly as the
 * fit data were scored: the model, the options, the engine version, every
 * indicator's unit and normalization statistics (direction min/max, n, min,
 * max, mean, sum of squared deviations, sum of squares), the weight of
 * every node within its parent and the TOPSIS ideal points. Scope year is
 * fitted as pooled (one set of statistics for all the fit years); base:YYYY
 * freezes the base year's statistics. Rank and percentile normalizations
 * and the JRC outlier rule cannot be frozen (CIX_EUNSUPPORTED).
 */
typedef struct cix_fitted cix_fitted;

/*
 * Fits model m on panel p with options o (as cix_model_compute). Scoring p
 * with the result gives exactly cix_model_compute's scores for a pooled or
 * base scope. Allocates through p's allocator.
 * Errors: as cix_model_compute, CIX_EUNSUPPORTED (see above). O(as compute).
 */
CIX_API cix_status cix_fit(const cix_model *m, const cix_panel *p, const cix_options *o,
                           cix_fitted **out, cix_error *err);
CIX_API void cix_fitted_free(cix_fitted *f);

/*
 * Writes f to path as text (docs/models.md, "Fitted model files"): numbers
 * written shortest-exact, so they read back bit for bit; no time stamps, so
 * the same fit gives the same bytes. Atomic: a temporary file in the same
 * directory renamed over path. Errors: CIX_EIO, CIX_ENOMEM. O(size).
 */
CIX_API cix_status cix_fitted_write_file(const cix_fitted *f, const char *path,
                                         cix_error *err);
/* Reads a fitted model file. Errors: CIX_EIO, CIX_EPARSE (naming the line),
 * CIX_ENOMEM. */
CIX_API cix_status cix_fitted_read_file(const char *path, const cix_allocator *alloc,
                                        cix_fitted **out, cix_error *err);
CIX_API cix_status cix_fitted_read_buffer(const void *buf, size_t len, const char *name,
                                          const cix_allocator *alloc, cix_fitted **out,
                                          cix_error *err);
/* The model, the options (pointer members NULL) and the engine version
 * string of the fit. Owned by f. */
CIX_API const cix_model *cix_fitted_model(const cix_fitted *f);
CIX_API const cix_options *cix_fitted_options(const cix_fitted *f);
CIX_API const char *cix_fitted_engine_version(const cix_fitted *f);

/*
 * Checks that model m (e.g. the metadata that came with new data) has every
 * indicator of the fit with the same unit and direction. Errors: CIX_EDATA
 * naming the indicator, the two units and the model line.
 */
CIX_API cix_status cix_fitted_check_model(const cix_fitted *f, const cix_model *m,
                                          cix_error *err);

/*
 * Scores panel p with the frozen statistics, weights and ideal points of f.
 * The pre-treatment (imputation) runs on p itself. Values outside the fit
 * data's range are allowed: minmax may go below range_lo or above range_hi,
 * zscore beyond the fit's extremes. Refuses a panel lacking an indicator or
 * denominator of the fit (CIX_EDATA naming it). Errors: as
 * cix_model_compute. On failure *out is NULL.
 */
CIX_API cix_status cix_fitted_score(const cix_fitted *f, const cix_panel *p,
                                    cix_model_result **out, cix_error *err);

/* ------------------------------------------------------------------------ */
/* Target attainment                                                        */
/* ------------------------------------------------------------------------ */

typedef struct cix_targets cix_targets;

/*
 * Progress of every region and year towards the targets of the model's
 * indicators that have one (Target column), docs/models.md "Target
 * attainment": progress = (x - b) / (t - b), capped to [0, 1], where x is
 * the value (x / d with a denominator) and b the baseline: the Baseline
 * column, else the region's value in baseline_year. The direction decides
 * which side of the target is "met": x >= t for a benefit indicator, x <= t
 * for a cost one (progress 1 there, whatever the baseline). Otherwise a
 * region that started on the target's side and left it has progress 0, and
 * one moving towards it has (x - b) / (t - b), which works for targets above
 * and below the baseline alike. Interval and target-point directions use the
 * formula alone. An indicator is met when progress = 1. Missing x or
 * baseline gives NaN progress, left out of the share.
 * baseline_year is used only where the model gives no Baseline (it may be
 * CIX_NO_YEAR when every target indicator has one).
 * Errors: CIX_EINVAL (no targets in the model, baseline year not in the
 * panel, a cross-section needing a baseline year), cix_model_validate's,
 * CIX_ENOMEM. O(n * number of targets).
 */
CIX_API cix_status cix_targets_compute(const cix_model *m, const cix_panel *p,
                                       int32_t baseline_year, cix_targets **out,
                                       cix_error *err);
CIX_API void cix_targets_free(cix_targets *t);
/* Number of target indicators and the model node of the k-th. */
CIX_API size_t cix_targets_count(const cix_targets *t);
CIX_API size_t cix_targets_node(const cix_targets *t, size_t k);
/* Baselines of target k, one per panel row (NaN when unknown). */
CIX_API const double *cix_targets_baseline(const cix_targets *t, size_t k);
/* Progress of target k, one per panel row, in [0, 1] or NaN. */
CIX_API const double *cix_targets_progress(const cix_targets *t, size_t k);
/* Per row: share of the targets with a known progress that are met, and the
 * number of targets met / known. */
CIX_API const double *cix_targets_share_met(const cix_targets *t);
CIX_API const size_t *cix_targets_met(const cix_targets *t);
CIX_API const size_t *cix_targets_known(const cix_targets *t);

/* ------------------------------------------------------------------------ */
/* Threads (added in 0.3; append-only)                                      */
/* ------------------------------------------------------------------------ */

/* The thread count that nthreads = 0 stands for on large inputs: the
 * environment variable CIX_THREADS when it holds a whole number >= 1, else
 * the number of online cores; at most 64. For a program that runs work of
 * its own beside the library's and wants the same setting. */
CIX_API int cix_default_threads(void);

#ifdef __cplusplus
}
#endif

#endif /* CIX_H */
