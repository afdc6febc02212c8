/* test_gate.c — every path of the promotion gate: severity and confidence
 * thresholds, the policy file (per class, per check, off), suppressions
 * (active, expired, date-only expiry), the baseline (new / existing / fixed,
 * fail-on-new-only, host-independent fingerprints), incomplete scans and
 * minimum coverage, exit codes (and their remapping), malformed input files
 * with their error messages, and re-gating a saved report. */
#include "tests/unit/harness.h"
#include "tests/unit/test_report_fixture.h"

#define T_2026_01_10_NOON 1768046400 /* 2026-01-10T12:00:00Z */

static json_t *mkfinding(const char *fp, const char *check, const char *cls, const char *sev, const char *conf,
                         const char *tmpl)
{
  json_t *f = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:n}", "fingerprint", fp, "check", check,
                        "name", check, "class", cls, "severity", sev, "confidence", conf, "title", check,
                        "method", "GET", "template", tmpl, "param");
  if(!f) dast_oom();
  return f;
}

/* A minimal valid dastgate/1 document with `n` inventory entries. */
static json_t *mkreport(json_t *findings, bool incomplete, size_t n)
{
  json_t *inv = json_array();
  for(size_t i = 0; i < n; i++) {
    char t[32];
    snprintf(t, sizeof(t), "/p%zu", i);
    json_array_append_new(inv, json_pack("{s:s, s:s, s:s, s:[]}", "method", "GET", "url", t, "template", t, "params"));
  }
  json_t *doc = json_pack("{s:s, s:{s:s, s:s, s:s, s:b, s:s?}, s:{}, s:o, s:o, s:[]}", "schema", "dastgate/1", "scan",
                          "target", "http://127.0.0.1:1/", "started", "2026-01-10T00:00:00Z", "finished",
                          "2026-01-10T00:01:00Z", "incomplete", incomplete, "incomplete_reason",
                          incomplete ? "login failed: logged-in pattern never matched" : NULL, "coverage",
                          "inventory", inv, "findings", findings, "tests");
  if(!doc) dast_oom();
  return doc;
}

static json_t *three_findings(void)
{
  json_t *a = json_array();
  json_array_append_new(a, mkfinding("fpA", "sqli-error", "sqli", "high", "confirmed", "/a"));
  json_array_append_new(a, mkfinding("fpB", "xss-reflected", "xss", "high", "firm", "/b"));
  json_array_append_new(a, mkfinding("fpC", "hdr-csp", "headers", "medium", "confirmed", "/c"));
  return a;
}

static const char *gate_of(const json_t *doc, size_t i)
{
  return json_string_value(json_object_get(json_array_get(json_object_get(doc, "findings"), i), "gate"));
}

static const char *verdict_of(const json_t *doc)
{
  return json_string_value(json_object_get(json_object_get(doc, "gate"), "verdict"));
}

/* Applies a gate built from cfg; -100 when the gate could not be built. */
static int run_gate(const struct dast_config *cfg, json_t *doc, int64_t now)
{
  struct dast_gate *g = NULL;
  char err[512];
  if(dast_gate_new(cfg, &g, err, sizeof(err)) != DAST_OK) {
    fprintf(stderr, "  gate: %s\n", err);
    return -100;
  }
  int rc = dast_gate_apply(g, doc, now);
  dast_gate_free(g);
  return rc;
}

TEST(threshold_parse)
{
  int s = -9, c = -9;
  ASSERT_EQ(dast_gate_parse_threshold("high", &s, &c), DAST_OK);
  ASSERT_EQ(s, DAST_SEV_HIGH);
  ASSERT_EQ(c, DAST_CONF_CONFIRMED);
  ASSERT_EQ(dast_gate_parse_threshold("medium:firm", &s, &c), DAST_OK);
  ASSERT_EQ(s, DAST_SEV_MEDIUM);
  ASSERT_EQ(c, DAST_CONF_FIRM);
  ASSERT_EQ(dast_gate_parse_threshold("Critical:Tentative", &s, &c), DAST_OK);
  ASSERT_EQ(s, DAST_SEV_CRITICAL);
  ASSERT_EQ(c, DAST_CONF_TENTATIVE);
  ASSERT_EQ(dast_gate_parse_threshold("off", &s, &c), DAST_OK);
  ASSERT_EQ(s, -1);
  ASSERT_EQ(dast_gate_parse_threshold("hihg", &s, &c), DAST_EINVAL);
  ASSERT_EQ(dast_gate_parse_threshold("high:sure", &s, &c), DAST_EINVAL);
  ASSERT_EQ(dast_gate_parse_threshold("", &s, &c), DAST_EINVAL);
  ASSERT_EQ(dast_gate_parse_threshold(NULL, &s, &c), DAST_EINVAL);
}

