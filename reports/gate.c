/* gate.c — the promotion gate (gate.h).
 *
 * struct dast_gate holds everything read from the configuration and files,
 * validated once in dast_gate_new(): the default threshold, per-class and
 * per-check rules from the policy file, the suppressions, and the baseline
 * report's findings.  dast_gate_apply() is then a pure function of (gate,
 * report, now): it strips earlier annotations, classifies every finding,
 * lists fixed ones, and writes the verdict.
 *
 * Rule resolution: a check rule beats a class rule beats the default.  A
 * finding fails when it is not suppressed, its severity and confidence are
 * both at or above its rule, and (with fail_on_new_only and a baseline) it
 * is new.  An expired suppression is ignored and says so.
 *
 * Invariant: the verdict is "pass" only when no finding fails, the scan is
 * complete and the inventory meets min_coverage — never a silent pass. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/gate.h"
#include "reports/report_int.h"

struct rule {
  char *key;
  int sev, conf; /* sev -1: "off" (never fails) */
  char *text;    /* as written, for the report */
};

struct suppression {
  char *fingerprint, *reason, *by, *expires; /* expires may be NULL: never */
  int64_t expires_at;                        /* epoch; INT64_MAX when never */
};

struct dast_gate {
  struct rule def;
  struct rule *classes, *checks;
  size_t nclasses, nchecks;
  struct suppression *sup;
  size_t nsup;
  json_t *baseline; /* the baseline report's "findings" array, or NULL */
  json_t *baseline_fps; /* its fingerprints as a set (object keys), or NULL */
  bool new_only;
  double min_coverage;
  int exit_fail;
  char *policy_file, *suppressions_file, *baseline_file;
};

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...) DAST_PRINTF(3, 4);
static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
  if(!errbuf || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, errlen, fmt, ap);
  va_end(ap);
}

dast_err dast_gate_parse_threshold(const char *in, int *sev, int *conf)
{
  char s[48];
  if(!in || strlen(in) >= sizeof(s)) return DAST_EINVAL;
  for(size_t i = 0; i <= strlen(in); i++) s[i] = (char)tolower((unsigned char)in[i]); /* "High:Firm" too */
  if(!strcmp(s, "off") || !strcmp(s, "none") || !strcmp(s, "never")) {
    *sev = -1, *conf = DAST_CONF_CONFIRMED;
    return DAST_OK;
  }
  const char *colon = strchr(s, ':');
  char sv[32];
  size_t n = colon ? (size_t)(colon - s) : strlen(s);
  if(n >= sizeof(sv)) return DAST_EINVAL;
  memcpy(sv, s, n);
  sv[n] = 0;
  int sr = dast_severity_parse(sv);
  int cr = colon ? dast_confidence_parse(colon + 1) : DAST_CONF_CONFIRMED;
  if(sr < 0 || cr < 0) return DAST_EINVAL;
  *sev = sr, *conf = cr;
  return DAST_OK;
}

/* Owned lower-case copy: thresholds are stored as normalised text. */
static char *lower_dup(const char *s)
{
  char *d = dast_strdup(s);
  for(char *p = d; *p; p++) *p = (char)tolower((unsigned char)*p);
  return d;
}

static json_t *load_json(const char *path, char *errbuf, size_t errlen, dast_err *err)
{
  json_error_t je;
  FILE *f = fopen(path, "rb");
  if(!f) {
    seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
    *err = DAST_EIO;
    return NULL;
  }
  json_t *j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
  fclose(f);
  if(!j) {
    seterr(errbuf, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    *err = DAST_EPARSE;
  }
  return j;
}

static dast_err rules_from(const json_t *obj, const char *file, const char *section, struct rule **out,
                           size_t *n, char *errbuf, size_t errlen)
{
  if(!obj) return DAST_OK;
  if(!json_is_object(obj)) {
    seterr(errbuf, errlen, "%s: %s: expected an object of \"name\": \"severity[:confidence]\"", file, section);
    return DAST_EPARSE;
  }
  *out = dast_calloc(json_object_size(obj) + 1, sizeof(**out));
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)obj, k, v)
  {
    struct rule *r = &(*out)[*n];
    if(!json_is_string(v) || dast_gate_parse_threshold(json_string_value(v), &r->sev, &r->conf)) {
      seterr(errbuf, errlen, "%s: %s.%s: expected \"severity[:confidence]\" or \"off\", got %s%.40s%s",
             file, section, k, json_is_string(v) ? "\"" : "", json_is_string(v) ? json_string_value(v) : "a non-string",
             json_is_string(v) ? "\"" : "");
      return DAST_EPARSE;
    }
    r->key = dast_strdup(k);
    r->text = lower_dup(json_string_value(v));
    (*n)++;
  }
  return DAST_OK;
}

