/* Output of `cix pca` and `cix audit`.
 *
 * CSV is one long table `quantity,key,value` (the layout of the reference
 * files in tests/oracle/expected), with the keys: k = factor number
 * (1-based), IND = indicator code, IND:k = a loading, A:B = a correlation.
 * Tables are for reading; JSON holds everything of the CSV as objects. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define TABLE_DECIMALS 4

static const char *ind(const cli_run *run, size_t j)
{
    if (run->audit_names)
        return run->audit_names[j];
    return cix_panel_indicator(run->panel, j);
}

/* One CSV row quantity,key,value with a number. */
static void row_num(FILE *fp, const char *quantity, const char *key, double v)
{
    fputs(quantity, fp);
    fputc(',', fp);
    cli_csv_field(fp, key ? key : "");
    fputc(',', fp);
    cli_put_double(fp, v);
    fputc('\n', fp);
}

static void row_text(FILE *fp, const char *quantity, const char *key, const char *text)
{
    fputs(quantity, fp);
    fputc(',', fp);
    cli_csv_field(fp, key ? key : "");
    fputc(',', fp);
    cli_csv_field(fp, text);
    fputc('\n', fp);
}

/* "IND:k" into a buffer (NULL when out of memory). */
static const char *key2(cli_buf *b, const char *a, const char *sep, const char *c)
{
    b->len = 0;
    cli_buf_puts(b, "");
    cli_buf_puts(b, a);
    cli_buf_puts(b, sep);
    cli_buf_puts(b, c);
    return b->failed ? NULL : b->s;
}

static const char *key_k(cli_buf *b, const char *a, size_t k)
{
    char num[24];
    snprintf(num, sizeof num, "%zu", k + 1);
    return key2(b, a, ":", num);
}

/* Longest display width of the indicator names (at least `min`). */
static size_t name_width(const cli_run *run, size_t J, size_t min)
{
    size_t w = min, j;
    for (j = 0; j < J; j++) {
        size_t d = cli_display_width(ind(run, j));
        if (d > w)
            w = d;
    }
    return w;
}

/* A right-aligned number of a table, width 10 after two spaces. */
static void cell(FILE *fp, double v)
{
    char t[64];
    int n = snprintf(t, sizeof t, "%.*f", TABLE_DECIMALS, v);
    cli_pad(fp, n < 10 ? (size_t)(12 - n) : 2);
    fputs(t, fp);
}

static void head_cell(FILE *fp, const char *h)
{
    size_t n = strlen(h);
    cli_pad(fp, n < 10 ? 12 - n : 2);
    fputs(h, fp);
}

static void name_cell(FILE *fp, const char *name, size_t width)
{
    fputs(name, fp);
    cli_pad(fp, width - cli_display_width(name));
}

/* ------------------------------------------------------------------------ */
/* cix pca                                                                  */
/* ------------------------------------------------------------------------ */

/* Rotated sum of squared loadings of factor k. */
static double explained(const double *L, size_t J, size_t k)
{
    double s = 0;
    for (size_t j = 0; j < J; j++)
        s += L[k * J + j] * L[k * J + j];
    return s;
}

