/* fuzz_checks.c — libFuzzer target for the check-file loader (payloads/:
 * checks are data, loaded at start; the loader is a trust boundary for
 * user-supplied --checks-dir folders) and for the matcher JSON parser.
 *
 * The input is written to a temporary file and loaded with
 * dast_checks_load_file(); it is also parsed as one matcher object with
 * pl_matcher_from_json().  Checked: an invalid file gives DAST_EPARSE with
 * a message naming the file; a valid one yields exactly one more check and
 * can be listed as JSON; nothing leaks (libFuzzer's leak check). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payloads/pl_int.h"
#include "tests/fuzz/fuzz_tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > (64u << 10)) return 0;
  const char *path = fuzz_tmp_write(data, size);
  struct dast_checks *set = NULL;
  char err[512] = "";
  dast_err e = dast_checks_load_file(path, &set, err, sizeof(err));
  if(e) {
    if(e != DAST_EPARSE && e != DAST_EIO && e != DAST_EINVAL) {
      fprintf(stderr, "fuzz_checks: unexpected error %s: %s\n", dast_strerror(e), err);
      abort();
    }
    if(!err[0]) {
      fprintf(stderr, "fuzz_checks: %s without a message\n", dast_strerror(e));
      abort();
    }
  } else {
    if(!set || dast_checks_count(set) != 1) {
      fprintf(stderr, "fuzz_checks: loaded %zu checks from one file\n", set ? dast_checks_count(set) : 0);
      abort();
    }
    json_decref(dast_checks_list_json(set));
  }
  dast_checks_free(set);

  char *text = malloc(size + 1);
  if(!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  err[0] = '\0';
  struct pl_matcher *m = pl_matcher_from_json(text, err, sizeof(err));
  if(m) {
    struct pl_subject s;
    static const char raw[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-A: b\r\n\r\n<p>body</p>";
    if(!pl_subject_parse_raw(raw, sizeof(raw) - 1, &s)) {
      struct pl_vars v;
      memset(&v, 0, sizeof(v));
      snprintf(v.canary, sizeof(v.canary), "dabcdefghij");
      struct pl_hit hit;
      (void)pl_match(m, &s, &s, &v, &hit);
      pl_subject_free(&s);
    }
    pl_matcher_free(m);
  }
  free(text);
  return 0;
}
