/* post.c — what the attack does after every endpoint was probed.
 *
 * Stored XSS: the stored-xss strategy planted canaries through form fields
 * and parameters, GET ones included (a->plants).  Every crawled GET page (up
 * to PL_REPLAY_MAX, a few at a time) is fetched again with its crawled values
 * — so a page that merely reflects its own request never shows a canary —
 * and searched for them; a canary that libxml2
 * parses as markup makes a firm finding for the planting endpoint and field.
 * To confirm, a fresh canary is planted through the same field and the same
 * page fetched again: it must become markup too.
 *
 * Out-of-band: probes registered in a->oobw are looked up in the listener
 * once PL_OOB_GRACE_MS have passed since the last of them was answered
 * (a->oob_last_us), so late callbacks still count.
 * A hit is a confirmed finding: the target fetched a URL only this probe
 * carried. */
#include "payloads/attack_int.h"

#include <stdlib.h>
#include <string.h>

#define PL_REPLAY_MAX 300
#define PL_REPLAY_WINDOW 4
#define PL_OOB_GRACE_MS 2500

struct replay {
  struct dast_attack *a;
  const struct dast_endpoint *page;
  size_t plant;     /* confirming this plant, when step > 0 */
  int step;         /* 0 page scan, 1 re-plant sent, 2 page re-fetched */
  char canary[PL_CANARY_LEN + 1];
};

static void replay_pump(struct dast_attack *a);

static void oob_collect(struct dast_engine *eng, void *ud)
{
  (void)eng;
  struct dast_attack *a = ud;
  for(size_t i = 0; i < a->noobw; i++) {
    struct pl_oobwait *w = &a->oobw[i];
    if(w->found || !a->oob || !dast_oob_hits(a->oob, w->token)) continue;
    w->found = true;
    const struct dast_param *p = w->ip >= 0 ? &w->ep->params[w->ip] : NULL;
    struct dast_finding *f =
        pl_finding_new(w->c, w->ep->method, w->url, w->ep->tmpl, p, DAST_CONF_CONFIRMED);
    if(!p && w->target && !strncmp(w->target, "header:", 7)) {
      f->param = dast_strdup(w->target + 7);
      f->param_kind = dast_strdup("header");
      dast_finding_fingerprint(f);
    }
    f->payload = dast_strdup(w->payload);
    f->request = dast_strdup(w->request);
    f->curl = dast_strdup(w->curl);
    f->response = dast_aprintf("out-of-band callback received for token %s", w->token);
    f->evidence = dast_aprintf("the target requested the unique callback URL carried only by "
                               "this probe (token %s)", w->token);
    pl_attack_add_finding(a, f);
  }
  a->done = true;
}

static void post_finish(struct dast_attack *a)
{
  if(a->noobw && a->oob) {
    uint64_t since_ms = (dast_now_us() - a->oob_last_us) / 1000;
    unsigned wait_ms = since_ms >= PL_OOB_GRACE_MS ? 0 : PL_OOB_GRACE_MS - (unsigned)since_ms;
    if(!dast_engine_later(a->eng, wait_ms, oob_collect, a)) return;
  }
  a->done = true;
}

static bool submit(struct dast_attack *a, const struct dast_endpoint *ep, long ip, const char *value,
                   dast_http_cb cb, struct replay *r)
{
  struct dast_built b;
  if(dast_endpoint_build(ep, ip, value, false, &b)) return false;
  struct dast_request req = {.method = b.method, .url = b.url,
                             .headers = (const char *const *)b.headers, .nheaders = b.nheaders,
                             .body = b.body, .body_len = b.body_len,
                             .max_redirects = a->cfg->max_redirects,
                             .flags = DAST_REQ_JAR_READONLY};
  dast_err e = dast_engine_submit(a->eng, &req, cb, r);
  dast_built_free(&b);
  if(e) return false;
  a->replay_pending++;
  return true;
}

static void replay_cb(struct dast_engine *eng, const struct dast_request *req,
                      const struct dast_response *resp, void *ud);

static void replay_done(struct replay *r)
{
  struct dast_attack *a = r->a;
  free(r);
  replay_pump(a);
}

/* The planting request as the finding's request: its URL (a GET plant's
 * query included), the payload as sent, the request text and curl line. */
static void plant_evidence(struct dast_finding *f, const struct pl_plant *p)
{
  if(p->url) {
    free(f->url);
    f->url = dast_strdup(p->url);
  }
  f->request = dast_strdup(p->request);
  f->curl = dast_strdup(p->curl);
  f->payload = dast_strdup(p->sent ? p->sent : p->payload);
}

