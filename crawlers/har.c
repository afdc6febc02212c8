/* har.c — HAR import (har.h).  jansson parses the file; each
 * log.entries[i].request becomes an endpoint: query from its URL, form
 * fields from postData.params (or the urlencoded text), JSON leaves as
 * JSON pointer params with the recorded text kept as the body, cookies and
 * custom headers as insertion points.  Standard and secret headers
 * (Authorization, Cookie, Host, ...) are left to the engine.  Endpoints are
 * collected and handed over only when the whole file was valid. */
#include "crawlers/har.h"

#include "crawlers/template.h"
#include "scanner/engine/http.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_JSON_LEAVES 500
#define MAX_JSON_TEXT (1u << 20)

static bool standard_header(const char *n)
{
  static const char *const skip[] = {"host", "content-length", "cookie", "connection", "accept",
                                     "accept-encoding", "accept-language", "user-agent",
                                     "content-type", "origin", "referer", "upgrade-insecure-requests",
                                     "cache-control", "pragma", "authorization", "te", "dnt",
                                     "proxy-authorization", "priority", NULL};
  if(n[0] == ':' || !strncasecmp(n, "sec-", 4) || !strncasecmp(n, "if-", 3)) return true;
  for(int i = 0; skip[i]; i++)
    if(!strcasecmp(n, skip[i])) return true;
  return false;
}

static const char *jstr(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static void json_leaves(struct dast_endpoint *ep, json_t *v, const char *ptr, int depth)
{
  if(depth > 32 || ep->nparams >= MAX_JSON_LEAVES) return;
  if(json_is_object(v)) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      char *sub = dast_aprintf("%s/%s", ptr, k);
      json_leaves(ep, x, sub, depth + 1);
      free(sub);
    }
  } else if(json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      char *sub = dast_aprintf("%s/%zu", ptr, i);
      json_leaves(ep, x, sub, depth + 1);
      free(sub);
    }
  } else if(*ptr) {
    char *text = NULL;
    const char *type = "string";
    if(json_is_string(v)) text = dast_strdup(json_string_value(v));
    else if(json_is_integer(v)) text = dast_aprintf("%lld", (long long)json_integer_value(v)), type = "integer";
    else if(json_is_real(v)) text = dast_aprintf("%g", json_real_value(v)), type = "number";
    else if(json_is_boolean(v)) text = dast_strdup(json_is_true(v) ? "true" : "false"), type = "boolean";
    else return; /* null */
    dast_endpoint_add_param(ep, DAST_IP_JSON, ptr, text, type);
    free(text);
  }
}

static void add_pairs(struct dast_endpoint *ep, json_t *arr, enum dast_ip_kind kind)
{
  size_t i;
  json_t *p;
  json_array_foreach(arr, i, p) {
    const char *n = jstr(p, "name"), *v = jstr(p, "value");
    if(n && *n) dast_endpoint_add_param(ep, kind, n, v ? v : "", jstr(p, "fileName") ? "file" : NULL);
  }
}

static void add_urlencoded(struct dast_endpoint *ep, const char *text)
{
  for(const char *s = text; s && *s;) {
    size_t n = strcspn(s, "&");
    const char *eq = memchr(s, '=', n);
    size_t nl = eq ? (size_t)(eq - s) : n;
    char *name = dast_url_decode(s, nl, true);
    char *value = eq ? dast_url_decode(eq + 1, n - nl - 1, true) : dast_strdup("");
    if(*name) dast_endpoint_add_param(ep, DAST_IP_FORM, name, value, NULL);
    free(name);
    free(value);
    s += n;
    if(*s) s++;
  }
}

static void add_body(struct dast_endpoint *ep, json_t *post)
{
  const char *mime = jstr(post, "mimeType");
  const char *text = jstr(post, "text");
  json_t *params = json_object_get(post, "params");
  if(!mime) mime = "";
  if(strstr(mime, "json") && text) {
    /* a JSON body is parsed for its leaves only up to MAX_JSON_TEXT: a
     * 40 MB text of empty arrays is 1.4 GB once parsed */
    json_t *doc = strlen(text) <= MAX_JSON_TEXT ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
    if(doc) {
      json_leaves(ep, doc, "", 0);
      json_decref(doc);
    }
    dast_set_str(&ep->body, text);
    dast_set_str(&ep->content_type, "application/json");
  } else if(strstr(mime, "multipart/form-data")) {
    add_pairs(ep, params, DAST_IP_MULTIPART);
    dast_set_str(&ep->content_type, "multipart/form-data");
  } else if(strstr(mime, "x-www-form-urlencoded")) {
    if(json_array_size(params)) add_pairs(ep, params, DAST_IP_FORM);
    else add_urlencoded(ep, text);
    dast_set_str(&ep->content_type, "application/x-www-form-urlencoded");
  } else if(text && *text) {
    dast_set_str(&ep->body, text);
    dast_set_str(&ep->content_type, *mime ? mime : "text/plain");
    if(strstr(mime, "xml")) dast_endpoint_add_param(ep, DAST_IP_XML, "body", text, NULL);
  }
}

