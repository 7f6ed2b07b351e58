/* Private declarations shared by the engine's sources. Not installed.
 * Internal functions that cross files use the prefix cix_i_. */
#ifndef CIX_INTERNAL_H
#define CIX_INTERNAL_H

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "cix/cix.h"

#if defined(__GNUC__)
#  define CIX_I_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define CIX_I_PRINTF(f, a)
#endif

/* A hot loop compiled twice, for AVX2 and for the baseline instruction set,
 * the one for the processor chosen when the library is loaded (GNU ifunc,
 * x86-64 Linux with glibc). The results are the same bits: a vector lane
 * rounds as a scalar operation does, the AVX2 target has no fused
 * multiply-add, and the library is compiled with -ffp-contract=off, so no
 * expression is contracted into one. Elsewhere, one plain copy. */
#if defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && defined(__has_attribute)
#  if __has_attribute(target_clones)
#    define CIX_I_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#    define CIX_I_HAVE_CLONES 1
#  endif
#endif
#ifndef CIX_I_SIMD_CLONES
#  define CIX_I_SIMD_CLONES
#endif
/* A loop that carries a sum, kept out of line (inlined next to a call, the
 * compiler may keep the sum in memory, which puts a store and a load on the
 * chain of additions), and compiled twice where CIX_I_SIMD_CLONES does (a
 * function with copies is never inlined). */
#if defined(__GNUC__) && !defined(CIX_I_HAVE_CLONES)
#  define CIX_I_SUM_LOOP __attribute__((noinline))
#else
#  define CIX_I_SUM_LOOP CIX_I_SIMD_CLONES
#endif

/* ---- allocation (core/alloc.c) ---------------------------------------- */

/* Blocks from this size on get the huge-page hint (one 2 MiB page). */
#define CIX_I_HUGE_MIN ((size_t)2 << 20)
/* Asks the kernel for huge pages on the 2 MiB-aligned interior of a block
 * of at least CIX_I_HUGE_MIN bytes (on virtual machines the first touch of
 * 4 KiB pages can cost seconds per GiB). A hint: failures are ignored, the
 * contents are unchanged. The default allocator applies it to its blocks. */
void cix_i_advise_huge(void *ptr, size_t size);

/* Copies *a into *dst, or the libc allocator when a is NULL. */
void cix_i_alloc_init(cix_allocator *dst, const cix_allocator *a);
void *cix_i_malloc(const cix_allocator *a, size_t size);
void *cix_i_realloc(const cix_allocator *a, void *ptr, size_t size);
void cix_i_free(const cix_allocator *a, void *ptr);
/* malloc of n*size with an overflow check (NULL on overflow). */
void *cix_i_malloc_array(const cix_allocator *a, size_t n, size_t size);
/* Copy of s[0..len) plus a NUL, or NULL. */
char *cix_i_strndup(const cix_allocator *a, const char *s, size_t len);

/* ---- errors (core/error.c) -------------------------------------------- */

/*
 * Fills *err (if not NULL): status, message from fmt, and clears the
 * location fields. Returns status so callers can `return cix_i_fail(...)`.
 */
cix_status cix_i_fail(cix_error *err, cix_status status, const char *fmt, ...)
    CIX_I_PRINTF(3, 4);
cix_status cix_i_vfail(cix_error *err, cix_status status, const char *fmt, va_list ap)
    CIX_I_PRINTF(3, 0);
/* Location setters, each a no-op when err is NULL; call after cix_i_fail. */
void cix_i_err_file(cix_error *err, const char *file, uint64_t line, uint64_t column);
void cix_i_err_indicator(cix_error *err, const char *indicator);
void cix_i_err_region(cix_error *err, const char *region);
void cix_i_err_year(cix_error *err, int32_t year);
/* Convenience: sets indicator/region/year of cell (row, j) of panel p. */
void cix_i_err_cell(cix_error *err, const cix_panel *p, size_t row, size_t j);
/* Short for cix_i_fail(err, CIX_ENOMEM, "out of memory"). */
cix_status cix_i_nomem(cix_error *err);

/* ---- panel internals (core/panel.c) ----------------------------------- */

/* The allocator a panel was created with. */
const cix_allocator *cix_i_panel_allocator(const cix_panel *p);
/* Year index (0..nyears-1, in ascending year order) of each row; NULL for a
 * cross-section. Valid until the panel's rows change. */
