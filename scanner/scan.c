/* scan.c — one whole scan (scan.h): build the loop, scope and engine, wait
 * for the target, then crawl → attack → report → gate.  Everything runs on
 * the calling thread's own event_base; the `ctl` atomics are the only thing
 * other threads touch.  A tick timer (250 ms) publishes progress, draws the
 * terminal progress line, and turns ctl->cancel into dast_engine_cancel(),
 * so a cancel takes effect within a fraction of a second.
 *
 * Until the crawler and attack engine are wired in, the scan fetches the
 * target and prints the response summary and engine statistics. */
#include "scanner/scan.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/engine/http.h"
#include "scanner/engine/url.h"

const char *dast_scan_phase_name(int phase)
{
  static const char *names[] = {"queued", "waiting", "crawling", "attacking", "reporting", "done"};
  return phase >= 0 && phase <= DAST_PHASE_DONE ? names[phase] : "unknown";
}

void dast_scan_ctl_init(struct dast_scan_ctl *ctl)
{
  memset(ctl, 0, sizeof(*ctl));
  atomic_init(&ctl->cancel, false);
  atomic_init(&ctl->phase, DAST_PHASE_QUEUED);
}

struct scan {
  const struct dast_config *cfg;
  struct dast_scan_ctl *ctl;
  struct event_base *base;
  struct dast_scope *scope;
  struct dast_engine *eng;
  bool progress_drawn;
  /* fetch-only result */
  long status;
  char *content_type;
  size_t body_len;
  bool truncated, ok;
  char errmsg[256];
};

static void draw_progress(struct scan *s, bool final)
{
  struct dast_stats st;
  dast_engine_stats(s->eng, &st);
  double secs = (double)st.elapsed_us / 1e6;
  fprintf(stderr, "\r\033[K[%s] %llu requests  %zu queued  %zu active  %.1f req/s  %.0fs",
          dast_scan_phase_name(atomic_load(&s->ctl->phase)), (unsigned long long)st.requests,
          st.queued, st.active, secs > 0 ? (double)st.requests / secs : 0.0, secs);
  if(final) fputc('\n', stderr);
  s->progress_drawn = true;
}

static void on_tick(struct dast_engine *eng, void *ud)
{
  struct scan *s = ud;
  struct dast_stats st;
  dast_engine_stats(eng, &st);
  atomic_store(&s->ctl->requests, st.requests);
  atomic_store(&s->ctl->queued, st.queued);
  if(atomic_load(&s->ctl->cancel) && !dast_engine_expired(eng)) {
    DAST_LOG(DAST_LOG_WARN, "scan", "cancelled: stopping and reporting what was gathered");
    dast_engine_cancel(eng);
  }
  if(s->cfg->progress) draw_progress(s, false);
}

static void on_fetch(struct dast_engine *eng, const struct dast_request *req,
                     const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct scan *s = ud;
  s->ok = r->err == DAST_OK;
  s->status = r->status;
  s->body_len = r->body_len;
  s->truncated = r->truncated;
  free(s->content_type);
  s->content_type = r->content_type ? dast_strdup(r->content_type) : NULL;
  snprintf(s->errmsg, sizeof(s->errmsg), "%s", r->err ? (r->errmsg[0] ? r->errmsg : dast_strerror(r->err)) : "");
}

/* ------------------------------------------------------------ readiness */

struct ready {
  bool done, up;
  long status;
};

static void on_ready(struct dast_engine *eng, const struct dast_request *req,
                     const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct ready *rd = ud;
  rd->done = true;
  rd->status = r->status;
  rd->up = r->err == DAST_OK && r->status > 0 && r->status < 500;
}

