/* fuzz_jsurls.c — libFuzzer target for crawlers/jsurls.h (URLs in
 * JavaScript, PCRE2 through re.h).  The whole input is a script.  Checked:
 * every URL is absolute http(s), at most `max` are reported, and the run is
 * bounded (libFuzzer -timeout: re.h's match limits must hold on runs of
 * quotes, backslashes and slashes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/jsurls.h"

static struct dast_jsurls *js;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if(dast_jsurls_new(&js)) abort();
  return 0;
}

static void on_url(void *ud, const struct dast_found *f)
{
  size_t *n = ud;
  (*n)++;
  if(!f->url || (strncmp(f->url, "http://", 7) && strncmp(f->url, "https://", 8)) || !f->method) {
    fprintf(stderr, "fuzz_jsurls: bad URL reported: %s\n", f->url ? f->url : "(null)");
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > (1u << 20)) return 0;
  size_t n = 0;
  bool capped = false;
  size_t got = dast_jsurls_extract(js, (const char *)data, size, "http://127.0.0.1:8080/static/app.js",
                                   100, on_url, &n, &capped);
  if(got != n || n > 100) {
    fprintf(stderr, "fuzz_jsurls: returned %zu, reported %zu (max 100)\n", got, n);
    abort();
  }
  return 0;
}
