/* jsurls.c — URL extraction from JavaScript (jsurls.h).
 *
 * Two kinds of patterns, all compiled once into struct dast_jsurls:
 *  - call patterns that name a method (fetch, .open, $.get/$.post/$.ajax,
 *    axios.*, location=, window.open) and capture the URL argument;
 *  - one generic pattern for string literals that look like URLs: absolute
 *    http(s), root-relative "/x", "./x", "../x", or "name.ext" with a
 *    server-side extension.
 * Every capture is a run of characters that excludes all three quote
 * characters and whitespace, so each match attempt stops at the next quote:
 * the total work is linear in the script (and re.h's match limits bound it
 * anyway).  A per-call hash set suppresses duplicates; nothing outlives the
 * call except what the callback copies.
 *
 * URL prefixes kept in constants (`const API = "/api/v2"`, `baseURL:
 * "/backend"`, `... || "/api"`) are the rule in single-page apps, and the
 * calls then build on them: fetch(`${API}/users/${id}`), API + "/cart".
 * When a script defines such constants, the patterns run on a copy of it
 * where those uses are rewritten into plain literals ("/api/v2/users/${id}",
 * "/api/v2/cart"), so the call patterns still see the method and body.  The
 * copy is bounded (MAX_CONSTS names, MAX_GROWTH extra bytes). */
#include "crawlers/jsurls.h"

#include "crawlers/hset.h"
#include "scanner/engine/re.h"
#include "scanner/engine/url.h"

#include <stdlib.h>
#include <string.h>

#define LIT "([^\"'`\\s<>\\\\]{1,2048})"

enum { P_FETCH, P_OPEN, P_JQ, P_AXIOS, P_URLKEY, P_LOC, P_GENERIC, P__COUNT };

/* For each pattern: regex, capture group of the method (0 = none), capture
 * group of the URL. */
static const struct {
  const char *re;
  int method_group, url_group;
} patterns[P__COUNT] = {
    [P_FETCH] = {"\\bfetch\\s*\\(\\s*([\"'`])" LIT "\\1", 0, 2},
    [P_OPEN] = {"\\.open\\s*\\(\\s*[\"']([A-Za-z]{3,7})[\"']\\s*,\\s*([\"'`])" LIT "\\2", 1, 3},
    [P_JQ] = {"\\$\\.(get|post|getJSON|ajax|load)\\s*\\(\\s*([\"'`])" LIT "\\2", 1, 3},
    [P_AXIOS] = {"\\baxios(?:\\.(get|post|put|delete|patch|head))?\\s*\\(\\s*([\"'`])" LIT "\\2",
                 1, 3},
    [P_URLKEY] = {"\\b(?:url|href|action|endpoint)\\s*:\\s*([\"'`])" LIT "\\1", 0, 2},
    [P_LOC] = {"(?:\\blocation(?:\\.href)?\\s*=|\\blocation\\.(?:assign|replace)\\s*\\(|"
               "\\bwindow\\.open\\s*\\()\\s*([\"'`])" LIT "\\1",
               0, 2},
    [P_GENERIC] = {"([\"'`])((?:https?:)?/[^\"'`\\s<>\\\\]{0,2047}|\\.\\.?/[^\"'`\\s<>\\\\]{1,2045}|"
                   "[A-Za-z0-9_\\-./]{1,256}\\.(?:php|aspx?|jsp|do|action|json|html?|cgi|pl|xml)"
                   "(?:\\?[^\"'`\\s<>\\\\]{0,1024})?)\\1",
                   0, 2},
};

/* Looks after a call's URL argument for an options object naming the
 * method and a JSON.stringify({...}) body. */
#define AFTER_METHOD "^\\s*[,)][^;]{0,400}?\\b(?:method|type)\\s*:\\s*[\"']([A-Za-z]{3,7})[\"']"
#define AFTER_JSON "^\\s*,[^;]{0,400}?JSON\\.stringify\\s*\\(\\s*\\{([^{}]{0,600})\\}"
#define AFTER_CTYPE "^\\s*,[^;]{0,400}?[\"']?content-type[\"']?\\s*:\\s*[\"']([^\"']{1,100})[\"']"
#define JSON_KEY "(?:^|,)\\s*[\"']?([A-Za-z_$][A-Za-z0-9_$]{0,63})[\"']?\\s*(?::|,|$)"

/* A URL-prefix value: root-relative, ./ ../, or absolute http(s), without
 * quotes, whitespace or '$' (a template's own ${...}). */
