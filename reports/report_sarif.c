/* report_sarif.c — SARIF 2.1.0 for GitHub code scanning and other SARIF
 * consumers, built as a jansson document and dumped (so escaping is
 * jansson's job and the output is always valid JSON).
 *
 * One run; one rule per check id seen in the findings (help text from the
 * description and remediation, CWE/OWASP as tags, security-severity from the
 * highest severity seen); one result per finding with level from severity
 * (critical/high -> error, medium -> warning, low/info -> note),
 * partialFingerprints from the stable fingerprint, baselineState from the
 * baseline comparison, and suppressions for suppressed findings.
 *
 * GitHub rejects http:// artifact URIs, so the location is the endpoint's
 * template path as a relative URI ("product/%7Bn%7D") against uriBaseId
 * "TARGET", declared absolute in run.originalUriBaseIds; "METHOD template"
 * is also a logical location. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

static void set(json_t *o, const char *k, json_t *v)
{
  if(!v || json_object_set_new(o, k, v)) dast_oom();
}

static void push(json_t *a, json_t *v)
{
  if(!v || json_array_append_new(a, v)) dast_oom();
}

static json_t *msg(const char *text)
{
  json_t *m = json_object();
  set(m, "text", json_string(text && *text ? text : "(none)"));
  return m;
}

static const char *level_of(const char *sev)
{
  int r = dast__sev_rank(sev);
  return r >= DAST_SEV_HIGH ? "error" : r == DAST_SEV_MEDIUM ? "warning" : "note";
}

static const char *security_severity(int rank)
{
  static const char *const v[] = {"0.0", "3.0", "5.5", "8.0", "9.5"};
  return rank >= 0 && rank <= DAST_SEV_CRITICAL ? v[rank] : "0.0";
}

/* The part of an absolute URL after scheme://authority, or the whole
 * string when it is not absolute. */
static const char *after_authority(const char *url)
{
  const char *ss = strstr(url, "://");
  if(!ss) return url;
  const char *p = ss + 3;
  while(*p && *p != '/' && *p != '?' && *p != '#') p++;
  return p;
}

/* "scheme://authority/" of the target, or NULL. */
static char *base_uri(const char *target)
{
  const char *ss = strstr(target, "://");
  if(!ss || !(dast_strcaseprefix(target, "http://") || dast_strcaseprefix(target, "https://"))) return NULL;
  const char *end = after_authority(target);
  if(end == ss + 3) return NULL;
  return dast_aprintf("%.*s/", (int)(end - target), target);
}

/* The finding's endpoint path without the query, relative (no leading
 * '/'), percent-encoded wherever RFC 3986 would not allow the byte.  The URL
 * template ("/product/{n}") is used rather than the URL probed, which may
 * carry the payload in a path segment: the location stays the same from one
 * scan to the next, so code scanning tracks one alert. */
static char *relative_path(const json_t *f)
{
  const char *u = dast__js(f, "template");
  if(!*u) u = dast__js(f, "url");
  const char *p = after_authority(u);
  while(*p == '/') p++;
  size_t n = strcspn(p, "?#");
  struct dast_buf b;
  dast_buf_init(&b, 0);
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    bool ok = isalnum(c) || strchr("-._~!$&'()*+,;=:@/", c) ||
              (c == '%' && i + 2 < n && isxdigit((unsigned char)p[i + 1]) && isxdigit((unsigned char)p[i + 2]));
    if(ok ? dast_buf_add(&b, p + i, 1) : dast_buf_printf(&b, "%%%02X", c)) dast_oom();
  }
  if(!b.len && dast_buf_adds(&b, "index")) dast_oom(); /* the site root */
  return dast_buf_take(&b, NULL);
}

