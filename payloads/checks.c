/* checks.c — the check loader: payloads/checks/<id>.json → struct pl_check.
 *
 * The only user of jansson for checks.  Every file is validated completely
 * at start-up: unknown keys are rejected, types are checked, regexes are
 * compiled (through re.h, so with match limits), placeholders must be known
 * names, XSS contexts must exist.  The first problem aborts the load with
 * "file: field: problem" in errbuf, so a typo in a check never silently
 * disables it.  Once loaded a check set is immutable.  The format is
 * documented in payloads/CHECKS.md. */
#include "payloads/pl_int.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NULL-terminated: parse_enum() walks it to the NULL (a fuzz-found overread) */
static const char *strategy_names[PL_S__COUNT + 1] = {"match",   "xss",     "stored-xss", "boolean",
                                                      "timing",  "oob",     "files",      "put",
                                                      "passive", "cookies", "forms",      "jslibs", NULL};

static const char *classes[] = {
    "xss", "sqli", "cmdi", "path-traversal", "ssti", "open-redirect", "crlf", "xxe", "ssrf",
    "cors", "security-headers", "cookie", "version-disclosure", "sensitive-file",
    "directory-listing", "error-disclosure", "host-header", "http-methods", "csrf", "jndi",
    "shellshock", "vulnerable-js", "debug-endpoint", "info-disclosure", "xpath", "jsonp", NULL};

const char *pl_strategy_name(enum pl_strategy s)
{
  return (unsigned)s < PL_S__COUNT ? strategy_names[s] : "unknown";
}

/* The load context: which file, for error messages. */
struct ld {
  const char *file;
  char *err;
  size_t errlen;
  bool failed;
};

static bool fail(struct ld *l, const char *field, const char *fmt, ...) DAST_PRINTF(3, 4);
static bool fail(struct ld *l, const char *field, const char *fmt, ...)
{
  if(l->failed) return false;
  l->failed = true;
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(l->err && l->errlen) snprintf(l->err, l->errlen, "%s: %s: %s", l->file, field, msg);
  return false;
}

static bool only_keys(struct ld *l, json_t *obj, const char *where, const char *const *allowed)
{
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    bool ok = false;
    for(int i = 0; allowed[i]; i++)
      if(!strcmp(k, allowed[i])) ok = true;
    if(!ok) {
      char f[256];
      snprintf(f, sizeof(f), "%s%s%s", where, *where ? "." : "", k);
      return fail(l, f, "unknown key");
    }
  }
  return true;
}

static bool get_str(struct ld *l, json_t *obj, const char *key, bool required, char **out)
{
  json_t *v = json_object_get(obj, key);
  if(!v) return required ? fail(l, key, "missing") : true;
  if(!json_is_string(v)) return fail(l, key, "must be a string");
  if(required && !*json_string_value(v)) return fail(l, key, "must not be empty");
  *out = dast_strdup(json_string_value(v));
  return true;
}

/* A string or an array of strings.  Placeholders are validated. */
static bool get_strs(struct ld *l, json_t *v, const char *field, char ***out, size_t *n)
{
  *out = NULL;
  *n = 0;
  if(!v) return true;
  if(json_is_string(v)) {
    *out = dast_calloc(1, sizeof(char *));
    (*out)[0] = dast_strdup(json_string_value(v));
    *n = 1;
  } else if(json_is_array(v)) {
    *out = dast_calloc(json_array_size(v) + 1, sizeof(char *));
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
      if(!json_is_string(e)) {
        char f[256];
        snprintf(f, sizeof(f), "%s[%zu]", field, i);
        return fail(l, f, "must be a string");
      }
      (*out)[(*n)++] = dast_strdup(json_string_value(e));
    }
  } else {
    return fail(l, field, "must be a string or an array of strings");
  }
  for(size_t i = 0; i < *n; i++) {
    char bad[64];
    if(!pl_placeholders_valid((*out)[i], bad, sizeof(bad))) {
      char f[256];
      snprintf(f, sizeof(f), "%s[%zu]", field, i);
      return fail(l, f, "unknown placeholder $[%s]", bad);
    }
  }
  return true;
}