#define PREFIX "((?:https?:)?/[^\"'`\\s<>\\\\$]{0,255}|\\.\\.?/[^\"'`\\s<>\\\\$]{0,253})"
/* const|let|var NAME = "value" (also `= something || "value"`) */
#define CONST_DECL                                                                               \
  "\\b(?:const|let|var)\\s+([A-Za-z_$][\\w$]{0,63})\\s*=\\s*(?:[^;\\n=]{0,120}?\\|\\|\\s*)?([\"'`])" \
  PREFIX "\\2"
/* NAME: "value" in an object literal (a config block, axios.create) */
#define CONST_PROP "(?:^|[{,\\s])[\"']?([A-Za-z_$][\\w$]{0,63})[\"']?\\s*:\\s*([\"'`])" PREFIX "\\2"
#define MAX_CONSTS 64
#define MAX_GROWTH (1024u * 1024u)

struct dast_jsurls {
  struct dast_re *re[P__COUNT];
  struct dast_re *after_method, *after_json, *json_key, *after_ctype;
  struct dast_re *const_decl, *const_prop;
};

dast_err dast_jsurls_new(struct dast_jsurls **out)
{
  struct dast_jsurls *j = dast_calloc(1, sizeof(*j));
  char err[256];
  dast_err e = DAST_OK;
  for(int i = 0; i < P__COUNT && !e; i++)
    e = dast_re_compile(patterns[i].re, 0, &j->re[i], err, sizeof(err));
  if(!e) e = dast_re_compile(AFTER_METHOD, DAST_RE_CASELESS, &j->after_method, err, sizeof(err));
  if(!e) e = dast_re_compile(AFTER_JSON, 0, &j->after_json, err, sizeof(err));
  if(!e) e = dast_re_compile(JSON_KEY, 0, &j->json_key, err, sizeof(err));
  if(!e) e = dast_re_compile(AFTER_CTYPE, DAST_RE_CASELESS, &j->after_ctype, err, sizeof(err));
  if(!e) e = dast_re_compile(CONST_DECL, 0, &j->const_decl, err, sizeof(err));
  if(!e) e = dast_re_compile(CONST_PROP, 0, &j->const_prop, err, sizeof(err));
  if(e) {
    DAST_LOG(DAST_LOG_ERROR, "crawl", "jsurls pattern: %s", err);
    dast_jsurls_free(j);
    return e;
  }
  *out = j;
  return DAST_OK;
}

void dast_jsurls_free(struct dast_jsurls *j)
{
  if(!j) return;
  for(int i = 0; i < P__COUNT; i++) dast_re_free(j->re[i]);
  dast_re_free(j->after_method);
  dast_re_free(j->after_json);
  dast_re_free(j->json_key);
  dast_re_free(j->after_ctype);
  dast_re_free(j->const_decl);
  dast_re_free(j->const_prop);
  free(j);
}

/* Replaces each ${...} of a template literal with "1"; NULL when what is
 * left is no usable path (unterminated, or the whole thing dynamic). */
static char *fill_template(const char *s, size_t n)
{
  struct dast_buf b;
  dast_buf_init(&b, DAST_JSURLS_MAX_LITERAL + 16);
  for(size_t i = 0; i < n; i++) {
    if(s[i] == '$' && i + 1 < n && s[i + 1] == '{') {
      const char *end = memchr(s + i, '}', n - i);
      if(!end) break;
      if(i == 0) { /* `${base}/x`: the origin is unknown */
        dast_buf_free(&b);
        return NULL;
      }
      (void)dast_buf_adds(&b, "1");
      i = (size_t)(end - s);
    } else {
      (void)dast_buf_add(&b, s + i, 1);
    }
  }
  return dast_buf_take(&b, NULL);
}

static void upcase(char *s)
{
  for(; *s; s++)
    if(*s >= 'a' && *s <= 'z') *s = (char)(*s - 'a' + 'A');
}

/* Method named by the call itself ($.post, axios.put, xhr.open("POST")). */
static char *call_method(const char *js, const size_t *ov, int group)
{
  if(!group || ov[2 * group] == (size_t)-1 || ov[2 * group] == ov[2 * group + 1]) return NULL;
  char *m = dast_strndup(js + ov[2 * group], ov[2 * group + 1] - ov[2 * group]);
  upcase(m);
  if(!strcmp(m, "GETJSON") || !strcmp(m, "AJAX") || !strcmp(m, "LOAD")) {
    free(m);
    return NULL;
  }
  return m;
}

struct scan {
  const struct dast_jsurls *j;
  const char *js;
  size_t len;
  const char *base;
  size_t max, reported;
  bool capped;
  dast_found_cb cb;
  void *ud;
  struct dast__hset seen;
};

