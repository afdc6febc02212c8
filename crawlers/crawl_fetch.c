/* crawl_fetch.c — submitting the frontier to the engine and turning each
 * response into more URLs, forms and inventory endpoints.
 *
 * At most cfg->concurrency crawler requests are in flight, so the frontier
 * (not the engine's queue) decides the order.  Crawl requests don't follow
 * redirects (max_redirects 0): each hop's Location is discovered like a link
 * so every step of a chain is in the inventory and checked against the
 * scope.  A response is parsed inside its callback and forgotten; only
 * copies of the URLs found survive.  Besides the body (HTML, JS, JSON,
 * robots, sitemaps, API descriptions) each response feeds the inventory
 * with the cookies the site sets and, when the page echoes our
 * User-Agent, a header insertion point.  POST forms and JS POST calls with
 * a known body are submitted once per shape (never the login form, never
 * PUT/PATCH/DELETE). */
#include "crawlers/crawl_int.h"

#include "crawlers/forms.h"
#include "crawlers/openapi.h"
#include "crawlers/robots.h"
#include "crawlers/sitemap.h"
#include "crawlers/template.h"
#include "scanner/engine/pool.h"
#include "scanner/engine/url.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#define JSON_MAX_URLS 2000
#define JSON_MAX_NODES 200000


/* ---- links that change the application's state ---- */

#define LINK_MAX_WORDS 64

/* Lower-cased words (runs of letters and digits) of s[0..n), at most max. */
static size_t link_words(const char *s, size_t n, char w[][32], size_t max)
{
  size_t k = 0, len = 0;
  for(size_t i = 0; i <= n && k < max; i++) {
    unsigned char ch = i < n ? (unsigned char)s[i] : 0;
    bool al = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if(al && len < 31) w[k][len++] = (char)(ch | (ch >= 'A' && ch <= 'Z' ? 0x20 : 0));
    else if(!al && len) {
      w[k++][len] = '\0';
      len = 0;
    }
  }
  return k;
}

static bool word_in(const char *w, size_t n, const char *const *set)
{
  for(; *set; set++)
    if(strlen(*set) == n && !strncmp(w, *set, n)) return true;
  return false;
}

/* verbs that (re)build or wipe a database, and what they act on */
static const char *const db_verbs[] = {"setup", "install", "reinstall", "init", "initialize",
                                       "initialise", "create", "recreate", "reset", "drop",
                                       "wipe", "rebuild", "purge", "truncate", "clear", NULL};
static const char *const db_nouns[] = {"db", "database", "databases", "schema", "tables", NULL};
/* the "what to do" parameters and the verbs that flip a setting with them */
static const char *const do_names[] = {"do", "action", "act", "op", "operation", "cmd", "command",
                                       "task", "mode", "func", "function", NULL};
static const char *const flip_verbs[] = {"toggle", "enable", "disable", "activate", "deactivate",
                                         NULL};

/* verb and noun in one word: "initdb", "resetdb", "setupdatabase" */
static bool db_compound(const char *w)
{
  size_t n = strlen(w);
  for(const char *const *v = db_verbs; *v; v++) {
    size_t vl = strlen(*v);
    if(n > vl && !strncmp(w, *v, vl) && word_in(w + vl, n - vl, db_nouns)) return true;
  }
  return false;
}

