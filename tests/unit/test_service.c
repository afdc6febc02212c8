/* test_service.c — `dastgate serve` over real HTTP on 127.0.0.1.  The
 * service runs in-process on its own thread with a deterministic scan
 * function injected through dast_service_opts.run_scan: it sends one real
 * request to the target (a tiny evhttp server on its own thread), then
 * "scans" for as long as the target URL asks (?ms=N), honouring cancel, and
 * returns a dastgate/1-shaped report whose gate follows cfg->fail_on.  A
 * second server outside the allowlist counts every request it gets, so
 * "refused" is proven from the server's side.  The crash test forks a child
 * running the service and SIGKILLs it mid-scan. */
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/gate.h"
#include "reports/report.h"
#include "scanner/engine/http.h"
#include "scanner/serve.h"
#include "scanner/store.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

#define TOKEN "test-token-0123456789abcdef"



/* ---------- target servers ---------- */

struct target {
  struct event_base *base;
  struct evhttp *http;
  int port;
  atomic_int hits;
  pthread_t th;
  struct event *stop;
};

static void target_cb(struct evhttp_request *req, void *ud)
{
  struct target *t = ud;
  atomic_fetch_add(&t->hits, 1);
  struct evbuffer *b = evbuffer_new();
  evbuffer_add_printf(b, "<html><body>hello</body></html>");
  evhttp_send_reply(req, 200, "OK", b);
  evbuffer_free(b);
}

static void target_stop_cb(evutil_socket_t fd, short w, void *ud)
{
  (void)fd;
  (void)w;
  event_base_loopbreak(((struct target *)ud)->base);
}

static void *target_main(void *ud)
{
  struct target *t = ud;
  event_base_dispatch(t->base);
  return NULL;
}

static void target_start(struct target *t)
{
  memset(t, 0, sizeof(*t));
  t->base = event_base_new();
  t->http = evhttp_new(t->base);
  struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(t->http, "127.0.0.1", 0);
  struct sockaddr_in sin;
  socklen_t sl = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&sin, &sl);
  t->port = ntohs(sin.sin_port);
  evhttp_set_gencb(t->http, target_cb, t);
  t->stop = event_new(t->base, -1, 0, target_stop_cb, t);
  pthread_create(&t->th, NULL, target_main, t);
}

static void target_stop(struct target *t)
{
  event_active(t->stop, 0, 0);
  pthread_join(t->th, NULL);
  event_free(t->stop);
  evhttp_free(t->http);
  event_base_free(t->base);
}

/* ---------- the injected scan ---------- */

static atomic_int scans_started;
static atomic_bool last_scope_refuses_outside, last_scope_allows_target;
static char last_header[256];
static pthread_mutex_t last_mu = PTHREAD_MUTEX_INITIALIZER;
static char outside_url[128];
static _Atomic double last_max_time;
static double opt_max_scan_time;

static int stub_scan(const struct dast_config *cfg, struct dast_scan_ctl *ctl, json_t **report,
                     char *errbuf, size_t errlen)
{
  atomic_fetch_add(&scans_started, 1);
  atomic_store(&last_max_time, cfg->max_time);
  *report = NULL;
  if(strstr(cfg->target, "broken")) {
    snprintf(errbuf, errlen, "target answered nothing useful");
    return 3;
  }
  /* what would the engine's scope allow? */
  struct dast_scope *scope;
  char err[256];
  if(!dast_scope_new(cfg, &scope, err, sizeof(err))) {
    atomic_store(&last_scope_allows_target, dast_scope_allows(scope, cfg->target));
    atomic_store(&last_scope_refuses_outside, !dast_scope_allows(scope, outside_url));
    dast_scope_free(scope);
  }
  pthread_mutex_lock(&last_mu);
  snprintf(last_header, sizeof(last_header), "%s", cfg->headers.n ? cfg->headers.v[0] : "");
  pthread_mutex_unlock(&last_mu);
  bool reached = dast_test_reach(cfg->target);
  if(!reached) {
    snprintf(errbuf, errlen, "target unreachable");
    return 2;
  }
  atomic_store(&ctl->requests, 1);
  atomic_store(&ctl->phase, DAST_PHASE_ATTACKING);
  const char *ms = strstr(cfg->target, "ms=");
  long wait_ms = ms ? strtol(ms + 3, NULL, 10) : 0;
  bool cancelled = false;
  for(long waited = 0; waited < wait_ms; waited += 10) {
    if(atomic_load(&ctl->cancel)) {
      cancelled = true;
      break;
    }
    atomic_fetch_add(&ctl->requests, 1);
    atomic_store(&ctl->queued, 5);
    usleep(10000);
  }
  /* a real dastgate/1 report with the real gate, as dast_scan_run builds it */
  int code = dast_test_stub_report(cfg, cancelled, report, errbuf, errlen);
  if(strstr(cfg->target, "vuln")) atomic_store(&ctl->findings, 1);
  return code;
}

