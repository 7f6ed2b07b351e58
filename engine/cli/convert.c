/* `cix convert INPUT -o OUTPUT`: reads a panel (CSV, or a binary panel
 * file) with the usual input options and writes it as a binary panel file
 * (docs/binary-format.md) that every command then loads without parsing. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

enum { OPT_REGION_COLUMN = 256, OPT_YEAR_COLUMN, OPT_DELIMITER, OPT_NA, OPT_THREADS };

static const struct option convert_options[] = {
    {"region-column", required_argument, NULL, OPT_REGION_COLUMN},
    {"year-column", required_argument, NULL, OPT_YEAR_COLUMN},
    {"delimiter", required_argument, NULL, OPT_DELIMITER},
    {"na", required_argument, NULL, OPT_NA},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"output", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

void cli_help_convert(FILE *fp)
{
    fputs("Usage: cix convert [OPTIONS] PANEL.csv -o PANEL.cixp\n"
          "\n"
          "Reads the panel once and writes it as a binary panel file\n"
          "(docs/binary-format.md): names, regions, years and the values exactly as\n"
          "the engine holds them (bit for bit). Every command reads such a file\n"
          "wherever it takes a panel file (runs with --model included), recognising\n"
          "it by its first bytes, and loads it with a few large reads instead of\n"
          "parsing CSV: for runs repeated many times on a large panel. The results\n"
          "are the same as from the CSV file, byte for byte.\n"
          "The input options apply to the CSV file; on a binary file they are\n"
          "ignored. Prints a one-line summary on standard error (not with -q).\n"
          "\n"
          "  -o, --output FILE         the binary file to write (required); replaced\n"
          "                            atomically, left untouched on failure\n"
          "      --region-column NAME  the column of region names (default region)\n"
          "      --year-column NAME    the column of years (default year; a file without\n"
          "                            it is a cross-section)\n"
          "      --delimiter D         auto, ',' , ';' or tab (default auto)\n"
          "      --na LIST             comma-separated cell texts that mean missing\n"
          "                            (default: the empty cell, NA, NaN, -, .., \xE2\x80\xA6)\n"
          "      --threads N           reader threads, 0 = automatic (default)\n"
          "  -q, --quiet               no summary on standard error\n"
          "  -h, --help                this help\n"
          "\n"
          "Exit status: as the other commands (3: malformed input, 5: cannot write).\n"
          "\n"
          "Example:\n"
          "  cix convert -o big.cixp big.csv\n"
          "  cix score -w entropy --cost x3 big.cixp\n",
          fp);
}

/* Parses the options; returns CLI_EXIT_OK or an exit code (after the error). */
static int convert_args(int argc, char **argv, cix_read_options *ro, const char **output,
                        int *quiet, char **na_copy, int *show_help)
{
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", convert_options, NULL)) != -1) {
        const char *arg = optarg;
        switch (c) {
        case 'h':
            *show_help = 1;
            return CLI_EXIT_OK;
        case 'o':
            *output = arg;
            break;
        case 'q':
            *quiet = 1;
            break;
        case OPT_REGION_COLUMN:
            ro->region_column = arg;
            break;
        case OPT_YEAR_COLUMN:
            ro->year_column = arg;
            break;
        case OPT_DELIMITER:
            if (cli_parse_delimiter(arg, &ro->delimiter) != 0)
                return cli_usage_error("convert", "unknown delimiter '%s'; use auto, ',', "
                                                  "';' or tab", arg);
            break;
        case OPT_NA: {
            int r = cli_split_na(ro, arg, na_copy);
            if (r == -2) {
                cli_errorf("out of memory");
                return CLI_EXIT_NOMEM;
            }
            if (r != 0)
                return cli_usage_error("convert", "--na: at most %d missing-value strings",
                                       CIX_MAX_NA_STRINGS);
            break;
        }
        case OPT_THREADS: {
            char *end;
            long v;
            errno = 0;
            v = strtol(arg, &end, 10);
            if (errno || end == arg || *end || v < 0 || v > 4096)
                return cli_usage_error("convert", "--threads '%s': give a whole number "
                                                  "from 0 (automatic) to 4096", arg);
            ro->nthreads = (int)v;
            break;
        }
        case ':':
            return cli_usage_error("convert", "option '%s' needs a value", argv[optind - 1]);
        default:
            return cli_usage_error("convert", "unknown option '%s' (cix convert takes the "
                                              "input options and -o only)",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage_error("convert", "missing the panel file: cix convert PANEL.csv "
                                          "-o PANEL.cixp");
    if (optind + 1 < argc)
        return cli_usage_error("convert", "one panel file expected, got '%s' and '%s'",
                               argv[optind], argv[optind + 1]);
    if (!*output || !(*output)[0] || strcmp(*output, "-") == 0)
        return cli_usage_error("convert", "give the binary file to write with -o FILE "
                                          "(a binary file does not go to standard output)");
    {
        const char *msg = cix_read_options_check(ro);
        if (msg)
            return cli_usage_error("convert", "%s", msg);
    }
    return CLI_EXIT_OK;
}

int cli_convert(int argc, char **argv)
{
    cix_read_options ro;
    cix_panel *p = NULL;
    cix_error err;
    cix_status st;
    const char *output = NULL, *input;
    char *na_copy = NULL;
    int quiet = 0, show_help = 0, rc;

    cix_read_options_init(&ro);
    rc = convert_args(argc, argv, &ro, &output, &quiet, &na_copy, &show_help);
    if (rc != CLI_EXIT_OK || show_help) {
        if (show_help)
            cli_help_convert(stdout);
        goto cleanup;
    }
    input = argv[optind];
    st = cix_panel_read_file(input, &ro, &p, &err);
    if (st == CIX_OK)
        st = cix_panel_write_binary(p, output, &err);
    if (st != CIX_OK) {
        rc = cli_report(st, &err);
        goto cleanup;
    }
    if (!quiet) {
        struct stat sb;
        unsigned long long bytes = stat(output, &sb) == 0 ? (unsigned long long)sb.st_size : 0;
        cli_errorf("wrote %s: %zu rows (%zu regions, %zu years) x %zu indicators, %llu "
                   "bytes",
                   output, cix_panel_nrows(p), cix_panel_nregions(p), cix_panel_nyears(p),
                   cix_panel_nindicators(p), bytes);
    }
cleanup:
    cix_panel_free(p);
    free(na_copy);
    return rc;
}
