/* submit.c — `dastgate submit` (submit.h): the pipeline client.
 *
 * One blocking libcurl easy handle, reused for every call (a client has
 * nothing else to do while it waits).  The scan options go through
 * dast_cli_parse() and dast_config_to_api_json(), the same mapping the
 * service reads with, so `submit` and `scan` give the same verdict for the
 * same flags.  Every response body is capped (API JSON 4 MiB, reports
 * 256 MiB); reports are written to a temporary file and renamed, so a
 * pipeline never picks up half a report.  The token is sent only in the
 * Authorization header and never printed.  Transient poll failures (the
 * service restarting) are retried a bounded number of times. */
#include <curl/curl.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/cli.h"
#include "scanner/engine/types.h"
#include "scanner/serve.h"
#include "scanner/submit.h"

#define API_CAP (4u << 20)
#define REPORT_CAP (256u << 20)
#define MAX_POLL_FAILURES 15

struct client {
  CURL *curl;
  char *server;      /* without trailing slash */
  char *token;
  char *token_file;
  bool wait;
  double poll_s, wait_timeout_s;
  char *baseline_scan;
  char *cacert;      /* CA bundle for an https:// server, or NULL */
  char err[600];
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
  (void)sig;
  interrupted = 1;
}

static void usage(FILE *f)
{
  fputs("usage: dastgate submit --server URL [--token-file FILE] [--wait] [scan options] TARGET\n"
        "  --server URL              the dastgate service (else env DASTGATE_SERVER)\n"
        "  --token-file FILE         bearer token (else env DASTGATE_TOKEN)\n"
        "  --wait                    wait for the verdict and exit with the gate's code\n"
        "                            (implied by --json/--junit/--sarif/--html/--md)\n"
        "  --poll-interval SECONDS   how often to poll while waiting (default 2)\n"
        "  --wait-timeout SECONDS    give up waiting (exit 2) after this long (default: none)\n"
        "  --baseline-scan ID        gate only on findings new since scan ID on the service\n"
        "  --server-cacert FILE      CA bundle to verify an https:// --server\n"
        "\n",
        f);
  dast_cli_print_scan_options(f);
}

static int extra_cb(const char *name, const char *value, void *ud)
{
  struct client *c = ud;
  char *end = NULL;
  if(!strcmp(name, "wait")) {
    c->wait = true;
    return 0;
  }
  if(!strcmp(name, "server")) dast_set_str(&c->server, value);
  else if(!strcmp(name, "token-file")) dast_set_str(&c->token_file, value);
  else if(!strcmp(name, "baseline-scan")) dast_set_str(&c->baseline_scan, value);
  else if(!strcmp(name, "server-cacert")) dast_set_str(&c->cacert, value);
  else {
    double d = strtod(value, &end);
    if(!end || *end || !(d > 0) || d > 86400) return 3;
    if(!strcmp(name, "poll-interval")) c->poll_s = d;
    else c->wait_timeout_s = d;
  }
  return 0;
}

static int load_token(struct client *c)
{
  if(c->token_file) {
    FILE *f = fopen(c->token_file, "r");
    if(!f) {
      snprintf(c->err, sizeof(c->err), "--token-file %s: %s", c->token_file, strerror(errno));
      return 3;
    }
    char line[4096];
    size_t n = fread(line, 1, sizeof(line) - 1, f);
    fclose(f);
    line[n] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    c->token = dast_strdup(line);
  } else if(getenv("DASTGATE_TOKEN")) {
    c->token = dast_strdup(getenv("DASTGATE_TOKEN"));
  }
  return 0;
}

/* ---------- HTTP ---------- */

static size_t collect(char *p, size_t sz, size_t n, void *ud)
{
  return dast_buf_add(ud, p, sz * n) ? 0 : sz * n;
}

/* One call.  Returns the HTTP status, or -1 with c->err set when no
 * response came.  `out` is initialised here with `cap`. */
