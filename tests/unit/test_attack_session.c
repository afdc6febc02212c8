/* test_attack_session.c — the attack keeps its login (payloads/session.c).
 *
 * A tiny evhttp app on 127.0.0.1:0, on the engine's own event_base: a login
 * form that sets a session cookie (sid), /account?q= that is only served
 * logged in, echoes q raw (a reflected XSS nobody logged out can see) and
 * pastes it into "SQL" (a quote shows a MySQL syntax error), and
 * /prefs?theme= whose handler drops the session on some inputs (a quote,
 * or — in the hostile variant — anything but the crawled value).
 * The crawler logs in and maps the app; the attack, wired to the crawler's
 * session functions as scanner/scan.c does, must log in again, still find
 * the injections confirmed, never report a logged-out answer, and never log
 * in more often than its bound. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/crawl.h"
#include "payloads/attack.h"
#include "tests/unit/harness.h"

struct app {
  struct evhttp *http;
  int port;
  char sid[32];        /* the valid session id, "" when logged out */
  unsigned next_sid;
  int logins;          /* successful login POSTs */
  int drops;           /* sessions dropped by /prefs */
  int account_out;     /* /account requests answered "please log in" */
  bool hostile;        /* /prefs drops the session on any changed value */
  int max_drops;       /* otherwise on a quote, this many times (0: always) */
};

static void reply(struct evhttp_request *req, int code, const char *body)
{
  struct evbuffer *b = evbuffer_new();
  evbuffer_add(b, body, strlen(body));
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/html");
  evhttp_send_reply(req, code, code == 302 ? "Found" : "OK", b);
  evbuffer_free(b);
}

static void to_login(struct evhttp_request *req)
{
  evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/login");
  reply(req, 302, "log in first");
}

static bool logged_in(struct app *a, struct evhttp_request *req)
{
  const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
  if(!c || !a->sid[0]) return false;
  char want[48];
  snprintf(want, sizeof(want), "sid=%s", a->sid);
  const char *p = strstr(c, want);
  return p && (p == c || p[-1] == ' ' || p[-1] == ';') && (p[strlen(want)] == '\0' ||
                                                           p[strlen(want)] == ';');
}

/* The decoded value of query parameter `name` (owned), or NULL. */
static char *query_param(struct evhttp_request *req, const char *name)
{
  const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
  struct evkeyvalq kv;
  if(!q || evhttp_parse_query_str(q, &kv)) return NULL;
  const char *v = evhttp_find_header(&kv, name);
  char *out = v ? strdup(v) : NULL;
  evhttp_clear_headers(&kv);
  return out;
}

static void on_request(struct evhttp_request *req, void *ud)
{
  struct app *a = ud;
  const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
  if(!path) path = "/";
  if(!strcmp(path, "/login")) {
    if(evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
      struct evbuffer *in = evhttp_request_get_input_buffer(req);
      size_t n = evbuffer_get_length(in);
      char body[256] = "";
      evbuffer_copyout(in, body, n < sizeof(body) - 1 ? n : sizeof(body) - 1);
      if(strstr(body, "user=alice") && strstr(body, "pass=s3cret")) {
        snprintf(a->sid, sizeof(a->sid), "s%u", ++a->next_sid);
        a->logins++;
        char cookie[64];
        snprintf(cookie, sizeof(cookie), "sid=%s; Path=/", a->sid);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", cookie);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/home");
        reply(req, 302, "welcome");
        return;
      }
    }
    reply(req, 200, "<form method=\"post\" action=\"/login\"><input name=\"user\">"
                    "<input type=\"password\" name=\"pass\"></form>");
    return;
  }
  if(!logged_in(a, req)) {
    if(!strcmp(path, "/account")) a->account_out++;
    to_login(req);
    return;
  }
  if(!strcmp(path, "/home")) {
    reply(req, 200, "<p>Welcome alice</p><a href=\"/prefs?theme=dark\">prefs</a> "
                    "<a href=\"/account?q=books\">account</a>");
  } else if(!strcmp(path, "/account")) {
    /* q is pasted into "SQL" and echoed raw */
    char *q = query_param(req, "q");
    bool broken = q && strpbrk(q, "'\"");
    char *body = dast_aprintf("<p>Welcome alice</p><p>You searched for %s</p>%s", q ? q : "",
                              broken ? "<p>You have an error in your SQL syntax near the quote</p>" : "");
    reply(req, 200, body);
    free(body);
    free(q);
  } else if(!strcmp(path, "/prefs")) {
    char *t = query_param(req, "theme");
    bool drop = t && (a->hostile ? strcmp(t, "dark") != 0
                                 : strchr(t, '\'') && (!a->max_drops || a->drops < a->max_drops));
    free(t);
    if(drop) { /* "bad input": the session ends */
      a->sid[0] = '\0';
      a->drops++;
      to_login(req);
      return;
    }
    reply(req, 200, "<p>Welcome alice</p><p>Theme saved.</p>");
  } else {
    reply(req, 404, "not found");
  }
}

