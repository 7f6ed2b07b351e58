/* Commands with an indicator framework (docs/models.md): cix score --model,
 * cix score --fitted, cix fit, cix targets and cix validate. The model is
 * read and checked once, then checked against every panel before anything
 * is computed. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static int nomem(void)
{
    cli_errorf("out of memory");
    return CLI_EXIT_NOMEM;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                  */
/* ------------------------------------------------------------------------ */

int cli_check_model_args(cli_run *run)
{
    const char *cmd = cli_run_command_name(run);
    int needs_model = run->command == CLI_CMD_FIT || run->command == CLI_CMD_TARGETS ||
                      run->command == CLI_CMD_VALIDATE;
    int with_model = run->model_file || run->fitted_file;

    if (needs_model && !run->model_file)
        return cli_usage_error(cmd, "cix %s needs --model M.csv (the indicator framework; "
                                    "see docs/models.md)", cmd);
    if (run->command == CLI_CMD_TARGETS && !run->baseline_given)
        run->baseline_year = CIX_NO_YEAR; /* the model's Baseline column must do */
    if (!with_model)
        return CLI_EXIT_OK;
    if (run->ndirs)
        return cli_usage_error(cmd, "--cost and --direction do not go with a model: the "
                                    "model's Direction column gives the directions");
    if (run->weights_file)
        return cli_usage_error(cmd, "--weights-file does not go with a model: the model's "
                                    "Weight column gives the weights");
    if (run->npargs || run->params_file)
        return cli_usage_error(cmd, "--target, --goalposts, --efficacy, --transform and "
                                    "--params do not go with a model: use its Target, Lo, "
                                    "Hi, Satisfactory, NotAllowed and Transform columns");
    if (run->opt.drop_constant || run->opt.min_coverage_indicator > 0 ||
        run->opt.min_coverage_region > 0)
        return cli_usage_error(cmd, "--drop-constant and the coverage screens do not go "
                                    "with a model: remove the indicator from the model "
                                    "instead");
    if (run->fitted_file && run->command == CLI_CMD_SCORE) {
        /* the fit fixed the methods: only input and output options apply */
        if (run->weighting_given || run->range_given || run->shift_given ||
            run->smooth_given || run->ddof_given || run->power_given ||
            run->opt.normalization != CIX_NORM_MINMAX || run->opt.aggregation != CIX_AGG_LINEAR ||
            run->opt.scope != CIX_SCOPE_POOLED || run->opt.impute != CIX_IMPUTE_NONE ||
            run->opt.outliers || run->opt.ties != CIX_TIES_MIN || run->opt.no_cap ||
            run->opt.factors != 0 || run->opt.combine != CIX_COMBINE_NONE ||
            run->opt.average_weights)
            return cli_usage_error(cmd, "--fitted scores with the methods and options "
                                        "frozen in the fitted file: give only input and "
                                        "output options (refit with cix fit to change a "
                                        "method)");
    }
    return CLI_EXIT_OK;
}

/* Reads --model (and --fitted) once. */
static int load_model(cli_run *run)
{
    cix_error err;
    cix_status st;
    cix_error_clear(&err);
    if (run->fitted_file) {
        st = cix_fitted_read_file(run->fitted_file, NULL, &run->fitted, &err);
        if (st != CIX_OK)
            return cli_report(st, &err);
        run->model = cix_fitted_model(run->fitted);
        /* the options of the fit are in force */
        {
            const cix_options *fo = cix_fitted_options(run->fitted);
            int nthreads = run->opt.nthreads, cell_notes = run->opt.cell_notes;
            run->opt = *fo;
            run->opt.nthreads = nthreads;
            run->opt.cell_notes = cell_notes; /* (not a method: the notes shown) */
        }
    }
    if (run->model_file) {
        st = cix_model_read_file(run->model_file, NULL, &run->model_owned, &err);
        if (st != CIX_OK)
            return cli_report(st, &err);
        if (run->fitted) {
            /* the metadata of the new data must match the fit's */
            st = cix_fitted_check_model(run->fitted, run->model_owned, &err);
            if (st != CIX_OK)
                return cli_report(st, &err);
        } else {
            run->model = run->model_owned;
        }
    }
    return CLI_EXIT_OK;
}

/* Reads the current panel with the model's columns and checks the model
 * against it. */
