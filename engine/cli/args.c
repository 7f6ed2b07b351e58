/* Command-line options of `cix score` and `cix weights`, the directions
 * given by name, and the canonical command line that reproduces a run. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
    OPT_THREADS
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

/* Splits the --na list at commas into run->ropt.na_strings. */
static int set_na(cli_run *run, const char *list)
{
    char *copy, *p;
    size_t n = 0;
    free(run->na_copy);
    run->na_copy = NULL;
    copy = strdup(list);
    if (!copy)
        return -2;
    run->na_copy = copy;
    p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (n == CIX_MAX_NA_STRINGS)
            return -1;
        if (comma)
            *comma = '\0';
        run->ropt.na_strings[n++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    run->ropt.n_na_strings = n;
    return 0;
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
        if (run->command == CLI_CMD_WEIGHTS && (c == 'a' || c == OPT_TIES)) {
            option_text(c, name, sizeof name);
            return cli_usage_error(cmd, "option %s applies to 'cix score' only", name);
        }
        switch (c) {
        case 'h':
            *show_help = 1;
            return CLI_EXIT_OK;
        case 'n':
            if (cix_normalization_from_name(arg, &run->opt.normalization) != 0)
                return cli_usage_error(cmd, "unknown normalization '%s'; use none or minmax",
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
                return cli_usage_error(cmd, "unknown weighting '%s'; use equal, entropy or "
                                            "fixed", arg);
            run->weighting_given = 1;
            break;
        case OPT_WEIGHTS_FILE:
            run->weights_file = arg;
            break;
        case 'a':
            if (cix_aggregation_from_name(arg, &run->opt.aggregation) != 0)
                return cli_usage_error(cmd, "unknown aggregation '%s'; use linear", arg);
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
            if (strcmp(arg, "auto") == 0)
                run->ropt.delimiter = 0;
            else if (strcmp(arg, ",") == 0 || strcmp(arg, "comma") == 0)
                run->ropt.delimiter = ',';
            else if (strcmp(arg, ";") == 0 || strcmp(arg, "semicolon") == 0)
                run->ropt.delimiter = ';';
            else if (strcmp(arg, "tab") == 0 || strcmp(arg, "\t") == 0 ||
                     strcmp(arg, "\\t") == 0)
                run->ropt.delimiter = '\t';
            else
                return cli_usage_error(cmd, "unknown delimiter '%s'; use auto, ',', ';' or "
                                            "tab", arg);
            break;
        case OPT_NA: {
            int r = set_na(run, arg);
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
            else
                return cli_usage_error(cmd, "unknown format '%s'; use table, csv or json",
                                       arg);
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
            break;
        }
        case 'q':
            run->quiet = 1;
            break;
        default:
            return cli_usage_error(cmd, "unexpected option");
        }
    }
    if (optind >= argc)
        return cli_usage_error(cmd, "missing the panel file: cix %s [OPTIONS] PANEL.csv", cmd);
    if (optind + 1 < argc)
        return cli_usage_error(cmd, "one panel file expected, got '%s' and '%s'",
                               argv[optind], argv[optind + 1]);
    run->input = argv[optind];

    /* Combinations. */
    if (run->opt.weighting == CIX_WEIGHT_FIXED && !run->weights_file)
        return cli_usage_error(cmd, "-w fixed needs --weights-file W.csv (rows "
                                    "indicator,weight)");
    if (run->weights_file) {
        if (run->weighting_given && run->opt.weighting != CIX_WEIGHT_FIXED)
            return cli_usage_error(cmd, "--weights-file goes with -w fixed, not -w %s",
                                   cix_weighting_name(run->opt.weighting));
        run->opt.weighting = CIX_WEIGHT_FIXED;
    }
    if (run->opt.average_weights && run->opt.scope != CIX_SCOPE_YEAR)
        return cli_usage_error(cmd, "--average-weights needs --scope year");
    {
        const char *msg = cix_read_options_check(&run->ropt);
        if (msg)
            return cli_usage_error(cmd, "%s", msg);
    }
    if (!run->quiet) {
        if (run->range_given && run->opt.normalization != CIX_NORM_MINMAX)
            cli_errorf("warning: --range has no effect with -n %s",
                       cix_normalization_name(run->opt.normalization));
        if ((run->shift_given || run->smooth_given) &&
            run->opt.weighting != CIX_WEIGHT_ENTROPY)
            cli_errorf("warning: --shift and --smooth have no effect with -w %s",
                       cix_weighting_name(run->opt.weighting));
    }
    return CLI_EXIT_OK;
}

void cli_run_init(cli_run *run, cli_command command)
{
    memset(run, 0, sizeof *run);
    run->command = command;
    run->format = CLI_FMT_AUTO;
    cix_options_init(&run->opt);
    cix_read_options_init(&run->ropt);
    cli_buf_init(&run->reproduce);
}

void cli_run_free(cli_run *run)
{
    free(run->dirs);
    free(run->na_copy);
    free(run->directions);
    free(run->fixed);
    cix_panel_free(run->panel);
    cli_buf_free(&run->reproduce);
    run->dirs = NULL;
    run->na_copy = NULL;
    run->directions = NULL;
    run->fixed = NULL;
    run->panel = NULL;
}
