/* http.c — the HTTP engine (http.h): libcurl multi driven by libevent.
 *
 * Design.  One event_base, one CURLM, single-threaded, as curl's
 * hiperfifo.c: curl tells us which sockets to watch (sock_cb) and when to
 * wake (multi_timer_cb); libevent calls curl_multi_socket_action() back and
 * we harvest finished transfers in check_done().  No polling loop.
 *
 * Main data structure.  Every submitted request is a `struct xfer` that the
 * engine owns until its callback returns.  An xfer is in exactly one place:
 *   - a host's queue (waiting for a global slot, a per-host slot, a rate
 *     token, or the end of a Retry-After pause), or
 *   - active in the multi handle (xfer->easy != NULL), or
 *   - parked on a retry/redirect timer (xfer->timer armed).
 * Hosts are a small array (scans talk to few hosts) with three FIFOs each
 * (urgent: priority >= 2, then priority 1, then normal); the pump walks the
 * hosts round-robin.
 *
 * Invariants: active <= cfg->concurrency; host->active <= cfg->per_host;
 * `pending` counts queued + active + parked xfers + user timers, `holds`
 * work outside the engine that may still submit (offloaded parses); the
 * loop is broken when both reach zero, so dast_engine_run() returns when
 * the work is done even if other things (servers in tests, the OOB
 * listener) live on the same base.
 *
 * Redirects are followed here, hop by hop, so each hop is scope-checked;
 * the jar (curl share interface) sees every Set-Cookie of every hop. */
#include "scanner/engine/http.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/engine/url.h"

#define HEADER_CAP (256u * 1024u)
#define MAX_HEADERS 200
#define RETRY_AFTER_MAX_S 30
#define LAT_FINE 10000   /* 1 ms buckets up to 10 s */
#define LAT_COARSE 1200  /* then 100 ms buckets up to 130 s */

struct host;

enum xfer_state { XS_QUEUED, XS_ACTIVE, XS_PARKED };

struct xfer {
  struct dast_engine *eng;
  struct xfer *next;           /* queue link */
  struct xfer *aprev, *anext;  /* every live xfer, for cancel */
  enum xfer_state state;
  char *method, *url, *body;
  size_t body_len;
  char **headers;
  size_t nheaders;
  int max_redirects, timeout_ms, priority;
  unsigned flags;
  size_t max_body;             /* the request's body cap (0 = the engine's) */
  dast_http_cb cb;
  void *ud;
  struct dast_request pub;     /* what callbacks see (points into the fields above) */
  int host;                    /* index into eng->hosts */
  int retries, throttles;
  CURL *easy;
  struct curl_slist *slist;
  char *cookie_line;
  struct event *timer;         /* retry / throttle */
  struct dast_response resp;
  struct dast_buf body_buf;
  size_t header_bytes;
  size_t headers_alloc;        /* capacity of resp.headers */
  uint64_t started_us;
  char errbuf[CURL_ERROR_SIZE];
};

struct host {
  char *key;                   /* origin */
  int active;
  uint64_t paused_until_us;
  struct xfer *qhead[3], *qtail[3]; /* [0] priority >= 2, [1] priority 1, [2] normal */
  size_t queued;
};

struct user_timer {
  struct dast_engine *eng;
  struct event *ev;
  dast_timer_cb cb;
  void *ud;
  struct user_timer *prev, *next;
};

struct observer {
  dast_http_cb cb;
  void *ud;
};

struct dast_engine {
  struct event_base *base;
  const struct dast_config *cfg;
  const struct dast_scope *scope;
  CURLM *multi;
  CURLSH *share;
  CURL *jar;                   /* idle handle bound to the share, for cookie access */
  struct event *curl_timer;
  struct event *pump_timer;
  struct event *budget_timer;
  struct event *tick_timer;
  dast_timer_cb tick_cb;
  void *tick_ud;
  struct host *hosts;
  size_t nhosts;
  size_t rr;                   /* round-robin cursor */
  size_t last_host;            /* host_index cache */
  int active;
  size_t queued;
  size_t pending;
  size_t holds;                /* dast_engine_hold() minus releases */
  bool expired, cancelled, running, in_cancel;
  double tokens;
  uint64_t tokens_at_us;
  struct user_timer *timers;
  struct xfer *all;            /* every live xfer */
  struct observer *observers;
  size_t nobservers;
  struct dast_stats st;
  uint32_t *lat;               /* latency histogram */
  char *cookie_default;        /* "a=1; b=2" from cfg->cookies */
  char *auth;                  /* "Authorization: Bearer ..." from a login, or NULL */
};

struct sockinfo {
  struct event *ev;
  struct dast_engine *eng;
};

static void pump(struct dast_engine *eng);
static void finish(struct xfer *x);
static void check_done(struct dast_engine *eng);

const char *dast_net_kind_name(enum dast_net_kind k)
{
  static const char *names[DAST_NETERR__COUNT] = {
      "none", "dns", "connect", "timeout", "tls", "reset", "protocol", "too-big",
      "out-of-scope", "redirects", "cancelled", "other"};
  return (unsigned)k < DAST_NETERR__COUNT ? names[k] : "other";
}

const char *dast_response_header(const struct dast_response *r, const char *name)
{
  for(size_t i = 0; i < r->nheaders; i++)
    if(!strcasecmp(r->headers[i].name, name)) return r->headers[i].value;
  return NULL;
}

/* The body cap of a transfer: the engine's, or the request's if lower. */
static size_t body_cap(const struct dast_engine *eng, size_t want)
{
  size_t cap = eng->cfg->body_cap ? eng->cfg->body_cap : (4u << 20);
  return want && want < cap ? want : cap;
}

/* ---------------------------------------------------------------- helpers */

static void maybe_idle(struct dast_engine *eng)
{
  if(eng->running && eng->pending == 0 && eng->holds == 0) event_base_loopbreak(eng->base);
}

