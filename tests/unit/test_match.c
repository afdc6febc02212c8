/* test_match.c — matchers, reflection contexts, the parsed-DOM test, page
 * similarity and the timing/boolean decisions, on recorded responses in
 * tests/data/payloads/responses — including the false-positive traps: an
 * HTML-encoded reflection, an error page that always shows a SQL-looking
 * message, a page that changes on every load, an endpoint that is slow
 * with or without a payload. */
#include <stdio.h>
#include <stdlib.h>

#include "payloads/pl_int.h"
#include "tests/unit/harness.h"

#define CANARY "dq7x2k9m4ab"

static struct pl_subject rec(const char *name)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/payloads/responses/%s.http", DAST_TEST_DATA, name);
  struct pl_subject s;
  memset(&s, 0, sizeof(s));
  FILE *f = fopen(path, "rb");
  if(!f) {
    fprintf(stderr, "  cannot open %s\n", path);
    return s;
  }
  char buf[65536];
  size_t n = fread(buf, 1, sizeof(buf), f);
  fclose(f);
  if(pl_subject_parse_raw(buf, n, &s)) fprintf(stderr, "  cannot parse %s\n", path);
  return s;
}

static struct pl_matcher *mk(const char *json)
{
  char err[512];
  struct pl_matcher *m = pl_matcher_from_json(json, err, sizeof(err));
  if(!m) fprintf(stderr, "  matcher: %s\n", err);
  return m;
}

static struct pl_vars vars(void)
{
  struct pl_vars v;
  memset(&v, 0, sizeof(v));
  memcpy(v.canary, CANARY, sizeof(v.canary));
  v.a = 1234;
  v.b = 5678;
  v.product = 1234ULL * 5678ULL;
  return v;
}

TEST(parse_raw_response)
{
  struct pl_subject s = rec("headers_bad");
  ASSERT_EQ(s.status, 200);
  ASSERT_STREQ(pl_subject_header(&s, "server"), "Apache/2.4.41 (Ubuntu)");
  ASSERT_CONTAINS(s.body, "WordPress 5.8.1");
  pl_subject_free(&s);
  struct pl_subject bad;
  ASSERT_EQ(pl_subject_parse_raw("garbage", 7, &bad), DAST_EPARSE);
  pl_subject_free(&bad);
}

TEST(regex_word_status_header)
{
  struct pl_subject s = rec("sql_mysql_error");
  struct pl_matcher *m = mk("{\"regex\": \"check the manual that corresponds to your (MySQL|MariaDB)\"}");
  struct pl_hit hit = {0};
  ASSERT(pl_match(m, &s, NULL, NULL, &hit));
  ASSERT(hit.set && hit.in_body);
  ASSERT_EQ(strncmp(s.body + hit.off, "check the manual", 16), 0);
  pl_matcher_free(m);
  m = mk("{\"and\": [{\"status\": [500, 502]}, {\"word\": \"SQL SYNTAX\", \"caseless\": true}]}");
  ASSERT(pl_match(m, &s, NULL, NULL, NULL));
  pl_matcher_free(m);
  m = mk("{\"not\": {\"header\": \"Content-Type\"}}");
  ASSERT(!pl_match(m, &s, NULL, NULL, NULL));
  pl_matcher_free(m);
  m = mk("{\"or\": [{\"status\": 404}, {\"regex\": \"^text/plain\", \"part\": \"header:Content-Type\"}]}");
  ASSERT(!pl_match(m, &s, NULL, NULL, NULL)); /* text/html */
  pl_matcher_free(m);
  pl_subject_free(&s);
}

TEST(trap_sql_message_always_present)
{
  /* the page shows a SQL-looking warning with or without the quote */
  struct pl_subject base = rec("sql_always_base"), probe = rec("sql_always_probe");
  struct pl_matcher *m = mk("{\"regex\": [\"You have an error in your SQL syntax\", \"Warning.{0,80}\\\\Wmysqli?_\"], \"absent_in_baseline\": true}");
  ASSERT(m);
  ASSERT(!pl_match(m, &probe, &base, NULL, NULL));
  /* ...while a real error absent from the baseline matches */
  struct pl_subject ok = rec("search_ok"), err = rec("sql_mysql_error");
  ASSERT(pl_match(m, &err, &ok, NULL, NULL));
  pl_matcher_free(m);
  pl_subject_free(&base);
  pl_subject_free(&probe);
  pl_subject_free(&ok);
  pl_subject_free(&err);
}