static json_t *rule_json(const json_t *f)
{
  json_t *r = json_object();
  const char *check = dast__js(f, "check");
  set(r, "id", json_string(check));
  set(r, "name", json_string(*dast__js(f, "name") ? dast__js(f, "name") : check));
  set(r, "shortDescription", msg(*dast__js(f, "name") ? dast__js(f, "name") : check));
  set(r, "fullDescription", msg(*dast__js(f, "description") ? dast__js(f, "description") : dast__js(f, "title")));
  const char *rem = *dast__js(f, "remediation") ? dast__js(f, "remediation") : "See the references.";
  char *help = dast_aprintf("%s\n\nRemediation: %s", dast__js(f, "description"), rem);
  char *help_md = dast_aprintf("%s\n\n**Remediation:** %s", dast__js(f, "description"), rem);
  json_t *h = msg(help);
  set(h, "markdown", json_string(help_md));
  free(help);
  free(help_md);
  set(r, "help", h);
  const json_t *refs = json_object_get(f, "references");
  if(json_array_size(refs) && json_is_string(json_array_get(refs, 0)) &&
     dast_strcaseprefix(json_string_value(json_array_get(refs, 0)), "http"))
    set(r, "helpUri", json_string(json_string_value(json_array_get(refs, 0))));
  json_t *dc = json_object();
  set(dc, "level", json_string(level_of(dast__js(f, "severity"))));
  set(r, "defaultConfiguration", dc);
  json_t *props = json_object(), *tags = json_array();
  push(tags, json_string("security"));
  push(tags, json_string(*dast__js(f, "class") ? dast__js(f, "class") : "other"));
  if(dast__ji(f, "cwe") > 0) {
    char *t = dast_aprintf("external/cwe/cwe-%lld", (long long)dast__ji(f, "cwe"));
    push(tags, json_string(t));
    free(t);
  }
  if(*dast__js(f, "owasp")) push(tags, json_string(dast__js(f, "owasp")));
  set(props, "tags", tags);
  set(props, "security-severity", json_string(security_severity(dast__sev_rank(dast__js(f, "severity")))));
  set(props, "precision", json_string("high"));
  set(r, "properties", props);
  return r;
}

/* Keeps the highest severity seen for a rule in its properties. */
static void rule_raise(json_t *rule, const json_t *f)
{
  json_t *props = json_object_get(rule, "properties");
  const char *cur = json_string_value(json_object_get(props, "security-severity"));
  const char *nw = security_severity(dast__sev_rank(dast__js(f, "severity")));
  if(strtod(nw, NULL) > strtod(cur ? cur : "0", NULL)) {
    set(props, "security-severity", json_string(nw));
    json_t *dc = json_object_get(rule, "defaultConfiguration");
    set(dc, "level", json_string(level_of(dast__js(f, "severity"))));
  }
}

static json_t *result_json(const json_t *f, size_t rule_index, bool have_base)
{
  json_t *res = json_object();
  set(res, "ruleId", json_string(dast__js(f, "check")));
  set(res, "ruleIndex", json_integer((json_int_t)rule_index));
  set(res, "level", json_string(level_of(dast__js(f, "severity"))));
  const char *param = json_string_value(json_object_get(f, "param"));
  char *text = dast_aprintf("%s: %s %s%s%s%s (%s, %s). %s", dast__js(f, "title"), dast__js(f, "method"),
                            dast__js(f, "template"), param ? " [" : "", param ? param : "", param ? "]" : "",
                            dast__js(f, "severity"), dast__js(f, "confidence"), dast__js(f, "evidence"));
  char *shown = dast__utf8_prefix(text, 1000); /* code scanning shows a summary; the rest is in properties */
  set(res, "message", msg(shown));
  free(shown);
  free(text);
  json_t *loc = json_object(), *phys = json_object(), *art = json_object();
  char *rel = relative_path(f);
  set(art, "uri", json_string(rel));
  free(rel);
  if(have_base) set(art, "uriBaseId", json_string("TARGET"));
  set(phys, "artifactLocation", art);
  json_t *region = json_object();
  set(region, "startLine", json_integer(1));
  set(phys, "region", region);
  set(loc, "physicalLocation", phys);
  json_t *logical = json_array(), *ll = json_object();
  char *lname = dast_aprintf("%s %s", dast__js(f, "method"), dast__js(f, "template"));
  set(ll, "name", json_string(lname));
  free(lname);
  set(ll, "kind", json_string("endpoint"));
  push(logical, ll);
  set(loc, "logicalLocations", logical);
  json_t *locs = json_array();
  push(locs, loc);
  set(res, "locations", locs);
  json_t *pf = json_object();
  set(pf, "dastgateFingerprint/v1", json_string(dast__js(f, "fingerprint")));
  set(res, "partialFingerprints", pf);
  const char *bl = dast__js(f, "baseline");
  if(*bl) set(res, "baselineState", json_string(!strcmp(bl, "new") ? "new" : "unchanged"));
  if(!strcmp(dast__finding_gate(f), "suppressed")) {
    json_t *sups = json_array(), *s = json_object();
    const json_t *sp = json_object_get(f, "suppression");
    set(s, "kind", json_string("external"));
    set(s, "status", json_string("accepted"));
    char *just = *dast__js(sp, "by") ? dast_aprintf("%s (by %s)", dast__js(sp, "reason"), dast__js(sp, "by"))
                                     : dast_strdup(dast__js(sp, "reason"));
    set(s, "justification", json_string(just));
    free(just);
    push(sups, s);
    set(res, "suppressions", sups);
  }
  json_t *props = json_object();
  static const char *const keep[] = {"severity", "confidence", "class", "url", "param", "param_kind",
                                     "payload", "evidence", "curl", "gate"};
  for(size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
    json_t *v = json_object_get(f, keep[i]);
    if(json_is_string(v)) set(props, keep[i], json_string(json_string_value(v)));
  }
  set(res, "properties", props);
  return res;
}

