/* test_chaos_engine.c — the HTTP engine (scanner/engine/http.h) against
 * every endpoint of the hostile chaos server (tests/fixtures/chaos), run
 * in-process on the engine's own event_base.  What is proven: each request
 * ends (callback exactly once) within its timeout plus slack, bodies stop at
 * the cap with the truncated flag, failures arrive as errors of the right
 * kind and are counted in the engine's stats, out-of-scope redirects are
 * never followed, and the server sees every connection closed afterwards.
 *
 * The server's sources are compiled into this test directly: the fixture
 * links only libevent, and including it here avoids a child process. */
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/http.h"
#include "tests/fixtures/chaos/chaos.c"
#include "tests/fixtures/chaos/chaos_gen.c"
#include "tests/unit/harness.h"

#define TIMEOUT_MS 1500
#define CAP (256u * 1024u)
#define MAX_OUT 64

struct outcome {
  const char *path;
  int calls;
  dast_err err;
  enum dast_net_kind kind;
  long status;
  bool truncated, blocked;
  size_t body_len, body_strlen;
  int redirects;
  char head[128];
  char final_url[256];
  char x_control[64];
};

struct fix {
  struct event_base *base;
  struct dast_chaos *srv;
  struct dast_chaos *canary; /* out of scope: must never see a request */
  struct dast_config cfg;
  struct dast_scope *scope;
  struct dast_engine *eng;
  struct outcome out[MAX_OUT];
  size_t nout;
};

static void fix_init(struct fix *f, size_t body_cap)
{
  memset(f, 0, sizeof(*f));
  signal(SIGPIPE, SIG_IGN);
  f->base = dast_event_base_new();
  if(!f->base || dast_chaos_new(f->base, 0, &f->srv) || dast_chaos_new(f->base, 0, &f->canary))
    abort();
  dast_chaos_set_canary(f->srv, dast_chaos_port(f->canary));
  dast_config_init(&f->cfg);
  f->cfg.target = dast_aprintf("http://127.0.0.1:%d/", dast_chaos_port(f->srv));
  f->cfg.timeout_ms = TIMEOUT_MS;
  f->cfg.connect_timeout_ms = TIMEOUT_MS;
  f->cfg.retries = 0;
  f->cfg.concurrency = 64;
  f->cfg.per_host = 64;
  f->cfg.max_redirects = 20;
  if(body_cap) f->cfg.body_cap = body_cap;
  char err[256];
  if(dast_scope_new(&f->cfg, &f->scope, err, sizeof(err))) abort();
  if(dast_engine_new(f->base, &f->cfg, f->scope, &f->eng, err, sizeof(err))) abort();
}

/* Lets the server see the engine's closed sockets, then frees everything.
 * Returns the connections the server still had open after the drain, plus
 * 1000 if the out-of-scope canary server received anything. */
static size_t fix_free(struct fix *f)
{
  dast_engine_free(f->eng);
  size_t left = 0;
  for(int i = 0; i < 20; i++) {
    struct timeval tv = {0, 50000};
    event_base_loopexit(f->base, &tv);
    event_base_dispatch(f->base);
    left = dast_chaos_connections(f->srv);
    if(!left) break;
  }
  if(dast_chaos_total(f->canary)) left += 1000; /* an out-of-scope request was sent */
  dast_chaos_free(f->srv);
  dast_chaos_free(f->canary);
  dast_scope_free(f->scope);
  dast_config_free(&f->cfg);
  event_base_free(f->base);
  return left;
}

static void on_done(struct dast_engine *eng, const struct dast_request *req,
                    const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct outcome *o = ud;
  o->calls++;
  o->err = r->err;
  o->kind = r->net_kind;
  o->status = r->status;
  o->truncated = r->truncated;
  o->blocked = r->redirect_blocked;
  o->body_len = r->body_len;
  o->body_strlen = r->body ? strlen(r->body) : 0;
  o->redirects = r->redirects;
  snprintf(o->head, sizeof(o->head), "%s", r->body ? r->body : "");
  snprintf(o->final_url, sizeof(o->final_url), "%s", r->final_url ? r->final_url : "");
  const char *xc = dast_response_header(r, "X-Control");
  snprintf(o->x_control, sizeof(o->x_control), "%s", xc ? xc : "(none)");
}