bool dast__link_changes_state(const char *url, const char **why)
{
  const char *p = strstr(url, "://");
  p = p ? strchr(p + 3, '/') : url;
  if(!p) return false;
  size_t n = strcspn(p, "#");
  size_t qpos = strcspn(p, "?#");
  /* the path: "set-up-database.php", "/admin/reset_db", "/initdb" */
  char w[LINK_MAX_WORDS][32];
  size_t k = link_words(p, qpos, w, LINK_MAX_WORDS);
  for(size_t i = 0; i < k; i++) {
    size_t j = i;
    bool verb = word_in(w[i], strlen(w[i]), db_verbs);
    if(!verb && !strcmp(w[i], "set") && i + 1 < k && !strcmp(w[i + 1], "up")) verb = true, j++;
    if(verb && j + 1 < k && !strcmp(w[j + 1], "the")) j++;
    if((verb && j + 1 < k && word_in(w[j + 1], strlen(w[j + 1]), db_nouns)) || db_compound(w[i])) {
      *why = "dangerous: link (re)creates or wipes the database";
      return true;
    }
  }
  /* the query: ?do=toggle-security, ?action=disable_ssl */
  for(const char *q = p + qpos; q < p + n;) {
    q++; /* past '?' or '&' */
    size_t pl = strcspn(q, "&#");
    if(pl > (size_t)(p + n - q)) pl = (size_t)(p + n - q);
    const char *eq = memchr(q, '=', pl);
    if(eq && word_in(q, (size_t)(eq - q), do_names)) {
      char v[2][32];
      if(link_words(eq + 1, pl - (size_t)(eq + 1 - q), v, 2) >= 1 &&
         word_in(v[0], strlen(v[0]), flip_verbs)) {
        *why = "dangerous: link toggles a setting";
        return true;
      }
    }
    q += pl;
  }
  return false;
}

/* Skips a GET link that would change the application's state (unless the
 * user allowed dangerous links); true when it was skipped. */
static bool skip_state_link(struct dast_crawler *c, const char *url)
{
  const char *why = NULL;
  if(c->cfg->allow_dangerous_links || !dast__link_changes_state(url, &why)) return false;
  if(!dast_scope_allows(dast_engine_scope(c->eng), url)) return false;
  dast__crawl_skip(c, url, why);
  return true;
}

/* A link that says "Log out" or "Delete" is not followed, whatever its URL
 * looks like (/session/end, /item?id=3&op=x). */
static bool skip_by_label(struct dast_crawler *c, const struct dast_found *f)
{
  if(!f->label || c->cfg->allow_dangerous_links ||
     !dast_re_test(c->link_label, f->label, strlen(f->label)))
    return false;
  if(!dast_scope_allows(dast_engine_scope(c->eng), f->url)) return false;
  char *why = dast_aprintf("dangerous: link says \"%.60s\"", f->label);
  dast__crawl_skip(c, f->url, why);
  free(why);
  return true;
}

/* Queues one submission of inventory endpoint `idx` (built from `ep`, a
 * copy the caller keeps) with its sample values. */
static void submit_endpoint(struct dast_crawler *c, const struct dast_endpoint *ep, long idx,
                            const char *page_url, int depth)
{
  struct dast_built b;
  if(dast_endpoint_build(ep, -1, NULL, false, &b) != DAST_OK) return;
  struct dast__item *it = dast_calloc(1, sizeof(*it));
  it->kind = K_FORM;
  it->method = dast_strdup(b.method);
  it->url = dast_strdup(b.url);
  if(b.body) {
    it->body = dast_malloc(b.body_len + 1);
    memcpy(it->body, b.body, b.body_len + 1);
    it->body_len = b.body_len;
  }
  for(size_t i = 0; i < b.nheaders; i++)
    if(!strncasecmp(b.headers[i], "Content-Type:", 13)) it->ctype = dast_strdup(b.headers[i]);
  it->found_on = page_url ? dast_strdup(page_url) : NULL;
  it->src = ep->source;
  it->depth = depth;
  it->ep_index = idx;
  dast__crawl_push(c, it);
  dast_built_free(&b);
}