TEST(default_policy_fails_only_confirmed_high)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  json_t *doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON), 1);
  ASSERT_STREQ(verdict_of(doc), "fail");
  ASSERT_STREQ(gate_of(doc, 0), "fail");
  ASSERT_STREQ(gate_of(doc, 1), "below-threshold"); /* high but only firm */
  ASSERT_STREQ(gate_of(doc, 2), "below-threshold"); /* confirmed but medium */
  json_t *counts = json_object_get(json_object_get(doc, "gate"), "counts");
  ASSERT_EQ(json_integer_value(json_object_get(counts, "fail")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(counts, "below_threshold")), 2);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(doc, "gate"), "exit_code")), 1);
  char *reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "high/confirmed sqli-error on GET /a");
  free(reasons);
  json_decref(doc);
  dast_config_free(&cfg);
}

TEST(fail_on_with_confidence_and_pass)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  dast_set_str(&cfg.fail_on, "high:firm");
  json_t *doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON), 1);
  ASSERT_STREQ(gate_of(doc, 1), "fail");
  ASSERT_STREQ(gate_of(doc, 2), "below-threshold");
  json_decref(doc);
  dast_set_str(&cfg.fail_on, "critical");
  doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON), 0);
  ASSERT_STREQ(verdict_of(doc), "pass");
  ASSERT_EQ(json_array_size(json_object_get(json_object_get(doc, "gate"), "reasons")), 1);
  json_decref(doc);
  dast_set_str(&cfg.fail_on, "medium:tentative");
  doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON), 1);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(json_object_get(doc, "gate"), "counts"), "fail")), 3);
  json_decref(doc);
  dast_config_free(&cfg);
}

TEST(remapped_exit_code)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.exit_code_fail = 42;
  json_t *doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 42);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(doc, "gate"), "exit_code")), 42);
  json_decref(doc);
  /* 0 would be a silent pass and 2 means incomplete: both refused */
  struct dast_gate *g = NULL;
  char err[256];
  cfg.exit_code_fail = 0;
  ASSERT_EQ(dast_gate_new(&cfg, &g, err, sizeof(err)), DAST_EINVAL);
  ASSERT(g == NULL);
  cfg.exit_code_fail = 2;
  ASSERT_EQ(dast_gate_new(&cfg, &g, err, sizeof(err)), DAST_EINVAL);
  ASSERT_CONTAINS(err, "exit-code-fail");
  cfg.exit_code_fail = 1;
  dast_set_str(&cfg.fail_on, "hgih");
  ASSERT_EQ(dast_gate_new(&cfg, &g, err, sizeof(err)), DAST_EINVAL);
  ASSERT_CONTAINS(err, "--fail-on: \"hgih\"");
  dast_config_free(&cfg);
}

static char *file_in(const char *dir, const char *name, const char *text)
{
  char *p = dast_aprintf("%s/%s", dir, name);
  if(!fx_spit(p, text)) fprintf(stderr, "  cannot write %s\n", p);
  return p;
}

