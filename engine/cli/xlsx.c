/* The Excel workbook of `cix score --format xlsx` (libxlsxwriter).
 *
 * Sheets: scores; pillar scores (model runs); weights; normalized data;
 * notes (engine version, the command line that reproduces the run, and
 * what the engine did to the data); audit (Pearson matrix, KMO, Bartlett,
 * Cronbach's alpha, flags). The workbook is written to a temporary file
 * next to the target and renamed over it when complete. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "cli.h"

typedef struct book {
    lxw_workbook *wb;
    lxw_format *bold;
    int failed; /* a write returned an error */
} book;

static void put_str(book *bk, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s,
                    lxw_format *f)
{
    if (worksheet_write_string(ws, r, c, s, f) != LXW_NO_ERROR)
        bk->failed = 1;
}

/* A number; NaN is an empty cell, infinities are written as text. */
static void put_num(book *bk, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double x)
{
    if (isnan(x))
        return;
    if (isinf(x)) {
        put_str(bk, ws, r, c, x > 0 ? "inf" : "-inf", NULL);
        return;
    }
    if (worksheet_write_number(ws, r, c, x, NULL) != LXW_NO_ERROR)
        bk->failed = 1;
}

static void put_head(book *bk, lxw_worksheet *ws, lxw_col_t c, const char *s)
{
    put_str(bk, ws, 0, c, s, bk->bold);
}

static void sheet_scores(book *bk, const cli_run *run, const cli_view *v, const size_t *ord)
{
    lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "scores");
    int has_year = cix_panel_has_year(v->panel);
    lxw_col_t c = 0;
    size_t i, k;
    static const char *const hh[2 * CLI_NHELP] = {"help_1", "help_2", "help_3",
                                                  "hurt_1", "hurt_2", "hurt_3"};
    int ex = cli_view_explains(v, run);
    if (!ws) {
        bk->failed = 1;
        return;
    }
    put_head(bk, ws, c++, "region");
    if (has_year)
        put_head(bk, ws, c++, "year");
    put_head(bk, ws, c++, "score");
    put_head(bk, ws, c++, "rank");
    if (has_year)
        put_head(bk, ws, c++, "rank_change");
    for (k = 0; ex && k < 2 * CLI_NHELP; k++)
        put_head(bk, ws, c++, hh[k]);
    for (k = 0; ex && k < 2 * CLI_NHELP; k++) {
        char name[40];
        snprintf(name, sizeof name, "%s_%s", hh[k], cli_view_measure(v));
        put_head(bk, ws, c++, name);
    }
    worksheet_freeze_panes(ws, 1, 1);
    for (i = 0; i < v->n; i++) {
        size_t r = ord[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        c = 0;
        put_str(bk, ws, row, c++, cix_panel_row_region(v->panel, r), NULL);
        if (has_year)
            put_num(bk, ws, row, c++, cix_panel_row_year(v->panel, r));
        put_num(bk, ws, row, c++, v->score[r]);
        put_num(bk, ws, row, c++, v->rank[r]);
        if (has_year)
            put_num(bk, ws, row, c++, v->change ? v->change[r] : NAN);
        for (k = 0; ex && k < 2 * CLI_NHELP; k++) {
            size_t j = k < CLI_NHELP ? v->help[r * CLI_NHELP + k]
                                     : v->hurt[r * CLI_NHELP + k - CLI_NHELP];
            if (j != (size_t)-1)
                put_str(bk, ws, row, c, v->ind_name[j], NULL);
            c++;
        }
        for (k = 0; ex && k < 2 * CLI_NHELP; k++) {
            double x = k < CLI_NHELP ? v->help_val[r * CLI_NHELP + k]
                                     : v->hurt_val[r * CLI_NHELP + k - CLI_NHELP];
            put_num(bk, ws, row, c++, x);
        }
    }
}

static void sheet_pillars(book *bk, const cli_view *v, const size_t *ord)
{
    lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "pillar scores");
    int has_year = cix_panel_has_year(v->panel);
    lxw_col_t c = 0;
    size_t i, k;
    cli_buf b;
    if (!ws) {
        bk->failed = 1;
        return;
    }
    cli_buf_init(&b);
    put_head(bk, ws, c++, "region");
    if (has_year)
        put_head(bk, ws, c++, "year");
    for (k = 0; k < v->nagg; k++) {
        const char *code = cix_model_node_code(v->model, v->agg_node[k]);
        put_head(bk, ws, c++, code);
        b.len = 0;
        cli_buf_puts(&b, code);
        cli_buf_puts(&b, " rank");
        put_head(bk, ws, c++, b.failed ? "rank" : b.s);
    }
    worksheet_freeze_panes(ws, 1, 1);
    for (i = 0; i < v->n; i++) {
        size_t r = ord[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        c = 0;
        put_str(bk, ws, row, c++, cix_panel_row_region(v->panel, r), NULL);
        if (has_year)
            put_num(bk, ws, row, c++, cix_panel_row_year(v->panel, r));
        for (k = 0; k < v->nagg; k++) {
            put_num(bk, ws, row, c++, v->agg_score[k][r]);
            put_num(bk, ws, row, c++, v->agg_rank[k][r]);
        }
    }
    if (b.failed)
        bk->failed = 1;
    cli_buf_free(&b);
}