static int host_index_key(struct dast_engine *eng, const char *key)
{
  if(eng->nhosts && !strcmp(eng->hosts[eng->last_host].key, key)) return (int)eng->last_host;
  for(size_t i = 0; i < eng->nhosts; i++)
    if(!strcmp(eng->hosts[i].key, key)) {
      eng->last_host = i;
      return (int)i;
    }
  eng->hosts = dast_realloc(eng->hosts, (eng->nhosts + 1) * sizeof(*eng->hosts));
  struct host *h = &eng->hosts[eng->nhosts];
  memset(h, 0, sizeof(*h));
  h->key = dast_strdup(key);
  eng->last_host = eng->nhosts;
  return (int)eng->nhosts++;
}

static int host_index(struct dast_engine *eng, const char *url)
{
  char key[512];
  if(!dast_url_origin_buf(url, key, sizeof(key))) key[0] = '\0';
  return host_index_key(eng, key);
}

static void enqueue(struct dast_engine *eng, struct xfer *x, bool front)
{
  struct host *h = &eng->hosts[x->host];
  int q = x->priority >= 2 ? 0 : x->priority > 0 ? 1 : 2;
  x->next = NULL;
  if(front) {
    x->next = h->qhead[q];
    h->qhead[q] = x;
    if(!h->qtail[q]) h->qtail[q] = x;
  } else {
    if(h->qtail[q]) h->qtail[q]->next = x;
    else h->qhead[q] = x;
    h->qtail[q] = x;
  }
  h->queued++;
  eng->queued++;
  x->state = XS_QUEUED;
}

static struct xfer *dequeue(struct dast_engine *eng, struct host *h)
{
  for(int q = 0; q < 3; q++) {
    struct xfer *x = h->qhead[q];
    if(!x) continue;
    h->qhead[q] = x->next;
    if(!h->qhead[q]) h->qtail[q] = NULL;
    x->next = NULL;
    h->queued--;
    eng->queued--;
    return x;
  }
  return NULL;
}

static void response_reset(struct xfer *x)
{
  struct dast_response *r = &x->resp;
  for(size_t i = 0; i < r->nheaders; i++) free(r->headers[i].name); /* value shares it */
  free(r->headers);
  x->headers_alloc = 0;
  free(r->final_url);
  int redirects = r->redirects;
  memset(r, 0, sizeof(*r));
  r->redirects = redirects;
  dast_buf_free(&x->body_buf);
  dast_buf_init(&x->body_buf, body_cap(x->eng, x->max_body));
  x->header_bytes = 0;
}

static void xfer_free(struct xfer *x)
{
  response_reset(x);
  dast_buf_free(&x->body_buf);
  free(x->method);
  free(x->url);
  free(x->body);
  for(size_t i = 0; i < x->nheaders; i++) free(x->headers[i]);
  free(x->headers);
  free(x->cookie_line);
  if(x->timer) event_free(x->timer);
  curl_slist_free_all(x->slist);
  free(x);
}

static void lat_record(struct dast_engine *eng, uint64_t us)
{
  uint64_t ms = us / 1000;
  size_t idx = ms < LAT_FINE ? (size_t)ms : LAT_FINE + (size_t)((ms - LAT_FINE) / 100);
  if(idx >= LAT_FINE + LAT_COARSE) idx = LAT_FINE + LAT_COARSE - 1;
  eng->lat[idx]++;
}

static double lat_bucket_ms(size_t idx)
{
  return idx < LAT_FINE ? (double)idx : (double)LAT_FINE + (double)(idx - LAT_FINE) * 100.0;
}

/* ------------------------------------------------------- curl callbacks */

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
  struct xfer *x = ud;
  size_t n = size * nmemb;
  x->eng->st.bytes_in += n;
  size_t kept = dast_buf_add_upto(&x->body_buf, ptr, n);
  if(kept < n) {
    x->resp.truncated = true;
    return 0; /* stop the download: the cap is reached (CURLE_WRITE_ERROR) */
  }
  return n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *ud)
{
  struct xfer *x = ud;
  size_t n = size * nitems;
  x->header_bytes += n;
  x->eng->st.bytes_in += n;
  if(x->header_bytes > HEADER_CAP) {
    x->resp.net_kind = DAST_NETERR_TOOBIG;
    return 0;
  }
  if(n >= 5 && !strncmp(buf, "HTTP/", 5)) {
    /* a new response (1xx, or a proxy CONNECT): keep only the last */
    struct dast_response *r = &x->resp;
    for(size_t i = 0; i < r->nheaders; i++) free(r->headers[i].name);
    r->nheaders = 0;
    return n;
  }
  const char *colon = memchr(buf, ':', n);
  if(!colon || colon == buf) return n;
  struct dast_response *r = &x->resp;
  if(r->nheaders >= MAX_HEADERS) return n;
  const char *v = colon + 1, *end = buf + n;
  while(v < end && (*v == ' ' || *v == '\t')) v++;
  while(end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
    end--;
  if(r->nheaders == x->headers_alloc) {
    x->headers_alloc = x->headers_alloc ? x->headers_alloc * 2 : 16;
    r->headers = dast_realloc(r->headers, x->headers_alloc * sizeof(*r->headers));
  }
  /* name and value share one allocation: value points into it */
  size_t nl = (size_t)(colon - buf), vl = (size_t)(end - v);
  char *mem = dast_malloc(nl + vl + 2);
  memcpy(mem, buf, nl);
  mem[nl] = '\0';
  memcpy(mem + nl + 1, v, vl);
  mem[nl + 1 + vl] = '\0';
  r->headers[r->nheaders].name = mem;
  r->headers[r->nheaders].value = mem + nl + 1;
  r->nheaders++;
  return n;
}

static void event_cb(evutil_socket_t fd, short kind, void *ud)
{
  struct dast_engine *eng = ud;
  int action = ((kind & EV_READ) ? CURL_CSELECT_IN : 0) | ((kind & EV_WRITE) ? CURL_CSELECT_OUT : 0);
  int running;
  curl_multi_socket_action(eng->multi, fd, action, &running);
  check_done(eng);
}

static void curl_timer_cb(evutil_socket_t fd, short kind, void *ud)
{
  (void)fd;
  (void)kind;
  struct dast_engine *eng = ud;
  int running;
  curl_multi_socket_action(eng->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(eng);
}

static int multi_timer_cb(CURLM *multi, long timeout_ms, void *ud)
{
  (void)multi;
  struct dast_engine *eng = ud;
  if(timeout_ms < 0) {
    evtimer_del(eng->curl_timer);
    return 0;
  }
  struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  evtimer_add(eng->curl_timer, &tv);
  return 0;
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *ud, void *sockp)
{
  (void)e;
  struct dast_engine *eng = ud;
  struct sockinfo *si = sockp;
  if(what == CURL_POLL_REMOVE) {
    if(si) {
      event_free(si->ev);
      free(si);
      curl_multi_assign(eng->multi, s, NULL);
    }
    return 0;
  }
  short kind = (short)(((what & CURL_POLL_IN) ? EV_READ : 0) |
                       ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST);
  if(!si) {
    si = dast_calloc(1, sizeof(*si));
    si->eng = eng;
    curl_multi_assign(eng->multi, s, si);
    si->ev = event_new(eng->base, s, kind, event_cb, eng);
    if(!si->ev) dast_oom();
  } else {
    if(event_get_events(si->ev) == kind) return 0;
    event_del(si->ev);
    event_assign(si->ev, eng->base, s, kind, event_cb, eng);
  }
  event_add(si->ev, NULL);
  return 0;
}

/* ------------------------------------------------------------ starting */

static bool has_header(const struct xfer *x, const char *name)
{
  size_t n = strlen(name);
  for(size_t i = 0; i < x->nheaders; i++)
    if(!strncasecmp(x->headers[i], name, n) && x->headers[i][n] == ':') return true;
  return false;
}

/* Is a cookie called name[0..n) in the "a=1; b=2" line? */
static bool cookie_has_name(const char *line, const char *name, size_t n)
{
  const char *p = line;
  while(p && *p) {
    while(*p == ' ' || *p == ';') p++;
    size_t k = strcspn(p, "=;");
    if(k == n && !strncmp(p, name, n)) return true;
    p = strchr(p, ';');
  }
  return false;
}

static bool isolated(const struct xfer *x);

/* Options that never change for a handle.  Handles are not reused (see
 * done()), so this and setup_easy() together configure one transfer. */
static CURL *handle_new(struct dast_engine *eng, bool jar)
{
  const struct dast_config *cfg = eng->cfg;
  CURL *c = curl_easy_init();
  if(!c) dast_oom();
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_USERAGENT, cfg->user_agent);
  /* No proxy from the environment unless asked: a scanner must hit its target. */
  curl_easy_setopt(c, CURLOPT_PROXY, cfg->proxy ? cfg->proxy : "");
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
                   cfg->http2 ? (long)CURL_HTTP_VERSION_2TLS : (long)CURL_HTTP_VERSION_1_1);
  if(cfg->insecure) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if(jar) {
    curl_easy_setopt(c, CURLOPT_SHARE, eng->share);
    curl_easy_setopt(c, CURLOPT_COOKIEFILE, ""); /* turns the cookie engine on */
  }
  return c;
}