static void free_strs(char **v, size_t n)
{
  for(size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

static const char *const matcher_keys[] = {"and", "or", "not", "regex", "word", "status", "header",
                                           "context", "dom", "part", "condition", "caseless",
                                           "absent_in_baseline", NULL};

static bool parse_part(struct ld *l, struct pl_matcher *m, json_t *o, const char *where)
{
  json_t *p = json_object_get(o, "part");
  if(!p) return true;
  char f[256];
  snprintf(f, sizeof(f), "%s.part", where);
  if(!json_is_string(p)) return fail(l, f, "must be a string");
  const char *s = json_string_value(p);
  if(!strcmp(s, "body")) m->part = PL_PART_BODY;
  else if(!strcmp(s, "headers")) m->part = PL_PART_HEADERS;
  else if(!strcmp(s, "all")) m->part = PL_PART_ALL;
  else if(!strncmp(s, "header:", 7) && s[7]) {
    m->part = PL_PART_HEADER;
    m->header = dast_strdup(s + 7);
  } else return fail(l, f, "must be body, headers, all or header:<Name>");
  return true;
}

static bool compile_res(struct ld *l, struct pl_matcher *m, const char *where)
{
  m->res = dast_calloc(m->nstrs + 1, sizeof(struct dast_re *));
  for(size_t i = 0; i < m->nstrs; i++) {
    char f[256], eb[256];
    snprintf(f, sizeof(f), "%s.regex[%zu]", where, i);
    if(strstr(m->strs[i], "$[")) {
      /* compiled per probe; check it compiles with sample values */
      struct pl_vars v;
      memset(&v, 0, sizeof(v));
      struct dast_rng r;
      dast_rng_seed(&r, 1);
      pl_vars_fresh(&v, &r);
      char *pat = pl_expand(m->strs[i], &v);
      struct dast_re *re = NULL;
      dast_err e = dast_re_compile(pat, m->reflags, &re, eb, sizeof(eb));
      free(pat);
      dast_re_free(re);
      if(e) return fail(l, f, "bad regex: %s", eb);
      continue;
    }
    if(dast_re_compile(m->strs[i], m->reflags, &m->res[i], eb, sizeof(eb)))
      return fail(l, f, "bad regex: %s", eb);
  }
  return true;
}

/* Recursive; depth-limited so a hostile check file cannot blow the stack. */
static struct pl_matcher *parse_matcher(struct ld *l, json_t *o, const char *where, int depth)
{
  if(depth > 16) return fail(l, where, "nested too deeply"), NULL;
  if(!json_is_object(o)) return fail(l, where, "must be an object"), NULL;
  if(!only_keys(l, o, where, matcher_keys)) return NULL;
  static const char *kinds[] = {"and", "or", "not", "regex", "word", "status", "header",
                                "context", "dom", NULL};
  int kind = -1, nk = 0;
  for(int i = 0; kinds[i]; i++)
    if(json_object_get(o, kinds[i])) {
      kind = i;
      nk++;
    }
  if(nk != 1) return fail(l, where, "needs exactly one of and/or/not/regex/word/status/header/context/dom"), NULL;
  struct pl_matcher *m = dast_calloc(1, sizeof(*m));
  m->kind = (enum pl_mkind)kind;
  json_t *v = json_object_get(o, kinds[kind]);
  char f[256];
  snprintf(f, sizeof(f), "%s.%s", where, kinds[kind]);
  json_t *c = json_object_get(o, "caseless");
  if(c && !json_is_boolean(c)) { fail(l, where, "caseless must be true/false"); goto bad; }
  if(json_is_true(c)) m->reflags |= DAST_RE_CASELESS;
  m->reflags |= DAST_RE_MULTILINE;
  json_t *ab = json_object_get(o, "absent_in_baseline");
  if(ab && !json_is_boolean(ab)) { fail(l, where, "absent_in_baseline must be true/false"); goto bad; }
  m->absent_in_baseline = json_is_true(ab);
  json_t *cond = json_object_get(o, "condition");
  if(cond) {
    if(!json_is_string(cond) || (strcmp(json_string_value(cond), "any") && strcmp(json_string_value(cond), "all"))) {
      fail(l, where, "condition must be \"any\" or \"all\"");
      goto bad;
    }
    m->all = !strcmp(json_string_value(cond), "all");
  }
  if(!parse_part(l, m, o, where)) goto bad;
  switch(m->kind) {
  case PL_M_AND:
  case PL_M_OR:
  case PL_M_NOT: {
    if(m->kind == PL_M_NOT) {
      m->kids = dast_calloc(1, sizeof(*m->kids));
      m->kids[0] = parse_matcher(l, v, f, depth + 1);
      if(!m->kids[0]) goto bad;
      m->nkids = 1;
      break;
    }
    if(!json_is_array(v) || !json_array_size(v)) { fail(l, f, "must be a non-empty array"); goto bad; }
    m->kids = dast_calloc(json_array_size(v), sizeof(*m->kids));
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e) {
      char ff[300];
      snprintf(ff, sizeof(ff), "%s[%zu]", f, i);
      struct pl_matcher *k = parse_matcher(l, e, ff, depth + 1);
      if(!k) goto bad;
      m->kids[m->nkids++] = k;
    }
    break;
  }
  case PL_M_REGEX:
  case PL_M_WORD:
  case PL_M_HEADER:
    if(!get_strs(l, v, f, &m->strs, &m->nstrs)) goto bad;
    if(!m->nstrs) { fail(l, f, "must not be empty"); goto bad; }
    for(size_t i = 0; i < m->nstrs; i++)
      if(!*m->strs[i]) { fail(l, f, "empty string"); goto bad; }
    if(m->kind == PL_M_REGEX && !compile_res(l, m, where)) goto bad;
    break;
  case PL_M_STATUS: {
    json_t *arr = json_is_array(v) ? v : NULL;
    size_t n = arr ? json_array_size(arr) : 1;
    m->codes = dast_calloc(n, sizeof(long));
    for(size_t i = 0; i < n; i++) {
      json_t *e = arr ? json_array_get(arr, i) : v;
      if(!json_is_integer(e) || json_integer_value(e) < 100 || json_integer_value(e) > 999) {
        fail(l, f, "must be an HTTP status code or an array of them");
        goto bad;
      }
      m->codes[m->ncodes++] = (long)json_integer_value(e);
    }
    break;
  }
  case PL_M_CONTEXT: {
    char **names = NULL;
    size_t n = 0;
    if(!get_strs(l, v, f, &names, &n)) { free_strs(names, n); goto bad; }
    for(size_t i = 0; i < n; i++) {
      int cx = pl_ctx_parse(names[i]);
      if(cx < 0) {
        fail(l, f, "unknown context \"%s\"", names[i]);
        free_strs(names, n);
        goto bad;
      }
      m->ctx_mask |= 1u << cx;
    }
    free_strs(names, n);
    break;
  }
  case PL_M_DOM:
    if(!json_is_string(v) || strcmp(json_string_value(v), "executable")) {
      fail(l, f, "must be \"executable\"");
      goto bad;
    }
    break;
  }
  return m;
bad:
  pl_matcher_free(m);
  return NULL;
}

static void check_free(struct pl_check *c)
{
  if(!c) return;
  char **s[] = {&c->file, &c->id, &c->name, &c->klass, &c->owasp, &c->description,
                &c->remediation, &c->method};
  for(size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) free(*s[i]);
  free_strs(c->refs, c->nrefs);
  free_strs(c->targets, c->ntargets);
  free_strs(c->ctypes, c->nctypes);
  free_strs(c->schemes, c->nschemes);
  free_strs(c->methods, c->nmethods);
  free_strs(c->payloads, c->npayloads);
  free_strs(c->headers, c->nheaders);
  free_strs(c->confirm_payloads, c->nconfirm);
  free_strs(c->controls, c->ncontrols);
  pl_matcher_free(c->match);
  for(size_t i = 0; i < c->npairs; i++) {
    free(c->pairs[i].t);
    free(c->pairs[i].f);
  }
  free(c->pairs);
  for(int i = 0; i < PL_CTX__COUNT; i++) free_strs(c->ctx_payloads[i], c->nctx_payloads[i]);
  for(size_t i = 0; i < c->npaths; i++) {
    free(c->paths[i].path);
    pl_matcher_free(c->paths[i].match);
  }
  free(c->paths);
  for(size_t i = 0; i < c->nnames; i++) dast_re_free(c->names_re ? c->names_re[i] : NULL);
  free(c->names_re);
  free_strs(c->names, c->nnames);
  free(c);
}

static const char *const top_keys[] = {
    "id", "name", "class", "cwe", "owasp", "severity", "description", "remediation",
    "references", "kind", "strategy", "profile", "confidence", "scope", "applies", "payloads",
    "raw", "follow_redirects", "method", "headers", "matchers", "confirm", "pairs", "sleep",
    "contexts", "paths", "names", NULL};
static const char *const applies_keys[] = {"insertion_points", "targets", "content_types",
                                           "schemes", "methods", "values", NULL};
static const char *const confirm_keys[] = {"repeat", "payloads", "controls", NULL};

static bool parse_enum(struct ld *l, json_t *root, const char *key, const char *const *names,
                       int *out, bool required)
{
  json_t *v = json_object_get(root, key);
  if(!v) return required ? fail(l, key, "missing") : true;
  if(json_is_string(v))
    for(int i = 0; names[i]; i++)
      if(!strcmp(json_string_value(v), names[i])) {
        *out = i;
        return true;
      }
  char allowed[256] = "";
  for(int i = 0; names[i]; i++) {
    strncat(allowed, names[i], sizeof(allowed) - strlen(allowed) - 3);
    if(names[i + 1]) strncat(allowed, ", ", sizeof(allowed) - strlen(allowed) - 1);
  }
  return fail(l, key, "must be one of: %s", allowed);
}

static bool parse_applies(struct ld *l, struct pl_check *c, json_t *a)
{
  if(!a) return true;
  if(!json_is_object(a)) return fail(l, "applies", "must be an object");
  if(!only_keys(l, a, "applies", applies_keys)) return false;
  char **ips = NULL;
  size_t nips = 0;
  if(!get_strs(l, json_object_get(a, "insertion_points"), "applies.insertion_points", &ips, &nips))
    return free_strs(ips, nips), false;
  for(size_t i = 0; i < nips; i++) {
    int k = dast_ip_kind_parse(ips[i]);
    if(k < 0) {
      fail(l, "applies.insertion_points", "unknown insertion point \"%s\"", ips[i]);
      free_strs(ips, nips);
      return false;
    }
    c->ip_mask |= 1u << k;
  }
  free_strs(ips, nips);
  if(!get_strs(l, json_object_get(a, "targets"), "applies.targets", &c->targets, &c->ntargets))
    return false;
  for(size_t i = 0; i < c->ntargets; i++)
    if(strcmp(c->targets[i], "endpoint") && strcmp(c->targets[i], "body") &&
       (strncmp(c->targets[i], "header:", 7) || !c->targets[i][7]))
      return fail(l, "applies.targets", "\"%s\": must be \"endpoint\", \"body\" or \"header:<Name>\"",
                  c->targets[i]);
  char **vals = NULL;
  size_t nvals = 0;
  if(!get_strs(l, json_object_get(a, "values"), "applies.values", &vals, &nvals))
    return free_strs(vals, nvals), false;
  for(size_t i = 0; i < nvals; i++) {
    if(strcmp(vals[i], "xml")) {
      fail(l, "applies.values", "unknown value kind \"%s\" (known: xml)", vals[i]);
      free_strs(vals, nvals);
      return false;
    }
    c->values_xml = true;
  }
  free_strs(vals, nvals);
  return get_strs(l, json_object_get(a, "content_types"), "applies.content_types", &c->ctypes,
                  &c->nctypes) &&
         get_strs(l, json_object_get(a, "schemes"), "applies.schemes", &c->schemes, &c->nschemes) &&
         get_strs(l, json_object_get(a, "methods"), "applies.methods", &c->methods, &c->nmethods);
}

static bool parse_confirm(struct ld *l, struct pl_check *c, json_t *v)
{
  if(!v) return true;
  if(!json_is_object(v)) return fail(l, "confirm", "must be an object");
  if(!only_keys(l, v, "confirm", confirm_keys)) return false;
  json_t *r = json_object_get(v, "repeat");
  if(r && !json_is_boolean(r)) return fail(l, "confirm.repeat", "must be true/false");
  c->confirm = !r || json_is_true(r);
  return get_strs(l, json_object_get(v, "payloads"), "confirm.payloads", &c->confirm_payloads,
                  &c->nconfirm) &&
         get_strs(l, json_object_get(v, "controls"), "confirm.controls", &c->controls,
                  &c->ncontrols);
}

static bool parse_pairs(struct ld *l, struct pl_check *c, json_t *v)
{
  if(!v) return true;
  if(!json_is_array(v)) return fail(l, "pairs", "must be an array of {\"true\",\"false\"}");
  c->pairs = dast_calloc(json_array_size(v) + 1, sizeof(struct pl_pair));
  size_t i;
  json_t *e;
  json_array_foreach(v, i, e) {
    char f[64];
    snprintf(f, sizeof(f), "pairs[%zu]", i);
    static const char *const pk[] = {"true", "false", NULL};
    if(!json_is_object(e)) return fail(l, f, "must be an object");
    if(!only_keys(l, e, f, pk)) return false;
    json_t *t = json_object_get(e, "true"), *fa = json_object_get(e, "false");
    if(!json_is_string(t) || !json_is_string(fa)) return fail(l, f, "needs strings \"true\" and \"false\"");
    c->pairs[c->npairs].t = dast_strdup(json_string_value(t));
    c->pairs[c->npairs].f = dast_strdup(json_string_value(fa));
    c->npairs++;
    char bad[64];
    if(!pl_placeholders_valid(json_string_value(t), bad, sizeof(bad)) ||
       !pl_placeholders_valid(json_string_value(fa), bad, sizeof(bad)))
      return fail(l, f, "unknown placeholder $[%s]", bad);
  }
  return true;
}

static bool parse_contexts(struct ld *l, struct pl_check *c, json_t *v)
{
  if(!v) return true;
  if(!json_is_object(v)) return fail(l, "contexts", "must be an object: context name -> payloads");
  const char *k;
  json_t *e;
  json_object_foreach(v, k, e) {
    char f[96];
    snprintf(f, sizeof(f), "contexts.%s", k);
    int cx = pl_ctx_parse(k);
    if(cx < 0) return fail(l, f, "unknown context");
    if(!get_strs(l, e, f, &c->ctx_payloads[cx], &c->nctx_payloads[cx])) return false;
  }
  return true;
}

static bool parse_paths(struct ld *l, struct pl_check *c, json_t *v)
{
  if(!v) return true;
  if(!json_is_array(v)) return fail(l, "paths", "must be an array of {\"path\",\"matchers\"}");
  c->paths = dast_calloc(json_array_size(v) + 1, sizeof(struct pl_path));
  size_t i;
  json_t *e;
  json_array_foreach(v, i, e) {
    char f[64], fm[80];
    snprintf(f, sizeof(f), "paths[%zu]", i);
    snprintf(fm, sizeof(fm), "paths[%zu].matchers", i);
    static const char *const pk[] = {"path", "matchers", NULL};
    if(!json_is_object(e)) return fail(l, f, "must be an object");
    if(!only_keys(l, e, f, pk)) return false;
    json_t *p = json_object_get(e, "path");
    if(!json_is_string(p) || !*json_string_value(p) || json_string_value(p)[0] == '/')
      return fail(l, f, "path must be a relative path string");
    struct pl_matcher *m = parse_matcher(l, json_object_get(e, "matchers"), fm, 0);
    if(!m) return false;
    c->paths[c->npaths].path = dast_strdup(json_string_value(p));
    c->paths[c->npaths].match = m;
    c->npaths++;
  }
  return true;
}

static bool parse_names(struct ld *l, struct pl_check *c, json_t *v)
{
  if(!get_strs(l, v, "names", &c->names, &c->nnames)) return false;
  c->names_re = dast_calloc(c->nnames + 1, sizeof(struct dast_re *));
  for(size_t i = 0; i < c->nnames; i++) {
    char eb[256], f[64];
    snprintf(f, sizeof(f), "names[%zu]", i);
    if(dast_re_compile(c->names[i], DAST_RE_CASELESS, &c->names_re[i], eb, sizeof(eb)))
      return fail(l, f, "bad regex: %s", eb);
  }
  return true;
}

/* What each strategy needs; run after all fields are parsed. */
static bool check_requirements(struct ld *l, struct pl_check *c)
{
  bool passive_s = c->strategy == PL_S_PASSIVE || c->strategy == PL_S_COOKIES ||
                   c->strategy == PL_S_FORMS || c->strategy == PL_S_JSLIBS;
  if(passive_s != c->passive)
    return fail(l, "strategy", "\"%s\" is %s but kind is %s", pl_strategy_name(c->strategy),
                passive_s ? "passive" : "active", c->passive ? "passive" : "active");
  switch(c->strategy) {
  case PL_S_MATCH:
    if(!c->npayloads) return fail(l, "payloads", "missing (strategy match needs payloads)");
    if(!c->match) return fail(l, "matchers", "missing (strategy match needs matchers)");
    break;
  case PL_S_XSS: {
    size_t n = 0;
    for(int i = 0; i < PL_CTX__COUNT; i++) n += c->nctx_payloads[i];
    if(!n) return fail(l, "contexts", "missing (strategy xss needs payloads per context)");
    break;
  }
  case PL_S_STORED_XSS:
  case PL_S_OOB:
  case PL_S_TIMING:
    if(!c->npayloads) return fail(l, "payloads", "missing");
    for(size_t i = 0; i < c->npayloads; i++) {
      const char *need = c->strategy == PL_S_OOB ? "$[oob]" : c->strategy == PL_S_TIMING ? "$[sleep]" : "$[canary]";
      if(!strstr(c->payloads[i], need) && !(c->strategy == PL_S_OOB && strstr(c->payloads[i], "$[token]"))) {
        char f[64];
        snprintf(f, sizeof(f), "payloads[%zu]", i);
        return fail(l, f, "must contain %s", need);
      }
    }
    break;
  case PL_S_BOOLEAN:
    if(!c->npairs) return fail(l, "pairs", "missing (strategy boolean needs true/false pairs)");
    break;
  case PL_S_FILES:
    if(!c->npaths) return fail(l, "paths", "missing (strategy files needs paths)");
    break;
  case PL_S_PASSIVE:
    if(!c->match) return fail(l, "matchers", "missing (strategy passive needs matchers)");
    break;
  case PL_S_PUT:
  case PL_S_COOKIES:
  case PL_S_FORMS:
  case PL_S_JSLIBS:
  case PL_S__COUNT: break;
  }
  return true;
}

static struct pl_check *parse_check(struct ld *l, json_t *root)
{
  if(!json_is_object(root)) return fail(l, "(file)", "must be a JSON object"), NULL;
  if(!only_keys(l, root, "", top_keys)) return NULL;
  struct pl_check *c = dast_calloc(1, sizeof(*c));
  c->file = dast_strdup(l->file);
  c->follow = -1;
  c->confirm = false;
  static const char *const kinds[] = {"active", "passive", NULL};
  static const char *const profiles[] = {"passive", "standard", "full", NULL};
  static const char *const confs[] = {"tentative", "firm", "confirmed", NULL};
  static const char *const scopes[] = {"param", "endpoint", "template", "dir", "origin", NULL};
  static const char *const sevs[] = {"info", "low", "medium", "high", "critical", NULL};
  int kind = 0, strat = -1, prof = DAST_PROFILE_STANDARD, conf = DAST_CONF_FIRM, scope = 0, sev = -1;
  bool ok = get_str(l, root, "id", true, &c->id) && get_str(l, root, "name", true, &c->name) &&
            get_str(l, root, "class", true, &c->klass) &&
            get_str(l, root, "owasp", true, &c->owasp) &&
            get_str(l, root, "description", true, &c->description) &&
            get_str(l, root, "remediation", true, &c->remediation) &&
            get_str(l, root, "method", false, &c->method) &&
            parse_enum(l, root, "kind", kinds, &kind, true) &&
            parse_enum(l, root, "strategy", strategy_names, &strat, true) &&
            parse_enum(l, root, "profile", profiles, &prof, false) &&
            parse_enum(l, root, "confidence", confs, &conf, false) &&
            parse_enum(l, root, "scope", scopes, &scope, false) &&
            parse_enum(l, root, "severity", sevs, &sev, true);
  if(!ok) goto bad;
  c->passive = kind == 1;
  c->strategy = (enum pl_strategy)strat;
  c->profile = (enum dast_profile)prof;
  c->confidence = (enum dast_confidence)conf;
  c->scope = (enum pl_scope)scope;
  c->severity = (enum dast_severity)sev;
  /* a new class needs no C: any lower-case identifier; the shared
   * vocabulary (classes[]) is what reports and the ground truth use */
  bool known = false;
  for(int i = 0; classes[i]; i++)
    if(!strcmp(classes[i], c->klass)) known = true;
  bool ident = c->klass[0] >= 'a' && c->klass[0] <= 'z';
  for(const char *p = c->klass; *p && ident; p++)
    if(!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *p)) ident = false;
  if(!ident) {
    fail(l, "class", "\"%s\" is not a class name (lower-case letters, digits, -)", c->klass);
    goto bad;
  }
  if(!known) DAST_LOG(DAST_LOG_INFO, "checks", "%s: class \"%s\" is new (not in the shared vocabulary)", l->file, c->klass);
  for(const char *p = c->id; *p; p++)
    if(!strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.", *p)) {
      fail(l, "id", "only lower-case letters, digits and -_. allowed");
      goto bad;
    }
  json_t *cwe = json_object_get(root, "cwe");
  if(!json_is_integer(cwe) || json_integer_value(cwe) <= 0) { fail(l, "cwe", "must be a positive integer"); goto bad; }
  c->cwe = (int)json_integer_value(cwe);
  json_t *raw = json_object_get(root, "raw");
  if(raw && !json_is_boolean(raw)) { fail(l, "raw", "must be true/false"); goto bad; }
  c->raw = json_is_true(raw);
  json_t *fr = json_object_get(root, "follow_redirects");
  if(fr && (!json_is_integer(fr) || json_integer_value(fr) < 0 || json_integer_value(fr) > 20)) {
    fail(l, "follow_redirects", "must be an integer 0..20");
    goto bad;
  }
  if(fr) c->follow = (int)json_integer_value(fr);
  json_t *sl = json_object_get(root, "sleep");
  c->sleep_min = 2;
  c->sleep_max = 4;
  if(sl) {
    if(!json_is_array(sl) || json_array_size(sl) != 2 || !json_is_integer(json_array_get(sl, 0)) ||
       !json_is_integer(json_array_get(sl, 1)) || json_integer_value(json_array_get(sl, 0)) < 1 ||
       json_integer_value(json_array_get(sl, 1)) > 20 ||
       json_integer_value(json_array_get(sl, 0)) > json_integer_value(json_array_get(sl, 1))) {
      fail(l, "sleep", "must be [min, max] seconds, 1 <= min <= max <= 20");
      goto bad;
    }
    c->sleep_min = (unsigned)json_integer_value(json_array_get(sl, 0));
    c->sleep_max = (unsigned)json_integer_value(json_array_get(sl, 1));
  }
  json_t *m = json_object_get(root, "matchers");
  if(m && !(c->match = parse_matcher(l, m, "matchers", 0))) goto bad;
  ok = get_strs(l, json_object_get(root, "references"), "references", &c->refs, &c->nrefs) &&
       get_strs(l, json_object_get(root, "payloads"), "payloads", &c->payloads, &c->npayloads) &&
       get_strs(l, json_object_get(root, "headers"), "headers", &c->headers, &c->nheaders) &&
       parse_applies(l, c, json_object_get(root, "applies")) &&
       parse_confirm(l, c, json_object_get(root, "confirm")) &&
       parse_pairs(l, c, json_object_get(root, "pairs")) &&
       parse_contexts(l, c, json_object_get(root, "contexts")) &&
       parse_paths(l, c, json_object_get(root, "paths")) &&
       parse_names(l, c, json_object_get(root, "names")) && check_requirements(l, c);
  for(size_t i = 0; ok && i < c->nheaders; i++)
    if(!strchr(c->headers[i], ':')) ok = fail(l, "headers", "\"%s\" is not \"Name: value\"", c->headers[i]);
  if(!ok) goto bad;
  return c;
bad:
  check_free(c);
  return NULL;
}

