/* Per-indicator parameters (targets, goalposts, efficacy values, transforms)
 * from --params FILE and from --target/--goalposts/--efficacy/--transform,
 * and the indicator groups of `cix audit --groups`. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int nomem(void)
{
    cli_errorf("out of memory");
    return CLI_EXIT_NOMEM;
}

/* run->params, one per indicator, every field "not given". */
static int ensure_params(cli_run *run)
{
    size_t J = cix_panel_nindicators(run->panel), j;
    if (run->params)
        return CLI_EXIT_OK;
    run->params = malloc((J ? J : 1) * sizeof *run->params);
    if (!run->params)
        return nomem();
    for (j = 0; j < J; j++)
        cix_indicator_params_init(&run->params[j]);
    run->opt.params = run->params;
    run->opt.nparams = J;
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* --params FILE                                                            */
/* ------------------------------------------------------------------------ */

enum { COL_INDICATOR, COL_TARGET, COL_LO, COL_HI, COL_SAT, COL_NA, COL_TRANSFORM, NCOLS };
static const char *const col_names[NCOLS] = {"indicator",    "target",      "lo", "hi",
                                             "satisfactory", "not_allowed", "transform"};

#define MAX_FIELDS 32

/* Splits one CSV line (RFC 4180 quotes, no embedded newlines) in place;
 * returns the number of fields, or -1 for a bad quote / too many fields. */
static int split_line(char *line, char **field)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *out;
        if (n == MAX_FIELDS)
            return -1;
        while (*p == ' ')
            p++;
        out = p;
        field[n++] = out;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '\0')
                    return -1;
                if (*p == '"') {
                    if (p[1] == '"') {
                        *out++ = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                *out++ = *p++;
            }
            while (*p == ' ')
                p++;
            if (*p != ',' && *p != '\0')
                return -1;
        } else {
            while (*p != ',' && *p != '\0')
                out = ++p;
            while (out > field[n - 1] && out[-1] == ' ')
                out--;
        }
        if (*p == '\0') {
            *out = '\0';
            return n;
        }
        p++;
        *out = '\0';
    }
}

static int params_error(const cli_run *run, unsigned long line, const char *fmt, ...)
    CLI_PRINTF(3, 4);

static int params_error(const cli_run *run, unsigned long line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cli_errorf("%s:%lu: %s", run->params_file, line, msg);
    return CLI_EXIT_DATA;
}

