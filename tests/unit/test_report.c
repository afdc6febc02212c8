/* test_report.c — the canonical document: what dast_result_to_json() puts
 * in it (members, order, counts), secret masking, hostile text handling,
 * loading/validation errors, the atomic writer, and that every format
 * renders identically from a live document and from its saved JSON. */
#include <libxml/parser.h>

#include "tests/unit/harness.h"
#include "tests/unit/test_report_fixture.h"
#include "reports/report_int.h"

static const char *const all_secrets[] = {FX_TOKEN, FX_COOKIE, FX_PASSWORD, FX_SETCOOKIE};

TEST(json_has_the_fixed_members)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = dast_result_to_json(&x.r);
  ASSERT_STREQ(json_string_value(json_object_get(doc, "schema")), "dastgate/1");
  json_t *scan = json_object_get(doc, "scan");
  ASSERT_STREQ(json_string_value(json_object_get(scan, "started")), "2025-11-30T04:30:00Z");
  ASSERT_STREQ(json_string_value(json_object_get(scan, "finished")), "2025-11-30T04:30:13Z");
  ASSERT_STREQ(json_string_value(json_object_get(scan, "version")), DAST_VERSION);
  ASSERT_STREQ(json_string_value(json_object_get(scan, "seed")), "42");
  ASSERT(json_real_value(json_object_get(scan, "duration")) > 12.49);
  json_t *cov = json_object_get(doc, "coverage");
  ASSERT_EQ(json_integer_value(json_object_get(cov, "endpoints")), 4);
  ASSERT_EQ(json_integer_value(json_object_get(cov, "insertion_points")), 4);
  ASSERT_EQ(json_integer_value(json_object_get(cov, "errors_total")), 5);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(cov, "errors"), "timeout")), 3);
  ASSERT_EQ(json_array_size(json_object_get(cov, "skipped")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(cov, "out_of_scope")), 7);
  ASSERT(json_real_value(json_object_get(cov, "requests_per_second")) > 27.5);
  /* inventory sorted by template */
  json_t *inv = json_object_get(doc, "inventory");
  ASSERT_EQ(json_array_size(inv), 4);
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(inv, 0), "template")), "/");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(inv, 2), "template")), "/login");
  json_t *params = json_object_get(json_array_get(inv, 2), "params");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(params, 1), "kind")), "form");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(params, 1), "type")), "password");
  /* findings: worst first, every member present */
  json_t *fs = json_object_get(doc, "findings");
  ASSERT_EQ(json_array_size(fs), 5);
  json_t *f0 = json_array_get(fs, 0), *last = json_array_get(fs, 4);
  ASSERT_STREQ(json_string_value(json_object_get(f0, "severity")), "high");
  ASSERT_STREQ(json_string_value(json_object_get(last, "severity")), "info");
  static const char *const keys[] = {"fingerprint", "check", "name", "class", "cwe", "owasp", "severity",
                                     "confidence", "title", "description", "remediation", "references",
                                     "method", "url", "template", "param", "param_kind", "payload",
                                     "evidence", "request", "response", "curl"};
  for(size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) ASSERT(json_object_get(last, keys[i]) != NULL);
  ASSERT(json_is_null(json_object_get(last, "param")));
  ASSERT_EQ(json_integer_value(json_object_get(f0, "cwe")), 89);
  ASSERT_EQ(strlen(json_string_value(json_object_get(f0, "fingerprint"))), 32);
  ASSERT_EQ(json_array_size(json_object_get(doc, "tests")), 7);
  json_t *sum = json_object_get(doc, "summary");
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(sum, "by_severity"), "high")), 2);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(sum, "by_class"), "sqli")), 2);
  ASSERT(json_object_get(doc, "gate") == NULL);
  json_decref(doc);
  fx_free(&x);
}

