/*
 * embed.c: use the cix library from a program of your own.
 *
 * Builds a small panel in memory (4 regions x 2 years x 3 indicators, one of
 * them a cost indicator), computes a composite index with min-max
 * normalization, entropy weights and linear aggregation, and prints each
 * region's score and rank within its year.
 *
 * Build against an installed cix, either with pkg-config:
 *     cc embed.c $(pkg-config --cflags --libs cix) -o embed
 * or with CMake:
 *     find_package(cix REQUIRED)
 *     target_link_libraries(embed PRIVATE cix::cix)
 */
#include <stdio.h>

#include <cix/cix.h>

#define NREG 4
#define NYEAR 2
#define NIND 3

int main(void)
{
    /* The data. Region names are UTF-8; Chinese and English names mix freely. */
    static const char *const regions[NREG] = {"北京", "上海", "Guangdong", "贵州"};
    static const int years[NYEAR] = {2022, 2023};
    static const char *const indicators[NIND] = {
        "rd_intensity",      /* R&D spending, % of GDP         (benefit) */
        "patents_per_10k",   /* invention patents per 10,000    (benefit) */
        "energy_per_gdp"     /* tons of coal equivalent per 10k (cost)    */
    };
    /* values[year][region][indicator] */
    static const double values[NYEAR][NREG][NIND] = {
        {{6.83, 218.3, 0.21}, {4.44, 50.2, 0.31}, {3.42, 28.0, 0.29}, {0.99, 3.9, 0.60}},
        {{6.73, 241.3, 0.20}, {4.34, 59.1, 0.30}, {3.54, 33.0, 0.28}, {1.01, 4.7, 0.57}},
    };

    cix_panel *panel = NULL;
    cix_result *result = NULL;
    cix_error err;
    cix_status st;
    int rc = 1;

    /* 1. A panel of NREG*NYEAR rows (one per region and year) with a year column.
     *    NULL allocator = malloc/realloc/free. The panel owns its memory. */
    st = cix_panel_create(NREG * NYEAR, NIND, 1, NULL, &panel, &err);
    if (st != CIX_OK)
        goto fail;

    for (size_t j = 0; j < NIND; j++) {
        st = cix_panel_set_indicator(panel, j, indicators[j], &err);
        if (st != CIX_OK)
            goto fail;
    }

    /* 2. Fill it. Values are stored column by column: cix_panel_column(p, j)
     *    is indicator j's column of nrows contiguous doubles. */
    for (size_t t = 0; t < NYEAR; t++) {
        for (size_t i = 0; i < NREG; i++) {
            size_t row = t * NREG + i;
            st = cix_panel_set_row(panel, row, regions[i], years[t], &err);
            if (st != CIX_OK)
                goto fail;
            for (size_t j = 0; j < NIND; j++)
                cix_panel_column(panel, j)[row] = values[t][i][j];
        }
    }

    /* 3. Catch mistakes (duplicate rows, unnamed indicators, ...) early. */
    st = cix_panel_validate(panel, &err);
    if (st != CIX_OK)
        goto fail;

    /* 4. Options: start from the documented defaults, then say what differs.
     *    Energy use is a cost indicator: less is better. */
    cix_direction dirs[NIND] = {
        {CIX_DIR_BENEFIT, 0, 0}, {CIX_DIR_BENEFIT, 0, 0}, {CIX_DIR_COST, 0, 0}};
    cix_options opt;
    cix_options_init(&opt);
    opt.normalization = CIX_NORM_MINMAX; /* y = (x - min) / (max - min), pooled over years */
    opt.weighting = CIX_WEIGHT_ENTROPY;
    opt.aggregation = CIX_AGG_LINEAR;
    opt.directions = dirs;
    opt.ndirections = NIND;

    /* 5. Normalize, weight, aggregate and rank (within each year) in one call.
     *    The result is a separate handle; free it with cix_result_free(). */
    st = cix_compute(panel, &opt, &result, &err);
    if (st != CIX_OK)
        goto fail;

    const double *w = cix_result_weights(result);
    for (size_t j = 0; j < NIND; j++)
        printf("weight %s %.4f\n", cix_panel_indicator(panel, j), w[j]);

    const double *score = cix_result_scores(result);
    const double *rank = cix_result_ranks(result);
    printf("region\tyear\tscore\trank\n");
    for (size_t row = 0; row < cix_result_nrows(result); row++)
        printf("%s\t%d\t%.4f\t%g\n", cix_panel_row_region(panel, row),
               (int)cix_panel_row_year(panel, row), score[row], rank[row]);
    rc = 0;
    goto cleanup;

fail: {
        /* err names what went wrong and where; format it as one line. */
        char msg[1024];
        cix_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "embed: %s\n", msg);
    }
cleanup:
    cix_result_free(result); /* both accept NULL */
    cix_panel_free(panel);
    return rc;
}