const int32_t *cix_i_panel_year_index(const cix_panel *p);
/* Region index (0..nregions-1, in order of first appearance) of each row. */
const size_t *cix_i_panel_region_index(const cix_panel *p);
/* The whole column-major value matrix (ld = nrows). */
double *cix_i_panel_data(cix_panel *p);
const double *cix_i_panel_data_const(const cix_panel *p);

typedef struct cix_i_notes cix_i_notes;

/* ---- UTF-8 (core/utf8.c) ----------------------------------------------- */

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates), else 0; when
 * invalid and bad_offset != NULL, *bad_offset is the offset of the first
 * bad byte. */
int cix_i_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* ---- numerics (core/sum.c) --------------------------------------------- */

/* Neumaier compensated accumulator: one pass in a fixed order, so the same
 * additions give the same bits on any thread count. */
typedef struct cix_i_ksum {
    double s, c;
} cix_i_ksum;

static inline void cix_i_ksum_add(cix_i_ksum *k, double v)
{
    double t = k->s + v;
    if (fabs(k->s) >= fabs(v))
        k->c += (k->s - t) + v;
    else
        k->c += (v - t) + k->s;
    k->s = t;
}

static inline double cix_i_ksum_get(const cix_i_ksum *k)
{
    return k->s + k->c;
}

/* Neumaier compensated sum of x[0..n) skipping NaN;
 * *count receives the number of values summed (may be NULL). */
double cix_i_sum(const double *x, size_t n, size_t *count);

/* Four columns side by side, one per lane of a vector (GCC's vector
 * extensions: GCC, clang): the chains of additions of their compensated
 * sums overlap. Each lane does the operations of cix_i_ksum_add on its
 * column, in row order, so the sums are those of one column at a time, bit
 * for bit. A cell such a loop skips (NaN) adds +0.0 in its lane, which
 * leaves the sum and its compensation as they are while the sum is finite:
 * neither is ever -0.0, as both start at +0.0 and a sum is -0.0 only when
 * both terms are. (After a sum overflows, the compensation may turn NaN
 * where it stayed infinite; s + c is NaN both ways, and a column whose sum
 * overflows fails either way.) Counts
 * are kept in doubles (exact below 2^53). Vectors are never passed to or
 * returned from a function, so the code is the same with or without AVX. */
#if defined(__GNUC__)
#define CIX_I_LANES 1
typedef double cix_i_v4d __attribute__((vector_size(4 * sizeof(double))));
typedef long long cix_i_v4l __attribute__((vector_size(4 * sizeof(long long))));
/* lane by lane: m ? a : b, for a mask m of comparisons */
#define CIX_I_VSEL(m, a, b) \
    ((cix_i_v4d)(((m) & (cix_i_v4l)(a)) | (~(m) & (cix_i_v4l)(b))))
/* |a| */
#define CIX_I_VABS(a)                     \
    ((cix_i_v4d)((cix_i_v4l)(a) &         \
                 (cix_i_v4l){INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX}))
/* a with its NaN lanes +0.0 */
#define CIX_I_VNAN0(a) ((cix_i_v4d)(~((a) != (a)) & (cix_i_v4l)(a)))
/* cix_i_ksum_add of v to the sums S with compensations C, in every lane */
#define CIX_I_VKSUM(S, C, v)                                               \
    do {                                                                   \
        cix_i_v4d t_ = (S) + (v);                                          \
        cix_i_v4l m_ = CIX_I_VABS(S) >= CIX_I_VABS(v);                     \
        (C) += (CIX_I_VSEL(m_, S, v) - t_) + CIX_I_VSEL(m_, v, S);         \
        (S) = t_;                                                          \
    } while (0)

/* The present values of four columns of rows [0, n). */
typedef struct cix_i_sums4 {
    double s[4], c[4];   /* compensated sum s + c of the present values */
    double missing[4];   /* NaN cells */
    double lo[4], hi[4]; /* least and greatest present value (the first
                          * of equal ones, as a running `v < lo` keeps) */
} cix_i_sums4;

/* The sums of the columns x[0..4), rows [0, n), in one pass. */
void cix_i_sums4_of(const double *const *x, size_t n, cix_i_sums4 *out);
#endif

/* ---- methods: scope (pipeline/scope.c) --------------------------------- */

/*
 * The rows a statistic is taken over, grouped by the scope of the options:
 * pooled = one group of all rows; year = one group per year index (one group
 * of all rows for a cross-section); base:YYYY = one group of the base year's
 * rows. The rows of group g are order[start[g] .. start[g+1]), in input
 * order. Row r uses the statistics of group apply[r] (apply NULL = group 0).
 */