TEST(secrets_never_reach_any_format)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated(&x);
  for(int f = DAST_FMT_JSON; f <= DAST_FMT_MD; f++) {
    char *out = fx_render(doc, (enum dast_report_format)f);
    ASSERT(out != NULL);
    for(size_t i = 0; i < sizeof(all_secrets) / sizeof(all_secrets[0]); i++) {
      if(strstr(out, all_secrets[i])) {
        fprintf(stderr, "  format %s leaks %s\n", dast_report_format_name((enum dast_report_format)f), all_secrets[i]);
        free(out);
        FAIL_AT("secret leaked");
      }
    }
    free(out);
  }
  /* masked, not dropped: the reader still sees which header was sent */
  char *json = fx_render(doc, DAST_FMT_JSON);
  ASSERT_CONTAINS(json, "Authorization: ***");
  ASSERT_CONTAINS(json, "Set-Cookie: ***");
  ASSERT_CONTAINS(json, "-b '***'");
  ASSERT_CONTAINS(json, "session=***");
  ASSERT_CONTAINS(json, "X-Trace: visible-trace");
  free(json);
  json_decref(doc);
  fx_free(&x);
}

TEST(show_secrets_keeps_them)
{
  struct fixture x;
  fx_init(&x);
  x.cfg.show_secrets = true;
  json_t *doc = dast_result_to_json(&x.r);
  char *json = fx_render(doc, DAST_FMT_JSON);
  ASSERT_CONTAINS(json, FX_TOKEN);
  ASSERT_CONTAINS(json, FX_PASSWORD);
  free(json);
  json_decref(doc);
  fx_free(&x);
}

TEST(mask_literal_secrets_only_as_whole_tokens)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  dast_strlist_add(&cfg.cookies, "security=lowx");
  char *m = dast_report_mask_secrets(&cfg, "allowxed stays, \"lowx\" goes, lowx; goes");
  ASSERT_STREQ(m, "allowxed stays, \"***\" goes, ***; goes");
  free(m);
  dast_config_free(&cfg);
}

TEST(mask_secrets_structural_and_literal)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  dast_strlist_add(&cfg.headers, "X-Api-Key: k3y-value-77");
  cfg.proxy = dast_strdup("http://bob:pr0xypass@127.0.0.1:3128");
  char *m = dast_report_mask_secrets(&cfg, "echo k3y-value-77 and pr0xypass\nauthorization: Basic Ym9iOnNlY3JldA==\n"
                                             "{\"password\": \"p@ss w0rd\", \"user\": \"bob\"}\n"
                                             "author: John Smith\nq=hello&api_token=abc123&x=1");
  ASSERT(m != NULL);
  ASSERT(!strstr(m, "k3y-value-77"));
  ASSERT(!strstr(m, "pr0xypass"));
  ASSERT(!strstr(m, "Ym9iOnNlY3JldA=="));
  ASSERT(!strstr(m, "p@ss w0rd"));
  ASSERT(!strstr(m, "abc123"));
  ASSERT_CONTAINS(m, "\"password\": \"***\"");
  ASSERT_CONTAINS(m, "\"user\": \"bob\"");      /* not a secret */
  ASSERT_CONTAINS(m, "author: John Smith");    /* "author" is not "authorization" */
  ASSERT_CONTAINS(m, "q=hello&api_token=***&x=1");
  free(m);
  m = dast_report_mask_secrets(NULL, "GET http://admin:s3cr3t@127.0.0.1:8080/x and https://host/a@b\n"
                                     "{\"id_token\":\"x\", \"t\": \"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\"} "
                                     "eyJ-not-a-token");
  ASSERT_CONTAINS(m, "http://admin:***@127.0.0.1:8080/x");
  ASSERT_CONTAINS(m, "https://host/a@b");
  ASSERT_CONTAINS(m, "\"t\": \"***\"");
  ASSERT_CONTAINS(m, "eyJ-not-a-token");
  ASSERT(!strstr(m, "s3cr3t"));
  free(m);
  ASSERT(dast_report_mask_secrets(NULL, NULL) == NULL);
  m = dast_report_mask_secrets(NULL, "Cookie: a=b; c=d\r\nHost: x");
  ASSERT_STREQ(m, "Cookie: ***\r\nHost: x");
  free(m);
  dast_config_free(&cfg);
}

/* dast__json_write must print exactly what json_dumps prints */
static void expect_same_dump(const json_t *doc, int precision)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  struct dast__w w = {&b, DAST_OK};
  dast__json_write(&w, doc, precision);
  ASSERT_EQ(w.err, DAST_OK);
  (void)dast_buf_adds(&b, "");
  char *want = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(precision));
  ASSERT(want != NULL);
  if(strcmp(b.data, want)) fprintf(stderr, "  got:\n%s\n  want:\n%s\n", b.data, want);
  ASSERT_STREQ(b.data, want);
  free(want);
  dast_buf_free(&b);
}

