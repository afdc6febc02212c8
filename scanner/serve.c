/* serve.c — the scan service's core (serve.h): lifecycle, the job queue and
 * the worker threads.
 *
 * Threads: one API thread runs the evhttp loop (serve_api.c) and never
 * blocks on a scan; `max_parallel` workers each take the oldest queued job,
 * run it with opts.run_scan (dast_scan_run: its own event_base and engine),
 * and write the outcome to the store through their own connection.  The
 * API thread reads running scans' progress from their ctl atomics under
 * `mu` and everything else from the store.
 *
 * A job carries the full configuration, secrets included; only the redacted
 * request is stored.  Inline gate material (policy, suppressions, baseline)
 * is written by the worker to a private temporary folder for the scan's
 * lifetime, because struct dast_config names files.
 *
 * Not an open proxy: every URL the request names (target, seeds, origins,
 * OpenAPI, login) must match the allowlist, and the allowlist is put into
 * cfg->include (combined with any include the request gives) so the
 * engine's scope refuses every other request and redirect hop. */
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "reports/gate.h"
#include "scanner/engine/url.h"
#include "scanner/serve_int.h"

int64_t dast__now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void dast__new_id(char out[24])
{
  unsigned char r[8];
  if(getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
    /* getrandom on Linux >= 3.17 does not fail for 8 bytes; be safe anyway */
    uint64_t now = dast_now_us(), x = dast_hash64(&now, sizeof(now), (uint64_t)(uintptr_t)out);
    memcpy(r, &x, sizeof(r));
  }
  for(int i = 0; i < 8; i++) snprintf(out + 2 * i, 3, "%02x", r[i]);
}

void dast__job_free(struct dast__job *job)
{
  if(!job) return;
  dast_config_free(&job->cfg);
  json_decref(job->policy);
  json_decref(job->suppressions);
  json_decref(job->baseline_report);
  free(job->baseline_scan_id);
  free(job);
}

static bool allowed(const struct dast_service *svc, const char *url)
{
  char *norm = dast_url_resolve(url, url);
  bool ok = false;
  for(size_t i = 0; i < svc->nallow && !ok; i++)
    ok = dast_re_test(svc->allow[i], url, strlen(url)) &&
         (!norm || dast_re_test(svc->allow[i], norm, strlen(norm)));
  /* a URL the normaliser cannot read is not sent by the engine either, but
   * refuse it here so the caller hears why */
  if(!norm) ok = false;
  free(norm);
  return ok;
}

static int check_urls(const struct dast_service *svc, const char *field,
                      const struct dast_strlist *l, char *errbuf, size_t errlen)
{
  for(size_t i = 0; i < l->n; i++)
    if(!allowed(svc, l->v[i])) {
      snprintf(errbuf, errlen, "%s[%zu]: '%s' is not an allowed target of this service", field,
               i, l->v[i]);
      return 403;
    }
  return 0;
}

static int check_regexes(const char *field, const struct dast_strlist *l, char *errbuf,
                         size_t errlen)
{
  for(size_t i = 0; i < l->n; i++) {
    struct dast_re *re;
    char msg[160];
    if(dast_re_compile(l->v[i], 0, &re, msg, sizeof(msg))) {
      snprintf(errbuf, errlen, "%s[%zu]: invalid regex: %s", field, i, msg);
      return 400;
    }
    dast_re_free(re);
  }
  return 0;
}

/* Every request the scan makes must match the allowlist and (when given)
 * one of the request's own include patterns: each include becomes
 * "^(?=.*USER)(?=.*ALLOW)"; with none, the allowlist itself is the include. */
static void confine_scope(const struct dast_service *svc, struct dast_config *cfg)
{
  struct dast_buf any;
  dast_buf_init(&any, 0);
  for(size_t i = 0; i < svc->nallow; i++)
    if(dast_buf_printf(&any, "%s(?:%s)", i ? "|" : "", svc->allow_src[i])) dast_oom();
  struct dast_strlist inc = {0};
  if(!cfg->include.n)
    for(size_t i = 0; i < svc->nallow; i++) dast_strlist_add(&inc, svc->allow_src[i]);
  for(size_t i = 0; i < cfg->include.n; i++) {
    char *p = dast_aprintf("^(?=[\\s\\S]*?(?:%s))(?=[\\s\\S]*?(?:%s))", cfg->include.v[i],
                           any.data);
    dast_strlist_add(&inc, p);
    free(p);
  }
  dast_strlist_free(&cfg->include);
  cfg->include = inc;
  dast_buf_free(&any);
}