typedef struct cix_i_scope {
    cix_scope_kind kind;
    int32_t base_year;
    size_t ngroups;
    size_t *order;
    size_t *start;
    const int32_t *apply;
} cix_i_scope;

/* Builds the scope of o over p (allocating through p's allocator).
 * Errors: CIX_EINVAL (base year absent / no years), CIX_ENOMEM. */
cix_status cix_i_scope_build(const cix_panel *p, const cix_options *o, cix_i_scope *s,
                             cix_error *err);
void cix_i_scope_free(const cix_panel *p, cix_i_scope *s);
/* Sets err's year to the year of group g when the scope has one. */
void cix_i_scope_err_group(cix_error *err, const cix_panel *p, const cix_i_scope *s,
                           size_t g);
/* The scope's phrase for group g in messages: "", " in year 2019" or
 * " in base year 2010". */
void cix_i_scope_phrase(char *buf, size_t size, const cix_panel *p, const cix_i_scope *s,
                        size_t g);
/* Fails with "<head><scope phrase>: <tail>" (the phrase: "", " in year 2019"
 * or " in base year 2010"), naming indicator j and the group's year. */
cix_status cix_i_scope_fail(cix_error *err, cix_status st, const cix_panel *p,
                            const cix_i_scope *s, size_t j, size_t g, const char *head,
                            const char *tail);

/* ---- methods: weights and aggregation ---------------------------------- */

/*
 * Weights of every group of the scope of o (weights/weights.c): wg receives
 * ngroups x nindicators doubles, row g = the weights group g's rows use;
 * ngroups is that of cix_i_scope_build, except with scope year and
 * average_weights, where *ngroups_used is 1 and row 0 is the average.
 */
cix_status cix_i_weights_groups(const cix_panel *p, const cix_options *o, const double *y,
                                const cix_i_scope *s, double *wg, size_t *ngroups_used,
                                cix_pca **pca, cix_i_notes *notes, cix_error *err);
/* (pca: when not NULL and the method is pca / pca-coef, receives the PCA of
 * the last group, owned by the caller; notes may be NULL.) */

/*
 * Linear aggregation (aggregate/linear.c): s[r] = sum_j w[g(r)][j] y[r][j],
 * with g(r) = group[r] (group NULL = 0) and w a row-major ngroups x J
 * matrix. A missing y fails with CIX_EDATA naming the cell.
 */
cix_status cix_i_aggregate_linear(const cix_panel *p, const double *y, const double *w,
                                  const int32_t *group, double *s, cix_error *err);

/* ---- notes (core/notes.c) ----------------------------------------------- */

/* A growing list of cix_note, allocated through `alloc`. */
struct cix_i_notes {
    const cix_allocator *alloc;
    cix_note *v;
    size_t n, cap;
};

void cix_i_notes_init(cix_i_notes *ns, const cix_allocator *alloc);
void cix_i_notes_free(cix_i_notes *ns);
/* Appends a note (message from fmt, truncated to fit). ns may be NULL (no-op).
 * Returns CIX_ENOMEM (and fills err) when the list cannot grow. */
cix_status cix_i_notes_add(cix_i_notes *ns, cix_error *err, cix_note_kind kind,
                           size_t indicator, size_t row, double before, double after,
                           size_t count, const char *fmt, ...) CIX_I_PRINTF(9, 10);
/* `more` new notes at the end of ns (not NULL), in one allocation, to be
 * filled by cix_i_note_set, each slot by one thread if need be; NULL (err
 * filled) when the list cannot grow. */
cix_note *cix_i_notes_grow(cix_i_notes *ns, cix_error *err, size_t more);
void cix_i_note_set(cix_note *note, cix_note_kind kind, size_t indicator, size_t row,
                    double before, double after, size_t count, const char *fmt, ...)
    CIX_I_PRINTF(8, 9);

/* ---- pre-treatment (pretreat/) ----------------------------------------- */

