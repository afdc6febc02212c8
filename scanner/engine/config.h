/* config.h — struct dast_config, every option of a scan in one place.
 * Filled in order (defaults, config file, command line) by scanner/cli.c,
 * validated once, then passed down as `const struct dast_config *`.  String
 * lists are NULL-terminated owned arrays.  No module keeps mutable globals
 * for settings. */
#ifndef DAST_CONFIG_H
#define DAST_CONFIG_H

#include "scanner/engine/dast.h"

enum dast_profile { DAST_PROFILE_PASSIVE = 0, DAST_PROFILE_STANDARD, DAST_PROFILE_FULL };
const char *dast_profile_name(enum dast_profile p);
int dast_profile_parse(const char *s); /* -1 if unknown */

struct dast_strlist {
  char **v;
  size_t n;
};
void dast_strlist_add(struct dast_strlist *l, const char *s);
void dast_strlist_free(struct dast_strlist *l);

struct dast_config {
  /* target */
  char *target;               /* seed URL */
  struct dast_strlist extra_seeds;
  /* engine */
  int concurrency;            /* global simultaneous transfers (default 16) */
  int per_host;               /* simultaneous transfers per host (default 16) */
  double rate;                /* requests per second, 0 = unlimited */
  int timeout_ms;             /* per request (default 10000) */
  int connect_timeout_ms;     /* default 5000 */
  double max_time;            /* whole-scan budget in seconds, 0 = none */
  size_t body_cap;            /* response body cap in bytes (default 4 MiB) */
  int max_redirects;          /* hops per request (default 10) */
  int retries;                /* connection-error retries (default 2) */
  int parse_threads;          /* crawler parse workers; -1 = auto (pool.h), 0 = inline */
  bool insecure;              /* skip TLS verification */
  bool http2;                 /* allow HTTP/2 (default on) */
  char *proxy;
  char *user_agent;
  struct dast_strlist headers;   /* "Name: value" added to every request */
  struct dast_strlist cookies;   /* "name=value" */
  struct dast_strlist include;   /* PCRE2 on the full URL */
  struct dast_strlist exclude;
  struct dast_strlist origins;   /* extra allowed origins */
  /* crawl */
  int max_depth;              /* default 10 */
  int max_pages;              /* default 5000 */
  long max_requests;          /* whole scan, default 0 = unlimited */
  int template_visits;        /* K per URL template (default 3) */
  bool allow_dangerous_links;
  char *openapi;              /* file or URL */
  char *har;
  bool no_crawl;              /* API-only: endpoints come from openapi/har */
  bool crawl_only;            /* `dastgate crawl`: map only, no checks at all */
  char *login_url, *login_data, *logged_in_regex, *logged_out_regex;
  /* attack */
  enum dast_profile profile;
  struct dast_strlist checks;        /* ids or classes to run, empty = all */
  struct dast_strlist skip_checks;
  struct dast_strlist checks_dirs;   /* extra check folders */
  char *oob_listen;           /* "127.0.0.1:0" */
  char *oob_url;              /* as the target sees it */
  uint64_t seed;
  bool seed_set;
  /* reports */
  char *json_out, *junit_out, *sarif_out, *html_out, *md_out;
  bool show_secrets;
  /* gate */
  char *fail_on;              /* "high" or "high:firm" */
  char *policy_file, *suppressions_file, *baseline_file;
  bool fail_on_new_only;
  double min_coverage;        /* minimum endpoints reached, 0 = any */
  int exit_code_fail;         /* default 1 */
  double wait_ready;          /* seconds to wait for the target */
  char *ready_path;
  /* output */
  bool progress;              /* force the progress line */
  bool quiet;
  int verbose;
};

/* Sets every default. */
void dast_config_init(struct dast_config *c);
void dast_config_free(struct dast_config *c);

#endif
