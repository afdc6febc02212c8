/* report_json.c — builds the canonical dastgate/1 document from the C structs
 * a finished scan hands over (struct dast_scan_result, all borrowed).
 *
 * The document is the single source every renderer and the gate read, so
 * this is where hostile bytes and secrets are dealt with once: every string
 * from the target or the config goes through text() (valid UTF-8, capped at
 * DAST_REPORT_FIELD_CAP) and, where it may carry credentials, through
 * dast_report_mask_secrets() first.  Arrays are sorted so that two scans of
 * the same application produce the same document whatever the crawl order.
 * Members are always present (null when unknown) so consumers need no
 * existence checks; reports/SCHEMA.md lists them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

struct ctx {
  const struct dast_config *cfg;
  bool mask;
  struct dast_strlist secrets; /* literal secrets from cfg, collected once */
};

/* A JSON string of cleaned text, or null. */
static json_t *text(const char *s)
{
  if(!s) return json_null();
  size_t n = strlen(s), k = 0;
  while(k < n && (unsigned char)s[k] < 0x80) k++;
  if(k == n && n <= DAST_REPORT_FIELD_CAP) { /* plain ASCII (most URLs and names): valid as it is */
    json_t *j = json_stringn_nocheck(s, n);
    if(!j) dast_oom();
    return j;
  }
  char *c = dast__utf8_clean(s, n, DAST_REPORT_FIELD_CAP);
  json_t *j = json_string_nocheck(c); /* cleaned: valid UTF-8, no NUL */
  free(c);
  if(!j) dast_oom();
  return j;
}

/* Same, with secrets masked first (unless --show-secrets); a pair named
 * `keep` is not masked structurally (see dast__mask_keep). */
static json_t *secret_text_keep(const struct ctx *c, const char *s, const char *keep)
{
  if(!s || !c->mask) return text(s);
  /* bound the masking work on huge inputs: cut before, cap again after */
  size_t n = strlen(s);
  char *cut = n > 2 * DAST_REPORT_FIELD_CAP ? dast_strndup(s, 2 * DAST_REPORT_FIELD_CAP) : NULL;
  char *m = dast__mask_keep(&c->secrets, cut ? cut : s, keep);
  json_t *j = text(m);
  free(m);
  free(cut);
  return j;
}

static json_t *secret_text(const struct ctx *c, const char *s)
{
  return secret_text_keep(c, s, NULL);
}

static void set(json_t *o, const char *k, json_t *v)
{
  /* keys are ours (literals, class names, hex fingerprints): ASCII */
  if(!v || json_object_set_new_nocheck(o, k, v)) dast_oom();
}

static void push(json_t *a, json_t *v)
{
  if(!v || json_array_append_new(a, v)) dast_oom();
}

static json_t *strlist(const struct ctx *c, const struct dast_strlist *l)
{
  json_t *a = json_array();
  for(size_t i = 0; i < l->n; i++) push(a, secret_text(c, l->v[i]));
  return a;
}

static json_t *real3(double v)
{
  if(!isfinite(v)) v = 0;
  return json_real(round(v * 1000.0) / 1000.0);
}

