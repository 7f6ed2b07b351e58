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

typedef struct cli_view cli_view;

/* ---- per-row arrays (mem.c) --------------------------------------------- */

/* n entries of `size` bytes for a per-row array, freed with free(): from
 * 2 MiB on, on a 2 MiB boundary with the huge-page hint (mem.c). NULL when
 * out of memory or n * size overflows. cli_rows_calloc zeroes them. */
void *cli_rows_alloc(size_t n, size_t size);
void *cli_rows_calloc(size_t n, size_t size);

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
    CLI_CMD_AUDIT = 3,
    CLI_CMD_FIT = 4,      /* cix fit --model M PANEL -o FITTED */
    CLI_CMD_TARGETS = 5,  /* cix targets --model M --baseline-year YYYY PANEL */
    CLI_CMD_VALIDATE = 6  /* cix validate --model M PANEL */
} cli_command;

typedef enum cli_format {
    CLI_FMT_AUTO = 0, /* table on a terminal, csv otherwise */
    CLI_FMT_TABLE = 1,
    CLI_FMT_CSV = 2,
    CLI_FMT_JSON = 3,
    CLI_FMT_CSV_LONG = 4, /* tidy: region,year,node,quantity,value */
    CLI_FMT_CSV_WIDE = 5, /* one row per region: score_YYYY, rank_YYYY */
    CLI_FMT_XLSX = 6      /* an Excel workbook (needs -o) */
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
    const char *input;     /* the panel file of the current run */
    char **inputs;         /* cix score: every panel file, directories expanded */
    size_t ninputs, inputs_cap;
    int concat;            /* several files on one output: a `file` column first */
    size_t file_index;     /* index of the current file in inputs */
    const char *output;    /* -o FILE, or NULL for stdout */
    char *out_dir;         /* -o DIR/: one output per input in DIR, else NULL */
    int progress;          /* draw a progress bar on standard error */
    cli_format format;
    int quiet;
    /* cix score --explain: 1 = top3 (default), the three indicators that help
     * and hurt each score most; 0 = none, which lets the engine run without
     * keeping the normalized matrix when the format does not show it. */
    int explain;
    cix_options opt;
    cix_read_options ropt;
    int weighting_given, range_given, shift_given, smooth_given;
    const char *weights_file; /* --weights-file, or NULL */
    /* cix score --weights-out FILE: the weights of the run, and one column
     * per --compare-weights method (as `cix weights -w M` gives them). */
    const char *weights_out;
    cix_weighting compare[8];
    size_t ncompare;
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
    /* Models: --model, --fitted, --baseline-year, and what was read. */
    const char *model_file;
    const char *fitted_file;
    int32_t baseline_year;
    int baseline_given;
    cix_model *model_owned;  /* read from model_file */
    cix_fitted *fitted;      /* read from fitted_file */
    const cix_model *model;  /* the model in force (model_owned or the fit's) */
    /* Names of the audited indicators when they are not the panel's columns
     * (a model's indicators), else NULL. */
    const char **audit_names;
    /* The command line that reproduces the run ("cix score -n ... FILE"). */
    cli_buf reproduce;
} cli_run;

/* Appends the reading options in force and the input file to a reproduce
 * command line (" --region-column R --year-column Y --delimiter D --na L
 * FILE"); a failed allocation sets b->failed. */
void cli_reproduce_input(cli_buf *b, const cli_run *run);

/* Adds a panel file, or every *.csv file of a directory in name order
 * (batch.c). Returns an exit code. */
int cli_add_input(cli_run *run, const char *path);
/* Frees what belongs to the current input (panel, directions, ...) so the
 * next input can be prepared. */
void cli_run_reset_file(cli_run *run);
/* Decides where each output goes (-o FILE, -o DIR/, standard output) and
 * checks the combination with the format. Returns an exit code. */
int cli_plan_outputs(cli_run *run);
/* The output file of the current input under -o DIR/ (malloc'd). */
char *cli_output_path(const cli_run *run);
/* Progress on standard error: clear the bar, draw it after `done` files. */
void cli_progress_clear(const cli_run *run);
void cli_progress_draw(const cli_run *run, size_t done);

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

/* Reads the panel of run->input and resolves everything that needs its
 * indicator names. Returns an exit code. */