static void sheet_weights(book *bk, const cli_run *run, const cli_view *v)
{
    lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "weights");
    size_t j, k;
    lxw_row_t row = 1;
    cli_buf b;
    if (!ws) {
        bk->failed = 1;
        return;
    }
    cli_buf_init(&b);
    if (v->model) {
        size_t N = cix_model_nnodes(v->model);
        put_head(bk, ws, 0, "node");
        put_head(bk, ws, 1, "name");
        put_head(bk, ws, 2, "parent");
        put_head(bk, ws, 3, "level");
        put_head(bk, ws, 4, "weight");
        put_head(bk, ws, 5, "effective weight");
        put_head(bk, ws, 6, "direction");
        for (j = 0; j < N; j++) {
            cix_node_type t = cix_model_node_type(v->model, j);
            size_t parent = cix_model_node_parent(v->model, j);
            if (t != CIX_NODE_INDICATOR && t != CIX_NODE_AGGREGATE)
                continue;
            put_str(bk, ws, row, 0, cix_model_node_code(v->model, j), NULL);
            put_str(bk, ws, row, 1, cix_model_node_name(v->model, j), NULL);
            if (parent != CIX_NO_NODE)
                put_str(bk, ws, row, 2, cix_model_node_code(v->model, parent), NULL);
            put_num(bk, ws, row, 3, cix_model_node_level(v->model, j));
            put_num(bk, ws, row, 4, v->node_weight[j]);
            put_num(bk, ws, row, 5, v->node_eff_weight[j]);
            if (t == CIX_NODE_INDICATOR) {
                cix_direction d = cix_model_node_direction(v->model, j);
                b.len = 0;
                cli_buf_puts(&b, "");
                cli_buf_direction(&b, &d);
                put_str(bk, ws, row, 6, b.failed ? "?" : b.s, NULL);
            }
            row++;
        }
    } else {
        int per_year = cli_per_year_weights(run);
        size_t ny = per_year ? cix_panel_nyears(v->panel) : 1;
        put_head(bk, ws, 0, "indicator");
        put_head(bk, ws, 1, "direction");
        for (k = 0; k < ny; k++) {
            if (per_year) {
                b.len = 0;
                cli_buf_printf(&b, "weight %ld", (long)cix_panel_year_at(v->panel, k));
                put_head(bk, ws, (lxw_col_t)(2 + k), b.failed ? "weight" : b.s);
            } else {
                put_head(bk, ws, 2, "weight");
            }
        }
        for (j = 0; j < v->nind; j++, row++) {
            put_str(bk, ws, row, 0, v->ind_name[j], NULL);
            b.len = 0;
            cli_buf_puts(&b, "");
            cli_buf_direction(&b, &run->directions[j]);
            put_str(bk, ws, row, 1, b.failed ? "?" : b.s, NULL);
            for (k = 0; k < ny; k++)
                put_num(bk, ws, row, (lxw_col_t)(2 + k),
                        per_year ? cix_result_weights_year(v->res, k)[j]
                                 : cix_result_weights(v->res)[j]);
        }
    }
    worksheet_freeze_panes(ws, 1, 1);
    if (b.failed)
        bk->failed = 1;
    cli_buf_free(&b);
}

static void sheet_normalized(book *bk, const cli_view *v, const size_t *ord)
{
    lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "normalized data");
    int has_year = cix_panel_has_year(v->panel);
    lxw_col_t c = 0, c0;
    size_t i, j;
    if (!ws) {
        bk->failed = 1;
        return;
    }
    put_head(bk, ws, c++, "region");
    if (has_year)
        put_head(bk, ws, c++, "year");
    c0 = c;
    for (j = 0; j < v->nind; j++)
        put_head(bk, ws, (lxw_col_t)(c0 + j), v->ind_name[j]);
    worksheet_freeze_panes(ws, 1, 1);
    for (i = 0; i < v->n; i++) {
        size_t r = ord[i];
        lxw_row_t row = (lxw_row_t)(i + 1);
        put_str(bk, ws, row, 0, cix_panel_row_region(v->panel, r), NULL);
        if (has_year)
            put_num(bk, ws, row, 1, cix_panel_row_year(v->panel, r));
        for (j = 0; j < v->nind; j++)
            put_num(bk, ws, row, (lxw_col_t)(c0 + j), v->ind_y[j] ? v->ind_y[j][r] : NAN);
    }
}

