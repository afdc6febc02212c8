/* attack_int.h — the attack engine's moving parts, shared by attack.c (the
 * scheduler: endpoints in flight, baselines, job creation, findings) and
 * strategies.c (one state machine per strategy).
 *
 * A job is one (check, endpoint, insertion point or target): it sends one
 * request at a time through job_send() and its strategy's `on_resp` decides
 * what to send next or calls pl_job_finish().  An endpoint state owns its
 * jobs and its two baseline responses; it is freed when its last job ends.
 * Everything runs on the engine's loop thread; no locks. */
#ifndef DAST_ATTACK_INT_H
#define DAST_ATTACK_INT_H

#include "payloads/pl_int.h"

struct pl_ep;
struct pl_job;

/* A canary planted by the stored-XSS strategy, looked for on GET pages. */
struct pl_plant {
  const struct pl_check *c;
  const struct dast_endpoint *ep;
  long ip;
  char canary[PL_CANARY_LEN + 1];
  char *payload;     /* template */
  char *request;     /* request text for the evidence */
  char *curl;
  bool found;
};

/* An out-of-band probe waiting for its callback. */
struct pl_oobwait {
  const struct pl_check *c;
  const struct dast_endpoint *ep;
  long ip;
  const char *target;  /* "header:Name" for endpoint-level probes (borrowed from the check) */
  char token[24];
  char *payload, *request, *curl, *url;
  bool found;
};

struct dast_attack {
  struct dast_engine *eng;
  const struct dast_config *cfg;
  const struct dast_checks *checks;
  struct dast_rng rng;
  struct dast_oob *oob;
  struct pl_passive *passive;
  struct dast_finding **findings;
  size_t nfindings, afindings;
  struct dast_tested *tested;
  size_t ntested, atested;
  struct dast_endpoint *const *eps;
  size_t neps, next_ep, in_flight, window;
  bool started, post_started, done, in_next;
  uint64_t *seen;   /* dedup keys of endpoint-level scopes (sorted insert) */
  size_t nseen, aseen;
  struct pl_plant *plants;
  size_t nplants;
  struct pl_oobwait *oobw;
  size_t noobw;
  size_t replay_next, replay_pending;
};

struct pl_job {
  struct pl_ep *es;
  const struct pl_check *c;
  long ip;                 /* parameter index, -1 for endpoint-level */
  const char *target;      /* "header:Name" / "endpoint" for endpoint-level, else NULL */
  const char *path;        /* files strategy: request this URL instead (owned by job) */
  char *path_own;
  int step;
  struct dast_rng rng;     /* seeded from (scan seed, check, endpoint, point): the
                            * values do not depend on the order responses arrive */
  size_t pi, ci, ki;       /* payload / control / confirm indexes */
  int round;
  struct pl_vars v;
  struct pl_subject keep[3];  /* responses a strategy compares later */
  struct pl_refl refl[4];
  size_t nrefl, ri;
  unsigned s1, s2;
  uint64_t t1, t0;
  struct dast_finding *best;  /* candidate finding (owned) */
  char *note;                 /* evidence text being built */
  char *orig_copy;            /* owned copy of the insertion point's value: v.orig points
                               * here, since a CSRF refresh may replace the param's value */
  bool serial;                /* timing: runs alone after the others */
  bool finished;
  struct dast_built sent;      /* the last probe as sent (evidence, curl) */
  struct dast_built planted;   /* stored-xss: the planting request */
  char *put_first;             /* put: the first file, removed at the end */
  const char *url_method;      /* for a request to `url`: method and body (NULL: GET) */
  const char *url_body;
  char *pend_value, *pend_url; /* a probe waiting for a fresh anti-CSRF token */
  int pend_timeout;
  bool refreshed;
  bool hint_only;             /* timing in the standard profile: needs a hint */
  struct pl_job *next;        /* every job of the endpoint */
  struct pl_job *snext;       /* serial queue */
};

struct pl_ep {
  struct dast_attack *a;
  const struct dast_endpoint *ep;   /* what jobs probe: `orig`, or `own` with cookie points */
  const struct dast_endpoint *orig; /* the inventory's endpoint (borrowed) */
  struct dast_endpoint *own;        /* orig + the jar's cookies as insertion points, or NULL */
  long csrf;                        /* index of a rotating-token field, or -1 */
  struct pl_subject base[2];
  int nbase;
  struct pl_tokens btok, dyn;
  double stability;        /* raw similarity of the two baselines */
  uint64_t base_us;        /* slower of the two baseline times */
  const char *ctype;       /* content type of the baseline (borrowed from base[0]) */
  size_t running;          /* jobs started and not finished */
  struct pl_job *serial;   /* timing jobs waiting their turn */
  struct pl_job *all;      /* every job (for freeing) */
  bool creating;
};

/* attack.c */
/* Sends one probe for the job: value into its insertion point (or target
 * header), plus the check's headers/method.  When `url` is not NULL it is
 * requested instead (files).  Returns false when nothing was sent (the
 * engine refused it): the caller then finishes the job. */
bool pl_job_send(struct pl_job *j, const char *value, const char *url, int timeout_ms);
void pl_job_finish(struct pl_job *j);
/* Adds a finding (owned) unless one with the same fingerprint and at least
 * the same confidence exists; a better one replaces the old. */
void pl_attack_add_finding(struct dast_attack *a, struct dast_finding *f);
/* Fresh vars for a job (orig/tag/file/xml/oob filled in). */
void pl_job_vars(struct pl_job *j);

/* The state of a class on an insertion point from the findings so far:
 * 0 nothing, 1 an unconfirmed finding (a hint), 2 confirmed. */
int pl_class_state(const struct dast_attack *a, const char *klass, const struct dast_endpoint *ep,
                   long ip);

/* strategies.c: helpers the strategies share */
/* Appends to the evidence text being built. */
void pl_job_note(struct pl_job *j, const char *fmt, ...) DAST_PRINTF(2, 3);
/* Records a candidate finding from this probe (replacing a weaker one). */
void pl_job_candidate(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s,
                      const struct pl_hit *hit, enum dast_confidence conf);
/* Sets the candidate's confidence, evidence (the note) and payload. */
void pl_job_set_conf(struct pl_job *j, enum dast_confidence conf, const char *payload);

/* files.c */
void pl_files_start(struct pl_job *j);
void pl_files_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s);
void pl_put_start(struct pl_job *j);
void pl_put_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s);

/* strategies.c */
void pl_strategy_start(struct pl_job *j);
void pl_strategy_resp(struct pl_job *j, const struct dast_request *req,
                      const struct dast_response *resp);
/* Stored XSS replay and OOB collection after every endpoint is done. */
void pl_post_start(struct dast_attack *a);

#endif
