/* test_service_engine.c — the service with the real scan (dast_scan_run and
 * the real engine), proving from the servers' side that it is not an open
 * proxy: a target inside the allowlist that redirects to a path outside it on
 * the same server, or to another origin, never gets a request through, even
 * when the scan request's own include pattern is ".*"; and a target that
 * never answers stalls neither the API nor the other scans, and its scan
 * stops within a second of a cancel. */
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/serve.h"
#include "tests/unit/harness.h"

#define TOKEN "engine-token-0123456789abcdef"

struct srv {
  struct event_base *base;
  struct evhttp *http;
  struct event *stop;
  pthread_t th;
  int port;
  atomic_int hits, private_hits, hang_hits;
  char redirect_to[128];
};

static void srv_cb(struct evhttp_request *req, void *ud)
{
  struct srv *s = ud;
  atomic_fetch_add(&s->hits, 1);
  const char *uri = evhttp_request_get_uri(req);
  if(!strncmp(uri, "/app/hang", 9)) {
    atomic_fetch_add(&s->hang_hits, 1);
    return; /* never answers; evhttp frees the request with its connection */
  }
  struct evbuffer *b = evbuffer_new();
  const char *to = !strncmp(uri, "/app/start", 10) ? "/private/stolen"
                   : !strncmp(uri, "/app/away", 9) ? s->redirect_to : NULL;
  if(!strncmp(uri, "/private", 8)) atomic_fetch_add(&s->private_hits, 1);
  if(to) {
    evhttp_add_header(evhttp_request_get_output_headers(req), "Location", to);
    evbuffer_add_printf(b, "<a href=\"%s\">moved</a>", to);
    evhttp_send_reply(req, 302, "Found", b);
  } else {
    evbuffer_add_printf(b, "<html><body>outside</body></html>");
    evhttp_send_reply(req, 200, "OK", b);
  }
  evbuffer_free(b);
}

static void srv_stop_cb(evutil_socket_t fd, short w, void *ud)
{
  (void)fd;
  (void)w;
  event_base_loopbreak(((struct srv *)ud)->base);
}

static void *srv_main(void *ud)
{
  event_base_dispatch(((struct srv *)ud)->base);
  return NULL;
}

static void srv_start(struct srv *s)
{
  s->base = event_base_new();
  s->http = evhttp_new(s->base);
  struct evhttp_bound_socket *b = evhttp_bind_socket_with_handle(s->http, "127.0.0.1", 0);
  struct sockaddr_in sin;
  socklen_t sl = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(b), (struct sockaddr *)&sin, &sl);
  s->port = ntohs(sin.sin_port);
  evhttp_set_gencb(s->http, srv_cb, s);
  s->stop = event_new(s->base, -1, 0, srv_stop_cb, s);
  pthread_create(&s->th, NULL, srv_main, s);
}

static void srv_stop(struct srv *s)
{
  event_active(s->stop, 0, 0);
  pthread_join(s->th, NULL);
  event_free(s->stop);
  evhttp_free(s->http);
  event_base_free(s->base);
}

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
  return dast_buf_add(ud, p, sz * n) ? 0 : sz * n;
}

