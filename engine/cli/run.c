/* Running `cix score` and `cix weights`: read the panel, resolve the
 * indicator directions and fixed weights by name, compute, write. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* ------------------------------------------------------------------------ */
/* Indicators by name                                                       */
/* ------------------------------------------------------------------------ */

/* Usage error for an unknown indicator name, listing the panel's. */
static int unknown_indicator(const cli_run *run, const char *option, const char *name,
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

static size_t find_indicator_n(const cix_panel *p, const char *name, size_t len)
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
        size_t j = find_indicator_n(run->panel, text, (size_t)(eq - text));
        if (j == (size_t)-1)
            continue;
        if (cix_direction_parse(eq + 1, &run->directions[j]) != 0)
            return cli_usage_error(cli_run_command_name(run),
                                   "--direction '%s': '%s' is not a direction; use +, -, "
                                   "[a,b] (best inside a..b) or =t (best at t)",
                                   text, eq + 1);
        return CLI_EXIT_OK;
    }
    return unknown_indicator(run, "--direction", text, (size_t)(first - text));
}

static int apply_cost_list(cli_run *run, const char *list)
{
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len > 0) {
            size_t j = find_indicator_n(run->panel, p, len);
            if (j == (size_t)-1)
                return unknown_indicator(run, "--cost", p, len);
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
            rc = unknown_indicator(run, run->weights_file, name, strlen(name));
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

static int build_reproduce(cli_run *run)
{
    cli_buf *b = &run->reproduce;
    const cix_options *o = &run->opt;
    size_t J = cix_panel_nindicators(run->panel), j, ncost = 0;
    cli_buf t;

    cli_buf_init(&t);
    b->len = 0;
    cli_buf_puts(b, cli_run_command_name(run));
    cli_buf_printf(b, " -n %s", cix_normalization_name(o->normalization));
    if (o->normalization == CIX_NORM_MINMAX) {
        cli_buf_puts(b, " --range ");
        cli_buf_double(b, o->range_lo);
        cli_buf_putc(b, ',');
        cli_buf_double(b, o->range_hi);
    }
    cli_buf_printf(b, " -w %s", cix_weighting_name(o->weighting));
    if (o->weighting == CIX_WEIGHT_FIXED) {
        cli_buf_puts(b, " --weights-file ");
        cli_buf_shell_word(b, run->weights_file);
    }
    cli_buf_puts(b, " --scope ");
    cli_buf_scope(b, o);
    if (o->scope == CIX_SCOPE_YEAR && o->average_weights)
        cli_buf_puts(b, " --average-weights");
    if (o->weighting == CIX_WEIGHT_ENTROPY) {
        cli_buf_puts(b, " --shift ");
        cli_buf_double(b, o->entropy_shift);
        cli_buf_puts(b, " --smooth ");
        cli_buf_double(b, o->entropy_smooth);
    }
    if (run->command == CLI_CMD_SCORE)
        cli_buf_printf(b, " -a %s --ties %s", cix_aggregation_name(o->aggregation),
                       cix_ties_name(o->ties));
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
    cli_buf_puts(b, " --region-column ");
    cli_buf_shell_word(b, run->ropt.region_column);
    cli_buf_puts(b, " --year-column ");
    cli_buf_shell_word(b, run->ropt.year_column);
    cli_buf_puts(b, " --delimiter ");
    cli_buf_shell_word(b, cli_delimiter_name(run->ropt.delimiter));
    t.len = 0;
    cli_buf_puts(&t, "");
    for (j = 0; j < run->ropt.n_na_strings; j++) {
        if (j)
            cli_buf_putc(&t, ',');
        cli_buf_puts(&t, run->ropt.na_strings[j]);
    }
    cli_buf_puts(b, " --na ");
    if (!t.failed)
        cli_buf_shell_word(b, t.s);
    cli_buf_puts(b, run->input[0] == '-' ? " -- " : " ");
    cli_buf_shell_word(b, run->input);
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
    return run->command == CLI_CMD_SCORE ? "score" : "weights";
}

/* Reads the panel and resolves everything that needs its indicator names. */
static int prepare(cli_run *run)
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
    if (run->opt.weighting == CIX_WEIGHT_FIXED) {
        rc = read_fixed_weights(run);
        if (rc)
            return rc;
    }
    msg = cix_options_check(&run->opt);
    if (msg)
        return cli_usage_error(cli_run_command_name(run), "%s", msg);
    if (run->format == CLI_FMT_AUTO)
        run->format = !run->output && isatty(STDOUT_FILENO) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    return build_reproduce(run);
}

/* Opens the output, lets write() fill it, commits it. */
static int emit(cli_run *run, const cix_result *res, const double *w)
{
    cli_out out;
    int rc = cli_out_open(&out, run->output);
    if (rc)
        return rc;
    rc = res ? cli_write_scores(out.fp, run, res) : cli_write_weights(out.fp, run, w);
    if (rc) {
        cli_out_abort(&out);
        if (rc == CLI_EXIT_NOMEM)
            cli_errorf("out of memory");
        return rc;
    }
    return cli_out_commit(&out);
}

int cli_run_score(cli_run *run)
{
    cix_result *res = NULL;
    cix_error err;
    cix_status st;
    int rc = prepare(run);
    if (rc)
        return rc;
    cix_error_clear(&err);
    st = cix_compute(run->panel, &run->opt, &res, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    rc = emit(run, res, NULL);
    cix_result_free(res);
    return rc;
}

int cli_run_weights(cli_run *run)
{
    size_t n, J, ny, k;
    double *y = NULL, *w = NULL;
    cix_result *res = NULL;
    cix_error err;
    cix_status st;
    int rc = prepare(run);
    if (rc)
        return rc;
    n = cix_panel_nrows(run->panel);
    J = cix_panel_nindicators(run->panel);
    ny = cli_per_year_weights(run) ? cix_panel_nyears(run->panel) : 1;
    cix_error_clear(&err);
    if (J != 0 && ny > SIZE_MAX / sizeof(double) / J) {
        rc = CLI_EXIT_NOMEM;
        cli_errorf("out of memory");
        goto cleanup;
    }
    w = malloc((ny * J > 0 ? ny * J : 1) * sizeof *w);
    if (!w) {
        rc = CLI_EXIT_NOMEM;
        cli_errorf("out of memory");
        goto cleanup;
    }
    if (ny > 1 || cli_per_year_weights(run)) {
        /* Weights of each year: the full pipeline gives them per year. */
        st = cix_compute(run->panel, &run->opt, &res, &err);
        if (st != CIX_OK) {
            rc = cli_report(st, &err);
            goto cleanup;
        }
        for (k = 0; k < ny; k++)
            memcpy(w + k * J, cix_result_weights_year(res, k), J * sizeof *w);
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
        st = cix_normalize(run->panel, &run->opt, y, &err);
        if (st == CIX_OK)
            st = cix_weights(run->panel, &run->opt, y, w, &err);
        if (st != CIX_OK) {
            rc = cli_report(st, &err);
            goto cleanup;
        }
    }
    rc = emit(run, NULL, w);

cleanup:
    cix_result_free(res);
    free(y);
    free(w);
    return rc;
}
