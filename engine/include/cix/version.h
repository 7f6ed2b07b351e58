/* cix version macros. The build reads the version from this file, so it is
 * the single place where the version is set. cix_version_number() in
 * cix/cix.h returns the version of the library actually linked; a test
 * checks that the two agree. */
#ifndef CIX_VERSION_H
#define CIX_VERSION_H

#define CIX_VERSION_MAJOR 0
#define CIX_VERSION_MINOR 4
#define CIX_VERSION_PATCH 1

#define CIX_VERSION_NUMBER \
    (CIX_VERSION_MAJOR * 10000 + CIX_VERSION_MINOR * 100 + CIX_VERSION_PATCH)

#define CIX_VERSION_STRINGIFY_(x) #x
#define CIX_VERSION_STRINGIFY(x) CIX_VERSION_STRINGIFY_(x)
#define CIX_VERSION_STRING                                        \
    CIX_VERSION_STRINGIFY(CIX_VERSION_MAJOR)                      \
    "." CIX_VERSION_STRINGIFY(CIX_VERSION_MINOR) "." CIX_VERSION_STRINGIFY(CIX_VERSION_PATCH)

#endif /* CIX_VERSION_H */
