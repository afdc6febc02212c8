/* test_report_fixture.h — one scan result built from the real C structs,
 * shared by the report tests (test_report*.c, test_gate*.c).  It is hostile
 * on purpose: evidence with <script>, "]]>", control bytes and invalid UTF-8,
 * and secrets (bearer token, session cookie, login password, a Set-Cookie
 * from the target) in the config, request, response and curl line, so every
 * format can be checked for escaping and masking.  Times are fixed so the
 * goldens are stable. */
#ifndef DAST_TEST_REPORT_FIXTURE_H
#define DAST_TEST_REPORT_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/gate.h"
#include "reports/report.h"

#define FX_TOKEN "sekrit-token-123"
#define FX_COOKIE "abcd1234efgh"
#define FX_PASSWORD "hunter22pw"
#define FX_SETCOOKIE "zzz999yyy"
#define FX_STARTED 1764477000 /* 2025-11-30T04:30:00Z */

struct fixture {
  struct dast_config cfg;
  struct dast_stats stats;
  struct dast_endpoint *eps[4];
  struct dast_finding *fs[5];
  struct dast_tested tested[7];
  const char *skipped_urls[1], *skipped_reasons[1], *checks_run[4];
  struct dast_scan_result r;
};

static inline struct dast_finding *fx_finding(const char *check, const char *cls, int cwe, enum dast_severity sev,
                                       enum dast_confidence conf, const char *method, const char *url,
                                       const char *tmpl, const char *param)
{
  struct dast_finding *f = dast_finding_new();
  f->check_id = dast_strdup(check);
  f->check_name = dast_aprintf("%s check", check);
  f->check_class = dast_strdup(cls);
  f->cwe = cwe;
  f->severity = sev;
  f->confidence = conf;
  f->method = dast_strdup(method);
  f->url = dast_strdup(url);
  f->tmpl = dast_strdup(tmpl);
  if(param) {
    f->param = dast_strdup(param);
    f->param_kind = dast_strdup(!strcmp(method, "POST") ? "form" : "query");
  }
  f->title = dast_aprintf("%s in %s", check, param ? param : "response headers");
  f->description = dast_strdup("Attacker-controlled input reaches an interpreter.");
  f->remediation = dast_strdup("Use parameterised queries / contextual output encoding.");
  dast_finding_fingerprint(f);
  return f;
}

static inline void fx_tested(struct dast_tested *t, const char *check, const char *cls, const char *method,
                      const char *tmpl, bool applicable, const char *reason)
{
  t->check_id = dast_strdup(check);
  t->check_name = dast_aprintf("%s check", check);
  t->check_class = dast_strdup(cls);
  t->method = dast_strdup(method);
  t->tmpl = dast_strdup(tmpl);
  t->applicable = applicable;
  t->reason = reason ? dast_strdup(reason) : NULL;
}

