/* serve_main.c — `dastgate serve`: the command line of the service
 * (serve.h).  Parses flags into struct dast_service_opts, reads the bearer
 * token (--token-file, else env DASTGATE_TOKEN), starts the service, serves
 * until SIGINT/SIGTERM and shuts down cleanly (running scans become
 * `interrupted` with their partial reports).  Returns exit codes; never
 * calls exit(). */
#include <curl/curl.h>
#include <event2/event.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/serve_int.h"

static void usage(FILE *f)
{
  fputs("usage: dastgate serve [options]\n"
        "  --listen HOST:PORT        address to listen on (default 127.0.0.1:8700; port 0 = any)\n"
        "  --db FILE                 SQLite database (default dastgate.db)\n"
        "  --token-file FILE         bearer token for /api (else env DASTGATE_TOKEN)\n"
        "  --allow-target REGEX      URLs scans may reach, matched from the URL's start\n"
        "                            (repeatable, required)\n"
        "  --max-parallel N          scans run at once (default 2)\n"
        "  --max-queue N             queued scans before 503 (default 1000)\n"
        "  --max-body BYTES          request body limit (default 1048576)\n"
        "  --checks-dir DIR          extra checks folder for every scan\n"
        "  --max-scan-time SECONDS   cap every scan's time budget (default: none)\n"
        "  --requeue-interrupted     re-run scans a restart interrupted (without auth)\n"
        "  --insecure-no-auth        no token (only on a loopback address)\n"
        "  --port-file FILE          write the bound port here once listening\n"
        "  --healthcheck             probe http://LISTEN/healthz and exit 0 if healthy (for\n"
        "                            container HEALTHCHECKs; 0.0.0.0 probes 127.0.0.1)\n"
        "  -v, --verbose / -q, --quiet\n",
        f);
}

struct serve_args {
  struct dast_service_opts o;
  struct dast_strlist allow;
  char *token;
  const char *token_file, *port_file;
  bool healthcheck;
};