void dast__page_found(void *ud, const struct dast_found *f)
{
  struct dast__page *p = ud;
  struct dast_crawler *c = p->c;
  if(strcmp(f->method, "GET")) {
    /* a JS call with another method: into the inventory as it is */
    if(!dast_scope_allows(dast_engine_scope(c->eng), f->url)) {
      dast__crawl_skip(c, f->url, "out of scope");
      return;
    }
    if(dast__crawl_is_dangerous(c, f->url)) {
      dast__crawl_skip(c, f->url, "dangerous: looks like logout/delete/reset");
      return;
    }
    struct dast_endpoint *ep = dast_tmpl_endpoint(f->method, f->url, f->src);
    dast_tmpl_set_inventory(ep);
    dast_set_str(&ep->found_on, p->url);
    if(f->json_keys) {
      char *keys = dast_strdup(f->json_keys), *save = keys;
      for(char *k = keys; k && *k;) {
        char *comma = strchr(k, ',');
        if(comma) *comma = '\0';
        char *ptr = dast_aprintf("/%s", k);
        char *v = dast_form_value(k, NULL, NULL);
        dast_endpoint_add_param(ep, DAST_IP_JSON, ptr, v, "string");
        free(ptr);
        free(v);
        k = comma ? comma + 1 : NULL;
      }
      free(save);
      dast_set_str(&ep->content_type, "application/json");
    } else if(f->content_type && dast_strcasestr(f->content_type, "xml")) {
      dast_endpoint_add_param(ep, DAST_IP_XML, "body",
                              "<?xml version=\"1.0\"?><root><name>dastgate</name></root>", "xml");
      dast_set_str(&ep->content_type, f->content_type);
    } else if(f->content_type && dast_strcasestr(f->content_type, "json")) {
      dast_set_str(&ep->content_type, "application/json");
      dast_set_str(&ep->body, "{}");
    }
    /* POST calls with a known body shape are submitted once, like forms;
     * PUT/PATCH/DELETE never are (they change or destroy data) */
    bool submit = !strcmp(f->method, "POST") && ep->content_type && p->it->depth < c->cfg->max_depth;
    struct dast_endpoint *copy = submit ? dast_endpoint_dup(ep) : NULL;
    bool added = false;
    long idx = dast__crawl_add_endpoint(c, ep, &added);
    if(copy && added) submit_endpoint(c, copy, idx, p->url, p->it->depth + 1);
    dast_endpoint_free(copy);
    return;
  }
  if(skip_state_link(c, f->url) || skip_by_label(c, f)) return;
  (void)dast__crawl_discover(c, K_PAGE, "GET", f->url, f->src, p->it->depth + 1, p->url);
}

void dast__page_found_pre(void *ud, const struct dast_found *f, const struct dast__link_pre *pre)
{
  struct dast__page *p = ud;
  if(strcmp(f->method, "GET")) {
    dast__page_found(ud, f);
    return;
  }
  if(pre->drop || dast__hset_has(&p->c->offered, pre->exact)) return; /* as discover_pre would */
  if(skip_state_link(p->c, f->url) || skip_by_label(p->c, f)) return;
  (void)dast__crawl_discover_pre(p->c, K_PAGE, "GET", f->url, f->src, p->it->depth + 1, p->url, pre);
}

void dast__page_form(void *ud, const struct dast_form *f)
{
  struct dast__page *p = ud;
  dast__crawl_form(p->c, f, p->url, p->it->depth + 1);
}

static void on_sitemap_ref(void *ud, const struct dast_found *f)
{
  struct dast__page *p = ud;
  if(skip_state_link(p->c, f->url)) return;
  (void)dast__crawl_discover(p->c, K_SITEMAP, "GET", f->url, DAST_SRC_SITEMAP, p->it->depth + 1,
                             p->url);
}

static void on_robots_path(void *ud, const struct dast_found *f)
{
  struct dast__page *p = ud;
  if(skip_state_link(p->c, f->url)) return;
  (void)dast__crawl_discover(p->c, K_PAGE, "GET", f->url, f->src, p->it->depth + 1, p->url);
}

/* ---- forms ---- */

/* A password-change form: two or more password inputs (new + confirm), or
 * a field named like a new/confirmed password. */
