/* Loading the oracle's data sets (tests/oracle) and looking up its expected
 * values; shared by test_weights_oracle.c, test_pca.c and test_audit.c. */
#ifndef ORACLE_DATA_H
#define ORACLE_DATA_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cix_test.h"

#define ORACLE_MAX_IND 16
#define ORACLE_MAX_ROWS 4096

typedef struct oracle_set {
    cix_panel *p;
    cix_direction dirs[ORACLE_MAX_IND];
    size_t J;
} oracle_set;

typedef struct oracle_expected {
    cix_expected *rows;
    int n;
} oracle_expected;

static inline void oracle_expected_load(oracle_expected *e, const char *set, const char *method)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/oracle/expected/%s.%s.csv", CIX_SOURCE_DIR, set,
             method);
    e->rows = malloc(ORACLE_MAX_ROWS * sizeof *e->rows);
    ck_assert_ptr_nonnull(e->rows);
    e->n = cix_test_read_expected(path, e->rows, ORACLE_MAX_ROWS);
    ck_assert_msg(e->n > 0, "cannot read %s", path);
}

static inline void oracle_expected_free(oracle_expected *e)
{
    free(e->rows);
    e->rows = NULL;
}

/* The value of (quantity, key); fails the test when absent. */
static inline double oracle_get(const oracle_expected *e, const char *quantity, const char *key)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->rows[i].quantity, quantity) == 0 && strcmp(e->rows[i].key, key) == 0)
            return e->rows[i].value;
    ck_abort_msg("no expected value %s,%s", quantity, key);
    return 0;
}

static inline int oracle_has(const oracle_expected *e, const char *quantity, const char *key)
{
    for (int i = 0; i < e->n; i++)
        if (strcmp(e->rows[i].quantity, quantity) == 0 && strcmp(e->rows[i].key, key) == 0)
            return 1;
    return 0;
}

/* Reads data set `name` (tai23, mfg8, complete30, water) with its
 * directions; mfg8's missing cells are filled with the values the oracle
 * lists in mfg8.impute-mean.csv (the pooled column means). */
static inline void oracle_load(oracle_set *s, const char *name)
{
    char path[1024], line[256];
    cix_read_options ro;
    cix_error err;
    FILE *f;
    size_t k = 0;

    memset(s, 0, sizeof *s);
    if (strcmp(name, "tai23") == 0)
        snprintf(path, sizeof path, "%s/tai23.csv", CIX_FIXTURE_DIR);
    else
        snprintf(path, sizeof path, "%s/tests/oracle/data/%s.csv", CIX_SOURCE_DIR, name);
    cix_read_options_init(&ro);
    ck_assert_cix_ok(cix_panel_read_file(path, &ro, &s->p, &err), &err);
    s->J = cix_panel_nindicators(s->p);
    ck_assert_uint_le(s->J, ORACLE_MAX_IND);

    snprintf(path, sizeof path, "%s/tests/oracle/data/%s.directions.csv", CIX_SOURCE_DIR,
             name);
    f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* header */
    while (fgets(line, sizeof line, f)) {
        char *c = strchr(line, ','), *d, *e;
        size_t j;
        if (!c)
            continue;
        *c = '\0';
        d = c + 1;
        d[strcspn(d, "\r\n")] = '\0';
        if (*d == '"') {
            d++;
            e = strchr(d, '"');
            if (e)
                *e = '\0';
        }
        j = cix_panel_find_indicator(s->p, line);
        ck_assert_msg(j != (size_t)-1, "direction for unknown indicator %s", line);
        ck_assert_msg(cix_direction_parse(d, &s->dirs[j]) == 0, "bad direction %s", d);
        k++;
    }
    fclose(f);
    ck_assert_uint_eq(k, s->J);

    if (strcmp(name, "mfg8") == 0) {
        oracle_expected e;
        size_t filled = 0;
        oracle_expected_load(&e, "mfg8", "impute-mean");
        for (int i = 0; i < e.n; i++) {
            char key[128], *ind, *yr;
            size_t j, r, n = cix_panel_nrows(s->p);
            if (strcmp(e.rows[i].quantity, "filled") != 0)
                continue;
            strcpy(key, e.rows[i].key);
            ind = strrchr(key, ':');
            *ind++ = '\0';
            yr = strrchr(key, ':');
            *yr++ = '\0';
            j = cix_panel_find_indicator(s->p, ind);
            ck_assert_msg(j != (size_t)-1, "unknown indicator %s", ind);
            for (r = 0; r < n; r++)
                if (strcmp(cix_panel_row_region(s->p, r), key) == 0 &&
                    cix_panel_row_year(s->p, r) == atoi(yr))
                    break;
            ck_assert_msg(r < n, "no row %s:%s", key, yr);
            ck_assert(isnan(cix_panel_column(s->p, j)[r]));
            cix_panel_column(s->p, j)[r] = e.rows[i].value;
            filled++;
        }
        ck_assert_uint_eq(filled, 31);
        ck_assert_uint_eq(cix_panel_count_missing(s->p), 0);
        oracle_expected_free(&e);
    }
}

/* Options: directions of the set, minmax [0,1]. */
static inline void oracle_options(const oracle_set *s, cix_options *o)
{
    cix_options_init(o);
    o->directions = s->dirs;
    o->ndirections = s->J;
    o->normalization = CIX_NORM_MINMAX;
    o->range_lo = 0;
    o->range_hi = 1;
}

static const char *const ORACLE_SETS[] = {"tai23", "mfg8", "complete30", "water"};
#define ORACLE_NSETS 4

#endif
