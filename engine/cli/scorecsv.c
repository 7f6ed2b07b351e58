/* The CSV scores of `cix score` (--format csv), written fast enough for a
 * million rows: the text is formatted into a large memory buffer that goes
 * to the stream in big writes, not character by character through stdio;
 * and the values of the rows are gathered in output order, a block of rows
 * at a time, in a tight loop before the block is formatted. Reading the
 * rows in sorted order is random access over the columns: in the gather
 * loop the loads of many rows are in flight at once, while in the
 * formatting loop each row would wait for its own cache misses. Blocks
 * are small enough (256 rows) that what the gather loop brought in is still
 * in the cache when the block is formatted. Long outputs are formatted in
 * pieces of PIECE_ROWS rows by two threads, each into its own buffer, and
 * the pieces written in order: the same bytes as on one thread.
 *
 * The bytes are exactly those of the per-field writers of output.c
 * (cli_csv_field, cix_format_double, whole ranks as integers). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Rows gathered and formatted at a time. */
#define BLOCK_ROWS 256
/* The buffer goes to the stream when it holds this much. */
#define FLUSH_BYTES (1u << 20)
/* Rows a thread formats at a time in long outputs. */
#define PIECE_ROWS 32768

/* A growing memory buffer. */
typedef struct obuf {
    char *s;
    size_t len, cap;
    int nomem;
} obuf;

static int ob_reserve(obuf *b, size_t extra)
{
    size_t need, cap;
    char *p;
    if (b->nomem)
        return 0;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->nomem = 1;
        return 0;
    }
    need = b->len + extra;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 4096;
    while (cap < need)
        cap *= 2;
    p = realloc(b->s, cap);
    if (!p) {
        b->nomem = 1;
        return 0;
    }
    b->s = p;
    b->cap = cap;
    return 1;
}

/* One row's values, gathered in output order. */
typedef struct grow {
    const char *region;
    size_t region_len;
    double score, rank, change;
    size_t row;
    int32_t year;
} grow;

/* What every row shares. */
typedef struct csv_ctx {
    const cli_run *run;
    const cli_view *v;
    int has_year;          /* the year column is written */
    int panel_year;        /* the panel has years (else the column is empty) */
    int explains;          /* help_1..hurt_3 columns */
    const char *file;      /* the `file` field with its comma, or NULL */
    size_t file_len;
    char **names;          /* the indicator names as CSV fields (explains) */
    size_t *names_len;
    size_t names_max;
} csv_ctx;

/* 1 when s must be quoted as a CSV field (cli_csv_field's rule). */
static int needs_quote(const char *s, size_t n)
{
    size_t i;
    if (n == 0)
        return 0;
    if (s[0] == '#' || s[0] == ' ' || s[n - 1] == ' ')
        return 1;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n')
            return 1;
    }
    return 0;
}

/* Writes s[0..n) as a CSV field at d (room for 2n + 2 bytes); returns the
 * end. */
static char *put_field(char *d, const char *s, size_t n)
{
    size_t i;
    if (!needs_quote(s, n)) {
        memcpy(d, s, n);
        return d + n;
    }
    *d++ = '"';
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            *d++ = '"';
        *d++ = s[i];
    }
    *d++ = '"';
    return d;
}