/* ---------- service under test ---------- */

struct svc_run {
  struct dast_service *svc;
  pthread_t th;
  int port;
  char db[96];
};

static void *svc_main(void *ud)
{
  dast_service_run(ud);
  return NULL;
}

static char allow_re[128];

static dast_err svc_start_opts(struct svc_run *r, int parallel, bool requeue, const char *db)
{
  const char *allow[] = {allow_re, NULL};
  struct dast_service_opts o = {0};
  o.listen = "127.0.0.1:0";
  snprintf(r->db, sizeof(r->db), "%s", db);
  o.db_path = r->db;
  o.token = TOKEN;
  o.allow_targets = allow;
  o.max_parallel = parallel;
  o.max_body = 64 * 1024;
  o.requeue_interrupted = requeue;
  o.max_scan_time = opt_max_scan_time;
  o.run_scan = stub_scan;
  char err[256] = "";
  dast_err e = dast_service_new(&o, &r->svc, err, sizeof(err));
  if(e) {
    fprintf(stderr, "service: %s\n", err);
    return e;
  }
  r->port = dast_service_port(r->svc);
  pthread_create(&r->th, NULL, svc_main, r->svc);
  return DAST_OK;
}

static void fresh_db(char *out, size_t n, const char *tag)
{
  snprintf(out, n, "/tmp/dast-test-svc-%s-%d.db", tag, (int)getpid());
  const char *suffix[] = {"", "-wal", "-shm", ".lock"};
  for(int i = 0; i < 4; i++) {
    char p[128];
    snprintf(p, sizeof(p), "%s%s", out, suffix[i]);
    unlink(p);
  }
}

static struct target tgt, outside;

static bool svc_start(struct svc_run *r, int parallel)
{
  char db[96];
  fresh_db(db, sizeof(db), "api");
  snprintf(allow_re, sizeof(allow_re), "^http://127\\.0\\.0\\.1:%d/", tgt.port);
  return svc_start_opts(r, parallel, false, db) == DAST_OK;
}

static void svc_stop(struct svc_run *r)
{
  dast_service_stop(r->svc);
  pthread_join(r->th, NULL);
  dast_service_free(r->svc);
}

/* ---------- client ---------- */

struct resp {
  long code;
  struct dast_buf body;
  json_t *json;
};

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
  struct dast_buf *b = ud;
  return dast_buf_add(b, p, sz * n) ? 0 : sz * n;
}

static void http(struct svc_run *r, const char *method, const char *path, const char *body,
                 const char *token, struct resp *out)
{
  char url[512], auth[256];
  snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", r->port, path);
  dast_buf_init(&out->body, 8u << 20);
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
  if(token) {
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
    h = curl_slist_append(h, auth);
  }
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if(body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
  out->code = curl_easy_perform(c) == CURLE_OK ? 0 : -1;
  if(!out->code) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->code);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  out->json = out->body.len ? json_loadb(out->body.data, out->body.len, 0, NULL) : NULL;
}

static void resp_free(struct resp *r)
{
  dast_buf_free(&r->body);
  json_decref(r->json);
}

static const char *jget(const struct resp *r, const char *key)
{
  return json_string_value(json_object_get(r->json, key));
}

/* Submits a scan of `path` on the target; returns its id in id[24]. */
static long submit(struct svc_run *r, const char *path, const char *extra, char id[24])
{
  char body[1024];
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d%s\"%s%s}", tgt.port, path,
           extra ? "," : "", extra ? extra : "");
  struct resp rs;
  http(r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  long code = rs.code;
  id[0] = '\0';
  if(jget(&rs, "id")) snprintf(id, 24, "%s", jget(&rs, "id"));
  resp_free(&rs);
  return code;
}

/* Polls the scan until its status is `want` (or terminal); returns it. */
static char *wait_status(struct svc_run *r, const char *id, const char *want, int max_ms)
{
  char path[96];
  snprintf(path, sizeof(path), "/api/v1/scans/%s", id);
  char *st = NULL;
  for(int waited = 0; waited <= max_ms; waited += 20) {
    struct resp rs;
    http(r, "GET", path, NULL, TOKEN, &rs);
    free(st);
    st = dast_strdup(jget(&rs, "status") ? jget(&rs, "status") : "?");
    resp_free(&rs);
    if(!strcmp(st, want)) break;
    usleep(20000);
  }
  return st;
}

/* Polls until the scan's live progress shows at least `n` requests: its
 * scan function is running (the store says "running" by then). */