static dast_err load_policy(struct dast_gate *g, const char *path, char *errbuf, size_t errlen)
{
  dast_err err = DAST_OK;
  json_t *p = load_json(path, errbuf, errlen, &err);
  if(!p) return err;
  if(!json_is_object(p)) {
    seterr(errbuf, errlen, "%s: expected a JSON object", path);
    err = DAST_EPARSE;
    goto out;
  }
  const char *k;
  json_t *v;
  json_object_foreach(p, k, v)
  {
    if(!strcmp(k, "fail_on")) {
      if(!json_is_string(v) || dast_gate_parse_threshold(json_string_value(v), &g->def.sev, &g->def.conf)) {
        seterr(errbuf, errlen, "%s: fail_on: expected \"severity[:confidence]\" or \"off\"", path);
        err = DAST_EPARSE;
      } else {
        free(g->def.text);
        g->def.text = lower_dup(json_string_value(v));
      }
    } else if(!strcmp(k, "classes")) {
      err = rules_from(v, path, k, &g->classes, &g->nclasses, errbuf, errlen);
    } else if(!strcmp(k, "checks")) {
      err = rules_from(v, path, k, &g->checks, &g->nchecks, errbuf, errlen);
    } else if(!strcmp(k, "min_coverage")) {
      if(!json_is_number(v) || json_number_value(v) < 0) {
        seterr(errbuf, errlen, "%s: min_coverage: expected a number >= 0", path);
        err = DAST_EPARSE;
      } else {
        g->min_coverage = json_number_value(v);
      }
    } else if(!strcmp(k, "fail_on_new_only")) {
      if(!json_is_boolean(v)) {
        seterr(errbuf, errlen, "%s: fail_on_new_only: expected true or false", path);
        err = DAST_EPARSE;
      } else if(json_is_true(v)) {
        g->new_only = true;
      }
    } else if(strcmp(k, "description") && strcmp(k, "comment")) {
      seterr(errbuf, errlen, "%s: %s: unknown key (known: fail_on, classes, checks, min_coverage, "
             "fail_on_new_only, description)", path, k);
      err = DAST_EPARSE;
    }
    if(err) break;
  }
out:
  json_decref(p);
  return err;
}

/* "2026-12-31" (valid through that day, UTC) or "2026-12-31T12:00:00Z". */
static bool parse_expiry(const char *s, int64_t *out)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  int y, mo, d, h = 0, mi = 0, sec = 0, used = 0;
  if(sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10) return false;
  bool date_only = s[10] == 0;
  if(!date_only) {
    int used2 = 0;
    if(sscanf(s + 10, "T%2d:%2d:%2dZ%n", &h, &mi, &sec, &used2) != 3 || s[10 + used2]) return false;
    if(h > 23 || mi > 59 || sec > 60) return false;
  }
  if(mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970) return false;
  tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d;
  tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
  time_t t = timegm(&tm);
  if(t == (time_t)-1) return false;
  struct tm back;
  gmtime_r(&t, &back);
  if(back.tm_mday != d) return false; /* 2026-02-31 */
  *out = (int64_t)t + (date_only ? 86400 : 0);
  return true;
}

