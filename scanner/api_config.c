/* api_config.c — the one mapping between struct dast_config and the JSON
 * body of POST /api/v1/scans (serve.h), used by the service to read requests
 * and by `dastgate submit` to write them, so a scan submitted through the
 * service runs with exactly the options the CLI would have used and the gate
 * decides the same way.
 *
 * The JSON groups options by concern:
 *   target, seeds, profile, seed, user_agent, insecure_tls, http2,
 *   wait_ready, ready_path, openapi (URL), no_crawl,
 *   auth   {headers[], cookies[], login{url,data,logged_in_regex,logged_out_regex}}
 *   scope  {include[], exclude[], origins[], allow_dangerous_links}
 *   limits {concurrency, per_host, rate, timeout_ms, connect_timeout_ms, max_time,
 *           body_cap, max_redirects, retries, max_depth, max_pages, max_requests,
 *           template_visits}
 *   checks {only[], skip[]}
 *   gate   {fail_on, fail_on_new_only, min_coverage, exit_code_fail,
 *           policy, suppressions, baseline{scan_id | report}}
 * Validation is strict: unknown keys and wrong types are errors naming the
 * field by its dotted path; numbers are range-checked.  Secrets live only
 * under "auth", which dast_api_json_redact() removes before anything is
 * stored. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/types.h"
#include "scanner/serve.h"

#define FILE_CAP (16u << 20)

/* ---------- reading (service side) ---------- */

struct ctx {
  char *err;
  size_t errlen;
};

static dast_err bad(struct ctx *c, const char *path, const char *key, const char *what)
{
  snprintf(c->err, c->errlen, "%s%s%s: %s", path, *path ? "." : "", key, what);
  return DAST_EPARSE;
}

/* Rejects keys of `o` not in the NULL-terminated `allowed`. */
static dast_err only_keys(struct ctx *c, const json_t *o, const char *path,
                          const char *const *allowed)
{
  const char *k;
  const json_t *v;
  json_object_foreach((json_t *)o, k, v) {
    bool ok = false;
    for(size_t i = 0; allowed[i] && !ok; i++) ok = !strcmp(k, allowed[i]);
    if(!ok) return bad(c, path, k, "unknown field");
  }
  return DAST_OK;
}

static dast_err want_object(struct ctx *c, const json_t *parent, const char *path,
                            const char *key, const json_t **out)
{
  *out = json_object_get(parent, key);
  if(*out && !json_is_object(*out)) return bad(c, path, key, "expected an object");
  return DAST_OK;
}

static dast_err get_str(struct ctx *c, const json_t *o, const char *path, const char *key,
                        char **field)
{
  const json_t *v = json_object_get(o, key);
  if(!v || json_is_null(v)) return DAST_OK;
  if(!json_is_string(v)) return bad(c, path, key, "expected a string");
  if(strlen(json_string_value(v)) != json_string_length(v))
    return bad(c, path, key, "must not contain NUL bytes");
  if(json_string_length(v) > 8192) return bad(c, path, key, "too long (max 8192 bytes)");
  dast_set_str(field, json_string_value(v));
  return DAST_OK;
}

static dast_err get_bool(struct ctx *c, const json_t *o, const char *path, const char *key,
                         bool *field)
{
  const json_t *v = json_object_get(o, key);
  if(!v) return DAST_OK;
  if(!json_is_boolean(v)) return bad(c, path, key, "expected true or false");
  *field = json_is_true(v);
  return DAST_OK;
}

static dast_err get_num(struct ctx *c, const json_t *o, const char *path, const char *key,
                        double lo, double hi, double *field)
{
  const json_t *v = json_object_get(o, key);
  if(!v) return DAST_OK;
  if(!json_is_number(v)) return bad(c, path, key, "expected a number");
  double d = json_number_value(v);
  if(!(d >= lo && d <= hi)) {
    char msg[96];
    snprintf(msg, sizeof(msg), "out of range (%g..%g)", lo, hi);
    return bad(c, path, key, msg);
  }
  *field = d;
  return DAST_OK;
}