static bool changes_credentials(const struct dast_form *f)
{
  size_t pw = 0;
  for(size_t i = 0; i < f->nfields; i++) {
    const struct dast_form_field *fd = &f->fields[i];
    if(fd->type && !strcmp(fd->type, "password")) pw++;
    const char *n = fd->name ? fd->name : "";
    if((dast_strcasestr(n, "new") || dast_strcasestr(n, "conf") || dast_strcasestr(n, "repeat") ||
        dast_strcasestr(n, "retype")) &&
       (dast_strcasestr(n, "pass") || dast_strcasestr(n, "pwd")))
      return true;
  }
  return pw >= 2;
}

/* A form whose submit control says it resets, deletes, drops ... data, or
 * whose hidden "what to do" field (action, op, do, cmd, task, mode, method)
 * names such an operation.  Sets *why to the words that gave it away. */
static bool destroys_data(const struct dast_crawler *c, const struct dast_form *f, const char **why)
{
  if(f->labels && dast_re_test(c->destructive, f->labels, strlen(f->labels))) {
    *why = f->labels;
    return true;
  }
  static const char *const verbs[] = {"action", "op", "do", "cmd", "task", "mode", "method",
                                      "operation", "submit", "_method"};
  for(size_t i = 0; i < f->nfields; i++) {
    const struct dast_form_field *fd = &f->fields[i];
    if(!fd->name || !fd->value || !*fd->value) continue;
    bool verb = fd->type && !strcmp(fd->type, "submit");
    for(size_t k = 0; !verb && k < sizeof(verbs) / sizeof(verbs[0]); k++)
      verb = !strcasecmp(fd->name, verbs[k]) && fd->type && !strcmp(fd->type, "hidden");
    if((verb && dast_re_test(c->destructive, fd->value, strlen(fd->value))) ||
       (fd->type && !strcmp(fd->type, "submit") &&
        dast_re_test(c->destructive, fd->name, strlen(fd->name)))) {
      *why = fd->value;
      return true;
    }
  }
  return false;
}

void dast__crawl_form(struct dast_crawler *c, const struct dast_form *f, const char *page_url,
                      int depth)
{
  if(!dast_scope_allows(dast_engine_scope(c->eng), f->action)) {
    dast__crawl_skip(c, f->action, "out of scope");
    return;
  }
  if(dast__crawl_is_dangerous(c, f->action)) {
    dast__crawl_skip(c, f->action, "dangerous: form looks like logout/delete/reset");
    return;
  }
  const char *why = NULL;
  if(!c->cfg->allow_dangerous_links && destroys_data(c, f, &why)) {
    /* DVWA's "Create / Reset Database", XVWA's "Submit / Reset": the crawl
     * would submit it and the attack would submit it a few hundred times */
    char *reason = dast_aprintf("dangerous: form says \"%.60s\"", why);
    dast__crawl_skip(c, f->action, reason);
    free(reason);
    return;
  }
  if(!c->cfg->allow_dangerous_links && changes_credentials(f)) {
    /* submitting it (or attacking it) would change the account's password
     * and lock the scan, and the user, out */
    dast__crawl_skip(c, f->action, "dangerous: form changes a password");
    return;
  }
  struct dast_endpoint *ep = dast_form_endpoint(f, page_url);
  struct dast_endpoint *copy = dast_endpoint_dup(ep);
  bool added = false;
  long idx = dast__crawl_add_endpoint(c, ep, &added);
  if(!added) {
    dast_endpoint_free(copy);
    return;
  }
  c->st.forms++;
  /* the login form is submitted only by the login flow: a crawl submission
   * with made-up credentials could end the session */
  if(dast__login_is_action(c, copy->url) || depth > c->cfg->max_depth) {
    dast_endpoint_free(copy);
    return;
  }
  submit_endpoint(c, copy, idx, page_url, depth);
  dast_endpoint_free(copy);
}

/* ---- response parsing ---- */

static bool ctype_has(const struct dast_response *r, const char *what)
{
  return r->content_type && dast_strcasestr(r->content_type, what);
}

static bool path_ends(const char *url, const char *suffix)
{
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  size_t n = strcspn(p, "?#"), k = strlen(suffix);
  return n >= k && !strncasecmp(p + n - k, suffix, k);
}

