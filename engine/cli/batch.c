/* Many panel files in one run: the input list (directories expanded to
 * their *.csv files, sorted by name), where each output goes, and the
 * progress bar.
 *
 * Outputs: one input and -o FILE: that file. -o DIR/ (a trailing slash, or
 * an existing directory): one file per input, DIR/STEM.scores.EXT, where
 * STEM is the input's name without ".csv". Several inputs and no -o: one
 * stream on standard output, each row led by a `file` column (CSV forms),
 * the tables one after the other, JSON as an array of the documents. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"

static int nomem(void)
{
    cli_errorf("out of memory");
    return CLI_EXIT_NOMEM;
}

static int push_input(cli_run *run, char *path)
{
    if (run->ninputs == run->inputs_cap) {
        size_t cap = run->inputs_cap ? 2 * run->inputs_cap : 8;
        char **p = realloc(run->inputs, cap * sizeof *p);
        if (!p) {
            free(path);
            return nomem();
        }
        run->inputs = p;
        run->inputs_cap = cap;
    }
    run->inputs[run->ninputs++] = path;
    return CLI_EXIT_OK;
}

static int has_csv_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && (strcmp(name + n - 4, ".csv") == 0 || strcmp(name + n - 4, ".CSV") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_add_input(cli_run *run, const char *path)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    size_t first = run->ninputs, dlen;
    int rc = CLI_EXIT_OK;

    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        char *copy = strdup(path);
        if (!copy)
            return nomem();
        return push_input(run, copy); /* the reader reports a missing file */
    }
    d = opendir(path);
    if (!d) {
        cli_errorf("cannot read the directory '%s': %s", path, strerror(errno));
        return CLI_EXIT_IO;
    }
    dlen = strlen(path);
    while (dlen > 1 && path[dlen - 1] == '/')
        dlen--;
    while ((e = readdir(d)) != NULL) {
        char *full;
        if (e->d_name[0] == '.' || !has_csv_suffix(e->d_name))
            continue;
        full = malloc(dlen + 1 + strlen(e->d_name) + 1);
        if (!full) {
            rc = nomem();
            break;
        }
        memcpy(full, path, dlen);
        full[dlen] = '/';
        strcpy(full + dlen + 1, e->d_name);
        if (stat(full, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(full);
            continue;
        }
        if ((rc = push_input(run, full)) != CLI_EXIT_OK)
            break;
    }
    closedir(d);
    if (rc)
        return rc;
    if (run->ninputs == first) {
        cli_errorf("the directory '%s' holds no *.csv file; give the panel files or a "
                   "directory of them",
                   path);
        return CLI_EXIT_USAGE;
    }
    qsort(run->inputs + first, run->ninputs - first, sizeof *run->inputs, cmp_str);
    return CLI_EXIT_OK;
}

void cli_run_reset_file(cli_run *run)
{
    cix_panel_free(run->panel);
    free(run->directions);
    free(run->fixed);
    free(run->params);
    free(run->groups);
    free(run->group_copy);
    free(run->group_names);
    run->panel = NULL;
    run->directions = NULL;
    run->fixed = NULL;
    run->params = NULL;
    run->groups = NULL;
    run->group_copy = NULL;
    run->group_names = NULL;
    run->opt.directions = NULL;
    run->opt.ndirections = 0;
    run->opt.fixed_weights = NULL;
    run->opt.nfixed_weights = 0;
    run->opt.params = NULL;
    run->opt.nparams = 0;
}

static const char *format_ext(cli_format f)
{
    switch (f) {
    case CLI_FMT_TABLE:
        return ".scores.txt";
    case CLI_FMT_JSON:
        return ".scores.json";
    case CLI_FMT_CSV_LONG:
        return ".scores-long.csv";
    case CLI_FMT_CSV_WIDE:
        return ".scores-wide.csv";
    case CLI_FMT_XLSX:
        return ".scores.xlsx";
    default:
        return ".scores.csv";
    }
}

/* The file name of input `in` without its directory and ".csv". */
static void stem(const char *in, const char **s, size_t *n)
{
    const char *slash = strrchr(in, '/');
    const char *base = slash ? slash + 1 : in;
    size_t len = strlen(base);
    if (has_csv_suffix(base))
        len -= 4;
    *s = base;
    *n = len;
}

