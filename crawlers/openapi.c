/* openapi.c — OpenAPI 3.x / Swagger 2.0 import (openapi.h).
 *
 * The document is parsed once with jansson and walked: paths -> path item
 * -> operations; parameters are merged (path-level, then operation-level
 * overriding by name+in); request bodies are flattened into JSON pointer
 * params while an example body document is built alongside.  Every $ref is
 * a JSON pointer into the same document, resolved through a small stack
 * that refuses cycles and nesting deeper than DAST_OPENAPI_MAX_DEPTH.
 * Endpoints are collected in a local list and handed to the caller only
 * when the whole document was valid, so an error leaves nothing behind.
 * Error messages carry the document name and the JSON path of the field
 * ("$.paths./pets.get.parameters[0]"). */
#include "crawlers/openapi.h"

#include "crawlers/forms.h"
#include "crawlers/template.h"
#include "crawlers/yaml.h"
#include "scanner/engine/url.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BODY_PARAMS 500
#define REF_STACK 64
/* Schema nodes one request body may expand to, and the whole document.
 * MAX_BODY_PARAMS counts leaves only: a tree of empty objects (YAML
 * aliases or a $ref fan-out, 10 properties x 10 levels = 10^10 nodes) has
 * none, so the walk itself needs a bound. */
#define MAX_BODY_NODES 5000
#define MAX_DOC_NODES 2000000
/* Parameters of one operation, and merged in the whole document: a YAML
 * alias lets one list of thousands serve thousands of operations, and the
 * merge by name+in is quadratic in the list. */
#define MAX_OP_PARAMS 500
#define MAX_DOC_PARAMS 1000000

struct oa {
  json_t *root;
  const char *name;
  bool v3;
  char *base;   /* base URL without trailing slash: "http://h:1/api" */
  char *errbuf;
  size_t errlen;
  dast_err err;
  const char *refs[REF_STACK]; /* refs being expanded (cycle guard) */
  int nrefs;
  size_t body_nodes; /* schema nodes left for the body being flattened */
  size_t doc_nodes;  /* ... and for the whole document */
  size_t doc_params; /* parameters left to merge in the whole document */
  struct dast_endpoint **eps;
  size_t neps;
};

static void fail(struct oa *o, const char *path, const char *fmt, ...) DAST_PRINTF(3, 4);
static void fail(struct oa *o, const char *path, const char *fmt, ...)
{
  if(o->err) return;
  o->err = DAST_EPARSE;
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(o->errbuf && o->errlen) snprintf(o->errbuf, o->errlen, "%s: %s: %s", o->name, path, msg);
}

/* Resolves a "#/a/b" pointer; NULL (and an error) when it isn't there. */
static json_t *pointer(struct oa *o, const char *ref, const char *path)
{
  if(strncmp(ref, "#/", 2)) {
    fail(o, path, "$ref '%s' is not a local reference (only '#/...' is supported)", ref);
    return NULL;
  }
  json_t *cur = o->root;
  char *copy = dast_strdup(ref + 2), *seg = copy;
  while(cur && seg) {
    char *slash = strchr(seg, '/');
    if(slash) *slash = '\0';
    char *w = seg;
    for(char *r = seg; *r; r++) {
      if(r[0] == '~' && r[1] == '1') *w++ = '/', r++;
      else if(r[0] == '~' && r[1] == '0') *w++ = '~', r++;
      else *w++ = *r;
    }
    *w = '\0';
    cur = json_is_array(cur) ? json_array_get(cur, strtoul(seg, NULL, 10)) : json_object_get(cur, seg);
    seg = slash ? slash + 1 : NULL;
  }
  free(copy);
  if(!cur) fail(o, path, "$ref '%s' not found in the document", ref);
  return cur;
}

/* Follows $ref chains of v; pushes each ref onto the cycle stack (caller
 * pops *pushed).  NULL on a cycle, too-deep nesting or a dangling ref. */