TEST(policy_file_per_class_and_check)
{
  char *dir = fx_tmpdir();
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.policy_file = file_in(dir, "policy.json",
                            "{\"description\": \"team policy\", \"fail_on\": \"critical\",\n"
                            " \"classes\": {\"xss\": \"medium:firm\"},\n"
                            " \"checks\": {\"hdr-csp\": \"medium\", \"sqli-error\": \"off\"}}");
  json_t *doc = mkreport(three_findings(), false, 3);
  json_array_append_new(json_object_get(doc, "findings"), mkfinding("fpD", "sqli-blind", "sqli", "high", "confirmed", "/d"));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  ASSERT_STREQ(gate_of(doc, 0), "below-threshold"); /* sqli-error: off */
  ASSERT_STREQ(gate_of(doc, 1), "fail");            /* xss class rule medium:firm */
  ASSERT_STREQ(gate_of(doc, 2), "fail");            /* hdr-csp check rule medium */
  ASSERT_STREQ(gate_of(doc, 3), "below-threshold"); /* default critical */
  json_t *pol = json_object_get(json_object_get(doc, "gate"), "policy");
  ASSERT_STREQ(json_string_value(json_object_get(pol, "fail_on")), "critical");
  ASSERT_STREQ(json_string_value(json_object_get(json_object_get(pol, "classes"), "xss")), "medium:firm");
  json_decref(doc);
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
}

TEST(suppression_active_then_expired)
{
  char *dir = fx_tmpdir();
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.suppressions_file = file_in(dir, "sup.json",
                                  "{\"suppressions\": [\n"
                                  "  {\"fingerprint\": \"fpA\", \"reason\": \"WAF blocks it in prod\", \"by\": \"alice\", \"expires\": \"2026-01-10\"},\n"
                                  "  {\"fingerprint\": \"fpB\", \"reason\": \"accepted\", \"who\": \"bob\", \"expires\": \"2026-01-10T06:00:00Z\"}\n"
                                  "]}");
  dast_set_str(&cfg.fail_on, "high:firm");
  /* noon on the expiry date: a date-only expiry is valid through that day */
  json_t *doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON), 1);
  ASSERT_STREQ(gate_of(doc, 0), "suppressed");
  json_t *f0 = json_array_get(json_object_get(doc, "findings"), 0);
  ASSERT_STREQ(json_string_value(json_object_get(json_object_get(f0, "suppression"), "reason")), "WAF blocks it in prod");
  ASSERT_STREQ(json_string_value(json_object_get(json_object_get(f0, "suppression"), "by")), "alice");
  ASSERT_STREQ(gate_of(doc, 1), "fail"); /* its suppression ended at 06:00 */
  json_t *f1 = json_array_get(json_object_get(doc, "findings"), 1);
  ASSERT_STREQ(json_string_value(json_object_get(json_object_get(f1, "expired_suppression"), "by")), "bob");
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(json_object_get(doc, "gate"), "counts"), "suppression_expired")), 1);
  json_decref(doc);
  /* the next day both count again */
  doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON + 12 * 3600 + 1), 1);
  ASSERT_STREQ(gate_of(doc, 0), "fail");
  f0 = json_array_get(json_object_get(doc, "findings"), 0);
  ASSERT(json_object_get(f0, "suppression") == NULL);
  ASSERT(json_is_true(json_object_get(f0, "suppression_expired")));
  ASSERT(json_object_get(f0, "expired_suppression") != NULL);
  json_decref(doc);
  /* all suppressed before 06:00 -> pass */
  doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, T_2026_01_10_NOON - 7 * 3600), 0);
  ASSERT_STREQ(verdict_of(doc), "pass");
  json_decref(doc);
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
}

static char *save(const char *dir, const char *name, const json_t *doc)
{
  char *p = dast_aprintf("%s/%s", dir, name);
  char err[256];
  if(dast_report_write(doc, DAST_FMT_JSON, p, err, sizeof(err))) fprintf(stderr, "  %s\n", err);
  return p;
}

