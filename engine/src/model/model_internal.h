/* Private declarations of the model, fitted-model and target-attainment
 * sources (engine/src/model, fit, targets). Not installed. */
#ifndef CIX_MODEL_INTERNAL_H
#define CIX_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../internal.h"

/* ---- CSV records (model/records.c) --------------------------------------- */

/* One CSV record: nfields fields (not NUL-terminated: use len; each is
 * followed by a NUL byte all the same), starting on line `line`. */
typedef struct cix_i_record {
    size_t nfields;
    const char *const *field;
    const size_t *len;
    uint64_t line;
} cix_i_record;

/* Called once per record; returns CIX_OK to go on, else the status to stop
 * with (having filled err). */
typedef cix_status (*cix_i_record_fn)(void *ud, const cix_i_record *rec, cix_error *err);

/*
 * Parses buf[0..len) as CSV with libcsv (strict quoting, a leading UTF-8 BOM
 * skipped) with delimiter delim and calls fn for every record, in order,
 * with its first line. Blank lines are skipped. Allocates through a.
 * Errors: CIX_EPARSE (malformed quoting: names file `name` and the line),
 * CIX_ENOMEM, or fn's status.
 */
cix_status cix_i_csv_records(const char *buf, size_t len, const char *name, char delim,
                             const cix_allocator *a, cix_i_record_fn fn, void *ud,
                             cix_error *err);

/* Reads a whole file into memory (allocated through a, NUL-terminated).
 * Errors: CIX_EIO naming the path, CIX_ENOMEM. */
cix_status cix_i_read_whole_file(const char *path, const cix_allocator *a, char **buf,
                                 size_t *len, cix_error *err);

/* Writes buf[0..len) to path atomically: a temporary file in the same
 * directory, flushed and closed, then renamed over path. Errors: CIX_EIO. */
cix_status cix_i_write_file_atomic(const char *path, const char *buf, size_t len,
                                   const cix_allocator *a, cix_error *err);

/* A growing text buffer. */
typedef struct cix_i_text {
    const cix_allocator *alloc;
    char *s;
    size_t n, cap;
    int failed; /* an allocation failed: everything after it is dropped */
} cix_i_text;

void cix_i_text_init(cix_i_text *t, const cix_allocator *a);
void cix_i_text_free(cix_i_text *t);
void cix_i_text_add(cix_i_text *t, const char *s, size_t len);
void cix_i_text_str(cix_i_text *t, const char *s);
/* Appends s as one CSV field (quoted when it holds a comma, quote, CR or LF,
 * or leading/trailing spaces). */
void cix_i_text_field(cix_i_text *t, const char *s, size_t len);
/* Appends cix_format_double(x) (NaN as the empty string). */
void cix_i_text_double(cix_i_text *t, double x);

/* ---- the model (model/model.c) -------------------------------------------- */

typedef struct cix_i_node {
    char *code, *name, *unit;
    cix_node_type type;
    int level;              /* 0 when not given */
    char *parent_code;      /* NULL for none */
    size_t parent;          /* CIX_NO_NODE for the root and non-hierarchy rows */
    cix_direction dir;
    double weight;          /* the Weight column, 1 when empty */
    double target, baseline;
    cix_indicator_params params; /* target, lo, hi, satisfactory, not_allowed,
                                    transform */
    char *denom_code;       /* NULL for none */
    size_t denom;           /* node index of the Denominator row, or CIX_NO_NODE */
    int has_norm, has_weighting, has_agg;
    cix_normalization norm;
    cix_weighting weighting;
    cix_aggregation agg;
    uint64_t line;
    size_t first_child, nchildren; /* into cix_model.children */
} cix_i_node;

struct cix_model {
    cix_allocator alloc;
    char *file;        /* the name used in messages */
    char *text;        /* the file's text, kept for fitted models */
    size_t text_len;
    cix_i_node *nodes;
    size_t nnodes;
    size_t root;
    size_t *children;  /* children of every node, grouped by parent */
    size_t *indicators;/* indicator node indices in file order */
    size_t nind;
    size_t *aggregates;/* aggregate node indices, children before parents */
    size_t nagg;
    int has_weight_column;
};

