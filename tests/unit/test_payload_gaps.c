/* test_payload_gaps.c — the checks added for gaps found on real apps (DVWA,
 * DSVW), end to end against an evhttp server on 127.0.0.1:0 running on the
 * engine's own event_base.  The handlers do what real code does — build an
 * XPath expression by concatenation and evaluate it with libxml2's XPath
 * engine, run SQL on an in-memory SQLite database, parse an XML document
 * from a query parameter, store a GET parameter and show it later, wrap
 * JSON in a caller-named function — and each has a safe twin.  Vulnerable
 * handlers must be found *confirmed*; safe twins and the cross-class traps
 * (SQL injection is not XPath injection, a reflection is not storage, a
 * JSON echo is not JSONP) must produce no confirmed finding. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "payloads/attack.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

static const char users_xml[] =
    "<users><user><name>alice</name><role>administrator</role></user>"
    "<user><name>bob</name><role>customer</role></user></users>";

struct app {
  struct event_base *base;
  struct evhttp *http;
  int port;
  xmlDocPtr users;
  sqlite3 *db;
  char wall[8192], wall_safe[8192]; /* GET-stored messages */
  unsigned token, ntoken;           /* the one current anti-CSRF token of the session */
  unsigned stale;                   /* POSTs refused for a token voided since it was issued */
};

static void reply(struct evhttp_request *req, int code, const char *ctype, const char *body)
{
  struct evbuffer *b = evbuffer_new();
  evbuffer_add(b, body, strlen(body));
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", ctype);
  evhttp_send_reply(req, code, "X", b);
  evbuffer_free(b);
}

static void html(struct evhttp_request *req, int code, const char *body)
{
  reply(req, code, "text/html; charset=utf-8", body);
}




/* A user directory: //user[name/text()='<name>']/role.  The vulnerable one
 * concatenates and shows the engine's error the way PHP's SimpleXML does;
 * the safe one refuses names that are not plain words. */
static void h_xpath(struct app *a, struct evhttp_request *req, bool safe)
{
  char *name = dast_test_param(req, "name");
  bool word = name[strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789")] == '\0';
  char expr[1024], page[2048];
  snprintf(expr, sizeof(expr), "//user[name/text()='%s']/role", name);
  xmlXPathContextPtr ctx = xmlXPathNewContext(a->users);
  xmlSetGenericErrorFunc(NULL, dast_test_quiet);
  xmlResetLastError();
  xmlXPathObjectPtr r = safe && !word ? NULL : xmlXPathEvalExpression(BAD_CAST expr, ctx);
  const xmlError *err = xmlGetLastError();
  char xpath_err[256];
  snprintf(xpath_err, sizeof(xpath_err), "%s", err && err->message ? err->message : "error");
  xpath_err[strcspn(xpath_err, "\n")] = '\0';
  int k = snprintf(page, sizeof(page), "<html><body><h1>User directory</h1><p>Roles of the people "
                                       "we know, looked up by name.</p><ul>");
  if(!r && !safe)
    k += snprintf(page + k, sizeof(page) - (size_t)k,
                  "<b>Warning</b>: SimpleXMLElement::xpath(): %s in /var/www/users.php", xpath_err);
  for(int i = 0; r && r->nodesetval && i < r->nodesetval->nodeNr; i++) {
    xmlChar *t = xmlNodeGetContent(r->nodesetval->nodeTab[i]);
    k += snprintf(page + k, sizeof(page) - (size_t)k, "<li>%s</li>", (const char *)t);
    xmlFree(t);
  }
  if(!r || !r->nodesetval || !r->nodesetval->nodeNr)
    k += snprintf(page + k, sizeof(page) - (size_t)k, "<li>nobody by that name</li>");
  snprintf(page + k, sizeof(page) - (size_t)k, "</ul></body></html>");
  html(req, 200, page);
  xmlXPathFreeObject(r);
  xmlXPathFreeContext(ctx);
  free(name);
}

/* The same directory in SQL: SQL injection, which the XPath checks must
 * leave to the SQL checks. */
static void h_sql(struct app *a, struct evhttp_request *req)
{
  char *name = dast_test_param(req, "name");
  char *sql = sqlite3_mprintf("SELECT role FROM users WHERE name = '%s'", name);
  sqlite3_stmt *st = NULL;
  char page[2048];
  int k = snprintf(page, sizeof(page), "<html><body><h1>User directory</h1><p>Roles of the people "
                                       "we know, looked up by name.</p><ul>");
  int n = 0;
  if(sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) {
    k += snprintf(page + k, sizeof(page) - (size_t)k, "sqlite3.OperationalError: %s", sqlite3_errmsg(a->db));
  } else {
    while(sqlite3_step(st) == SQLITE_ROW && k < 1800) {
      k += snprintf(page + k, sizeof(page) - (size_t)k, "<li>%s</li>", (const char *)sqlite3_column_text(st, 0));
      n++;
    }
  }
  if(!n) k += snprintf(page + k, sizeof(page) - (size_t)k, "<li>nobody by that name</li>");
  snprintf(page + k, sizeof(page) - (size_t)k, "</ul></body></html>");
  sqlite3_finalize(st);
  sqlite3_free(sql);
  html(req, 200, page);
  free(name);
}

/* ?xml=<order>...</order>: the document's text is echoed; the vulnerable
 * parser substitutes external entities. */
static void h_xmlparam(struct evhttp_request *req, bool safe)
{
  char *x = dast_test_param(req, "xml");
  xmlSetGenericErrorFunc(NULL, dast_test_quiet);
  int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  if(!safe) opts |= XML_PARSE_NOENT | XML_PARSE_DTDLOAD;
  xmlDocPtr d = xmlReadMemory(x, (int)strlen(x), "in.xml", NULL, opts);
  free(x);
  if(!d) {
    html(req, 400, "<html><body>bad xml</body></html>");
    return;
  }
  xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(d));
  char *e = dast_test_html_esc(text ? (const char *)text : "");
  size_t len = strlen(e) + 64;
  char *page = malloc(len);
  snprintf(page, len, "<html><body><pre>%s</pre></body></html>", e);
  html(req, 200, page);
  free(page);
  free(e);
  xmlFree(text);
  xmlFreeDoc(d);
}