static struct outcome *submit(struct fix *f, const char *path, const char *method, const char *body,
                              int max_redirects)
{
  if(f->nout >= MAX_OUT) abort();
  struct outcome *o = &f->out[f->nout++];
  o->path = path;
  char *url = dast_aprintf("http://127.0.0.1:%d%s", dast_chaos_port(f->srv), path);
  const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded"};
  struct dast_request req = {.url = url, .method = method, .body = body,
                             .body_len = body ? strlen(body) : 0, .max_redirects = max_redirects,
                             .headers = body ? hdrs : NULL, .nheaders = body ? 1 : 0};
  dast_err e = dast_engine_submit(f->eng, &req, on_done, o);
  free(url);
  if(e) abort();
  return o;
}

static struct outcome *get(struct fix *f, const char *path)
{
  return submit(f, path, NULL, NULL, 20);
}

static const struct outcome *find(const struct fix *f, const char *path)
{
  for(size_t i = 0; i < f->nout; i++)
    if(!strcmp(f->out[i].path, path)) return &f->out[i];
  abort();
}

/* Every hostile route at once: the whole batch ends in about one timeout. */
TEST(hostile_endpoints_end_bounded_with_errors_by_kind)
{
  struct fix f;
  fix_init(&f, CAP);
  const char *kind;
  for(size_t i = 0; dast_chaos_route(i, &kind); i++) {
    const char *p = dast_chaos_route(i, NULL);
    if(strcmp(kind, "hostile") || !strcmp(p, "/redirect-loop-b")) continue;
    get(&f, !strcmp(p, "/chain/") ? "/chain/0" : !strcmp(p, "/calendar") ? "/calendar?month=1" : p);
  }
  ASSERT_GE(f.nout, 25);
  uint64_t t0 = dast_now_us();
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  uint64_t el = dast_now_us() - t0;
  ASSERT_LE(el, (TIMEOUT_MS + 6000) * 1000ull); /* one timeout, plus slack for ASan */
  for(size_t i = 0; i < f.nout; i++)
    if(f.out[i].calls != 1) FAIL_AT("%s: callback ran %d times", f.out[i].path, f.out[i].calls);

  const struct outcome *o = find(&f, "/hang");
  ASSERT_EQ(o->err, DAST_ETIMEOUT);
  ASSERT_EQ(o->kind, DAST_NETERR_TIMEOUT);
  ASSERT_EQ(o->status, 0);
  o = find(&f, "/slowloris");
  ASSERT_EQ(o->err, DAST_ETIMEOUT);
  o = find(&f, "/stall"); /* a status arrived: delivered, flagged truncated */
  ASSERT_EQ(o->status, 200);
  ASSERT(o->truncated);
  ASSERT_CONTAINS(o->head, "this body stalls");
  o = find(&f, "/reset");
  ASSERT_EQ(o->err, DAST_ENET);
  ASSERT_EQ(o->kind, DAST_NETERR_RESET);
  o = find(&f, "/reset-mid-body");
  ASSERT_EQ(o->status, 200);
  ASSERT(o->truncated);
  o = find(&f, "/close-after-headers");
  ASSERT_EQ(o->status, 200);
  ASSERT(o->truncated);
  ASSERT_EQ(o->body_len, 0);

  /* floods stop at the cap */
  const char *floods[] = {"/huge", "/gzip-bomb", "/chunked-forever", "/many-links", "/deep", "/big.js"};
  for(size_t i = 0; i < sizeof(floods) / sizeof(floods[0]); i++) {
    o = find(&f, floods[i]);
    if(o->status != 200 || !o->truncated || o->body_len != CAP)
      FAIL_AT("%s: status %ld truncated %d len %zu", floods[i], o->status, o->truncated, o->body_len);
  }

  /* redirects: loops stop at the hop limit, other origins are never followed */
  o = find(&f, "/redirect-loop");
  ASSERT_EQ(o->status, 302);
  ASSERT_EQ(o->redirects, 20);
  o = find(&f, "/chain/0");
  ASSERT_EQ(o->status, 302);
  ASSERT_EQ(o->redirects, 20);
  ASSERT_CONTAINS(o->final_url, "/chain/20");
  o = find(&f, "/redirect-other-port");
  ASSERT(o->blocked);
  ASSERT_EQ(o->status, 302);
  ASSERT_EQ(dast_chaos_total(f.canary), 0);
  o = find(&f, "/redirect-other-host");
  ASSERT(o->blocked);
  o = find(&f, "/redirect-malformed");
  ASSERT_EQ(o->status, 302);
  ASSERT_EQ(o->redirects, 0);

  /* framing lies are protocol errors or flagged partial responses */
  const char *proto[] = {"/bad-status", "/bad-status-code", "/no-status-line", "/header-no-colon",
                         "/folded-first-header"};
  for(size_t i = 0; i < sizeof(proto) / sizeof(proto[0]); i++) {
    o = find(&f, proto[i]);
    /* no status: a protocol error; a status then junk: a partial response
     * flagged truncated (the error is still counted by kind below) */
    bool ok = o->status ? o->truncated : o->err == DAST_ENET && o->kind == DAST_NETERR_PROTOCOL;
    if(!ok)
      FAIL_AT("%s: err %d kind %s status %ld truncated %d", proto[i], o->err,
              dast_net_kind_name(o->kind), o->status, o->truncated);
  }
  o = find(&f, "/huge-header");
  ASSERT_EQ(o->err, DAST_ELIMIT);
  ASSERT_EQ(o->kind, DAST_NETERR_TOOBIG);
  o = find(&f, "/dup-content-length");
  ASSERT(o->err != DAST_OK || o->truncated);
  o = find(&f, "/cl-and-chunked");
  ASSERT(o->err != DAST_OK || o->truncated);

  /* hostile content is delivered intact */
  o = find(&f, "/bad-headers");
  ASSERT_EQ(o->status, 200);
  ASSERT(!o->truncated);
  ASSERT_CONTAINS(o->head, "/about");
  ASSERT_CONTAINS(o->x_control, "\x1b[31m");
  o = find(&f, "/garbage");
  ASSERT_EQ(o->status, 200);
  ASSERT_EQ(o->body_len, 65536);
  o = find(&f, "/nul");
  ASSERT_EQ(o->status, 200);
  ASSERT(o->body_strlen < o->body_len); /* the NUL is kept, body_len says it all */
  o = find(&f, "/bad-utf8");
  ASSERT_EQ(o->status, 200);
  ASSERT(!o->truncated);
  o = find(&f, "/bad-charset");
  ASSERT_EQ(o->status, 200);
  ASSERT(!o->truncated);

  struct dast_stats st;
  dast_engine_stats(f.eng, &st);
  ASSERT_GE(st.errors[DAST_NETERR_TIMEOUT], 3);   /* hang, slowloris, stall */
  ASSERT_GE(st.errors[DAST_NETERR_RESET], 2);     /* reset, reset-mid-body, ... */
  ASSERT_GE(st.errors[DAST_NETERR_PROTOCOL], 4);
  ASSERT_GE(st.errors[DAST_NETERR_TOOBIG], 1);
  ASSERT_GE(st.errors[DAST_NETERR_REDIRECTS], 2); /* loop, chain */
  ASSERT_GE(st.out_of_scope, 2);
  ASSERT_GE(st.truncated, 6);
  ASSERT_EQ(fix_free(&f), 0);
}

