/* bench_html.c — CPU cost of link/form extraction per page (crawlers/html.c).
 * Parses one generated page (the same shape as tests/bench/crawl.sh's site:
 * a nav link, two child links, three sibling links and 30 paragraphs,
 * ~2.3 KB) N times and prints microseconds per page and pages/s on one core.
 * Usage: bench_html [N] [FILE] — FILE replaces the generated page. */
#include "crawlers/html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static size_t g_links, g_forms;

static void on_url(void *ud, const struct dast_found *f)
{
  (void)ud; (void)f;
  g_links++;
}

static void on_form(void *ud, const struct dast_form *f)
{
  (void)ud; (void)f;
  g_forms++;
}

static char *gen_page(void)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  dast_buf_printf(&b, "<!doctype html><html><head><title>Page 17</title></head><body><nav>"
                       "<a href=\"/p/aaaa.html\">home</a></nav>\n");
  dast_buf_printf(&b, "<a href=\"/p/aabj.html\">child 35</a>\n<a href=\"/p/aabk.html\">child 36</a>\n");
  for(int s = 1; s <= 3; s++) dast_buf_printf(&b, "<a href=\"aac%c.html\">see %d</a>\n", 'a' + s, s);
  for(int k = 0; k < 30; k++)
    (void)dast_buf_printf(&b, "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n");
  dast_buf_printf(&b, "</body></html>\n");
  return dast_buf_take(&b, NULL);
}

int main(int argc, char **argv)
{
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
  if(n <= 0) n = 20000;
  char *page = NULL;
  size_t len = 0;
  if(argc > 2) {
    FILE *f = fopen(argv[2], "rb");
    if(!f) { perror(argv[2]); return 2; }
    struct dast_buf b;
    dast_buf_init(&b, 0);
    char tmp[65536];
    size_t r;
    while((r = fread(tmp, 1, sizeof tmp, f)) > 0) dast_buf_add(&b, tmp, r);
    fclose(f);
    len = b.len;
    page = dast_buf_take(&b, NULL);
  } else {
    page = gen_page();
    len = strlen(page);
  }
  struct dast_jsurls *js = NULL;
  if(dast_jsurls_new(&js) != DAST_OK) return 2;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for(long i = 0; i < n; i++) {
    struct dast_html_stats st;
    if(dast_html_extract(page, len, "http://127.0.0.1:8080/p/aaar.html", js, NULL, on_url, on_form,
                         NULL, &st) != DAST_OK) return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("%-8s %-8s %-10s %-10s %-8s\n", "pages", "bytes", "us/page", "pages/s", "links");
  printf("%-8ld %-8zu %-10.1f %-10.0f %-8zu\n", n, len, s * 1e6 / (double)n, (double)n / s,
         g_links / (size_t)(n ? n : 1));
  dast_jsurls_free(js);
  free(page);
  return 0;
}
