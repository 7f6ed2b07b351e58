/*
 * The fast path of the CSV reader (see read_fast.h).
 *
 * The reader proper (read_csv.c) reads the header with libcsv, so that every
 * header rule and message stays in one place, and hands the data rows of a
 * wide file or buffer to cix_i_fast_read:
 *
 * Pass 1 counts the rows: one memchr per line over the bytes (a file is
 * read in blocks of 1 MiB with pread, never held whole), noting where the
 * input splits into T chunks of about equal size at line starts, and the
 * number of rows before each split. A line is a row unless it is empty.
 * On a large input the T threads count it, each in its span of the bytes
 * (count_parallel).
 *
 * The panel is then allocated once, uninitialized (every cell is written by
 * pass 2), and T workers (the calling thread and T-1 pthreads) each parse
 * their chunk, writing each value straight into its column of the
 * column-major panel at its final row. Numbers of up to 19 significant
 * digits whose value is exact by Clinger's rule are converted inline; every
 * other cell goes through cix_parse_double, so the values are exactly those
 * of the general reader whatever T is. Each worker interns its region names
 * in its own table; the tables are merged in chunk order afterwards, which
 * numbers the regions in order of first appearance, as the general reader
 * does.
 *
 * Quoted newlines. Pass 1 splits at every LF, so a quoted field holding a
 * line break would be cut in two; but then the worker whose chunk holds the
 * opening quote finds no closing quote on that line and gives up. The fast
 * path therefore never produces a panel from such a file, wherever the
 * chunk boundaries fall, and the general reader (which tracks quotes)
 * reads it.
 *
 * Anything unusual gives up the same way (CIX_EUNSUPPORTED): the general
 * reader then reads the rows again and reports any problem with its exact
 * line, column and message. Only running out of memory is reported here.
 *
 * The workers allocate only to grow their region tables; those calls go
 * through the handle's allocator under a mutex, since a user allocator need
 * not be thread-safe.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "csv_cells.h"
#include "read_fast.h"

#define SOFT 1  /* give up: the general reader takes over */
#define NOMEM 2 /* out of memory */

#define MAX_THREADS 16
#define BLOCK ((size_t)1 << 20)             /* bytes per pread */
#define AUTO_BYTES_PER_THREAD ((uint64_t)1 << 20)
#define NO_REGION UINT32_MAX

/* ------------------------------------------------------------------------ */
/* shared state                                                             */
/* ------------------------------------------------------------------------ */

typedef struct shared {
    const cix_i_fast_spec *spec;
    pthread_mutex_t mu;
    unsigned char na_first[256];
    int na_empty;
    int na_numeric; /* some NA string reads as a number: no inline numbers */
    double *data;
    size_t nrows;
    uint32_t *row_region; /* per row: the worker's region index, then global */
    int32_t *row_year;
} shared;

static void *s_malloc(shared *sh, size_t n)
{
    void *p;
    pthread_mutex_lock(&sh->mu);
    p = cix_i_malloc(sh->spec->alloc, n);
    pthread_mutex_unlock(&sh->mu);
    return p;
}

static void *s_realloc(shared *sh, void *ptr, size_t n)
{
    void *p;
    pthread_mutex_lock(&sh->mu);
    p = cix_i_realloc(sh->spec->alloc, ptr, n);
    pthread_mutex_unlock(&sh->mu);
    return p;
}

static void s_free(shared *sh, void *ptr)
{
    if (!ptr)
        return;
    pthread_mutex_lock(&sh->mu);
    cix_i_free(sh->spec->alloc, ptr);
    pthread_mutex_unlock(&sh->mu);
}

/* ------------------------------------------------------------------------ */
/* region tables                                                            */
/* ------------------------------------------------------------------------ */

typedef struct rtab {
    char *arena; /* names back to back, NUL-terminated */
    size_t used, cap;
    size_t *off, *len;
    size_t n, ocap, lcap;
    uint32_t *slot; /* index + 1; 0 = empty; nslot a power of two */
    size_t nslot;
} rtab;

