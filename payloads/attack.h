/* attack.h — the attack engine's public face: load the check set (checks
 * are data, payloads/checks/<id>.json, see payloads/CHECKS.md), run passive
 * checks on every response the engine sees, probe the crawler's endpoint
 * inventory with the active checks, and hand back findings and the list of
 * (check x endpoint) pairs that were tested.
 *
 * Ownership: the check set is immutable once loaded and may be shared by
 * several attacks.  An attack borrows the engine, the config, the checks and
 * (from dast_attack_start on) the endpoint array until dast_attack_free().
 * Findings and tested records are owned by the attack and borrowed by
 * callers until dast_attack_free(). */
#ifndef DAST_ATTACK_H
#define DAST_ATTACK_H

#include <jansson.h>

#include "scanner/engine/config.h"
#include "scanner/engine/http.h"
#include "scanner/engine/types.h"

struct event_base;
struct dast_checks; /* the loaded, validated check set */
struct dast_attack;
struct dast_oob;

/* Loads payloads/checks/<id>.json from the default dir (env DASTGATE_CHECKS_DIR,
 * else DAST_SOURCE_DIR "/payloads/checks") plus cfg->checks_dirs, then keeps
 * only cfg->checks (ids or classes; empty = all) minus cfg->skip_checks.
 * DAST_EPARSE with "file: field: problem" in errbuf on an invalid file
 * (unknown keys are rejected); DAST_EIO when a folder cannot be read. */
dast_err dast_checks_load(const struct dast_config *cfg, struct dast_checks **out, char *errbuf,
                          size_t errlen) DAST_WUR;
/* Loads exactly one check file (tests, `dastgate checks --validate`).
 * Appends to *set, creating it when *set is NULL. */
dast_err dast_checks_load_file(const char *path, struct dast_checks **set, char *errbuf,
                               size_t errlen) DAST_WUR;
/* The same from a buffer (fuzz targets, checks shipped inside a request);
 * `name` stands for the file name in messages. */
dast_err dast_checks_load_buf(const char *text, size_t len, const char *name,
                              struct dast_checks **set, char *errbuf, size_t errlen) DAST_WUR;
void dast_checks_free(struct dast_checks *c);
size_t dast_checks_count(const struct dast_checks *c);
/* New reference: [{id, name, class, severity, cwe, owasp, kind, strategy}]. */
json_t *dast_checks_list_json(const struct dast_checks *c);

/* Creates an attack.  Nothing is sent until dast_attack_start().  The data
 * file payloads/data/jslibs.json is read here (DAST_EPARSE names it). */
dast_err dast_attack_new(struct dast_engine *eng, const struct dast_config *cfg,
                         const struct dast_checks *checks, struct dast_attack **out, char *errbuf,
                         size_t errlen) DAST_WUR;
/* Frees the attack, its findings and tested records.  Call after the
 * engine's loop has returned (or after dast_engine_free cancelled it). */
void dast_attack_free(struct dast_attack *a);

/* Attaches an out-of-band listener (borrowed, must outlive the attack):
 * checks with strategy "oob" only run when one is attached. */
void dast_attack_set_oob(struct dast_attack *a, struct dast_oob *oob);

/* Keeping the session during the attack.  The orchestrator wires these to
 * the crawler's login (crawl.h): `lost` says whether a response to
 * `req_url` shows a lost session; `relogin` starts a login and runs `done`
 * on the loop when it has finished (an error return means no login was
 * started and `done` never runs); `logged_in` says whether the last login
 * worked.  `ud` is passed to all three. */
struct dast_attack_session {
  bool (*lost)(void *ud, const char *req_url, const struct dast_response *resp);
  dast_err (*relogin)(void *ud, dast_timer_cb done, void *done_ud);
  bool (*logged_in)(void *ud);
  void *ud;
  int max_relogins;           /* 0: DAST_ATTACK_MAX_RELOGINS */
};

/* Logins the attack may start in all (unless max_relogins says fewer): past
 * it the attack stops logging in, finishes what it probes without the
 * session, and says it gave up. */
#define DAST_ATTACK_MAX_RELOGINS 20

/* Makes the attack notice a lost session on probe and baseline responses:
 * the job that saw it waits, one login runs for every job that noticed
 * (a bounded number in all), then the probe is sent again.
 * A response that showed the logged-out state is never evidence nor a
 * baseline.  Copied; call before dast_attack_start(). */
void dast_attack_set_session(struct dast_attack *a, const struct dast_attack_session *s);

/* Logins the attack started; *gave_up (may be NULL) is set when the bound
 * was reached or a login failed, so that part of the authenticated area
 * was probed without a session. */
int dast_attack_relogins(const struct dast_attack *a, bool *gave_up);

/* Passive checks: register with dast_engine_observe(eng, dast_attack_observe,
 * attack) from the start of the crawl; sees every response once.  `attack`
 * is a struct dast_attack *. */
void dast_attack_observe(struct dast_engine *eng, const struct dast_request *req,
                         const struct dast_response *resp, void *attack);

/* Starts active probing of the inventory (the array and endpoints are
 * borrowed until dast_attack_free); the caller then runs dast_engine_run().
 * Probes are generated lazily, a bounded number of endpoints in flight.
 * With the passive profile nothing is sent.  DAST_EINVAL if already started. */
dast_err dast_attack_start(struct dast_attack *a, struct dast_endpoint *const *eps,
                           size_t n) DAST_WUR;
/* True once every endpoint was probed (or the engine cancelled the work). */
bool dast_attack_done(const struct dast_attack *a);

/* Findings so far (borrowed; the array may move when more are added). */
size_t dast_attack_findings(const struct dast_attack *a, struct dast_finding *const **out);
size_t dast_attack_tested(const struct dast_attack *a, const struct dast_tested **out);

/* ---- out-of-band listener (payloads/oob.c) ----
 * A tiny HTTP callback server on `base` (the engine's event_base, borrowed),
 * bound to `listen` ("127.0.0.1:0" when NULL).  `public_url` is the URL the
 * target uses to reach it ("http://host:port"); NULL derives it from the
 * bound address.  Every payload carries a unique token in the path; a
 * request whose path contains a registered token is a hit. */
dast_err dast_oob_new(struct event_base *base, const char *listen, const char *public_url,
                      struct dast_oob **out, char *errbuf, size_t errlen) DAST_WUR;
void dast_oob_free(struct dast_oob *o);
/* Base URL without a trailing slash (borrowed). */
const char *dast_oob_url(const struct dast_oob *o);
/* "host:port" of the LDAP side listener for JNDI payloads (borrowed), NULL
 * when it could not be opened (only IPv4 listen addresses get one). */
const char *dast_oob_ldap_hostport(const struct dast_oob *o);
/* Number of hits recorded for `token` (0 when none). */
unsigned dast_oob_hits(const struct dast_oob *o, const char *token);

#endif
