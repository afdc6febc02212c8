/* template.c — URL templates (template.h).
 *
 * A template is the shape of a request with the values that vary between
 * instances of the same page removed: id-like path segments become
 * placeholders and the query keeps only its sorted parameter names.  The
 * crawler explores each template at most K times (the calendar-trap bound)
 * and the inventory keeps one endpoint per (method, template, body shape).
 *
 * Everything here is pure string work over caller-owned input; results are
 * owned.  Hostile URLs are bounded by DAST_TMPL_MAX_PARAMS and
 * DAST_TMPL_MAX_SEGMENTS: past them, the rest is kept literal or ignored. */
#include "crawlers/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool all_of(const char *s, size_t n, const char *set)
{
  for(size_t i = 0; i < n; i++)
    if(!s[i] || !strchr(set, s[i])) return false;
  return true;
}

#define DIGITS "0123456789"
#define HEXDIGITS "0123456789abcdefABCDEF"

static bool is_uuid(const char *s, size_t n)
{
  if(n != 36) return false;
  for(size_t i = 0; i < n; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if(dash ? s[i] != '-' : !strchr(HEXDIGITS, s[i]) || !s[i]) return false;
  }
  return true;
}

static bool is_date(const char *s, size_t n)
{
  if(n != 10 || s[4] != '-' || s[7] != '-') return false;
  return all_of(s, 4, DIGITS) && all_of(s + 5, 2, DIGITS) && all_of(s + 8, 2, DIGITS);
}

/* Generated ids and session-like tokens: 8..64 ASCII letters and digits
 * with at least two digits and one letter ("f7216241cb1", "ab12cd34").
 * Words ("products", "mp3player") stay literal. */