static inline void fx_init(struct fixture *x)
{
  memset(x, 0, sizeof(*x));
  dast_config_init(&x->cfg);
  x->cfg.target = dast_strdup("http://127.0.0.1:8080/");
  dast_strlist_add(&x->cfg.headers, "Authorization: Bearer " FX_TOKEN);
  dast_strlist_add(&x->cfg.headers, "X-Trace: visible-trace");
  dast_strlist_add(&x->cfg.cookies, "session=" FX_COOKIE);
  x->cfg.login_data = dast_strdup("user=admin&password=" FX_PASSWORD);
  x->cfg.seed = 42;

  x->stats.requests = 345;
  x->stats.responses = 340;
  x->stats.errors[DAST_NETERR_CONNECT] = 2;
  x->stats.errors[DAST_NETERR_TIMEOUT] = 3;
  x->stats.status_class[2] = 300;
  x->stats.status_class[5] = 40;
  x->stats.out_of_scope = 7;
  x->stats.elapsed_us = 12500000;
  x->stats.p50_ms = 12.5, x->stats.p90_ms = 40.25, x->stats.p99_ms = 180, x->stats.max_ms = 250;

  struct dast_endpoint *e = dast_endpoint_new("GET", "http://127.0.0.1:8080/item/1", DAST_SRC_LINK);
  dast_set_str(&e->tmpl, "/item/{n}?id=");
  dast_endpoint_add_param(e, DAST_IP_QUERY, "id", "1", NULL);
  e->status = 200;
  x->eps[0] = e;
  e = dast_endpoint_new("POST", "http://127.0.0.1:8080/login", DAST_SRC_FORM);
  dast_set_str(&e->tmpl, "/login");
  dast_set_str(&e->content_type, "application/x-www-form-urlencoded");
  dast_endpoint_add_param(e, DAST_IP_FORM, "user", "admin", "text");
  dast_endpoint_add_param(e, DAST_IP_FORM, "password", FX_PASSWORD, "password");
  e->status = 200;
  x->eps[1] = e;
  e = dast_endpoint_new("GET", "http://127.0.0.1:8080/", DAST_SRC_SEED);
  dast_set_str(&e->tmpl, "/");
  e->status = 200;
  x->eps[2] = e;
  e = dast_endpoint_new("GET", "http://127.0.0.1:8080/search", DAST_SRC_FORM);
  dast_set_str(&e->tmpl, "/search?q=");
  dast_endpoint_add_param(e, DAST_IP_QUERY, "q", "x", "search");
  e->status = 200;
  x->eps[3] = e;

  struct dast_finding *f = fx_finding("sqli-error", "sqli", 89, DAST_SEV_HIGH, DAST_CONF_CONFIRMED, "GET",
                                      "http://127.0.0.1:8080/item/1?id=1%27", "/item/{n}?id=", "id");
  f->owasp = dast_strdup("A03:2021-Injection");
  f->payload = dast_strdup("1'");
  f->evidence = dast_strdup("database error <script>alert(1)</script> ]]> \x01\x1b[31m bytes \xff\xfe bad \xc3\x28 end");
  f->request = dast_strdup("GET /item/1?id=1%27 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Bearer " FX_TOKEN
                           "\r\nCookie: session=" FX_COOKIE "\r\n\r\n");
  f->response = dast_strdup("HTTP/1.1 500 Internal Server Error\r\nSet-Cookie: sid=" FX_SETCOOKIE
                            "; Path=/\r\n\r\nYou have an error in your SQL syntax near >>>'1''<<< at line 1");
  f->curl = dast_strdup("curl -H 'Authorization: Bearer " FX_TOKEN "' -b 'session=" FX_COOKIE
                        "' 'http://127.0.0.1:8080/item/1?id=1%27'");
  f->references = dast_calloc(2, sizeof(char *));
  f->references[0] = dast_strdup("https://cwe.mitre.org/data/definitions/89.html");
  f->references[1] = dast_strdup("javascript:alert(document.domain)");
  f->nreferences = 2;
  x->fs[0] = f;
  f = fx_finding("xss-reflected", "xss", 79, DAST_SEV_MEDIUM, DAST_CONF_FIRM, "GET",
                 "http://127.0.0.1:8080/search?q=%3Csvg%20onload%3Dalert(1)%3E", "/search?q=", "q");
  f->payload = dast_strdup("<svg onload=alert(1)>");
  f->evidence = dast_strdup("reflected unescaped: <svg onload=alert(1)> in an HTML text context");
  f->curl = dast_strdup("curl 'http://127.0.0.1:8080/search?q=%3Csvg%20onload%3Dalert(1)%3E'");
  x->fs[1] = f;
  f = fx_finding("hdr-csp-missing", "headers", 693, DAST_SEV_LOW, DAST_CONF_CONFIRMED, "GET",
                 "http://127.0.0.1:8080/", "/", NULL);
  f->evidence = dast_strdup("no Content-Security-Policy header");
  x->fs[2] = f;
  f = fx_finding("sqli-error", "sqli", 89, DAST_SEV_HIGH, DAST_CONF_CONFIRMED, "POST", "http://127.0.0.1:8080/login",
                 "/login", "password");
  f->payload = dast_strdup(FX_PASSWORD "'");
  f->request = dast_strdup("POST /login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n"
                           "user=admin&password=" FX_PASSWORD "'");
  f->evidence = dast_strdup("SQL syntax error after a quote; second probe with a different quote count agreed");
  x->fs[3] = f;
  f = fx_finding("info-server-banner", "info-leak", 200, DAST_SEV_INFO, DAST_CONF_FIRM, "GET",
                 "http://127.0.0.1:8080/", "/", NULL);
  f->evidence = dast_strdup("Server: Apache/2.4.1 (Unix) | column | in a table");
  x->fs[4] = f;

  fx_tested(&x->tested[0], "sqli-error", "sqli", "GET", "/item/{n}?id=", true, NULL);
  fx_tested(&x->tested[1], "sqli-error", "sqli", "POST", "/login", true, NULL);
  fx_tested(&x->tested[2], "sqli-error", "sqli", "GET", "/search?q=", true, NULL);
  fx_tested(&x->tested[3], "xss-reflected", "xss", "GET", "/item/{n}?id=", true, NULL);
  fx_tested(&x->tested[4], "xss-reflected", "xss", "GET", "/search?q=", true, NULL);
  fx_tested(&x->tested[5], "cmdi-basic", "cmdi", "POST", "/login", false, "no parameter reaches a shell-like sink");
  fx_tested(&x->tested[6], "xss-reflected", "xss", "POST", "/login", true, NULL);

  x->skipped_urls[0] = "http://127.0.0.1:8080/logout";
  x->skipped_reasons[0] = "dangerous link (logout)";
  x->checks_run[0] = "sqli-error", x->checks_run[1] = "xss-reflected";
  x->checks_run[2] = "hdr-csp-missing", x->checks_run[3] = "cmdi-basic";

  struct dast_scan_result *r = &x->r;
  r->cfg = &x->cfg;
  r->target = x->cfg.target;
  r->started = FX_STARTED;
  r->finished = FX_STARTED + 13;
  r->profile = "standard";
  r->seed = 42;
  r->stats = &x->stats;
  r->pages = 17;
  r->endpoints = x->eps;
  r->nendpoints = 4;
  r->findings = x->fs;
  r->nfindings = 5;
  r->tested = x->tested;
  r->ntested = 7;
  r->skipped_urls = x->skipped_urls;
  r->skipped_reasons = x->skipped_reasons;
  r->nskipped = 1;
  r->checks_run = x->checks_run;
  r->nchecks_run = 4;
}