/* A guest wall written through GET: ?msg= appends, every view lists all
 * messages (the vulnerable one unescaped). */
static void h_wall(struct app *a, struct evhttp_request *req, bool safe)
{
  char *store = safe ? a->wall_safe : a->wall;
  char *m = dast_test_param(req, "msg");
  char *e = dast_test_html_esc(m);
  size_t used = strlen(store);
  if(*m) snprintf(store + used, sizeof(a->wall) - used, "<li>%s</li>", safe ? e : m);
  size_t n = strlen(store) + 128;
  char *page = malloc(n);
  snprintf(page, n, "<html><body><h1>Wall</h1><ul>%s</ul></body></html>", store);
  html(req, 200, page);
  free(page);
  free(e);
  free(m);
}

static void h_jsonp(struct evhttp_request *req, const char *path)
{
  char *cb = dast_test_param(req, "callback"), body[1024];
  static const char data[] = "{\"user\":\"bob\",\"email\":\"bob@example.com\"}";
  if(!strcmp(path, "/jsonp"))
    snprintf(body, sizeof(body), "%s(%s);", cb, data);
  else if(!strcmp(path, "/jsonp-express"))
    snprintf(body, sizeof(body), "/**/ typeof %s === 'function' && %s(%s);", cb, cb, data);
  else if(!strcmp(path, "/jsonp-safe")) /* allow-listed callback names only */
    snprintf(body, sizeof(body), "%s(%s);", !strcmp(cb, "showUser") ? cb : "handleUser", data);
  else if(!strncmp(path, "/jsonp-plain", 12)) { /* DSVW: text/plain, runs from <script> unless nosniff */
    snprintf(body, sizeof(body), "%s(%s);", cb, data);
    if(!strcmp(path, "/jsonp-plain-nosniff"))
      evhttp_add_header(evhttp_request_get_output_headers(req), "X-Content-Type-Options", "nosniff");
    reply(req, 200, "text/plain", body);
    free(cb);
    return;
  }
  else /* /jsonecho: script that quotes the value, not a call */
    snprintf(body, sizeof(body), "var req = {\"callback\":\"%s\"}; show(%s);", cb, data);
  reply(req, 200, "application/javascript; charset=utf-8", body);
  free(cb);
}

/* A login form whose token is one value per session, replaced at every
 * render: a POST with any other token is refused (403). */
