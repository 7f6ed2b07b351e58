/* The cix program: `cix score`, `cix weights`, help, version, exit codes.
 * It uses the public API (cix/cix.h) only. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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
    fputs("Usage: cix COMMAND [OPTIONS] PANEL.csv\n"
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
          "  cix weights -n none -w entropy panel.csv\n",
          fp);
}

static const char method_options_text[] =
    "Method options (the names of docs/methods.md):\n"
    "  -n, --normalization NAME  none | minmax (default minmax)\n"
    "      --range L,U           output range of minmax (default 0,1)\n"
    "  -w, --weights NAME        equal | entropy | fixed (default entropy)\n"
    "      --weights-file FILE   the weights of -w fixed: a CSV file with the columns\n"
    "                            indicator,weight (implies -w fixed); rescaled to sum 1\n"
    "      --scope SCOPE         the rows that statistics and weights are taken over:\n"
    "                            pooled (all years, default), year (each year on its\n"
    "                            own) or base:YYYY (the statistics of year YYYY)\n"
    "      --average-weights     with --scope year: average the yearly weights\n"
    "      --shift D             entropy: add D to every normalized value (default 0)\n"
    "      --smooth A            entropy: use A + (1-A) y (default 0: off)\n";

static const char score_only_text[] =
    "  -a, --aggregation NAME    linear (default linear)\n"
    "      --ties NAME           ranks of equal scores: min (1,1,3; default),\n"
    "                            average (1.5,1.5,3) or dense (1,1,2)\n";

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
    "                            output is a terminal, csv otherwise)\n"
    "  -o, --output FILE         write FILE instead of standard output; FILE is\n"
    "                            replaced atomically, and left untouched on failure\n"
    "      --threads N           worker threads, 0 = automatic (default); results\n"
    "                            never depend on it\n"
    "  -q, --quiet               no warnings on standard error\n"
    "  -h, --help                this help\n"
    "\n";

void cli_help_command(FILE *fp, cli_command c)
{
    if (c == CLI_CMD_SCORE) {
        fputs("Usage: cix score [OPTIONS] PANEL.csv\n"
              "\n"
              "Normalizes the indicators of the panel, weights them, aggregates them into\n"
              "one score per row (region, year) and ranks the regions within each year\n"
              "(highest score = rank 1).\n"
              "\n",
              fp);
        fputs(method_options_text, fp);
        fputs(score_only_text, fp);
        fputs(direction_text, fp);
        fputs("Output: a first line '# cix VERSION score OPTIONS PANEL' that records every\n"
              "option in force, then (CSV) the header region,year,score,rank (no year\n"
              "column for a cross-section) and one row per region and year, ordered by\n"
              "year, then rank, then input order. Numbers read back bit-exact; ranks are\n"
              "whole numbers, or halves with --ties average. JSON holds the same plus the\n"
              "weights; the table rounds scores to 4 decimals and lists the weights.\n"
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
              "  cix score --weights-file weights.csv --format table panel.csv\n",
              fp);
    } else {
        fputs("Usage: cix weights [OPTIONS] PANEL.csv\n"
              "\n"
              "Prints the indicator weights, one row per indicator in input order:\n"
              "CSV 'indicator,weight' (with --scope year and no --average-weights:\n"
              "'year,indicator,weight', one block per year).\n"
              "\n",
              fp);
        fputs(method_options_text, fp);
        fputs(direction_text, fp);
        fputs(exit_status_text, fp);
        fputs("\n"
              "Examples:\n"
              "  cix weights -n none -w entropy panel.csv\n"
              "  cix weights -n minmax --range 0.002,0.998 --cost x2 panel.csv\n"
              "  cix weights --scope year --format table panel.csv\n",
              fp);
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
    else
        return -1;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* main                                                                     */
/* ------------------------------------------------------------------------ */

int main(int argc, char **argv)
{
    const char *name;
    cli_command command;
    cli_run run;
    int rc, show_help = 0;

    if (argc < 2)
        return cli_usage_error(NULL, "missing command: cix score|weights [OPTIONS] PANEL.csv");
    name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0) {
        cli_help_main(stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(name, "-V") == 0 || strcmp(name, "--version") == 0)
        return print_version();
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            cli_help_main(stdout);
            return CLI_EXIT_OK;
        }
        if (command_from_name(argv[2], &command) != 0)
            return cli_usage_error(NULL, "unknown command '%s'; the commands are score and "
                                         "weights", argv[2]);
        cli_help_command(stdout, command);
        return CLI_EXIT_OK;
    }
    if (command_from_name(name, &command) != 0) {
        if (name[0] == '-')
            return cli_usage_error(NULL, "unknown option '%s' (options go after the "
                                         "command)", name);
        return cli_usage_error(NULL, "unknown command '%s'; the commands are score and "
                                     "weights", name);
    }

    cli_run_init(&run, command);
    rc = cli_parse_args(&run, argc - 1, argv + 1, &show_help);
    if (rc == CLI_EXIT_OK && show_help)
        cli_help_command(stdout, command);
    else if (rc == CLI_EXIT_OK)
        rc = command == CLI_CMD_SCORE ? cli_run_score(&run) : cli_run_weights(&run);
    cli_run_free(&run);
    return rc;
}