TEST(placeholders_in_matchers)
{
  struct pl_vars v = vars();
  struct pl_subject s;
  char raw[256];
  snprintf(raw, sizeof(raw), "HTTP/1.1 200 OK\r\nX-Dast-%s: %s\r\n\r\nresult: %llu", CANARY, CANARY, v.product);
  ASSERT_EQ(pl_subject_parse_raw(raw, strlen(raw), &s), DAST_OK);
  struct pl_matcher *m = mk("{\"and\": [{\"word\": \"$[product]\"}, {\"not\": {\"word\": \"$[a]*$[b]\"}}]}");
  ASSERT(pl_match(m, &s, NULL, &v, NULL));
  pl_matcher_free(m);
  m = mk("{\"header\": \"X-Dast-$[canary]\"}");
  struct pl_hit hit = {0};
  ASSERT(pl_match(m, &s, NULL, &v, &hit));
  ASSERT(!hit.in_body);
  pl_matcher_free(m);
  m = mk("{\"regex\": \"^$[canary]$\", \"part\": \"header:X-Dast-$[canary]\"}");
  ASSERT(pl_match(m, &s, NULL, &v, NULL));
  v.canary[1] = 'z';
  ASSERT(!pl_match(m, &s, NULL, &v, NULL));
  pl_matcher_free(m);
  pl_subject_free(&s);
}

TEST(expand_placeholders)
{
  struct pl_vars v = vars();
  v.orig = "shoes";
  v.sleep = 3;
  memcpy(v.token, "tok123", 7);
  v.oob_base = "http://127.0.0.1:4444";
  char *s = pl_expand("$[orig]'$[a]*$[b]=$[product] $[sleep] $[oob] $[oobhost] $[canary] $[unknown] \\$[5]", &v);
  ASSERT_STREQ(s, "shoes'1234*5678=7006652 3 http://127.0.0.1:4444/tok123 127.0.0.1:4444 " CANARY " $[unknown] \\$[5]");
  free(s);
  s = pl_expand("/$[bs]$[canary].example/", &v); /* a backslash right before a placeholder */
  ASSERT_STREQ(s, "/\\" CANARY ".example/");
  free(s);
  char bad[64];
  ASSERT(pl_placeholders_valid("a $[canary] \\$[156]", bad, sizeof(bad)));
  ASSERT(!pl_placeholders_valid("$[cannary]", bad, sizeof(bad)));
  ASSERT_STREQ(bad, "cannary");
}

TEST(fresh_values_are_seeded)
{
  struct dast_rng r1, r2;
  dast_rng_seed(&r1, 7);
  dast_rng_seed(&r2, 7);
  struct pl_vars a, b;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  pl_vars_fresh(&a, &r1);
  pl_vars_fresh(&b, &r2);
  ASSERT_STREQ(a.canary, b.canary);
  ASSERT_EQ(a.product, b.product);
  ASSERT_EQ(a.product, a.a * a.b);
  pl_vars_fresh(&b, &r2);
  ASSERT(strcmp(a.canary, b.canary));
}

TEST(xxe_document)
{
  char *d = pl_xxe_doc("<?xml version=\"1.0\"?><order><item>shoe</item><qty>1</qty></order>", "file:///etc/passwd");
  ASSERT(d);
  ASSERT_CONTAINS(d, "<!DOCTYPE order [<!ENTITY dastent SYSTEM \"file:///etc/passwd\">]>");
  ASSERT_CONTAINS(d, "<item>&dastent;shoe</item>");
  free(d);
  d = pl_xxe_doc(NULL, "http://127.0.0.1:1/x");
  ASSERT_CONTAINS(d, "<root>&dastent;</root>");
  free(d);
  ASSERT(pl_xxe_doc(NULL, "bad\"uri") == NULL);
}

