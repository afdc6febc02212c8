/* test_core.c — unit tests for the ground floor: the capped buffer, the
 * PRNG's reproducibility, URL encoding and the endpoint request builder. */
#include <curl/curl.h>

#include "scanner/engine/types.h"
#include "scanner/engine/url.h"
#include "tests/unit/harness.h"

TEST(buf_cap_refuses_growth)
{
  struct dast_buf b;
  dast_buf_init(&b, 8);
  ASSERT_EQ(dast_buf_adds(&b, "12345"), DAST_OK);
  ASSERT_EQ(dast_buf_adds(&b, "6789"), DAST_ELIMIT);
  ASSERT_EQ(b.len, 5);
  ASSERT_EQ(dast_buf_add_upto(&b, "abcdef", 6), 3);
  ASSERT_STREQ(b.data, "12345abc");
  dast_buf_free(&b);
}

TEST(rng_is_reproducible)
{
  struct dast_rng a, b;
  dast_rng_seed(&a, 42);
  dast_rng_seed(&b, 42);
  for(int i = 0; i < 100; i++) ASSERT_EQ(dast_rng_next(&a), dast_rng_next(&b));
  dast_rng_seed(&b, 43);
  ASSERT(dast_rng_next(&a) != dast_rng_next(&b));
}

TEST(url_encode_decode_roundtrip)
{
  const char *s = "a b&c=d/<x>\"'%";
  char *e = dast_url_encode(s, strlen(s));
  ASSERT_STREQ(e, "a%20b%26c%3Dd%2F%3Cx%3E%22%27%25");
  char *d = dast_url_decode(e, strlen(e), false);
  ASSERT_STREQ(d, s);
  free(e);
  free(d);
  d = dast_url_decode("a+b%4", 5, true);
  ASSERT_STREQ(d, "a b%4");
  free(d);
}

TEST(endpoint_build_overrides_one_param)
{
  struct dast_endpoint *ep = dast_endpoint_new("POST", "http://h:1/item/17/edit", DAST_SRC_FORM);
  dast_endpoint_add_param(ep, DAST_IP_QUERY, "q", "x y", NULL);
  dast_endpoint_add_param(ep, DAST_IP_FORM, "name", "bob", "text");
  dast_endpoint_add_param(ep, DAST_IP_FORM, "csrf", "tok", "hidden");
  dast_endpoint_add_param(ep, DAST_IP_PATH, "1", "17", NULL);
  dast_endpoint_add_param(ep, DAST_IP_COOKIE, "sid", "abc", NULL);
  struct dast_built b;
  ASSERT_EQ(dast_endpoint_build(ep, 1, "<'\">", false, &b), DAST_OK);
  ASSERT_STREQ(b.url, "http://h:1/item/17/edit?q=x%20y");
  ASSERT_STREQ(b.body, "name=%3C%27%22%3E&csrf=tok");
  ASSERT_EQ(b.nheaders, 2);
  dast_built_free(&b);
  ASSERT_EQ(dast_endpoint_build(ep, 3, "../x", false, &b), DAST_OK);
  ASSERT_STREQ(b.url, "http://h:1/item/..%2Fx/edit?q=x%20y");
  dast_built_free(&b);
  dast_endpoint_free(ep);
}

TEST(endpoint_build_json_nested)
{
  struct dast_endpoint *ep = dast_endpoint_new("POST", "http://h/api", DAST_SRC_OPENAPI);
  dast_set_str(&ep->body, "{\"user\":{\"name\":\"a\",\"age\":3}}");
  dast_endpoint_add_param(ep, DAST_IP_JSON, "/user/name", "a", "string");
  dast_endpoint_add_param(ep, DAST_IP_JSON, "/user/age", "3", "integer");
  struct dast_built b;
  ASSERT_EQ(dast_endpoint_build(ep, 1, "1'", false, &b), DAST_OK);
  ASSERT_CONTAINS(b.body, "\"age\":\"1'\"");
  ASSERT_CONTAINS(b.body, "\"name\":\"a\"");
  dast_built_free(&b);
  ASSERT_EQ(dast_endpoint_build(ep, -1, NULL, false, &b), DAST_OK);
  ASSERT_CONTAINS(b.body, "\"age\":3");
  dast_built_free(&b);
  dast_endpoint_free(ep);
}

