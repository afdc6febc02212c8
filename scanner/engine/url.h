/* url.h — URL parsing, resolution and normalisation on top of libcurl's URL
 * API (CURLU), so the engine and the crawler agree with curl on what a URL
 * means.  All results are owned strings; NULL means "not a usable http(s)
 * URL". */
#ifndef DAST_URL_H
#define DAST_URL_H

#include "scanner/engine/dast.h"

struct dast_url_parts {
  char *scheme, *host, *path, *query; /* owned; query NULL when absent */
  int port;                           /* explicit or default (80/443) */
};

/* Resolves `ref` against `base` (either may be absolute), drops the fragment,
 * normalises scheme/host case, default port, dot segments and percent
 * encoding as curl does.  Only http and https results are returned. */
char *dast_url_resolve(const char *base, const char *ref);
dast_err dast_url_split(const char *url, struct dast_url_parts *out) DAST_WUR;
void dast_url_parts_free(struct dast_url_parts *p);
/* "scheme://host:port" with the port always explicit. */
char *dast_url_origin(const char *url);
/* Fast path for hot code (scope checks, host keys): writes the origin of an
 * absolute http(s) URL, port always explicit, host lower-cased, into out;
 * false when the URL is not one it can read confidently (callers refuse). */
bool dast_url_origin_buf(const char *url, char *out, size_t outlen);
/* The URL without its query string (and fragment). */
char *dast_url_strip_query(const char *url);

#endif