TEST(reflection_contexts)
{
  struct pl_subject s = rec("contexts");
  struct pl_refl r[32];
  size_t n = pl_reflections(s.body, s.body_len, CANARY, r, 32);
  ASSERT_EQ(n, 15);
  enum pl_ctx want[] = {PL_CTX_RCDATA, PL_CTX_SCRIPT_DQ, PL_CTX_SCRIPT_SQ, PL_CTX_SCRIPT_BT,
                        PL_CTX_SCRIPT_COMMENT, PL_CTX_SCRIPT_CODE, PL_CTX_STYLE,
                        PL_CTX_HTML_TEXT, PL_CTX_ATTR_URL, PL_CTX_ATTR_SQ, PL_CTX_ATTR_UQ,
                        PL_CTX_ATTR_EVENT, PL_CTX_COMMENT, PL_CTX_RCDATA, PL_CTX_ATTR_DQ};
  for(size_t i = 0; i < n; i++) {
    if(r[i].ctx != want[i]) fprintf(stderr, "  #%zu: %s != %s\n", i, pl_ctx_name(r[i].ctx), pl_ctx_name(want[i]));
    ASSERT_EQ(r[i].ctx, want[i]);
  }
  ASSERT_STREQ(r[0].tag, "title");
  ASSERT_STREQ(r[13].tag, "textarea");
  ASSERT_STREQ(r[8].attr, "href");
  pl_subject_free(&s);
}

TEST(trap_encoded_reflection_is_not_markup)
{
  struct pl_subject enc = rec("reflect_encoded"), raw = rec("reflect_raw");
  ASSERT(!pl_dom_executable(enc.body, enc.body_len, CANARY));
  ASSERT(pl_dom_executable(raw.body, raw.body_len, CANARY));
  struct pl_vars v = vars();
  struct pl_matcher *m = mk("{\"dom\": \"executable\"}");
  ASSERT(!pl_match(m, &enc, NULL, &v, NULL));
  ASSERT(pl_match(m, &raw, NULL, &v, NULL));
  pl_matcher_free(m);
  m = mk("{\"context\": [\"html_text\"]}");
  ASSERT(pl_match(m, &enc, NULL, &v, NULL)); /* reflected, but as text */
  pl_matcher_free(m);
  pl_subject_free(&enc);
  pl_subject_free(&raw);
}

TEST(dom_judges_each_context)
{
  const char *yes[] = {"reflect_attr_break", "reflect_script_string_broken", "reflect_js_url"};
  const char *no[] = {"reflect_script_string_escaped", "reflect_textarea", "reflect_comment"};
  for(size_t i = 0; i < 3; i++) {
    struct pl_subject s = rec(yes[i]);
    if(!pl_dom_executable(s.body, s.body_len, CANARY)) FAIL_AT("%s should be executable", yes[i]);
    pl_subject_free(&s);
    s = rec(no[i]);
    if(pl_dom_executable(s.body, s.body_len, CANARY)) FAIL_AT("%s should not be executable", no[i]);
    pl_subject_free(&s);
  }
}

TEST(js_lexer)
{
  ASSERT(pl_js_code_has("var a = 1; zzq();", 17, "zzq"));
  ASSERT(!pl_js_code_has("var a = 'zzq';", 14, "zzq"));
  ASSERT(!pl_js_code_has("var a = \"\\\"zzq\";", 16, "zzq"));
  ASSERT(!pl_js_code_has("/* zzq */ // zzq\n", 17, "zzq"));
  ASSERT(pl_js_code_has("// x\nzzq", 9, "zzq"));
}

static double sim_of(const struct pl_subject *a, const struct pl_subject *b, const struct pl_tokens *dyn)
{
  struct pl_tokens ta, tb;
  pl_tokens_make(&ta, a->body, a->body_len, NULL, 0);
  pl_tokens_make(&tb, b->body, b->body_len, NULL, 0);
  double s = pl_similarity(&ta, &tb, dyn);
  pl_tokens_free(&ta);
  pl_tokens_free(&tb);
  return s;
}

