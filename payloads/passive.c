/* passive.c — passive checks: run once on every response the engine sees
 * (crawl and attack alike), send nothing.
 *
 *  passive  the check's matcher tree on the response (security headers,
 *           version banners, stack traces, directory listings, private
 *           addresses, password fields, mixed content ...)
 *  cookies  Set-Cookie of session-looking cookies: HttpOnly, SameSite,
 *           Secure on https
 *  forms    POST forms without an anti-CSRF token field (tentative); GET
 *           forms only when they change state (a new/confirmed password or
 *           e-mail field, or two password fields): a search form is not a
 *           CSRF target, a GET password change is (DVWA's is)
 *  jslibs   script URLs and bodies fingerprinted against
 *           payloads/data/jslibs.json
 *
 * De-duplication: a check reports once per scope key (origin, directory, or
 * URL path) and at most PL_PASSIVE_MAX findings in total, so a site missing
 * a header yields one finding, not one per page.  The seen-set is a sorted
 * array of 64-bit hashes. */
#include "payloads/pl_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PL_PASSIVE_MAX 200
#define PL_FORMS_MAX 50

struct pl_passive {
  const struct dast_config *cfg;
  const struct dast_checks *checks;
  struct pl_jslibs *js;
  uint64_t *seen;
  size_t nseen, aseen;
  size_t *count; /* findings per check */
  struct dast_re *form_re, *hidden_re, *name_re, *post_re, *src_re, *input_re, *pw_re;
};

struct pl_passive *pl_passive_new(const struct dast_config *cfg, const struct dast_checks *checks,
                                  char *errbuf, size_t errlen)
{
  struct pl_passive *p = dast_calloc(1, sizeof(*p));
  p->cfg = cfg;
  p->checks = checks;
  p->count = dast_calloc(checks->n + 1, sizeof(size_t));
  bool need_js = false;
  for(size_t i = 0; i < checks->n; i++)
    if(checks->v[i]->strategy == PL_S_JSLIBS) need_js = true;
  if(need_js) {
    const char *env = getenv("DASTGATE_DATA_DIR");
    char *path = dast_aprintf("%s/jslibs.json", env && *env ? env : DAST_SOURCE_DIR "/payloads/data");
    dast_err e = pl_jslibs_load(path, &p->js, errbuf, errlen);
    free(path);
    if(e) {
      pl_passive_free(p);
      return NULL;
    }
  }
  dast_err e = dast_re_compile("<form\\b[^>]*>", DAST_RE_CASELESS, &p->form_re, NULL, 0);
  if(!e) e = dast_re_compile("<input\\b[^>]*\\btype\\s*=\\s*[\"']?hidden[^>]*>", DAST_RE_CASELESS, &p->hidden_re, NULL, 0);
  if(!e) e = dast_re_compile("\\bname\\s*=\\s*[\"']?([^\"' >]+)", DAST_RE_CASELESS, &p->name_re, NULL, 0);
  if(!e) e = dast_re_compile("\\bmethod\\s*=\\s*[\"']?post", DAST_RE_CASELESS, &p->post_re, NULL, 0);
  if(!e) e = dast_re_compile("<input\\b[^>]*>", DAST_RE_CASELESS, &p->input_re, NULL, 0);
  if(!e) e = dast_re_compile("\\btype\\s*=\\s*[\"']?password\\b", DAST_RE_CASELESS, &p->pw_re, NULL, 0);
  if(!e) e = dast_re_compile("<script\\b[^>]*\\bsrc\\s*=\\s*[\"']?([^\"' >]+)", DAST_RE_CASELESS, &p->src_re, NULL, 0);
  if(e) {
    if(errbuf) snprintf(errbuf, errlen, "passive: internal regex failed to compile");
    pl_passive_free(p);
    return NULL;
  }
  return p;
}

