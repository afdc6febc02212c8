/* test_engine.c — the HTTP engine against an in-process evhttp server on
 * 127.0.0.1 sharing the engine's event_base.  The server counts concurrent
 * requests so the limits are proven from the server's side; time assertions
 * are lower bounds only (machines are noisy). */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/http.h"
#include "tests/unit/harness.h"

struct srv {
  struct event_base *base;
  struct evhttp *http;
  int port;
  int inflight, max_inflight, hits, retry_after_hits;
};

struct delayed {
  struct srv *s;
  struct evhttp_request *req;
  struct event *ev;
};

static void reply(struct srv *s, struct evhttp_request *req, int code, const char *body)
{
  struct evbuffer *b = evbuffer_new();
  evbuffer_add(b, body, strlen(body));
  evhttp_send_reply(req, code, "OK", b);
  evbuffer_free(b);
  s->inflight--;
}

static void delayed_cb(evutil_socket_t fd, short k, void *ud)
{
  (void)fd;
  (void)k;
  struct delayed *d = ud;
  reply(d->s, d->req, 200, "slow");
  event_free(d->ev);
  free(d);
}

static const char *qparam(struct evhttp_request *req, const char *name, struct evkeyvalq *q)
{
  const char *uri = evhttp_request_get_uri(req);
  const char *qs = strchr(uri, '?');
  q->tqh_first = NULL;
  q->tqh_last = &q->tqh_first;
  if(qs) evhttp_parse_query_str(qs + 1, q);
  return evhttp_find_header(q, name);
}

static void handler(struct evhttp_request *req, void *ud)
{
  struct srv *s = ud;
  s->hits++;
  s->inflight++;
  if(s->inflight > s->max_inflight) s->max_inflight = s->inflight;
  const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
  struct evkeyvalq q;
  struct evkeyvalq *out = evhttp_request_get_output_headers(req);
  if(!strcmp(path, "/slow")) {
    const char *ms = qparam(req, "ms", &q);
    int n = ms ? atoi(ms) : 100;
    evhttp_clear_headers(&q);
    struct delayed *d = calloc(1, sizeof(*d));
    d->s = s;
    d->req = req;
    d->ev = evtimer_new(s->base, delayed_cb, d);
    struct timeval tv = {n / 1000, (n % 1000) * 1000};
    evtimer_add(d->ev, &tv);
    return;
  }
  if(!strcmp(path, "/big")) {
    const char *ns = qparam(req, "n", &q);
    size_t n = ns ? (size_t)atol(ns) : 1000;
    evhttp_clear_headers(&q);
    char *body = malloc(n + 1);
    memset(body, 'a', n);
    body[n] = '\0';
    reply(s, req, 200, body);
    free(body);
    return;
  }
  if(!strcmp(path, "/redirect")) {
    const char *to = qparam(req, "to", &q);
    evhttp_add_header(out, "Location", to ? to : "/hello");
    reply(s, req, 302, "");
    evhttp_clear_headers(&q);
    return;
  }
  if(!strcmp(path, "/loop")) {
    evhttp_add_header(out, "Location", "/loop");
    reply(s, req, 302, "");
    return;
  }
  if(!strcmp(path, "/retryafter")) {
    if(s->retry_after_hits++ == 0) {
      evhttp_add_header(out, "Retry-After", "1");
      reply(s, req, 503, "busy");
    } else {
      reply(s, req, 200, "ready");
    }
    return;
  }
  if(!strcmp(path, "/setcookie")) {
    evhttp_add_header(out, "Set-Cookie", "sid=abc123; Path=/");
    reply(s, req, 200, "set");
    return;
  }
  if(!strcmp(path, "/echocookie")) {
    const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
    reply(s, req, 200, c ? c : "(none)");
    return;
  }
  reply(s, req, 200, "hello");
}

static void srv_start(struct srv *s, struct event_base *base)
{
  memset(s, 0, sizeof(*s));
  s->base = base;
  s->http = evhttp_new(base);
  evhttp_set_gencb(s->http, handler, s);
  struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
  evutil_socket_t fd = evhttp_bound_socket_get_fd(bs);
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  getsockname(fd, (struct sockaddr *)&sin, &len);
  s->port = ntohs(sin.sin_port);
}

struct fix {
  struct event_base *base;
  struct srv srv, other;
  struct dast_config cfg;
  struct dast_scope *scope;
  struct dast_engine *eng;
  int done, ok, cancelled, timeouts, truncated, blocked;
  long last_status;
  int last_redirects;
  char last_body[256];
};

