/* crawl.c — the crawler's lifecycle, frontier, de-duplication and
 * inventory (crawl.h).
 *
 * Data structures (struct dast_crawler in crawl_int.h):
 *  - frontier: a binary min-heap of owned items keyed (repeat, depth, seq):
 *    URLs of a template not queued before go first, then breadth-first;
 *  - seen: 64-bit hashes of request keys (method, URL with sorted query,
 *    body) — a URL is queued at most once; `offered` remembers the exact
 *    method+URL strings behind them so a repeat costs one hash lookup;
 *  - tmpl_count: method+template -> times queued; at cfg->template_visits
 *    further instances are dropped (counted as trap_limited);
 *  - inventory: owned endpoints plus a key -> index map (one endpoint per
 *    method, template and body shape); the site's non-session cookies are
 *    added to every crawled endpoint as cookie insertion points;
 *  - frontier cap: 4 x max_pages + 1000 items (100k at most).
 * Invariants: every queued item passed scope, danger and dedup checks;
 * in_flight counts submitted items whose callback has not run, `parsing`
 * responses a parse thread still holds (crawl_parse.c); together they stay
 * under the crawl's concurrency.  Bodies are dropped once parsed. */
#include "crawlers/crawl_int.h"

#include "crawlers/har.h"
#include "crawlers/openapi.h"
#include "crawlers/template.h"
#include "scanner/engine/url.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_PATH_SEGMENTS 32
/* cookies that carry the session or a token: attacking them would only
 * log the scan out, and the engine's jar sends the real ones */
#define SESSION_COOKIE_RE "sess|sid|auth|token|jwt|login|remember|csrf|xsrf|user"
/* logout/delete-like words at a word start: "/logout", "?do=delete",
 * "/password-reset", camelCase "/userDelete"; not "/preset" or "/undelete" */
#define DANGEROUS_RE                                                                  \
  "(?:(?<![A-Za-z])(?i:log[-_]?out|sign[-_]?out|log[-_]?off|delete|remove|destroy|reset)" \
  "|(?:Log[-_]?[Oo]ut|Sign[-_]?[Oo]ut|Log[-_]?[Oo]ff|Delete|Remove|Destroy|Reset))"

/* words on a form's submit control, or in the value of a hidden "what to
 * do" field, that say submitting it destroys data: "Create / Reset
 * Database", "Submit / Reset", "Delete account", action=drop */
#define DESTRUCTIVE_RE                                                              \
  "(?<![A-Za-z])(?i:reset|delete|remove|destroy|drop|wipe|purge|truncate|erase|" \
  "uninstall|deactivate|clear\\s+(?:all|data|database|db|everything)|empty\\s+(?:trash|database))" \
  "(?![a-z])"

/* what a link says that following it would end the session or destroy
 * data: "Log out", "Sign off", "Delete", "Reset database" */
#define LINK_LABEL_RE                                                                   \
  "(?<![A-Za-z])(?i:log\\s*out|sign\\s*out|log\\s*off|sign\\s*off|delete|remove|destroy|" \
  "reset|drop|wipe|purge|truncate|erase|uninstall|deactivate)(?![a-z])"

dast_err dast_crawler_new(struct dast_engine *eng, const struct dast_config *cfg,
                          struct dast_crawler **out, char *errbuf, size_t errlen)
{
  if(!eng || !cfg || !out) return DAST_EINVAL;
  *out = NULL;
  struct dast_crawler *c = dast_calloc(1, sizeof(*c));
  c->eng = eng;
  c->cfg = cfg;
  /* a site that really has "dastgate" in its paths is crawled normally */
  c->target_has_marker = cfg->target && dast_strcasestr(cfg->target, "dastgate");
  dast_err e = dast_jsurls_new(&c->js);
  if(!e) e = dast_re_compile(DANGEROUS_RE, 0, &c->dangerous, errbuf, errlen);
  if(!e)
    e = dast_re_compile(SESSION_COOKIE_RE, DAST_RE_CASELESS, &c->session_cookie, errbuf, errlen);
  if(!e) e = dast_re_compile(DESTRUCTIVE_RE, 0, &c->destructive, errbuf, errlen);
  if(!e) e = dast_re_compile(LINK_LABEL_RE, 0, &c->link_label, errbuf, errlen);
  if(!e) e = dast__login_init(c, errbuf, errlen);
  if(!e) e = dast__parse_init(c, errbuf, errlen);
  if(e) {
    dast_crawler_free(c);
    return e;
  }
  *out = c;
  return DAST_OK;
}