static bool wait_requests(struct svc_run *r, const char *id, long n, int max_ms)
{
  char path[96];
  snprintf(path, sizeof(path), "/api/v1/scans/%s", id);
  for(int waited = 0; waited <= max_ms; waited += 20) {
    struct resp rs;
    http(r, "GET", path, NULL, TOKEN, &rs);
    long got = json_integer_value(json_object_get(json_object_get(rs.json, "progress"), "requests"));
    resp_free(&rs);
    if(got >= n) return true;
    usleep(20000);
  }
  return false;
}

/* ---------- tests ---------- */

TEST(setup)
{
  signal(SIGPIPE, SIG_IGN);
  ASSERT_EQ(evthread_use_pthreads(), 0); /* the targets are stopped from this thread */
  curl_global_init(CURL_GLOBAL_DEFAULT);
  target_start(&tgt);
  target_start(&outside);
  snprintf(outside_url, sizeof(outside_url), "http://127.0.0.1:%d/", outside.port);
  ASSERT(tgt.port > 0 && outside.port > 0);
}

TEST(submit_poll_report_gate)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 2));
  int hits0 = atomic_load(&tgt.hits);
  char id[24];
  ASSERT_EQ(submit(&r, "/vuln?ms=50", "\"profile\":\"passive\",\"gate\":{\"fail_on\":\"high\"}",
                   id),
            202);
  ASSERT_EQ(strlen(id), 16);
  char *st = wait_status(&r, id, "done", 5000);
  ASSERT_STREQ(st, "done");
  free(st);
  ASSERT(atomic_load(&tgt.hits) > hits0);
  char path[128];
  struct resp rs;
  snprintf(path, sizeof(path), "/api/v1/scans/%s", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_STREQ(jget(&rs, "profile"), "passive");
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(rs.json, "progress"), "findings")),
            1);
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/report?format=json", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_CONTAINS(rs.body.data, "sqli-error");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/report?format=junit", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_CONTAINS(rs.body.data, "<testsuites");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/report?format=pdf", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 400);
  ASSERT_CONTAINS(jget(&rs, "error"), "format");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_STREQ(jget(&rs, "verdict"), "fail");
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 1);
  resp_free(&rs);
  /* a clean target passes; exit_code_fail is honoured end to end */
  ASSERT_EQ(submit(&r, "/clean", NULL, id), 202);
  st = wait_status(&r, id, "done", 5000);
  ASSERT_STREQ(st, "done");
  free(st);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "pass");
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 0);
  resp_free(&rs);
  ASSERT_EQ(submit(&r, "/vuln", "\"gate\":{\"exit_code_fail\":42}", id), 202);
  st = wait_status(&r, id, "done", 5000);
  free(st);
  http(&r, "GET", path, NULL, TOKEN, &rs); /* previous id's gate is unchanged */
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 0);
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 42);
  resp_free(&rs);
  svc_stop(&r);
}

TEST(failed_scan_is_incomplete_not_pass)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 1));
  char id[24], path[96];
  ASSERT_EQ(submit(&r, "/broken", NULL, id), 202);
  char *st = wait_status(&r, id, "failed", 5000);
  ASSERT_STREQ(st, "failed");
  free(st);
  struct resp rs;
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "incomplete");
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 3);
  ASSERT_CONTAINS(jget(&rs, "error"), "nothing useful");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/report", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 409);
  resp_free(&rs);
  svc_stop(&r);
}

TEST(auth_required)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 1));
  struct resp rs;
  const char *longer = "test-token-0123456789abcdefx"; /* TOKEN plus one character */
  const char *bad[] = {NULL, "wrong", longer, "test-token", ""};
  for(size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    http(&r, "GET", "/api/v1/scans", NULL, bad[i], &rs);
    ASSERT_EQ(rs.code, 401);
    ASSERT_CONTAINS(jget(&rs, "error"), "token");
    resp_free(&rs);
  }
  int before = atomic_load(&scans_started);
  char body[128];
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d/\"}", tgt.port);
  http(&r, "POST", "/api/v1/scans", body, "nope", &rs);
  ASSERT_EQ(rs.code, 401);
  resp_free(&rs);
  http(&r, "GET", "/api/v1/scans", NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  resp_free(&rs);
  /* healthz needs no token (container health checks) */
  http(&r, "GET", "/healthz", NULL, NULL, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_STREQ(jget(&rs, "status"), "ok");
  resp_free(&rs);
  usleep(100000);
  ASSERT_EQ(atomic_load(&scans_started), before);
  svc_stop(&r);
}

TEST(target_outside_allowlist_refused_and_silent)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 1));
  int before = atomic_load(&outside.hits);
  struct resp rs;
  char body[512];
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d/\"}", outside.port);
  http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  ASSERT_EQ(rs.code, 403);
  ASSERT_CONTAINS(jget(&rs, "error"), "target");
  ASSERT_CONTAINS(jget(&rs, "error"), "not an allowed target");
  resp_free(&rs);
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d@127.0.0.1:1/\"}", tgt.port);
  http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  ASSERT_EQ(rs.code, 403);
  resp_free(&rs);
  snprintf(body, sizeof(body),
           "{\"target\":\"http://127.0.0.1:%d/\",\"seeds\":[\"http://127.0.0.1:1/\"]}", tgt.port);
  http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  ASSERT_EQ(rs.code, 403);
  ASSERT_CONTAINS(jget(&rs, "error"), "seeds[0]");
  resp_free(&rs);
  snprintf(body, sizeof(body),
           "{\"target\":\"http://127.0.0.1:%d/\",\"scope\":{\"origins\":[\"http://127.0.0.1:%d\"]}}",
           tgt.port, outside.port);
  http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  ASSERT_EQ(rs.code, 403);
  ASSERT_CONTAINS(jget(&rs, "error"), "scope.origins[0]");
  resp_free(&rs);
  /* an allowed scan whose own include pattern is wide open still cannot
   * reach outside the allowlist: the engine's scope refuses it */
  char id[24];
  ASSERT_EQ(submit(&r, "/", "\"scope\":{\"include\":[\".*\"]}", id), 202);
  char *st = wait_status(&r, id, "done", 5000);
  ASSERT_STREQ(st, "done");
  free(st);
  ASSERT(atomic_load(&last_scope_allows_target));
  ASSERT(atomic_load(&last_scope_refuses_outside));
  usleep(200000);
  ASSERT_EQ(atomic_load(&outside.hits), before);
  svc_stop(&r);
}