/* Keys of a JSON.stringify({a: x, "b": y}) object literal after the call. */
static char *json_keys_after(struct scan *s, size_t from)
{
  size_t ov[6];
  size_t win = s->len - from < 1100 ? s->len - from : 1100;
  if(dast_re_match(s->j->after_json, s->js + from, win, 0, ov, 2) != 1) return NULL;
  const char *obj = s->js + from + ov[2];
  size_t olen = ov[3] - ov[2], at = 0;
  struct dast_buf keys;
  dast_buf_init(&keys, 1024);
  for(int k = 0; k < 64 && at < olen; k++) {
    size_t kv[4];
    if(dast_re_match(s->j->json_key, obj, olen, at, kv, 2) != 1) break;
    if(keys.len) (void)dast_buf_adds(&keys, ",");
    (void)dast_buf_add(&keys, obj + kv[2], kv[3] - kv[2]);
    at = kv[3] > at ? kv[3] : at + 1;
    /* skip the value up to the next top-level comma */
    while(at < olen && obj[at] != ',') at++;
  }
  if(!keys.len) {
    dast_buf_free(&keys);
    return NULL;
  }
  return dast_buf_take(&keys, NULL);
}

static char *method_after(struct scan *s, size_t from)
{
  size_t ov[4];
  size_t win = s->len - from < 600 ? s->len - from : 600;
  if(dast_re_match(s->j->after_method, s->js + from, win, 0, ov, 2) != 1) return NULL;
  char *m = dast_strndup(s->js + from + ov[2], ov[3] - ov[2]);
  upcase(m);
  return m;
}

static char *ctype_after(struct scan *s, size_t from)
{
  size_t ov[4];
  size_t win = s->len - from < 600 ? s->len - from : 600;
  if(dast_re_match(s->j->after_ctype, s->js + from, win, 0, ov, 2) != 1) return NULL;
  return dast_strndup(s->js + from + ov[2], ov[3] - ov[2]);
}

static void report(struct scan *s, const char *lit, size_t n, const char *method,
                   const char *json_keys, const char *ctype)
{
  /* bundlers' comment markers inside strings (slash-star @__PURE__ star-slash): not paths */
  if((n >= 2 && lit[0] == '/' && lit[1] == '*') || dast_memmem(lit, n, "*/", 2)) return;
  char *path = fill_template(lit, n);
  if(!path) return;
  char *abs = *path ? dast_url_resolve(s->base, path) : NULL;
  free(path);
  if(!abs) return;
  /* one report per URL: the call patterns run first, so a URL passed to
   * $.post() is reported as POST, not again as GET by the generic pattern */
  uint64_t h = dast_hash64(abs, strlen(abs), 0);
  if(dast__hset_add(&s->seen, h)) {
    if(s->reported >= s->max) {
      s->capped = true;
    } else {
      struct dast_found f = {abs, method ? method : "GET", DAST_SRC_JS, json_keys, ctype, NULL};
      s->cb(s->ud, &f);
      s->reported++;
    }
  }
  free(abs);
}

static void run_pattern(struct scan *s, int p)
{
  size_t ov[8];
  size_t at = 0;
  while(at < s->len && !s->capped) {
    int rc = dast_re_match(s->j->re[p], s->js, s->len, at, ov, 4);
    if(rc == 0) break;
    if(rc < 0) { /* a limit was hit: skip ahead, bounded loss */
      at += 4096;
      continue;
    }
    int ug = patterns[p].url_group;
    char *method = call_method(s->js, ov, patterns[p].method_group);
    char *keys = NULL, *ctype = NULL;
    if(p != P_GENERIC) {
      if(!method) method = method_after(s, ov[1]);
      keys = json_keys_after(s, ov[1]);
      ctype = ctype_after(s, ov[1]);
    }
    report(s, s->js + ov[2 * ug], ov[2 * ug + 1] - ov[2 * ug], method, keys, ctype);
    free(method);
    free(keys);
    free(ctype);
    at = ov[1] > at ? ov[1] : at + 1;
  }
}

/* ---- URL-prefix constants ---- */

struct consts {
  size_t n;
  const char *name[MAX_CONSTS], *value[MAX_CONSTS]; /* into the script */
  size_t name_len[MAX_CONSTS], value_len[MAX_CONSTS];
};