struct run {
  struct event_base *base;
  struct app app;
  struct dast_config cfg;
  struct dast_scope *scope;
  struct dast_engine *eng;
  struct dast_crawler *crawler;
  struct dast_checks *checks;
  struct dast_attack *attack;
};

static bool sess_lost(void *ud, const char *url, const struct dast_response *r)
{
  return dast_crawler_session_lost(ud, url, r);
}

static dast_err sess_relogin(void *ud, dast_timer_cb done, void *done_ud)
{
  return dast_crawler_relogin(ud, done, done_ud);
}

static bool sess_logged_in(void *ud)
{
  return dast_crawler_logged_in(ud);
}

/* Crawls logged in, then attacks with `checks` and the session wired as
 * scanner/scan.c does.  False when a step could not run. */
/* `one_at_a_time`: one request at a time, so the order is the queue's. */
static bool run_scan(struct run *r, bool hostile, int max_drops, bool one_at_a_time,
                     int max_relogins, const char *const *checks)
{
  memset(r, 0, sizeof(*r));
  if(getenv("DEBUG")) dast_log_level_current = DAST_LOG_DEBUG;
  r->base = event_base_new();
  r->app.hostile = hostile;
  r->app.max_drops = max_drops;
  r->app.http = evhttp_new(r->base);
  struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(r->app.http, "127.0.0.1", 0);
  if(!bs) return false;
  struct sockaddr_in sin;
  socklen_t sl = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &sl);
  r->app.port = ntohs(sin.sin_port);
  evhttp_set_gencb(r->app.http, on_request, &r->app);
  dast_config_init(&r->cfg);
  r->cfg.target = dast_aprintf("http://127.0.0.1:%d/home", r->app.port);
  r->cfg.login_url = dast_aprintf("http://127.0.0.1:%d/login", r->app.port);
  r->cfg.login_data = dast_strdup("user=alice&pass=s3cret");
  r->cfg.logged_in_regex = dast_strdup("Welcome alice");
  r->cfg.profile = DAST_PROFILE_STANDARD;
  r->cfg.seed = 7;
  r->cfg.seed_set = true;
  r->cfg.retries = 0;
  if(one_at_a_time) r->cfg.concurrency = r->cfg.per_host = 1;
  for(; *checks; checks++) dast_strlist_add(&r->cfg.checks, *checks);
  char err[512] = "";
  if(dast_scope_new(&r->cfg, &r->scope, err, sizeof(err)) ||
     dast_engine_new(r->base, &r->cfg, r->scope, &r->eng, err, sizeof(err)) ||
     dast_crawler_new(r->eng, &r->cfg, &r->crawler, err, sizeof(err)) ||
     dast_checks_load(&r->cfg, &r->checks, err, sizeof(err)) ||
     dast_attack_new(r->eng, &r->cfg, r->checks, &r->attack, err, sizeof(err))) {
    fprintf(stderr, "  setup: %s\n", err);
    return false;
  }
  dast_engine_observe(r->eng, dast_attack_observe, r->attack);
  if(dast_crawler_start(r->crawler, err, sizeof(err))) return false;
  (void)dast_engine_run(r->eng);
  if(!dast_crawler_logged_in(r->crawler)) return false;
  struct dast_attack_session s = {sess_lost, sess_relogin, sess_logged_in, r->crawler, max_relogins};
  dast_attack_set_session(r->attack, &s);
  dast_crawler_relogin_budget(r->crawler, DAST_ATTACK_MAX_RELOGINS);
  struct dast_endpoint *const *eps;
  size_t n = dast_crawler_endpoints(r->crawler, &eps);
  if(dast_attack_start(r->attack, eps, n)) return false;
  (void)dast_engine_run(r->eng);
  return true;
}

