/* Output files written atomically: the output goes to a temporary file in
 * the target's directory (mkstemp), which is flushed, synced and renamed
 * over the target only when everything was written. On any failure the
 * temporary file is removed, so the target is either the complete new
 * output or untouched. An interrupt (SIGINT, SIGTERM, SIGHUP) while the
 * temporary file exists removes it too. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "cli.h"

/* The temporary files for the signal handler (at most two are open at
 * once: the scores and the --weights-out file): a name is copied into a
 * fixed buffer before its `pending` flag is set and the flag is cleared
 * before the file is renamed or removed, so the handler never sees a
 * half-written name. This is the program's only global state; the library
 * has none. */
#ifndef PATH_MAX
#  define PATH_MAX 4096
#endif
#define NSLOTS 2
static char pending_name[NSLOTS][PATH_MAX];
static volatile sig_atomic_t pending[NSLOTS];

static void on_signal(int sig)
{
    int i;
    for (i = 0; i < NSLOTS; i++)
        if (pending[i])
            unlink(pending_name[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Remembers tmp for the handler; returns its slot, or -1 when it cannot
 * (no free slot, or a name too long: no cleanup on a signal then). */
static int watch_signals(const char *tmp)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    size_t i, n = strlen(tmp);
    int slot;
    for (slot = 0; slot < NSLOTS && pending[slot]; slot++)
        ;
    if (slot == NSLOTS || n >= sizeof pending_name[slot])
        return -1;
    memcpy(pending_name[slot], tmp, n + 1);
    pending[slot] = 1;
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa, old;
        if (sigaction(sigs[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue; /* keep signals the caller chose to ignore ignored */
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
    return slot;
}

static void unwatch_signals(cli_out *o)
{
    if (o->slot >= 0 && o->slot < NSLOTS)
        pending[o->slot] = 0;
    o->slot = -1;
}

/* "dir/.name.XXXXXX" for the target "dir/name". NULL when out of memory. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = path + dirlen;
    size_t baselen = strlen(base);
    char *t = malloc(dirlen + 1 + baselen + 8 + 1);
    if (!t)
        return NULL;
    memcpy(t, path, dirlen);
    t[dirlen] = '.';
    memcpy(t + dirlen + 1, base, baselen);
    memcpy(t + dirlen + 1 + baselen, ".XXXXXX", 8);
    return t;
}

int cli_out_open(cli_out *o, const char *path)
{
    int fd;

    o->fp = NULL;
    o->path = NULL;
    o->tmp = NULL;
    o->slot = -1;
    if (!path || strcmp(path, "-") == 0) {
        o->fp = stdout;
        return CLI_EXIT_OK;
    }
    if (path[0] == '\0' || path[strlen(path) - 1] == '/') {
        cli_errorf("cannot write '%s': not a file name; give -o FILE", path);
        return CLI_EXIT_IO;
    }
    o->tmp = temp_template(path);
    if (!o->tmp) {
        cli_errorf("out of memory");
        return CLI_EXIT_NOMEM;
    }
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        cli_errorf("cannot write '%s': cannot create a temporary file next to it: %s", path,
                   strerror(e));
        free(o->tmp);
        o->tmp = NULL;
        return CLI_EXIT_IO;
    }
    o->slot = watch_signals(o->tmp);
    o->fp = fdopen(fd, "wb");
    if (!o->fp) {
        int e = errno;
        close(fd);
        unwatch_signals(o);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        cli_errorf("cannot write '%s': %s", path, strerror(e));
        return CLI_EXIT_IO;
    }
    o->path = path;
    return CLI_EXIT_OK;
}

/* Mode for the new file: the mode of the file it replaces, else what a
 * plain creat(path, 0666) would give under the current umask. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    mode_t mask;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & 07777;
    mask = umask(0);
    umask(mask);
    return 0666 & ~mask;
}

/* Makes the rename durable; failures here do not undo a completed rename. */
static void sync_directory(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;
    if (!slash) {
        dir = strdup(".");
    } else {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        dir = malloc(n + 1);
        if (dir) {
            memcpy(dir, path, n);
            dir[n] = '\0';
        }
    }
    if (!dir)
        return;
    fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

int cli_out_commit(cli_out *o)
{
    int e = 0;
    const char *what = "write";

    errno = 0;
    if (!o->tmp) {
        /* stdout: make sure everything reached it. */
        if (fflush(stdout) != 0 || ferror(stdout)) {
            e = errno;
            cli_errorf("cannot write the output: %s", e ? strerror(e) : "write error");
            return CLI_EXIT_IO;
        }
        return CLI_EXIT_OK;
    }
    if (!o->fp) {
        /* written by name (cli_out_reserve): open it again to sync it */
        int fd = open(o->tmp, O_RDONLY);
        if (fd < 0) {
            e = errno;
        } else {
            if (fsync(fd) != 0) {
                e = errno;
                what = "sync";
            } else if (fchmod(fd, target_mode(o->path)) != 0) {
                e = errno;
                what = "set the mode of";
            }
            close(fd);
        }
    } else {
        if (fflush(o->fp) != 0 || ferror(o->fp)) {
            e = errno ? errno : EIO;
        } else if (fsync(fileno(o->fp)) != 0) {
            e = errno;
            what = "sync";
        } else if (fchmod(fileno(o->fp), target_mode(o->path)) != 0) {
            e = errno;
            what = "set the mode of";
        }
        if (fclose(o->fp) != 0 && !e)
            e = errno ? errno : EIO;
        o->fp = NULL;
    }
    if (!e && rename(o->tmp, o->path) != 0) {
        e = errno;
        what = "rename the temporary file onto";
    }
    /* After the rename: a signal before it still removes the temporary file
     * (after it, the handler's unlink finds no such file). */
    unwatch_signals(o);
    if (e) {
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
        cli_errorf("cannot %s '%s': %s; the file was not changed", what, o->path,
                   strerror(e));
        return CLI_EXIT_IO;
    }
    sync_directory(o->path);
    free(o->tmp);
    o->tmp = NULL;
    return CLI_EXIT_OK;
}

int cli_out_reserve(cli_out *o, const char *path)
{
    int rc;
    if (!path || strcmp(path, "-") == 0) {
        cli_errorf("this output is a file: give -o FILE");
        return CLI_EXIT_USAGE;
    }
    rc = cli_out_open(o, path);
    if (rc)
        return rc;
    if (fclose(o->fp) != 0) {
        int e = errno;
        o->fp = NULL;
        cli_out_abort(o);
        cli_errorf("cannot write '%s': %s", path, strerror(e));
        return CLI_EXIT_IO;
    }
    o->fp = NULL;
    return CLI_EXIT_OK;
}

void cli_out_abort(cli_out *o)
{
    if (o->tmp) {
        if (o->fp)
            fclose(o->fp);
        unwatch_signals(o);
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
    o->fp = NULL;
}