TEST(json_writer_matches_jansson)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = dast_result_to_json(&x.r);
  expect_same_dump(doc, 12);
  expect_same_dump(doc, 0);
  json_decref(doc);
  fx_free(&x);
  json_t *o = json_pack("{s:[f,f,f,f,f,f,f,f,f,f,f], s:s, s:s%, s:{}, s:[], s:[[],{},[{}]], s:I, s:I, s:n, s:b, s:b}",
                        "reals", 0.1, 1e20, 1e-7, 100.0, -0.0, 123456789012.5, 3.0, 2.5e-300, 1.7976931348623157e308,
                        -12.345678901234567, 1.0 / 3.0,
                        "text", "quote \" back \\ slash / ctl \b\f\n\r\t \x01\x1f \x7f caf\xc3\xa9 \xe2\x80\xa8",
                        "nul", "a\0b", (size_t)3, "eo", "ea", "nested", "big", (json_int_t)9007199254740993LL,
                        "neg", (json_int_t)-42, "null", "t", 1, "f", 0);
  ASSERT(o != NULL);
  json_object_set_new(o, "k\"ey\n", json_string("v"));
  json_object_set_new(o, "zz first-inserted-last", json_integer(1));
  json_object_set_new(o, "aa", json_integer(2));
  expect_same_dump(o, 12);
  expect_same_dump(o, 0);
  expect_same_dump(o, 3);
  json_t *a = json_array();
  json_t *cur = a;
  for(int i = 0; i < 40; i++) { /* deeper than the indent buffer */
    json_t *n = json_array();
    json_array_append_new(cur, n);
    json_array_append_new(cur, json_string("x"));
    cur = n;
  }
  expect_same_dump(a, 12);
  json_decref(a);
  json_decref(o);
}

TEST(mask_common_word_secret_only_where_it_is_a_value)
{
  /* DVWA's admin password is "password": a field name everywhere */
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.login_data = dast_strdup("username=admin&password=password&Login=Login");
  char *m = dast_report_mask_secrets(&cfg, "<input type=\"password\" name=\"password_new\"> "
                                           "<input name=\"password\"> {\"password\": \"x\"} "
                                           "GET /x?password_new=a&password=b echo password here");
  ASSERT_CONTAINS(m, "name=\"password_new\"");
  ASSERT_CONTAINS(m, "<input name=\"password\">");
  ASSERT_CONTAINS(m, "{\"password\": \"***\"}");
  ASSERT_CONTAINS(m, "?password_new=***&password=***"); /* structural: values of pass-like names */
  ASSERT_CONTAINS(m, "echo *** here");
  free(m);
  dast_config_free(&cfg);
}

TEST(mask_keeps_the_attacked_parameter)
{
  /* SQLi in a password field: the payload is the evidence, not a secret;
   * other secret-looking pairs are still masked */
  const char *req = "POST /login\r\nCookie: sid=abc\r\n\r\nuser=bob&password=%27+OR+%271%27%3D%271&token=t0k3n";
  char *m = dast__mask_keep(NULL, req, "password");
  ASSERT_CONTAINS(m, "password=%27+OR+%271%27%3D%271&");
  ASSERT_CONTAINS(m, "token=***");
  ASSERT_CONTAINS(m, "Cookie: ***");
  free(m);
  m = dast__mask_keep(NULL, "{\"password\": \"' OR 1=1--\", \"api_key\": \"k\"}", "password");
  ASSERT_CONTAINS(m, "\"password\": \"' OR 1=1--\"");
  ASSERT_CONTAINS(m, "\"api_key\": \"***\"");
  free(m);
  m = dast__mask_keep(NULL, req, NULL);
  ASSERT_CONTAINS(m, "password=***");
  free(m);
}

