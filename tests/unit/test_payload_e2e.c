/* test_payload_e2e.c — the attack engine end to end: an evhttp server on
 * 127.0.0.1:0 on the engine's own event_base with small vulnerable handlers
 * and their safe twins (written here, generic: they mimic what real code
 * does — concatenate into "SQL", a shell, a path, a template, HTML), hand-built
 * endpoints, then dast_attack_start + dast_engine_run.  Vulnerable handlers
 * must be found *confirmed*; safe ones must produce no confirmed finding. */
#include <arpa/inet.h>
#include <ctype.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <sys/queue.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payloads/attack.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

struct app {
  struct event_base *base;
  struct evhttp *http;
  int port;
  char guestbook[8192]; /* stored unescaped */
  char notes[8192];     /* stored, rendered escaped */
  char dav_name[128], dav_body[256]; /* one file stored by PUT under /dav/ */
  struct evhttp_connection *client;
  unsigned tokens[64]; /* issued, single-use anti-CSRF tokens */
  struct later *laters[256]; /* delayed replies still pending (freed at the end) */
  unsigned next_token;
};

struct later {
  struct evhttp_request *req;
  struct event *ev;
  char *body;
  struct later **slot; /* in app.laters, cleared when it fires */
};

static void send_html(struct evhttp_request *req, int code, const char *body)
{
  struct evbuffer *b = evbuffer_new();
  evbuffer_add(b, body, strlen(body));
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "text/html; charset=utf-8");
  evhttp_send_reply(req, code, "X", b);
  evbuffer_free(b);
}

static void later_cb(evutil_socket_t fd, short k, void *ud)
{
  (void)fd;
  (void)k;
  struct later *l = ud;
  send_html(l->req, 200, l->body);
  if(l->slot) *l->slot = NULL;
  event_free(l->ev);
  free(l->body);
  free(l);
}

static void send_later(struct app *a, struct evhttp_request *req, int ms, const char *body)
{
  struct later *l = calloc(1, sizeof(*l));
  l->req = req;
  l->body = strdup(body);
  l->ev = evtimer_new(a->base, later_cb, l);
  for(size_t i = 0; i < sizeof(a->laters) / sizeof(a->laters[0]); i++)
    if(!a->laters[i]) {
      a->laters[i] = l;
      l->slot = &a->laters[i];
      break;
    }
  struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
  evtimer_add(l->ev, &tv);
}



/* "SQL": SELECT ... WHERE id = <input>, evaluated the way a database would
 * for the shapes that matter: unbalanced quotes are a syntax error, a
 * trailing "AND x=y" filters, comments are ignored. */
static void h_product(struct app *a, struct evhttp_request *req, bool safe)
{
  (void)a;
  char *id = dast_test_param(req, "id");
  char *end;
  long n = strtol(id, &end, 10);
  int sq = 0, dq = 0;
  for(char *p = end; *p; p++) {
    sq += *p == '\'';
    dq += *p == '"';
  }
  char page[1024];
  static const char found[] = "<html><body><h1>Product %ld</h1><p>A sturdy shoe made of leather, size 42.</p><ul><li>In stock</li><li>Free delivery</li><li>4 reviews</li></ul></body></html>";
  const char *none = "<html><body><h1>No product</h1></body></html>";
  if(safe) {
    /* parameterised and validated; but the page always carries a SQL-looking warning */
    bool ok = end != id && !*end;
    snprintf(page, sizeof(page),
             "<html><body><p class=warn>Warning: mysql_connect(): You have an error in your SQL syntax (legacy banner)</p><h1>%s %ld</h1></body></html>",
             ok ? "Product" : "No product", ok ? n : 0L);
    send_html(req, 200, page);
  } else if(sq % 2 || dq % 2) {
    snprintf(page, sizeof(page), "<html><body>Error: You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '%.40s' at line 1</body></html>", end);
    send_html(req, 500, page);
  } else {
    long x, y;
    int used = 0;
    bool cond = true;
    const char *r = end;
    if(!strncmp(r, "/**/", 4)) r += 4;
    if(sscanf(r, " AND %ld=%ld%n", &x, &y, &used) == 2 && !r[used]) cond = x == y;
    else if(*r) cond = false;
    if(cond && end != id) snprintf(page, sizeof(page), found, n);
    else snprintf(page, sizeof(page), "%s", none);
    send_html(req, 200, page);
  }
  free(id);
}

/* A shell: "ping -c1 <host>" — output of commands after a separator. */
static void h_ping(struct evhttp_request *req, bool safe)
{
  char *host = dast_test_param(req, "host");
  char out[512];
  char *e = dast_test_html_esc(host);
  int k = snprintf(out, sizeof(out), "<html><body><pre>PING %s</pre>", e);
  free(e);
  const char *echo = strstr(host, "echo $((");
  bool sep = echo && (strpbrk(host, ";|&\n`") || strstr(host, "$(echo"));
  if(!safe && sep) {
    unsigned long long x = 0, y = 0;
    if(sscanf(echo, "echo $((%llu*%llu))", &x, &y) == 2)
      k += snprintf(out + k, sizeof(out) - (size_t)k, "<pre>%llu</pre>", x * y);
  }
  snprintf(out + k, sizeof(out) - (size_t)k, "</body></html>");
  send_html(req, 200, out);
  free(host);
}

