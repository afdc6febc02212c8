/* test_service_submit.c — `dastgate submit` against an in-process service on
 * 127.0.0.1, and the config <-> API JSON mapping both sides share.  The
 * service runs a deterministic scan function (same idea as test_service.c):
 * one real request to a tiny evhttp target, then a real dastgate/1 report
 * gated by the real gate (reports/gate.h) with the options that crossed the
 * wire, so exit codes, --exit-code-fail and suppression files are checked
 * end to end. */
#include <curl/curl.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reports/gate.h"
#include "reports/report.h"
#include "scanner/engine/types.h"
#include "scanner/serve.h"
#include "scanner/submit.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

#define TOKEN "submit-token-abcdef0123456789"

/* ---------- target ---------- */

static struct event_base *tbase;
static struct evhttp *thttp;
static struct event *tstop;
static pthread_t tth;
static int tport;
static atomic_int thits;

static void target_cb(struct evhttp_request *req, void *ud)
{
  (void)ud;
  atomic_fetch_add(&thits, 1);
  struct evbuffer *b = evbuffer_new();
  evbuffer_add_printf(b, "<html><body>shop</body></html>");
  evhttp_send_reply(req, 200, "OK", b);
  evbuffer_free(b);
}

static void tstop_cb(evutil_socket_t fd, short w, void *ud)
{
  (void)fd;
  (void)w;
  (void)ud;
  event_base_loopbreak(tbase);
}

static void *tmain(void *ud)
{
  (void)ud;
  event_base_dispatch(tbase);
  return NULL;
}

/* ---------- the injected scan ---------- */

static int stub_scan(const struct dast_config *cfg, struct dast_scan_ctl *ctl, json_t **report,
                     char *errbuf, size_t errlen)
{
  *report = NULL;
  if(strstr(cfg->target, "down")) {
    snprintf(errbuf, errlen, "target unreachable");
    return 2;
  }
  bool reached = dast_test_reach(cfg->target);
  if(!reached) {
    snprintf(errbuf, errlen, "target unreachable");
    return 2;
  }
  atomic_store(&ctl->requests, 1);
  return dast_test_stub_report(cfg, false, report, errbuf, errlen);
}

/* ---------- service ---------- */

static struct dast_service *svc;
static pthread_t sth;
static char server[64], tokfile[64], dbfile[64], allow[96];

static void *smain(void *ud)
{
  dast_service_run(ud);
  return NULL;
}

static char *tmpname(const char *tag)
{
  return dast_aprintf("/tmp/dast-test-submit-%d-%s", (int)getpid(), tag);
}

