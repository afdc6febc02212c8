/* serve_api.c — the service's REST API (serve.h) on libevent's evhttp, run
 * by the API thread only.
 *
 *   GET  /healthz                      liveness (no auth)
 *   GET  /metrics                      Prometheus text (no auth)
 *   POST /api/v1/scans                 submit → 202 {id, status, links}
 *   GET  /api/v1/scans                 list: ?status= &target= &limit= &offset=
 *   GET  /api/v1/scans/{id}            status and live progress
 *   GET  /api/v1/scans/{id}/report     ?format=json|junit|sarif|html|md
 *   GET  /api/v1/scans/{id}/gate       verdict and the CLI's exit code
 *   POST /api/v1/scans/{id}/cancel
 *   DELETE /api/v1/scans/{id}
 *
 * Every /api call needs "Authorization: Bearer <token>" (constant-time
 * compare).  Errors are {"error": message, "status": code}; messages name
 * the offending field and never carry paths, SQL or internal state.  The
 * handlers read the store through the API thread's own connection and the
 * running scans' progress atomics under the service mutex; they never wait
 * on a scan. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/serve_int.h"

#if defined(__has_include)
#if __has_include("reports/report.h")
#include "reports/report.h"
#define DAST_HAVE_REPORT_H 1
#endif
#endif
#ifndef DAST_HAVE_REPORT_H
/* reports/report.h has not landed on this branch yet: the signatures its
 * owner announced, so this file builds against them today. */
enum dast_report_format { DAST_FMT_JSON = 0, DAST_FMT_JUNIT, DAST_FMT_SARIF, DAST_FMT_HTML,
                          DAST_FMT_MD };
int dast_report_format_parse(const char *name);
dast_err dast_report_render(const json_t *report, enum dast_report_format f, struct dast_buf *out,
                            char *errbuf, size_t errlen);
#endif

#define API_PREFIX "/api/v1/scans"

static void send_text(struct evhttp_request *req, int code, const char *ctype, const char *body,
                      size_t len)
{
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Type", ctype);
  evhttp_add_header(h, "Cache-Control", "no-store");
  evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
  struct evbuffer *b = evbuffer_new();
  if(!b) dast_oom();
  evbuffer_add(b, body, len);
  evhttp_send_reply(req, code, NULL, b);
  evbuffer_free(b);
}

/* Sends `j` (stolen) as JSON. */
static void send_json(struct evhttp_request *req, int code, json_t *j)
{
  char *s = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  if(!s) dast_oom();
  // cppcheck-suppress nullPointerRedundantCheck ; dast_oom() does not return
  send_text(req, code, "application/json", s, strlen(s));
  free(s);
}

static void send_error(struct evhttp_request *req, int code, const char *msg)
{
  send_json(req, code, json_pack("{s:s,s:i}", "error", msg, "status", code));
}

static bool token_ok(const struct dast_service *svc, const char *got, size_t glen)
{
  /* constant time in the length of the expected token */
  unsigned diff = (unsigned)(glen ^ svc->token_len);
  for(size_t i = 0; i < svc->token_len; i++)
    diff |= (unsigned char)svc->token[i] ^ (unsigned char)(i < glen ? got[i] : 0);
  return diff == 0;
}

static bool authorized(struct dast_service *svc, struct evhttp_request *req)
{
  if(!svc->token) return true; /* --insecure-no-auth on loopback */
  const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
  if(!h || !dast_strcaseprefix(h, "Bearer ")) return false;
  h += 7;
  while(*h == ' ') h++;
  return token_ok(svc, h, strlen(h));
}

static int64_t now_ms(void)
{
  return dast__now_ms();
}

static json_t *links_for(const char *id)
{
  json_t *l = json_object();
  const char *names[][2] = {{"self", ""}, {"report", "/report?format=json"}, {"gate", "/gate"},
                            {"cancel", "/cancel"}};
  for(size_t i = 0; i < 4; i++) {
    char *u = dast_aprintf(API_PREFIX "/%s%s", id, names[i][1]);
    json_object_set_new(l, names[i][0], json_string(u));
    free(u);
  }
  return l;
}

