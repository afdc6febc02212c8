/* finding.c — turning a matched probe into a struct dast_finding: the
 * check's metadata, the endpoint's identity, the raw request, a curl
 * command that reproduces it (every argument single-quoted for a POSIX
 * shell), and a response excerpt with the match marked >>>like this<<<.
 *
 * Secrets are masked here (Authorization, Cookie values of configured
 * credentials, Proxy-Authorization) so a report can be shared; the payload
 * itself is never masked.  Excerpts are bounded (PL_EXCERPT bytes around the
 * match, non-printable bytes escaped) whatever the response size. */
#include "payloads/pl_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PL_EXCERPT 300

struct dast_finding *pl_finding_new(const struct pl_check *c, const char *method, const char *url,
                                    const char *tmpl, const struct dast_param *p,
                                    enum dast_confidence conf)
{
  struct dast_finding *f = dast_finding_new();
  f->check_id = dast_strdup(c->id);
  f->check_name = dast_strdup(c->name);
  f->check_class = dast_strdup(c->klass);
  f->cwe = c->cwe;
  f->owasp = dast_strdup(c->owasp ? c->owasp : "");
  f->severity = c->severity;
  f->confidence = conf;
  f->description = dast_strdup(c->description);
  f->remediation = dast_strdup(c->remediation);
  f->references = dast_calloc(c->nrefs + 1, sizeof(char *));
  for(size_t i = 0; i < c->nrefs; i++) f->references[i] = dast_strdup(c->refs[i]);
  f->nreferences = c->nrefs;
  f->method = dast_strdup(method ? method : "GET");
  f->url = dast_strdup(url ? url : "");
  f->tmpl = dast_strdup(tmpl ? tmpl : url ? url : "");
  if(p) {
    f->param = dast_strdup(p->name);
    f->param_kind = dast_strdup(dast_ip_kind_name(p->kind));
    f->title = dast_aprintf("%s in %s parameter '%s' of %s %s", c->name, dast_ip_kind_name(p->kind),
                            p->name, f->method, f->tmpl);
  } else {
    f->title = dast_aprintf("%s: %s %s", c->name, f->method, f->tmpl);
  }
  dast_finding_fingerprint(f);
  return f;
}

void pl_shell_quote(struct dast_buf *b, const char *s)
{
  (void)dast_buf_adds(b, "'");
  for(; *s; s++) {
    if(*s == '\'') (void)dast_buf_adds(b, "'\\''");
    else if(*s == '\n') (void)dast_buf_adds(b, "'$'\\n''");
    else if(*s == '\r') (void)dast_buf_adds(b, "'$'\\r''");
    else (void)dast_buf_add(b, s, 1);
  }
  (void)dast_buf_adds(b, "'");
}

static bool secret_header(const char *line)
{
  static const char *names[] = {"authorization:", "proxy-authorization:", "x-api-key:",
                                "x-auth-token:", NULL};
  for(int i = 0; names[i]; i++)
    if(dast_strcaseprefix(line, names[i])) return true;
  return false;
}

static void masked_header(struct dast_buf *b, const char *line)
{
  if(secret_header(line)) {
    const char *colon = strchr(line, ':');
    (void)dast_buf_add(b, line, (size_t)(colon - line));
    (void)dast_buf_adds(b, ": ****");
  } else {
    (void)dast_buf_adds(b, line);
  }
}

/* Appends bytes with control characters escaped so evidence stays one
 * readable text (CR/LF kept as they are except inside header excerpts). */
static void add_printable(struct dast_buf *b, const char *p, size_t n, bool keep_newlines)
{
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)p[i];
    if(c == '\n' && keep_newlines) (void)dast_buf_add(b, "\n", 1);
    else if(c == '\r' && keep_newlines) continue;
    else if(c < 0x20 || c == 0x7f) (void)dast_buf_printf(b, "\\x%02x", c);
    else (void)dast_buf_add(b, p + i, 1);
  }
}