void dast__item_free(struct dast__item *it)
{
  if(!it) return;
  free(it->method);
  free(it->url);
  free(it->body);
  free(it->ctype);
  free(it->found_on);
  free(it);
}

void dast_crawler_free(struct dast_crawler *c)
{
  if(!c) return;
  dast__parse_free(c); /* first: cancelled jobs still see the crawler */
  for(size_t i = 0; i < c->nheap; i++) dast__item_free(c->heap[i]);
  free(c->heap);
  for(size_t i = 0; i < c->nwaiting; i++) dast__item_free(c->waiting[i]);
  free(c->waiting);
  for(size_t i = 0; i < c->neps; i++) dast_endpoint_free(c->eps[i]);
  free(c->eps);
  for(size_t i = 0; i < c->nskipped; i++) {
    free(c->skip_url[i]);
    free(c->skip_reason[i]);
  }
  dast__hset_free(&c->seen);
  dast__hset_free(&c->offered);
  dast__hset_free(&c->tmpl_count);
  dast__hset_free(&c->skipped_seen);
  dast__hset_free(&c->ep_index);
  dast__hset_free(&c->shape_first);
  dast__hset_free(&c->shape_count);
  dast__hset_free(&c->marker_tmpl);
  dast_jsurls_free(c->js);
  dast_re_free(c->dangerous);
  dast_re_free(c->destructive);
  dast_re_free(c->link_label);
  dast_re_free(c->session_cookie);
  for(size_t i = 0; i < c->nsite_cookies; i++) {
    free(c->site_cookie[i]);
    free(c->site_cookie_value[i]);
  }
  dast_re_free(c->logged_in);
  dast_re_free(c->logged_out);
  free(c->login_path);
  free(c->login_action);
  free(c);
}

/* ---- frontier ---- */

static bool item_less(const struct dast__item *a, const struct dast__item *b)
{
  if(a->repeat != b->repeat) return !a->repeat;
  if(a->depth != b->depth) return a->depth < b->depth;
  return a->seq < b->seq;
}

void dast__crawl_push(struct dast_crawler *c, struct dast__item *it)
{
  if(c->nheap == c->heap_alloc) {
    c->heap_alloc = c->heap_alloc ? c->heap_alloc * 2 : 64;
    c->heap = dast_realloc(c->heap, c->heap_alloc * sizeof(*c->heap));
  }
  it->seq = c->seq++;
  size_t i = c->nheap++;
  c->heap[i] = it;
  while(i && item_less(c->heap[i], c->heap[(i - 1) / 2])) {
    struct dast__item *t = c->heap[i];
    c->heap[i] = c->heap[(i - 1) / 2];
    c->heap[(i - 1) / 2] = t;
    i = (i - 1) / 2;
  }
}

struct dast__item *dast__crawl_pop(struct dast_crawler *c)
{
  if(!c->nheap) return NULL;
  struct dast__item *top = c->heap[0];
  c->heap[0] = c->heap[--c->nheap];
  size_t i = 0;
  for(;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if(l < c->nheap && item_less(c->heap[l], c->heap[m])) m = l;
    if(r < c->nheap && item_less(c->heap[r], c->heap[m])) m = r;
    if(m == i) break;
    struct dast__item *t = c->heap[i];
    c->heap[i] = c->heap[m];
    c->heap[m] = t;
    i = m;
  }
  return top;
}

/* ---- discovery ---- */

