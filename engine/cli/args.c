/* Command-line options of `cix score` and `cix weights`, the directions
 * given by name, and the canonical command line that reproduces a run. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    OPT_RANGE = 256,
    OPT_WEIGHTS_FILE,
    OPT_SCOPE,
    OPT_AVERAGE_WEIGHTS,
    OPT_SHIFT,
    OPT_SMOOTH,
    OPT_COST,
    OPT_DIRECTION,
    OPT_TIES,
    OPT_REGION_COLUMN,
    OPT_YEAR_COLUMN,
    OPT_DELIMITER,
    OPT_NA,
    OPT_FORMAT,
    OPT_THREADS,
    OPT_DDOF,
    OPT_NO_CAP,
    OPT_TARGET,
    OPT_GOALPOSTS,
    OPT_EFFICACY,
    OPT_TRANSFORM,
    OPT_PARAMS,
    OPT_OUTLIERS,
    OPT_IMPUTE,
    OPT_MIN_COV_IND,
    OPT_MIN_COV_REG,
    OPT_DROP_CONSTANT,
    OPT_CELL_NOTES,
    OPT_FACTORS,
    OPT_COMBINE,
    OPT_POWER,
    OPT_GROUPS,
    OPT_MODEL,
    OPT_FITTED,
    OPT_BASELINE_YEAR,
    OPT_EXPLAIN,
    OPT_WEIGHTS_OUT,
    OPT_COMPARE_WEIGHTS
};

static const struct option long_options[] = {
    {"normalization", required_argument, NULL, 'n'},
    {"range", required_argument, NULL, OPT_RANGE},
    {"weights", required_argument, NULL, 'w'},
    {"weights-file", required_argument, NULL, OPT_WEIGHTS_FILE},
    {"aggregation", required_argument, NULL, 'a'},
    {"scope", required_argument, NULL, OPT_SCOPE},
    {"average-weights", no_argument, NULL, OPT_AVERAGE_WEIGHTS},
    {"shift", required_argument, NULL, OPT_SHIFT},
    {"smooth", required_argument, NULL, OPT_SMOOTH},
    {"cost", required_argument, NULL, OPT_COST},
    {"direction", required_argument, NULL, OPT_DIRECTION},
    {"ties", required_argument, NULL, OPT_TIES},
    {"region-column", required_argument, NULL, OPT_REGION_COLUMN},
    {"year-column", required_argument, NULL, OPT_YEAR_COLUMN},
    {"delimiter", required_argument, NULL, OPT_DELIMITER},
    {"na", required_argument, NULL, OPT_NA},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"ddof", required_argument, NULL, OPT_DDOF},
    {"no-cap", no_argument, NULL, OPT_NO_CAP},
    {"target", required_argument, NULL, OPT_TARGET},
    {"goalposts", required_argument, NULL, OPT_GOALPOSTS},
    {"efficacy", required_argument, NULL, OPT_EFFICACY},
    {"transform", required_argument, NULL, OPT_TRANSFORM},
    {"params", required_argument, NULL, OPT_PARAMS},
    {"outliers", required_argument, NULL, OPT_OUTLIERS},
    {"impute", required_argument, NULL, OPT_IMPUTE},
    {"min-coverage-indicator", required_argument, NULL, OPT_MIN_COV_IND},
    {"min-coverage-region", required_argument, NULL, OPT_MIN_COV_REG},
    {"drop-constant", no_argument, NULL, OPT_DROP_CONSTANT},
    {"cell-notes", no_argument, NULL, OPT_CELL_NOTES},
    {"factors", required_argument, NULL, OPT_FACTORS},
    {"combine", required_argument, NULL, OPT_COMBINE},
    {"power", required_argument, NULL, OPT_POWER},
    {"groups", required_argument, NULL, OPT_GROUPS},
    {"model", required_argument, NULL, OPT_MODEL},
    {"fitted", required_argument, NULL, OPT_FITTED},
    {"baseline-year", required_argument, NULL, OPT_BASELINE_YEAR},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"weights-out", required_argument, NULL, OPT_WEIGHTS_OUT},
    {"compare-weights", required_argument, NULL, OPT_COMPARE_WEIGHTS},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static const char short_options[] = ":n:w:a:o:qh";

/* "--name" (or "-x") of an option value, for messages. */
static void option_text(int val, char *buf, size_t size)
{
    size_t i;
    for (i = 0; long_options[i].name; i++) {
        if (long_options[i].val == val) {
            if (val < 256)
                snprintf(buf, size, "-%c/--%s", (char)val, long_options[i].name);
            else
                snprintf(buf, size, "--%s", long_options[i].name);
            return;
        }
    }
    snprintf(buf, size, "-%c", val > 0 && val < 128 ? (char)val : '?');
}

