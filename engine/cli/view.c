/* The view of a plain run for the score writers: index scores, the
 * normalized indicators, and per row the three indicators that help and the
 * three that hurt the score most (not with --explain none: help and hurt
 * are then NULL, and ind_y too when the run did not keep the normalized
 * matrix).
 *
 * With linear aggregation an indicator's part of the score is its
 * contribution w_j y_j; the value shown is w_j y_j / score (its share of the
 * score), and indicators are ordered by w_j y_j. With any other aggregation
 * contributions do not add up to the score, so the indicators are ordered by
 * their relative position among the regions of the year instead:
 * (m - rank) / (m - 1) for rank 1..m of the present values, descending
 * (1 = best region on that indicator, 0 = worst). */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Rows whose contributions are formed and ranked at a time. */
#define VIEW_BLOCK 512

static void view_zero(cli_view *v)
{
    memset(v, 0, sizeof *v);
}

void cli_view_free(cli_view *v)
{
    free(v->ind_name);
    free(v->ind_y);
    free(v->ind_node);
    free(v->ind_weight);
    free(v->agg_node);
    free(v->agg_score);
    free(v->agg_rank);
    free(v->node_weight);
    free(v->node_eff_weight);
    free(v->help);
    free(v->hurt);
    free(v->help_val);
    free(v->hurt_val);
    free(v->year_index);
    free(v->notes);
    cix_audit_free(v->audit);
    free(v->audit_error);
    view_zero(v);
}

int cli_view_explains(const cli_view *v, const cli_run *run)
{
    return run->explain && v->help && v->hurt && v->help_val && v->hurt_val;
}

const char *cli_view_measure(const cli_view *v)
{
    return v->linear ? "contribution" : "relative_rank";
}

/* Index of each row's year among the panel's distinct years. */
static int year_indices(cli_view *v)
{
    size_t ny = cix_panel_nyears(v->panel), i;
    v->year_index = cli_rows_calloc(v->n, sizeof *v->year_index);
    if (!v->year_index)
        return -1;
    if (!cix_panel_has_year(v->panel) || ny == 0)
        return 0;
    for (i = 0; i < v->n; i++) {
        int32_t y = cix_panel_row_year(v->panel, i);
        size_t lo = 0, hi = ny;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cix_panel_year_at(v->panel, mid) < y)
                lo = mid + 1;
            else
                hi = mid;
        }
        v->year_index[i] = lo < ny ? lo : 0;
    }
    return 0;
}

double cli_view_weight(const cli_view *v, const cli_run *run, size_t i, size_t row)
{
    if (v->ind_weight)
        return v->ind_weight[i];
    if (cli_per_year_weights(run))
        return cix_result_weights_year(v->res, v->year_index[row])[i];
    return cix_result_weights(v->res)[i];
}

/* Picks, for rows r0 .. r0+m-1, the CLI_NHELP largest and smallest keys
 * (NaN keys skipped; ties keep indicator order). key and shown hold those
 * rows column by column: row r of indicator j at [j * ld + r - r0]. */
static void pick(cli_view *v, const double *key, const double *shown, size_t ld, size_t r0,
                 size_t m)
{
    size_t J = v->nind, r, j, k;
    for (r = r0; r < r0 + m; r++) {
        size_t *hp = v->help + r * CLI_NHELP, *hu = v->hurt + r * CLI_NHELP;
        const double *kr = key + (r - r0), *sr = shown + (r - r0);
        for (k = 0; k < CLI_NHELP; k++) {
            hp[k] = hu[k] = (size_t)-1;
            v->help_val[r * CLI_NHELP + k] = NAN;
            v->hurt_val[r * CLI_NHELP + k] = NAN;
        }
        for (j = 0; j < J; j++) {
            double x = kr[j * ld];
            if (isnan(x))
                continue;
            /* insert into the helpers (descending) */
            for (k = 0; k < CLI_NHELP; k++)
                if (hp[k] == (size_t)-1 || x > kr[hp[k] * ld])
                    break;
            if (k < CLI_NHELP) {
                memmove(hp + k + 1, hp + k, (CLI_NHELP - 1 - k) * sizeof *hp);
                hp[k] = j;
            }
            /* and into the hurters (ascending) */
            for (k = 0; k < CLI_NHELP; k++)
                if (hu[k] == (size_t)-1 || x < kr[hu[k] * ld])
                    break;
            if (k < CLI_NHELP) {
                memmove(hu + k + 1, hu + k, (CLI_NHELP - 1 - k) * sizeof *hu);
                hu[k] = j;
            }
        }
        for (k = 0; k < CLI_NHELP; k++) {
            if (hp[k] != (size_t)-1)
                v->help_val[r * CLI_NHELP + k] = sr[hp[k] * ld];
            if (hu[k] != (size_t)-1)
                v->hurt_val[r * CLI_NHELP + k] = sr[hu[k] * ld];
        }
    }
}