static void setup_easy(struct xfer *x, CURL *c)
{
  struct dast_engine *eng = x->eng;
  const struct dast_config *cfg = eng->cfg;
  curl_easy_setopt(c, CURLOPT_URL, x->url);
  curl_easy_setopt(c, CURLOPT_PRIVATE, x);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, x);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, x->errbuf);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(x->timeout_ms ? x->timeout_ms : cfg->timeout_ms));
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L); /* resets POST/NOBODY from the last use */
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, NULL);
  curl_easy_setopt(c, CURLOPT_COOKIE, NULL);
  if(!strcmp(x->method, "HEAD") || (x->flags & DAST_REQ_HEAD_ONLY))
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  if(x->body) {
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)x->body_len);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, x->body);
  }
  if(strcmp(x->method, "GET") && !(x->body && !strcmp(x->method, "POST")) &&
     strcmp(x->method, "HEAD"))
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, x->method);
  else if(!strcmp(x->method, "GET") && x->body)
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "GET");

  struct curl_slist *sl = NULL;
  bool explicit_cookie = isolated(x);
  if(!(x->flags & DAST_REQ_NO_DEFAULTS)) {
    /* a login's bearer token replaces a configured Authorization header */
    for(size_t i = 0; i < cfg->headers.n + (eng->auth ? 1 : 0); i++) {
      const char *h = i < cfg->headers.n ? cfg->headers.v[i] : eng->auth;
      size_t n = strcspn(h, ":");
      bool overridden = i < cfg->headers.n && eng->auth && n == 13 && !strncasecmp(h, "Authorization", 13);
      for(size_t j = 0; j < x->nheaders && !overridden; j++)
        overridden = !strncasecmp(x->headers[j], h, n) && x->headers[j][n] == ':';
      if(!overridden) sl = curl_slist_append(sl, h);
    }
  }
  for(size_t i = 0; i < x->nheaders; i++) {
    if(explicit_cookie && !strncasecmp(x->headers[i], "Cookie:", 7)) continue;
    sl = curl_slist_append(sl, x->headers[i]);
  }
  sl = curl_slist_append(sl, "Expect:");
  x->slist = sl;
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, sl);

  if(explicit_cookie) {
    /* A probe that sets its own Cookie header: merge the jar's and the
     * defaults under it, and keep this exchange out of the jar. */
    struct dast_buf b;
    dast_buf_init(&b, 0);
    for(size_t i = 0; i < x->nheaders; i++)
      if(!strncasecmp(x->headers[i], "Cookie:", 7)) {
        const char *v = x->headers[i] + 7;
        while(*v == ' ') v++;
        dast_buf_printf(&b, "%s%s", b.len ? "; " : "", v);
      }
    if(eng->cookie_default && !(x->flags & DAST_REQ_NO_DEFAULTS)) {
      char *save = dast_strdup(eng->cookie_default), *p = save, *tok;
      while((tok = strsep(&p, ";"))) {
        while(*tok == ' ') tok++;
        if(*tok && !cookie_has_name(b.data, tok, strcspn(tok, "=")))
          dast_buf_printf(&b, "%s%s", b.len ? "; " : "", tok);
      }
      free(save);
    }
    if(!(x->flags & DAST_REQ_NO_JAR)) {
      char *jar = dast_engine_cookie_header(eng, x->url);
      /* names already set explicitly win */
      char *save = jar, *tok;
      while(jar && (tok = strsep(&save, ";"))) {
        while(*tok == ' ') tok++;
        size_t n = strcspn(tok, "=");
        if(!*tok) continue;
        if(!cookie_has_name(b.data, tok, n)) dast_buf_printf(&b, "%s%s", b.len ? "; " : "", tok);
      }
      free(jar);
    }
    x->cookie_line = dast_buf_take(&b, NULL);
    if(*x->cookie_line) curl_easy_setopt(c, CURLOPT_COOKIE, x->cookie_line);
  } else {
    if(eng->cookie_default && !(x->flags & DAST_REQ_NO_DEFAULTS))
      curl_easy_setopt(c, CURLOPT_COOKIE, eng->cookie_default);
  }
}