int cli_read_params_file(cli_run *run)
{
    FILE *fp;
    char buf[4096];
    char *field[MAX_FIELDS];
    int colof[MAX_FIELDS];
    int nhead = 0, rc = CLI_EXIT_OK;
    unsigned long line = 0;

    if (!run->params_file)
        return CLI_EXIT_OK;
    if ((rc = ensure_params(run)) != CLI_EXIT_OK)
        return rc;
    fp = fopen(run->params_file, "r");
    if (!fp) {
        cli_errorf("%s: cannot open the parameters file: %s", run->params_file,
                   strerror(errno));
        return CLI_EXIT_IO;
    }
    while (fgets(buf, sizeof buf, fp)) {
        size_t len = strlen(buf), j;
        int n, k;
        line++;
        if (len == sizeof buf - 1 && buf[len - 1] != '\n') {
            rc = params_error(run, line, "line too long (at most %d bytes)", (int)sizeof buf - 2);
            goto cleanup;
        }
        while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
            buf[--len] = '\0';
        if (line == 1 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
            (unsigned char)buf[2] == 0xBF)
            memmove(buf, buf + 3, len - 2);
        if (buf[0] == '\0' || buf[0] == '#')
            continue;
        n = split_line(buf, field);
        if (n < 0) {
            rc = params_error(run, line, "malformed CSV line (a quote is not closed, or more "
                                         "than %d fields)", MAX_FIELDS);
            goto cleanup;
        }
        if (nhead == 0) {
            int have_ind = 0;
            for (k = 0; k < n; k++) {
                int c;
                for (c = 0; c < NCOLS; c++)
                    if (strcmp(field[k], col_names[c]) == 0)
                        break;
                if (c == NCOLS) {
                    rc = params_error(run, line,
                                      "unknown column '%s'; the columns are indicator, "
                                      "target, lo, hi, satisfactory, not_allowed and "
                                      "transform", field[k]);
                    goto cleanup;
                }
                colof[k] = c;
                if (c == COL_INDICATOR)
                    have_ind = 1;
            }
            if (!have_ind) {
                rc = params_error(run, line, "no 'indicator' column in the header");
                goto cleanup;
            }
            nhead = n;
            continue;
        }
        if (n != nhead) {
            rc = params_error(run, line, "%d fields, but the header has %d", n, nhead);
            goto cleanup;
        }
        j = (size_t)-1;
        for (k = 0; k < n; k++)
            if (colof[k] == COL_INDICATOR)
                j = cix_panel_find_indicator(run->panel, field[k]);
        if (j == (size_t)-1) {
            for (k = 0; k < n; k++)
                if (colof[k] == COL_INDICATOR)
                    rc = cli_unknown_indicator(run, run->params_file, field[k],
                                               strlen(field[k]));
            if (rc == CLI_EXIT_USAGE)
                rc = CLI_EXIT_DATA;
            goto cleanup;
        }
        for (k = 0; k < n; k++) {
            cix_indicator_params *q = &run->params[j];
            double v, *dst = NULL;
            const char *t = field[k];
            switch (colof[k]) {
            case COL_TARGET:
                dst = &q->target;
                break;
            case COL_LO:
                dst = &q->lo;
                break;
            case COL_HI:
                dst = &q->hi;
                break;
            case COL_SAT:
                dst = &q->satisfactory;
                break;
            case COL_NA:
                dst = &q->not_allowed;
                break;
            case COL_TRANSFORM:
                if (t[0] != '\0' && cix_transform_from_name(t, &q->transform) != 0) {
                    rc = params_error(run, line,
                                      "unknown transform '%s'; use none, log or "
                                      "log1p-shift (or leave the cell empty)", t);
                    goto cleanup;
                }
                break;
            default:
                break;
            }
            if (!dst || t[0] == '\0' || strcmp(t, "NA") == 0)
                continue;
            if (cix_parse_double(t, strlen(t), &v) != 0 || !isfinite(v)) {
                rc = params_error(run, line, "'%s' in column %s is not a number", t,
                                  col_names[colof[k]]);
                goto cleanup;
            }
            *dst = v;
        }
        {
            const cix_indicator_params *q = &run->params[j];
            const char *name = cix_panel_indicator(run->panel, j);
            if (isnan(q->lo) != isnan(q->hi) || (!isnan(q->lo) && !(q->lo < q->hi))) {
                rc = params_error(run, line, "indicator '%s': goalposts need both lo and hi, "
                                             "with lo < hi", name);
                goto cleanup;
            }
            if (isnan(q->satisfactory) != isnan(q->not_allowed) ||
                (!isnan(q->satisfactory) && q->satisfactory == q->not_allowed)) {
                rc = params_error(run, line,
                                  "indicator '%s': efficacy needs both satisfactory and "
                                  "not_allowed, and they must differ", name);
                goto cleanup;
            }
        }
    }
    if (ferror(fp)) {
        cli_errorf("%s: read error", run->params_file);
        rc = CLI_EXIT_IO;
    } else if (nhead == 0) {
        cli_errorf("%s: empty parameters file; the first line is a header such as "
                   "indicator,target,lo,hi,satisfactory,not_allowed,transform",
                   run->params_file);
        rc = CLI_EXIT_DATA;
    }

cleanup:
    fclose(fp);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* --target IND=t, --goalposts IND=lo,hi, --efficacy IND=s,n, --transform    */
/* ------------------------------------------------------------------------ */

static const char *const param_option[] = {"--target", "--goalposts", "--efficacy",
                                           "--transform"};
static const char *const param_example[] = {
    "--target gdp_pc=50000", "--goalposts 'life_exp=25,85'", "--efficacy 'rd=3.5,0.5'",
    "--transform patents=log"};

/* Two numbers "a,b". */
static int parse_pair(const char *s, double *a, double *b)
{
    const char *comma = strchr(s, ',');
    if (!comma || cix_parse_double(s, (size_t)(comma - s), a) != 0 ||
        cix_parse_double(comma + 1, strlen(comma + 1), b) != 0)
        return -1;
    return isfinite(*a) && isfinite(*b) ? 0 : -1;
}

static int apply_one(cli_run *run, const cli_param_arg *pa)
{
    const char *cmd = cli_run_command_name(run);
    const char *opt = param_option[pa->kind];
    const char *eq;
    const char *first = strchr(pa->text, '=');

    if (!first)
        return cli_usage_error(cmd, "%s '%s': give NAME=VALUE, e.g. %s", opt, pa->text,
                               param_example[pa->kind]);
    /* the name is the shortest prefix before an '=' that names an indicator */
    for (eq = first; eq; eq = strchr(eq + 1, '=')) {
        size_t j = cli_find_indicator_n(run->panel, pa->text, (size_t)(eq - pa->text));
        cix_indicator_params *q;
        const char *v = eq + 1;
        double a, b;
        if (j == (size_t)-1)
            continue;
        q = &run->params[j];
        switch (pa->kind) {
        case CLI_PARAM_TARGET:
            if (cix_parse_double(v, strlen(v), &a) != 0 || !isfinite(a))
                return cli_usage_error(cmd, "%s '%s': '%s' is not a number, e.g. %s", opt,
                                       pa->text, v, param_example[pa->kind]);
            q->target = a;
            break;
        case CLI_PARAM_GOALPOSTS:
            if (parse_pair(v, &a, &b) != 0 || !(a < b))
                return cli_usage_error(cmd, "%s '%s': give LO,HI with LO < HI, e.g. %s", opt,
                                       pa->text, param_example[pa->kind]);
            q->lo = a;
            q->hi = b;
            break;
        case CLI_PARAM_EFFICACY:
            if (parse_pair(v, &a, &b) != 0 || a == b)
                return cli_usage_error(cmd,
                                       "%s '%s': give SATISFACTORY,NOT_ALLOWED, two different "
                                       "numbers, e.g. %s",
                                       opt, pa->text, param_example[pa->kind]);
            q->satisfactory = a;
            q->not_allowed = b;
            break;
        default:
            if (cix_transform_from_name(v, &q->transform) != 0)
                return cli_usage_error(cmd, "%s '%s': unknown transform '%s'; use log, "
                                            "log1p-shift or none", opt, pa->text, v);
            break;
        }
        return CLI_EXIT_OK;
    }
    return cli_unknown_indicator(run, opt, pa->text, (size_t)(first - pa->text));
}

int cli_apply_param_args(cli_run *run)
{
    size_t k;
    int rc;
    if (run->npargs == 0)
        return CLI_EXIT_OK;
    if ((rc = ensure_params(run)) != CLI_EXIT_OK)
        return rc;
    for (k = 0; k < run->npargs; k++)
        if ((rc = apply_one(run, &run->pargs[k])) != CLI_EXIT_OK)
            return rc;
    return CLI_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* --groups IND=GROUP,...                                                   */
/* ------------------------------------------------------------------------ */

int cli_resolve_groups(cli_run *run)
{
    const char *cmd = cli_run_command_name(run);
    size_t J = cix_panel_nindicators(run->panel), j, k, ngroups = 0;
    char *p;

    if (!run->groups_text)
        return CLI_EXIT_OK;
    run->group_copy = strdup(run->groups_text);
    run->groups = malloc((J ? J : 1) * sizeof *run->groups);
    run->group_names = malloc((J ? J : 1) * sizeof *run->group_names);
    if (!run->group_copy || !run->groups || !run->group_names)
        return nomem();
    for (j = 0; j < J; j++)
        run->group_names[j] = NULL;
    p = run->group_copy;
    for (;;) {
        char *comma = strchr(p, ','), *eq;
        if (comma)
            *comma = '\0';
        eq = strrchr(p, '=');
        if (!eq || eq == p || eq[1] == '\0')
            return cli_usage_error(cmd, "--groups: '%s' is not IND=GROUP; give a "
                                        "comma-separated list such as "
                                        "--groups 'rd=innovation,patents=innovation,"
                                        "exports=trade'", p);
        j = cli_find_indicator_n(run->panel, p, (size_t)(eq - p));
        if (j == (size_t)-1)
            return cli_unknown_indicator(run, "--groups", p, (size_t)(eq - p));
        run->group_names[j] = eq + 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    for (j = 0; j < J; j++) {
        if (!run->group_names[j])
            return cli_usage_error(cmd, "--groups: indicator '%s' has no group; give every "
                                        "indicator a group (IND=GROUP)",
                                   cix_panel_indicator(run->panel, j));
        for (k = 0; k < j; k++)
            if (strcmp(run->group_names[k], run->group_names[j]) == 0)
                break;
        run->groups[j] = k < j ? run->groups[k] : ngroups++;
    }
    return CLI_EXIT_OK;
}