TEST(allowlist_is_anchored_at_the_start)
{
  /* an operator who forgets the ^ does not open the service to any URL
   * that merely contains an allowed one */
  struct svc_run r = {0};
  char db[96];
  fresh_db(db, sizeof(db), "anchor");
  snprintf(allow_re, sizeof(allow_re), "http://127\\.0\\.0\\.1:%d/", tgt.port);
  ASSERT_EQ(svc_start_opts(&r, 1, false, db), DAST_OK);
  char body[256];
  struct resp rs;
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d/?http://127.0.0.1:%d/\"}",
           outside.port, tgt.port);
  http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  long refused = rs.code;
  resp_free(&rs);
  char id[24];
  long accepted = submit(&r, "/", NULL, id);
  char *st = accepted == 202 ? wait_status(&r, id, "done", 5000) : NULL;
  svc_stop(&r);
  ASSERT_EQ(refused, 403);
  ASSERT_EQ(accepted, 202);
  ASSERT_STREQ(st, "done");
  free(st);
}

TEST(validation_errors_name_the_field)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 1));
  struct {
    const char *body;
    int code;
    const char *msg;
  } cases[] = {
    {"{\"target\": ", 400, "invalid JSON"},
    {"[1,2]", 400, "expected a JSON object"},
    {"{}", 400, "target: required"},
    {"{\"target\": 5}", 400, "target: expected a string"},
    {"{\"target\": \"ftp://127.0.0.1/\"}", 400, "target: expected an http(s) URL"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"bogus\": 1}", 400, "bogus: unknown field"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"limits\": {\"rate\": \"fast\"}}", 400,
     "limits.rate: expected a number"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"limits\": {\"concurrency\": 0}}", 400,
     "limits.concurrency: out of range"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"limits\": {\"concurency\": 4}}", 400,
     "limits.concurency: unknown field"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"auth\": {\"headers\": \"X: y\"}}", 400,
     "auth.headers: expected an array"},
    /* a line break was sent as it is: headers (or a request) smuggled into every probe */
    {"{\"target\": \"http://127.0.0.1:1/\", \"auth\": {\"headers\": [\"X: y\\r\\nX-Inj: 1\"]}}", 400,
     "auth.headers[0]: contains a line break"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"auth\": {\"cookies\": [\"a=b\\nX-Inj: 1\"]}}", 400,
     "auth.cookies[0]: contains a line break"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"user_agent\": \"ua\\r\\nX-Inj: 1\"}", 400,
     "user_agent: contains a line break"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"profile\": \"nuclear\"}", 400, "profile:"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"gate\": {\"baseline\": {}}}", 400,
     "gate.baseline: needs scan_id or report"},
    {"{\"target\": \"http://127.0.0.1:1/\", \"target\": \"http://127.0.0.1:2/\"}", 400,
     "duplicate"},
  };
  struct resp rs;
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    http(&r, "POST", "/api/v1/scans", cases[i].body, TOKEN, &rs);
    if(rs.code != cases[i].code || !jget(&rs, "error") || !strstr(jget(&rs, "error"), cases[i].msg))
      fprintf(stderr, "  case %zu: %ld %s\n", i, rs.code, rs.body.data ? rs.body.data : "");
    ASSERT_EQ(rs.code, cases[i].code);
    ASSERT_CONTAINS(jget(&rs, "error"), cases[i].msg);
    ASSERT(rs.body.data && !strstr(rs.body.data, "/work/") && !strstr(rs.body.data, ".c:"));
    resp_free(&rs);
  }
  /* an include regex that does not compile */
  char body[256];
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d/\",\"scope\":{\"include\":[\"(\"]}}",
           tgt.port);
  http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
  ASSERT_EQ(rs.code, 400);
  ASSERT_CONTAINS(jget(&rs, "error"), "scope.include[0]: invalid regex");
  resp_free(&rs);
  /* a body over the limit (64 KiB here) */
  size_t big = 200 * 1024;
  char *huge = malloc(big + 64);
  snprintf(huge, 64, "{\"target\":\"http://127.0.0.1:%d/\",\"x\":\"", tgt.port);
  size_t l = strlen(huge);
  memset(huge + l, 'a', big);
  memcpy(huge + l + big, "\"}", 3);
  http(&r, "POST", "/api/v1/scans", huge, TOKEN, &rs);
  ASSERT_EQ(rs.code, 413);
  resp_free(&rs);
  free(huge);
  http(&r, "GET", "/api/v1/scans?limit=abc", NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 400);
  ASSERT_CONTAINS(jget(&rs, "error"), "limit");
  resp_free(&rs);
  http(&r, "GET", "/api/v1/scans/zzzz", NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 404);
  resp_free(&rs);
  http(&r, "PATCH", "/api/v1/scans", "{}", TOKEN, &rs);
  ASSERT(rs.code == 405 || rs.code == 501);
  resp_free(&rs);
  /* still serving */
  http(&r, "GET", "/healthz", NULL, NULL, &rs);
  ASSERT_EQ(rs.code, 200);
  resp_free(&rs);
  svc_stop(&r);
}

