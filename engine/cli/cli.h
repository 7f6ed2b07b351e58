/* Declarations shared by the sources of the cix program (engine/cli/).
 * The program uses the public API (cix/cix.h) only. Functions that cross
 * files in this directory use the prefix cli_. */
#ifndef CIX_CLI_H
#define CIX_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cix/cix.h"

#if defined(__GNUC__)
#  define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#  define CLI_PRINTF(f, a)
#endif

/* ---- exit codes (documented in `cix --help` and docs/cli.md) ----------- */

enum {
    CLI_EXIT_OK = 0,
    CLI_EXIT_INTERNAL = 1, /* a bug: an error that should not happen */
    CLI_EXIT_USAGE = 2,    /* bad option or value, unknown command, no file */
    CLI_EXIT_DATA = 3,     /* CIX_EPARSE, CIX_EDATA */
    CLI_EXIT_NUMERIC = 4,  /* CIX_EDEGENERATE, CIX_ENUMERIC */
    CLI_EXIT_IO = 5,       /* CIX_EIO, cannot write the output */
    CLI_EXIT_NOMEM = 6     /* CIX_ENOMEM */
};

/* Exit code for a library status. */
int cli_exit_code(cix_status st);
/* Prints "cix: " + cix_error_format(err) to stderr and returns the exit code
 * of err->status (or of st when err carries no status). */
int cli_report(cix_status st, const cix_error *err);
/* Prints "cix: " + message to stderr. */
void cli_errorf(const char *fmt, ...) CLI_PRINTF(1, 2);
/* Prints a usage error and the hint to run `cix [COMMAND] --help`;
 * returns CLI_EXIT_USAGE. command may be NULL. */
int cli_usage_error(const char *command, const char *fmt, ...) CLI_PRINTF(2, 3);

/* ---- growing strings (output.c) ----------------------------------------- */

/* A NUL-terminated string that grows; after an allocation failure `failed`
 * is set and every later append is a no-op. */
typedef struct cli_buf {
    char *s;
    size_t len, cap;
    int failed;
} cli_buf;