static int vet_config(const struct dast_service *svc, struct dast_config *cfg, char *errbuf,
                      size_t errlen)
{
  struct dast_strlist one = {(char *[]){cfg->target, NULL}, 1};
  int st = check_urls(svc, "target", &one, errbuf, errlen);
  if(st) {
    snprintf(errbuf, errlen, "target: '%s' is not an allowed target of this service",
             cfg->target);
    return st;
  }
  if((st = check_urls(svc, "seeds", &cfg->extra_seeds, errbuf, errlen))) return st;
  if((st = check_urls(svc, "scope.origins", &cfg->origins, errbuf, errlen))) return st;
  const char *single[][2] = {{"openapi", cfg->openapi}, {"auth.login.url", cfg->login_url}};
  for(size_t i = 0; i < 2; i++)
    if(single[i][1] && !allowed(svc, single[i][1])) {
      snprintf(errbuf, errlen, "%s: '%s' is not an allowed target of this service", single[i][0],
               single[i][1]);
      return 403;
    }
  if((st = check_regexes("scope.include", &cfg->include, errbuf, errlen))) return st;
  if((st = check_regexes("scope.exclude", &cfg->exclude, errbuf, errlen))) return st;
  confine_scope(svc, cfg);
  double cap = svc->opts.max_scan_time;
  if(cap > 0 && (cfg->max_time <= 0 || cfg->max_time > cap)) cfg->max_time = cap;
  /* the service never writes files for a scan nor shows secrets */
  cfg->show_secrets = false;
  cfg->quiet = true;
  cfg->progress = false;
  if(svc->checks_dir && !cfg->checks_dirs.n) dast_strlist_add(&cfg->checks_dirs, svc->checks_dir);
  return 0;
}

static int vet_gate(struct dast_service *svc, struct dast__job *job, char *errbuf, size_t errlen);

int dast__job_from_json(struct dast_service *svc, const json_t *req, struct dast__job **out,
                        char *errbuf, size_t errlen)
{
  *out = NULL;
  struct dast__job *job = dast_calloc(1, sizeof(*job));
  dast_config_init(&job->cfg);
  struct dast_api_files files;
  if(dast_config_from_api_json(req, &job->cfg, &files, errbuf, errlen)) {
    dast__job_free(job);
    return 400;
  }
  int st = vet_config(svc, &job->cfg, errbuf, errlen);
  if(st) {
    dast__job_free(job);
    return st;
  }
  job->policy = files.policy ? json_deep_copy(files.policy) : NULL;
  job->suppressions = files.suppressions ? json_deep_copy(files.suppressions) : NULL;
  job->baseline_report = files.baseline_report ? json_deep_copy(files.baseline_report) : NULL;
  job->baseline_scan_id = files.baseline_scan_id ? dast_strdup(files.baseline_scan_id) : NULL;
  if((st = vet_gate(svc, job, errbuf, errlen))) {
    dast__job_free(job);
    return st;
  }
  dast_scan_ctl_init(&job->ctl);
  *out = job;
  return 0;
}

void dast__enqueue_take(struct dast_service *svc, struct dast__job *job)
{
  job->state = DAST_JOB_QUEUED;
  job->enqueued_us = dast_now_us();
  pthread_mutex_lock(&svc->mu);
  struct dast__job **pp = &svc->jobs;
  while(*pp) pp = &(*pp)->next;
  *pp = job;
  svc->nqueued++;
  pthread_cond_signal(&svc->cv);
  pthread_mutex_unlock(&svc->mu);
}

/* ---------- running one job (worker thread) ---------- */

static dast_err write_file(const char *dir, const char *name, const json_t *v, char **path)
{
  *path = dast_aprintf("%s/%s", dir, name);
  char *text = json_is_string(v) ? dast_strdup(json_string_value(v))
                                 : json_dumps(v, JSON_INDENT(1) | JSON_ENCODE_ANY);
  if(!text) dast_oom();
  // cppcheck-suppress nullPointerRedundantCheck ; dast_oom() does not return
  size_t n = strlen(text);
  int fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, text, n) == (ssize_t)n;
  if(fd >= 0 && close(fd)) ok = false;
  free(text);
  return ok ? DAST_OK : DAST_EIO;
}

