/* test_crawl_js.c — URL extraction from JavaScript (crawlers/jsurls.h):
 * call patterns with their methods, template literals, generic URL-like
 * literals, noise rejected, and a 20 MB pathological script in bounded
 * time. */
#include "crawlers/jsurls.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

#include <time.h>

struct got {
  struct dast_buf b;
  size_t n;
};

static void on_url(void *ud, const struct dast_found *f)
{
  struct got *g = ud;
  g->n++;
  if(g->b.len < 65536)
    (void)dast_buf_printf(&g->b, "%s %s%s%s%s%s\n", f->method, f->url, f->json_keys ? " keys=" : "",
                          f->json_keys ? f->json_keys : "", f->content_type ? " ctype=" : "",
                          f->content_type ? f->content_type : "");
}

/* test data lives in tests/data/crawl/ */
static char *slurp(const char *name, size_t *len)
{
  char rel[256];
  snprintf(rel, sizeof(rel), "crawl/%s", name);
  return dast_test_slurp(rel, len);
}

TEST(external_script_urls)
{
  size_t len;
  char *js = slurp("app.js", &len);
  ASSERT(js);
  struct dast_jsurls *j;
  ASSERT_EQ(dast_jsurls_new(&j), DAST_OK);
  struct got g = {0};
  dast_buf_init(&g.b, 0);
  (void)dast_buf_adds(&g.b, "");
  bool capped = true;
  size_t n = dast_jsurls_extract(j, js, len, "http://127.0.0.1:9/static/app.js", 100, on_url, &g,
                                 &capped);
  if(getenv("DUMP")) fprintf(stderr, "%s", g.b.data);
  const char *u = g.b.data;
  ASSERT(!capped);
  ASSERT_EQ(n, g.n);
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/api/v2\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/api/items/1\n");
  ASSERT_CONTAINS(u, "PUT http://127.0.0.1:9/api/settings\n");
  ASSERT_CONTAINS(u, "POST http://127.0.0.1:9/comments/add\n");
  ASSERT_CONTAINS(u, "DELETE http://127.0.0.1:9/ajax/endpoint\n");
  ASSERT_CONTAINS(u, "PATCH http://127.0.0.1:9/api/profile\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/api/axios-default\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/static/popup.html\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/assigned\n");
  ASSERT_CONTAINS(u, "POST http://127.0.0.1:9/api/import ctype=application/xml\n");
  ASSERT_CONTAINS(u, "GET https://cdn.example.com/lib.js\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/up/one.php\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/static/report.aspx?id=3\n");
  ASSERT(!strstr(u, "/application/json"));
  ASSERT(!strstr(u, "12/31"));
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/from-markup-in-js\n");
  ASSERT(!strstr(u, "dynamic"));
  ASSERT(!strstr(u, "(\\d"));
  dast_buf_free(&g.b);
  free(js);
  dast_jsurls_free(j);
}

/* URL prefixes kept in constants and built on: the single-page-app way. */
TEST(url_prefix_constants)
{
  static const char js[] =
      "const API = \"/api/v2\";\n"
      "let ROOT = process.env.ROOT || '/svc';\n"
      "var cfg = { apiBase: \"/backend\", other: 3 };\n"
      "fetch(`${API}/users/${id}/orders`).then(r => r.json());\n"
      "fetch(API + \"/products?limit=10\", {method: \"POST\", body: JSON.stringify({sku: 1})});\n"
      "axios.put(ROOT + '/profile');\n"
      "fetch(`${cfg.apiBase}/health`);\n"
      "const s = 'API + \"/x\"'; x.API + '/not-a-constant';\n"
      "fetch(`${unknown}/skipped`);\n";
  struct dast_jsurls *j;
  ASSERT_EQ(dast_jsurls_new(&j), DAST_OK);
  struct got g = {0};
  dast_buf_init(&g.b, 0);
  (void)dast_buf_adds(&g.b, "");
  (void)dast_jsurls_extract(j, js, sizeof(js) - 1, "http://127.0.0.1:9/app.js", 100, on_url, &g,
                            NULL);
  if(getenv("DUMP")) fprintf(stderr, "%s", g.b.data);
  const char *u = g.b.data;
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/api/v2/users/1/orders\n");
  ASSERT_CONTAINS(u, "POST http://127.0.0.1:9/api/v2/products?limit=10 keys=sku\n");
  ASSERT_CONTAINS(u, "PUT http://127.0.0.1:9/svc/profile\n");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:9/backend/health\n");
  ASSERT(!strstr(u, "/api/v2/not-a-constant")); /* x.API is a property, not the constant */
  ASSERT(!strstr(u, "skipped"));                 /* unknown origin: not guessed */
  ASSERT(!strstr(u, "9/products"));              /* the rewritten call, not a bare "/products" */
  g.b.len = 0;
  static const char bundle[] = "var a=\"/*@__PURE__*/\",b='/*',c=\"/x*/y\";fetch('/real');";
  (void)dast_jsurls_extract(j, bundle, sizeof(bundle) - 1, "http://127.0.0.1:9/app.js", 100, on_url,
                            &g, NULL);
  ASSERT_STREQ(g.b.data, "GET http://127.0.0.1:9/real\n"); /* comment markers are not paths */
  dast_buf_free(&g.b);
  dast_jsurls_free(j);
}