TEST(cancel_running_and_queued)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 1));
  char slow[24], queued[24], path[96];
  ASSERT_EQ(submit(&r, "/slow?ms=20000", NULL, slow), 202);
  ASSERT_EQ(submit(&r, "/slow?ms=20000", NULL, queued), 202);
  char *st = wait_status(&r, slow, "running", 5000);
  ASSERT_STREQ(st, "running");
  free(st);
  struct resp rs;
  snprintf(path, sizeof(path), "/api/v1/scans/%s", queued);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "status"), "queued");
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(rs.json, "progress"),
                                               "queue_position")),
            1);
  resp_free(&rs);
  /* live progress from the scan's counters (the stub counts as it goes) */
  snprintf(path, sizeof(path), "/api/v1/scans/%s", slow);
  long requests = 0;
  for(int i = 0; i < 150 && requests < 2; i++) {
    http(&r, "GET", path, NULL, TOKEN, &rs);
    requests = json_integer_value(json_object_get(json_object_get(rs.json, "progress"), "requests"));
    resp_free(&rs);
    if(requests < 2) usleep(20000);
  }
  ASSERT(requests >= 2);
  http(&r, "DELETE", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 409);
  resp_free(&rs);
  /* the queued one is cancelled at once and never runs */
  int started = atomic_load(&scans_started);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/cancel", queued);
  http(&r, "POST", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_STREQ(jget(&rs, "status"), "cancelled");
  resp_free(&rs);
  uint64_t t0 = dast_now_us();
  snprintf(path, sizeof(path), "/api/v1/scans/%s/cancel", slow);
  http(&r, "POST", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 202);
  resp_free(&rs);
  st = wait_status(&r, slow, "cancelled", 3000);
  ASSERT_STREQ(st, "cancelled");
  free(st);
  ASSERT_LE(dast_now_us() - t0, 1000000); /* within a second */
  usleep(100000);
  ASSERT_EQ(atomic_load(&scans_started), started);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", slow);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "incomplete");
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 2);
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/cancel", slow);
  http(&r, "POST", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 409);
  resp_free(&rs);
  /* delete once finished */
  snprintf(path, sizeof(path), "/api/v1/scans/%s", slow);
  http(&r, "DELETE", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 204);
  resp_free(&rs);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 404);
  resp_free(&rs);
  svc_stop(&r);
}