static void plant_found(struct replay *r, const struct pl_subject *s, const char *page_url)
{
  struct dast_attack *a = r->a;
  struct pl_plant *p = &a->plants[r->plant];
  const struct dast_param *par = p->ip >= 0 ? &p->ep->params[p->ip] : NULL;
  struct dast_finding *f = pl_finding_new(p->c, p->ep->method, p->ep->url, p->ep->tmpl, par,
                                          DAST_CONF_FIRM);
  const char *hitp = dast_memmem(s->body, s->body_len, p->canary, strlen(p->canary));
  struct pl_hit hit = {.in_body = true, .off = hitp ? (size_t)(hitp - s->body) : 0,
                       .len = strlen(p->canary), .set = hitp != NULL};
  plant_evidence(f, p);
  pl_finding_response(f, s, &hit);
  f->evidence = dast_aprintf("canary %s submitted here was served as markup by %s", p->canary,
                             page_url);
  pl_attack_add_finding(a, f);
}

static void replay_cb(struct dast_engine *eng, const struct dast_request *req,
                      const struct dast_response *resp, void *ud)
{
  (void)eng;
  struct replay *r = ud;
  struct dast_attack *a = r->a;
  a->replay_pending--;
  if(resp->err == DAST_ECANCEL) {
    free(r);
    if(!a->replay_pending) post_finish(a);
    return;
  }
  struct pl_subject s;
  pl_subject_view(&s, resp);
  if(r->step == 0) {
    for(size_t i = 0; i < a->nplants && s.body; i++) {
      struct pl_plant *p = &a->plants[i];
      if(p->found || !dast_memmem(s.body, s.body_len, p->canary, strlen(p->canary))) continue;
      if(!pl_dom_executable(s.body, s.body_len, p->canary)) continue;
      p->found = true;
      r->plant = i;
      plant_found(r, &s, req->url);
      /* confirm with a fresh canary through the same field */
      struct pl_vars v;
      memset(&v, 0, sizeof(v));
      pl_vars_fresh(&v, &a->rng);
      v.orig = p->ip >= 0 ? p->ep->params[p->ip].value : "";
      memcpy(r->canary, v.canary, sizeof(r->canary));
      char *val = pl_expand(p->payload, &v);
      r->step = 1;
      bool ok = submit(a, p->ep, p->ip, val, replay_cb, r);
      free(val);
      if(ok) return;
      break;
    }
    replay_done(r);
    return;
  }
  if(r->step == 1) {
    r->step = 2;
    if(submit(a, r->page, -1, NULL, replay_cb, r)) return;
    replay_done(r);
    return;
  }
  if(s.body && pl_dom_executable(s.body, s.body_len, r->canary)) {
    struct pl_plant *p = &a->plants[r->plant];
    const struct dast_param *par = p->ip >= 0 ? &p->ep->params[p->ip] : NULL;
    struct dast_finding *f = pl_finding_new(p->c, p->ep->method, p->ep->url, p->ep->tmpl, par,
                                            DAST_CONF_CONFIRMED);
    const char *hitp = dast_memmem(s.body, s.body_len, r->canary, strlen(r->canary));
    struct pl_hit hit = {.in_body = true, .off = hitp ? (size_t)(hitp - s.body) : 0,
                         .len = strlen(r->canary), .set = hitp != NULL};
    plant_evidence(f, p);
    pl_finding_response(f, &s, &hit);
    f->evidence = dast_aprintf("canary %s planted here was served as markup by %s; a second "
                               "canary %s planted the same way was too",
                               p->canary, req->url, r->canary);
    pl_attack_add_finding(a, f);
  }
  replay_done(r);
}

static bool any_open_plant(const struct dast_attack *a)
{
  for(size_t i = 0; i < a->nplants; i++)
    if(!a->plants[i].found) return true;
  return false;
}

static void replay_pump(struct dast_attack *a)
{
  while(a->replay_pending < PL_REPLAY_WINDOW && a->replay_next < a->neps &&
        a->replay_next < PL_REPLAY_MAX && any_open_plant(a) && !dast_engine_expired(a->eng)) {
    const struct dast_endpoint *ep = a->eps[a->replay_next++];
    if(strcmp(ep->method, "GET")) continue;
    struct replay *r = dast_calloc(1, sizeof(*r));
    r->a = a;
    r->page = ep;
    if(!submit(a, ep, -1, NULL, replay_cb, r)) free(r);
  }
  if(!a->replay_pending) post_finish(a);
}

void pl_post_start(struct dast_attack *a)
{
  a->replay_next = 0;
  if(a->nplants) replay_pump(a);
  else post_finish(a);
}
