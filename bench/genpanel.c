/*
 * cix-genpanel: writes a synthetic, deterministic panel as a wide CSV
 * (region,year,<indicators>) for benchmarks.
 *
 * The data look like regional statistics: indicators come in correlated
 * blocks (each block follows a latent factor made of a region effect, a block
 * effect and a common trend over the years), values are positive and
 * right-skewed (log-normal), some indicators are costs (they fall when the
 * latent factor rises), and cells may be missing (empty). The same arguments
 * always give the same bytes: the generator has its own PRNG.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_MAX_COUNT 100000000UL

typedef struct gen_args {
    unsigned long regions, years, indicators;
    unsigned long block;   /* indicators per correlated block */
    uint64_t seed;
    double cost_fraction;  /* share of cost indicators */
    double missing;        /* probability that a cell is empty */
    long first_year;
    const char *out;       /* NULL = stdout */
    const char *cost_file; /* names of the cost indicators, comma-separated */
} gen_args;

/* ---- PRNG: splitmix64 seeding xoshiro256** ------------------------------- */

typedef struct rng {
    uint64_t s[4];
    int has_spare;
    double spare;
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
    r->has_spare = 0;
    r->spare = 0.0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform in (0, 1): never 0, so log() is safe. */
static double rng_uniform(rng *r)
{
    return ((double)(rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

/* Standard normal (Box-Muller, both values used). */
static double rng_normal(rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u = rng_uniform(r), v = rng_uniform(r);
    double rad = sqrt(-2.0 * log(u));
    double ang = 6.283185307179586 * v;
    r->spare = rad * sin(ang);
    r->has_spare = 1;
    return rad * cos(ang);
}

/* ---- arguments ------------------------------------------------------------ */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: cix-genpanel -r REGIONS -t YEARS -m INDICATORS [options]\n"
            "Writes a deterministic synthetic panel as a wide CSV: region,year,x001,...\n"
            "  -r N      regions (default 9)\n"
            "  -t N      years (default 10)\n"
            "  -m N      indicators (default 12)\n"
            "  -b N      indicators per correlated block (default 5)\n"
            "  -s SEED   seed (default 1)\n"
            "  -c FRAC   share of cost indicators, 0..1 (default 0.2)\n"
            "  -p PROB   probability that a cell is missing, 0..1 (default 0)\n"
            "  -y YEAR   first year (default 2000)\n"
            "  -o FILE   output file (default standard output; written to FILE.tmp,\n"
            "            then renamed)\n"
            "  -C FILE   write the names of the cost indicators (comma-separated) to FILE\n"
            "example: cix-genpanel -r 3000 -t 20 -m 50 -p 0.01 -o medium.csv -C medium.cost\n");
}

static int parse_count(const char *s, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || v == 0 || v > GEN_MAX_COUNT || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static int parse_fraction(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.0 && v <= 1.0))
        return -1;
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, gen_args *a)
{
    int c;
    unsigned long seed;
    a->regions = 9;
    a->years = 10;
    a->indicators = 12;
    a->block = 5;
    a->seed = 1;
    a->cost_fraction = 0.2;
    a->missing = 0.0;
    a->first_year = 2000;
    a->out = NULL;
    a->cost_file = NULL;
    while ((c = getopt(argc, argv, "r:t:m:b:s:c:p:y:o:C:h")) != -1) {
        int bad = 0;
        switch (c) {
        case 'r': bad = parse_count(optarg, &a->regions); break;
        case 't': bad = parse_count(optarg, &a->years); break;
        case 'm': bad = parse_count(optarg, &a->indicators); break;
        case 'b': bad = parse_count(optarg, &a->block); break;
        case 's':
            bad = parse_count(optarg, &seed);
            a->seed = seed;
            break;
        case 'c': bad = parse_fraction(optarg, &a->cost_fraction); break;
        case 'p': bad = parse_fraction(optarg, &a->missing); break;
        case 'y': {
            char *end;
            a->first_year = strtol(optarg, &end, 10);
            bad = (end == optarg || *end || a->first_year < 1 || a->first_year > 9999);
            break;
        }
        case 'o': a->out = optarg; break;
        case 'C': a->cost_file = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
        if (bad) {
            fprintf(stderr, "cix-genpanel: bad value '%s' for -%c (see -h)\n", optarg, c);
            return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "cix-genpanel: unexpected argument '%s' (see -h)\n", argv[optind]);
        return -1;
    }
    if (a->first_year + (long)a->years - 1 > 9999) {
        fprintf(stderr, "cix-genpanel: the years would pass 9999: lower -y or -t\n");
        return -1;
    }
    return 0;
}

/* ---- generation ----------------------------------------------------------- */

/* Per-indicator shape: cost or benefit, log-normal spread, scale, decimals. */
typedef struct indicator_shape {
    int cost;
    double loading; /* correlation with the block's latent factor */
    double sigma;   /* log-normal spread: the skew */
    double scale;
    int decimals;
} indicator_shape;

/* Region names: a province-style UTF-8 prefix and a number, e.g. "广东-000012". */
static const char *const name_prefix[] = {
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江",
    "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "Hubei", "Hunan", "Guangdong", "Guangxi", "Hainan", "Chongqing", "Sichuan", "Guizhou"};
#define NPREFIX (sizeof name_prefix / sizeof name_prefix[0])

static int generate(const gen_args *a, FILE *f, FILE *cost_out)
{
    int rc = -1;
    unsigned long J = a->indicators, B = a->block;
    unsigned long nblocks = (J + B - 1) / B;
    indicator_shape *shape = malloc(J * sizeof *shape);
    double *block_effect = malloc(nblocks * sizeof *block_effect);
    double *latent = malloc(nblocks * sizeof *latent);
    rng r;
    if (!shape || !block_effect || !latent) {
        fprintf(stderr, "cix-genpanel: out of memory\n");
        goto cleanup;
    }

    rng_seed(&r, a->seed);
    /* Cost indicators are spread evenly: indicator j is a cost when the
     * running count floor((j+1)*frac) steps up. */
    for (unsigned long j = 0; j < J; j++) {
        indicator_shape *s = &shape[j];
        s->cost = (unsigned long)((double)(j + 1) * a->cost_fraction) >
                  (unsigned long)((double)j * a->cost_fraction);
        s->loading = 0.6 + 0.35 * rng_uniform(&r);
        s->sigma = 0.4 + 0.8 * rng_uniform(&r);
        int k = (int)(rng_next(&r) % 7) - 1; /* scale 10^-1 .. 10^5 */
        s->scale = pow(10.0, k);
        s->decimals = k >= 3 ? 0 : 3 - k;
    }

    if (cost_out) {
        int first = 1;
        for (unsigned long j = 0; j < J; j++) {
            if (!shape[j].cost)
                continue;
            fprintf(cost_out, "%sx%03lu", first ? "" : ",", j + 1);
            first = 0;
        }
        fputc('\n', cost_out);
    }

    fputs("region,year", f);
    for (unsigned long j = 0; j < J; j++)
        fprintf(f, ",x%03lu", j + 1);
    fputc('\n', f);

    for (unsigned long i = 0; i < a->regions; i++) {
        char region[64];
        snprintf(region, sizeof region, "%s-%06lu", name_prefix[i % NPREFIX], i + 1);
        double region_effect = rng_normal(&r);
        for (unsigned long b = 0; b < nblocks; b++)
            block_effect[b] = 0.7 * region_effect + 0.7 * rng_normal(&r);
        for (unsigned long t = 0; t < a->years; t++) {
            double trend = 0.04 * (double)t;
            for (unsigned long b = 0; b < nblocks; b++)
                latent[b] = block_effect[b] + trend + 0.25 * rng_normal(&r);
            fprintf(f, "%s,%ld", region, a->first_year + (long)t);
            for (unsigned long j = 0; j < J; j++) {
                const indicator_shape *s = &shape[j];
                double l = s->cost ? -latent[j / B] : latent[j / B];
                double z = s->loading * l + sqrt(1.0 - s->loading * s->loading) * rng_normal(&r);
                /* Draw the missing flag for every cell so that the values do
                 * not depend on -p. */
                int missing = rng_uniform(&r) < a->missing;
                if (missing) {
                    fputc(',', f);
                    continue;
                }
                fprintf(f, ",%.*f", s->decimals, s->scale * exp(s->sigma * z));
            }
            fputc('\n', f);
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "cix-genpanel: write error: %s\n", strerror(errno));
        goto cleanup;
    }
    rc = 0;

cleanup:
    free(shape);
    free(block_effect);
    free(latent);
    return rc;
}

int main(int argc, char **argv)
{
    gen_args a;
    FILE *f = stdout, *cost_out = NULL;
    char *tmp = NULL;
    int rc = 1;

    if (parse_args(argc, argv, &a) != 0)
        return 2;

    if (a.cost_file) {
        cost_out = fopen(a.cost_file, "w");
        if (!cost_out) {
            fprintf(stderr, "cix-genpanel: cannot write '%s': %s\n", a.cost_file, strerror(errno));
            goto cleanup;
        }
    }
    if (a.out) {
        size_t n = strlen(a.out) + 5;
        tmp = malloc(n);
        if (!tmp) {
            fprintf(stderr, "cix-genpanel: out of memory\n");
            goto cleanup;
        }
        snprintf(tmp, n, "%s.tmp", a.out);
        f = fopen(tmp, "w");
        if (!f) {
            fprintf(stderr, "cix-genpanel: cannot write '%s': %s\n", tmp, strerror(errno));
            f = stdout;
            goto cleanup;
        }
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);

    if (generate(&a, f, cost_out) != 0)
        goto cleanup;
    if (f != stdout) {
        FILE *g = f;
        f = stdout;
        if (fclose(g) != 0 || rename(tmp, a.out) != 0) {
            fprintf(stderr, "cix-genpanel: cannot write '%s': %s\n", a.out, strerror(errno));
            goto cleanup;
        }
    } else if (fflush(f) != 0) {
        fprintf(stderr, "cix-genpanel: write error: %s\n", strerror(errno));
        goto cleanup;
    }
    rc = 0;

cleanup:
    if (f != stdout) {
        fclose(f);
        remove(tmp);
    }
    if (cost_out && fclose(cost_out) != 0)
        rc = 1;
    free(tmp);
    return rc;
}
