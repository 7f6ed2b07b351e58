/*
 * Runs the fuzz entry point over files and directories given on the command
 * line (the sample inputs and fixtures in CI), without libFuzzer, so that the
 * fuzz target's checks run in every build. Exits non-zero when no file was
 * found; a failed check aborts.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    do {
        if (len == cap) {
            uint8_t *nb;
            cap = cap ? cap * 2 : 4096;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return -1;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    int files = 0, failed = 0;
    for (int a = 1; a < argc; a++) {
        struct stat st;
        if (stat(argv[a], &st) != 0) {
            fprintf(stderr, "cannot find %s\n", argv[a]);
            failed = 1;
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(argv[a]);
            struct dirent *e;
            if (!d) {
                failed = 1;
                continue;
            }
            while ((e = readdir(d)) != NULL) {
                char path[4096];
                struct stat fs;
                snprintf(path, sizeof path, "%s/%s", argv[a], e->d_name);
                if (stat(path, &fs) == 0 && S_ISREG(fs.st_mode)) {
                    failed |= run_file(path) != 0;
                    files++;
                }
            }
            closedir(d);
        } else {
            failed |= run_file(argv[a]) != 0;
            files++;
        }
    }
    printf("%d inputs replayed\n", files);
    return failed || files == 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