static void json_walk(struct dast__page *p, json_t *v, size_t *nodes, size_t *urls)
{
  if(++*nodes > JSON_MAX_NODES || *urls >= JSON_MAX_URLS) return;
  if(json_is_string(v)) {
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    bool urlish = n > 1 && n < 2048 && !strpbrk(s, " \t\n<>\"'{}") &&
                  ((s[0] == '/' && s[1] != '/') || !strncmp(s, "http://", 7) ||
                   !strncmp(s, "https://", 8));
    if(!urlish) return;
    char *abs = dast_url_resolve(p->url, s);
    if(abs) {
      (*urls)++;
      (void)dast__crawl_discover(p->c, K_PAGE, "GET", abs, DAST_SRC_JSON, p->it->depth + 1, p->url);
    }
    free(abs);
  } else if(json_is_object(v)) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) json_walk(p, x, nodes, urls);
  } else if(json_is_array(v)) {
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) json_walk(p, x, nodes, urls);
  }
}

static void take_api_endpoint(void *ud, struct dast_endpoint *ep)
{
  struct dast_crawler *c = ud;
  if(!dast_scope_allows(dast_engine_scope(c->eng), ep->url)) {
    dast__crawl_skip(c, ep->url, "out of scope");
    dast_endpoint_free(ep);
    return;
  }
  (void)dast__crawl_add_endpoint(c, ep, NULL);
}

static void parse_json(struct dast__page *p, const struct dast_response *r)
{
  json_error_t err;
  json_t *doc = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, &err);
  if(!doc) return; /* not our problem: an API may answer anything */
  if(json_is_object(doc) && json_is_object(json_object_get(doc, "paths")) &&
     (json_object_get(doc, "openapi") || json_object_get(doc, "swagger"))) {
    /* an API description found while crawling: import it */
    char msg[512];
    if(dast_openapi_load_buf(r->body, r->body_len, p->url, p->url, p->c->cfg->target,
                             take_api_endpoint, p->c, msg, sizeof(msg)))
      DAST_LOG(DAST_LOG_WARN, "crawl", "%s", msg);
  }
  size_t nodes = 0, urls = 0;
  json_walk(p, doc, &nodes, &urls);
  if(nodes > JSON_MAX_NODES || urls >= JSON_MAX_URLS) p->c->st.capped++;
  json_decref(doc);
}

/* Location / Content-Location / Link / Refresh headers. */
static void harvest_headers(struct dast__page *p, const struct dast_response *r)
{
  int d = p->it->depth + 1;
  for(size_t i = 0; i < r->nheaders; i++) {
    const char *n = r->headers[i].name, *v = r->headers[i].value;
    if(!n || !v) continue;
    char *ref = NULL;
    enum dast_source src = DAST_SRC_HEADER;
    if(!strcasecmp(n, "Location")) {
      ref = dast_strdup(v);
      src = DAST_SRC_REDIRECT;
    } else if(!strcasecmp(n, "Content-Location")) {
      ref = dast_strdup(v);
    } else if(!strcasecmp(n, "Refresh")) {
      ref = dast_html_refresh_url(v);
    } else if(!strcasecmp(n, "Link")) {
      for(const char *s = strchr(v, '<'); s; s = strchr(s + 1, '<')) {
        const char *e = strchr(s, '>');
        if(!e) break;
        char *u = dast_strndup(s + 1, (size_t)(e - s - 1));
        char *abs = dast_url_resolve(p->url, u);
        if(abs) (void)dast__crawl_discover(p->c, K_PAGE, "GET", abs, src, d, p->url);
        free(abs);
        free(u);
      }
      continue;
    }
    if(!ref) continue;
    char *abs = dast_url_resolve(p->url, ref);
    if(abs) (void)dast__crawl_discover(p->c, K_PAGE, "GET", abs, src, d, p->url);
    free(abs);
    free(ref);
  }
}