void dast__crawl_skip(struct dast_crawler *c, const char *url, const char *reason)
{
  uint64_t h = dast_hash64(url, strlen(url), dast_hash64(reason, strlen(reason), 0));
  if(!dast__hset_add(&c->skipped_seen, h)) return;
  if(!strcmp(reason, "out of scope")) c->st.out_of_scope++;
  else if(!strncmp(reason, "dangerous", 9)) c->st.dangerous_skipped++;
  if(c->nskipped >= DAST__SKIPPED_MAX) return;
  c->skip_url[c->nskipped] = dast_strndup(url, strnlen(url, 2048));
  c->skip_reason[c->nskipped] = dast_strdup(reason);
  c->nskipped++;
}

bool dast__crawl_is_dangerous(const struct dast_crawler *c, const char *url)
{
  if(c->cfg->allow_dangerous_links) return false;
  const char *p = strstr(url, "://");
  p = p ? p + 3 + strcspn(p + 3, "/?#") : url; /* path and query only: not the host */
  return dast_re_test(c->dangerous, p, strlen(p));
}

bool dast__crawl_static_asset(const char *url)
{
  static const char *const ext[] = {"png", "jpg", "jpeg", "gif", "webp", "ico", "bmp",
                                    "svg", "css", "woff", "woff2", "ttf", "otf", "eot",
                                    "mp4", "webm", "mp3", "ogg", "wav", "avi", "mov",
                                    "pdf", "zip", "gz", "tgz", "rar", "7z", "exe",
                                    "dmg", "iso", "map", NULL};
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  size_t n = strcspn(p, "?#");
  /* the last path segment's extension, if any (this runs for every link) */
  size_t dot = n;
  while(dot > 0 && p[dot - 1] != '.' && p[dot - 1] != '/') dot--;
  if(dot == 0 || p[dot - 1] != '.') return false;
  size_t k = n - dot;
  if(k == 0 || k > 5) return false;
  for(int i = 0; ext[i]; i++)
    if(strlen(ext[i]) == k && !strncasecmp(p + dot, ext[i], k)) return true;
  return false;
}

/* Does the URL's path hold the marker of the values the scanner fills
 * forms with (crawlers/forms.c: "dastgate", "dastgate@example.com" ...)? */
static bool from_our_input(const char *url)
{
  const char *p = strstr(url, "://");
  p = p ? p + 3 + strcspn(p + 3, "/?#") : url;
  size_t n = strcspn(p, "?#");
  for(size_t i = 0; i + 8 <= n; i++)
    if((p[i] == 'd' || p[i] == 'D') && !strncasecmp(p + i, "dastgate", 8)) return true;
  return false;
}

/* The frontier never holds more than a few times what max_pages lets the
 * crawl fetch (and 100k items at most): a page of a million links costs
 * memory for what can still be visited, not for all of it. */
static size_t frontier_cap(const struct dast_crawler *c)
{
  size_t cap = 100000;
  if(c->cfg->max_pages > 0 && (size_t)c->cfg->max_pages * 4 + 1000 < cap)
    cap = (size_t)c->cfg->max_pages * 4 + 1000;
  return cap;
}

static size_t path_segments(const char *url)
{
  const char *p = strstr(url, "://");
  p = p ? p + 3 + strcspn(p + 3, "/?#") : url;
  size_t n = 0;
  for(; *p && *p != '?' && *p != '#'; p++) n += *p == '/';
  return n;
}

static int cmp_param(const void *a, const void *b)
{
  const struct dast_param *x = a, *y = b;
  int r = strcmp(x->name, y->name);
  return r ? r : strcmp(x->value, y->value);
}

