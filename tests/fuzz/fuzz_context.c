/* fuzz_context.c — libFuzzer target for the attack engine's response
 * analysis (payloads/pl_int.h): the reflection-context classifier
 * (pl_reflections), the parsed-DOM executability test (pl_dom_executable,
 * libxml2), the JS-code test (pl_js_code_has), the raw-response parser
 * (pl_subject_parse_raw + header lookup) and page similarity (tokens).
 *
 * Input: byte 0 picks nothing but the canary's position; the rest is a
 * response body into which the fixed canary "dzq9x7k2m4w" is inserted at
 * several places (so reflections exist), and also the raw response text.
 * Checked: reflections are reported in body order, inside the body, at
 * most `max`, each at a place where the canary really is; every run ends
 * (libFuzzer -timeout: these must be linear). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payloads/pl_int.h"

#define CANARY "dzq9x7k2m4w"
#define MAXR 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size < 1 || size > (256u << 10)) return 0;
  const char *in = (const char *)data + 1;
  size_t n = size - 1;
  /* body = in[0..k) CANARY in[k..n) CANARY */
  size_t k = n ? data[0] % (n + 1) : 0;
  size_t clen = strlen(CANARY);
  size_t blen = n + 2 * clen;
  char *body = malloc(blen + 1);
  if(!body) return 0;
  memcpy(body, in, k);
  memcpy(body + k, CANARY, clen);
  memcpy(body + k + clen, in + k, n - k);
  memcpy(body + n + clen, CANARY, clen);
  body[blen] = '\0';

  struct pl_refl r[MAXR];
  size_t got = pl_reflections(body, blen, CANARY, r, MAXR);
  if(got > MAXR) abort();
  for(size_t i = 0; i < got; i++) {
    if(r[i].off + clen > blen || memcmp(body + r[i].off, CANARY, clen) || (i && r[i].off <= r[i - 1].off) ||
       (unsigned)r[i].ctx >= PL_CTX__COUNT) {
      fprintf(stderr, "fuzz_context: reflection %zu at %zu (ctx %d) is not a canary in order\n", i,
              r[i].off, (int)r[i].ctx);
      abort();
    }
    (void)pl_ctx_name(r[i].ctx);
  }
  (void)pl_dom_executable(body, blen, CANARY);
  (void)pl_js_code_has(body, blen, CANARY);

  struct pl_subject s;
  if(!pl_subject_parse_raw(in, n, &s)) {
    (void)pl_subject_header(&s, "Content-Type");
    (void)pl_subject_header(&s, "Set-Cookie");
    struct pl_tokens a, b, d;
    const char *strip[] = {CANARY};
    pl_tokens_make(&a, s.body, s.body_len, strip, 1);
    pl_tokens_make(&b, body, blen, NULL, 0);
    pl_tokens_dynamic(&d, &a, &b);
    double sim = pl_similarity(&a, &b, &d);
    if(!(sim >= 0.0 && sim <= 1.0)) {
      fprintf(stderr, "fuzz_context: similarity %f outside [0,1]\n", sim);
      abort();
    }
    pl_tokens_free(&a);
    pl_tokens_free(&b);
    pl_tokens_free(&d);
    pl_subject_free(&s);
  }
  free(body);
  return 0;
}