static int read_model_panel(cli_run *run)
{
    cix_error err;
    cix_status st;
    const char *msg;
    cix_error_clear(&err);
    st = cix_model_read_panel(run->model, run->input, &run->ropt, &run->panel, &err);
    if (st == CIX_OK)
        st = cix_model_validate(run->model, run->panel, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    msg = cix_options_check(&run->opt);
    if (msg)
        return cli_usage_error(cli_run_command_name(run), "%s", msg);
    return CLI_EXIT_OK;
}

/* The command line that reproduces a model run. */
static int build_reproduce_model(cli_run *run)
{
    cli_buf *b = &run->reproduce;
    const cix_options *o = &run->opt;

    b->len = 0;
    cli_buf_puts(b, cli_run_command_name(run));
    if (run->fitted_file) {
        cli_buf_puts(b, " --fitted ");
        cli_buf_shell_word(b, run->fitted_file);
    }
    if (run->model_file) {
        cli_buf_puts(b, " --model ");
        cli_buf_shell_word(b, run->model_file);
    }
    if (run->command == CLI_CMD_SCORE || run->command == CLI_CMD_FIT) {
        cli_buf_printf(b, " -n %s", cix_normalization_name(o->normalization));
        cli_buf_puts(b, " --range ");
        cli_buf_double(b, o->range_lo);
        cli_buf_putc(b, ',');
        cli_buf_double(b, o->range_hi);
        if (o->no_cap)
            cli_buf_puts(b, " --no-cap");
        cli_buf_printf(b, " -w %s -a %s", cix_weighting_name(o->weighting),
                       cix_aggregation_name(o->aggregation));
        if (o->aggregation == CIX_AGG_POWER) {
            cli_buf_puts(b, " --power ");
            cli_buf_double(b, o->power);
        }
        cli_buf_printf(b, " --ddof %d", o->ddof);
        cli_buf_puts(b, " --scope ");
        cli_buf_scope(b, o);
        if (o->average_weights)
            cli_buf_puts(b, " --average-weights");
        cli_buf_puts(b, " --shift ");
        cli_buf_double(b, o->entropy_shift);
        cli_buf_puts(b, " --smooth ");
        cli_buf_double(b, o->entropy_smooth);
        cli_buf_printf(b, " --ties %s --impute %s --outliers %s", cix_ties_name(o->ties),
                       cix_impute_name(o->impute), o->outliers ? "jrc" : "none");
        if (o->cell_notes)
            cli_buf_puts(b, " --cell-notes");
        if (run->command == CLI_CMD_SCORE)
            cli_buf_printf(b, " --explain %s", run->explain ? "top3" : "none");
    }
    if (run->command == CLI_CMD_TARGETS && run->baseline_year != CIX_NO_YEAR)
        cli_buf_printf(b, " --baseline-year %ld", (long)run->baseline_year);
    cli_reproduce_input(b, run);
    if (b->failed)
        return nomem();
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* The view of a model run                                                  */
/* ------------------------------------------------------------------------ */

int cli_view_model(cli_view *v, const cix_panel *p, const cix_model *m,
                   const cix_model_result *r)
{
    size_t n = cix_model_result_nrows(r), N = cix_model_nnodes(m), K = cix_model_nindicators(m);
    size_t root = cix_model_root(m), i, k, row, ny, y;
    size_t *ind_of = NULL;

    memset(v, 0, sizeof *v);
    v->panel = p;
    v->model = m;
    v->mres = r;
    v->n = n;
    v->score = cix_model_result_scores(r, root);
    v->rank = cix_model_result_ranks(r, root);
    v->change = cix_model_result_rank_change(r);
    v->index_code = cix_model_node_code(m, root);
    v->linear = cix_model_result_contributions_linear(r);
    v->nind = K;
    v->ind_name = malloc((K ? K : 1) * sizeof *v->ind_name);
    v->ind_y = malloc((K ? K : 1) * sizeof *v->ind_y);
    v->ind_node = malloc((K ? K : 1) * sizeof *v->ind_node);
    v->ind_weight = malloc((K ? K : 1) * sizeof *v->ind_weight);
    v->agg_node = malloc((N ? N : 1) * sizeof *v->agg_node);
    v->agg_score = malloc((N ? N : 1) * sizeof *v->agg_score);
    v->agg_rank = malloc((N ? N : 1) * sizeof *v->agg_rank);
    v->node_weight = malloc((N ? N : 1) * sizeof *v->node_weight);
    v->node_eff_weight = malloc((N ? N : 1) * sizeof *v->node_eff_weight);
    v->help = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->help);
    v->hurt = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->hurt);
    v->help_val = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->help_val);
    v->hurt_val = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->hurt_val);
    v->year_index = cli_rows_calloc(n, sizeof *v->year_index);
    v->nnotes = cix_model_result_nnotes(r);
    v->notes = malloc((v->nnotes ? v->nnotes : 1) * sizeof *v->notes);
    ind_of = malloc((N ? N : 1) * sizeof *ind_of);
    if (!v->ind_name || !v->ind_y || !v->ind_node || !v->ind_weight || !v->agg_node ||
        !v->agg_score || !v->agg_rank || !v->node_weight || !v->node_eff_weight || !v->help ||
        !v->hurt || !v->help_val || !v->hurt_val || !v->year_index || !v->notes || !ind_of) {
        free(ind_of);
        cli_view_free(v);
        return nomem();
    }
    for (i = 0; i < N; i++) {
        ind_of[i] = (size_t)-1;
        v->node_weight[i] = cix_model_result_weight(r, i);
        v->node_eff_weight[i] = cix_model_result_effective_weight(r, i);
        if (i != root && cix_model_node_type(m, i) == CIX_NODE_AGGREGATE &&
            cix_model_result_scores(r, i)) {
            v->agg_node[v->nagg] = i;
            v->agg_score[v->nagg] = cix_model_result_scores(r, i);
            v->agg_rank[v->nagg] = cix_model_result_ranks(r, i);
            v->nagg++;
        }
    }
    for (k = 0; k < K; k++) {
        size_t node = cix_model_indicator(m, k);
        ind_of[node] = k;
        v->ind_node[k] = node;
        v->ind_name[k] = cix_model_node_code(m, node);
        v->ind_y[k] = cix_model_result_scores(r, node);
        v->ind_weight[k] = cix_model_result_effective_weight(r, node);
    }
    for (row = 0; row < n; row++) {
        size_t hp[CLI_NHELP], hu[CLI_NHELP];
        size_t nh = cix_model_result_helpers(r, row, hp), nu = cix_model_result_hurters(r, row, hu);
        for (k = 0; k < CLI_NHELP; k++) {
            size_t a = k < nh ? ind_of[hp[k]] : (size_t)-1;
            size_t b = k < nu ? ind_of[hu[k]] : (size_t)-1;
            v->help[row * CLI_NHELP + k] = a;
            v->hurt[row * CLI_NHELP + k] = b;
            v->help_val[row * CLI_NHELP + k] =
                a != (size_t)-1 ? cix_model_result_contributions(r, hp[k])[row] : NAN;
            v->hurt_val[row * CLI_NHELP + k] =
                b != (size_t)-1 ? cix_model_result_contributions(r, hu[k])[row] : NAN;
        }
    }
    ny = cix_panel_nyears(p);
    if (cix_panel_has_year(p))
        for (row = 0; row < n; row++) {
            int32_t yr = cix_panel_row_year(p, row);
            for (y = 0; y < ny; y++)
                if (cix_panel_year_at(p, y) == yr)
                    break;
            v->year_index[row] = y < ny ? y : 0;
        }
    for (i = 0; i < v->nnotes; i++)
        v->notes[i] = cix_model_result_note(r, i);
    free(ind_of);
    return CLI_EXIT_OK;
}