TEST(baseline_new_existing_fixed)
{
  char *dir = fx_tmpdir();
  json_t *old = json_array();
  json_array_append_new(old, mkfinding("fpA", "sqli-error", "sqli", "high", "confirmed", "/a"));
  json_array_append_new(old, mkfinding("fpZ", "cmdi", "cmdi", "critical", "confirmed", "/z"));
  json_array_append_new(old, mkfinding("fpY", "lfi", "lfi", "high", "confirmed", "/y"));
  json_t *base = mkreport(old, false, 3);
  json_array_append_new(json_object_get(base, "tests"), json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:n}", "check", "x", "name", "x",
                                                                  "class", "x", "method", "GET", "template", "/q", "applicable", 1, "reason"));
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.baseline_file = save(dir, "baseline.json", base);
  json_t *cur = three_findings();
  json_t *doc = mkreport(cur, false, 3);
  json_array_append_new(json_object_get(doc, "tests"), json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:n}", "check", "cmdi", "name", "cmdi",
                                                                 "class", "cmdi", "method", "GET", "template", "/z", "applicable", 1, "reason"));
  json_array_append_new(json_object_get(doc, "findings"), mkfinding("fpN", "sqli-error", "sqli", "critical", "confirmed", "/n"));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  json_t *fs = json_object_get(doc, "findings");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(fs, 0), "baseline")), "existing");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(fs, 1), "baseline")), "new");
  ASSERT_STREQ(gate_of(doc, 0), "fail"); /* existing still fails without --fail-on-new-only */
  json_t *fixed = json_object_get(doc, "fixed");
  ASSERT_EQ(json_array_size(fixed), 2);
  json_t *z = json_array_get(fixed, 0), *y = json_array_get(fixed, 1);
  ASSERT_STREQ(json_string_value(json_object_get(z, "fingerprint")), "fpZ");
  ASSERT_STREQ(json_string_value(json_object_get(z, "baseline")), "fixed");
  ASSERT(json_is_true(json_object_get(z, "retested")));  /* cmdi on /z was tested again */
  ASSERT(json_is_false(json_object_get(y, "retested"))); /* lfi on /y was not: maybe not fixed */
  json_t *counts = json_object_get(json_object_get(doc, "gate"), "counts");
  ASSERT_EQ(json_integer_value(json_object_get(counts, "new")), 3);
  ASSERT_EQ(json_integer_value(json_object_get(counts, "existing")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(counts, "fixed")), 2);
  json_decref(doc);

  /* --fail-on-new-only: the existing high finding no longer fails ... */
  cfg.fail_on_new_only = true;
  doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 0);
  ASSERT_STREQ(gate_of(doc, 0), "existing");
  ASSERT_STREQ(verdict_of(doc), "pass");
  json_decref(doc);
  /* ... but a new confirmed critical does */
  doc = mkreport(three_findings(), false, 3);
  json_array_append_new(json_object_get(doc, "findings"), mkfinding("fpN", "sqli-error", "sqli", "critical", "confirmed", "/n"));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  ASSERT_STREQ(gate_of(doc, 3), "fail");
  json_decref(doc);
  json_decref(base);
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
}

TEST(new_only_without_baseline_says_so)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.fail_on_new_only = true;
  json_t *doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  char *reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "without a baseline: every finding is new");
  free(reasons);
  json_decref(doc);
  dast_config_free(&cfg);
}

TEST(baseline_matches_across_hosts_and_ports)
{
  char *dir = fx_tmpdir();
  struct fixture x;
  fx_init(&x);
  json_t *yesterday = dast_result_to_json(&x.r);
  fx_free(&x);
  /* today's ephemeral environment: another port, fingerprints recomputed */
  fx_init(&x);
  for(size_t i = 0; i < 5; i++) {
    char *u = x.fs[i]->url;
    x.fs[i]->url = dast_aprintf("http://127.0.0.2:9999%s", strchr(u + 7, '/'));
    free(u);
    free(x.fs[i]->fingerprint);
    x.fs[i]->fingerprint = NULL;
  }
  dast_set_str(&x.cfg.target, "http://127.0.0.2:9999/");
  x.r.target = x.cfg.target;
  x.cfg.baseline_file = save(dir, "yesterday.json", yesterday);
  json_t *today = dast_result_to_json(&x.r);
  ASSERT_EQ(run_gate(&x.cfg, today, 0), 1);
  json_t *counts = json_object_get(json_object_get(today, "gate"), "counts");
  ASSERT_EQ(json_integer_value(json_object_get(counts, "existing")), 5);
  ASSERT_EQ(json_integer_value(json_object_get(counts, "new")), 0);
  ASSERT_EQ(json_array_size(json_object_get(today, "fixed")), 0);
  json_decref(today);
  json_decref(yesterday);
  fx_free(&x);
  fx_rmrf(dir);
  free(dir);
}

