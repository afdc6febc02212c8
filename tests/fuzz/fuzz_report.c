/* fuzz_report.c — libFuzzer target for what reports/ reads from users:
 * saved reports (`dastgate report`, --baseline), policy and suppression
 * files.  Byte 0 picks the role of the rest of the input:
 *   0: a saved report — validated (dast_report_validate), then gated and
 *      rendered in every format;
 *   1: a policy file, 2: a suppressions file, 3: a baseline report — given
 *      to dast_gate_new() through a temporary file, then applied to a small
 *      fixed report.
 * Checked: errors carry a message; a valid report renders in all formats;
 * the HTML rendering of a report never contains a finding's raw "<script"
 * text unescaped (the HTML report is self-contained and opened in browsers);
 * the JSON rendering is byte for byte what json_dumps prints. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/gate.h"
#include "reports/report.h"
#include "tests/fuzz/fuzz_tmpfile.h"

static const char fixed_report[] =
    "{\"schema\":\"dastgate/1\",\"findings\":[{\"check\":\"xss-reflected\",\"severity\":\"high\","
    "\"confidence\":\"confirmed\",\"fingerprint\":\"00112233445566778899aabbccddeeff\","
    "\"method\":\"GET\",\"template\":\"/s?q=\",\"class\":\"xss\"}]}";

static void render_all(const json_t *rep)
{
  for(int f = DAST_FMT_JSON; f <= DAST_FMT_MD; f++) {
    struct dast_buf out;
    dast_buf_init(&out, 0);
    char err[256];
    dast_err e = dast_report_render(rep, (enum dast_report_format)f, &out, err, sizeof(err));
    if(!e && f == DAST_FMT_HTML && out.data && dast_strcasestr(out.data, "<script>alert(")) {
      fprintf(stderr, "fuzz_report: unescaped script in the HTML report\n");
      abort();
    }
    if(!e && f == DAST_FMT_JSON) { /* our writer (report_dump.c) vs jansson's */
      char *want = json_dumps(rep, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
      if(want && (out.len != strlen(want) + 1 || memcmp(out.data, want, strlen(want)))) {
        fprintf(stderr, "fuzz_report: JSON text differs from json_dumps\n");
        abort();
      }
      free(want);
    }
    dast_buf_free(&out);
  }
}

static void gate_with(const char *policy, const char *supp, const char *baseline)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  if(policy) cfg.policy_file = dast_strdup(policy);
  if(supp) cfg.suppressions_file = dast_strdup(supp);
  if(baseline) cfg.baseline_file = dast_strdup(baseline);
  struct dast_gate *g = NULL;
  char err[512] = "";
  dast_err e = dast_gate_new(&cfg, &g, err, sizeof(err));
  if(e && !err[0]) abort();
  if(!e) {
    json_t *rep = json_loads(fixed_report, 0, NULL);
    (void)dast_gate_apply(g, rep, 1800000000);
    render_all(rep);
    json_decref(rep);
    dast_gate_free(g);
  }
  dast_config_free(&cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size < 1 || size > (256u << 10)) return 0;
  int role = data[0] % 4;
  data++;
  size--;
  if(role == 0) {
    json_t *rep = json_loadb((const char *)data, size, 0, NULL);
    if(!rep) return 0;
    char err[512] = "";
    dast_err e = dast_report_validate(rep, "fuzz.json", err, sizeof(err));
    if(e && !err[0]) abort();
    if(!e) {
      struct dast_config cfg;
      dast_config_init(&cfg);
      struct dast_gate *g = NULL;
      if(!dast_gate_new(&cfg, &g, err, sizeof(err))) {
        (void)dast_gate_apply(g, rep, 1800000000);
        dast_gate_free(g);
      }
      dast_config_free(&cfg);
      render_all(rep);
    }
    json_decref(rep);
    return 0;
  }
  const char *path = fuzz_tmp_write(data, size);
  gate_with(role == 1 ? path : NULL, role == 2 ? path : NULL, role == 3 ? path : NULL);
  return 0;
}