int cli_prepare(cli_run *run);
/* Runs `one` on every input (cix score, --model, --fitted), with the
 * progress bar, the outputs planned by cli_plan_outputs and, for several
 * inputs on standard output, their concatenation. */
int cli_run_batch(cli_run *run, int (*one)(cli_run *run, FILE *collect));
/* Writes the scores of the current input where they go. */
int cli_emit_scores(cli_run *run, const cli_view *v, FILE *collect);
/* Writes an Excel workbook atomically (xlsx.c). Returns an exit code. */
int cli_write_xlsx(const char *path, const cli_run *run, const cli_view *v);

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

/* Model commands (model.c): checks of the options after parsing, and the
 * runs of score --model / --fitted, fit, targets and validate. */
int cli_check_model_args(cli_run *run);
int cli_run_model_score(cli_run *run);
int cli_run_fit(cli_run *run);
int cli_run_targets(cli_run *run);
int cli_run_validate(cli_run *run);

/* `cix convert` (convert.c): runs it on argv (argv[0] = "convert") and
 * returns the exit code; its help text. */
int cli_convert(int argc, char **argv);
void cli_help_convert(FILE *fp);

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
    int slot;         /* where the signal handler remembers tmp, or -1 */
} cli_out;

/* Opens the destination (path NULL or "-" = stdout). Returns an exit code. */
int cli_out_open(cli_out *o, const char *path);
/* Flushes, syncs and renames the temporary file over the target. On any
 * failure the temporary file is removed and the target left untouched.
 * Returns an exit code (after printing the error). */
int cli_out_commit(cli_out *o);
/* As cli_out_open for a file that another library writes by name: the
 * temporary file is created and closed, o->tmp is its name; commit with
 * cli_out_commit as usual. */
int cli_out_reserve(cli_out *o, const char *path);
/* Removes the temporary file (after a failure); stdout is left alone. */
void cli_out_abort(cli_out *o);

/* ---- what the score writers show (view.c) ------------------------------- */

/* Indicators named per row as helping and hurting most. */
#define CLI_NHELP 3

/* The results of a plain run (cix_result) or of a model run
 * (cix_model_result) seen the same way by every score writer. */
struct cli_view {
    const cix_panel *panel;
    const cix_result *res;         /* plain run, else NULL */
    const cix_model *model;        /* model run, else NULL */
    const cix_model_result *mres;  /* model run, else NULL */
    size_t n;                      /* rows */
    const double *score, *rank, *change; /* the index, one per row */
    const char *index_code;        /* "index", or the model's root code */
    /* Indicators: name and normalized column (n values each). */
    size_t nind;
    const char **ind_name;
    const double **ind_y;
    size_t *ind_node;              /* model node of each indicator, else NULL */
    double *ind_weight;            /* model: effective weight on the index, else NULL */
    /* Aggregates below the root (model runs), in model order. */
    size_t nagg;
    size_t *agg_node;
    const double **agg_score, **agg_rank; /* n values each */
    /* Model runs: weight of every node within its parent, and on the index. */
    double *node_weight, *node_eff_weight;
    /* Per row, CLI_NHELP indicator indices (into ind_*, (size_t)-1 = none)
     * (NULL for a plain run with --explain none; writers show them only when
     * cli_view_explains())
     * helping / hurting most, best / worst first, and their values. */
    size_t *help, *hurt;
    double *help_val, *hurt_val;
    int linear;                    /* 1: contributions w*y/score; 0: relative ranks */
    size_t *year_index;            /* per row: index of its year (0: cross-section) */
    /* Model runs: the notes of the run. */
    const cix_note **notes;
    size_t nnotes;
    /* The audit for the workbook (owned), or NULL with the reason in
     * audit_error (owned). */
    cix_audit *audit;
    char *audit_error;
};

/* Builds the view of a plain run. Returns an exit code. */
int cli_view_plain(cli_view *v, const cli_run *run, const cix_result *res);
/* 1 when the run allows the program a second thread of its own (--threads,
 * else cix_default_threads()). */
int cli_two_threads(const cli_run *run);
/* Read options shared by the commands (args.c): --na split at commas into
 * o->na_strings, the strings kept in *copy (freed by the caller; 0, -1 too
 * many, -2 out of memory); --delimiter by name (0, or -1 when unknown). */