TEST(fingerprint_ignores_host_and_port)
{
  struct dast_finding *a = dast_finding_new(), *b = dast_finding_new();
  a->check_id = dast_strdup("sqli-error");
  b->check_id = dast_strdup("sqli-error");
  a->method = dast_strdup("GET");
  b->method = dast_strdup("GET");
  a->tmpl = dast_strdup("/item/{n}?id=");
  b->tmpl = dast_strdup("/item/{n}?id=");
  a->url = dast_strdup("http://a:1/item/3?id=1");
  b->url = dast_strdup("http://b:2/item/4?id=1");
  dast_finding_fingerprint(a);
  dast_finding_fingerprint(b);
  ASSERT_STREQ(a->fingerprint, b->fingerprint);
  dast_finding_free(a);
  dast_finding_free(b);
}

TEST(url_resolve_edge_cases)
{
  const char *base = "http://H:8080/dir/page.php?q=1#f";
  struct { const char *ref, *want; } cases[] = {
    {"#", "http://h:8080/dir/page.php?q=1"},
    {"", "http://h:8080/dir/page.php?q=1"},
    {"#top", "http://h:8080/dir/page.php?q=1"},
    {"?a=1", "http://h:8080/dir/page.php?a=1"},
    {"../x", "http://h:8080/x"},
    {"x?y#z", "http://h:8080/dir/x?y"},
    {"//other/p", "http://other/p"},
    {"  /a\n/../b ", "http://h:8080/b"},
    {"HTTP://EXAMPLE.test:80/", "http://example.test/"},
  };
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    char *r = dast_url_resolve(base, cases[i].ref);
    ASSERT_STREQ(r, cases[i].want);
    free(r);
  }
  ASSERT(dast_url_resolve(base, "javascript:alert(1)") == NULL);
  ASSERT(dast_url_resolve(base, "mailto:a@b") == NULL);
  ASSERT(dast_url_resolve(base, "ftp://x/") == NULL);
  char o[64];
  ASSERT(dast_url_origin_buf("https://User@Example.TEST./x?y", o, sizeof(o)));
  ASSERT_STREQ(o, "https://example.test:443");
  ASSERT(dast_url_origin_buf("http://[::1]:8080/", o, sizeof(o)));
  ASSERT_STREQ(o, "http://[::1]:8080");
  ASSERT(!dast_url_origin_buf("http://h:99999/", o, sizeof(o)));
  ASSERT(!dast_url_origin_buf("file:///etc/passwd", o, sizeof(o)));
}

/* The fast resolver must agree with libcurl's URL API on plain references. */
static char *curl_resolve(const char *base, const char *ref)
{
  CURLU *h = curl_url();
  char *out = NULL, *res = NULL;
  if(!curl_url_set(h, CURLUPART_URL, base, 0) && !curl_url_set(h, CURLUPART_URL, ref, 0) &&
     !curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0) &&
     !curl_url_get(h, CURLUPART_URL, &out, CURLU_NO_DEFAULT_PORT))
    res = dast_strdup(out);
  curl_free(out);
  curl_url_cleanup(h);
  return res;
}

TEST(url_resolve_fast_path_agrees_with_curl)
{
  const char *bases[] = {"http://h/", "http://h:8080/a/b/c.html?x=1", "https://h.test/a/", "http://h/a"};
  const char *refs[] = {"x", "./x", "../x", "../../../../x", "/x/./y/../z", "x/", "..", ".", "./",
                        "?q=1", "x?a=b&c=d", "x#f", "/", "a/b/../../c", "/a/b/..", "x.html?y=1#z",
                        "...", "a..b", "/a//b/../c", "../x?y=../z"};
  for(size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
    for(size_t r = 0; r < sizeof(refs) / sizeof(refs[0]); r++) {
      char *ours = dast_url_resolve(bases[b], refs[r]);
      char *theirs = curl_resolve(bases[b], refs[r]);
      if(!ours || !theirs || strcmp(ours, theirs))
        fprintf(stderr, "  base %s ref %s: ours %s curl %s\n", bases[b], refs[r],
                ours ? ours : "(null)", theirs ? theirs : "(null)");
      ASSERT_STREQ(ours, theirs);
      free(ours);
      free(theirs);
    }
}

RUN_TESTS()
