/* sense.c — the sensitivity probe of a slow endpoint (attack_int.h).
 *
 * Every probe of a slow endpoint (baseline over PL_EXPENSIVE_US) holds one
 * of the host's few connections for as long as the page takes.  Before its
 * jobs are made, each parameter — and each header that a parameter check
 * targets — gets one probe with a random canary followed by the characters
 * that break out of quoted contexts.  When the page comes back with the
 * baseline's status, as similar to the baseline as the two baselines are to
 * each other, and without the canary anywhere (body or headers), the value
 * has no visible effect there: es->inert / es->inert_hdr record it, and the
 * checks that look for a visible effect (match, boolean) skip it; timing
 * (already skipped on slow pages) and out-of-band checks still run.  A
 * response that looks logged out never makes a parameter inert.
 *
 * The probes are counted in es->running and es->sensing; the last one to
 * come back hands the endpoint on (pl_ep_sensed).  Values come from a
 * generator seeded from the scan seed and the endpoint. */
#include "payloads/attack_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sense {
  struct pl_ep *es;
  size_t i;          /* parameter index, or PL_SENSE_HDR + index into es->inert_hdr */
  unsigned epoch;    /* a->epoch when sent */
  char *url;         /* as sent (the callback may see a later redirect hop) */
  char canary[PL_CANARY_LEN + 1];
};

#define PL_SENSE_HDR ((size_t)1 << 30)

static bool shows(const struct dast_response *r, const char *canary)
{
  size_t n = strlen(canary);
  if(r->body && dast_memmem(r->body, r->body_len, canary, n)) return true;
  for(size_t i = 0; i < r->nheaders; i++)
    if(r->headers[i].value && strstr(r->headers[i].value, canary)) return true;
  return false;
}

static void sense_cb(struct dast_engine *eng, const struct dast_request *req,
                     const struct dast_response *resp, void *ud)
{
  (void)eng;
  (void)req;
  struct sense *sn = ud;
  struct pl_ep *es = sn->es;
  es->running--;
  if(resp->err == DAST_ECANCEL) es->cancelled = true;
  /* logged out: not inert (every check probes it), nothing to resend */
  bool out = !resp->err &&
             pl_session_check(es->a, sn->url, resp, sn->epoch, es->orig->url, NULL, NULL);
  if(!resp->err && !out && resp->status == es->base[0].status && !shows(resp, sn->canary)) {
    struct pl_tokens t;
    pl_tokens_make(&t, resp->body, resp->body_len, NULL, 0);
    double need = es->stability < 0.98 ? es->stability : 0.98;
    if(pl_similarity(&t, &es->btok, &es->dyn) >= need) {
      bool hdr = sn->i >= PL_SENSE_HDR;
      if(hdr) es->inert_hdr[sn->i - PL_SENSE_HDR].inert = true;
      else es->inert[sn->i] = 1;
      DAST_LOG(DAST_LOG_INFO, "attack", "%s %s: %s '%s' leaves this slow page (%.1fs) as it is: "
               "only blind checks probe it", es->ep->method, es->ep->tmpl ? es->ep->tmpl : es->ep->url,
               hdr ? "header" : "parameter",
               hdr ? es->inert_hdr[sn->i - PL_SENSE_HDR].name : es->ep->params[sn->i].name,
               (double)es->base_us / 1e6);
    }
    pl_tokens_free(&t);
  }
  free(sn->url);
  free(sn);
  if(--es->sensing) return;
  pl_ep_sensed(es);
}

/* Header targets of checks that probe parameters for a visible effect
 * (e.g. an SQL error through User-Agent): sensed like parameters.  Checks
 * that only name headers (shellshock, CORS, host) are not affected. */