static json_t *deref(struct oa *o, json_t *v, const char *path, int *pushed)
{
  *pushed = 0;
  while(json_is_object(v) && json_is_string(json_object_get(v, "$ref"))) {
    const char *ref = json_string_value(json_object_get(v, "$ref"));
    for(int i = 0; i < o->nrefs; i++)
      if(!strcmp(o->refs[i], ref)) return NULL; /* a cycle: stop expanding here */
    if(o->nrefs >= REF_STACK || o->nrefs >= DAST_OPENAPI_MAX_DEPTH) return NULL;
    o->refs[o->nrefs++] = ref;
    (*pushed)++;
    v = pointer(o, ref, path);
  }
  return v;
}

static void undo(struct oa *o, int pushed)
{
  o->nrefs -= pushed;
}

static const char *str(json_t *obj, const char *key)
{
  json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A scalar example as text (owned) or NULL. */
static char *scalar_text(json_t *v)
{
  if(json_is_string(v)) return dast_strdup(json_string_value(v));
  if(json_is_integer(v)) return dast_aprintf("%lld", (long long)json_integer_value(v));
  if(json_is_real(v)) return dast_aprintf("%g", json_real_value(v));
  if(json_is_boolean(v)) return dast_strdup(json_is_true(v) ? "true" : "false");
  return NULL;
}

/* First schema of allOf/oneOf/anyOf, for example values. */
static json_t *first_variant(json_t *s)
{
  static const char *const keys[] = {"allOf", "oneOf", "anyOf"};
  for(int i = 0; i < 3; i++) {
    json_t *a = json_object_get(s, keys[i]);
    if(json_is_array(a) && json_array_size(a)) return json_array_get(a, 0);
  }
  return NULL;
}

static const char *schema_type(json_t *s)
{
  const char *t = str(s, "type");
  if(!t && json_is_array(json_object_get(s, "type"))) /* 3.1: ["string", "null"] */
    t = json_string_value(json_array_get(json_object_get(s, "type"), 0));
  if(!t && json_is_object(json_object_get(s, "properties"))) t = "object";
  return t ? t : "string";
}

/* Example for a scalar schema (owned). */
static char *example_for(struct oa *o, json_t *s, json_t *explicit_ex, const char *name,
                         const char *path)
{
  char *t = scalar_text(explicit_ex);
  if(t) return t;
  int pushed;
  s = deref(o, s, path, &pushed);
  json_t *v = first_variant(s);
  if(s && v && !json_object_get(s, "type")) {
    char *r = example_for(o, v, NULL, name, path);
    undo(o, pushed);
    return r;
  }
  if(s) {
    if((t = scalar_text(json_object_get(s, "example")))) goto out;
    json_t *exs = json_object_get(s, "examples"); /* 3.1 */
    if(json_is_array(exs) && (t = scalar_text(json_array_get(exs, 0)))) goto out;
    if((t = scalar_text(json_object_get(s, "default")))) goto out;
    json_t *en = json_object_get(s, "enum");
    if(json_is_array(en) && (t = scalar_text(json_array_get(en, 0)))) goto out;
    const char *type = schema_type(s), *fmt = str(s, "format");
    if(!strcmp(type, "array")) {
      t = example_for(o, json_object_get(s, "items"), NULL, name, path);
      goto out;
    }
    if(!strcmp(type, "integer")) t = dast_strdup("1");
    else if(!strcmp(type, "number")) t = dast_strdup("1.5");
    else if(!strcmp(type, "boolean")) t = dast_strdup("true");
    else if(fmt && !strcmp(fmt, "email")) t = dast_strdup("a@example.com");
    else if(fmt && !strcmp(fmt, "uuid")) t = dast_strdup("123e4567-e89b-12d3-a456-426614174000");
    else if(fmt && !strcmp(fmt, "date")) t = dast_strdup("2024-01-01");
    else if(fmt && !strcmp(fmt, "date-time")) t = dast_strdup("2024-01-01T00:00:00Z");
    else if(fmt && (!strcmp(fmt, "uri") || !strcmp(fmt, "url"))) t = dast_strdup("http://example.com/");
    else if(fmt && !strcmp(fmt, "ipv4")) t = dast_strdup("127.0.0.1");
    else if(fmt && !strcmp(fmt, "hostname")) t = dast_strdup("example.com");
    else if(fmt && !strcmp(fmt, "password")) t = dast_strdup("Dastgate1!");
    else if(fmt && !strcmp(fmt, "byte")) t = dast_strdup("ZGFzdGdhdGU=");
  }
  if(!t) t = dast_form_value(name, NULL, NULL);
out:
  undo(o, pushed);
  return t;
}

/* JSON value for a leaf example of the given schema type. */
static json_t *typed(const char *type, const char *text)
{
  if(!strcmp(type, "integer")) return json_integer(strtoll(text, NULL, 10));
  if(!strcmp(type, "number")) return json_real(strtod(text, NULL));
  if(!strcmp(type, "boolean")) return json_boolean(!strcmp(text, "true"));
  json_t *s = json_string(text);
  return s ? s : json_string("");
}

/* Flattens schema s at JSON pointer `ptr` into params of `kind`; returns
 * the example JSON value (owned). */
static json_t *flatten(struct oa *o, struct dast_endpoint *ep, json_t *s, const char *ptr,
                       enum dast_ip_kind kind, int depth, const char *path)
{
  int pushed;
  s = deref(o, s, path, &pushed);
  if(!s || depth > DAST_OPENAPI_MAX_DEPTH || ep->nparams >= MAX_BODY_PARAMS || o->err ||
     !o->body_nodes) {
    undo(o, pushed);
    return json_null();
  }
  if(!o->doc_nodes) {
    fail(o, path, "request body schemas expand to more than %d nodes (a $ref or alias bomb?)",
         MAX_DOC_NODES);
    undo(o, pushed);
    return json_null();
  }
  o->body_nodes--;
  o->doc_nodes--;
  json_t *v = first_variant(s);
  if(v && !json_object_get(s, "type") && !json_object_get(s, "properties")) {
    json_t *r = flatten(o, ep, v, ptr, kind, depth + 1, path);
    undo(o, pushed);
    return r;
  }
  const char *type = schema_type(s);
  json_t *out;
  json_t *ex = json_object_get(s, "example");
  if(!strcmp(type, "object")) {
    out = json_object();
    const char *k;
    json_t *prop;
    json_t *props = json_object_get(s, "properties");
    json_object_foreach(props, k, prop) {
      char *sub = kind == DAST_IP_JSON ? dast_aprintf("%s/%s", ptr, k) : dast_strdup(k);
      json_object_set_new(out, k, flatten(o, ep, prop, sub, kind, depth + 1, path));
      free(sub);
    }
  } else if(!strcmp(type, "array") && kind == DAST_IP_JSON) {
    out = json_array();
    char *sub = dast_aprintf("%s/0", ptr);
    json_array_append_new(out, flatten(o, ep, json_object_get(s, "items"), sub, kind, depth + 1, path));
    free(sub);
  } else {
    const char *leaf = strrchr(ptr, '/');
    char *text = example_for(o, s, ex, leaf ? leaf + 1 : ptr, path);
    const char *fmt = str(s, "format");
    const char *ptype = strcmp(type, "array") ? type : "string";
    if(kind == DAST_IP_MULTIPART && fmt && !strcmp(fmt, "binary")) ptype = "file";
    if(*ptr) dast_endpoint_add_param(ep, kind, ptr, text, ptype);
    out = typed(type, text);
    free(text);
  }
  undo(o, pushed);
  return out;
}

/* ---- base URL ---- */

static char *server_base(struct oa *o, const char *doc_url, const char *target)
{
  char *url = NULL;
  if(o->v3) {
    json_t *srv = json_array_get(json_object_get(o->root, "servers"), 0);
    const char *u = str(srv, "url");
    if(u) {
      /* substitute {variables} with their defaults */
      struct dast_buf b;
      dast_buf_init(&b, 8192);
      json_t *vars = json_object_get(srv, "variables");
      for(const char *p = u; *p;) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        if(close) {
          char *name = dast_strndup(p + 1, (size_t)(close - p - 1));
          const char *def = str(json_object_get(vars, name), "default");
          (void)dast_buf_adds(&b, def ? def : "");
          free(name);
          p = close + 1;
        } else {
          (void)dast_buf_add(&b, p++, 1);
        }
      }
      url = dast_buf_take(&b, NULL);
    }
  } else {
    const char *host = str(o->root, "host"), *bp = str(o->root, "basePath");
    const char *scheme = json_string_value(json_array_get(json_object_get(o->root, "schemes"), 0));
    if(host) url = dast_aprintf("%s://%s%s", scheme ? scheme : "http", host, bp ? bp : "");
    else url = dast_strdup(bp ? bp : "/");
  }
  const char *against = target ? target : doc_url;
  char *abs = NULL;
  if(url && against) abs = dast_url_resolve(against, url);
  else if(url) abs = dast_url_resolve(NULL, url);
  free(url);
  if(abs && target) { /* the scan target's origin replaces the server's */
    struct dast_url_parts parts;
    char *torigin = dast_url_origin(target);
    if(torigin && dast_url_split(abs, &parts) == DAST_OK) {
      free(abs);
      abs = dast_aprintf("%s%s", torigin, parts.path ? parts.path : "/");
      dast_url_parts_free(&parts);
    }
    free(torigin);
  }
  if(!abs && target) abs = dast_url_origin(target);
  if(!abs) return NULL;
  size_t n = strlen(abs);
  while(n && abs[n - 1] == '/') abs[--n] = '\0';
  char *q = strchr(abs, '?');
  if(q) *q = '\0';
  return abs;
}