int cli_split_na(cix_read_options *o, const char *list, char **copy);
int cli_parse_delimiter(const char *arg, char *d);
/* Builds the view of a model run. Returns an exit code. */
int cli_view_model(cli_view *v, const cix_panel *p, const cix_model *m,
                   const cix_model_result *r);
void cli_view_free(cli_view *v);
/* Computes the audit of panel p for the workbook into v->audit; a failure
 * (missing cells, singular correlations) leaves its message in
 * v->audit_error. Returns an exit code (only for out of memory). */
int cli_view_audit(cli_view *v, const cix_panel *p, const cix_options *o,
                   const size_t *groups);
/* Weight of indicator i of the view for the row's year (effective weight
 * on the index for a model run). */
double cli_view_weight(const cli_view *v, const cli_run *run, size_t i, size_t row);
/* 1 when the writers show the helpers and hurters of the view (--explain
 * top3 and the view has them). */
int cli_view_explains(const cli_view *v, const cli_run *run);
/* "contribution" or "relative_rank": what the helper values are. */
const char *cli_view_measure(const cli_view *v);

/* ---- writers (output.c) ------------------------------------------------- */

/* 1 when the weights differ by year (scope "year" without averaging). */
int cli_per_year_weights(const cli_run *run);
/* Writes the result of `cix score` in run->format (not AUTO) to fp.
 * Returns an exit code (CLI_EXIT_NOMEM); write errors are left in fp's
 * error flag for cli_out_commit. */
int cli_write_scores(FILE *fp, const cli_run *run, const cli_view *v);
/* Writes the weights of `cix weights`: w holds nyears rows of nindicators
 * weights when cli_per_year_weights(run), else one row. res (may be NULL)
 * gives the notes; pca (may be NULL) the eigenvalues and loadings for
 * -w pca / pca-coef. */
int cli_write_weights(FILE *fp, const cli_run *run, const double *w, const cix_result *res,
                      const cix_pca *pca);
/* Writes the --weights-out file of `cix score`: ncols columns of weights,
 * column m named names[m] holding nyears rows of nindicators weights when
 * cli_per_year_weights(run), else one row. */
void cli_write_weights_out(FILE *fp, const cli_run *run, const char *const *names,
                           const double *const *cols, size_t ncols);
/* `cix pca` and `cix audit` (analysis.c). */
int cli_write_pca(FILE *fp, const cli_run *run, const cix_pca *pca);
int cli_write_audit(FILE *fp, const cli_run *run, const cix_audit *au);
/* The audit flags in their fixed order: count, bit, name; and the
 * explanation of flag f for indicator j ((size_t)-1: overall) into b. */
size_t cli_audit_nflags(void);
unsigned cli_audit_flag_bit(size_t f);
const char *cli_audit_flag_name(size_t f);
void cli_audit_explain(cli_buf *b, const cli_run *run, const cix_audit *a, size_t f,
                       size_t j);

/* Writes the decimal digits of v at d (room for 21 bytes); returns the end. */
char *cli_put_int(char *d, long long v);

/* Rows in output order: year, then rank, then input order. NULL when out
 * of memory. */
size_t *cli_score_order(const cli_view *v);
/* The CSV scores (--format csv) of the rows in order ord, after the comment
 * line and, when header is 1, the header line (scorecsv.c). Returns an exit
 * code (CLI_EXIT_NOMEM); write errors are left in fp's error flag. */
int cli_write_scores_csv(FILE *fp, const cli_run *run, const cli_view *v, const size_t *ord,
                         int header);
/* Model runs (modelout.c): the node weights as JSON ("weights" member) and
 * as a table, and the notes ("notes" member, with a leading ",\n"). */
void cli_model_weights_json(FILE *fp, const cli_view *v);
int cli_model_weights_table(FILE *fp, const cli_view *v);
void cli_model_notes_json(FILE *fp, const cli_view *v);
/* One note as a JSON object, after a comma when `comma`; indicator: the
 * name to show (NULL: none); the row as region and year of panel. */
void cli_note_json(FILE *fp, const cix_note *t, int comma, const char *indicator,
                   const cix_panel *panel);
/* The name of a note kind in JSON ("imputed", ...). */
const char *cli_note_kind_name(cix_note_kind k);

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
