/* vars.c — placeholder expansion for payloads and matchers, and the
 * engine-independent response form (struct pl_subject).
 *
 * A payload template is plain text with $[name] placeholders; every probe
 * gets fresh values from the attack's seeded struct dast_rng (so --seed
 * reproduces a scan).  Expansion is single pass and never re-expands what a
 * value inserted, so a crawled value containing "$[" is inserted verbatim.
 * Subjects either borrow a dast_response (view) or own copies of it. */
#include "payloads/pl_int.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *known_vars[] = {"bs", "canary", "a", "b", "product", "sum", "sleep", "oob",
                                   "oobhost", "oobldap", "token", "orig", "tag", "file", NULL};

/* The ']' closing the placeholder opened at p ("$["), counting nested
 * brackets so "$[xxe:$[oob]]" works.  NULL when unterminated. */
static const char *closing(const char *p)
{
  int depth = 0;
  for(const char *q = p + 1; *q; q++) {
    if(*q == '[') depth++;
    else if(*q == ']' && --depth == 0) return q;
  }
  return NULL;
}

void pl_vars_fresh(struct pl_vars *v, struct dast_rng *rng)
{
  static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  v->canary[0] = 'd';
  for(int i = 1; i < PL_CANARY_LEN; i++)
    v->canary[i] = alnum[dast_rng_range(rng, 0, sizeof(alnum) - 2)];
  v->canary[PL_CANARY_LEN] = '\0';
  v->a = dast_rng_range(rng, 1000, 9999);
  v->b = dast_rng_range(rng, 1000, 9999);
  if(v->a == v->b) v->b++;
  v->product = v->a * v->b;
  v->sum = v->a + v->b;
  for(int i = 0; i < 16; i++) v->token[i] = alnum[dast_rng_range(rng, 0, 35)];
  v->token[16] = '\0';
}

static void add_var(struct dast_buf *o, const char *name, size_t n, const struct pl_vars *v)
{
#define IS(s) (n == strlen(s) && !memcmp(name, s, n))
  if(IS("canary")) (void)dast_buf_adds(o, v->canary);
  else if(IS("bs")) (void)dast_buf_adds(o, "\\"); /* a backslash right before a placeholder */
  else if(IS("a")) (void)dast_buf_printf(o, "%llu", v->a);
  else if(IS("b")) (void)dast_buf_printf(o, "%llu", v->b);
  else if(IS("product")) (void)dast_buf_printf(o, "%llu", v->product);
  else if(IS("sum")) (void)dast_buf_printf(o, "%llu", v->sum);
  else if(IS("sleep")) (void)dast_buf_printf(o, "%u", v->sleep);
  else if(IS("token")) (void)dast_buf_adds(o, v->token);
  else if(IS("oob")) (void)dast_buf_printf(o, "%s/%s", v->oob_base ? v->oob_base : "http://127.0.0.1:9", v->token);
  else if(IS("oobldap")) (void)dast_buf_adds(o, v->oob_ldap ? v->oob_ldap : "127.0.0.1:9");
  else if(IS("oobhost")) {
    const char *b = v->oob_base ? v->oob_base : "http://127.0.0.1:9";
    const char *h = strstr(b, "://");
    (void)dast_buf_adds(o, h ? h + 3 : b);
  }
  else if(IS("orig")) (void)dast_buf_adds(o, v->orig ? v->orig : "");
  else if(IS("tag")) (void)dast_buf_adds(o, v->tag ? v->tag : "textarea");
  else if(IS("file")) (void)dast_buf_adds(o, v->file ? v->file : "index");
  else if(n > 4 && !memcmp(name, "xxe:", 4)) {
    char *uri = dast_strndup(name + 4, n - 4);
    char *full = pl_expand(uri, v);
    char *doc = pl_xxe_doc(v->xml, full);
    if(doc) (void)dast_buf_adds(o, doc);
    free(doc);
    free(full);
    free(uri);
  } else {
    (void)dast_buf_adds(o, "$[");
    (void)dast_buf_add(o, name, n);
    (void)dast_buf_adds(o, "]");
  }
#undef IS
}