static long http(int port, const char *method, const char *path, const char *body, json_t **out)
{
  char url[256];
  snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
  struct dast_buf b;
  dast_buf_init(&b, 1u << 20);
  CURL *c = curl_easy_init();
  struct curl_slist *h = curl_slist_append(NULL, "Authorization: Bearer " TOKEN);
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
  if(body) curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
  long code = -1;
  if(curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(h);
  curl_easy_cleanup(c);
  *out = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
  dast_buf_free(&b);
  return code;
}

static void *svc_main(void *ud)
{
  dast_service_run(ud);
  return NULL;
}

static struct srv inside, outside;
static struct dast_service *svc;
static pthread_t svc_th;
static int port;
static char db[96];

TEST(setup)
{
  signal(SIGPIPE, SIG_IGN);
  ASSERT_EQ(evthread_use_pthreads(), 0);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  srv_start(&outside);
  srv_start(&inside);
  snprintf(inside.redirect_to, sizeof(inside.redirect_to), "http://127.0.0.1:%d/stolen",
           outside.port);
  char allow[96];
  snprintf(allow, sizeof(allow), "^http://127\\.0\\.0\\.1:%d/app/", inside.port);
  snprintf(db, sizeof(db), "/tmp/dast-test-svc-engine-%d.db", (int)getpid());
  unlink(db);
  const char *allowv[] = {allow, NULL};
  struct dast_service_opts o = {0};
  o.listen = "127.0.0.1:0";
  o.db_path = db;
  o.token = TOKEN;
  o.allow_targets = allowv;
  o.max_parallel = 2; /* run_scan NULL: the real dast_scan_run */
  char err[256];
  ASSERT_EQ(dast_service_new(&o, &svc, err, sizeof(err)), DAST_OK);
  pthread_create(&svc_th, NULL, svc_main, svc);
  port = dast_service_port(svc);
}

/* Submits; returns the id (static buffer per call site). */
static bool submit_scan(const char *path, const char *extra, char id[24])
{
  char body[512];
  snprintf(body, sizeof(body), "{\"target\":\"http://127.0.0.1:%d%s\"%s}", inside.port, path,
           extra ? extra : "");
  json_t *j;
  long code = http(port, "POST", "/api/v1/scans", body, &j);
  const char *sid = json_string_value(json_object_get(j, "id"));
  snprintf(id, 24, "%s", sid ? sid : "");
  json_decref(j);
  return code == 202 && sid;
}

/* The scan's status (owned), or NULL. */
static char *status_of(const char *id)
{
  char path[96];
  snprintf(path, sizeof(path), "/api/v1/scans/%s", id);
  json_t *j;
  if(http(port, "GET", path, NULL, &j) != 200) {
    json_decref(j);
    return NULL;
  }
  const char *st = json_string_value(json_object_get(j, "status"));
  char *out = st ? dast_strdup(st) : NULL;
  json_decref(j);
  return out;
}

static bool final(const char *st)
{
  return st && strcmp(st, "queued") && strcmp(st, "running");
}

TEST(redirects_outside_the_allowlist_never_leave)
{
  /* same origin but outside the allowed path, then another origin; the
   * request's own include pattern is wide open */
  const char *starts[] = {"/app/start", "/app/away"};
  for(size_t k = 0; k < 2; k++) {
    char id[24];
    ASSERT(submit_scan(starts[k],
                       ",\"scope\":{\"include\":[\".*\"]},"
                       "\"limits\":{\"max_time\":10,\"timeout_ms\":2000,\"retries\":0}",
                       id));
    bool done = false;
    for(int i = 0; i < 750 && !done; i++) {
      char *st = status_of(id);
      done = final(st);
      free(st);
      if(!done) usleep(20000);
    }
    ASSERT(done);
  }
  ASSERT(atomic_load(&inside.hits) >= 2); /* the real engine did run */
  usleep(200000);
  ASSERT_EQ(atomic_load(&inside.private_hits), 0);
  ASSERT_EQ(atomic_load(&outside.hits), 0);
}

TEST(hung_target_stalls_neither_the_api_nor_other_scans)
{
  char hung[24], fast[24];
  ASSERT(submit_scan("/app/hang", ",\"profile\":\"passive\",\"limits\":{\"max_time\":60,"
                                  "\"timeout_ms\":60000,\"retries\":0}",
                     hung));
  for(int i = 0; i < 250 && !atomic_load(&inside.hang_hits); i++) usleep(20000);
  ASSERT(atomic_load(&inside.hang_hits) >= 1); /* the scan is stuck on it now */
  /* another scan runs to the end meanwhile */
  ASSERT(submit_scan("/app/fast", ",\"profile\":\"passive\",\"limits\":{\"max_time\":30}", fast));
  char *st = NULL;
  for(int i = 0; i < 1500 && !final(st); i++) {
    free(st);
    usleep(20000);
    st = status_of(fast);
  }
  ASSERT(final(st));
  free(st);
  /* the API answers promptly all along */
  uint64_t worst = 0;
  for(int i = 0; i < 20; i++) {
    uint64_t t0 = dast_now_us();
    char *s2 = status_of(hung);
    uint64_t dt = dast_now_us() - t0;
    if(dt > worst) worst = dt;
    ASSERT_STREQ(s2, "running");
    free(s2);
  }
  ASSERT_LE(worst, 500000);
  /* and a cancel stops the stuck scan within a second */
  char path[96];
  snprintf(path, sizeof(path), "/api/v1/scans/%s/cancel", hung);
  json_t *j;
  uint64_t t0 = dast_now_us();
  ASSERT_EQ(http(port, "POST", path, "", &j), 202);
  json_decref(j);
  st = NULL;
  while(dast_now_us() - t0 < 3000000 && !final(st)) {
    free(st);
    usleep(20000);
    st = status_of(hung);
  }
  uint64_t took = dast_now_us() - t0;
  ASSERT_STREQ(st, "cancelled");
  free(st);
  ASSERT_LE(took, 1000000);
}

TEST(teardown)
{
  dast_service_stop(svc);
  pthread_join(svc_th, NULL);
  dast_service_free(svc);
  srv_stop(&inside);
  srv_stop(&outside);
  char p[128];
  const char *sfx[] = {"", "-wal", "-shm", ".lock"};
  for(int i = 0; i < 4; i++) {
    snprintf(p, sizeof(p), "%s%s", db, sfx[i]);
    unlink(p);
  }
  curl_global_cleanup();
}

RUN_TESTS()