static dast_err get_int(struct ctx *c, const json_t *o, const char *path, const char *key,
                        long long lo, long long hi, long long *field)
{
  const json_t *v = json_object_get(o, key);
  if(!v) return DAST_OK;
  if(!json_is_integer(v)) return bad(c, path, key, "expected an integer");
  long long n = json_integer_value(v);
  if(n < lo || n > hi) {
    char msg[96];
    snprintf(msg, sizeof(msg), "out of range (%lld..%lld)", lo, hi);
    return bad(c, path, key, msg);
  }
  *field = n;
  return DAST_OK;
}

static dast_err get_list(struct ctx *c, const json_t *o, const char *path, const char *key,
                         struct dast_strlist *l)
{
  const json_t *v = json_object_get(o, key);
  if(!v) return DAST_OK;
  if(!json_is_array(v)) return bad(c, path, key, "expected an array of strings");
  if(json_array_size(v) > 1000) return bad(c, path, key, "too many entries (max 1000)");
  size_t i;
  const json_t *s;
  json_array_foreach(v, i, s) {
    if(!json_is_string(s) || strlen(json_string_value(s)) != json_string_length(s) ||
       json_string_length(s) > 8192) {
      char k[96];
      snprintf(k, sizeof(k), "%s[%zu]", key, i);
      return bad(c, path, k, "expected a string (no NUL bytes, max 8192 bytes)");
    }
    if(!strcmp(path, "auth") && strpbrk(json_string_value(s), "\r\n")) {
      char k[96];
      snprintf(k, sizeof(k), "%s[%zu]", key, i);
      return bad(c, path, k, "contains a line break (it would inject headers)");
    }
    dast_strlist_add(l, json_string_value(s));
  }
  return DAST_OK;
}

static dast_err read_auth(struct ctx *c, const json_t *a, struct dast_config *cfg)
{
  static const char *const keys[] = {"headers", "cookies", "login", NULL};
  static const char *const lkeys[] = {"url", "data", "logged_in_regex", "logged_out_regex", NULL};
  const json_t *login = NULL;
  dast_err e = only_keys(c, a, "auth", keys);
  if(!e) e = get_list(c, a, "auth", "headers", &cfg->headers);
  if(!e) e = get_list(c, a, "auth", "cookies", &cfg->cookies);
  if(!e) e = want_object(c, a, "auth", "login", &login);
  if(e || !login) return e;
  e = only_keys(c, login, "auth.login", lkeys);
  if(!e) e = get_str(c, login, "auth.login", "url", &cfg->login_url);
  if(!e) e = get_str(c, login, "auth.login", "data", &cfg->login_data);
  if(!e) e = get_str(c, login, "auth.login", "logged_in_regex", &cfg->logged_in_regex);
  if(!e) e = get_str(c, login, "auth.login", "logged_out_regex", &cfg->logged_out_regex);
  return e;
}

static dast_err read_scope(struct ctx *c, const json_t *s, struct dast_config *cfg)
{
  static const char *const keys[] = {"include", "exclude", "origins", "allow_dangerous_links",
                                     NULL};
  dast_err e = only_keys(c, s, "scope", keys);
  if(!e) e = get_list(c, s, "scope", "include", &cfg->include);
  if(!e) e = get_list(c, s, "scope", "exclude", &cfg->exclude);
  if(!e) e = get_list(c, s, "scope", "origins", &cfg->origins);
  if(!e) e = get_bool(c, s, "scope", "allow_dangerous_links", &cfg->allow_dangerous_links);
  return e;
}

/* Integer limits: name, range, and where they go. */
enum ity { I_INT, I_LONG, I_SIZE };
struct ilimit {
  const char *name;
  long long lo, hi;
  enum ity type;
  size_t off;
};
#define IL(n, lo, hi, t) {#n, lo, hi, t, offsetof(struct dast_config, n)}
/* Ranges are the CLI's (scanner/cli.c), so whatever `dastgate scan` accepts
 * the service accepts too. */
static const struct ilimit ilimits[] = {
  IL(concurrency, 1, 1024, I_INT),
  IL(per_host, 1, 1024, I_INT),
  IL(timeout_ms, 1, 3600000, I_INT),
  IL(connect_timeout_ms, 1, 3600000, I_INT),
  IL(body_cap, 1024, 10000000000ll, I_SIZE),
  IL(max_redirects, 0, 100, I_INT),
  IL(retries, 0, 10, I_INT),
  IL(max_depth, 0, 1000, I_INT),
  IL(max_pages, 1, 10000000, I_INT),
  IL(max_requests, 0, 1000000000000ll, I_LONG),
  IL(template_visits, 1, 1000, I_INT),
};