static const cix_note *note_at(const cli_view *v, size_t i)
{
    return v->mres ? v->notes[i] : cix_result_note(v->res, i);
}

static void sheet_notes(book *bk, const cli_run *run, const cli_view *v)
{
    lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "notes");
    size_t n = v->mres ? v->nnotes : cix_result_nnotes(v->res), i;
    lxw_row_t row;
    cli_buf b;
    if (!ws) {
        bk->failed = 1;
        return;
    }
    cli_buf_init(&b);
    put_str(bk, ws, 0, 0, "cix version", bk->bold);
    put_str(bk, ws, 0, 1, cix_version_string(), NULL);
    put_str(bk, ws, 1, 0, "command", bk->bold);
    cli_buf_puts(&b, "cix ");
    cli_buf_puts(&b, run->reproduce.s ? run->reproduce.s : "");
    put_str(bk, ws, 1, 1, b.failed ? "?" : b.s, NULL);
    put_str(bk, ws, 2, 0, "input", bk->bold);
    put_str(bk, ws, 2, 1, run->input, NULL);
    put_str(bk, ws, 3, 0, "help/hurt values", bk->bold);
    put_str(bk, ws, 3, 1,
            !cli_view_explains(v, run)
                ? "none (--explain none)"
                : v->linear ? "contribution: w*y/score, the indicator's share of the score"
                            : "relative rank among the regions of the year: 1 best, 0 worst",
            NULL);
    row = 5;
    put_str(bk, ws, row, 0, "kind", bk->bold);
    put_str(bk, ws, row, 1, "indicator", bk->bold);
    put_str(bk, ws, row, 2, "region", bk->bold);
    put_str(bk, ws, row, 3, "year", bk->bold);
    put_str(bk, ws, row, 4, "before", bk->bold);
    put_str(bk, ws, row, 5, "after", bk->bold);
    put_str(bk, ws, row, 6, "message", bk->bold);
    row++;
    for (i = 0; i < n; i++, row++) {
        const cix_note *t = note_at(v, i);
        if (!t)
            continue;
        put_str(bk, ws, row, 0, cli_note_kind_name(t->kind), NULL);
        if (t->indicator != (size_t)-1) {
            const char *name =
                v->model ? cix_model_node_code(v->model, t->indicator)
                         : cix_panel_indicator(v->panel, t->indicator);
            put_str(bk, ws, row, 1, name, NULL);
        }
        if (t->row != CIX_NO_ROW && t->row < v->n) {
            put_str(bk, ws, row, 2, cix_panel_row_region(v->panel, t->row), NULL);
            if (cix_panel_has_year(v->panel))
                put_num(bk, ws, row, 3, cix_panel_row_year(v->panel, t->row));
        }
        put_num(bk, ws, row, 4, t->value_before);
        put_num(bk, ws, row, 5, t->value_after);
        put_str(bk, ws, row, 6, t->message, NULL);
    }
    if (b.failed)
        bk->failed = 1;
    cli_buf_free(&b);
}