/* ---- operations ---- */

/* OpenAPI 3: requestBody.content, JSON preferred, then urlencoded, multipart. */
static void add_body_v3(struct oa *o, struct dast_endpoint *ep, json_t *op, const char *path)
{
  json_t *schema = NULL;
  enum dast_ip_kind kind = DAST_IP_JSON;
  const char *ctype = "application/json";
  int pushed;
  json_t *rb = deref(o, json_object_get(op, "requestBody"), path, &pushed);
  json_t *content = json_object_get(rb, "content");
  json_t *mt;
  if((mt = json_object_get(content, "application/json"))) {
    schema = json_object_get(mt, "schema");
  } else if((mt = json_object_get(content, "application/x-www-form-urlencoded"))) {
    schema = json_object_get(mt, "schema");
    kind = DAST_IP_FORM;
    ctype = "application/x-www-form-urlencoded";
  } else if((mt = json_object_get(content, "multipart/form-data"))) {
    schema = json_object_get(mt, "schema");
    kind = DAST_IP_MULTIPART;
    ctype = "multipart/form-data";
  } else if((mt = json_object_get(content, "application/xml")) ||
            (mt = json_object_get(content, "text/xml"))) {
    dast_endpoint_add_param(ep, DAST_IP_XML, "body",
                            "<?xml version=\"1.0\"?><root><name>dastgate</name></root>", "xml");
    dast_set_str(&ep->content_type, "application/xml");
  } else if(json_is_object(content)) { /* any other +json */
    const char *k;
    json_t *x;
    json_object_foreach(content, k, x) if(strstr(k, "json") && !schema) schema = json_object_get(x, "schema");
  }
  if(schema) {
    o->body_nodes = MAX_BODY_NODES;
    json_t *doc = flatten(o, ep, schema, "", kind, 0, path);
    if(kind == DAST_IP_JSON) {
      char *s = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
      dast_set_str(&ep->body, s);
      free(s);
    }
    json_decref(doc);
    dast_set_str(&ep->content_type, ctype);
  }
  undo(o, pushed);
}

