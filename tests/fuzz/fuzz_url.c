/* fuzz_url.c — libFuzzer target for scanner/engine/url.h.
 *
 * Input: "BASE\0REF" (no NUL: REF alone, resolved without a base).  Runs
 * dast_url_resolve, dast_url_split, dast_url_origin, dast_url_strip_query
 * and dast_url_origin_buf on both the raw input and the resolved URL, and
 * checks the contracts that callers rely on:
 *   - resolve returns only http:// or https:// URLs, without a fragment;
 *   - a resolved URL resolves to itself (normalisation is idempotent);
 *   - when the fast origin parser (used by every scope check) accepts a
 *     resolved URL, curl's parser agrees on the origin.
 * A violated contract aborts, so libFuzzer saves the input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/engine/url.h"

#define MAX_INPUT 8192

static void fail(const char *what, const char *a, const char *b)
{
  fprintf(stderr, "fuzz_url: %s\n  a: %s\n  b: %s\n", what, a ? a : "(null)", b ? b : "(null)");
  abort();
}

/* Same origin, ignoring trailing dots on the host (they name the same host). */
static bool same_origin(const char *fast, const char *slow)
{
  const char *fc = strrchr(fast, ':'), *sc = strrchr(slow, ':');
  if(!fc || !sc || strcmp(fc, sc)) return false;
  size_t fh = (size_t)(fc - fast), sh = (size_t)(sc - slow);
  while(sh && slow[sh - 1] == '.') sh--;
  while(fh && fast[fh - 1] == '.') fh--;
  return fh == sh && !strncasecmp(fast, slow, fh);
}

static void exercise(const char *url)
{
  struct dast_url_parts p;
  if(!dast_url_split(url, &p)) dast_url_parts_free(&p);
  free(dast_url_origin(url));
  free(dast_url_strip_query(url));
  char small[24], big[512];
  (void)dast_url_origin_buf(url, small, sizeof(small));
  (void)dast_url_origin_buf(url, big, sizeof(big));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > MAX_INPUT) return 0;
  char *buf = malloc(size + 1);
  if(!buf) return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  const char *base = NULL, *ref = buf;
  size_t first = strlen(buf);
  if(first < size) {
    base = buf;
    ref = buf + first + 1;
  }
  exercise(buf);
  char *r = dast_url_resolve(base, ref);
  if(r) {
    if(strncmp(r, "http://", 7) && strncmp(r, "https://", 8)) fail("resolve: not http(s)", ref, r);
    if(strchr(r, '#')) fail("resolve: fragment kept", ref, r);
    exercise(r);
    char *again = dast_url_resolve(NULL, r);
    if(!again || strcmp(again, r)) fail("resolve: not idempotent", r, again);
    free(again);
    char fast[512];
    if(dast_url_origin_buf(r, fast, sizeof(fast))) {
      char *slow = dast_url_origin(r);
      if(slow && !same_origin(fast, slow)) fail("origin_buf disagrees with curl", fast, slow);
      free(slow);
    }
    free(r);
  }
  free(buf);
  return 0;
}