static dast_err sup_entry(struct suppression *s, const json_t *e, const char *path, size_t i,
                          char *errbuf, size_t errlen)
{
  if(!json_is_object(e)) {
    seterr(errbuf, errlen, "%s: suppressions[%zu]: expected an object", path, i);
    return DAST_EPARSE;
  }
  const char *k;
  json_t *v;
  json_object_foreach((json_t *)e, k, v)
  {
    static const char *const known[] = {"fingerprint", "reason", "by", "who", "expires",
                                        "check", "url", "template", "param", "note"};
    bool ok = false;
    for(size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++) ok |= !strcmp(k, known[j]);
    if(!ok || !json_is_string(v)) {
      seterr(errbuf, errlen, "%s: suppressions[%zu].%s: %s", path, i, k,
             ok ? "expected a string" : "unknown key (known: fingerprint, reason, by, expires, check, url, template, param, note)");
      return DAST_EPARSE;
    }
  }
  const char *fp = dast__js(e, "fingerprint"), *reason = dast__js(e, "reason");
  const char *by = *dast__js(e, "by") ? dast__js(e, "by") : dast__js(e, "who");
  const char *exp = json_string_value(json_object_get(e, "expires"));
  const char *missing = !*fp ? "fingerprint" : !*reason ? "reason" : NULL;
  if(missing) {
    seterr(errbuf, errlen, "%s: suppressions[%zu].%s: required and must not be empty", path, i, missing);
    return DAST_EPARSE;
  }
  s->expires_at = INT64_MAX;
  if(exp && !parse_expiry(exp, &s->expires_at)) {
    seterr(errbuf, errlen, "%s: suppressions[%zu].expires: \"%.40s\" is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)",
           path, i, exp);
    return DAST_EPARSE;
  }
  s->fingerprint = dast_strdup(fp);
  s->reason = dast_strdup(reason);
  s->by = *by ? dast_strdup(by) : NULL;
  s->expires = exp ? dast_strdup(exp) : NULL;
  return DAST_OK;
}

static dast_err load_suppressions(struct dast_gate *g, const char *path, char *errbuf, size_t errlen)
{
  dast_err err = DAST_OK;
  json_t *doc = load_json(path, errbuf, errlen, &err);
  if(!doc) return err;
  json_t *list = doc;
  if(json_is_object(doc)) {
    list = json_object_get(doc, "suppressions");
    const char *k;
    json_t *v;
    json_object_foreach(doc, k, v) if(strcmp(k, "suppressions") && strcmp(k, "description"))
    {
      seterr(errbuf, errlen, "%s: %s: unknown key (expected \"suppressions\": [...])", path, k);
      err = DAST_EPARSE;
      goto out;
    }
  }
  if(!json_is_array(list)) {
    seterr(errbuf, errlen, "%s: suppressions: expected an array of {fingerprint, reason, by, expires}", path);
    err = DAST_EPARSE;
    goto out;
  }
  g->sup = dast_calloc(json_array_size(list) + 1, sizeof(*g->sup));
  size_t i;
  json_t *e;
  json_array_foreach(list, i, e)
  {
    err = sup_entry(&g->sup[g->nsup], e, path, i, errbuf, errlen);
    if(err) break;
    g->nsup++;
  }
out:
  json_decref(doc);
  return err;
}

/* The fingerprints of a findings array as a set (object keys). */
static json_t *fingerprint_set(const json_t *findings)
{
  json_t *set = json_object();
  size_t i;
  json_t *f;
  json_array_foreach(findings, i, f)
  {
    const char *fp = json_string_value(json_object_get(f, "fingerprint"));
    if(fp && json_object_set_new_nocheck(set, fp, json_true())) dast_oom();
  }
  return set;
}

void dast_gate_free(struct dast_gate *g)
{
  if(!g) return;
  struct rule *lists[] = {g->classes, g->checks};
  size_t counts[] = {g->nclasses, g->nchecks};
  for(int l = 0; l < 2; l++) {
    for(size_t i = 0; i < counts[l]; i++) {
      free(lists[l][i].key);
      free(lists[l][i].text);
    }
    free(lists[l]);
  }
  free(g->def.text);
  for(size_t i = 0; i < g->nsup; i++) {
    free(g->sup[i].fingerprint);
    free(g->sup[i].reason);
    free(g->sup[i].by);
    free(g->sup[i].expires);
  }
  free(g->sup);
  json_decref(g->baseline);
  json_decref(g->baseline_fps);
  free(g->policy_file);
  free(g->suppressions_file);
  free(g->baseline_file);
  free(g);
}