void cli_buf_init(cli_buf *b);
void cli_buf_free(cli_buf *b);
void cli_buf_putn(cli_buf *b, const char *s, size_t n);
void cli_buf_puts(cli_buf *b, const char *s);
void cli_buf_putc(cli_buf *b, char c);
void cli_buf_printf(cli_buf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
/* The shortest text of x that reads back exactly (cix_format_double). */
void cli_buf_double(cli_buf *b, double x);
/* A rank: an integer, or a half for average ties ("2.5"). */
void cli_buf_rank(cli_buf *b, double r);
/* s as one shell word, quoted with '...' when it needs quoting. */
void cli_buf_shell_word(cli_buf *b, const char *s);
/* A direction as the CLI spells it: "+", "-", "[a,b]", "=t". */
void cli_buf_direction(cli_buf *b, const cix_direction *d);
/* A scope as the CLI spells it: "pooled", "year", "base:YYYY". */
void cli_buf_scope(cli_buf *b, const cix_options *o);
/* The name of a --delimiter value: "auto", ",", ";", "tab". */
const char *cli_delimiter_name(char d);

/* ---- the run: options, results, output ---------------------------------- */

typedef enum cli_command {
    CLI_CMD_SCORE = 0,
    CLI_CMD_WEIGHTS = 1,
    CLI_CMD_PCA = 2,
    CLI_CMD_AUDIT = 3
} cli_command;

typedef enum cli_format {
    CLI_FMT_AUTO = 0, /* table on a terminal, csv otherwise */
    CLI_FMT_TABLE = 1,
    CLI_FMT_CSV = 2,
    CLI_FMT_JSON = 3
} cli_format;

/* One direction setting from the command line, in command-line order. */
typedef struct cli_dir_arg {
    int is_cost_list; /* 1: --cost LIST; 0: --direction NAME=SPEC */
    const char *text; /* the option's argument (points into argv) */
} cli_dir_arg;

/* One per-indicator parameter from the command line (--target IND=t, ...),
 * in command-line order. */
typedef enum cli_param_kind {
    CLI_PARAM_TARGET = 0,    /* --target IND=t */
    CLI_PARAM_GOALPOSTS = 1, /* --goalposts IND=lo,hi */
    CLI_PARAM_EFFICACY = 2,  /* --efficacy IND=satisfactory,not_allowed */
    CLI_PARAM_TRANSFORM = 3  /* --transform IND=log|log1p-shift|none */
} cli_param_kind;

typedef struct cli_param_arg {
    cli_param_kind kind;
    const char *text; /* points into argv */
} cli_param_arg;

typedef struct cli_run {
    cli_command command;
    const char *input;     /* the panel file */
    const char *output;    /* -o FILE, or NULL for stdout */
    cli_format format;
    int quiet;
    cix_options opt;
    cix_read_options ropt;
    int weighting_given, range_given, shift_given, smooth_given;
    const char *weights_file; /* --weights-file, or NULL */
    cli_dir_arg *dirs;
    size_t ndirs, dirs_cap;
    char *na_copy;         /* storage of the --na strings */
    int ddof_given, power_given;
    cli_param_arg *pargs;  /* --target, --goalposts, --efficacy, --transform */
    size_t npargs, pargs_cap;
    const char *params_file; /* --params FILE, or NULL */
    const char *groups_text; /* --groups IND=GROUP,..., or NULL */
    /* After reading the panel. */
    cix_panel *panel;
    cix_direction *directions; /* one per indicator */
    double *fixed;             /* one per indicator, for -w fixed / --combine */
    cix_indicator_params *params; /* one per indicator, or NULL when none given */
    size_t *groups;            /* audit: group index of each indicator, or NULL */
    char *group_copy;          /* storage of the group names */
    const char **group_names;  /* (inside group_copy) name of each indicator's group */
    /* The command line that reproduces the run ("cix score -n ... FILE"). */
    cli_buf reproduce;
} cli_run;

/* Sets the defaults of every option (cix_options_init, cix_read_options_init). */
void cli_run_init(cli_run *run, cli_command command);
/* Parses the options of `command` (argv[0] is the command name).
 * Returns CLI_EXIT_OK or an exit code (after printing the error);
 * *show_help is set when --help was given. */
int cli_parse_args(cli_run *run, int argc, char **argv, int *show_help);
/* "score", "weights", "pca" or "audit". */
const char *cli_run_command_name(const cli_run *run);
/* 1 when --ddof / --factors change a result of this run. */
int cli_uses_ddof(const cli_run *run);
int cli_uses_factors(const cli_run *run);
/* Frees what cli_parse_args and the run allocated. */
void cli_run_free(cli_run *run);
/* Runs `cix score` / `cix weights` after the options were parsed. */
int cli_run_score(cli_run *run);
int cli_run_weights(cli_run *run);
int cli_run_pca(cli_run *run);
int cli_run_audit(cli_run *run);

/* Reads --params FILE (params.c): a CSV with the column indicator and any of
 * target, lo, hi, satisfactory, not_allowed, transform, into run->params
 * (allocated as needed). Returns an exit code. */
int cli_read_params_file(cli_run *run);
/* Applies the --target/--goalposts/--efficacy/--transform options. */
int cli_apply_param_args(cli_run *run);
/* Parses --groups into run->groups / run->group_names. */
int cli_resolve_groups(cli_run *run);
/* Index of the indicator named s[0..len), or (size_t)-1. */
size_t cli_find_indicator_n(const cix_panel *p, const char *s, size_t len);
/* Usage error for an unknown indicator name, listing the panel's. */
int cli_unknown_indicator(const cli_run *run, const char *option, const char *name,
                          size_t len);

/* Help texts (cix.c). */
void cli_help_main(FILE *fp);
void cli_help_command(FILE *fp, cli_command c);
/* The notes of a run to stderr as "cix: note: ..." (unless -q). */
void cli_print_notes(const cli_run *run, const cix_result *res);

/* ---- display width (width.c) -------------------------------------------- */

/* Decodes one UTF-8 character from s[0..len); returns its length (>= 1) and
 * stores the code point, or U+FFFD for an invalid byte (length 1). */
size_t cli_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Columns a code point takes on a terminal: 0 (control, combining), 1, or 2
 * (East Asian Wide and Fullwidth). Independent of the locale. */
int cli_char_width(uint32_t cp);
/* Display width of a UTF-8 string. */
size_t cli_display_width(const char *s);

/* ---- atomic output files (atomic.c) -------------------------------------- */

/* An output destination: stdout, or a temporary file in the directory of
 * the target that is renamed over it on success. */
typedef struct cli_out {
    FILE *fp;
    const char *path; /* target, NULL for stdout */
    char *tmp;        /* temporary file name, NULL for stdout */
} cli_out;

/* Opens the destination (path NULL or "-" = stdout). Returns an exit code. */
int cli_out_open(cli_out *o, const char *path);
/* Flushes, syncs and renames the temporary file over the target. On any
 * failure the temporary file is removed and the target left untouched.
 * Returns an exit code (after printing the error). */
int cli_out_commit(cli_out *o);
/* Removes the temporary file (after a failure); stdout is left alone. */
void cli_out_abort(cli_out *o);

/* ---- writers (output.c) ------------------------------------------------- */

/* 1 when the weights differ by year (scope "year" without averaging). */
int cli_per_year_weights(const cli_run *run);
/* Writes the result of `cix score` in run->format (not AUTO) to fp.
 * Returns an exit code (CLI_EXIT_NOMEM); write errors are left in fp's
 * error flag for cli_out_commit. */
int cli_write_scores(FILE *fp, const cli_run *run, const cix_result *res);
/* Writes the weights of `cix weights`: w holds nyears rows of nindicators
 * weights when cli_per_year_weights(run), else one row. res (may be NULL)
 * gives the notes; pca (may be NULL) the eigenvalues and loadings for
 * -w pca / pca-coef. */
int cli_write_weights(FILE *fp, const cli_run *run, const double *w, const cix_result *res,
                      const cix_pca *pca);
/* `cix pca` and `cix audit` (analysis.c). */
int cli_write_pca(FILE *fp, const cli_run *run, const cix_pca *pca);
int cli_write_audit(FILE *fp, const cli_run *run, const cix_audit *au);

/* Shared pieces of the writers (output.c). */
void cli_comment_line(FILE *fp, const cli_run *run);
void cli_json_head(FILE *fp, const cli_run *run);
void cli_json_string(FILE *fp, const char *s);
void cli_json_number(FILE *fp, double x);
void cli_csv_field(FILE *fp, const char *s);
void cli_put_double(FILE *fp, double x);
void cli_pad(FILE *fp, size_t n);
/* "notes": [...] member (with a leading ",\n"), nothing when res is NULL. */
void cli_json_notes(FILE *fp, const cli_run *run, const cix_result *res);

#endif /* CIX_CLI_H */