static void fix_init(struct fix *f, void (*tweak)(struct dast_config *))
{
  memset(f, 0, sizeof(*f));
  f->base = dast_event_base_new();
  srv_start(&f->srv, f->base);
  srv_start(&f->other, f->base);
  dast_config_init(&f->cfg);
  f->cfg.target = dast_aprintf("http://127.0.0.1:%d/", f->srv.port);
  if(tweak) tweak(&f->cfg);
  char err[256];
  if(dast_scope_new(&f->cfg, &f->scope, err, sizeof(err))) abort();
  if(dast_engine_new(f->base, &f->cfg, f->scope, &f->eng, err, sizeof(err))) abort();
}

static void fix_free(struct fix *f)
{
  dast_engine_free(f->eng);
  /* let the server's late replies (to aborted transfers) fire and free */
  struct timeval tv = {0, 400000};
  event_base_loopexit(f->base, &tv);
  event_base_dispatch(f->base);
  dast_scope_free(f->scope);
  dast_config_free(&f->cfg);
  evhttp_free(f->srv.http);
  evhttp_free(f->other.http);
  event_base_free(f->base);
}

static void on_done(struct dast_engine *eng, const struct dast_request *req,
                    const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct fix *f = ud;
  f->done++;
  if(r->err == DAST_OK) f->ok++;
  if(r->err == DAST_ECANCEL) f->cancelled++;
  if(r->err == DAST_ETIMEOUT) f->timeouts++;
  if(r->truncated) f->truncated++;
  if(r->redirect_blocked) f->blocked++;
  f->last_status = r->status;
  f->last_redirects = r->redirects;
  snprintf(f->last_body, sizeof(f->last_body), "%s", r->body ? r->body : "");
}

static dast_err get(struct fix *f, const char *path, int redirects)
{
  char *url = dast_aprintf("http://127.0.0.1:%d%s", f->srv.port, path);
  struct dast_request req = {.url = url, .max_redirects = redirects};
  dast_err e = dast_engine_submit(f->eng, &req, on_done, f);
  free(url);
  return e;
}

static void conc4(struct dast_config *c) { c->concurrency = 4; c->per_host = 4; }
static void host2(struct dast_config *c) { c->concurrency = 8; c->per_host = 2; }

TEST(concurrency_limit_never_exceeded)
{
  struct fix f;
  fix_init(&f, conc4);
  for(int i = 0; i < 24; i++) ASSERT_EQ(get(&f, "/slow?ms=50", 0), DAST_OK);
  ASSERT_EQ(f.done, 0); /* never inside submit */
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.ok, 24);
  ASSERT_LE(f.srv.max_inflight, 4);
  ASSERT_GE(f.srv.max_inflight, 2);
  fix_free(&f);
}

