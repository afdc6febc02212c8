/* store.h — the service's SQLite store (WAL): scans, their (redacted)
 * options, findings and reports.  One `struct dast_store` is one database
 * connection and belongs to one thread: the API thread and every worker open
 * their own on the same file, and WAL plus a busy timeout let readers run
 * while a scan writes.
 *
 * Statuses: queued, running, done, failed, cancelled, interrupted.  Secrets
 * (auth headers, cookies, login data) are never written: callers pass the
 * redacted options JSON and a has_secrets flag.  Timestamps are milliseconds
 * since the epoch.  Read functions return new jansson references the caller
 * owns.  Every function returns DAST_EIO with a message on a database error
 * (the message never leaves the process: the API maps it to "internal
 * error"). */
#ifndef DAST_STORE_H
#define DAST_STORE_H

#include <jansson.h>

#include "scanner/engine/dast.h"

struct dast_store;

/* Opens (creating if needed) the database at `path`, in WAL mode with a busy
 * timeout, and creates the schema.  DAST_EIO with a message on failure. */
dast_err dast_store_open(const char *path, struct dast_store **out, char *errbuf,
                         size_t errlen) DAST_WUR;
/* Closes the connection; NULL does nothing. */
void dast_store_close(struct dast_store *st);
/* Last error message of this connection (borrowed, valid until next call). */
const char *dast_store_errmsg(const struct dast_store *st);

/* Inserts a new queued scan.  `options_json` is the redacted options. */
dast_err dast_store_scan_create(struct dast_store *st, const char *id, const char *target,
                                const char *profile, const char *options_json, bool has_secrets,
                                int64_t now_ms) DAST_WUR;
/* Moves a scan from `from` (NULL = any non-terminal status: queued or
 * running) to `to`, recording `error` (may be NULL).  *changed (may be NULL)
 * tells whether a row moved.  Terminal statuses also set finished_at;
 * "running" sets started_at. */
dast_err dast_store_scan_transition(struct dast_store *st, const char *id, const char *from,
                                    const char *to, const char *error, int64_t now_ms,
                                    bool *changed) DAST_WUR;
/* Records progress counters of a running scan (best effort for restarts). */
dast_err dast_store_scan_progress(struct dast_store *st, const char *id, uint64_t requests,
                                  uint64_t endpoints, uint64_t findings) DAST_WUR;

/* The outcome of a scan, written in one transaction by dast_store_scan_finish. */
struct dast_store_result {
  const char *status;     /* done, failed, cancelled, interrupted */
  int exit_code;          /* the CLI's exit code */
  const char *verdict;    /* pass, fail, incomplete (NULL when no report) */
  const char *error;      /* may be NULL */
  const json_t *report;   /* borrowed, may be NULL; its findings are indexed */
  uint64_t requests, endpoints;
};
dast_err dast_store_scan_finish(struct dast_store *st, const char *id,
                                const struct dast_store_result *res, int64_t now_ms) DAST_WUR;

/* One scan as the API shows it (without the report).  DAST_ENOTFOUND if
 * there is no such scan. */
dast_err dast_store_scan_get(struct dast_store *st, const char *id, json_t **out) DAST_WUR;
/* Newest first.  `status` and `target` (substring) filter when non-NULL.
 * *items is a new array, *total the count of matching rows. */
dast_err dast_store_scan_list(struct dast_store *st, const char *status, const char *target,
                              long limit, long offset, json_t **items, long *total) DAST_WUR;
/* The stored options JSON text (owned) and has_secrets flag of a scan. */
dast_err dast_store_scan_options(struct dast_store *st, const char *id, char **options_json,
                                 bool *has_secrets) DAST_WUR;
/* The canonical JSON report text (owned).  DAST_ENOTFOUND when none. */
dast_err dast_store_report_get(struct dast_store *st, const char *id, char **text,
                               size_t *len) DAST_WUR;
/* Deletes a scan with its findings and report.  *deleted tells whether it
 * existed. */
dast_err dast_store_scan_delete(struct dast_store *st, const char *id, bool *deleted) DAST_WUR;

/* Start-up recovery after a crash or restart: scans left `running` become
 * `interrupted`; `queued` scans without secrets stay queued, those with
 * secrets become interrupted (their auth material is gone).  With
 * `requeue`, interrupted scans without secrets are queued again.  *requeue_ids
 * is a new array of the ids now queued, oldest first, to hand to workers. */
dast_err dast_store_recover(struct dast_store *st, bool requeue, int64_t now_ms,
                            json_t **requeue_ids) DAST_WUR;

/* Counters for /metrics: {"scans":{status:n}, "requests":n,
 * "findings":{severity:n}, "queue_latency_ms_sum":n, "started":n}. */
dast_err dast_store_metrics(struct dast_store *st, json_t **out) DAST_WUR;
/* Runs PRAGMA integrity_check; DAST_OK when it says "ok", else DAST_EIO
 * with its first line in errbuf. */
dast_err dast_store_integrity_check(struct dast_store *st, char *errbuf, size_t errlen) DAST_WUR;

#endif
