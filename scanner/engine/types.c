/* types.c — constructors, destructors and the request builder for the core
 * types of types.h.  dast_endpoint_build() is the single place a request is
 * assembled from an endpoint, so the crawler's form submissions and the
 * attack engine's probes put values into requests the same way. */
#include "scanner/engine/types.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *ip_names[DAST_IP__COUNT] = {"query", "form", "multipart", "json",
                                               "xml",   "path", "cookie",    "header"};

const char *dast_ip_kind_name(enum dast_ip_kind k)
{
  return (unsigned)k < DAST_IP__COUNT ? ip_names[k] : "unknown";
}

int dast_ip_kind_parse(const char *name)
{
  for(int i = 0; i < DAST_IP__COUNT; i++)
    if(!strcmp(name, ip_names[i])) return i;
  return -1;
}

static const char *src_names[DAST_SRC__COUNT] = {
    "seed", "link", "form", "js", "robots", "sitemap", "openapi", "har", "header", "json",
    "redirect", "guess"};

const char *dast_source_name(enum dast_source s)
{
  return (unsigned)s < DAST_SRC__COUNT ? src_names[s] : "unknown";
}

void dast_set_str(char **field, const char *value)
{
  char *n = value ? dast_strdup(value) : NULL;
  free(*field);
  *field = n;
}

struct dast_endpoint *dast_endpoint_new(const char *method, const char *url, enum dast_source src)
{
  struct dast_endpoint *ep = dast_calloc(1, sizeof(*ep));
  ep->method = dast_strdup(method ? method : "GET");
  ep->url = dast_strdup(url);
  ep->source = src;
  return ep;
}

void dast_endpoint_add_param(struct dast_endpoint *ep, enum dast_ip_kind kind, const char *name,
                             const char *value, const char *type)
{
  if(ep->nparams == ep->params_alloc) {
    ep->params_alloc = ep->params_alloc ? ep->params_alloc * 2 : 4;
    ep->params = dast_realloc(ep->params, ep->params_alloc * sizeof(*ep->params));
  }
  struct dast_param *p = &ep->params[ep->nparams++];
  p->kind = kind;
  p->name = dast_strdup(name ? name : "");
  p->value = dast_strdup(value ? value : "");
  p->type = type ? dast_strdup(type) : NULL;
}

void dast_endpoint_free(struct dast_endpoint *ep)
{
  if(!ep) return;
  for(size_t i = 0; i < ep->nparams; i++) {
    free(ep->params[i].name);
    free(ep->params[i].value);
    free(ep->params[i].type);
  }
  free(ep->params);
  free(ep->method);
  free(ep->url);
  free(ep->tmpl);
  free(ep->content_type);
  free(ep->body);
  free(ep->found_on);
  free(ep);
}

struct dast_endpoint *dast_endpoint_dup(const struct dast_endpoint *ep)
{
  struct dast_endpoint *d = dast_endpoint_new(ep->method, ep->url, ep->source);
  dast_set_str(&d->tmpl, ep->tmpl);
  dast_set_str(&d->content_type, ep->content_type);
  dast_set_str(&d->body, ep->body);
  dast_set_str(&d->found_on, ep->found_on);
  d->status = ep->status;
  for(size_t i = 0; i < ep->nparams; i++)
    dast_endpoint_add_param(d, ep->params[i].kind, ep->params[i].name, ep->params[i].value,
                            ep->params[i].type);
  return d;
}

char *dast_url_encode(const char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  char *o = dast_malloc(n * 3 + 1), *p = o;
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
       c == '_' || c == '.' || c == '~') {
      *p++ = (char)c;
    } else {
      *p++ = '%';
      *p++ = hex[c >> 4];
      *p++ = hex[c & 15];
    }
  }
  *p = '\0';
  return o;
}