dast_err dast_gate_new(const struct dast_config *cfg, struct dast_gate **out, char *errbuf, size_t errlen)
{
  *out = NULL;
  struct dast_gate *g = dast_calloc(1, sizeof(*g));
  dast_err err = DAST_OK;
  const char *fail_on = cfg->fail_on && *cfg->fail_on ? cfg->fail_on : "high";
  if(dast_gate_parse_threshold(fail_on, &g->def.sev, &g->def.conf)) {
    seterr(errbuf, errlen, "--fail-on: \"%.40s\" is not SEVERITY[:CONFIDENCE] (info|low|medium|high|critical"
           "[:tentative|firm|confirmed]) or off", fail_on);
    err = DAST_EINVAL;
    goto out;
  }
  g->def.text = lower_dup(fail_on);
  g->new_only = cfg->fail_on_new_only;
  g->min_coverage = cfg->min_coverage;
  g->exit_fail = cfg->exit_code_fail;
  if(g->exit_fail < 1 || g->exit_fail > 125 || g->exit_fail == 2) {
    seterr(errbuf, errlen, "--exit-code-fail: %d is not in 1..125 (2 means incomplete, 0 would pass)",
           g->exit_fail);
    err = DAST_EINVAL;
    goto out;
  }
  if(cfg->policy_file) {
    g->policy_file = dast_strdup(cfg->policy_file);
    err = load_policy(g, cfg->policy_file, errbuf, errlen);
  }
  if(!err && cfg->suppressions_file) {
    g->suppressions_file = dast_strdup(cfg->suppressions_file);
    err = load_suppressions(g, cfg->suppressions_file, errbuf, errlen);
  }
  if(!err && cfg->baseline_file) {
    json_t *b = NULL;
    g->baseline_file = dast_strdup(cfg->baseline_file);
    err = dast_report_load(cfg->baseline_file, &b, errbuf, errlen);
    if(!err) {
      g->baseline = json_incref(json_object_get(b, "findings"));
      g->baseline_fps = fingerprint_set(g->baseline);
      json_decref(b);
    }
  }
out:
  if(err) dast_gate_free(g);
  else *out = g;
  return err;
}

/* ---- applying the gate ---- */

static void set(json_t *o, const char *k, json_t *v)
{
  if(!v || json_object_set_new(o, k, v)) dast_oom();
}

static const struct rule *rule_for(const struct dast_gate *g, const char *check, const char *cls)
{
  for(size_t i = 0; i < g->nchecks; i++)
    if(!strcmp(g->checks[i].key, check)) return &g->checks[i];
  for(size_t i = 0; i < g->nclasses; i++)
    if(!strcmp(g->classes[i].key, cls)) return &g->classes[i];
  return &g->def;
}

static const struct suppression *sup_for(const struct dast_gate *g, const char *fp, int64_t now,
                                         const struct suppression **expired)
{
  *expired = NULL;
  for(size_t i = 0; i < g->nsup; i++) {
    if(strcmp(g->sup[i].fingerprint, fp)) continue;
    if(now < g->sup[i].expires_at) return &g->sup[i];
    *expired = &g->sup[i];
  }
  return NULL;
}


static json_t *sup_json(const struct suppression *s)
{
  json_t *o = json_object();
  set(o, "reason", json_string(s->reason));
  set(o, "by", s->by ? json_string(s->by) : json_null());
  set(o, "expires", s->expires ? json_string(s->expires) : json_null());
  return o;
}

static void strip(json_t *f)
{
  static const char *const keys[] = {"gate", "suppression", "suppression_expired", "expired_suppression",
                                     "baseline", "retested"};
  for(size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) json_object_del(f, keys[i]);
}

struct tally {
  size_t fail, below, suppressed, existing_ok, expired, is_new, is_existing;
};

