/* support_app.c — pieces of the small vulnerable test apps (evhttp on
 * 127.0.0.1) that the attack-engine tests start, and of reading their
 * findings: HTML escaping for the safe twins, request parameters, a silent
 * libxml2 error handler, finding lookup and dump. */
#include "tests/unit/support.h"

#include "payloads/attack.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

char *dast_test_html_esc(const char *s)
{
  char *o = malloc(strlen(s) * 6 + 1), *p = o;
  if(!o) abort();
  for(; *s; s++) {
    const char *r = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                  : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
    if(r) {
      memcpy(p, r, strlen(r));
      p += strlen(r);
    } else {
      *p++ = *s;
    }
  }
  *p = '\0';
  return o;
}

static char *lookup(const char *qs, const char *name)
{
  struct evkeyvalq q = {0};
  TAILQ_INIT(&q);
  char *v = NULL;
  if(!evhttp_parse_query_str(qs, &q) && evhttp_find_header(&q, name))
    v = strdup(evhttp_find_header(&q, name));
  evhttp_clear_headers(&q);
  return v;
}

char *dast_test_param(struct evhttp_request *req, const char *name)
{
  const char *qs = strchr(evhttp_request_get_uri(req), '?');
  char *v = qs ? lookup(qs + 1, name) : NULL;
  if(v) return v;
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  if(n) {
    char *body = calloc(1, n + 1);
    if(!body) abort();
    evbuffer_copyout(in, body, n);
    v = lookup(body, name);
    free(body);
  }
  return v ? v : strdup("");
}

void dast_test_quiet(void *ctx, const char *msg, ...)
{
  (void)ctx;
  (void)msg;
}

const struct dast_finding *dast_test_find(const struct dast_attack *a, const char *check,
                                          const char *tmpl)
{
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(a, &fs);
  for(size_t i = 0; i < n; i++)
    if(!strcmp(fs[i]->check_id, check) && (!tmpl || !strcmp(fs[i]->tmpl, tmpl))) return fs[i];
  return NULL;
}

void dast_test_dump_findings(const struct dast_attack *a)
{
  struct dast_finding *const *fs;
  size_t n = dast_attack_findings(a, &fs);
  for(size_t i = 0; i < n; i++)
    fprintf(stderr, "  finding: %-22s %-9s %s %s [%s] %s\n", fs[i]->check_id,
            dast_confidence_name(fs[i]->confidence), fs[i]->method, fs[i]->tmpl,
            fs[i]->param ? fs[i]->param : "-", fs[i]->evidence ? fs[i]->evidence : "");
}