/* A template engine that evaluates {{x*y}} in the input (vulnerable) or
 * treats the input as data (safe). */
static void h_hello(struct evhttp_request *req, bool safe)
{
  char *name = dast_test_param(req, "name");
  char out[512], *e = dast_test_html_esc(name);
  const char *t = strstr(name, "{{");
  unsigned long long x, y;
  if(!safe && t && sscanf(t, "{{%llu*%llu}}", &x, &y) == 2)
    snprintf(out, sizeof(out), "<html><body>Hello %.*s%llu</body></html>", (int)(t - name), name, x * y);
  else
    snprintf(out, sizeof(out), "<html><body>Hello %s</body></html>", e);
  send_html(req, 200, out);
  free(e);
  free(name);
}

/* open("/var/www/files/" + name) with .. resolution (vulnerable), or a
 * basename-only lookup (safe). */
static void h_file(struct evhttp_request *req, bool safe)
{
  char *name = dast_test_param(req, "name");
  char path[1024];
  snprintf(path, sizeof(path), "%s%s", name[0] == '/' ? "" : "/var/www/files/", name);
  if(safe) {
    char *slash = strrchr(name, '/');
    snprintf(path, sizeof(path), "/var/www/files/%s", slash ? slash + 1 : name);
  }
  /* resolve . and .. and // */
  char *segs[64];
  int n = 0;
  for(char *s = path, *next; s && n < 64; s = next) {
    next = strchr(s, '/');
    if(next) *next++ = '\0';
    if(!*s || !strcmp(s, ".")) continue;
    if(!strcmp(s, "..")) {
      if(n) n--;
      continue;
    }
    segs[n++] = s;
  }
  char real[1024] = "";
  for(int i = 0; i < n; i++) {
    strncat(real, "/", sizeof(real) - strlen(real) - 1);
    strncat(real, segs[i], sizeof(real) - strlen(real) - 1);
  }
  if(!strcmp(real, "/etc/passwd"))
    send_html(req, 200, "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n");
  else if(!strncmp(real, "/var/www/files/", 15))
    send_html(req, 200, "<html><body>file contents: hello</body></html>");
  else
    send_html(req, 404, "<html><body>no such file</body></html>");
  free(name);
}

static void h_go(struct evhttp_request *req, bool safe)
{
  char *next = dast_test_param(req, "next");
  const char *to = next;
  if(safe && (next[0] != '/' || next[1] == '/' || next[1] == '\\')) to = "/";
  evhttp_add_header(evhttp_request_get_output_headers(req), "Location", to);
  send_html(req, 302, "<html><body>moved</body></html>");
  free(next);
}

static void h_stored(struct app *a, struct evhttp_request *req, bool safe)
{
  char *store = safe ? a->notes : a->guestbook;
  if(evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
    char *m = dast_test_param(req, safe ? "note" : "msg");
    if(strlen(store) + strlen(m) + 16 < sizeof(a->guestbook)) {
      strcat(store, "<li>");
      strcat(store, m);
      strcat(store, "</li>");
    }
    free(m);
    send_html(req, 200, "<html><body>thanks</body></html>");
    return;
  }
  char *shown = safe ? NULL : strdup(store);
  if(safe) {
    /* render escaped (the stored text still carries our <li> markup) */
    shown = dast_test_html_esc(store);
  }
  size_t n = strlen(shown) + 128;
  char *page = malloc(n);
  snprintf(page, n, "<html><body><ul>%s</ul></body></html>", shown);
  send_html(req, 200, page);
  free(page);
  free(shown);
}

/* An XML API: echoes the document's text; the vulnerable twin lets the
 * parser substitute external entities (XML_PARSE_NOENT|DTDLOAD). */

static void h_xml(struct evhttp_request *req, bool safe)
{
  xmlSetGenericErrorFunc(NULL, dast_test_quiet);
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  char *body = calloc(1, n + 1);
  evbuffer_copyout(in, body, n);
  int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  if(!safe) opts |= XML_PARSE_NOENT | XML_PARSE_DTDLOAD;
  xmlDocPtr d = xmlReadMemory(body, (int)n, "in.xml", NULL, opts);
  free(body);
  if(!d) {
    send_html(req, 400, "<html><body>bad xml</body></html>");
    return;
  }
  xmlChar *text = xmlNodeGetContent(xmlDocGetRootElement(d));
  char *e = dast_test_html_esc(text ? (const char *)text : "");
  size_t len = strlen(e) + 64;
  char *page = malloc(len);
  snprintf(page, len, "<html><body><pre>%s</pre></body></html>", e);
  send_html(req, 200, page);
  free(page);
  free(e);
  xmlFree(text);
  xmlFreeDoc(d);
}

static void fetched_cb(struct evhttp_request *r, void *ud)
{
  (void)r;
  (void)ud;
}

