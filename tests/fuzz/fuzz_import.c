/* fuzz_import.c — libFuzzer target for the API-description importers:
 * crawlers/openapi.h (OpenAPI 3 / Swagger 2 JSON, $ref with cycle and depth
 * protection) and crawlers/har.h (HAR 1.2).  The whole input goes to both.
 * Checked: on error, no endpoint was handed over and the message names the
 * document; every endpoint handed over has a method, an absolute URL and a
 * template, and its request can be built with each parameter overridden. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/har.h"
#include "crawlers/openapi.h"

struct got {
  size_t n;
};

static void take(void *ud, struct dast_endpoint *ep)
{
  struct got *g = ud;
  g->n++;
  if(!ep->method || !ep->url || !ep->tmpl) {
    fprintf(stderr, "fuzz_import: endpoint without method/url/template\n");
    abort();
  }
  struct dast_built b;
  for(long i = -1; i < (long)ep->nparams && i < 8; i++)
    if(!dast_endpoint_build(ep, i, "fuzz'\"", false, &b)) dast_built_free(&b);
  dast_endpoint_free(ep);
}

static void check(dast_err e, const struct got *g, const char *err, const char *who)
{
  if(e && g->n) {
    fprintf(stderr, "fuzz_import: %s failed (%s) after handing over %zu endpoints\n", who, err, g->n);
    abort();
  }
  if(e && !strstr(err, "doc.json")) {
    fprintf(stderr, "fuzz_import: %s error does not name the document: %s\n", who, err);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > (256u << 10)) return 0;
  char err[512] = "";
  struct got g = {0};
  dast_err e = dast_openapi_load_buf((const char *)data, size, "doc.json", "http://127.0.0.1:8080/spec.json",
                                     size && (data[0] & 1) ? "http://127.0.0.1:8080/" : NULL, take, &g,
                                     err, sizeof(err));
  check(e, &g, err, "openapi");
  g.n = 0;
  err[0] = '\0';
  e = dast_har_load_buf((const char *)data, size, "doc.json", take, &g, err, sizeof(err));
  check(e, &g, err, "har");
  return 0;
}
