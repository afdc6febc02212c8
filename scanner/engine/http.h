/* http.h — the HTTP engine: every request dastgate sends goes through one
 * of these.  libcurl's multi interface driven by a libevent event_base
 * (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION, as curl's hiperfifo.c),
 * single-threaded, with a scheduler in front of it: global concurrency,
 * per-host connections, a token-bucket rate limit, per-request timeouts, a
 * whole-scan time budget, bounded retries on connection errors, Retry-After
 * honoured for 429/503, redirects followed by the engine itself so every hop
 * is checked against the scope.
 *
 * Callback rules (libuv's): if dast_engine_submit() returns an error the
 * callback never runs; the callback never runs inside the submit call; after
 * a successful submit it runs exactly once — with resp->err == DAST_ECANCEL
 * when the time budget or a cancel dropped the request.  The request and
 * response passed to a callback are borrowed and freed when it returns. */
#ifndef DAST_HTTP_H
#define DAST_HTTP_H

#include "scanner/engine/config.h"
#include "scanner/engine/dast.h"

struct event_base;
struct dast_engine;
struct dast_scope;

struct dast_header {
  char *name;
  char *value;
};

#define DAST_REQ_NO_JAR 1u      /* don't send or store jar cookies */
#define DAST_REQ_NO_DEFAULTS 2u /* don't add configured default headers/cookies */
#define DAST_REQ_NO_RETRY 4u    /* no retries (timing probes) */
#define DAST_REQ_HEAD_ONLY 8u   /* discard the body (NOBODY) */
#define DAST_REQ_JAR_READONLY 16u /* send the jar's cookies, never store the answer's
                                   * (attack probes must not clobber the session) */
#define DAST_REQ_MADE_UP 32u    /* a URL the scanner made up (a guessed file): observers
                                 * such as passive checks should not judge the site by it */

/* A request to submit.  Everything is copied by submit. */
struct dast_request {
  const char *method;         /* NULL = GET */
  const char *url;            /* absolute http(s) URL */
  const char *const *headers; /* "Name: value" lines, may be NULL */
  size_t nheaders;
  const char *body;           /* may be NULL */
  size_t body_len;
  int max_redirects;          /* hops to follow; 0 = return the 3xx itself */
  int timeout_ms;             /* 0 = engine default */
  unsigned flags;             /* DAST_REQ_* */
  int priority;               /* queue order per host: 2 and more (logins, baselines)
                               * first, then 1, then 0 (normal); FIFO within each */
  size_t max_body;            /* body cap for this answer if below the engine's (0 = engine's) */
};

enum dast_net_kind {
  DAST_NETERR_NONE = 0, DAST_NETERR_DNS, DAST_NETERR_CONNECT, DAST_NETERR_TIMEOUT,
  DAST_NETERR_TLS, DAST_NETERR_RESET, DAST_NETERR_PROTOCOL, DAST_NETERR_TOOBIG,
  DAST_NETERR_SCOPE, DAST_NETERR_REDIRECTS, DAST_NETERR_CANCEL, DAST_NETERR_OTHER,
  DAST_NETERR__COUNT
};
const char *dast_net_kind_name(enum dast_net_kind k);

struct dast_response {
  dast_err err;               /* DAST_OK when an HTTP response was received */
  enum dast_net_kind net_kind;
  char errmsg[256];
  long status;                /* 0 when no response */
  struct dast_header *headers;/* of the final hop */
  size_t nheaders;
  char *body;                 /* NUL-terminated, decoded (gzip/deflate/br), capped */
  size_t body_len;
  bool truncated;             /* body hit the cap */
  const char *content_type;   /* borrowed from headers, may be NULL */
  char *final_url;            /* URL of the final hop */
  int redirects;              /* hops followed */
  bool redirect_blocked;      /* a hop was out of scope: this is that 3xx */
  uint64_t time_us;           /* total time of the final hop */
  uint64_t ttfb_us;           /* time to first byte of the final hop */
};

/* First header with this name (case-insensitive), or NULL. */
const char *dast_response_header(const struct dast_response *r, const char *name);

typedef void (*dast_http_cb)(struct dast_engine *eng, const struct dast_request *req,
                             const struct dast_response *resp, void *ud);
typedef void (*dast_timer_cb)(struct dast_engine *eng, void *ud);

struct dast_stats {
  uint64_t requests;          /* transfers completed (each hop counts) */
  uint64_t responses;         /* with an HTTP status */
  uint64_t bytes_in, bytes_out;
  uint64_t errors[DAST_NETERR__COUNT];
  uint64_t retries;
  uint64_t out_of_scope;      /* requests refused by the scope */
  uint64_t dropped;           /* queued work dropped by the budget/cancel */
  uint64_t truncated;
  uint64_t status_class[6];   /* 1xx..5xx at [1]..[5] */
  uint64_t started_us, elapsed_us;
  double p50_ms, p90_ms, p99_ms, max_ms; /* filled by dast_engine_stats() */
  size_t queued, active;
};

