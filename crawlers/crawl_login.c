/* crawl_login.c — logging in and keeping the session (crawl.h).
 *
 * The flow is two requests on the engine's loop: GET cfg->login_url, pick
 * the login form (the one with a password field, else one sharing a field
 * name with cfg->login_data, else the first POST form), merge its fields
 * (hidden CSRF tokens included) with login_data, and submit it to the
 * form's action; the engine's cookie jar keeps the session.  login_data
 * that starts with '{' is posted as a JSON body to cfg->login_url.  Success: no
 * HTTP error, logged_in_regex matches / logged_out_regex doesn't, and —
 * without either regex — the answer shows no password field any more.
 * While a login runs the crawler submits nothing new (login_busy); pages
 * that come back logged out are parked in `waiting` and re-queued when it
 * finishes.  Logins are bounded by 1 + DAST__MAX_RELOGINS (max_logins; the
 * attack phase sets its own bound with dast_crawler_relogin_budget()).  A lost session
 * shows as a redirect to the login URL, a logged_out_regex match, or a 200
 * page of a template that showed logged_in_regex before and no longer does
 * (marker_tmpl, learnt while logged in), or — once any page showed the
 * marker — a page without it that asks for a password.
 *
 * Token logins: when the login answers JSON holding a bearer token (the
 * string under a key named like one — access_token, accessToken, token,
 * jwt, … — or else any JWT-shaped string), every later request carries
 * "Authorization: Bearer <token>" (dast_engine_set_auth), and a 401 means
 * the token expired: the session is lost, and a new login fetches another. */
#include "crawlers/crawl_int.h"

#include "crawlers/forms.h"
#include "crawlers/template.h"
#include "scanner/engine/url.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *path_of(const char *url)
{
  struct dast_url_parts parts;
  if(!url || dast_url_split(url, &parts) != DAST_OK) return NULL;
  char *p = parts.path ? dast_strdup(parts.path) : dast_strdup("/");
  dast_url_parts_free(&parts);
  return p;
}

static bool same_path(const char *url, const char *path)
{
  char *p = path_of(url);
  bool same = p && path && !strcmp(p, path);
  free(p);
  return same;
}

dast_err dast__login_init(struct dast_crawler *c, char *errbuf, size_t errlen)
{
  const struct dast_config *cfg = c->cfg;
  dast_err e = DAST_OK;
  c->max_logins = 1 + DAST__MAX_RELOGINS;
  if(cfg->logged_in_regex)
    e = dast_re_compile(cfg->logged_in_regex, 0, &c->logged_in, errbuf, errlen);
  if(!e && cfg->logged_out_regex)
    e = dast_re_compile(cfg->logged_out_regex, 0, &c->logged_out, errbuf, errlen);
  if(e) return DAST_EINVAL;
  if(cfg->login_url) {
    c->login_path = path_of(cfg->login_url);
    if(!c->login_path) {
      if(errbuf && errlen) snprintf(errbuf, errlen, "--login-url %s: not an http(s) URL", cfg->login_url);
      return DAST_EINVAL;
    }
  }
  return DAST_OK;
}

bool dast__login_is_action(const struct dast_crawler *c, const char *url)
{
  if(!c->login_action) return false;
  char *bare = dast_url_strip_query(url);
  bool same = bare && !strcmp(bare, c->login_action);
  free(bare);
  return same;
}

static void finish(struct dast_crawler *c, bool ok)
{
  c->login_busy = false;
  c->login_ok = ok;
  if(ok) c->had_login = true;
  DAST_LOG(ok ? DAST_LOG_INFO : DAST_LOG_WARN, "crawl", "login %s (attempt %d)",
           ok ? "succeeded" : "FAILED", c->logins);
  if(!ok) c->st.errors++;
  /* cookies the site set during the login (a tracking id, a preference)
   * are not set again on later pages, since the jar sends them: record them
   * now as site cookies (session-like names are filtered there) */
  const char *site = c->cfg->target ? c->cfg->target : c->cfg->login_url;
  if(site) {
    char *jar = dast_engine_cookie_header(c->eng, site), *p = jar, *tok;
    while((tok = strsep(&p, ";"))) {
      while(*tok == ' ') tok++;
      char *eq = strchr(tok, '=');
      if(!eq || eq == tok) continue;
      *eq = '\0';
      dast__crawl_site_cookie(c, tok, eq + 1);
    }
    free(jar);
  }
  for(size_t i = 0; i < c->nwaiting; i++) dast__crawl_push(c, c->waiting[i]);
  c->nwaiting = 0;
  dast_timer_cb done = c->login_done;
  c->login_done = NULL;
  if(done) done(c->eng, c->login_done_ud);
  dast__crawl_pump(c);
}