static long call(struct client *c, const char *method, const char *path, const char *body,
                 struct dast_buf *out, size_t cap)
{
  char url[2048], auth[4200];
  snprintf(url, sizeof(url), "%s%s", c->server, path);
  dast_buf_init(out, cap);
  struct curl_slist *h = curl_slist_append(NULL, "Accept: */*");
  if(body) h = curl_slist_append(h, "Content-Type: application/json");
  if(c->token) {
    snprintf(auth, sizeof(auth), "Authorization: Bearer %s", c->token);
    h = curl_slist_append(h, auth);
  }
  curl_easy_reset(c->curl);
  curl_easy_setopt(c->curl, CURLOPT_URL, url);
  curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
  if(body) curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, 300000L);
  curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "dastgate-submit/" DAST_VERSION);
  if(c->cacert) curl_easy_setopt(c->curl, CURLOPT_CAINFO, c->cacert);
  char cerr[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, cerr);
  CURLcode rc = curl_easy_perform(c->curl);
  curl_slist_free_all(h);
  long code = -1;
  if(rc == CURLE_OK) curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
  else if(rc == CURLE_WRITE_ERROR && out->len >= cap)
    snprintf(c->err, sizeof(c->err), "%s %s: response larger than %zu bytes", method, path, cap);
  else
    snprintf(c->err, sizeof(c->err), "cannot reach %s: %s", c->server,
             cerr[0] ? cerr : curl_easy_strerror(rc));
  return code;
}

/* The service's {"error": ...} message, or the status line. */
static void api_error(struct client *c, long code, const struct dast_buf *b)
{
  json_t *j = json_loadb(b->data ? b->data : "", b->len, 0, NULL);
  const char *msg = json_string_value(json_object_get(j, "error"));
  snprintf(c->err, sizeof(c->err), "service answered %ld: %s", code,
           msg ? msg : "(no message)");
  json_decref(j);
}

static json_t *call_json(struct client *c, const char *method, const char *path,
                         const char *body, long *code)
{
  struct dast_buf b;
  *code = call(c, method, path, body, &b, API_CAP);
  json_t *j = NULL;
  if(*code >= 200 && *code < 300) {
    j = json_loadb(b.data ? b.data : "", b.len, 0, NULL);
    if(!j) snprintf(c->err, sizeof(c->err), "%s %s: the service sent invalid JSON", method, path);
  } else if(*code > 0) {
    api_error(c, *code, &b);
  }
  dast_buf_free(&b);
  return j;
}

/* ---------- steps ---------- */

static int do_submit(struct client *c, const struct dast_config *cfg, char id[64])
{
  json_t *body;
  if(dast_config_to_api_json(cfg, &body, c->err, sizeof(c->err))) return 3;
  if(c->baseline_scan) {
    json_t *gate = json_object_get(body, "gate");
    json_object_set_new(gate, "baseline", json_pack("{s:s}", "scan_id", c->baseline_scan));
  }
  char *text = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  if(!text) dast_oom();
  long code;
  json_t *r = call_json(c, "POST", "/api/v1/scans", text, &code);
  free(text);
  const char *sid = json_string_value(json_object_get(r, "id"));
  int rc = 0;
  if(code == 202 && sid && strlen(sid) < 64) snprintf(id, 64, "%s", sid);
  else if(code == 202) snprintf(c->err, sizeof(c->err), "the service sent no scan id"), rc = 2;
  else rc = code >= 400 && code < 500 && code != 429 ? 3 : 2;
  json_decref(r);
  return rc;
}

static bool terminal(const char *st)
{
  return st && strcmp(st, "queued") && strcmp(st, "running");
}

static void show_progress(const json_t *scan, bool tty)
{
  const json_t *p = json_object_get(scan, "progress");
  const char *st = json_string_value(json_object_get(scan, "status"));
  char eta[32] = "";
  const json_t *e = json_object_get(p, "eta_s");
  if(json_is_number(e)) snprintf(eta, sizeof(eta), ", eta %.0fs", json_number_value(e));
  if(st && !strcmp(st, "queued"))
    fprintf(stderr, "%sdastgate: queued (position %lld)%s", tty ? "\r\033[K" : "",
            (long long)json_integer_value(json_object_get(p, "queue_position")), tty ? "" : "\n");
  else
    fprintf(stderr, "%sdastgate: %s: %s, %lld requests, %lld endpoints, %lld findings%s%s",
            tty ? "\r\033[K" : "", st ? st : "?",
            json_string_value(json_object_get(p, "phase")) ? json_string_value(json_object_get(p, "phase")) : "-",
            (long long)json_integer_value(json_object_get(p, "requests")),
            (long long)json_integer_value(json_object_get(p, "endpoints")),
            (long long)json_integer_value(json_object_get(p, "findings")), eta, tty ? "" : "\n");
  fflush(stderr);
}

