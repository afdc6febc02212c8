/* support.h — helpers shared by the unit tests (tests/unit/support_*.c is
 * linked into every test executable). */
#ifndef DAST_TEST_SUPPORT_H
#define DAST_TEST_SUPPORT_H

#include "payloads/attack.h"
#include "scanner/engine/config.h"
#include "scanner/engine/http.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* In a TEST (harness.h): the finding of `check` on `tmpl` (NULL: any) must
 * be confirmed, with its evidence — or must not be confirmed.  The findings
 * are dumped when it fails. */
#define DAST_EXPECT_CONFIRMED(attack, check, tmpl)                                              \
  do {                                                                                          \
    const struct dast_finding *f_ = dast_test_find(attack, check, tmpl);                        \
    if(!f_ || f_->confidence != DAST_CONF_CONFIRMED) {                                          \
      dast_test_dump_findings(attack);                                                          \
      FAIL_AT("%s on %s should be confirmed (%s)", check, (tmpl) ? (const char *)(tmpl) : "*",  \
              f_ ? dast_confidence_name(f_->confidence) : "missing");                           \
    }                                                                                           \
    ASSERT(f_->curl && f_->request && f_->response && f_->evidence && f_->fingerprint);         \
  } while(0)
#define DAST_EXPECT_NOT_CONFIRMED(attack, check, tmpl)                                          \
  do {                                                                                          \
    const struct dast_finding *f_ = dast_test_find(attack, check, tmpl);                        \
    if(f_ && f_->confidence == DAST_CONF_CONFIRMED) {                                           \
      dast_test_dump_findings(attack);                                                          \
      FAIL_AT("%s on %s must not be confirmed", check, (tmpl) ? (const char *)(tmpl) : "*");    \
    }                                                                                           \
  } while(0)

/* support_rig.c — the attack engine on a test app's loop, endpoints added
 * by hand.  Config: target http://127.0.0.1:port/, `profile`, seed, no
 * retries, only the checks listed in `only` (NULL-terminated; NULL: all). */
struct dast_test_rig {
  struct event_base *base; /* borrowed */
  int port;
  struct dast_config cfg;
  struct dast_scope *scope;
  struct dast_engine *eng;
  struct dast_checks *checks;
  struct dast_attack *attack;
  struct dast_endpoint *eps[64];
  size_t neps;
};
void dast_test_rig_init(struct dast_test_rig *r, struct event_base *base, int port,
                        enum dast_profile profile, uint64_t seed, const char *const *only);
/* method + path, with one parameter of `kind` when pname is not NULL (a
 * query one makes the template "path?pname="). */
struct dast_endpoint *dast_test_rig_add(struct dast_test_rig *r, const char *method,
                                        const char *path, enum dast_ip_kind kind,
                                        const char *pname, const char *pval);
void dast_test_rig_run(struct dast_test_rig *r);
/* Frees the attack and the engine (before what the test hung on the loop). */
void dast_test_rig_stop(struct dast_test_rig *r);
/* Stops if not yet, lets the loop run drain_ms for late replies, frees the rest. */
void dast_test_rig_free(struct dast_test_rig *r, int drain_ms);

/* support_service.c — the scan the service tests inject: one real GET of
 * the target (false when unreachable), then a real dastgate/1 report and
 * gate for it (a confirmed SQL injection when the target URL says "vuln";
 * incomplete when cancelled); returns the gate's exit code. */
bool dast_test_reach(const char *url);
struct dast_finding *dast_test_sqli_finding(const char *url); /* owned, fingerprinted */
int dast_test_stub_report(const struct dast_config *cfg, bool cancelled, json_t **report,
                          char *errbuf, size_t errlen);

#endif