char *cli_put_int(char *d, long long v)
{
    char t[24];
    size_t i = sizeof t;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        t[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        t[--i] = '-';
    memcpy(d, t + i, sizeof t - i);
    return d + (sizeof t - i);
}

/* A rank: whole, or a half (average ties) printed exactly (room for
 * CIX_DOUBLE_BUFSIZE bytes). */
static char *put_rank(char *d, double r)
{
    if (r == floor(r) && fabs(r) < 1e15)
        return cli_put_int(d, (long long)r);
    return d + cix_format_double(r, d);
}

/* The most bytes one row can take (numbers take at most
 * CIX_DOUBLE_BUFSIZE with their NUL). */
static size_t row_bound(const csv_ctx *c, const grow *g)
{
    size_t n = c->file_len + 2 * g->region_len + 2 + 3 * (CIX_DOUBLE_BUFSIZE + 1) + 16;
    if (c->explains)
        n += 2 * CLI_NHELP * (c->names_max + 1);
    n += c->v->nagg * (CIX_DOUBLE_BUFSIZE + 1);
    return n;
}

/* Formats the gathered rows g[0..m) at the end of b. */
static void format_rows(const csv_ctx *c, const grow *g, size_t m, obuf *b)
{
    const cli_view *v = c->v;
    size_t i, k;
    for (i = 0; i < m; i++) {
        char *d;
        if (!ob_reserve(b, row_bound(c, &g[i])))
            return;
        d = b->s + b->len;
        if (c->file) {
            memcpy(d, c->file, c->file_len);
            d += c->file_len;
        }
        d = put_field(d, g[i].region, g[i].region_len);
        if (c->has_year) {
            *d++ = ',';
            if (c->panel_year)
                d = cli_put_int(d, g[i].year);
        }
        *d++ = ',';
        d += cix_format_double(g[i].score, d);
        *d++ = ',';
        if (!isnan(g[i].rank))
            d = put_rank(d, g[i].rank);
        if (c->has_year) {
            *d++ = ',';
            if (!isnan(g[i].change))
                d = put_rank(d, g[i].change);
        }
        for (k = 0; c->explains && k < 2 * CLI_NHELP; k++) {
            size_t r = g[i].row;
            size_t j = k < CLI_NHELP ? v->help[r * CLI_NHELP + k]
                                     : v->hurt[r * CLI_NHELP + k - CLI_NHELP];
            *d++ = ',';
            if (j != (size_t)-1) {
                memcpy(d, c->names[j], c->names_len[j]);
                d += c->names_len[j];
            }
        }
        for (k = 0; k < v->nagg; k++) {
            *d++ = ',';
            d += cix_format_double(v->agg_score[k][g[i].row], d);
        }
        *d++ = '\n';
        b->len = (size_t)(d - b->s);
    }
}

/* Gathers rows ord[0..m) of the view in output order. */
static void gather(const csv_ctx *c, const size_t *ord, size_t m, grow *g)
{
    const cli_view *v = c->v;
    const cix_panel *p = v->panel;
    size_t i;
    for (i = 0; i < m; i++) {
        size_t r = ord[i];
        g[i].row = r;
        g[i].region = cix_panel_row_region(p, r);
        g[i].year = c->panel_year ? cix_panel_row_year(p, r) : 0;
        g[i].score = v->score[r];
        g[i].rank = v->rank[r];
        g[i].change = v->change ? v->change[r] : NAN;
    }
    /* the names themselves, in a loop of its own: their loads overlap */
    for (i = 0; i < m; i++)
        g[i].region_len = strlen(g[i].region);
}

/* 1 when the run allows a second thread: --threads, else what the
 * library's automatic count would be (CIX_THREADS, else the cores). */
int cli_two_threads(const cli_run *run)
{
    int n = run->opt.nthreads;
    return (n ? n : cix_default_threads()) >= 2;
}

/* Rows ord[0..m) formatted into b (emptied first), gathered in blocks. */
typedef struct piece {
    const csv_ctx *c;
    const size_t *ord;
    size_t m;
    grow g[BLOCK_ROWS];
    obuf b;
} piece;

static void *format_piece(void *arg)
{
    piece *pc = arg;
    pc->b.len = 0;
    for (size_t i = 0; i < pc->m && !pc->b.nomem; i += BLOCK_ROWS) {
        size_t m = pc->m - i < BLOCK_ROWS ? pc->m - i : BLOCK_ROWS;
        gather(pc->c, pc->ord + i, m, pc->g);
        format_rows(pc->c, pc->g, m, &pc->b);
    }
    return NULL;
}

static int flush(obuf *b, FILE *fp)
{
    if (b->len && fwrite(b->s, 1, b->len, fp) != b->len) {
        b->len = 0;
        return -1;
    }
    b->len = 0;
    return 0;
}

static void free_names(csv_ctx *c, size_t J)
{
    size_t j;
    for (j = 0; c->names && j < J; j++)
        free(c->names[j]);
    free(c->names);
    free(c->names_len);
    c->names = NULL;
    c->names_len = NULL;
}

/* The constant fields: `file` and the indicator names, quoted once. */
static int prepare(csv_ctx *c, obuf *tmp)
{
    const cli_view *v = c->v;
    size_t j;
    if (c->run->concat) {
        size_t n = strlen(c->run->input);
        tmp->len = 0;
        if (!ob_reserve(tmp, 2 * n + 3))
            return -1;
        tmp->len = (size_t)(put_field(tmp->s, c->run->input, n) - tmp->s);
        tmp->s[tmp->len++] = ',';
        c->file = tmp->s;
        c->file_len = tmp->len;
    }
    if (!c->explains)
        return 0;
    c->names = calloc(v->nind ? v->nind : 1, sizeof *c->names);
    c->names_len = calloc(v->nind ? v->nind : 1, sizeof *c->names_len);
    if (!c->names || !c->names_len)
        return -1;
    for (j = 0; j < v->nind; j++) {
        size_t n = strlen(v->ind_name[j]);
        c->names[j] = malloc(2 * n + 3);
        if (!c->names[j])
            return -1;
        c->names_len[j] = (size_t)(put_field(c->names[j], v->ind_name[j], n) - c->names[j]);
        if (c->names_len[j] > c->names_max)
            c->names_max = c->names_len[j];
    }
    return 0;
}

int cli_write_scores_csv(FILE *fp, const cli_run *run, const cli_view *v, const size_t *ord,
                         int header)
{
    csv_ctx c;
    obuf b = {NULL, 0, 0, 0}, fileb = {NULL, 0, 0, 0};
    grow *g = malloc(BLOCK_ROWS * sizeof *g);
    size_t n = v->n, i, k;
    int rc = CLI_EXIT_OK;

    memset(&c, 0, sizeof c);
    c.run = run;
    c.v = v;
    c.panel_year = cix_panel_has_year(v->panel);
    /* concatenated files share one header: the year column always */
    c.has_year = c.panel_year || run->concat;
    c.explains = cli_view_explains(v, run);
    if (!g || prepare(&c, &fileb) != 0 || !ob_reserve(&b, FLUSH_BYTES + 65536)) {
        rc = CLI_EXIT_NOMEM;
        goto cleanup;
    }

    cli_comment_line(fp, run);
    if (header) {
        fputs(run->concat ? "file," : "", fp);
        fputs(c.has_year ? "region,year,score,rank,rank_change" : "region,score,rank", fp);
        if (c.explains)
            fputs(",help_1,help_2,help_3,hurt_1,hurt_2,hurt_3", fp);
        for (k = 0; k < v->nagg; k++) {
            fputc(',', fp);
            cli_csv_field(fp, cix_model_node_code(v->model, v->agg_node[k]));
        }
        fputc('\n', fp);
    }
    if (n >= 2 * PIECE_ROWS && cli_two_threads(run)) {
        /* two pieces at a time: the second on a thread of its own */
        piece *pc = calloc(2, sizeof *pc);
        if (!pc) {
            rc = CLI_EXIT_NOMEM;
            goto cleanup;
        }
        pc[0].c = pc[1].c = &c;
        for (i = 0; i < n && rc == CLI_EXIT_OK; i += 2 * PIECE_ROWS) {
            pthread_t th;
            int started = 0;
            pc[0].ord = ord + i;
            pc[0].m = n - i < PIECE_ROWS ? n - i : PIECE_ROWS;
            pc[1].ord = pc[0].ord + pc[0].m;
            pc[1].m = n - i - pc[0].m < PIECE_ROWS ? n - i - pc[0].m : PIECE_ROWS;
            if (pc[1].m)
                started = pthread_create(&th, NULL, format_piece, &pc[1]) == 0;
            format_piece(&pc[0]);
            if (started)
                pthread_join(th, NULL);
            else
                format_piece(&pc[1]);
            for (k = 0; k < 2; k++) {
                if (pc[k].b.nomem) {
                    rc = CLI_EXIT_NOMEM;
                    break;
                }
                if (flush(&pc[k].b, fp) != 0)
                    break; /* the stream's error flag is left for cli_out_commit */
            }
            if (k < 2)
                break;
        }
        free(pc[0].b.s);
        free(pc[1].b.s);
        free(pc);
        goto cleanup;
    }
    for (i = 0; i < n; i += BLOCK_ROWS) {
        size_t m = n - i < BLOCK_ROWS ? n - i : BLOCK_ROWS;
        gather(&c, ord + i, m, g);
        format_rows(&c, g, m, &b);
        if (b.nomem) {
            rc = CLI_EXIT_NOMEM;
            goto cleanup;
        }
        if (b.len >= FLUSH_BYTES && flush(&b, fp) != 0)
            goto cleanup; /* the stream's error flag is left for cli_out_commit */
    }
    (void)flush(&b, fp);

cleanup:
    free_names(&c, v->nind);
    free(b.s);
    free(fileb.s);
    free(g);
    return rc;
}