TEST(trap_page_changes_on_every_load)
{
  struct pl_subject d1 = rec("dynamic_1"), d2 = rec("dynamic_2"), d3 = rec("dynamic_3"),
                    df = rec("dynamic_false");
  struct pl_tokens t1, t2, dyn;
  pl_tokens_make(&t1, d1.body, d1.body_len, NULL, 0);
  pl_tokens_make(&t2, d2.body, d2.body_len, NULL, 0);
  ASSERT(pl_similarity(&t1, &t2, NULL) < 0.9); /* raw: they look different */
  pl_tokens_dynamic(&dyn, &t1, &t2);
  ASSERT(sim_of(&d1, &d3, &dyn) >= 0.9);       /* learned: the same page */
  ASSERT(sim_of(&d1, &df, &dyn) < 0.85);       /* a really different page */
  /* boolean decision: true/true/false vs baseline with the dynamic parts */
  char why[256];
  bool ok = pl_boolean_decide(&d1, &t1, &dyn, &d3, &df, &d2, NULL, 0, 0.0, why, sizeof(why));
  if(!ok) fprintf(stderr, "  %s\n", why);
  ASSERT(ok);
  /* the same with the page's own noise (its two loads, raw): the "false"
   * page still differs by more than the page changes by itself */
  double noise = 1.0 - pl_similarity(&t1, &t2, NULL);
  ok = pl_boolean_decide(&d1, &t1, &dyn, &d3, &df, &d2, NULL, 0, noise, why, sizeof(why));
  if(!ok) fprintf(stderr, "  %s\n", why);
  ASSERT(ok);
  ASSERT_CONTAINS(why, "page changes by itself");
  /* a page that changes by itself more than the "false" page differs (a
   * random list of deals, a shorter list for "false"): no differential */
  ASSERT(!pl_boolean_decide(&d1, &t1, &dyn, &d3, &df, &d2, NULL, 0, 0.25, why, sizeof(why)));
  /* all three "true" pages: no differential, no finding */
  ASSERT(!pl_boolean_decide(&d1, &t1, &dyn, &d3, &d2, &d3, NULL, 0, 0.0, why, sizeof(why)));
  /* "false" is also the same page: nothing */
  ASSERT(!pl_boolean_decide(&d1, &t1, &dyn, &df, &df, &df, NULL, 0, 0.0, why, sizeof(why)));
  pl_tokens_free(&t1);
  pl_tokens_free(&t2);
  pl_tokens_free(&dyn);
  pl_subject_free(&d1);
  pl_subject_free(&d2);
  pl_subject_free(&d3);
  pl_subject_free(&df);
}

TEST(similarity_strips_reflections)
{
  const char *a = "<p>You searched for 1 AND 5711=5711</p><ul><li>one</li></ul>";
  const char *b = "<p>You searched for 1 AND 5711=5712</p><ul><li>one</li></ul>";
  const char *strip[] = {"1 AND 5711=5711", "1 AND 5711=5712"};
  struct pl_tokens ta, tb;
  pl_tokens_make(&ta, a, strlen(a), strip, 2);
  pl_tokens_make(&tb, b, strlen(b), strip, 2);
  ASSERT(pl_similarity(&ta, &tb, NULL) > 0.999);
  pl_tokens_free(&ta);
  pl_tokens_free(&tb);
}

TEST(trap_slow_endpoint_timing)
{
  uint64_t s = 1000000;
  /* fast endpoint: 3 s sleep observed, 0 s control fast */
  ASSERT(pl_timing_delayed(100000, 3, 3150000));
  ASSERT(pl_timing_control_ok(100000, 3, 120000));
  /* slow endpoint (4 s with or without payload): never "delayed" */
  ASSERT(!pl_timing_delayed(4 * s, 3, 4 * s + 200000));
  ASSERT(!pl_timing_control_ok(4 * s, 3, 4 * s));
  /* jitter below the threshold */
  ASSERT(!pl_timing_delayed(100000, 3, 2 * s));
}