/* Materialises the inline gate material as files the scan reads. */
static dast_err prepare_files(struct dast__job *job, struct dast_store *st, char *dir,
                              char *errbuf, size_t errlen)
{
  dast_err e = DAST_OK;
  if(job->baseline_scan_id && !job->baseline_report) {
    char *text;
    e = dast_store_report_get(st, job->baseline_scan_id, &text, NULL);
    if(e) {
      snprintf(errbuf, errlen, "gate.baseline.scan_id: no report for scan '%.40s'",
               job->baseline_scan_id);
      return e;
    }
    job->baseline_report = json_loads(text, 0, NULL);
    free(text);
    if(!job->baseline_report) {
      snprintf(errbuf, errlen, "gate.baseline.scan_id: stored report is unreadable");
      return DAST_EPARSE;
    }
  }
  if(!job->policy && !job->suppressions && !job->baseline_report) return DAST_OK;
  if(!mkdtemp(dir)) {
    snprintf(errbuf, errlen, "cannot create a temporary folder for the gate files");
    return DAST_EIO;
  }
  if(job->policy) e = write_file(dir, "policy", job->policy, &job->cfg.policy_file);
  if(!e && job->suppressions)
    e = write_file(dir, "suppressions", job->suppressions, &job->cfg.suppressions_file);
  if(!e && job->baseline_report)
    e = write_file(dir, "baseline.json", job->baseline_report, &job->cfg.baseline_file);
  if(e) snprintf(errbuf, errlen, "cannot write the gate files");
  return e;
}

static void remove_files(struct dast__job *job, const char *dir)
{
  char *files[] = {job->cfg.policy_file, job->cfg.suppressions_file, job->cfg.baseline_file};
  for(size_t i = 0; i < 3; i++)
    if(files[i]) unlink(files[i]);
  if(strstr(dir, "XXXXXX") == NULL) rmdir(dir);
}

static const char *gate_str(const json_t *report, const char *key)
{
  return json_string_value(json_object_get(json_object_get(report, "gate"), key));
}

static void finish(struct dast_service *svc, struct dast_store *st, struct dast__job *job,
                   int rc, json_t *report, const char *err)
{
  struct dast_store_result res = {0};
  pthread_mutex_lock(&svc->mu);
  bool shutdown = job->shutdown, cancelled = job->user_cancel;
  pthread_mutex_unlock(&svc->mu);
  res.status = shutdown ? "interrupted" : cancelled ? "cancelled" : report ? "done" : "failed";
  res.exit_code = rc;
  res.report = report;
  res.verdict = report ? gate_str(report, "verdict") : NULL;
  const json_t *code = json_object_get(json_object_get(report, "gate"), "exit_code");
  if(json_is_integer(code)) res.exit_code = (int)json_integer_value(code);
  if(shutdown || cancelled || !report) {
    res.verdict = "incomplete"; /* never a pass for a scan that did not finish */
    if(res.exit_code < 2) res.exit_code = 2;
  }
  res.error = err && *err ? err : report ? NULL : "the scan produced no report";
  if(shutdown) res.error = "the service stopped while this scan was running";
  else if(cancelled) res.error = "cancelled";
  res.requests = atomic_load(&job->ctl.requests);
  res.endpoints = atomic_load(&job->ctl.endpoints);
  if(dast_store_scan_finish(st, job->id, &res, dast__now_ms())) {
    /* e.g. a full disk: at least leave "running" so no one waits forever */
    DAST_LOG(DAST_LOG_ERROR, "serve", "scan %s: could not store its result", job->id);
    if(dast_store_scan_transition(st, job->id, "running", "failed",
                                  "the service could not store this scan's result",
                                  dast__now_ms(), NULL))
      DAST_LOG(DAST_LOG_ERROR, "serve", "scan %s: could not mark it failed either", job->id);
  }
  DAST_LOG(DAST_LOG_INFO, "serve", "scan %s %s: verdict %s, exit %d, %llu requests", job->id,
           res.status, res.verdict ? res.verdict : "-", res.exit_code,
           (unsigned long long)res.requests);
}

