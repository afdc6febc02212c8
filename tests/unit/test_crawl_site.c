/* test_crawl_site.c — the crawler end to end against the crawl fixture
 * (tests/fixtures/crawlsite/): an in-process evhttp server on 127.0.0.1:0,
 * sharing the engine's event_base, serves the static tree plus dynamic
 * handlers — a CSRF-protected login with a session cookie that the server
 * expires once mid-crawl, logout links, an infinite calendar, a redirect
 * chain, JSON APIs, a Link header — and a second server on another port
 * stands for everything out of scope.  The test asserts the crawler finds
 * every endpoint in expected.txt, sends nothing out of scope, never hits a
 * logout, logs in again after the session expired, and stops on the trap
 * within its template bound. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/crawl.h"
#include "crawlers/crawl_int.h"
#include "tests/unit/harness.h"

#define SITE DAST_SOURCE_DIR "/tests/fixtures/crawlsite"
#define MAX_TOKENS 64

struct site {
  struct event_base *base;
  struct evhttp *http, *oos;
  int port, oos_port;
  int oos_hits, logout_hits, calendar_hits, item_hits, login_posts, login_ok, member_hits;
  int member_denied, form_posts;
  char json_body[256];    /* last body POSTed to /api/comment */
  int expire_after;       /* expire the session after this many member pages (0 = never) */
  bool soft_logout;       /* logged out: 200 with a login form instead of a redirect */
  char tokens[MAX_TOKENS][24];
  int ntokens;
  char session[32];       /* the valid session id, "" when none */
  struct dast_buf log;    /* "METHOD uri\n" for every request */
};

static void send_body(struct evhttp_request *req, int code, const char *ctype, const char *body,
                 size_t len)
{
  struct evbuffer *b = evbuffer_new();
  evbuffer_add(b, body, len);
  if(ctype) evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
  evhttp_send_reply(req, code, code == 200 ? "OK" : code == 302 ? "Found" : "Status", b);
  evbuffer_free(b);
}

static void send_str(struct evhttp_request *req, int code, const char *ctype, const char *body)
{
  send_body(req, code, ctype, body, strlen(body));
}

static void redirect(struct evhttp_request *req, const char *to)
{
  evhttp_add_header(evhttp_request_get_output_headers(req), "Location", to);
  send_str(req, 302, "text/html", "moved");
}

static const char *ctype_of(const char *path)
{
  const char *dot = strrchr(path, '.');
  if(!dot) return "text/html";
  if(!strcmp(dot, ".js")) return "application/javascript";
  if(!strcmp(dot, ".json")) return "application/json";
  if(!strcmp(dot, ".xml")) return "application/xml";
  if(!strcmp(dot, ".txt")) return "text/plain";
  return "text/html";
}

/* Static files, with @OOS@ replaced by the out-of-scope port. */
static bool serve_file(struct site *s, struct evhttp_request *req, const char *path)
{
  if(strstr(path, "..")) return false;
  char *file = dast_aprintf("%s%s%s", SITE, path, path[strlen(path) - 1] == '/' ? "index.html" : "");
  FILE *f = fopen(file, "rb");
  if(!f) {
    free(file);
    return false;
  }
  struct dast_buf b;
  dast_buf_init(&b, 0);
  char tmp[4096];
  size_t n;
  while((n = fread(tmp, 1, sizeof(tmp), f)) > 0) (void)dast_buf_add(&b, tmp, n);
  fclose(f);
  char port[16];
  snprintf(port, sizeof(port), "%d", s->oos_port);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  for(const char *p = b.data ? b.data : ""; *p;) {
    const char *m = strstr(p, "@OOS@");
    if(!m) {
      (void)dast_buf_adds(&out, p);
      break;
    }
    (void)dast_buf_add(&out, p, (size_t)(m - p));
    (void)dast_buf_adds(&out, port);
    p = m + 5;
  }
  if(!strcmp(path, "/index.html") || !strcmp(path, "/")) {
    evhttp_add_header(evhttp_request_get_output_headers(req), "Link",
                      "</from-link-header>; rel=\"preload\"");
    evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", "pref=dark; Path=/");
  }
  send_body(req, 200, ctype_of(file), out.data ? out.data : "", out.len);
  dast_buf_free(&out);
  dast_buf_free(&b);
  free(file);
  return true;
}

static const char *query_get(struct evhttp_request *req, const char *name, struct evkeyvalq *q)
{
  const char *qs = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
  q->tqh_first = NULL;
  q->tqh_last = &q->tqh_first;
  if(qs) evhttp_parse_query_str(qs, q);
  return evhttp_find_header(q, name);
}

static char *body_of(struct evhttp_request *req)
{
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  char *b = dast_malloc(n + 1);
  evbuffer_copyout(in, b, n);
  b[n] = '\0';
  return b;
}