/* Is the handle attached to the shared jar (reads and writes it)?  Not
 * when the request opts out, carries its own Cookie or Host header (a
 * forged Host makes curl file the answer's cookies under that name and, in
 * 7.88, confuses later requests), or may only read the jar. */
static bool isolated(const struct xfer *x)
{
  return (x->flags & (DAST_REQ_NO_JAR | DAST_REQ_JAR_READONLY)) || has_header(x, "Cookie") ||
         has_header(x, "Host");
}

static int uses_jar(const struct xfer *x)
{
  return !isolated(x);
}

static void start(struct xfer *x)
{
  struct dast_engine *eng = x->eng;
  CURL *c = handle_new(eng, uses_jar(x));
  curl_slist_free_all(x->slist);
  x->slist = NULL;
  free(x->cookie_line);
  x->cookie_line = NULL;
  response_reset(x);
  setup_easy(x, c);
  x->easy = c;
  x->state = XS_ACTIVE;
  x->errbuf[0] = '\0';
  x->started_us = dast_now_us();
  eng->active++;
  eng->hosts[x->host].active++;
  eng->st.bytes_out += strlen(x->url) + x->body_len + 64;
  curl_multi_add_handle(eng->multi, c);
}

static bool take_token(struct dast_engine *eng, unsigned *wait_ms)
{
  double rate = eng->cfg->rate;
  if(rate <= 0) return true;
  uint64_t now = dast_now_us();
  double burst = rate < 1 ? 1 : rate;
  eng->tokens += (double)(now - eng->tokens_at_us) / 1e6 * rate;
  if(eng->tokens > burst) eng->tokens = burst;
  eng->tokens_at_us = now;
  if(eng->tokens >= 1.0) {
    eng->tokens -= 1.0;
    return true;
  }
  *wait_ms = (unsigned)((1.0 - eng->tokens) / rate * 1000.0) + 1;
  return false;
}

static void pump_timer_cb(evutil_socket_t fd, short kind, void *ud)
{
  (void)fd;
  (void)kind;
  pump(ud);
}

static void arm_pump(struct dast_engine *eng, unsigned ms)
{
  if(evtimer_pending(eng->pump_timer, NULL)) return;
  struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
  evtimer_add(eng->pump_timer, &tv);
}

static void pump(struct dast_engine *eng)
{
  if(eng->expired) return;
  int conc = eng->cfg->concurrency > 0 ? eng->cfg->concurrency : 16;
  int per_host = eng->cfg->per_host > 0 ? eng->cfg->per_host : conc;
  uint64_t now = dast_now_us();
  uint64_t soonest_pause = 0;
  while(eng->active < conc && eng->queued > 0) {
    struct host *pick = NULL;
    for(size_t k = 0; k < eng->nhosts; k++) {
      struct host *h = &eng->hosts[(eng->rr + k) % eng->nhosts];
      if(!h->queued || h->active >= per_host) continue;
      if(h->paused_until_us > now) {
        if(!soonest_pause || h->paused_until_us < soonest_pause) soonest_pause = h->paused_until_us;
        continue;
      }
      pick = h;
      eng->rr = (eng->rr + k + 1) % eng->nhosts;
      break;
    }
    if(!pick) break;
    unsigned wait_ms = 0;
    if(!take_token(eng, &wait_ms)) {
      arm_pump(eng, wait_ms);
      return;
    }
    start(dequeue(eng, pick));
  }
  if(soonest_pause) arm_pump(eng, (unsigned)((soonest_pause - now) / 1000) + 1);
}

/* ------------------------------------------------------------ finishing */

static enum dast_net_kind classify(CURLcode rc)
{
  switch(rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY: return DAST_NETERR_DNS;
  case CURLE_COULDNT_CONNECT: return DAST_NETERR_CONNECT;
  case CURLE_OPERATION_TIMEDOUT: return DAST_NETERR_TIMEOUT;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE: return DAST_NETERR_TLS;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE: return DAST_NETERR_RESET;
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT: return DAST_NETERR_PROTOCOL;
  default: return DAST_NETERR_OTHER;
  }
}

static void retry_timer_cb(evutil_socket_t fd, short kind, void *ud)
{
  (void)fd;
  (void)kind;
  struct xfer *x = ud;
  struct dast_engine *eng = x->eng;
  if(eng->expired) {
    x->resp.err = DAST_ECANCEL;
    x->resp.net_kind = DAST_NETERR_CANCEL;
    finish(x);
    return;
  }
  enqueue(eng, x, true);
  pump(eng);
}

static void park(struct xfer *x, unsigned ms)
{
  x->state = XS_PARKED;
  if(!x->timer) x->timer = evtimer_new(x->eng->base, retry_timer_cb, x);
  if(!x->timer) dast_oom();
  struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
  evtimer_add(x->timer, &tv);
}