static void h_login(struct app *a, struct evhttp_request *req)
{
  char page[512];
  if(evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
    a->token = 0x7a11u + ++a->ntoken * 7919u;
    snprintf(page, sizeof(page), "<html><body><form method=post action=/signin><input type=hidden "
                                 "name=csrf_token value=\"%x\"><input name=user><input type=password "
                                 "name=pass></form></body></html>", a->token);
    html(req, 200, page);
    return;
  }
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  char *body = calloc(1, n + 1);
  evbuffer_copyout(in, body, n);
  struct evkeyvalq q;
  TAILQ_INIT(&q);
  const char *tok = NULL;
  if(!evhttp_parse_query_str(body, &q)) tok = evhttp_find_header(&q, "csrf_token");
  bool ok = tok && a->token && strtoul(tok, NULL, 16) == a->token;
  /* a token we issued but voided since (a probe *in* the token field is no such thing) */
  bool voided = !ok && tok && *tok && tok[strspn(tok, "0123456789abcdef")] == '\0';
  evhttp_clear_headers(&q);
  free(body);
  if(ok) html(req, 200, "<html><body><p>Invalid user name or password.</p></body></html>");
  else {
    a->stale += voided;
    html(req, 403, "<html><body><p>Your form has expired. Please try again.</p></body></html>");
  }
}

static void handler(struct evhttp_request *req, void *ud)
{
  struct app *a = ud;
  const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
  if(!path) path = "/";
  if(!strcmp(path, "/xpath")) h_xpath(a, req, false);
  else if(!strcmp(path, "/xpath-safe")) h_xpath(a, req, true);
  else if(!strcmp(path, "/sql")) h_sql(a, req);
  else if(!strcmp(path, "/xmlp")) h_xmlparam(req, false);
  else if(!strcmp(path, "/xmlp-safe")) h_xmlparam(req, true);
  else if(!strcmp(path, "/signin")) h_login(a, req);
  else if(!strcmp(path, "/wall")) h_wall(a, req, false);
  else if(!strcmp(path, "/wall-safe")) h_wall(a, req, true);
  else if(!strcmp(path, "/echo")) {
    char *q = dast_test_param(req, "q"), page[1024];
    snprintf(page, sizeof(page), "<html><body><p>You said %s</p></body></html>", q);
    html(req, 200, page);
    free(q);
  } else if(!strcmp(path, "/st/page")) {
    html(req, 200, "<html><body><p>A page that works.</p></body></html>");
  } else if(!strncmp(path, "/st/", 4)) { /* any other path: a soft-404 with a PHP warning */
    html(req, 200, "<html><body><b>Warning</b>: include(x): failed to open stream in "
                   "<b>/var/www/st.php</b> on line <b>12</b></body></html>");
  } else if(!strncmp(path, "/json", 5)) h_jsonp(req, path);
  else html(req, 200, "<html><body><h1>Sorry</h1><p>We could not find that page.</p></body></html>");
}

static void app_start(struct app *a, struct event_base *base)
{
  memset(a, 0, sizeof(*a));
  a->base = base;
  a->users = xmlReadMemory(users_xml, (int)strlen(users_xml), "users.xml", NULL, XML_PARSE_NONET);
  sqlite3_open(":memory:", &a->db);
  sqlite3_exec(a->db, "CREATE TABLE users(name TEXT, role TEXT);"
                      "INSERT INTO users VALUES('alice','administrator'),('bob','customer');",
               NULL, NULL, NULL);
  a->http = evhttp_new(base);
  evhttp_set_gencb(a->http, handler, a);
  struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(a->http, "127.0.0.1", 0);
  struct sockaddr_in sin = {0};
  socklen_t len = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &len);
  a->port = ntohs(sin.sin_port);
}

struct scan {
  struct event_base *base;
  struct app app;
  struct dast_test_rig rig;
};

/* A GET endpoint path?pname=pval (no parameter when pname is NULL),
 * found on the page `on` (NULL: unknown). */
static void add_ep(struct scan *s, const char *path, const char *pname, const char *pval,
                   const char *on)
{
  struct dast_endpoint *ep = dast_test_rig_add(&s->rig, "GET", path, DAST_IP_QUERY, pname, pval);
  if(on) ep->found_on = dast_aprintf("http://127.0.0.1:%d%s", s->app.port, on);
}