void pl_finding_request(struct dast_finding *f, const char *method, const char *url,
                        const char *const *headers, size_t nheaders, const char *body,
                        size_t body_len)
{
  struct dast_buf r, c;
  dast_buf_init(&r, 0);
  dast_buf_init(&c, 0);
  const char *m = method ? method : "GET";
  (void)dast_buf_printf(&r, "%s %s\n", m, url);
  (void)dast_buf_adds(&c, "curl -sS -i");
  if(strcmp(m, "GET")) {
    (void)dast_buf_adds(&c, " -X ");
    pl_shell_quote(&c, m);
  }
  for(size_t i = 0; i < nheaders; i++) {
    struct dast_buf h;
    dast_buf_init(&h, 0);
    masked_header(&h, headers[i]);
    (void)dast_buf_printf(&r, "%s\n", h.data ? h.data : "");
    (void)dast_buf_adds(&c, " -H ");
    pl_shell_quote(&c, h.data ? h.data : "");
    dast_buf_free(&h);
  }
  if(body && body_len) {
    (void)dast_buf_adds(&r, "\n");
    add_printable(&r, body, body_len < 4096 ? body_len : 4096, true);
    char *bs = dast_strndup(body, body_len);
    (void)dast_buf_adds(&c, " --data-binary ");
    pl_shell_quote(&c, bs);
    free(bs);
  }
  (void)dast_buf_adds(&c, " --path-as-is ");
  pl_shell_quote(&c, url);
  free(f->request);
  free(f->curl);
  f->request = dast_buf_take(&r, NULL);
  f->curl = dast_buf_take(&c, NULL);
}

void pl_finding_response(struct dast_finding *f, const struct pl_subject *s,
                         const struct pl_hit *hit)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  (void)dast_buf_printf(&b, "HTTP %ld\n", s->status);
  for(size_t i = 0; i < s->nheaders && i < 40; i++) {
    const struct dast_header *h = &s->headers[i];
    bool marked = hit && hit->set && !hit->in_body && hit->header[0] &&
                  !strcasecmp(hit->header, h->name);
    (void)dast_buf_printf(&b, "%s: ", h->name);
    size_t vl = strlen(h->value);
    if(marked && hit->off + hit->len <= vl) {
      add_printable(&b, h->value, hit->off, false);
      (void)dast_buf_adds(&b, ">>>");
      add_printable(&b, h->value + hit->off, hit->len, false);
      (void)dast_buf_adds(&b, "<<<");
      add_printable(&b, h->value + hit->off + hit->len, vl - hit->off - hit->len, false);
    } else {
      add_printable(&b, h->value, vl < 512 ? vl : 512, false);
    }
    (void)dast_buf_adds(&b, "\n");
  }
  (void)dast_buf_adds(&b, "\n");
  if(s->body && s->body_len) {
    if(hit && hit->set && hit->in_body && hit->off + hit->len <= s->body_len) {
      size_t from = hit->off > PL_EXCERPT / 2 ? hit->off - PL_EXCERPT / 2 : 0;
      size_t mlen = hit->len < 1024 ? hit->len : 1024;
      size_t to = hit->off + hit->len + PL_EXCERPT / 2;
      if(to > s->body_len) to = s->body_len;
      if(from) (void)dast_buf_adds(&b, "...");
      add_printable(&b, s->body + from, hit->off - from, true);
      (void)dast_buf_adds(&b, ">>>");
      add_printable(&b, s->body + hit->off, mlen, true);
      (void)dast_buf_adds(&b, "<<<");
      add_printable(&b, s->body + hit->off + hit->len, to - hit->off - hit->len, true);
      if(to < s->body_len) (void)dast_buf_adds(&b, "...");
    } else {
      size_t n = s->body_len < PL_EXCERPT ? s->body_len : PL_EXCERPT;
      add_printable(&b, s->body, n, true);
      if(n < s->body_len) (void)dast_buf_adds(&b, "...");
    }
  }
  free(f->response);
  f->response = dast_buf_take(&b, NULL);
}