/* Removes every "dir/" from msg: error messages name the gate files, and the
 * private folder they live in is nobody's business. */
static void strip_dir(char *msg, const char *dir)
{
  char prefix[64];
  snprintf(prefix, sizeof(prefix), "%s/", dir);
  size_t pl = strlen(prefix);
  char *p;
  while((p = strstr(msg, prefix))) memmove(p, p + pl, strlen(p + pl) + 1);
}

/* Rewrites a gate error in the request's vocabulary: "--fail-on: x" →
 * "gate.fail_on: x", "suppressions: x" → "gate.suppressions: x". */
static void gate_msg(const char *err, char *out, size_t outlen)
{
  static const char *const map[][2] = {
    {"--fail-on", "gate.fail_on"},     {"--exit-code-fail", "gate.exit_code_fail"},
    {"policy", "gate.policy"},         {"suppressions", "gate.suppressions"},
    {"baseline.json", "gate.baseline"}, {"gate.", ""}};
  for(size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
    size_t n = strlen(map[i][0]);
    if(!strncmp(err, map[i][0], n)) {
      snprintf(out, outlen, "%s%s", map[i][1], err + (map[i][1][0] ? n : 0));
      return;
    }
  }
  snprintf(out, outlen, "gate: %s", err);
}

/* Dry-runs the gate with the request's options and inline files, so a bad
 * policy, suppression list, baseline or threshold is a 400 at submission
 * rather than a failed scan after a long queue.  A baseline given by scan id
 * is resolved here, once: the scan is gated against that report even if
 * the baseline scan is deleted later. */
static int vet_gate(struct dast_service *svc, struct dast__job *job, char *errbuf, size_t errlen)
{
  char dir[] = "/tmp/dastgate-gate-XXXXXX";
  char err[512] = "";
  struct dast_gate *g = NULL;
  dast_err e = prepare_files(job, svc->store, dir, err, sizeof(err));
  if(!e && dast_gate_new(&job->cfg, &g, err, sizeof(err))) e = DAST_EPARSE;
  dast_gate_free(g);
  remove_files(job, dir);
  char **paths[] = {&job->cfg.policy_file, &job->cfg.suppressions_file, &job->cfg.baseline_file};
  for(size_t i = 0; i < 3; i++) {
    free(*paths[i]); /* the worker writes its own copies when the scan runs */
    *paths[i] = NULL;
  }
  if(!e) return 0;
  strip_dir(err, dir);
  gate_msg(err, errbuf, errlen);
  return e == DAST_EIO && !strstr(err, "scan_id") ? 500 : 400;
}

static void run_job(struct dast_service *svc, struct dast_store *st, struct dast__job *job)
{
  bool moved = false;
  if(dast_store_scan_transition(st, job->id, "queued", "running", NULL, dast__now_ms(), &moved) ||
     !moved) {
    DAST_LOG(DAST_LOG_WARN, "serve", "scan %s: no longer queued; skipped", job->id);
    return;
  }
  DAST_LOG(DAST_LOG_INFO, "serve", "scan %s started: %s", job->id, job->cfg.target);
  char err[512] = "";
  char dir[] = "/tmp/dastgate-scan-XXXXXX";
  json_t *report = NULL;
  int rc = 2;
  if(prepare_files(job, st, dir, err, sizeof(err)) == DAST_OK) {
    atomic_store(&job->ctl.started_us, dast_now_us());
    rc = svc->run_scan(&job->cfg, &job->ctl, &report, err, sizeof(err));
  }
  strip_dir(err, dir);
  finish(svc, st, job, rc, report, err);
  json_decref(report);
  remove_files(job, dir);
}

static struct dast__job *take_next(struct dast_service *svc)
{
  for(struct dast__job *j = svc->jobs; j; j = j->next)
    if(j->state == DAST_JOB_QUEUED) return j;
  return NULL;
}

static void unlink_job(struct dast_service *svc, struct dast__job *job)
{
  for(struct dast__job **pp = &svc->jobs; *pp; pp = &(*pp)->next)
    if(*pp == job) {
      *pp = job->next;
      return;
    }
}

