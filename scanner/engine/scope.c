/* scope.c — what the engine may send a request to (http.h, "scope").
 * Allowed origins (scheme://host:port, port always explicit) plus optional
 * include/exclude regexes on the full URL.  dast_scope_allows() runs for
 * every request and redirect hop, so the origin is extracted with a small
 * parser rather than CURLU; anything it can't read confidently is refused. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/engine/http.h"
#include "scanner/engine/re.h"
#include "scanner/engine/url.h"

struct dast_scope {
  char **origins;
  size_t norigins;
  struct dast_re **include;
  size_t ninclude;
  struct dast_re **exclude;
  size_t nexclude;
};

void dast_scope_add_origin(struct dast_scope *s, const char *url)
{
  char o[512];
  if(!dast_url_origin_buf(url, o, sizeof(o))) return;
  for(size_t i = 0; i < s->norigins; i++)
    if(!strcmp(s->origins[i], o)) return;
  s->origins = dast_realloc(s->origins, (s->norigins + 1) * sizeof(char *));
  s->origins[s->norigins++] = dast_strdup(o);
}

static dast_err compile_list(const struct dast_strlist *l, struct dast_re ***out, size_t *n,
                             const char *what, char *errbuf, size_t errlen)
{
  *out = dast_calloc(l->n ? l->n : 1, sizeof(struct dast_re *));
  for(size_t i = 0; i < l->n; i++) {
    char msg[200];
    if(dast_re_compile(l->v[i], 0, &(*out)[i], msg, sizeof(msg))) {
      snprintf(errbuf, errlen, "--%s '%s': %s", what, l->v[i], msg);
      return DAST_EPARSE;
    }
    (*n)++;
  }
  return DAST_OK;
}

dast_err dast_scope_new(const struct dast_config *cfg, struct dast_scope **out, char *errbuf,
                        size_t errlen)
{
  struct dast_scope *s = dast_calloc(1, sizeof(*s));
  *out = NULL;
  if(cfg->target) {
    char o[512];
    if(!dast_url_origin_buf(cfg->target, o, sizeof(o))) {
      snprintf(errbuf, errlen, "target '%s' is not an absolute http:// or https:// URL",
               cfg->target);
      dast_scope_free(s);
      return DAST_EINVAL;
    }
    dast_scope_add_origin(s, cfg->target);
  }
  for(size_t i = 0; i < cfg->origins.n; i++) dast_scope_add_origin(s, cfg->origins.v[i]);
  dast_err e = compile_list(&cfg->include, &s->include, &s->ninclude, "include", errbuf, errlen);
  if(!e) e = compile_list(&cfg->exclude, &s->exclude, &s->nexclude, "exclude", errbuf, errlen);
  if(e) {
    dast_scope_free(s);
    return e;
  }
  *out = s;
  return DAST_OK;
}

void dast_scope_free(struct dast_scope *s)
{
  if(!s) return;
  for(size_t i = 0; i < s->norigins; i++) free(s->origins[i]);
  free(s->origins);
  for(size_t i = 0; i < s->ninclude; i++) dast_re_free(s->include[i]);
  for(size_t i = 0; i < s->nexclude; i++) dast_re_free(s->exclude[i]);
  free(s->include);
  free(s->exclude);
  free(s);
}

bool dast_scope_allows(const struct dast_scope *s, const char *url)
{
  char o[512];
  if(!s || !url || !dast_url_origin_buf(url, o, sizeof(o))) return false;
  return dast__scope_allows_origin(s, url, o);
}

bool dast__scope_allows_origin(const struct dast_scope *s, const char *url, const char *o)
{
  if(!s) return false;
  bool ok = false;
  for(size_t i = 0; i < s->norigins && !ok; i++) ok = !strcmp(s->origins[i], o);
  if(!ok) return false;
  size_t len = strlen(url);
  if(s->ninclude) {
    bool inc = false;
    for(size_t i = 0; i < s->ninclude && !inc; i++) inc = dast_re_test(s->include[i], url, len);
    if(!inc) return false;
  }
  for(size_t i = 0; i < s->nexclude; i++)
    if(dast_re_test(s->exclude[i], url, len)) return false;
  return true;
}