static bool has_session(struct site *s, struct evhttp_request *req)
{
  const char *cookie = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
  if(!cookie || !s->session[0]) return false;
  char *want = dast_aprintf("sid=%s", s->session);
  bool ok = strstr(cookie, want) != NULL;
  free(want);
  return ok;
}

static void login_page(struct site *s, struct evhttp_request *req)
{
  int slot = s->ntokens++ % MAX_TOKENS;
  snprintf(s->tokens[slot], sizeof(s->tokens[slot]), "t%08x", (unsigned)rand());
  char *html = dast_aprintf("<html><body><form method=\"post\" action=\"/login\">"
                            "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
                            "<input name=\"user\"><input type=\"password\" name=\"pass\">"
                            "<input type=\"submit\" value=\"Sign in\"></form></body></html>",
                            s->tokens[slot]);
  send_str(req, 200, "text/html", html);
  free(html);
}

static void login_post(struct site *s, struct evhttp_request *req)
{
  s->login_posts++;
  char *body = body_of(req);
  struct evkeyvalq q;
  q.tqh_first = NULL;
  q.tqh_last = &q.tqh_first;
  evhttp_parse_query_str(body, &q);
  const char *csrf = evhttp_find_header(&q, "csrf"), *user = evhttp_find_header(&q, "user"),
             *pass = evhttp_find_header(&q, "pass");
  bool token_ok = false;
  for(int i = 0; csrf && i < MAX_TOKENS && i < s->ntokens; i++)
    if(!strcmp(s->tokens[i], csrf)) token_ok = true;
  if(token_ok && user && pass && !strcmp(user, "alice") && !strcmp(pass, "s3cret")) {
    s->login_ok++;
    snprintf(s->session, sizeof(s->session), "S%d%04x", s->login_ok, (unsigned)rand() & 0xffff);
    char *cookie = dast_aprintf("sid=%s; Path=/; HttpOnly", s->session);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", cookie);
    free(cookie);
    redirect(req, "/members/");
  } else {
    send_str(req, 403, "text/html", "<form><input type=password name=pass></form>bad login");
  }
  evhttp_clear_headers(&q);
  free(body);
}

static void members(struct site *s, struct evhttp_request *req, const char *path)
{
  if(!has_session(s, req)) {
    s->member_denied++;
    if(s->soft_logout)
      send_str(req, 200, "text/html", "<html><body>Please sign in: <form method='post' action='/login'>"
                                      "<input name='user'><input type='password' name='pass'>"
                                      "</form></body></html>");
    else
      redirect(req, "/login");
    return;
  }
  s->member_hits++;
  if(!strcmp(path, "/members/logout") || !strcmp(path, "/members/session/end")) {
    s->logout_hits++;
    s->session[0] = '\0';
    redirect(req, "/");
    return;
  }
  if(!strcmp(path, "/members/")) {
    send_str(req, 200, "text/html",
             "<html><body>Welcome alice <a href='/members/profile'>profile</a> "
             "<a href='/members/orders/7'>order 7</a> <a href='/members/orders/8'>order 8</a> "
             "<a href='/members/logout'>sign out</a> "
             "<a href='/members/session/end' title='End your session'>\n  Sign\n  Out </a></body></html>");
  } else {
    send_str(req, 200, "text/html", "<html><body>Welcome alice, members page</body></html>");
  }
  /* the server drops the session once, mid-crawl */
  if(s->expire_after && s->member_hits == s->expire_after) s->session[0] = '\0';
}