static void scan_init(struct scan *s, const char *const *only)
{
  memset(s, 0, sizeof(*s));
  s->base = event_base_new();
  app_start(&s->app, s->base);
  dast_test_rig_init(&s->rig, s->base, s->app.port, DAST_PROFILE_STANDARD, 7, only);
}

static void scan_run(struct scan *s)
{
  dast_test_rig_run(&s->rig);
}

static void scan_free(struct scan *s)
{
  dast_test_rig_free(&s->rig, 100);
  evhttp_free(s->app.http);
  xmlFreeDoc(s->app.users);
  sqlite3_close(s->app.db);
  event_base_free(s->base);
}

static const struct dast_finding *find(const struct scan *s, const char *check, const char *tmpl)
{
  return dast_test_find(s->rig.attack, check, tmpl);
}

static void dump(const struct scan *s)
{
  dast_test_dump_findings(s->rig.attack);
}

#define EXPECT_CONFIRMED(s, check, tmpl) DAST_EXPECT_CONFIRMED((s)->rig.attack, check, tmpl)
#define EXPECT_NOT_CONFIRMED(s, check, tmpl) DAST_EXPECT_NOT_CONFIRMED((s)->rig.attack, check, tmpl)

TEST(xpath_lower_case_boolean_and_errors_not_sql)
{
  static const char *const only[] = {"xpath-boolean", "xpath-error", "sqli-boolean", NULL};
  struct scan s;
  scan_init(&s, only);
  add_ep(&s, "/xpath", "name", "bob", NULL);
  add_ep(&s, "/xpath-safe", "name", "bob", NULL);
  add_ep(&s, "/sql", "name", "bob", NULL);
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "xpath-boolean", "/xpath?name=");
  EXPECT_CONFIRMED(&s, "xpath-error", "/xpath?name=");
  ASSERT_CONTAINS(find(&s, "xpath-error", "/xpath?name=")->response, ">>>");
  /* XPath's upper-case AND is a syntax error: the SQL check stays dast_test_quiet */
  EXPECT_NOT_CONFIRMED(&s, "sqli-boolean", "/xpath?name=");
  ASSERT(!find(&s, "xpath-boolean", "/xpath-safe?name="));
  ASSERT(!find(&s, "xpath-error", "/xpath-safe?name="));
  /* SQL injection is found as SQL injection, never as XPath injection */
  EXPECT_CONFIRMED(&s, "sqli-boolean", "/sql?name=");
  ASSERT(!find(&s, "xpath-boolean", "/sql?name="));
  ASSERT(!find(&s, "xpath-error", "/sql?name="));
  scan_free(&s);
}

TEST(xxe_in_a_parameter_holding_xml)
{
  static const char *const only[] = {"xxe-param", NULL};
  struct scan s;
  scan_init(&s, only);
  add_ep(&s, "/xmlp", "xml", "<order><item>shoe</item></order>", NULL);
  add_ep(&s, "/xmlp-safe", "xml", "<order><item>shoe</item></order>", NULL);
  add_ep(&s, "/echo", "q", "shoes", NULL);
  add_ep(&s, "/note", "q", "<b>bold", NULL); /* starts with '<' but is no document */
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "xxe-param", "/xmlp?xml=");
  ASSERT_CONTAINS(find(&s, "xxe-param", "/xmlp?xml=")->response, "root:");
  ASSERT(!find(&s, "xxe-param", "/xmlp-safe?xml="));
  /* parameters whose sample value is not an XML document get no XXE probe */
  const struct dast_tested *t;
  size_t n = dast_attack_tested(s.rig.attack, &t), echo = 0;
  for(size_t i = 0; i < n; i++)
    if(!strcmp(t[i].tmpl, "/echo?q=") || !strcmp(t[i].tmpl, "/note?q=")) {
      echo++;
      ASSERT(!t[i].applicable);
    }
  ASSERT_EQ(echo, 2);
  scan_free(&s);
}

