/* Running `cix score` and `cix weights`: read the panel, resolve the
 * indicator directions and fixed weights by name, compute, write. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------------ */
/* Indicators by name                                                       */
/* ------------------------------------------------------------------------ */

int cli_unknown_indicator(const cli_run *run, const char *option, const char *name,
                          size_t len)
{
    size_t J = cix_panel_nindicators(run->panel), j;
    cli_buf b;
    cli_buf_init(&b);
    for (j = 0; j < J; j++) {
        if (j)
            cli_buf_puts(&b, ", ");
        cli_buf_puts(&b, cix_panel_indicator(run->panel, j));
    }
    if (b.failed) {
        cli_buf_free(&b);
        cli_errorf("out of memory");
        return CLI_EXIT_NOMEM;
    }
    cli_errorf("%s: no indicator '%.*s' in %s; the indicators are: %s", option, (int)len,
               name, run->input, b.s ? b.s : "");
    cli_buf_free(&b);
    return CLI_EXIT_USAGE;
}

size_t cli_find_indicator_n(const cix_panel *p, const char *name, size_t len)
{
    size_t J = cix_panel_nindicators(p), j;
    for (j = 0; j < J; j++) {
        const char *s = cix_panel_indicator(p, j);
        if (strlen(s) == len && memcmp(s, name, len) == 0)
            return j;
    }
    return (size_t)-1;
}

/* --direction NAME=SPEC. Names may contain '=' and a target spec starts
 * with one, so the name is the shortest prefix ending before an '=' that
 * names an indicator. */
static int apply_direction(cli_run *run, const char *text)
{
    const char *eq;
    const char *first = strchr(text, '=');
    if (!first)
        return cli_usage_error(cli_run_command_name(run),
                               "--direction '%s': give NAME=SPEC with SPEC one of +, -, "
                               "[a,b] or =t, e.g. --direction 'unemployment=-'",
                               text);
    for (eq = first; eq; eq = strchr(eq + 1, '=')) {
        size_t j = cli_find_indicator_n(run->panel, text, (size_t)(eq - text));
        if (j == (size_t)-1)
            continue;
        if (cix_direction_parse(eq + 1, &run->directions[j]) != 0)
            return cli_usage_error(cli_run_command_name(run),
                                   "--direction '%s': '%s' is not a direction; use +, -, "
                                   "[a,b] (best inside a..b) or =t (best at t)",
                                   text, eq + 1);
        return CLI_EXIT_OK;
    }
    return cli_unknown_indicator(run, "--direction", text, (size_t)(first - text));
}

static int apply_cost_list(cli_run *run, const char *list)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > 0) {
            size_t j = cli_find_indicator_n(run->panel, p, len);
            if (j == (size_t)-1)
                return cli_unknown_indicator(run, "--cost", p, len);
            run->directions[j].kind = CIX_DIR_COST;
            run->directions[j].a = 0;
            run->directions[j].b = 0;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return CLI_EXIT_OK;
}

/* One direction per indicator: benefit unless --cost / --direction say
 * otherwise; later options override earlier ones. */