/* Relative positions (m - rank) / (m - 1) of column y within each year. */
static int relative_ranks(const cli_view *v, const cix_options *o, const double *y,
                          int32_t *group, double *ranks, double *out)
{
    size_t n = v->n, r;
    size_t ny = cix_panel_nyears(v->panel) ? cix_panel_nyears(v->panel) : 1;
    size_t *m = calloc(ny, sizeof *m);
    cix_error err;
    if (!m)
        return -1;
    for (r = 0; r < n; r++)
        if (!isnan(y[r]))
            m[v->year_index[r]]++;
    cix_error_clear(&err);
    if (cix_rank(y, group, n, o->ties, NULL, ranks, &err) != CIX_OK) {
        free(m);
        return -1;
    }
    for (r = 0; r < n; r++) {
        size_t mm = m[v->year_index[r]];
        if (isnan(y[r]))
            out[r] = NAN;
        else
            out[r] = mm > 1 ? ((double)mm - ranks[r]) / ((double)mm - 1) : 1.0;
    }
    free(m);
    return 0;
}

/* Helpers and hurters of rows [from, to) for linear aggregation. */
typedef struct explain_job {
    cli_view *v;
    const cli_run *run;
    const cix_result *res;
    size_t from, to;
    int rc;
} explain_job;

/* Contributions w_j x y_ij, a block of rows at a time: the columns are read
 * in runs, and no n x nind copy is made; without the matrix the engine
 * gives each block's normalized values. Each row's values depend on that
 * row only, so any split of the rows gives the same bytes. */
static void explain_rows(explain_job *jb)
{
    cli_view *v = jb->v;
    size_t n = v->n, J = v->nind, bs = n < VIEW_BLOCK ? (n ? n : 1) : VIEW_BLOCK;
    const double *Y = cix_result_normalized(jb->res);
    double *key = malloc((J ? J : 1) * bs * sizeof *key);
    double *shown = malloc((J ? J : 1) * bs * sizeof *shown);
    double *yb = Y ? NULL : malloc((J ? J : 1) * bs * sizeof *yb);

    jb->rc = CLI_EXIT_NOMEM;
    if (!key || !shown || (!Y && !yb))
        goto cleanup;
    for (size_t r0 = jb->from; r0 < jb->to; r0 += bs) {
        size_t m = jb->to - r0 < bs ? jb->to - r0 : bs, ld = n;
        const double *yr = Y ? Y + r0 : yb;
        if (!Y) {
            cix_error err;
            cix_status st = cix_result_normalized_rows(jb->res, v->panel, r0, m, yb, &err);
            if (st != CIX_OK) {
                if (st != CIX_ENOMEM)
                    jb->rc = cli_report(st, &err);
                goto cleanup;
            }
            ld = m;
        }
        for (size_t j = 0; j < J; j++) {
            for (size_t r = r0; r < r0 + m; r++) {
                double c = cli_view_weight(v, jb->run, j, r) * yr[j * ld + r - r0];
                key[j * bs + r - r0] = c;
                shown[j * bs + r - r0] = v->score[r] != 0 ? c / v->score[r] : NAN;
            }
        }
        pick(v, key, shown, bs, r0, m);
    }
    jb->rc = CLI_EXIT_OK;

cleanup:
    free(key);
    free(shown);
    free(yb);
}

static void *explain_thread(void *arg)
{
    explain_rows(arg);
    return NULL;
}

