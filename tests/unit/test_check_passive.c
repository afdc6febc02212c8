/* test_check_passive.c — the shipped passive checks on recorded responses
 * (tests/data/payloads/responses): each fires where it should, stays quiet
 * on the look-alikes (a page titled "index of products", a site that sends
 * every header), and reports once per scope, not once per page. */
#include <stdio.h>
#include <stdlib.h>

#include "payloads/pl_int.h"
#include "tests/unit/harness.h"

static struct pl_subject rec(const char *name)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/payloads/responses/%s.http", DAST_TEST_DATA, name);
  struct pl_subject s;
  memset(&s, 0, sizeof(s));
  FILE *f = fopen(path, "rb");
  if(!f) return s;
  char buf[65536];
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  if(pl_subject_parse_raw(buf, n, &s)) fprintf(stderr, "  cannot parse %s\n", path);
  return s;
}

struct run {
  struct dast_config cfg;
  struct dast_checks *checks;
  struct pl_passive *p;
  struct dast_finding **fs;
  size_t n;
};

static void run_init(struct run *r)
{
  memset(r, 0, sizeof(*r));
  dast_config_init(&r->cfg);
  char err[512];
  if(dast_checks_load(&r->cfg, &r->checks, err, sizeof(err))) {
    fprintf(stderr, "%s\n", err);
    abort();
  }
  r->p = pl_passive_new(&r->cfg, r->checks, err, sizeof(err));
  if(!r->p) abort();
}

static void see(struct run *r, const char *name, const char *url)
{
  struct pl_subject s = rec(name);
  struct dast_request req = {.method = "GET", .url = url};
  pl_passive_run(r->p, &req, &s, url, &r->fs, &r->n);
  pl_subject_free(&s);
}

static size_t count(const struct run *r, const char *check)
{
  size_t k = 0;
  for(size_t i = 0; i < r->n; i++) k += !strcmp(r->fs[i]->check_id, check);
  return k;
}

static const struct dast_finding *get(const struct run *r, const char *check)
{
  for(size_t i = 0; i < r->n; i++)
    if(!strcmp(r->fs[i]->check_id, check)) return r->fs[i];
  return NULL;
}

static void run_free(struct run *r)
{
  for(size_t i = 0; i < r->n; i++) dast_finding_free(r->fs[i]);
  free(r->fs);
  pl_passive_free(r->p);
  dast_checks_free(r->checks);
  dast_config_free(&r->cfg);
}

TEST(stack_traces_of_each_runtime)
{
  struct run r;
  run_init(&r);
  see(&r, "py_traceback", "http://t.test/a");
  see(&r, "java_trace", "http://t.test/b");
  see(&r, "node_trace", "http://t.test/c");
  see(&r, "php_fatal", "http://t.test/d");
  ASSERT_EQ(count(&r, "error-stack-trace"), 4);
  const struct dast_finding *f = get(&r, "error-stack-trace");
  ASSERT_CONTAINS(f->response, ">>>Traceback (most recent call last):");
  ASSERT(f->curl && f->fingerprint && f->evidence);
  /* the same page shape again: no second finding */
  see(&r, "py_traceback", "http://t.test/a?x=1");
  ASSERT_EQ(count(&r, "error-stack-trace"), 4);
  ASSERT_EQ(count(&r, "error-sql-message"), 1); /* the sqlite3 error in the traceback */
  /* a 200 page that quotes SQL errors (documentation) is not a leak */
  see(&r, "sql_always_base", "http://t.test/help/sql");
  ASSERT_EQ(count(&r, "error-sql-message"), 1);
  see(&r, "sql_mysql_error", "http://t.test/search");
  ASSERT_EQ(count(&r, "error-sql-message"), 2);
  run_free(&r);
}

TEST(directory_listings_not_lookalikes)
{
  struct run r;
  run_init(&r);
  see(&r, "about_index", "http://t.test/about");
  ASSERT_EQ(count(&r, "directory-listing"), 0);
  see(&r, "dir_listing_apache", "http://t.test/backup/");
  see(&r, "dir_listing_python", "http://t.test/static/");
  ASSERT_EQ(count(&r, "directory-listing"), 2);
  run_free(&r);
}