static void parse_sitemap(struct dast__page *p, const struct dast_response *r)
{
  dast_err e = dast_sitemap_extract(r->body, r->body_len, p->url, 20000, dast__page_found, on_sitemap_ref,
                                    p, NULL);
  if(e == DAST_ELIMIT) p->c->st.capped++;
  else if(e) p->c->st.errors++;
}

/* An OpenAPI/Swagger document in JSON or YAML: "openapi"/"swagger" and
 * "paths" keys near the top (a guessed URL that answers with an HTML page
 * or anything else is ignored without a word). */
static bool looks_like_api_description(const char *body, size_t len)
{
  size_t head = len < 4096 ? len : 4096;
  char *h = dast_strndup(body, head);
  bool json = dast_strcasestr(h, "\"openapi\"") || dast_strcasestr(h, "\"swagger\"");
  bool yaml = !strncmp(h, "openapi:", 8) || !strncmp(h, "swagger:", 8) || strstr(h, "\nopenapi:") ||
              strstr(h, "\nswagger:");
  free(h);
  return (json || yaml) && dast_memmem(body, len, "paths", 5);
}

enum markup { M_OTHER, M_HTML, M_JS };

/* HTML or JavaScript (the bodies worth a parse thread), for a page item. */
static enum markup markup_of(const struct dast__page *p, const struct dast_response *r)
{
  if(p->it->kind != K_PAGE && p->it->kind != K_FORM) return M_OTHER;
  if(!r->body || !r->body_len) return M_OTHER;
  if(ctype_has(r, "html") || (!r->content_type && dast_strcasestr(r->body, "<html")))
    return M_HTML;
  if(ctype_has(r, "javascript") || ctype_has(r, "ecmascript") || path_ends(p->url, ".js"))
    return M_JS;
  return M_OTHER;
}

static void parse_body(struct dast__page *p, const struct dast_response *r)
{
  struct dast_crawler *c = p->c;
  const struct dast__item *it = p->it;
  if(!r->body || !r->body_len) return;
  if(it->kind == K_ROBOTS) {
    if(r->status == 200 && !ctype_has(r, "html")) {
      bool capped = false;
      (void)dast_robots_extract(r->body, r->body_len, p->url, 5000, on_robots_path,
                                on_sitemap_ref, p, &capped);
      if(capped) c->st.capped++;
    }
    return;
  }
  if(it->kind == K_SITEMAP) {
    if(r->status == 200 && !ctype_has(r, "html")) parse_sitemap(p, r);
    return;
  }
  if(it->kind == K_APIDOC) {
    if(r->status == 200 && looks_like_api_description(r->body, r->body_len)) {
      char err[512];
      if(dast_openapi_load_buf(r->body, r->body_len, it->url, p->url, c->cfg->target,
                               take_api_endpoint, c, err, sizeof(err)))
        DAST_LOG(DAST_LOG_DEBUG, "crawl", "%s", err); /* a guess: not the user's problem */
    }
    return;
  }
  if(it->kind == K_OPENAPI) {
    char err[512];
    if(r->status < 200 || r->status > 299) { /* an error page is no description */
      snprintf(err, sizeof(err), "%s: HTTP %ld", it->url, r->status);
      DAST_LOG(DAST_LOG_ERROR, "crawl", "%s", err);
      c->st.errors++;
      snprintf(c->st.api_error, sizeof(c->st.api_error), "%.300s", err);
    } else if(dast_openapi_load_buf(r->body, r->body_len, it->url, p->url, c->cfg->target,
                                    take_api_endpoint, c, err, sizeof(err))) {
      DAST_LOG(DAST_LOG_ERROR, "crawl", "%s", err);
      c->st.errors++;
      snprintf(c->st.api_error, sizeof(c->st.api_error), "%.300s", err);
    }
    return;
  }
  enum markup m = markup_of(p, r);
  if(m == M_HTML) {
    struct dast_html_stats hs;
    if(dast_html_extract(r->body, r->body_len, p->url, c->js, NULL, dast__page_found,
                         dast__page_form, p, &hs) == DAST_ELIMIT)
      c->st.capped++;
  } else if(m == M_JS) {
    bool capped = false;
    (void)dast_jsurls_extract(c->js, r->body, r->body_len, p->url, DAST_JSURLS_MAX,
                              dast__page_found, p, &capped);
    if(capped) c->st.capped++;
  } else if(ctype_has(r, "json")) {
    parse_json(p, r);
  } else if(ctype_has(r, "xml") && dast_strcasestr(p->url, "sitemap")) {
    parse_sitemap(p, r);
  }
}