/* Request key: method, URL without query, sorted query pairs, body. */
static uint64_t request_key(const char *method, const struct dast_endpoint *ep, const char *body,
                            size_t body_len)
{
  uint64_t h = dast_hash64(method, strlen(method), 7);
  h = dast_hash64(ep->url, strlen(ep->url), h);
  struct dast_param *q = dast_calloc(ep->nparams ? ep->nparams : 1, sizeof(*q));
  size_t n = 0;
  for(size_t i = 0; i < ep->nparams; i++)
    if(ep->params[i].kind == DAST_IP_QUERY) q[n++] = ep->params[i];
  qsort(q, n, sizeof(*q), cmp_param);
  for(size_t i = 0; i < n; i++) {
    h = dast_hash64("&", 1, h);
    h = dast_hash64(q[i].name, strlen(q[i].name), h);
    h = dast_hash64("=", 1, h);
    h = dast_hash64(q[i].value, strlen(q[i].value), h);
  }
  free(q);
  if(body) h = dast_hash64(body, body_len, dast_hash64("\n\n", 2, h));
  return h;
}

void dast__discover_prepare(const struct dast_crawler *c, enum dast__kind kind, const char *method,
                            const char *url, enum dast_source src, struct dast__link_pre *pre)
{
  memset(pre, 0, sizeof(*pre));
  if(!url || strlen(url) > 8192) {
    pre->drop = true;
    return;
  }
  pre->exact = dast_hash64(url, strlen(url), dast_hash64(method, strlen(method), 11));
  if(!dast_scope_allows(dast_engine_scope(c->eng), url)) pre->skip = "out of scope";
  else if(dast__crawl_is_dangerous(c, url)) pre->skip = "dangerous: looks like logout/delete/reset";
  else if(kind == K_PAGE && dast__crawl_static_asset(url)) pre->drop = true;
  /* a page echoed a value we submitted into a link (<script src=dastgate>):
   * the URL is our own making, usually a soft-404 alias of that page */
  else if(kind == K_PAGE && !c->target_has_marker && from_our_input(url))
    pre->skip = "built from the scanner's own input";
  else if(path_segments(url) > MAX_PATH_SEGMENTS) pre->skip = "path too deep (trap?)";
  if(pre->skip || pre->drop) return;
  struct dast_endpoint *ep = dast_tmpl_endpoint(method, url, src);
  pre->key = request_key(method, ep, NULL, 0);
  pre->tk = dast_hash64(ep->tmpl, strlen(ep->tmpl), dast_hash64(method, strlen(method), 3));
  dast_endpoint_free(ep);
}

bool dast__crawl_discover_pre(struct dast_crawler *c, enum dast__kind kind, const char *method,
                              const char *url, enum dast_source src, int depth,
                              const char *found_on, const struct dast__link_pre *pre)
{
  if(pre->drop) return false;
  /* Most links on a page were offered before (navigation, siblings): an
   * exact method+URL already queued or bounded is dropped at once (the
   * same answer the request key would give). */
  if(dast__hset_has(&c->offered, pre->exact)) return false;
  if(pre->skip) {
    dast__crawl_skip(c, url, pre->skip);
    return false;
  }
  if(kind == K_SITEMAP && c->nsitemaps >= DAST__MAX_SITEMAPS) return false;
  if(dast__hset_has(&c->seen, pre->key)) return false;
  if(depth > c->cfg->max_depth && c->cfg->max_depth >= 0)
    return false; /* not listed: it would crowd the dangerous/out-of-scope entries out */
  if(c->nheap >= frontier_cap(c)) {
    c->st.frontier_full++;
    return false;
  }
  uint32_t visits = dast__hset_count(&c->tmpl_count, pre->tk);
  int k = c->cfg->template_visits > 0 ? c->cfg->template_visits : 3;
  if(kind == K_PAGE && visits >= (uint32_t)k) {
    if(dast__hset_add(&c->seen, pre->key)) c->st.trap_limited++;
    (void)dast__hset_add(&c->offered, pre->exact);
    return false;
  }
  (void)dast__hset_add(&c->seen, pre->key);
  (void)dast__hset_add(&c->offered, pre->exact);
  (void)dast__hset_incr(&c->tmpl_count, pre->tk);
  if(kind == K_SITEMAP) c->nsitemaps++;
  struct dast__item *it = dast_calloc(1, sizeof(*it));
  it->kind = kind;
  it->method = dast_strdup(method);
  it->url = dast_strdup(url);
  it->found_on = found_on ? dast_strdup(found_on) : NULL;
  it->src = src;
  it->depth = depth;
  it->repeat = visits > 0;
  it->ep_index = -1;
  dast__crawl_push(c, it);
  return true;
}