/*
 * Pre-treatment of METHODS.md §3 on panel p: coverage screen (indicators,
 * then regions), constant indicators when o->drop_constant (constant over
 * every group of the scope that normalizes), imputation, per-indicator
 * transforms (o->params[j].transform), the JRC outlier rule (o->outliers).
 * Produces *q, a new panel (same allocator) holding the kept indicators and
 * rows with the treated values; ind_map[k] / row_map[r] give the p index of
 * q's indicator k / row r (caller buffers of p's nindicators / nrows). The
 * counts of q are cix_panel_nindicators(*q) / cix_panel_nrows(*q). Notes use
 * p's indices. Present values are never changed by imputation.
 * The scope for statistics is that of o (imputation mean/median over the
 * scope group of the row). o's per-indicator arrays are in p's order.
 * Errors: CIX_EDATA (log of x <= 0: names the cell), CIX_EDEGENERATE
 * (everything dropped), CIX_ENOMEM.
 */
cix_status cix_i_pretreat(const cix_panel *p, const cix_options *o, cix_panel **q,
                          size_t *ind_map, size_t *row_map, cix_i_notes *notes,
                          cix_error *err);

/* The notes of an imputation (pretreat.c), written into a slot of a notes
 * list (cix_i_notes_grow): cell `row` of indicator j of p filled with v
 * (`how`: "mean of the scope group", ...), and the summary of indicator j. */
void cix_i_note_cell_imputed(cix_note *note, const cix_panel *p, size_t j, size_t row,
                             double v, const char *how);
void cix_i_note_imputed(cix_note *note, const cix_panel *p, size_t j, size_t filled,
                        size_t missing, cix_impute method);

/*
 * For analyses reported over every indicator of the panel (PCA, audit): runs
 * the pre-treatment o asks for (pipeline/compute.c). *q = NULL when o asks for
 * none (use p and o as they are); else *q is the treated panel (same
 * indicators, possibly fewer rows; caller frees) and *oq the options to use
 * on it. Fails with CIX_EINVAL naming the indicator when the pre-treatment
 * would drop one.
 */
cix_status cix_i_pretreat_keep_indicators(const cix_panel *p, const cix_options *o,
                                          cix_panel **q, cix_options *oq, cix_error *err);

/*
 * Oriented x for the correlation-based methods (PCA, audit): cost columns
 * negated, interval / target-point columns turned into benefit values in
 * [0,1] (statistics over the scope s), others copied. xo: caller buffer,
 * nrows x J column-major.
 */
cix_status cix_i_orient(const cix_panel *p, const cix_options *o, const cix_i_scope *s,
                        double *xo, cix_error *err);

/* ---- linear algebra (linalg/) ------------------------------------------- */

/*
 * Correlation matrix (J x J, column-major, full) of the n x J column-major
 * matrix x (ld = n), computed accurately: columns centred with compensated
 * means, scaled, then one DSYRK. Missing cells are an error (CIX_EDATA
 * naming indicator and row via p when p != NULL). A constant column is
 * CIX_EDEGENERATE naming it. sd (J, may be NULL) receives the sds (ddof 1).
 */
cix_status cix_i_correlation(const cix_panel *p, const double *x, size_t n, size_t J,
                             const cix_allocator *a, double *R, double *sd,
                             cix_error *err);
/* Eigen-decomposition of the symmetric J x J matrix A (not modified) with
 * LAPACKE_dsyevr: eigenvalues descending in w, eigenvectors in V (columns,
 * J x J column-major). */
cix_status cix_i_eigen_sym(const double *A, size_t J, const cix_allocator *a, double *w,
                           double *V, cix_error *err);

/* ---- statistics (linalg/stats.c) ---------------------------------------- */

/* ln Gamma(x), x > 0 (thread-safe; no signgam). */
double cix_i_lgamma(double x);
/* Regularized upper incomplete gamma Q(a, x), accurate relatively also when
 * tiny (continued fraction). */
double cix_i_gamma_q(double a, double x);
/* P(chi2_df > chisq) = Q(df/2, chisq/2). */
double cix_i_chisq_upper(double chisq, double df);
/*
 * KMO of the J x J correlation matrix R (psych::KMO): Q = R^-1 by Cholesky
 * (dpotrf/dpotri), anti-image a_jk = -Q_jk / sqrt(Q_jj Q_kk), KMO_j =
 * sum_k!=j r^2 / (sum r^2 + sum a^2), overall over all off-diagonal cells;
 * *logdet = ln|R| from the Cholesky factor. Outputs may be NULL.
 * CIX_ENUMERIC when R is not positive definite.
 */
cix_status cix_i_kmo(const double *R, size_t J, const cix_allocator *a, double *overall,
                     double *per, double *logdet, cix_error *err);