TEST(stored_xss_planted_through_get)
{
  static const char *const only[] = {"xss-stored", NULL};
  struct scan s;
  scan_init(&s, only);
  add_ep(&s, "/wall", "msg", "hello", "/wall");
  add_ep(&s, "/wall", NULL, NULL, NULL);
  add_ep(&s, "/wall-safe", "msg", "hello", "/wall-safe");
  add_ep(&s, "/wall-safe", NULL, NULL, NULL);
  add_ep(&s, "/echo", "q", "shoes", "/echo"); /* reflects unescaped, stores nothing */
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "xss-stored", "/wall?msg=");
  /* the finding shows what was planted, where: the expanded payload and
   * the planting URL with its parameter */
  const struct dast_finding *w = find(&s, "xss-stored", "/wall?msg=");
  ASSERT(w && w->payload && !strstr(w->payload, "$["));
  ASSERT(w && w->url && strstr(w->url, "msg="));
  ASSERT(!find(&s, "xss-stored", "/wall-safe?msg="));
  ASSERT(!find(&s, "xss-stored", "/echo?q=")); /* a reflection is not storage */
  scan_free(&s);
}

TEST(passive_checks_ignore_guessed_paths)
{
  /* backup-files asks for /st/page~, /st/page.bak ...: the soft-404 they get
   * shows a PHP warning; that is the site's answer to our made-up URLs, not
   * a finding on a page of the site (real-world: 18 such duplicates on DVWA) */
  static const char *const only[] = {"backup-files", "error-stack-trace", NULL};
  struct scan s;
  scan_init(&s, only);
  add_ep(&s, "/st/page", "q", "1", NULL);
  scan_run(&s);
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(s.rig.attack, &fs);
  for(size_t i = 0; i < n; i++) {
    if(!strcmp(fs[i]->check_id, "error-stack-trace")) fprintf(stderr, "  unexpected on %s\n", fs[i]->tmpl);
    ASSERT(strcmp(fs[i]->check_id, "error-stack-trace"));
  }
  scan_free(&s);
}

TEST(jsonp_only_when_the_body_calls_our_name)
{
  static const char *const only[] = {"jsonp-callback", NULL};
  struct scan s;
  scan_init(&s, only);
  add_ep(&s, "/jsonp", "callback", "cb", NULL);
  add_ep(&s, "/jsonp-express", "callback", "cb", NULL);
  add_ep(&s, "/jsonp-safe", "callback", "showUser", NULL);
  add_ep(&s, "/jsonecho", "callback", "cb", NULL);
  add_ep(&s, "/echo", "q", "cb", NULL); /* HTML starting with the value is not script */
  add_ep(&s, "/jsonp-plain", "callback", "cb", NULL);
  add_ep(&s, "/jsonp-plain-nosniff", "callback", "cb", NULL);
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "jsonp-callback", "/jsonp-plain?callback=");
  ASSERT(!find(&s, "jsonp-callback", "/jsonp-plain-nosniff?callback="));
  EXPECT_CONFIRMED(&s, "jsonp-callback", "/jsonp?callback=");
  EXPECT_CONFIRMED(&s, "jsonp-callback", "/jsonp-express?callback=");
  ASSERT(!find(&s, "jsonp-callback", "/jsonp-safe?callback="));
  ASSERT(!find(&s, "jsonp-callback", "/jsonecho?callback="));
  ASSERT(!find(&s, "jsonp-callback", "/echo?q="));
  scan_free(&s);
}

TEST(rotating_session_token_does_not_fake_a_differential)
{
  /* every job fetches a fresh token before each probe; run side by side,
   * one job's fetch voided the token another was about to send, and the
   * 403 of the "false" probe passed for the application's answer */
  static const char *const only[] = {"xpath-boolean", "sqli-boolean", "xss-reflected", NULL};
  struct scan s;
  scan_init(&s, only);
  char *url = dast_aprintf("http://127.0.0.1:%d/signin", s.app.port);
  struct dast_endpoint *ep = dast_endpoint_new("POST", url, DAST_SRC_FORM);
  free(url);
  ep->tmpl = dast_strdup("/signin");
  ep->found_on = dast_aprintf("http://127.0.0.1:%d/signin", s.app.port);
  dast_endpoint_add_param(ep, DAST_IP_FORM, "csrf_token", "7a11", "hidden");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "user", "alice", "text");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "pass", "secret", "password");
  s.rig.eps[s.rig.neps++] = ep;
  scan_run(&s);
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(s.rig.attack, &fs);
  if(n) dump(&s);
  ASSERT_EQ(n, 0);
  struct dast_stats st;
  dast_engine_stats(s.rig.eng, &st);
  ASSERT_GE(st.requests, 20); /* it was probed */
  ASSERT_EQ(s.app.stale, 0);  /* and no probe carried a token another job had voided */
  scan_free(&s);
}

RUN_TESTS()