static int hexval(int c)
{
  if(c >= '0' && c <= '9') return c - '0';
  if(c >= 'a' && c <= 'f') return c - 'a' + 10;
  if(c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char *dast_url_decode(const char *s, size_t n, bool plus)
{
  char *o = dast_malloc(n + 1), *p = o;
  for(size_t i = 0; i < n; i++) {
    if(s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
       hexval((unsigned char)s[i + 2]) >= 0) {
      *p++ = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
      i += 2;
    } else if(plus && s[i] == '+') {
      *p++ = ' ';
    } else {
      *p++ = s[i];
    }
  }
  *p = '\0';
  return o;
}

static void add_header(struct dast_built *b, const char *line)
{
  b->headers = dast_realloc(b->headers, (b->nheaders + 1) * sizeof(char *));
  b->headers[b->nheaders++] = dast_strdup(line);
}

/* Appends name=value to an urlencoded string. */
static void add_pair(struct dast_buf *q, const char *name, const char *value, bool raw_value)
{
  char *n = dast_url_encode(name, strlen(name));
  char *v = raw_value ? dast_strdup(value) : dast_url_encode(value, strlen(value));
  if(q->len) (void)dast_buf_adds(q, "&");
  (void)dast_buf_adds(q, n);
  (void)dast_buf_adds(q, "=");
  (void)dast_buf_adds(q, v);
  free(n);
  free(v);
}

/* Sets a value at a JSON pointer inside doc, keeping the leaf's type when
 * the new value parses as that type (numbers stay numbers for the sample,
 * payloads become strings). */
static dast_err json_set_pointer(json_t *doc, const char *ptr, const char *value, bool is_sample,
                                 const char *type)
{
  if(!ptr || ptr[0] != '/') return DAST_EPARSE;
  json_t *cur = doc;
  char *copy = dast_strdup(ptr + 1);
  char *seg = copy;
  dast_err e = DAST_OK;
  for(;;) {
    char *slash = strchr(seg, '/');
    if(slash) *slash = '\0';
    /* unescape ~1 and ~0 */
    char *r = seg, *w = seg;
    while(*r) {
      if(r[0] == '~' && r[1] == '1') { *w++ = '/'; r += 2; }
      else if(r[0] == '~' && r[1] == '0') { *w++ = '~'; r += 2; }
      else *w++ = *r++;
    }
    *w = '\0';
    json_t *leaf;
    if(!slash) {
      if(is_sample && type && !strcmp(type, "integer"))
        leaf = json_integer(strtoll(value, NULL, 10));
      else if(is_sample && type && !strcmp(type, "number"))
        leaf = json_real(strtod(value, NULL));
      else if(is_sample && type && !strcmp(type, "boolean"))
        leaf = json_boolean(!strcmp(value, "true"));
      else
        leaf = json_string(value); /* NULL for invalid UTF-8 */
      if(!leaf) leaf = json_string("");
      if(json_is_array(cur)) {
        size_t idx = (size_t)strtoul(seg, NULL, 10);
        if(idx < json_array_size(cur)) json_array_set_new(cur, idx, leaf);
        else json_array_append_new(cur, leaf);
      } else if(json_is_object(cur)) {
        json_object_set_new(cur, seg, leaf);
      } else {
        json_decref(leaf);
        e = DAST_EPARSE;
      }
      break;
    }
    json_t *next = json_is_array(cur) ? json_array_get(cur, (size_t)strtoul(seg, NULL, 10))
                                      : json_object_get(cur, seg);
    if(!next) {
      /* a pointer through a scalar cannot be built */
      if(!json_is_object(cur) && !json_is_array(cur)) {
        e = DAST_EPARSE;
        break;
      }
      next = json_object();
      /* the *_new calls take the reference even when they fail (a key that
       * is not UTF-8): next is gone then, so stop */
      int rc = json_is_object(cur) ? json_object_set_new(cur, seg, next) : json_array_append_new(cur, next);
      if(rc) {
        e = DAST_EPARSE;
        break;
      }
    }
    cur = next;
    seg = slash + 1;
  }
  free(copy);
  return e;
}

static dast_err build_json_body(const struct dast_endpoint *ep, long override, const char *value,
                                struct dast_buf *body)
{
  json_t *doc = NULL;
  if(ep->body && *ep->body) doc = json_loads(ep->body, 0, NULL);
  if(!doc) doc = json_object();
  dast_err e = DAST_OK;
  for(size_t i = 0; i < ep->nparams && !e; i++) {
    const struct dast_param *p = &ep->params[i];
    if(p->kind != DAST_IP_JSON) continue;
    bool over = (long)i == override;
    e = json_set_pointer(doc, p->name, over ? value : p->value, !over, p->type);
  }
  if(!e) {
    char *s = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
    if(!s) e = DAST_EPARSE;
    else {
      (void)dast_buf_adds(body, s);
      free(s);
    }
  }
  json_decref(doc);
  return e;
}

static void build_multipart(const struct dast_endpoint *ep, long override, const char *value,
                            struct dast_buf *body, const char *boundary)
{
  for(size_t i = 0; i < ep->nparams; i++) {
    const struct dast_param *p = &ep->params[i];
    if(p->kind != DAST_IP_MULTIPART) continue;
    const char *v = (long)i == override ? value : p->value;
    if(p->type && !strcmp(p->type, "file"))
      (void)dast_buf_printf(body,
                            "--%s\r\nContent-Disposition: form-data; name=\"%s\"; "
                            "filename=\"%s\"\r\nContent-Type: text/plain\r\n\r\n%s\r\n",
                            boundary, p->name, *v ? v : "a.txt", "dastgate");
    else
      (void)dast_buf_printf(body, "--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n",
                            boundary, p->name, v);
  }
  (void)dast_buf_printf(body, "--%s--\r\n", boundary);
}

dast_err dast_endpoint_build(const struct dast_endpoint *ep, long override, const char *value,
                             bool raw, struct dast_built *out)
{
  memset(out, 0, sizeof(*out));
  struct dast_buf url, query, body, cookies;
  dast_buf_init(&url, 0);
  dast_buf_init(&query, 0);
  dast_buf_init(&body, 0);
  dast_buf_init(&cookies, 0);
  dast_err e = DAST_OK;

  /* path segments: rebuild the path when a PATH param is overridden */
  const char *u = ep->url;
  const char *scheme_end = strstr(u, "://");
  const char *path = scheme_end ? strchr(scheme_end + 3, '/') : NULL;
  if(override >= 0 && (size_t)override < ep->nparams && ep->params[override].kind == DAST_IP_PATH &&
     path) {
    long want = strtol(ep->params[override].name, NULL, 10);
    (void)dast_buf_add(&url, u, (size_t)(path - u));
    long idx = 0;
    const char *s = path + 1;
    for(;;) {
      const char *end = strchr(s, '/');
      size_t n = end ? (size_t)(end - s) : strlen(s);
      (void)dast_buf_adds(&url, "/");
      if(idx == want) {
        char *enc = raw ? dast_strdup(value) : dast_url_encode(value, strlen(value));
        (void)dast_buf_adds(&url, enc);
        free(enc);
      } else {
        (void)dast_buf_add(&url, s, n);
      }
      idx++;
      if(!end) break;
      s = end + 1;
    }
  } else {
    (void)dast_buf_adds(&url, u);
  }

  bool has_form = false, has_multi = false, has_json = false;
  const char *xml_body = NULL;
  for(size_t i = 0; i < ep->nparams; i++) {
    const struct dast_param *p = &ep->params[i];
    bool over = (long)i == override;
    const char *v = over ? value : p->value;
    bool rawv = over && raw;
    switch(p->kind) {
    case DAST_IP_QUERY: add_pair(&query, p->name, v, rawv); break;
    case DAST_IP_FORM:
      has_form = true;
      add_pair(&body, p->name, v, rawv);
      break;
    case DAST_IP_MULTIPART: has_multi = true; break;
    case DAST_IP_JSON: has_json = true; break;
    case DAST_IP_XML: xml_body = v; break;
    case DAST_IP_COOKIE:
      (void)dast_buf_printf(&cookies, "%s%s=%s", cookies.len ? "; " : "", p->name, v);
      break;
    case DAST_IP_HEADER: {
      char *line = dast_aprintf("%s: %s", p->name, v);
      add_header(out, line);
      free(line);
      break;
    }
    case DAST_IP_PATH:
    case DAST_IP__COUNT: break;
    }
  }
  if(query.len) {
    (void)dast_buf_adds(&url, strchr(url.data, '?') ? "&" : "?");
    (void)dast_buf_add(&url, query.data, query.len);
  }
  if(cookies.len) {
    char *line = dast_aprintf("Cookie: %s", cookies.data);
    add_header(out, line);
    free(line);
  }
  if(has_json) {
    e = build_json_body(ep, override, value, &body);
    add_header(out, "Content-Type: application/json");
  } else if(has_multi) {
    const char *boundary = "----dastgateFormBoundary7MA4YWxk";
    build_multipart(ep, override, value, &body, boundary);
    char *line = dast_aprintf("Content-Type: multipart/form-data; boundary=%s", boundary);
    add_header(out, line);
    free(line);
  } else if(xml_body) {
    (void)dast_buf_adds(&body, xml_body);
    add_header(out, "Content-Type: application/xml");
  } else if(has_form) {
    add_header(out, "Content-Type: application/x-www-form-urlencoded");
  } else if(ep->body && ep->content_type) {
    (void)dast_buf_adds(&body, ep->body);
    char *line = dast_aprintf("Content-Type: %s", ep->content_type);
    add_header(out, line);
    free(line);
  }
  out->method = dast_strdup(ep->method);
  out->url = dast_buf_take(&url, NULL);
  if(body.len || has_form || has_json || has_multi || xml_body) {
    out->body = dast_buf_take(&body, &out->body_len);
  }
  dast_buf_free(&body);
  dast_buf_free(&query);
  dast_buf_free(&cookies);
  if(e) dast_built_free(out);
  return e;
}

void dast_built_free(struct dast_built *b)
{
  if(!b) return;
  free(b->method);
  free(b->url);
  free(b->body);
  for(size_t i = 0; i < b->nheaders; i++) free(b->headers[i]);
  free(b->headers);
  memset(b, 0, sizeof(*b));
}

static const char *sev_names[] = {"info", "low", "medium", "high", "critical"};
static const char *conf_names[] = {"tentative", "firm", "confirmed"};

const char *dast_severity_name(enum dast_severity s)
{
  return (unsigned)s <= DAST_SEV_CRITICAL ? sev_names[s] : "unknown";
}

int dast_severity_parse(const char *s)
{
  for(int i = 0; i <= DAST_SEV_CRITICAL; i++)
    if(s && !strcmp(s, sev_names[i])) return i;
  return -1;
}

const char *dast_confidence_name(enum dast_confidence c)
{
  return (unsigned)c <= DAST_CONF_CONFIRMED ? conf_names[c] : "unknown";
}

int dast_confidence_parse(const char *s)
{
  for(int i = 0; i <= DAST_CONF_CONFIRMED; i++)
    if(s && !strcmp(s, conf_names[i])) return i;
  return -1;
}

struct dast_finding *dast_finding_new(void)
{
  return dast_calloc(1, sizeof(struct dast_finding));
}

void dast_finding_free(struct dast_finding *f)
{
  if(!f) return;
  char **fields[] = {&f->check_id, &f->check_name, &f->check_class, &f->owasp, &f->title,
                     &f->description, &f->remediation, &f->method, &f->url, &f->tmpl,
                     &f->param, &f->param_kind, &f->payload, &f->evidence, &f->request,
                     &f->response, &f->curl, &f->fingerprint};
  for(size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) free(*fields[i]);
  for(size_t i = 0; i < f->nreferences; i++) free(f->references[i]);
  free(f->references);
  free(f);
}

void dast_finding_fingerprint(struct dast_finding *f)
{
  /* a cookie or a request header is the same input on every page (a
   * site-wide include reads it): one fingerprint for the site, not one per
   * page it was probed on, so a suppression covers it wherever it shows */
  bool site_wide = f->param_kind && f->param &&
                   (!strcmp(f->param_kind, "cookie") || !strcmp(f->param_kind, "header"));
  char *key = dast_aprintf("%s|%s|%s|%s|%s", f->check_id ? f->check_id : "",
                           site_wide ? "*" : f->method ? f->method : "",
                           site_wide ? "*" : f->tmpl ? f->tmpl : "",
                           f->param_kind ? f->param_kind : "", f->param ? f->param : "");
  uint64_t h1 = dast_hash64(key, strlen(key), 0);
  uint64_t h2 = dast_hash64(key, strlen(key), 0x5bd1e995);
  free(key);
  free(f->fingerprint);
  f->fingerprint = dast_aprintf("%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

void dast_tested_clear(struct dast_tested *t)
{
  if(!t) return;
  free(t->check_id);
  free(t->check_name);
  free(t->check_class);
  free(t->method);
  free(t->tmpl);
  free(t->reason);
  memset(t, 0, sizeof(*t));
}