/* NULL if option c applies to the command, else the end of a message
 * "option X ...". */
static const char *not_applicable(cli_command command, int c)
{
    int score_only = c == 'a' || c == OPT_TIES || c == OPT_POWER;
    int weights_only = c == 'w' || c == OPT_WEIGHTS_FILE || c == OPT_COMBINE ||
                       c == OPT_SHIFT || c == OPT_SMOOTH || c == OPT_AVERAGE_WEIGHTS;
    int normalize_only = c == 'n' || c == OPT_RANGE || c == OPT_DDOF || c == OPT_NO_CAP ||
                         c == OPT_TARGET || c == OPT_GOALPOSTS || c == OPT_EFFICACY;
    int input_output = c == OPT_REGION_COLUMN || c == OPT_YEAR_COLUMN || c == OPT_DELIMITER ||
                       c == OPT_NA || c == OPT_FORMAT || c == 'o' || c == OPT_THREADS ||
                       c == 'q' || c == 'h' || c == OPT_MODEL;
    if (c == OPT_BASELINE_YEAR && command != CLI_CMD_TARGETS)
        return "applies to 'cix targets' only";
    if ((c == OPT_EXPLAIN || c == OPT_WEIGHTS_OUT || c == OPT_COMPARE_WEIGHTS) &&
        command != CLI_CMD_SCORE)
        return "applies to 'cix score' only";
    if (c == OPT_FITTED && command != CLI_CMD_SCORE)
        return "applies to 'cix score' only";
    if (c == OPT_MODEL && command != CLI_CMD_SCORE && command != CLI_CMD_FIT &&
        command != CLI_CMD_TARGETS && command != CLI_CMD_VALIDATE)
        return "applies to 'cix score', 'fit', 'targets' and 'validate' only";
    switch (command) {
    case CLI_CMD_FIT:
        if (c == OPT_GROUPS || c == OPT_FORMAT)
            return "does not apply to 'cix fit' (it writes the fitted model file of -o)";
        return NULL;
    case CLI_CMD_TARGETS:
        if (input_output || c == OPT_BASELINE_YEAR)
            return NULL;
        return "does not apply to 'cix targets' (the model gives the targets and baselines)";
    case CLI_CMD_VALIDATE:
        if (input_output && c != OPT_FORMAT && c != 'o')
            return NULL;
        return "does not apply to 'cix validate' (it checks the model against the panel)";
    case CLI_CMD_SCORE:
        return c == OPT_GROUPS ? "applies to 'cix audit' only" : NULL;
    case CLI_CMD_WEIGHTS:
        if (score_only)
            return "applies to 'cix score' only";
        return c == OPT_GROUPS ? "applies to 'cix audit' only" : NULL;
    case CLI_CMD_PCA:
        if (score_only || weights_only || normalize_only || c == OPT_GROUPS)
            return "does not apply to 'cix pca' (PCA works on the pre-treated values, "
                   "oriented by the directions, not on normalized ones)";
        return NULL;
    case CLI_CMD_AUDIT:
        if (score_only || weights_only || c == OPT_FACTORS)
            return "does not apply to 'cix audit'";
        return NULL;
    default:
        return NULL;
    }
}