TEST(list_pagination_and_metrics)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 3));
  char id[24];
  for(int i = 0; i < 5; i++) ASSERT_EQ(submit(&r, i % 2 ? "/vuln" : "/ok", NULL, id), 202);
  char *st = wait_status(&r, id, "done", 5000);
  free(st);
  for(int waited = 0; waited < 5000; waited += 20) {
    struct resp rs;
    http(&r, "GET", "/api/v1/scans?status=done", NULL, TOKEN, &rs);
    long total = json_integer_value(json_object_get(rs.json, "total"));
    resp_free(&rs);
    if(total == 5) break;
    usleep(20000);
  }
  struct resp rs;
  http(&r, "GET", "/api/v1/scans?limit=2", NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_EQ(json_array_size(json_object_get(rs.json, "scans")), 2);
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "total")), 5);
  ASSERT_STREQ(jget(&rs, "next"), "/api/v1/scans?limit=2&offset=2");
  /* newest first: the last one submitted */
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(json_object_get(rs.json, "scans"),
                                                                0),
                                                 "id")),
               id);
  resp_free(&rs);
  http(&r, "GET", "/api/v1/scans?limit=2&offset=4", NULL, TOKEN, &rs);
  ASSERT_EQ(json_array_size(json_object_get(rs.json, "scans")), 1);
  ASSERT(!json_object_get(rs.json, "next"));
  resp_free(&rs);
  http(&r, "GET", "/api/v1/scans?status=done&target=%2Fvuln", NULL, TOKEN, &rs);
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "total")), 2);
  resp_free(&rs);
  http(&r, "GET", "/api/v1/scans?status=sleeping", NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 400);
  resp_free(&rs);
  http(&r, "GET", "/metrics", NULL, NULL, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_CONTAINS(rs.body.data, "dastgate_scans{state=\"done\"} 5\n");
  ASSERT_CONTAINS(rs.body.data, "dastgate_findings{severity=\"high\"} 2\n");
  ASSERT_CONTAINS(rs.body.data, "dastgate_queue_length 0\n");
  ASSERT_CONTAINS(rs.body.data, "dastgate_requests_sent_total 5\n");
  ASSERT_CONTAINS(rs.body.data, "# TYPE dastgate_requests_sent_total counter");
  resp_free(&rs);
  svc_stop(&r);
}

TEST(secrets_never_stored)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 1));
  char id[24];
  ASSERT_EQ(submit(&r, "/",
                   "\"auth\":{\"headers\":[\"Authorization: Bearer SEKRIT-4242\"],"
                   "\"cookies\":[\"sid=SEKRIT-C00K\"]}",
                   id),
            202);
  char *st = wait_status(&r, id, "done", 5000);
  ASSERT_STREQ(st, "done");
  free(st);
  pthread_mutex_lock(&last_mu);
  ASSERT_STREQ(last_header, "Authorization: Bearer SEKRIT-4242"); /* the scan had it */
  pthread_mutex_unlock(&last_mu);
  struct resp rs;
  char path[96];
  snprintf(path, sizeof(path), "/api/v1/scans/%s", id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT(!strstr(rs.body.data, "SEKRIT"));
  ASSERT(json_is_true(json_object_get(rs.json, "auth_redacted")));
  resp_free(&rs);
  svc_stop(&r);
  /* no trace in the database files either */
  const char *suffix[] = {"", "-wal"};
  for(int i = 0; i < 2; i++) {
    char p[128];
    snprintf(p, sizeof(p), "%s%s", r.db, suffix[i]);
    FILE *f = fopen(p, "rb");
    if(!f) continue;
    struct dast_buf b;
    dast_buf_init(&b, 0);
    char chunk[4096];
    size_t n;
    while((n = fread(chunk, 1, sizeof(chunk), f)) > 0) ASSERT_EQ(dast_buf_add(&b, chunk, n), 0);
    fclose(f);
    ASSERT(!dast_memmem(b.data, b.len, "SEKRIT", 6));
    dast_buf_free(&b);
  }
}

TEST(gate_inputs_checked_at_submit)
{
  struct svc_run r = {0};
  ASSERT(svc_start(&r, 2));
  struct {
    const char *gate, *msg;
  } cases[] = {
    {"{\"fail_on\":\"extreme\"}", "gate.fail_on"},
    {"{\"exit_code_fail\":200}", "gate.exit_code_fail"},
    {"{\"suppressions\":[{\"fingerprint\":\"x\"}]}", "gate.suppressions"},
    {"{\"policy\":\"this is { not json\"}", "gate.policy"},
    {"{\"baseline\":{\"scan_id\":\"0123456789abcdef\"}}", "gate.baseline.scan_id"},
    {"{\"baseline\":{\"report\":{\"findings\":7}}}", "gate.baseline"},
  };
  char body[512];
  struct resp rs;
  int started = atomic_load(&scans_started);
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d/\",\"gate\":%s}", tgt.port,
             cases[i].gate);
    http(&r, "POST", "/api/v1/scans", body, TOKEN, &rs);
    if(rs.code != 400 || !jget(&rs, "error") || !strstr(jget(&rs, "error"), cases[i].msg))
      fprintf(stderr, "  case %zu: %ld %s\n", i, rs.code, rs.body.data ? rs.body.data : "");
    ASSERT_EQ(rs.code, 400);
    ASSERT_CONTAINS(jget(&rs, "error"), cases[i].msg);
    ASSERT(rs.body.data && !strstr(rs.body.data, "/tmp/"));
    resp_free(&rs);
  }
  usleep(50000);
  ASSERT_EQ(atomic_load(&scans_started), started);

  /* a baseline by scan id: the same finding again is "existing" and, with
   * fail_on_new_only, passes; the baseline is resolved at submission */
  char base[24], next[24], path[96];
  ASSERT_EQ(submit(&r, "/vuln", NULL, base), 202);
  char *st = wait_status(&r, base, "done", 5000);
  ASSERT_STREQ(st, "done");
  free(st);
  snprintf(body, sizeof(body), "\"gate\":{\"fail_on_new_only\":true,\"baseline\":{\"scan_id\":\"%s\"}}",
           base);
  ASSERT_EQ(submit(&r, "/vuln?again", body, next), 202);
  snprintf(path, sizeof(path), "/api/v1/scans/%s", base);
  http(&r, "DELETE", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 204);
  resp_free(&rs);
  st = wait_status(&r, next, "done", 5000);
  ASSERT_STREQ(st, "done");
  free(st);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", next);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "pass");
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 0);
  resp_free(&rs);
  /* without the baseline the same scan fails */
  ASSERT_EQ(submit(&r, "/vuln", NULL, next), 202);
  st = wait_status(&r, next, "done", 5000);
  free(st);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", next);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "fail");
  resp_free(&rs);
  svc_stop(&r);
}