/* The options, secrets redacted: cookies keep only their names. */
static json_t *options_json(const struct ctx *c)
{
  const struct dast_config *g = c->cfg;
  json_t *o = json_object();
  set(o, "target", secret_text(c, g->target));
  set(o, "extra_seeds", strlist(c, &g->extra_seeds));
  set(o, "profile", json_string(dast_profile_name(g->profile)));
  set(o, "concurrency", json_integer(g->concurrency));
  set(o, "per_host", json_integer(g->per_host));
  set(o, "rate", real3(g->rate));
  set(o, "timeout_ms", json_integer(g->timeout_ms));
  set(o, "connect_timeout_ms", json_integer(g->connect_timeout_ms));
  set(o, "max_time", real3(g->max_time));
  set(o, "body_cap", json_integer((json_int_t)g->body_cap));
  set(o, "max_redirects", json_integer(g->max_redirects));
  set(o, "retries", json_integer(g->retries));
  set(o, "insecure", json_boolean(g->insecure));
  set(o, "http2", json_boolean(g->http2));
  set(o, "proxy", secret_text(c, g->proxy));
  set(o, "user_agent", text(g->user_agent));
  set(o, "headers", strlist(c, &g->headers));
  json_t *ck = json_array();
  for(size_t i = 0; i < g->cookies.n; i++) {
    const char *v = g->cookies.v[i], *eq = strchr(v, '=');
    if(!c->mask) push(ck, text(v));
    else {
      char *nm = eq ? dast_aprintf("%.*s=***", (int)(eq - v), v) : dast_strdup("***");
      push(ck, text(nm));
      free(nm);
    }
  }
  set(o, "cookies", ck);
  set(o, "include", strlist(c, &g->include));
  set(o, "exclude", strlist(c, &g->exclude));
  set(o, "origins", strlist(c, &g->origins));
  set(o, "max_depth", json_integer(g->max_depth));
  set(o, "max_pages", json_integer(g->max_pages));
  set(o, "max_requests", json_integer(g->max_requests));
  set(o, "template_visits", json_integer(g->template_visits));
  set(o, "allow_dangerous_links", json_boolean(g->allow_dangerous_links));
  set(o, "openapi", secret_text(c, g->openapi));
  set(o, "har", text(g->har));
  set(o, "no_crawl", json_boolean(g->no_crawl));
  set(o, "login_url", secret_text(c, g->login_url));
  set(o, "login_data", secret_text(c, g->login_data));
  set(o, "checks", strlist(c, &g->checks));
  set(o, "skip_checks", strlist(c, &g->skip_checks));
  set(o, "oob_url", text(g->oob_url));
  set(o, "fail_on", text(g->fail_on));
  set(o, "policy_file", text(g->policy_file));
  set(o, "suppressions_file", text(g->suppressions_file));
  set(o, "baseline_file", text(g->baseline_file));
  set(o, "fail_on_new_only", json_boolean(g->fail_on_new_only));
  set(o, "min_coverage", real3(g->min_coverage));
  set(o, "exit_code_fail", json_integer(g->exit_code_fail));
  set(o, "show_secrets", json_boolean(g->show_secrets));
  return o;
}

static json_t *scan_json(const struct dast_scan_result *r, const struct ctx *c)
{
  json_t *s = json_object();
  char ts[32];
  set(s, "target", secret_text(c, r->target ? r->target : (r->cfg ? r->cfg->target : NULL)));
  dast_iso8601(ts, r->started);
  set(s, "started", json_string(ts));
  dast_iso8601(ts, r->finished);
  set(s, "finished", json_string(ts));
  double dur = (double)(r->finished - r->started);
  if(r->stats && r->stats->elapsed_us) dur = (double)r->stats->elapsed_us / 1e6;
  set(s, "duration", real3(dur < 0 ? 0 : dur));
  const char *prof = r->profile ? r->profile : (r->cfg ? dast_profile_name(r->cfg->profile) : NULL);
  set(s, "profile", text(prof));
  char seed[32];
  snprintf(seed, sizeof(seed), "%llu", (unsigned long long)r->seed);
  set(s, "seed", json_string(seed));
  set(s, "version", json_string(DAST_VERSION));
  set(s, "incomplete", json_boolean(r->incomplete));
  set(s, "incomplete_reason", text(r->incomplete ? (r->incomplete_reason ? r->incomplete_reason : "incomplete") : NULL));
  json_t *login = json_object();
  set(login, "attempted", json_boolean(r->login_attempted));
  set(login, "ok", json_boolean(r->login_attempted && r->login_ok));
  set(s, "login", login);
  set(s, "options", r->cfg ? options_json(c) : json_object());
  return s;
}

