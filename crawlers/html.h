/* html.h — links and forms from HTML, streamed through libxml2's HTML SAX
 * push parser in recover mode (no tree is built).  Reports:
 *  - a/area/link[href], frame/iframe/script/img/embed/source/video/audio/
 *    track[src], object[data], meta refresh, data-* attributes that hold URLs  (LINK);
 *  - URLs in inline <script> text, on* event handlers and javascript: hrefs
 *    (JS, via jsurls.h);
 *  - forms: action (resolved), method, enctype and every input/select/
 *    textarea/button with name, type and default value (hidden fields kept,
 *    a select's selected-or-first option), plus one extra form per distinct
 *    formaction/formmethod on its buttons, and the labels of its submit
 *    controls (struct dast_form.labels).
 * Markup inside comments (commented-out links and forms) is parsed too,
 * one level deep, within the same caps.
 * <base href> changes the base for what follows it.  Hostile pages are
 * bounded: links and forms per page, fields per form, nesting depth and
 * script text are capped; past the link cap the parser is stopped and the
 * page is marked capped. */
#ifndef DAST_CRAWL_HTML_H
#define DAST_CRAWL_HTML_H

#include "crawlers/jsurls.h"

struct dast_form_field {
  char *name;
  char *type;   /* lower-case input type ("text", "hidden", "select", "textarea", ...) */
  char *value;  /* default value ("" when none) */
};

struct dast_form {
  char *action;   /* absolute URL, may carry a query */
  char *method;   /* "GET" or "POST" (upper case) */
  char *enctype;  /* "application/x-www-form-urlencoded", "multipart/form-data", "text/plain" */
  struct dast_form_field *fields;
  size_t nfields, alloc;
  bool self_action; /* no action attribute (or an empty one): it posts to its own page */
  char *labels;   /* what its submit controls say: value attributes and <button>
                     text, '|'-separated, capped (NULL when none) — how a
                     "Reset database" form gives itself away */
};
typedef void (*dast_form_cb)(void *ud, const struct dast_form *form);
/* A deep copy of a form (owned), and its release (NULL is fine). */
struct dast_form *dast_form_dup(const struct dast_form *f);
void dast_form_free(struct dast_form *f);

struct dast_html_limits {
  size_t max_links;   /* URLs reported per page (default 20000) */
  size_t max_forms;   /* default 500 */
  size_t max_fields;  /* per form, default 500 */
  size_t max_depth;   /* element nesting (default 2048): deeper stops the parse */
  size_t max_script;  /* bytes of one inline script kept for JS scanning (default 1 MiB) */
};

struct dast_html_stats {
  size_t links, forms, scripts, elements;
  bool capped;        /* a cap stopped extraction early */
  const char *cap_reason; /* static string naming the cap, or NULL */
};

/* Parses `len` bytes of HTML fetched from `page_url` (absolute).  Calls
 * on_url for every URL and on_form for every form, synchronously, with
 * borrowed data.  js may be NULL (no JS scanning).  limits NULL = defaults.
 * Never fails on malformed markup (recover mode); returns DAST_EINVAL for
 * bad arguments and DAST_ELIMIT when a cap stopped it (stats->capped). */
dast_err dast_html_extract(const char *html, size_t len, const char *page_url,
                           const struct dast_jsurls *js, const struct dast_html_limits *limits,
                           dast_found_cb on_url, dast_form_cb on_form, void *ud,
                           struct dast_html_stats *stats) DAST_WUR;

/* Parses a meta-refresh / Refresh header value ("5; url=/next") and returns
 * the URL part (owned, unresolved) or NULL. */
char *dast_html_refresh_url(const char *content);

#endif
