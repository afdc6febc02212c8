/* scan.c — one whole scan (scan.h): crawl → attack → report → gate.
 *
 * Everything runs on the calling thread's own event_base: the engine, the
 * crawler and the attack engine are producers of requests on it, the
 * out-of-band listener is a server on it.  The `ctl` atomics are the only
 * thing other threads touch.  A tick timer (250 ms) publishes progress,
 * draws the terminal progress line, and turns ctl->cancel into
 * dast_engine_cancel(), so a cancel takes effect within a fraction of a
 * second and the partial results are still reported.
 *
 * Order of failure checks: everything the user handed us (policy,
 * suppressions, baseline, check files, OpenAPI/HAR) is validated before the
 * first request, so a typo is exit 3 in milliseconds, not after a scan. */
#include "scanner/scan.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crawlers/crawl.h"
#include "payloads/attack.h"
#include "reports/gate.h"
#include "reports/report.h"
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
  struct dast_gate *gate;
  struct dast_checks *checks;
  struct dast_oob *oob;
  struct dast_crawler *crawler;
  struct dast_attack *attack;
  bool progress_drawn;
  bool cancelled;
};

/* ------------------------------------------------------------ progress */

static void snapshot(struct scan *s, struct dast_stats *st, size_t *endpoints, size_t *findings)
{
  dast_engine_stats(s->eng, st);
  struct dast_endpoint *const *eps;
  struct dast_finding *const *fs;
  *endpoints = s->crawler ? dast_crawler_endpoints(s->crawler, &eps) : 0;
  *findings = s->attack ? dast_attack_findings(s->attack, &fs) : 0;
}

static void draw_progress(struct scan *s, bool final)
{
  struct dast_stats st;
  size_t eps, fs;
  snapshot(s, &st, &eps, &fs);
  double secs = (double)st.elapsed_us / 1e6;
  fprintf(stderr, "\r\033[K[%s] %llu req  %zu queued  %zu endpoints  %zu findings  %.0f req/s  %.0fs",
          dast_scan_phase_name(atomic_load(&s->ctl->phase)), (unsigned long long)st.requests,
          st.queued, eps, fs, secs > 0 ? (double)st.requests / secs : 0.0, secs);
  if(final) fputc('\n', stderr);
  s->progress_drawn = true;
}

static void on_tick(struct dast_engine *eng, void *ud)
{
  struct scan *s = ud;
  struct dast_stats st;
  size_t eps, fs;
  snapshot(s, &st, &eps, &fs);
  atomic_store(&s->ctl->requests, st.requests);
  atomic_store(&s->ctl->queued, st.queued);
  atomic_store(&s->ctl->endpoints, eps);
  atomic_store(&s->ctl->findings, fs);
  if(atomic_load(&s->ctl->cancel) && !s->cancelled) {
    s->cancelled = true;
    DAST_LOG(DAST_LOG_WARN, "scan", "cancelled: stopping and reporting what was gathered");
    dast_engine_cancel(eng);
  }
  if(s->cfg->progress) draw_progress(s, false);
}

/* ------------------------------------------------------------ readiness */

struct ready {
  bool up;
  long status;
};