static void *worker_main(void *ud)
{
  struct dast_service *svc = ud;
  struct dast_store *st = NULL;
  char err[256];
  if(dast_store_open(svc->db_path, &st, err, sizeof(err))) {
    DAST_LOG(DAST_LOG_ERROR, "serve", "worker: %s", err);
    return NULL;
  }
  pthread_mutex_lock(&svc->mu);
  while(!svc->stopping) {
    struct dast__job *job = take_next(svc);
    if(!job) {
      pthread_cond_wait(&svc->cv, &svc->mu);
      continue;
    }
    job->state = DAST_JOB_RUNNING;
    svc->nqueued--;
    svc->nrunning++;
    pthread_mutex_unlock(&svc->mu);
    run_job(svc, st, job);
    pthread_mutex_lock(&svc->mu);
    unlink_job(svc, job);
    svc->nrunning--;
    dast__job_free(job);
  }
  pthread_mutex_unlock(&svc->mu);
  dast_store_close(st);
  return NULL;
}

/* ---------- lifecycle ---------- */

static dast_err parse_listen(struct dast_service *svc, const char *listen, char *errbuf,
                             size_t errlen)
{
  const char *colon = strrchr(listen, ':');
  char *end = NULL;
  long port = colon ? strtol(colon + 1, &end, 10) : -1;
  if(!colon || colon == listen || !end || *end || end == colon + 1 || port < 0 || port > 65535) {
    snprintf(errbuf, errlen, "--listen '%s': expected HOST:PORT", listen);
    return DAST_EINVAL;
  }
  svc->listen_host = dast_strndup(listen, (size_t)(colon - listen));
  if(svc->listen_host[0] == '[') {
    size_t n = strlen(svc->listen_host);
    memmove(svc->listen_host, svc->listen_host + 1, n);
    if(n > 1 && svc->listen_host[n - 2] == ']') svc->listen_host[n - 2] = '\0';
  }
  svc->port = (int)port;
  return DAST_OK;
}

static bool is_loopback(const char *host)
{
  struct in_addr a4;
  struct in6_addr a6;
  if(inet_pton(AF_INET, host, &a4) == 1) return (ntohl(a4.s_addr) >> 24) == 127;
  if(inet_pton(AF_INET6, host, &a6) == 1) return IN6_IS_ADDR_LOOPBACK(&a6);
  return false;
}

static dast_err check_opts(struct dast_service *svc, const struct dast_service_opts *o,
                           char *errbuf, size_t errlen)
{
  if(!o->db_path || !*o->db_path) {
    snprintf(errbuf, errlen, "--db is required");
    return DAST_EINVAL;
  }
  dast_err e = parse_listen(svc, o->listen ? o->listen : "127.0.0.1:8700", errbuf, errlen);
  if(e) return e;
  if(!o->token || !*o->token) {
    if(!o->insecure_no_auth) {
      snprintf(errbuf, errlen, "no API token: give --token-file FILE or DASTGATE_TOKEN "
               "(or --insecure-no-auth on a loopback address)");
      return DAST_EINVAL;
    }
    if(!is_loopback(svc->listen_host)) {
      snprintf(errbuf, errlen, "--insecure-no-auth is only allowed on a loopback address, "
               "not '%s'", svc->listen_host);
      return DAST_EINVAL;
    }
  }
  size_t n = 0;
  while(o->allow_targets && o->allow_targets[n]) n++;
  if(!n) {
    snprintf(errbuf, errlen, "at least one --allow-target REGEX is required");
    return DAST_EINVAL;
  }
  svc->allow = dast_calloc(n, sizeof(struct dast_re *));
  svc->allow_src = dast_calloc(n, sizeof(*svc->allow_src));
  for(size_t i = 0; i < n; i++) {
    char msg[160];
    /* anchored at the start of the URL: "example\.com" must not allow
     * "http://evil.test/?example.com" */
    char *anchored = dast_aprintf("^(?:%s)", o->allow_targets[i]);
    dast_err re_err = dast_re_compile(anchored, 0, &svc->allow[i], msg, sizeof(msg));
    if(re_err) {
      free(anchored);
      snprintf(errbuf, errlen, "--allow-target '%s': %s", o->allow_targets[i], msg);
      return DAST_EINVAL;
    }
    svc->allow_src[i] = anchored;
    svc->nallow++;
  }
  return DAST_OK;
}