bool dast__crawl_discover(struct dast_crawler *c, enum dast__kind kind, const char *method,
                          const char *url, enum dast_source src, int depth, const char *found_on)
{
  struct dast__link_pre pre;
  if(url && strlen(url) <= 8192) { /* the cheap answer first */
    uint64_t exact = dast_hash64(url, strlen(url), dast_hash64(method, strlen(method), 11));
    if(dast__hset_has(&c->offered, exact)) return false;
  }
  dast__discover_prepare(c, kind, method, url, src, &pre);
  return dast__crawl_discover_pre(c, kind, method, url, src, depth, found_on, &pre);
}

/* ---- inventory ---- */

/* Site cookies go to crawled endpoints only: API descriptions and HAR
 * files say themselves which cookies an operation takes. */
static void add_cookie_param(struct dast_endpoint *ep, const char *name, const char *value)
{
  if(ep->source == DAST_SRC_OPENAPI || ep->source == DAST_SRC_HAR) return;
  for(size_t k = 0; k < ep->nparams; k++)
    if(ep->params[k].kind == DAST_IP_COOKIE && !strcmp(ep->params[k].name, name)) return;
  dast_endpoint_add_param(ep, DAST_IP_COOKIE, name, value, "cookie");
}

long dast__crawl_add_endpoint(struct dast_crawler *c, struct dast_endpoint *ep, bool *added)
{
  if(!ep->tmpl) dast_tmpl_set(ep);
  uint64_t key = dast_tmpl_endpoint_key(ep);
  uint32_t *slot = dast__hset_slot(&c->ep_index, key);
  if(*slot) {
    if(added) *added = false;
    dast_endpoint_free(ep);
    return (long)*slot - 1;
  }
  uint64_t pk = 0;
  if(ep->source != DAST_SRC_OPENAPI && ep->source != DAST_SRC_HAR) {
    const char *t = ep->tmpl ? ep->tmpl : ep->url;
    pk = dast_hash64(t, strcspn(t, "?#"), dast_hash64(ep->method, strlen(ep->method), 5));
    uint32_t first = dast__hset_count(&c->shape_first, pk);
    if(first && dast__hset_count(&c->shape_count, pk) >= DAST__MAX_SHAPES) {
      c->st.trap_limited++;
      if(added) *added = false;
      dast_endpoint_free(ep);
      return (long)first - 1;
    }
  }
  if(c->neps == c->eps_alloc) {
    c->eps_alloc = c->eps_alloc ? c->eps_alloc * 2 : 64;
    c->eps = dast_realloc(c->eps, c->eps_alloc * sizeof(*c->eps));
  }
  c->eps[c->neps] = ep;
  *slot = (uint32_t)++c->neps;
  if(added) *added = true;
  if(pk) {
    uint32_t *first = dast__hset_slot(&c->shape_first, pk);
    if(!*first) *first = (uint32_t)c->neps;
    (void)dast__hset_incr(&c->shape_count, pk);
  }
  for(size_t i = 0; i < c->nsite_cookies; i++)
    add_cookie_param(ep, c->site_cookie[i], c->site_cookie_value[i]);
  return (long)c->neps - 1;
}

void dast__crawl_site_cookie(struct dast_crawler *c, const char *name, const char *value)
{
  if(c->nsite_cookies >= DAST__SITE_COOKIES || !*name || !*value ||
     dast_re_test(c->session_cookie, name, strlen(name)))
    return;
  for(size_t i = 0; i < c->nsite_cookies; i++)
    if(!strcmp(c->site_cookie[i], name)) return;
  c->site_cookie[c->nsite_cookies] = dast_strdup(name);
  c->site_cookie_value[c->nsite_cookies] = dast_strdup(value);
  c->nsite_cookies++;
  for(size_t i = 0; i < c->neps; i++) add_cookie_param(c->eps[i], name, value);
}

