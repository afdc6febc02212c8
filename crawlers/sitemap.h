/* sitemap.h — sitemap.xml (urlset) and sitemap indexes (sitemapindex), read
 * with libxml2's XML reader with XML_PARSE_NONET and no entity
 * substitution or DTD loading (no XXE, no billion laughs).  A body that is
 * not XML is read as a plain-text sitemap (one URL per line).  Pure. */
#ifndef DAST_CRAWL_SITEMAP_H
#define DAST_CRAWL_SITEMAP_H

#include "crawlers/jsurls.h"

/* Calls on_page for each <url><loc> (src DAST_SRC_SITEMAP) and on_sitemap
 * for each <sitemap><loc> of an index, resolved against `sitemap_url`,
 * synchronously, at most `max` calls in all.  Returns DAST_OK, or
 * DAST_EPARSE when the XML is broken (what was read before the error is
 * still reported), DAST_ELIMIT when `max` stopped it. */
dast_err dast_sitemap_extract(const char *xml, size_t len, const char *sitemap_url, size_t max,
                              dast_found_cb on_page, dast_found_cb on_sitemap, void *ud,
                              size_t *ncalls) DAST_WUR;

#endif