static inline void fx_free(struct fixture *x)
{
  for(size_t i = 0; i < 4; i++) dast_endpoint_free(x->eps[i]);
  for(size_t i = 0; i < 5; i++) dast_finding_free(x->fs[i]);
  for(size_t i = 0; i < 7; i++) dast_tested_clear(&x->tested[i]);
  dast_config_free(&x->cfg);
}

/* ---- helpers for file-based checks ---- */

/* A fresh directory under $TMPDIR for this process; owned string. */
static inline char *fx_tmpdir(void)
{
  const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char *d = dast_aprintf("%s/dast-report-test.XXXXXX", base);
  if(!mkdtemp(d)) {
    free(d);
    return NULL;
  }
  return d;
}

static inline char *fx_slurp(const char *path)
{
  FILE *f = fopen(path, "rb");
  if(!f) return NULL;
  struct dast_buf b;
  dast_buf_init(&b, 0);
  char tmp[4096];
  size_t n;
  while((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
    if(dast_buf_add(&b, tmp, n)) break;
  fclose(f);
  return dast_buf_take(&b, NULL);
}

static inline bool fx_spit(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  if(!f) return false;
  size_t n = strlen(text);
  bool ok = fwrite(text, 1, n, f) == n;
  return fclose(f) == 0 && ok;
}

/* Runs a shell command; returns its exit status (or -1). */
static inline int fx_sh(const char *cmd)
{
  int st = system(cmd);
  if(st == -1 || !WIFEXITED(st)) return -1;
  return WEXITSTATUS(st);
}

static inline void fx_rmrf(const char *dir)
{
  if(!dir || !strstr(dir, "/dast-report-test.") || strchr(dir, '\'')) return; /* only our mkdtemp dirs */
  char *cmd = dast_aprintf("rm -rf '%s'", dir);
  if(fx_sh(cmd) != 0) fprintf(stderr, "  (could not remove %s)\n", dir);
  free(cmd);
}

/* The fixture as a gated document (default policy, fixed clock). */
static inline json_t *fx_gated(struct fixture *x)
{
  json_t *doc = dast_result_to_json(&x->r);
  struct dast_gate *g = NULL;
  char err[256];
  if(dast_gate_new(&x->cfg, &g, err, sizeof(err)) == DAST_OK) {
    dast_gate_apply(g, doc, FX_STARTED + 60);
    dast_gate_free(g);
  }
  return doc;
}

/* The fixture gated with everything: a suppression (POST /login sqli), an
 * expired one (the info banner), and a baseline that lacks the XSS finding
 * and has one finding this scan lacks (fixed).  Files go to `dir`. */
static inline json_t *fx_gated_rich(struct fixture *x, const char *dir)
{
  json_t *doc = dast_result_to_json(&x->r);
  json_t *fs = json_object_get(doc, "findings");
  const char *fp_login = NULL, *fp_banner = NULL;
  for(size_t i = 0; i < json_array_size(fs); i++) {
    json_t *f = json_array_get(fs, i);
    if(!strcmp(json_string_value(json_object_get(f, "template")), "/login"))
      fp_login = json_string_value(json_object_get(f, "fingerprint"));
    if(!strcmp(json_string_value(json_object_get(f, "check")), "info-server-banner"))
      fp_banner = json_string_value(json_object_get(f, "fingerprint"));
  }
  char *sup = dast_aprintf("%s/suppressions.json", dir), *base = dast_aprintf("%s/baseline.json", dir);
  char *text = dast_aprintf("{\"suppressions\": [\n"
                            " {\"fingerprint\": \"%s\", \"reason\": \"login is VPN-only <prod>\", \"by\": \"alice\", \"expires\": \"2099-12-31\"},\n"
                            " {\"fingerprint\": \"%s\", \"reason\": \"banner accepted\", \"by\": \"bob\", \"expires\": \"2020-01-01\"}]}",
                            fp_login ? fp_login : "", fp_banner ? fp_banner : "");
  bool ok = fx_spit(sup, text);
  free(text);
  json_t *old = json_deep_copy(doc);
  json_t *ofs = json_object_get(old, "findings");
  for(size_t i = 0; i < json_array_size(ofs); i++)
    if(!strcmp(json_string_value(json_object_get(json_array_get(ofs, i), "check")), "xss-reflected")) json_array_remove(ofs, i--);
  json_t *gone = json_deep_copy(json_array_get(ofs, 0));
  json_object_set_new(gone, "fingerprint", json_string("00000000000000000000000000c0ffee"));
  json_object_set_new(gone, "check", json_string("cmdi-basic"));
  json_object_set_new(gone, "class", json_string("cmdi"));
  json_object_set_new(gone, "title", json_string("OS command injection in host"));
  json_object_set_new(gone, "template", json_string("/ping?host="));
  json_array_append_new(ofs, gone);
  char err[256];
  ok = ok && dast_report_write(old, DAST_FMT_JSON, base, err, sizeof(err)) == DAST_OK;
  json_decref(old);
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.suppressions_file = sup;
  cfg.baseline_file = base;
  struct dast_gate *g = NULL;
  if(ok && dast_gate_new(&cfg, &g, err, sizeof(err)) == DAST_OK) {
    dast_gate_apply(g, doc, FX_STARTED + 60);
    dast_gate_free(g);
  } else {
    fprintf(stderr, "  fx_gated_rich: %s\n", ok ? err : "cannot write the gate files");
  }
  dast_config_free(&cfg);
  return doc;
}

static inline char *fx_render(const json_t *doc, enum dast_report_format f)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  char err[256];
  if(dast_report_render(doc, f, &b, err, sizeof(err)) != DAST_OK) {
    fprintf(stderr, "  render %d: %s\n", (int)f, err);
    dast_buf_free(&b);
    return NULL;
  }
  return dast_buf_take(&b, NULL);
}

#endif