static void sheet_audit(book *bk, const cli_run *run, const cli_view *v)
{
    lxw_worksheet *ws = workbook_add_worksheet(bk->wb, "audit");
    const cix_audit *a = v->audit;
    size_t J, j, k, f, nf = cli_audit_nflags();
    const double *R;
    lxw_row_t row = 0;
    cli_buf b;
    if (!ws) {
        bk->failed = 1;
        return;
    }
    if (!a) {
        put_str(bk, ws, 0, 0, "audit not computed", bk->bold);
        put_str(bk, ws, 1, 0, v->audit_error ? v->audit_error : "", NULL);
        return;
    }
    cli_buf_init(&b);
    J = cix_audit_nindicators(a);
    R = cix_audit_pearson(a);
    put_str(bk, ws, row++, 0, "Pearson correlations", bk->bold);
    for (k = 0; k < J; k++)
        put_str(bk, ws, row, (lxw_col_t)(k + 1), run->audit_names ? run->audit_names[k]
                                                 : cix_panel_indicator(run->panel, k),
                bk->bold);
    row++;
    for (j = 0; j < J; j++, row++) {
        put_str(bk, ws, row, 0, run->audit_names ? run->audit_names[j]
                                                 : cix_panel_indicator(run->panel, j),
                bk->bold);
        for (k = 0; k < J; k++)
            put_num(bk, ws, row, (lxw_col_t)(k + 1), R[k * J + j]);
    }
    row++;
    put_str(bk, ws, row++, 0, "KMO", bk->bold);
    put_str(bk, ws, row, 0, "overall", NULL);
    put_num(bk, ws, row++, 1, cix_audit_kmo(a));
    for (j = 0; j < J; j++, row++) {
        put_str(bk, ws, row, 0, run->audit_names ? run->audit_names[j]
                                                 : cix_panel_indicator(run->panel, j),
                NULL);
        put_num(bk, ws, row, 1, cix_audit_kmo_indicator(a)[j]);
    }
    row++;
    put_str(bk, ws, row++, 0, "Bartlett's test", bk->bold);
    put_str(bk, ws, row, 0, "chi-square", NULL);
    put_num(bk, ws, row++, 1, cix_audit_bartlett_chisq(a));
    put_str(bk, ws, row, 0, "df", NULL);
    put_num(bk, ws, row++, 1, cix_audit_bartlett_df(a));
    put_str(bk, ws, row, 0, "p", NULL);
    put_num(bk, ws, row++, 1, cix_audit_bartlett_p(a));
    row++;
    put_str(bk, ws, row, 0, "Cronbach's alpha", bk->bold);
    put_num(bk, ws, row++, 1, cix_audit_cronbach_alpha(a));
    row++;
    put_str(bk, ws, row, 0, "flags", bk->bold);
    put_str(bk, ws, row, 1, "flag", bk->bold);
    put_str(bk, ws, row++, 2, "explanation", bk->bold);
    for (f = 0; f < nf; f++) {
        if (!(cix_audit_overall_flags(a) & cli_audit_flag_bit(f)))
            continue;
        cli_audit_explain(&b, run, a, f, (size_t)-1);
        put_str(bk, ws, row, 0, "overall", NULL);
        put_str(bk, ws, row, 1, cli_audit_flag_name(f), NULL);
        put_str(bk, ws, row++, 2, b.s ? b.s : "", NULL);
    }
    for (j = 0; j < J; j++) {
        for (f = 0; f < nf; f++) {
            if (!(cix_audit_flags(a)[j] & cli_audit_flag_bit(f)))
                continue;
            cli_audit_explain(&b, run, a, f, j);
            put_str(bk, ws, row, 0, run->audit_names ? run->audit_names[j]
                                                     : cix_panel_indicator(run->panel, j),
                    NULL);
            put_str(bk, ws, row, 1, cli_audit_flag_name(f), NULL);
            put_str(bk, ws, row++, 2, b.s ? b.s : "", NULL);
        }
    }
    if (b.failed)
        bk->failed = 1;
    cli_buf_free(&b);
}

int cli_write_xlsx(const char *path, const cli_run *run, const cli_view *v)
{
    cli_out out;
    book bk;
    lxw_workbook_options wo;
    lxw_error e;
    size_t *ord;
    int rc;

    ord = cli_score_order(v);
    if (!ord) {
        cli_errorf("out of memory");
        return CLI_EXIT_NOMEM;
    }
    rc = cli_out_reserve(&out, path);
    if (rc) {
        free(ord);
        return rc;
    }
    memset(&wo, 0, sizeof wo);
    memset(&bk, 0, sizeof bk);
    bk.wb = workbook_new_opt(out.tmp, &wo);
    if (!bk.wb) {
        cli_out_abort(&out);
        free(ord);
        cli_errorf("cannot write '%s': the workbook could not be created", path);
        return CLI_EXIT_IO;
    }
    bk.bold = workbook_add_format(bk.wb);
    if (bk.bold)
        format_set_bold(bk.bold);
    sheet_scores(&bk, run, v, ord);
    if (v->model)
        sheet_pillars(&bk, v, ord);
    sheet_weights(&bk, run, v);
    sheet_normalized(&bk, v, ord);
    sheet_notes(&bk, run, v);
    sheet_audit(&bk, run, v);
    free(ord);
    e = workbook_close(bk.wb);
    if (e != LXW_NO_ERROR || bk.failed) {
        cli_out_abort(&out);
        cli_errorf("cannot write '%s': %s; the file was not changed", path,
                   e != LXW_NO_ERROR ? lxw_strerror(e) : "a cell could not be written");
        return CLI_EXIT_IO;
    }
    return cli_out_commit(&out);
}