char *pl_expand(const char *t, const struct pl_vars *v)
{
  const char *start = t;
  struct dast_buf o;
  dast_buf_init(&o, 0);
  while(*t) {
    const char *p = strstr(t, "$[");
    if(!p) {
      (void)dast_buf_adds(&o, t);
      break;
    }
    (void)dast_buf_add(&o, t, (size_t)(p - t));
    if(p > start && p[-1] == '\\') { /* "\\$[" is a regex's literal $ and a class */
      (void)dast_buf_adds(&o, "$[");
      t = p + 2;
      continue;
    }
    const char *e = closing(p);
    if(!e) {
      (void)dast_buf_adds(&o, p);
      break;
    }
    add_var(&o, p + 2, (size_t)(e - p - 2), v);
    t = e + 1;
  }
  return dast_buf_take(&o, NULL);
}

bool pl_placeholders_valid(const char *s, char *bad, size_t badlen)
{
  const char *start = s;
  while((s = strstr(s, "$["))) {
    if(s > start && s[-1] == '\\') {
      s += 2;
      continue;
    }
    const char *e = closing(s);
    size_t n = e ? (size_t)(e - s - 2) : strlen(s + 2);
    bool ok = false;
    for(int i = 0; known_vars[i]; i++)
      if(n == strlen(known_vars[i]) && !memcmp(s + 2, known_vars[i], n)) ok = true;
    if(n > 4 && !memcmp(s + 2, "xxe:", 4)) {
      char *inner = dast_strndup(s + 6, n - 4);
      ok = pl_placeholders_valid(inner, bad, badlen);
      free(inner);
      if(!ok) return false;
    }
    if(!ok || !e) {
      if(bad && badlen) {
        size_t k = n < badlen - 1 ? n : badlen - 1;
        memcpy(bad, s + 2, k);
        bad[k] = '\0';
      }
      return false;
    }
    s = e + 1;
  }
  return true;
}

/* Finds the root element name and the end of the prolog (XML declaration,
 * comments, processing instructions, an existing DOCTYPE is refused). */
