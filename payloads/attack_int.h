/* attack_int.h — the attack engine's moving parts, shared by attack.c (the
 * scheduler: endpoints in flight, baselines, job creation, findings) and
 * strategies.c (one state machine per strategy).
 *
 * A job is one (check, endpoint, insertion point or target) — or, for the
 * match and boolean strategies, one payload / pair of it (`part`), so that
 * the independent probes of a check run side by side: it sends one request
 * at a time through pl_job_send() and its strategy's `on_resp` decides what
 * to send next or calls pl_job_finish().  An endpoint state owns its
 * jobs and its two baseline responses; it is freed when its last job ends.
 * Everything runs on the engine's loop thread; no locks. */
#ifndef DAST_ATTACK_INT_H
#define DAST_ATTACK_INT_H

#include "payloads/pl_int.h"

/* An endpoint whose baseline takes longer than this cannot time a sleep
 * apart from its own jitter, and every probe there holds a connection that
 * long: timing is not attempted and inert parameters are not probed for
 * visible effects. */
#define PL_EXPENSIVE_US 1000000u
#define PL_SENSE_HEADERS 8 /* header targets sensed per slow endpoint */

struct pl_ep;
struct pl_job;

/* A canary planted by the stored-XSS strategy, looked for on GET pages. */
struct pl_plant {
  const struct pl_check *c;
  const struct dast_endpoint *ep;
  long ip;
  char canary[PL_CANARY_LEN + 1];
  char *payload;     /* template */
  char *sent;        /* the payload as planted (expanded) */
  char *url;         /* the planting request's URL (with a GET plant's query) */
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
  size_t neps, next_ep;     /* next_ep indexes `order` */
  size_t *order;            /* eps indexes: the login URL's endpoints last */
  size_t nordered, nfirst;  /* order[nfirst..] are the login URL's */
  size_t in_flight;        /* endpoints taken from eps and not freed yet */
  size_t base_bytes;       /* their baselines' body bytes (bounds the lookahead) */
  size_t active;           /* of those, endpoints whose jobs run (at most window) */
  size_t window;
  struct pl_ep *ready;     /* baseline done, jobs not made yet: slow ones first,
                            * then in inventory order */
  bool started, post_started, done, in_next;
  uint64_t *seen;   /* dedup keys of endpoint-level scopes (sorted insert) */
  size_t nseen, aseen;
  struct pl_plant *plants;
  size_t nplants;
  struct pl_oobwait *oobw;
  size_t noobw;
  uint64_t oob_last_us;    /* when the last out-of-band probe was answered */
  size_t replay_next, replay_pending;
  /* session keeping (session.c) */
  struct dast_attack_session sess; /* lost == NULL: not configured */
  unsigned epoch;          /* logins the attack completed: a probe sent in an
                            * older epoch that saw a lost session is resent
                            * without a new login */
  int relogins;
  int login_fails;         /* failed logins in a row */
  bool busy;               /* a session check or a login is running */
  bool gave_up;
  struct pl_wait *waiting; /* parked until the running check or login finishes */
  char *check_url;         /* what the running session check fetched */
};

/* How a request parked after a logged-out answer resumes (session.c). */
enum pl_resume {
  PL_RESUME_RESEND, /* logged in again (or already was since it was sent): send it again */
  PL_RESUME_ALIVE,  /* the session is fine: the request looked logged out by itself */
  PL_RESUME_GONE    /* the session is not coming back */
};
typedef void (*pl_retry_fn)(void *ud, enum pl_resume how);
struct pl_wait {
  pl_retry_fn retry;
  void *ud;
  struct pl_wait *next;
};

struct pl_job {
  struct pl_ep *es;
  const struct pl_check *c;
  long ip;                 /* parameter index, -1 for endpoint-level */
  const char *target;      /* "header:Name" / "endpoint" for endpoint-level, else NULL */
  long part;               /* match: the one payload, boolean: the one pair it tries;
                            * -1: all of them in order */
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
  unsigned bepoch;         /* boolean: a->epoch when the first of the three was sent */
  int redo;                /* boolean: triples sent again after a relogin */
  struct pl_subject fbase; /* boolean: a fresh load of the page as crawled, */
  struct pl_tokens fbtok;  /* fetched when the endpoint's baseline looks stale */
  bool fbase_set;
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
  char *last_value, *last_url; /* the last probe's arguments, to send it again */
  int last_timeout;
  unsigned epoch;             /* a->epoch when the last probe was sent */
  bool resending, resent;     /* the last probe is a resend after a lost session */
  bool hint_only;             /* timing in the standard profile: needs a hint */
  struct pl_job *next;        /* every job of the endpoint */
  struct pl_job *snext;       /* serial queue */
  struct pl_job *bnext;       /* backlog queue */
};