TEST(hostile_text_becomes_valid_utf8)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = dast_result_to_json(&x.r);
  const char *ev = json_string_value(json_object_get(json_array_get(json_object_get(doc, "findings"), 0), "evidence"));
  ASSERT(ev != NULL);
  ASSERT_CONTAINS(ev, "\xEF\xBF\xBD");         /* invalid bytes became U+FFFD */
  ASSERT_CONTAINS(ev, "<script>alert(1)</script>"); /* JSON keeps the text as is */
  ASSERT_CONTAINS(ev, "\x01");                 /* control bytes survive in JSON, escaped */
  char *json = fx_render(doc, DAST_FMT_JSON);
  ASSERT_CONTAINS(json, "\\u0001");
  json_error_t je;
  json_t *back = json_loads(json, 0, &je);
  ASSERT(back != NULL);
  json_decref(back);
  free(json);
  json_decref(doc);
  fx_free(&x);
}

TEST(bidi_controls_are_made_visible)
{
  struct fixture x;
  fx_init(&x);
  free(x.fs[2]->evidence);
  x.fs[2]->evidence = dast_strdup("safe \xE2\x80\xAEtxt.exe\xE2\x80\xAC done");
  json_t *doc = fx_gated(&x);
  for(int f = DAST_FMT_JUNIT; f <= DAST_FMT_HTML; f++) {
    if(f == DAST_FMT_SARIF) continue; /* JSON: consumers escape */
    char *out = fx_render(doc, (enum dast_report_format)f);
    ASSERT(out != NULL);
    ASSERT(!strstr(out, "\xE2\x80\xAE"));
    ASSERT_CONTAINS(out, "[U+202E]txt.exe[U+202C]");
    free(out);
  }
  json_decref(doc);
  fx_free(&x);
}

TEST(huge_fields_are_capped)
{
  struct fixture x;
  fx_init(&x);
  size_t n = 3 * DAST_REPORT_FIELD_CAP;
  char *big = dast_malloc(n + 1);
  memset(big, 'A', n);
  big[n] = 0;
  big[n - 2] = (char)0xC3; /* a broken character at the end */
  free(x.fs[1]->response);
  x.fs[1]->response = big;
  json_t *doc = dast_result_to_json(&x.r);
  json_t *fs = json_object_get(doc, "findings");
  bool seen = false;
  for(size_t i = 0; i < json_array_size(fs); i++) {
    const char *resp = json_string_value(json_object_get(json_array_get(fs, i), "response"));
    if(resp && strlen(resp) > 1000) {
      seen = true;
      ASSERT_LE(strlen(resp), DAST_REPORT_FIELD_CAP + 20);
      ASSERT_CONTAINS(resp, "[...truncated]");
    }
  }
  ASSERT(seen);
  json_decref(doc);
  fx_free(&x);
}

TEST(every_format_identical_after_save_and_load)
{
  struct fixture x;
  fx_init(&x);
  char *dir = fx_tmpdir();
  ASSERT(dir != NULL);
  json_t *doc = fx_gated(&x);
  char *path = dast_aprintf("%s/scan.json", dir);
  char err[256] = "";
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_JSON, path, err, sizeof(err)), DAST_OK);
  json_t *back = NULL;
  ASSERT_EQ(dast_report_load(path, &back, err, sizeof(err)), DAST_OK);
  for(int f = DAST_FMT_JSON; f <= DAST_FMT_MD; f++) {
    char *a = fx_render(doc, (enum dast_report_format)f), *b = fx_render(back, (enum dast_report_format)f);
    ASSERT(a && b);
    if(strcmp(a, b)) fprintf(stderr, "  format %s differs after reload\n", dast_report_format_name((enum dast_report_format)f));
    ASSERT(!strcmp(a, b));
    free(a);
    free(b);
  }
  json_decref(back);
  json_decref(doc);
  free(path);
  fx_rmrf(dir);
  free(dir);
  fx_free(&x);
}

TEST(write_is_atomic_and_reports_errors)
{
  struct fixture x;
  fx_init(&x);
  char *dir = fx_tmpdir();
  ASSERT(dir != NULL);
  json_t *doc = fx_gated(&x);
  char *path = dast_aprintf("%s/report.html", dir);
  ASSERT(fx_spit(path, "old content"));
  char err[256] = "";
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_HTML, path, err, sizeof(err)), DAST_OK);
  char *html = fx_slurp(path);
  ASSERT(html && !strncmp(html, "<!DOCTYPE html>", 15));
  free(html);
  char *cmd = dast_aprintf("test $(ls '%s' | wc -l) -eq 1", dir); /* no temp file left */
  ASSERT_EQ(fx_sh(cmd), 0);
  free(cmd);
  char *bad = dast_aprintf("%s/no/such/dir/r.xml", dir);
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_JUNIT, bad, err, sizeof(err)), DAST_EIO);
  ASSERT_CONTAINS(err, "no/such/dir/r.xml");
  ASSERT_CONTAINS(err, "No such file");
  free(bad);
  free(path);
  json_decref(doc);
  fx_rmrf(dir);
  free(dir);
  fx_free(&x);
}