TEST(headers_cookies_versions_forms)
{
  struct run r;
  run_init(&r);
  see(&r, "headers_good", "http://t.test/");
  ASSERT_EQ(count(&r, "header-csp-missing"), 0);
  ASSERT_EQ(count(&r, "header-clickjacking"), 0);
  ASSERT_EQ(count(&r, "header-xcto-missing"), 0);
  ASSERT_EQ(count(&r, "version-server-header"), 0); /* "nginx" without a version */
  see(&r, "headers_bad", "http://t.test/shop");
  see(&r, "headers_bad", "http://t.test/shop/2");
  ASSERT_EQ(count(&r, "header-csp-missing"), 1); /* once per origin, not per page */
  see(&r, "headers_bad", "http://other.test/");
  ASSERT_EQ(count(&r, "header-csp-missing"), 2); /* and once for another origin */
  ASSERT_EQ(count(&r, "version-server-header"), 2);
  ASSERT_EQ(count(&r, "version-generator-meta"), 2);
  const struct dast_finding *c = get(&r, "cookie-flags");
  ASSERT(c);
  ASSERT_STREQ(c->param, "PHPSESSID");
  ASSERT_CONTAINS(c->evidence, "HttpOnly");
  ASSERT_EQ(count(&r, "cookie-flags"), 2); /* per origin; theme=dark is not a session cookie */
  ASSERT_EQ(count(&r, "password-over-http"), 3);   /* per page shape: /shop, /shop/{n}, / */
  ASSERT_EQ(count(&r, "csrf-token-missing"), 3);
  ASSERT_EQ(count(&r, "private-ip-disclosure"), 3);
  const struct dast_finding *e = get(&r, "email-disclosure");
  ASSERT(e);
  ASSERT_CONTAINS(e->response, ">>>admin@shopmail.io<<<"); /* not logo@2x.png */
  /* addresses in reserved domains (the scanner's own probe hosts) are not disclosures */
  size_t before = count(&r, "email-disclosure");
  see(&r, "email_reserved", "http://third.test/");
  ASSERT_EQ(count(&r, "email-disclosure"), before);
  see(&r, "form_with_token", "http://t.test/transfer");
  ASSERT_EQ(count(&r, "csrf-token-missing"), 3); /* token present; the GET form is fine */
  run_free(&r);
}