static void pca_csv(FILE *fp, const cli_run *run, const cix_pca *a, cli_buf *b)
{
    size_t J = cix_pca_nindicators(a), m = cix_pca_nfactors(a), j, k, it = 0;
    const double *ev = cix_pca_eigenvalues(a), *sh = cix_pca_variance_share(a);
    const double *L = cix_pca_loadings(a), *Lr = cix_pca_rotated(a);
    const size_t *fac = cix_pca_factor_of(a);
    const double *w = cix_pca_weights(a), *wc = cix_pca_coef_weights(a);
    const double *c = cix_pca_coefficients(a);
    char num[24];
    double cum = 0;
    int conv = cix_pca_varimax_converged(a, &it);

    cli_comment_line(fp, run);
    fputs("quantity,key,value\n", fp);
    row_num(fp, "factors", "m", (double)m);
    row_text(fp, "rule", "factors", cix_pca_rule(a));
    row_num(fp, "rows", "n", (double)cix_pca_nrows(a));
    for (k = 0; k < J; k++) {
        snprintf(num, sizeof num, "%zu", k + 1);
        row_num(fp, "eigenvalue", num, ev[k]);
    }
    for (k = 0; k < J; k++) {
        snprintf(num, sizeof num, "%zu", k + 1);
        row_num(fp, "share", num, sh[k]);
    }
    for (k = 0; k < J; k++) {
        snprintf(num, sizeof num, "%zu", k + 1);
        cum += sh[k];
        row_num(fp, "cumshare", num, cum);
    }
    for (j = 0; j < J; j++)
        for (k = 0; k < m; k++)
            row_num(fp, "loading_unrotated", key_k(b, ind(run, j), k), L[k * J + j]);
    for (j = 0; j < J; j++)
        for (k = 0; k < m; k++)
            row_num(fp, "loading", key_k(b, ind(run, j), k), Lr[k * J + j]);
    for (k = 0; k < m; k++) {
        snprintf(num, sizeof num, "%zu", k + 1);
        row_num(fp, "explained", num, explained(Lr, J, k));
    }
    for (j = 0; j < J; j++)
        row_num(fp, "factor", ind(run, j), (double)(fac[j] + 1));
    for (j = 0; j < J; j++)
        row_num(fp, "weight", ind(run, j), w[j]);
    for (j = 0; j < J; j++)
        for (k = 0; k < m; k++)
            row_num(fp, "u", key_k(b, ind(run, j), k), L[k * J + j] / sqrt(ev[k]));
    for (j = 0; j < J; j++)
        row_num(fp, "c", ind(run, j), c[j]);
    for (j = 0; j < J; j++)
        row_num(fp, "weight_coef", ind(run, j), wc[j]);
    row_num(fp, "varimax", "converged", conv ? 1 : 0);
    row_num(fp, "varimax", "iterations", (double)it);
}

static void pca_table(FILE *fp, const cli_run *run, const cix_pca *a)
{
    size_t J = cix_pca_nindicators(a), m = cix_pca_nfactors(a), j, k, it = 0;
    const double *ev = cix_pca_eigenvalues(a), *sh = cix_pca_variance_share(a);
    const double *L = cix_pca_loadings(a), *Lr = cix_pca_rotated(a);
    const size_t *fac = cix_pca_factor_of(a);
    const double *w = cix_pca_weights(a), *wc = cix_pca_coef_weights(a);
    size_t wn = name_width(run, J, strlen("indicator"));
    double cum = 0;
    int conv = cix_pca_varimax_converged(a, &it);
    char h[32];

    cli_comment_line(fp, run);
    fprintf(fp, "%zu rows, %zu indicators; %zu factor(s) retained: %s\n", cix_pca_nrows(a),
            J, m, cix_pca_rule(a));
    fprintf(fp, "varimax (Kaiser normalization): %s after %zu iteration(s)\n\n",
            conv ? "converged" : "DID NOT CONVERGE", it);
    fputs("factor", fp);
    head_cell(fp, "eigenvalue");
    head_cell(fp, "share");
    head_cell(fp, "cumulative");
    fputc('\n', fp);
    for (k = 0; k < J; k++) {
        int n = snprintf(h, sizeof h, "%zu", k + 1);
        cum += sh[k];
        fputs(h, fp);
        cli_pad(fp, 6 - (size_t)n);
        cell(fp, ev[k]);
        cell(fp, sh[k]);
        cell(fp, cum);
        fputs(k < m ? "  retained\n" : "\n", fp);
    }
    fputs("\nLoadings (unrotated L = V sqrt(lambda); rotated by varimax; each factor's "
          "sign makes its loadings sum > 0)\n",
          fp);
    name_cell(fp, "indicator", wn);
    for (k = 0; k < m; k++) {
        snprintf(h, sizeof h, "L%zu", k + 1);
        head_cell(fp, h);
    }
    for (k = 0; k < m; k++) {
        snprintf(h, sizeof h, "rotated%zu", k + 1);
        head_cell(fp, h);
    }
    fputs("  factor", fp);
    head_cell(fp, "w pca");
    head_cell(fp, "w pca-coef");
    fputc('\n', fp);
    for (j = 0; j < J; j++) {
        name_cell(fp, ind(run, j), wn);
        for (k = 0; k < m; k++)
            cell(fp, L[k * J + j]);
        for (k = 0; k < m; k++)
            cell(fp, Lr[k * J + j]);
        snprintf(h, sizeof h, "%zu", fac[j] + 1);
        cli_pad(fp, 8 - strlen(h));
        fputs(h, fp);
        cell(fp, w[j]);
        cell(fp, wc[j]);
        fputc('\n', fp);
    }
}