/* One request after another on a single connection slot: with libcurl 7.88
 * a reused easy handle turned a folded first header line into a
 * heap-use-after-free (tests/fuzz/crashes/curl-reuse-folded-header-uaf.c);
 * the engine must survive it (ASan build) and report a protocol error. */
static void one_slot(struct dast_config *c)
{
  c->concurrency = 1;
  c->per_host = 1;
}

TEST(folded_first_header_after_other_responses)
{
  struct fix f;
  fix_init(&f, CAP);
  one_slot(&f.cfg);
  for(int i = 0; i < 3; i++) {
    get(&f, "/about");
    get(&f, "/folded-first-header");
  }
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  for(size_t i = 0; i < f.nout; i++) {
    const struct outcome *o = &f.out[i];
    ASSERT_EQ(o->calls, 1);
    if(i % 2 == 0) {
      ASSERT_EQ(o->status, 200);
      ASSERT_CONTAINS(o->head, "About");
    } else if(!(o->status ? o->truncated : o->kind == DAST_NETERR_PROTOCOL)) {
      FAIL_AT("folded first header: status %ld err %d kind %s", o->status, o->err,
              dast_net_kind_name(o->kind));
    }
  }
  ASSERT_EQ(fix_free(&f), 0);
}

/* The default 4 MiB cap holds against the gigabyte and the bomb. */
TEST(default_cap_bounds_gigabyte_and_bomb)
{
  struct fix f;
  fix_init(&f, 0);
  get(&f, "/huge");
  get(&f, "/gzip-bomb");
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  for(size_t i = 0; i < 2; i++) {
    ASSERT_EQ(f.out[i].status, 200);
    ASSERT(f.out[i].truncated);
    ASSERT_EQ(f.out[i].body_len, 4u << 20);
  }
  struct dast_stats st;
  dast_engine_stats(f.eng, &st);
  ASSERT_LE(st.bytes_in, 64u << 20); /* the engine stopped reading, not the server */
  ASSERT_EQ(fix_free(&f), 0);
}