TEST(cap_is_honoured)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  for(int i = 0; i < 1000; i++) (void)dast_buf_printf(&b, "x = '/p%d';\n", i);
  struct dast_jsurls *j;
  ASSERT_EQ(dast_jsurls_new(&j), DAST_OK);
  struct got g = {0};
  dast_buf_init(&g.b, 0);
  bool capped = false;
  ASSERT_EQ(dast_jsurls_extract(j, b.data, b.len, "http://h/", 50, on_url, &g, &capped), 50);
  ASSERT(capped);
  ASSERT_EQ(g.n, 50);
  dast_buf_free(&g.b);
  dast_buf_free(&b);
  dast_jsurls_free(j);
}

/* 20 MB of inputs designed to make naive patterns backtrack: unterminated
 * quotes followed by long URL-ish runs, endless fetch( openers, and
 * quote-heavy soup.  Must finish in bounded time. */
TEST(pathological_20mb_script_is_bounded)
{
  size_t size = 20u << 20;
  char *js = dast_malloc(size);
  const char *pieces[] = {"\"/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "fetch(   '", "$.post( \"",
                          "'\"`", "axios.get(`/${", "location=\"", "/x/y/z/", ".open(\"POST\", '"};
  size_t at = 0, k = 0;
  while(at < size) {
    const char *p = pieces[k++ % (sizeof(pieces) / sizeof(pieces[0]))];
    size_t n = strlen(p);
    if(at + n > size) n = size - at;
    memcpy(js + at, p, n);
    at += n;
  }
  struct dast_jsurls *j;
  ASSERT_EQ(dast_jsurls_new(&j), DAST_OK);
  struct got g = {0};
  dast_buf_init(&g.b, 0);
  clock_t t0 = clock();
  (void)dast_jsurls_extract(j, js, size, "http://h/", DAST_JSURLS_MAX, on_url, &g, NULL);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  fprintf(stderr, "  20 MB hostile script: %.2fs, %zu urls\n", secs, g.n);
  ASSERT_LE(secs, 20);
  /* a 20 MB run with no quote at all */
  memset(js, 'a', size);
  js[0] = '"';
  js[1] = '/';
  t0 = clock();
  (void)dast_jsurls_extract(j, js, size, "http://h/", DAST_JSURLS_MAX, on_url, &g, NULL);
  secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  fprintf(stderr, "  20 MB unterminated literal: %.2fs\n", secs);
  ASSERT_LE(secs, 20);
  dast_buf_free(&g.b);
  free(js);
  dast_jsurls_free(j);
}

TEST(bad_arguments)
{
  struct dast_jsurls *j;
  ASSERT_EQ(dast_jsurls_new(&j), DAST_OK);
  struct got g = {0};
  ASSERT_EQ(dast_jsurls_extract(j, NULL, 5, "http://h/", 10, on_url, &g, NULL), 0);
  ASSERT_EQ(dast_jsurls_extract(NULL, "x", 1, "http://h/", 10, on_url, &g, NULL), 0);
  ASSERT_EQ(dast_jsurls_extract(j, "'/a'", 4, "not a url", 10, on_url, &g, NULL), 0);
  dast_jsurls_free(j);
}

RUN_TESTS()