static void stop_cb(evutil_socket_t fd, short what, void *ud)
{
  (void)fd;
  (void)what;
  struct dast_service *svc = ud;
  event_base_loopbreak(svc->base);
}

static pthread_once_t evthread_once = PTHREAD_ONCE_INIT;
static void evthread_setup(void)
{
  if(evthread_use_pthreads()) DAST_LOG(DAST_LOG_ERROR, "serve", "libevent thread support failed");
}

static dast_err bind_http(struct dast_service *svc, char *errbuf, size_t errlen)
{
  svc->base = event_base_new();
  svc->http = svc->base ? evhttp_new(svc->base) : NULL;
  if(!svc->http) {
    snprintf(errbuf, errlen, "cannot create the HTTP server");
    return DAST_ENOMEM;
  }
  svc->stop_ev = event_new(svc->base, -1, 0, stop_cb, svc);
  struct evhttp_bound_socket *sock =
    evhttp_bind_socket_with_handle(svc->http, svc->listen_host, (ev_uint16_t)svc->port);
  if(!sock) {
    snprintf(errbuf, errlen, "cannot listen on %s:%d: %s", svc->listen_host, svc->port,
             strerror(errno));
    return DAST_ENET;
  }
  union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
  } u;
  memset(&u, 0, sizeof(u));
  socklen_t sl = sizeof(u);
  if(!getsockname(evhttp_bound_socket_get_fd(sock), &u.sa, &sl))
    svc->port = ntohs(u.sa.sa_family == AF_INET6 ? u.in6.sin6_port : u.in4.sin_port);
  dast__api_install(svc);
  return DAST_OK;
}

/* Re-queues the scans the store says are queued after a restart. */
static void requeue(struct dast_service *svc, const json_t *ids)
{
  size_t i;
  const json_t *v;
  json_array_foreach(ids, i, v) {
    const char *id = json_string_value(v);
    char *text = NULL, err[512];
    struct dast__job *job = NULL;
    json_t *req = NULL;
    int st = 400;
    if(!dast_store_scan_options(svc->store, id, &text, NULL) && (req = json_loads(text, 0, NULL)))
      st = dast__job_from_json(svc, req, &job, err, sizeof(err));
    else snprintf(err, sizeof(err), "stored options are unreadable");
    json_decref(req);
    free(text);
    if(st) {
      if(dast_store_scan_transition(svc->store, id, "queued", "failed", err, dast__now_ms(), NULL))
        DAST_LOG(DAST_LOG_ERROR, "serve", "scan %s: could not mark failed", id);
      continue;
    }
    snprintf(job->id, sizeof(job->id), "%s", id);
    dast__enqueue_take(svc, job);
  }
}

/* Two services on one database would each take the other's running scans
 * for interrupted ones: the second is refused.  The kernel drops the lock
 * when the process dies, so a crash never blocks the restart. */
static dast_err lock_db(struct dast_service *svc, char *errbuf, size_t errlen)
{
  char *path = dast_aprintf("%s.lock", svc->db_path);
  svc->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  dast_err e = DAST_OK;
  if(svc->lock_fd < 0) {
    snprintf(errbuf, errlen, "cannot open %s: %s", path, strerror(errno));
    e = DAST_EIO;
  } else if(flock(svc->lock_fd, LOCK_EX | LOCK_NB)) {
    snprintf(errbuf, errlen, "another dastgate serve is using the database %s", svc->db_path);
    e = DAST_EINVAL;
  }
  free(path);
  return e;
}

static dast_err start(struct dast_service *svc, char *errbuf, size_t errlen)
{
  dast_err e = lock_db(svc, errbuf, errlen);
  if(e) return e;
  e = dast_store_open(svc->db_path, &svc->store, errbuf, errlen);
  json_t *ids = NULL;
  if(!e) e = dast_store_recover(svc->store, svc->opts.requeue_interrupted, dast__now_ms(), &ids);
  if(e) {
    if(!*errbuf) snprintf(errbuf, errlen, "database recovery failed");
    return e;
  }
  e = bind_http(svc, errbuf, errlen);
  if(!e) requeue(svc, ids);
  json_decref(ids);
  if(e) return e;
  svc->workers = dast_calloc((size_t)svc->opts.max_parallel, sizeof(pthread_t));
  for(int i = 0; i < svc->opts.max_parallel; i++) {
    if(pthread_create(&svc->workers[i], NULL, worker_main, svc)) {
      snprintf(errbuf, errlen, "cannot start worker threads");
      return DAST_ENOMEM;
    }
    svc->nworkers++;
  }
  return DAST_OK;
}

