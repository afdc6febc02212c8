/* csrf.c — anti-CSRF tokens in probed forms.
 *
 * An application that rotates its form token on every render rejects a
 * probe that replays the token seen while crawling, so every probe would
 * hit the "invalid token" page and find nothing.  For an endpoint with a
 * hidden field named like a token and a known form page (ep->found_on) the
 * attack fetches that page before each probe and copies the current value
 * in (attack.c does the fetching; this file only recognises and extracts).
 * Extraction is a bounded scan of the <input> tags, no DOM. */
#include "payloads/pl_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool token_name(const char *n)
{
  static const char *words[] = {"csrf", "xsrf", "authenticity_token", "requestverificationtoken",
                                "nonce", "_token", "anti-forgery", "antiforgery", NULL};
  for(int i = 0; words[i]; i++)
    if(dast_strcasestr(n, words[i])) return true;
  return false;
}

long pl_csrf_index(const struct dast_endpoint *ep)
{
  if(!ep->found_on) return -1;
  for(size_t i = 0; i < ep->nparams; i++) {
    const struct dast_param *p = &ep->params[i];
    if((p->kind == DAST_IP_FORM || p->kind == DAST_IP_MULTIPART) && token_name(p->name))
      return (long)i;
  }
  return -1;
}

/* Value of attribute `attr` inside the tag [t, end), owned, or NULL. */
static char *attr_value(const char *t, const char *end, const char *attr)
{
  size_t an = strlen(attr);
  for(const char *p = t; p + an < end; p++) {
    if(strncasecmp(p, attr, an) || !isspace((unsigned char)p[-1])) continue;
    const char *q = p + an;
    while(q < end && isspace((unsigned char)*q)) q++;
    if(q >= end || *q != '=') continue;
    q++;
    while(q < end && isspace((unsigned char)*q)) q++;
    char quote = (*q == '"' || *q == '\'') ? *q++ : 0;
    const char *v = q;
    while(q < end && (quote ? *q != quote : !isspace((unsigned char)*q) && *q != '>')) q++;
    return dast_strndup(v, (size_t)(q - v));
  }
  return NULL;
}

char *pl_csrf_extract(const char *html, size_t len, const char *name)
{
  if(!html) return NULL;
  const char *end = html + len;
  for(const char *p = html; p < end; p++) {
    p = dast_memmem(p, (size_t)(end - p), "<input", 6);
    if(!p) break;
    const char *gt = memchr(p, '>', (size_t)(end - p));
    if(!gt) break;
    char *n = attr_value(p + 6, gt, "name");
    bool hit = n && !strcmp(n, name);
    free(n);
    if(hit) {
      char *v = attr_value(p + 6, gt, "value");
      if(v) return v;
    }
    p = gt;
  }
  return NULL;
}