static void collect(const struct dast_re *re, const char *js, size_t len, struct consts *c)
{
  size_t ov[8], at = 0;
  while(at < len && c->n < MAX_CONSTS) {
    int rc = dast_re_match(re, js, len, at, ov, 4);
    if(rc == 0) break;
    if(rc < 0) {
      at += 4096;
      continue;
    }
    const char *name = js + ov[2];
    size_t nl = ov[3] - ov[2];
    bool known = false;
    for(size_t i = 0; i < c->n && !known; i++)
      known = c->name_len[i] == nl && !memcmp(c->name[i], name, nl);
    if(!known && ov[7] > ov[6]) { /* first definition wins; "" is no prefix */
      c->name[c->n] = name;
      c->name_len[c->n] = nl;
      c->value[c->n] = js + ov[6];
      c->value_len[c->n] = ov[7] - ov[6];
      c->n++;
    }
    at = ov[1] > at ? ov[1] : at + 1;
  }
}

static bool ident_char(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
         ch == '_' || ch == '$';
}

static long lookup(const struct consts *c, const char *name, size_t n)
{
  for(size_t i = 0; i < c->n; i++)
    if(c->name_len[i] == n && !memcmp(c->name[i], name, n)) return (long)i;
  return -1;
}

/* The script with `${NAME}` (also `${cfg.NAME}`) and `NAME + "lit"` written
 * as the constant's value, or NULL when nothing was rewritten. */
static char *substitute(const struct consts *c, const char *js, size_t len, size_t *out_len)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  size_t run = 0, growth = 0;
  bool changed = false;
  for(size_t i = 0; i < len && growth < MAX_GROWTH;) {
    if(js[i] == '$' && i + 1 < len && js[i + 1] == '{') { /* ${a.b.NAME} */
      size_t e = i + 2;
      while(e < len && e - i < 130 && (ident_char(js[e]) || js[e] == '.' || js[e] == ' ')) e++;
      if(e < len && js[e] == '}') {
        size_t ne = e;
        while(ne > i + 2 && js[ne - 1] == ' ') ne--;
        size_t ns = ne;
        while(ns > i + 2 && ident_char(js[ns - 1])) ns--;
        long k = ne > ns ? lookup(c, js + ns, ne - ns) : -1;
        if(k >= 0) {
          (void)dast_buf_add(&b, js + run, i - run);
          (void)dast_buf_add(&b, c->value[k], c->value_len[k]);
          growth += c->value_len[k];
          i = run = e + 1;
          changed = true;
          continue;
        }
      }
      i += 2;
      continue;
    }
    if(ident_char(js[i]) && (i == 0 || (!ident_char(js[i - 1]) && js[i - 1] != '.'))) {
      size_t e = i;
      while(e < len && ident_char(js[e])) e++;
      long k = lookup(c, js + i, e - i);
      size_t q = e;
      while(q < len && (js[q] == ' ' || js[q] == '\t')) q++;
      if(k >= 0 && q < len && js[q] == '+') { /* NAME + "lit" */
        q++;
        while(q < len && (js[q] == ' ' || js[q] == '\t')) q++;
        char quote = q < len ? js[q] : 0;
        const char *close = quote == '"' || quote == '\'' || quote == '`'
                                ? memchr(js + q + 1, quote, len - q - 1 < 2048 ? len - q - 1 : 2048)
                                : NULL;
        if(close && !memchr(js + q + 1, '\n', (size_t)(close - (js + q + 1)))) {
          (void)dast_buf_add(&b, js + run, i - run);
          (void)dast_buf_add(&b, &quote, 1);
          (void)dast_buf_add(&b, c->value[k], c->value_len[k]);
          growth += c->value_len[k];
          i = run = q + 1; /* the literal's text and its closing quote follow as they are */
          changed = true;
          continue;
        }
      }
      i = e;
      continue;
    }
    i++;
  }
  if(!changed) {
    dast_buf_free(&b);
    return NULL;
  }
  (void)dast_buf_add(&b, js + run, len - run);
  return dast_buf_take(&b, out_len);
}

size_t dast_jsurls_extract(const struct dast_jsurls *j, const char *js, size_t len,
                           const char *base, size_t max, dast_found_cb cb, void *ud,
                           bool *capped)
{
  struct scan s = {.j = j, .js = js, .len = len, .base = base, .max = max, .cb = cb, .ud = ud};
  if(capped) *capped = false;
  if(!j || !js || !base || !cb) return 0;
  struct consts c = {0};
  collect(j->const_decl, js, len, &c);
  collect(j->const_prop, js, len, &c);
  char *rewritten = c.n ? substitute(&c, js, len, &s.len) : NULL;
  if(rewritten) s.js = rewritten;
  else s.len = len;
  for(int p = 0; p < P__COUNT && !s.capped; p++) run_pattern(&s, p);
  free(rewritten);
  dast__hset_free(&s.seen);
  if(capped) *capped = s.capped;
  return s.reported;
}