static dast_err read_limits(struct ctx *c, const json_t *l, struct dast_config *cfg)
{
  static const char *const keys[] = {"concurrency", "per_host", "rate", "timeout_ms",
                                     "connect_timeout_ms", "max_time", "body_cap",
                                     "max_redirects", "retries", "max_depth", "max_pages",
                                     "max_requests", "template_visits", NULL};
  dast_err e = only_keys(c, l, "limits", keys);
  for(size_t i = 0; !e && i < sizeof(ilimits) / sizeof(ilimits[0]); i++) {
    const struct ilimit *d = &ilimits[i];
    long long v = 0;
    if(!json_object_get(l, d->name)) continue;
    e = get_int(c, l, "limits", d->name, d->lo, d->hi, &v);
    if(e) break;
    char *p = (char *)cfg + d->off;
    if(d->type == I_INT) *(int *)p = (int)v;
    else if(d->type == I_LONG) *(long *)p = (long)v;
    else *(size_t *)p = (size_t)v;
  }
  if(!e) e = get_num(c, l, "limits", "rate", 0, 1e6, &cfg->rate);
  if(!e) e = get_num(c, l, "limits", "max_time", 0, 1e7, &cfg->max_time);
  return e;
}

static dast_err read_checks(struct ctx *c, const json_t *k, struct dast_config *cfg)
{
  static const char *const keys[] = {"only", "skip", NULL};
  dast_err e = only_keys(c, k, "checks", keys);
  if(!e) e = get_list(c, k, "checks", "only", &cfg->checks);
  if(!e) e = get_list(c, k, "checks", "skip", &cfg->skip_checks);
  return e;
}

static dast_err read_baseline(struct ctx *c, const json_t *b, struct dast_api_files *files)
{
  static const char *const keys[] = {"scan_id", "report", NULL};
  dast_err e = only_keys(c, b, "gate.baseline", keys);
  if(e) return e;
  const json_t *id = json_object_get(b, "scan_id"), *rep = json_object_get(b, "report");
  if(id && rep) return bad(c, "gate", "baseline", "give either scan_id or report, not both");
  if(!id && !rep) return bad(c, "gate", "baseline", "needs scan_id or report");
  if(id && !json_is_string(id)) return bad(c, "gate.baseline", "scan_id", "expected a string");
  if(rep && !json_is_object(rep))
    return bad(c, "gate.baseline", "report", "expected a dastgate report object");
  files->baseline_scan_id = id ? json_string_value(id) : NULL;
  files->baseline_report = rep;
  return DAST_OK;
}

static dast_err read_gate(struct ctx *c, const json_t *g, struct dast_config *cfg,
                          struct dast_api_files *files)
{
  static const char *const keys[] = {"fail_on", "fail_on_new_only", "min_coverage",
                                     "exit_code_fail", "policy", "suppressions", "baseline",
                                     NULL};
  long long code = cfg->exit_code_fail;
  dast_err e = only_keys(c, g, "gate", keys);
  if(!e) e = get_str(c, g, "gate", "fail_on", &cfg->fail_on);
  if(!e) e = get_bool(c, g, "gate", "fail_on_new_only", &cfg->fail_on_new_only);
  if(!e) e = get_num(c, g, "gate", "min_coverage", 0, 1e9, &cfg->min_coverage);
  if(!e) e = get_int(c, g, "gate", "exit_code_fail", 1, 255, &code);
  if(e) return e;
  cfg->exit_code_fail = (int)code;
  const json_t *p = json_object_get(g, "policy"), *s = json_object_get(g, "suppressions");
  if(p && !json_is_object(p) && !json_is_string(p))
    return bad(c, "gate", "policy", "expected an object or the policy file's text");
  if(s && !json_is_object(s) && !json_is_array(s) && !json_is_string(s))
    return bad(c, "gate", "suppressions", "expected an array, object or the file's text");
  files->policy = p;
  files->suppressions = s;
  const json_t *b = NULL;
  if((e = want_object(c, g, "gate", "baseline", &b)) || !b) return e;
  return read_baseline(c, b, files);
}