static json_t *coverage_json(const struct dast_scan_result *r, const struct ctx *c)
{
  json_t *o = json_object();
  const struct dast_stats *st = r->stats;
  size_t ips = 0;
  for(size_t i = 0; i < r->nendpoints; i++) ips += r->endpoints[i]->nparams;
  set(o, "pages", json_integer((json_int_t)r->pages));
  set(o, "endpoints", json_integer((json_int_t)r->nendpoints));
  set(o, "insertion_points", json_integer((json_int_t)ips));
  set(o, "requests", json_integer(st ? (json_int_t)st->requests : 0));
  set(o, "responses", json_integer(st ? (json_int_t)st->responses : 0));
  set(o, "bytes_in", json_integer(st ? (json_int_t)st->bytes_in : 0));
  set(o, "bytes_out", json_integer(st ? (json_int_t)st->bytes_out : 0));
  set(o, "retries", json_integer(st ? (json_int_t)st->retries : 0));
  set(o, "dropped", json_integer(st ? (json_int_t)st->dropped : 0));
  set(o, "truncated", json_integer(st ? (json_int_t)st->truncated : 0));
  json_t *errs = json_object();
  uint64_t nerr = 0;
  for(int k = 1; k < DAST_NETERR__COUNT; k++) {
    set(errs, dast_net_kind_name((enum dast_net_kind)k), json_integer(st ? (json_int_t)st->errors[k] : 0));
    nerr += st ? st->errors[k] : 0;
  }
  set(o, "errors", errs);
  set(o, "errors_total", json_integer((json_int_t)nerr));
  json_t *sc = json_object();
  for(int k = 1; k <= 5; k++) {
    char key[4] = {(char)('0' + k), 'x', 'x', 0};
    set(sc, key, json_integer(st ? (json_int_t)st->status_class[k] : 0));
  }
  set(o, "status", sc);
  set(o, "out_of_scope", json_integer(st ? (json_int_t)st->out_of_scope : 0));
  json_t *sk = json_array();
  for(size_t i = 0; i < r->nskipped; i++) {
    json_t *e = json_object();
    set(e, "url", secret_text(c, r->skipped_urls ? r->skipped_urls[i] : NULL));
    set(e, "reason", text(r->skipped_reasons ? r->skipped_reasons[i] : NULL));
    push(sk, e);
  }
  set(o, "skipped", sk);
  json_t *cr = json_array();
  for(size_t i = 0; i < r->nchecks_run; i++) push(cr, text(r->checks_run[i]));
  set(o, "checks_run", cr);
  json_t *lat = json_object();
  set(lat, "p50", real3(st ? st->p50_ms : 0));
  set(lat, "p90", real3(st ? st->p90_ms : 0));
  set(lat, "p99", real3(st ? st->p99_ms : 0));
  set(lat, "max", real3(st ? st->max_ms : 0));
  set(o, "latency_ms", lat);
  double secs = st && st->elapsed_us ? (double)st->elapsed_us / 1e6 : (double)(r->finished - r->started);
  set(o, "requests_per_second", real3(st && secs > 0 ? (double)st->requests / secs : 0));
  return o;
}

static int cmp_str(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : ""); }

static int cmp_endpoint(const void *pa, const void *pb)
{
  const struct dast_endpoint *a = *(struct dast_endpoint *const *)pa, *b = *(struct dast_endpoint *const *)pb;
  int d = cmp_str(a->tmpl ? a->tmpl : a->url, b->tmpl ? b->tmpl : b->url);
  if(!d) d = cmp_str(a->method, b->method);
  if(!d) d = cmp_str(a->url, b->url);
  return d;
}

static json_t *inventory_json(const struct dast_scan_result *r, const struct ctx *c)
{
  json_t *a = json_array();
  struct dast_endpoint **eps = dast_calloc(r->nendpoints + 1, sizeof(*eps));
  for(size_t i = 0; i < r->nendpoints; i++) eps[i] = r->endpoints[i];
  qsort(eps, r->nendpoints, sizeof(*eps), cmp_endpoint);
  for(size_t i = 0; i < r->nendpoints; i++) {
    const struct dast_endpoint *ep = eps[i];
    json_t *e = json_object();
    set(e, "method", text(ep->method ? ep->method : "GET"));
    set(e, "url", secret_text(c, ep->url));
    set(e, "template", text(ep->tmpl));
    set(e, "source", json_string(dast_source_name(ep->source)));
    set(e, "content_type", text(ep->content_type));
    set(e, "status", json_integer(ep->status));
    set(e, "found_on", secret_text(c, ep->found_on));
    json_t *ps = json_array();
    for(size_t k = 0; k < ep->nparams; k++) {
      json_t *p = json_object();
      set(p, "name", text(ep->params[k].name));
      set(p, "kind", json_string(dast_ip_kind_name(ep->params[k].kind)));
      set(p, "type", text(ep->params[k].type));
      push(ps, p);
    }
    set(e, "params", ps);
    push(a, e);
  }
  free(eps);
  return a;
}