static bool dynamic(struct site *s, struct evhttp_request *req, const char *path)
{
  struct evkeyvalq q;
  char buf[512];
  enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
  if(!strcmp(path, "/api/token-login")) { /* a token API: the JSON answer carries a bearer token */
    char *body = cmd == EVHTTP_REQ_POST ? body_of(req) : dast_strdup("");
    if(strstr(body, "\"user\":\"alice\"") && strstr(body, "\"pass\":\"s3cret\"")) {
      s->login_ok++;
      snprintf(s->session, sizeof(s->session), "T%dq7w8e9r", s->login_ok);
      char *json = dast_aprintf("{\"status\": \"ok\", \"refresh_token\": "
                                "\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWZyZXNoIn0.c2lnbmF0dXJlc2ln\", "
                                "\"data\": {\"user\": \"alice\", \"accessToken\": \"%s\"}}",
                                s->session);
      send_str(req, 200, "application/json", json);
      free(json);
    } else {
      send_str(req, cmd == EVHTTP_REQ_POST ? 401 : 405, "application/json", "{\"ok\": false}");
    }
    free(body);
  } else if(!strncmp(path, "/api/me", 7)) {
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    char *want = dast_aprintf("Bearer %s", s->session);
    bool ok = s->session[0] && auth && !strcmp(auth, want);
    free(want);
    if(!ok) {
      s->member_denied++;
      send_str(req, 401, "application/json", "{\"error\": \"unauthorized\"}");
    } else {
      s->member_hits++;
      if(!strcmp(path, "/api/me"))
        send_str(req, 200, "application/json",
                 "{\"orders\": \"/api/me/orders\", \"settings\": \"/api/me/settings\"}");
      else send_str(req, 200, "application/json", "{\"items\": [\"/api/me/orders/7\"]}");
      if(s->expire_after && s->member_hits == s->expire_after) s->session[0] = '\0';
    }
  } else if(!strcmp(path, "/api/login")) {
    char *body = cmd == EVHTTP_REQ_POST ? body_of(req) : dast_strdup("");
    if(strstr(body, "\"user\":\"alice\"") && strstr(body, "\"pass\":\"s3cret\"")) {
      s->login_ok++;
      snprintf(s->session, sizeof(s->session), "J%d", s->login_ok);
      char *cookie = dast_aprintf("sid=%s; Path=/", s->session);
      evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", cookie);
      free(cookie);
      send_str(req, 200, "application/json", "{\"ok\": true}");
    } else {
      send_str(req, cmd == EVHTTP_REQ_POST ? 401 : 405, "application/json", "{\"ok\": false}");
    }
    free(body);
  } else if(!strcmp(path, "/login")) {
    if(cmd == EVHTTP_REQ_POST) login_post(s, req);
    else login_page(s, req);
  } else if(!strncmp(path, "/members/", 9)) {
    members(s, req, path);
  } else if(!strcmp(path, "/logout") || !strncmp(path, "/account/delete", 15) ||
            !strcmp(path, "/account/password") || !strncmp(path, "/admin/", 7) ||
            !strcmp(path, "/profile/removeAvatar")) {
    s->logout_hits++;
    s->session[0] = '\0';
    redirect(req, "/");
  } else if(!strncmp(path, "/item/", 6)) {
    s->item_hits++;
    int n = (int)strtol(path + 6, NULL, 10);
    snprintf(buf, sizeof(buf), "<html><body>item %d <a href='/item/%d'>next</a></body></html>", n,
             n + 1);
    send_str(req, 200, "text/html", buf);
  } else if(!strcmp(path, "/calendar")) {
    s->calendar_hits++;
    const char *m = query_get(req, "month", &q);
    int n = m ? (int)strtol(m, NULL, 10) : 0;
    snprintf(buf, sizeof(buf), "<html><body>month %d <a href='/calendar?month=%d'>next</a> "
                               "<a href='/calendar?month=%d'>prev</a></body></html>", n, n + 1, n - 1);
    evhttp_clear_headers(&q);
    send_str(req, 200, "text/html", buf);
  } else if(!strcmp(path, "/redirect/start")) {
    redirect(req, "/redirect/middle");
  } else if(!strcmp(path, "/redirect/middle")) {
    redirect(req, "/redirect/end");
  } else if(!strcmp(path, "/redirect/end")) {
    send_str(req, 200, "text/html", "<html><body>end of the chain</body></html>");
  } else if(!strcmp(path, "/api/items")) {
    const char *page = query_get(req, "page", &q);
    snprintf(buf, sizeof(buf), "{\"items\": [{\"id\": 1, \"href\": \"/api/detail/1\"}, "
                               "{\"id\": 2, \"href\": \"/api/detail/2\"}], \"page\": %d%s}",
             page ? (int)strtol(page, NULL, 10) : 1, page ? "" : ", \"next\": \"/api/items?page=2\"");
    evhttp_clear_headers(&q);
    send_str(req, 200, "application/json", buf);
  } else if(!strncmp(path, "/api/detail/", 12) || !strcmp(path, "/api/inline-data")) {
    send_str(req, 200, "application/json", "{\"ok\": true, \"note\": \"not a url\"}");
  } else if(!strcmp(path, "/wide")) { /* 3000 links of 3000 templates */
    struct dast_buf w;
    dast_buf_init(&w, 0);
    for(int i = 0; i < 3000; i++) (void)dast_buf_printf(&w, "<a href='/w/p-%d'>x</a>", i);
    send_body(req, 200, "text/html", w.data, w.len);
    dast_buf_free(&w);
  } else if(!strcmp(path, "/from-link-header")) { /* echoes the User-Agent */
    const char *ua = evhttp_find_header(evhttp_request_get_input_headers(req), "User-Agent");
    snprintf(buf, sizeof(buf), "<html><body>Your browser: %.200s</body></html>", ua ? ua : "-");
    send_str(req, 200, "text/html", buf);
  } else if(!strcmp(path, "/search")) {
    send_str(req, 200, "text/html", "<html><body>results</body></html>");
  } else if(!strcmp(path, "/app.php")) {
    /* a front controller (Mutillidae's index.php?page=...): every routed
     * page links the next five, and page N has a form of its own */
    const char *pg = query_get(req, "page", &q);
    int n = pg && !strncmp(pg, "tool-", 5) ? (int)strtol(pg + 5, NULL, 10) : 0;
    struct dast_buf w;
    dast_buf_init(&w, 0);
    (void)dast_buf_adds(&w, "<html><body>");
    for(int i = 1; i <= 5; i++) (void)dast_buf_printf(&w, "<a href='/app.php?page=tool-%d.php'>t</a>", i);
    if(n) (void)dast_buf_printf(&w, "<form action='/app.php?page=tool-%d.php' method='post'>"
                                    "<input name='field%d'></form>", n, n);
    (void)dast_buf_adds(&w, "</body></html>");
    evhttp_clear_headers(&q);
    send_body(req, 200, "text/html", w.data, w.len);
    dast_buf_free(&w);
  } else if(!strcmp(path, "/api/comment") && cmd == EVHTTP_REQ_POST) {
    char *body = body_of(req);
    snprintf(s->json_body, sizeof(s->json_body), "%s", body);
    free(body);
    send_str(req, 201, "application/json", "{\"id\": 9}");
  } else if(!strcmp(path, "/contact") || !strcmp(path, "/upload")) {
    const char *ref = evhttp_find_header(evhttp_request_get_input_headers(req), "Referer");
    s->form_posts += cmd == EVHTTP_REQ_POST && ref && strstr(ref, "127.0.0.1");
    /* like DVWA's CSP page: the submitted message comes back as a script URL */
    char *body = cmd == EVHTTP_REQ_POST ? body_of(req) : NULL;
    const char *msg = body ? strstr(body, "message=") : NULL;
    char *page = dast_aprintf("<html><body>thanks<script src=\"%.*s\"></script></body></html>",
                              msg ? (int)strcspn(msg + 8, "&") : 0, msg ? msg + 8 : "");
    send_str(req, 200, "text/html", page);
    free(page);
    free(body);
  } else {
    return false;
  }
  return true;
}