/* One validated entry as an endpoint (owned). */
static struct dast_endpoint *entry_endpoint(json_t *entry, json_t *rq, const char *method,
                                            const char *url)
{
  struct dast_endpoint *ep = dast_tmpl_endpoint(method, url, DAST_SRC_HAR);
  add_pairs(ep, json_object_get(rq, "cookies"), DAST_IP_COOKIE);
  size_t j;
  json_t *h;
  json_array_foreach(json_object_get(rq, "headers"), j, h) {
    const char *hn = jstr(h, "name"), *hv = jstr(h, "value");
    if(hn && hv && !standard_header(hn)) dast_endpoint_add_param(ep, DAST_IP_HEADER, hn, hv, NULL);
  }
  json_t *post = json_object_get(rq, "postData");
  if(json_is_object(post)) add_body(ep, post);
  json_t *st = json_object_get(json_object_get(entry, "response"), "status");
  if(json_is_integer(st)) ep->status = (int)json_integer_value(st);
  dast_tmpl_set(ep);
  return ep;
}

dast_err dast_har_load_buf(const char *buf, size_t len, const char *name, dast_endpoint_take_cb cb,
                           void *ud, char *errbuf, size_t errlen)
{
  if(!buf || !cb) return DAST_EINVAL;
  if(!name) name = "har";
  json_error_t jerr;
  json_t *root = json_loadb(buf, len, 0, &jerr);
  if(!root) {
    if(errbuf && errlen)
      snprintf(errbuf, errlen, "%s: line %d, column %d: %s", name, jerr.line, jerr.column, jerr.text);
    return DAST_EPARSE;
  }
  json_t *entries = json_object_get(json_object_get(root, "log"), "entries");
  const char *bad = NULL;
  char where[128] = "$.log.entries";
  if(!json_is_object(json_object_get(root, "log"))) {
    bad = "missing or not an object";
    snprintf(where, sizeof(where), "$.log");
  } else if(!json_is_array(entries)) {
    bad = "missing or not an array";
  } else if(json_array_size(entries) > DAST_HAR_MAX_ENTRIES) {
    bad = "too many entries";
  }
  struct dast_endpoint **eps = NULL;
  size_t neps = 0, i;
  json_t *e;
  if(!bad) json_array_foreach(entries, i, e) {
    json_t *rq = json_object_get(e, "request");
    const char *method = jstr(rq, "method"), *url = jstr(rq, "url");
    if(!json_is_object(rq)) {
      snprintf(where, sizeof(where), "$.log.entries[%zu].request", i);
      bad = "missing or not an object";
    } else if(!method || !*method) {
      snprintf(where, sizeof(where), "$.log.entries[%zu].request.method", i);
      bad = "missing";
    } else if(!dast_http_method_ok(method)) {
      snprintf(where, sizeof(where), "$.log.entries[%zu].request.method", i);
      bad = "not an HTTP method (a token of at most 32 characters)";
    } else if(!url || (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))) {
      snprintf(where, sizeof(where), "$.log.entries[%zu].request.url", i);
      bad = "missing or not an http(s) URL";
    }
    if(bad) break;
    eps = dast_realloc(eps, (neps + 1) * sizeof(*eps));
    eps[neps++] = entry_endpoint(e, rq, method, url);
  }
  if(bad && errbuf && errlen) snprintf(errbuf, errlen, "%s: %s: %s", name, where, bad);
  for(size_t k = 0; k < neps; k++) {
    if(bad) dast_endpoint_free(eps[k]);
    else cb(ud, eps[k]);
  }
  free(eps);
  json_decref(root);
  return bad ? DAST_EPARSE : DAST_OK;
}

dast_err dast_har_load_file(const char *path, dast_endpoint_take_cb cb, void *ud, char *errbuf,
                            size_t errlen)
{
  char *buf;
  size_t len;
  dast_err e = dast__read_file(path, 256u << 20, &buf, &len, errbuf, errlen);
  if(e) return e;
  e = dast_har_load_buf(buf, len, path, cb, ud, errbuf, errlen);
  free(buf);
  return e;
}