TEST(max_scan_time_caps_every_scan)
{
  struct svc_run r = {0};
  opt_max_scan_time = 30;
  bool ok = svc_start(&r, 1);
  opt_max_scan_time = 0;
  ASSERT(ok);
  char id[24];
  ASSERT_EQ(submit(&r, "/", "\"limits\":{\"max_time\":1000}", id), 202);
  char *st = wait_status(&r, id, "done", 5000);
  free(st);
  ASSERT(atomic_load(&last_max_time) == 30);
  ASSERT_EQ(submit(&r, "/", "\"limits\":{\"max_time\":5}", id), 202);
  st = wait_status(&r, id, "done", 5000);
  free(st);
  ASSERT(atomic_load(&last_max_time) == 5);
  ASSERT_EQ(submit(&r, "/", NULL, id), 202); /* no budget asked: the cap applies */
  st = wait_status(&r, id, "done", 5000);
  free(st);
  ASSERT(atomic_load(&last_max_time) == 30);
  svc_stop(&r);
}

TEST(one_service_per_database)
{
  struct svc_run r = {0}, r2 = {0};
  char db[96];
  fresh_db(db, sizeof(db), "lock");
  snprintf(allow_re, sizeof(allow_re), "^http://127\\.0\\.0\\.1:%d/", tgt.port);
  ASSERT_EQ(svc_start_opts(&r, 1, false, db), DAST_OK);
  dast_err second = svc_start_opts(&r2, 1, false, db); /* prints why */
  if(!second) svc_stop(&r2);
  svc_stop(&r);
  ASSERT_EQ(second, DAST_EINVAL);
  /* released on stop (and by the kernel on a crash) */
  ASSERT_EQ(svc_start_opts(&r, 1, false, db), DAST_OK);
  svc_stop(&r);
  char lock[128];
  snprintf(lock, sizeof(lock), "%s.lock", db);
  unlink(lock);
}

TEST(refuses_to_start_without_token_or_allowlist)
{
  struct dast_service *svc = NULL;
  char err[256];
  const char *allow[] = {"^http://127\\.0\\.0\\.1:", NULL};
  struct dast_service_opts o = {0};
  o.listen = "127.0.0.1:0";
  o.db_path = "/tmp/dast-test-svc-refuse.db";
  o.allow_targets = allow;
  ASSERT(dast_service_new(&o, &svc, err, sizeof(err)) == DAST_EINVAL);
  ASSERT_CONTAINS(err, "token");
  o.insecure_no_auth = true;
  o.listen = "0.0.0.0:0";
  ASSERT(dast_service_new(&o, &svc, err, sizeof(err)) == DAST_EINVAL);
  ASSERT_CONTAINS(err, "loopback");
  o.listen = "127.0.0.1:0";
  o.allow_targets = NULL;
  ASSERT(dast_service_new(&o, &svc, err, sizeof(err)) == DAST_EINVAL);
  ASSERT_CONTAINS(err, "--allow-target");
  const char *badre[] = {"(", NULL};
  o.allow_targets = badre;
  ASSERT(dast_service_new(&o, &svc, err, sizeof(err)) == DAST_EINVAL);
  o.allow_targets = allow;
  o.run_scan = stub_scan;
  ASSERT_EQ(dast_service_new(&o, &svc, err, sizeof(err)), DAST_OK);
  dast_service_free(svc);
  unlink("/tmp/dast-test-svc-refuse.db");
  unlink("/tmp/dast-test-svc-refuse.db-wal");
  unlink("/tmp/dast-test-svc-refuse.db-shm");
  unlink("/tmp/dast-test-svc-refuse.db.lock");
}

