/* template.h — URL templates: the de-duplication key of the crawl and of the
 * endpoint inventory.  Id-like path segments collapse ("/item/17" and
 * "/item/18" are both "/item/{n}"; uuids "{uuid}", >= 16 hex digits "{hex}",
 * ISO dates "{date}", other generated alphanumeric ids "{id}"), and the query keeps only its sorted parameter names
 * ("/search?page=&q=").  Pure string functions: no engine, no network, so
 * they are fuzz targets. */
#ifndef DAST_CRAWL_TEMPLATE_H
#define DAST_CRAWL_TEMPLATE_H

#include "scanner/engine/types.h"

/* Caps on what a hostile URL can make us allocate. */
#define DAST_TMPL_MAX_PARAMS 256
#define DAST_TMPL_MAX_SEGMENTS 128

/* Classifies one path segment (or value) of n bytes: returns "{n}",
 * "{uuid}", "{hex}", "{date}" or — for 8..64 letters and digits with at
 * least two digits and a letter, the shape of generated ids and path-trap
 * tokens — "{id}"; NULL when literal. */
const char *dast_tmpl_classify(const char *s, size_t n);

/* Template of `url` (absolute "http://h/p?q" or origin-relative "/p?q"):
 * templated path, then "?" and the sorted, de-duplicated parameter names
 * each followed by "=" and joined by "&" when the URL has a query.  The
 * fragment is ignored.  Owned result, never NULL. */
char *dast_tmpl_of_url(const char *url);

/* A query value that names a server page ("home.php", "labs/lab-1.php",
 * "view.aspx"): the route of a front controller (index.php?page=...), each
 * value a different page.  Id-like names ("a3f9x2k1.php") are not routes
 * (a trap could make endless ones). */
bool dast_tmpl_is_route(const char *value);

/* Builds an endpoint for (method, url): ep->url is `url` without query or
 * fragment, every query parameter becomes a DAST_IP_QUERY param (decoded),
 * every templated path segment a DAST_IP_PATH param (name = its 0-based
 * index, value = the segment), and ep->tmpl is set -- keeping the values of
 * route parameters ("/index.php?page=home.php"), so that the crawler's
 * visits per template bound each routed page on its own.  The inventory
 * keys endpoints without them: dast_tmpl_set() gives the plain template
 * ("/index.php?page=").  Owned result; caller frees with
 * dast_endpoint_free(). */
struct dast_endpoint *dast_tmpl_endpoint(const char *method, const char *url,
                                         enum dast_source src);

/* The template an endpoint is keyed by in the inventory (and attacked as):
 * route values collapsed ("/index.php?page=") when the route is all it
 * takes — the pages of a front controller share that one parameter — but
 * kept ("/index.php?page=xpath.php&user=") when it takes more: a form or a
 * query parameter on a routed page is that page's own code, and two pages'
 * forms with the same fields are different endpoints. */
void dast_tmpl_set_inventory(struct dast_endpoint *ep);

/* Recomputes ep->tmpl from ep->url and its DAST_IP_QUERY params (for
 * endpoints whose params were added by hand: forms, OpenAPI, HAR). */
void dast_tmpl_set(struct dast_endpoint *ep);

/* Adds DAST_IP_PATH params for the templated segments of ep->url that
 * don't have one yet. */
void dast_tmpl_add_path_params(struct dast_endpoint *ep);

/* Inventory key of an endpoint: method, template and the sorted names of
 * its body/header/cookie params, hashed.  Two endpoints with the same key
 * are the same request shape. */
uint64_t dast_tmpl_endpoint_key(const struct dast_endpoint *ep);

#endif
