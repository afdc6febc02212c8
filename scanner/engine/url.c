/* url.c — URL helpers (url.h) on libcurl's CURLU API, so resolution and
 * normalisation agree with what the engine will actually request.  The hot
 * path (scope checks) uses dast__url_origin_fast() below, a small parser
 * that avoids CURLU's allocations for the common absolute-URL case. */
#include "scanner/engine/url.h"

#include <ctype.h>
#include <stdio.h>
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool http_scheme(const char *s)
{
  return s && (!strcmp(s, "http") || !strcmp(s, "https"));
}

/* Removes "." and ".." segments from path[0..n) (RFC 3986 5.2.4) into out,
 * which has room for n + 1 bytes.  Returns the output length. */
static size_t remove_dots(const char *in, size_t n, char *out)
{
  size_t o = 0, i = 0;
  while(i < n) {
    /* in starts at a '/' here */
    size_t j = i + 1;
    while(j < n && in[j] != '/') j++;
    size_t seglen = j - (i + 1);
    const char *seg = in + i + 1;
    if(seglen == 1 && seg[0] == '.') {
      if(j == n) out[o++] = '/';
    } else if(seglen == 2 && seg[0] == '.' && seg[1] == '.') {
      /* drop the last output segment with its leading '/' */
      while(o > 0 && out[o - 1] != '/') o--;
      if(o > 0) o--;
      if(j == n) out[o++] = '/';
    } else {
      memcpy(out + o, in + i, j - i);
      o += j - i;
    }
    i = j;
  }
  if(o == 0) out[o++] = '/';
  out[o] = '\0';
  return o;
}

/* Is base an absolute URL in the form this file produces (lower-case
 * http(s) scheme and host, no userinfo, no default port)?  Returns the
 * length of "scheme://authority" or 0. */
