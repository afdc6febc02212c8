/* support_rig.c — the attack engine wired to a small test app on 127.0.0.1
 * (support.h, struct dast_test_rig): the configuration the attack tests
 * share (a fixed seed, no retries, only the checks a test names), scope,
 * engine, checks and attack on the app's event loop, and endpoints added by
 * hand instead of crawled. */
#include "tests/unit/support.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dast_test_rig_init(struct dast_test_rig *r, struct event_base *base, int port,
                        enum dast_profile profile, uint64_t seed, const char *const *only)
{
  memset(r, 0, sizeof(*r));
  r->base = base;
  r->port = port;
  dast_config_init(&r->cfg);
  r->cfg.target = dast_aprintf("http://127.0.0.1:%d/", port);
  r->cfg.profile = profile;
  r->cfg.seed = seed;
  r->cfg.seed_set = true;
  r->cfg.retries = 0;
  for(; only && *only; only++) dast_strlist_add(&r->cfg.checks, *only);
  char err[512];
  if(dast_scope_new(&r->cfg, &r->scope, err, sizeof(err)) ||
     dast_engine_new(base, &r->cfg, r->scope, &r->eng, err, sizeof(err)) ||
     dast_checks_load(&r->cfg, &r->checks, err, sizeof(err)) ||
     dast_attack_new(r->eng, &r->cfg, r->checks, &r->attack, err, sizeof(err))) {
    fprintf(stderr, "%s\n", err);
    abort();
  }
  dast_engine_observe(r->eng, dast_attack_observe, r->attack);
}

struct dast_endpoint *dast_test_rig_add(struct dast_test_rig *r, const char *method,
                                        const char *path, enum dast_ip_kind kind,
                                        const char *pname, const char *pval)
{
  if(r->neps == sizeof(r->eps) / sizeof(r->eps[0])) abort();
  char *url = dast_aprintf("http://127.0.0.1:%d%s", r->port, path);
  struct dast_endpoint *ep = dast_endpoint_new(method, url, DAST_SRC_LINK);
  free(url);
  ep->tmpl = pname && kind == DAST_IP_QUERY ? dast_aprintf("%s?%s=", path, pname) : dast_strdup(path);
  if(pname) dast_endpoint_add_param(ep, kind, pname, pval, NULL);
  r->eps[r->neps++] = ep;
  return ep;
}

void dast_test_rig_run(struct dast_test_rig *r)
{
  if(dast_attack_start(r->attack, r->eps, r->neps)) abort();
  (void)dast_engine_run(r->eng);
}

void dast_test_rig_stop(struct dast_test_rig *r)
{
  dast_attack_free(r->attack);
  dast_engine_free(r->eng);
  r->attack = NULL;
  r->eng = NULL;
}

void dast_test_rig_free(struct dast_test_rig *r, int drain_ms)
{
  dast_test_rig_stop(r);
  struct timeval tv = {0, drain_ms * 1000};
  event_base_loopexit(r->base, &tv);
  event_base_dispatch(r->base);
  dast_checks_free(r->checks);
  dast_scope_free(r->scope);
  for(size_t i = 0; i < r->neps; i++) dast_endpoint_free(r->eps[i]);
  dast_config_free(&r->cfg);
}