static void run_free(struct run *r)
{
  dast_engine_free(r->eng);
  dast_attack_free(r->attack);
  dast_crawler_free(r->crawler);
  dast_checks_free(r->checks);
  dast_scope_free(r->scope);
  dast_config_free(&r->cfg);
  if(r->app.http) evhttp_free(r->app.http);
  event_base_free(r->base);
}

static const struct dast_finding *find(const struct run *r, const char *check, const char *tmpl)
{
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(r->attack, &fs);
  for(size_t i = 0; i < n; i++)
    if(!strcmp(fs[i]->check_id, check) && !strcmp(fs[i]->tmpl, tmpl)) return fs[i];
  return NULL;
}

TEST(relogin_after_probe_drops_session)
{
  /* /prefs is probed first and drops the session on its first two quotes;
   * /account's probes queued behind them come back logged out, wait for
   * the login, and are sent again */
  struct run r;
  const char *checks[] = {"sqli-error", "xss-reflected", NULL};
  bool ran = run_scan(&r, false, 2, true, 0, checks);
  ASSERT(ran);
  bool gave_up = true;
  int relogins = dast_attack_relogins(r.attack, &gave_up);
  fprintf(stderr, "  relogins %d, sessions dropped %d, server logins %d, /account logged out %d\n",
          relogins, r.app.drops, r.app.logins, r.app.account_out);
  ASSERT_EQ(r.app.drops, 2);
  ASSERT_GE(r.app.account_out, 1);
  ASSERT_GE(relogins, 1);
  ASSERT_LE(relogins, 2);
  ASSERT(!gave_up);
  ASSERT_EQ(r.app.logins, 1 + relogins); /* the crawl's login, then the attack's */
  /* the injections only visible logged in are still found, and confirmed */
  const struct dast_finding *f = find(&r, "sqli-error", "/account?q=");
  ASSERT(f != NULL);
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  ASSERT_STREQ(f->param, "q");
  f = find(&r, "xss-reflected", "/account?q=");
  ASSERT(f != NULL);
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  /* a logged-out answer is never evidence: nothing was found on /prefs */
  ASSERT(find(&r, "sqli-error", "/prefs?theme=") == NULL);
  ASSERT(find(&r, "xss-reflected", "/prefs?theme=") == NULL);
  run_free(&r);
}

TEST(relogins_are_bounded)
{
  /* every probe of theme ends the session: with room for 3 logins the
   * attack logs in 3 times, then stops, says it gave up, and finishes */
  struct run r;
  const char *checks[] = {"xss-reflected", "sqli-error", "ssti", "cmdi-echo", "path-traversal",
                          "open-redirect", "error-disclosure-probe", NULL};
  bool ran = run_scan(&r, true, 0, false, 3, checks);
  ASSERT(ran);
  bool gave_up = false;
  int relogins = dast_attack_relogins(r.attack, &gave_up);
  fprintf(stderr, "  relogins %d (gave up: %s), sessions dropped %d, server logins %d\n", relogins,
          gave_up ? "yes" : "no", r.app.drops, r.app.logins);
  ASSERT_EQ(relogins, 3);
  ASSERT(gave_up);
  ASSERT_EQ(r.app.logins, 1 + 3);
  ASSERT(dast_attack_done(r.attack));
  ASSERT(find(&r, "sqli-error", "/prefs?theme=") == NULL);
  ASSERT(find(&r, "ssti", "/prefs?theme=") == NULL);
  run_free(&r);
}

TEST(relogins_stay_under_the_default_bound)
{
  struct run r;
  const char *checks[] = {"xss-reflected", "sqli-error", "ssti", "cmdi-echo", "path-traversal",
                          "open-redirect", "error-disclosure-probe", NULL};
  bool ran = run_scan(&r, true, 0, false, 0, checks);
  ASSERT(ran);
  bool gave_up = false;
  int relogins = dast_attack_relogins(r.attack, &gave_up);
  fprintf(stderr, "  relogins %d (gave up: %s), sessions dropped %d, server logins %d\n", relogins,
          gave_up ? "yes" : "no", r.app.drops, r.app.logins);
  ASSERT_GE(relogins, 1);
  ASSERT_LE(relogins, DAST_ATTACK_MAX_RELOGINS);
  ASSERT_LE(r.app.logins, 1 + DAST_ATTACK_MAX_RELOGINS);
  ASSERT(!gave_up || relogins == DAST_ATTACK_MAX_RELOGINS);
  ASSERT(dast_attack_done(r.attack));
  ASSERT(find(&r, "sqli-error", "/prefs?theme=") == NULL);
  run_free(&r);
}

RUN_TESTS()