static bool is_http_url(const char *s)
{
  return dast_strcaseprefix(s, "http://") || dast_strcaseprefix(s, "https://");
}

static dast_err read_top(struct ctx *c, const json_t *in, struct dast_config *cfg)
{
  const json_t *t = json_object_get(in, "target");
  if(!t) return bad(c, "", "target", "required");
  dast_err e = get_str(c, in, "", "target", &cfg->target);
  if(!e && !is_http_url(cfg->target)) return bad(c, "", "target", "expected an http(s) URL");
  if(!e) e = get_list(c, in, "", "seeds", &cfg->extra_seeds);
  const json_t *prof = json_object_get(in, "profile");
  if(!e && prof) {
    if(!json_is_string(prof) || dast_profile_parse(json_string_value(prof)) < 0)
      return bad(c, "", "profile", "expected \"passive\", \"standard\" or \"full\"");
    cfg->profile = (enum dast_profile)dast_profile_parse(json_string_value(prof));
  }
  const json_t *seed = json_object_get(in, "seed");
  if(!e && seed) {
    /* a 64-bit unsigned seed: an integer, or decimal text above INT64_MAX */
    const char *txt = json_string_value(seed);
    char *end = NULL;
    errno = 0;
    unsigned long long v = txt ? strtoull(txt, &end, 10) : 0;
    if(json_is_integer(seed) && json_integer_value(seed) >= 0)
      cfg->seed = (uint64_t)json_integer_value(seed);
    else if(txt && *txt >= '0' && *txt <= '9' && !*end && !errno)
      cfg->seed = (uint64_t)v;
    else
      return bad(c, "", "seed", "expected a non-negative integer");
    cfg->seed_set = true;
  }
  if(!e) e = get_str(c, in, "", "user_agent", &cfg->user_agent);
  if(!e && cfg->user_agent && strpbrk(cfg->user_agent, "\r\n"))
    e = bad(c, "", "user_agent", "contains a line break (it would inject headers)");
  if(!e) e = get_bool(c, in, "", "insecure_tls", &cfg->insecure);
  if(!e) e = get_bool(c, in, "", "http2", &cfg->http2);
  if(!e) e = get_num(c, in, "", "wait_ready", 0, 86400, &cfg->wait_ready);
  if(!e) e = get_str(c, in, "", "ready_path", &cfg->ready_path);
  if(!e) e = get_str(c, in, "", "openapi", &cfg->openapi);
  if(!e && cfg->openapi && !is_http_url(cfg->openapi))
    return bad(c, "", "openapi", "expected an http(s) URL (the service reads no local files)");
  if(!e) e = get_bool(c, in, "", "no_crawl", &cfg->no_crawl);
  return e;
}

dast_err dast_config_from_api_json(const json_t *in, struct dast_config *cfg,
                                   struct dast_api_files *files, char *errbuf, size_t errlen)
{
  static const char *const keys[] = {"target", "seeds", "profile", "seed", "user_agent",
                                     "insecure_tls", "http2", "wait_ready", "ready_path",
                                     "openapi", "no_crawl", "auth", "scope", "limits", "checks",
                                     "gate", NULL};
  struct ctx c = {errbuf, errlen};
  struct dast_api_files dummy;
  if(!files) files = &dummy;
  memset(files, 0, sizeof(*files));
  if(!json_is_object(in)) {
    snprintf(errbuf, errlen, "body: expected a JSON object");
    return DAST_EPARSE;
  }
  dast_err e = only_keys(&c, in, "", keys);
  if(!e) e = read_top(&c, in, cfg);
  const json_t *sub = NULL;
  if(!e && !(e = want_object(&c, in, "", "auth", &sub)) && sub) e = read_auth(&c, sub, cfg);
  if(!e && !(e = want_object(&c, in, "", "scope", &sub)) && sub) e = read_scope(&c, sub, cfg);
  if(!e && !(e = want_object(&c, in, "", "limits", &sub)) && sub) e = read_limits(&c, sub, cfg);
  if(!e && !(e = want_object(&c, in, "", "checks", &sub)) && sub) e = read_checks(&c, sub, cfg);
  if(!e && !(e = want_object(&c, in, "", "gate", &sub)) && sub)
    e = read_gate(&c, sub, cfg, files);
  return e;
}