/* Swagger 2.0: an "in: body" parameter or formData parameters. */
static void add_body_v2(struct oa *o, struct dast_endpoint *ep, json_t *op, json_t *params,
                        const char *path)
{
  size_t i;
  json_t *p;
  bool multi = false;
  json_t *consumes = json_object_get(op, "consumes");
  if(!consumes) consumes = json_object_get(o->root, "consumes");
  json_array_foreach(consumes, i, p) if(json_is_string(p) && strstr(json_string_value(p), "multipart")) multi = true;
  json_array_foreach(params, i, p) {
    const char *in = str(p, "in");
    if(in && !strcmp(in, "body")) {
      o->body_nodes = MAX_BODY_NODES;
      json_t *doc = flatten(o, ep, json_object_get(p, "schema"), "", DAST_IP_JSON, 0, path);
      char *s = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
      dast_set_str(&ep->body, s);
      free(s);
      json_decref(doc);
      dast_set_str(&ep->content_type, "application/json");
    } else if(in && !strcmp(in, "formData")) {
      if(!strcmp(str(p, "type") ? str(p, "type") : "", "file")) multi = true;
    }
  }
  json_array_foreach(params, i, p) {
    const char *in = str(p, "in");
    if(!in || strcmp(in, "formData")) continue;
    char *v = example_for(o, p, json_object_get(p, "x-example"), str(p, "name"), path);
    const char *t = str(p, "type");
    dast_endpoint_add_param(ep, multi ? DAST_IP_MULTIPART : DAST_IP_FORM, str(p, "name"), v,
                            t && !strcmp(t, "file") ? "file" : t);
    free(v);
    dast_set_str(&ep->content_type, multi ? "multipart/form-data" : "application/x-www-form-urlencoded");
  }
}