/* Server-side fetch of ?url= (only ever to 127.0.0.1: this is a test). */
static void h_fetch(struct app *a, struct evhttp_request *req)
{
  char *url = dast_test_param(req, "url");
  struct evhttp_uri *u = evhttp_uri_parse(url);
  if(u && evhttp_uri_get_host(u) && !strcmp(evhttp_uri_get_host(u), "127.0.0.1") &&
     evhttp_uri_get_port(u) > 0) {
    if(!a->client)
      a->client = evhttp_connection_base_new(a->base, NULL, "127.0.0.1", (ev_uint16_t)evhttp_uri_get_port(u));
    struct evhttp_request *out = evhttp_request_new(fetched_cb, NULL);
    evhttp_add_header(evhttp_request_get_output_headers(out), "Host", "127.0.0.1");
    const char *path = evhttp_uri_get_path(u);
    evhttp_make_request(a->client, out, EVHTTP_REQ_GET, path && *path ? path : "/");
  }
  if(u) evhttp_uri_free(u);
  free(url);
  send_html(req, 200, "<html><body>preview queued</body></html>");
}

/* What a JNDI client does first: bind, then search with the DN. */
struct ldapc {
  char dn[128];
  int step;
};

static void ldapc_read(struct bufferevent *bev, void *ud)
{
  struct ldapc *c = ud;
  unsigned char buf[256];
  (void)bufferevent_read(bev, buf, sizeof(buf));
  if(c->step++ == 0) {
    unsigned char req[300];
    size_t dl = strlen(c->dn);
    size_t n = 0;
    req[n++] = 0x30; req[n++] = (unsigned char)(dl + 7);
    req[n++] = 0x02; req[n++] = 0x01; req[n++] = 0x02;     /* messageID 2 */
    req[n++] = 0x63; req[n++] = (unsigned char)(dl + 2);    /* searchRequest */
    req[n++] = 0x04; req[n++] = (unsigned char)dl;          /* baseObject */
    memcpy(req + n, c->dn, dl);
    n += dl;
    bufferevent_write(bev, req, n);
  }
}

static void ldapc_event(struct bufferevent *bev, short what, void *ud)
{
  if(what & BEV_EVENT_CONNECTED) {
    static const unsigned char bind[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x60, 0x07, 0x02,
                                         0x01, 0x03, 0x04, 0x00, 0x80, 0x00};
    bufferevent_write(bev, bind, sizeof(bind));
    return;
  }
  free(ud);
  bufferevent_free(bev);
}

/* Emulates a logger with lookups: ${jndi:ldap://127.0.0.1:port/dn} is
 * resolved by talking LDAP to that address (only 127.0.0.1: a test). */
static void fake_jndi(struct app *a, const char *s)
{
  const char *j = s ? strstr(s, "${jndi:ldap://127.0.0.1:") : NULL;
  if(!j) return;
  int port = (int)strtol(j + 24, NULL, 10);
  const char *slash = strchr(j + 24, '/');
  if(!slash || port <= 0) return;
  struct ldapc *c = calloc(1, sizeof(*c));
  snprintf(c->dn, sizeof(c->dn), "%.*s", (int)strcspn(slash + 1, "}"), slash + 1);
  struct bufferevent *bev = bufferevent_socket_new(a->base, -1, BEV_OPT_CLOSE_ON_FREE);
  bufferevent_setcb(bev, ldapc_read, NULL, ldapc_event, c);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
  if(bufferevent_socket_connect(bev, (struct sockaddr *)&sin, sizeof(sin))) {
    free(c);
    bufferevent_free(bev);
  }
}