static int resolve_directions(cli_run *run)
{
    size_t J = cix_panel_nindicators(run->panel), j, k;
    run->directions = malloc((J ? J : 1) * sizeof *run->directions);
    if (!run->directions) {
        cli_errorf("out of memory");
        return CLI_EXIT_NOMEM;
    }
    for (j = 0; j < J; j++) {
        run->directions[j].kind = CIX_DIR_BENEFIT;
        run->directions[j].a = 0;
        run->directions[j].b = 0;
    }
    for (k = 0; k < run->ndirs; k++) {
        int rc = run->dirs[k].is_cost_list ? apply_cost_list(run, run->dirs[k].text)
                                           : apply_direction(run, run->dirs[k].text);
        if (rc)
            return rc;
    }
    run->opt.directions = run->directions;
    run->opt.ndirections = J;
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Fixed weights                                                            */
/* ------------------------------------------------------------------------ */

/* Reads --weights-file: a CSV with columns indicator,weight (read with the
 * engine's reader, the indicator column as the "region" column). */
static int read_fixed_weights(cli_run *run)
{
    cix_read_options ro;
    cix_panel *wp = NULL;
    cix_error err;
    cix_status st;
    size_t J = cix_panel_nindicators(run->panel), n, j, r, wcol;
    int rc = CLI_EXIT_OK;

    cix_read_options_init(&ro);
    ro.form = CIX_FORM_WIDE;
    ro.region_column = "indicator";
    ro.indicator_column = "name"; /* long-form column names must differ; unused here */
    cix_error_clear(&err);
    st = cix_panel_read_file(run->weights_file, &ro, &wp, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    wcol = cix_panel_find_indicator(wp, "weight");
    if (cix_panel_has_year(wp) || wcol == (size_t)-1 || cix_panel_nindicators(wp) != 1) {
        cli_errorf("%s: a weights file has exactly two columns, 'indicator' and 'weight', "
                   "one row per indicator",
                   run->weights_file);
        rc = CLI_EXIT_DATA;
        goto cleanup;
    }
    run->fixed = malloc((J ? J : 1) * sizeof *run->fixed);
    if (!run->fixed) {
        cli_errorf("out of memory");
        rc = CLI_EXIT_NOMEM;
        goto cleanup;
    }
    n = cix_panel_nrows(wp);
    for (r = 0; r < n; r++) {
        const char *name = cix_panel_row_region(wp, r);
        double w = cix_panel_value(wp, r, wcol);
        if (cix_panel_find_indicator(run->panel, name) == (size_t)-1) {
            rc = cli_unknown_indicator(run, run->weights_file, name, strlen(name));
            if (rc == CLI_EXIT_USAGE)
                rc = CLI_EXIT_DATA;
            goto cleanup;
        }
        if (w != w || w < 0) {
            cli_errorf("%s: indicator '%s' has %s weight; give a number >= 0",
                       run->weights_file, name, w != w ? "no" : "a negative");
            rc = CLI_EXIT_DATA;
            goto cleanup;
        }
    }
    for (j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(run->panel, j);
        for (r = 0; r < n; r++)
            if (strcmp(cix_panel_row_region(wp, r), name) == 0)
                break;
        if (r == n) {
            cli_errorf("%s: no weight for indicator '%s'; add a row '%s,WEIGHT'",
                       run->weights_file, name, name);
            rc = CLI_EXIT_DATA;
            goto cleanup;
        }
        run->fixed[j] = cix_panel_value(wp, r, wcol);
    }
    run->opt.fixed_weights = run->fixed;
    run->opt.nfixed_weights = J;

cleanup:
    cix_panel_free(wp);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* The command line that reproduces the run                                 */
/* ------------------------------------------------------------------------ */

/* " --OPTION NAME=VALUE" with the indicator name, shell-quoted. */
static void reproduce_param(cli_buf *b, cli_buf *t, const char *option, const char *name,
                            double a, double bb, const char *text)
{
    t->len = 0;
    cli_buf_puts(t, name);
    cli_buf_putc(t, '=');
    if (text) {
        cli_buf_puts(t, text);
    } else {
        cli_buf_double(t, a);
        if (!isnan(bb)) {
            cli_buf_putc(t, ',');
            cli_buf_double(t, bb);
        }
    }
    cli_buf_printf(b, " %s ", option);
    if (!t->failed)
        cli_buf_shell_word(b, t->s);
}

void cli_reproduce_input(cli_buf *b, const cli_run *run)
{
    cli_buf na;

    cli_buf_puts(b, " --region-column ");
    cli_buf_shell_word(b, run->ropt.region_column);
    cli_buf_puts(b, " --year-column ");
    cli_buf_shell_word(b, run->ropt.year_column);
    cli_buf_puts(b, " --delimiter ");
    cli_buf_shell_word(b, cli_delimiter_name(run->ropt.delimiter));
    cli_buf_init(&na);
    cli_buf_puts(&na, "");
    for (size_t j = 0; j < run->ropt.n_na_strings; j++) {
        if (j)
            cli_buf_putc(&na, ',');
        cli_buf_puts(&na, run->ropt.na_strings[j]);
    }
    cli_buf_puts(b, " --na ");
    if (na.failed)
        b->failed = 1;
    else
        cli_buf_shell_word(b, na.s);
    cli_buf_free(&na);
    cli_buf_puts(b, run->input[0] == '-' ? " -- " : " ");
    cli_buf_shell_word(b, run->input);
}

static int build_reproduce(cli_run *run)
{
    cli_buf *b = &run->reproduce;
    const cix_options *o = &run->opt;
    size_t J = cix_panel_nindicators(run->panel), j, ncost = 0;
    int normalizes = run->command != CLI_CMD_PCA;
    int weights = run->command == CLI_CMD_SCORE || run->command == CLI_CMD_WEIGHTS;
    cli_buf t;

    cli_buf_init(&t);
    b->len = 0;
    cli_buf_puts(b, cli_run_command_name(run));
    if (normalizes) {
        cli_buf_printf(b, " -n %s", cix_normalization_name(o->normalization));
        if (o->normalization == CIX_NORM_MINMAX) {
            cli_buf_puts(b, " --range ");
            cli_buf_double(b, o->range_lo);
            cli_buf_putc(b, ',');
            cli_buf_double(b, o->range_hi);
        }
        if (o->normalization == CIX_NORM_TARGET && o->no_cap)
            cli_buf_puts(b, " --no-cap");
    }
    if (weights) {
        cli_buf_printf(b, " -w %s", cix_weighting_name(o->weighting));
        if (o->weighting == CIX_WEIGHT_FIXED || o->combine != CIX_COMBINE_NONE) {
            cli_buf_puts(b, " --weights-file ");
            cli_buf_shell_word(b, run->weights_file);
        }
        if (o->combine == CIX_COMBINE_MULT) {
            cli_buf_puts(b, " --combine mult");
        } else if (o->combine == CIX_COMBINE_LINEAR) {
            cli_buf_puts(b, " --combine linear:");
            cli_buf_double(b, o->combine_alpha);
        }
    }
    if (cli_uses_ddof(run))
        cli_buf_printf(b, " --ddof %d", o->ddof);
    if (cli_uses_factors(run)) {
        if (o->factors > 0)
            cli_buf_printf(b, " --factors %d", o->factors);
        else
            cli_buf_puts(b, " --factors auto");
    }
    cli_buf_puts(b, " --scope ");
    cli_buf_scope(b, o);
    if (weights && o->scope == CIX_SCOPE_YEAR && o->average_weights)
        cli_buf_puts(b, " --average-weights");
    if (weights && o->weighting == CIX_WEIGHT_ENTROPY) {
        cli_buf_puts(b, " --shift ");
        cli_buf_double(b, o->entropy_shift);
        cli_buf_puts(b, " --smooth ");
        cli_buf_double(b, o->entropy_smooth);
    }
    if (run->command == CLI_CMD_SCORE) {
        cli_buf_printf(b, " -a %s", cix_aggregation_name(o->aggregation));
        if (o->aggregation == CIX_AGG_POWER) {
            cli_buf_puts(b, " --power ");
            cli_buf_double(b, o->power);
        }
        cli_buf_printf(b, " --ties %s", cix_ties_name(o->ties));
        cli_buf_printf(b, " --explain %s", run->explain ? "top3" : "none");
    }
    /* pre-treatment */
    cli_buf_printf(b, " --impute %s", cix_impute_name(o->impute));
    if (o->min_coverage_indicator > 0) {
        cli_buf_puts(b, " --min-coverage-indicator ");
        cli_buf_double(b, o->min_coverage_indicator);
    }
    if (o->min_coverage_region > 0) {
        cli_buf_puts(b, " --min-coverage-region ");
        cli_buf_double(b, o->min_coverage_region);
    }
    if (o->drop_constant)
        cli_buf_puts(b, " --drop-constant");
    if (o->cell_notes)
        cli_buf_puts(b, " --cell-notes");
    cli_buf_printf(b, " --outliers %s", o->outliers ? "jrc" : "none");
    /* per-indicator parameters, as options (never as the --params file) */
    for (j = 0; run->params && j < J; j++) {
        const cix_indicator_params *q = &run->params[j];
        const char *name = cix_panel_indicator(run->panel, j);
        if (q->transform != CIX_TRANSFORM_NONE)
            reproduce_param(b, &t, "--transform", name, 0, NAN,
                            cix_transform_name(q->transform));
        if (!normalizes)
            continue;
        if (!isnan(q->target))
            reproduce_param(b, &t, "--target", name, q->target, NAN, NULL);
        if (!isnan(q->lo) && !isnan(q->hi))
            reproduce_param(b, &t, "--goalposts", name, q->lo, q->hi, NULL);
        if (!isnan(q->satisfactory) && !isnan(q->not_allowed))
            reproduce_param(b, &t, "--efficacy", name, q->satisfactory, q->not_allowed, NULL);
    }
    if (run->command == CLI_CMD_AUDIT && run->groups) {
        t.len = 0;
        cli_buf_puts(&t, "");
        for (j = 0; j < J; j++) {
            if (j)
                cli_buf_putc(&t, ',');
            cli_buf_puts(&t, cix_panel_indicator(run->panel, j));
            cli_buf_putc(&t, '=');
            cli_buf_puts(&t, run->group_names[j]);
        }
        cli_buf_puts(b, " --groups ");
        if (!t.failed)
            cli_buf_shell_word(b, t.s);
    }
    t.len = 0;
    /* Cost indicators as one --cost list (names with a comma, which a list
     * cannot hold, as --direction NAME=-), then the other non-benefit ones. */
    for (j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(run->panel, j);
        if (run->directions[j].kind != CIX_DIR_COST || strchr(name, ','))
            continue;
        cli_buf_putc(&t, ncost++ ? ',' : ' ');
        cli_buf_puts(&t, name);
    }
    if (ncost) {
        cli_buf_puts(b, " --cost ");
        cli_buf_shell_word(b, t.s + 1);
    }
    for (j = 0; j < J; j++) {
        const char *name = cix_panel_indicator(run->panel, j);
        if (run->directions[j].kind == CIX_DIR_BENEFIT ||
            (run->directions[j].kind == CIX_DIR_COST && !strchr(name, ',')))
            continue;
        t.len = 0;
        cli_buf_puts(&t, name);
        cli_buf_putc(&t, '=');
        cli_buf_direction(&t, &run->directions[j]);
        cli_buf_puts(b, " --direction ");
        if (!t.failed)
            cli_buf_shell_word(b, t.s);
    }
    cli_reproduce_input(b, run);
    {
        int failed = t.failed || b->failed;
        cli_buf_free(&t);
        if (failed) {
            cli_errorf("out of memory");
            return CLI_EXIT_NOMEM;
        }
    }
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

const char *cli_run_command_name(const cli_run *run)
{
    switch (run->command) {
    case CLI_CMD_SCORE:
        return "score";
    case CLI_CMD_WEIGHTS:
        return "weights";
    case CLI_CMD_PCA:
        return "pca";
    case CLI_CMD_FIT:
        return "fit";
    case CLI_CMD_TARGETS:
        return "targets";
    case CLI_CMD_VALIDATE:
        return "validate";
    default:
        return "audit";
    }
}

/* Reads the panel and resolves everything that needs its indicator names. */
int cli_prepare(cli_run *run)
{
    cix_error err;
    cix_status st;
    const char *msg;
    int rc;

    cix_error_clear(&err);
    st = cix_panel_read_file(run->input, &run->ropt, &run->panel, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    rc = resolve_directions(run);
    if (rc)
        return rc;
    if (run->opt.weighting == CIX_WEIGHT_FIXED || run->opt.combine != CIX_COMBINE_NONE) {
        rc = read_fixed_weights(run);
        if (rc)
            return rc;
    }
    if ((rc = cli_read_params_file(run)) != CLI_EXIT_OK)
        return rc;
    if ((rc = cli_apply_param_args(run)) != CLI_EXIT_OK)
        return rc;
    if ((rc = cli_resolve_groups(run)) != CLI_EXIT_OK)
        return rc;
    msg = cix_options_check(&run->opt);
    if (msg)
        return cli_usage_error(cli_run_command_name(run), "%s", msg);
    if (run->format == CLI_FMT_AUTO)
        run->format = !run->output && isatty(STDOUT_FILENO) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    return build_reproduce(run);
}

/* What emit() writes. */
typedef struct emit_what {
    const cix_result *res; /* notes */
    const double *w;       /* cix weights */
    const cix_pca *pca;    /* cix pca; cix weights -w pca/pca-coef */
    const cix_audit *audit;
} emit_what;

/* Opens the output, lets the writer fill it, commits it. */
static int emit(cli_run *run, const emit_what *e)
{
    cli_out out;
    int rc = cli_out_open(&out, run->output);
    if (rc)
        return rc;
    switch (run->command) {
    case CLI_CMD_WEIGHTS:
        rc = cli_write_weights(out.fp, run, e->w, e->res, e->pca);
        break;
    case CLI_CMD_PCA:
        rc = cli_write_pca(out.fp, run, e->pca);
        break;
    default:
        rc = cli_write_audit(out.fp, run, e->audit);
        break;
    }
    if (rc) {
        cli_out_abort(&out);
        if (rc == CLI_EXIT_NOMEM)
            cli_errorf("out of memory");
        return rc;
    }
    return cli_out_commit(&out);
}

void cli_print_notes(const cli_run *run, const cix_result *res)
{
    size_t i, n;
    if (run->quiet || !res)
        return;
    n = cix_result_nnotes(res);
    for (i = 0; i < n; i++) {
        const cix_note *note = cix_result_note(res, i);
        if (note)
            fprintf(stderr, "cix: note: %s\n", note->message);
    }
}

/* Writes the scores of the current input where cli_plan_outputs said:
 * to `collect` (several inputs on standard output), to a workbook, or to
 * its own file (or standard output). */
int cli_emit_scores(cli_run *run, const cli_view *v, FILE *collect)
{
    cli_out out;
    char *path = NULL;
    const char *target = run->output;
    int rc;

    if (run->concat) {
        if (run->format == CLI_FMT_JSON)
            fputs(run->file_index == 0 ? "[\n" : ",\n", collect);
        else if (run->format == CLI_FMT_TABLE && run->file_index > 0)
            fputc('\n', collect);
        rc = cli_write_scores(collect, run, v);
        if (rc == CLI_EXIT_NOMEM)
            cli_errorf("out of memory");
        return rc;
    }
    if (run->out_dir) {
        path = cli_output_path(run);
        if (!path) {
            cli_errorf("out of memory");
            return CLI_EXIT_NOMEM;
        }
        target = path;
    }
    if (run->format == CLI_FMT_XLSX) {
        rc = cli_write_xlsx(target, run, v);
        free(path);
        return rc;
    }
    rc = cli_out_open(&out, target);
    if (rc) {
        free(path);
        return rc;
    }
    rc = cli_write_scores(out.fp, run, v);
    if (rc) {
        cli_out_abort(&out);
        if (rc == CLI_EXIT_NOMEM)
            cli_errorf("out of memory");
    } else {
        rc = cli_out_commit(&out);
    }
    free(path);
    return rc;
}

/* 1 when the weights come from the full pipeline (cix_compute): always,
 * except for a panel with missing cells and no imputation, whose weights are
 * taken over the present cells by cix_weights (the scores would need every
 * cell). */
static int weights_by_compute(const cli_run *run)
{
    if (cli_per_year_weights(run))
        return 1;
    return run->opt.impute != CIX_IMPUTE_NONE || cix_panel_count_missing(run->panel) == 0;
}

/* Rows of weights of a run: the years when the weights are per year, else
 * one. */
static size_t weight_nrows(const cli_run *run)
{
    return cli_per_year_weights(run) ? cix_panel_nyears(run->panel) : 1;
}

/* An array of weight_nrows(run) x nindicators doubles (NULL after printing
 * "out of memory"). */
static double *weights_alloc(const cli_run *run)
{
    size_t J = cix_panel_nindicators(run->panel), ny = weight_nrows(run);
    double *w = NULL;
    if (J == 0 || ny <= SIZE_MAX / sizeof(double) / J)
        w = malloc((ny * J > 0 ? ny * J : 1) * sizeof *w);
    if (!w)
        cli_errorf("out of memory");
    return w;
}

/* Copies the weights of result res (per year or not, as the run) into w. */
static void weights_copy(const cli_run *run, const cix_result *res, double *w)
{
    size_t J = cix_panel_nindicators(run->panel), ny = weight_nrows(run), k;
    for (k = 0; k < ny; k++)
        memcpy(w + k * J,
               cli_per_year_weights(run) ? cix_result_weights_year(res, k)
                                         : cix_result_weights(res),
               J * sizeof *w);
}

/* The options of `cix weights -w m` with the other options of the run. */
static cix_options method_options(const cli_run *run, cix_weighting m)
{
    cix_options o = run->opt;
    o.weighting = m;
    /* only the weights are wanted: the engine need not keep the normalized
     * matrix (it can stream over the panel) */
    o.keep_normalized = o.cell_notes ? CIX_KEEP_ROWS : 0; /* (it has the cell notes) */
    if (m != CIX_WEIGHT_FIXED && o.combine == CIX_COMBINE_NONE) {
        o.fixed_weights = NULL;
        o.nfixed_weights = 0;
    }
    return o;
}

/* The weights that `cix weights -w m` computes with the other options of
 * the run, into w (weights_alloc). *res_out (may be NULL) receives the
 * result of cix_compute, or NULL when the weights were taken over the
 * present cells by cix_weights. Returns an exit code (after printing the
 * error). */
static int weights_of(cli_run *run, cix_weighting m, double *w, cix_result **res_out)
{
    size_t n = cix_panel_nrows(run->panel), J = cix_panel_nindicators(run->panel);
    cix_options o = method_options(run, m);
    cix_result *res = NULL;
    double *y = NULL;
    cix_error err;
    cix_status st;
    int rc = CLI_EXIT_OK;

    cix_error_clear(&err);
    if (weights_by_compute(run)) {
        st = cix_compute(run->panel, &o, &res, &err);
        if (st != CIX_OK) {
            rc = cli_report(st, &err);
            goto cleanup;
        }
        weights_copy(run, res, w);
    } else {
        if (J != 0 && n > SIZE_MAX / sizeof(double) / J) {
            rc = CLI_EXIT_NOMEM;
            cli_errorf("out of memory");
            goto cleanup;
        }
        y = malloc((n * J > 0 ? n * J : 1) * sizeof *y);
        if (!y) {
            rc = CLI_EXIT_NOMEM;
            cli_errorf("out of memory");
            goto cleanup;
        }
        st = cix_normalize(run->panel, &o, y, &err);
        if (st == CIX_OK)
            st = cix_weights(run->panel, &o, y, w, &err);
        if (st != CIX_OK) {
            rc = cli_report(st, &err);
            goto cleanup;
        }
    }

cleanup:
    free(y);
    if (res_out && rc == CLI_EXIT_OK)
        *res_out = res;
    else
        cix_result_free(res);
    return rc;
}

/* 1 when the pca / pca-coef weights of `cix weights -w m` are those of
 * cix_pca_compute, which skips the normalization and the scores: one set of
 * weights over all rows (scope pooled, not combined), the pre-treatment
 * that both read the panel through (mean imputation or none, no other
 * treatment, benefit and cost directions). The CLI tests check that the
 * two agree bit for bit. */
static int pca_by_pca_compute(const cli_run *run, cix_weighting m)
{
    const cix_options *o = &run->opt;
    size_t J = cix_panel_nindicators(run->panel), j;
    if (m != CIX_WEIGHT_PCA && m != CIX_WEIGHT_PCA_COEF)
        return 0;
    if (cli_per_year_weights(run) || !weights_by_compute(run))
        return 0;
    if (o->scope != CIX_SCOPE_POOLED || o->combine != CIX_COMBINE_NONE)
        return 0;
    if (o->impute != CIX_IMPUTE_NONE && o->impute != CIX_IMPUTE_MEAN)
        return 0;
    if (o->outliers || o->drop_constant || o->min_coverage_indicator > 0 ||
        o->min_coverage_region > 0)
        return 0;
    for (j = 0; o->params && j < J; j++)
        if (o->params[j].transform != CIX_TRANSFORM_NONE)
            return 0;
    for (j = 0; o->directions && j < J; j++)
        if (o->directions[j].kind != CIX_DIR_BENEFIT && o->directions[j].kind != CIX_DIR_COST)
            return 0;
    return 1;
}

/* A note of a compared method that concerns the weights (not the
 * pre-treatment, which the run's own notes report). */
static void compare_note(const cli_run *run, cix_weighting m, const cix_note *note)
{
    if (run->quiet || !note ||
        (note->kind != CIX_NOTE_NEGATIVE_COEF && note->kind != CIX_NOTE_WARNING))
        return;
    fprintf(stderr, "cix: note: --compare-weights %s: %s\n", cix_weighting_name(m),
            note->message);
}

/* The weights of --compare-weights method m into w. */
static int compare_weights(cli_run *run, cix_weighting m, double *w)
{
    size_t J = cix_panel_nindicators(run->panel), i;
    int rc;
    if (pca_by_pca_compute(run, m)) {
        cix_options o = method_options(run, m);
        cix_pca *pca = NULL;
        cix_error err;
        cix_status st;
        cix_error_clear(&err);
        st = cix_pca_compute(run->panel, &o, &pca, &err);
        if (st != CIX_OK) {
            rc = cli_report(st, &err);
        } else {
            memcpy(w, m == CIX_WEIGHT_PCA ? cix_pca_weights(pca) : cix_pca_coef_weights(pca),
                   J * sizeof *w);
            for (i = 0; i < cix_pca_nnotes(pca); i++)
                compare_note(run, m, cix_pca_note(pca, i));
            rc = CLI_EXIT_OK;
        }
        cix_pca_free(pca);
    } else {
        cix_result *res = NULL;
        rc = weights_of(run, m, w, &res);
        for (i = 0; rc == CLI_EXIT_OK && res && i < cix_result_nnotes(res); i++)
            compare_note(run, m, cix_result_note(res, i));
        cix_result_free(res);
    }
    if (rc)
        cli_errorf("the weights of --compare-weights %s could not be computed; nothing "
                   "was written", cix_weighting_name(m));
    return rc;
}

/* The header of method m's column: its name, and with --combine the rule
 * ("entropy/mult", "pca/linear:0.5"). */
static void method_column_name(cli_buf *b, const cli_run *run, cix_weighting m)
{
    cli_buf_puts(b, cix_weighting_name(m));
    if (run->opt.combine == CIX_COMBINE_MULT) {
        cli_buf_puts(b, "/mult");
    } else if (run->opt.combine == CIX_COMBINE_LINEAR) {
        cli_buf_puts(b, "/linear:");
        cli_buf_double(b, run->opt.combine_alpha);
    }
}

/* The --weights-out file of a run whose result is res, opened and filled
 * in *out but not committed (the caller commits it with the scores).
 * Returns an exit code (after printing the error). */
static int weights_out_write(cli_run *run, const cix_result *res, cli_out *out)
{
    size_t ncols = 1 + run->ncompare, m;
    double *cols[1 + sizeof run->compare / sizeof run->compare[0]];
    const double *ccols[1 + sizeof run->compare / sizeof run->compare[0]];
    const char *names[1 + sizeof run->compare / sizeof run->compare[0]];
    cli_buf nb[1 + sizeof run->compare / sizeof run->compare[0]];
    int rc = CLI_EXIT_OK;

    for (m = 0; m < ncols; m++) {
        cols[m] = NULL;
        cli_buf_init(&nb[m]);
    }
    for (m = 0; m < ncols && rc == CLI_EXIT_OK; m++) {
        cix_weighting w = m ? run->compare[m - 1] : run->opt.weighting;
        method_column_name(&nb[m], run, w);
        if (nb[m].failed || !(cols[m] = weights_alloc(run))) {
            if (nb[m].failed)
                cli_errorf("out of memory");
            rc = CLI_EXIT_NOMEM;
            break;
        }
        names[m] = nb[m].s;
        ccols[m] = cols[m];
        if (m == 0) {
            /* the run's own weights: those of its result, as `cix weights`
             * gives them (unless cix weights takes them over the present
             * cells) */
            if (weights_by_compute(run))
                weights_copy(run, res, cols[0]);
            else
                rc = weights_of(run, w, cols[0], NULL);
        } else {
            rc = compare_weights(run, w, cols[m]);
        }
    }
    if (rc == CLI_EXIT_OK && (rc = cli_out_open(out, run->weights_out)) == CLI_EXIT_OK)
        cli_write_weights_out(out->fp, run, names, ccols, ncols);
    for (m = 0; m < ncols; m++) {
        free(cols[m]);
        cli_buf_free(&nb[m]);
    }
    return rc;
}

/* One input of `cix score` without a model. */
static int score_one(cli_run *run, FILE *collect)
{
    cix_result *res = NULL;
    cix_error err;
    cix_status st;
    cli_view v;
    cli_out wout;
    int rc = cli_prepare(run);
    if (rc)
        return rc;
    /* The normalized matrix is kept only when the output shows it: the
     * helpers and hurters need the normalized values of a block of rows at
     * a time (CIX_KEEP_ROWS), and without the matrix the engine can stream
     * over the panel. */
    if (run->format == CLI_FMT_CSV_LONG || run->format == CLI_FMT_XLSX)
        run->opt.keep_normalized = 1;
    else
        run->opt.keep_normalized = run->explain || run->opt.cell_notes ? CIX_KEEP_ROWS : 0;
    cix_error_clear(&err);
    st = cix_compute(run->panel, &run->opt, &res, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    cli_print_notes(run, res);
    /* --weights-out: written first, committed with the scores */
    wout.fp = NULL;
    wout.tmp = NULL;
    wout.slot = -1;
    if (run->weights_out && (rc = weights_out_write(run, res, &wout)) != CLI_EXIT_OK) {
        cli_out_abort(&wout);
        cix_result_free(res);
        return rc;
    }
    rc = cli_view_plain(&v, run, res);
    if (rc == CLI_EXIT_OK && run->format == CLI_FMT_XLSX)
        rc = cli_view_audit(&v, run->panel, &run->opt, run->groups);
    if (rc == CLI_EXIT_OK) {
        rc = cli_emit_scores(run, &v, collect);
        cli_view_free(&v);
    }
    if (run->weights_out) {
        if (rc == CLI_EXIT_OK)
            rc = cli_out_commit(&wout);
        else
            cli_out_abort(&wout);
    }
    cix_result_free(res);
    return rc;
}

int cli_run_batch(cli_run *run, int (*one)(cli_run *, FILE *))
{
    FILE *collect = NULL;
    size_t i;
    int rc = cli_plan_outputs(run);
    if (rc)
        return rc;
    if (run->concat) {
        collect = tmpfile();
        if (!collect) {
            cli_errorf("cannot create a temporary file for the output: %s",
                       strerror(errno));
            return CLI_EXIT_IO;
        }
    }
    cli_progress_draw(run, 0);
    for (i = 0; i < run->ninputs; i++) {
        run->input = run->inputs[i];
        run->file_index = i;
        cli_progress_clear(run);
        rc = one(run, collect);
        cli_run_reset_file(run);
        if (rc)
            break;
        cli_progress_draw(run, i + 1);
    }
    cli_progress_clear(run);
    if (rc && run->ninputs > 1) {
        if (run->out_dir)
            cli_errorf("stopped at '%s' (file %zu of %zu); the outputs of the %zu file(s) "
                       "before it are complete in '%s'",
                       run->inputs[i], i + 1, run->ninputs, i, run->out_dir);
        else
            cli_errorf("stopped at '%s' (file %zu of %zu); nothing was written",
                       run->inputs[i], i + 1, run->ninputs);
    }
    if (collect) {
        if (rc == CLI_EXIT_OK) {
            char buf[65536];
            size_t got;
            if (run->format == CLI_FMT_JSON)
                fputs("]\n", collect);
            if (fflush(collect) != 0 || ferror(collect) || fseek(collect, 0, SEEK_SET) != 0) {
                cli_errorf("cannot write the temporary output file: %s", strerror(errno));
                rc = CLI_EXIT_IO;
            }
            while (rc == CLI_EXIT_OK && (got = fread(buf, 1, sizeof buf, collect)) > 0)
                if (fwrite(buf, 1, got, stdout) != got)
                    break;
            if (rc == CLI_EXIT_OK) {
                cli_out out;
                out.fp = stdout;
                out.path = NULL;
                out.tmp = NULL;
                out.slot = -1;
                rc = cli_out_commit(&out);
            }
        }
        fclose(collect);
    }
    return rc;
}

int cli_run_score(cli_run *run)
{
    if (run->model_file || run->fitted_file)
        return cli_run_model_score(run);
    return cli_run_batch(run, score_one);
}

int cli_run_weights(cli_run *run)
{
    double *w = NULL;
    cix_result *res = NULL;
    cix_pca *pca = NULL;
    cix_error err;
    cix_status st;
    emit_what e = {NULL, NULL, NULL, NULL};
    int rc = cli_prepare(run);
    if (rc)
        return rc;
    if (!(w = weights_alloc(run)))
        return CLI_EXIT_NOMEM;
    if ((rc = weights_of(run, run->opt.weighting, w, &res)) != CLI_EXIT_OK)
        goto cleanup;
    cli_print_notes(run, res);
    cix_error_clear(&err);
    if (run->format == CLI_FMT_JSON && (run->opt.weighting == CIX_WEIGHT_PCA ||
                                        run->opt.weighting == CIX_WEIGHT_PCA_COEF)) {
        st = cix_pca_compute(run->panel, &run->opt, &pca, &err);
        if (st != CIX_OK) {
            rc = cli_report(st, &err);
            goto cleanup;
        }
    }
    e.w = w;
    e.res = res;
    e.pca = pca;
    rc = emit(run, &e);

cleanup:
    cix_pca_free(pca);
    cix_result_free(res);
    free(w);
    return rc;
}

int cli_run_pca(cli_run *run)
{
    cix_pca *pca = NULL;
    cix_error err;
    cix_status st;
    emit_what e = {NULL, NULL, NULL, NULL};
    int rc = cli_prepare(run);
    if (rc)
        return rc;
    cix_error_clear(&err);
    st = cix_pca_compute(run->panel, &run->opt, &pca, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    e.pca = pca;
    rc = emit(run, &e);
    cix_pca_free(pca);
    return rc;
}

int cli_run_audit(cli_run *run)
{
    cix_audit *au = NULL;
    cix_error err;
    cix_status st;
    emit_what e = {NULL, NULL, NULL, NULL};
    int rc = cli_prepare(run);
    if (rc)
        return rc;
    cix_error_clear(&err);
    st = cix_audit_compute(run->panel, &run->opt, run->groups, &au, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    e.audit = au;
    rc = emit(run, &e);
    cix_audit_free(au);
    return rc;
}
