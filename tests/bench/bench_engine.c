/* bench_engine.c — drives the HTTP engine flat out against one URL and
 * prints requests/s, CPU microseconds per request and memory: the engine
 * half of tests/bench/engine.sh (which runs wrk beside it for the ratio).
 * Keeps 2×concurrency requests submitted, refilling from the callbacks, as
 * the crawler and attack engine do. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "scanner/engine/http.h"

struct bench {
  struct dast_engine *eng;
  const char *url;
  long total, submitted, done, ok;
  long rss_20k_kb;
};

static long rss_kb(void)
{
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, res = 0;
  if(f) {
    if(fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
    fclose(f);
  }
  return res * 4;
}

static void on_done(struct dast_engine *eng, const struct dast_request *req,
                    const struct dast_response *r, void *ud);

static void submit_one(struct bench *b)
{
  struct dast_request req = {.url = b->url};
  if(dast_engine_submit(b->eng, &req, on_done, b) == DAST_OK) b->submitted++;
}

static void on_done(struct dast_engine *eng, const struct dast_request *req,
                    const struct dast_response *r, void *ud)
{
  (void)eng;
  (void)req;
  struct bench *b = ud;
  b->done++;
  if(r->err == DAST_OK && r->status == 200) b->ok++;
  if(b->done == 20000) b->rss_20k_kb = rss_kb();
  if(b->submitted < b->total) submit_one(b);
}

int main(int argc, char **argv)
{
  if(argc < 4) {
    fprintf(stderr, "usage: bench_engine URL TOTAL CONCURRENCY\n");
    return 3;
  }
  struct bench b = {.url = argv[1], .total = atol(argv[2])};
  int conc = atoi(argv[3]);
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.target = strdup(argv[1]);
  cfg.concurrency = conc;
  cfg.per_host = conc;
  cfg.http2 = false;
  struct event_base *base = event_base_new();
  struct dast_scope *scope;
  char err[256];
  if(dast_scope_new(&cfg, &scope, err, sizeof(err)) ||
     dast_engine_new(base, &cfg, scope, &b.eng, err, sizeof(err))) {
    fprintf(stderr, "bench: %s\n", err);
    return 3;
  }
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  uint64_t t0 = dast_now_us();
  for(int i = 0; i < conc * 2 && b.submitted < b.total; i++) submit_one(&b);
  (void)dast_engine_run(b.eng);
  uint64_t el = dast_now_us() - t0;
  getrusage(RUSAGE_SELF, &r1);
  double cpu_us = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1e6 +
                  (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) +
                  (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e6 +
                  (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
  long rss_end = rss_kb();
  printf("requests=%ld ok=%ld seconds=%.3f rps=%.0f cpu_us_per_req=%.1f peak_rss_kb=%ld "
         "rss_20k_kb=%ld rss_end_kb=%ld\n",
         b.done, b.ok, (double)el / 1e6, (double)b.done / ((double)el / 1e6),
         cpu_us / (double)(b.done ? b.done : 1), r1.ru_maxrss, b.rss_20k_kb, rss_end);
  dast_engine_free(b.eng);
  dast_scope_free(scope);
  event_base_free(base);
  dast_config_free(&cfg);
  return b.ok == b.done ? 0 : 1;
}
