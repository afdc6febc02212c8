/* pool.h — a small worker-thread pool whose results come back on an event
 * loop.  The crawler uses it to parse pages (libxml2, PCRE2: pure CPU) on
 * other cores while the loop thread keeps the network busy.
 *
 * work(ud) runs on a worker thread and must touch nothing but ud and
 * immutable shared data; done(ud, false) then runs on the loop thread (the
 * thread running the event_base), in completion order.  done runs exactly
 * once per job: with cancelled=true, without work having run or with its
 * result unused, when the pool is freed first — then it must only free ud.
 * Submit on the loop thread: jobs are handed to the workers after the
 * loop iteration's other events ran (a burst goes over at once).
 * With 0 threads, submit runs work and done inline (same semantics, no
 * threads: handy for tests and 1-core machines).
 *
 * Keeping the loop alive while jobs are out is the caller's business (see
 * dast_engine_hold()). */
#ifndef DAST_POOL_H
#define DAST_POOL_H

#include "scanner/engine/dast.h"

struct event_base;
struct dast_pool;

typedef void (*dast_work_fn)(void *ud);
typedef void (*dast_done_fn)(void *ud, bool cancelled);

/* Starts `nthreads` workers (0 = inline).  DAST_EIO when a thread or the
 * wake-up pipe cannot be created. */
dast_err dast_pool_new(struct event_base *base, unsigned nthreads, struct dast_pool **out) DAST_WUR;
void dast_pool_submit(struct dast_pool *p, dast_work_fn work, dast_done_fn done, void *ud);
/* Stops the workers (a running work() finishes first), then calls done(ud,
 * true) for every job whose done has not run yet. */
void dast_pool_free(struct dast_pool *p);
unsigned dast_pool_threads(const struct dast_pool *p);
/* A sensible worker count for CPU-bound parsing beside a busy loop thread:
 * one per online CPU, at most 4 (0 on a single CPU). */
unsigned dast_pool_default_threads(void);

#endif