json_t *dast_api_json_redact(const json_t *in, bool *has_secrets)
{
  json_t *copy = json_deep_copy(in);
  if(!copy) dast_oom();
  const json_t *auth = json_object_get(copy, "auth");
  bool secrets = auth && json_object_size(auth) > 0;
  if(auth) {
    json_t *kept = json_object();
    const char *k;
    const json_t *v;
    /* keep only the shape (which kinds of auth were used), never values */
    json_object_foreach((json_t *)auth, k, v)
    {
      json_object_set_new(kept, k, json_string("redacted"));
    }
    json_object_set_new(copy, "auth", kept);
  }
  if(has_secrets) *has_secrets = secrets;
  return copy;
}

/* ---------- writing (client side) ---------- */

static void put_list(json_t *o, const char *key, const struct dast_strlist *l)
{
  if(!l->n) return;
  json_t *a = json_array();
  for(size_t i = 0; i < l->n; i++) json_array_append_new(a, json_string(l->v[i]));
  json_object_set_new(o, key, a);
}

static void put_str(json_t *o, const char *key, const char *v)
{
  if(v) json_object_set_new(o, key, json_string(v));
}

/* Reads a local file for embedding: JSON when it parses, else its text. */
static dast_err embed_file(const char *path, const char *flag, json_t **out, char *errbuf,
                           size_t errlen)
{
  FILE *f = fopen(path, "rb");
  if(!f) {
    snprintf(errbuf, errlen, "%s %s: %s", flag, path, strerror(errno));
    return DAST_EIO;
  }
  struct dast_buf b;
  dast_buf_init(&b, FILE_CAP);
  char chunk[8192];
  size_t n;
  dast_err e = DAST_OK;
  while(!e && (n = fread(chunk, 1, sizeof(chunk), f)) > 0) e = dast_buf_add(&b, chunk, n);
  bool rerr = ferror(f);
  fclose(f);
  if(e || rerr) {
    snprintf(errbuf, errlen, "%s %s: %s", flag, path, e ? "file too large" : "read error");
    dast_buf_free(&b);
    return e ? e : DAST_EIO;
  }
  *out = json_loadb(b.data, b.len, 0, NULL);
  if(!*out) *out = json_stringn(b.data, b.len);
  dast_buf_free(&b);
  if(!*out) {
    snprintf(errbuf, errlen, "%s %s: not JSON and not UTF-8 text", flag, path);
    return DAST_EPARSE;
  }
  return DAST_OK;
}

static dast_err refuse(const char *flag, char *errbuf, size_t errlen)
{
  snprintf(errbuf, errlen, "%s is not supported with a scan service (it would act on the "
           "server's files or network)", flag);
  return DAST_EINVAL;
}

static json_t *limits_json(const struct dast_config *cfg)
{
  json_t *l = json_object();
  for(size_t i = 0; i < sizeof(ilimits) / sizeof(ilimits[0]); i++) {
    const char *p = (const char *)cfg + ilimits[i].off;
    long long v = ilimits[i].type == I_INT    ? *(const int *)p
                  : ilimits[i].type == I_LONG ? *(const long *)p
                                              : (long long)*(const size_t *)p;
    json_object_set_new(l, ilimits[i].name, json_integer(v));
  }
  json_object_set_new(l, "rate", json_real(cfg->rate));
  json_object_set_new(l, "max_time", json_real(cfg->max_time));
  return l;
}

static json_t *auth_json(const struct dast_config *cfg)
{
  json_t *a = json_object();
  put_list(a, "headers", &cfg->headers);
  put_list(a, "cookies", &cfg->cookies);
  if(cfg->login_url || cfg->login_data) {
    json_t *l = json_object();
    put_str(l, "url", cfg->login_url);
    put_str(l, "data", cfg->login_data);
    put_str(l, "logged_in_regex", cfg->logged_in_regex);
    put_str(l, "logged_out_regex", cfg->logged_out_regex);
    json_object_set_new(a, "login", l);
  }
  return a;
}