static bool valid_in(struct oa *o, const char *in)
{
  static const char *const v3[] = {"path", "query", "header", "cookie", NULL};
  static const char *const v2[] = {"path", "query", "header", "formData", "body", NULL};
  for(const char *const *p = o->v3 ? v3 : v2; *p; p++)
    if(!strcmp(*p, in)) return true;
  return false;
}

/* Appends the (dereferenced, validated) parameters of `list` to `out`,
 * replacing same name+in entries. */
static void merge_params(struct oa *o, json_t *out, json_t *list, const char *path)
{
  if(!list) return;
  if(!json_is_array(list)) {
    fail(o, path, "'parameters' is not an array");
    return;
  }
  size_t i;
  json_t *p;
  json_array_foreach(list, i, p) {
    char where[640];
    snprintf(where, sizeof(where), "%s.parameters[%zu]", path, i);
    if(json_array_size(out) >= MAX_OP_PARAMS || !o->doc_params) {
      fail(o, where, json_array_size(out) >= MAX_OP_PARAMS
                         ? "more than %d parameters in one operation"
                         : "more than %d parameters in the document",
           json_array_size(out) >= MAX_OP_PARAMS ? MAX_OP_PARAMS : MAX_DOC_PARAMS);
      return;
    }
    o->doc_params--;
    int pushed;
    json_t *d = deref(o, p, where, &pushed);
    undo(o, pushed);
    if(o->err) return;
    if(!json_is_object(d)) continue; /* a cyclic ref: nothing to use */
    const char *name = str(d, "name"), *in = str(d, "in");
    if(!name) {
      fail(o, where, "missing 'name'");
      return;
    }
    if(!in) {
      fail(o, where, "missing 'in'");
      return;
    }
    if(!valid_in(o, in)) {
      fail(o, where, "invalid 'in': '%s'", in);
      return;
    }
    size_t j;
    json_t *q;
    bool replaced = false;
    json_array_foreach(out, j, q) {
      if(!strcmp(str(q, "name"), name) && !strcmp(str(q, "in"), in)) {
        json_array_set(out, j, d);
        replaced = true;
        break;
      }
    }
    if(!replaced) json_array_append(out, d);
  }
}