/* Names (as "'a', 'b'") the indicators with a sizeable entry in v, the
 * eigenvector of a ~0 eigenvalue of R; returns how many, *first = the
 * first one's index. */
size_t cix_i_collinear_names(const cix_panel *p, const double *v, size_t J, char *buf,
                             size_t size, size_t *first);

/* ---- PCA (weights/pca.c) ------------------------------------------------ */

/* PCA of panel p under options o (x = p's values, oriented by cix_i_orient
 * over scope s, rows of scope group g only when g != (size_t)-1). */
cix_status cix_i_pca_group(const cix_panel *p, const cix_options *o, const cix_i_scope *s,
                           size_t g, cix_pca **out, cix_i_notes *notes, cix_error *err);
/* PCA of all rows of p read in place: column j is p's column j with its
 * missing cells replaced by imp[j] (imp NULL: none) and negated when neg[j]
 * (neg NULL: none), R by cix_i_correlation_src on nthreads threads. With imp
 * the pre-treatment's imputation values and neg the cost columns, the result
 * is bit for bit that of cix_i_pca_group on the pre-treated panel for any
 * thread count. A cell left missing fails as in cix_i_correlation. */
cix_status cix_i_pca_view(const cix_panel *p, const cix_options *o, const double *imp,
                          const unsigned char *neg, int nthreads, cix_i_notes *notes,
                          cix_pca **out, cix_error *err);

/* ---- aggregation (aggregate/) -------------------------------------------- */

/*
 * Scores by o->aggregation: s[r] from y's row r and weights row
 * w[group[r]] (group NULL = 0; w row-major ngroups x J). TOPSIS takes its
 * ideal points over the scope s of o. Errors name the cell (missing y, y <= 0
 * for geometric / harmonic / power < 0).
 */
cix_status cix_i_aggregate(const cix_panel *p, const cix_options *o, const double *y,
                           const double *w, const int32_t *group, const cix_i_scope *s,
                           double *scores, cix_error *err);

/* Rank change vs the previous year of the same region (rank/rank.c): out[r]
 * = rank(prev) - rank(r), NaN where not defined. */
cix_status cix_i_rank_change(const cix_panel *p, const double *ranks, double *out,
                             cix_error *err);

/* ---- panel: bulk constructors (core/panel.c) ---------------------------- */

/*
 * As cix_panel_create, but the values are left uninitialized (the caller
 * writes every cell before the panel is used) and the value buffer is
 * advised for huge pages where the system has them.
 */
cix_status cix_i_panel_create_uninit(size_t nrows, size_t nindicators, int has_year,
                                     const cix_allocator *alloc, cix_panel **out,
                                     cix_error *err);
/*
 * Sets every row of a fresh panel (no row set yet) at once: region k is
 * names[k][0..lens[k]) (distinct, non-empty, valid UTF-8, numbered in order
 * of first appearance), row r has region row_region[r] and year row_year[r]
 * (ignored for a cross-section). The same panel as cix_panel_set_row on every
 * row in order. Errors: CIX_ENOMEM (the panel is then only fit for freeing).
 */
cix_status cix_i_panel_set_rows(cix_panel *p, const char *const *names, const size_t *lens,
                                size_t nnames, const uint32_t *row_region,
                                const int32_t *row_year, cix_error *err);

/* ---- ranks (rank/rank.c) --------------------------------------------------- */

/* cix_rank with the groups shared among nthreads threads (as
 * cix_i_threads_resolve takes it; the ranks never depend on it). */
cix_status cix_i_rank(const double *scores, const int32_t *group, size_t n, cix_ties ties,
                      const cix_allocator *alloc, int nthreads, double *ranks, cix_error *err);

/* ---- threads (pipeline/threads.c) ---------------------------------------- */

/* Most threads a pass uses. */
#define CIX_I_MAX_THREADS 64
/* Work (cells) below which the passes run on the calling thread alone. */
#define CIX_I_PARALLEL_MIN_WORK ((size_t)1 << 18)

/* The automatic thread count: the environment variable CIX_THREADS when it
 * holds a whole number >= 1, else the number of online cores; at most
 * CIX_I_MAX_THREADS. */
int cix_i_threads_available(void);
/* Threads to use for `work` cells: requested when >= 1 (at most
 * CIX_I_MAX_THREADS); automatic (0): 1 below CIX_I_PARALLEL_MIN_WORK, else
 * cix_i_threads_available(). */