static size_t plain_origin_len(const char *base)
{
  const char *p;
  if(!strncmp(base, "http://", 7)) p = base + 7;
  else if(!strncmp(base, "https://", 8)) p = base + 8;
  else return 0;
  const char *h = p;
  while((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-') p++;
  if(p == h) return 0;
  if(*p == ':') {
    const char *d = ++p;
    while(*p >= '0' && *p <= '9') p++;
    if(p == d || p - d > 5) return 0;
    bool http = base[4] == ':';
    if((http && p - d == 2 && !strncmp(d, "80", 2)) || (!http && p - d == 3 && !strncmp(d, "443", 3)))
      return 0;
  }
  if(*p && *p != '/' && *p != '?' && *p != '#') return 0;
  return (size_t)(p - base);
}

/* Fast path for the overwhelmingly common case in crawling: a relative
 * reference of plain printable ASCII against a base we normalised before.
 * Returns NULL when the general (CURLU) path must decide. */
static char *resolve_fast(const char *base, const char *ref, size_t rlen)
{
  if(!base || !rlen || ref[0] == '#') return NULL;
  for(size_t i = 0; i < rlen; i++) {
    unsigned char c = (unsigned char)ref[i];
    if(c <= 0x20 || c >= 0x7f || c == '\\' || c == '"' || c == '<' || c == '>' || c == '`' ||
       c == '{' || c == '}' || c == '|' || c == '^')
      return NULL;
    if(c == ':' ) {
      /* a scheme ("x:") only if everything before is a scheme char */
      size_t k = 0;
      while(k < i && ref[k] != '/' && ref[k] != '?' && ref[k] != '#') k++;
      if(k == i) return NULL;
    }
  }
  if(rlen >= 2 && ref[0] == '/' && ref[1] == '/') return NULL;
  size_t olen = plain_origin_len(base);
  if(!olen) return NULL;
  const char *bpath = base + olen;
  size_t bplen = strcspn(bpath, "?#");
  size_t refnofrag = strcspn(ref, "#");
  if(refnofrag > rlen) refnofrag = rlen;
  size_t rpath = strcspn(ref, "?#");
  if(rpath > refnofrag) rpath = refnofrag;
  /* merged path into tmp */
  size_t cap = bplen + rlen + 4;
  char *tmp = dast_malloc(cap);
  size_t tl = 0;
  if(rpath == 0) {
    /* "?query": the base path */
    if(bplen) memcpy(tmp, bpath, bplen);
    tl = bplen;
    if(!tl) tmp[tl++] = '/';
  } else if(ref[0] == '/') {
    memcpy(tmp, ref, rpath);
    tl = rpath;
  } else {
    size_t dir = bplen;
    while(dir > 0 && bpath[dir - 1] != '/') dir--;
    if(dir == 0) tmp[tl++] = '/';
    else {
      memcpy(tmp, bpath, dir);
      tl = dir;
    }
    memcpy(tmp + tl, ref, rpath);
    tl += rpath;
  }
  char *out = dast_malloc(olen + tl + (refnofrag - rpath) + 2);
  memcpy(out, base, olen);
  size_t pl = remove_dots(tmp, tl, out + olen);
  size_t o = olen + pl;
  memcpy(out + o, ref + rpath, refnofrag - rpath); /* "?query" */
  o += refnofrag - rpath;
  out[o] = '\0';
  free(tmp);
  return out;
}

char *dast_url_resolve(const char *base, const char *ref)
{
  if(!ref) return NULL;
  /* skip leading/trailing whitespace as browsers do */
  while(*ref && isspace((unsigned char)*ref)) ref++;
  size_t rlen = strlen(ref);
  while(rlen && isspace((unsigned char)ref[rlen - 1])) rlen--;
  if(rlen > 8192) return NULL;
  char *fast = resolve_fast(base, ref, rlen);
  if(fast) return fast;
  char *r = dast_strndup(ref, rlen);
  /* strip CR/LF/TAB inside, as the URL standard does */
  char *w = r;
  for(char *p = r; *p; p++)
    if(*p != '\n' && *p != '\r' && *p != '\t') *w++ = *p;
  *w = '\0';
  if(!strncasecmp(r, "javascript:", 11) || !strncasecmp(r, "mailto:", 7) ||
     !strncasecmp(r, "data:", 5) || !strncasecmp(r, "tel:", 4)) {
    free(r);
    return NULL;
  }
  CURLU *h = curl_url();
  if(!h) dast_oom();
  char *out = NULL;
  CURLUcode rc = CURLUE_OK;
  if(base) rc = curl_url_set(h, CURLUPART_URL, base, CURLU_URLENCODE);
  /* "" and "#frag" name the base document itself (curl 7.88 resolves them
   * to the base's directory) */
  if(!rc && *r && *r != '#') rc = curl_url_set(h, CURLUPART_URL, r, CURLU_URLENCODE);
  else if(!base) rc = CURLUE_MALFORMED_INPUT;
  if(!rc) rc = curl_url_set(h, CURLUPART_FRAGMENT, NULL, 0);
  char *scheme = NULL, *host = NULL;
  if(!rc) rc = curl_url_get(h, CURLUPART_SCHEME, &scheme, 0);
  if(!rc && http_scheme(scheme)) rc = curl_url_get(h, CURLUPART_HOST, &host, 0);
  if(!rc && host && http_scheme(scheme)) {
    for(char *p = host; *p; p++) *p = (char)tolower((unsigned char)*p);
    rc = curl_url_set(h, CURLUPART_HOST, host, 0);
    if(!rc) rc = curl_url_get(h, CURLUPART_URL, &out, CURLU_NO_DEFAULT_PORT);
  }
  curl_free(scheme);
  curl_free(host);
  curl_url_cleanup(h);
  bool had_pct = strchr(r, '%') != NULL;
  free(r);
  if(rc && out) {
    curl_free(out);
    out = NULL;
  }
  if(!out) return NULL;
  char *res = dast_strdup(out);
  curl_free(out);
  /* curl decodes a percent-encoded host but normalises the numeric IPv4
   * forms only when it parses the result again ("%30.1" -> "0.1" ->
   * "0.0.0.1"): one more pass makes the result a fixed point */
  if(had_pct || strchr(res, '%')) {
    char *again = NULL;
    CURLU *h2 = curl_url();
    if(!h2) dast_oom();
    if(!curl_url_set(h2, CURLUPART_URL, res, 0) && !curl_url_get(h2, CURLUPART_URL, &again, CURLU_NO_DEFAULT_PORT)) {
      free(res);
      res = dast_strdup(again);
    }
    curl_free(again);
    curl_url_cleanup(h2);
  }
  return res;
}

dast_err dast_url_split(const char *url, struct dast_url_parts *p)
{
  memset(p, 0, sizeof(*p));
  CURLU *h = curl_url();
  if(!h) dast_oom();
  dast_err e = DAST_EPARSE;
  char *scheme = NULL, *host = NULL, *path = NULL, *query = NULL, *port = NULL;
  if(curl_url_set(h, CURLUPART_URL, url, 0)) goto out;
  if(curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) || !http_scheme(scheme)) goto out;
  if(curl_url_get(h, CURLUPART_HOST, &host, 0)) goto out;
  if(curl_url_get(h, CURLUPART_PATH, &path, 0)) goto out;
  if(curl_url_get(h, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT)) goto out;
  (void)curl_url_get(h, CURLUPART_QUERY, &query, 0);
  p->scheme = dast_strdup(scheme);
  p->host = dast_strdup(host);
  for(char *c = p->host; *c; c++) *c = (char)tolower((unsigned char)*c);
  p->path = dast_strdup(path);
  p->query = query ? dast_strdup(query) : NULL;
  p->port = (int)strtol(port, NULL, 10);
  e = DAST_OK;
out:
  curl_free(scheme);
  curl_free(host);
  curl_free(path);
  curl_free(query);
  curl_free(port);
  curl_url_cleanup(h);
  return e;
}

void dast_url_parts_free(struct dast_url_parts *p)
{
  free(p->scheme);
  free(p->host);
  free(p->path);
  free(p->query);
  memset(p, 0, sizeof(*p));
}

char *dast_url_origin(const char *url)
{
  struct dast_url_parts p;
  if(dast_url_split(url, &p)) return NULL;
  bool v6 = strchr(p.host, ':') != NULL && p.host[0] != '[';
  char *o = dast_aprintf("%s://%s%s%s:%d", p.scheme, v6 ? "[" : "", p.host, v6 ? "]" : "", p.port);
  dast_url_parts_free(&p);
  return o;
}

char *dast_url_strip_query(const char *url)
{
  size_t n = strcspn(url, "?#");
  return dast_strndup(url, n);
}

/* Writes "scheme://host:port" for an absolute http(s) URL into out; false
 * when the URL is not one we can read confidently. */
bool dast_url_origin_buf(const char *url, char *out, size_t outlen)
{
  const char *p = url;
  int defport;
  size_t slen;
  if(!strncasecmp(p, "http://", 7)) { slen = 4; defport = 80; p += 7; }
  else if(!strncasecmp(p, "https://", 8)) { slen = 5; defport = 443; p += 8; }
  else return false;
  const char *end = p + strcspn(p, "/?#");
  const char *at = NULL;
  for(const char *q = p; q < end; q++)
    if(*q == '@') at = q;
  if(at) p = at + 1;
  if(p == end) return false;
  const char *hend, *colon = NULL;
  if(*p == '[') {
    hend = memchr(p, ']', (size_t)(end - p));
    if(!hend) return false;
    hend++;
    if(hend < end && *hend == ':') colon = hend;
    else if(hend != end) return false;
  } else {
    colon = memchr(p, ':', (size_t)(end - p));
    hend = colon ? colon : end;
  }
  int port = defport;
  if(colon) {
    if(colon + 1 == end) port = defport;
    else {
      char *e;
      long v = strtol(colon + 1, &e, 10);
      if(e != end || v <= 0 || v > 65535) return false;
      port = (int)v;
    }
  }
  size_t hlen = (size_t)(hend - p);
  if(hlen == 0 || hlen + slen + 16 > outlen) return false;
  for(const char *q = p; q < hend; q++)
    if(*q == '%' || *q == '\\' || isspace((unsigned char)*q)) return false;
  char *o = out;
  for(size_t i = 0; i < slen; i++) *o++ = (char)tolower((unsigned char)url[i]);
  memcpy(o, "://", 3);
  o += 3;
  for(size_t i = 0; i < hlen; i++) *o++ = (char)tolower((unsigned char)p[i]);
  /* a trailing dot names the same host */
  if(o[-1] == '.') o--;
  /* ":port" without snprintf: this runs for every request */
  char digits[8];
  int nd = 0;
  do {
    digits[nd++] = (char)('0' + port % 10);
    port /= 10;
  } while(port);
  *o++ = ':';
  while(nd) *o++ = digits[--nd];
  *o = '\0';
  return true;
}

