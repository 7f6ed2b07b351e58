/* The cix program (being written). */
#include <stdio.h>

#include "cix/cix.h"

int main(void)
{
    printf("cix %s\n", cix_version_string());
    return 0;
}