/* Records a fetched page in the inventory. */
static void record(struct dast_crawler *c, const struct dast__item *it, long status)
{
  if(it->ep_index >= 0) {
    c->eps[it->ep_index]->status = (int)status;
    return;
  }
  if(it->kind != K_PAGE || status == 404 || status == 410 || status == 0) return;
  struct dast_endpoint *ep = dast_tmpl_endpoint(it->method, it->url, it->src);
  /* one inventory endpoint for all the pages of a route parameter
   * (index.php?page=a.php, ?page=b.php): the crawl visits each page, the
   * attack probes the shape once — unless a page takes more than the route */
  dast_tmpl_set_inventory(ep);
  dast_set_str(&ep->found_on, it->found_on);
  ep->status = (int)status;
  long idx = dast__crawl_add_endpoint(c, ep, NULL);
  if(!c->eps[idx]->status) c->eps[idx]->status = (int)status;
}

/* The inventory endpoint a fetched item was recorded as, or NULL. */
static struct dast_endpoint *item_endpoint(struct dast_crawler *c, const struct dast__item *it)
{
  if(it->ep_index >= 0) return c->eps[it->ep_index];
  struct dast_endpoint *probe = dast_tmpl_endpoint(it->method, it->url, it->src);
  dast_tmpl_set_inventory(probe);
  uint32_t slot = dast__hset_count(&c->ep_index, dast_tmpl_endpoint_key(probe));
  dast_endpoint_free(probe);
  return slot ? c->eps[slot - 1] : NULL;
}

/* Cookies the site sets (a tracking id, a preference) are sent by a
 * browser to every page, so any page may read them: they become insertion
 * points of every crawled endpoint.  Session-like cookies and deletions
 * (empty value, Max-Age=0) are left alone. */
static void record_cookies(struct dast_crawler *c, const struct dast_response *r)
{
  for(size_t i = 0; i < r->nheaders; i++) {
    if(!r->headers[i].name || strcasecmp(r->headers[i].name, "Set-Cookie")) continue;
    const char *v = r->headers[i].value;
    size_t n = strcspn(v, ";"), eq = strcspn(v, "=");
    if(eq >= n || eq == 0 || n > 4096 || dast_strcasestr(v, "max-age=0")) continue;
    char *name = dast_strndup(v, eq), *value = dast_strndup(v + eq + 1, n - eq - 1);
    dast__crawl_site_cookie(c, name, value);
    free(name);
    free(value);
  }
}

/* A page that echoes our User-Agent reads that header: it becomes an
 * insertion point of the endpoint (a precise signal, no guessing). */
static void record_reflected_ua(struct dast_crawler *c, const struct dast__item *it,
                                const struct dast_response *r)
{
  const char *ua = c->cfg->user_agent;
  if(!ua || strlen(ua) < 6 || !r->body || (it->kind != K_PAGE && it->kind != K_FORM)) return;
  if(!dast_memmem(r->body, r->body_len, ua, strlen(ua))) return;
  struct dast_endpoint *ep = item_endpoint(c, it);
  if(!ep) return;
  for(size_t k = 0; k < ep->nparams; k++)
    if(ep->params[k].kind == DAST_IP_HEADER && !strcasecmp(ep->params[k].name, "User-Agent")) return;
  dast_endpoint_add_param(ep, DAST_IP_HEADER, "User-Agent", ua, "header");
}

