/* crawl_int.h — the crawler's internals, shared by crawl.c (lifecycle,
 * frontier, discovery, inventory), crawl_fetch.c (submitting requests and
 * parsing responses) and crawl_login.c (login and session keeping).  Not a
 * public header. */
#ifndef DAST_CRAWL_INT_H
#define DAST_CRAWL_INT_H

#include "crawlers/crawl.h"
#include "crawlers/hset.h"
#include "crawlers/html.h"
#include "crawlers/jsurls.h"
#include "scanner/engine/re.h"

/* What a queued request is for; decides how its response is parsed. */
enum dast__kind {
  K_PAGE = 0, K_ROBOTS, K_SITEMAP, K_OPENAPI, K_FORM,
  K_APIDOC /* a well-known API description path, tried blind: silent unless it is one */
};

/* A request waiting in the frontier or in flight.  Owned by the crawler
 * until its response was handled. */
struct dast__item {
  enum dast__kind kind;
  char *method, *url, *body, *ctype; /* url absolute, with query; body/ctype may be NULL */
  size_t body_len;
  char *found_on;
  enum dast_source src;
  int depth;
  bool repeat;       /* its template had been queued before */
  int retried;       /* times re-queued after a lost session */
  long ep_index;     /* inventory endpoint it came from (forms), or -1 */
  uint64_t seq;
  struct dast_crawler *owner; /* set while in flight */
};

#define DAST__SKIPPED_MAX 200
#define DAST__PARSE_BYTES (8u << 20) /* bodies waiting for or in a parse thread */
#define DAST__MAX_RELOGINS 5
#define DAST__MAX_SITEMAPS 64
#define DAST__SITE_COOKIES 4

/* A response being parsed: what the extractors' callbacks need. */
struct dast__page {
  struct dast_crawler *c;
  const struct dast__item *it;
  const char *url; /* final URL of the response */
};

struct dast_pool;

struct dast_crawler {
  struct dast_engine *eng;
  struct dast_pool *pool;   /* parse workers (crawl_parse.c); 0 threads = inline */
  uint64_t parse_gen;       /* this crawler's id in the workers' link memo */
  size_t parsing;           /* responses handed to the pool, not yet replayed */
  size_t parsing_bytes;     /* their bodies' bytes */
  const struct dast_config *cfg;
  struct dast_jsurls *js;
  struct dast_re *dangerous, *logged_in, *logged_out;
  struct dast_re *destructive; /* submit labels / hidden action values that wipe data */
  struct dast_re *link_label;  /* what a link says when following it logs out or wipes data */
  /* frontier: binary min-heap on (repeat, depth, seq) */
  struct dast__item **heap;
  size_t nheap, heap_alloc;
  uint64_t seq;
  size_t in_flight, submitted;
  bool stopped;           /* max_requests / budget reached: submit no more */
  bool target_has_marker; /* the target URL contains "dastgate" (see from_our_input) */
  /* de-duplication */
  struct dast__hset seen;       /* request keys */
  struct dast__hset offered;    /* method+URL hashes already queued or bounded */
  struct dast__hset tmpl_count; /* method+template -> times queued */
  struct dast__hset skipped_seen;
  /* inventory */
  struct dast_endpoint **eps;
  size_t neps, eps_alloc;
  struct dast__hset ep_index;   /* endpoint key -> index + 1 */
  /* crawled endpoints per method + path template (query names and body
   * shape left out): the first one's index + 1, and how many shapes */
  struct dast__hset shape_first, shape_count;
  /* skipped list */
  char *skip_url[DAST__SKIPPED_MAX], *skip_reason[DAST__SKIPPED_MAX];
  size_t nskipped;
  size_t nsitemaps;
  /* cookies the site sets (not session-like): insertion points of every
   * crawled endpoint, as a browser sends them everywhere */
  char *site_cookie[DAST__SITE_COOKIES], *site_cookie_value[DAST__SITE_COOKIES];
  size_t nsite_cookies;
  struct dast_re *session_cookie;
  /* login */
  char *login_path;             /* path of cfg->login_url */
  char *login_action;           /* URL (no query) the login form posts to */
  bool login_busy, login_ok, login_attempted;
  bool had_login;               /* a login succeeded once: there is a session to lose */
  bool bearer;                  /* the login answered a token: requests carry it (401 = lost) */
  struct dast__hset marker_tmpl; /* templates whose pages showed logged_in_regex */
  int logins;
  int max_logins;               /* logins allowed in all (the first included) */
  struct dast__item **waiting;  /* requests to retry after the login */
  size_t nwaiting, waiting_alloc;
  dast_timer_cb login_done;
  void *login_done_ud;
  struct dast_crawl_stats st;
};

