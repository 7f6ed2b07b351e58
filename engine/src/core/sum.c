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