dast_err dast_scan_wait_ready(const struct dast_config *cfg, struct dast_scan_ctl *ctl,
                              double *waited_s, char *errbuf, size_t errlen)
{
  *waited_s = 0;
  if(cfg->wait_ready <= 0 || !cfg->target) return DAST_OK;
  char *url = cfg->ready_path ? dast_url_resolve(cfg->target, cfg->ready_path) : dast_strdup(cfg->target);
  if(!url) {
    snprintf(errbuf, errlen, "--ready-path '%s' does not resolve against the target", cfg->ready_path);
    return DAST_EINVAL;
  }
  struct dast_config pc = *cfg; /* shallow: only the engine reads it */
  pc.max_time = 0;
  pc.retries = 0;
  pc.timeout_ms = 3000;
  pc.max_requests = 0;
  struct event_base *base = event_base_new();
  struct dast_scope *scope = NULL;
  struct dast_engine *eng = NULL;
  dast_err e = dast_scope_new(&pc, &scope, errbuf, errlen);
  if(!e) e = dast_engine_new(base, &pc, scope, &eng, errbuf, errlen);
  uint64_t t0 = dast_now_us();
  unsigned backoff_ms = 250;
  long last_status = 0;
  while(!e) {
    struct ready rd = {0};
    struct dast_request req = {.url = url, .max_redirects = 5, .flags = DAST_REQ_NO_RETRY};
    e = dast_engine_submit(eng, &req, on_ready, &rd);
    if(e) break;
    (void)dast_engine_run(eng);
    if(rd.up) break;
    last_status = rd.status;
    double spent = (double)(dast_now_us() - t0) / 1e6;
    if(spent >= cfg->wait_ready || (ctl && atomic_load(&ctl->cancel))) {
      if(last_status)
        snprintf(errbuf, errlen, "target %s still answers %ld after waiting %.0f s", url, last_status, spent);
      else
        snprintf(errbuf, errlen, "target %s did not come up within %.0f s", url, spent);
      e = DAST_ETIMEOUT;
      break;
    }
    /* back off without blocking anything else: this thread has nothing else to do */
    struct timespec ts = {backoff_ms / 1000, (long)(backoff_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    if(backoff_ms < 4000) backoff_ms *= 2;
  }
  *waited_s = (double)(dast_now_us() - t0) / 1e6;
  dast_engine_free(eng);
  dast_scope_free(scope);
  event_base_free(base);
  free(url);
  return e;
}

/* ------------------------------------------------------------------ run */

static void print_stats(const struct dast_stats *st)
{
  double secs = (double)st->elapsed_us / 1e6;
  fprintf(stderr,
          "engine: %llu requests, %llu responses, %.1f req/s, %llu KiB in, "
          "latency p50 %.0f ms p90 %.0f ms p99 %.0f ms\n",
          (unsigned long long)st->requests, (unsigned long long)st->responses,
          secs > 0 ? (double)st->requests / secs : 0.0, (unsigned long long)(st->bytes_in / 1024),
          st->p50_ms, st->p90_ms, st->p99_ms);
  uint64_t errs = 0;
  for(int k = 1; k < DAST_NETERR__COUNT; k++) errs += st->errors[k];
  if(errs) {
    fprintf(stderr, "errors:");
    for(int k = 1; k < DAST_NETERR__COUNT; k++)
      if(st->errors[k]) fprintf(stderr, " %s=%llu", dast_net_kind_name(k), (unsigned long long)st->errors[k]);
    fputc('\n', stderr);
  }
}

int dast_scan_run(const struct dast_config *cfg, struct dast_scan_ctl *ctl_in, json_t **report,
                  char *errbuf, size_t errlen)
{
  *report = NULL;
  struct dast_scan_ctl local;
  struct dast_scan_ctl *ctl = ctl_in;
  if(!ctl) {
    dast_scan_ctl_init(&local);
    ctl = &local;
  }
  atomic_store(&ctl->started_us, dast_now_us());
  atomic_store(&ctl->phase, DAST_PHASE_WAITING);
  double waited = 0;
  dast_err e = dast_scan_wait_ready(cfg, ctl, &waited, errbuf, errlen);
  if(e == DAST_EINVAL) return 3;
  if(e) return 2;

  struct scan s = {.cfg = cfg, .ctl = ctl};
  s.base = event_base_new();
  if(!s.base) dast_oom();
  int rc = 3;
  if(dast_scope_new(cfg, &s.scope, errbuf, errlen)) goto out;
  if(dast_engine_new(s.base, cfg, s.scope, &s.eng, errbuf, errlen)) goto out;
  dast_engine_on_tick(s.eng, 250, on_tick, &s);
  atomic_store(&ctl->phase, DAST_PHASE_CRAWLING);
  struct dast_request req = {.url = cfg->target, .max_redirects = cfg->max_redirects};
  if(dast_engine_submit(s.eng, &req, on_fetch, &s)) {
    snprintf(errbuf, errlen, "cannot request %s", cfg->target);
    goto out;
  }
  (void)dast_engine_run(s.eng);
  dast_engine_on_tick(s.eng, 0, NULL, NULL);
  atomic_store(&ctl->phase, DAST_PHASE_DONE);
  if(cfg->progress && s.progress_drawn) draw_progress(&s, true);
  if(s.ok)
    fprintf(stderr, "%s: HTTP %ld, %s, %zu bytes%s\n", cfg->target, s.status,
            s.content_type ? s.content_type : "no content type", s.body_len,
            s.truncated ? " (truncated)" : "");
  else
    fprintf(stderr, "%s: %s\n", cfg->target, s.errmsg);
  struct dast_stats st;
  dast_engine_stats(s.eng, &st);
  if(!cfg->quiet) print_stats(&st);
  rc = s.ok ? 0 : 2;
out:
  dast_engine_free(s.eng);
  dast_scope_free(s.scope);
  event_base_free(s.base);
  free(s.content_type);
  return rc;
}