static json_t *param_schema(struct oa *o, json_t *p)
{
  return o->v3 ? json_object_get(p, "schema") : p; /* 2.0 keeps type/format on the param */
}

static json_t *param_example(json_t *p)
{
  json_t *ex = json_object_get(p, "example");
  if(!ex) ex = json_object_get(p, "x-example");
  if(!ex) { /* 3.x "examples": {"name": {"value": ...}} */
    json_t *exs = json_object_get(p, "examples");
    const char *k;
    json_t *x;
    json_object_foreach(exs, k, x) {
      ex = json_object_get(x, "value");
      break;
    }
  }
  return ex;
}

/* One segment of an API path: "{id}" (or "v{id}.json") takes the path
 * parameter's example; the template gets its class ("{n}") or its name. */
static void path_segment(struct oa *o, struct dast_endpoint *ep, const char *segment, size_t seg,
                         json_t *params, const char *opath, struct dast_buf *url,
                         struct dast_buf *tmpl)
{
  const char *open = strchr(segment, '{'), *close = open ? strchr(open, '}') : NULL;
  if(!open || !close) {
    (void)dast_buf_adds(url, segment);
    (void)dast_buf_adds(tmpl, segment);
    return;
  }
  char *pname = dast_strndup(open + 1, (size_t)(close - open - 1));
  json_t *p = NULL, *q;
  size_t j;
  json_array_foreach(params, j, q) if(!strcmp(str(q, "in"), "path") && !strcmp(str(q, "name"), pname)) p = q;
  char *v = example_for(o, p ? param_schema(o, p) : NULL, p ? param_example(p) : NULL, pname, opath);
  char *enc = dast_url_encode(v, strlen(v));
  char *concrete = dast_aprintf("%.*s%s%s", (int)(open - segment), segment, enc, close + 1);
  (void)dast_buf_adds(url, concrete);
  const char *cls = dast_tmpl_classify(v, strlen(v));
  (void)dast_buf_printf(tmpl, "%.*s%s%s%s%s", (int)(open - segment), segment, cls ? cls : "{",
                        cls ? "" : pname, cls ? "" : "}", close + 1);
  char idx[24];
  snprintf(idx, sizeof(idx), "%zu", seg);
  json_t *sch = p ? param_schema(o, p) : NULL;
  dast_endpoint_add_param(ep, DAST_IP_PATH, idx, concrete, sch ? schema_type(sch) : "string");
  free(concrete);
  free(enc);
  free(v);
  free(pname);
}

/* The concrete URL (base + API path with examples) and the template. */
static void build_path(struct oa *o, struct dast_endpoint *ep, const char *apipath, json_t *params,
                       const char *opath, struct dast_buf *url, struct dast_buf *tmpl)
{
  (void)dast_buf_adds(url, o->base);
  const char *bpath = strstr(o->base, "://");
  bpath = bpath ? bpath + 3 + strcspn(bpath + 3, "/") : "";
  (void)dast_buf_adds(tmpl, bpath);
  size_t seg = 0;
  for(const char *c = bpath; *c; c++) seg += *c == '/';
  const char *s = apipath;
  while(*s) {
    if(*s == '/') {
      s++;
      continue;
    }
    size_t n = strcspn(s, "/");
    char *segment = dast_strndup(s, n);
    (void)dast_buf_adds(url, "/");
    (void)dast_buf_adds(tmpl, "/");
    path_segment(o, ep, segment, seg, params, opath, url, tmpl);
    free(segment);
    s += n;
    seg++;
  }
  if(!url->len || url->data[url->len - 1] == ':') (void)dast_buf_adds(url, "/");
  if(!tmpl->len) (void)dast_buf_adds(tmpl, "/");
}

