/* support.h — helpers shared by the unit tests (tests/unit/support_*.c is
 * linked into every test executable). */
#ifndef DAST_TEST_SUPPORT_H
#define DAST_TEST_SUPPORT_H

#include <stddef.h>

/* Reads tests/data/<relpath> whole; owned, NUL-terminated, *len set.  NULL
 * when the file can't be opened. */
char *dast_test_slurp(const char *relpath, size_t *len);

#endif