struct pl_ep {
  struct dast_attack *a;
  const struct dast_endpoint *ep;   /* what jobs probe: `orig`, or `own` with cookie points */
  const struct dast_endpoint *orig; /* the inventory's endpoint (borrowed) */
  struct dast_endpoint *own;        /* orig + the jar's cookies as insertion points, or NULL */
  long csrf;                        /* index of a rotating-token field, or -1 */
  struct pl_subject base[2];
  int nbase;
  int base_out, base_sent; /* baseline requests in flight / sent */
  unsigned own_epoch;      /* a->epoch of the session cookies copied into `own` */
  unsigned base_epoch;     /* a->epoch when the last baseline was sent */
  char *base_url;          /* the baseline's URL as sent (callbacks may see a later hop) */
  int base_resends;        /* baselines sent again after a lost session */
  size_t ninert;           /* entries of `inert` */
  struct pl_tokens btok, dyn;
  double stability;        /* raw similarity of the two baselines */
  uint64_t base_us;        /* slower of the two baseline times */
  const char *ctype;       /* content type of the baseline (borrowed from base[0]) */
  size_t running;          /* jobs started and not finished */
  struct pl_job *serial;   /* timing jobs waiting their turn */
  struct pl_job *backlog, *backlog_tail; /* jobs over PL_EP_WINDOW, started in order as
                                          * running ones finish */
  unsigned char *inert;    /* slow endpoint: per parameter, 1 when a canary there left the
                            * page as it was (see sense_start in attack.c), else NULL */
  struct {
    const char *name;      /* borrowed from a check's "header:Name" target */
    bool inert;
  } inert_hdr[PL_SENSE_HEADERS]; /* the same for header targets */
  size_t ninert_hdr;
  size_t sensing;          /* sensitivity probes in flight */
  bool cancelled;          /* a baseline or sensitivity probe was cancelled: make no jobs */
  struct pl_job *all;      /* every job (for freeing) */
  bool creating;
  bool started;            /* its jobs were made (counted in a->active) */
  size_t index;            /* in the inventory */
  struct pl_ep *rnext;     /* a->ready list */
};


/* session.c */
enum pl_session { PL_SESSION_OK = 0, PL_SESSION_PARKED, PL_SESSION_GONE };
/* Looks at a response (to `req_url`) for a lost session.  PL_SESSION_OK:
 * not lost (or no session keeping configured).  PL_SESSION_PARKED: looks
 * lost; `retry` (may be NULL) runs from the loop later with how it
 * resumes: after `check_url` (NULL: req_url) was fetched to tell a lost
 * session from a probe that only looks logged out, and a login if needed
 * (one for every request that noticed; none when the session was renewed
 * since the request was sent, `sent_epoch`).  PL_SESSION_GONE: lost and
 * not to be restored; `retry` never runs.  Either way the response must
 * not be used. */
enum pl_session pl_session_check(struct dast_attack *a, const char *req_url,
                                 const struct dast_response *resp, unsigned sent_epoch,
                                 const char *check_url, pl_retry_fn retry, void *ud);
/* Parks `retry` until the running check or login finishes (call only
 * while a->busy). */
void pl_session_park(struct dast_attack *a, pl_retry_fn retry, void *ud);
/* Copies the jar's current session cookies into es->own when a login
 * happened since they were copied (probes of `own` carry cookies
 * explicitly). */
void pl_session_refresh_own(struct pl_ep *es);
/* Frees parked retries without running them (the attack is being freed). */
void pl_session_free(struct dast_attack *a);

/* sense.c */
/* Sends the sensitivity probes of a slow endpoint (fills es->inert and
 * es->inert_hdr); false when none was sent.  When the last one is back,
 * pl_ep_sensed(es) runs. */
bool pl_sense_start(struct pl_ep *es);
/* True when `target` ("header:Name") is a header the probe found inert. */
bool pl_sense_header_inert(const struct pl_ep *es, const char *target);

/* attack.c */
/* The endpoint's sensitivity probes are back: it waits for its jobs. */
void pl_ep_sensed(struct pl_ep *es);
/* File fields, submit buttons and session cookies are never probed. */
bool pl_param_probeable(const struct dast_param *p);
/* A check probes parameters unless it only names targets (or is files). */
bool pl_check_param_level(const struct pl_check *c);
/* The check looks for a visible effect of the value (match, boolean). */
bool pl_check_visible_effect(const struct pl_check *c);
void pl_job_finish(struct pl_job *j);
/* Adds a finding (owned) unless one with the same fingerprint and at least
 * the same confidence exists; a better one replaces the old. */
void pl_attack_add_finding(struct dast_attack *a, struct dast_finding *f);

/* send.c */
/* Probes and baselines are judged against baselines kept to this size:
 * more of an answer would only cost memory. */
#define PL_BASE_CAP (1u << 20)
/* Replaces or adds "Name: value" in a built request's header list. */
void pl_built_set_header(struct dast_built *b, const char *name, const char *value);
/* Sends one probe for the job: value into its insertion point (or target
 * header), plus the check's headers/method.  When `url` is not NULL it is
 * requested instead (files).  Returns false when nothing was sent (the
 * engine refused it): the caller then finishes the job. */
bool pl_job_send(struct pl_job *j, const char *value, const char *url, int timeout_ms);
/* Fresh vars for a job (orig/tag/file/xml/oob filled in). */
void pl_job_vars(struct pl_job *j);
/* Anti-CSRF token refresh: before a request of an endpoint with a token
 * field, its form page is fetched and the current token copied into
 * es->own; `then` runs from that callback (ok false when the scan was
 * cancelled).  False when no refresh is needed or it could not be sent. */
typedef void (*pl_refresh_then)(struct pl_ep *es, void *ud, bool ok);
bool pl_csrf_refresh(struct pl_ep *es, pl_refresh_then then, void *ud);

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