static void on_ready(struct dast_engine *eng, const struct dast_request *req,
                     const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct ready *rd = ud;
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
  struct dast_config pc = *cfg; /* shallow copy: only the engine reads it */
  pc.max_time = 0;
  pc.retries = 0;
  pc.timeout_ms = 3000;
  pc.max_requests = 0;
  struct event_base *base = dast_event_base_new();
  if(!base) dast_oom();
  struct dast_scope *scope = NULL;
  struct dast_engine *eng = NULL;
  dast_err e = dast_scope_new(&pc, &scope, errbuf, errlen);
  if(!e) e = dast_engine_new(base, &pc, scope, &eng, errbuf, errlen);
  uint64_t t0 = dast_now_us();
  unsigned backoff_ms = 250;
  while(!e) {
    struct ready rd = {0};
    struct dast_request req = {.url = url, .max_redirects = 5, .flags = DAST_REQ_NO_RETRY};
    e = dast_engine_submit(eng, &req, on_ready, &rd);
    if(e) break;
    (void)dast_engine_run(eng);
    if(rd.up) break;
    double spent = (double)(dast_now_us() - t0) / 1e6;
    if(spent >= cfg->wait_ready || (ctl && atomic_load(&ctl->cancel))) {
      if(rd.status)
        snprintf(errbuf, errlen, "target %s still answers %ld after waiting %.0f s", url, rd.status, spent);
      else
        snprintf(errbuf, errlen, "target %s did not come up within %.0f s", url, spent);
      e = DAST_ETIMEOUT;
      break;
    }
    /* this thread has nothing else to do while it waits */
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

/* --------------------------------------------------------------- output */

static void print_summary(const struct dast_config *cfg, const json_t *report, const struct dast_stats *st)
{
  if(cfg->quiet) return;
  FILE *f = stdout;
  const json_t *cov = json_object_get(report, "coverage");
  const json_t *findings = json_object_get(report, "findings");
  const json_t *gate = json_object_get(report, "gate");
  double secs = (double)st->elapsed_us / 1e6;
  fprintf(f, "\ndastgate %s — %s\n", DAST_VERSION, cfg->target ? cfg->target : "(API description)");
  fprintf(f, "  %lld pages, %lld endpoints, %llu requests in %.1f s (%.0f req/s, p99 %.0f ms)\n",
          (long long)json_integer_value(json_object_get(cov, "pages")),
          (long long)json_integer_value(json_object_get(cov, "endpoints")),
          (unsigned long long)st->requests, secs, secs > 0 ? (double)st->requests / secs : 0.0, st->p99_ms);
  uint64_t errs = 0;
  for(int k = 1; k < DAST_NETERR__COUNT; k++) errs += st->errors[k];
  if(errs) {
    fprintf(f, "  errors:");
    for(int k = 1; k < DAST_NETERR__COUNT; k++)
      if(st->errors[k]) fprintf(f, " %s %llu", dast_net_kind_name(k), (unsigned long long)st->errors[k]);
    fputc('\n', f);
  }
  size_t n = json_array_size(findings);
  fprintf(f, "  %zu finding%s\n", n, n == 1 ? "" : "s");
  /* most severe first: the report is already sorted that way */
  size_t shown = 0, i;
  json_t *fd;
  json_array_foreach(findings, i, fd) {
    if(shown >= 25) {
      fprintf(f, "    ... and %zu more (see the reports)\n", n - shown);
      break;
    }
    const char *param = json_string_value(json_object_get(fd, "param"));
    fprintf(f, "    %-8s %-9s %-22s %s %s%s%s%s\n",
            json_string_value(json_object_get(fd, "severity")),
            json_string_value(json_object_get(fd, "confidence")),
            json_string_value(json_object_get(fd, "check")),
            json_string_value(json_object_get(fd, "method")),
            json_string_value(json_object_get(fd, "template")), param ? " [" : "",
            param ? param : "", param ? "]" : "");
    shown++;
  }
  const char *verdict = json_string_value(json_object_get(gate, "verdict"));
  fprintf(f, "  gate: %s (exit %lld)", verdict ? verdict : "?",
          (long long)json_integer_value(json_object_get(gate, "exit_code")));
  const json_t *reasons = json_object_get(gate, "reasons");
  if(json_array_size(reasons)) fprintf(f, " — %s", json_string_value(json_array_get(reasons, 0)));
  fputc('\n', f);
}

static int write_reports(const struct dast_config *cfg, const json_t *report, char *errbuf, size_t errlen)
{
  struct {
    const char *path;
    enum dast_report_format fmt;
  } outs[] = {{cfg->json_out, DAST_FMT_JSON}, {cfg->junit_out, DAST_FMT_JUNIT},
              {cfg->sarif_out, DAST_FMT_SARIF}, {cfg->html_out, DAST_FMT_HTML},
              {cfg->md_out, DAST_FMT_MD}};
  int rc = 0;
  for(size_t i = 0; i < sizeof(outs) / sizeof(outs[0]); i++) {
    if(!outs[i].path) continue;
    char msg[512] = "";
    if(dast_report_write(report, outs[i].fmt, outs[i].path, msg, sizeof(msg))) {
      snprintf(errbuf, errlen, "cannot write %s: %s", outs[i].path, msg);
      DAST_LOG(DAST_LOG_ERROR, "report", "cannot write %s: %s", outs[i].path, msg);
      rc = 3;
    }
  }
  return rc;
}

/* ------------------------------------------------------------------ run */

static void free_scan(struct scan *s)
{
  /* the engine first: it cancels outstanding work, whose callbacks still
   * reference the crawler and the attack */
  dast_engine_free(s->eng);
  dast_attack_free(s->attack);
  dast_crawler_free(s->crawler);
  dast_oob_free(s->oob);
  dast_checks_free(s->checks);
  dast_gate_free(s->gate);
  dast_scope_free(s->scope);
  if(s->base) event_base_free(s->base);
}

/* The attack keeps the crawler's session (attack.h, crawl.h). */
static bool sess_lost(void *ud, const char *req_url, const struct dast_response *resp)
{
  return dast_crawler_session_lost(ud, req_url, resp);
}

static dast_err sess_relogin(void *ud, dast_timer_cb done, void *done_ud)
{
  return dast_crawler_relogin(ud, done, done_ud);
}

static bool sess_logged_in(void *ud)
{
  return dast_crawler_logged_in(ud);
}

/* Builds the report from what the scan gathered, applies the gate. */
static int finish_report(struct scan *s, const char *incomplete_reason, int64_t started,
                         json_t **report, struct dast_stats *st)
{
  const struct dast_config *cfg = s->cfg;
  struct dast_crawl_stats cs = {0};
  if(s->crawler) dast_crawler_stats(s->crawler, &cs);
  struct dast_scan_result r = {0};
  r.cfg = cfg;
  r.target = cfg->target;
  r.started = started;
  r.finished = (int64_t)time(NULL);
  r.profile = dast_profile_name(cfg->profile);
  r.seed = cfg->seed;
  r.stats = st;
  r.pages = cs.pages;
  if(s->crawler) {
    r.nendpoints = dast_crawler_endpoints(s->crawler, &r.endpoints);
    r.nskipped = dast_crawler_skipped(s->crawler, &r.skipped_urls, &r.skipped_reasons);
  }
  if(s->attack) {
    r.nfindings = dast_attack_findings(s->attack, &r.findings);
    r.ntested = dast_attack_tested(s->attack, &r.tested);
  }
  json_t *checks = s->checks ? dast_checks_list_json(s->checks) : json_array();
  size_t nchecks = json_array_size(checks);
  const char **ids = dast_calloc(nchecks + 1, sizeof(char *));
  for(size_t i = 0; i < nchecks; i++) ids[i] = json_string_value(json_object_get(json_array_get(checks, i), "id"));
  r.checks_run = ids;
  r.nchecks_run = nchecks;
  r.incomplete = incomplete_reason != NULL;
  r.incomplete_reason = incomplete_reason;
  r.login_attempted = cs.login_attempted;
  r.login_ok = cs.login_ok;
  *report = dast_result_to_json(&r);
  free(ids);
  json_decref(checks);
  return dast_gate_apply(s->gate, *report, (int64_t)time(NULL));
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
  struct scan s = {.cfg = cfg, .ctl = ctl};
  int64_t started = (int64_t)time(NULL);
  atomic_store(&ctl->started_us, dast_now_us());
  char msg[512] = "";
  int rc = 3;

  /* 1. everything the user handed us, before any request */
  if(dast_gate_new(cfg, &s.gate, errbuf, errlen)) goto out;
  if(!cfg->crawl_only && dast_checks_load(cfg, &s.checks, errbuf, errlen)) goto out;
  s.base = dast_event_base_new();
  if(!s.base) dast_oom();
  if(dast_scope_new(cfg, &s.scope, errbuf, errlen)) goto out;
  if(dast_engine_new(s.base, cfg, s.scope, &s.eng, errbuf, errlen)) goto out;
  if(dast_crawler_new(s.eng, cfg, &s.crawler, errbuf, errlen)) goto out;
  if(!cfg->crawl_only && dast_attack_new(s.eng, cfg, s.checks, &s.attack, errbuf, errlen)) goto out;
  if(s.attack && cfg->profile != DAST_PROFILE_PASSIVE) {
    if(dast_oob_new(s.base, cfg->oob_listen, cfg->oob_url, &s.oob, msg, sizeof(msg)))
      DAST_LOG(DAST_LOG_WARN, "scan", "out-of-band listener unavailable (%s): blind SSRF/XXE checks skipped", msg);
    else
      dast_attack_set_oob(s.attack, s.oob);
  }

  /* 2. wait for an ephemeral environment to come up (not in the budget) */
  const char *incomplete = NULL;
  char reason[600] = "";
  atomic_store(&ctl->phase, DAST_PHASE_WAITING);
  double waited = 0;
  dast_err e = dast_scan_wait_ready(cfg, ctl, &waited, msg, sizeof(msg));
  if(e == DAST_EINVAL) {
    snprintf(errbuf, errlen, "%s", msg);
    goto out;
  }
  struct dast_stats st;
  if(e) {
    snprintf(reason, sizeof(reason), "%s", msg);
    DAST_LOG(DAST_LOG_ERROR, "scan", "%s", msg);
    dast_engine_stats(s.eng, &st);
    rc = finish_report(&s, reason, started, report, &st);
    goto reports;
  }
  if(waited > 0.5) DAST_LOG(DAST_LOG_INFO, "scan", "target ready after %.1f s", waited);

  /* 3. crawl (passive checks watch every response from here on) */
  if(s.attack) dast_engine_observe(s.eng, dast_attack_observe, s.attack);
  dast_engine_on_tick(s.eng, 250, on_tick, &s);
  atomic_store(&ctl->phase, DAST_PHASE_CRAWLING);
  e = dast_crawler_start(s.crawler, errbuf, errlen);
  if(e) {
    rc = 3; /* a spec or HAR the user gave is broken */
    goto out;
  }
  dast_err run = dast_engine_run(s.eng);
  struct dast_crawl_stats cs;
  dast_crawler_stats(s.crawler, &cs);
  struct dast_endpoint *const *eps;
  size_t neps = dast_crawler_endpoints(s.crawler, &eps);
  if(cs.pages == 0 && neps <= 1 && cfg->target && !cfg->no_crawl) {
    struct dast_stats st0;
    dast_engine_stats(s.eng, &st0);
    snprintf(reason, sizeof(reason), "target %s could not be reached (%llu requests, no page parsed)",
             cfg->target, (unsigned long long)st0.requests);
    incomplete = reason;
  } else if(cs.login_attempted && !cs.login_ok) {
    snprintf(reason, sizeof(reason), "login at %s failed: the authenticated area was not scanned", cfg->login_url);
    incomplete = reason;
  }

  /* 4. attack */
  if(!incomplete && run == DAST_OK && s.attack && cfg->profile != DAST_PROFILE_PASSIVE && !s.cancelled) {
    atomic_store(&ctl->phase, DAST_PHASE_ATTACKING);
    if(cs.login_ok) {
      struct dast_attack_session as = {sess_lost, sess_relogin, sess_logged_in, s.crawler, 0};
      dast_attack_set_session(s.attack, &as);
      dast_crawler_relogin_budget(s.crawler, DAST_ATTACK_MAX_RELOGINS);
    }
    if(!dast_attack_start(s.attack, eps, neps)) run = dast_engine_run(s.eng);
    bool gave_up = false;
    int relogins = dast_attack_relogins(s.attack, &gave_up);
    if(gave_up) {
      snprintf(reason, sizeof(reason), "the session was lost during the attack and could not be "
               "restored (%d relogin%s, at most %d): part of the authenticated area was probed "
               "logged out", relogins, relogins == 1 ? "" : "s", DAST_ATTACK_MAX_RELOGINS);
      incomplete = reason;
    } else if(relogins) {
      DAST_LOG(DAST_LOG_INFO, "scan", "attack: logged in again %d time%s", relogins,
               relogins == 1 ? "" : "s");
    }
  }
  /* the API description the user named did not load: what it describes
   * was not scanned (with --no-crawl, nothing was) — never a silent pass */
  if(!incomplete && cs.api_error[0]) {
    snprintf(reason, sizeof(reason), "the API description could not be loaded: %s", cs.api_error);
    incomplete = reason;
  }
  if(!incomplete && s.cancelled) incomplete = "the scan was cancelled before it finished";
  if(!incomplete && run == DAST_ETIMEOUT) {
    snprintf(reason, sizeof(reason), "the time budget (--max-time %.0f s) ran out before the scan finished", cfg->max_time);
    incomplete = reason;
  }
  if(!incomplete && cfg->min_coverage > 0 && (double)neps < cfg->min_coverage) {
    snprintf(reason, sizeof(reason), "only %zu endpoints found, fewer than --min-coverage %.0f", neps, cfg->min_coverage);
    incomplete = reason;
  }
  dast_engine_on_tick(s.eng, 0, NULL, NULL);
  atomic_store(&ctl->phase, DAST_PHASE_REPORTING);
  if(cfg->progress && s.progress_drawn) draw_progress(&s, true);

  /* 5. report and gate */
  dast_engine_stats(s.eng, &st);
  rc = finish_report(&s, incomplete, started, report, &st);
  if(!cfg->quiet) print_summary(cfg, *report, &st);
reports:;
  int wrc = write_reports(cfg, *report, errbuf, errlen);
  if(wrc && rc == 0) rc = wrc;
  atomic_store(&ctl->phase, DAST_PHASE_DONE);
out:
  free_scan(&s);
  return rc;
}