static void handler(struct evhttp_request *req, void *ud)
{
  struct app *a = ud;
  const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
  struct evkeyvalq *out = evhttp_request_get_output_headers(req);
  if(!path) path = "/";
  if(!strcmp(path, "/logged"))
    fake_jndi(a, evhttp_find_header(evhttp_request_get_input_headers(req), "User-Agent"));
  if(!strcmp(path, "/")) {
    evhttp_add_header(out, "Server", "Apache/2.4.41 (Ubuntu)");
    evhttp_add_header(out, "Set-Cookie", "sessionid=f00d; Path=/");
    send_html(req, 200, "<html><body><a href='/search?q=x'>search</a></body></html>");
  } else if(!strcmp(path, "/search") || !strcmp(path, "/search-safe")) {
    char *q = dast_test_param(req, "q"), *e = dast_test_html_esc(q), page[1024];
    bool safe = !strcmp(path, "/search-safe");
    snprintf(page, sizeof(page), "<html><body><p>Results for %s</p><form><input name=q value=\"%s\"></form></body></html>",
             safe ? e : q, safe ? e : q);
    send_html(req, 200, page);
    free(q);
    free(e);
  } else if(!strcmp(path, "/product")) h_product(a, req, false);
  else if(!strcmp(path, "/product-safe")) h_product(a, req, true);
  else if(!strcmp(path, "/ping")) h_ping(req, false);
  else if(!strcmp(path, "/ping-safe")) h_ping(req, true);
  else if(!strcmp(path, "/hello")) h_hello(req, false);
  else if(!strcmp(path, "/hello-safe")) h_hello(req, true);
  else if(!strcmp(path, "/file")) h_file(req, false);
  else if(!strcmp(path, "/file-safe")) h_file(req, true);
  else if(!strcmp(path, "/go")) h_go(req, false);
  else if(!strcmp(path, "/go-safe")) h_go(req, true);
  else if(!strcmp(path, "/guestbook")) h_stored(a, req, false);
  else if(!strcmp(path, "/notes")) h_stored(a, req, true);
  else if(!strcmp(path, "/xml")) h_xml(req, false);
  else if(!strcmp(path, "/xml-safe")) h_xml(req, true);
  else if(!strcmp(path, "/fetch")) h_fetch(a, req);
  else if(!strcmp(path, "/api/profile")) {
    const char *o = evhttp_find_header(evhttp_request_get_input_headers(req), "Origin");
    if(o) {
      evhttp_add_header(out, "Access-Control-Allow-Origin", o);
      evhttp_add_header(out, "Access-Control-Allow-Credentials", "true");
    }
    send_html(req, 200, "{\"user\":\"bob\"}");
  } else if(!strcmp(path, "/tokform")) {
    /* a new single-use token on every render */
    unsigned t = 0x5eed0000u + ++a->next_token * 7919u;
    a->tokens[a->next_token % 64] = t;
    char page[256];
    snprintf(page, sizeof(page), "<html><body><form method=post action=/tokpost><input type=hidden name=csrf_token value=\"%x\"><input name=q></form></body></html>", t);
    send_html(req, 200, page);
  } else if(!strcmp(path, "/tokpost")) {
    char *tok = dast_test_param(req, "csrf_token"), *q = dast_test_param(req, "q");
    unsigned t = (unsigned)strtoul(tok, NULL, 16);
    bool ok = false;
    for(int i = 0; i < 64; i++)
      if(t && a->tokens[i] == t) {
        a->tokens[i] = 0;
        ok = true;
      }
    char page[512];
    snprintf(page, sizeof(page), "<html><body>%s %s</body></html>", ok ? "Posted:" : "Invalid token", ok ? q : "");
    send_html(req, ok ? 200 : 403, page);
    free(tok);
    free(q);
  } else if(!strcmp(path, "/visits")) {
    /* INSERT INTO visits(ip) VALUES('<X-Forwarded-For>') */
    const char *x = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Forwarded-For");
    int q = 0;
    for(const char *p = x; p && *p; p++) q += *p == '\'';
    if(q % 2) send_html(req, 500, "<html><body>PG::SyntaxError: ERROR:  unterminated quoted string at or near \"'\"</body></html>");
    else send_html(req, 200, "<html><body>visit counted</body></html>");
  } else if(!strcmp(path, "/report")) {
    char *y = dast_test_param(req, "year"), *end;
    (void)strtol(y, &end, 10);
    if(*end || !*y)
      send_html(req, 500, "<pre>Traceback (most recent call last):\n  File \"/srv/app.py\", line 12, in report\n    year = int(request.args['year'])\nValueError: invalid literal for int()</pre>");
    else
      send_html(req, 200, "<html><body>sales report</body></html>");
    free(y);
  } else if(!strncmp(path, "/dav/", 5)) {
    /* a WebDAV-ish folder: PUT stores, GET serves, DELETE removes */
    enum evhttp_cmd_type m = evhttp_request_get_command(req);
    if(m == EVHTTP_REQ_PUT) {
      struct evbuffer *in = evhttp_request_get_input_buffer(req);
      size_t n = evbuffer_get_length(in);
      if(n >= sizeof(a->dav_body)) n = sizeof(a->dav_body) - 1;
      evbuffer_copyout(in, a->dav_body, n);
      a->dav_body[n] = '\0';
      snprintf(a->dav_name, sizeof(a->dav_name), "%s", path);
      send_html(req, 201, "created");
    } else if(m == EVHTTP_REQ_DELETE && !strcmp(path, a->dav_name)) {
      a->dav_name[0] = '\0';
      send_html(req, 204, "");
    } else if(a->dav_name[0] && !strcmp(path, a->dav_name)) {
      send_html(req, 200, a->dav_body);
    } else {
      send_html(req, 404, "not found");
    }
  } else if(!strncmp(path, "/echo/", 6)) {
    /* a catch-all that answers every method 200 and names the path it was
     * asked for (soft 404, canonical link): it stores nothing */
    char page[1024];
    snprintf(page, sizeof(page), "<html><body><p>Nothing at %.900s yet</p></body></html>", path);
    send_html(req, 200, page);
  } else if(!strcmp(path, "/prefs")) {
    evhttp_add_header(out, "Set-Cookie", "theme=dark; Path=/");
    send_html(req, 200, "<html><body>saved</body></html>");
  } else if(!strcmp(path, "/themed") || !strcmp(path, "/themed2")) {
    /* SELECT css FROM themes WHERE name = '<cookie theme>' */
    const char *c = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
    const char *t = c ? strstr(c, "theme=") : NULL;
    int q = 0;
    for(const char *p = t; p && *p && *p != ';'; p++) q += *p == '\'' || (p[0] == '%' && p[1] == '2' && p[2] == '7');
    if(q % 2) send_html(req, 500, "<html><body>sqlite3.OperationalError: unrecognized token: \"'dark''\"</body></html>");
    else send_html(req, 200, "<html><body>themed page</body></html>");
  } else if(!strcmp(path, "/api/public")) {
    evhttp_add_header(out, "Access-Control-Allow-Origin", "*");
    send_html(req, 200, "{\"items\":[]}");
  } else if(!strcmp(path, "/sleepy")) {
    /* "SQL" with a registered sleep(): delays by N seconds */
    char *q = dast_test_param(req, "q");
    const char *s = strstr(q, "SLEEP(");
    if(!s) s = strstr(q, "sleep(");
    int secs = s ? (int)strtol(s + 6, NULL, 10) : 0;
    if(strchr(q, '\'') && !strstr(q, "-- ")) secs = 0; /* unbalanced: syntax error */
    send_later(a, req, secs * 1000 + 20, "<html><body>ok</body></html>");
    free(q);
  } else if(!strcmp(path, "/stalled")) {
    /* no SQL at all, but a request with a quoted MySQL sleep of 1 s or
     * more waits 5.1 s whatever its length, as behind another request's
     * session lock while the zero-sleep control happened to get through */
    char *q = dast_test_param(req, "q");
    const char *sl = strstr(q, "' AND SLEEP(");
    bool stall = sl && strtol(sl + 12, NULL, 10) > 0;
    send_later(a, req, stall ? 5100 : 20, "<html><body>ok</body></html>");
    free(q);
  } else if(!strcmp(path, "/slow")) {
    send_later(a, req, 1200, "<html><body>slow</body></html>");
  } else if(!strcmp(path, "/.git/HEAD")) {
    send_html(req, 200, "ref: refs/heads/main\n");
  } else if(!strncmp(path, "/data.json", 10)) { /* a router that ignores what follows */
    struct evbuffer *b = evbuffer_new();
    evbuffer_add_printf(b, "{\"items\": [{\"id\": 1, \"name\": \"shoe\"}, {\"id\": 2, \"name\": \"hat\"}]}");
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
  } else if(!strcmp(path, "/config.php")) {
    send_html(req, 200, "<html><body>settings saved</body></html>");
  } else if(!strcmp(path, "/config.php.bak")) { /* a real editor backup: the source */
    struct evbuffer *b = evbuffer_new();
    evbuffer_add_printf(b, "<?php\n$db_user = 'shop';\n$db_pass = 'hunter2';\n");
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/octet-stream");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
  } else {
    /* soft 404: 200 with a friendly page for anything unknown */
    send_html(req, 200, "<html><body><h1>Sorry</h1><p>We could not find that page.</p></body></html>");
  }
}