static int read_token(const char *path, char **out, char *errbuf, size_t errlen)
{
  FILE *f = fopen(path, "r");
  if(!f) {
    snprintf(errbuf, errlen, "--token-file %s: %s", path, strerror(errno));
    return 3;
  }
  struct stat sb;
  if(!fstat(fileno(f), &sb) && (sb.st_mode & 077))
    DAST_LOG(DAST_LOG_WARN, "serve", "--token-file %s is readable by other users", path);
  char line[4096];
  size_t n = fread(line, 1, sizeof(line) - 1, f);
  fclose(f);
  line[n] = '\0';
  line[strcspn(line, "\r\n")] = '\0';
  char *s = line;
  while(*s == ' ' || *s == '\t') s++;
  size_t len = strlen(s);
  while(len && (s[len - 1] == ' ' || s[len - 1] == '\t')) s[--len] = '\0';
  if(!len) {
    snprintf(errbuf, errlen, "--token-file %s: empty token", path);
    return 3;
  }
  if(len < 16) DAST_LOG(DAST_LOG_WARN, "serve", "the API token is short (%zu chars)", len);
  *out = dast_strdup(s);
  return 0;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if(errno || end == s || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

/* Flags taking a value.  Returns 0, 3 (usage error) or -1 (help shown). */
static int parse_args(int argc, char **argv, struct serve_args *a, char *err, size_t errlen)
{
  for(int i = 1; i < argc; i++) {
    const char *f = argv[i];
    long n;
    if(!strcmp(f, "-h") || !strcmp(f, "--help")) {
      usage(stdout);
      return -1;
    }
    if(!strcmp(f, "--requeue-interrupted")) a->o.requeue_interrupted = true;
    else if(!strcmp(f, "--healthcheck")) a->healthcheck = true;
    else if(!strcmp(f, "--insecure-no-auth")) a->o.insecure_no_auth = true;
    else if(!strcmp(f, "-v") || !strcmp(f, "--verbose")) dast_log_level_current = DAST_LOG_DEBUG;
    else if(!strcmp(f, "-q") || !strcmp(f, "--quiet")) dast_log_level_current = DAST_LOG_ERROR;
    else {
      static const char *const valued[] = {"--listen", "--db", "--token-file", "--allow-target",
                                           "--max-parallel", "--max-queue", "--max-body",
                                           "--checks-dir", "--port-file", "--max-scan-time",
                                           NULL};
      size_t k = 0;
      while(valued[k] && strcmp(f, valued[k])) k++;
      if(!valued[k]) {
        snprintf(err, errlen, "serve: unknown option '%s' (see dastgate serve --help)", f);
        return 3;
      }
      if(i + 1 >= argc) {
        snprintf(err, errlen, "serve: %s needs a value", f);
        return 3;
      }
      const char *v = argv[++i];
      switch(k) {
      case 0: a->o.listen = v; break;
      case 1: a->o.db_path = v; break;
      case 2: a->token_file = v; break;
      case 3: dast_strlist_add(&a->allow, v); break;
      case 4:
      case 5:
      case 6:
        if(!parse_int(v, 1, k == 6 ? 1L << 30 : 100000, &n)) {
          snprintf(err, errlen, "serve: %s '%s': expected a positive integer", f, v);
          return 3;
        }
        if(k == 4) a->o.max_parallel = (int)n;
        else if(k == 5) a->o.max_queue = (int)n;
        else a->o.max_body = (size_t)n;
        break;
      case 7: a->o.checks_dir = v; break;
      case 8: a->port_file = v; break;
      default: {
        char *end;
        double d = strtod(v, &end);
        if(*end || !(d > 0) || d > 1e7) {
          snprintf(err, errlen, "serve: %s '%s': expected seconds > 0", f, v);
          return 3;
        }
        a->o.max_scan_time = d;
        break;
      }
      }
    }
  }
  return 0;
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
  (void)p;
  (void)ud;
  return sz * n;
}

/* GET /healthz on the --listen address: 0 when it answers 200, else 1. */
static int healthcheck(const char *listen)
{
  char host[256];
  const char *colon = strrchr(listen, ':');
  if(!colon || (size_t)(colon - listen) >= sizeof(host)) return 1;
  snprintf(host, sizeof(host), "%.*s", (int)(colon - listen), listen);
  if(!strcmp(host, "0.0.0.0") || !*host) snprintf(host, sizeof(host), "127.0.0.1");
  else if(!strcmp(host, "[::]")) snprintf(host, sizeof(host), "[::1]");
  char *url = dast_aprintf("http://%s:%s/healthz", host, colon + 1);
  CURL *c = curl_easy_init();
  long code = 0;
  if(c) {
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    if(curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
  }
  if(code != 200) fprintf(stderr, "dastgate serve: %s is not healthy\n", url);
  free(url);
  return code == 200 ? 0 : 1;
}

static void on_signal(evutil_socket_t sig, short what, void *ud)
{
  (void)what;
  DAST_LOG(DAST_LOG_WARN, "serve", "signal %d: shutting down", (int)sig);
  dast_service_stop(ud);
}

static int write_port_file(const char *path, int port)
{
  FILE *f = fopen(path, "w");
  if(!f) return -1;
  fprintf(f, "%d\n", port);
  return fclose(f);
}

static int serve(struct serve_args *a)
{
  char err[512] = "";
  struct dast_service *svc;
  dast_err e = dast_service_new(&a->o, &svc, err, sizeof(err));
  if(e) {
    fprintf(stderr, "dastgate serve: %s\n", err);
    return e == DAST_EINVAL ? 3 : 2;
  }
  if(a->port_file && write_port_file(a->port_file, dast_service_port(svc))) {
    fprintf(stderr, "dastgate serve: --port-file %s: %s\n", a->port_file, strerror(errno));
    dast_service_free(svc);
    return 2;
  }
  struct event *si = evsignal_new(svc->base, SIGINT, on_signal, svc);
  struct event *st = evsignal_new(svc->base, SIGTERM, on_signal, svc);
  if(si) event_add(si, NULL);
  if(st) event_add(st, NULL);
  DAST_LOG(DAST_LOG_INFO, "serve", "listening on %s:%d", svc->listen_host, dast_service_port(svc));
  fprintf(stderr, "dastgate serve: listening on %s:%d (%d parallel scans)\n", svc->listen_host,
          dast_service_port(svc), svc->opts.max_parallel);
  dast_service_run(svc);
  if(si) event_free(si);
  if(st) event_free(st);
  dast_service_free(svc);
  return 0;
}

int dast_serve_main(int argc, char **argv)
{
  struct serve_args a;
  memset(&a, 0, sizeof(a));
  a.o.db_path = "dastgate.db";
  char err[512] = "";
  int rc = parse_args(argc, argv, &a, err, sizeof(err));
  if(!rc && a.healthcheck) {
    rc = healthcheck(a.o.listen ? a.o.listen : "127.0.0.1:8700");
    dast_strlist_free(&a.allow);
    return rc;
  }
  if(!rc && a.token_file) rc = read_token(a.token_file, &a.token, err, sizeof(err));
  if(!rc && !a.token && getenv("DASTGATE_TOKEN") && *getenv("DASTGATE_TOKEN"))
    a.token = dast_strdup(getenv("DASTGATE_TOKEN"));
  if(rc == 0) {
    a.o.token = a.token;
    a.o.allow_targets = (const char *const *)a.allow.v;
    signal(SIGPIPE, SIG_IGN); /* a client closing its socket must not kill the service */
    rc = serve(&a);
  } else if(rc > 0) {
    fprintf(stderr, "dastgate %s\n", err);
  } else {
    rc = 0;
  }
  free(a.token);
  dast_strlist_free(&a.allow);
  return rc;
}