/* Classifies one finding; returns true when it fails the gate. */
static bool classify(const struct dast_gate *g, json_t *f, int64_t now, struct tally *t)
{
  strip(f);
  const char *fp = dast__js(f, "fingerprint");
  const struct rule *r = rule_for(g, dast__js(f, "check"), dast__js(f, "class"));
  bool meets = r->sev >= 0 && dast__sev_rank(dast__js(f, "severity")) >= r->sev &&
               dast__conf_rank(dast__js(f, "confidence")) >= r->conf;
  bool existing = false;
  if(g->baseline) {
    existing = json_object_get(g->baseline_fps, fp) != NULL;
    set(f, "baseline", json_string(existing ? "existing" : "new"));
    if(existing) t->is_existing++;
    else t->is_new++;
  }
  const struct suppression *expired;
  const struct suppression *s = sup_for(g, fp, now, &expired);
  const char *verdict;
  if(s) {
    verdict = "suppressed";
    set(f, "suppression", sup_json(s));
    t->suppressed++;
  } else if(meets && g->new_only && existing) {
    verdict = "existing";
    t->existing_ok++;
  } else if(meets) {
    verdict = "fail";
    t->fail++;
  } else {
    verdict = "below-threshold";
    t->below++;
  }
  if(!s && expired) {
    set(f, "suppression_expired", json_true());
    set(f, "expired_suppression", sup_json(expired));
    t->expired++;
  }
  set(f, "gate", json_string(verdict));
  return !strcmp(verdict, "fail");
}

static char *case_key(const json_t *o)
{
  return dast_aprintf("%s\x1f%s\x1f%s", dast__js(o, "check"), dast__js(o, "method"), dast__js(o, "template"));
}

/* Baseline findings absent from this scan, each with "retested": whether
 * this scan exercised the same (check, method, template) again — as an
 * applicable test or through another finding.  Hash sets keep it linear. */
static json_t *fixed_json(const struct dast_gate *g, const json_t *report)
{
  json_t *current = fingerprint_set(json_object_get(report, "findings")), *cases = json_object();
  const char *lists[] = {"tests", "findings"};
  for(int l = 0; l < 2; l++) {
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(report, lists[l]), i, t)
    {
      if(l == 0 && !json_is_true(json_object_get(t, "applicable"))) continue;
      char *k = case_key(t);
      if(json_object_set_new_nocheck(cases, k, json_true())) dast_oom();
      free(k);
    }
  }
  json_t *fixed = json_array();
  size_t i;
  json_t *old;
  json_array_foreach(g->baseline, i, old)
  {
    if(json_object_get(current, dast__js(old, "fingerprint"))) continue;
    json_t *c = json_deep_copy(old);
    if(!c) dast_oom();
    strip(c);
    char *k = case_key(old);
    set(c, "baseline", json_string("fixed"));
    set(c, "retested", json_boolean(json_object_get(cases, k) != NULL));
    free(k);
    if(json_array_append_new(fixed, c)) dast_oom();
  }
  json_decref(current);
  json_decref(cases);
  return fixed;
}

static json_t *policy_json(const struct dast_gate *g)
{
  json_t *p = json_object();
  set(p, "fail_on", json_string(g->def.text));
  const struct rule *lists[] = {g->classes, g->checks};
  size_t counts[] = {g->nclasses, g->nchecks};
  const char *names[] = {"classes", "checks"};
  for(int l = 0; l < 2; l++) {
    json_t *o = json_object();
    for(size_t i = 0; i < counts[l]; i++) set(o, lists[l][i].key, json_string(lists[l][i].text));
    set(p, names[l], o);
  }
  set(p, "fail_on_new_only", json_boolean(g->new_only));
  set(p, "min_coverage", json_real(g->min_coverage));
  set(p, "exit_code_fail", json_integer(g->exit_fail));
  set(p, "policy_file", g->policy_file ? json_string(g->policy_file) : json_null());
  set(p, "suppressions_file", g->suppressions_file ? json_string(g->suppressions_file) : json_null());
  set(p, "baseline_file", g->baseline_file ? json_string(g->baseline_file) : json_null());
  return p;
}

static void add_reason(json_t *reasons, char *owned)
{
  json_t *s = json_string(owned);
  free(owned);
  if(!s || json_array_append_new(reasons, s)) dast_oom();
}

