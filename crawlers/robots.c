/* robots.c — robots.txt parsing (robots.h).  A line-oriented scan over the
 * caller's buffer: no allocation but the resolved URL of each reported
 * path.  Lines longer than 8 KiB are ignored; comments ("#") are cut. */
#include "crawlers/robots.h"

#include "scanner/engine/url.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LINE 8192

static bool directive(const char *line, size_t n, const char *name, const char **val,
                      size_t *vlen)
{
  size_t k = strlen(name);
  if(n <= k || strncasecmp(line, name, k)) return false;
  size_t i = k;
  while(i < n && (line[i] == ' ' || line[i] == '\t')) i++;
  if(i >= n || line[i] != ':') return false;
  i++;
  while(i < n && (line[i] == ' ' || line[i] == '\t')) i++;
  size_t end = n;
  while(end > i && (line[end - 1] == ' ' || line[end - 1] == '\t' || line[end - 1] == '\r')) end--;
  *val = line + i;
  *vlen = end - i;
  return true;
}

size_t dast_robots_extract(const char *txt, size_t len, const char *robots_url, size_t max,
                           dast_found_cb on_path, dast_found_cb on_sitemap, void *ud,
                           bool *capped)
{
  size_t calls = 0;
  if(capped) *capped = false;
  if(!txt || !robots_url || !on_path || !on_sitemap) return 0;
  size_t at = 0;
  while(at < len) {
    const char *line = txt + at;
    const char *nl = memchr(line, '\n', len - at);
    size_t n = nl ? (size_t)(nl - line) : len - at;
    at += n + 1;
    const char *hash = memchr(line, '#', n);
    if(hash) n = (size_t)(hash - line);
    while(n && (*line == ' ' || *line == '\t' || (unsigned char)*line == 0xef ||
                (unsigned char)*line == 0xbb || (unsigned char)*line == 0xbf)) /* BOM */
      line++, n--;
    if(!n || n > MAX_LINE || memchr(line, '\0', n)) continue; /* binary junk */
    const char *v;
    size_t vlen;
    bool is_map = directive(line, n, "sitemap", &v, &vlen);
    if(!is_map && !directive(line, n, "disallow", &v, &vlen) &&
       !directive(line, n, "allow", &v, &vlen))
      continue;
    if(!is_map) {
      const char *wild = v;
      while(wild < v + vlen && *wild != '*' && *wild != '$') wild++;
      vlen = (size_t)(wild - v);
    }
    if(!vlen || (!is_map && v[0] != '/')) continue;
    char *ref = dast_strndup(v, vlen);
    {
      char *abs = dast_url_resolve(robots_url, ref);
      if(abs) {
        if(calls >= max) {
          if(capped) *capped = true;
          free(abs);
          free(ref);
          break;
        }
        struct dast_found f = {abs, "GET", is_map ? DAST_SRC_SITEMAP : DAST_SRC_ROBOTS, NULL, NULL, NULL};
        (is_map ? on_sitemap : on_path)(ud, &f);
        calls++;
        free(abs);
      }
    }
    free(ref);
  }
  return calls;
}
