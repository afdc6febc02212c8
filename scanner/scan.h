/* scan.h — one whole scan, wired: crawl → attack → report → gate.  Used by
 * the CLI (`dastgate scan`) and by the service (`dastgate serve`, one scan
 * per worker thread).  Each call builds its own event_base and engine, so
 * scans on different threads share nothing but immutable check data. */
#ifndef DAST_SCAN_H
#define DAST_SCAN_H

#include <jansson.h>
#include <stdatomic.h>

#include "scanner/engine/config.h"

enum dast_scan_phase {
  DAST_PHASE_QUEUED = 0, DAST_PHASE_WAITING, DAST_PHASE_CRAWLING, DAST_PHASE_ATTACKING,
  DAST_PHASE_REPORTING, DAST_PHASE_DONE
};
const char *dast_scan_phase_name(int phase);

/* Shared between the scan thread (writer) and readers (the API thread, the
 * progress line): plain atomics, no locks. */
struct dast_scan_ctl {
  atomic_bool cancel;            /* set by anyone: the scan stops within ~200 ms */
  atomic_int phase;              /* enum dast_scan_phase */
  atomic_ullong requests;
  atomic_ullong endpoints;
  atomic_ullong findings;
  atomic_ullong queued;
  atomic_ullong started_us;      /* dast_now_us() when the scan started */
};
void dast_scan_ctl_init(struct dast_scan_ctl *ctl);

/* Runs one scan synchronously on the calling thread.  `ctl` may be NULL.
 * Returns the exit code of DESIGN.md (0 pass, 1 fail — or cfg->exit_code_fail
 * — 2 incomplete/could not run, 3 configuration error).  On return *report
 * holds the full dastgate/1 report with the gate applied (new reference),
 * or NULL when nothing could be produced (exit 3; message in errbuf).  A
 * cancelled scan returns its partial report with verdict "incomplete". */
int dast_scan_run(const struct dast_config *cfg, struct dast_scan_ctl *ctl, json_t **report,
                  char *errbuf, size_t errlen);

/* Polls cfg->target (plus cfg->ready_path) with backoff until it answers or
 * cfg->wait_ready seconds pass.  DAST_OK when ready, DAST_ETIMEOUT if not
 * (message in errbuf).  Returns immediately when wait_ready is 0. */
dast_err dast_scan_wait_ready(const struct dast_config *cfg, struct dast_scan_ctl *ctl,
                              double *waited_s, char *errbuf, size_t errlen);

#endif