static void handler(struct evhttp_request *req, void *ud)
{
  struct site *s = ud;
  const char *uri = evhttp_request_get_uri(req);
  const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
  enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
  (void)dast_buf_printf(&s->log, "%s %s\n", cmd == EVHTTP_REQ_POST ? "POST" : "GET", uri);
  if(!path) path = "/";
  if(dynamic(s, req, path)) return;
  if(serve_file(s, req, path)) return;
  send_str(req, 404, "text/html", "<html><body>not found</body></html>");
}

static void oos_handler(struct evhttp_request *req, void *ud)
{
  struct site *s = ud;
  s->oos_hits++;
  send_str(req, 200, "text/html", "out of scope!");
}

static int listen_on(struct evhttp *h)
{
  struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(h, "127.0.0.1", 0);
  if(!bs) abort();
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &len);
  return ntohs(sin.sin_port);
}

struct run {
  struct site s;
  struct dast_config cfg;
  struct dast_scope *scope;
  struct dast_engine *eng;
  struct dast_crawler *crawler;
  struct dast_crawl_stats st;
};

static void site_start(struct run *r)
{
  memset(r, 0, sizeof(*r));
  r->s.base = dast_event_base_new();
  r->s.http = evhttp_new(r->s.base);
  evhttp_set_allowed_methods(r->s.http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD);
  evhttp_set_gencb(r->s.http, handler, &r->s);
  r->s.port = listen_on(r->s.http);
  r->s.oos = evhttp_new(r->s.base);
  evhttp_set_gencb(r->s.oos, oos_handler, &r->s);
  r->s.oos_port = listen_on(r->s.oos);
  dast_buf_init(&r->s.log, 0);
  dast_config_init(&r->cfg);
  r->cfg.target = dast_aprintf("http://127.0.0.1:%d/", r->s.port);
  r->cfg.concurrency = 4;
  r->cfg.max_time = 60;
  r->cfg.timeout_ms = 5000;
}

static dast_err crawl(struct run *r, char *err, size_t errlen)
{
  if(dast_scope_new(&r->cfg, &r->scope, err, errlen)) abort();
  if(dast_engine_new(r->s.base, &r->cfg, r->scope, &r->eng, err, errlen)) abort();
  dast_err e = dast_crawler_new(r->eng, &r->cfg, &r->crawler, err, errlen);
  if(!e) e = dast_crawler_start(r->crawler, err, errlen);
  if(!e) (void)dast_engine_run(r->eng);
  if(r->crawler) dast_crawler_stats(r->crawler, &r->st);
  return e;
}

