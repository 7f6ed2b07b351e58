/*
 * cix-bench-peak: runs a command and reports the peak of its resident memory.
 *
 *   cix-bench-peak COMMAND [ARG...]
 *
 * Runs COMMAND in a process forked from this one, waits for it, and writes
 * "peak_rss_kib N" as the last line of standard error. Exits with the
 * command's exit status, or 128 + the signal that ended it (127 when it
 * could not be run).
 *
 * Why a program of its own: the peak that the kernel reports for a process
 * (ru_maxrss, VmHWM before exec) includes the resident memory of the process
 * it was forked from, up to its exec. Started straight from the harness,
 * whose Python process holds the reference scores of a million rows, every
 * command would be charged the harness's memory when that is larger than its
 * own: cix measured 959 MiB that way on the large panel, 851 MiB from here.
 * This process is small, so what it forks starts small.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct rusage ru;
    pid_t pid;
    int status;

    if (argc < 2) {
        fputs("usage: cix-bench-peak COMMAND [ARG...]\n", stderr);
        return 2;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "cix-bench-peak: cannot fork: %s\n", strerror(errno));
        return 127;
    }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "cix-bench-peak: cannot run %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "cix-bench-peak: wait4: %s\n", strerror(errno));
            return 127;
        }
    }
    fprintf(stderr, "peak_rss_kib %ld\n", (long)ru.ru_maxrss);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 127;
}
