/* Accurate summation. */
#include <math.h>

#include "../internal.h"

/* Compensated sum (Neumaier) of the present values, in index order. */
double cix_i_sum(const double *x, size_t n, size_t *count)
{
    cix_i_ksum k = {0.0, 0.0};
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            continue;
        cix_i_ksum_add(&k, x[i]);
        m++;
    }
    if (count)
        *count = m;
    return cix_i_ksum_get(&k);
}

#if defined(CIX_I_LANES)
/* (the copies of a function are made where it is defined and called: a
 * static function with copies behind the internal one) */
CIX_I_SIMD_CLONES static void sums4(const double *const *x, size_t n, cix_i_sums4 *out)
{
    const cix_i_v4d one = {1.0, 1.0, 1.0, 1.0};
    cix_i_v4d S = {0.0, 0.0, 0.0, 0.0}, C = S, M = S;
    cix_i_v4d LO = {INFINITY, INFINITY, INFINITY, INFINITY}, HI = -LO;
    for (size_t r = 0; r < n; r++) {
        cix_i_v4d v = {x[0][r], x[1][r], x[2][r], x[3][r]}, w = CIX_I_VNAN0(v);
        CIX_I_VKSUM(S, C, w);
        M += (cix_i_v4d)((v != v) & (cix_i_v4l)one);
        LO = CIX_I_VSEL(v < LO, v, LO);
        HI = CIX_I_VSEL(v > HI, v, HI);
    }
    for (int k = 0; k < 4; k++) {
        out->s[k] = S[k];
        out->c[k] = C[k];
        out->missing[k] = M[k];
        out->lo[k] = LO[k];
        out->hi[k] = HI[k];
    }
}

void cix_i_sums4_of(const double *const *x, size_t n, cix_i_sums4 *out)
{
    sums4(x, n, out);
}
#endif