static void add_operation(struct oa *o, const char *apipath, const char *method, json_t *op,
                          json_t *path_params, const char *opath)
{
  json_t *params = json_array();
  merge_params(o, params, path_params, opath);
  merge_params(o, params, json_object_get(op, "parameters"), opath);
  if(o->err) {
    json_decref(params);
    return;
  }
  struct dast_buf url, tmpl;
  dast_buf_init(&url, 16384);
  dast_buf_init(&tmpl, 16384);
  struct dast_endpoint *ep = dast_endpoint_new(method, "", DAST_SRC_OPENAPI);
  build_path(o, ep, apipath, params, opath, &url, &tmpl);
  dast_set_str(&ep->url, url.data);
  size_t j;
  json_t *p;
  json_array_foreach(params, j, p) {
    const char *in = str(p, "in"), *name = str(p, "name");
    enum dast_ip_kind kind;
    if(!strcmp(in, "query")) kind = DAST_IP_QUERY;
    else if(!strcmp(in, "cookie")) kind = DAST_IP_COOKIE;
    else if(!strcmp(in, "header")) {
      if(!strcasecmp(name, "Content-Type") || !strcasecmp(name, "Accept") ||
         !strcasecmp(name, "Authorization"))
        continue;
      kind = DAST_IP_HEADER;
    } else continue;
    json_t *sch = param_schema(o, p);
    char *v = example_for(o, sch, param_example(p), name, opath);
    int pushed;
    json_t *d = deref(o, sch, opath, &pushed);
    dast_endpoint_add_param(ep, kind, name, v, d ? schema_type(d) : "string");
    undo(o, pushed);
    free(v);
  }
  if(strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS"))
  {
    if(o->v3) add_body_v3(o, ep, op, opath);
    else add_body_v2(o, ep, op, params, opath);
  }
  json_decref(params);
  dast_tmpl_set(ep); /* for the query part */
  const char *q = strchr(ep->tmpl, '?');
  char *t = dast_aprintf("%s%s", tmpl.data, q ? q : "");
  free(ep->tmpl);
  ep->tmpl = t;
  dast_buf_free(&url);
  dast_buf_free(&tmpl);
  if(o->err) {
    dast_endpoint_free(ep);
    return;
  }
  o->eps = dast_realloc(o->eps, (o->neps + 1) * sizeof(*o->eps));
  o->eps[o->neps++] = ep;
}

static void walk_paths(struct oa *o)
{
  json_t *paths = json_object_get(o->root, "paths");
  if(!json_is_object(paths)) {
      fail(o, "$.paths", "missing or not an object");
      return;
    }
  static const char *const methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  const char *apipath;
  json_t *item;
  json_object_foreach(paths, apipath, item) {
    char ipath[512];
    snprintf(ipath, sizeof(ipath), "$.paths.%s", apipath);
    if(apipath[0] != '/') {
      fail(o, ipath, "path does not start with '/'");
      return;
    }
    int pushed;
    json_t *d = deref(o, item, ipath, &pushed);
    if(o->err) return;
    if(!d) { /* a $ref cycle: nothing to expand */
      undo(o, pushed);
      continue;
    }
    if(!json_is_object(d)) {
      undo(o, pushed);
      {
      fail(o, ipath, "path item is not an object");
      return;
    }
    }
    for(int m = 0; m < 8 && !o->err; m++) {
      json_t *op = json_object_get(d, methods[m]);
      if(!op) continue;
      char opath[600];
      snprintf(opath, sizeof(opath), "%s.%s", ipath, methods[m]);
      if(!json_is_object(op)) {
        fail(o, opath, "operation is not an object");
        break;
      }
      if(o->neps >= DAST_OPENAPI_MAX_OPS) {
        fail(o, opath, "more than %d operations", DAST_OPENAPI_MAX_OPS);
        break;
      }
      char method[16];
      size_t k = 0;
      for(; methods[m][k]; k++) method[k] = (char)(methods[m][k] - 'a' + 'A');
      method[k] = '\0';
      add_operation(o, apipath, method, op, json_object_get(d, "parameters"), opath);
    }
    undo(o, pushed);
    if(o->err) return;
  }
}

dast_err dast_openapi_load_buf(const char *buf, size_t len, const char *name, const char *doc_url,
                               const char *target, dast_endpoint_take_cb cb, void *ud,
                               char *errbuf, size_t errlen)
{
  struct oa o = {.name = name ? name : "openapi", .errbuf = errbuf, .errlen = errlen,
                 .doc_nodes = MAX_DOC_NODES, .doc_params = MAX_DOC_PARAMS};
  if(!buf || !cb) return DAST_EINVAL;
  json_error_t jerr;
  o.root = json_loadb(buf, len, 0, &jerr);
  if(!o.root) {
    size_t i = 0;
    while(i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')) i++;
    if(i < len && (buf[i] == '{' || buf[i] == '[')) {
      if(errbuf && errlen)
        snprintf(errbuf, errlen, "%s: line %d, column %d: %s", o.name, jerr.line, jerr.column,
                 jerr.text);
      return DAST_EPARSE;
    }
    char yerr[256];
    if(dast_yaml_load(buf, len, &o.root, yerr, sizeof(yerr))) {
      if(errbuf && errlen)
        snprintf(errbuf, errlen, "%s: %s%s%s", o.name,
                 dast_yaml_available() ? "invalid YAML: " : "not JSON (", yerr,
                 dast_yaml_available() ? "" : ")");
      return DAST_EPARSE;
    }
  }
  const char *v3 = str(o.root, "openapi"), *v2 = str(o.root, "swagger");
  if(v3 && v3[0] == '3') o.v3 = true;
  else if(!(v2 && !strcmp(v2, "2.0"))) {
    fail(&o, "$", "neither 'openapi: 3.x' nor 'swagger: \"2.0\"' (version '%s')", v3 ? v3 : v2 ? v2 : "missing");
    json_decref(o.root);
    return o.err;
  }
  o.base = server_base(&o, doc_url, target);
  if(!o.base) fail(&o, o.v3 ? "$.servers" : "$.host", "no absolute server URL and no target to use instead");
  if(!o.err) walk_paths(&o);
  for(size_t i = 0; i < o.neps; i++) {
    if(o.err) dast_endpoint_free(o.eps[i]);
    else cb(ud, o.eps[i]);
  }
  free(o.eps);
  free(o.base);
  json_decref(o.root);
  return o.err;
}

dast_err dast__read_file(const char *path, size_t cap, char **out, size_t *len, char *errbuf,
                         size_t errlen)
{
  *out = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if(!f) {
    if(errbuf && errlen) snprintf(errbuf, errlen, "%s: cannot open", path);
    return DAST_EIO;
  }
  struct dast_buf b;
  dast_buf_init(&b, cap);
  char tmp[65536];
  size_t n;
  dast_err e = DAST_OK;
  while(!e && (n = fread(tmp, 1, sizeof(tmp), f)) > 0) e = dast_buf_add(&b, tmp, n);
  if(!e && ferror(f)) e = DAST_EIO;
  fclose(f);
  if(e) {
    if(errbuf && errlen)
      snprintf(errbuf, errlen, "%s: %s", path, e == DAST_ELIMIT ? "file too large" : "read error");
    dast_buf_free(&b);
    return e;
  }
  *out = dast_buf_take(&b, len);
  return DAST_OK;
}

dast_err dast_openapi_load_file(const char *path, const char *target, dast_endpoint_take_cb cb,
                                void *ud, char *errbuf, size_t errlen)
{
  char *buf;
  size_t len;
  dast_err e = dast__read_file(path, 64u << 20, &buf, &len, errbuf, errlen);
  if(e) return e;
  e = dast_openapi_load_buf(buf, len, path, NULL, target, cb, ud, errbuf, errlen);
  free(buf);
  return e;
}