static json_t *invocation_json(const json_t *r)
{
  const json_t *scan = json_object_get(r, "scan"), *gate = json_object_get(r, "gate");
  json_t *inv = json_object();
  set(inv, "executionSuccessful", json_boolean(!dast__jb(scan, "incomplete")));
  if(*dast__js(scan, "started")) set(inv, "startTimeUtc", json_string(dast__js(scan, "started")));
  if(*dast__js(scan, "finished")) set(inv, "endTimeUtc", json_string(dast__js(scan, "finished")));
  if(gate) set(inv, "exitCode", json_integer(dast__ji(gate, "exit_code")));
  json_t *notes = json_array();
  if(dast__jb(scan, "incomplete")) {
    json_t *n = json_object();
    set(n, "level", json_string("error"));
    set(n, "message", msg(dast__js(scan, "incomplete_reason")));
    push(notes, n);
  }
  set(inv, "toolExecutionNotifications", notes);
  json_t *a = json_array();
  push(a, inv);
  return a;
}

dast_err dast__render_sarif(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen)
{
  (void)errbuf, (void)errlen;
  const json_t *scan = json_object_get(r, "scan");
  json_t *doc = json_object(), *run = json_object(), *tool = json_object(), *driver = json_object();
  set(doc, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
  set(doc, "version", json_string("2.1.0"));
  set(driver, "name", json_string("dastgate"));
  set(driver, "version", json_string(*dast__js(scan, "version") ? dast__js(scan, "version") : "unknown"));
  json_t *rules = json_array(), *results = json_array(), *index = json_object();
  char *base = base_uri(dast__js(scan, "target"));
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(r, "findings"), i, f)
  {
    const char *check = dast__js(f, "check");
    json_t *idx = json_object_get(index, check);
    if(!idx) {
      idx = json_integer((json_int_t)json_array_size(rules));
      set(index, check, idx);
      push(rules, rule_json(f));
    }
    rule_raise(json_array_get(rules, (size_t)json_integer_value(idx)), f);
    push(results, result_json(f, (size_t)json_integer_value(idx), base != NULL));
  }
  set(driver, "rules", rules);
  set(tool, "driver", driver);
  set(run, "tool", tool);
  if(base) {
    json_t *bases = json_object(), *t = json_object();
    set(t, "uri", json_string(base));
    set(t, "description", msg("The scanned target"));
    set(bases, "TARGET", t);
    set(run, "originalUriBaseIds", bases);
  }
  set(run, "invocations", invocation_json(r));
  json_t *auto_ = json_object();
  set(auto_, "id", json_string("dastgate/"));
  set(run, "automationDetails", auto_);
  set(run, "columnKind", json_string("unicodeCodePoints"));
  set(run, "results", results);
  json_t *runs = json_array();
  push(runs, run);
  set(doc, "runs", runs);
  dast__json_write(w, doc, 0); /* = json_dumps(doc, JSON_INDENT(2)) */
  dast__w_s(w, "\n");
  free(base);
  json_decref(index);
  json_decref(doc);
  return DAST_OK;
}
