/* jsurls.h — URLs in JavaScript: string literals that look like paths or
 * URLs, and the arguments of fetch(), XMLHttpRequest .open(), $.get/$.post/
 * $.ajax, axios.*, location=/location.href=/window.open() — with the HTTP
 * method when the call names one.  Template literals keep their static part
 * ("/api/items/${id}" becomes "/api/items/1").  All matching goes through
 * scanner/engine/re.h, so a hostile 20 MB script costs bounded time.
 *
 * Also home of dast_found_cb, the callback every pure extractor in
 * crawlers/ reports URLs through. */
#ifndef DAST_CRAWL_JSURLS_H
#define DAST_CRAWL_JSURLS_H

#include "scanner/engine/types.h"

/* One URL found by an extractor.  Everything is borrowed for the duration
 * of the callback only. */
struct dast_found {
  const char *url;        /* absolute http(s) URL (resolved, no fragment) */
  const char *method;     /* "GET" unless the source said otherwise */
  enum dast_source src;   /* DAST_SRC_LINK, DAST_SRC_JS, ... */
  const char *json_keys;  /* JS: comma-separated keys of a JSON.stringify({..}) body, or NULL */
  const char *content_type; /* JS: Content-Type named in the call's options, or NULL */
  const char *label;      /* HTML <a>: what the link says (its text, title), or NULL */
};
typedef void (*dast_found_cb)(void *ud, const struct dast_found *f);

/* Default cap on URLs reported per document. */
#define DAST_JSURLS_MAX 20000
/* Longest literal considered a URL. */
#define DAST_JSURLS_MAX_LITERAL 2048

struct dast_jsurls; /* the compiled patterns; immutable, shareable */

/* Compiles the patterns.  DAST_EPARSE only if re.h rejects one (a bug). */
dast_err dast_jsurls_new(struct dast_jsurls **out) DAST_WUR;
void dast_jsurls_free(struct dast_jsurls *j);

/* Scans `len` bytes of JavaScript, resolves every candidate against `base`
 * and calls cb (synchronously) for each distinct URL, at most `max` times.
 * Returns the number of URLs reported; *capped (may be NULL) is set when
 * more were found than reported. */
size_t dast_jsurls_extract(const struct dast_jsurls *j, const char *js, size_t len,
                           const char *base, size_t max, dast_found_cb cb, void *ud,
                           bool *capped);

#endif
