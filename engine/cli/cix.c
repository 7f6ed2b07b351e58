/* The cix program: `cix score`, `cix weights`, help, version, exit codes.
 * It uses the public API (cix/cix.h) only. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "cli.h"

/* ------------------------------------------------------------------------ */
/* Errors and exit codes                                                    */
/* ------------------------------------------------------------------------ */

int cli_exit_code(cix_status st)
{
    switch (st) {
    case CIX_OK:
        return CLI_EXIT_OK;
    case CIX_EINVAL:
    case CIX_EUNSUPPORTED:
        return CLI_EXIT_USAGE;
    case CIX_EPARSE:
    case CIX_EDATA:
        return CLI_EXIT_DATA;
    case CIX_EDEGENERATE:
    case CIX_ENUMERIC:
        return CLI_EXIT_NUMERIC;
    case CIX_EIO:
        return CLI_EXIT_IO;
    case CIX_ENOMEM:
        return CLI_EXIT_NOMEM;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

int cli_report(cix_status st, const cix_error *err)
{
    char buf[CIX_ERROR_FILE_MAX + 3 * CIX_ERROR_NAME_MAX + CIX_ERROR_MESSAGE_MAX + 256];
    if (st == CIX_OK)
        st = err ? err->status : CIX_OK;
    if (st == CIX_OK) {
        fprintf(stderr, "cix: internal error: failure without a status\n");
        return CLI_EXIT_INTERNAL;
    }
    if (err && err->status != CIX_OK) {
        cix_error_format(err, buf, sizeof buf);
        fprintf(stderr, "cix: %s\n", buf);
    } else {
        fprintf(stderr, "cix: %s\n", cix_strerror(st));
    }
    return cli_exit_code(st);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    fputs("cix: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    fputs("cix: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (command)
        fprintf(stderr, "Try 'cix %s --help' for more information.\n", command);
    else
        fputs("Try 'cix --help' for more information.\n", stderr);
    return CLI_EXIT_USAGE;
}

/* ------------------------------------------------------------------------ */
/* Help                                                                     */
/* ------------------------------------------------------------------------ */

static const char exit_status_text[] =
    "Exit status:\n"
    "  0  success\n"
    "  1  internal error (a bug: please report it)\n"
    "  2  usage error: bad option or value, unknown command or indicator name,\n"
    "     missing panel file\n"
    "  3  bad input data: malformed CSV, values a method cannot use\n"
    "  4  numerical problem: constant indicator, zero sum, no convergence\n"
    "  5  input/output error: cannot read the panel or write the output\n"
    "  6  out of memory\n";

void cli_help_main(FILE *fp)
{
    fputs("Usage: cix COMMAND [OPTIONS] PANEL.csv...\n"
          "       cix --help | --version\n"
          "       cix help [COMMAND]\n"
          "\n"
          "Composite indices of regional economies: normalize the indicators of a\n"
          "regions x years panel, weight them, aggregate them into one score per\n"
          "region and year, and rank the regions within each year.\n"
          "\n"
          "Commands:\n"
          "  score     scores and ranks, one row per (region, year)\n"
          "  weights   the indicator weights only, one row per indicator\n"
          "  pca       principal components / factor analysis of the indicators\n"
          "  audit     correlations, KMO, Bartlett, Cronbach's alpha, outliers\n"
          "  fit       fit a model (indicator framework) on a panel and freeze it\n"
          "  targets   progress towards a model's targets, share of targets met\n"
          "  validate  check a model file and a panel against each other\n"
          "  convert   write a panel as a binary file that later runs load fast\n"
          "\n"
          "Run 'cix COMMAND --help' for the options of a command.\n"
          "\n"
          "Options:\n"
          "  -h, --help     this help\n"
          "  -V, --version  the version of the cix library linked into this program\n"
          "                 (cix_version_string())\n"
          "\n",
          fp);
    fputs(exit_status_text, fp);
    fputs("\n"
          "Examples:\n"
          "  cix score data/prov_mfg_innovation_2018_2023.complete30.csv\n"
          "  cix weights -n none -w entropy panel.csv\n"
          "  cix pca --format table tests/fixtures/tai23.csv\n"
          "  cix audit --impute mean panel.csv\n"
          "  cix score --model models/prov_innovation.csv --format table "
          "data/prov_mfg_innovation_2018_2023.complete30.csv\n"
          "  cix fit --model M.csv -o fitted.cixfit panel_2018_2021.csv\n"
          "  cix score --fitted fitted.cixfit panel_2022_2023.csv\n",
          fp);
}

static const char normalization_text[] =
    "Normalization (docs/methods.md gives every formula):\n"
    "  -n, --normalization NAME  none | minmax | zscore | rank | percentile |\n"
    "                            ratio-mean | ratio-max | ratio-min | vector | target |\n"
    "                            goalposts | efficacy (default minmax)\n"
    "      --range L,U           output range of minmax (default 0,1)\n"
    "      --ddof D              zscore, sd, critic: sd with n-1 (1, default) or n (0)\n"
    "      --no-cap              target: do not cap the values at 1\n"
    "      --target IND=T        target of IND for -n target\n"
    "      --goalposts IND=LO,HI fixed goalposts of IND (goalposts; lo/hi of target)\n"
    "      --efficacy IND=S,N    satisfactory and not-allowed values of IND for\n"
    "                            -n efficacy (default: max and min over the scope)\n"
    "      --params FILE         the same per-indicator values from a CSV file with the\n"
    "                            columns indicator and any of target, lo, hi,\n"
    "                            satisfactory, not_allowed, transform (empty = not\n"
    "                            given); options on the command line override it\n"
    "      --scope SCOPE         the rows that statistics and weights are taken over:\n"
    "                            pooled (all years, default), year (each year on its\n"
    "                            own) or base:YYYY (the statistics of year YYYY)\n";

static const char pretreat_text[] =
    "\n"
    "Pre-treatment (reported as notes on standard error):\n"
    "      --transform IND=T     log or log1p-shift (log(x - min + 1)) of IND first\n"
    "      --outliers RULE       none (default) or jrc: winsorize up to 5 values of an\n"
    "                            indicator with |skewness| > 2 and kurtosis > 3.5, else\n"
    "                            take log1p-shift\n"
    "      --impute NAME         none (default), mean, median (over the scope), interp\n"
    "                            (linear across years), locf (last observation carried\n"
    "                            forward); present values are never changed\n"
    "      --min-coverage-indicator S, --min-coverage-region S\n"
    "                            drop indicators / regions with less than the share S\n"
    "                            (0..1, or 80%) of cells present (default 0: keep all)\n"
    "      --drop-constant       drop indicators constant over the scope (reported)\n"
    "                            instead of failing\n"
    "      --cell-notes          also one note per imputed or winsorized cell (default:\n"
    "                            one note per indicator with the number of cells)\n";

static const char weights_text[] =
    "\n"
    "Weights:\n"
    "  -w, --weights NAME        equal | entropy | fixed | sd | cv | critic | pca |\n"
    "                            pca-coef (default entropy)\n"
    "      --weights-file FILE   a CSV file with the columns indicator,weight: the\n"
    "                            weights of -w fixed (implied), or the subjective\n"
    "                            weights of --combine; rescaled to sum 1\n"
    "      --combine RULE        combine the --weights-file weights a with those of -w,\n"
    "                            b: mult (a*b normalized) or linear:ALPHA\n"
    "                            (ALPHA*a + (1-ALPHA)*b)\n"
    "      --factors N|auto      pca, pca-coef: number of factors (default auto:\n"
    "                            eigenvalues > 1, extended until 60% of the variance)\n"
    "      --average-weights     with --scope year: average the yearly weights\n"
    "      --shift D             entropy: add D to every normalized value (default 0)\n"
    "      --smooth A            entropy: use A + (1-A) y (default 0: off)\n";

static const char score_only_text[] =
    "\n"
    "Aggregation and ranks:\n"
    "  -a, --aggregation NAME    linear | geometric | harmonic | power | topsis\n"
    "                            (default linear); geometric, harmonic and power with\n"
    "                            p < 0 need every normalized value > 0 (e.g.\n"
    "                            --range 1,100), power with p > 0 needs values >= 0\n"
    "      --power P             the exponent of -a power (default 1), not 0\n"
    "      --ties NAME           ranks of equal scores: min (1,1,3; default),\n"
    "                            average (1.5,1.5,3) or dense (1,1,2)\n";

static const char explain_text[] =
    "      --explain WHAT        top3 (default): name the three indicators that help\n"
    "                            and hurt each score most; none: leave them out,\n"
    "                            which lets large panels run in less time and\n"
    "                            memory (the scores are the same)\n";

static const char weights_out_text[] =
    "      --weights-out FILE    also write the weights of the run to FILE (CSV,\n"
    "                            atomically): the comment line of the run, then\n"
    "                            indicator,METHOD (year,indicator,METHOD with --scope\n"
    "                            year), the bytes of 'cix weights -w METHOD'\n"
    "      --compare-weights M[,M...]\n"
    "                            with --weights-out: one more column per method\n"
    "                            (equal, entropy, sd, cv, critic, pca, pca-coef)\n"
    "                            from the panel already read, exactly as\n"
    "                            'cix weights -w M' with the same options computes\n"
    "                            them; one panel file\n";

static const char direction_text[] =
    "\n"
    "Indicator directions (default: every indicator is a benefit, larger is better):\n"
    "      --cost LIST           comma-separated indicators for which smaller is better\n"
    "      --direction NAME=SPEC the direction of one indicator: + (benefit), - (cost),\n"
    "                            [a,b] (best inside a..b) or =t (best at t);\n"
    "                            repeatable; a later option overrides an earlier one\n"
    "\n"
    "Input:\n"
    "      --region-column NAME  the column of region names (default region)\n"
    "      --year-column NAME    the column of years (default year; a file without it\n"
    "                            is a cross-section)\n"
    "      --delimiter D         auto, ',' , ';' or tab (default auto: detected from\n"
    "                            the header line)\n"
    "      --na LIST             comma-separated cell texts that mean missing\n"
    "                            (default: the empty cell, NA, NaN, -, .., \xE2\x80\xA6)\n"
    "\n"
    "Output:\n"
    "      --format FMT          table, csv or json (default: table when standard\n"
    "                            output is a terminal, csv otherwise); cix score also\n"
    "                            csv-long, csv-wide and xlsx (needs -o)\n"
    "  -o, --output FILE         write FILE instead of standard output; FILE is\n"
    "                            replaced atomically, and left untouched on failure;\n"
    "                            -o DIR/ (or an existing directory): one file per\n"
    "                            panel, DIR/NAME.scores.EXT\n"
    "      --threads N           worker threads, 0 = automatic (default); results\n"
    "                            never depend on it\n"
    "  -q, --quiet               no warnings or notes on standard error\n"
    "  -h, --help                this help\n"
    "\n";

/* The pre-treatment and direction options without normalization (cix pca). */
static const char pca_scope_text[] =
    "Scope:\n"
    "      --scope SCOPE         the rows that the interval/target transforms and\n"
    "                            mean/median imputation use: pooled (default), year or\n"
    "                            base:YYYY; the correlations are over all rows\n";

void cli_help_command(FILE *fp, cli_command c)
{
    switch (c) {
    case CLI_CMD_SCORE:
        fputs("Usage: cix score [OPTIONS] PANEL.csv|DIR...\n"
              "       cix score --model M.csv [OPTIONS] PANEL.csv|DIR...\n"
              "       cix score --fitted FITTED [--model M.csv] PANEL.csv|DIR...\n"
              "\n"
              "Normalizes the indicators of the panel, weights them, aggregates them into\n"
              "one score per row (region, year) and ranks the regions within each year\n"
              "(highest score = rank 1). Each panel is scored on its own; a directory\n"
              "stands for its *.csv files in name order. Several panels go to -o DIR/\n"
              "(one output each) or, without -o, to standard output as one stream with a\n"
              "'file' column first (JSON: an array of documents); a progress bar is drawn\n"
              "on standard error when it is a terminal (not with -q).\n"
              "\n"
              "Models:\n"
              "      --model M.csv         score the indicator framework of M.csv (docs/\n"
              "                            models.md): every pillar's score and rank; -n, -w\n"
              "                            and -a are the defaults for the levels the model\n"
              "                            leaves empty; directions, weights and targets come\n"
              "                            from the model\n"
              "      --fitted FITTED       score with a model frozen by 'cix fit' (its methods,\n"
              "                            statistics and weights); with --model, the units\n"
              "                            and directions of M.csv must match the fit's\n"
              "\n",
              fp);
        fputs(normalization_text, fp);
        fputs(pretreat_text, fp);
        fputs(weights_text, fp);
        fputs(score_only_text, fp);
        fputs(explain_text, fp);
        fputs(weights_out_text, fp);
        fputs(direction_text, fp);
        fputs("Output: a first line '# cix VERSION score OPTIONS PANEL' that records every\n"
              "option in force, then (CSV) the header region,year,score,rank,rank_change,\n"
              "help_1..3,hurt_1..3 (the indicators that help and hurt the score most:\n"
              "largest and smallest w*y for linear aggregation, else the best and worst\n"
              "relative rank among the year's regions), then with a model one column per\n"
              "pillar; one row per region and year,\n"
              "ordered by year, then rank, then input order. rank_change is the rank of\n"
              "the year before minus this rank (positive = moved up), empty in the first\n"
              "year or for a region absent the year before. Numbers read back bit-exact;\n"
              "ranks are whole numbers, or halves with --ties average. JSON holds the same\n"
              "plus the weights and the notes; the table rounds scores to 4 decimals and\n"
              "lists the weights. What the engine did to the data (imputed cells,\n"
              "winsorized values, dropped indicators, warnings) is printed on standard\n"
              "error as 'cix: note: ...'.\n"
              "\n",
              fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Examples:\n"
              "  cix score data/prov_mfg_innovation_2018_2023.complete30.csv\n"
              "  cix score -n minmax --range 0.002,0.998 -w entropy --cost x2 panel.csv\n"
              "  cix score --scope year --ties average --format json -o scores.json "
              "panel.csv\n"
              "  cix score --direction 'inflation=[1,3]' --cost unemployment panel.csv\n"
              "  cix score --weights-file weights.csv --format table panel.csv\n"
              "  cix score -n minmax --range 1,100 -a geometric -w critic panel.csv\n"
              "  cix score -n vector -w fixed --weights-file w.csv -a topsis --cost c2 "
              "panel.csv\n"
              "  cix score -n efficacy --efficacy rd=3.5,0.5 --impute interp panel.csv\n"
              "  cix score -w pca --factors auto --impute mean --outliers jrc panel.csv\n"
              "  cix score -w entropy --weights-file expert.csv --combine linear:0.5 "
              "panel.csv\n"
              "  cix score -o s.csv --weights-out w.csv --compare-weights pca,critic "
              "panel.csv\n"
              "  cix score --format csv-long -o results/ data/\n"
              "  cix score --model models/prov_innovation.csv --format xlsx -o ranks.xlsx "
              "panel.csv\n"
              "  cix score --fitted fitted.cixfit panel_2024.csv\n",
              fp);
        fputs("\n"
              "Formats: table; csv; json; csv-long (region,year,node,quantity,value with the\n"
              "quantities score, rank, rank_change, normalized, weight, helps, hurts);\n"
              "csv-wide (one row per region, score_YYYY,rank_YYYY); xlsx (sheets scores,\n"
              "pillar scores with a model, weights, normalized data, notes, audit).\n",
              fp);
        break;
    case CLI_CMD_FIT:
        fputs("Usage: cix fit --model M.csv [OPTIONS] PANEL.csv -o FITTED\n"
              "\n"
              "Scores the panel with the model and freezes what scoring needs: every\n"
              "indicator's normalization statistics, the weights at every level, TOPSIS\n"
              "ideal points, the options, the engine version and the model itself\n"
              "(docs/models.md, 'Fitted model files'). 'cix score --fitted FITTED' then\n"
              "scores new years exactly as the fit years were scored. Fitting the same\n"
              "data again writes the same bytes. Scope year is fitted as pooled; rank,\n"
              "percentile and --outliers jrc cannot be frozen.\n"
              "\n",
              fp);
        fputs(normalization_text, fp);
        fputs(pretreat_text, fp);
        fputs(weights_text, fp);
        fputs(score_only_text, fp);
        fputs(direction_text, fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Example:\n"
              "  cix fit --model models/prov_innovation.csv -o prov.cixfit "
              "panel_2018_2021.csv\n",
              fp);
        break;
    case CLI_CMD_TARGETS:
        fputs("Usage: cix targets --model M.csv [--baseline-year YYYY] [OPTIONS] PANEL.csv\n"
              "\n"
              "Progress of every region and year towards the Target of each indicator of\n"
              "the model: (x - b) / (t - b) capped to [0, 1], with b the indicator's\n"
              "Baseline, else the region's value in the baseline year; and per row the\n"
              "number of targets met, the number known and the share met.\n"
              "\n"
              "      --model M.csv         the model with a Target column\n"
              "      --baseline-year YYYY  the year whose values are the baselines of the\n"
              "                            indicators without a Baseline cell\n"
              "\n"
              "Output (CSV): region,year,met,known,share_met and one progress column per\n"
              "target indicator (empty = unknown). JSON adds the targets and units.\n",
              fp);
        fputs(strstr(direction_text, "\nInput:"), fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Example:\n"
              "  cix targets --model models/guizhou_2025_targets.csv --baseline-year 2020 "
              "panel.csv\n",
              fp);
        break;
    case CLI_CMD_VALIDATE:
        fputs("Usage: cix validate --model M.csv [OPTIONS] PANEL.csv\n"
              "\n"
              "Checks the model file (one root, parents exist, no cycles, levels, well-formed\n"
              "directions, weights and methods, unique codes) and the panel against it\n"
              "(every indicator and denominator a column) and computes nothing. Errors\n"
              "name the model file and line. Input options: --region-column,\n"
              "--year-column, --delimiter, --na.\n"
              "\n",
              fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Example:\n"
              "  cix validate --model data/asem/asem_meta.csv --region-column uName "
              "--year-column Time data/asem/asem_data.csv\n",
              fp);
        break;
    case CLI_CMD_WEIGHTS:
        fputs("Usage: cix weights [OPTIONS] PANEL.csv\n"
              "\n"
              "Prints the indicator weights, one row per indicator in input order:\n"
              "CSV 'indicator,weight' (with --scope year and no --average-weights:\n"
              "'year,indicator,weight', one block per year). With --format json, one\n"
              "object whose \"weights\" member maps each indicator to its weight; with\n"
              "-w pca or pca-coef it also has \"eigenvalues\" (descending) and\n"
              "\"loadings\" (indicator -> one loading per retained factor: rotated for\n"
              "pca, unrotated for pca-coef). A dropped indicator has weight 0.\n"
              "\n",
              fp);
        fputs(normalization_text, fp);
        fputs(pretreat_text, fp);
        fputs(weights_text, fp);
        fputs(direction_text, fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Examples:\n"
              "  cix weights -n none -w entropy panel.csv\n"
              "  cix weights -n minmax --range 0.002,0.998 --cost x2 panel.csv\n"
              "  cix weights --scope year --format table panel.csv\n"
              "  cix weights -w critic --ddof 0 panel.csv\n"
              "  cix weights -w pca --factors 4 --format json tai23.csv\n",
              fp);
        break;
    case CLI_CMD_PCA:
        fputs("Usage: cix pca [OPTIONS] PANEL.csv\n"
              "\n"
              "Principal components of the correlation matrix of the indicators (after\n"
              "pre-treatment, oriented by the directions: cost indicators negated,\n"
              "interval and target indicators turned into benefit values): eigenvalues,\n"
              "shares of variance and their cumulative sum, the factor-count rule applied\n"
              "and the number m of factors, the unrotated loadings L = V sqrt(lambda) and\n"
              "the varimax-rotated ones (each factor's sign flipped so its loadings sum\n"
              "> 0; rotated factors ordered by explained variance), each indicator's\n"
              "factor, and the weights of -w pca and -w pca-coef. Missing cells must be\n"
              "imputed (--impute).\n"
              "\n",
              fp);
        fputs(pca_scope_text, fp);
        fputs("      --factors N|auto      number of factors (default auto: eigenvalues > 1,\n"
              "                            extended until 60% of the variance)\n",
              fp);
        fputs(pretreat_text, fp);
        fputs(direction_text, fp);
        fputs("Output: CSV is one table quantity,key,value: factors,m; rule,factors;\n"
              "rows,n; eigenvalue,k; share,k; cumshare,k; loading_unrotated,IND:k;\n"
              "loading,IND:k (rotated); explained,k (rotated sum of squares); factor,IND;\n"
              "weight,IND (pca); u,IND:k (eigenvector coefficients); c,IND;\n"
              "weight_coef,IND (pca-coef); varimax,converged; varimax,iterations.\n"
              "k is 1-based. The table and JSON show the same.\n"
              "\n",
              fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Examples:\n"
              "  cix pca --format table tests/fixtures/tai23.csv\n"
              "  cix pca --factors 4 tests/fixtures/tai23.csv\n"
              "  cix pca --impute mean --cost energy --format json panel.csv\n",
              fp);
        break;
    default:
        fputs("Usage: cix audit [OPTIONS] PANEL.csv\n"
              "\n"
              "Statistical audit of the indicators (after pre-treatment, oriented by the\n"
              "directions): Pearson and Spearman correlation matrices, KMO overall and per\n"
              "indicator, Bartlett's sphericity test (chi-square, df, p), Cronbach's alpha\n"
              "of the normalized values (-n), skewness and excess kurtosis, and flags with\n"
              "their explanation: kmo_low (KMO < 0.5), bartlett_ns (p >= 0.05), outliers\n"
              "(JRC rule), collinear (|r| > 0.92), negative_in_group (a negative\n"
              "correlation inside a group of --groups). Missing cells must be imputed.\n"
              "\n",
              fp);
        fputs(normalization_text, fp);
        fputs("      --groups IND=G,...    the group (pillar) of every indicator, for the\n"
              "                            negative-correlation flag (default: one group)\n",
              fp);
        fputs(pretreat_text, fp);
        fputs(direction_text, fp);
        fputs("Output: CSV is one table quantity,key,value: r,A:B and rho,A:B (full\n"
              "matrices); kmo,overall; kmo,IND; bartlett,chisq|df|p; alpha,NORMALIZATION;\n"
              "skewness,IND; kurtosis,IND; flag,IND:FLAG (or overall:FLAG) with the\n"
              "explanation as its value. The table and JSON show the same.\n"
              "\n",
              fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Examples:\n"
              "  cix audit --format table tests/fixtures/tai23.csv\n"
              "  cix audit --impute mean --groups 'a=p1,b=p1,c=p2' panel.csv\n"
              "  cix audit -n zscore --format json panel.csv\n",
              fp);
        break;
    }
}

static int print_version(void)
{
    printf("cix %s\n", cix_version_string());
    if (cix_version_number() != CIX_VERSION_NUMBER)
        printf("(built with the headers of cix %s)\n", CIX_VERSION_STRING);
    return fflush(stdout) == 0 && !ferror(stdout) ? CLI_EXIT_OK : CLI_EXIT_IO;
}

static int command_from_name(const char *name, cli_command *c)
{
    if (strcmp(name, "score") == 0)
        *c = CLI_CMD_SCORE;
    else if (strcmp(name, "weights") == 0)
        *c = CLI_CMD_WEIGHTS;
    else if (strcmp(name, "pca") == 0)
        *c = CLI_CMD_PCA;
    else if (strcmp(name, "audit") == 0)
        *c = CLI_CMD_AUDIT;
    else if (strcmp(name, "fit") == 0)
        *c = CLI_CMD_FIT;
    else if (strcmp(name, "targets") == 0)
        *c = CLI_CMD_TARGETS;
    else if (strcmp(name, "validate") == 0)
        *c = CLI_CMD_VALIDATE;
    else
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* main                                                                     */
/* ------------------------------------------------------------------------ */

/* The BLAS on one thread, unless OPENBLAS_NUM_THREADS sets its count. By
 * default OpenBLAS takes a thread per core, and its DSYRK (the correlation
 * behind PCA, CRITIC and the audit) orders its additions by its thread
 * count: the last bits of those results would change with the machine's
 * cores. On one thread they do not, and the engine's own threads work
 * beside the BLAS (they centre the next block of rows while it multiplies
 * one), so nothing is lost. */
static void blas_threads(void)
{
    const char *s = getenv("OPENBLAS_NUM_THREADS");
    if (!s || !*s)
        openblas_set_num_threads(1);
}

int main(int argc, char **argv)
{
    const char *name;
    cli_command command;
    cli_run run;
    int rc, show_help = 0;

    blas_threads();
    if (argc < 2)
        return cli_usage_error(NULL, "missing command: cix score|weights|pca|audit|fit|targets|validate|convert "
                                     "[OPTIONS] "
                                     "PANEL.csv");
    name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        cli_help_main(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)
        return print_version();
    if (strcmp(name, "convert") == 0)
        return cli_convert(argc - 1, argv + 1);
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            cli_help_main(stdout);
            return CLI_EXIT_OK;
        }
        if (strcmp(argv[2], "convert") == 0) {
            cli_help_convert(stdout);
            return CLI_EXIT_OK;
        }
        if (command_from_name(argv[2], &command) != 0)
            return cli_usage_error(NULL, "unknown command '%s'; the commands are score, "
                                         "weights, pca, audit, fit, targets, validate and "
                                         "convert", argv[2]);
        cli_help_command(stdout, command);
        return CLI_EXIT_OK;
    }
    if (command_from_name(name, &command) != 0) {
        if (name[0] == '-')
            return cli_usage_error(NULL, "unknown option '%s' (options go after the "
                                         "command)", name);
        return cli_usage_error(NULL, "unknown command '%s'; the commands are score, "
                                     "weights, pca, audit, fit, targets, validate and "
                                     "convert", name);
    }

    cli_run_init(&run, command);
    rc = cli_parse_args(&run, argc - 1, argv + 1, &show_help);
    if (rc == CLI_EXIT_OK && show_help)
        cli_help_command(stdout, command);
    else if (rc == CLI_EXIT_OK)
        rc = command == CLI_CMD_SCORE      ? cli_run_score(&run)
             : command == CLI_CMD_WEIGHTS  ? cli_run_weights(&run)
             : command == CLI_CMD_PCA      ? cli_run_pca(&run)
             : command == CLI_CMD_FIT      ? cli_run_fit(&run)
             : command == CLI_CMD_TARGETS  ? cli_run_targets(&run)
             : command == CLI_CMD_VALIDATE ? cli_run_validate(&run)
                                           : cli_run_audit(&run);
    cli_run_free(&run);
    return rc;
}