static char *output_path_of(const cli_run *run, const char *in)
{
    const char *s, *ext = format_ext(run->format);
    size_t n, dl = strlen(run->out_dir);
    char *p;
    stem(in, &s, &n);
    p = malloc(dl + 1 + n + strlen(ext) + 1);
    if (!p)
        return NULL;
    memcpy(p, run->out_dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, s, n);
    strcpy(p + dl + 1 + n, ext);
    return p;
}

char *cli_output_path(const cli_run *run)
{
    return output_path_of(run, run->input);
}

int cli_plan_outputs(cli_run *run)
{
    const char *cmd = cli_run_command_name(run);
    const char *o = run->output;
    struct stat st;
    size_t i, k, len;

    run->concat = 0;
    if (o && strcmp(o, "-") == 0)
        o = NULL;
    if (o) {
        len = strlen(o);
        if (len > 0 && o[len - 1] == '/') {
            while (len > 1 && o[len - 1] == '/')
                len--;
            run->out_dir = malloc(len + 1);
            if (!run->out_dir)
                return nomem();
            memcpy(run->out_dir, o, len);
            run->out_dir[len] = '\0';
            if (stat(run->out_dir, &st) != 0) {
                if (mkdir(run->out_dir, 0777) != 0) {
                    cli_errorf("cannot create the output directory '%s': %s", run->out_dir,
                               strerror(errno));
                    return CLI_EXIT_IO;
                }
            } else if (!S_ISDIR(st.st_mode)) {
                return cli_usage_error(cmd, "-o '%s': '%s' is not a directory", o,
                                       run->out_dir);
            }
        } else if (stat(o, &st) == 0 && S_ISDIR(st.st_mode)) {
            run->out_dir = strdup(o);
            if (!run->out_dir)
                return nomem();
        } else if (run->ninputs > 1) {
            return cli_usage_error(cmd, "%zu panel files give %zu outputs: -o must name a "
                                        "directory, e.g. -o '%s/' (created if missing), or "
                                        "leave -o out to write them all to standard output",
                                   run->ninputs, run->ninputs, o);
        }
    }
    if (run->format == CLI_FMT_XLSX && !o)
        return cli_usage_error(cmd, "--format xlsx writes a binary workbook: give -o "
                                    "FILE.xlsx (or -o DIR/ for several panels); it is never "
                                    "written to standard output or a terminal");
    if (run->format == CLI_FMT_AUTO)
        run->format = !o && isatty(STDOUT_FILENO) ? CLI_FMT_TABLE : CLI_FMT_CSV;
    if (!o && run->ninputs > 1) {
        if (run->format == CLI_FMT_CSV_WIDE)
            return cli_usage_error(cmd, "--format csv-wide has one column per year of each "
                                        "file, so several files do not make one table: give "
                                        "-o DIR/ for one file per panel");
        run->concat = 1;
    }
    if (run->out_dir) {
        /* Two inputs with the same name would write the same output. */
        for (i = 0; i < run->ninputs; i++) {
            const char *si, *sk;
            size_t ni, nk;
            stem(run->inputs[i], &si, &ni);
            for (k = 0; k < i; k++) {
                stem(run->inputs[k], &sk, &nk);
                if (ni == nk && memcmp(si, sk, ni) == 0)
                    return cli_usage_error(cmd, "'%s' and '%s' would both be written to "
                                                "'%s/%.*s%s'; give them in separate runs",
                                           run->inputs[k], run->inputs[i], run->out_dir,
                                           (int)ni, si, format_ext(run->format));
            }
        }
    }
    run->progress = !run->quiet && run->ninputs > 1 && isatty(STDERR_FILENO);
    return CLI_EXIT_OK;
}

#define BAR_WIDTH 30

void cli_progress_clear(const cli_run *run)
{
    if (run->progress)
        fputs("\r\033[K", stderr);
}

void cli_progress_draw(const cli_run *run, size_t done)
{
    size_t i, fill;
    if (!run->progress || run->ninputs == 0)
        return;
    fill = done * BAR_WIDTH / run->ninputs;
    fputs("\r\033[Kcix: [", stderr);
    for (i = 0; i < BAR_WIDTH; i++)
        fputc(i < fill ? '#' : '-', stderr);
    fprintf(stderr, "] %zu/%zu", done, run->ninputs);
    if (done < run->ninputs)
        fprintf(stderr, " %s", run->inputs[done]);
    fflush(stderr);
}