static void app_start(struct app *a, struct event_base *base)
{
  memset(a, 0, sizeof(*a));
  a->base = base;
  a->http = evhttp_new(base);
  evhttp_set_allowed_methods(a->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                          EVHTTP_REQ_TRACE | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
  evhttp_set_gencb(a->http, handler, a);
  struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(a->http, "127.0.0.1", 0);
  struct sockaddr_in sin;
  socklen_t len = sizeof(sin);
  getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &len);
  a->port = ntohs(sin.sin_port);
}

struct scan {
  struct event_base *base;
  struct app app;
  struct dast_test_rig rig;
  struct dast_oob *oob;
};

static void add_ep(struct scan *s, const char *method, const char *path, const char *ptype,
                   const char *pname, const char *pval)
{
  dast_test_rig_add(&s->rig, method, path,
                    pname ? (enum dast_ip_kind)dast_ip_kind_parse(ptype) : DAST_IP_QUERY, pname, pval);
}

static void scan_init(struct scan *s, enum dast_profile profile, const char *const *only)
{
  memset(s, 0, sizeof(*s));
  s->base = event_base_new();
  app_start(&s->app, s->base);
  dast_test_rig_init(&s->rig, s->base, s->app.port, profile, 42, only);
}

static void scan_run(struct scan *s)
{
  dast_test_rig_run(&s->rig);
}

static void scan_free(struct scan *s)
{
  dast_test_rig_stop(&s->rig);
  dast_oob_free(s->oob);
  if(s->app.client) evhttp_connection_free(s->app.client);
  dast_test_rig_free(&s->rig, 200);
  evhttp_free(s->app.http);
  for(size_t i = 0; i < sizeof(s->app.laters) / sizeof(s->app.laters[0]); i++)
    if(s->app.laters[i]) { /* replies the scan no longer waits for */
      event_free(s->app.laters[i]->ev);
      free(s->app.laters[i]->body);
      free(s->app.laters[i]);
    }
  event_base_free(s->base);
}

/* The finding of `check` whose template is `tmpl` (any when tmpl NULL). */
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