static bool is_token(const char *s, size_t n)
{
  if(n < 8 || n > 64) return false;
  size_t digits = 0, letters = 0;
  for(size_t i = 0; i < n; i++) {
    if(s[i] >= '0' && s[i] <= '9') digits++;
    else if((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')) letters++;
    else return false;
  }
  return digits >= 2 && letters >= 1;
}

const char *dast_tmpl_classify(const char *s, size_t n)
{
  if(!s || !n) return NULL;
  if(all_of(s, n, DIGITS)) return "{n}";
  if(is_uuid(s, n)) return "{uuid}";
  if(n >= 16 && all_of(s, n, HEXDIGITS)) return "{hex}";
  if(is_date(s, n)) return "{date}";
  if(is_token(s, n)) return "{id}";
  return NULL;
}

/* Locates the path and the query of url; either span may be empty. */
static void split_url(const char *url, const char **path, size_t *plen, const char **query,
                      size_t *qlen)
{
  const char *p = url;
  const char *sep = strstr(url, "://");
  if(sep && sep < url + strcspn(url, "/?#")) p = sep + 3 + strcspn(sep + 3, "/?#");
  size_t n = strcspn(p, "?#");
  *path = p;
  *plen = n;
  *query = NULL;
  *qlen = 0;
  if(p[n] == '?') {
    *query = p + n + 1;
    *qlen = strcspn(p + n + 1, "#");
  }
}

/* Appends the templated form of a path of n bytes ("" becomes "/"). */
static void add_path_template(struct dast_buf *out, const char *path, size_t n)
{
  if(n == 0) {
    (void)dast_buf_adds(out, "/");
    return;
  }
  size_t i = 0, seg = 0;
  while(i < n) {
    size_t start = i;
    while(i < n && path[i] != '/') i++;
    /* ";jsessionid=..." style path parameters: kept by name only */
    const char *semi = memchr(path + start, ';', i - start);
    size_t len = semi ? (size_t)(semi - (path + start)) : i - start;
    const char *cls = seg < DAST_TMPL_MAX_SEGMENTS ? dast_tmpl_classify(path + start, len) : NULL;
    if(cls) (void)dast_buf_adds(out, cls);
    else (void)dast_buf_add(out, path + start, len);
    if(semi) {
      const char *eq = memchr(semi, '=', (size_t)(path + i - semi));
      (void)dast_buf_add(out, semi, eq ? (size_t)(eq - semi) + 1 : (size_t)(path + i - semi));
    }
    if(i < n) {
      (void)dast_buf_adds(out, "/");
      i++;
      seg++;
    }
  }
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends "?" + sorted unique names "=" joined by "&"; takes the names. */
static void add_names(struct dast_buf *out, char **names, size_t n)
{
  if(!n) return;
  qsort(names, n, sizeof(char *), cmp_str);
  (void)dast_buf_adds(out, "?");
  bool first = true;
  for(size_t i = 0; i < n; i++) {
    if(i && !strcmp(names[i], names[i - 1])) continue;
    if(!first) (void)dast_buf_adds(out, "&");
    (void)dast_buf_adds(out, names[i]);
    (void)dast_buf_adds(out, "=");
    first = false;
  }
}

/* Calls fn for each name=value pair of a query of n bytes (decoded).  Only
 * '&' separates pairs: ';' was a suggestion of HTML 4 that servers (PHP,
 * Node, Java, Go since 1.17) don't follow, and values such as serialized
 * objects ("a:2:{i:0;s:1:...}") contain it. */
static void each_pair(const char *q, size_t n,
                      void (*fn)(void *ud, const char *name, const char *value), void *ud)
{
  size_t i = 0, count = 0;
  while(i < n && count < DAST_TMPL_MAX_PARAMS) {
    size_t start = i;
    while(i < n && q[i] != '&') i++;
    size_t len = i - start;
    if(len) {
      const char *eq = memchr(q + start, '=', len);
      size_t nlen = eq ? (size_t)(eq - (q + start)) : len;
      char *name = dast_url_decode(q + start, nlen, true);
      char *value = eq ? dast_url_decode(eq + 1, len - nlen - 1, true) : dast_strdup("");
      if(*name) {
        fn(ud, name, value);
        count++;
      }
      free(name);
      free(value);
    }
    i++;
  }
}

struct names {
  char **v;
  size_t n;
};

static void collect_name(void *ud, const char *name, const char *value)
{
  (void)value;
  struct names *ns = ud;
  ns->v = dast_realloc(ns->v, (ns->n + 1) * sizeof(char *));
  ns->v[ns->n++] = dast_strdup(name);
}

static void free_names(struct names *ns)
{
  for(size_t i = 0; i < ns->n; i++) free(ns->v[i]);
  free(ns->v);
}

char *dast_tmpl_of_url(const char *url)
{
  const char *path, *query;
  size_t plen, qlen;
  split_url(url ? url : "", &path, &plen, &query, &qlen);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  add_path_template(&out, path, plen);
  struct names ns = {0};
  if(query) each_pair(query, qlen, collect_name, &ns);
  add_names(&out, ns.v, ns.n);
  free_names(&ns);
  return dast_buf_take(&out, NULL);
}

/* Starts an endpoint's template in *out with its path part; returns the
 * URL's query (NULL when none) and its length in *qlen. */
static const char *tmpl_path_start(const struct dast_endpoint *ep, struct dast_buf *out, size_t *qlen)
{
  const char *path, *query;
  size_t plen;
  split_url(ep->url, &path, &plen, &query, qlen);
  dast_buf_init(out, 0);
  add_path_template(out, path, plen);
  return query;
}

void dast_tmpl_set(struct dast_endpoint *ep)
{
  struct dast_buf out;
  size_t qlen;
  const char *query = tmpl_path_start(ep, &out, &qlen);
  struct names ns = {0};
  if(query) each_pair(query, qlen, collect_name, &ns);
  for(size_t i = 0; i < ep->nparams; i++)
    if(ep->params[i].kind == DAST_IP_QUERY) collect_name(&ns, ep->params[i].name, NULL);
  add_names(&out, ns.v, ns.n);
  free_names(&ns);
  free(ep->tmpl);
  ep->tmpl = dast_buf_take(&out, NULL);
}

static bool has_path_param(const struct dast_endpoint *ep, const char *name)
{
  for(size_t i = 0; i < ep->nparams; i++)
    if(ep->params[i].kind == DAST_IP_PATH && !strcmp(ep->params[i].name, name)) return true;
  return false;
}

void dast_tmpl_add_path_params(struct dast_endpoint *ep)
{
  const char *path, *query;
  size_t plen, qlen;
  split_url(ep->url, &path, &plen, &query, &qlen);
  if(plen && path[0] == '/') {
    path++;
    plen--;
  }
  size_t i = 0, seg = 0;
  while(i < plen && seg < DAST_TMPL_MAX_SEGMENTS) {
    size_t start = i;
    while(i < plen && path[i] != '/') i++;
    if(dast_tmpl_classify(path + start, i - start)) {
      char idx[24];
      snprintf(idx, sizeof(idx), "%zu", seg);
      if(!has_path_param(ep, idx)) {
        char *v = dast_strndup(path + start, i - start);
        dast_endpoint_add_param(ep, DAST_IP_PATH, idx, v, "path");
        free(v);
      }
    }
    i++;
    seg++;
  }
}

static void add_query_param(void *ud, const char *name, const char *value)
{
  dast_endpoint_add_param(ud, DAST_IP_QUERY, name, value, NULL);
}

bool dast_tmpl_is_route(const char *v)
{
  static const char *const exts[] = {"php", "php3", "php4", "php5", "php7", "phtml", "asp",
                                     "aspx", "jsp", "jspx", "do", "action", "cfm", "cgi",
                                     "html", "htm", "shtml", NULL};
  size_t n = v ? strlen(v) : 0;
  if(n < 3 || n > 128 || strstr(v, "//") || strstr(v, "..") || v[0] == '/') return false;
  for(size_t i = 0; i < n; i++)
    if(!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/", v[i]))
      return false;
  const char *dot = strrchr(v, '.'), *slash = strrchr(v, '/');
  if(!dot || (slash && slash > dot)) return false;
  const char *base = slash ? slash + 1 : v;
  if(dot == base || dast_tmpl_classify(base, (size_t)(dot - base))) return false; /* ids: traps */
  for(const char *const *e = exts; *e; e++)
    if(!strcasecmp(dot + 1, *e)) return true;
  return false;
}

/* ep->tmpl with the values of route parameters kept: "/index.php?page=home.php&x=". */
static void set_routed_tmpl(struct dast_endpoint *ep)
{
  bool any = false;
  for(size_t i = 0; i < ep->nparams && !any; i++)
    any = ep->params[i].kind == DAST_IP_QUERY && dast_tmpl_is_route(ep->params[i].value);
  if(!any) return;
  struct dast_buf out;
  size_t qlen;
  (void)tmpl_path_start(ep, &out, &qlen);
  struct names ns = {0};
  for(size_t i = 0; i < ep->nparams; i++) {
    const struct dast_param *pr = &ep->params[i];
    if(pr->kind != DAST_IP_QUERY) continue;
    if(dast_tmpl_is_route(pr->value)) {
      char *nv = dast_aprintf("%s=%s", pr->name, pr->value);
      collect_name(&ns, nv, NULL);
      free(nv);
    } else {
      collect_name(&ns, pr->name, NULL);
    }
  }
  /* "name=" for a plain parameter, "name=value" for a route */
  qsort(ns.v, ns.n, sizeof(char *), cmp_str);
  for(size_t i = 0; i < ns.n; i++) {
    if(i && !strcmp(ns.v[i], ns.v[i - 1])) continue;
    (void)dast_buf_adds(&out, i ? "&" : "?");
    (void)dast_buf_adds(&out, ns.v[i]);
    if(!strchr(ns.v[i], '=')) (void)dast_buf_adds(&out, "=");
  }
  free_names(&ns);
  free(ep->tmpl);
  ep->tmpl = dast_buf_take(&out, NULL);
}

void dast_tmpl_set_inventory(struct dast_endpoint *ep)
{
  dast_tmpl_set(ep);
  bool route = false, other = false;
  for(size_t i = 0; i < ep->nparams; i++) {
    const struct dast_param *p = &ep->params[i];
    if(p->kind == DAST_IP_PATH) continue;
    if(p->kind == DAST_IP_QUERY && dast_tmpl_is_route(p->value)) route = true;
    else other = true;
  }
  if(route && other) set_routed_tmpl(ep);
}

struct dast_endpoint *dast_tmpl_endpoint(const char *method, const char *url,
                                         enum dast_source src)
{
  const char *path, *query;
  size_t plen, qlen;
  split_url(url, &path, &plen, &query, &qlen);
  char *base = dast_strndup(url, (size_t)(path - url) + plen);
  struct dast_endpoint *ep = dast_endpoint_new(method, base, src);
  free(base);
  if(query) each_pair(query, qlen, add_query_param, ep);
  dast_tmpl_add_path_params(ep);
  dast_tmpl_set(ep);
  set_routed_tmpl(ep);
  return ep;
}

uint64_t dast_tmpl_endpoint_key(const struct dast_endpoint *ep)
{
  struct names ns = {0};
  for(size_t i = 0; i < ep->nparams; i++) {
    enum dast_ip_kind k = ep->params[i].kind;
    if(k == DAST_IP_QUERY || k == DAST_IP_PATH) continue; /* already in tmpl */
    char *n = dast_aprintf("%d:%s", (int)k, ep->params[i].name);
    collect_name(&ns, n, NULL);
    free(n);
  }
  if(ns.n) qsort(ns.v, ns.n, sizeof(char *), cmp_str);
  uint64_t h = dast_hash64(ep->method, strlen(ep->method), 1469598103934665603ULL);
  h = dast_hash64(" ", 1, h);
  const char *t = ep->tmpl ? ep->tmpl : ep->url;
  h = dast_hash64(t, strlen(t), h);
  for(size_t i = 0; i < ns.n; i++) {
    h = dast_hash64("\n", 1, h);
    h = dast_hash64(ns.v[i], strlen(ns.v[i]), h);
  }
  free_names(&ns);
  return h;
}