static bool xml_root(const char *xml, char *root, size_t rootlen, const char **root_start)
{
  const char *p = xml;
  for(int guard = 0; guard < 64; guard++) {
    while(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    if(!strncmp(p, "<?", 2) || !strncmp(p, "<!--", 4)) {
      const char *e = strstr(p, p[1] == '?' ? "?>" : "-->");
      if(!e) return false;
      p = e + (p[1] == '?' ? 2 : 3);
      continue;
    }
    if(!strncmp(p, "<!", 2) || *p != '<') return false;
    size_t n = 0;
    const char *q = p + 1;
    while(q[n] && !strchr(" \t\r\n/>", q[n])) n++;
    if(!n || n >= rootlen) return false;
    memcpy(root, q, n);
    root[n] = '\0';
    *root_start = p;
    return true;
  }
  return false;
}

char *pl_xxe_doc(const char *xml, const char *uri)
{
  if(strchr(uri, '"')) return NULL;
  char root[128];
  const char *start = NULL;
  struct dast_buf o;
  dast_buf_init(&o, 0);
  if(xml && xml_root(xml, root, sizeof(root), &start)) {
    /* keep the document; put the entity reference at the start of the first
     * non-blank text node (the value an application most likely echoes) */
    const char *text = NULL;
    for(const char *g = strchr(start, '>'); g; g = strchr(g + 1, '>')) {
      const char *t = g + 1;
      t += strspn(t, " \t\r\n");
      if(*t && *t != '<') {
        text = t;
        break;
      }
    }
    if(text) {
      (void)dast_buf_printf(&o, "<?xml version=\"1.0\"?>\n<!DOCTYPE %s [<!ENTITY dastent SYSTEM \"%s\">]>\n",
                            root, uri);
      (void)dast_buf_add(&o, start, (size_t)(text - start));
      (void)dast_buf_adds(&o, "&dastent;");
      (void)dast_buf_adds(&o, text);
    } else {
      (void)dast_buf_printf(&o, "<?xml version=\"1.0\"?>\n<!DOCTYPE %s [<!ENTITY dastent SYSTEM \"%s\">]>\n<%s>&dastent;</%s>",
                            root, uri, root, root);
    }
  }
  if(!o.len)
    (void)dast_buf_printf(&o, "<?xml version=\"1.0\"?>\n<!DOCTYPE root [<!ENTITY dastent SYSTEM \"%s\">]>\n<root>&dastent;</root>", uri);
  /* validate: well-formed without loading anything */
  xmlDocPtr d = xmlReadMemory(o.data, (int)o.len, "payload.xml", NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if(!d) {
    dast_buf_free(&o);
    /* the original document could not carry the entity: use a minimal one */
    return xml ? pl_xxe_doc(NULL, uri) : NULL;
  }
  xmlFreeDoc(d);
  return dast_buf_take(&o, NULL);
}

bool pl_looks_xml(const char *s)
{
  char root[128];
  const char *start;
  if(!s || !xml_root(s, root, sizeof(root), &start)) return false;
  size_t n = strlen(s);
  if(n > PL_XML_VALUE_MAX) return false;
  xmlDocPtr d = xmlReadMemory(s, (int)n, "value.xml", NULL,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if(!d) return false;
  xmlFreeDoc(d);
  return true;
}

bool pl_param_xml(const struct dast_endpoint *ep, long ip)
{
  if(ip < 0 || (size_t)ip >= ep->nparams) return false;
  const struct dast_param *p = &ep->params[ip];
  return p->kind != DAST_IP_XML && pl_looks_xml(p->value);
}

/* ---- subjects ---- */

void pl_subject_view(struct pl_subject *s, const struct dast_response *r)
{
  memset(s, 0, sizeof(*s));
  s->status = r->status;
  s->headers = r->headers;
  s->nheaders = r->nheaders;
  s->body = r->body;
  s->body_len = r->body ? r->body_len : 0;
  s->time_us = r->time_us;
}

void pl_subject_copy(struct pl_subject *dst, const struct pl_subject *src, size_t cap)
{
  memset(dst, 0, sizeof(*dst));
  dst->owned = true;
  dst->status = src->status;
  dst->time_us = src->time_us;
  dst->nheaders = src->nheaders;
  dst->headers = dast_calloc(src->nheaders ? src->nheaders : 1, sizeof(struct dast_header));
  for(size_t i = 0; i < src->nheaders; i++) {
    dst->headers[i].name = dast_strdup(src->headers[i].name ? src->headers[i].name : "");
    dst->headers[i].value = dast_strdup(src->headers[i].value ? src->headers[i].value : "");
  }
  size_t n = src->body_len;
  if(cap && n > cap) n = cap;
  dst->body = dast_strndup(src->body ? src->body : "", src->body ? n : 0);
  dst->body_len = src->body ? n : 0;
}

dast_err pl_subject_parse_raw(const char *raw, size_t len, struct pl_subject *out)
{
  memset(out, 0, sizeof(*out));
  out->owned = true;
  if(len < 12 || strncmp(raw, "HTTP/", 5)) return DAST_EPARSE;
  const char *end = raw + len;
  const char *sp = memchr(raw, ' ', len);
  if(!sp) return DAST_EPARSE;
  /* the status digits, within len (raw is not NUL-terminated) */
  long status = 0;
  for(const char *d = sp + 1; d < end && d < sp + 4 && *d >= '0' && *d <= '9'; d++)
    status = status * 10 + (*d - '0');
  out->status = status;
  if(out->status < 100 || out->status > 999) return DAST_EPARSE;
  const char *p = memchr(raw, '\n', len);
  size_t alloc = 0;
  while(p && p + 1 < end) {
    p++;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *le = nl ? nl : end;
    size_t n = (size_t)(le - p);
    if(n && p[n - 1] == '\r') n--;
    if(!n) { /* blank line: body follows */
      p = nl ? nl + 1 : end;
      break;
    }
    const char *colon = memchr(p, ':', n);
    if(colon) {
      if(out->nheaders == alloc) {
        alloc = alloc ? alloc * 2 : 8;
        out->headers = dast_realloc(out->headers, alloc * sizeof(*out->headers));
      }
      const char *vs = colon + 1;
      while(vs < p + n && (*vs == ' ' || *vs == '\t')) vs++;
      out->headers[out->nheaders].name = dast_strndup(p, (size_t)(colon - p));
      out->headers[out->nheaders].value = dast_strndup(vs, (size_t)(p + n - vs));
      out->nheaders++;
    }
    p = nl;
    if(!nl) { p = end; break; }
  }
  if(!p) p = end;
  out->body = dast_strndup(p, (size_t)(end - p));
  out->body_len = (size_t)(end - p);
  return DAST_OK;
}

void pl_subject_free(struct pl_subject *s)
{
  if(!s || !s->owned) return;
  for(size_t i = 0; i < s->nheaders; i++) {
    free(s->headers[i].name);
    free(s->headers[i].value);
  }
  free(s->headers);
  free(s->body);
  memset(s, 0, sizeof(*s));
}

const char *pl_subject_header(const struct pl_subject *s, const char *name)
{
  for(size_t i = 0; i < s->nheaders; i++)
    if(s->headers[i].name && !strcasecmp(s->headers[i].name, name)) return s->headers[i].value;
  return NULL;
}