void dast_checks_free(struct dast_checks *c)
{
  if(!c) return;
  for(size_t i = 0; i < c->n; i++) check_free(c->v[i]);
  free(c->v);
  free(c);
}

size_t dast_checks_count(const struct dast_checks *c)
{
  return c ? c->n : 0;
}

static dast_err add_parsed(struct ld *l, json_t *root, struct dast_checks **set)
{
  struct pl_check *c = parse_check(l, root);
  json_decref(root);
  if(!c) return DAST_EPARSE;
  if(!*set) *set = dast_calloc(1, sizeof(struct dast_checks));
  for(size_t i = 0; i < (*set)->n; i++)
    if(!strcmp((*set)->v[i]->id, c->id)) {
      fail(l, "id", "duplicate id \"%s\" (also in %s)", c->id, (*set)->v[i]->file);
      check_free(c);
      return DAST_EPARSE;
    }
  (*set)->v = dast_realloc((*set)->v, ((*set)->n + 1) * sizeof(struct pl_check *));
  (*set)->v[(*set)->n++] = c;
  return DAST_OK;
}

dast_err dast_checks_load_file(const char *path, struct dast_checks **set, char *errbuf,
                               size_t errlen)
{
  struct ld l = {path, errbuf, errlen, false};
  json_error_t je;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if(!root) {
    fail(&l, "(file)", "line %d: %s", je.line, je.text);
    return DAST_EPARSE;
  }
  return add_parsed(&l, root, set);
}

