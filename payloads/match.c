/* match.c — evaluation of a check's matcher tree against one response.
 *
 * A matcher is a tree (struct pl_matcher, built by checks.c): and/or/not
 * nodes over leaves — regex (PCRE2 through re.h, compiled once at load
 * unless the pattern holds $[placeholders], then compiled per evaluation),
 * word, status, header presence, reflection context and the parsed-DOM
 * test.  A leaf looks at one part of the response (body, all headers, one
 * named header, or everything).  `absent_in_baseline` makes a regex/word
 * leaf match only for strings the endpoint's baseline response does not
 * already contain: the error page that always shows a SQL-looking message
 * never counts.  Evaluation is pure; the first hit is reported for the
 * evidence excerpt. */
#include "payloads/pl_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The text of one part of a response.  Owned when *tofree is set. */
static const char *part_text(const struct pl_matcher *m, const struct pl_subject *s,
                             const struct pl_vars *v, size_t *len, char **tofree,
                             const char **hname)
{
  *tofree = NULL;
  *hname = NULL;
  if(m->part == PL_PART_BODY) {
    *len = s->body_len;
    return s->body ? s->body : "";
  }
  struct dast_buf b;
  dast_buf_init(&b, 0);
  char *want = NULL;
  if(m->part == PL_PART_HEADER) want = v ? pl_expand(m->header, v) : dast_strdup(m->header);
  for(size_t i = 0; i < s->nheaders; i++) {
    const struct dast_header *h = &s->headers[i];
    if(want) {
      if(strcasecmp(h->name, want)) continue;
      *hname = h->name;
      if(b.len) (void)dast_buf_adds(&b, "\n");
      (void)dast_buf_adds(&b, h->value);
    } else {
      (void)dast_buf_printf(&b, "%s: %s\n", h->name, h->value);
    }
  }
  free(want);
  if(m->part == PL_PART_ALL) {
    (void)dast_buf_adds(&b, "\n");
    (void)dast_buf_add(&b, s->body ? s->body : "", s->body_len);
  }
  if(m->part == PL_PART_HEADER && !*hname) {
    dast_buf_free(&b);
    *len = 0;
    return NULL; /* header absent: nothing can match */
  }
  *tofree = dast_buf_take(&b, len);
  return *tofree;
}

/* Finds string i of a word/regex leaf in text. */
static bool leaf_find(const struct pl_matcher *m, size_t i, const char *text, size_t len,
                      const struct pl_vars *v, size_t *off, size_t *mlen)
{
  if(!text) return false;
  if(m->kind == PL_M_WORD) {
    char *w = v ? pl_expand(m->strs[i], v) : dast_strdup(m->strs[i]);
    size_t wn = strlen(w);
    const char *p = NULL;
    if(m->reflags & DAST_RE_CASELESS) {
      /* bounded case-insensitive scan (bodies may hold NULs) */
      for(size_t k = 0; wn && k + wn <= len; k++)
        if(!strncasecmp(text + k, w, wn)) {
          p = text + k;
          break;
        }
    } else {
      p = dast_memmem(text, len, w, wn);
    }
    free(w);
    if(!p || !wn) return false;
    *off = (size_t)(p - text);
    *mlen = wn;
    return true;
  }
  const struct dast_re *re = m->res[i];
  struct dast_re *tmp = NULL;
  if(!re) {
    char *pat = v ? pl_expand(m->strs[i], v) : dast_strdup(m->strs[i]);
    dast_err e = dast_re_compile(pat, m->reflags, &tmp, NULL, 0);
    free(pat);
    if(e) return false;
    re = tmp;
  }
  size_t ov[2];
  int r = dast_re_match(re, text, len, 0, ov, 1);
  dast_re_free(tmp);
  if(r != 1) return false;
  *off = ov[0];
  *mlen = ov[1] - ov[0];
  return true;
}

static void set_hit(struct pl_hit *hit, const char *hname, size_t off, size_t len)
{
  if(!hit || hit->set) return;
  hit->set = true;
  hit->in_body = hname == NULL;
  hit->header[0] = '\0';
  if(hname) {
    size_t n = strlen(hname);
    if(n >= sizeof(hit->header)) n = sizeof(hit->header) - 1;
    memcpy(hit->header, hname, n);
    hit->header[n] = '\0';
  }
  hit->off = off;
  hit->len = len;
}