/* Delivers the response to observers and the callback, then frees x. */
static void finish(struct xfer *x)
{
  struct dast_engine *eng = x->eng;
  struct dast_response *r = &x->resp;
  r->body = x->body_buf.data ? x->body_buf.data : NULL;
  r->body_len = x->body_buf.len;
  if(!r->body) {
    (void)dast_buf_add(&x->body_buf, "", 0);
    r->body = x->body_buf.data;
  }
  r->content_type = dast_response_header(r, "Content-Type");
  if(!r->final_url) r->final_url = dast_strdup(x->url);
  if(r->err && r->net_kind == DAST_NETERR_NONE) r->net_kind = DAST_NETERR_OTHER;
  if(r->net_kind == DAST_NETERR_CANCEL) eng->st.dropped++;
  else if(r->net_kind != DAST_NETERR_NONE) eng->st.errors[r->net_kind]++;
  x->pub.method = x->method;
  x->pub.url = x->url;
  x->pub.headers = (const char *const *)x->headers;
  x->pub.nheaders = x->nheaders;
  x->pub.body = x->body;
  x->pub.body_len = x->body_len;
  x->pub.max_redirects = x->max_redirects;
  x->pub.timeout_ms = x->timeout_ms;
  x->pub.flags = x->flags;
  x->pub.priority = x->priority;
  DAST_LOG(DAST_LOG_DEBUG, "http", "%s %s -> %ld %zu bytes %.0f ms%s%s", x->method, x->url, r->status,
           r->body_len, (double)r->time_us / 1000.0, r->err ? " error: " : "",
           r->err ? (r->errmsg[0] ? r->errmsg : dast_strerror(r->err)) : "");
  if(r->err != DAST_ECANCEL)
    for(size_t i = 0; i < eng->nobservers; i++) eng->observers[i].cb(eng, &x->pub, r, eng->observers[i].ud);
  if(x->aprev) x->aprev->anext = x->anext;
  else eng->all = x->anext;
  if(x->anext) x->anext->aprev = x->aprev;
  x->cb(eng, &x->pub, r, x->ud);
  xfer_free(x);
  eng->pending--;
  maybe_idle(eng);
}

static unsigned retry_after_ms(const struct dast_response *r)
{
  const char *v = dast_response_header(r, "Retry-After");
  long s = 1;
  if(v) {
    char *e;
    long t = strtol(v, &e, 10);
    if(e != v && t >= 0) s = t;
    else s = 5; /* an HTTP date: don't parse it, wait a moderate while */
  }
  if(s > RETRY_AFTER_MAX_S) s = RETRY_AFTER_MAX_S;
  return (unsigned)s * 1000u + 50u;
}

static bool handle_redirect(struct xfer *x)
{
  struct dast_engine *eng = x->eng;
  struct dast_response *r = &x->resp;
  long s = r->status;
  if(!(s == 301 || s == 302 || s == 303 || s == 307 || s == 308)) return false;
  const char *loc = dast_response_header(r, "Location");
  if(!loc || x->resp.redirects >= x->max_redirects) {
    if(loc && x->max_redirects > 0) eng->st.errors[DAST_NETERR_REDIRECTS]++;
    return false;
  }
  char *next = dast_url_resolve(x->url, loc);
  if(!next || !dast_scope_allows(eng->scope, next)) {
    r->redirect_blocked = true;
    eng->st.out_of_scope++;
    free(next);
    return false;
  }
  r->redirects++;
  free(x->url);
  x->url = next;
  if(s == 303 || ((s == 301 || s == 302) && !strcmp(x->method, "POST"))) {
    if(strcmp(x->method, "HEAD")) {
      free(x->method);
      x->method = dast_strdup("GET");
    }
    free(x->body);
    x->body = NULL;
    x->body_len = 0;
    /* drop the body's Content-Type */
    for(size_t i = 0; i < x->nheaders; i++)
      if(!strncasecmp(x->headers[i], "Content-Type:", 13)) {
        free(x->headers[i]);
        x->headers[i] = x->headers[--x->nheaders];
        i--;
      }
  }
  x->retries = 0;
  x->host = host_index(eng, x->url);
  enqueue(eng, x, true);
  return true;
}