static void take_endpoint(void *ud, struct dast_endpoint *ep)
{
  struct dast_crawler *c = ud;
  if(!dast_scope_allows(dast_engine_scope(c->eng), ep->url)) {
    dast__crawl_skip(c, ep->url, "out of scope");
    dast_endpoint_free(ep);
    return;
  }
  if(dast__crawl_is_dangerous(c, ep->url) && strcmp(ep->method, "GET")) {
    /* an API operation named delete/reset is still an endpoint to test;
     * only its destructive methods are left out */
    if(!strcmp(ep->method, "DELETE")) {
      dast__crawl_skip(c, ep->url, "dangerous: DELETE of a delete-like path");
      dast_endpoint_free(ep);
      return;
    }
  }
  (void)dast__crawl_add_endpoint(c, ep, NULL);
}

static dast_err load_specs(struct dast_crawler *c, char *errbuf, size_t errlen)
{
  const struct dast_config *cfg = c->cfg;
  dast_err e = DAST_OK;
  if(cfg->openapi) {
    if(!strncasecmp(cfg->openapi, "http://", 7) || !strncasecmp(cfg->openapi, "https://", 8)) {
      if(!dast__crawl_discover(c, K_OPENAPI, "GET", cfg->openapi, DAST_SRC_OPENAPI, 0, NULL)) {
        snprintf(errbuf, errlen, "--openapi %s: URL is out of scope or invalid", cfg->openapi);
        return DAST_EINVAL;
      }
    } else {
      e = dast_openapi_load_file(cfg->openapi, cfg->target, take_endpoint, c, errbuf, errlen);
    }
  }
  if(!e && cfg->har) e = dast_har_load_file(cfg->har, take_endpoint, c, errbuf, errlen);
  return e;
}

static void seed_site(struct dast_crawler *c, const char *url)
{
  (void)dast__crawl_discover(c, K_PAGE, "GET", url, DAST_SRC_SEED, 0, NULL);
  char *origin = dast_url_origin(url);
  if(!origin) return;
  char *robots = dast_aprintf("%s/robots.txt", origin);
  char *sitemap = dast_aprintf("%s/sitemap.xml", origin);
  (void)dast__crawl_discover(c, K_ROBOTS, "GET", robots, DAST_SRC_ROBOTS, 1, NULL);
  (void)dast__crawl_discover(c, K_SITEMAP, "GET", sitemap, DAST_SRC_SITEMAP, 1, NULL);
  free(robots);
  free(sitemap);
  /* API descriptions are often served, unlinked, at a framework's default
   * path (springdoc, Swashbuckle, FastAPI, express-openapi ...): try them at
   * the origin and under the target's directory */
  static const char *const api_docs[] = {
      "openapi.json", "openapi.yaml", "swagger.json", "swagger.yaml", "v3/api-docs",
      "v2/api-docs", "api-docs", "swagger/v1/swagger.json", "api/openapi.json", "api/swagger.json"};
  char *dir = dast_url_resolve(url, "./");
  char *bases[2] = {dast_aprintf("%s/", origin), dir};
  for(size_t b = 0; b < 2; b++) {
    if(!bases[b] || (b == 1 && bases[0] && !strcmp(bases[0], bases[1]))) continue;
    for(size_t i = 0; i < sizeof(api_docs) / sizeof(api_docs[0]); i++) {
      char *u = dast_aprintf("%s%s", bases[b], api_docs[i]);
      /* a guess outside --include is not worth a line in the skipped list */
      if(dast_scope_allows(dast_engine_scope(c->eng), u) && !dast__crawl_is_dangerous(c, u))
        (void)dast__crawl_discover(c, K_APIDOC, "GET", u, DAST_SRC_GUESS, 1, NULL);
      free(u);
    }
  }
  free(bases[0]);
  free(bases[1]);
  free(origin);
}

