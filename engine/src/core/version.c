/* Runtime version of the linked library. */
#include "../internal.h"

unsigned cix_version_number(void)
{
    return CIX_VERSION_NUMBER;
}

const char *cix_version_string(void)
{
    return CIX_VERSION_STRING;
}