static int cmp_finding(const void *pa, const void *pb)
{
  const struct dast_finding *a = *(struct dast_finding *const *)pa, *b = *(struct dast_finding *const *)pb;
  if(a->severity != b->severity) return a->severity > b->severity ? -1 : 1;
  if(a->confidence != b->confidence) return a->confidence > b->confidence ? -1 : 1;
  int d = cmp_str(a->check_id, b->check_id);
  if(!d) d = cmp_str(a->tmpl, b->tmpl);
  if(!d) d = cmp_str(a->method, b->method);
  if(!d) d = cmp_str(a->param, b->param);
  if(!d) d = cmp_str(a->url, b->url);
  return d;
}

/* The stored fingerprint, or the engine's formula when it is missing. */
static char *fingerprint_of(const struct dast_finding *f)
{
  if(f->fingerprint && *f->fingerprint) return dast_strdup(f->fingerprint);
  struct dast_finding tmp = *f;
  tmp.fingerprint = NULL;
  dast_finding_fingerprint(&tmp);
  return tmp.fingerprint;
}

/* The name whose value carries a finding's payload in its request and curl
 * line (query/form/multipart/JSON/XML parameters only: header and cookie
 * values stay masked), or NULL.  "/user/password" -> "password". */
static const char *payload_name(const struct dast_finding *f)
{
  static const char *const kinds[] = {"query", "form", "multipart", "json", "xml"};
  if(!f->param || !*f->param || !f->param_kind || !f->payload) return NULL;
  bool ok = false;
  for(size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) ok |= !strcmp(f->param_kind, kinds[i]);
  if(!ok) return NULL;
  const char *slash = strrchr(f->param, '/');
  return slash ? slash + 1 : f->param;
}

static json_t *finding_json(const struct dast_finding *f, const struct ctx *c)
{
  json_t *o = json_object();
  char *fp = fingerprint_of(f);
  set(o, "fingerprint", text(fp));
  free(fp);
  set(o, "check", text(f->check_id ? f->check_id : "unknown"));
  set(o, "name", text(f->check_name ? f->check_name : f->check_id));
  set(o, "class", text(f->check_class ? f->check_class : "other"));
  set(o, "cwe", f->cwe > 0 ? json_integer(f->cwe) : json_null());
  set(o, "owasp", text(f->owasp));
  set(o, "severity", json_string(dast_severity_name(f->severity)));
  set(o, "confidence", json_string(dast_confidence_name(f->confidence)));
  /* title and description are the check's words plus names (parameter,
   * template): no values, nothing to mask — and masking a common-word
   * password there turned "changes a password" into "changes a ***" */
  set(o, "title", text(f->title ? f->title : (f->check_name ? f->check_name : f->check_id)));
  set(o, "description", text(f->description));
  set(o, "remediation", text(f->remediation));
  json_t *refs = json_array();
  for(size_t i = 0; i < f->nreferences; i++) push(refs, text(f->references[i]));
  set(o, "references", refs);
  set(o, "method", text(f->method ? f->method : "GET"));
  /* the attacked parameter's value is the payload: masking it (e.g. SQLi in
   * a "password" field) would break the reproduction */
  const char *keep = payload_name(f);
  set(o, "url", secret_text_keep(c, f->url, keep));
  set(o, "template", text(f->tmpl));
  set(o, "param", text(f->param));
  set(o, "param_kind", text(f->param_kind));
  set(o, "payload", secret_text(c, f->payload));
  set(o, "evidence", secret_text(c, f->evidence));
  set(o, "request", secret_text_keep(c, f->request, keep));
  set(o, "response", secret_text(c, f->response));
  set(o, "curl", secret_text_keep(c, f->curl, keep));
  return o;
}

static int cmp_tested(const void *pa, const void *pb)
{
  const struct dast_tested *a = *(const struct dast_tested *const *)pa, *b = *(const struct dast_tested *const *)pb;
  int d = cmp_str(a->check_class, b->check_class);
  if(!d) d = cmp_str(a->check_id, b->check_id);
  if(!d) d = cmp_str(a->tmpl, b->tmpl);
  if(!d) d = cmp_str(a->method, b->method);
  return d;
}