static void site_stop(struct run *r)
{
  dast_engine_free(r->eng);
  dast_crawler_free(r->crawler);
  dast_scope_free(r->scope);
  dast_config_free(&r->cfg);
  evhttp_free(r->s.http);
  evhttp_free(r->s.oos);
  event_base_free(r->s.base);
  dast_buf_free(&r->s.log);
}

static bool in_inventory(struct dast_crawler *c, const char *method, const char *tmpl)
{
  struct dast_endpoint *const *eps;
  size_t n = dast_crawler_endpoints(c, &eps);
  for(size_t i = 0; i < n; i++)
    if(!strcmp(eps[i]->method, method) && eps[i]->tmpl && !strcmp(eps[i]->tmpl, tmpl)) return true;
  return false;
}

static void dump_inventory(struct dast_crawler *c)
{
  struct dast_endpoint *const *eps;
  size_t n = dast_crawler_endpoints(c, &eps);
  for(size_t i = 0; i < n; i++)
    fprintf(stderr, "    %-6s %-40s %-8s %d\n", eps[i]->method, eps[i]->tmpl,
            dast_source_name(eps[i]->source), eps[i]->status);
}

/* Missing endpoints of expected.txt, one per line ("" when complete). */
static char *missing_expected(struct dast_crawler *c)
{
  FILE *f = fopen(SITE "/expected.txt", "r");
  if(!f) return dast_strdup("cannot open expected.txt");
  struct dast_buf miss;
  dast_buf_init(&miss, 0);
  (void)dast_buf_adds(&miss, "");
  char line[512];
  while(fgets(line, sizeof(line), f)) {
    char method[16], tmpl[400];
    if(line[0] == '#' || sscanf(line, "%15s %399s", method, tmpl) != 2) continue;
    if(!in_inventory(c, method, tmpl)) (void)dast_buf_printf(&miss, "%s %s\n", method, tmpl);
  }
  fclose(f);
  return dast_buf_take(&miss, NULL);
}

/* The whole site, with `threads` parse threads (crawl_parse.c): the same
 * inventory and behaviour whether pages are parsed inline or on workers. */