static void done(struct xfer *x, CURLcode rc)
{
  struct dast_engine *eng = x->eng;
  CURL *c = x->easy;
  struct dast_response *r = &x->resp;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  curl_off_t total = 0, ttfb = 0;
  curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &total);
  curl_easy_getinfo(c, CURLINFO_STARTTRANSFER_TIME_T, &ttfb);
  curl_multi_remove_handle(eng->multi, c);
  x->easy = NULL;
  eng->active--;
  eng->hosts[x->host].active--;
  /* No reuse of easy handles: libcurl 7.88 (Debian 12) keeps state across
   * uses of a handle that breaks later requests (a custom Host: header
   * poisons the cookie domain; the chaos tests found a use-after-free on a
   * reused handle after broken responses).  The connection cache lives in
   * the multi handle, so keep-alive is unaffected; the cost is one
   * curl_easy_init per request (see tests/bench/engine.sh). */
  curl_easy_cleanup(c);
  curl_slist_free_all(x->slist);
  x->slist = NULL;

  eng->st.requests++;
  r->status = status;
  r->time_us = (uint64_t)total;
  r->ttfb_us = (uint64_t)ttfb;
  if(rc == CURLE_WRITE_ERROR && r->truncated) rc = CURLE_OK;
  if(r->truncated) eng->st.truncated++;
  if(rc == CURLE_OK || (status > 0 && r->net_kind != DAST_NETERR_TOOBIG)) {
    if(rc != CURLE_OK) {
      /* got a status but the body failed (reset mid-body, bad encoding):
       * deliver what arrived, flagged. */
      r->truncated = true;
      eng->st.errors[classify(rc)]++;
      snprintf(r->errmsg, sizeof(r->errmsg), "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    }
    eng->st.responses++;
    if(status >= 100 && status < 600) eng->st.status_class[status / 100]++;
    lat_record(eng, r->time_us);
    unsigned flags = x->flags;
    if((status == 429 || status == 503) && dast_response_header(r, "Retry-After") &&
       x->throttles < 2 && !(flags & DAST_REQ_NO_RETRY) && !eng->expired) {
      unsigned ms = retry_after_ms(r);
      x->throttles++;
      eng->st.retries++;
      eng->hosts[x->host].paused_until_us = dast_now_us() + (uint64_t)ms * 1000u;
      park(x, ms);
      return;
    }
    if(x->max_redirects > 0 && !eng->expired && handle_redirect(x)) return;
    finish(x);
    return;
  }
  enum dast_net_kind k = r->net_kind == DAST_NETERR_TOOBIG ? DAST_NETERR_TOOBIG : classify(rc);
  bool retryable = k == DAST_NETERR_CONNECT || k == DAST_NETERR_RESET;
  if(retryable && x->retries < eng->cfg->retries && !(x->flags & DAST_REQ_NO_RETRY) &&
     !eng->expired) {
    x->retries++;
    eng->st.retries++;
    park(x, 100u << x->retries);
    return;
  }
  r->err = k == DAST_NETERR_TIMEOUT ? DAST_ETIMEOUT : k == DAST_NETERR_TOOBIG ? DAST_ELIMIT : DAST_ENET;
  r->net_kind = k;
  snprintf(r->errmsg, sizeof(r->errmsg), "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
  finish(x);
}

static void check_done(struct dast_engine *eng)
{
  CURLMsg *m;
  int left;
  while((m = curl_multi_info_read(eng->multi, &left))) {
    if(m->msg != CURLMSG_DONE) continue;
    struct xfer *x = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
    done(x, m->data.result);
  }
  pump(eng);
}

/* ---------------------------------------------------------------- public */

static void budget_cb(evutil_socket_t fd, short kind, void *ud)
{
  (void)fd;
  (void)kind;
  struct dast_engine *eng = ud;
  DAST_LOG(DAST_LOG_WARN, "engine", "time budget of %.0f s reached: dropping queued work",
           eng->cfg->max_time);
  dast_engine_cancel(eng);
  eng->cancelled = false;
}

static void global_init(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

dast_err dast_engine_new(struct event_base *base, const struct dast_config *cfg,
                         const struct dast_scope *scope, struct dast_engine **out, char *errbuf,
                         size_t errlen)
{
  *out = NULL;
  if(!base || !cfg || !scope) {
    snprintf(errbuf, errlen, "engine needs an event base, a configuration and a scope");
    return DAST_EINVAL;
  }
  if(cfg->concurrency < 1 || cfg->concurrency > 1024 || cfg->per_host < 1 || cfg->rate < 0 ||
     cfg->timeout_ms < 1 || cfg->max_time < 0 || cfg->max_redirects < 0 || cfg->retries < 0) {
    snprintf(errbuf, errlen,
             "invalid engine limits (concurrency 1..1024, per-host >= 1, rate >= 0, timeout > 0)");
    return DAST_EINVAL;
  }
  /* a line break in a configured header or cookie would be sent as it is
   * (CURLOPT_HTTPHEADER, CURLOPT_COOKIE): extra headers, or a second
   * request smuggled into every probe */
  for(int k = 0; k < 2; k++) {
    const struct dast_strlist *l = k ? &cfg->cookies : &cfg->headers;
    for(size_t i = 0; i < l->n; i++)
      if(strpbrk(l->v[i], "\r\n")) {
        snprintf(errbuf, errlen, "%s '%.60s': contains a line break", k ? "cookie" : "header",
                 l->v[i]);
        return DAST_EINVAL;
      }
  }
  if(cfg->user_agent && strpbrk(cfg->user_agent, "\r\n")) {
    snprintf(errbuf, errlen, "user agent: contains a line break");
    return DAST_EINVAL;
  }
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, global_init); /* scans may start on several threads */
  struct dast_engine *eng = dast_calloc(1, sizeof(*eng));
  eng->base = base;
  eng->cfg = cfg;
  eng->scope = scope;
  eng->multi = curl_multi_init();
  eng->share = curl_share_init();
  eng->jar = curl_easy_init();
  if(!eng->multi || !eng->share || !eng->jar) dast_oom();
  curl_share_setopt(eng->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE);
  curl_easy_setopt(eng->jar, CURLOPT_SHARE, eng->share);
  curl_multi_setopt(eng->multi, CURLMOPT_SOCKETFUNCTION, sock_cb);
  curl_multi_setopt(eng->multi, CURLMOPT_SOCKETDATA, eng);
  curl_multi_setopt(eng->multi, CURLMOPT_TIMERFUNCTION, multi_timer_cb);
  curl_multi_setopt(eng->multi, CURLMOPT_TIMERDATA, eng);
  curl_multi_setopt(eng->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)cfg->per_host);
  curl_multi_setopt(eng->multi, CURLMOPT_MAXCONNECTS, (long)cfg->concurrency + 8);
  eng->curl_timer = evtimer_new(base, curl_timer_cb, eng);
  eng->pump_timer = evtimer_new(base, pump_timer_cb, eng);
  eng->budget_timer = evtimer_new(base, budget_cb, eng);
  if(!eng->curl_timer || !eng->pump_timer || !eng->budget_timer) dast_oom();
  eng->lat = dast_calloc(LAT_FINE + LAT_COARSE, sizeof(uint32_t));
  eng->tokens = 1.0;
  eng->tokens_at_us = dast_now_us();
  if(cfg->cookies.n) {
    struct dast_buf b;
    dast_buf_init(&b, 0);
    for(size_t i = 0; i < cfg->cookies.n; i++)
      dast_buf_printf(&b, "%s%s", i ? "; " : "", cfg->cookies.v[i]);
    eng->cookie_default = dast_buf_take(&b, NULL);
  }
  *out = eng;
  return DAST_OK;
}

static void drop_queued(struct dast_engine *eng)
{
  for(size_t i = 0; i < eng->nhosts; i++) {
    struct xfer *x;
    while((x = dequeue(eng, &eng->hosts[i]))) {
      x->resp.err = DAST_ECANCEL;
      x->resp.net_kind = DAST_NETERR_CANCEL;
      finish(x);
    }
  }
}

void dast_engine_cancel(struct dast_engine *eng)
{
  if(eng->in_cancel) return;
  eng->in_cancel = true;
  eng->expired = true;
  eng->cancelled = true;
  drop_queued(eng);
  /* abort running transfers and parked retries: callbacks run now */
  struct xfer *x;
  while((x = eng->all)) {
    if(x->state == XS_ACTIVE) {
      curl_multi_remove_handle(eng->multi, x->easy);
      curl_easy_cleanup(x->easy);
      x->easy = NULL;
      eng->active--;
      eng->hosts[x->host].active--;
      curl_slist_free_all(x->slist);
      x->slist = NULL;
    } else if(x->state == XS_PARKED && x->timer) {
      evtimer_del(x->timer);
    }
    x->resp.err = DAST_ECANCEL;
    x->resp.net_kind = DAST_NETERR_CANCEL;
    finish(x);
  }
  eng->in_cancel = false;
  /* user timers fire on the next loop turn; they see the engine expired */
  for(struct user_timer *t = eng->timers; t; t = t->next) {
    struct timeval zero = {0, 0};
    evtimer_add(t->ev, &zero);
  }
  maybe_idle(eng);
}

static void later_cb(evutil_socket_t fd, short kind, void *ud)
{
  (void)fd;
  (void)kind;
  struct user_timer *t = ud;
  struct dast_engine *eng = t->eng;
  if(t->prev) t->prev->next = t->next;
  else eng->timers = t->next;
  if(t->next) t->next->prev = t->prev;
  event_free(t->ev);
  dast_timer_cb cb = t->cb;
  void *cud = t->ud;
  free(t);
  cb(eng, cud);
  eng->pending--;
  maybe_idle(eng);
}

dast_err dast_engine_later(struct dast_engine *eng, unsigned ms, dast_timer_cb cb, void *ud)
{
  if(!cb) return DAST_EINVAL;
  struct user_timer *t = dast_calloc(1, sizeof(*t));
  t->eng = eng;
  t->cb = cb;
  t->ud = ud;
  t->ev = evtimer_new(eng->base, later_cb, t);
  if(!t->ev) dast_oom();
  if(eng->expired) ms = 0;
  struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
  evtimer_add(t->ev, &tv);
  t->next = eng->timers;
  if(eng->timers) eng->timers->prev = t;
  eng->timers = t;
  eng->pending++;
  return DAST_OK;
}

bool dast_http_method_ok(const char *m)
{
  /* RFC 9110 token: a method with a CR/LF or a space would be copied into
   * the request line as it is (curl's CURLOPT_CUSTOMREQUEST), so a HAR
   * entry could add headers or a second request to every probe */
  size_t n = m ? strlen(m) : 0;
  if(!n || n > 32) return false;
  return strspn(m, "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == n;
}

dast_err dast_engine_submit(struct dast_engine *eng, const struct dast_request *req, dast_http_cb cb,
                            void *ud)
{
  if(!req || !req->url || !cb) return DAST_EINVAL;
  if(req->method && !dast_http_method_ok(req->method)) return DAST_EINVAL;
  if(eng->expired) return DAST_ECANCEL;
  if(strncasecmp(req->url, "http://", 7) && strncasecmp(req->url, "https://", 8)) return DAST_EINVAL;
  char origin[512];
  if(!dast_url_origin_buf(req->url, origin, sizeof(origin)) ||
     !dast__scope_allows_origin(eng->scope, req->url, origin)) {
    eng->st.out_of_scope++;
    return DAST_ESCOPE;
  }
  if(eng->cfg->max_requests > 0 && eng->st.requests + eng->pending >= (uint64_t)eng->cfg->max_requests)
    return DAST_ELIMIT;
  struct xfer *x = dast_calloc(1, sizeof(*x));
  x->eng = eng;
  x->method = dast_strdup(req->method ? req->method : "GET");
  x->url = dast_strdup(req->url);
  if(req->body) {
    x->body = dast_malloc(req->body_len + 1);
    memcpy(x->body, req->body, req->body_len);
    x->body[req->body_len] = '\0';
    x->body_len = req->body_len;
  }
  if(req->nheaders) {
    x->headers = dast_calloc(req->nheaders, sizeof(char *));
    for(size_t i = 0; i < req->nheaders; i++) {
      /* a header line with CR/LF would let a payload smuggle headers into
       * curl's request: keep only the first line */
      const char *h = req->headers[i];
      x->headers[x->nheaders++] = dast_strndup(h, strcspn(h, "\r\n"));
    }
  }
  x->max_redirects = req->max_redirects;
  x->timeout_ms = req->timeout_ms;
  x->flags = req->flags;
  x->priority = req->priority;
  x->max_body = req->max_body;
  x->cb = cb;
  x->ud = ud;
  dast_buf_init(&x->body_buf, body_cap(eng, x->max_body));
  x->host = host_index_key(eng, origin);
  if(!eng->st.started_us) eng->st.started_us = dast_now_us();
  enqueue(eng, x, false);
  x->anext = eng->all;
  if(eng->all) eng->all->aprev = x;
  eng->all = x;
  eng->pending++;
  /* never start inside submit: the callback rule is simpler for callers if
   * even a failure to connect arrives from the loop */
  arm_pump(eng, 0);
  return DAST_OK;
}

static void tick_cb(evutil_socket_t fd, short kind, void *ud)
{
  (void)fd;
  (void)kind;
  struct dast_engine *eng = ud;
  if(eng->tick_cb) eng->tick_cb(eng, eng->tick_ud);
}

void dast_engine_on_tick(struct dast_engine *eng, unsigned ms, dast_timer_cb cb, void *ud)
{
  if(eng->tick_timer) {
    event_free(eng->tick_timer);
    eng->tick_timer = NULL;
  }
  eng->tick_cb = cb;
  eng->tick_ud = ud;
  if(!cb) return;
  eng->tick_timer = event_new(eng->base, -1, EV_PERSIST, tick_cb, eng);
  if(!eng->tick_timer) dast_oom();
  struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
  evtimer_add(eng->tick_timer, &tv);
}

struct event_base *dast_engine_base(const struct dast_engine *eng)
{
  return eng->base;
}

struct event_base *dast_event_base_new(void)
{
  /* On every transfer curl drops the connection's socket from watching
   * (idle in its cache) and asks for it again for the next request,
   * usually within one loop iteration: with libevent's change list that
   * del+add is one epoll_ctl (MOD) at the next dispatch instead of two
   * (~2 per page crawled before).  The flag's caveat is fds cloned with
   * dup(); neither curl nor we watch any. */
  struct event_config *ec = event_config_new();
  if(!ec) return NULL;
  event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
  struct event_base *b = event_base_new_with_config(ec);
  event_config_free(ec);
  return b;
}

void dast_engine_hold(struct dast_engine *eng)
{
  eng->holds++;
}

void dast_engine_release(struct dast_engine *eng)
{
  if(eng->holds) eng->holds--;
  maybe_idle(eng);
}

dast_err dast_engine_run(struct dast_engine *eng)
{
  if(eng->cfg->max_time > 0 && !evtimer_pending(eng->budget_timer, NULL) && !eng->expired) {
    if(!eng->st.started_us) eng->st.started_us = dast_now_us();
    uint64_t spent = dast_now_us() - eng->st.started_us;
    uint64_t budget = (uint64_t)(eng->cfg->max_time * 1e6);
    uint64_t left = budget > spent ? budget - spent : 0;
    struct timeval tv = {(time_t)(left / 1000000u), (suseconds_t)(left % 1000000u)};
    evtimer_add(eng->budget_timer, &tv);
  }
  if(eng->pending == 0 && eng->holds == 0)
    return eng->expired && !eng->cancelled ? DAST_ETIMEOUT : DAST_OK;
  eng->running = true;
  event_base_loop(eng->base, 0);
  eng->running = false;
  if(eng->expired) return eng->cancelled ? DAST_ECANCEL : DAST_ETIMEOUT;
  return DAST_OK;
}

bool dast_engine_expired(const struct dast_engine *eng)
{
  return eng->expired;
}

void dast_engine_stats(const struct dast_engine *eng, struct dast_stats *out)
{
  *out = eng->st;
  out->queued = eng->queued;
  out->active = (size_t)eng->active;
  out->elapsed_us = eng->st.started_us ? dast_now_us() - eng->st.started_us : 0;
  uint64_t total = 0;
  for(size_t i = 0; i < LAT_FINE + LAT_COARSE; i++) total += eng->lat[i];
  if(!total) return;
  double marks[3] = {0.50, 0.90, 0.99};
  double *dst[3] = {&out->p50_ms, &out->p90_ms, &out->p99_ms};
  for(int m = 0; m < 3; m++) {
    uint64_t want = (uint64_t)((double)total * marks[m] + 0.5);
    if(want < 1) want = 1;
    uint64_t acc = 0;
    for(size_t i = 0; i < LAT_FINE + LAT_COARSE; i++) {
      acc += eng->lat[i];
      if(acc >= want) {
        *dst[m] = lat_bucket_ms(i);
        break;
      }
    }
  }
  for(size_t i = LAT_FINE + LAT_COARSE; i-- > 0;)
    if(eng->lat[i]) {
      out->max_ms = lat_bucket_ms(i);
      break;
    }
}

/* Does a Netscape-format cookie line apply to url?  Fields:
 * domain, tailmatch, path, secure, expires, name, value. */
static bool cookie_applies(char *line, const struct dast_url_parts *u, char **name, char **value)
{
  char *f[7];
  int n = 0;
  char *save = line, *tok;
  while(n < 7 && (tok = strsep(&save, "\t"))) f[n++] = tok;
  if(n < 7) return false;
  const char *dom = f[0];
  if(!strncmp(dom, "#HttpOnly_", 10)) dom += 10;
  if(*dom == '.') dom++;
  size_t hl = strlen(u->host), dl = strlen(dom);
  bool tail = !strcmp(f[1], "TRUE");
  bool dom_ok = !strcasecmp(u->host, dom) ||
                (tail && hl > dl && !strcasecmp(u->host + hl - dl, dom) && u->host[hl - dl - 1] == '.');
  if(!dom_ok) return false;
  if(strncmp(u->path, f[2], strlen(f[2]))) return false;
  if(!strcmp(f[3], "TRUE") && strcmp(u->scheme, "https")) return false;
  *name = f[5];
  *value = f[6];
  return true;
}

void dast_engine_set_auth(struct dast_engine *eng, const char *header)
{
  free(eng->auth);
  eng->auth = header ? dast_strdup(header) : NULL;
}

char *dast_engine_cookie_header(struct dast_engine *eng, const char *url)
{
  struct dast_url_parts u;
  if(dast_url_split(url, &u)) return dast_strdup("");
  struct curl_slist *list = NULL;
  curl_easy_getinfo(eng->jar, CURLINFO_COOKIELIST, &list);
  struct dast_buf b;
  dast_buf_init(&b, 0);
  for(struct curl_slist *l = list; l; l = l->next) {
    char *copy = dast_strdup(l->data), *name, *value;
    if(cookie_applies(copy, &u, &name, &value))
      dast_buf_printf(&b, "%s%s=%s", b.len ? "; " : "", name, value);
    free(copy);
  }
  curl_slist_free_all(list);
  dast_url_parts_free(&u);
  return dast_buf_take(&b, NULL);
}

void dast_engine_set_cookie(struct dast_engine *eng, const char *url, const char *name_value)
{
  struct dast_url_parts u;
  if(dast_url_split(url, &u)) return;
  char *line = dast_aprintf("Set-Cookie: %s; domain=%s; path=/", name_value, u.host);
  curl_easy_setopt(eng->jar, CURLOPT_COOKIELIST, line);
  free(line);
  dast_url_parts_free(&u);
}

void dast_engine_observe(struct dast_engine *eng, dast_http_cb cb, void *ud)
{
  if(!cb) return;
  eng->observers = dast_realloc(eng->observers, (eng->nobservers + 1) * sizeof(*eng->observers));
  eng->observers[eng->nobservers].cb = cb;
  eng->observers[eng->nobservers].ud = ud;
  eng->nobservers++;
}

const struct dast_config *dast_engine_config(const struct dast_engine *eng)
{
  return eng->cfg;
}

const struct dast_scope *dast_engine_scope(const struct dast_engine *eng)
{
  return eng->scope;
}

void dast_engine_free(struct dast_engine *eng)
{
  if(!eng) return;
  dast_engine_cancel(eng);
  /* user timers still pending run now (they see the engine expired) */
  while(eng->timers) {
    struct user_timer *t = eng->timers;
    eng->timers = t->next;
    if(eng->timers) eng->timers->prev = NULL;
    event_free(t->ev);
    t->cb(eng, t->ud);
    free(t);
  }
  for(size_t i = 0; i < eng->nhosts; i++) free(eng->hosts[i].key);
  free(eng->hosts);
  if(eng->tick_timer) event_free(eng->tick_timer);
  event_free(eng->curl_timer);
  event_free(eng->pump_timer);
  event_free(eng->budget_timer);
  curl_multi_cleanup(eng->multi);
  curl_easy_cleanup(eng->jar);
  curl_share_cleanup(eng->share);
  free(eng->observers);
  free(eng->lat);
  free(eng->cookie_default);
  free(eng->auth);
  free(eng);
}