int cli_view_plain(cli_view *v, const cli_run *run, const cix_result *res)
{
    size_t n = cix_result_nrows(res), J = cix_panel_nindicators(run->panel), j, r;
    const double *Y = cix_result_normalized(res);
    double *key = NULL, *shown = NULL, *ranks = NULL;
    int32_t *group = NULL;
    int rc = CLI_EXIT_NOMEM;

    view_zero(v);
    v->panel = run->panel;
    v->res = res;
    v->n = n;
    v->score = cix_result_scores(res);
    v->rank = cix_result_ranks(res);
    v->change = cix_result_rank_change(res);
    v->index_code = "index";
    v->nind = J;
    v->linear = run->opt.aggregation == CIX_AGG_LINEAR;
    if (J != 0 && n > SIZE_MAX / sizeof(double) / J)
        goto cleanup;
    v->ind_name = malloc((J ? J : 1) * sizeof *v->ind_name);
    v->ind_y = malloc((J ? J : 1) * sizeof *v->ind_y);
    if (!v->ind_name || !v->ind_y || year_indices(v) != 0)
        goto cleanup;
    for (j = 0; j < J; j++) {
        v->ind_name[j] = cix_panel_indicator(run->panel, j);
        v->ind_y[j] = Y ? Y + j * n : NULL;
    }
    if (!run->explain || (!Y && !v->linear)) {
        /* --explain none: no helpers and hurters (the run may not have kept
         * the normalized matrix) */
        rc = CLI_EXIT_OK;
        goto cleanup;
    }
    v->help = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->help);
    v->hurt = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->hurt);
    v->help_val = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->help_val);
    v->hurt_val = malloc((n ? n : 1) * CLI_NHELP * sizeof *v->hurt_val);
    if (!v->help || !v->hurt || !v->help_val || !v->hurt_val)
        goto cleanup;
    if (v->linear) {
        /* rows in two halves, the second on a thread of its own */
        explain_job job[2];
        pthread_t th;
        int started = 0;
        size_t half = n >= 2 * VIEW_BLOCK && cli_two_threads(run)
                          ? (n / 2 + VIEW_BLOCK - 1) / VIEW_BLOCK * VIEW_BLOCK
                          : n;
        for (int t = 0; t < 2; t++) {
            job[t].v = v;
            job[t].run = run;
            job[t].res = res;
            job[t].from = t ? half : 0;
            job[t].to = t ? n : half;
            job[t].rc = CLI_EXIT_OK;
        }
        if (half < n)
            started = pthread_create(&th, NULL, explain_thread, &job[1]) == 0;
        explain_rows(&job[0]);
        if (started)
            pthread_join(th, NULL);
        else if (half < n)
            explain_rows(&job[1]);
        rc = job[0].rc != CLI_EXIT_OK ? job[0].rc : job[1].rc;
        goto cleanup;
    } else {
        key = malloc((n * J > 0 ? n * J : 1) * sizeof *key);
        shown = malloc((n * J > 0 ? n * J : 1) * sizeof *shown);
        if (!key || !shown)
            goto cleanup;
        group = malloc((n ? n : 1) * sizeof *group);
        ranks = malloc((n ? n : 1) * sizeof *ranks);
        if (!group || !ranks)
            goto cleanup;
        for (r = 0; r < n; r++)
            group[r] = (int32_t)v->year_index[r];
        for (j = 0; j < J; j++)
            if (relative_ranks(v, &run->opt, Y + j * n, group, ranks, key + j * n) != 0)
                goto cleanup;
        memcpy(shown, key, n * J * sizeof *shown);
    }
    pick(v, key, shown, n, 0, n);
    rc = CLI_EXIT_OK;

cleanup:
    free(key);
    free(shown);
    free(ranks);
    free(group);
    if (rc != CLI_EXIT_OK) {
        cli_view_free(v);
        if (rc == CLI_EXIT_NOMEM)
            cli_errorf("out of memory");
    }
    return rc;
}

int cli_view_audit(cli_view *v, const cix_panel *p, const cix_options *o,
                   const size_t *groups)
{
    cix_error err;
    cix_status st;
    char buf[CIX_ERROR_FILE_MAX + 3 * CIX_ERROR_NAME_MAX + CIX_ERROR_MESSAGE_MAX + 64];
    cix_error_clear(&err);
    st = cix_audit_compute(p, o, groups, &v->audit, &err);
    if (st == CIX_OK)
        return CLI_EXIT_OK;
    if (st == CIX_ENOMEM) {
        cli_errorf("out of memory");
        return CLI_EXIT_NOMEM;
    }
    v->audit = NULL;
    if (err.status != CIX_OK)
        cix_error_format(&err, buf, sizeof buf);
    else
        snprintf(buf, sizeof buf, "%s", cix_strerror(st));
    v->audit_error = strdup(buf);
    if (!v->audit_error) {
        cli_errorf("out of memory");
        return CLI_EXIT_NOMEM;
    }
    return CLI_EXIT_OK;
}
