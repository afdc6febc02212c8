/* robots.h — robots.txt as a source of endpoints: Allow and Disallow paths
 * are places to try, not rules to obey (wildcards "*" and "$" cut the path
 * at their position), and Sitemap: lines name sitemaps to fetch.  Pure. */
#ifndef DAST_CRAWL_ROBOTS_H
#define DAST_CRAWL_ROBOTS_H

#include "crawlers/jsurls.h"

/* Parses `len` bytes of robots.txt fetched from `robots_url`; calls
 * on_path for each Allow/Disallow path (resolved; src DAST_SRC_ROBOTS) and
 * on_sitemap for each Sitemap URL (src DAST_SRC_SITEMAP), synchronously,
 * at most `max` calls in all.  Returns the number of calls; *capped (may
 * be NULL) tells whether more were dropped.  Binary junk is skipped. */
size_t dast_robots_extract(const char *txt, size_t len, const char *robots_url, size_t max,
                           dast_found_cb on_path, dast_found_cb on_sitemap, void *ud,
                           bool *capped);

#endif