/* The audit of a model run for the workbook: the treated x (x / d,
 * imputed) of the model's indicators with the model's directions, grouped
 * by parent. */
static int model_audit(cli_run *run, cli_view *v)
{
    const cix_model *m = run->model;
    size_t K = cix_model_nindicators(m), n = v->n, k, r;
    cix_panel *ap = NULL;
    cix_direction *dirs = NULL;
    cix_options o = run->opt;
    cix_error err;
    cix_status st;
    int rc = CLI_EXIT_OK;

    dirs = malloc((K ? K : 1) * sizeof *dirs);
    run->groups = malloc((K ? K : 1) * sizeof *run->groups);
    run->group_names = malloc((K ? K : 1) * sizeof *run->group_names);
    if (!dirs || !run->groups || !run->group_names) {
        rc = nomem();
        goto cleanup;
    }
    cix_error_clear(&err);
    st = cix_panel_create(n, K, cix_panel_has_year(run->panel), NULL, &ap, &err);
    for (r = 0; st == CIX_OK && r < n; r++)
        st = cix_panel_set_row(ap, r, cix_panel_row_region(run->panel, r),
                               cix_panel_row_year(run->panel, r), &err);
    for (k = 0; st == CIX_OK && k < K; k++) {
        size_t node = cix_model_indicator(m, k);
        size_t parent = cix_model_node_parent(m, node);
        const double *x = cix_model_result_treated(v->mres, node);
        st = cix_panel_set_indicator(ap, k, cix_model_node_code(m, node), &err);
        if (st == CIX_OK && x)
            memcpy(cix_panel_column(ap, k), x, n * sizeof *x);
        dirs[k] = cix_model_node_direction(m, node);
        run->groups[k] = parent;
        run->group_names[k] = cix_model_node_code(m, parent);
    }
    if (st == CIX_ENOMEM) {
        rc = nomem();
        goto cleanup;
    }
    if (st != CIX_OK) {
        rc = cli_report(st, &err);
        goto cleanup;
    }
    o.directions = dirs;
    o.ndirections = K;
    o.params = NULL;
    o.nparams = 0;
    o.fixed_weights = NULL;
    o.nfixed_weights = 0;
    o.impute = CIX_IMPUTE_NONE; /* already imputed */
    o.outliers = 0;
    run->audit_names = v->ind_name;
    rc = cli_view_audit(v, ap, &o, run->groups);

cleanup:
    cix_panel_free(ap);
    free(dirs);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* cix score --model / --fitted                                             */
/* ------------------------------------------------------------------------ */

static void print_model_notes(const cli_run *run, const cix_model_result *r)
{
    size_t i, n;
    if (run->quiet)
        return;
    n = cix_model_result_nnotes(r);
    for (i = 0; i < n; i++) {
        const cix_note *t = cix_model_result_note(r, i);
        if (t)
            fprintf(stderr, "cix: note: %s\n", t->message);
    }
}

static int model_score_one(cli_run *run, FILE *collect)
{
    cix_model_result *r = NULL;
    cix_error err;
    cix_status st;
    cli_view v;
    int rc = read_model_panel(run);
    if (rc)
        return rc;
    if ((rc = build_reproduce_model(run)) != CLI_EXIT_OK)
        return rc;
    cix_error_clear(&err);
    if (run->fitted)
        st = cix_fitted_score(run->fitted, run->panel, &r, &err);
    else
        st = cix_model_compute(run->model, run->panel, &run->opt, &r, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    print_model_notes(run, r);
    rc = cli_view_model(&v, run->panel, run->model, r);
    if (rc == CLI_EXIT_OK && run->format == CLI_FMT_XLSX)
        rc = model_audit(run, &v);
    if (rc == CLI_EXIT_OK)
        rc = cli_emit_scores(run, &v, collect);
    if (r)
        cli_view_free(&v);
    run->audit_names = NULL;
    cix_model_result_free(r);
    return rc;
}

int cli_run_model_score(cli_run *run)
{
    int rc = load_model(run);
    if (rc)
        return rc;
    return cli_run_batch(run, model_score_one);
}

/* ------------------------------------------------------------------------ */
/* cix fit                                                                  */
/* ------------------------------------------------------------------------ */

int cli_run_fit(cli_run *run)
{
    cix_fitted *f = NULL;
    cix_error err;
    cix_status st;
    int rc;

    if (!run->output || strcmp(run->output, "-") == 0)
        return cli_usage_error("fit", "give the fitted model's file with -o FITTED (it is "
                                      "read back by 'cix score --fitted FITTED')");
    if ((rc = load_model(run)) != CLI_EXIT_OK)
        return rc;
    if ((rc = read_model_panel(run)) != CLI_EXIT_OK)
        return rc;
    cix_error_clear(&err);
    st = cix_fit(run->model, run->panel, &run->opt, &f, &err);
    if (st == CIX_OK)
        st = cix_fitted_write_file(f, run->output, &err);
    if (st != CIX_OK)
        rc = cli_report(st, &err);
    else if (!run->quiet)
        fprintf(stderr, "cix: fitted %s on %s (%zu rows): wrote %s\n", run->model_file,
                run->input, cix_panel_nrows(run->panel), run->output);
    cix_fitted_free(f);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* cix validate                                                             */
/* ------------------------------------------------------------------------ */

int cli_run_validate(cli_run *run)
{
    const cix_model *m;
    size_t N, i, counts[5] = {0, 0, 0, 0, 0};
    int rc = load_model(run);
    if (rc)
        return rc;
    if ((rc = read_model_panel(run)) != CLI_EXIT_OK)
        return rc;
    m = run->model;
    N = cix_model_nnodes(m);
    for (i = 0; i < N; i++) {
        cix_node_type t = cix_model_node_type(m, i);
        if ((unsigned)t < 5)
            counts[t]++;
    }
    printf("%s: valid: %zu indicators, %zu aggregates, %zu denominators; root %s\n",
           run->model_file, counts[CIX_NODE_INDICATOR], counts[CIX_NODE_AGGREGATE],
           counts[CIX_NODE_DENOMINATOR], cix_model_node_code(m, cix_model_root(m)));
    printf("%s: %zu rows, %zu regions, %zu years; every indicator and denominator of the "
           "model is a column\n",
           run->input, cix_panel_nrows(run->panel), cix_panel_nregions(run->panel),
           cix_panel_nyears(run->panel));
    return fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK : CLI_EXIT_IO;
}

/* ------------------------------------------------------------------------ */
/* cix targets                                                              */
/* ------------------------------------------------------------------------ */

/* Progress k of row i, with a zero progress written 0, never -0. */
static double progress(const cix_targets *t, size_t k, size_t i)
{
    double p = cix_targets_progress(t, k)[i];
    return p == 0 ? 0.0 : p;
}

static void targets_csv(FILE *fp, const cli_run *run, const cix_targets *t)
{
    size_t n = cix_panel_nrows(run->panel), T = cix_targets_count(t), i, k;
    int has_year = cix_panel_has_year(run->panel);
    const double *share = cix_targets_share_met(t);
    const size_t *met = cix_targets_met(t), *known = cix_targets_known(t);
    cli_comment_line(fp, run);
    fputs(has_year ? "region,year,met,known,share_met" : "region,met,known,share_met", fp);
    for (k = 0; k < T; k++) {
        fputc(',', fp);
        cli_csv_field(fp, cix_model_node_code(run->model, cix_targets_node(t, k)));
    }
    fputc('\n', fp);
    for (i = 0; i < n; i++) {
        cli_csv_field(fp, cix_panel_row_region(run->panel, i));
        if (has_year)
            fprintf(fp, ",%ld", (long)cix_panel_row_year(run->panel, i));
        fprintf(fp, ",%zu,%zu,", met[i], known[i]);
        cli_put_double(fp, share[i]);
        for (k = 0; k < T; k++) {
            fputc(',', fp);
            cli_put_double(fp, progress(t, k, i));
        }
        fputc('\n', fp);
    }
}

static void targets_json(FILE *fp, const cli_run *run, const cix_targets *t)
{
    size_t n = cix_panel_nrows(run->panel), T = cix_targets_count(t), i, k;
    int has_year = cix_panel_has_year(run->panel);
    const double *share = cix_targets_share_met(t);
    const size_t *met = cix_targets_met(t), *known = cix_targets_known(t);
    fputs("{\n  \"cix_version\": ", fp);
    cli_json_string(fp, cix_version_string());
    fputs(",\n  \"command\": \"targets\",\n  \"reproduce\": ", fp);
    {
        cli_buf b;
        cli_buf_init(&b);
        cli_buf_puts(&b, "cix ");
        cli_buf_puts(&b, run->reproduce.s ? run->reproduce.s : "");
        cli_json_string(fp, b.failed ? "" : b.s);
        cli_buf_free(&b);
    }
    fputs(",\n  \"input\": ", fp);
    cli_json_string(fp, run->input);
    fputs(",\n  \"model\": ", fp);
    cli_json_string(fp, run->model_file);
    fputs(",\n  \"baseline_year\": ", fp);
    if (run->baseline_year == CIX_NO_YEAR)
        fputs("null", fp);
    else
        fprintf(fp, "%ld", (long)run->baseline_year);
    fputs(",\n  \"targets\": [", fp);
    for (k = 0; k < T; k++) {
        size_t node = cix_targets_node(t, k);
        fprintf(fp, "%s\n    {\"indicator\": ", k ? "," : "");
        cli_json_string(fp, cix_model_node_code(run->model, node));
        fputs(", \"name\": ", fp);
        cli_json_string(fp, cix_model_node_name(run->model, node));
        fputs(", \"target\": ", fp);
        cli_json_number(fp, cix_model_node_target(run->model, node));
        fputs(", \"unit\": ", fp);
        cli_json_string(fp, cix_model_node_unit(run->model, node));
        fputc('}', fp);
    }
    fputs(T ? "\n  ],\n  \"rows\": [" : "],\n  \"rows\": [", fp);
    for (i = 0; i < n; i++) {
        fprintf(fp, "%s\n    {\"region\": ", i ? "," : "");
        cli_json_string(fp, cix_panel_row_region(run->panel, i));
        if (has_year)
            fprintf(fp, ", \"year\": %ld", (long)cix_panel_row_year(run->panel, i));
        fprintf(fp, ", \"met\": %zu, \"known\": %zu, \"share_met\": ", met[i], known[i]);
        cli_json_number(fp, share[i]);
        fputs(", \"progress\": {", fp);
        for (k = 0; k < T; k++) {
            fputs(k ? ", " : "", fp);
            cli_json_string(fp, cix_model_node_code(run->model, cix_targets_node(t, k)));
            fputs(": ", fp);
            cli_json_number(fp, progress(t, k, i));
        }
        fputs("}}", fp);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", fp);
}

static void targets_table(FILE *fp, const cli_run *run, const cix_targets *t)
{
    size_t n = cix_panel_nrows(run->panel), T = cix_targets_count(t), i, k;
    int has_year = cix_panel_has_year(run->panel);
    const double *share = cix_targets_share_met(t);
    const size_t *met = cix_targets_met(t), *known = cix_targets_known(t);
    size_t wreg = 6;
    char num[64];
    for (i = 0; i < n; i++) {
        size_t w = cli_display_width(cix_panel_row_region(run->panel, i));
        if (w > wreg)
            wreg = w;
    }
    cli_comment_line(fp, run);
    fputs("region", fp);
    cli_pad(fp, wreg - 6);
    fputs(has_year ? "  year    met  share" : "    met  share", fp);
    for (k = 0; k < T; k++) {
        const char *code = cix_model_node_code(run->model, cix_targets_node(t, k));
        size_t w = cli_display_width(code);
        cli_pad(fp, 2 + (w < 6 ? 6 - w : 0));
        fputs(code, fp);
    }
    fputc('\n', fp);
    for (i = 0; i < n; i++) {
        const char *reg = cix_panel_row_region(run->panel, i);
        fputs(reg, fp);
        cli_pad(fp, wreg - cli_display_width(reg));
        if (has_year)
            fprintf(fp, "  %4ld", (long)cix_panel_row_year(run->panel, i));
        snprintf(num, sizeof num, "%zu/%zu", met[i], known[i]);
        fprintf(fp, "  %5s", num);
        if (isnan(share[i]))
            fputs("      -", fp);
        else
            fprintf(fp, "  %5.3f", share[i]);
        for (k = 0; k < T; k++) {
            const char *code = cix_model_node_code(run->model, cix_targets_node(t, k));
            size_t w = cli_display_width(code), cw = w < 6 ? 6 : w;
            double p = progress(t, k, i);
            int m = isnan(p) ? snprintf(num, sizeof num, "-") : snprintf(num, sizeof num, "%.3f", p);
            cli_pad(fp, 2 + (m >= 0 && (size_t)m < cw ? cw - (size_t)m : 0));
            fputs(num, fp);
        }
        fputc('\n', fp);
    }
}

int cli_run_targets(cli_run *run)
{
    cix_targets *t = NULL;
    cix_error err;
    cix_status st;
    cli_out out;
    int rc = load_model(run);
    if (rc)
        return rc;
    if ((rc = read_model_panel(run)) != CLI_EXIT_OK)
        return rc;
    if ((rc = build_reproduce_model(run)) != CLI_EXIT_OK)
        return rc;
    if (run->format == CLI_FMT_AUTO)
        run->format = !run->output && isatty(STDOUT_FILENO) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    cix_error_clear(&err);
    st = cix_targets_compute(run->model, run->panel, run->baseline_year, &t, &err);
    if (st != CIX_OK)
        return cli_report(st, &err);
    rc = cli_out_open(&out, run->output);
    if (rc == CLI_EXIT_OK) {
        if (run->format == CLI_FMT_JSON)
            targets_json(out.fp, run, t);
        else if (run->format == CLI_FMT_TABLE)
            targets_table(out.fp, run, t);
        else
            targets_csv(out.fp, run, t);
        rc = cli_out_commit(&out);
    }
    cix_targets_free(t);
    return rc;
}
