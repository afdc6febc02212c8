/* fuzz_robots_sitemap.c — libFuzzer target for crawlers/robots.h and
 * crawlers/sitemap.h.  The whole input is given to both parsers (a
 * robots.txt and a sitemap.xml / text sitemap).  Checked: reported URLs are
 * absolute http(s), call counts respect `max`, and the XML reader never
 * loads entities or the network (sitemap.h promises XML_PARSE_NONET and no
 * entity substitution: a billion-laughs input must stay fast and small). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/robots.h"
#include "crawlers/sitemap.h"

static void on_url(void *ud, const struct dast_found *f)
{
  size_t *n = ud;
  (*n)++;
  if(!f->url || (strncmp(f->url, "http://", 7) && strncmp(f->url, "https://", 8))) {
    fprintf(stderr, "fuzz_robots_sitemap: bad URL: %s\n", f->url ? f->url : "(null)");
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > (1u << 20)) return 0;
  size_t n = 0;
  bool capped = false;
  size_t calls = dast_robots_extract((const char *)data, size, "http://127.0.0.1:8080/robots.txt", 50,
                                     on_url, on_url, &n, &capped);
  if(calls != n || n > 50) abort();
  n = 0;
  size_t ncalls = 0;
  dast_err e = dast_sitemap_extract((const char *)data, size, "http://127.0.0.1:8080/sitemap.xml", 50,
                                    on_url, on_url, &n, &ncalls);
  (void)e;
  if(n > 50) {
    fprintf(stderr, "fuzz_robots_sitemap: sitemap reported %zu > 50\n", n);
    abort();
  }
  return 0;
}