dast_err dast_crawler_start(struct dast_crawler *c, char *errbuf, size_t errlen)
{
  if(!c) return DAST_EINVAL;
  if(errbuf && errlen) errbuf[0] = '\0';
  char dummy[8];
  if(!errbuf || !errlen) {
    errbuf = dummy;
    errlen = sizeof(dummy);
  }
  dast_err e = load_specs(c, errbuf, errlen);
  if(e) return e;
  if(!c->cfg->no_crawl) {
    if(c->cfg->target) seed_site(c, c->cfg->target);
    /* the login page is an endpoint too (its form is inventoried, never
     * submitted by the crawl) */
    if(c->cfg->login_url)
      (void)dast__crawl_discover(c, K_PAGE, "GET", c->cfg->login_url, DAST_SRC_SEED, 1, NULL);
    for(size_t i = 0; i < c->cfg->extra_seeds.n; i++)
      (void)dast__crawl_discover(c, K_PAGE, "GET", c->cfg->extra_seeds.v[i], DAST_SRC_SEED, 0,
                                 NULL);
  }
  if(c->cfg->login_url) dast__login_start(c);
  dast__crawl_pump(c);
  return DAST_OK;
}

void dast_crawler_stop(struct dast_crawler *c)
{
  if(c) c->stopped = true;
}

size_t dast_crawler_endpoints(const struct dast_crawler *c, struct dast_endpoint *const **out)
{
  *out = c->eps;
  return c->neps;
}

void dast_crawler_stats(const struct dast_crawler *c, struct dast_crawl_stats *out)
{
  *out = c->st;
  out->endpoints = c->neps;
  out->templates = c->tmpl_count.n;
  out->login_ok = c->login_ok;
  out->login_attempted = c->login_attempted;
  out->relogins = c->logins > 1 ? c->logins - 1 : 0;
  out->queued = c->nheap + c->nwaiting;
  out->in_flight = c->in_flight;
  memset(out->by_source, 0, sizeof(out->by_source));
  for(size_t i = 0; i < c->neps; i++)
    if((unsigned)c->eps[i]->source < DAST_SRC__COUNT) out->by_source[c->eps[i]->source]++;
}

size_t dast_crawler_skipped(const struct dast_crawler *c, const char *const **urls,
                            const char *const **reasons)
{
  *urls = (const char *const *)c->skip_url;
  *reasons = (const char *const *)c->skip_reason;
  return c->nskipped;
}

char *dast_crawler_summary(const struct dast_crawler *c)
{
  struct dast_crawl_stats st;
  dast_crawler_stats(c, &st);
  struct dast_buf b;
  dast_buf_init(&b, 0);
  (void)dast_buf_printf(&b, "crawl: %zu pages, %zu endpoints (", st.pages, st.endpoints);
  bool first = true;
  for(int i = 0; i < DAST_SRC__COUNT; i++) {
    if(!st.by_source[i]) continue;
    (void)dast_buf_printf(&b, "%s%s %zu", first ? "" : ", ", dast_source_name((enum dast_source)i),
                          st.by_source[i]);
    first = false;
  }
  (void)dast_buf_printf(&b, "), %zu templates, %zu forms; skipped: %zu out of scope, %zu dangerous, "
                            "%zu by the template bound; %zu errors",
                        st.templates, st.forms, st.out_of_scope, st.dangerous_skipped,
                        st.trap_limited, st.errors);
  if(st.capped) (void)dast_buf_printf(&b, "; %zu documents capped", st.capped);
  if(st.frontier_full)
    (void)dast_buf_printf(&b, "; %zu URLs dropped (frontier full)", st.frontier_full);
  if(st.login_attempted)
    (void)dast_buf_printf(&b, "; login %s (%d relogin%s)", st.login_ok ? "ok" : "FAILED",
                          st.relogins, st.relogins == 1 ? "" : "s");
  return dast_buf_take(&b, NULL);
}
