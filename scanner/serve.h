/* serve.h — `dastgate serve`, the post-deploy pipeline service: a REST API
 * (libevent evhttp, JSON via jansson) in front of a queue of scans, each run
 * by dast_scan_run() on its own worker thread with its own engine, and a
 * SQLite store (scanner/store.h) so a restart loses nothing that finished.
 *
 * Also the one mapping between struct dast_config and the API's scan JSON
 * (scanner/api_config.c), shared by the service and `dastgate submit` so
 * both sides agree on every option and therefore on the gate. */
#ifndef DAST_SERVE_H
#define DAST_SERVE_H

#include <jansson.h>

#include "scanner/engine/config.h"
#include "scanner/scan.h"

/* ---- config <-> API JSON (api_config.c) ---- */

/* Builds the POST /api/v1/scans body from a parsed command line.  Reads the
 * local files named by cfg->policy_file, suppressions_file and baseline_file
 * and embeds their content (JSON when they parse as JSON, else text).
 * Options the service refuses for safety (proxy, local OpenAPI/HAR files,
 * extra check folders, out-of-band listener) give DAST_EINVAL naming the
 * flag.  *out is a new reference. */
dast_err dast_config_to_api_json(const struct dast_config *cfg, json_t **out, char *errbuf,
                                 size_t errlen) DAST_WUR;

/* Inline material that dast_config_from_api_json() could not put into the
 * config because the config only holds file names: the caller writes it to
 * private files and sets cfg->policy_file etc.  Borrowed from the input. */
struct dast_api_files {
  const json_t *policy;          /* object or string, or NULL */
  const json_t *suppressions;    /* array, object or string, or NULL */
  const json_t *baseline_report; /* object, or NULL */
  const char *baseline_scan_id;  /* or NULL */
};

/* Strictly validates an API scan request and fills cfg (initialised by the
 * caller with dast_config_init).  Unknown fields and wrong types are
 * DAST_EPARSE with a message naming the field ("limits.rate: expected a
 * number").  `files` (may be NULL) receives the inline policy,
 * suppressions and baseline.  Never reads or writes files itself. */
dast_err dast_config_from_api_json(const json_t *in, struct dast_config *cfg,
                                   struct dast_api_files *files, char *errbuf,
                                   size_t errlen) DAST_WUR;

/* A copy of an API scan request with the secret parts (auth headers,
 * cookies, login data) removed, for the store.  *has_secrets tells whether
 * anything was removed.  New reference. */
json_t *dast_api_json_redact(const json_t *in, bool *has_secrets);

/* ---- the service ---- */

/* The function that runs one scan: dast_scan_run by default; tests inject a
 * deterministic one.  Same contract as dast_scan_run (scan.h). */
typedef int (*dast_scan_fn)(const struct dast_config *cfg, struct dast_scan_ctl *ctl,
                            json_t **report, char *errbuf, size_t errlen);

struct dast_service_opts {
  const char *listen;          /* "127.0.0.1:8700"; port 0 picks a free one */
  const char *db_path;         /* SQLite file */
  const char *token;           /* bearer token, NULL = no auth (needs insecure_no_auth) */
  bool insecure_no_auth;       /* only accepted on a loopback address */
  const char *const *allow_targets; /* regexes on the target URL, NULL-terminated; required */
  int max_parallel;            /* worker threads (default 2) */
  size_t max_body;             /* request body limit (default 1 MiB) */
  int max_queue;               /* queued scans before 503 (default 1000) */
  bool requeue_interrupted;    /* re-run scans a restart interrupted */
  double max_scan_time;        /* cap on every scan's limits.max_time in seconds, 0 = none */
  const char *checks_dir;      /* optional checks folder for every scan */
  dast_scan_fn run_scan;       /* NULL = dast_scan_run */
};

struct dast_service;

/* Opens the store (recovering interrupted scans), binds the listener and
 * starts the workers.  DAST_EINVAL (bad options: no allowlist, no token on
 * a non-loopback address, bad regex) or DAST_EIO/DAST_ENET with a message. */
dast_err dast_service_new(const struct dast_service_opts *opts, struct dast_service **out,
                          char *errbuf, size_t errlen) DAST_WUR;
/* The bound TCP port (useful with port 0). */
int dast_service_port(const struct dast_service *svc);
/* Serves the API on the calling thread until dast_service_stop(). */
void dast_service_run(struct dast_service *svc);
/* Asks dast_service_run() to return; safe from any thread or a signal
 * callback on the API loop. */
void dast_service_stop(struct dast_service *svc);
/* Cancels running scans (they become `interrupted`, their partial report
 * kept), joins the workers, closes the store.  NULL does nothing.  Must not
 * run while dast_service_run() is running on another thread. */
void dast_service_free(struct dast_service *svc);

/* `dastgate serve ...` (argv[0] = "serve").  Returns the process exit code:
 * 0 after a clean shutdown (SIGINT/SIGTERM), 2 when it cannot start, 3 on a
 * usage error.  Never calls exit(). */
int dast_serve_main(int argc, char **argv);

#endif