int cix_i_threads_resolve(int requested, size_t work);
/* Runs fn(ctx, t, nthreads) for t = 0 .. nthreads-1, t = 0 on the calling
 * thread, the others on new threads (run here when one cannot be started),
 * and returns when all are done. */
void cix_i_parallel(int nthreads, void (*fn)(void *ctx, int t, int nt), void *ctx);

/* One piece of work beside the calling thread: cix_i_beside_start runs
 * fn(ctx) on a new thread and returns at once; cix_i_beside_join waits for
 * it (or, when no thread could be started, runs it there). */
typedef struct cix_i_beside {
    void (*fn)(void *ctx);
    void *ctx;
    int started;
    pthread_t th;
} cix_i_beside;
void cix_i_beside_start(cix_i_beside *b, void (*fn)(void *ctx), void *ctx);
void cix_i_beside_join(cix_i_beside *b);

/* ---- correlation from a column source (linalg/linalg.c) ------------------ */

/* The columns of an n x J matrix given by a callback: get writes rows
 * r0 .. r0+m-1 of column j to dst. It may be called from several threads
 * at once (for different columns). */
typedef struct cix_i_colsrc {
    void (*get)(const void *ud, size_t j, size_t r0, size_t m, double *dst);
    const void *ud;
} cix_i_colsrc;

/*
 * cix_i_correlation of the matrix src gives, bit for bit (same checks, same
 * errors), with nthreads threads for the per-column passes. Holds three
 * numbers per column, one column per thread and one block of rows of the
 * centred, scaled matrix (at most 2 x 12288 rows): never a copy of x.
 */
cix_status cix_i_correlation_src(const cix_panel *p, const cix_i_colsrc *src, size_t n,
                                 size_t J, const cix_allocator *a, int nthreads, double *R,
                                 double *sd, cix_error *err);

/* ---- lean pipeline (pipeline/lean.c) ------------------------------------- */

/*
 * cix_compute without the normalized and pre-treated matrices
 * (o->keep_normalized 0 or CIX_KEEP_ROWS), streaming over the panel's columns, when
 * cix_i_lean_supported(p, o): writes the weights (nind doubles), scores and
 * ranks-ready scores of every row and adds the notes to *notes. Returns
 * CIX_OK, CIX_ENOMEM, or CIX_EUNSUPPORTED (without filling err) when the
 * data need a report the lean path does not make (an error of a method):
 * the caller then runs the full pipeline, which reports it.
 */
int cix_i_lean_supported(const cix_panel *p, const cix_options *o);
typedef struct cix_i_lean_norm cix_i_lean_norm;
cix_status cix_i_compute_lean(const cix_panel *p, const cix_options *o, double *w,
                              double *scores, cix_i_lean_norm **keep, cix_i_notes *notes,
                              cix_error *err);
/* With keep != NULL a successful run also sets *keep to what the normalized
 * values are recomputed from: cix_i_lean_norm_rows writes those of rows
 * [r0, r0 + m) of panel p (the panel of the run) into out, column-major
 * with leading dimension m, bit for bit the full pipeline's values. */
void cix_i_lean_norm_rows(const cix_i_lean_norm *k, const cix_panel *p, size_t r0, size_t m,
                          double *out);
void cix_i_lean_norm_free(const cix_allocator *a, cix_i_lean_norm *k);

/* ---- panel values mapped from a file (core/panel.c, io/binary.c) -------- */

/* 1 where POSIX mmap is available: binary panel files are then mapped. */
#ifndef CIX_I_HAVE_MMAP
#if defined(__unix__) || defined(__APPLE__)
#define CIX_I_HAVE_MMAP 1
#else
#define CIX_I_HAVE_MMAP 0
#endif
#endif

/*
 * As cix_i_panel_create_uninit, but the values are the nrows * nindicators
 * doubles at data, which lie inside the private writable file mapping
 * [map, map + map_len) (mmap, MAP_PRIVATE, PROT_READ | PROT_WRITE: writes
 * stay in the process). On success the panel owns the mapping and
 * cix_panel_free unmaps it; on failure the caller still owns it.
 */
cix_status cix_i_panel_create_mapped(size_t nrows, size_t nindicators, int has_year,
                                     const cix_allocator *alloc, void *map, size_t map_len,
                                     double *data, cix_panel **out, cix_error *err);
/* Length of the mapping holding p's values, 0 when they were allocated. */
size_t cix_i_panel_mapped_bytes(const cix_panel *p);

#endif /* CIX_INTERNAL_H */