static uint64_t hash_name(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

static void rtab_free(shared *sh, rtab *t)
{
    s_free(sh, t->arena);
    s_free(sh, t->off);
    s_free(sh, t->len);
    s_free(sh, t->slot);
    memset(t, 0, sizeof *t);
}

/* Slot of name s[0..len): where it is, or the empty slot where it goes. */
static size_t rtab_slot(const rtab *t, const char *s, size_t len, uint64_t h)
{
    size_t mask = t->nslot - 1, i = (size_t)h & mask;
    for (;;) {
        uint32_t k = t->slot[i];
        if (k == 0)
            return i;
        k--;
        if (t->len[k] == len && memcmp(t->arena + t->off[k], s, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

static int rtab_grow(shared *sh, rtab *t)
{
    size_t ns = t->nslot ? t->nslot * 2 : 64;
    uint32_t *slot;
    if (ns > SIZE_MAX / sizeof *slot / 2)
        return -1;
    slot = s_malloc(sh, ns * sizeof *slot);
    if (!slot)
        return -1;
    memset(slot, 0, ns * sizeof *slot);
    for (size_t k = 0; k < t->n; k++) {
        size_t i = (size_t)hash_name(t->arena + t->off[k], t->len[k]) & (ns - 1);
        while (slot[i])
            i = (i + 1) & (ns - 1);
        slot[i] = (uint32_t)(k + 1);
    }
    s_free(sh, t->slot);
    t->slot = slot;
    t->nslot = ns;
    return 0;
}

/* Makes room for `need` bytes (size 1) or entries in *p, doubling. */
static int grow(shared *sh, void **p, size_t *cap, size_t need, size_t size)
{
    size_t c = *cap ? *cap : 64;
    void *q;
    if (need <= *cap)
        return 0;
    while (c < need) {
        if (c > SIZE_MAX / 4)
            return -1;
        c *= 2;
    }
    if (c > SIZE_MAX / size)
        return -1;
    q = s_realloc(sh, *p, c * size);
    if (!q)
        return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* Index of name s[0..len), added when new; *added tells. NO_REGION when out
 * of memory or out of indices. */
static uint32_t rtab_intern(shared *sh, rtab *t, const char *s, size_t len, int *added)
{
    uint64_t h = hash_name(s, len);
    size_t i;
    *added = 0;
    if (t->nslot == 0 || (t->n + 1) * 2 > t->nslot) {
        if (rtab_grow(sh, t) != 0)
            return NO_REGION;
    }
    i = rtab_slot(t, s, len, h);
    if (t->slot[i])
        return t->slot[i] - 1;
    if (t->n + 1 >= NO_REGION || len > SIZE_MAX - t->used - 1)
        return NO_REGION;
    if (grow(sh, (void **)&t->arena, &t->cap, t->used + len + 1, 1) != 0 ||
        grow(sh, (void **)&t->off, &t->ocap, t->n + 1, sizeof *t->off) != 0 ||
        grow(sh, (void **)&t->len, &t->lcap, t->n + 1, sizeof *t->len) != 0)
        return NO_REGION;
    memcpy(t->arena + t->used, s, len);
    t->arena[t->used + len] = '\0';
    t->off[t->n] = t->used;
    t->len[t->n] = len;
    t->used += len + 1;
    t->slot[i] = (uint32_t)(t->n + 1);
    *added = 1;
    return (uint32_t)t->n++;
}

/* ------------------------------------------------------------------------ */
/* cells                                                                    */
/* ------------------------------------------------------------------------ */

static const double pow10_exact[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

#define DIGIT(c) ((unsigned)(unsigned char)(c) - (unsigned)'0')

/*
 * A number at p[0..e) with at most 19 significant digits whose value
 * m x 10^k (m <= 2^53, |k| <= 22) one IEEE operation rounds correctly:
 * returns the end of its text and sets *out, exactly as cix_parse_double
 * would. NULL when the text is anything else (the caller then finds the
 * cell's end and calls cix_parse_double).
 */
static const char *fast_number(const char *p, const char *e, double *out)
{
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    uint64_t m = 0;
    int nd = 0, neg = 0, any = 0;
    int64_t dexp = 0, e10 = 0, k;
    double v;

    if (p < e && (*p == '-' || *p == '+')) {
        neg = *p == '-';
        p++;
    }
    for (; p < e; p++) {
        unsigned d = DIGIT(*p);
        if (d > 9)
            break;
        any = 1;
        if (m == 0 && d == 0)
            continue;
        if (nd == 19)
            return NULL;
        m = m * 10 + d;
        nd++;
    }
    if (p < e && *p == '.') {
        for (p++; p < e; p++) {
            unsigned d = DIGIT(*p);
            if (d > 9)
                break;
            any = 1;
            dexp--;
            if (m == 0 && d == 0)
                continue;
            if (nd == 19)
                return NULL;
            m = m * 10 + d;
            nd++;
        }
    }
    if (!any)
        return NULL;
    if (p < e && (*p == 'e' || *p == 'E')) {
        const char *q = p + 1;
        int eneg = 0;
        if (q < e && (*q == '+' || *q == '-')) {
            eneg = *q == '-';
            q++;
        }
        if (q == e || DIGIT(*q) > 9)
            return NULL;
        for (; q < e && DIGIT(*q) <= 9; q++) {
            if (e10 > 100000)
                return NULL;
            e10 = e10 * 10 + DIGIT(*q);
        }
        e10 = eneg ? -e10 : e10;
        p = q;
    }
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
        return p;
    }
    k = dexp + e10;
    if (m > (UINT64_C(1) << 53) || k < -22 || k > 22)
        return NULL;
    v = (double)m;
    v = k >= 0 ? v * pow10_exact[k] : v / pow10_exact[-k];
    *out = neg ? -v : v;
    return p;
#else
    (void)p;
    (void)e;
    (void)out;
    return NULL;
#endif
}

static int is_na(const shared *sh, const char *s, size_t len)
{
    const cix_i_fast_spec *sp = sh->spec;
    if (len == 0)
        return sh->na_empty;
    if (!sh->na_first[(unsigned char)s[0]])
        return 0;
    for (size_t k = 0; k < sp->nna; k++)
        if (sp->na_len[k] == len && memcmp(sp->na[k], s, len) == 0)
            return 1;
    return 0;
}

/*
 * The field at p, up to the next delimiter or e (the end of the line): its
 * text [*fs, *fe) as libcsv passes it (unquoted: without the spaces and tabs
 * around it; quoted: between the quotes), and *next at the delimiter or e.
 * -1 for what only libcsv handles: a stray quote, a doubled quote, text after
 * a closing quote, a quote left open at the end of the line, a CR.
 */
static int find_field(const char *p, const char *e, char delim, const char **fs,
                      const char **fe, const char **next)
{
    while (p < e && (*p == ' ' || *p == '\t') && *p != delim)
        p++;
    if (p < e && *p == '"') {
        const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
        if (!q || memchr(p + 1, '\r', (size_t)(q - p - 1)))
            return -1;
        *fs = p + 1;
        *fe = q;
        for (q++; q < e && (*q == ' ' || *q == '\t') && *q != delim; q++)
            ;
        if (q < e && *q != delim)
            return -1;
        *next = q;
        return 0;
    }
    *fs = p;
    for (; p < e && *p != delim; p++)
        if (*p == '"' || *p == '\r')
            return -1;
    *next = p;
    while (p > *fs && (p[-1] == ' ' || p[-1] == '\t') && p[-1] != delim)
        p--;
    *fe = p;
    return 0;
}

/* A value cell as the general reader reads it; -1 for any error. */
static int value_cell(const shared *sh, const char *s, size_t len, double *v)
{
    const char *t = cix_i_trim(s, &len);
    if (is_na(sh, t, len)) {
        *v = NAN;
        return 0;
    }
    if (len == 0 || cix_parse_double(t, len, v) != 0 || isinf(*v))
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* workers                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct worker {
    shared *sh;
    uint64_t start, end; /* byte range of the input, at line starts */
    size_t row, row_end; /* next row to fill, one past the last */
    rtab regions;
    uint32_t last; /* region of the previous row */
    char *buf;     /* file input: block buffer of bufsize bytes */
    size_t bufsize;
    int status; /* 0, SOFT or NOMEM */
} worker;

static int region_cell(worker *w, const char *s, size_t len, uint32_t *out)
{
    rtab *t = &w->regions;
    int added;
    uint32_t k;
    if (len == 0)
        return SOFT;
    if (w->last != NO_REGION && t->len[w->last] == len &&
        memcmp(t->arena + t->off[w->last], s, len) == 0) {
        *out = w->last;
        return 0;
    }
    /* names must be valid UTF-8 without control characters */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7F) {
            char msg[CIX_ERROR_MESSAGE_MAX];
            if (cix_i_check_name(s, len, msg, sizeof msg) != CIX_OK)
                return SOFT;
            break;
        }
    }
    k = rtab_intern(w->sh, t, s, len, &added);
    if (k == NO_REGION)
        return t->n + 1 >= NO_REGION ? SOFT : NOMEM;
    w->last = k;
    *out = k;
    return 0;
}

/* One line s[0..e) (without its LF). 0, SOFT or NOMEM. */
static int parse_line(worker *w, const char *s, const char *e)
{
    const shared *sh = w->sh;
    const cix_i_fast_spec *sp = sh->spec;
    const char delim = sp->delim;
    const char *p = s;
    uint32_t region = NO_REGION;
    int32_t year = CIX_NO_YEAR;
    size_t row;

    if (e > s && e[-1] == '\r')
        e--;
    if (e == s)
        return 0; /* blank line */
    if (w->row >= w->row_end)
        return SOFT;
    row = w->row;
    for (size_t c = 0; c < sp->ncols; c++) {
        const char *fs, *fe;
        if (c > 0) {
            if (p == e)
                return SOFT; /* too few fields */
            p++;             /* the delimiter */
        }
        if (sp->role[c] == CIX_I_FAST_VALUE) {
            double *dst = sh->data + sp->role_j[c] * sh->nrows + row;
            double v;
            if (!sh->na_numeric) {
                const char *q = fast_number(p, e, &v);
                if (q && (q == e || *q == delim)) {
                    *dst = v;
                    p = q;
                    continue;
                }
            }
            /* quoted value cells are left to libcsv (rare in practice) */
            if (find_field(p, e, delim, &fs, &fe, &p) != 0 || (fs > s && fs[-1] == '"') ||
                value_cell(sh, fs, (size_t)(fe - fs), dst) != 0)
                return SOFT;
        } else if (sp->role[c] == CIX_I_FAST_REGION) {
            int st;
            if (find_field(p, e, delim, &fs, &fe, &p) != 0)
                return SOFT;
            st = region_cell(w, fs, (size_t)(fe - fs), &region);
            if (st != 0)
                return st;
        } else {
            size_t len;
            const char *t;
            if (find_field(p, e, delim, &fs, &fe, &p) != 0)
                return SOFT;
            len = (size_t)(fe - fs);
            t = cix_i_trim(fs, &len);
            if (len == 0 || is_na(sh, t, len) || cix_i_parse_year(t, len, &year) != 0)
                return SOFT;
        }
    }
    if (p != e || region == NO_REGION)
        return SOFT; /* too many fields */
    sh->row_region[row] = region;
    sh->row_year[row] = sp->has_year ? year : CIX_NO_YEAR;
    w->row++;
    return 0;
}

/* Every line of s[0..n); a last line without LF only when `last`. Returns
 * the number of bytes used (up to the last LF when not `last`). */
static size_t parse_lines(worker *w, const char *s, size_t n, int last)
{
    const char *p = s, *end = s + n;
    while (p < end && w->status == 0) {
        const char *q = memchr(p, '\n', (size_t)(end - p));
        if (!q) {
            if (!last)
                break;
            q = end;
        }
        w->status = parse_line(w, p, q);
        p = q < end ? q + 1 : end;
    }
    return (size_t)(p - s);
}

/* Thread t of cix_i_parallel: worker t of the array parses its chunk. */
static void run_worker(void *arg, int t, int nt)
{
    worker *w = (worker *)arg + t;
    const cix_i_fast_spec *sp = w->sh->spec;

    (void)nt;
    if (sp->buf) {
        parse_lines(w, (const char *)sp->buf + w->start, (size_t)(w->end - w->start), 1);
    } else {
        uint64_t pos = w->start;
        size_t carry = 0;
        while (pos < w->end && w->status == 0) {
            size_t want = w->bufsize - carry, used;
            ssize_t k;
            if (want > w->end - pos)
                want = (size_t)(w->end - pos);
            if (want == 0) {
                w->status = SOFT; /* a line longer than the buffer */
                break;
            }
            k = pread(sp->fd, w->buf + carry, want, (off_t)pos);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                w->status = SOFT; /* the general reader reports read errors */
                break;
            }
            pos += (uint64_t)k;
            used = parse_lines(w, w->buf, carry + (size_t)k, pos >= w->end);
            carry = carry + (size_t)k - used;
            if (carry)
                memmove(w->buf, w->buf + used, carry);
        }
    }
    if (w->status == 0 && w->row != w->row_end)
        w->status = SOFT;
}

/* ------------------------------------------------------------------------ */
/* pass 1: rows and chunks                                                  */
/* ------------------------------------------------------------------------ */

typedef struct count_state {
    uint64_t line_start, rows, maxline, end;
    unsigned char prev; /* the byte before the current block */
    int T, k;
    uint64_t target[MAX_THREADS + 1];
    uint64_t bnd[MAX_THREADS + 1], brow[MAX_THREADS + 1];
} count_state;

static void count_block(count_state *cs, const unsigned char *b, size_t n, uint64_t at)
{
    const unsigned char *p = b, *end = b + n;
    while (p < end) {
        const unsigned char *q = memchr(p, '\n', (size_t)(end - p));
        uint64_t aq, len;
        unsigned char before;
        if (!q)
            break;
        aq = at + (uint64_t)(q - b);
        len = aq - cs->line_start;
        before = q > b ? q[-1] : cs->prev;
        if (len > cs->maxline)
            cs->maxline = len;
        if (len > 1 || (len == 1 && before != '\r'))
            cs->rows++;
        cs->line_start = aq + 1;
        while (cs->k < cs->T && cs->line_start >= cs->target[cs->k]) {
            cs->bnd[cs->k] = cs->line_start;
            cs->brow[cs->k] = cs->rows;
            cs->k++;
        }
        p = q + 1;
    }
    if (n)
        cs->prev = b[n - 1];
}

static void count_finish(count_state *cs)
{
    uint64_t len = cs->end - cs->line_start;
    if (len > cs->maxline)
        cs->maxline = len;
    if (len > 1 || (len == 1 && cs->prev != '\r'))
        cs->rows++;
    for (; cs->k <= cs->T; cs->k++) {
        cs->bnd[cs->k] = cs->end;
        cs->brow[cs->k] = cs->rows;
    }
}

/* Pass 1 on T threads, when each of T spans has at least SPAN_MIN bytes.
 * Span k is bytes [S_k, S_k+1) with S_k = target[k] - 1 (S_0 the first
 * data byte, S_T the end), so that the first line break at or after S_k
 * ends the line after which boundary k falls, as count_block places it.
 * Each thread notes its span's first and last line break and counts the
 * lines that end at the other breaks (they begin inside the span); the
 * lines that cross from one span into the next are counted afterwards, in
 * span order, which gives count_block's rows, boundaries and longest line. */
#define SPAN_MIN ((uint64_t)1 << 16)
#define NO_LF UINT64_MAX

typedef struct span {
    const cix_i_fast_spec *sp;
    uint64_t a, b;             /* bytes [a, b) */
    uint64_t first, last;      /* its first and last line break (NO_LF: none) */
    uint64_t rows, maxline;    /* of the lines that end at its other breaks */
    unsigned char before_first;/* the byte before `first`, when first > a */
    unsigned char lastbyte;    /* byte b - 1 */
    unsigned char *buf;        /* BLOCK bytes, reading a file */
    int status;                /* SOFT: a read failed */
} span;

static void span_block(span *s, const unsigned char *b, size_t n, uint64_t at,
                       unsigned char prev)
{
    const unsigned char *p = b, *end = b + n, *q;
    while (p < end && (q = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        uint64_t aq = at + (uint64_t)(q - b);
        unsigned char before = q > b ? q[-1] : prev;
        if (s->first == NO_LF) {
            s->first = aq;
            s->before_first = before;
        } else {
            uint64_t len = aq - s->last - 1;
            if (len > s->maxline)
                s->maxline = len;
            if (len > 1 || (len == 1 && before != '\r'))
                s->rows++;
        }
        s->last = aq;
        p = q + 1;
    }
}

static void span_scan(span *s)
{
    uint64_t pos = s->a;
    unsigned char prev = 0;
    while (pos < s->b) {
        const unsigned char *b;
        size_t n = s->b - pos < BLOCK ? (size_t)(s->b - pos) : BLOCK;
        if (s->sp->buf) {
            b = s->sp->buf + pos;
            n = (size_t)(s->b - pos);
        } else {
            ssize_t k = pread(s->sp->fd, s->buf, n, (off_t)pos);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0) {
                s->status = SOFT;
                return;
            }
            n = (size_t)k;
            b = s->buf;
        }
        span_block(s, b, n, pos, prev);
        prev = b[n - 1];
        pos += n;
    }
    s->lastbyte = prev;
}

/* Thread t of cix_i_parallel: span t of the array. */
static void span_worker(void *arg, int t, int nt)
{
    (void)nt;
    span_scan((span *)arg + t);
}

/* The lines that cross spans, in order, into cs (set up as for count_block
 * over the whole input; count_finish follows). */
static void spans_merge(count_state *cs, const span *s, int T)
{
    for (int k = 0; k < T; k++) {
        uint64_t len;
        unsigned char before;
        if (s[k].first == NO_LF)
            continue;
        len = s[k].first - cs->line_start;
        before = s[k].first > s[k].a || k == 0 ? s[k].before_first : s[k - 1].lastbyte;
        if (len > cs->maxline)
            cs->maxline = len;
        if (len > 1 || (len == 1 && before != '\r'))
            cs->rows++;
        cs->line_start = s[k].first + 1;
        while (cs->k < cs->T && cs->line_start >= cs->target[cs->k]) {
            cs->bnd[cs->k] = cs->line_start;
            cs->brow[cs->k] = cs->rows;
            cs->k++;
        }
        cs->rows += s[k].rows;
        if (s[k].maxline > cs->maxline)
            cs->maxline = s[k].maxline;
        cs->line_start = s[k].last + 1;
    }
    cs->prev = s[T - 1].lastbyte;
}

/* Pass 1 on T threads (T >= 2, spans of at least SPAN_MIN bytes); cs set up
 * as for count_block. 0, SOFT or NOMEM. */
static int count_parallel(shared *sh, count_state *cs, int T)
{
    const cix_i_fast_spec *sp = sh->spec;
    span s[MAX_THREADS];
    int st = 0;

    for (int k = 0; k < T; k++) {
        memset(&s[k], 0, sizeof s[k]);
        s[k].sp = sp;
        s[k].a = k == 0 ? sp->off : cs->target[k] - 1;
        s[k].b = k == T - 1 ? sp->len : cs->target[k + 1] - 1;
        s[k].first = s[k].last = NO_LF;
    }
    for (int k = 0; k < T && !sp->buf; k++)
        if (!(s[k].buf = s_malloc(sh, BLOCK)))
            st = NOMEM;
    if (st == 0) {
        cix_i_parallel(T, span_worker, s);
        for (int k = 0; k < T; k++)
            if (s[k].status)
                st = SOFT;
        if (st == 0)
            spans_merge(cs, s, T);
    }
    for (int k = 0; k < T; k++)
        s_free(sh, s[k].buf);
    return st;
}

/* ------------------------------------------------------------------------ */
/* the whole read                                                           */
/* ------------------------------------------------------------------------ */

static int auto_threads(uint64_t bytes)
{
    long n = cix_i_threads_available();
    uint64_t by_size = bytes / AUTO_BYTES_PER_THREAD;
    if (n < 1)
        n = 1;
    if (n > MAX_THREADS)
        n = MAX_THREADS;
    if ((uint64_t)n > by_size)
        n = by_size > 0 ? (long)by_size : 1;
    return (int)n;
}

/* 1 if two rows have the same (region, year): the general reader names them. */
static int has_duplicate_rows(shared *sh, const cix_panel *p, int *nomem)
{
    size_t n = cix_panel_nrows(p), nreg = cix_panel_nregions(p);
    size_t ny = cix_panel_has_year(p) ? cix_panel_nyears(p) : 1, nbits, nbytes;
    const size_t *rr = cix_i_panel_region_index(p);
    const int32_t *yi = cix_i_panel_year_index(p);
    unsigned char *seen;
    int dup = 0;

    *nomem = 0;
    if (ny == 0 || nreg > SIZE_MAX / 8 / ny)
        return 1;
    nbits = nreg * ny;
    if (nbits > ((size_t)1 << 27) && nbits / 16 > n)
        return 1; /* sparse: too large a bitmap; let the general reader check */
    nbytes = nbits / 8 + 1;
    seen = s_malloc(sh, nbytes);
    if (!seen) {
        *nomem = 1;
        return 1;
    }
    memset(seen, 0, nbytes);
    for (size_t r = 0; r < n && !dup; r++) {
        size_t b = rr[r] * ny + (yi ? (size_t)yi[r] : 0);
        unsigned char bit = (unsigned char)(1u << (b % 8));
        dup = (seen[b / 8] & bit) != 0;
        seen[b / 8] |= bit;
    }
    s_free(sh, seen);
    return dup;
}

cix_status cix_i_fast_read(const cix_i_fast_spec *sp, cix_panel **out, cix_error *err)
{
    shared sh;
    worker w[MAX_THREADS];
    count_state cs;
    cix_panel *p = NULL;
    uint32_t *map = NULL;
    const char **names = NULL;
    unsigned char *pass1 = NULL;
    uint64_t len;
    int T, mu_ok = 0, st = SOFT;
    cix_status ret;

    *out = NULL;
    memset(&sh, 0, sizeof sh);
    memset(w, 0, sizeof w);
    sh.spec = sp;
    if (sp->off >= sp->len || sp->nind == 0)
        return CIX_EUNSUPPORTED;
    len = sp->len - sp->off;
    if (pthread_mutex_init(&sh.mu, NULL) != 0)
        return CIX_EUNSUPPORTED;
    mu_ok = 1;
    for (size_t k = 0; k < sp->nna; k++) {
        double v;
        if (sp->na_len[k] == 0)
            sh.na_empty = 1;
        else
            sh.na_first[(unsigned char)sp->na[k][0]] = 1;
        if (cix_parse_double(sp->na[k], sp->na_len[k], &v) == 0)
            sh.na_numeric = 1;
    }
    T = sp->nthreads > 0 ? sp->nthreads : auto_threads(len);
    if (T > MAX_THREADS)
        T = MAX_THREADS;

    /* pass 1 */
    memset(&cs, 0, sizeof cs);
    cs.T = T;
    cs.k = 1;
    cs.line_start = sp->off;
    cs.end = sp->len;
    cs.prev = '\n';
    for (int k = 1; k < T; k++)
        cs.target[k] = sp->off + len / (uint64_t)T * (uint64_t)k;
    cs.bnd[0] = sp->off;
    cs.brow[0] = 0;
    if (T >= 2 && len / (uint64_t)T >= SPAN_MIN) {
        int r = count_parallel(&sh, &cs, T);
        if (r != 0) {
            st = r;
            goto cleanup;
        }
    } else if (sp->buf) {
        count_block(&cs, sp->buf + sp->off, (size_t)len, sp->off);
    } else {
        uint64_t pos = sp->off;
        pass1 = s_malloc(&sh, BLOCK);
        if (!pass1) {
            st = NOMEM;
            goto cleanup;
        }
        while (pos < sp->len) {
            size_t want = sp->len - pos < BLOCK ? (size_t)(sp->len - pos) : BLOCK;
            ssize_t k = pread(sp->fd, pass1, want, (off_t)pos);
            if (k < 0 && errno == EINTR)
                continue;
            if (k <= 0)
                goto cleanup;
            count_block(&cs, pass1, (size_t)k, pos);
            pos += (uint64_t)k;
        }
        s_free(&sh, pass1);
        pass1 = NULL;
    }
    count_finish(&cs);
    if (cs.rows == 0 || cs.rows >= NO_REGION || cs.maxline > SIZE_MAX / 4)
        goto cleanup;

    /* the panel, written in place by the workers */
    sh.nrows = (size_t)cs.rows;
    ret = cix_i_panel_create_uninit(sh.nrows, sp->nind, sp->has_year, sp->alloc, &p, err);
    if (ret != CIX_OK) {
        st = ret == CIX_ENOMEM ? NOMEM : SOFT;
        goto cleanup;
    }
    sh.data = cix_i_panel_data(p);
    sh.row_region = s_malloc(&sh, sh.nrows * sizeof *sh.row_region);
    sh.row_year = s_malloc(&sh, sh.nrows * sizeof *sh.row_year);
    if (!sh.row_region || !sh.row_year) {
        st = NOMEM;
        goto cleanup;
    }
    for (int t = 0; t < T; t++) {
        w[t].sh = &sh;
        w[t].start = cs.bnd[t];
        w[t].end = cs.bnd[t + 1];
        w[t].row = (size_t)cs.brow[t];
        w[t].row_end = (size_t)cs.brow[t + 1];
        w[t].last = NO_REGION;
        if (!sp->buf) {
            w[t].bufsize = BLOCK > 2 * (size_t)cs.maxline + 2 ? BLOCK
                                                              : 2 * (size_t)cs.maxline + 2;
            w[t].buf = s_malloc(&sh, w[t].bufsize);
            if (!w[t].buf) {
                st = NOMEM;
                goto cleanup;
            }
        }
    }
    cix_i_parallel(T, run_worker, w);
    st = 0;
    for (int t = 0; t < T; t++)
        if (w[t].status == NOMEM || (w[t].status == SOFT && st == 0))
            st = w[t].status;
    if (st != 0)
        goto cleanup;

    /* regions: worker 0's table, extended by the others in chunk order */
    for (int t = 1; t < T; t++) {
        rtab *rt = &w[t].regions;
        if (rt->n == 0)
            continue;
        map = s_malloc(&sh, rt->n * sizeof *map);
        if (!map) {
            st = NOMEM;
            goto cleanup;
        }
        for (size_t k = 0; k < rt->n; k++) {
            int added;
            map[k] = rtab_intern(&sh, &w[0].regions, rt->arena + rt->off[k], rt->len[k],
                                 &added);
            if (map[k] == NO_REGION) {
                st = NOMEM;
                goto cleanup;
            }
        }
        for (size_t r = (size_t)cs.brow[t]; r < (size_t)cs.brow[t + 1]; r++)
            sh.row_region[r] = map[sh.row_region[r]];
        s_free(&sh, map);
        map = NULL;
        rtab_free(&sh, rt);
    }
    {
        rtab *rt = &w[0].regions;
        names = s_malloc(&sh, (rt->n ? rt->n : 1) * sizeof *names);
        if (!names) {
            st = NOMEM;
            goto cleanup;
        }
        for (size_t k = 0; k < rt->n; k++)
            names[k] = rt->arena + rt->off[k];
        if (cix_i_panel_set_rows(p, names, rt->len, rt->n, sh.row_region, sh.row_year,
                                 err) != CIX_OK) {
            st = NOMEM;
            goto cleanup;
        }
    }
    {
        int nomem;
        if (has_duplicate_rows(&sh, p, &nomem)) {
            st = nomem ? NOMEM : SOFT;
            goto cleanup;
        }
    }
    for (size_t j = 0; j < sp->nind; j++) {
        if (cix_panel_set_indicator(p, j, sp->ind_name[j], err) != CIX_OK) {
            st = NOMEM;
            goto cleanup;
        }
    }
    st = 0;

cleanup:
    s_free(&sh, pass1);
    s_free(&sh, map);
    s_free(&sh, names);
    s_free(&sh, sh.row_region);
    s_free(&sh, sh.row_year);
    for (int t = 0; t < T && t < MAX_THREADS; t++) {
        rtab_free(&sh, &w[t].regions);
        s_free(&sh, w[t].buf);
    }
    if (mu_ok)
        pthread_mutex_destroy(&sh.mu);
    if (st != 0) {
        cix_panel_free(p);
        if (st == NOMEM) {
            cix_i_nomem(err);
            return CIX_ENOMEM;
        }
        return CIX_EUNSUPPORTED;
    }
    *out = p;
    return CIX_OK;
}