TEST(injections_found_and_safe_twins_clean)
{
  static const char *const only[] = {"sqli-error", "sqli-boolean", "cmdi-echo", "ssti",
                                     "path-traversal", "open-redirect", "xss-reflected",
                                     "xss-stored", "cors-reflect", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  add_ep(&s, "GET", "/search", "query", "q", "shoes");
  add_ep(&s, "GET", "/search-safe", "query", "q", "shoes");
  add_ep(&s, "GET", "/product", "query", "id", "7");
  add_ep(&s, "GET", "/product-safe", "query", "id", "7");
  add_ep(&s, "GET", "/ping", "query", "host", "localhost");
  add_ep(&s, "GET", "/ping-safe", "query", "host", "localhost");
  add_ep(&s, "GET", "/hello", "query", "name", "bob");
  add_ep(&s, "GET", "/hello-safe", "query", "name", "bob");
  add_ep(&s, "GET", "/file", "query", "name", "a.txt");
  add_ep(&s, "GET", "/file-safe", "query", "name", "a.txt");
  add_ep(&s, "GET", "/go", "query", "next", "/home");
  add_ep(&s, "GET", "/go-safe", "query", "next", "/home");
  add_ep(&s, "POST", "/guestbook", "form", "msg", "hi");
  add_ep(&s, "POST", "/notes", "form", "note", "hi");
  add_ep(&s, "GET", "/guestbook", "query", NULL, NULL);
  add_ep(&s, "GET", "/notes", "query", NULL, NULL);
  add_ep(&s, "GET", "/api/profile", "query", NULL, NULL);
  add_ep(&s, "GET", "/api/public", "query", NULL, NULL);
  scan_run(&s);
  ASSERT(dast_attack_done(s.rig.attack));
  EXPECT_CONFIRMED(&s, "xss-reflected", "/search?q=");
  EXPECT_CONFIRMED(&s, "sqli-error", "/product?id=");
  EXPECT_CONFIRMED(&s, "sqli-boolean", "/product?id=");
  EXPECT_CONFIRMED(&s, "cmdi-echo", "/ping?host=");
  EXPECT_CONFIRMED(&s, "ssti", "/hello?name=");
  EXPECT_CONFIRMED(&s, "path-traversal", "/file?name=");
  EXPECT_CONFIRMED(&s, "open-redirect", "/go?next=");
  EXPECT_CONFIRMED(&s, "xss-stored", "/guestbook");
  EXPECT_CONFIRMED(&s, "cors-reflect", NULL);
  const char *safe[] = {"/search-safe?q=", "/product-safe?id=", "/ping-safe?host=",
                        "/hello-safe?name=", "/file-safe?name=", "/go-safe?next=", "/notes",
                        "/api/public"};
  for(size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++) {
    struct dast_finding *const *fs;
    size_t n = dast_attack_findings(s.rig.attack, &fs);
    for(size_t k = 0; k < n; k++)
      if(!strcmp(fs[k]->tmpl, safe[i]) && fs[k]->confidence == DAST_CONF_CONFIRMED) {
        dump(&s);
        FAIL_AT("safe endpoint %s has a confirmed %s", safe[i], fs[k]->check_id);
      }
  }
  /* the cross-talk traps: the echoed arithmetic is not cmdi/ssti */
  EXPECT_NOT_CONFIRMED(&s, "cmdi-echo", "/hello?name=");
  EXPECT_NOT_CONFIRMED(&s, "ssti", "/ping?host=");
  /* one finding per (check, template, insertion point) */
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(s.rig.attack, &fs);
  for(size_t i = 0; i < n; i++)
    for(size_t k = i + 1; k < n; k++) ASSERT(strcmp(fs[i]->fingerprint, fs[k]->fingerprint));
  const struct dast_tested *t;
  ASSERT_GE(dast_attack_tested(s.rig.attack, &t), 18);
  scan_free(&s);
}

TEST(passive_and_files)
{
  static const char *const only[] = {"cookie-flags", "version-server-header", "header-csp-missing",
                                     "sensitive-files", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  add_ep(&s, "GET", "/", "query", NULL, NULL);
  add_ep(&s, "GET", "/search", "query", "q", "shoes");
  scan_run(&s);
  const struct dast_finding *f = find(&s, "sensitive-files", "/.git/HEAD");
  if(!f) dump(&s);
  ASSERT(f);
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  ASSERT(!find(&s, "sensitive-files", "/.env")); /* soft-404 is not a file */
  f = find(&s, "cookie-flags", NULL);
  ASSERT(f);
  ASSERT_STREQ(f->param, "sessionid");
  ASSERT_CONTAINS(f->evidence, "HttpOnly");
  ASSERT(find(&s, "version-server-header", NULL));
  /* one per origin, although every page lacks the header */
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(s.rig.attack, &fs), csp = 0;
  for(size_t i = 0; i < n; i++) csp += !strcmp(fs[i]->check_id, "header-csp-missing");
  ASSERT_EQ(csp, 1);
  scan_free(&s);
}

/* A backup copy is reported; a router answering "/data.json.bak" with the
 * page itself is not a backup. */
TEST(backup_files_not_the_page_itself)
{
  static const char *const only[] = {"backup-files", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  add_ep(&s, "GET", "/config.php", "query", NULL, NULL);
  add_ep(&s, "GET", "/data.json", "query", NULL, NULL);
  scan_run(&s);
  const struct dast_finding *f = find(&s, "backup-files", "/config.php.bak");
  if(!f) dump(&s);
  ASSERT(f);
  ASSERT(!strstr(f->evidence, "$["));
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(s.rig.attack, &fs);
  for(size_t i = 0; i < n; i++)
    if(strstr(fs[i]->tmpl, "data.json")) {
      dump(&s);
      FAIL_AT("backup-files reported %s, the page itself", fs[i]->tmpl);
    }
  scan_free(&s);
}

TEST(timing_confirmed_slow_endpoint_not)
{
  static const char *const only[] = {"sqli-time", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_FULL, only);
  add_ep(&s, "GET", "/sleepy", "query", "q", "1");
  add_ep(&s, "GET", "/slow", "query", "q", "1");
  add_ep(&s, "GET", "/stalled", "query", "q", "1");
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "sqli-time", "/sleepy?q=");
  ASSERT(!find(&s, "sqli-time", "/slow?q="));
  /* a fixed 5 s stall on SLEEP(2) and on SLEEP(4) alike is not a sleep */
  ASSERT(!find(&s, "sqli-time", "/stalled?q="));
  scan_free(&s);
}

static void add_xml_ep(struct scan *s, const char *path)
{
  const char *doc = "<?xml version=\"1.0\"?><order><item>shoe</item><qty>1</qty></order>";
  add_ep(s, "POST", path, "xml", "body", doc);
  dast_set_str(&s->rig.eps[s->rig.neps - 1]->body, doc);
  dast_set_str(&s->rig.eps[s->rig.neps - 1]->content_type, "application/xml");
}

TEST(xxe_found_safe_parser_clean)
{
  static const char *const only[] = {"xxe-inband", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  add_xml_ep(&s, "/xml");
  add_xml_ep(&s, "/xml-safe");
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "xxe-inband", "/xml");
  ASSERT(!find(&s, "xxe-inband", "/xml-safe"));
  scan_free(&s);
}

TEST(ssrf_confirmed_out_of_band)
{
  static const char *const only[] = {"ssrf-oob", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_FULL, only);
  char err[256];
  ASSERT_EQ(dast_oob_new(s.base, "127.0.0.1:0", NULL, &s.oob, err, sizeof(err)), DAST_OK);
  ASSERT_CONTAINS(dast_oob_url(s.oob), "http://127.0.0.1:");
  dast_attack_set_oob(s.rig.attack, s.oob);
  add_ep(&s, "GET", "/fetch", "query", "url", "http://127.0.0.1/");
  add_ep(&s, "GET", "/search-safe", "query", "q", "x");
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "ssrf-oob", "/fetch?url=");
  ASSERT(!find(&s, "ssrf-oob", "/search-safe?q="));
  scan_free(&s);
}

TEST(jndi_confirmed_through_ldap_listener)
{
  static const char *const only[] = {"jndi-log4shell", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_FULL, only);
  char err[256];
  ASSERT_EQ(dast_oob_new(s.base, NULL, NULL, &s.oob, err, sizeof(err)), DAST_OK);
  ASSERT(dast_oob_ldap_hostport(s.oob));
  dast_attack_set_oob(s.rig.attack, s.oob);
  add_ep(&s, "GET", "/logged", "query", NULL, NULL);
  add_ep(&s, "GET", "/search-safe", "query", "q", "x");
  scan_run(&s);
  const struct dast_finding *f = find(&s, "jndi-log4shell", "/logged");
  if(!f) dump(&s);
  ASSERT(f);
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  ASSERT_STREQ(f->param, "User-Agent");
  ASSERT(!find(&s, "jndi-log4shell", "/search-safe?q="));
  scan_free(&s);
}

static void drop(struct dast_engine *e, const struct dast_request *q, const struct dast_response *r, void *u)
{
  (void)e;
  (void)q;
  (void)r;
  (void)u;
}

TEST(cookie_set_by_the_app_is_an_insertion_point)
{
  static const char *const only[] = {"sqli-error", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  /* what the crawl did: the app set a cookie in the jar */
  char *url = dast_aprintf("http://127.0.0.1:%d/prefs", s.app.port);
  struct dast_request r = {.url = url};
  ASSERT_EQ(dast_engine_submit(s.rig.eng, &r, drop, NULL), DAST_OK);
  (void)dast_engine_run(s.rig.eng);
  free(url);
  add_ep(&s, "GET", "/themed", "query", NULL, NULL);
  /* the crawler already knew one cookie point: the jar's cookies join it */
  add_ep(&s, "GET", "/themed2", "cookie", "lang", "en");
  add_ep(&s, "GET", "/search-safe", "query", "q", "x");
  scan_run(&s);
  /* a cookie is the same input on every page: one finding for the site,
   * on whichever of the two pages confirmed it first */
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(s.rig.attack, &fs), theme = 0;
  const struct dast_finding *f = NULL;
  for(size_t i = 0; i < n; i++)
    if(!strcmp(fs[i]->check_id, "sqli-error") && fs[i]->param && !strcmp(fs[i]->param, "theme")) {
      theme++;
      f = fs[i];
    }
  if(theme != 1) dump(&s);
  ASSERT_EQ(theme, 1u);
  ASSERT(!strcmp(f->tmpl, "/themed") || !strcmp(f->tmpl, "/themed2"));
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  ASSERT_STREQ(f->param_kind, "cookie");
  ASSERT(!find(&s, "sqli-error", "/search-safe?q="));
  scan_free(&s);
}

TEST(rotating_csrf_token_is_refreshed)
{
  static const char *const only[] = {"xss-reflected", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  char *url = dast_aprintf("http://127.0.0.1:%d/tokpost", s.app.port);
  struct dast_endpoint *ep = dast_endpoint_new("POST", url, DAST_SRC_FORM);
  free(url);
  ep->tmpl = dast_strdup("/tokpost");
  ep->found_on = dast_aprintf("http://127.0.0.1:%d/tokform", s.app.port);
  dast_endpoint_add_param(ep, DAST_IP_FORM, "csrf_token", "5eed0001", "hidden");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "q", "hello", "text");
  s.rig.eps[s.rig.neps++] = ep;
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "xss-reflected", "/tokpost");
  scan_free(&s);
}

TEST(budget_expiry_ends_the_attack_cleanly)
{
  static const char *const only[] = {"sqli-time", "sqli-error", "xss-reflected", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_FULL, only);
  /* a new engine with a 1 s budget (the config is read at engine creation) */
  dast_engine_free(s.rig.eng);
  dast_attack_free(s.rig.attack);
  s.rig.cfg.max_time = 1.0;
  char err[256];
  ASSERT_EQ(dast_engine_new(s.base, &s.rig.cfg, s.rig.scope, &s.rig.eng, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(dast_attack_new(s.rig.eng, &s.rig.cfg, s.rig.checks, &s.rig.attack, err, sizeof(err)), DAST_OK);
  for(int i = 0; i < 12; i++) add_ep(&s, "GET", i % 2 ? "/slow" : "/sleepy", "query", "q", "1");
  uint64_t t0 = dast_now_us();
  scan_run(&s);
  ASSERT_LE((dast_now_us() - t0) / 1000, 8000);
  ASSERT(dast_engine_expired(s.rig.eng));
  scan_free(&s);
}

TEST(error_disclosure_per_parameter)
{
  static const char *const only[] = {"error-disclosure-probe", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  add_ep(&s, "GET", "/report", "query", "year", "2024");
  add_ep(&s, "GET", "/search-safe", "query", "q", "x");
  scan_run(&s);
  EXPECT_CONFIRMED(&s, "error-disclosure-probe", "/report?year=");
  ASSERT(!find(&s, "error-disclosure-probe", "/search-safe?q="));
  scan_free(&s);
}

TEST(put_accepted_and_cleaned_up)
{
  static const char *const only[] = {"http-put", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_FULL, only);
  add_ep(&s, "GET", "/dav/index.html", "query", NULL, NULL);
  add_ep(&s, "GET", "/search-safe", "query", "q", "x");
  scan_run(&s);
  const struct dast_finding *f = find(&s, "http-put", NULL);
  if(!f) dump(&s);
  ASSERT(f);
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  ASSERT_CONTAINS(f->url, "/dav/dastgate-");
  ASSERT_EQ(s.app.dav_name[0], '\0'); /* our file was removed */
  struct dast_finding *const *fs;
  ASSERT_EQ(dast_attack_findings(s.rig.attack, &fs), 1); /* not on the soft-404 part of the site */
  scan_free(&s);
}

/* A server that reflects the requested path answers GET of the PUT's URL
 * with the canary in it (the file name carries it): that is no upload.
 * Found against a hostile catch-all server: 9 "confirmed high" http-put. */
TEST(put_not_confirmed_by_a_path_echo)
{
  static const char *const only[] = {"http-put", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_FULL, only);
  add_ep(&s, "GET", "/echo/index.html", "query", NULL, NULL);
  scan_run(&s);
  const struct dast_finding *f = find(&s, "http-put", NULL);
  if(f) dump(&s);
  ASSERT(!f);
  scan_free(&s);
}

TEST(header_insertion_point)
{
  static const char *const only[] = {"sqli-error", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  add_ep(&s, "GET", "/visits", "query", NULL, NULL);
  add_ep(&s, "GET", "/search-safe", "query", "q", "x");
  scan_run(&s);
  const struct dast_finding *f = find(&s, "sqli-error", "/visits");
  if(!f) dump(&s);
  ASSERT(f);
  ASSERT_EQ(f->confidence, DAST_CONF_CONFIRMED);
  ASSERT_STREQ(f->param, "X-Forwarded-For");
  ASSERT_STREQ(f->param_kind, "header");
  ASSERT_CONTAINS(f->curl, "-H 'X-Forwarded-For: ");
  ASSERT(!find(&s, "sqli-error", "/search-safe?q="));
  scan_free(&s);
}

TEST(password_change_form_not_attacked)
{
  static const char *const only[] = {"xss-reflected", "sqli-error", NULL};
  struct scan s;
  scan_init(&s, DAST_PROFILE_STANDARD, only);
  char *url = dast_aprintf("http://127.0.0.1:%d/search", s.app.port);
  struct dast_endpoint *ep = dast_endpoint_new("POST", url, DAST_SRC_FORM);
  free(url);
  ep->tmpl = dast_strdup("/search");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "q", "x", "text");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "password_new", "Passw0rd!", "password");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "password_conf", "Passw0rd!", "password");
  s.rig.eps[s.rig.neps++] = ep;
  scan_run(&s);
  struct dast_stats st;
  dast_engine_stats(s.rig.eng, &st);
  ASSERT_EQ(st.requests, 0);
  const struct dast_tested *t;
  size_t n = dast_attack_tested(s.rig.attack, &t);
  ASSERT_EQ(n, 2);
  ASSERT(!t[0].applicable);
  ASSERT_CONTAINS(t[0].reason, "password-change");
  scan_free(&s);
}

TEST(passive_profile_sends_nothing)
{
  struct scan s;
  scan_init(&s, DAST_PROFILE_PASSIVE, NULL);
  add_ep(&s, "GET", "/search", "query", "q", "shoes");
  scan_run(&s);
  struct dast_stats st;
  dast_engine_stats(s.rig.eng, &st);
  ASSERT_EQ(st.requests, 0);
  ASSERT(dast_attack_done(s.rig.attack));
  scan_free(&s);
}

RUN_TESTS()