/* crawl_fetch.c: a GET link whose URL says following it changes the
 * application's state: its path (re)creates or wipes the database
 * ("set-up-database.php", "reset_db", "initdb"), or a "what to do"
 * parameter flips a setting ("?do=toggle-security", "?action=disable-ssl").
 * *why gets the skip reason.  Pure (tests). */
bool dast__link_changes_state(const char *url, const char **why);
/* Distinct query/body shapes kept per crawled method + path template; more
 * (a form with a random field name on every page, links with a random
 * parameter name) are folded into the first: the inventory, and so the
 * attack, stays bounded on such a trap. */
#define DAST__MAX_SHAPES 20

/* crawl.c */
void dast__crawl_skip(struct dast_crawler *c, const char *url, const char *reason);
/* Offers a discovered URL to the frontier (scope, danger, dedup, template
 * bound, depth).  Returns true when it was queued. */
bool dast__crawl_discover(struct dast_crawler *c, enum dast__kind kind, const char *method,
                          const char *url, enum dast_source src, int depth, const char *found_on);
/* The same in two halves: prepare is the part that depends only on the URL
 * and the crawler's immutable configuration (scope, danger and own-input
 * rules, template and request keys) and may run on a parse thread; commit
 * (dast__crawl_discover_pre) does the rest on the loop thread. */
struct dast__link_pre {
  uint64_t exact, key, tk; /* method+URL hash, request key, method+template key */
  const char *skip;        /* static reason to list it as skipped, or NULL */
  bool drop;               /* drop without a word (static asset, absurd length) */
};
void dast__discover_prepare(const struct dast_crawler *c, enum dast__kind kind, const char *method,
                            const char *url, enum dast_source src, struct dast__link_pre *pre);
bool dast__crawl_discover_pre(struct dast_crawler *c, enum dast__kind kind, const char *method,
                              const char *url, enum dast_source src, int depth,
                              const char *found_on, const struct dast__link_pre *pre);
void dast__crawl_push(struct dast_crawler *c, struct dast__item *it);
/* Takes the frontier's first item (owned), NULL when empty. */
struct dast__item *dast__crawl_pop(struct dast_crawler *c);
void dast__item_free(struct dast__item *it);
/* Adds ep (taken) to the inventory unless an endpoint with its key exists;
 * returns its index either way. */
long dast__crawl_add_endpoint(struct dast_crawler *c, struct dast_endpoint *ep, bool *added);
bool dast__crawl_is_dangerous(const struct dast_crawler *c, const char *url);
bool dast__crawl_static_asset(const char *url);
/* Registers a cookie set by the site and adds it to every crawled endpoint
 * (no-op for session-like names, known names or past the cap). */
void dast__crawl_site_cookie(struct dast_crawler *c, const char *name, const char *value);

/* crawl_fetch.c */
/* Submits queued requests while there is room. */
void dast__crawl_pump(struct dast_crawler *c);
/* Handles one form found on a page (inventory + one submission per shape). */
void dast__crawl_form(struct dast_crawler *c, const struct dast_form *f, const char *page_url,
                      int depth);

/* The extractors' callbacks (ud = struct dast__page *). */
void dast__page_found(void *ud, const struct dast_found *f);
/* dast__page_found for a GET link whose discovery was prepared already. */
void dast__page_found_pre(void *ud, const struct dast_found *f, const struct dast__link_pre *pre);
void dast__page_form(void *ud, const struct dast_form *f);

/* crawl_parse.c: HTML and JavaScript bodies are parsed on the pool's
 * threads; what they find is replayed through dast__page_found/_form on
 * the loop thread.  Takes `it` (freed after the replay).  Holds the engine
 * and counts against the crawl's concurrency until replayed. */
void dast__parse_offload(struct dast_crawler *c, struct dast__item *it, const char *url,
                         const struct dast_response *r, bool html);
dast_err dast__parse_init(struct dast_crawler *c, char *errbuf, size_t errlen);
void dast__parse_free(struct dast_crawler *c);

/* crawl_login.c */
dast_err dast__login_init(struct dast_crawler *c, char *errbuf, size_t errlen);
void dast__login_start(struct dast_crawler *c);
/* True when resp (to item it) shows a lost session. */
bool dast__login_lost(const struct dast_crawler *c, const char *req_url,
                      const struct dast_response *resp);
/* Parks `it` until the running/next login finishes (takes it).  Returns
 * false (and does not take it) when no more relogins are allowed. */
bool dast__login_park(struct dast_crawler *c, struct dast__item *it);
bool dast__login_is_action(const struct dast_crawler *c, const char *url);
/* Learns which templates show the logged-in marker while logged in. */
void dast__login_learn(struct dast_crawler *c, const char *req_url, const struct dast_response *r);

#endif