TEST(trap_fixed_stall_is_not_a_sleep)
{
  uint64_t s = 1000000;
  /* a real sleep, once or once per row (x3): the longer one takes longer */
  ASSERT(pl_timing_scales(2, 2 * s + 30000, 4, 4 * s + 20000));
  ASSERT(pl_timing_scales(2, 6 * s, 3, 9 * s));
  ASSERT(pl_timing_scales(3, 3 * s, 4, 4 * s - 100000));
  /* XVWA behind a PHP session lock: SLEEP(2) and SLEEP(4) both 5.04 s */
  ASSERT(!pl_timing_scales(2, 5040000, 4, 5040000));
  ASSERT(!pl_timing_scales(3, 5030000, 5, 5040000));
  ASSERT(!pl_timing_scales(2, 5040000, 3, 5300000));
  ASSERT(!pl_timing_scales(3, 3 * s, 3, 4 * s)); /* no second length */
}

TEST(finding_evidence_and_curl)
{
  struct pl_subject s = rec("sql_mysql_error");
  struct dast_finding *f = dast_finding_new();
  const char *at = strstr(s.body, "You have");
  struct pl_hit hit = {.in_body = true, .off = (size_t)(at - s.body), .len = 36, .set = true};
  pl_finding_response(f, &s, &hit);
  ASSERT_CONTAINS(f->response, "HTTP 500");
  ASSERT_CONTAINS(f->response, ">>>You have an error in your SQL syntax<<<");
  const char *h[] = {"Content-Type: application/x-www-form-urlencoded", "Authorization: Bearer s3cret"};
  pl_finding_request(f, "POST", "http://127.0.0.1:8080/search", h, 2, "q=it's", 6);
  ASSERT_CONTAINS(f->curl, "-X 'POST'");
  ASSERT_CONTAINS(f->curl, "--data-binary 'q=it'\\''s'");
  ASSERT_CONTAINS(f->curl, "'Authorization: ****'");
  ASSERT(!strstr(f->curl, "s3cret"));
  ASSERT(!strstr(f->request, "s3cret"));
  dast_finding_free(f);
  pl_subject_free(&s);
}

TEST(version_compare)
{
  ASSERT_EQ(pl_version_cmp("1.10.2", "1.9.1"), 1);
  ASSERT_EQ(pl_version_cmp("3.4.1", "3.5.0"), -1);
  ASSERT_EQ(pl_version_cmp("3.5", "3.5.0"), 0);
  ASSERT_EQ(pl_version_cmp("3.0.0-rc1", "3.0.0"), -1);
  ASSERT_EQ(pl_version_cmp("4.17.21", "4.17.21"), 0);
}

TEST(jslibs_detection)
{
  struct pl_jslibs *j = NULL;
  char err[256], lib[64], msg[512];
  ASSERT_EQ(pl_jslibs_load(DAST_SOURCE_DIR "/payloads/data/jslibs.json", &j, err, sizeof(err)), DAST_OK);
  ASSERT(pl_jslibs_check(j, "http://x/static/jquery-1.8.3.min.js", NULL, 0, lib, sizeof(lib), msg, sizeof(msg)));
  ASSERT_STREQ(lib, "jquery");
  ASSERT_CONTAINS(msg, "CVE-2012-6708");
  ASSERT(!pl_jslibs_check(j, "http://x/static/jquery-3.7.1.min.js", NULL, 0, lib, sizeof(lib), msg, sizeof(msg)));
  const char *body = "/*! jQuery v3.4.1 | (c) JS Foundation and other contributors */\n!function(e){}";
  ASSERT(pl_jslibs_check(j, "http://x/app.js", body, strlen(body), lib, sizeof(lib), msg, sizeof(msg)));
  ASSERT_CONTAINS(msg, "CVE-2020-11022");
  ASSERT(!strstr(msg, "CVE-2019-11358")); /* fixed in 3.4.0 */
  const char *bs = "/*!\n  * Bootstrap v4.3.1 (https://getbootstrap.com/)\n */";
  ASSERT(!pl_jslibs_check(j, "http://x/b.js", bs, strlen(bs), lib, sizeof(lib), msg, sizeof(msg)));
  pl_jslibs_free(j);
}

RUN_TESTS()
