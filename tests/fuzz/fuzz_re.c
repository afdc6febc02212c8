/* fuzz_re.c — libFuzzer target for scanner/engine/re.h with hostile
 * patterns and subjects.
 *
 * Input: "PATTERN\0SUBJECT" (no NUL: the whole input is the subject).  The
 * pattern (when given) is compiled and matched over the subject from every
 * start offset the way scanners iterate matches; the subject is also run
 * through a fixed set of URL-extraction style patterns of the kind crawlers
 * and matchers use — the shapes that backtrack badly on runs of quotes,
 * backslashes and slashes.  re.h promises bounded work (match limits), so a
 * libFuzzer -timeout here is a bug.  Offsets returned must lie inside the
 * subject and be ordered. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/re.h"

#define MAX_INPUT (64u * 1024u)
#define MAX_MATCHES 500

static const char *const fixed[] = {
    "[\"'`]((?:https?:)?//[^\"'`\\s]{1,2048}|/[^\"'`\\s<>]{1,2048})[\"'`]",
    "(?:\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*')",
    "(?:fetch|open|get|post|ajax)\\s*\\(\\s*[\"'`]([^\"'`]+)",
    "(?i)<a\\s[^>]*href\\s*=\\s*[\"']?([^\"'\\s>]+)",
    "(\\w+\\s*=\\s*)*(/+[a-z]*)+\\.js",
    "(?:(?:\\\\)+\"|\"(?:/+)\")+x",
};
#define NFIXED (sizeof(fixed) / sizeof(fixed[0]))
static struct dast_re *fixed_re[NFIXED];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  for(size_t i = 0; i < NFIXED; i++) {
    char err[200];
    if(dast_re_compile(fixed[i], 0, &fixed_re[i], err, sizeof(err))) {
      fprintf(stderr, "fuzz_re: fixed pattern %zu: %s\n", i, err);
      abort();
    }
  }
  return 0;
}

static void scan_all(const struct dast_re *re, const char *s, size_t len)
{
  size_t ov[8], start = 0;
  for(int n = 0; n < MAX_MATCHES && start <= len; n++) {
    int rc = dast_re_match(re, s, len, start, ov, 4);
    if(rc != 1) break;
    if(ov[0] > ov[1] || ov[1] > len || ov[0] < start) {
      fprintf(stderr, "fuzz_re: bad offsets %zu..%zu for len %zu start %zu\n", ov[0], ov[1], len, start);
      abort();
    }
    for(int g = 1; g < 4; g++)
      if(ov[2 * g] != (size_t)-1 && (ov[2 * g] > ov[2 * g + 1] || ov[2 * g + 1] > len)) abort();
    start = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > MAX_INPUT) return 0;
  const char *s = (const char *)data;
  const char *nul = memchr(s, '\0', size);
  const char *subject = s;
  size_t slen = size;
  if(nul && (size_t)(nul - s) <= 256) {
    char *pattern = malloc((size_t)(nul - s) + 1);
    if(!pattern) return 0;
    memcpy(pattern, s, (size_t)(nul - s));
    pattern[nul - s] = '\0';
    subject = nul + 1;
    slen = size - (size_t)(nul - s) - 1;
    struct dast_re *re = NULL;
    unsigned flags = slen ? (unsigned char)subject[0] & 7u : 0;
    if(!dast_re_compile(pattern, flags, &re, NULL, 0)) {
      scan_all(re, subject, slen);
      (void)dast_re_test(re, subject, slen);
      dast_re_free(re);
    }
    free(pattern);
  }
  for(size_t i = 0; i < NFIXED; i++) scan_all(fixed_re[i], subject, slen);
  return 0;
}