/* Effective methods of the options o for node i (see docs/models.md). */
cix_normalization cix_i_model_norm(const cix_model *m, size_t i, const cix_options *o);
cix_weighting cix_i_model_weighting(const cix_model *m, size_t i, const cix_options *o);
cix_aggregation cix_i_model_agg(const cix_model *m, size_t i, const cix_options *o);

/* Fails naming the model file and the line of node i. */
cix_status cix_i_model_fail(cix_error *err, const cix_model *m, size_t i, cix_status st,
                            const char *fmt, ...) CIX_I_PRINTF(5, 6);

/* ---- hierarchy computation (model/compute.c) ------------------------------ */

/*
 * Frozen statistics for scoring with a fitted model; NULL in cix_model_compute.
 * Per indicator k (model indicator order): the direction statistics (min/max
 * of x for interval / target-point directions), the normalization
 * statistics; per node: the weight within its parent; per TOPSIS aggregate:
 * the ideal best / worst of each child's score (max / min over the scope).
 */
typedef struct cix_i_frozen {
    double *dmin, *dmax;            /* nind */
    size_t *n;                      /* nind: present cells */
    double *min, *max, *mean, *ss, *sumsq; /* nind */
    double *weight;                 /* nnodes: weight within the parent */
    double *ideal_max, *ideal_min;  /* nnodes: for children of TOPSIS aggregates */
} cix_i_frozen;

cix_status cix_i_frozen_alloc(const cix_allocator *a, size_t nind, size_t nnodes,
                              cix_i_frozen *fz, cix_error *err);
void cix_i_frozen_free(const cix_allocator *a, cix_i_frozen *fz);

/*
 * The hierarchy run. With fz_in == NULL it computes statistics, weights and
 * ideal points from the data (cix_model_compute); with fz_out != NULL it also
 * records them (cix_fit: the scope must be pooled or base). With fz_in it
 * scores with the frozen ones (cix_fitted_score).
 */
cix_status cix_i_model_run(const cix_model *m, const cix_panel *p, const cix_options *o,
                           const cix_i_frozen *fz_in, cix_i_frozen *fz_out,
                           cix_model_result **out, cix_error *err);

/* ---- frozen statistics (fit/frozen.c) ------------------------------------ */

/*
 * Records in fz (entry k) the statistics indicator column x (nrows values of
 * panel q) needs under direction dir over group 0 of scope s: the raw
 * min / max for an interval or target-point direction, then n, min, max,
 * mean, ss and sumsq of the directed column, exactly as cix_normalize
 * computes them. tmp: nrows doubles of scratch.
 */
void cix_i_frozen_collect(const double *x, size_t nrows, const cix_i_scope *s,
                          cix_direction dir, cix_i_frozen *fz, size_t k, double *tmp);

/*
 * Normalizes column j of panel q into y (nrows doubles) with method m and
 * the frozen statistics fz[k], by the formulas of cix_normalize.
 * Errors: CIX_EUNSUPPORTED (rank, percentile), CIX_EDATA (ratio of a cost
 * value 0), CIX_EINVAL (missing target / goalposts).
 */
cix_status cix_i_frozen_normalize(const cix_panel *q, size_t j, cix_normalization m,
                                  cix_direction dir, const cix_indicator_params *par,
                                  const cix_options *o, const cix_i_frozen *fz, size_t k,
                                  double *y, cix_error *err);

/*
 * TOPSIS with frozen ideal points: y is n x k (column-major) of panel q, w
 * the k weights, best_min[j] = 1 when column j's ideal best is its minimum,
 * ymax / ymin the frozen extremes of each column.
 */
cix_status cix_i_frozen_topsis(const cix_panel *q, const double *y, const double *w,
                               const int *best_min, const double *ymax,
                               const double *ymin, double *scores, cix_error *err);

#endif /* CIX_MODEL_INTERNAL_H */
