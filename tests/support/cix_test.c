/* Helpers shared by the unit tests. */
#include "cix_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cix_test_fixture(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", CIX_FIXTURE_DIR, name);
    return path;
}

char *cix_test_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)n + 1);
    if (!buf)
        goto out;
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
        goto out;
    }
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
out:
    fclose(f);
    return buf;
}

int cix_test_read_expected(const char *path, cix_expected *rows, int max)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    int n = 0, header = 1;
    if (!f)
        return -1;
    while (n < max && fgets(line, sizeof line, f)) {
        char *q, *k, *v, *t;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (header) {
            header = 0;
            continue;
        }
        line[strcspn(line, "\r\n")] = '\0';
        q = line;
        k = strchr(q, ',');
        if (!k)
            continue;
        *k++ = '\0';
        v = strchr(k, ',');
        if (!v)
            continue;
        *v++ = '\0';
        t = strchr(v, ',');
        if (t)
            *t++ = '\0';
        snprintf(rows[n].quantity, sizeof rows[n].quantity, "%s", q);
        snprintf(rows[n].key, sizeof rows[n].key, "%s", k);
        rows[n].value = strtod(v, NULL);
        rows[n].abs_tol = t ? strtod(t, NULL) : 0.0;
        n++;
    }
    fclose(f);
    return n;
}

static void *hook_malloc(void *ud, size_t size)
{
    cix_test_hook *h = ud;
    void *p;
    if (h->fail_at && ++h->count == h->fail_at)
        return NULL;
    p = malloc(size);
    if (p)
        h->live++;
    return p;
}

static void *hook_realloc(void *ud, void *ptr, size_t size)
{
    cix_test_hook *h = ud;
    void *p;
    if (h->fail_at && ++h->count == h->fail_at)
        return NULL;
    p = realloc(ptr, size);
    if (p && !ptr)
        h->live++;
    return p;
}

static void hook_free(void *ud, void *ptr)
{
    cix_test_hook *h = ud;
    if (ptr)
        h->live--;
    free(ptr);
}

cix_allocator cix_test_hook_allocator(cix_test_hook *h)
{
    cix_allocator a = {hook_malloc, hook_realloc, hook_free, h};
    return a;
}

/* Each metered block carries its size in a 16-byte header (keeps alignment). */
#define METER_HDR 16

static void *meter_malloc(void *ud, size_t size)
{
    cix_test_meter *m = ud;
    unsigned char *b;
    if (m->fail_at >= 0 && m->calls++ == m->fail_at)
        return NULL;
    b = malloc(size + METER_HDR);
    if (!b)
        return NULL;
    memcpy(b, &size, sizeof size);
    m->now += size;
    if (m->now > m->peak)
        m->peak = m->now;
    return b + METER_HDR;
}

static void meter_free(void *ud, void *ptr)
{
    cix_test_meter *m = ud;
    size_t size;
    unsigned char *b;
    if (!ptr)
        return;
    b = (unsigned char *)ptr - METER_HDR;
    memcpy(&size, b, sizeof size);
    m->now -= size;
    free(b);
}

static void *meter_realloc(void *ud, void *ptr, size_t size)
{
    cix_test_meter *m = ud;
    unsigned char *b, *nb;
    size_t old;
    if (!ptr)
        return meter_malloc(ud, size);
    if (m->fail_at >= 0 && m->calls++ == m->fail_at)
        return NULL;
    b = (unsigned char *)ptr - METER_HDR;
    memcpy(&old, b, sizeof old);
    nb = realloc(b, size + METER_HDR);
    if (!nb)
        return NULL;
    memcpy(nb, &size, sizeof size);
    m->now = m->now - old + size;
    if (m->now > m->peak)
        m->peak = m->now;
    return nb + METER_HDR;
}

cix_allocator cix_test_meter_allocator(cix_test_meter *m)
{
    cix_allocator a = {meter_malloc, meter_realloc, meter_free, m};
    return a;
}

int cix_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