/* Appends why the scan cannot count as complete; true if any reason. */
static bool incomplete_reasons(const struct dast_gate *g, const json_t *report, json_t *reasons)
{
  bool incomplete = false;
  const json_t *scan = json_object_get(report, "scan");
  if(json_is_true(json_object_get(scan, "incomplete"))) {
    incomplete = true;
    const char *why = json_string_value(json_object_get(scan, "incomplete_reason"));
    add_reason(reasons, dast_aprintf("scan incomplete: %s", why && *why ? why : "no reason given"));
  }
  const json_t *login = json_object_get(scan, "login");
  if(json_is_true(json_object_get(login, "attempted")) && !json_is_true(json_object_get(login, "ok"))) {
    incomplete = true;
    add_reason(reasons, dast_strdup("login failed: the authenticated part of the application was not scanned"));
  }
  const json_t *cov = json_object_get(report, "coverage");
  if(dast__ji(cov, "requests") > 0 && json_is_integer(json_object_get(cov, "responses")) &&
     dast__ji(cov, "responses") == 0) { /* requests went out, nothing answered */
    incomplete = true;
    add_reason(reasons, dast_strdup("no HTTP response was received from the target"));
  }
  size_t nep = json_array_size(json_object_get(report, "inventory"));
  if(g->min_coverage > 0 && (double)nep < g->min_coverage) {
    incomplete = true;
    add_reason(reasons, dast_aprintf("coverage below minimum: %zu endpoints found, at least %g required",
                                     nep, g->min_coverage));
  }
  return incomplete;
}

static json_t *counts_json(const struct tally *t, size_t total, size_t nfixed)
{
  json_t *c = json_object();
  set(c, "total", json_integer((json_int_t)total));
  set(c, "fail", json_integer((json_int_t)t->fail));
  set(c, "below_threshold", json_integer((json_int_t)t->below));
  set(c, "suppressed", json_integer((json_int_t)t->suppressed));
  set(c, "existing_not_gating", json_integer((json_int_t)t->existing_ok));
  set(c, "suppression_expired", json_integer((json_int_t)t->expired));
  set(c, "new", json_integer((json_int_t)t->is_new));
  set(c, "existing", json_integer((json_int_t)t->is_existing));
  set(c, "fixed", json_integer((json_int_t)nfixed));
  return c;
}

int dast_gate_apply(const struct dast_gate *g, json_t *report, int64_t now_epoch)
{
  if(!json_is_object(report)) return 2; /* nothing to judge: never a pass */
  json_object_del(report, "fixed");
  json_object_del(report, "gate");
  json_t *reasons = json_array();
  struct tally t = {0};
  size_t i, shown = 0;
  json_t *f;
  json_array_foreach(json_object_get(report, "findings"), i, f)
  {
    if(!json_is_object(f) || !classify(g, f, now_epoch, &t) || shown >= 10) continue;
    shown++;
    const char *param = json_string_value(json_object_get(f, "param"));
    add_reason(reasons, dast_aprintf("%s/%s %s on %s %s%s%s%s", dast__js(f, "severity"), dast__js(f, "confidence"),
                                     dast__js(f, "check"), dast__js(f, "method"), dast__js(f, "template"),
                                     param ? " [" : "", param ? param : "", param ? "]" : ""));
  }
  if(t.fail > shown) add_reason(reasons, dast_aprintf("... and %zu more failing findings", t.fail - shown));
  size_t nfixed = 0;
  if(g->baseline) {
    json_t *fixed = fixed_json(g, report);
    nfixed = json_array_size(fixed);
    set(report, "fixed", fixed);
  }
  if(g->new_only && !g->baseline && t.fail)
    add_reason(reasons, dast_strdup("--fail-on-new-only without a baseline: every finding is new"));
  bool incomplete = incomplete_reasons(g, report, reasons);
  const char *verdict = t.fail ? "fail" : incomplete ? "incomplete" : "pass";
  int code = t.fail ? g->exit_fail : incomplete ? 2 : 0;
  if(!t.fail && !incomplete)
    add_reason(reasons, dast_aprintf("no unsuppressed finding at or above the policy threshold (%s)%s",
                                     g->def.text, g->nclasses + g->nchecks ? " or its class/check rules" : ""));
  json_t *gate = json_object();
  set(gate, "verdict", json_string(verdict));
  set(gate, "exit_code", json_integer(code));
  set(gate, "incomplete", json_boolean(incomplete));
  set(gate, "reasons", reasons);
  set(gate, "policy", policy_json(g));
  set(gate, "counts", counts_json(&t, json_array_size(json_object_get(report, "findings")), nfixed));
  char ts[32];
  dast_iso8601(ts, now_epoch);
  set(gate, "evaluated_at", json_string(ts));
  set(report, "gate", gate);
  return code;
}