/* ---------- POST /api/v1/scans ---------- */

static void scan_create(struct dast_service *svc, struct evhttp_request *req)
{
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  size_t len = evbuffer_get_length(in);
  if(len > svc->opts.max_body) {
    send_error(req, 413, "request body too large");
    return;
  }
  char err[600];
  json_error_t jerr;
  json_t *body = json_loadb((const char *)evbuffer_pullup(in, -1), len, JSON_REJECT_DUPLICATES,
                            &jerr);
  if(!body) {
    snprintf(err, sizeof(err), "invalid JSON at line %d column %d: %s", jerr.line, jerr.column,
             jerr.text);
    send_error(req, 400, err);
    return;
  }
  struct dast__job *job;
  int st = dast__job_from_json(svc, body, &job, err, sizeof(err));
  if(st) {
    json_decref(body);
    send_error(req, st, err);
    return;
  }
  pthread_mutex_lock(&svc->mu);
  bool full = svc->nqueued >= (size_t)svc->opts.max_queue;
  pthread_mutex_unlock(&svc->mu);
  if(full) {
    json_decref(body);
    dast__job_free(job);
    send_error(req, 503, "the scan queue is full; retry later");
    return;
  }
  dast__new_id(job->id);
  bool secrets;
  json_t *redacted = dast_api_json_redact(body, &secrets);
  json_decref(body);
  char *opts = json_dumps(redacted, JSON_COMPACT);
  json_decref(redacted);
  if(!opts) dast_oom();
  dast_err e = dast_store_scan_create(svc->store, job->id, job->cfg.target,
                                      dast_profile_name(job->cfg.profile), opts, secrets,
                                      now_ms());
  free(opts);
  if(e) {
    dast__job_free(job);
    send_error(req, 500, "internal error: could not store the scan");
    return;
  }
  char id[24];
  memcpy(id, job->id, sizeof(id));
  dast__enqueue_take(svc, job); /* job may be gone from here on */
  char loc[96];
  snprintf(loc, sizeof(loc), API_PREFIX "/%s", id);
  evhttp_add_header(evhttp_request_get_output_headers(req), "Location", loc);
  send_json(req, 202, json_pack("{s:s,s:s,s:o}", "id", id, "status", "queued", "links",
                                links_for(id)));
}

/* ---------- GET /api/v1/scans ---------- */