static json_t *tests_json(const struct dast_scan_result *r)
{
  json_t *a = json_array();
  const struct dast_tested **ts = dast_calloc(r->ntested + 1, sizeof(*ts));
  for(size_t i = 0; i < r->ntested; i++) ts[i] = &r->tested[i];
  qsort(ts, r->ntested, sizeof(*ts), cmp_tested);
  for(size_t i = 0; i < r->ntested; i++) {
    const struct dast_tested *t = ts[i];
    if(i && !cmp_tested(&ts[i - 1], &ts[i])) { /* one entry per pair: applicable if any said so */
      json_t *prev = json_array_get(a, json_array_size(a) - 1);
      if(t->applicable && !json_is_true(json_object_get(prev, "applicable"))) {
        set(prev, "applicable", json_true());
        set(prev, "reason", json_null());
      }
      continue;
    }
    json_t *o = json_object();
    set(o, "check", text(t->check_id ? t->check_id : "unknown"));
    set(o, "name", text(t->check_name ? t->check_name : t->check_id));
    set(o, "class", text(t->check_class ? t->check_class : "other"));
    set(o, "method", text(t->method ? t->method : "GET"));
    set(o, "template", text(t->tmpl));
    set(o, "applicable", json_boolean(t->applicable));
    set(o, "reason", text(t->reason));
    push(a, o);
  }
  free(ts);
  return a;
}

static json_t *summary_json(const json_t *findings)
{
  json_t *s = json_object(), *bs = json_object(), *bc = json_object(), *bk = json_object();
  static const char *const sev[] = {"critical", "high", "medium", "low", "info"};
  static const char *const conf[] = {"confirmed", "firm", "tentative"};
  for(size_t i = 0; i < 5; i++) set(bs, sev[i], json_integer(0));
  for(size_t i = 0; i < 3; i++) set(bc, conf[i], json_integer(0));
  size_t i;
  json_t *f;
  json_array_foreach(findings, i, f)
  {
    const char *keys[3] = {dast__js(f, "severity"), dast__js(f, "confidence"), dast__js(f, "class")};
    json_t *objs[3] = {bs, bc, bk};
    for(int k = 0; k < 3; k++) {
      json_t *n = json_object_get(objs[k], keys[k]);
      set(objs[k], keys[k], json_integer((n ? json_integer_value(n) : 0) + 1));
    }
  }
  set(s, "total", json_integer((json_int_t)json_array_size(findings)));
  set(s, "by_severity", bs);
  set(s, "by_confidence", bc);
  set(s, "by_class", bk);
  return s;
}

json_t *dast_result_to_json(const struct dast_scan_result *r)
{
  struct ctx c = {r->cfg, !(r->cfg && r->cfg->show_secrets), {0}};
  if(c.mask) dast__secrets_collect(r->cfg, &c.secrets);
  json_t *doc = json_object();
  set(doc, "schema", json_string(DAST_REPORT_SCHEMA));
  set(doc, "scan", scan_json(r, &c));
  set(doc, "coverage", coverage_json(r, &c));
  set(doc, "inventory", inventory_json(r, &c));
  struct dast_finding **fs = dast_calloc(r->nfindings + 1, sizeof(*fs));
  for(size_t i = 0; i < r->nfindings; i++) fs[i] = r->findings[i];
  qsort(fs, r->nfindings, sizeof(*fs), cmp_finding);
  json_t *fa = json_array();
  json_t *seen = json_object(); /* fingerprints: one finding each, the worst (sorted first) */
  for(size_t i = 0; i < r->nfindings; i++) {
    json_t *f = finding_json(fs[i], &c);
    const char *fp = json_string_value(json_object_get(f, "fingerprint"));
    if(json_object_get(seen, fp)) {
      json_decref(f);
      continue;
    }
    set(seen, fp, json_true());
    push(fa, f);
  }
  json_decref(seen);
  free(fs);
  set(doc, "summary", summary_json(fa));
  set(doc, "findings", fa);
  set(doc, "tests", tests_json(r));
  dast_strlist_free(&c.secrets);
  return doc;
}
