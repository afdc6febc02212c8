/* support_service.c — the stand-in scan the service tests inject in place
 * of dast_scan_run (support.h): it makes one real request to the target, so
 * the test can watch it arrive, and hands back a real dastgate/1 report with
 * the real gate applied, holding one confirmed SQL injection when the target
 * URL says "vuln". */
#include "tests/unit/support.h"

#include "reports/gate.h"
#include "reports/report.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

static size_t sink(char *p, size_t sz, size_t n, void *ud)
{
  (void)p;
  (void)ud;
  return sz * n;
}

bool dast_test_reach(const char *url)
{
  CURL *c = curl_easy_init();
  if(!c) return false;
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 5000L);
  CURLcode cc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  return cc == CURLE_OK;
}

struct dast_finding *dast_test_sqli_finding(const char *url)
{
  struct dast_finding *f = dast_finding_new();
  f->check_id = dast_strdup("sqli-error");
  f->check_name = dast_strdup("SQL injection (error based)");
  f->check_class = dast_strdup("sqli");
  f->severity = DAST_SEV_HIGH;
  f->confidence = DAST_CONF_CONFIRMED;
  f->title = dast_strdup("SQL injection in id");
  f->method = dast_strdup("GET");
  f->url = dast_strdup(url);
  f->tmpl = dast_strdup("/vuln?id=");
  f->param = dast_strdup("id");
  dast_finding_fingerprint(f);
  return f;
}

int dast_test_stub_report(const struct dast_config *cfg, bool cancelled, json_t **report,
                          char *errbuf, size_t errlen)
{
  struct dast_gate *gate;
  if(dast_gate_new(cfg, &gate, errbuf, errlen)) return 3;
  struct dast_finding *f = strstr(cfg->target, "vuln") ? dast_test_sqli_finding(cfg->target) : NULL;
  struct dast_stats stats = {0};
  stats.requests = stats.responses = 1; /* the one real request */
  stats.status_class[2] = 1;
  struct dast_scan_result res = {0};
  res.stats = &stats;
  res.cfg = cfg;
  res.target = cfg->target;
  res.started = res.finished = (int64_t)time(NULL);
  res.profile = dast_profile_name(cfg->profile);
  res.findings = f ? &f : NULL;
  res.nfindings = f ? 1 : 0;
  res.incomplete = cancelled;
  res.incomplete_reason = cancelled ? "cancelled" : NULL;
  *report = dast_result_to_json(&res);
  int code = dast_gate_apply(gate, *report, (int64_t)time(NULL));
  dast_gate_free(gate);
  dast_finding_free(f);
  return code;
}
