/* crawl.h — the crawler: turns responses into the endpoint inventory,
 * driving the engine (scanner/engine/http.h) as an event-driven producer of
 * requests.  Seeds (target, robots.txt, sitemap.xml, --openapi, --har,
 * extra seeds) feed a breadth-first frontier that prefers new URL
 * templates; each response is parsed (HTML forms/links/inline JS, external
 * JS, JSON, robots, sitemaps, Location/Link/Refresh/Content-Location) and
 * the URLs found go back into the frontier, subject to scope, the
 * dangerous-link filter, max_depth/max_pages/max_requests and at most
 * cfg->template_visits fetches per template.  Forms are submitted once per
 * shape with plausible values.  With cfg->login_url the crawler logs in
 * first (CSRF fields taken from the login form), notices a lost session
 * and logs in again (bounded), retrying what failed.
 *
 * Lifetime: new -> start -> (caller runs dast_engine_run) -> read the
 * inventory/stats -> free.  All callbacks run on the engine's loop. */
#ifndef DAST_CRAWL_H
#define DAST_CRAWL_H

#include "scanner/engine/config.h"
#include "scanner/engine/http.h"
#include "scanner/engine/types.h"

struct dast_crawler;

/* eng, cfg borrowed for the crawler's lifetime.  DAST_EINVAL (message in
 * errbuf) for a bad logged_in/logged_out regex or login_url. */
dast_err dast_crawler_new(struct dast_engine *eng, const struct dast_config *cfg,
                          struct dast_crawler **out, char *errbuf, size_t errlen) DAST_WUR;

/* Seeds (cfg->target unless no_crawl, robots.txt, sitemap.xml, cfg->openapi,
 * cfg->har, cfg->extra_seeds), starts the login if configured, and submits
 * the first requests; the caller then runs dast_engine_run().  Errors:
 * DAST_EPARSE for an invalid OpenAPI/HAR file given by the user (message in
 * errbuf), DAST_EIO for an unreadable file.  Call once. */
dast_err dast_crawler_start(struct dast_crawler *c, char *errbuf, size_t errlen) DAST_WUR;

/* Frees the crawler and its inventory.  The engine must not hold crawler
 * requests any more (free the engine first, or after dast_engine_run()
 * returned).  NULL is a no-op. */
void dast_crawler_free(struct dast_crawler *c);

/* The inventory: borrowed array of *out endpoints, valid until free (and
 * stable once the engine loop has returned). */
size_t dast_crawler_endpoints(const struct dast_crawler *c, struct dast_endpoint *const **out);

struct dast_crawl_stats {
  size_t pages;              /* responses parsed */
  size_t endpoints;          /* inventory size */
  size_t templates;          /* distinct URL templates fetched */
  size_t forms;              /* distinct form shapes */
  size_t out_of_scope;       /* distinct URLs refused by the scope, never sent */
  size_t dangerous_skipped;  /* logout/delete-like URLs not followed */
  size_t errors;             /* network errors, unparsable documents */
  size_t trap_limited;       /* URLs dropped by the per-template bound */
  size_t capped;             /* documents whose extraction hit a cap */
  size_t frontier_full;      /* URLs dropped because the frontier was full */
  size_t queued, in_flight;  /* frontier now (for a progress line) */
  size_t by_source[DAST_SRC__COUNT]; /* inventory endpoints per source */
  bool login_ok;
  bool login_attempted;
  int relogins;              /* logins after the first */
  char api_error[320];       /* why the --openapi URL gave nothing ("" = it loaded) */
};
void dast_crawler_stats(const struct dast_crawler *c, struct dast_crawl_stats *out);

/* Stops the crawl: nothing more is submitted; requests in flight finish
 * and are parsed, but what they find is only added to the inventory.  For
 * an orchestrator that gives the crawl a share of the time budget (e.g.
 * from a dast_engine_later() timer).  Idempotent. */
void dast_crawler_stop(struct dast_crawler *c);

/* One-paragraph human summary of the stats (owned), e.g. for the CLI:
 * "crawl: 42 pages, 57 endpoints (link 20, form 6, js 9, ...), 31 templates,
 *  11 forms; skipped: 3 out of scope, 2 dangerous, 12 by the template bound;
 *  1 errors; login ok (1 relogin)". */
char *dast_crawler_summary(const struct dast_crawler *c);

/* Skipped URLs with reasons (the first 200): borrowed parallel arrays. */
size_t dast_crawler_skipped(const struct dast_crawler *c, const char *const **urls,
                            const char *const **reasons);

/* For the attack engine: does this response to `req_url` (may be NULL:
 * resp->final_url stands for it) mean the session was lost (redirect to
 * the login URL, logged-out marker, logged-in marker missing on a page
 * that had it)?  Always false without cfg->login_url, and for requests to
 * the login URL's own path. */
bool dast_crawler_session_lost(const struct dast_crawler *c, const char *req_url,
                               const struct dast_response *resp);

/* Starts a new login in the background (no-op when one is running, when
 * login isn't configured, or after the relogin bound).  `done` (may be
 * NULL) runs on the loop when that login has finished, successfully or
 * not; check dast_crawler_logged_in().  Returns DAST_ELIMIT past the
 * bound, DAST_EINVAL without login configuration. */
dast_err dast_crawler_relogin(struct dast_crawler *c, dast_timer_cb done, void *ud) DAST_WUR;
bool dast_crawler_logged_in(const struct dast_crawler *c);
/* Gives dast_crawler_relogin() a fresh bound of `n` more logins from now
 * on (the attack phase's own, whatever the crawl used of its bound). */
void dast_crawler_relogin_budget(struct dast_crawler *c, int n);

#endif