static void json_array(FILE *fp, const double *v, size_t n)
{
    fputc('[', fp);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", fp);
        cli_json_number(fp, v[i]);
    }
    fputc(']', fp);
}

/* "name": {IND: number, ...} */
static void json_by_indicator(FILE *fp, const cli_run *run, const char *name, const double *v,
                              size_t J)
{
    fprintf(fp, ",\n  \"%s\": {", name);
    for (size_t j = 0; j < J; j++) {
        fprintf(fp, "%s\n    ", j ? "," : "");
        cli_json_string(fp, ind(run, j));
        fputs(": ", fp);
        cli_json_number(fp, v[j]);
    }
    fputs(J ? "\n  }" : "}", fp);
}

/* "name": {IND: [m numbers], ...} from a column-major J x m matrix. */
static void json_loadings(FILE *fp, const cli_run *run, const char *name, const double *L,
                          size_t J, size_t m)
{
    fprintf(fp, ",\n  \"%s\": {", name);
    for (size_t j = 0; j < J; j++) {
        fprintf(fp, "%s\n    ", j ? "," : "");
        cli_json_string(fp, ind(run, j));
        fputs(": [", fp);
        for (size_t k = 0; k < m; k++) {
            if (k)
                fputs(", ", fp);
            cli_json_number(fp, L[k * J + j]);
        }
        fputc(']', fp);
    }
    fputs(J ? "\n  }" : "}", fp);
}

static int pca_json(FILE *fp, const cli_run *run, const cix_pca *a)
{
    size_t J = cix_pca_nindicators(a), m = cix_pca_nfactors(a), j, k, it = 0;
    const double *ev = cix_pca_eigenvalues(a), *sh = cix_pca_variance_share(a);
    const double *Lr = cix_pca_rotated(a);
    const size_t *fac = cix_pca_factor_of(a);
    double *tmp = malloc((J ? J : 1) * (m > 1 ? m : 1) * sizeof *tmp);
    double cum = 0;
    int conv = cix_pca_varimax_converged(a, &it);

    if (!tmp)
        return CLI_EXIT_NOMEM;
    cli_json_head(fp, run);
    fprintf(fp, "  \"rows\": %zu,\n  \"factors\": %zu,\n  \"rule\": ", cix_pca_nrows(a), m);
    cli_json_string(fp, cix_pca_rule(a));
    fputs(",\n  \"eigenvalues\": ", fp);
    json_array(fp, ev, J);
    fputs(",\n  \"shares\": ", fp);
    json_array(fp, sh, J);
    for (k = 0; k < J; k++) {
        cum += sh[k];
        tmp[k] = cum;
    }
    fputs(",\n  \"cumulative_shares\": ", fp);
    json_array(fp, tmp, J);
    json_loadings(fp, run, "loadings_unrotated", cix_pca_loadings(a), J, m);
    json_loadings(fp, run, "loadings", Lr, J, m);
    for (k = 0; k < m; k++)
        tmp[k] = explained(Lr, J, k);
    fputs(",\n  \"explained\": ", fp);
    json_array(fp, tmp, m);
    fputs(",\n  \"factor\": {", fp);
    for (j = 0; j < J; j++) {
        fprintf(fp, "%s\n    ", j ? "," : "");
        cli_json_string(fp, ind(run, j));
        fprintf(fp, ": %zu", fac[j] + 1);
    }
    fputs(J ? "\n  }" : "}", fp);
    json_by_indicator(fp, run, "weights", cix_pca_weights(a), J);
    for (j = 0; j < J; j++)
        for (k = 0; k < m; k++)
            tmp[k * J + j] = cix_pca_loadings(a)[k * J + j] / sqrt(ev[k]);
    json_loadings(fp, run, "coefficients_u", tmp, J, m);
    json_by_indicator(fp, run, "coefficients_c", cix_pca_coefficients(a), J);
    json_by_indicator(fp, run, "weights_coef", cix_pca_coef_weights(a), J);
    fprintf(fp, ",\n  \"varimax\": {\"converged\": %s, \"iterations\": %zu}\n}\n",
            conv ? "true" : "false", it);
    free(tmp);
    return CLI_EXIT_OK;
}

