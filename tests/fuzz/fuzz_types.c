/* fuzz_types.c — libFuzzer target for scanner/engine/types.h: percent
 * decoding/encoding and dast_endpoint_build(), the one place requests are
 * assembled from crawled endpoints and payloads.
 *
 * Input layout: byte 0 picks the override index and raw flag; the rest is
 * split at NUL bytes into fields: url, body, content type, then
 * (kind-byte+name, value, type) triples for up to 16 parameters, and the
 * last field is the override value.  Checked contracts:
 *   - dast_url_decode(dast_url_encode(x)) == x for any bytes x;
 *   - decoding never grows its input;
 *   - a built request (when build succeeds) has the endpoint's method and a
 *     URL starting with the endpoint's URL, and a JSON body when a JSON
 *     parameter exists. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/types.h"

#define MAX_INPUT 16384
#define MAX_FIELDS 64

static void fail(const char *what)
{
  fprintf(stderr, "fuzz_types: %s\n", what);
  abort();
}

static void roundtrip(const char *s, size_t n)
{
  char *enc = dast_url_encode(s, n);
  char *dec = dast_url_decode(enc, strlen(enc), false);
  if(strlen(s) == n && strcmp(dec, s)) fail("decode(encode(x)) != x");
  free(enc);
  free(dec);
  dec = dast_url_decode(s, n, true);
  if(strlen(dec) > n) fail("decode grew its input");
  free(dec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size < 1 || size > MAX_INPUT) return 0;
  char *buf = malloc(size);
  if(!buf) return 0;
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = '\0';
  const char *f[MAX_FIELDS];
  size_t nf = 0;
  for(char *p = buf; nf < MAX_FIELDS && p <= buf + size - 1;) {
    f[nf++] = p;
    p += strlen(p) + 1;
  }
  roundtrip(buf, strlen(buf));
  roundtrip(buf, size - 1); /* with the NULs */

  const char *url = nf > 0 && f[0][0] ? f[0] : "http://127.0.0.1/a/b";
  struct dast_endpoint *ep = dast_endpoint_new(nf > 3 ? "POST" : "GET", url, DAST_SRC_LINK);
  if(nf > 1 && f[1][0]) dast_set_str(&ep->body, f[1]);
  if(nf > 2 && f[2][0]) dast_set_str(&ep->content_type, f[2]);
  bool has_json = false;
  for(size_t i = 3; i + 2 < nf && ep->nparams < 16; i += 3) {
    int kind = f[i][0] ? (unsigned char)f[i][0] % DAST_IP__COUNT : 0;
    const char *name = f[i][0] ? f[i] + 1 : "";
    has_json |= kind == DAST_IP_JSON;
    dast_endpoint_add_param(ep, (enum dast_ip_kind)kind, name, f[i + 1], f[i + 2][0] ? f[i + 2] : NULL);
  }
  const char *value = f[nf - 1];
  long override = ep->nparams ? (long)(data[0] % (ep->nparams + 1)) - 1 : -1;
  struct dast_built b;
  dast_err e = dast_endpoint_build(ep, override, value, data[0] & 0x80, &b);
  if(!e) {
    if(strcmp(b.method, ep->method)) fail("built method differs");
    bool path_override = override >= 0 && ep->params[override].kind == DAST_IP_PATH;
    if(!path_override && strncmp(b.url, ep->url, strlen(ep->url))) fail("built URL lost its base");
    if(has_json && !b.body) fail("JSON parameter but no body");
    dast_built_free(&b);
  }
  struct dast_endpoint *dup = dast_endpoint_dup(ep);
  dast_endpoint_free(dup);
  dast_endpoint_free(ep);
  free(buf);
  return 0;
}