void pl_passive_free(struct pl_passive *p)
{
  if(!p) return;
  pl_jslibs_free(p->js);
  free(p->seen);
  free(p->count);
  dast_re_free(p->form_re);
  dast_re_free(p->hidden_re);
  dast_re_free(p->name_re);
  dast_re_free(p->post_re);
  dast_re_free(p->src_re);
  dast_re_free(p->input_re);
  dast_re_free(p->pw_re);
  free(p);
}

/* Returns true the first time; keeps the array sorted for bsearch-like scan. */
static bool first_time(struct pl_passive *p, const char *key)
{
  uint64_t h = dast_hash64(key, strlen(key), 11);
  size_t lo = 0, hi = p->nseen;
  while(lo < hi) {
    size_t mid = (lo + hi) / 2;
    if(p->seen[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  if(lo < p->nseen && p->seen[lo] == h) return false;
  if(p->nseen == p->aseen) {
    p->aseen = p->aseen ? p->aseen * 2 : 256;
    p->seen = dast_realloc(p->seen, p->aseen * sizeof(uint64_t));
  }
  memmove(p->seen + lo + 1, p->seen + lo, (p->nseen - lo) * sizeof(uint64_t));
  p->seen[lo] = h;
  p->nseen++;
  return true;
}

/* A path as a template: numeric segments become {n}, segments with
 * encoded or unusual characters (attack payloads, slugs with spaces) {x},
 * so a check reports once per page shape, not once per id or probe. */
static void norm_path(const char *p, size_t pn, char *out, size_t outlen)
{
  struct dast_buf b;
  dast_buf_init(&b, outlen - 1);
  for(size_t i = 0; i < pn;) {
    if(p[i] == '/') {
      (void)dast_buf_add(&b, "/", 1);
      i++;
      continue;
    }
    size_t e = i;
    bool digits = true, odd = false;
    while(e < pn && p[e] != '/') {
      char c = p[e];
      if(c < '0' || c > '9') digits = false;
      if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-' || c == '~'))
        odd = true;
      e++;
    }
    if(digits) (void)dast_buf_adds(&b, "{n}");
    else if(odd) (void)dast_buf_adds(&b, "{x}");
    else (void)dast_buf_add_upto(&b, p + i, e - i);
    i = e;
  }
  snprintf(out, outlen, "%s", b.len ? b.data : "/");
  dast_buf_free(&b);
}

/* Origin ("http://h:p"), normalised path without query, and its directory. */
static void url_keys(const char *url, char *origin, size_t olen, char *path, size_t plen,
                     char *dir, size_t dlen)
{
  const char *h = strstr(url, "://");
  const char *ps = h ? strchr(h + 3, '/') : NULL;
  size_t on = ps ? (size_t)(ps - url) : strlen(url);
  snprintf(origin, olen, "%.*s", (int)on, url);
  const char *p = ps ? ps : "/";
  size_t pn = strcspn(p, "?#");
  norm_path(p, pn, path, plen);
  const char *last = strrchr(path, '/');
  snprintf(dir, dlen, "%.*s", (int)(last ? (size_t)(last - path) + 1 : 1), last ? path : "/");
}

/* Evidence of a plain matcher hit: the matched text (printable, at most
 * 160 bytes) and where it was, e.g. for a policy header the directive and
 * the weakness the check's regex marked.  Owned. */
static char *matched_text(const struct pl_subject *resp, const struct pl_hit *hit)
{
  const char *src = NULL;
  if(hit && hit->set) src = hit->in_body ? resp->body : pl_subject_header(resp, hit->header);
  size_t srclen = !src ? 0 : hit->in_body ? resp->body_len : strlen(src);
  if(!src || hit->off >= srclen || !hit->len)
    return dast_strdup("matched on a response seen during the scan");
  size_t n = hit->len < srclen - hit->off ? hit->len : srclen - hit->off;
  char text[161];
  size_t k = 0;
  for(size_t i = 0; i < n && k < sizeof(text) - 1; i++) {
    unsigned char ch = (unsigned char)src[hit->off + i];
    text[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
  }
  text[k] = '\0';
  return hit->in_body ? dast_aprintf("matched \"%s%s\" in the body", text, n > k ? "..." : "")
                      : dast_aprintf("matched \"%s%s\" in header %s", text, n > k ? "..." : "",
                                     hit->header);
}

static void emit(struct pl_passive *pp, const struct pl_check *c, size_t ci,
                 const struct dast_request *req, const struct pl_subject *resp, const char *url,
                 const char *tmpl, const char *param, const struct pl_hit *hit, char *evidence,
                 struct dast_finding ***fs, size_t *nfs)
{
  pp->count[ci]++;
  struct dast_finding *f = pl_finding_new(c, req->method ? req->method : "GET", url, tmpl, NULL,
                                          c->confidence);
  if(param) {
    f->param = dast_strdup(param);
    f->param_kind = dast_strdup(c->strategy == PL_S_COOKIES ? "cookie" : "form");
    dast_finding_fingerprint(f);
  }
  pl_finding_request(f, req->method, url, req->headers, req->nheaders, NULL, 0);
  pl_finding_response(f, resp, hit);
  f->evidence = evidence ? evidence : matched_text(resp, hit);
  *fs = dast_realloc(*fs, (*nfs + 1) * sizeof(**fs));
  (*fs)[(*nfs)++] = f;
}

static bool applies(const struct pl_check *c, const struct pl_subject *s, const char *url)
{
  if(c->nctypes) {
    const char *ct = pl_subject_header(s, "Content-Type");
    bool ok = false;
    for(size_t i = 0; i < c->nctypes && ct; i++)
      if(dast_strcaseprefix(ct, c->ctypes[i])) ok = true;
    if(!ok) return false;
  }
  if(c->nschemes) {
    bool ok = false;
    for(size_t i = 0; i < c->nschemes; i++) {
      size_t n = strlen(c->schemes[i]);
      if(!strncasecmp(url, c->schemes[i], n) && url[n] == ':') ok = true;
    }
    if(!ok) return false;
  }
  return true;
}

static void run_cookies(struct pl_passive *pp, const struct pl_check *c, size_t ci,
                        const struct dast_request *req, const struct pl_subject *s, const char *url,
                        const char *origin, struct dast_finding ***fs, size_t *nfs)
{
  bool https = !strncasecmp(url, "https:", 6);
  for(size_t i = 0; i < s->nheaders; i++) {
    if(strcasecmp(s->headers[i].name, "Set-Cookie")) continue;
    const char *v = s->headers[i].value;
    size_t nl = strcspn(v, "=;");
    if(!nl || v[nl] != '=') continue;
    char name[128];
    snprintf(name, sizeof(name), "%.*s", (int)(nl < 127 ? nl : 127), v);
    bool session = c->nnames == 0;
    for(size_t k = 0; k < c->nnames && !session; k++)
      session = dast_re_test(c->names_re[k], name, strlen(name));
    if(!session) continue;
    /* an expired/cleared cookie (empty value) is a logout, not a session */
    if(v[nl + 1] == ';' || v[nl + 1] == '\0') continue;
    bool httponly = dast_strcasestr(v, "; httponly") || dast_strcasestr(v, ";httponly");
    bool secure = dast_strcasestr(v, "; secure") || dast_strcasestr(v, ";secure");
    const char *ss = dast_strcasestr(v, "samesite=");
    bool samesite = ss && (dast_strcaseprefix(ss + 9, "lax") || dast_strcaseprefix(ss + 9, "strict") ||
                           (dast_strcaseprefix(ss + 9, "none") && secure));
    char missing[128] = "";
    if(!httponly) strcat(missing, " HttpOnly");
    if(!samesite) strcat(missing, ss ? " SameSite(None without Secure)" : " SameSite");
    if(https && !secure) strcat(missing, " Secure");
    if(!missing[0]) continue;
    char *key = dast_aprintf("%s|%s|%s", c->id, origin, name);
    bool first = first_time(pp, key);
    free(key);
    if(!first) continue;
    struct pl_hit hit = {.in_body = false, .off = 0, .len = strlen(v), .set = true};
    snprintf(hit.header, sizeof(hit.header), "%s", s->headers[i].name);
    emit(pp, c, ci, req, s, url, "/", name, &hit,
         dast_aprintf("session-looking cookie '%s' is set without:%s", name, missing), fs, nfs);
  }
}

/* A field name that sets a new password or e-mail address. */
static bool changing_name(const char *n)
{
  bool pass = dast_strcasestr(n, "pass") != NULL, mail = dast_strcasestr(n, "mail") != NULL;
  return (pass || mail) && (dast_strcasestr(n, "new") || dast_strcasestr(n, "conf") ||
                            dast_strcasestr(n, "repeat") || dast_strcasestr(n, "again") ||
                            dast_strcasestr(n, "change") || dast_strcasestr(n, "verify"));
}

/* True when the form body [from, to) changes account state: two password
 * inputs, or an input named like a new/confirmed password or e-mail.  A GET
 * form that does is as forgeable as a POST one (an <img> suffices). */
static bool form_changes_state(const struct pl_passive *pp, const char *body, size_t from, size_t to)
{
  int pw = 0;
  size_t pos = from, iv[2];
  for(int k = 0; k < 100 && dast_re_match(pp->input_re, body, to, pos, iv, 1) == 1; k++) {
    size_t nv[4];
    if(dast_re_match(pp->pw_re, body, iv[1], iv[0], nv, 1) == 1) pw++;
    if(dast_re_match(pp->name_re, body, iv[1], iv[0], nv, 2) == 1) {
      char name[64];
      size_t n = nv[3] - nv[2] < sizeof(name) - 1 ? nv[3] - nv[2] : sizeof(name) - 1;
      memcpy(name, body + nv[2], n);
      name[n] = '\0';
      if(changing_name(name)) return true;
    }
    pos = iv[1];
  }
  return pw >= 2;
}

static void run_forms(struct pl_passive *pp, const struct pl_check *c, size_t ci,
                      const struct dast_request *req, const struct pl_subject *s, const char *url,
                      const char *path, struct dast_finding ***fs, size_t *nfs)
{
  if(!s->body) return;
  size_t pos = 0, ov[2];
  for(int n = 0; n < PL_FORMS_MAX && dast_re_match(pp->form_re, s->body, s->body_len, pos, ov, 1) == 1; n++) {
    size_t fstart = ov[0], tagend = ov[1];
    const char *close = dast_memmem(s->body + tagend, s->body_len - tagend, "</form", 6);
    size_t fend = close ? (size_t)(close - s->body) : s->body_len;
    pos = fend > tagend ? fend : tagend;
    bool post = dast_re_match(pp->post_re, s->body, tagend, fstart, ov, 1) == 1;
    if(!post && !form_changes_state(pp, s->body, tagend, fend)) continue;
    bool token = false;
    size_t hp = tagend, hv[2];
    while(!token && hp < fend && dast_re_match(pp->hidden_re, s->body, fend, hp, hv, 1) == 1) {
      size_t nv[4];
      if(dast_re_match(pp->name_re, s->body, hv[1], hv[0], nv, 2) == 1)
        for(size_t k = 0; k < c->nnames && !token; k++)
          token = dast_re_test(c->names_re[k], s->body + nv[2], nv[3] - nv[2]);
      hp = hv[1];
    }
    if(token) continue;
    char *key = dast_aprintf("%s|%s|%zu", c->id, path, (size_t)n);
    bool first = first_time(pp, key);
    free(key);
    if(!first) continue;
    struct pl_hit hit = {.in_body = true, .off = fstart, .len = tagend - fstart, .set = true};
    char param[32];
    snprintf(param, sizeof(param), "form#%d", n);
    emit(pp, c, ci, req, s, url, path, param, &hit,
         dast_strdup(post ? "POST form without a hidden field that looks like an anti-CSRF token"
                          : "GET form that changes a password or e-mail address, without a "
                            "hidden field that looks like an anti-CSRF token"),
         fs, nfs);
  }
}

static void run_jslibs(struct pl_passive *pp, const struct pl_check *c, size_t ci,
                       const struct dast_request *req, const struct pl_subject *s, const char *url,
                       const char *origin, struct dast_finding ***fs, size_t *nfs)
{
  if(!pp->js) return;
  char lib[64], msg[512];
  const char *ct = pl_subject_header(s, "Content-Type");
  bool is_js = (ct && dast_strcasestr(ct, "javascript")) || strstr(url, ".js");
  if(is_js && s->status == 200 &&
     pl_jslibs_check(pp->js, url, s->body, s->body_len, lib, sizeof(lib), msg, sizeof(msg))) {
    char *key = dast_aprintf("%s|%s|%s", c->id, origin, lib);
    if(first_time(pp, key)) {
      const char *h = strstr(url, "://");
      const char *path = h ? strchr(h + 3, '/') : NULL;
      emit(pp, c, ci, req, s, url, path ? path : "/", lib, NULL, dast_strdup(msg), fs, nfs);
    }
    free(key);
    return;
  }
  if(!s->body || !ct || !dast_strcasestr(ct, "html")) return;
  size_t pos = 0, ov[4];
  for(int n = 0; n < 100 && dast_re_match(pp->src_re, s->body, s->body_len, pos, ov, 2) == 1; n++) {
    pos = ov[1];
    char *src = dast_strndup(s->body + ov[2], ov[3] - ov[2]);
    if(pl_jslibs_check(pp->js, src, NULL, 0, lib, sizeof(lib), msg, sizeof(msg))) {
      char *key = dast_aprintf("%s|%s|%s", c->id, origin, lib);
      if(first_time(pp, key)) {
        struct pl_hit hit = {.in_body = true, .off = ov[2], .len = ov[3] - ov[2], .set = true};
        emit(pp, c, ci, req, s, url, "/", lib, &hit,
             dast_aprintf("%s (referenced as %s)", msg, src), fs, nfs);
      }
      free(key);
    }
    free(src);
  }
}

void pl_passive_run(struct pl_passive *pp, const struct dast_request *req,
                    const struct pl_subject *resp, const char *url, struct dast_finding ***fs,
                    size_t *nfs)
{
  if(!pp || !url) return;
  char origin[512], path[1024], dir[1024];
  url_keys(url, origin, sizeof(origin), path, sizeof(path), dir, sizeof(dir));
  for(size_t i = 0; i < pp->checks->n; i++) {
    const struct pl_check *c = pp->checks->v[i];
    if(!c->passive || pp->count[i] >= PL_PASSIVE_MAX || !applies(c, resp, url)) continue;
    switch(c->strategy) {
    case PL_S_COOKIES: run_cookies(pp, c, i, req, resp, url, origin, fs, nfs); continue;
    case PL_S_FORMS: run_forms(pp, c, i, req, resp, url, path, fs, nfs); continue;
    case PL_S_JSLIBS: run_jslibs(pp, c, i, req, resp, url, origin, fs, nfs); continue;
    case PL_S_PASSIVE: break;
    default: continue;
    }
    const char *scope = c->scope == PL_SCOPE_ORIGIN ? "/" : c->scope == PL_SCOPE_DIR ? dir : path;
    char *key = dast_aprintf("%s|%s|%s", c->id, origin, scope);
    bool seen = !first_time(pp, key);
    if(seen) {
      free(key);
      continue;
    }
    struct pl_hit hit = {0};
    bool m = pl_match(c->match, resp, NULL, NULL, &hit);
    if(!m) {
      /* not a finding: forget the key so a later page can still match */
      uint64_t h = dast_hash64(key, strlen(key), 11);
      for(size_t k = 0; k < pp->nseen; k++)
        if(pp->seen[k] == h) {
          memmove(pp->seen + k, pp->seen + k + 1, (pp->nseen - k - 1) * sizeof(uint64_t));
          pp->nseen--;
          break;
        }
      free(key);
      continue;
    }
    free(key);
    emit(pp, c, i, req, resp, url, scope, NULL, &hit, NULL, fs, nfs);
  }
}