TEST(per_host_limit_never_exceeded)
{
  struct fix f;
  fix_init(&f, host2);
  for(int i = 0; i < 12; i++) ASSERT_EQ(get(&f, "/slow?ms=50", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.ok, 12);
  ASSERT_LE(f.srv.max_inflight, 2);
  fix_free(&f);
}

static void rate20(struct dast_config *c) { c->rate = 20; }

TEST(rate_limit_lower_bound)
{
  struct fix f;
  fix_init(&f, rate20);
  uint64_t t0 = dast_now_us();
  for(int i = 0; i < 21; i++) ASSERT_EQ(get(&f, "/hello", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  uint64_t el = dast_now_us() - t0;
  ASSERT_EQ(f.ok, 21);
  /* 1 token at start, then 20 more at 20/s: at least ~1 s */
  ASSERT_GE(el, 950000);
  fix_free(&f);
}

static void short_timeout(struct dast_config *c) { c->timeout_ms = 200; c->retries = 0; }

TEST(timeout_fires)
{
  struct fix f;
  fix_init(&f, short_timeout);
  ASSERT_EQ(get(&f, "/slow?ms=600", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.timeouts, 1);
  /* let the server's late reply fire so its request is freed */
  struct timeval tv = {0, 700000};
  event_base_loopexit(f.base, &tv);
  event_base_dispatch(f.base);
  struct dast_stats st;
  dast_engine_stats(f.eng, &st);
  ASSERT_EQ(st.errors[DAST_NETERR_TIMEOUT], 1);
  fix_free(&f);
}

static void small_cap(struct dast_config *c) { c->body_cap = 1000; }

TEST(body_cap_truncates_and_flags)
{
  struct fix f;
  fix_init(&f, small_cap);
  ASSERT_EQ(get(&f, "/big?n=200000", 0), DAST_OK);
  ASSERT_EQ(get(&f, "/big?n=500", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.ok, 2);
  ASSERT_EQ(f.truncated, 1);
  fix_free(&f);
}

TEST(request_body_cap_below_the_engine_one)
{
  /* a request may ask for less than the engine's cap (attack probes: 1 MB),
   * never for more */
  struct fix f;
  fix_init(&f, small_cap);
  char *url = dast_aprintf("http://127.0.0.1:%d/big?n=900", f.srv.port);
  struct dast_request lower = {.url = url, .max_body = 600};
  struct dast_request higher = {.url = url, .max_body = 1u << 20};
  ASSERT_EQ(dast_engine_submit(f.eng, &lower, on_done, &f), DAST_OK);
  ASSERT_EQ(dast_engine_submit(f.eng, &higher, on_done, &f), DAST_OK);
  free(url);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.ok, 2);
  ASSERT_EQ(f.truncated, 1); /* 900 bytes: over 600, under the engine's 1000 */
  fix_free(&f);
}

TEST(redirects_followed_in_scope_only)
{
  struct fix f;
  fix_init(&f, NULL);
  ASSERT_EQ(get(&f, "/redirect?to=/hello", 5), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.last_status, 200);
  ASSERT_EQ(f.last_redirects, 1);
  ASSERT_STREQ(f.last_body, "hello");
  char *path = dast_aprintf("/redirect?to=http://127.0.0.1:%d/x", f.other.port);
  ASSERT_EQ(get(&f, path, 5), DAST_OK);
  free(path);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.last_status, 302);
  ASSERT_EQ(f.blocked, 1);
  ASSERT_EQ(f.other.hits, 0);
  /* a loop stops at the hop limit */
  ASSERT_EQ(get(&f, "/loop", 4), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.last_status, 302);
  ASSERT_EQ(f.last_redirects, 4);
  fix_free(&f);
}

TEST(out_of_scope_never_sent)
{
  struct fix f;
  fix_init(&f, NULL);
  char *url = dast_aprintf("http://127.0.0.1:%d/", f.other.port);
  struct dast_request req = {.url = url};
  ASSERT_EQ(dast_engine_submit(f.eng, &req, on_done, &f), DAST_ESCOPE);
  free(url);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.done, 0);
  ASSERT_EQ(f.other.hits, 0);
  fix_free(&f);
}

static void dead_origin(struct dast_config *c)
{
  c->retries = 2;
  dast_strlist_add(&c->origins, "http://127.0.0.1:1");
}

TEST(retries_on_connection_errors_stop)
{
  struct fix f;
  fix_init(&f, dead_origin);
  struct dast_request req = {.url = "http://127.0.0.1:1/"};
  ASSERT_EQ(dast_engine_submit(f.eng, &req, on_done, &f), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.done, 1);
  ASSERT_EQ(f.ok, 0);
  struct dast_stats st;
  dast_engine_stats(f.eng, &st);
  ASSERT_EQ(st.retries, 2);
  ASSERT_EQ(st.errors[DAST_NETERR_CONNECT], 1);
  fix_free(&f);
}

static void budget(struct dast_config *c) { c->max_time = 0.6; c->concurrency = 1; c->per_host = 1; }

TEST(time_budget_stops_and_keeps_partial)
{
  struct fix f;
  fix_init(&f, budget);
  for(int i = 0; i < 20; i++) ASSERT_EQ(get(&f, "/slow?ms=150", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_ETIMEOUT);
  ASSERT_EQ(f.done, 20);   /* every callback ran once */
  ASSERT_GE(f.ok, 1);      /* partial results kept */
  ASSERT_GE(f.cancelled, 10);
  ASSERT_EQ(get(&f, "/hello", 0), DAST_ECANCEL);
  fix_free(&f);
}

TEST(retry_after_is_honoured)
{
  struct fix f;
  fix_init(&f, NULL);
  uint64_t t0 = dast_now_us();
  ASSERT_EQ(get(&f, "/retryafter", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.last_status, 200);
  ASSERT_GE(dast_now_us() - t0, 950000);
  fix_free(&f);
}

TEST(cookie_jar_shared_and_explicit_cookie_merged)
{
  struct fix f;
  fix_init(&f, NULL);
  ASSERT_EQ(get(&f, "/setcookie", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(get(&f, "/echocookie", 0), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_STREQ(f.last_body, "sid=abc123");
  char *url = dast_aprintf("http://127.0.0.1:%d/echocookie", f.srv.port);
  const char *hdrs[] = {"Cookie: probe=1"};
  struct dast_request req = {.url = url, .headers = hdrs, .nheaders = 1};
  ASSERT_EQ(dast_engine_submit(f.eng, &req, on_done, &f), DAST_OK);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_CONTAINS(f.last_body, "probe=1");
  ASSERT_CONTAINS(f.last_body, "sid=abc123");
  char *jar = dast_engine_cookie_header(f.eng, url);
  ASSERT_STREQ(jar, "sid=abc123");
  free(jar);
  free(url);
  fix_free(&f);
}

RUN_TESTS()