/* Runs `dastgate submit` with the common flags plus the given ones. */
static int submit(const char *const *args)
{
  char *argv[40];
  int n = 0;
  const char *common[] = {"submit", "--server", server, "--token-file", tokfile,
                          "--poll-interval", "0.05", NULL};
  for(size_t i = 0; common[i]; i++) argv[n++] = (char *)common[i];
  for(size_t i = 0; args[i] && n < 39; i++) argv[n++] = (char *)args[i];
  argv[n] = NULL;
  return dast_submit_main(n, argv);
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if(!f) return NULL;
  struct dast_buf b;
  dast_buf_init(&b, 0);
  char chunk[4096];
  size_t n;
  while((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
    if(dast_buf_add(&b, chunk, n)) break;
  fclose(f);
  return dast_buf_take(&b, NULL);
}

static void spit(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if(!f) return;
  fputs(text, f);
  fclose(f);
}

TEST(setup)
{
  signal(SIGPIPE, SIG_IGN);
  ASSERT_EQ(evthread_use_pthreads(), 0);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  tbase = event_base_new();
  thttp = evhttp_new(tbase);
  struct evhttp_bound_socket *s = evhttp_bind_socket_with_handle(thttp, "127.0.0.1", 0);
  ASSERT(s);
  struct sockaddr_in sin;
  socklen_t sl = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(s), (struct sockaddr *)&sin, &sl);
  tport = ntohs(sin.sin_port);
  evhttp_set_gencb(thttp, target_cb, NULL);
  tstop = event_new(tbase, -1, 0, tstop_cb, NULL);
  pthread_create(&tth, NULL, tmain, NULL);

  char *p = tmpname("token");
  snprintf(tokfile, sizeof(tokfile), "%s", p);
  free(p);
  spit(tokfile, TOKEN "\n");
  p = tmpname("db");
  snprintf(dbfile, sizeof(dbfile), "%s", p);
  free(p);
  unlink(dbfile);
  snprintf(allow, sizeof(allow), "^http://127\\.0\\.0\\.1:%d/", tport);
  const char *allowv[] = {allow, NULL};
  struct dast_service_opts o = {0};
  o.listen = "127.0.0.1:0";
  o.db_path = dbfile;
  o.token = TOKEN;
  o.allow_targets = allowv;
  o.max_parallel = 2;
  o.run_scan = stub_scan;
  char err[256];
  ASSERT_EQ(dast_service_new(&o, &svc, err, sizeof(err)), DAST_OK);
  snprintf(server, sizeof(server), "http://127.0.0.1:%d/", dast_service_port(svc));
  pthread_create(&sth, NULL, smain, svc);
}

TEST(config_round_trip)
{
  struct dast_config a, b;
  dast_config_init(&a);
  dast_config_init(&b);
  dast_set_str(&a.target, "http://127.0.0.1:8080/shop");
  dast_strlist_add(&a.extra_seeds, "http://127.0.0.1:8080/api");
  dast_strlist_add(&a.headers, "Authorization: Bearer abc");
  dast_strlist_add(&a.cookies, "sid=1");
  dast_strlist_add(&a.exclude, "/logout");
  dast_strlist_add(&a.checks, "xss");
  dast_set_str(&a.login_url, "http://127.0.0.1:8080/login");
  dast_set_str(&a.login_data, "user=a&pass=b");
  a.profile = DAST_PROFILE_FULL;
  a.concurrency = 3;
  a.rate = 12.5;
  a.max_time = 90;
  a.max_requests = 1234;
  a.body_cap = 65536;
  a.seed = 18446744073709551615ull;
  a.seed_set = true;
  a.wait_ready = 30;
  a.exit_code_fail = 9;
  a.min_coverage = 4;
  dast_set_str(&a.fail_on, "medium:firm");
  a.http2 = false;
  json_t *j;
  char err[256];
  ASSERT_EQ(dast_config_to_api_json(&a, &j, err, sizeof(err)), DAST_OK);
  struct dast_api_files files;
  ASSERT_EQ(dast_config_from_api_json(j, &b, &files, err, sizeof(err)), DAST_OK);
  ASSERT_STREQ(b.target, a.target);
  ASSERT_STREQ(b.extra_seeds.v[0], "http://127.0.0.1:8080/api");
  ASSERT_STREQ(b.headers.v[0], "Authorization: Bearer abc");
  ASSERT_STREQ(b.cookies.v[0], "sid=1");
  ASSERT_STREQ(b.exclude.v[0], "/logout");
  ASSERT_STREQ(b.checks.v[0], "xss");
  ASSERT_STREQ(b.login_data, "user=a&pass=b");
  ASSERT_EQ(b.profile, DAST_PROFILE_FULL);
  ASSERT_EQ(b.concurrency, 3);
  ASSERT(b.rate == 12.5 && b.max_time == 90 && b.wait_ready == 30 && b.min_coverage == 4);
  ASSERT_EQ(b.max_requests, 1234);
  ASSERT_EQ(b.body_cap, 65536);
  ASSERT(b.seed_set && b.seed == a.seed);
  ASSERT_EQ(b.exit_code_fail, 9);
  ASSERT_STREQ(b.fail_on, "medium:firm");
  ASSERT(!b.http2);
  ASSERT_EQ(b.timeout_ms, a.timeout_ms);
  /* what the store keeps has no secret left */
  bool secrets;
  json_t *red = dast_api_json_redact(j, &secrets);
  ASSERT(secrets);
  char *txt = json_dumps(red, 0);
  ASSERT(!strstr(txt, "Bearer abc") && !strstr(txt, "pass=b") && !strstr(txt, "sid=1"));
  free(txt);
  json_decref(red);
  json_decref(j);
  /* options that would act on the server's files or network are refused */
  dast_set_str(&a.proxy, "http://127.0.0.1:3128");
  ASSERT_EQ(dast_config_to_api_json(&a, &j, err, sizeof(err)), DAST_EINVAL);
  ASSERT_CONTAINS(err, "--proxy");
  free(a.proxy);
  a.proxy = NULL;
  dast_set_str(&a.openapi, "/etc/passwd");
  ASSERT_EQ(dast_config_to_api_json(&a, &j, err, sizeof(err)), DAST_EINVAL);
  ASSERT_CONTAINS(err, "--openapi");
  dast_config_free(&a);
  dast_config_free(&b);
}

TEST(submit_wait_fail_writes_reports)
{
  char *json = tmpname("r.json"), *junit = tmpname("r.xml"), *sarif = tmpname("r.sarif");
  char target[96];
  snprintf(target, sizeof(target), "http://127.0.0.1:%d/vuln", tport);
  const char *args[] = {"--wait", "--json", json, "--junit", junit, "--sarif", sarif, target,
                        NULL};
  int hits = atomic_load(&thits);
  ASSERT_EQ(submit(args), 1);
  ASSERT(atomic_load(&thits) > hits);
  char *j = slurp(json), *x = slurp(junit), *s = slurp(sarif);
  ASSERT(j && x && s);
  ASSERT_CONTAINS(j, "sqli-error");
  ASSERT_CONTAINS(j, "\"verdict\"");
  ASSERT_CONTAINS(x, "<testsuite");
  ASSERT_CONTAINS(s, "2.1.0");
  free(j);
  free(x);
  free(s);
  unlink(json);
  unlink(junit);
  unlink(sarif);
  free(json);
  free(junit);
  free(sarif);
}

TEST(submit_exit_codes)
{
  char clean[96], vuln[96], down[96], outside[96];
  snprintf(clean, sizeof(clean), "http://127.0.0.1:%d/clean", tport);
  snprintf(vuln, sizeof(vuln), "http://127.0.0.1:%d/vuln", tport);
  snprintf(down, sizeof(down), "http://127.0.0.1:%d/down", tport);
  snprintf(outside, sizeof(outside), "http://127.0.0.1:%d/", tport + 1);
  const char *pass[] = {"--wait", clean, NULL};
  ASSERT_EQ(submit(pass), 0);
  const char *remap[] = {"--wait", "--exit-code-fail", "42", vuln, NULL};
  ASSERT_EQ(submit(remap), 42);
  const char *lenient[] = {"--wait", "--fail-on", "critical", vuln, NULL};
  ASSERT_EQ(submit(lenient), 0);
  const char *failed[] = {"--wait", down, NULL};
  ASSERT_EQ(submit(failed), 2);
  const char *refused[] = {"--wait", outside, NULL};
  ASSERT_EQ(submit(refused), 3);
  const char *nowait[] = {clean, NULL};
  ASSERT_EQ(submit(nowait), 0);
  const char *usage[] = {"--wait", NULL};
  ASSERT_EQ(submit(usage), 3);
  const char *badpoll[] = {"--poll-interval", "-1", clean, NULL};
  ASSERT_EQ(submit(badpoll), 3);
  /* wrong token */
  char *bad = tmpname("badtoken");
  spit(bad, "nope\n");
  char *argv[] = {"submit", "--server", server, "--token-file", bad, "--wait", clean, NULL};
  ASSERT_EQ(dast_submit_main(7, argv), 3);
  unlink(bad);
  free(bad);
  /* nothing listening */
  char *argv2[] = {"submit", "--server", "http://127.0.0.1:1", "--token-file", tokfile, "--wait",
                   clean, NULL};
  ASSERT_EQ(dast_submit_main(7, argv2), 2);
}

TEST(submit_suppressions_file_travels)
{
  char vuln[96];
  snprintf(vuln, sizeof(vuln), "http://127.0.0.1:%d/vuln", tport);
  struct dast_finding *f = dast_test_sqli_finding(vuln);
  char *sup = tmpname("sup.json");
  char *text = dast_aprintf("[{\"fingerprint\":\"%s\",\"reason\":\"accepted risk in test\","
                            "\"expires\":\"2999-01-01\"}]",
                            f->fingerprint);
  spit(sup, text);
  free(text);
  dast_finding_free(f);
  const char *args[] = {"--wait", "--suppressions", sup, vuln, NULL};
  ASSERT_EQ(submit(args), 0);
  /* an expired suppression counts again */
  f = dast_test_sqli_finding(vuln);
  text = dast_aprintf("[{\"fingerprint\":\"%s\",\"reason\":\"old\",\"expires\":\"2001-01-01\"}]",
                      f->fingerprint);
  spit(sup, text);
  free(text);
  dast_finding_free(f);
  ASSERT_EQ(submit(args), 1);
  /* a malformed one is the scan's configuration error, told without paths */
  spit(sup, "[{\"fingerprint\":\"x\"}]");
  ASSERT_EQ(submit(args), 3);
  unlink(sup);
  free(sup);
}

TEST(teardown)
{
  dast_service_stop(svc);
  pthread_join(sth, NULL);
  dast_service_free(svc);
  event_active(tstop, 0, 0);
  pthread_join(tth, NULL);
  event_free(tstop);
  evhttp_free(thttp);
  event_base_free(tbase);
  unlink(tokfile);
  char p[96];
  const char *sfx[] = {"", "-wal", "-shm", ".lock"};
  for(int i = 0; i < 4; i++) {
    snprintf(p, sizeof(p), "%s%s", dbfile, sfx[i]);
    unlink(p);
  }
  curl_global_cleanup();
}

RUN_TESTS()