TEST(incomplete_scan_never_passes)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  json_t *clean = json_array();
  json_array_append_new(clean, mkfinding("fpC", "hdr-csp", "headers", "medium", "confirmed", "/c"));
  json_t *doc = mkreport(clean, true, 3);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 2);
  ASSERT_STREQ(verdict_of(doc), "incomplete");
  char *reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "scan incomplete: login failed");
  free(reasons);
  json_decref(doc);
  /* incomplete and a confirmed finding: the finding is the stronger verdict */
  doc = mkreport(three_findings(), true, 3);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  ASSERT_STREQ(verdict_of(doc), "fail");
  ASSERT(json_is_true(json_object_get(json_object_get(doc, "gate"), "incomplete")));
  reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "scan incomplete");
  free(reasons);
  json_decref(doc);
  dast_config_free(&cfg);
}

TEST(failed_login_or_no_response_is_incomplete)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  json_t *doc = mkreport(json_array(), false, 3);
  json_object_set_new(json_object_get(doc, "scan"), "login", json_pack("{s:b, s:b}", "attempted", 1, "ok", 0));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 2);
  char *reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "login failed");
  free(reasons);
  json_object_set_new(json_object_get(doc, "scan"), "login", json_pack("{s:b, s:b}", "attempted", 1, "ok", 1));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 0);
  json_object_set_new(json_object_get(doc, "coverage"), "responses", json_integer(0));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 0); /* no request counted either: no engine statistics given */
  json_object_set_new(json_object_get(doc, "coverage"), "requests", json_integer(40));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 2);
  reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "no HTTP response");
  free(reasons);
  json_object_set_new(json_object_get(doc, "coverage"), "responses", json_integer(12));
  ASSERT_EQ(run_gate(&cfg, doc, 0), 0);
  json_decref(doc);
  dast_config_free(&cfg);
}

TEST(coverage_below_minimum_is_incomplete)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.min_coverage = 5;
  json_t *doc = mkreport(json_array(), false, 4);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 2);
  ASSERT_STREQ(verdict_of(doc), "incomplete");
  char *reasons = json_dumps(json_object_get(json_object_get(doc, "gate"), "reasons"), 0);
  ASSERT_CONTAINS(reasons, "coverage below minimum: 4 endpoints found, at least 5 required");
  free(reasons);
  json_decref(doc);
  doc = mkreport(json_array(), false, 5);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 0);
  json_decref(doc);
  /* from the policy file too */
  char *dir = fx_tmpdir();
  cfg.min_coverage = 0;
  cfg.policy_file = file_in(dir, "p.json", "{\"min_coverage\": 10, \"fail_on_new_only\": false}");
  doc = mkreport(json_array(), false, 5);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 2);
  json_decref(doc);
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
}

/* Expects dast_gate_new to fail with `code` and a message containing each
 * of the NULL-terminated needles. */
static bool gate_error(struct dast_config *cfg, dast_err code, const char *needle1, const char *needle2)
{
  struct dast_gate *g = NULL;
  char err[512] = "";
  dast_err e = dast_gate_new(cfg, &g, err, sizeof(err));
  bool ok = e == code && g == NULL && strstr(err, needle1) && (!needle2 || strstr(err, needle2)) &&
            !strchr(err, '\n');
  if(!ok) fprintf(stderr, "  got %d \"%s\", wanted %d with \"%s\"\n", (int)e, err, (int)code, needle1);
  dast_gate_free(g);
  return ok;
}