static dast_err gate_json(const struct dast_config *cfg, json_t **out, char *errbuf,
                          size_t errlen)
{
  json_t *g = json_object();
  put_str(g, "fail_on", cfg->fail_on);
  json_object_set_new(g, "fail_on_new_only", json_boolean(cfg->fail_on_new_only));
  json_object_set_new(g, "min_coverage", json_real(cfg->min_coverage));
  json_object_set_new(g, "exit_code_fail", json_integer(cfg->exit_code_fail));
  json_t *v = NULL;
  dast_err e = DAST_OK;
  if(cfg->policy_file && !(e = embed_file(cfg->policy_file, "--policy", &v, errbuf, errlen)))
    json_object_set_new(g, "policy", v);
  if(!e && cfg->suppressions_file &&
     !(e = embed_file(cfg->suppressions_file, "--suppressions", &v, errbuf, errlen)))
    json_object_set_new(g, "suppressions", v);
  if(!e && cfg->baseline_file &&
     !(e = embed_file(cfg->baseline_file, "--baseline", &v, errbuf, errlen))) {
    if(!json_is_object(v)) {
      json_decref(v);
      snprintf(errbuf, errlen, "--baseline %s: expected a dastgate JSON report",
               cfg->baseline_file);
      e = DAST_EPARSE;
    } else {
      json_object_set_new(g, "baseline", json_pack("{s:o}", "report", v));
    }
  }
  if(e) {
    json_decref(g);
    return e;
  }
  *out = g;
  return DAST_OK;
}

dast_err dast_config_to_api_json(const struct dast_config *cfg, json_t **out, char *errbuf,
                                 size_t errlen)
{
  *out = NULL;
  if(!cfg->target) {
    snprintf(errbuf, errlen, "no target URL given");
    return DAST_EINVAL;
  }
  if(cfg->proxy) return refuse("--proxy", errbuf, errlen);
  if(cfg->har) return refuse("--har", errbuf, errlen);
  if(cfg->checks_dirs.n) return refuse("--checks-dir", errbuf, errlen);
  if(cfg->oob_listen || cfg->oob_url) return refuse("--oob-listen/--oob-url", errbuf, errlen);
  if(cfg->openapi && !is_http_url(cfg->openapi))
    return refuse("--openapi with a local file (give a URL)", errbuf, errlen);
  json_t *gate;
  dast_err e = gate_json(cfg, &gate, errbuf, errlen);
  if(e) return e;
  json_t *o = json_object();
  put_str(o, "target", cfg->target);
  put_list(o, "seeds", &cfg->extra_seeds);
  put_str(o, "profile", dast_profile_name(cfg->profile));
  if(cfg->seed_set && cfg->seed <= (uint64_t)INT64_MAX)
    json_object_set_new(o, "seed", json_integer((json_int_t)cfg->seed));
  else if(cfg->seed_set) {
    char txt[32];
    snprintf(txt, sizeof(txt), "%llu", (unsigned long long)cfg->seed);
    json_object_set_new(o, "seed", json_string(txt));
  }
  put_str(o, "user_agent", cfg->user_agent);
  json_object_set_new(o, "insecure_tls", json_boolean(cfg->insecure));
  json_object_set_new(o, "http2", json_boolean(cfg->http2));
  json_object_set_new(o, "wait_ready", json_real(cfg->wait_ready));
  put_str(o, "ready_path", cfg->ready_path);
  put_str(o, "openapi", cfg->openapi);
  json_object_set_new(o, "no_crawl", json_boolean(cfg->no_crawl));
  json_t *a = auth_json(cfg);
  if(json_object_size(a)) json_object_set_new(o, "auth", a);
  else json_decref(a);
  json_t *s = json_object();
  put_list(s, "include", &cfg->include);
  put_list(s, "exclude", &cfg->exclude);
  put_list(s, "origins", &cfg->origins);
  json_object_set_new(s, "allow_dangerous_links", json_boolean(cfg->allow_dangerous_links));
  json_object_set_new(o, "scope", s);
  json_object_set_new(o, "limits", limits_json(cfg));
  if(cfg->checks.n || cfg->skip_checks.n) {
    json_t *k = json_object();
    put_list(k, "only", &cfg->checks);
    put_list(k, "skip", &cfg->skip_checks);
    json_object_set_new(o, "checks", k);
  }
  json_object_set_new(o, "gate", gate);
  *out = o;
  return DAST_OK;
}