/* 429 then 200 after Retry-After: 1; 503, 503 then 200 after 2 s waits. */
TEST(retry_after_429_and_503_honoured)
{
  struct fix f;
  fix_init(&f, CAP);
  f.cfg.timeout_ms = 5000;
  uint64_t t0 = dast_now_us();
  get(&f, "/busy-429");
  get(&f, "/busy-503");
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(f.out[0].status, 200);
  ASSERT_EQ(f.out[1].status, 200);
  ASSERT_GE(dast_now_us() - t0, 3900000);
  ASSERT_EQ(dast_chaos_hits(f.srv, "/busy-429"), 2);
  ASSERT_EQ(dast_chaos_hits(f.srv, "/busy-503"), 3);
  ASSERT_EQ(fix_free(&f), 0);
}

/* The session expires after a few pages: the engine keeps the jar across
 * the login redirect, and the expiry shows as a redirect to /login. */
TEST(login_expiring_session)
{
  struct fix f;
  fix_init(&f, CAP);
  struct outcome *login = submit(&f, "/login", "POST", "user=chaos&pass=x", 5);
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_EQ(login->status, 200);
  ASSERT_CONTAINS(login->head, "Logged in (page 1 of 3)");
  char *url = dast_aprintf("http://127.0.0.1:%d/account", dast_chaos_port(f.srv));
  char *jar = dast_engine_cookie_header(f.eng, url);
  ASSERT_CONTAINS(jar, "sid=");
  free(jar);
  free(url);
  struct outcome *o = NULL;
  for(int i = 0; i < 3; i++) {
    o = get(&f, "/account");
    ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  }
  ASSERT_EQ(o->status, 200);
  ASSERT_CONTAINS(o->final_url, "/login"); /* expired: back to the form */
  ASSERT_CONTAINS(o->head, "<form action=\"/login\"");
  ASSERT_EQ(fix_free(&f), 0);
}

/* Crawler traps are infinite but each page is small and valid. */
TEST(traps_are_bounded_per_page)
{
  struct fix f;
  fix_init(&f, CAP);
  get(&f, "/trap/");
  get(&f, "/calendar?month=41");
  ASSERT_EQ(dast_engine_run(f.eng), DAST_OK);
  ASSERT_CONTAINS(f.out[0].head, "<a href=\"/trap/");
  ASSERT_LE(f.out[0].body_len, 4096);
  ASSERT_EQ(f.out[1].status, 200);
  ASSERT_LE(f.out[1].body_len, 512);
  ASSERT_EQ(fix_free(&f), 0);
}

static uint32_t crc32_slow(const unsigned char *p, size_t n)
{
  uint32_t c = 0xffffffffu;
  for(size_t i = 0; i < n; i++) {
    c ^= p[i];
    for(int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

/* The fixture's own arithmetic: the bomb's trailer CRC. */
TEST(fixture_crc32_of_zeros)
{
  static unsigned char zeros[5000];
  size_t ns[] = {0, 1, 2, 258, 259, 1000, 4999};
  for(size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
    ASSERT_EQ(chaos__crc32_zeros(ns[i]), crc32_slow(zeros, ns[i]));
  ASSERT_EQ(chaos__crc32_zeros(1), 0xd202ef8du);
}

RUN_TESTS()