TEST(malformed_files_give_clear_errors)
{
  char *dir = fx_tmpdir();
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.policy_file = file_in(dir, "policy.json", "{\n  \"fail_on\": \"high\",\n  \"classes\": {\"xss\": }\n}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "policy.json:3:", NULL));
  free(cfg.policy_file);
  cfg.policy_file = file_in(dir, "policy.json", "{\"severity\": \"high\"}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "policy.json: severity: unknown key", NULL));
  free(cfg.policy_file);
  cfg.policy_file = file_in(dir, "policy.json", "{\"classes\": {\"xss\": \"hgh\"}}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "policy.json: classes.xss:", "\"hgh\""));
  free(cfg.policy_file);
  cfg.policy_file = file_in(dir, "policy.json", "{\"min_coverage\": \"lots\"}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "policy.json: min_coverage:", NULL));
  free(cfg.policy_file);
  cfg.policy_file = dast_aprintf("%s/none.json", dir);
  ASSERT(gate_error(&cfg, DAST_EIO, "none.json: No such file", NULL));
  free(cfg.policy_file);
  cfg.policy_file = NULL;

  cfg.suppressions_file = file_in(dir, "sup.json", "[{\"fingerprint\": \"fpA\", \"by\": \"alice\"}]");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "sup.json: suppressions[0].reason: required", NULL));
  free(cfg.suppressions_file);
  cfg.suppressions_file = file_in(dir, "sup.json", "{\"suppressions\": [{\"fingerprint\": \"a\", \"reason\": \"r\"},"
                                                   " {\"fingerprint\": \"b\", \"reason\": \"r\", \"expires\": \"31/12/2026\"}]}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "sup.json: suppressions[1].expires:", "\"31/12/2026\""));
  free(cfg.suppressions_file);
  cfg.suppressions_file = file_in(dir, "sup.json", "[{\"fingerprint\": \"a\", \"reason\": \"r\", \"expires\": \"2026-02-30\"}]");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "suppressions[0].expires", NULL));
  free(cfg.suppressions_file);
  cfg.suppressions_file = file_in(dir, "sup.json", "[{\"fingerprint\": \"a\", \"reason\": \"r\", \"until\": \"2026-01-01\"}]");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "suppressions[0].until: unknown key", NULL));
  free(cfg.suppressions_file);
  cfg.suppressions_file = file_in(dir, "sup.json", "{\"suppressions\": {}}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "sup.json: suppressions: expected an array", NULL));
  free(cfg.suppressions_file);
  cfg.suppressions_file = NULL;

  cfg.baseline_file = file_in(dir, "base.json", "{\"schema\": \"zap/2\"}");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "base.json: schema: unsupported schema", NULL));
  free(cfg.baseline_file);
  cfg.baseline_file = file_in(dir, "base.json", "{\"schema\": \"dastgate/1\",");
  ASSERT(gate_error(&cfg, DAST_EPARSE, "base.json:1:", NULL));
  free(cfg.baseline_file);
  cfg.baseline_file = NULL;
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
}

TEST(regating_replaces_earlier_annotations)
{
  char *dir = fx_tmpdir();
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.suppressions_file = file_in(dir, "sup.json", "[{\"fingerprint\": \"fpA\", \"reason\": \"r\"}]");
  json_t *doc = mkreport(three_findings(), false, 3);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 0);
  ASSERT_STREQ(gate_of(doc, 0), "suppressed");
  free(cfg.suppressions_file);
  cfg.suppressions_file = NULL;
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  ASSERT_STREQ(gate_of(doc, 0), "fail");
  ASSERT(json_object_get(json_array_get(json_object_get(doc, "findings"), 0), "suppression") == NULL);
  /* applying the same gate twice is idempotent */
  char *once = json_dumps(doc, JSON_SORT_KEYS);
  ASSERT_EQ(run_gate(&cfg, doc, 0), 1);
  char *twice = json_dumps(doc, JSON_SORT_KEYS);
  ASSERT_STREQ(once, twice);
  free(once);
  free(twice);
  char err[256];
  ASSERT_EQ(dast_report_validate(doc, "regated", err, sizeof(err)), DAST_OK);
  json_decref(doc);
  dast_config_free(&cfg);
  fx_rmrf(dir);
  free(dir);
}

RUN_TESTS()
