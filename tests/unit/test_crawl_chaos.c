/* test_crawl_chaos.c — the crawler against the hostile chaos server
 * (tests/fixtures/chaos), in-process on the engine's event_base: hanging,
 * trickling, resetting, flooding, bombing, looping and malformed endpoints
 * next to a few healthy pages with a login whose session runs out after a
 * few uses.  What is proven: the crawl ends in bounded time, never follows
 * logout, keeps the calendar, the redirect chain and the path trap within
 * their bounds, re-logs in when the session runs out, and stays clean under
 * ASan.  The server's sources are compiled in, as test_chaos_engine does. */
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/crawl.h"
#include "tests/fixtures/chaos/chaos.c"
#include "tests/fixtures/chaos/chaos_gen.c"
#include "tests/unit/harness.h"

static bool has(struct dast_crawler *c, const char *method, const char *tmpl)
{
  struct dast_endpoint *const *eps;
  size_t n = dast_crawler_endpoints(c, &eps);
  for(size_t i = 0; i < n; i++)
    if(!strcmp(eps[i]->method, method) && !strcmp(eps[i]->tmpl, tmpl)) return true;
  return false;
}

TEST(crawl_hostile_server_is_bounded)
{
  signal(SIGPIPE, SIG_IGN);
  struct event_base *base = dast_event_base_new();
  struct dast_chaos *srv;
  if(!base || dast_chaos_new(base, 0, &srv)) abort();
  struct dast_config cfg;
  dast_config_init(&cfg);
  cfg.target = dast_aprintf("http://127.0.0.1:%d/", dast_chaos_port(srv));
  cfg.login_url = dast_aprintf("http://127.0.0.1:%d/login", dast_chaos_port(srv));
  cfg.login_data = dast_strdup("user=alice&pass=x");
  cfg.logged_in_regex = dast_strdup("Logged in");
  cfg.timeout_ms = 1500;
  cfg.connect_timeout_ms = 1500;
  cfg.retries = 0;
  cfg.concurrency = 16;
  cfg.per_host = 16;
  cfg.body_cap = 1u << 20;
  cfg.max_time = 100;
  char err[256];
  struct dast_scope *scope;
  struct dast_engine *eng;
  struct dast_crawler *c;
  if(dast_scope_new(&cfg, &scope, err, sizeof(err))) abort();
  if(dast_engine_new(base, &cfg, scope, &eng, err, sizeof(err))) abort();
  ASSERT_EQ(dast_crawler_new(eng, &cfg, &c, err, sizeof(err)), DAST_OK);
  uint64_t t0 = dast_now_us();
  ASSERT_EQ(dast_crawler_start(c, err, sizeof(err)), DAST_OK);
  dast_err run = dast_engine_run(eng);
  double secs = (double)(dast_now_us() - t0) / 1e6;
  struct dast_crawl_stats st;
  dast_crawler_stats(c, &st);
  if(getenv("DUMP")) {
    struct dast_endpoint *const *eps;
    size_t n = dast_crawler_endpoints(c, &eps);
    for(size_t i = 0; i < n; i++)
      fprintf(stderr, "    %-6s %-40s %-8s %d\n", eps[i]->method, eps[i]->tmpl,
              dast_source_name(eps[i]->source), eps[i]->status);
  }
  fprintf(stderr, "  %.1fs, pages %zu endpoints %zu errors %zu trap %zu capped %zu relogins %d; "
                  "hits: trap %ld chain %ld calendar %ld account %ld logout %ld\n",
          secs, st.pages, st.endpoints, st.errors, st.trap_limited, st.capped, st.relogins,
          dast_chaos_hits(srv, "/trap/"), dast_chaos_hits(srv, "/chain/"),
          dast_chaos_hits(srv, "/calendar"), dast_chaos_hits(srv, "/account"),
          dast_chaos_hits(srv, "/logout"));
  ASSERT_EQ(run, DAST_OK); /* finished on its own, not by the budget */
  ASSERT_LE(secs, 60);
  ASSERT_EQ(dast_chaos_hits(srv, "/logout"), 0);
  ASSERT_LE(dast_chaos_hits(srv, "/calendar"), 3);
  ASSERT_LE(dast_chaos_hits(srv, "/chain/"), 4);
  ASSERT_LE(dast_chaos_hits(srv, "/trap/"), 40);
  ASSERT_LE(st.pages, 200);
  ASSERT(st.login_ok);
  ASSERT(has(c, "GET", "/search?q="));
  ASSERT(has(c, "GET", "/about"));
  ASSERT(has(c, "POST", "/login"));
  ASSERT(has(c, "GET", "/account"));
  ASSERT_GE(st.errors, 3); /* the hanging and resetting routes */
  dast_engine_free(eng);
  dast_crawler_free(c);
  dast_scope_free(scope);
  dast_config_free(&cfg);
  dast_chaos_free(srv);
  event_base_free(base);
}

RUN_TESTS()