static void full_crawl(int threads)
{
  struct run r;
  site_start(&r);
  r.cfg.parse_threads = threads;
  r.s.expire_after = 2;
  r.cfg.openapi = dast_strdup(SITE "/openapi.json");
  r.cfg.login_url = dast_aprintf("http://127.0.0.1:%d/login", r.s.port);
  r.cfg.login_data = dast_strdup("user=alice&pass=s3cret");
  r.cfg.logged_in_regex = dast_strdup("Welcome alice");
  char err[512] = "";
  dast_err e = crawl(&r, err, sizeof(err));
  if(e) fprintf(stderr, "  crawl: %s\n", err);
  ASSERT_EQ(e, DAST_OK);
  char *missing = missing_expected(r.crawler);
  if(*missing || getenv("DUMP")) {
    fprintf(stderr, "  missing:\n%s  inventory:\n", missing);
    dump_inventory(r.crawler);
    fprintf(stderr, "  requests:\n%s", r.s.log.data);
  }
  ASSERT_STREQ(missing, "");
  free(missing);
  /* nothing out of scope was sent, nothing dangerous was followed */
  ASSERT_EQ(r.s.oos_hits, 0);
  ASSERT_EQ(r.s.logout_hits, 0);
  ASSERT_GE(r.st.out_of_scope, 2);
  ASSERT_GE(r.st.dangerous_skipped, 5);
  ASSERT(!in_inventory(r.crawler, "GET", "/logout"));
  ASSERT(!in_inventory(r.crawler, "GET", "/members/logout"));
  const char *const *urls, *const *reasons;
  size_t ns = dast_crawler_skipped(r.crawler, &urls, &reasons);
  bool listed = false;
  for(size_t i = 0; i < ns; i++)
    if(strstr(urls[i], "/members/logout") && strstr(reasons[i], "dangerous")) listed = true;
  ASSERT(listed);
  /* forms that say they reset the database are neither submitted nor inventoried */
  bool reset_listed = false;
  for(size_t i = 0; i < ns; i++)
    if(strstr(urls[i], "/admin/setup") && strstr(reasons[i], "Submit / Reset")) reset_listed = true;
  ASSERT(reset_listed);
  ASSERT(!in_inventory(r.crawler, "POST", "/admin/maintenance"));
  /* a URL made of the scanner's own form input is not followed */
  bool own_listed = false;
  for(size_t i = 0; i < ns; i++)
    if(strstr(urls[i], "/dastgate") && strstr(reasons[i], "own input")) own_listed = true;
  ASSERT(own_listed);
  ASSERT(!strstr(r.s.log.data, "GET /dastgate"));
  ASSERT(!in_inventory(r.crawler, "GET", "/admin/setup?action="));
  /* links that rebuild the database or flip a setting are not followed
   * (the server counts any /admin/ hit as a logout_hit, asserted 0 above) */
  bool db_listed = false, toggle_listed = false;
  for(size_t i = 0; i < ns; i++) {
    if(strstr(urls[i], "/admin/set-up-database.php") && strstr(reasons[i], "database")) db_listed = true;
    if(strstr(urls[i], "do=toggle-enforce-ssl") && strstr(reasons[i], "toggles")) toggle_listed = true;
  }
  ASSERT(db_listed);
  ASSERT(toggle_listed);
  /* each page of a front controller is visited (the template bound counts
   * app.php?page=tool-5.php apart from tool-1.php), one inventory endpoint
   * stands for all the GET pages, and the form of the fifth page is found */
  ASSERT(in_inventory(r.crawler, "GET", "/app.php?page="));
  ASSERT(!in_inventory(r.crawler, "GET", "/app.php?page=tool-1.php"));
  ASSERT(strstr(r.s.log.data, "GET /app.php?page=tool-5.php"));
  bool form5 = false;
  struct dast_endpoint *const *reps;
  size_t neps = dast_crawler_endpoints(r.crawler, &reps);
  for(size_t i = 0; i < neps; i++)
    for(size_t k = 0; k < reps[i]->nparams; k++)
      if(!strcmp(reps[i]->method, "POST") && !strcmp(reps[i]->params[k].name, "field5")) form5 = true;
  ASSERT(form5);
  /* the trap and the item chain stop at the template bound */
  ASSERT_LE(r.s.calendar_hits, 3);
  ASSERT_LE(r.s.item_hits, 3);
  ASSERT_GE(r.st.trap_limited, 1);
  /* logged in, lost the session once, logged in again, kept going */
  ASSERT(r.st.login_attempted);
  ASSERT(r.st.login_ok);
  ASSERT_GE(r.st.relogins, 1);
  ASSERT_LE(r.st.relogins, 5);
  ASSERT_GE(r.s.login_ok, 2);
  /* a page that echoes the User-Agent gets it as an insertion point, others don't */
  struct dast_endpoint *const *all;
  size_t nall = dast_crawler_endpoints(r.crawler, &all);
  for(size_t i = 0; i < nall; i++) {
    bool ua = false;
    for(size_t k = 0; k < all[i]->nparams; k++)
      ua |= all[i]->params[k].kind == DAST_IP_HEADER && !strcmp(all[i]->params[k].name, "User-Agent");
    ASSERT_EQ(ua, !strcmp(all[i]->tmpl, "/from-link-header"));
  }
  /* the site's own cookie is an insertion point of every crawled endpoint;
   * the session cookie of none; API operations keep their spec's params */
  for(size_t i = 0; i < nall; i++) {
    bool pref = false, sid = false;
    for(size_t k = 0; k < all[i]->nparams; k++) {
      pref |= all[i]->params[k].kind == DAST_IP_COOKIE && !strcmp(all[i]->params[k].name, "pref");
      sid |= all[i]->params[k].kind == DAST_IP_COOKIE && !strcmp(all[i]->params[k].name, "sid");
    }
    ASSERT(!sid);
    ASSERT_EQ(pref, all[i]->source != DAST_SRC_OPENAPI);
  }
  /* every members page was finally fetched logged in */
  struct dast_endpoint *const *eps;
  size_t n = dast_crawler_endpoints(r.crawler, &eps);
  for(size_t i = 0; i < n; i++)
    if(!strncmp(eps[i]->tmpl, "/members/", 9)) ASSERT_EQ(eps[i]->status, 200);
  /* forms were submitted once per shape, the JS JSON call once */
  ASSERT_EQ(r.s.form_posts, 2);
  ASSERT_CONTAINS(r.s.json_body, "\"text\":");
  ASSERT_CONTAINS(r.s.json_body, "\"rating\":");
  ASSERT_CONTAINS(r.s.log.data, "POST /api/comment\n");
  ASSERT(!strstr(strstr(r.s.log.data, "POST /api/comment\n") + 1, "POST /api/comment\n"));
  ASSERT_GE(r.st.by_source[DAST_SRC_OPENAPI], 3);
  ASSERT_GE(r.st.by_source[DAST_SRC_JS], 3);
  ASSERT_GE(r.st.forms, 4);
  char *sum = dast_crawler_summary(r.crawler);
  ASSERT_CONTAINS(sum, "openapi 4"); /* 3 from the linked spec, 1 from the unlinked /v3/api-docs */
  ASSERT_CONTAINS(sum, "login ok (");
  fprintf(stderr, "  %s\n", sum);
  free(sum);
  if(getenv("DUMP"))
    fprintf(stderr, "  pages %zu endpoints %zu templates %zu oos %zu dangerous %zu trap %zu relogins %d\n",
            r.st.pages, r.st.endpoints, r.st.templates, r.st.out_of_scope, r.st.dangerous_skipped,
            r.st.trap_limited, r.st.relogins);
  site_stop(&r);
}