static bool match_strings(const struct pl_matcher *m, const struct pl_subject *resp,
                          const struct pl_subject *base, const struct pl_vars *v,
                          struct pl_hit *hit)
{
  size_t len = 0, blen = 0;
  char *own = NULL, *bown = NULL;
  const char *hname = NULL, *bh = NULL;
  const char *text = part_text(m, resp, v, &len, &own, &hname);
  const char *btext = NULL;
  if(m->absent_in_baseline && base) btext = part_text(m, base, v, &blen, &bown, &bh);
  if(m->part == PL_PART_ALL) hname = NULL;
  bool any = false, all = true;
  struct pl_hit first = {0};
  for(size_t i = 0; i < m->nstrs; i++) {
    size_t off, n, boff, bn;
    bool ok = leaf_find(m, i, text, len, v, &off, &n);
    if(ok && btext && leaf_find(m, i, btext, blen, v, &boff, &bn)) ok = false;
    if(ok) {
      any = true;
      /* in PL_PART_ALL or HEADERS the offset is not a body offset */
      if(m->part == PL_PART_BODY) set_hit(&first, NULL, off, n);
      else if(m->part == PL_PART_HEADER) set_hit(&first, hname, off, n);
      if(!m->all) break;
    } else {
      all = false;
      if(m->all) break;
    }
  }
  free(own);
  free(bown);
  bool res = m->all ? all && m->nstrs > 0 : any;
  if(res && hit && first.set) *hit = first;
  else if(res && hit && !hit->set && m->part != PL_PART_BODY && !first.set) {
    hit->set = true;
    hit->in_body = false;
    hit->header[0] = '\0';
  }
  return res;
}

bool pl_match(const struct pl_matcher *m, const struct pl_subject *resp,
              const struct pl_subject *base, const struct pl_vars *v, struct pl_hit *hit)
{
  if(!m) return false;
  switch(m->kind) {
  case PL_M_AND:
    for(size_t i = 0; i < m->nkids; i++)
      if(!pl_match(m->kids[i], resp, base, v, hit)) return false;
    return m->nkids > 0;
  case PL_M_OR:
    for(size_t i = 0; i < m->nkids; i++)
      if(pl_match(m->kids[i], resp, base, v, hit)) return true;
    return false;
  case PL_M_NOT:
    /* the hit of a negated subtree is meaningless: evaluate without it */
    return m->nkids == 1 && !pl_match(m->kids[0], resp, base, v, NULL);
  case PL_M_REGEX:
  case PL_M_WORD: return match_strings(m, resp, base, v, hit);
  case PL_M_STATUS:
    for(size_t i = 0; i < m->ncodes; i++)
      if(resp->status == m->codes[i]) return true;
    return false;
  case PL_M_HEADER: {
    bool any = false, all = true;
    for(size_t i = 0; i < m->nstrs; i++) {
      char *n = v ? pl_expand(m->strs[i], v) : dast_strdup(m->strs[i]);
      bool has = pl_subject_header(resp, n) != NULL;
      if(has && hit && !hit->set) {
        set_hit(hit, n, 0, strlen(pl_subject_header(resp, n)));
      }
      free(n);
      any |= has;
      all &= has;
    }
    return m->all ? all : any;
  }
  case PL_M_CONTEXT: {
    if(!v || !resp->body) return false;
    struct pl_refl r[16];
    size_t n = pl_reflections(resp->body, resp->body_len, v->canary, r, 16);
    for(size_t i = 0; i < n; i++)
      if(m->ctx_mask & (1u << r[i].ctx)) {
        set_hit(hit, NULL, r[i].off, strlen(v->canary));
        return true;
      }
    return false;
  }
  case PL_M_DOM: {
    if(!v || !resp->body) return false;
    if(!pl_dom_executable(resp->body, resp->body_len, v->canary)) return false;
    const char *p = dast_memmem(resp->body, resp->body_len, v->canary, strlen(v->canary));
    if(p) set_hit(hit, NULL, (size_t)(p - resp->body), strlen(v->canary));
    return true;
  }
  }
  return false;
}

void pl_matcher_free(struct pl_matcher *m)
{
  if(!m) return;
  for(size_t i = 0; i < m->nkids; i++) pl_matcher_free(m->kids[i]);
  free(m->kids);
  for(size_t i = 0; i < m->nstrs; i++) {
    free(m->strs[i]);
    if(m->res) dast_re_free(m->res[i]);
  }
  free(m->strs);
  free(m->res);
  free(m->codes);
  free(m->header);
  free(m);
}
