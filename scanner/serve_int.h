/* serve_int.h — internals shared by the service's files: serve.c (lifecycle,
 * queue, workers), serve_api.c (the HTTP handlers) and serve_main.c (the
 * command line).  Not a public header.
 *
 * Locking: `mu` guards the job list and every job's non-atomic fields; a job
 * is freed only by its worker (running) or by the API thread (queued), both
 * under `mu`, so anyone holding `mu` may read a job's ctl atomics. */
#ifndef DAST_SERVE_INT_H
#define DAST_SERVE_INT_H

#include <pthread.h>

#include "scanner/engine/re.h"
#include "scanner/serve.h"
#include "scanner/store.h"

struct event_base;
struct evhttp;
struct evhttp_request;
struct event;

enum dast__job_state { DAST_JOB_QUEUED = 0, DAST_JOB_RUNNING };

struct dast__job {
  char id[24];
  struct dast_config cfg;        /* full, with secrets; lives only in memory */
  json_t *policy, *suppressions; /* inline gate material (owned) or NULL */
  json_t *baseline_report;       /* owned or NULL */
  char *baseline_scan_id;        /* owned or NULL */
  struct dast_scan_ctl ctl;
  enum dast__job_state state;
  bool user_cancel;              /* POST .../cancel */
  bool shutdown;                 /* the service is stopping */
  uint64_t enqueued_us;
  struct dast__job *next;
};

struct dast_service {
  struct dast_service_opts opts; /* strings below are our own copies */
  char *listen_host;
  int port;
  char *token;
  size_t token_len;
  struct dast_re **allow;
  char **allow_src;
  size_t nallow;
  char *db_path, *checks_dir;
  int lock_fd;                   /* flock on DB.lock: one service per database */
  dast_scan_fn run_scan;

  struct event_base *base;
  struct evhttp *http;
  struct event *stop_ev;
  struct dast_store *store;      /* the API thread's connection */
  uint64_t started_us;

  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct dast__job *jobs;        /* queued and running, in submission order */
  size_t nqueued, nrunning;
  bool stopping;
  pthread_t *workers;
  int nworkers;
};

/* serve.c */
int64_t dast__now_ms(void);
/* Validates an API scan request against the options and the allowlist and
 * builds a job.  On error returns the HTTP status (400/403) with the message
 * in errbuf and *out NULL. */
int dast__job_from_json(struct dast_service *svc, const json_t *req, struct dast__job **out,
                        char *errbuf, size_t errlen);
void dast__job_free(struct dast__job *job);
/* Adds a job whose row is already in the store to the queue (takes it). */
void dast__enqueue_take(struct dast_service *svc, struct dast__job *job);
/* Fills a fresh random scan id (16 hex digits). */
void dast__new_id(char out[24]);

/* serve_api.c */
/* Installs the request handlers on svc->http. */
void dast__api_install(struct dast_service *svc);

#endif