static void sleep_s(double s)
{
  struct timespec ts = {(time_t)s, (long)((s - floor(s)) * 1e9)};
  while(nanosleep(&ts, &ts) && errno == EINTR && !interrupted) {}
}

/* Polls until the scan is terminal; *status gets it (owned). */
static int wait_done(struct client *c, const char *id, char **status)
{
  char path[128];
  snprintf(path, sizeof(path), "/api/v1/scans/%s", id);
  bool tty = isatty(STDERR_FILENO);
  int failures = 0;
  uint64_t t0 = dast_now_us();
  for(;;) {
    if(interrupted) {
      char cp[160];
      long code;
      snprintf(cp, sizeof(cp), "/api/v1/scans/%s/cancel", id);
      json_decref(call_json(c, "POST", cp, "", &code));
      snprintf(c->err, sizeof(c->err), "interrupted: asked the service to cancel scan %s", id);
      return 2;
    }
    long code;
    json_t *scan = call_json(c, "GET", path, NULL, &code);
    if(!scan) {
      if(code > 0 && code != 503 && code < 500) return code == 404 ? 2 : 3;
      if(++failures > MAX_POLL_FAILURES) return 2;
      fprintf(stderr, "dastgate: %s (retrying)\n", c->err);
    } else {
      failures = 0;
      const char *st = json_string_value(json_object_get(scan, "status"));
      show_progress(scan, tty);
      if(terminal(st)) {
        *status = dast_strdup(st);
        json_decref(scan);
        if(tty) fputc('\n', stderr);
        return 0;
      }
      json_decref(scan);
    }
    if(c->wait_timeout_s > 0 && (double)(dast_now_us() - t0) / 1e6 > c->wait_timeout_s) {
      snprintf(c->err, sizeof(c->err), "gave up waiting after %.0f s (scan %s keeps running)",
               c->wait_timeout_s, id);
      return 2;
    }
    sleep_s(c->poll_s);
  }
}

static int write_atomic(const char *path, const struct dast_buf *b, char *err, size_t errlen)
{
  if(!strcmp(path, "-")) return fwrite(b->data, 1, b->len, stdout) == b->len ? 0 : -1;
  char *tmp = dast_aprintf("%s.tmp.%d", path, (int)getpid());
  FILE *f = fopen(tmp, "wb");
  bool ok = f && fwrite(b->data, 1, b->len, f) == b->len;
  if(f && fclose(f)) ok = false;
  if(ok && rename(tmp, path)) ok = false;
  if(!ok) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    unlink(tmp);
  }
  free(tmp);
  return ok ? 0 : -1;
}

/* Downloads every report asked for; returns the number that failed. */
static int download_reports(struct client *c, const struct dast_config *cfg, const char *id)
{
  const char *const fmts[][2] = {{"json", cfg->json_out}, {"junit", cfg->junit_out},
                                 {"sarif", cfg->sarif_out}, {"html", cfg->html_out},
                                 {"md", cfg->md_out}};
  int failed = 0;
  for(size_t i = 0; i < 5; i++) {
    if(!fmts[i][1]) continue;
    char path[160];
    snprintf(path, sizeof(path), "/api/v1/scans/%s/report?format=%s", id, fmts[i][0]);
    struct dast_buf b;
    long code = call(c, "GET", path, NULL, &b, REPORT_CAP);
    if(code == 200 && !write_atomic(fmts[i][1], &b, c->err, sizeof(c->err))) {
      if(strcmp(fmts[i][1], "-")) fprintf(stderr, "dastgate: wrote %s\n", fmts[i][1]);
    } else {
      if(code > 0 && code != 200) api_error(c, code, &b);
      fprintf(stderr, "dastgate: %s report: %s\n", fmts[i][0], c->err);
      c->err[0] = '\0';
      failed++;
    }
    dast_buf_free(&b);
  }
  return failed;
}

