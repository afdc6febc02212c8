/* sitemap.c — sitemap parsing (sitemap.h).  A streaming xmlTextReader pass:
 * memory is the reader's current node, never a tree.  State is whether the
 * current <loc> sits in a <sitemap> (index entry) or a <url> (page).  Loc
 * text is capped at 8 KiB; entity references are left unexpanded. */
#include "crawlers/sitemap.h"

#include "scanner/engine/url.h"

#include <libxml/xmlreader.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LOC 8192

static void silent(void *arg, const char *msg, xmlParserSeverities sev, xmlTextReaderLocatorPtr loc)
{
  (void)arg;
  (void)msg;
  (void)sev;
  (void)loc;
}

struct sm {
  const char *base;
  size_t max, calls;
  dast_found_cb on_page, on_sitemap;
  void *ud;
  bool capped;
};

static void emit(struct sm *s, const char *ref, size_t n, bool index)
{
  while(n && (*ref == ' ' || *ref == '\t' || *ref == '\r' || *ref == '\n')) ref++, n--;
  while(n && (ref[n - 1] == ' ' || ref[n - 1] == '\t' || ref[n - 1] == '\r' || ref[n - 1] == '\n'))
    n--;
  if(!n || n > MAX_LOC) return;
  if(s->calls >= s->max) {
    s->capped = true;
    return;
  }
  char *r = dast_strndup(ref, n);
  char *abs = dast_url_resolve(s->base, r);
  free(r);
  if(!abs) return;
  struct dast_found f = {abs, "GET", DAST_SRC_SITEMAP, NULL, NULL, NULL};
  (index ? s->on_sitemap : s->on_page)(s->ud, &f);
  s->calls++;
  free(abs);
}

static void plain_text(struct sm *s, const char *txt, size_t len)
{
  size_t at = 0;
  while(at < len && !s->capped) {
    const char *nl = memchr(txt + at, '\n', len - at);
    size_t n = nl ? (size_t)(nl - (txt + at)) : len - at;
    if(n > 7 && (!strncmp(txt + at, "http://", 7) || !strncmp(txt + at, "https://", 8)))
      emit(s, txt + at, n, false);
    at += n + 1;
  }
}

dast_err dast_sitemap_extract(const char *xml, size_t len, const char *sitemap_url, size_t max,
                              dast_found_cb on_page, dast_found_cb on_sitemap, void *ud,
                              size_t *ncalls)
{
  struct sm s = {sitemap_url, max, 0, on_page, on_sitemap, ud, false};
  if(ncalls) *ncalls = 0;
  if(!xml || !sitemap_url || !on_page || !on_sitemap || len > INT_MAX) return DAST_EINVAL;
  size_t i = 0;
  while(i < len && (xml[i] == ' ' || xml[i] == '\n' || xml[i] == '\r' || xml[i] == '\t')) i++;
  if(i < len && xml[i] != '<' && (unsigned char)xml[i] != 0xef) {
    plain_text(&s, xml + i, len - i);
    if(ncalls) *ncalls = s.calls;
    return s.capped ? DAST_ELIMIT : DAST_OK;
  }
  xmlTextReaderPtr r = xmlReaderForMemory(xml, (int)len, sitemap_url, NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  if(!r) return DAST_EPARSE;
  xmlTextReaderSetErrorHandler(r, silent, NULL);
  bool in_index_entry = false, in_loc = false;
  struct dast_buf loc;
  dast_buf_init(&loc, MAX_LOC);
  int rc = 0;
  while(!s.capped && (rc = xmlTextReaderRead(r)) == 1) {
    int type = xmlTextReaderNodeType(r);
    const char *name = (const char *)xmlTextReaderConstLocalName(r);
    if(type == XML_READER_TYPE_ELEMENT && name) {
      if(!strcmp(name, "sitemap")) in_index_entry = true;
      else if(!strcmp(name, "url")) in_index_entry = false;
      else if(!strcmp(name, "loc") && !xmlTextReaderIsEmptyElement(r)) {
        in_loc = true;
        dast_buf_reset(&loc);
      }
    } else if((type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) && in_loc) {
      const char *v = (const char *)xmlTextReaderConstValue(r);
      if(v) (void)dast_buf_add_upto(&loc, v, strlen(v));
    } else if(type == XML_READER_TYPE_END_ELEMENT && name && !strcmp(name, "loc") && in_loc) {
      in_loc = false;
      if(loc.len) emit(&s, loc.data, loc.len, in_index_entry);
    }
  }
  dast_err e = s.capped ? DAST_ELIMIT : (rc < 0 ? DAST_EPARSE : DAST_OK);
  xmlFreeTextReader(r);
  dast_buf_free(&loc);
  if(ncalls) *ncalls = s.calls;
  return e;
}
