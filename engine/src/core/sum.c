/* Accurate summation. */
#include <math.h>

#include "../internal.h"

/* Neumaier's variant of Kahan summation: error bounded independently of n
 * for all practical purposes, one pass, order-fixed (so deterministic). */
double cix_i_sum(const double *x, size_t n, size_t *count)
{
    double s = 0.0, c = 0.0;
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        double v = x[i], t;
        if (isnan(v))
            continue;
        t = s + v;
        if (fabs(s) >= fabs(v))
            c += (s - t) + v;
        else
            c += (v - t) + s;
        s = t;
        k++;
    }
    if (count)
        *count = k;
    return s + c;
}