dast_err dast_service_new(const struct dast_service_opts *opts, struct dast_service **out,
                          char *errbuf, size_t errlen)
{
  *out = NULL;
  if(errlen) *errbuf = '\0';
  pthread_once(&evthread_once, evthread_setup);
  struct dast_service *svc = dast_calloc(1, sizeof(*svc));
  svc->lock_fd = -1;
  pthread_mutex_init(&svc->mu, NULL);
  pthread_cond_init(&svc->cv, NULL);
  svc->opts = *opts;
  if(svc->opts.max_parallel <= 0) svc->opts.max_parallel = 2;
  if(svc->opts.max_parallel > 64) svc->opts.max_parallel = 64;
  if(!svc->opts.max_body) svc->opts.max_body = 1u << 20;
  if(svc->opts.max_queue <= 0) svc->opts.max_queue = 1000;
  svc->run_scan = opts->run_scan ? opts->run_scan : dast_scan_run;
  svc->started_us = dast_now_us();
  dast_err e = check_opts(svc, opts, errbuf, errlen);
  if(!e) {
    svc->db_path = dast_strdup(opts->db_path);
    svc->checks_dir = opts->checks_dir ? dast_strdup(opts->checks_dir) : NULL;
    if(opts->token && *opts->token) {
      svc->token = dast_strdup(opts->token);
      svc->token_len = strlen(svc->token);
    }
    /* pointers in opts are the caller's; the copies above replace them */
    svc->opts.listen = svc->opts.db_path = svc->opts.token = svc->opts.checks_dir = NULL;
    svc->opts.allow_targets = NULL;
    e = start(svc, errbuf, errlen);
  }
  if(e) {
    dast_service_free(svc);
    return e;
  }
  *out = svc;
  return DAST_OK;
}

int dast_service_port(const struct dast_service *svc)
{
  return svc->port;
}

void dast_service_run(struct dast_service *svc)
{
  event_base_dispatch(svc->base);
}

void dast_service_stop(struct dast_service *svc)
{
  if(svc->stop_ev) event_active(svc->stop_ev, 0, 0);
}

static void stop_workers(struct dast_service *svc)
{
  pthread_mutex_lock(&svc->mu);
  svc->stopping = true;
  struct dast__job *j = svc->jobs, *next;
  svc->jobs = NULL;
  for(; j; j = next) {
    next = j->next;
    if(j->state == DAST_JOB_RUNNING) {
      /* the worker frees it; keep it linked so it can unlink itself */
      j->shutdown = true;
      atomic_store(&j->ctl.cancel, true);
      j->next = svc->jobs;
      svc->jobs = j;
    } else {
      dast__job_free(j); /* stays queued in the store: re-run after restart */
    }
  }
  svc->nqueued = 0;
  pthread_cond_broadcast(&svc->cv);
  pthread_mutex_unlock(&svc->mu);
  for(int i = 0; i < svc->nworkers; i++) pthread_join(svc->workers[i], NULL);
}

void dast_service_free(struct dast_service *svc)
{
  if(!svc) return;
  stop_workers(svc);
  free(svc->workers);
  if(svc->http) evhttp_free(svc->http);
  if(svc->stop_ev) event_free(svc->stop_ev);
  if(svc->base) event_base_free(svc->base);
  dast_store_close(svc->store);
  if(svc->lock_fd >= 0) close(svc->lock_fd); /* releases the flock */
  for(size_t i = 0; i < svc->nallow; i++) {
    dast_re_free(svc->allow[i]);
    free(svc->allow_src[i]);
  }
  free(svc->allow);
  free(svc->allow_src);
  free(svc->listen_host);
  free(svc->token);
  free(svc->db_path);
  free(svc->checks_dir);
  pthread_cond_destroy(&svc->cv);
  pthread_mutex_destroy(&svc->mu);
  free(svc);
}