/* One in-memory HTML response with a Content-Security-Policy, seen at url. */
static void see_csp(struct run *r, const char *csp, const char *url)
{
  char raw[2048];
  int n = snprintf(raw, sizeof(raw), "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                                     "Content-Security-Policy: %s\r\n\r\n<html><body>hi</body></html>", csp);
  struct pl_subject s;
  memset(&s, 0, sizeof(s));
  if(pl_subject_parse_raw(raw, (size_t)n, &s)) return;
  struct dast_request req = {.method = "GET", .url = url};
  pl_passive_run(r->p, &req, &s, url, &r->fs, &r->n);
  pl_subject_free(&s);
}

/* The finding of `check` for origin `host`, or NULL. */
static const struct dast_finding *at(const struct run *r, const char *check, const char *host)
{
  for(size_t i = 0; i < r->n; i++)
    if(!strcmp(r->fs[i]->check_id, check) && strstr(r->fs[i]->url, host)) return r->fs[i];
  return NULL;
}

TEST(csp_weaknesses_named_strict_policies_quiet)
{
  struct run r;
  run_init(&r);
  /* weak: each on its own origin (the check reports once per origin) */
  static const char *const weak[][3] = {
      {"default-src 'self'; script-src 'self' 'unsafe-inline'", "script-src", "'unsafe-inline'"},
      {"script-src 'self' 'unsafe-eval'; object-src 'none'", "script-src", "'unsafe-eval'"},
      {"default-src *; img-src 'self'", "default-src", "*"},
      {"img-src 'self'; default-src 'self' 'unsafe-inline'", "default-src", "'unsafe-inline'"},
      {"script-src 'self' https:; object-src 'none'", "script-src", "https:"},
      {"script-src 'self' data:; object-src 'none'", "script-src", "data:"},
      {"script-src 'self' https://ajax.googleapis.com; object-src 'none'", "script-src", "ajax.googleapis.com"},
      {"script-src 'self' *.google.com; object-src 'none'", "script-src", "*.google.com"},
      {"SCRIPT-SRC cdnjs.cloudflare.com/ajax/libs/; object-src 'none'", "SCRIPT-SRC", "cdnjs.cloudflare.com"}};
  for(size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
    char url[64], host[32];
    snprintf(host, sizeof(host), "weak%zu.test", i);
    snprintf(url, sizeof(url), "http://%s/", host);
    see_csp(&r, weak[i][0], url);
    const struct dast_finding *f = at(&r, "header-csp-weak", host);
    if(!f) FAIL_AT("no header-csp-weak for: %s", weak[i][0]);
    ASSERT_CONTAINS(f->evidence, weak[i][1]); /* the directive ... */
    ASSERT_CONTAINS(f->evidence, weak[i][2]); /* ... and the weakness */
  }
  /* FP traps: inline styles, wildcard images, 'unsafe-inline' beside a nonce
   * (ignored by browsers), a strict script-src overriding a loose default,
   * a host that merely ends in google.com */
  static const char *const strict[] = {
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data:",
      "script-src 'nonce-r4nd0m' 'unsafe-inline' 'strict-dynamic' https:; object-src 'none'; base-uri 'none'",
      "default-src 'unsafe-inline' * data:; script-src 'self'; object-src 'none'",
      "script-src 'self' https://cdn.example.com; object-src 'none'",
      "script-src 'self' https://evilgoogle.com; object-src 'none'",
      "script-src-elem 'unsafe-inline'; script-src 'self'; object-src 'none'"};
  size_t before = count(&r, "header-csp-weak");
  for(size_t i = 0; i < sizeof(strict) / sizeof(strict[0]); i++) {
    char url[64];
    snprintf(url, sizeof(url), "http://strict%zu.test/", i);
    see_csp(&r, strict[i], url);
    if(count(&r, "header-csp-weak") != before) FAIL_AT("header-csp-weak on: %s", strict[i]);
  }
  /* missing object-src / base-uri */
  ASSERT_EQ(count(&r, "header-csp-no-object-base"), 0); /* each had object-src or default-src */
  see_csp(&r, "script-src 'self'", "http://noobj.test/");
  ASSERT(at(&r, "header-csp-no-object-base", "noobj.test"));
  see_csp(&r, "script-src 'nonce-abc'; object-src 'none'", "http://nobase.test/");
  ASSERT(at(&r, "header-csp-no-object-base", "nobase.test"));
  see_csp(&r, "default-src 'self'", "http://fine.test/");
  ASSERT(!at(&r, "header-csp-no-object-base", "fine.test"));
  ASSERT(!at(&r, "header-csp-no-object-base", "strict1.test"));
  run_free(&r);
}

static void see_html(struct run *r, const char *body, const char *url)
{
  char raw[4096];
  int n = snprintf(raw, sizeof(raw), "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n%s", body);
  struct pl_subject s;
  memset(&s, 0, sizeof(s));
  if(pl_subject_parse_raw(raw, (size_t)n, &s)) return;
  struct dast_request req = {.method = "GET", .url = url};
  pl_passive_run(r->p, &req, &s, url, &r->fs, &r->n);
  pl_subject_free(&s);
}

TEST(csrf_on_state_changing_get_forms_only)
{
  struct run r;
  run_init(&r);
  /* DVWA's shape: a GET password change without a token */
  see_html(&r, "<form action='#' method='GET'>New password: <input type='password' name='password_new'>"
               "Confirm: <input type='password' name='password_conf'>"
               "<input type='submit' name='Change' value='Change'></form>", "http://a.test/csrf/");
  const struct dast_finding *f = get(&r, "csrf-token-missing");
  ASSERT(f);
  ASSERT_CONTAINS(f->evidence, "GET form");
  /* an e-mail change, method omitted (GET) */
  see_html(&r, "<form action=/account><input name=new_email><button>Save</button></form>",
           "http://a.test/account");
  ASSERT_EQ(count(&r, "csrf-token-missing"), 2);
  /* FP traps: search forms, a GET login form, a GET change with a token */
  see_html(&r, "<form action=/search><input name=q><input name=email_filter></form>"
               "<form method=get action=/login><input name=user><input type=password name=pass></form>"
               "<form><input type=password name=password_new><input type=password name=password_conf>"
               "<input type=hidden name=user_token value=4f2a></form>",
           "http://a.test/other");
  ASSERT_EQ(count(&r, "csrf-token-missing"), 2);
  run_free(&r);
}

TEST(vulnerable_js_from_script_tags)
{
  struct run r;
  run_init(&r);
  struct pl_subject s;
  const char *raw = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
                    "<html><head><script src=\"/static/js/jquery-1.12.4.min.js\"></script>"
                    "<script src=\"https://cdn.example/ajax/libs/lodash.js/4.17.21/lodash.min.js\"></script></head></html>";
  ASSERT_EQ(pl_subject_parse_raw(raw, strlen(raw), &s), DAST_OK);
  struct dast_request req = {.method = "GET", .url = "http://t.test/"};
  pl_passive_run(r.p, &req, &s, "http://t.test/", &r.fs, &r.n);
  pl_subject_free(&s);
  ASSERT_EQ(count(&r, "vulnerable-js-library"), 1); /* lodash 4.17.21 is fixed */
  const struct dast_finding *f = get(&r, "vulnerable-js-library");
  ASSERT_STREQ(f->param, "jquery");
  ASSERT_CONTAINS(f->evidence, "CVE-2020-11022");
  run_free(&r);
}

RUN_TESTS()