static void sense_headers(struct pl_ep *es)
{
  const struct dast_checks *cs = es->a->checks;
  for(size_t k = 0; k < cs->n; k++) {
    const struct pl_check *c = cs->v[k];
    if(c->passive || !pl_check_visible_effect(c) || !pl_check_param_level(c)) continue;
    for(size_t t = 0; t < c->ntargets; t++) {
      const char *name = c->targets[t];
      if(strncmp(name, "header:", 7)) continue;
      name += 7;
      bool dup = false;
      for(size_t h = 0; h < es->ninert_hdr; h++) dup |= !strcasecmp(es->inert_hdr[h].name, name);
      if(dup || es->ninert_hdr >= PL_SENSE_HEADERS) continue;
      es->inert_hdr[es->ninert_hdr].name = name;
      es->inert_hdr[es->ninert_hdr++].inert = false;
    }
  }
}

static bool sense_send(struct pl_ep *es, size_t i, struct dast_rng *rng)
{
  struct dast_attack *a = es->a;
  const struct dast_endpoint *ep = es->ep;
  struct pl_vars v;
  pl_vars_fresh(&v, rng);
  pl_session_refresh_own(es);
  /* the canary with the characters that break out of quoted contexts: a
   * value that reaches SQL, a shell or a template unescaped shows */
  char *value = dast_aprintf("%s'\"`\\", v.canary);
  struct dast_built b;
  bool hdr = i >= PL_SENSE_HDR;
  dast_err e = dast_endpoint_build(ep, hdr ? -1 : (long)i, hdr ? NULL : value, false, &b);
  if(!e && hdr) pl_built_set_header(&b, es->inert_hdr[i - PL_SENSE_HDR].name, value);
  free(value);
  if(e) return false;
  struct sense *sn = dast_calloc(1, sizeof(*sn));
  sn->es = es;
  sn->i = i;
  sn->epoch = a->epoch;
  memcpy(sn->canary, v.canary, sizeof(sn->canary));
  struct dast_request r = {.method = b.method, .url = b.url,
                           .headers = (const char *const *)b.headers, .nheaders = b.nheaders,
                           .body = b.body, .body_len = b.body_len,
                           .max_redirects = a->cfg->max_redirects, .priority = 2,
                           .flags = es->own ? DAST_REQ_NO_JAR : DAST_REQ_JAR_READONLY};
  e = dast_engine_submit(a->eng, &r, sense_cb, sn);
  if(!e) {
    sn->url = b.url; /* taken */
    b.url = NULL;
  }
  dast_built_free(&b);
  if(e) {
    free(sn);
    return false;
  }
  es->running++;
  es->sensing++;
  return true;
}

/* Sends the sensitivity probes; false when none was sent. */
bool pl_sense_start(struct pl_ep *es)
{
  const struct dast_endpoint *ep = es->ep;
  struct dast_attack *a = es->a;
  es->inert = dast_calloc(ep->nparams ? ep->nparams : 1, 1);
  es->ninert = ep->nparams;
  sense_headers(es);
  char *id = dast_aprintf("sense|%s|%s", ep->method, ep->tmpl ? ep->tmpl : ep->url);
  struct dast_rng rng;
  dast_rng_seed(&rng, (a->cfg->seed_set ? a->cfg->seed : 0x64617374ULL) ^ dast_hash64(id, strlen(id), 0));
  free(id);
  for(size_t i = 0; i < ep->nparams; i++)
    if(pl_param_probeable(&ep->params[i])) (void)sense_send(es, i, &rng);
  for(size_t h = 0; h < es->ninert_hdr; h++) (void)sense_send(es, PL_SENSE_HDR + h, &rng);
  return es->sensing > 0;
}

/* True when `target` is a header the sensitivity probe found inert. */
bool pl_sense_header_inert(const struct pl_ep *es, const char *target)
{
  if(strncmp(target, "header:", 7)) return false;
  for(size_t h = 0; h < es->ninert_hdr; h++)
    if(!strcasecmp(es->inert_hdr[h].name, target + 7)) return es->inert_hdr[h].inert;
  return false;
}