static void on_response(struct dast_engine *eng, const struct dast_request *req,
                        const struct dast_response *resp, void *ud)
{
  (void)eng;
  (void)req;
  struct dast__item *it = ud;
  struct dast_crawler *c = it->owner;
  c->in_flight--;
  if(resp->err) {
    if(resp->err != DAST_ECANCEL) c->st.errors++;
    else c->stopped = true;
    if(it->kind == K_OPENAPI && resp->err != DAST_ECANCEL)
      snprintf(c->st.api_error, sizeof(c->st.api_error), "%s: %s", it->url,
               resp->errmsg[0] ? resp->errmsg : dast_strerror(resp->err));
    dast__item_free(it);
    dast__crawl_pump(c);
    return;
  }
  if(it->kind != K_OPENAPI && it->kind != K_APIDOC && dast__login_lost(c, it->url, resp)) {
    DAST_LOG(DAST_LOG_INFO, "crawl", "session lost at %s", it->url);
    if(it->retried < 1) {
      it->retried++;
      if(dast__login_park(c, it)) {
        dast__crawl_pump(c);
        return;
      }
    }
  }
  dast__login_learn(c, it->url, resp);
  c->st.pages++;
  if(it->kind == K_APIDOC && resp->status == 200 && resp->body &&
     looks_like_api_description(resp->body, resp->body_len)) {
    struct dast__item page = *it; /* a description found by guessing is an endpoint too */
    page.kind = K_PAGE;
    record(c, &page, resp->status);
  } else {
    record(c, it, resp->status);
  }
  record_cookies(c, resp);
  record_reflected_ua(c, it, resp);
  struct dast__page p = {c, it, resp->final_url ? resp->final_url : it->url};
  harvest_headers(&p, resp);
  enum markup m = dast_pool_threads(c->pool) ? markup_of(&p, resp) : M_OTHER;
  if(m != M_OTHER) {
    dast__parse_offload(c, it, p.url, resp, m == M_HTML); /* takes it */
  } else {
    parse_body(&p, resp);
    dast__item_free(it);
  }
  dast__crawl_pump(c);
}

static bool page_budget_left(const struct dast_crawler *c)
{
  return c->cfg->max_pages <= 0 || c->submitted < (size_t)c->cfg->max_pages;
}

void dast__crawl_pump(struct dast_crawler *c)
{
  size_t limit = c->cfg->concurrency > 0 ? (size_t)c->cfg->concurrency : 16;
  /* bodies waiting for a parse thread are bounded in count and in bytes, so
   * a site of 4 MB pages can't pile them up */
  while(!c->stopped && !c->login_busy && c->in_flight < limit && c->parsing < limit &&
        c->parsing_bytes < DAST__PARSE_BYTES && c->nheap) {
    if(!page_budget_left(c) || dast_engine_expired(c->eng)) {
      c->stopped = true;
      break;
    }
    struct dast__item *it = dast__crawl_pop(c);
    /* browser-like: the page a link or form was found on is the Referer
     * (some apps check it on form posts) */
    char *referer = it->found_on ? dast_aprintf("Referer: %s", it->found_on) : NULL;
    const char *hdrs[2];
    size_t nh = 0;
    if(it->ctype) hdrs[nh++] = it->ctype;
    if(referer) hdrs[nh++] = referer;
    struct dast_request req = {.method = it->method, .url = it->url, .headers = hdrs,
                               .nheaders = nh, .body = it->body, .body_len = it->body_len,
                               .max_redirects = 0, .priority = it->repeat ? 0 : 1,
                               .flags = it->kind == K_APIDOC ? DAST_REQ_MADE_UP : 0u};
    it->owner = c;
    dast_err e = dast_engine_submit(c->eng, &req, on_response, it);
    free(referer);
    if(e == DAST_OK) {
      c->in_flight++;
      c->submitted++;
      continue;
    }
    if(e == DAST_ESCOPE) dast__crawl_skip(c, it->url, "out of scope");
    else if(e == DAST_ELIMIT || e == DAST_ECANCEL) c->stopped = true;
    else c->st.errors++;
    dast__item_free(it);
  }
}
