/* support.h — helpers shared by the unit tests (tests/unit/support_*.c is
 * linked into every test executable). */
#ifndef DAST_TEST_SUPPORT_H
#define DAST_TEST_SUPPORT_H

#include <stddef.h>

/* Reads tests/data/<relpath> whole; owned, NUL-terminated, *len set.  NULL
 * when the file can't be opened. */
char *dast_test_slurp(const char *relpath, size_t *len);

struct evhttp_request;
struct dast_attack;
struct dast_finding;

/* support_app.c — for the small vulnerable apps of the attack tests. */
char *dast_test_html_esc(const char *s);                                    /* owned */
/* First value of `name` in the query, else in an urlencoded body; "" when
 * absent (owned). */
char *dast_test_param(struct evhttp_request *req, const char *name);
void dast_test_quiet(void *ctx, const char *msg, ...);                      /* libxml2 errors */
/* The first finding of `check` on template `tmpl` (NULL: any), or NULL. */
const struct dast_finding *dast_test_find(const struct dast_attack *a, const char *check,
                                          const char *tmpl);
void dast_test_dump_findings(const struct dast_attack *a);

#endif
