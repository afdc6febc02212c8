/* fuzz_scope.c — libFuzzer target for the scope check (http.h, "scope").
 *
 * The safety property of the whole scanner: a URL the scope allows must be
 * one curl would send to the target's origin.  The scope is built for
 * http://127.0.0.1:8080/; for every input URL that dast_scope_allows()
 * accepts, curl's own parser (through dast_url_split) must either reject
 * it (then nothing is sent) or read scheme http, host 127.0.0.1 and port
 * 8080.  Anything else would let a hostile page steer requests elsewhere,
 * and aborts so libFuzzer keeps the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/http.h"
#include "scanner/engine/url.h"

static struct dast_scope *scope;
static struct dast_config cfg;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  dast_config_init(&cfg);
  cfg.target = dast_strdup("http://127.0.0.1:8080/");
  char err[256];
  if(dast_scope_new(&cfg, &scope, err, sizeof(err))) abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 4096) return 0;
  char *url = malloc(size + 1);
  if(!url) return 0;
  memcpy(url, data, size);
  url[size] = '\0';
  if(dast_scope_allows(scope, url)) {
    struct dast_url_parts p;
    if(!dast_url_split(url, &p)) {
      bool host_ok = !strcmp(p.host, "127.0.0.1") || !strcmp(p.host, "127.0.0.1.");
      if(strcmp(p.scheme, "http") || !host_ok || p.port != 8080) {
        fprintf(stderr, "fuzz_scope: allowed '%s' but curl reads %s://%s:%d\n", url, p.scheme,
                p.host, p.port);
        abort();
      }
      dast_url_parts_free(&p);
    }
  }
  free(url);
  return 0;
}