/* The child: a service on the given DB; writes its port to `fd` and serves
 * until killed. */
static void crash_child(int fd, const char *db)
{
  struct svc_run r = {0};
  if(svc_start_opts(&r, 2, false, db)) _exit(1);
  if(write(fd, &r.port, sizeof(r.port)) != (ssize_t)sizeof(r.port)) _exit(1);
  close(fd);
  for(;;) pause();
}

TEST(crash_safety_sigkill_mid_scan)
{
  char db[96];
  fresh_db(db, sizeof(db), "crash");
  snprintf(allow_re, sizeof(allow_re), "^http://127\\.0\\.0\\.1:%d/", tgt.port);
  int pfd[2];
  ASSERT_EQ(pipe(pfd), 0);
  pid_t pid = fork();
  ASSERT(pid >= 0);
  if(pid == 0) {
    close(pfd[0]);
    crash_child(pfd[1], db);
  }
  close(pfd[1]);
  struct svc_run r = {0};
  char done_id[24] = "", slow_id[24] = "", queued_id[24] = "";
  bool ok = read(pfd[0], &r.port, sizeof(r.port)) == (ssize_t)sizeof(r.port);
  close(pfd[0]);
  char *st = NULL, *st2 = NULL;
  if(ok && submit(&r, "/vuln", NULL, done_id) == 202) st = wait_status(&r, done_id, "done", 5000);
  ok = ok && st && !strcmp(st, "done");
  free(st);
  st = NULL;
  ok = ok && submit(&r, "/slow?ms=60000", NULL, slow_id) == 202 &&
       submit(&r, "/slow?ms=60000", NULL, queued_id) == 202;
  if(ok) {
    st = wait_status(&r, slow_id, "running", 5000);
    st2 = wait_status(&r, queued_id, "running", 5000);
  }
  ok = ok && st && !strcmp(st, "running") && st2 && !strcmp(st2, "running") &&
       wait_requests(&r, slow_id, 2, 5000) && wait_requests(&r, queued_id, 2, 5000);
  free(st);
  free(st2);
  kill(pid, SIGKILL); /* always, even when a step above failed */
  int status;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT(WIFSIGNALED(status));
  ASSERT(ok);

  /* the database file is sound */
  struct dast_store *s;
  char err[256];
  ASSERT_EQ(dast_store_open(db, &s, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(dast_store_integrity_check(s, err, sizeof(err)), DAST_OK);
  dast_store_close(s);

  /* restart: the finished scan and its report are intact, the running ones
   * are interrupted */
  ASSERT_EQ(svc_start_opts(&r, 1, false, db), DAST_OK);
  struct resp rs;
  char path[96];
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", done_id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "fail");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/report", done_id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_EQ(rs.code, 200);
  ASSERT_CONTAINS(rs.body.data, "sqli-error");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s", slow_id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "status"), "interrupted");
  resp_free(&rs);
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", slow_id);
  http(&r, "GET", path, NULL, TOKEN, &rs);
  ASSERT_STREQ(jget(&rs, "verdict"), "incomplete");
  ASSERT_EQ(json_integer_value(json_object_get(rs.json, "exit_code")), 2);
  resp_free(&rs);
  svc_stop(&r);

  /* --requeue-interrupted runs them again */
  int started = atomic_load(&scans_started);
  ASSERT_EQ(svc_start_opts(&r, 2, true, db), DAST_OK);
  st = wait_status(&r, slow_id, "running", 5000);
  for(int i = 0; i < 250 && atomic_load(&scans_started) <= started; i++) usleep(20000);
  bool rerun = atomic_load(&scans_started) > started;
  svc_stop(&r); /* a clean stop interrupts them again, keeping their partial report */
  ASSERT_STREQ(st, "running");
  free(st);
  ASSERT(rerun);
  ASSERT_EQ(dast_store_open(db, &s, err, sizeof(err)), DAST_OK);
  json_t *scan;
  ASSERT_EQ(dast_store_scan_get(s, slow_id, &scan), DAST_OK);
  ASSERT_STREQ(json_string_value(json_object_get(scan, "status")), "interrupted");
  json_decref(scan);
  ASSERT_EQ(dast_store_integrity_check(s, err, sizeof(err)), DAST_OK);
  dast_store_close(s);
}

TEST(teardown)
{
  const char *tags[] = {"api", "anchor", "crash", "lock"};
  for(size_t i = 0; i < 4; i++) {
    char db[96];
    fresh_db(db, sizeof(db), tags[i]); /* removes the files */
  }
  target_stop(&tgt);
  target_stop(&outside);
  curl_global_cleanup();
}

RUN_TESTS()