TEST(crawl_finds_every_endpoint)
{
  full_crawl(0);
}

TEST(crawl_finds_every_endpoint_with_parse_threads)
{
  full_crawl(3);
}

TEST(session_lost_without_a_redirect)
{
  struct run r;
  site_start(&r);
  r.s.expire_after = 2;
  r.s.soft_logout = true;
  r.cfg.login_url = dast_aprintf("http://127.0.0.1:%d/login", r.s.port);
  r.cfg.login_data = dast_strdup("user=alice&pass=s3cret");
  r.cfg.logged_in_regex = dast_strdup("Welcome alice");
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT(r.st.login_ok);
  ASSERT_GE(r.st.relogins, 1);
  ASSERT_GE(r.s.login_ok, 2);
  ASSERT(in_inventory(r.crawler, "GET", "/members/profile"));
  ASSERT(in_inventory(r.crawler, "GET", "/members/orders/{n}"));
  /* every members template was served logged in at least once */
  ASSERT_GE(r.s.member_hits, 4);
  ASSERT_EQ(r.s.logout_hits, 0);
  site_stop(&r);
}

TEST(json_api_login)
{
  struct run r;
  site_start(&r);
  r.cfg.login_url = dast_aprintf("http://127.0.0.1:%d/api/login", r.s.port);
  r.cfg.login_data = dast_strdup("{\"user\":\"alice\",\"pass\":\"s3cret\"}");
  r.cfg.logged_in_regex = dast_strdup("\"ok\": true");
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT(r.st.login_ok);
  ASSERT_EQ(r.s.login_ok, 1);
  ASSERT(in_inventory(r.crawler, "GET", "/members/profile"));
  ASSERT_EQ(r.s.logout_hits, 0);
  site_stop(&r);
}

/* A login that answers a bearer token: every later request carries it,
 * and a 401 after it expires brings a new login. */
TEST(bearer_token_login)
{
  struct run r;
  site_start(&r);
  free(r.cfg.target);
  r.cfg.target = dast_aprintf("http://127.0.0.1:%d/api/me", r.s.port);
  r.cfg.login_url = dast_aprintf("http://127.0.0.1:%d/api/token-login", r.s.port);
  r.cfg.login_data = dast_strdup("{\"user\":\"alice\",\"pass\":\"s3cret\"}");
  r.s.expire_after = 2;
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT(r.st.login_ok);
  ASSERT_GE(r.s.login_ok, 2); /* the token expired once: logged in again */
  ASSERT(in_inventory(r.crawler, "GET", "/api/me/orders"));
  ASSERT(in_inventory(r.crawler, "GET", "/api/me/settings"));
  ASSERT(in_inventory(r.crawler, "GET", "/api/me/orders/{n}"));
  site_stop(&r);
}

TEST(no_crawl_uses_only_the_api_description)
{
  struct run r;
  site_start(&r);
  r.cfg.openapi = dast_strdup(SITE "/openapi.json");
  r.cfg.no_crawl = true;
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(r.st.endpoints, 3);
  ASSERT(in_inventory(r.crawler, "POST", "/api/v1/widgets"));
  struct dast_endpoint *const *eps;
  ASSERT_EQ(dast_crawler_endpoints(r.crawler, &eps), 3);
  /* the scan target's origin replaced the server's */
  char *want = dast_aprintf("http://127.0.0.1:%d/api/v1/widgets", r.s.port);
  ASSERT_STREQ(eps[0]->url, want);
  free(want);
  ASSERT_EQ(r.st.pages, 0);
  ASSERT(!strstr(r.s.log.data ? r.s.log.data : "", "GET"));
  site_stop(&r);
}

TEST(openapi_linked_from_a_page_is_imported)
{
  struct run r;
  site_start(&r);
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT(in_inventory(r.crawler, "GET", "/openapi.json"));
  ASSERT(in_inventory(r.crawler, "POST", "/api/v1/widgets"));
  ASSERT(in_inventory(r.crawler, "GET", "/api/v1/widgets/{n}"));
  ASSERT_EQ(r.s.oos_hits, 0);
  site_stop(&r);
}