/* Reads the verdict and turns it into the exit code. */
static int verdict(struct client *c, const char *id, const char *status)
{
  char path[128];
  long code;
  snprintf(path, sizeof(path), "/api/v1/scans/%s/gate", id);
  json_t *g = call_json(c, "GET", path, NULL, &code);
  if(!g) return 2;
  const char *v = json_string_value(json_object_get(g, "verdict"));
  const json_t *ec = json_object_get(g, "exit_code");
  const char *err = json_string_value(json_object_get(g, "error"));
  int rc = json_is_integer(ec) ? (int)json_integer_value(ec) : 2;
  if(strcmp(status, "done")) rc = rc == 3 ? 3 : 2; /* failed/cancelled/interrupted */
  fprintf(stderr, "dastgate: scan %s %s: gate %s (exit %d)%s%s\n", id, status, v ? v : "?", rc,
          err ? ": " : "", err ? err : "");
  const json_t *reasons = json_object_get(g, "reasons");
  size_t i;
  const json_t *r;
  json_array_foreach(reasons, i, r) if(json_is_string(r))
    fprintf(stderr, "  - %s\n", json_string_value(r));
  json_decref(g);
  return rc;
}

static int run(struct client *c, struct dast_config *cfg)
{
  char id[64];
  int rc = do_submit(c, cfg, id);
  if(rc) return rc;
  bool reports = cfg->json_out || cfg->junit_out || cfg->sarif_out || cfg->html_out || cfg->md_out;
  printf("%s\n", id);
  fflush(stdout);
  fprintf(stderr, "dastgate: submitted scan %s (%s/api/v1/scans/%s)\n", id, c->server, id);
  if(!c->wait && !reports) return 0;
  char *status = NULL;
  if((rc = wait_done(c, id, &status))) return rc;
  rc = verdict(c, id, status);
  if(download_reports(c, cfg, id) && rc == 0) rc = 2; /* a pass without its reports is not a pass */
  free(status);
  return rc;
}

static void client_free(struct client *c)
{
  if(c->curl) curl_easy_cleanup(c->curl);
  free(c->server);
  free(c->token);
  free(c->token_file);
  free(c->baseline_scan);
  free(c->cacert);
}

int dast_submit_main(int argc, char **argv)
{
  static const char *const extra[] = {"server", "token-file", "wait", "poll-interval",
                                      "wait-timeout", "baseline-scan", "server-cacert",
                                      NULL};
  struct client c;
  memset(&c, 0, sizeof(c));
  c.poll_s = 2;
  struct dast_config cfg;
  dast_config_init(&cfg);
  int rc = dast_cli_parse(argc, argv, 1, &cfg, extra, extra_cb, &c, c.err, sizeof(c.err));
  if(rc == -1) {
    usage(stdout);
    rc = 0;
    goto out;
  }
  if(!rc && !c.server && getenv("DASTGATE_SERVER")) c.server = dast_strdup(getenv("DASTGATE_SERVER"));
  if(!rc && !c.server) snprintf(c.err, sizeof(c.err), "--server URL is required"), rc = 3;
  if(!rc && !cfg.target) snprintf(c.err, sizeof(c.err), "no target URL given"), rc = 3;
  if(!rc) rc = load_token(&c);
  if(rc) goto out;
  size_t n = strlen(c.server);
  while(n && c.server[n - 1] == '/') c.server[--n] = '\0';
  if(curl_global_init(CURL_GLOBAL_DEFAULT) || !(c.curl = curl_easy_init())) {
    snprintf(c.err, sizeof(c.err), "cannot initialise libcurl");
    rc = 2;
    goto out;
  }
  void (*old)(int) = signal(SIGINT, on_sigint);
  rc = run(&c, &cfg);
  signal(SIGINT, old);
  curl_easy_cleanup(c.curl);
  c.curl = NULL;
  curl_global_cleanup();
out:
  if(c.err[0]) fprintf(stderr, "dastgate submit: %s\n", c.err);
  client_free(&c);
  dast_config_free(&cfg);
  interrupted = 0;
  return rc;
}