static bool shows_password_field(const struct dast_response *r)
{
  if(!r->body) return false;
  return dast_strcasestr(r->body, "type=\"password\"") || dast_strcasestr(r->body, "type='password'") ||
         dast_strcasestr(r->body, "type=password");
}

/* Rank of a key that names a bearer token (lower is better), or -1. */
static int token_key_rank(const char *k)
{
  char n[32];
  size_t j = 0;
  for(; *k && j < sizeof(n) - 1; k++)
    if(*k != '_' && *k != '-') n[j++] = (char)tolower((unsigned char)*k);
  if(*k) return -1;
  n[j] = '\0';
  static const char *const names[] = {"accesstoken", "token", "jwt", "authtoken", "bearertoken",
                                      "bearer", "sessiontoken", "apitoken", "idtoken"};
  for(size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    if(!strcmp(n, names[i])) return (int)i;
  return -1;
}

static bool jwt_shaped(const char *s)
{
  if(strncmp(s, "eyJ", 3)) return false;
  const char *d1 = strchr(s, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
  return d2 && d1 - s >= 10 && d2 - d1 > 10;
}

static bool token_text(const char *s, size_t n)
{
  if(n < 8 || n > 8192) return false;
  for(size_t i = 0; i < n; i++)
    if(s[i] <= ' ' || s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] >= 0x7f) return false;
  return true;
}

/* Walks a JSON login answer for the best token (see the file comment). */
static void find_token(json_t *j, int depth, const char **best, int *best_rank)
{
  if(depth > 8) return;
  const char *k;
  json_t *v;
  size_t i;
  if(json_is_object(j)) {
    json_object_foreach(j, k, v)
    {
      if(json_is_string(v) && token_text(json_string_value(v), json_string_length(v))) {
        int rank = token_key_rank(k);
        if(rank < 0 && jwt_shaped(json_string_value(v)) && !strstr(k, "efresh")) rank = 50;
        if(rank >= 0 && rank < *best_rank) {
          *best = json_string_value(v);
          *best_rank = rank;
        }
      } else {
        find_token(v, depth + 1, best, best_rank);
      }
    }
  } else if(json_is_array(j)) {
    json_array_foreach(j, i, v)
    {
      if(i >= 64) break;
      find_token(v, depth + 1, best, best_rank);
    }
  }
}

/* A bearer token in the login answer becomes every request's
 * Authorization header; returns whether one was found. */
static bool take_token(struct dast_crawler *c, const struct dast_response *r)
{
  if(!r->body || !r->body_len || r->body_len > (1u << 20)) return false;
  size_t at = 0;
  while(at < r->body_len && (r->body[at] == ' ' || r->body[at] == '\n' || r->body[at] == '\r' ||
                             r->body[at] == '\t'))
    at++;
  if(at == r->body_len || (r->body[at] != '{' && r->body[at] != '[')) return false;
  json_t *j = json_loadb(r->body, r->body_len, JSON_DISABLE_EOF_CHECK, NULL);
  if(!j) return false;
  const char *tok = NULL;
  int rank = 1000;
  find_token(j, 0, &tok, &rank);
  if(tok) {
    char *h = dast_aprintf("Authorization: Bearer %s", tok);
    dast_engine_set_auth(c->eng, h);
    free(h);
    c->bearer = true;
    DAST_LOG(DAST_LOG_INFO, "crawl", "login answered a bearer token: sent with every request");
  }
  json_decref(j);
  return tok != NULL;
}

static void on_login_post(struct dast_engine *eng, const struct dast_request *req,
                          const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct dast_crawler *c = ud;
  bool ok = !r->err && r->status > 0 && r->status < 400;
  if(ok) (void)take_token(c, r);
  if(ok && c->logged_in) ok = dast_re_test(c->logged_in, r->body, r->body_len);
  if(ok && c->logged_out) ok = !dast_re_test(c->logged_out, r->body, r->body_len);
  if(ok && !c->logged_in && !c->logged_out) ok = !shows_password_field(r);
  finish(c, ok);
}

/* login_data ("a=1&b=2") as decoded pairs into ep as params of `kind`,
 * replacing same-named ones. */
static void merge_login_data(struct dast_endpoint *ep, const char *data, enum dast_ip_kind kind)
{
  const char *s = data;
  while(s && *s) {
    size_t n = strcspn(s, "&");
    const char *eq = memchr(s, '=', n);
    size_t nl = eq ? (size_t)(eq - s) : n;
    char *name = dast_url_decode(s, nl, true);
    char *value = eq ? dast_url_decode(eq + 1, n - nl - 1, true) : dast_strdup("");
    bool found = false;
    for(size_t i = 0; i < ep->nparams; i++)
      if(!strcmp(ep->params[i].name, name)) {
        dast_set_str(&ep->params[i].value, value);
        found = true;
      }
    if(!found && *name) dast_endpoint_add_param(ep, kind, name, value, "text");
    free(name);
    free(value);
    s += n;
    if(*s == '&') s++;
  }
}

struct pick {
  struct dast_endpoint *ep; /* chosen so far (owned) */
  int score;
  const char *login_data;
};

static void pick_form(void *ud, const struct dast_form *f)
{
  struct pick *p = ud;
  int score = !strcasecmp(f->method, "POST") ? 1 : 0;
  for(size_t i = 0; i < f->nfields; i++) {
    if(!strcasecmp(f->fields[i].type, "password")) score += 10;
    char *needle = dast_aprintf("%s=", f->fields[i].name);
    const char *hit = strstr(p->login_data, needle);
    if(hit && (hit == p->login_data || hit[-1] == '&')) score += 5;
    free(needle);
  }
  if(p->ep && score <= p->score) return;
  /* keep the form's own values (hidden tokens), not made-up ones */
  struct dast_endpoint *ep = dast_form_endpoint(f, NULL);
  for(size_t i = 0; i < f->nfields; i++)
    for(size_t j = 0; j < ep->nparams; j++)
      if(ep->params[j].kind != DAST_IP_PATH && !strcmp(ep->params[j].name, f->fields[i].name))
        dast_set_str(&ep->params[j].value, f->fields[i].value);
  dast_endpoint_free(p->ep);
  p->ep = ep;
  p->score = score;
}

static void ignore_url(void *ud, const struct dast_found *f)
{
  (void)ud;
  (void)f;
}

static void on_login_page(struct dast_engine *eng, const struct dast_request *req,
                          const struct dast_response *r, void *ud)
{
  (void)req;
  struct dast_crawler *c = ud;
  const char *data = c->cfg->login_data ? c->cfg->login_data : "";
  struct pick p = {NULL, 0, data};
  if(!r->err && r->body) {
    struct dast_html_stats hs;
    if(dast_html_extract(r->body, r->body_len, r->final_url ? r->final_url : c->cfg->login_url,
                         NULL, NULL, ignore_url, pick_form, &p, &hs) != DAST_OK)
      DAST_LOG(DAST_LOG_WARN, "crawl", "login page %s: extraction capped", c->cfg->login_url);
  }
  struct dast_endpoint *ep = p.ep;
  bool json = data[0] == '{';
  if(!ep || json) { /* no form, or a JSON API login: post the data to the login URL */
    dast_endpoint_free(ep);
    ep = dast_endpoint_new("POST", c->cfg->login_url, DAST_SRC_FORM);
    dast_set_str(&ep->content_type, json ? "application/json" : "application/x-www-form-urlencoded");
    if(json) dast_set_str(&ep->body, data);
  }
  enum dast_ip_kind kind = !strcmp(ep->method, "GET") ? DAST_IP_QUERY
                           : (ep->content_type && strstr(ep->content_type, "multipart"))
                               ? DAST_IP_MULTIPART
                               : DAST_IP_FORM;
  if(!json) merge_login_data(ep, data, kind);
  free(c->login_action);
  c->login_action = dast_strdup(ep->url);
  struct dast_built b;
  dast_err e = dast_endpoint_build(ep, -1, NULL, false, &b);
  if(!e) {
    struct dast_request rq = {.method = b.method, .url = b.url,
                              .headers = (const char *const *)b.headers, .nheaders = b.nheaders,
                              .body = b.body, .body_len = b.body_len, .max_redirects = 5,
                              .priority = 10};
    e = dast_engine_submit(eng, &rq, on_login_post, c);
    dast_built_free(&b);
  }
  dast_endpoint_free(ep);
  if(e) finish(c, false);
}

void dast__login_start(struct dast_crawler *c)
{
  if(!c->cfg->login_url || c->login_busy || c->logins >= c->max_logins) return;
  c->login_busy = true;
  c->login_attempted = true;
  c->logins++;
  struct dast_request rq = {.method = "GET", .url = c->cfg->login_url, .max_redirects = 5,
                            .priority = 10};
  if(dast_engine_submit(c->eng, &rq, on_login_page, c) != DAST_OK) finish(c, false);
}

static uint64_t marker_key(const char *url)
{
  char *t = dast_tmpl_of_url(url);
  uint64_t h = dast_hash64(t, strlen(t), 11);
  free(t);
  return h;
}

static bool lost(const struct dast_crawler *c, const char *req_url,
                 const struct dast_response *r)
{
  if(!c->cfg->login_url || !c->had_login || r->err) return false;
  if(req_url && same_path(req_url, c->login_path)) return false;
  if(c->bearer && r->status == 401) return true; /* the token expired */
  if(r->status >= 300 && r->status < 400) {
    const char *loc = dast_response_header(r, "Location");
    char *abs = loc ? dast_url_resolve(req_url ? req_url : r->final_url, loc) : NULL;
    bool to_login = abs && same_path(abs, c->login_path);
    free(abs);
    if(to_login) return true;
  }
  if(r->redirects > 0 && r->final_url && same_path(r->final_url, c->login_path)) return true;
  if(c->logged_out && r->body && dast_re_test(c->logged_out, r->body, r->body_len)) return true;
  /* a page whose template showed the logged-in marker before and now
   * doesn't: the app answers "please log in" in place */
  const char *url = req_url ? req_url : r->final_url;
  if(c->logged_in && url && r->body && r->status == 200 &&
     !dast_re_test(c->logged_in, r->body, r->body_len)) {
    if(dast__hset_has(&c->marker_tmpl, marker_key(url))) return true;
    /* no marker and a password field: a "please log in" page */
    if(c->marker_tmpl.n && shows_password_field(r)) return true;
  }
  return false;
}

void dast__login_learn(struct dast_crawler *c, const char *req_url, const struct dast_response *r)
{
  if(!c->logged_in || !c->login_ok || c->login_busy || r->err || r->status != 200 || !r->body)
    return;
  if(dast_re_test(c->logged_in, r->body, r->body_len))
    (void)dast__hset_add(&c->marker_tmpl, marker_key(req_url));
}

bool dast__login_lost(const struct dast_crawler *c, const char *req_url,
                      const struct dast_response *resp)
{
  return lost(c, req_url, resp);
}

bool dast_crawler_session_lost(const struct dast_crawler *c, const char *req_url,
                               const struct dast_response *resp)
{
  return c && resp && lost(c, req_url, resp);
}

bool dast__login_park(struct dast_crawler *c, struct dast__item *it)
{
  if(c->logins >= c->max_logins && !c->login_busy) return false;
  if(c->nwaiting == c->waiting_alloc) {
    c->waiting_alloc = c->waiting_alloc ? c->waiting_alloc * 2 : 16;
    c->waiting = dast_realloc(c->waiting, c->waiting_alloc * sizeof(*c->waiting));
  }
  c->waiting[c->nwaiting++] = it;
  if(!c->login_busy) {
    c->login_ok = false;
    dast__login_start(c);
  }
  return true;
}

dast_err dast_crawler_relogin(struct dast_crawler *c, dast_timer_cb done, void *ud)
{
  if(!c || !c->cfg->login_url) return DAST_EINVAL;
  if(!c->login_busy && c->logins >= c->max_logins) return DAST_ELIMIT;
  c->login_done = done;
  c->login_done_ud = ud;
  if(!c->login_busy) dast__login_start(c);
  return DAST_OK;
}

bool dast_crawler_logged_in(const struct dast_crawler *c)
{
  return c && c->login_ok && !c->login_busy;
}

void dast_crawler_relogin_budget(struct dast_crawler *c, int n)
{
  if(c) c->max_logins = c->logins + (n > 0 ? n : 0);
}