dast_err dast_checks_load_buf(const char *text, size_t len, const char *name,
                              struct dast_checks **set, char *errbuf, size_t errlen)
{
  struct ld l = {name ? name : "(buffer)", errbuf, errlen, false};
  json_error_t je;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
  if(!root) {
    fail(&l, "(file)", "line %d: %s", je.line, je.text);
    return DAST_EPARSE;
  }
  return add_parsed(&l, root, set);
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static dast_err load_dir(const char *dir, struct dast_checks **set, char *errbuf, size_t errlen)
{
  DIR *d = opendir(dir);
  if(!d) {
    if(errbuf) snprintf(errbuf, errlen, "%s: cannot read the checks folder", dir);
    return DAST_EIO;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  while((de = readdir(d)) && n < 10000) {
    size_t len = strlen(de->d_name);
    if(len < 6 || strcmp(de->d_name + len - 5, ".json") || de->d_name[0] == '.') continue;
    names = dast_realloc(names, (n + 1) * sizeof(char *));
    names[n++] = dast_aprintf("%s/%s", dir, de->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof(char *), cmp_str); /* deterministic order */
  dast_err e = DAST_OK;
  for(size_t i = 0; i < n && !e; i++) e = dast_checks_load_file(names[i], set, errbuf, errlen);
  free_strs(names, n);
  return e;
}

static bool listed(const struct dast_strlist *l, const struct pl_check *c)
{
  for(size_t i = 0; i < l->n; i++)
    if(!strcmp(l->v[i], c->id) || !strcmp(l->v[i], c->klass)) return true;
  return false;
}

dast_err dast_checks_load(const struct dast_config *cfg, struct dast_checks **out, char *errbuf,
                          size_t errlen)
{
  *out = NULL;
  const char *env = getenv("DASTGATE_CHECKS_DIR");
  const char *dir = env && *env ? env : DAST_SOURCE_DIR "/payloads/checks";
  struct dast_checks *set = dast_calloc(1, sizeof(*set));
  dast_err e = load_dir(dir, &set, errbuf, errlen);
  for(size_t i = 0; cfg && i < cfg->checks_dirs.n && !e; i++)
    e = load_dir(cfg->checks_dirs.v[i], &set, errbuf, errlen);
  if(e) {
    dast_checks_free(set);
    return e;
  }
  if(cfg) {
    size_t w = 0;
    for(size_t i = 0; i < set->n; i++) {
      struct pl_check *c = set->v[i];
      bool keep = (!cfg->checks.n || listed(&cfg->checks, c)) && !listed(&cfg->skip_checks, c);
      if(keep) set->v[w++] = c;
      else check_free(c);
    }
    set->n = w;
  }
  *out = set;
  return DAST_OK;
}

json_t *dast_checks_list_json(const struct dast_checks *c)
{
  json_t *arr = json_array();
  for(size_t i = 0; c && i < c->n; i++) {
    const struct pl_check *k = c->v[i];
    json_array_append_new(
        arr, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "id", k->id, "name",
                       k->name, "class", k->klass, "severity", dast_severity_name(k->severity),
                       "cwe", k->cwe, "owasp", k->owasp ? k->owasp : "", "kind",
                       k->passive ? "passive" : "active", "strategy",
                       pl_strategy_name(k->strategy), "profile",
                       k->passive ? "passive" : dast_profile_name(k->profile)));
  }
  return arr;
}

struct pl_matcher *pl_matcher_from_json(const char *text, char *errbuf, size_t errlen)
{
  struct ld l = {"(inline)", errbuf, errlen, false};
  json_error_t je;
  json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
  if(!root) {
    fail(&l, "(json)", "%s", je.text);
    return NULL;
  }
  struct pl_matcher *m = parse_matcher(&l, root, "matchers", 0);
  json_decref(root);
  return m;
}
