/* test_crawl_robots.c — robots.txt and sitemaps (crawlers/robots.h,
 * crawlers/sitemap.h): paths, wildcards, sitemap lines, urlsets, indexes,
 * plain-text sitemaps, broken XML, XXE and entity bombs. */
#include "crawlers/robots.h"
#include "crawlers/sitemap.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

#include <time.h>

static void on_any(void *ud, const struct dast_found *f)
{
  (void)dast_buf_printf(ud, "%s %s\n", dast_source_name(f->src), f->url);
}

static void on_index(void *ud, const struct dast_found *f)
{
  (void)dast_buf_printf(ud, "index %s\n", f->url);
}

/* test data lives in tests/data/crawl/ */
static char *slurp(const char *name, size_t *len)
{
  char rel[256];
  snprintf(rel, sizeof(rel), "crawl/%s", name);
  return dast_test_slurp(rel, len);
}

TEST(robots_paths_and_sitemaps)
{
  size_t len;
  char *txt = slurp("robots.txt", &len);
  ASSERT(txt);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  bool capped;
  size_t n = dast_robots_extract(txt, len, "http://127.0.0.1:9/robots.txt", 100, on_any, on_any,
                                 &out, &capped);
  if(getenv("DUMP")) fprintf(stderr, "%s", out.data);
  ASSERT_EQ(n, 6);
  ASSERT(!capped);
  ASSERT_STREQ(out.data, "robots http://127.0.0.1:9/admin/\n"
                         "robots http://127.0.0.1:9/private/\n"
                         "robots http://127.0.0.1:9/public/page.html\n"
                         "robots http://127.0.0.1:9/lower/case\n"
                         "sitemap http://127.0.0.1:9/sitemap.xml\n"
                         "sitemap http://127.0.0.1:9/other-sitemap.xml\n");
  dast_buf_reset(&out);
  ASSERT_EQ(dast_robots_extract(txt, len, "http://127.0.0.1:9/robots.txt", 2, on_any, on_any, &out,
                                &capped),
            2);
  ASSERT(capped);
  dast_buf_free(&out);
  free(txt);
}

TEST(robots_garbage)
{
  char junk[8192];
  for(size_t i = 0; i < sizeof(junk); i++) junk[i] = (char)((i * 37u) & 0xff);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  (void)dast_robots_extract(junk, sizeof(junk), "http://h/robots.txt", 100, on_any, on_any, &out,
                            NULL);
  const char nul[] = "Disallow: /a\0b\nDisallow: /ok\n";
  dast_buf_reset(&out);
  ASSERT_EQ(dast_robots_extract(nul, sizeof(nul) - 1, "http://h/robots.txt", 100, on_any, on_any,
                                &out, NULL),
            1);
  ASSERT_STREQ(out.data, "robots http://h/ok\n");
  dast_buf_free(&out);
}

TEST(sitemap_urlset)
{
  size_t len, n;
  char *xml = slurp("sitemap.xml", &len);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  ASSERT_EQ(dast_sitemap_extract(xml, len, "http://127.0.0.1:9/sitemap.xml", 100, on_any,
                                 on_index, &out, &n),
            DAST_OK);
  ASSERT_EQ(n, 4);
  ASSERT_STREQ(out.data, "sitemap http://127.0.0.1:9/only-in-sitemap\n"
                         "sitemap http://127.0.0.1:9/with/space?x=1&y=2\n"
                         "sitemap http://127.0.0.1:9/relative-loc\n"
                         "sitemap http://127.0.0.1:9/cdata\n");
  dast_buf_free(&out);
  free(xml);
}

TEST(sitemap_index_and_text)
{
  size_t len, n;
  char *xml = slurp("sitemap_index.xml", &len);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  ASSERT_EQ(dast_sitemap_extract(xml, len, "http://127.0.0.1:9/s.xml", 100, on_any, on_index, &out,
                                 &n),
            DAST_OK);
  ASSERT_STREQ(out.data, "index http://127.0.0.1:9/sitemap-a.xml\n"
                         "index http://127.0.0.1:9/sitemap-b.xml\n");
  dast_buf_reset(&out);
  const char *txt = "http://h/a\r\nhttps://h/b\nnot a url\n";
  ASSERT_EQ(dast_sitemap_extract(txt, strlen(txt), "http://h/s.txt", 100, on_any, on_index, &out,
                                 &n),
            DAST_OK);
  ASSERT_STREQ(out.data, "sitemap http://h/a\nsitemap https://h/b\n");
  dast_buf_free(&out);
  free(xml);
}

TEST(sitemap_broken_and_hostile)
{
  size_t n;
  struct dast_buf out;
  dast_buf_init(&out, 0);
  const char *broken = "<urlset><url><loc>http://h/first</loc></url><url><loc>http://h/x</lo";
  ASSERT_EQ(dast_sitemap_extract(broken, strlen(broken), "http://h/s.xml", 100, on_any, on_index,
                                 &out, &n),
            DAST_EPARSE);
  ASSERT_CONTAINS(out.data, "http://h/first");
  /* XXE and an entity bomb: nothing read from disk, no blow-up */
  size_t len;
  char *xml = slurp("sitemap_xxe.xml", &len);
  dast_buf_reset(&out);
  clock_t t0 = clock();
  dast_err e = dast_sitemap_extract(xml, len, "http://127.0.0.1:9/s.xml", 100, on_any, on_index,
                                    &out, &n);
  ASSERT_LE((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0);
  ASSERT(e == DAST_OK || e == DAST_EPARSE);
  if(out.data) {
    ASSERT(!strstr(out.data, "root:"));
    ASSERT_LE(out.len, 4096);
  }
  dast_buf_free(&out);
  free(xml);
}

RUN_TESTS()