/* Creates an engine on `base` (borrowed; must outlive the engine) from the
 * engine part of `cfg` (borrowed for the engine's lifetime) and the scope
 * (borrowed).  Returns DAST_EINVAL with a message in errbuf on bad options. */
dast_err dast_engine_new(struct event_base *base, const struct dast_config *cfg,
                         const struct dast_scope *scope, struct dast_engine **out,
                         char *errbuf, size_t errlen) DAST_WUR;
/* Frees the engine.  Outstanding requests get their callbacks with
 * DAST_ECANCEL first. */
void dast_engine_free(struct dast_engine *eng);

/* Is m an HTTP method token (1..32 RFC 9110 tchars)?  dast_engine_submit
 * refuses any other method with DAST_EINVAL; importers check it first to
 * name the bad field. */
bool dast_http_method_ok(const char *m);

/* Queues a request.  DAST_ESCOPE if the URL is out of scope (never sent),
 * DAST_ECANCEL after the budget expired or the engine was cancelled,
 * DAST_ELIMIT when max_requests is reached, DAST_EINVAL for a bad URL. */
dast_err dast_engine_submit(struct dast_engine *eng, const struct dast_request *req,
                            dast_http_cb cb, void *ud) DAST_WUR;
/* Runs `cb` after `ms` milliseconds (or once the loop runs, for 0).  Counts as
 * pending work for dast_engine_run(); dropped (not run) on cancel. */
dast_err dast_engine_later(struct dast_engine *eng, unsigned ms, dast_timer_cb cb, void *ud) DAST_WUR;
/* Keeps dast_engine_run() running while work outside the engine (a parse
 * on a worker thread, see pool.h) may still submit requests: each hold
 * counts as pending work until its release.  Not counted against
 * max_requests.  Release runs on the loop thread. */
void dast_engine_hold(struct dast_engine *eng);
struct event_base *dast_engine_base(const struct dast_engine *eng);
/* A libevent base suited to an engine (use it for dast_engine_new): epoll's
 * changes are batched per loop iteration.  NULL when out of memory. */
struct event_base *dast_event_base_new(void);
void dast_engine_release(struct dast_engine *eng);
/* Runs the loop until nothing is queued, running or pending, or the budget
 * ran out.  Returns DAST_ETIMEOUT when the budget stopped it. */
dast_err dast_engine_run(struct dast_engine *eng);
/* Drops queued work and aborts running transfers (callbacks run with
 * DAST_ECANCEL).  Safe to call from any callback. */
void dast_engine_cancel(struct dast_engine *eng);
bool dast_engine_expired(const struct dast_engine *eng);
/* Snapshot of the counters, with percentiles computed. */
void dast_engine_stats(const struct dast_engine *eng, struct dast_stats *out);
/* Cookie header value the jar would send to `url` ("a=1; b=2"), owned. */
char *dast_engine_cookie_header(struct dast_engine *eng, const char *url);
/* An "Authorization: ..." line sent with every request from now on (a
 * login's bearer token), replacing a configured Authorization header;
 * a request's own Authorization header still wins.  NULL removes it. */
void dast_engine_set_auth(struct dast_engine *eng, const char *header);
/* Adds a cookie to the shared jar as if received from `url`'s host. */
void dast_engine_set_cookie(struct dast_engine *eng, const char *url, const char *name_value);
/* Observer that sees every completed response once (passive checks, the
 * crawler's header harvesting).  Runs just before the request's own callback.
 * Several may be registered; NULL cb is ignored. */
void dast_engine_observe(struct dast_engine *eng, dast_http_cb cb, void *ud);
/* Called every `ms` while the loop runs (progress line); NULL to stop. */
void dast_engine_on_tick(struct dast_engine *eng, unsigned ms, dast_timer_cb cb, void *ud);
const struct dast_config *dast_engine_config(const struct dast_engine *eng);
const struct dast_scope *dast_engine_scope(const struct dast_engine *eng);

/* ---- scope ---- */
/* The origin of `target` plus cfg->origins, filtered by cfg->include and
 * cfg->exclude (PCRE2 on the full URL).  DAST_EPARSE names the bad regex. */
dast_err dast_scope_new(const struct dast_config *cfg, struct dast_scope **out, char *errbuf,
                        size_t errlen) DAST_WUR;
void dast_scope_free(struct dast_scope *s);
bool dast_scope_allows(const struct dast_scope *s, const char *url);
/* Engine-internal: the same with the origin already extracted by
 * dast_url_origin_buf() (saves a parse per request). */
bool dast__scope_allows_origin(const struct dast_scope *s, const char *url, const char *origin);
/* Adds an allowed origin (e.g. the OpenAPI server when overridden). */
void dast_scope_add_origin(struct dast_scope *s, const char *url);

#endif