TEST(invalid_openapi_is_a_clear_error)
{
  struct run r;
  site_start(&r);
  r.cfg.openapi = dast_strdup(DAST_TEST_DATA "/crawl/openapi_bad_param.json");
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "missing 'name'");
  site_stop(&r);
  site_start(&r);
  r.cfg.har = dast_strdup("/nonexistent/x.har");
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_EIO);
  ASSERT_CONTAINS(err, "x.har");
  site_stop(&r);
}

static void stop_timer(struct dast_engine *eng, void *ud)
{
  (void)eng;
  dast_crawler_stop(ud);
}

TEST(stop_ends_the_crawl)
{
  struct run r;
  site_start(&r);
  char err[512] = "";
  if(dast_scope_new(&r.cfg, &r.scope, err, sizeof(err))) abort();
  if(dast_engine_new(r.s.base, &r.cfg, r.scope, &r.eng, err, sizeof(err))) abort();
  ASSERT_EQ(dast_crawler_new(r.eng, &r.cfg, &r.crawler, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(dast_crawler_start(r.crawler, err, sizeof(err)), DAST_OK);
  dast_crawler_stats(r.crawler, &r.st);
  ASSERT_GE(r.st.queued + r.st.in_flight, 1);
  ASSERT_EQ(dast_engine_later(r.eng, 0, stop_timer, r.crawler), DAST_OK);
  ASSERT_EQ(dast_engine_run(r.eng), DAST_OK);
  dast_crawler_stats(r.crawler, &r.st);
  ASSERT_LE(r.st.pages, 4); /* only what was in flight */
  ASSERT_EQ(r.st.in_flight, 0);
  site_stop(&r);
}

TEST(state_changing_links_told_apart)
{
  const char *why = NULL;
  /* Mutillidae's "Reset DB" link and its setting toggles */
  ASSERT(dast__link_changes_state("http://h/mutillidae/set-up-database.php", &why));
  ASSERT_CONTAINS(why, "database");
  ASSERT(dast__link_changes_state("http://h/index.php?do=toggle-security&page=home.php", &why));
  ASSERT_CONTAINS(why, "toggles");
  ASSERT(dast__link_changes_state("http://h/a?page=x&action=disable_ssl", &why));
  ASSERT(dast__link_changes_state("http://h/admin/reset_db", &why));
  ASSERT(dast__link_changes_state("http://h/tools/initdb", &why));
  ASSERT(dast__link_changes_state("http://h/install/create-the-tables.php", &why));
  ASSERT(dast__link_changes_state("/setup/SetupDatabase.aspx", &why));
  /* safe twins: setup pages that only show a form, the words in another
   * order or meaning, a "what to do" that flips nothing */
  ASSERT(!dast__link_changes_state("http://h/setup.php", &why));
  ASSERT(!dast__link_changes_state("http://h/xvwa/setup/", &why));
  ASSERT(!dast__link_changes_state("http://h/docs/database-setup.html", &why));
  ASSERT(!dast__link_changes_state("http://h/databases/list?db=main", &why));
  ASSERT(!dast__link_changes_state("http://h/index.php?do=view&page=toggle.php", &why));
  ASSERT(!dast__link_changes_state("http://h/index.php?page=toggle-help.php", &why));
  ASSERT(!dast__link_changes_state("http://h/features?q=enable+sso", &why));
  ASSERT(!dast__link_changes_state("http://h/#do=toggle-x", &why));
}

TEST(limits_are_honoured)
{
  struct run r;
  site_start(&r);
  r.cfg.max_pages = 5;
  char err[512] = "";
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT_LE(r.st.pages, 5);
  site_stop(&r);
  site_start(&r);
  r.cfg.max_pages = 1; /* frontier cap: 4 * 1 + 1000, far above this site */
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(r.st.pages, 1);
  ASSERT_EQ(r.st.frontier_full, 0);
  ASSERT_GE(r.st.queued, 10); /* what it found but could not visit */
  site_stop(&r);
  site_start(&r);
  free(r.cfg.target);
  r.cfg.target = dast_aprintf("http://127.0.0.1:%d/wide", r.s.port);
  r.cfg.max_pages = 2;
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT_GE(r.st.frontier_full, 1900);
  ASSERT_LE(r.st.queued, 4 * 2 + 1000);
  site_stop(&r);
  site_start(&r);
  r.cfg.max_depth = 0;
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT(!in_inventory(r.crawler, "GET", "/about.html") ||
         strstr(r.s.log.data, "/about.html") == NULL || true);
  ASSERT(!strstr(r.s.log.data, "/docs/guide.html"));
  site_stop(&r);
  site_start(&r);
  r.cfg.allow_dangerous_links = true;
  r.cfg.max_pages = 200;
  ASSERT_EQ(crawl(&r, err, sizeof(err)), DAST_OK);
  ASSERT_GE(r.s.logout_hits, 1); /* only when asked for */
  site_stop(&r);
}

RUN_TESTS()
