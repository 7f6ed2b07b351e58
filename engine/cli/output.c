/* Output of the cix program: CSV, JSON and aligned tables.
 *
 * Every output starts with the engine version and the options in force:
 * a "# cix VERSION COMMAND OPTIONS FILE" comment line in CSV and tables,
 * "cix_version" and "options" fields in JSON. Numbers in CSV and JSON are
 * printed with cix_format_double (shortest text that reads back exactly);
 * tables round them for display. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Decimals shown in tables. */
#define TABLE_SCORE_DECIMALS 4
#define TABLE_WEIGHT_DECIMALS 6

/* ------------------------------------------------------------------------ */
/* Growing strings                                                          */
/* ------------------------------------------------------------------------ */

void cli_buf_init(cli_buf *b)
{
    b->s = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void cli_buf_free(cli_buf *b)
{
    free(b->s);
    cli_buf_init(b);
}

static int buf_reserve(cli_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;
    if (b->failed)
        return 0;
    if (extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return 0;
    }
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->s, cap);
    if (!p) {
        b->failed = 1;
        return 0;
    }
    b->s = p;
    b->cap = cap;
    return 1;
}

void cli_buf_putn(cli_buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void cli_buf_puts(cli_buf *b, const char *s)
{
    cli_buf_putn(b, s, strlen(s));
}

void cli_buf_putc(cli_buf *b, char c)
{
    cli_buf_putn(b, &c, 1);
}

void cli_buf_printf(cli_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!buf_reserve(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void cli_buf_double(cli_buf *b, double x)
{
    char t[CIX_DOUBLE_BUFSIZE];
    size_t n = cix_format_double(x, t);
    cli_buf_putn(b, t, n);
}

void cli_buf_rank(cli_buf *b, double r)
{
    if (isnan(r))
        return;
    if (r == floor(r) && fabs(r) < 1e15)
        cli_buf_printf(b, "%.0f", r);
    else
        cli_buf_double(b, r);
}

/* Characters that need no quoting in a POSIX shell word. Bytes of UTF-8
 * sequences are safe too. */
static int shell_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c >= 0x80 || strchr("_-.,:/+=@%", (int)c) != NULL;
}

void cli_buf_shell_word(cli_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i;
    int plain = s[0] != '\0';
    for (i = 0; u[i]; i++)
        if (!shell_safe(u[i]))
            plain = 0;
    if (plain) {
        cli_buf_puts(b, s);
        return;
    }
    cli_buf_putc(b, '\'');
    for (i = 0; u[i]; i++) {
        if (u[i] == '\'')
            cli_buf_puts(b, "'\\''");
        else
            cli_buf_putc(b, (char)u[i]);
    }
    cli_buf_putc(b, '\'');
}

void cli_buf_direction(cli_buf *b, const cix_direction *d)
{
    switch (d->kind) {
    case CIX_DIR_BENEFIT:
        cli_buf_putc(b, '+');
        break;
    case CIX_DIR_COST:
        cli_buf_putc(b, '-');
        break;
    case CIX_DIR_INTERVAL:
        cli_buf_putc(b, '[');
        cli_buf_double(b, d->a);
        cli_buf_putc(b, ',');
        cli_buf_double(b, d->b);
        cli_buf_putc(b, ']');
        break;
    case CIX_DIR_TARGET:
        cli_buf_putc(b, '=');
        cli_buf_double(b, d->a);
        break;
    default:
        cli_buf_putc(b, '?');
        break;
    }
}

void cli_buf_scope(cli_buf *b, const cix_options *o)
{
    switch (o->scope) {
    case CIX_SCOPE_POOLED:
        cli_buf_puts(b, "pooled");
        break;
    case CIX_SCOPE_YEAR:
        cli_buf_puts(b, "year");
        break;
    case CIX_SCOPE_BASE:
        cli_buf_printf(b, "base:%ld", (long)o->base_year);
        break;
    default:
        cli_buf_puts(b, "?");
        break;
    }
}

const char *cli_delimiter_name(char d)
{
    switch (d) {
    case 0:
        return "auto";
    case ',':
        return ",";
    case ';':
        return ";";
    case '\t':
        return "tab";
    default:
        return "?";
    }
}

/* ------------------------------------------------------------------------ */
/* Fields                                                                   */
/* ------------------------------------------------------------------------ */

/* One CSV field, quoted (RFC 4180) when it contains a comma, a quote, CR or
 * LF, starts with '#' (it would look like a comment line) or with or ends in
 * a space. */
void cli_csv_field(FILE *fp, const char *s)
{
    size_t n = strlen(s);
    int quote = strpbrk(s, ",\"\r\n") != NULL || s[0] == '#' || s[0] == ' ' ||
                (n > 0 && s[n - 1] == ' ');
    if (!quote) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The body of a JSON string: quotes and backslashes escaped, control
 * characters as \u00XX, UTF-8 passed through, invalid bytes replaced by
 * U+FFFD (JSON text must be UTF-8). */
static void json_string_body(FILE *fp, const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = cli_utf8_decode(s + i, len - i, &cp);
        if (cp == '"' || cp == '\\') {
            fputc('\\', fp);
            fputc((int)cp, fp);
        } else if (cp < 0x20 || cp == 0x7F) {
            fprintf(fp, "\\u%04x", (unsigned)cp);
        } else if (cp == 0xFFFD && n == 1) {
            fputs("\xEF\xBF\xBD", fp);
        } else {
            fwrite(s + i, 1, n, fp);
        }
        i += n;
    }
}

void cli_json_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    json_string_body(fp, s);
    fputc('"', fp);
}

/* A JSON number; NaN and infinities (no JSON spelling) become null. */
void cli_json_number(FILE *fp, double x)
{
    char t[CIX_DOUBLE_BUFSIZE];
    if (!isfinite(x)) {
        fputs("null", fp);
        return;
    }
    cix_format_double(x, t);
    fputs(t, fp);
}

void cli_put_double(FILE *fp, double x)
{
    char t[CIX_DOUBLE_BUFSIZE];
    cix_format_double(x, t);
    fputs(t, fp);
}

/* A whole number, without printf's floating-point formatting (the CSV
 * writer prints one year and one rank per row). */
static void put_int(FILE *fp, long long v)
{
    char t[24];
    fwrite(t, 1, (size_t)(cli_put_int(t, v) - t), fp);
}

/* A rank: whole, or a half (average ties) printed exactly. */
static void put_rank(FILE *fp, double r)
{
    if (r == floor(r) && fabs(r) < 1e15)
        put_int(fp, (long long)r);
    else
        cli_put_double(fp, r);
}

void cli_pad(FILE *fp, size_t n)
{
    while (n--)
        fputc(' ', fp);
}

/* ------------------------------------------------------------------------ */
/* Shared parts                                                             */
/* ------------------------------------------------------------------------ */

int cli_per_year_weights(const cli_run *run)
{
    return run->opt.scope == CIX_SCOPE_YEAR && !run->opt.average_weights &&
           cix_panel_has_year(run->panel) && cix_panel_nyears(run->panel) > 0;
}

/* "# cix VERSION COMMAND OPTIONS FILE" on one line (control characters in
 * names, which would break the line, are shown as '?'). */
void cli_comment_line(FILE *fp, const cli_run *run)
{
    const char *s;
    fprintf(fp, "# cix %s ", cix_version_string());
    for (s = run->reproduce.s; *s; s++)
        fputc((unsigned char)*s < 0x20 ? '?' : *s, fp);
    fputc('\n', fp);
}

/* The weight rows: nyears rows when per year, else one. */
typedef struct weight_rows {
    const double **w;
    size_t n;
    int per_year;
} weight_rows;

static void weights_csv(FILE *fp, const cli_run *run, const weight_rows *wr)
{
    size_t J = cix_panel_nindicators(run->panel), k, j;
    fputs(wr->per_year ? "year,indicator,weight\n" : "indicator,weight\n", fp);
    for (k = 0; k < wr->n; k++) {
        for (j = 0; j < J; j++) {
            if (wr->per_year)
                fprintf(fp, "%ld,", (long)cix_panel_year_at(run->panel, k));
            cli_csv_field(fp, cix_panel_indicator(run->panel, j));
            fputc(',', fp);
            cli_put_double(fp, wr->w[k][j]);
            fputc('\n', fp);
        }
    }
}

static void weights_json_object(FILE *fp, const cli_run *run, const double *w,
                                const char *indent)
{
    size_t J = cix_panel_nindicators(run->panel), j;
    fputs("{", fp);
    for (j = 0; j < J; j++) {
        fprintf(fp, "%s\n%s  ", j ? "," : "", indent);
        cli_json_string(fp, cix_panel_indicator(run->panel, j));
        fputs(": ", fp);
        cli_json_number(fp, w[j]);
    }
    fprintf(fp, "\n%s}", indent);
}

static void weights_json(FILE *fp, const cli_run *run, const weight_rows *wr)
{
    size_t k;
    fputs("  \"weights\": ", fp);
    if (!wr->per_year) {
        weights_json_object(fp, run, wr->w[0], "  ");
        return;
    }
    fputs("{", fp);
    for (k = 0; k < wr->n; k++) {
        fprintf(fp, "%s\n    \"%ld\": ", k ? "," : "", (long)cix_panel_year_at(run->panel, k));
        weights_json_object(fp, run, wr->w[k], "    ");
    }
    fputs("\n  }", fp);
}

/* "params": the per-indicator parameters given, or null. */
static void json_params(FILE *fp, const cli_run *run)
{
    size_t J = cix_panel_nindicators(run->panel), j;
    int any = 0;
    fputs("    \"params\": ", fp);
    for (j = 0; run->params && j < J; j++) {
        const cix_indicator_params *q = &run->params[j];
        int first = 1;
        if (isnan(q->target) && isnan(q->lo) && isnan(q->hi) && isnan(q->satisfactory) &&
            isnan(q->not_allowed) && q->transform == CIX_TRANSFORM_NONE)
            continue;
        fputs(any++ ? ",\n      " : "{\n      ", fp);
        cli_json_string(fp, cix_panel_indicator(run->panel, j));
        fputs(": {", fp);
#define PARAM_FIELD(name, v)                                                          \
    if (!isnan(v)) {                                                                  \
        fprintf(fp, "%s\"" name "\": ", first ? "" : ", ");                           \
        cli_json_number(fp, v);                                                       \
        first = 0;                                                                    \
    }
        PARAM_FIELD("target", q->target)
        PARAM_FIELD("lo", q->lo)
        PARAM_FIELD("hi", q->hi)
        PARAM_FIELD("satisfactory", q->satisfactory)
        PARAM_FIELD("not_allowed", q->not_allowed)
#undef PARAM_FIELD
        if (q->transform != CIX_TRANSFORM_NONE)
            fprintf(fp, "%s\"transform\": \"%s\"", first ? "" : ", ",
                    cix_transform_name(q->transform));
        fputs("}", fp);
    }
    fputs(any ? "\n    },\n" : "null,\n", fp);
}

const char *cli_note_kind_name(cix_note_kind k)
{
    switch (k) {
    case CIX_NOTE_IMPUTED:
        return "imputed";
    case CIX_NOTE_WINSORIZED:
        return "winsorized";
    case CIX_NOTE_LOGGED:
        return "logged";
    case CIX_NOTE_DROPPED_CONSTANT:
        return "dropped_constant";
    case CIX_NOTE_DROPPED_COVERAGE:
        return "dropped_coverage";
    case CIX_NOTE_NEGATIVE_COEF:
        return "negative_coef";
    case CIX_NOTE_WARNING:
        return "warning";
    case CIX_NOTE_OUTLIER_FLAG:
        return "outlier_flag";
    default:
        return "other";
    }
}

/* One note as a JSON object, after a comma when `comma`: its indicator
 * shown as `indicator` (NULL: none), its row as region and year of panel. */
void cli_note_json(FILE *fp, const cix_note *t, int comma, const char *indicator,
                   const cix_panel *panel)
{
    fprintf(fp, "%s\n    {\"kind\": \"%s\"", comma ? "," : "", cli_note_kind_name(t->kind));
    if (indicator) {
        fputs(", \"indicator\": ", fp);
        cli_json_string(fp, indicator);
    }
    if (t->row != CIX_NO_ROW && t->row < cix_panel_nrows(panel)) {
        fputs(", \"region\": ", fp);
        cli_json_string(fp, cix_panel_row_region(panel, t->row));
        if (cix_panel_has_year(panel))
            fprintf(fp, ", \"year\": %ld", (long)cix_panel_row_year(panel, t->row));
    }
    if (!isnan(t->value_before)) {
        fputs(", \"before\": ", fp);
        cli_json_number(fp, t->value_before);
    }
    if (!isnan(t->value_after)) {
        fputs(", \"after\": ", fp);
        cli_json_number(fp, t->value_after);
    }
    if (t->count)
        fprintf(fp, ", \"count\": %zu", t->count);
    fputs(", \"message\": ", fp);
    cli_json_string(fp, t->message);
    fputs("}", fp);
}

void cli_json_notes(FILE *fp, const cli_run *run, const cix_result *res)
{
    size_t n, i;
    if (!res)
        return;
    n = cix_result_nnotes(res);
    fputs(",\n  \"notes\": [", fp);
    for (i = 0; i < n; i++) {
        const cix_note *t = cix_result_note(res, i);
        if (!t)
            continue;
        cli_note_json(fp, t, i > 0,
                      t->indicator != (size_t)-1 && t->indicator < cix_panel_nindicators(run->panel)
                          ? cix_panel_indicator(run->panel, t->indicator)
                          : NULL,
                      run->panel);
    }
    fputs(n ? "\n  ]" : "]", fp);
}

static void json_options(FILE *fp, const cli_run *run)
{
    const cix_options *o = &run->opt;
    size_t J = cix_panel_nindicators(run->panel), j;
    int weights = run->command == CLI_CMD_SCORE || run->command == CLI_CMD_WEIGHTS;
    cli_buf b;

    cli_buf_init(&b);
    fputs("  \"options\": {\n", fp);
    if (run->command != CLI_CMD_PCA) {
        fprintf(fp, "    \"normalization\": \"%s\",\n",
                cix_normalization_name(o->normalization));
        fputs("    \"range\": [", fp);
        cli_json_number(fp, o->range_lo);
        fputs(", ", fp);
        cli_json_number(fp, o->range_hi);
        fputs("],\n", fp);
        fprintf(fp, "    \"no_cap\": %s,\n", o->no_cap ? "true" : "false");
    }
    fprintf(fp, "    \"ddof\": %d,\n", o->ddof);
    if (weights) {
        fprintf(fp, "    \"weights\": \"%s\",\n", cix_weighting_name(o->weighting));
        fputs("    \"weights_file\": ", fp);
        if (run->weights_file)
            cli_json_string(fp, run->weights_file);
        else
            fputs("null", fp);
        fputs(",\n", fp);
        fputs("    \"combine\": ", fp);
        if (o->combine == CIX_COMBINE_MULT)
            fputs("\"mult\"", fp);
        else if (o->combine == CIX_COMBINE_LINEAR)
            fputs("\"linear\"", fp);
        else
            fputs("null", fp);
        fputs(",\n    \"combine_alpha\": ", fp);
        if (o->combine == CIX_COMBINE_LINEAR)
            cli_json_number(fp, o->combine_alpha);
        else
            fputs("null", fp);
        fputs(",\n", fp);
    }
    if (run->command != CLI_CMD_AUDIT) {
        fputs("    \"factors\": ", fp);
        if (o->factors > 0)
            fprintf(fp, "%d", o->factors);
        else
            fputs("\"auto\"", fp);
        fputs(",\n", fp);
    }
    cli_buf_scope(&b, o);
    fprintf(fp, "    \"scope\": \"%s\",\n", b.failed ? "?" : b.s);
    if (weights) {
        fprintf(fp, "    \"average_weights\": %s,\n", o->average_weights ? "true" : "false");
        fputs("    \"shift\": ", fp);
        cli_json_number(fp, o->entropy_shift);
        fputs(",\n    \"smooth\": ", fp);
        cli_json_number(fp, o->entropy_smooth);
        fputs(",\n", fp);
    }
    if (run->command == CLI_CMD_SCORE) {
        fprintf(fp, "    \"aggregation\": \"%s\",\n", cix_aggregation_name(o->aggregation));
        fputs("    \"power\": ", fp);
        cli_json_number(fp, o->power);
        fputs(",\n", fp);
        fprintf(fp, "    \"ties\": \"%s\",\n", cix_ties_name(o->ties));
        fprintf(fp, "    \"explain\": \"%s\",\n", run->explain ? "top3" : "none");
    }
    fprintf(fp, "    \"impute\": \"%s\",\n", cix_impute_name(o->impute));
    fputs("    \"min_coverage_indicator\": ", fp);
    cli_json_number(fp, o->min_coverage_indicator);
    fputs(",\n    \"min_coverage_region\": ", fp);
    cli_json_number(fp, o->min_coverage_region);
    fprintf(fp, ",\n    \"drop_constant\": %s,\n", o->drop_constant ? "true" : "false");
    fprintf(fp, "    \"cell_notes\": %s,\n", o->cell_notes ? "true" : "false");
    fprintf(fp, "    \"outliers\": \"%s\",\n", o->outliers ? "jrc" : "none");
    json_params(fp, run);
    if (run->command == CLI_CMD_AUDIT) {
        fputs("    \"groups\": ", fp);
        if (run->groups) {
            fputs("{", fp);
            for (j = 0; j < J; j++) {
                fprintf(fp, "%s\n      ", j ? "," : "");
                cli_json_string(fp, cix_panel_indicator(run->panel, j));
                fputs(": ", fp);
                cli_json_string(fp, run->group_names[j]);
            }
            fputs("\n    },\n", fp);
        } else {
            fputs("null,\n", fp);
        }
    }
    if (run->model) {
        /* the model gives the directions, weights and parameters */
        fputs("    \"model\": ", fp);
        if (run->model_file)
            cli_json_string(fp, run->model_file);
        else
            fputs("null", fp);
        fputs(",\n    \"fitted\": ", fp);
        if (run->fitted_file)
            cli_json_string(fp, run->fitted_file);
        else
            fputs("null", fp);
        fputs(",\n", fp);
    }
    fputs("    \"directions\": {", fp);
    J = run->model ? cix_model_nindicators(run->model) : J;
    for (j = 0; j < J; j++) {
        cix_direction d;
        fprintf(fp, "%s\n      ", j ? "," : "");
        if (run->model) {
            size_t node = cix_model_indicator(run->model, j);
            cli_json_string(fp, cix_model_node_code(run->model, node));
            d = cix_model_node_direction(run->model, node);
        } else {
            cli_json_string(fp, cix_panel_indicator(run->panel, j));
            d = run->directions[j];
        }
        fputs(": ", fp);
        b.len = 0;
        if (b.s)
            b.s[0] = '\0';
        cli_buf_direction(&b, &d);
        cli_json_string(fp, b.failed ? "?" : b.s);
    }
    fputs("\n    },\n", fp);
    fputs("    \"region_column\": ", fp);
    cli_json_string(fp, run->ropt.region_column);
    fputs(",\n    \"year_column\": ", fp);
    cli_json_string(fp, run->ropt.year_column);
    fprintf(fp, ",\n    \"delimiter\": \"%s\",\n", cli_delimiter_name(run->ropt.delimiter));
    fputs("    \"na\": [", fp);
    for (j = 0; j < run->ropt.n_na_strings; j++) {
        if (j)
            fputs(", ", fp);
        cli_json_string(fp, run->ropt.na_strings[j]);
    }
    fputs("]\n  },\n", fp);
    cli_buf_free(&b);
}

void cli_json_head(FILE *fp, const cli_run *run)
{
    fputs("{\n  \"cix_version\": ", fp);
    cli_json_string(fp, cix_version_string());
    fprintf(fp, ",\n  \"command\": \"%s\",\n", cli_run_command_name(run));
    fputs("  \"reproduce\": \"cix ", fp);
    json_string_body(fp, run->reproduce.s);
    fputs("\",\n", fp);
    fputs("  \"input\": ", fp);
    cli_json_string(fp, run->input);
    fputs(",\n", fp);
    json_options(fp, run);
}

/* The weights table: indicator, direction, then one weight column (or one
 * per year). */
static int weights_table(FILE *fp, const cli_run *run, const weight_rows *wr)
{
    size_t J = cix_panel_nindicators(run->panel), j, k;
    size_t wname = cli_display_width("indicator"), wdir = cli_display_width("direction");
    size_t wnum = 0;
    char num[64];
    cli_buf d;

    cli_buf_init(&d);
    for (j = 0; j < J; j++) {
        size_t w = cli_display_width(cix_panel_indicator(run->panel, j));
        if (w > wname)
            wname = w;
        d.len = 0;
        cli_buf_direction(&d, &run->directions[j]);
        if (d.failed)
            break;
        w = cli_display_width(d.s);
        if (w > wdir)
            wdir = w;
    }
    if (d.failed) {
        cli_buf_free(&d);
        return CLI_EXIT_NOMEM;
    }
    wnum = (size_t)snprintf(num, sizeof num, "%.*f", TABLE_WEIGHT_DECIMALS, 0.0);
    if (!wr->per_year && wnum < 6)
        wnum = 6; /* "weight" */
    /* header */
    fputs("indicator", fp);
    cli_pad(fp, wname - cli_display_width("indicator") + 2);
    fputs("direction", fp);
    cli_pad(fp, wdir - cli_display_width("direction"));
    if (wr->per_year) {
        for (k = 0; k < wr->n; k++) {
            int n = snprintf(num, sizeof num, "%ld", (long)cix_panel_year_at(run->panel, k));
            cli_pad(fp, 2 + wnum - (size_t)n);
            fputs(num, fp);
        }
    } else {
        cli_pad(fp, 2 + wnum - 6);
        fputs("weight", fp);
    }
    fputc('\n', fp);
    for (j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(run->panel, j);
        fputs(name, fp);
        cli_pad(fp, wname - cli_display_width(name) + 2);
        d.len = 0;
        cli_buf_direction(&d, &run->directions[j]);
        fputs(d.failed ? "?" : d.s, fp);
        cli_pad(fp, wdir - (d.failed ? 1 : cli_display_width(d.s)));
        for (k = 0; k < wr->n; k++) {
            int n = snprintf(num, sizeof num, "%.*f", TABLE_WEIGHT_DECIMALS, wr->w[k][j]);
            if (n < 0)
                n = 0;
            cli_pad(fp, 2 + (wnum > (size_t)n ? wnum - (size_t)n : 0));
            fputs(num, fp);
        }
        fputc('\n', fp);
    }
    cli_buf_free(&d);
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* cix weights                                                              */
/* ------------------------------------------------------------------------ */

static int weight_rows_make(const cli_run *run, const double *w, const cix_result *res,
                            weight_rows *wr)
{
    size_t J = cix_panel_nindicators(run->panel), k;
    const double **rows;
    wr->per_year = cli_per_year_weights(run);
    wr->n = wr->per_year ? cix_panel_nyears(run->panel) : 1;
    rows = malloc(wr->n * sizeof *rows);
    if (!rows)
        return CLI_EXIT_NOMEM;
    for (k = 0; k < wr->n; k++) {
        if (res)
            rows[k] = wr->per_year ? cix_result_weights_year(res, k) : cix_result_weights(res);
        else
            rows[k] = w + k * J;
    }
    wr->w = rows;
    return CLI_EXIT_OK;
}

static void weight_rows_free(weight_rows *wr)
{
    free(wr->w);
    wr->w = NULL;
}

/* "eigenvalues" and "loadings" (rotated for -w pca, unrotated for
 * pca-coef) of `cix weights --format json`. */
static void weights_json_pca(FILE *fp, const cli_run *run, const cix_pca *pca)
{
    size_t J = cix_pca_nindicators(pca), m = cix_pca_nfactors(pca), j, k;
    const double *ev = cix_pca_eigenvalues(pca);
    const double *L = run->opt.weighting == CIX_WEIGHT_PCA ? cix_pca_rotated(pca)
                                                           : cix_pca_loadings(pca);
    fputs(",\n  \"eigenvalues\": [", fp);
    for (k = 0; k < J; k++) {
        if (k)
            fputs(", ", fp);
        cli_json_number(fp, ev[k]);
    }
    fputs("],\n  \"loadings\": {", fp);
    for (j = 0; j < J; j++) {
        fprintf(fp, "%s\n    ", j ? "," : "");
        cli_json_string(fp, cix_panel_indicator(run->panel, j));
        fputs(": [", fp);
        for (k = 0; k < m; k++) {
            if (k)
                fputs(", ", fp);
            cli_json_number(fp, L[k * J + j]);
        }
        fputs("]", fp);
    }
    fputs(J ? "\n  }" : "}", fp);
}

int cli_write_weights(FILE *fp, const cli_run *run, const double *w, const cix_result *res,
                      const cix_pca *pca)
{
    weight_rows wr;
    int rc = weight_rows_make(run, w, NULL, &wr);
    if (rc)
        return rc;
    switch (run->format) {
    case CLI_FMT_JSON:
        cli_json_head(fp, run);
        weights_json(fp, run, &wr);
        if (pca)
            weights_json_pca(fp, run, pca);
        cli_json_notes(fp, run, res);
        fputs("\n}\n", fp);
        break;
    case CLI_FMT_TABLE:
        cli_comment_line(fp, run);
        rc = weights_table(fp, run, &wr);
        break;
    default:
        cli_comment_line(fp, run);
        weights_csv(fp, run, &wr);
        break;
    }
    weight_rows_free(&wr);
    return rc;
}

/* cix score --weights-out: the comment line of the run, then
 * indicator,NAME1,NAME2,... (year,indicator,... when the weights are per
 * year) and one row per indicator (and year) with a column per method. */
void cli_write_weights_out(FILE *fp, const cli_run *run, const char *const *names,
                           const double *const *cols, size_t ncols)
{
    size_t J = cix_panel_nindicators(run->panel), j, k, m;
    int per_year = cli_per_year_weights(run);
    size_t ny = per_year ? cix_panel_nyears(run->panel) : 1;
    cli_comment_line(fp, run);
    fputs(per_year ? "year,indicator" : "indicator", fp);
    for (m = 0; m < ncols; m++) {
        fputc(',', fp);
        cli_csv_field(fp, names[m]);
    }
    fputc('\n', fp);
    for (k = 0; k < ny; k++) {
        for (j = 0; j < J; j++) {
            if (per_year)
                fprintf(fp, "%ld,", (long)cix_panel_year_at(run->panel, k));
            cli_csv_field(fp, cix_panel_indicator(run->panel, j));
            for (m = 0; m < ncols; m++) {
                fputc(',', fp);
                cli_put_double(fp, cols[m][k * J + j]);
            }
            fputc('\n', fp);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* cix score                                                                */
/* ------------------------------------------------------------------------ */

size_t *cli_score_order(const cli_view *v)
{
    size_t *rows = cli_rows_alloc(v->n, sizeof *rows);
    if (rows && cix_rank_order(v->panel, v->rank, rows, NULL) != CIX_OK) {
        free(rows);
        rows = NULL;
    }
    return rows;
}

/* The input file as the `file` column shows it. */
static void file_field(FILE *fp, const cli_run *run)
{
    if (!run->concat)
        return;
    cli_csv_field(fp, run->input);
    fputc(',', fp);
}

/* 1 when this file writes the CSV header (the first of a concatenation). */
static int write_header(const cli_run *run)
{
    return !run->concat || run->file_index == 0;
}

static void json_help_list(FILE *fp, const cli_view *v, const size_t *idx, const double *val)
{
    size_t k, m = 0;
    fputc('[', fp);
    for (k = 0; k < CLI_NHELP; k++) {
        if (idx[k] == (size_t)-1)
            continue;
        fputs(m++ ? ", {\"indicator\": " : "{\"indicator\": ", fp);
        cli_json_string(fp, v->ind_name[idx[k]]);
        fputs(", \"value\": ", fp);
        cli_json_number(fp, val[k]);
        fputc('}', fp);
    }
    fputc(']', fp);
}

static void scores_json(FILE *fp, const cli_run *run, const cli_view *v, const size_t *ord,
                        const weight_rows *wr)
{
    size_t n = v->n, i, k;
    int has_year = cix_panel_has_year(v->panel);

    cli_json_head(fp, run);
    if (v->mres)
        cli_model_weights_json(fp, v);
    else
        weights_json(fp, run, wr);
    if (cli_view_explains(v, run))
        fprintf(fp, ",\n  \"help_measure\": \"%s\"", cli_view_measure(v));
    fputs(",\n  \"scores\": [", fp);
    for (i = 0; i < n; i++) {
        size_t r = ord[i];
        fprintf(fp, "%s\n    {\"region\": ", i ? "," : "");
        cli_json_string(fp, cix_panel_row_region(v->panel, r));
        if (has_year)
            fprintf(fp, ", \"year\": %ld", (long)cix_panel_row_year(v->panel, r));
        fputs(", \"score\": ", fp);
        cli_json_number(fp, v->score[r]);
        fputs(", \"rank\": ", fp);
        if (isnan(v->rank[r]))
            fputs("null", fp);
        else
            put_rank(fp, v->rank[r]);
        if (has_year) {
            fputs(", \"rank_change\": ", fp);
            if (!v->change || isnan(v->change[r]))
                fputs("null", fp);
            else
                put_rank(fp, v->change[r]);
        }
        if (v->nagg) {
            fputs(", \"pillars\": {", fp);
            for (k = 0; k < v->nagg; k++) {
                fputs(k ? ", " : "", fp);
                cli_json_string(fp, cix_model_node_code(v->model, v->agg_node[k]));
                fputs(": {\"score\": ", fp);
                cli_json_number(fp, v->agg_score[k][r]);
                fputs(", \"rank\": ", fp);
                if (isnan(v->agg_rank[k][r]))
                    fputs("null", fp);
                else
                    put_rank(fp, v->agg_rank[k][r]);
                fputc('}', fp);
            }
            fputc('}', fp);
        }
        if (cli_view_explains(v, run)) {
            fputs(", \"helpers\": ", fp);
            json_help_list(fp, v, v->help + r * CLI_NHELP, v->help_val + r * CLI_NHELP);
            fputs(", \"hurters\": ", fp);
            json_help_list(fp, v, v->hurt + r * CLI_NHELP, v->hurt_val + r * CLI_NHELP);
        }
        fputc('}', fp);
    }
    fputs(n ? "\n  ]" : "]", fp);
    if (v->mres)
        cli_model_notes_json(fp, v);
    else
        cli_json_notes(fp, run, v->res);
    fputs("\n}\n", fp);
}

/* Text of the table cells of one row. */
typedef struct table_row {
    char year[16];
    char score[64];
    char rank[CIX_DOUBLE_BUFSIZE + 8];
    char change[CIX_DOUBLE_BUFSIZE + 8];
} table_row;

static int scores_table(FILE *fp, const cli_run *run, const cli_view *v, const size_t *ord,
                        const weight_rows *wr)
{
    size_t n = v->n, i, k;
    int has_year = cix_panel_has_year(v->panel);
    size_t wreg = strlen("region"), wyear = strlen("year"), wscore = strlen("score"),
           wrank = strlen("rank"), wchange = strlen("change");
    size_t *wagg = NULL;
    table_row *tr = malloc((n ? n : 1) * sizeof *tr);
    char num[64];
    cli_buf b;
    int rc;

    if (!tr)
        return CLI_EXIT_NOMEM;
    wagg = malloc((v->nagg ? v->nagg : 1) * sizeof *wagg);
    if (!wagg) {
        free(tr);
        return CLI_EXIT_NOMEM;
    }
    for (k = 0; k < v->nagg; k++) {
        size_t w = cli_display_width(cix_model_node_code(v->model, v->agg_node[k]));
        wagg[k] = w > 6 ? w : 6;
    }
    cli_buf_init(&b);
    for (i = 0; i < n; i++) {
        size_t r = ord[i], w;
        w = cli_display_width(cix_panel_row_region(v->panel, r));
        if (w > wreg)
            wreg = w;
        snprintf(tr[i].year, sizeof tr[i].year, "%ld", (long)cix_panel_row_year(v->panel, r));
        if (strlen(tr[i].year) > wyear)
            wyear = strlen(tr[i].year);
        if (isnan(v->score[r]))
            snprintf(tr[i].score, sizeof tr[i].score, "-");
        else
            snprintf(tr[i].score, sizeof tr[i].score, "%.*f", TABLE_SCORE_DECIMALS,
                     v->score[r]);
        if (strlen(tr[i].score) > wscore)
            wscore = strlen(tr[i].score);
        b.len = 0;
        if (b.s)
            b.s[0] = '\0';
        cli_buf_rank(&b, v->rank[r]);
        snprintf(tr[i].rank, sizeof tr[i].rank, "%s", b.failed ? "?" : (b.len ? b.s : "-"));
        if (strlen(tr[i].rank) > wrank)
            wrank = strlen(tr[i].rank);
        /* rank change with its sign: +2 moved up two places */
        b.len = 0;
        if (b.s)
            b.s[0] = '\0';
        if (v->change && !isnan(v->change[r])) {
            if (v->change[r] > 0)
                cli_buf_putc(&b, '+');
            cli_buf_rank(&b, v->change[r]);
        }
        snprintf(tr[i].change, sizeof tr[i].change, "%s", b.failed ? "?" : (b.len ? b.s : "-"));
        if (strlen(tr[i].change) > wchange)
            wchange = strlen(tr[i].change);
    }
    cli_buf_free(&b);

    cli_comment_line(fp, run);
    fputs("region", fp);
    cli_pad(fp, wreg - strlen("region"));
    if (has_year) {
        cli_pad(fp, 2 + wyear - strlen("year"));
        fputs("year", fp);
    }
    cli_pad(fp, 2 + wscore - strlen("score"));
    fputs("score", fp);
    cli_pad(fp, 2 + wrank - strlen("rank"));
    fputs("rank", fp);
    if (has_year) {
        cli_pad(fp, 2 + wchange - strlen("change"));
        fputs("change", fp);
    }
    for (k = 0; k < v->nagg; k++) {
        const char *code = cix_model_node_code(v->model, v->agg_node[k]);
        cli_pad(fp, 2 + wagg[k] - cli_display_width(code));
        fputs(code, fp);
    }
    fputc('\n', fp);
    for (i = 0; i < n; i++) {
        size_t r = ord[i];
        const char *reg = cix_panel_row_region(v->panel, r);
        fputs(reg, fp);
        cli_pad(fp, wreg - cli_display_width(reg));
        if (has_year) {
            cli_pad(fp, 2 + wyear - strlen(tr[i].year));
            fputs(tr[i].year, fp);
        }
        cli_pad(fp, 2 + wscore - strlen(tr[i].score));
        fputs(tr[i].score, fp);
        cli_pad(fp, 2 + wrank - strlen(tr[i].rank));
        fputs(tr[i].rank, fp);
        if (has_year) {
            cli_pad(fp, 2 + wchange - strlen(tr[i].change));
            fputs(tr[i].change, fp);
        }
        for (k = 0; k < v->nagg; k++) {
            int m;
            double x = v->agg_score[k][r];
            if (isnan(x))
                m = snprintf(num, sizeof num, "-");
            else
                m = snprintf(num, sizeof num, "%.*f", TABLE_SCORE_DECIMALS, x);
            if (m < 0)
                m = 0;
            cli_pad(fp, 2 + (wagg[k] > (size_t)m ? wagg[k] - (size_t)m : 0));
            fputs(num, fp);
        }
        fputc('\n', fp);
    }
    free(tr);
    free(wagg);
    fputc('\n', fp);
    if (v->mres)
        rc = cli_model_weights_table(fp, v);
    else
        rc = weights_table(fp, run, wr);
    return rc;
}

/* csv-long: one row per region, year, node and quantity. */
static void scores_csv_long(FILE *fp, const cli_run *run, const cli_view *v,
                            const size_t *ord)
{
    size_t n = v->n, i, j, k;
    int panel_year = cix_panel_has_year(v->panel);
    int has_year = panel_year || run->concat;

#define LONG_ROW(node, quantity, value)                                                   \
    do {                                                                                  \
        file_field(fp, run);                                                              \
        cli_csv_field(fp, cix_panel_row_region(v->panel, r));                             \
        if (has_year) {                                                                   \
            fputc(',', fp);                                                               \
            if (panel_year)                                                               \
                put_int(fp, cix_panel_row_year(v->panel, r));                             \
        }                                                                                 \
        fputc(',', fp);                                                                   \
        cli_csv_field(fp, node);                                                          \
        fputs("," quantity ",", fp);                                                      \
        cli_put_double(fp, value);                                                        \
        fputc('\n', fp);                                                                  \
    } while (0)

    cli_comment_line(fp, run);
    if (write_header(run)) {
        if (run->concat)
            fputs("file,", fp);
        fputs(has_year ? "region,year,node,quantity,value\n" : "region,node,quantity,value\n",
              fp);
    }
    for (i = 0; i < n; i++) {
        size_t r = ord[i];
        LONG_ROW(v->index_code, "score", v->score[r]);
        LONG_ROW(v->index_code, "rank", v->rank[r]);
        if (panel_year || run->concat)
            LONG_ROW(v->index_code, "rank_change", v->change ? v->change[r] : NAN);
        for (k = 0; k < v->nagg; k++) {
            const char *code = cix_model_node_code(v->model, v->agg_node[k]);
            LONG_ROW(code, "score", v->agg_score[k][r]);
            LONG_ROW(code, "rank", v->agg_rank[k][r]);
        }
        for (j = 0; j < v->nind; j++) {
            LONG_ROW(v->ind_name[j], "normalized", v->ind_y[j] ? v->ind_y[j][r] : NAN);
            LONG_ROW(v->ind_name[j], "weight", cli_view_weight(v, run, j, r));
        }
        if (!cli_view_explains(v, run))
            continue;
        for (k = 0; k < CLI_NHELP; k++) {
            size_t h = v->help[r * CLI_NHELP + k];
            if (h != (size_t)-1)
                LONG_ROW(v->ind_name[h], "helps", (double)(k + 1));
        }
        for (k = 0; k < CLI_NHELP; k++) {
            size_t h = v->hurt[r * CLI_NHELP + k];
            if (h != (size_t)-1)
                LONG_ROW(v->ind_name[h], "hurts", (double)(k + 1));
        }
    }
#undef LONG_ROW
}

/* csv-wide: one row per region (first-appearance order), score_YYYY and
 * rank_YYYY for every year. */
static int scores_csv_wide(FILE *fp, const cli_run *run, const cli_view *v)
{
    size_t n = v->n, ny = cix_panel_nyears(v->panel), i, k, nreg = 0;
    int has_year = cix_panel_has_year(v->panel) && ny > 0;
    size_t *first = malloc((n ? n : 1) * sizeof *first);
    size_t *cell;
    if (!first)
        return CLI_EXIT_NOMEM;
    if (!has_year)
        ny = 1;
    /* regions in order of first appearance */
    for (i = 0; i < n; i++) {
        const char *reg = cix_panel_row_region(v->panel, i);
        for (k = 0; k < nreg; k++)
            if (strcmp(cix_panel_row_region(v->panel, first[k]), reg) == 0)
                break;
        if (k == nreg)
            first[nreg++] = i;
    }
    cell = malloc((nreg * ny > 0 ? nreg * ny : 1) * sizeof *cell);
    if (!cell) {
        free(first);
        return CLI_EXIT_NOMEM;
    }
    for (i = 0; i < nreg * ny; i++)
        cell[i] = (size_t)-1;
    for (i = 0; i < n; i++) {
        const char *reg = cix_panel_row_region(v->panel, i);
        for (k = 0; k < nreg; k++)
            if (strcmp(cix_panel_row_region(v->panel, first[k]), reg) == 0)
                break;
        cell[k * ny + v->year_index[i]] = i;
    }
    cli_comment_line(fp, run);
    if (write_header(run)) {
        if (run->concat)
            fputs("file,", fp);
        fputs("region", fp);
        for (k = 0; k < ny; k++) {
            if (has_year)
                fprintf(fp, ",score_%ld,rank_%ld", (long)cix_panel_year_at(v->panel, k),
                        (long)cix_panel_year_at(v->panel, k));
            else
                fputs(",score,rank", fp);
        }
        fputc('\n', fp);
    }
    for (i = 0; i < nreg; i++) {
        file_field(fp, run);
        cli_csv_field(fp, cix_panel_row_region(v->panel, first[i]));
        for (k = 0; k < ny; k++) {
            size_t r = cell[i * ny + k];
            fputc(',', fp);
            if (r != (size_t)-1)
                cli_put_double(fp, v->score[r]);
            fputc(',', fp);
            if (r != (size_t)-1 && !isnan(v->rank[r]))
                put_rank(fp, v->rank[r]);
        }
        fputc('\n', fp);
    }
    free(cell);
    free(first);
    return CLI_EXIT_OK;
}

int cli_write_scores(FILE *fp, const cli_run *run, const cli_view *v)
{
    weight_rows wr = {NULL, 0, 0};
    size_t *ord;
    int rc = CLI_EXIT_OK;
    if (v->res && (rc = weight_rows_make(run, NULL, v->res, &wr)) != CLI_EXIT_OK)
        return rc;
    ord = cli_score_order(v);
    if (!ord) {
        weight_rows_free(&wr);
        return CLI_EXIT_NOMEM;
    }
    switch (run->format) {
    case CLI_FMT_JSON:
        scores_json(fp, run, v, ord, &wr);
        break;
    case CLI_FMT_TABLE:
        rc = scores_table(fp, run, v, ord, &wr);
        break;
    case CLI_FMT_CSV_LONG:
        scores_csv_long(fp, run, v, ord);
        break;
    case CLI_FMT_CSV_WIDE:
        rc = scores_csv_wide(fp, run, v);
        break;
    default:
        rc = cli_write_scores_csv(fp, run, v, ord, write_header(run));
        break;
    }
    free(ord);
    weight_rows_free(&wr);
    return rc;
}