int cli_write_pca(FILE *fp, const cli_run *run, const cix_pca *pca)
{
    cli_buf b;
    int rc = CLI_EXIT_OK;
    cli_buf_init(&b);
    switch (run->format) {
    case CLI_FMT_JSON:
        rc = pca_json(fp, run, pca);
        break;
    case CLI_FMT_TABLE:
        pca_table(fp, run, pca);
        break;
    default:
        pca_csv(fp, run, pca, &b);
        if (b.failed)
            rc = CLI_EXIT_NOMEM;
        break;
    }
    cli_buf_free(&b);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* cix audit                                                                */
/* ------------------------------------------------------------------------ */

/* Flags in a fixed order: bit, name, for indicators and overall. */
static const struct {
    unsigned bit;
    const char *name;
} flag_names[] = {
    {CIX_AUDIT_KMO_LOW, "kmo_low"},
    {CIX_AUDIT_BARTLETT_NS, "bartlett_ns"},
    {CIX_AUDIT_OUTLIERS, "outliers"},
    {CIX_AUDIT_COLLINEAR, "collinear"},
    {CIX_AUDIT_NEGATIVE_IN_GROUP, "negative_in_group"},
};
#define NFLAGS (sizeof flag_names / sizeof flag_names[0])

size_t cli_audit_nflags(void)
{
    return NFLAGS;
}

unsigned cli_audit_flag_bit(size_t f)
{
    return flag_names[f].bit;
}

const char *cli_audit_flag_name(size_t f)
{
    return flag_names[f].name;
}

/* The explanation of flag f for indicator j (j = (size_t)-1: overall). */
void cli_audit_explain(cli_buf *b, const cli_run *run, const cix_audit *a, size_t f, size_t j)
{
    size_t J = cix_audit_nindicators(a), k, n = 0;
    const double *R = cix_audit_pearson(a);
    b->len = 0;
    cli_buf_puts(b, "");
    switch (flag_names[f].bit) {
    case CIX_AUDIT_KMO_LOW:
        if (j == (size_t)-1)
            cli_buf_printf(b, "KMO = %.3f < 0.5: the indicators share too little common "
                              "variance for factor analysis; PCA weights would be "
                              "unreliable", cix_audit_kmo(a));
        else
            cli_buf_printf(b, "KMO of this indicator = %.3f < 0.5: it shares little "
                              "variance with the others; consider leaving it out of PCA",
                           cix_audit_kmo_indicator(a)[j]);
        break;
    case CIX_AUDIT_BARTLETT_NS:
        cli_buf_printf(b, "Bartlett's test p = %.3g >= 0.05: the correlation matrix cannot "
                          "be told apart from the identity, so there is no common structure "
                          "for PCA to find", cix_audit_bartlett_p(a));
        break;
    case CIX_AUDIT_OUTLIERS:
        if (j == (size_t)-1) {
            cli_buf_puts(b, "some indicators have outliers by the JRC rule");
            break;
        }
        cli_buf_printf(b, "skewness %.3f and excess kurtosis %.3f (JRC rule: |skewness| > 2 "
                          "and kurtosis > 3.5): a few extreme values dominate this indicator; "
                          "consider --outliers jrc or --transform %s=log",
                       cix_audit_skewness(a)[j], cix_audit_kurtosis(a)[j], ind(run, j));
        break;
    case CIX_AUDIT_COLLINEAR:
        if (j == (size_t)-1) {
            cli_buf_puts(b, "some indicators are correlated above 0.92");
            break;
        }
        cli_buf_puts(b, "correlated above 0.92 with ");
        for (k = 0; k < J; k++) {
            if (k == j || !(fabs(R[k * J + j]) > 0.92))
                continue;
            cli_buf_printf(b, "%s%s (r = %.3f)", n++ ? ", " : "", ind(run, k), R[k * J + j]);
        }
        if (!n)
            cli_buf_puts(b, "another indicator");
        cli_buf_puts(b, ": they measure nearly the same thing and count twice; consider "
                        "keeping one");
        break;
    default:
        if (j == (size_t)-1) {
            cli_buf_puts(b, "some indicators are negatively correlated within their group");
            break;
        }
        cli_buf_puts(b, "negatively correlated with ");
        for (k = 0; k < J; k++) {
            if (k == j || !(R[k * J + j] < 0) ||
                (run->groups && run->groups[k] != run->groups[j]))
                continue;
            cli_buf_printf(b, "%s%s (r = %.3f)", n++ ? ", " : "", ind(run, k), R[k * J + j]);
        }
        if (!n)
            cli_buf_puts(b, "another indicator");
        if (run->groups)
            cli_buf_printf(b, " in group %s", run->group_names[j]);
        cli_buf_puts(b, ": indicators of one group should point the same way; check the "
                        "direction (--cost) or the grouping");
        break;
    }
}

static void audit_csv(FILE *fp, const cli_run *run, const cix_audit *a, cli_buf *b,
                      cli_buf *kb)
{
    size_t J = cix_audit_nindicators(a), j, k, f;
    const double *R = cix_audit_pearson(a), *S = cix_audit_spearman(a);
    const double *kmo = cix_audit_kmo_indicator(a);
    const unsigned *fl = cix_audit_flags(a);
    unsigned ofl = cix_audit_overall_flags(a);

    cli_comment_line(fp, run);
    fputs("quantity,key,value\n", fp);
    for (j = 0; j < J; j++)
        for (k = 0; k < J; k++)
            row_num(fp, "r", key2(kb, ind(run, j), ":", ind(run, k)), R[k * J + j]);
    for (j = 0; j < J; j++)
        for (k = 0; k < J; k++)
            row_num(fp, "rho", key2(kb, ind(run, j), ":", ind(run, k)), S[k * J + j]);
    row_num(fp, "kmo", "overall", cix_audit_kmo(a));
    for (j = 0; j < J; j++)
        row_num(fp, "kmo", ind(run, j), kmo[j]);
    row_num(fp, "bartlett", "chisq", cix_audit_bartlett_chisq(a));
    row_num(fp, "bartlett", "df", cix_audit_bartlett_df(a));
    row_num(fp, "bartlett", "p", cix_audit_bartlett_p(a));
    row_num(fp, "alpha", cix_normalization_name(run->opt.normalization),
            cix_audit_cronbach_alpha(a));
    for (j = 0; j < J; j++)
        row_num(fp, "skewness", ind(run, j), cix_audit_skewness(a)[j]);
    for (j = 0; j < J; j++)
        row_num(fp, "kurtosis", ind(run, j), cix_audit_kurtosis(a)[j]);
    for (f = 0; f < NFLAGS; f++) {
        if (!(ofl & flag_names[f].bit))
            continue;
        cli_audit_explain(b, run, a, f, (size_t)-1);
        row_text(fp, "flag", key2(kb, "overall", ":", flag_names[f].name), b->s ? b->s : "");
    }
    for (j = 0; j < J; j++) {
        for (f = 0; f < NFLAGS; f++) {
            if (!(fl[j] & flag_names[f].bit))
                continue;
            cli_audit_explain(b, run, a, f, j);
            row_text(fp, "flag", key2(kb, ind(run, j), ":", flag_names[f].name),
                     b->s ? b->s : "");
        }
    }
}

static void matrix_table(FILE *fp, const cli_run *run, const char *title, const double *M,
                         size_t J, size_t wn)
{
    size_t j, k;
    fprintf(fp, "\n%s\n", title);
    name_cell(fp, "", wn);
    for (k = 0; k < J; k++) {
        char h[32];
        snprintf(h, sizeof h, "[%zu]", k + 1);
        head_cell(fp, h);
    }
    fputc('\n', fp);
    for (j = 0; j < J; j++) {
        char h[32];
        snprintf(h, sizeof h, "[%zu] ", j + 1);
        fputs(h, fp);
        name_cell(fp, ind(run, j), wn > strlen(h) ? wn - strlen(h) : 0);
        for (k = 0; k < J; k++)
            cell(fp, M[k * J + j]);
        fputc('\n', fp);
    }
}

static void audit_table(FILE *fp, const cli_run *run, const cix_audit *a, cli_buf *b)
{
    size_t J = cix_audit_nindicators(a), j, f, nflags = 0;
    const unsigned *fl = cix_audit_flags(a);
    unsigned ofl = cix_audit_overall_flags(a);
    size_t wn = name_width(run, J, strlen("indicator")) + 6;

    cli_comment_line(fp, run);
    fprintf(fp, "KMO overall %.4f; Bartlett chi2 = %.4f, df = %.0f, p = %.4g; Cronbach's "
                "alpha (%s) = %.4f\n",
            cix_audit_kmo(a), cix_audit_bartlett_chisq(a), cix_audit_bartlett_df(a),
            cix_audit_bartlett_p(a), cix_normalization_name(run->opt.normalization),
            cix_audit_cronbach_alpha(a));
    fputc('\n', fp);
    name_cell(fp, "indicator", wn);
    head_cell(fp, "KMO");
    head_cell(fp, "skewness");
    head_cell(fp, "kurtosis");
    fputs("  flags\n", fp);
    for (j = 0; j < J; j++) {
        char h[32];
        int first = 1;
        snprintf(h, sizeof h, "[%zu] ", j + 1);
        fputs(h, fp);
        name_cell(fp, ind(run, j), wn - strlen(h));
        cell(fp, cix_audit_kmo_indicator(a)[j]);
        cell(fp, cix_audit_skewness(a)[j]);
        cell(fp, cix_audit_kurtosis(a)[j]);
        fputs("  ", fp);
        for (f = 0; f < NFLAGS; f++) {
            if (fl[j] & flag_names[f].bit) {
                fprintf(fp, "%s%s", first ? "" : ",", flag_names[f].name);
                first = 0;
            }
        }
        if (first)
            fputc('-', fp);
        fputc('\n', fp);
    }
    matrix_table(fp, run, "Pearson correlations (of the oriented values)", cix_audit_pearson(a),
                 J, wn);
    matrix_table(fp, run, "Spearman correlations", cix_audit_spearman(a), J, wn);
    fputs("\nFlags\n", fp);
    for (f = 0; f < NFLAGS; f++) {
        if (!(ofl & flag_names[f].bit))
            continue;
        cli_audit_explain(b, run, a, f, (size_t)-1);
        fprintf(fp, "  overall: %s: %s\n", flag_names[f].name, b->s ? b->s : "");
        nflags++;
    }
    for (j = 0; j < J; j++) {
        for (f = 0; f < NFLAGS; f++) {
            if (!(fl[j] & flag_names[f].bit))
                continue;
            cli_audit_explain(b, run, a, f, j);
            fprintf(fp, "  %s: %s: %s\n", ind(run, j), flag_names[f].name, b->s ? b->s : "");
            nflags++;
        }
    }
    if (!nflags)
        fputs("  none\n", fp);
}

static void json_matrix(FILE *fp, const cli_run *run, const char *name, const double *M,
                        size_t J)
{
    fprintf(fp, ",\n  \"%s\": {", name);
    for (size_t j = 0; j < J; j++) {
        fprintf(fp, "%s\n    ", j ? "," : "");
        cli_json_string(fp, ind(run, j));
        fputs(": {", fp);
        for (size_t k = 0; k < J; k++) {
            if (k)
                fputs(", ", fp);
            cli_json_string(fp, ind(run, k));
            fputs(": ", fp);
            cli_json_number(fp, M[k * J + j]);
        }
        fputc('}', fp);
    }
    fputs(J ? "\n  }" : "}", fp);
}

static void audit_json(FILE *fp, const cli_run *run, const cix_audit *a, cli_buf *b)
{
    size_t J = cix_audit_nindicators(a), j, f, n = 0;
    const unsigned *fl = cix_audit_flags(a);
    unsigned ofl = cix_audit_overall_flags(a);

    cli_json_head(fp, run);
    fputs("  \"kmo\": ", fp);
    cli_json_number(fp, cix_audit_kmo(a));
    json_by_indicator(fp, run, "kmo_indicator", cix_audit_kmo_indicator(a), J);
    fputs(",\n  \"bartlett\": {\"chisq\": ", fp);
    cli_json_number(fp, cix_audit_bartlett_chisq(a));
    fputs(", \"df\": ", fp);
    cli_json_number(fp, cix_audit_bartlett_df(a));
    fputs(", \"p\": ", fp);
    cli_json_number(fp, cix_audit_bartlett_p(a));
    fputs("},\n  \"cronbach_alpha\": ", fp);
    cli_json_number(fp, cix_audit_cronbach_alpha(a));
    json_by_indicator(fp, run, "skewness", cix_audit_skewness(a), J);
    json_by_indicator(fp, run, "kurtosis", cix_audit_kurtosis(a), J);
    json_matrix(fp, run, "pearson", cix_audit_pearson(a), J);
    json_matrix(fp, run, "spearman", cix_audit_spearman(a), J);
    fputs(",\n  \"flags\": [", fp);
    for (j = 0; j <= J; j++) {
        size_t jj = j == 0 ? (size_t)-1 : j - 1;
        unsigned bits = j == 0 ? ofl : fl[jj];
        for (f = 0; f < NFLAGS; f++) {
            if (!(bits & flag_names[f].bit))
                continue;
            cli_audit_explain(b, run, a, f, jj);
            fprintf(fp, "%s\n    {\"indicator\": ", n++ ? "," : "");
            if (j == 0)
                fputs("null", fp);
            else
                cli_json_string(fp, ind(run, jj));
            fprintf(fp, ", \"flag\": \"%s\", \"explanation\": ", flag_names[f].name);
            cli_json_string(fp, b->s ? b->s : "");
            fputc('}', fp);
        }
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", fp);
}

int cli_write_audit(FILE *fp, const cli_run *run, const cix_audit *au)
{
    cli_buf b, kb;
    int rc;
    cli_buf_init(&b);
    cli_buf_init(&kb);
    switch (run->format) {
    case CLI_FMT_JSON:
        audit_json(fp, run, au, &b);
        break;
    case CLI_FMT_TABLE:
        audit_table(fp, run, au, &b);
        break;
    default:
        audit_csv(fp, run, au, &b, &kb);
        break;
    }
    rc = b.failed || kb.failed ? CLI_EXIT_NOMEM : CLI_EXIT_OK;
    cli_buf_free(&b);
    cli_buf_free(&kb);
    return rc;
}