static bool parse_long(const char *s, long lo, long hi, long *out)
{
  char *end;
  if(!s || !*s) return false;
  long v = strtol(s, &end, 10);
  if(*end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

static const char *const statuses[] = {"queued", "running", "done", "failed", "cancelled",
                                       "interrupted", NULL};

static bool known_status(const char *s)
{
  for(size_t i = 0; statuses[i]; i++)
    if(!strcmp(s, statuses[i])) return true;
  return false;
}

static void overlay_progress(struct dast_service *svc, json_t *scan);

static void scan_list(struct dast_service *svc, struct evhttp_request *req,
                      struct evkeyvalq *q)
{
  static const char *const keys[] = {"status", "target", "limit", "offset", NULL};
  for(struct evkeyval *kv = q->tqh_first; kv; kv = kv->next.tqe_next) {
    bool ok = false;
    for(size_t i = 0; keys[i] && !ok; i++) ok = !strcmp(kv->key, keys[i]);
    if(!ok) {
      char m[200];
      snprintf(m, sizeof(m), "unknown query parameter '%.60s'", kv->key);
      send_error(req, 400, m);
      return;
    }
  }
  const char *status = evhttp_find_header(q, "status"), *target = evhttp_find_header(q, "target");
  const char *ls = evhttp_find_header(q, "limit"), *os = evhttp_find_header(q, "offset");
  long limit = 20, offset = 0;
  if(status && !known_status(status)) {
    send_error(req, 400, "status: expected queued, running, done, failed, cancelled or "
               "interrupted");
    return;
  }
  if(ls && !parse_long(ls, 1, 200, &limit)) {
    send_error(req, 400, "limit: expected an integer 1..200");
    return;
  }
  if(os && !parse_long(os, 0, 1000000000, &offset)) {
    send_error(req, 400, "offset: expected a non-negative integer");
    return;
  }
  json_t *items;
  long total;
  if(dast_store_scan_list(svc->store, status, target, limit, offset, &items, &total)) {
    send_error(req, 500, "internal error: could not read the scans");
    return;
  }
  size_t i;
  json_t *s;
  json_array_foreach(items, i, s) {
    json_object_del(s, "options");
    overlay_progress(svc, s);
  }
  json_t *out = json_pack("{s:o,s:I,s:I,s:I}", "scans", items, "total", (json_int_t)total,
                          "limit", (json_int_t)limit, "offset", (json_int_t)offset);
  if(offset + limit < total) {
    struct dast_buf next;
    dast_buf_init(&next, 0);
    if(dast_buf_printf(&next, API_PREFIX "?limit=%ld&offset=%ld", limit, offset + limit))
      dast_oom();
    const char *kv[][2] = {{"status", status}, {"target", target}};
    for(size_t k = 0; k < 2; k++)
      if(kv[k][1]) {
        char *enc = evhttp_encode_uri(kv[k][1]);
        if(!enc || dast_buf_printf(&next, "&%s=%s", kv[k][0], enc)) dast_oom();
        free(enc);
      }
    json_object_set_new(out, "next", json_string(next.data));
    dast_buf_free(&next);
  }
  send_json(req, 200, out);
}

/* ---------- GET /api/v1/scans/{id} ---------- */

/* Replaces the stored progress of a queued or running scan with the live
 * counters (and a position in the queue or an ETA). */
static void overlay_progress(struct dast_service *svc, json_t *scan)
{
  const char *id = json_string_value(json_object_get(scan, "id"));
  if(!id) return;
  pthread_mutex_lock(&svc->mu);
  size_t pos = 0;
  struct dast__job *j = svc->jobs;
  for(; j; j = j->next) {
    if(!strcmp(j->id, id)) break;
    if(j->state == DAST_JOB_QUEUED) pos++;
  }
  if(!j) {
    pthread_mutex_unlock(&svc->mu);
    return;
  }
  json_t *p = json_object();
  if(j->state == DAST_JOB_QUEUED) {
    json_object_set_new(p, "queue_position", json_integer((json_int_t)pos + 1));
    json_object_set_new(p, "phase", json_string("queued"));
  } else {
    /* a worker took it; the store catches up a moment later */
    json_object_set_new(scan, "status", json_string("running"));
    uint64_t req = atomic_load(&j->ctl.requests), queued = atomic_load(&j->ctl.queued);
    uint64_t started = atomic_load(&j->ctl.started_us), now = dast_now_us();
    double elapsed = started && now > started ? (double)(now - started) / 1e6 : 0;
    json_object_set_new(p, "phase", json_string(dast_scan_phase_name(atomic_load(&j->ctl.phase))));
    json_object_set_new(p, "requests", json_integer((json_int_t)req));
    json_object_set_new(p, "endpoints", json_integer((json_int_t)atomic_load(&j->ctl.endpoints)));
    json_object_set_new(p, "findings", json_integer((json_int_t)atomic_load(&j->ctl.findings)));
    json_object_set_new(p, "queued_requests", json_integer((json_int_t)queued));
    json_object_set_new(p, "elapsed_s", json_real(elapsed));
    /* ETA: queued work at the observed request rate, capped by the budget */
    double eta = req && queued && elapsed > 0 ? (double)queued * elapsed / (double)req : -1;
    if(j->cfg.max_time > 0 && (eta < 0 || eta > j->cfg.max_time - elapsed))
      eta = j->cfg.max_time > elapsed ? j->cfg.max_time - elapsed : 0;
    json_object_set_new(p, "eta_s", eta >= 0 ? json_real(eta) : json_null());
    if(j->user_cancel) json_object_set_new(scan, "cancel_requested", json_true());
  }
  pthread_mutex_unlock(&svc->mu);
  json_object_set_new(scan, "progress", p);
}

static void scan_get(struct dast_service *svc, struct evhttp_request *req, const char *id)
{
  json_t *scan;
  dast_err e = dast_store_scan_get(svc->store, id, &scan);
  if(e) {
    send_error(req, e == DAST_ENOTFOUND ? 404 : 500,
               e == DAST_ENOTFOUND ? "no such scan" : "internal error: could not read the scan");
    return;
  }
  overlay_progress(svc, scan);
  json_object_set_new(scan, "links", links_for(id));
  send_json(req, 200, scan);
}

/* Loads a scan row; sends 404/500 and returns NULL when it can't. */
static json_t *load_scan(struct dast_service *svc, struct evhttp_request *req, const char *id)
{
  json_t *scan;
  dast_err e = dast_store_scan_get(svc->store, id, &scan);
  if(!e) return scan;
  send_error(req, e == DAST_ENOTFOUND ? 404 : 500,
             e == DAST_ENOTFOUND ? "no such scan" : "internal error: could not read the scan");
  return NULL;
}

static bool is_active(const json_t *scan)
{
  const char *st = json_string_value(json_object_get(scan, "status"));
  return st && (!strcmp(st, "queued") || !strcmp(st, "running"));
}

/* ---------- GET /api/v1/scans/{id}/report ---------- */

static const struct {
  const char *name, *ctype;
} formats[] = {{"json", "application/json"},
               {"junit", "application/xml"},
               {"sarif", "application/sarif+json"},
               {"html", "text/html; charset=utf-8"},
               {"md", "text/markdown; charset=utf-8"}};

static void scan_report(struct dast_service *svc, struct evhttp_request *req, const char *id,
                        struct evkeyvalq *q)
{
  const char *fmt = evhttp_find_header(q, "format");
  size_t fi = 0;
  if(fmt) {
    for(fi = 0; fi < 5 && strcmp(fmt, formats[fi].name); fi++) {}
    if(fi == 5) {
      send_error(req, 400, "format: expected json, junit, sarif, html or md");
      return;
    }
  }
  json_t *scan = load_scan(svc, req, id);
  if(!scan) return;
  bool active = is_active(scan);
  json_decref(scan);
  char *text = NULL;
  size_t len = 0;
  dast_err e = active ? DAST_ENOTFOUND : dast_store_report_get(svc->store, id, &text, &len);
  if(e) {
    send_error(req, e == DAST_ENOTFOUND ? 409 : 500,
               active ? "the scan has not finished; no report yet"
               : e == DAST_ENOTFOUND ? "this scan produced no report (see its error)"
                                     : "internal error: could not read the report");
    return;
  }
  if(fi == 0) {
    send_text(req, 200, formats[0].ctype, text, len);
    free(text);
    return;
  }
  json_t *report = json_loadb(text, len, 0, NULL);
  free(text);
  int f = dast_report_format_parse(formats[fi].name);
  struct dast_buf out;
  dast_buf_init(&out, 0);
  char err[256] = "";
  if(!report || f < 0 ||
     dast_report_render(report, (enum dast_report_format)f, &out, err, sizeof(err))) {
    DAST_LOG(DAST_LOG_ERROR, "serve", "scan %s: rendering %s failed: %s", id, formats[fi].name,
             err);
    send_error(req, 500, "internal error: could not render the report");
  } else {
    send_text(req, 200, formats[fi].ctype, out.data ? out.data : "", out.len);
  }
  dast_buf_free(&out);
  json_decref(report);
}

/* ---------- GET /api/v1/scans/{id}/gate ---------- */

static void scan_gate(struct dast_service *svc, struct evhttp_request *req, const char *id)
{
  json_t *scan = load_scan(svc, req, id);
  if(!scan) return;
  const char *status = json_string_value(json_object_get(scan, "status"));
  if(is_active(scan)) {
    send_json(req, 409, json_pack("{s:s,s:s,s:i}", "error", "the scan has not finished; no "
                                  "verdict yet", "scan_status", status, "status", 409));
    json_decref(scan);
    return;
  }
  json_t *out = json_object();
  char *text = NULL;
  size_t len;
  if(!dast_store_report_get(svc->store, id, &text, &len)) {
    json_t *report = json_loadb(text, len, 0, NULL);
    json_t *gate = json_object_get(report, "gate");
    if(json_is_object(gate)) json_object_update(out, gate);
    json_decref(report);
    free(text);
  }
  /* the stored verdict and exit code already account for cancel/failure */
  json_object_set(out, "verdict", json_object_get(scan, "verdict"));
  if(json_is_null(json_object_get(out, "verdict")))
    json_object_set_new(out, "verdict", json_string("incomplete"));
  json_object_set(out, "exit_code", json_object_get(scan, "exit_code"));
  json_object_set_new(out, "id", json_string(id));
  json_object_set_new(out, "scan_status", json_string(status));
  json_object_set(out, "error", json_object_get(scan, "error"));
  json_decref(scan);
  send_json(req, 200, out);
}

/* ---------- cancel and delete ---------- */

/* Returns the job's state under the lock, or -1 if it is not in memory. */
static int cancel_job(struct dast_service *svc, const char *id)
{
  pthread_mutex_lock(&svc->mu);
  struct dast__job **pp = &svc->jobs, *j;
  while((j = *pp) && strcmp(j->id, id)) pp = &j->next;
  int st = j ? (int)j->state : -1;
  if(j && j->state == DAST_JOB_QUEUED) {
    *pp = j->next;
    svc->nqueued--;
    dast__job_free(j);
  } else if(j) {
    j->user_cancel = true;
    atomic_store(&j->ctl.cancel, true);
  }
  pthread_mutex_unlock(&svc->mu);
  return st;
}

static void scan_cancel(struct dast_service *svc, struct evhttp_request *req, const char *id)
{
  int st = cancel_job(svc, id);
  if(st == DAST_JOB_QUEUED) {
    if(dast_store_scan_transition(svc->store, id, "queued", "cancelled", "cancelled", now_ms(),
                                  NULL)) {
      send_error(req, 500, "internal error: could not update the scan");
      return;
    }
    send_json(req, 200, json_pack("{s:s,s:s}", "id", id, "status", "cancelled"));
    return;
  }
  if(st == DAST_JOB_RUNNING) {
    send_json(req, 202, json_pack("{s:s,s:s}", "id", id, "status", "cancelling"));
    return;
  }
  json_t *scan = load_scan(svc, req, id);
  if(!scan) return;
  send_json(req, 409, json_pack("{s:s,s:O,s:i}", "error", "the scan has already finished",
                                "scan_status", json_object_get(scan, "status"), "status", 409));
  json_decref(scan);
}

static void scan_delete(struct dast_service *svc, struct evhttp_request *req, const char *id)
{
  pthread_mutex_lock(&svc->mu);
  struct dast__job *j = svc->jobs;
  while(j && strcmp(j->id, id)) j = j->next;
  bool busy = j != NULL;
  pthread_mutex_unlock(&svc->mu);
  if(busy) {
    send_error(req, 409, "the scan is queued or running; cancel it first");
    return;
  }
  bool deleted;
  if(dast_store_scan_delete(svc->store, id, &deleted)) {
    send_error(req, 500, "internal error: could not delete the scan");
    return;
  }
  if(!deleted) {
    send_error(req, 404, "no such scan");
    return;
  }
  evhttp_send_reply(req, 204, "No Content", NULL);
}

/* ---------- /healthz and /metrics ---------- */

static void healthz(struct dast_service *svc, struct evhttp_request *req)
{
  pthread_mutex_lock(&svc->mu);
  json_t *o = json_pack("{s:s,s:s,s:I,s:I,s:f}", "status", "ok", "version", DAST_VERSION,
                        "queued", (json_int_t)svc->nqueued, "running",
                        (json_int_t)svc->nrunning, "uptime_s",
                        (double)(dast_now_us() - svc->started_us) / 1e6);
  pthread_mutex_unlock(&svc->mu);
  send_json(req, 200, o);
}

static dast_err metrics_text(struct dast_service *svc, struct dast_buf *b)
{
  json_t *m;
  dast_err e = dast_store_metrics(svc->store, &m);
  if(e) return e;
  uint64_t live_requests = 0;
  pthread_mutex_lock(&svc->mu);
  size_t queued = svc->nqueued, running = svc->nrunning;
  for(struct dast__job *j = svc->jobs; j; j = j->next)
    if(j->state == DAST_JOB_RUNNING) live_requests += atomic_load(&j->ctl.requests);
  pthread_mutex_unlock(&svc->mu);
  const json_t *scans = json_object_get(m, "scans"), *sev = json_object_get(m, "findings");
  e = dast_buf_adds(b, "# HELP dastgate_scans Scans in the store by state.\n"
                       "# TYPE dastgate_scans gauge\n");
  for(size_t i = 0; !e && statuses[i]; i++)
    e = dast_buf_printf(b, "dastgate_scans{state=\"%s\"} %lld\n", statuses[i],
                        (long long)json_integer_value(json_object_get(scans, statuses[i])));
  static const char *const sevs[] = {"critical", "high", "medium", "low", "info", NULL};
  if(!e) e = dast_buf_adds(b, "# HELP dastgate_findings Findings of finished scans by severity.\n"
                              "# TYPE dastgate_findings gauge\n");
  for(size_t i = 0; !e && sevs[i]; i++)
    e = dast_buf_printf(b, "dastgate_findings{severity=\"%s\"} %lld\n", sevs[i],
                        (long long)json_integer_value(json_object_get(sev, sevs[i])));
  long long stored = json_integer_value(json_object_get(m, "requests"));
  if(!e)
    e = dast_buf_printf(
      b,
      "# HELP dastgate_requests_sent_total HTTP requests sent by scans.\n"
      "# TYPE dastgate_requests_sent_total counter\n"
      "dastgate_requests_sent_total %llu\n"
      "# HELP dastgate_queue_length Scans waiting for a worker.\n"
      "# TYPE dastgate_queue_length gauge\n"
      "dastgate_queue_length %zu\n"
      "# HELP dastgate_running_scans Scans running now.\n"
      "# TYPE dastgate_running_scans gauge\n"
      "dastgate_running_scans %zu\n"
      "# HELP dastgate_queue_wait_seconds_sum Total time started scans spent queued.\n"
      "# TYPE dastgate_queue_wait_seconds_sum counter\n"
      "dastgate_queue_wait_seconds_sum %.3f\n"
      "dastgate_queue_wait_seconds_count %lld\n",
      (unsigned long long)stored + (unsigned long long)live_requests, queued, running,
      (double)json_integer_value(json_object_get(m, "queue_latency_ms_sum")) / 1000.0,
      (long long)json_integer_value(json_object_get(m, "started")));
  json_decref(m);
  return e;
}

static void metrics(struct dast_service *svc, struct evhttp_request *req)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  if(metrics_text(svc, &b)) send_error(req, 500, "internal error: metrics unavailable");
  else send_text(req, 200, "text/plain; version=0.0.4", b.data, b.len);
  dast_buf_free(&b);
}

/* ---------- routing ---------- */

static bool valid_id(const char *s, size_t n)
{
  if(n != 16) return false;
  for(size_t i = 0; i < n; i++)
    if(!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  return true;
}

static void method_not_allowed(struct evhttp_request *req, const char *allow)
{
  evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
  send_error(req, 405, "method not allowed");
}

/* /api/v1/scans/{id}[/sub] */
static void route_scan(struct dast_service *svc, struct evhttp_request *req, const char *rest,
                       struct evkeyvalq *q)
{
  enum evhttp_cmd_type m = evhttp_request_get_command(req);
  const char *slash = strchr(rest, '/');
  size_t idlen = slash ? (size_t)(slash - rest) : strlen(rest);
  if(!valid_id(rest, idlen)) {
    send_error(req, 404, "no such scan");
    return;
  }
  char id[24];
  memcpy(id, rest, idlen);
  id[idlen] = '\0';
  const char *sub = slash ? slash + 1 : "";
  if(!*sub) {
    if(m == EVHTTP_REQ_GET) scan_get(svc, req, id);
    else if(m == EVHTTP_REQ_DELETE) scan_delete(svc, req, id);
    else method_not_allowed(req, "GET, DELETE");
  } else if(!strcmp(sub, "report")) {
    if(m == EVHTTP_REQ_GET) scan_report(svc, req, id, q);
    else method_not_allowed(req, "GET");
  } else if(!strcmp(sub, "gate")) {
    if(m == EVHTTP_REQ_GET) scan_gate(svc, req, id);
    else method_not_allowed(req, "GET");
  } else if(!strcmp(sub, "cancel")) {
    if(m == EVHTTP_REQ_POST) scan_cancel(svc, req, id);
    else method_not_allowed(req, "POST");
  } else {
    send_error(req, 404, "not found");
  }
}

static void route_api(struct dast_service *svc, struct evhttp_request *req, const char *path,
                      struct evkeyvalq *q)
{
  if(!authorized(svc, req)) {
    evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                      "Bearer realm=\"dastgate\"");
    send_error(req, 401, "missing or wrong bearer token");
    return;
  }
  enum evhttp_cmd_type m = evhttp_request_get_command(req);
  if(!strcmp(path, API_PREFIX) || !strcmp(path, API_PREFIX "/")) {
    if(m == EVHTTP_REQ_POST) scan_create(svc, req);
    else if(m == EVHTTP_REQ_GET) scan_list(svc, req, q);
    else method_not_allowed(req, "GET, POST");
  } else if(!strncmp(path, API_PREFIX "/", sizeof(API_PREFIX))) {
    route_scan(svc, req, path + sizeof(API_PREFIX), q);
  } else {
    send_error(req, 404, "not found");
  }
}

static void handle(struct evhttp_request *req, void *ud)
{
  struct dast_service *svc = ud;
  const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
  const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
  if(!path) {
    send_error(req, 400, "bad request URI");
    return;
  }
  struct evkeyvalq q;
  q.tqh_first = NULL;
  q.tqh_last = &q.tqh_first;
  const char *qs = evhttp_uri_get_query(uri);
  if(qs && evhttp_parse_query_str(qs, &q)) {
    send_error(req, 400, "malformed query string");
    return;
  }
  enum evhttp_cmd_type m = evhttp_request_get_command(req);
  if(!strcmp(path, "/healthz")) {
    if(m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD) healthz(svc, req);
    else method_not_allowed(req, "GET");
  } else if(!strcmp(path, "/metrics")) {
    if(m == EVHTTP_REQ_GET) metrics(svc, req);
    else method_not_allowed(req, "GET");
  } else if(!strncmp(path, "/api/", 5)) {
    route_api(svc, req, path, &q);
  } else {
    send_error(req, 404, "not found");
  }
  evhttp_clear_headers(&q);
}

void dast__api_install(struct dast_service *svc)
{
  evhttp_set_gencb(svc->http, handle, svc);
  evhttp_set_max_body_size(svc->http, (ev_ssize_t)svc->opts.max_body);
  evhttp_set_max_headers_size(svc->http, 64 * 1024);
  evhttp_set_timeout(svc->http, 30);
  evhttp_set_allowed_methods(svc->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE |
                                          EVHTTP_REQ_HEAD);
}