static dast_err load_text(const char *dir, const char *text, char *err, size_t errlen)
{
  char *p = dast_aprintf("%s/in.json", dir);
  json_t *doc = NULL;
  dast_err e = fx_spit(p, text) ? dast_report_load(p, &doc, err, errlen) : DAST_EIO;
  json_decref(doc);
  free(p);
  return e;
}

TEST(load_rejects_bad_documents_with_position)
{
  char *dir = fx_tmpdir();
  ASSERT(dir != NULL);
  char err[512];
  ASSERT_EQ(load_text(dir, "{\n  \"schema\": \"dastgate/1\",\n  oops\n}", err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "in.json:3:");
  ASSERT_EQ(load_text(dir, "{\"schema\": \"other/2\"}", err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "schema: unsupported schema \"other/2\"");
  ASSERT_EQ(load_text(dir, "[1,2]", err, sizeof(err)), DAST_EPARSE);
#define BASE "{\"schema\":\"dastgate/1\",\"scan\":{\"started\":\"x\",\"finished\":\"y\",\"target\":null," \
                     "\"incomplete\":false},\"coverage\":{},\"inventory\":[],\"tests\":[],\"findings\":[%s]}"
  char *doc = dast_aprintf(BASE, "{\"fingerprint\":\"ab\",\"check\":\"c\",\"severity\":\"hgih\","
                                 "\"confidence\":\"firm\",\"title\":\"t\"}");
  ASSERT_EQ(load_text(dir, doc, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "findings[0].severity: unknown severity \"hgih\"");
  free(doc);
  doc = dast_aprintf(BASE, "{\"fingerprint\":\"ab\",\"check\":\"c\",\"severity\":\"low\",\"confidence\":\"firm\"}");
  ASSERT_EQ(load_text(dir, doc, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "findings[0].title: missing");
  free(doc);
  doc = dast_aprintf(BASE, "{\"fingerprint\":\"ab\",\"check\":\"c\",\"severity\":\"low\",\"confidence\":\"firm\",\"title\":\"t\"}");
  ASSERT_EQ(load_text(dir, doc, err, sizeof(err)), DAST_OK);
  free(doc);
  json_t *none = NULL;
  char *missing = dast_aprintf("%s/missing.json", dir);
  ASSERT_EQ(dast_report_load(missing, &none, err, sizeof(err)), DAST_EIO);
  ASSERT(none == NULL);
  ASSERT_CONTAINS(err, "missing.json: No such file");
  free(missing);
  fx_rmrf(dir);
  free(dir);
}

TEST(format_names)
{
  ASSERT_EQ(dast_report_format_parse("json"), DAST_FMT_JSON);
  ASSERT_EQ(dast_report_format_parse("junit"), DAST_FMT_JUNIT);
  ASSERT_EQ(dast_report_format_parse("xml"), DAST_FMT_JUNIT);
  ASSERT_EQ(dast_report_format_parse("sarif"), DAST_FMT_SARIF);
  ASSERT_EQ(dast_report_format_parse("html"), DAST_FMT_HTML);
  ASSERT_EQ(dast_report_format_parse("markdown"), DAST_FMT_MD);
  ASSERT_EQ(dast_report_format_parse("pdf"), -1);
  ASSERT_EQ(dast_report_format_parse(NULL), -1);
}

TEST(capped_output_buffer_gives_elimit)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated(&x);
  struct dast_buf b;
  dast_buf_init(&b, 512);
  char err[256] = "";
  ASSERT_EQ(dast_report_render(doc, DAST_FMT_HTML, &b, err, sizeof(err)), DAST_ELIMIT);
  ASSERT_CONTAINS(err, "html");
  dast_buf_free(&b);
  json_decref(doc);
  fx_free(&x);
}

TEST(empty_scan_renders_everywhere)
{
  struct dast_scan_result r;
  memset(&r, 0, sizeof(r));
  r.incomplete = true;
  r.incomplete_reason = "target unreachable: connection refused";
  json_t *doc = dast_result_to_json(&r);
  char err[256];
  ASSERT_EQ(dast_report_validate(doc, "empty", err, sizeof(err)), DAST_OK);
  for(int f = DAST_FMT_JSON; f <= DAST_FMT_MD; f++) {
    char *out = fx_render(doc, (enum dast_report_format)f);
    ASSERT(out != NULL);
    if(f == DAST_FMT_JUNIT) ASSERT_CONTAINS(out, "<failure message=\"scan incomplete\"");
    if(f == DAST_FMT_MD) ASSERT_CONTAINS(out, "target unreachable");
    free(out);
  }
  json_decref(doc);
}

TEST(write_all_writes_every_configured_output)
{
  struct fixture x;
  fx_init(&x);
  char *dir = fx_tmpdir();
  ASSERT(dir != NULL);
  x.cfg.json_out = dast_aprintf("%s/r.json", dir);
  x.cfg.junit_out = dast_aprintf("%s/r.xml", dir);
  x.cfg.html_out = dast_aprintf("%s/r.html", dir);
  json_t *doc = fx_gated(&x);
  char err[256] = "";
  ASSERT_EQ(dast_report_write_all(doc, &x.cfg, err, sizeof(err)), DAST_OK);
  const char *want[] = {x.cfg.json_out, x.cfg.junit_out, x.cfg.html_out};
  for(size_t i = 0; i < 3; i++) ASSERT_EQ(access(want[i], R_OK), 0);
  char *cmd = dast_aprintf("test $(ls '%s' | wc -l) -eq 3", dir);
  ASSERT_EQ(fx_sh(cmd), 0);
  free(cmd);
  x.cfg.md_out = dast_aprintf("%s/missing/r.md", dir);
  ASSERT_EQ(dast_report_write_all(doc, &x.cfg, err, sizeof(err)), DAST_EIO);
  ASSERT_CONTAINS(err, "missing/r.md");
  json_decref(doc);
  fx_rmrf(dir);
  free(dir);
  fx_free(&x);
}

/* Every member of a (structurally valid) document replaced by every other
 * JSON type: the renderers must not crash or abort, whatever a hand-edited
 * or hostile saved report holds.  Run under ASan in CI. */
TEST(renderers_tolerate_odd_documents)
{
  struct fixture x;
  fx_init(&x);
  json_t *base = fx_gated(&x);
  json_t *(*const kinds[])(void) = {json_null, json_true, json_object, json_array};
  const char *const parents[] = {"", "scan", "coverage", "gate", "findings", "inventory", "tests"};
  size_t renders = 0;
  for(size_t p = 0; p < sizeof(parents) / sizeof(parents[0]); p++) {
    json_t *probe = json_deep_copy(base);
    json_t *parent = !*parents[p] ? probe : json_object_get(probe, parents[p]);
    if(json_is_array(parent)) parent = json_array_get(parent, 0);
    const char *key;
    json_t *val;
    size_t nkeys = json_object_size(parent);
    const char **keys = dast_calloc(nkeys + 1, sizeof(*keys));
    size_t n = 0;
    json_object_foreach(parent, key, val) keys[n++] = key;
    for(size_t k = 0; k < n; k++) {
      for(size_t t = 0; t < sizeof(kinds) / sizeof(kinds[0]) + 2; t++) {
        json_t *doc = json_deep_copy(base);
        json_t *par = !*parents[p] ? doc : json_object_get(doc, parents[p]);
        if(json_is_array(par)) par = json_array_get(par, 0);
        json_t *odd = t < 4 ? kinds[t]() : t == 4 ? json_integer(-7) : json_string("\xE2\x80\xAE<x>");
        json_object_set_new(par, keys[k], odd);
        for(int f = DAST_FMT_JSON; f <= DAST_FMT_MD; f++) {
          struct dast_buf b;
          dast_buf_init(&b, 0);
          char err[256];
          dast_err e = dast_report_render(doc, (enum dast_report_format)f, &b, err, sizeof(err));
          ASSERT(e == DAST_OK || e == DAST_EINVAL);
          if(f == DAST_FMT_JUNIT && !e) { /* still well-formed XML */
            xmlDocPtr xd = xmlReadMemory(b.data, (int)b.len, "junit.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
            if(!xd) fprintf(stderr, "  %s.%s as %s: JUnit not well-formed\n", parents[p], keys[k], json_dumps(odd, JSON_ENCODE_ANY));
            ASSERT(xd != NULL);
            xmlFreeDoc(xd);
          }
          if((f == DAST_FMT_JSON || f == DAST_FMT_SARIF) && !e) {
            json_t *back = json_loads(b.data, 0, NULL);
            ASSERT(back != NULL);
            json_decref(back);
          }
          dast_buf_free(&b);
          renders++;
        }
        json_decref(doc);
      }
    }
    free(keys);
    json_decref(probe);
  }
  ASSERT_GE(renders, 1000);
  json_decref(base);
  fx_free(&x);
}

/* A big scan stays linear: 2,000 findings over 4,000 tested pairs, gated
 * against a baseline of itself, rendered in every format, well within a
 * CI budget (bounded generously for sanitizer builds). */
TEST(scale_thousands_of_findings)
{
  enum { NF = 2000, NT = 4000 };
  struct dast_finding **fs = dast_calloc(NF, sizeof(*fs));
  struct dast_tested *ts = dast_calloc(NT, sizeof(*ts));
  for(size_t i = 0; i < NF; i++) {
    char tmpl[64];
    snprintf(tmpl, sizeof(tmpl), "/api/v1/res%zu/{n}?q=", i);
    fs[i] = fx_finding(i % 3 ? "xss-reflected" : "sqli-error", i % 3 ? "xss" : "sqli", 79, (enum dast_severity)(i % 5),
                       (enum dast_confidence)(i % 3), "GET", "http://127.0.0.1:8080/api", tmpl, "q");
    fs[i]->evidence = dast_strdup("<b>reflected</b> \x02 evidence");
  }
  for(size_t i = 0; i < NT; i++) {
    char tmpl[64];
    snprintf(tmpl, sizeof(tmpl), "/api/v1/res%zu/{n}?q=", i / 2);
    fx_tested(&ts[i], i % 2 ? "xss-reflected" : "sqli-error", i % 2 ? "xss" : "sqli", "GET", tmpl, true, NULL);
  }
  struct dast_scan_result r;
  memset(&r, 0, sizeof(r));
  r.findings = fs;
  r.nfindings = NF;
  r.tested = ts;
  r.ntested = NT;
  uint64_t t0 = dast_now_us();
  json_t *doc = dast_result_to_json(&r);
  char *dir = fx_tmpdir();
  char *base = dast_aprintf("%s/base.json", dir);
  char err[256];
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_JSON, base, err, sizeof(err)), DAST_OK);
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.baseline_file = base;
  struct dast_gate *g = NULL;
  ASSERT_EQ(dast_gate_new(&cfg, &g, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(dast_gate_apply(g, doc, 0), 1);
  dast_gate_free(g);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(json_object_get(doc, "gate"), "counts"), "existing")), NF);
  for(int f = DAST_FMT_JSON; f <= DAST_FMT_MD; f++) {
    char *out = fx_render(doc, (enum dast_report_format)f);
    ASSERT(out != NULL);
    if(f == DAST_FMT_JUNIT) {
      /* every finding has its tested pair: NT cases with NF of them findings, + scan */
      char want[64];
      snprintf(want, sizeof(want), "<testsuites name=\"dastgate\" tests=\"%d\"", NT + 1);
      ASSERT_CONTAINS(out, want);
    }
    free(out);
  }
  uint64_t ms = (dast_now_us() - t0) / 1000;
  fprintf(stderr, "  %d findings, %d tests: built, gated and rendered 5 formats in %llu ms\n", NF, NT, (unsigned long long)ms);
  ASSERT_LE(ms, 20000);
  json_decref(doc);
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
  for(size_t i = 0; i < NF; i++) dast_finding_free(fs[i]);
  for(size_t i = 0; i < NT; i++) dast_tested_clear(&ts[i]);
  free(fs);
  free(ts);
}

RUN_TESTS()