/* Parses "IND=VALUE" style per-indicator options later, once the panel's
 * indicator names are known. */
static int add_param(cli_run *run, cli_param_kind kind, const char *text)
{
    if (run->npargs == run->pargs_cap) {
        size_t cap = run->pargs_cap ? 2 * run->pargs_cap : 8;
        cli_param_arg *d = realloc(run->pargs, cap * sizeof *d);
        if (!d)
            return -1;
        run->pargs = d;
        run->pargs_cap = cap;
    }
    run->pargs[run->npargs].kind = kind;
    run->pargs[run->npargs].text = text;
    run->npargs++;
    return 0;
}

/* A share in [0,1], also written as a percentage "80%". */
static int parse_share(const char *s, double *out)
{
    size_t n = strlen(s);
    double v;
    if (n > 1 && s[n - 1] == '%') {
        if (cix_parse_double(s, n - 1, &v) != 0)
            return -1;
        v /= 100.0;
    } else if (cix_parse_double(s, n, &v) != 0) {
        return -1;
    }
    if (!(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

/* Parses a complete number, locale-independently. */
static int parse_number(const char *s, double *out)
{
    return cix_parse_double(s, strlen(s), out);
}

static int add_dir(cli_run *run, int is_cost, const char *text)
{
    if (run->ndirs == run->dirs_cap) {
        size_t cap = run->dirs_cap ? 2 * run->dirs_cap : 8;
        cli_dir_arg *d = realloc(run->dirs, cap * sizeof *d);
        if (!d)
            return -1;
        run->dirs = d;
        run->dirs_cap = cap;
    }
    run->dirs[run->ndirs].is_cost_list = is_cost;
    run->dirs[run->ndirs].text = text;
    run->ndirs++;
    return 0;
}

/* Splits the --na list at commas into o->na_strings (the strings live in
 * *copy, which the caller frees). Returns 0, -1 (too many), -2 (memory). */
int cli_split_na(cix_read_options *o, const char *list, char **copy)
{
    char *p;
    size_t n = 0;
    free(*copy);
    *copy = p = strdup(list);
    if (!p)
        return -2;
    for (;;) {
        char *comma = strchr(p, ',');
        if (n == CIX_MAX_NA_STRINGS)
            return -1;
        if (comma)
            *comma = '\0';
        o->na_strings[n++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    o->n_na_strings = n;
    return 0;
}

/* --delimiter: auto (0), ',' / comma, ';' / semicolon, tab; -1 otherwise. */
int cli_parse_delimiter(const char *arg, char *d)
{
    if (strcmp(arg, "auto") == 0)
        *d = 0;
    else if (strcmp(arg, ",") == 0 || strcmp(arg, "comma") == 0)
        *d = ',';
    else if (strcmp(arg, ";") == 0 || strcmp(arg, "semicolon") == 0)
        *d = ';';
    else if (strcmp(arg, "tab") == 0 || strcmp(arg, "\t") == 0 || strcmp(arg, "\\t") == 0)
        *d = '\t';
    else
        return -1;
    return 0;
}

/* Parses --compare-weights M[,M...] into run->compare. Returns an exit
 * code (after printing the error). */
static int set_compare(cli_run *run, const char *cmd, const char *list)
{
    const char *p = list;
    run->ncompare = 0;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p), k;
        char name[32];
        cix_weighting m;
        if (len == 0 || len >= sizeof name)
            return cli_usage_error(cmd, "--compare-weights '%s': give weighting methods "
                                        "separated by commas, e.g. --compare-weights "
                                        "pca,critic", list);
        memcpy(name, p, len);
        name[len] = '\0';
        if (cix_weighting_from_name(name, &m) != 0)
            return cli_usage_error(cmd, "--compare-weights: unknown weighting '%s'; use "
                                        "equal, entropy, sd, cv, critic, pca or pca-coef",
                                   name);
        if (m == CIX_WEIGHT_FIXED)
            return cli_usage_error(cmd, "--compare-weights: 'fixed' weights are not "
                                        "computed from the panel (they are those of "
                                        "--weights-file); compare with equal, entropy, sd, "
                                        "cv, critic, pca or pca-coef");
        for (k = 0; k < run->ncompare; k++)
            if (run->compare[k] == m)
                return cli_usage_error(cmd, "--compare-weights: '%s' is listed twice", name);
        if (run->ncompare == sizeof run->compare / sizeof run->compare[0])
            return cli_usage_error(cmd, "--compare-weights: too many methods");
        run->compare[run->ncompare++] = m;
        if (!comma)
            break;
        p = comma + 1;
    }
    return CLI_EXIT_OK;
}

int cli_parse_args(cli_run *run, int argc, char **argv, int *show_help)
{
    const char *cmd = cli_run_command_name(run);
    char name[64];
    int c;

    *show_help = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
        const char *arg = optarg;
        if (c == '?') {
            if (optopt > 0 && optopt < 128)
                return cli_usage_error(cmd, "unknown option '-%c'", (char)optopt);
            return cli_usage_error(cmd, "unknown or ambiguous option '%s'",
                                   argv[optind - 1]);
        }
        if (c == ':') {
            option_text(optopt, name, sizeof name);
            return cli_usage_error(cmd, "option %s needs a value", name);
        }
        {
            const char *why = not_applicable(run->command, c);
            if (why) {
                option_text(c, name, sizeof name);
                return cli_usage_error(cmd, "option %s %s", name, why);
            }
        }
        switch (c) {
        case 'h':
            *show_help = 1;
            return CLI_EXIT_OK;
        case 'n':
            if (cix_normalization_from_name(arg, &run->opt.normalization) != 0)
                return cli_usage_error(cmd, "unknown normalization '%s'; use none, minmax, "
                                            "zscore, rank, percentile, ratio-mean, ratio-max, "
                                            "ratio-min, vector, target, goalposts or efficacy",
                                       arg);
            break;
        case OPT_RANGE: {
            const char *comma = strchr(arg, ',');
            double lo, hi;
            if (!comma || cix_parse_double(arg, (size_t)(comma - arg), &lo) != 0 ||
                parse_number(comma + 1, &hi) != 0)
                return cli_usage_error(cmd, "--range '%s': give two numbers L,U, e.g. "
                                            "--range 0,1", arg);
            if (!(lo < hi))
                return cli_usage_error(cmd, "--range '%s': the lower end must be below "
                                            "the upper end", arg);
            run->opt.range_lo = lo;
            run->opt.range_hi = hi;
            run->range_given = 1;
            break;
        }
        case 'w':
            if (cix_weighting_from_name(arg, &run->opt.weighting) != 0)
                return cli_usage_error(cmd, "unknown weighting '%s'; use equal, entropy, "
                                            "fixed, sd, cv, critic, pca or pca-coef", arg);
            run->weighting_given = 1;
            break;
        case OPT_WEIGHTS_FILE:
            run->weights_file = arg;
            break;
        case 'a':
            if (cix_aggregation_from_name(arg, &run->opt.aggregation) != 0)
                return cli_usage_error(cmd, "unknown aggregation '%s'; use linear, geometric, "
                                            "harmonic, power or topsis", arg);
            break;
        case OPT_SCOPE:
            if (cix_scope_from_name(arg, &run->opt.scope, &run->opt.base_year) != 0)
                return cli_usage_error(cmd, "unknown scope '%s'; use pooled, year or "
                                            "base:YYYY", arg);
            break;
        case OPT_AVERAGE_WEIGHTS:
            run->opt.average_weights = 1;
            break;
        case OPT_SHIFT:
            if (parse_number(arg, &run->opt.entropy_shift) != 0)
                return cli_usage_error(cmd, "--shift '%s' is not a number", arg);
            run->shift_given = 1;
            break;
        case OPT_SMOOTH:
            if (parse_number(arg, &run->opt.entropy_smooth) != 0)
                return cli_usage_error(cmd, "--smooth '%s' is not a number", arg);
            run->smooth_given = 1;
            break;
        case OPT_COST:
        case OPT_DIRECTION:
            if (add_dir(run, c == OPT_COST, arg) != 0) {
                cli_errorf("out of memory");
                return CLI_EXIT_NOMEM;
            }
            break;
        case OPT_TIES:
            if (cix_ties_from_name(arg, &run->opt.ties) != 0)
                return cli_usage_error(cmd, "unknown ties '%s'; use min, average or dense",
                                       arg);
            break;
        case OPT_REGION_COLUMN:
            run->ropt.region_column = arg;
            break;
        case OPT_YEAR_COLUMN:
            run->ropt.year_column = arg;
            break;
        case OPT_DELIMITER:
            if (cli_parse_delimiter(arg, &run->ropt.delimiter) != 0)
                return cli_usage_error(cmd, "unknown delimiter '%s'; use auto, ',', ';' or "
                                            "tab", arg);
            break;
        case OPT_NA: {
            int r = cli_split_na(&run->ropt, arg, &run->na_copy);
            if (r == -2) {
                cli_errorf("out of memory");
                return CLI_EXIT_NOMEM;
            }
            if (r != 0)
                return cli_usage_error(cmd, "--na: at most %d missing-value strings",
                                       CIX_MAX_NA_STRINGS);
            break;
        }
        case OPT_FORMAT:
            if (strcmp(arg, "table") == 0)
                run->format = CLI_FMT_TABLE;
            else if (strcmp(arg, "csv") == 0)
                run->format = CLI_FMT_CSV;
            else if (strcmp(arg, "json") == 0)
                run->format = CLI_FMT_JSON;
            else if (strcmp(arg, "csv-long") == 0)
                run->format = CLI_FMT_CSV_LONG;
            else if (strcmp(arg, "csv-wide") == 0)
                run->format = CLI_FMT_CSV_WIDE;
            else if (strcmp(arg, "xlsx") == 0)
                run->format = CLI_FMT_XLSX;
            else if (run->command == CLI_CMD_SCORE)
                return cli_usage_error(cmd, "unknown format '%s'; use table, csv, json, "
                                            "csv-long, csv-wide or xlsx", arg);
            else
                return cli_usage_error(cmd, "unknown format '%s'; use table, csv or json",
                                       arg);
            if (run->format >= CLI_FMT_CSV_LONG && run->command != CLI_CMD_SCORE)
                return cli_usage_error(cmd, "--format %s applies to 'cix score' only; use "
                                            "table, csv or json", arg);
            break;
        case 'o':
            run->output = arg;
            break;
        case OPT_THREADS: {
            char *end;
            long v;
            errno = 0;
            v = strtol(arg, &end, 10);
            if (errno || end == arg || *end || v < 0 || v > 4096)
                return cli_usage_error(cmd, "--threads '%s': give a whole number from 0 "
                                            "(automatic) to 4096", arg);
            run->opt.nthreads = (int)v;
            run->ropt.nthreads = (int)v;
            break;
        }
        case OPT_EXPLAIN:
            if (strcmp(arg, "top3") == 0)
                run->explain = 1;
            else if (strcmp(arg, "none") == 0)
                run->explain = 0;
            else
                return cli_usage_error(cmd, "--explain '%s': use top3 (the three indicators "
                                            "that help and hurt each score most) or none",
                                       arg);
            break;
        case OPT_WEIGHTS_OUT:
            if (arg[0] == '\0')
                return cli_usage_error(cmd, "--weights-out needs a file name");
            run->weights_out = arg;
            break;
        case OPT_COMPARE_WEIGHTS: {
            int rc = set_compare(run, cmd, arg);
            if (rc)
                return rc;
            break;
        }
        case 'q':
            run->quiet = 1;
            break;
        case OPT_DDOF:
            if (strcmp(arg, "0") == 0)
                run->opt.ddof = 0;
            else if (strcmp(arg, "1") == 0)
                run->opt.ddof = 1;
            else
                return cli_usage_error(cmd, "--ddof '%s': use 1 (divide by n-1, the default) "
                                            "or 0 (divide by n)", arg);
            run->ddof_given = 1;
            break;
        case OPT_NO_CAP:
            run->opt.no_cap = 1;
            break;
        case OPT_TARGET:
        case OPT_GOALPOSTS:
        case OPT_EFFICACY:
        case OPT_TRANSFORM:
            if (add_param(run,
                          c == OPT_TARGET      ? CLI_PARAM_TARGET
                          : c == OPT_GOALPOSTS ? CLI_PARAM_GOALPOSTS
                          : c == OPT_EFFICACY  ? CLI_PARAM_EFFICACY
                                               : CLI_PARAM_TRANSFORM,
                          arg) != 0) {
                cli_errorf("out of memory");
                return CLI_EXIT_NOMEM;
            }
            break;
        case OPT_PARAMS:
            run->params_file = arg;
            break;
        case OPT_OUTLIERS:
            if (strcmp(arg, "jrc") == 0)
                run->opt.outliers = 1;
            else if (strcmp(arg, "none") == 0)
                run->opt.outliers = 0;
            else
                return cli_usage_error(cmd, "unknown outlier rule '%s'; use jrc (winsorize up "
                                            "to 5 values, else log) or none", arg);
            break;
        case OPT_IMPUTE:
            if (cix_impute_from_name(arg, &run->opt.impute) != 0)
                return cli_usage_error(cmd, "unknown imputation '%s'; use none, mean, median, "
                                            "interp or locf", arg);
            break;
        case OPT_MIN_COV_IND:
        case OPT_MIN_COV_REG:
            if (parse_share(arg, c == OPT_MIN_COV_IND ? &run->opt.min_coverage_indicator
                                                      : &run->opt.min_coverage_region) != 0) {
                option_text(c, name, sizeof name);
                return cli_usage_error(cmd, "%s '%s': give a share of cells present, from 0 "
                                            "to 1 (e.g. 0.8) or as a percentage (80%%)",
                                       name, arg);
            }
            break;
        case OPT_DROP_CONSTANT:
            run->opt.drop_constant = 1;
            break;
        case OPT_CELL_NOTES:
            run->opt.cell_notes = 1;
            break;
        case OPT_FACTORS: {
            char *end;
            long v;
            if (strcmp(arg, "auto") == 0) {
                run->opt.factors = 0;
                break;
            }
            errno = 0;
            v = strtol(arg, &end, 10);
            if (errno || end == arg || *end || v < 1 || v > INT_MAX)
                return cli_usage_error(cmd, "--factors '%s': give a whole number of factors "
                                            ">= 1, or auto (eigenvalues > 1, extended to "
                                            "60%% of the variance)", arg);
            run->opt.factors = (int)v;
            break;
        }
        case OPT_COMBINE:
            if (cix_combine_from_name(arg, &run->opt.combine, &run->opt.combine_alpha) != 0)
                return cli_usage_error(cmd, "--combine '%s': use mult or linear:ALPHA with "
                                            "ALPHA in [0,1] (e.g. linear:0.5)", arg);
            break;
        case OPT_POWER:
            if (parse_number(arg, &run->opt.power) != 0 || !isfinite(run->opt.power) ||
                run->opt.power == 0)
                return cli_usage_error(cmd, "--power '%s': give a number other than 0 (p = 0 "
                                            "is the geometric mean: use -a geometric)", arg);
            run->power_given = 1;
            break;
        case OPT_GROUPS:
            run->groups_text = arg;
            break;
        case OPT_MODEL:
            run->model_file = arg;
            break;
        case OPT_FITTED:
            run->fitted_file = arg;
            break;
        case OPT_BASELINE_YEAR: {
            char *end;
            long v;
            errno = 0;
            v = strtol(arg, &end, 10);
            if (errno || end == arg || *end || v < -100000 || v > 100000)
                return cli_usage_error(cmd, "--baseline-year '%s': give a year such as 2020",
                                       arg);
            run->baseline_year = (int32_t)v;
            run->baseline_given = 1;
            break;
        }
        default:
            return cli_usage_error(cmd, "unexpected option");
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "missing the panel file: cix %s [OPTIONS] PANEL.csv", cmd);
    {
        int rc = cli_check_model_args(run);
        if (rc)
            return rc;
    }
    if (optind + 1 < argc && run->command != CLI_CMD_SCORE)
        return cli_usage_error(cmd, "one panel file expected, got '%s' and '%s' (only "
                                    "'cix score' takes several)",
                               argv[optind], argv[optind + 1]);
    for (; optind < argc; optind++) {
        int rc = cli_add_input(run, argv[optind]);
        if (rc)
            return rc;
    }
    if (run->ninputs == 0)
        return cli_usage_error(cmd, "no panel file: the directories given hold no *.csv "
                                    "file");
    run->input = run->inputs[0];

    /* Combinations. */
    if (run->opt.weighting == CIX_WEIGHT_FIXED && !run->weights_file && !run->model_file &&
        !run->fitted_file)
        return cli_usage_error(cmd, "-w fixed needs --weights-file W.csv (rows "
                                    "indicator,weight)");
    if (run->opt.combine != CIX_COMBINE_NONE) {
        if (!run->weights_file)
            return cli_usage_error(cmd, "--combine needs --weights-file W.csv with the "
                                        "subjective weights (rows indicator,weight)");
        if (run->opt.weighting == CIX_WEIGHT_FIXED)
            return cli_usage_error(cmd, "--combine combines the weights of --weights-file "
                                        "with those of another method: give -w entropy, "
                                        "critic, pca, ... instead of -w fixed");
    } else if (run->weights_file) {
        if (run->weighting_given && run->opt.weighting != CIX_WEIGHT_FIXED)
            return cli_usage_error(cmd, "--weights-file goes with -w fixed (or with "
                                        "--combine), not -w %s alone",
                                   cix_weighting_name(run->opt.weighting));
        run->opt.weighting = CIX_WEIGHT_FIXED;
    }
    if (run->opt.average_weights && run->opt.scope != CIX_SCOPE_YEAR)
        return cli_usage_error(cmd, "--average-weights needs --scope year");
    if (run->ncompare && !run->weights_out)
        return cli_usage_error(cmd, "--compare-weights needs --weights-out FILE: the "
                                    "weights of the run and of the methods compared are "
                                    "written there");
    if (run->weights_out) {
        size_t k;
        int out_stdout = !run->output || strcmp(run->output, "-") == 0;
        if (run->model_file || run->fitted_file)
            return cli_usage_error(cmd, "--weights-out does not apply with --model or "
                                        "--fitted: the weights of a model are in its "
                                        "outputs (--format json, table or xlsx)");
        if (run->ninputs > 1)
            return cli_usage_error(cmd, "--weights-out writes the weights of one panel, "
                                        "and %zu panel files were given: run cix score "
                                        "once per panel", run->ninputs);
        if (strcmp(run->weights_out, "-") == 0 && out_stdout)
            return cli_usage_error(cmd, "--weights-out - and the scores would both go to "
                                        "standard output: give -o FILE for the scores or "
                                        "a file for --weights-out");
        if (!out_stdout && strcmp(run->weights_out, run->output) == 0)
            return cli_usage_error(cmd, "--weights-out and -o name the same file '%s': "
                                        "give the weights a file of their own",
                                   run->output);
        for (k = 0; k < run->ncompare; k++)
            if (run->compare[k] == run->opt.weighting)
                return cli_usage_error(cmd, "--compare-weights: '%s' is the run's own "
                                            "weighting (-w), already the first column of "
                                            "--weights-out",
                                       cix_weighting_name(run->compare[k]));
    }
    {
        const char *msg = cix_read_options_check(&run->ropt);
        if (msg)
            return cli_usage_error(cmd, "%s", msg);
    }
    if (!run->quiet && !run->model_file && !run->fitted_file) {
        if (run->range_given && run->opt.normalization != CIX_NORM_MINMAX)
            cli_errorf("warning: --range has no effect with -n %s",
                       cix_normalization_name(run->opt.normalization));
        if ((run->shift_given || run->smooth_given) &&
            run->opt.weighting != CIX_WEIGHT_ENTROPY)
            cli_errorf("warning: --shift and --smooth have no effect with -w %s",
                       cix_weighting_name(run->opt.weighting));
        if (run->power_given && run->opt.aggregation != CIX_AGG_POWER)
            cli_errorf("warning: --power has no effect with -a %s",
                       cix_aggregation_name(run->opt.aggregation));
        if (run->opt.no_cap && run->opt.normalization != CIX_NORM_TARGET)
            cli_errorf("warning: --no-cap has no effect with -n %s",
                       cix_normalization_name(run->opt.normalization));
        if (run->ddof_given && !cli_uses_ddof(run))
            cli_errorf("warning: --ddof has no effect here (it applies to -n zscore, "
                       "-w sd and -w critic)");
        if (run->opt.factors != 0 && !cli_uses_factors(run))
            cli_errorf("warning: --factors has no effect with -w %s",
                       cix_weighting_name(run->opt.weighting));
    }
    return CLI_EXIT_OK;
}

void cli_run_init(cli_run *run, cli_command command)
{
    memset(run, 0, sizeof *run);
    run->command = command;
    run->format = CLI_FMT_AUTO;
    run->explain = 1;
    cix_options_init(&run->opt);
    /* a note per indicator on standard error, not one per changed cell
     * (--cell-notes) */
    run->opt.cell_notes = 0;
    cix_read_options_init(&run->ropt);
    cli_buf_init(&run->reproduce);
}

static int scores(const cli_run *run)
{
    return run->command == CLI_CMD_SCORE || run->command == CLI_CMD_WEIGHTS ||
           run->command == CLI_CMD_FIT;
}

int cli_uses_ddof(const cli_run *run)
{
    if (run->opt.normalization == CIX_NORM_ZSCORE && run->command != CLI_CMD_PCA)
        return 1;
    return scores(run) &&
           (run->opt.weighting == CIX_WEIGHT_SD || run->opt.weighting == CIX_WEIGHT_CRITIC);
}

int cli_uses_factors(const cli_run *run)
{
    if (run->command == CLI_CMD_PCA)
        return 1;
    return scores(run) &&
           (run->opt.weighting == CIX_WEIGHT_PCA || run->opt.weighting == CIX_WEIGHT_PCA_COEF);
}

void cli_run_free(cli_run *run)
{
    size_t i;
    for (i = 0; i < run->ninputs; i++)
        free(run->inputs[i]);
    free(run->inputs);
    free(run->out_dir);
    cix_model_free(run->model_owned);
    cix_fitted_free(run->fitted);
    run->model_owned = NULL;
    run->fitted = NULL;
    run->model = NULL;
    run->inputs = NULL;
    run->ninputs = 0;
    run->out_dir = NULL;
    free(run->pargs);
    free(run->params);
    free(run->groups);
    free(run->group_copy);
    free(run->group_names);
    free(run->dirs);
    free(run->na_copy);
    free(run->directions);
    free(run->fixed);
    cix_panel_free(run->panel);
    cli_buf_free(&run->reproduce);
    run->pargs = NULL;
    run->params = NULL;
    run->groups = NULL;
    run->group_copy = NULL;
    run->group_names = NULL;
    run->dirs = NULL;
    run->na_copy = NULL;
    run->directions = NULL;
    run->fixed = NULL;
    run->panel = NULL;
}
