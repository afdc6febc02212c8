/* attack.c — the attack scheduler.
 *
 * Endpoints (struct pl_ep) go through three stages.  Up to PL_LOOKAHEAD
 * beyond the window are fetched as crawled — the baseline, twice at once:
 * content type, latency, and the page's own dynamic parts.  A slow one
 * (baseline over PL_EXPENSIVE_US) then gets one sensitivity probe per
 * parameter (sense_start).  Ready endpoints wait in a->ready, slow ones
 * first, for one of the a->window places; there one job is made per
 * (check x insertion point) the check applies to — split per payload or
 * pair for match and boolean checks so that independent probes run side
 * by side — or per endpoint-level target (deduplicated per template,
 * directory or origin as the check's scope says).  Timing jobs run one
 * after the other once the rest of the endpoint is done so they do not
 * measure each other.  Endpoints of the login URL go last.  When an
 * endpoint's last job ends it is freed and the next one starts.  When all
 * are done pl_post_start() runs the stored-XSS replay and collects
 * out-of-band hits.
 *
 * Request order in the engine: baselines and sensitivity probes first
 * (priority 2), then a job's follow-up probes and chain jobs (1), then the
 * single probes of split jobs (0), so a slow endpoint costs a few round
 * trips, not one per probe.  Responses that show a lost session go to
 * session.c first and are never evidence.
 *
 * Every decision is made in engine callbacks; nothing blocks.  All random
 * values come from per-job generators seeded from cfg->seed and the job's
 * identity (check, method, template, insertion point, part), so a --seed
 * rerun sends the same values whatever order responses arrive in.  One
 * finding per (check, method, template, insertion point) — per (check,
 * cookie or header name) for those site-wide inputs, which are not probed
 * again once confirmed on the origin: findings are keyed by their fingerprint; the most confident one is kept, ties broken
 * by a fixed order (finding_better).  Sending a job's probes (and the
 * anti-CSRF token refresh before them) is send.c. */
#include "payloads/attack_int.h"

#include "scanner/engine/url.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PL_WINDOW 8     /* endpoints whose jobs run at once */
#define PL_LOOKAHEAD 32 /* more endpoints whose baselines are fetched ahead */
#define PL_BASE_BUDGET (8u << 20) /* baseline bytes that still allow looking ahead */
#define PL_MAX_COOKIE_POINTS 8
#define PL_SLOW_US 4000000u /* a baseline slower than this: one probe at a time */

static void ep_next(struct dast_attack *a);

/* ---- findings and tested records ---- */

static int strcmp_null(const char *x, const char *y)
{
  return x && y ? strcmp(x, y) : (x != NULL) - (y != NULL);
}

/* Which of two findings with one fingerprint is kept: the more confident,
 * then a fixed order on what they show, so that jobs finishing in another
 * order (probes of one check run side by side) report the same one. */
static bool finding_better(const struct dast_finding *f, const struct dast_finding *g)
{
  if(f->confidence != g->confidence) return f->confidence > g->confidence;
  int d = strcmp_null(f->url, g->url);
  if(!d) d = strcmp_null(f->payload, g->payload);
  if(!d) d = strcmp_null(f->evidence, g->evidence);
  return d < 0;
}

void pl_attack_add_finding(struct dast_attack *a, struct dast_finding *f)
{
  for(size_t i = 0; i < a->nfindings; i++) {
    if(strcmp(a->findings[i]->fingerprint, f->fingerprint)) continue;
    if(finding_better(f, a->findings[i])) {
      dast_finding_free(a->findings[i]);
      a->findings[i] = f;
    } else {
      dast_finding_free(f);
    }
    return;
  }
  if(a->nfindings == a->afindings) {
    a->afindings = a->afindings ? a->afindings * 2 : 16;
    a->findings = dast_realloc(a->findings, a->afindings * sizeof(*a->findings));
  }
  a->findings[a->nfindings++] = f;
  DAST_LOG(DAST_LOG_INFO, "attack", "finding: %s (%s)", f->title,
           dast_confidence_name(f->confidence));
}

static void add_tested(struct dast_attack *a, const struct pl_check *c,
                       const struct dast_endpoint *ep, bool applicable, const char *reason)
{
  const char *tmpl = ep->tmpl ? ep->tmpl : ep->url;
  for(size_t i = 0; i < a->ntested; i++) {
    struct dast_tested *t = &a->tested[i];
    if(!strcmp(t->check_id, c->id) && !strcmp(t->method, ep->method) && !strcmp(t->tmpl, tmpl)) {
      if(applicable && !t->applicable) {
        t->applicable = true;
        free(t->reason);
        t->reason = NULL;
      }
      return;
    }
  }
  if(a->ntested == a->atested) {
    a->atested = a->atested ? a->atested * 2 : 64;
    a->tested = dast_realloc(a->tested, a->atested * sizeof(*a->tested));
  }
  struct dast_tested *t = &a->tested[a->ntested++];
  memset(t, 0, sizeof(*t));
  t->check_id = dast_strdup(c->id);
  t->check_name = dast_strdup(c->name);
  t->check_class = dast_strdup(c->klass);
  t->method = dast_strdup(ep->method);
  t->tmpl = dast_strdup(tmpl);
  t->applicable = applicable;
  t->reason = reason ? dast_strdup(reason) : NULL;
}

/* Returns true the first time a key is seen. */
static bool seen_once(struct dast_attack *a, const char *key)
{
  uint64_t h = dast_hash64(key, strlen(key), 7);
  for(size_t i = 0; i < a->nseen; i++)
    if(a->seen[i] == h) return false;
  if(a->nseen == a->aseen) {
    a->aseen = a->aseen ? a->aseen * 2 : 64;
    a->seen = dast_realloc(a->seen, a->aseen * sizeof(uint64_t));
  }
  a->seen[a->nseen++] = h;
  return true;
}

int pl_class_state(const struct dast_attack *a, const char *klass, const struct dast_endpoint *ep,
                   long ip)
{
  const char *name = ip >= 0 ? ep->params[ip].name : NULL;
  const char *tmpl = ep->tmpl ? ep->tmpl : ep->url;
  int st = 0;
  for(size_t i = 0; i < a->nfindings; i++) {
    const struct dast_finding *f = a->findings[i];
    if(strcmp(f->check_class, klass) || strcmp(f->method, ep->method) || strcmp(f->tmpl, tmpl))
      continue;
    if((name == NULL) != (f->param == NULL) || (name && strcmp(name, f->param))) continue;
    int s = f->confidence == DAST_CONF_CONFIRMED ? 2 : 1;
    if(s > st) st = s;
  }
  return st;
}

/* ---- lifecycle ---- */

dast_err dast_attack_new(struct dast_engine *eng, const struct dast_config *cfg,
                         const struct dast_checks *checks, struct dast_attack **out, char *errbuf,
                         size_t errlen)
{
  *out = NULL;
  if(!cfg || !checks) {
    if(errbuf) snprintf(errbuf, errlen, "attack: config and checks are required");
    return DAST_EINVAL;
  }
  struct dast_attack *a = dast_calloc(1, sizeof(*a));
  a->eng = eng;
  a->cfg = cfg;
  a->checks = checks;
  dast_rng_seed(&a->rng, cfg->seed_set ? cfg->seed : 0x64617374ULL);
  a->window = PL_WINDOW;
  a->passive = pl_passive_new(cfg, checks, errbuf, errlen);
  if(!a->passive) {
    free(a);
    return DAST_EPARSE;
  }
  *out = a;
  return DAST_OK;
}

void dast_attack_set_oob(struct dast_attack *a, struct dast_oob *oob)
{
  a->oob = oob;
}

void dast_attack_free(struct dast_attack *a)
{
  if(!a) return;
  for(size_t i = 0; i < a->nfindings; i++) dast_finding_free(a->findings[i]);
  free(a->findings);
  for(size_t i = 0; i < a->ntested; i++) dast_tested_clear(&a->tested[i]);
  free(a->tested);
  free(a->seen);
  for(size_t i = 0; i < a->nplants; i++) {
    free(a->plants[i].payload);
    free(a->plants[i].sent);
    free(a->plants[i].url);
    free(a->plants[i].request);
    free(a->plants[i].curl);
  }
  free(a->plants);
  for(size_t i = 0; i < a->noobw; i++) {
    free(a->oobw[i].payload);
    free(a->oobw[i].request);
    free(a->oobw[i].curl);
    free(a->oobw[i].url);
  }
  free(a->oobw);
  free(a->order);
  pl_session_free(a);
  pl_passive_free(a->passive);
  free(a);
}

void dast_attack_observe(struct dast_engine *eng, const struct dast_request *req,
                         const struct dast_response *resp, void *ud)
{
  (void)eng;
  struct dast_attack *a = ud;
  if(!a || !resp || resp->err || !resp->status || (req->flags & DAST_REQ_MADE_UP)) return;
  struct pl_subject s;
  pl_subject_view(&s, resp);
  const char *url = resp->final_url ? resp->final_url : req->url;
  struct dast_finding **fs = NULL;
  size_t n = 0;
  pl_passive_run(a->passive, req, &s, url, &fs, &n);
  for(size_t i = 0; i < n; i++) pl_attack_add_finding(a, fs[i]);
  free(fs);
}

bool dast_attack_done(const struct dast_attack *a)
{
  return a->done;
}

size_t dast_attack_findings(const struct dast_attack *a, struct dast_finding *const **out)
{
  *out = a->findings;
  return a->nfindings;
}

size_t dast_attack_tested(const struct dast_attack *a, const struct dast_tested **out)
{
  *out = a->tested;
  return a->ntested;
}

/* ---- endpoints ---- */

static void ep_free(struct pl_ep *es)
{
  for(struct pl_job *j = es->all, *n; j; j = n) {
    n = j->next;
    for(int i = 0; i < 3; i++) pl_subject_free(&j->keep[i]);
    pl_subject_free(&j->fbase);
    pl_tokens_free(&j->fbtok);
    dast_finding_free(j->best);
    dast_built_free(&j->sent);
    dast_built_free(&j->planted);
    free(j->pend_value);
    free(j->pend_url);
    free(j->last_value);
    free(j->last_url);
    free(j->put_first);
    free(j->note);
    free(j->orig_copy);
    free(j->path_own);
    free(j);
  }
  dast_endpoint_free(es->own);
  es->a->base_bytes -= es->base[0].body_len + es->base[1].body_len;
  pl_subject_free(&es->base[0]);
  pl_subject_free(&es->base[1]);
  pl_tokens_free(&es->btok);
  pl_tokens_free(&es->dyn);
  free(es->base_url);
  free(es->inert);
  free(es);
}

static void job_run(struct pl_job *j)
{
  j->es->running++;
  pl_strategy_start(j);
}

/* Jobs of one endpoint started at once.  Each holds probes in the engine's
 * queue, and each probe carries the endpoint's whole body: a form with P
 * fields made P x checks x payloads jobs at once, each with a P-field body
 * (500 fields: 540 MB).  The rest wait in es->backlog. */
#define PL_EP_WINDOW 128

/* Starts the next serial job, or frees the endpoint when nothing is left.
 * `creating` guards against a job that finishes synchronously freeing the
 * endpoint under our feet. */
static void ep_maybe_done(struct pl_ep *es)
{
  if(es->creating) return;
  es->creating = true;
  while(es->backlog && es->running < PL_EP_WINDOW) {
    struct pl_job *j = es->backlog;
    es->backlog = j->bnext;
    if(!es->backlog) es->backlog_tail = NULL;
    job_run(j);
  }
  while(!es->running && !es->backlog && es->serial) {
    struct pl_job *j = es->serial;
    es->serial = j->snext;
    job_run(j);
  }
  es->creating = false;
  if(es->running || es->serial || es->backlog) return;
  struct dast_attack *a = es->a;
  if(es->started) a->active--;
  ep_free(es);
  a->in_flight--;
  ep_next(a);
}

void pl_job_finish(struct pl_job *j)
{
  if(j->finished) return;
  j->finished = true;
  if(j->best) {
    pl_attack_add_finding(j->es->a, j->best);
    j->best = NULL;
  }
  /* a finished job keeps nothing heavy until its endpoint is freed: the
   * responses it compared and the probes it sent (the finding has copies) */
  for(int i = 0; i < 3; i++) pl_subject_free(&j->keep[i]);
  pl_subject_free(&j->fbase);
  pl_tokens_free(&j->fbtok);
  dast_built_free(&j->sent);
  dast_built_free(&j->planted);
  struct pl_ep *es = j->es;
  es->running--;
  ep_maybe_done(es);
}

static struct pl_job *job_new(struct pl_ep *es, const struct pl_check *c, long ip,
                              const char *target, long part)
{
  struct pl_job *j = dast_calloc(1, sizeof(*j));
  j->es = es;
  j->c = c;
  j->ip = ip;
  j->target = target;
  j->part = part;
  char *id = dast_aprintf("%s|%s|%s|%ld|%s|%s|%ld", c->id, es->orig->method,
                          es->orig->tmpl ? es->orig->tmpl : es->orig->url, ip,
                          ip >= 0 ? es->ep->params[ip].name : "", target ? target : "", part);
  uint64_t seed = es->a->cfg->seed_set ? es->a->cfg->seed : 0x64617374ULL;
  dast_rng_seed(&j->rng, seed ^ dast_hash64(id, strlen(id), 0));
  free(id);
  j->next = es->all;
  es->all = j;
  return j;
}

static bool ctype_ok(const struct pl_check *c, const char *ctype)
{
  if(!c->nctypes) return true;
  for(size_t i = 0; i < c->nctypes; i++)
    if(ctype && dast_strcaseprefix(ctype, c->ctypes[i])) return true;
  return false;
}

static bool method_ok(const struct pl_check *c, const char *m)
{
  if(!c->nmethods) return true;
  for(size_t i = 0; i < c->nmethods; i++)
    if(!strcasecmp(c->methods[i], m)) return true;
  return false;
}

static bool scheme_ok(const struct pl_check *c, const char *url)
{
  if(!c->nschemes) return true;
  for(size_t i = 0; i < c->nschemes; i++) {
    size_t n = strlen(c->schemes[i]);
    if(!strncasecmp(url, c->schemes[i], n) && url[n] == ':') return true;
  }
  return false;
}

/* The dedup key of an endpoint-level job for its scope. */
static char *scope_key(const struct pl_check *c, const struct dast_endpoint *ep,
                       const char *target)
{
  const char *url = ep->url;
  const char *tmpl = ep->tmpl ? ep->tmpl : ep->url;
  const char *hostend = strstr(url, "://");
  hostend = hostend ? strchr(hostend + 3, '/') : NULL;
  size_t originlen = hostend ? (size_t)(hostend - url) : strlen(url);
  switch(c->scope) {
  case PL_SCOPE_ORIGIN: return dast_aprintf("%s|%s|%.*s", c->id, target, (int)originlen, url);
  case PL_SCOPE_DIR: {
    const char *last = strrchr(url, '/');
    size_t n = last && last >= url + originlen ? (size_t)(last - url) + 1 : strlen(url);
    return dast_aprintf("%s|%s|%.*s", c->id, target, (int)n, url);
  }
  case PL_SCOPE_PARAM:
  case PL_SCOPE_ENDPOINT:
  case PL_SCOPE_TEMPLATE: break;
  }
  return dast_aprintf("%s|%s|%s|%s", c->id, target, ep->method, tmpl);
}

/* File fields, submit buttons and session cookies are never probed. */
bool pl_param_probeable(const struct dast_param *p)
{
  return !(p->type && (!strcmp(p->type, "file") || !strcmp(p->type, "submit") ||
                       (p->kind == DAST_IP_COOKIE && !strcmp(p->type, "session"))));
}

/* A check probes parameters unless it only names targets (or is files). */
bool pl_check_param_level(const struct pl_check *c)
{
  return (c->ip_mask || !c->ntargets) && c->strategy != PL_S_FILES && c->strategy != PL_S_PUT;
}

/* Timing jobs wait for the rest of the endpoint and run one at a time; so
 * does every job of a slow endpoint, which must not hold all the
 * connections to its host while quicker endpoints wait, and of a form with
 * a rotating anti-CSRF token: concurrent probes would spoil each other's
 * token (a 403 for one of three boolean probes looks like a differential). */
static void queue_job(struct pl_ep *es, struct pl_job *j, bool hint_only)
{
  j->hint_only = hint_only;
  if(j->c->strategy == PL_S_TIMING || es->base_us > PL_SLOW_US || es->csrf >= 0) {
    j->snext = es->serial;
    es->serial = j;
  } else if(es->running >= PL_EP_WINDOW || es->backlog) {
    if(es->backlog_tail) es->backlog_tail->bnext = j;
    else es->backlog = j;
    es->backlog_tail = j;
  } else {
    job_run(j);
  }
}

/* How many independent jobs a check's probes of one point split into: the
 * payloads of a match check and the pairs of a boolean one do not depend
 * on each other, so each gets its own job and they run side by side (a
 * slow page then costs a few round trips, not one per payload).  Not on a
 * form with a rotating anti-CSRF token: its probes share one token. */
static size_t job_parts(const struct pl_ep *es, const struct pl_check *c)
{
  if(es->csrf >= 0) return 0;
  if(c->strategy == PL_S_MATCH && c->npayloads > 1) return c->npayloads;
  if(c->strategy == PL_S_BOOLEAN && c->npairs > 1) return c->npairs;
  return 0;
}

static void queue_jobs(struct pl_ep *es, const struct pl_check *c, long ip, const char *target,
                       bool hint_only)
{
  size_t n = job_parts(es, c);
  if(!n) {
    queue_job(es, job_new(es, c, ip, target, -1), hint_only);
    return;
  }
  for(size_t k = 0; k < n; k++) queue_job(es, job_new(es, c, ip, target, (long)k), hint_only);
}

/* Strategies that look for a visible effect of the value on the page: an
 * inert parameter of a slow page (es->inert) is not probed by them. */
bool pl_check_visible_effect(const struct pl_check *c)
{
  return c->strategy == PL_S_MATCH || c->strategy == PL_S_BOOLEAN;
}

/* A cookie or request header is the same input on every page: once a
 * check confirmed it on this origin, probing it on every other page would
 * only find the same flaw again (and cost a scan of every template). */
static bool confirmed_site_wide(const struct dast_attack *a, const struct pl_check *c,
                                const struct dast_endpoint *ep, const char *kind, const char *name)
{
  const char *h = strstr(ep->url, "://");
  size_t olen = h ? (size_t)(h + 3 - ep->url) + strcspn(h + 3, "/?#") : strlen(ep->url);
  for(size_t i = 0; i < a->nfindings; i++) {
    const struct dast_finding *f = a->findings[i];
    if(f->confidence == DAST_CONF_CONFIRMED && f->param && f->param_kind &&
       !strcmp(f->check_id, c->id) && !strcmp(f->param_kind, kind) && !strcasecmp(f->param, name) &&
       strlen(f->url) >= olen && !memcmp(f->url, ep->url, olen) &&
       (f->url[olen] == '\0' || strchr("/?#", f->url[olen])))
      return true;
  }
  return false;
}

/* Creates the jobs of one check on one endpoint. */
static void make_jobs(struct pl_ep *es, const struct pl_check *c)
{
  struct dast_attack *a = es->a;
  const struct dast_endpoint *ep = es->ep;
  if(c->passive) return;
  bool hint_only = false;
  if(a->cfg->profile < c->profile) {
    if(c->strategy != PL_S_TIMING || a->cfg->profile != DAST_PROFILE_STANDARD) {
      add_tested(a, c, ep, false, "skipped by the scan profile");
      return;
    }
    hint_only = true; /* runs only where a cheaper probe hinted */
  }
  if(c->strategy == PL_S_OOB && !a->oob) {
    add_tested(a, c, ep, false, "no out-of-band listener");
    return;
  }
  if(!method_ok(c, ep->method) || !scheme_ok(c, ep->url)) {
    add_tested(a, c, ep, false, "method or scheme not covered by the check");
    return;
  }
  if(!ctype_ok(c, es->ctype)) {
    add_tested(a, c, ep, false, "response content type not covered by the check");
    return;
  }
  bool any = false;
  if(pl_check_param_level(c)) {
    for(size_t i = 0; i < ep->nparams; i++) {
      const struct dast_param *p = &ep->params[i];
      if(c->ip_mask && !(c->ip_mask & (1u << p->kind))) continue;
      if(c->values_xml && !pl_param_xml(ep, (long)i)) continue;
      if(!pl_param_probeable(p)) continue;
      any = true;
      if((p->kind == DAST_IP_COOKIE || p->kind == DAST_IP_HEADER) &&
         confirmed_site_wide(a, c, ep, dast_ip_kind_name(p->kind), p->name))
        continue;
      if(i < es->ninert && es->inert[i] && pl_check_visible_effect(c)) continue;
      queue_jobs(es, c, (long)i, NULL, hint_only);
    }
  }
  if(!pl_check_param_level(c) || c->ntargets) {
    const char *one[] = {"endpoint"};
    const char *const *targets = c->ntargets ? (const char *const *)c->targets : one;
    size_t nt = c->ntargets ? c->ntargets : 1;
    for(size_t t = 0; t < nt; t++) {
      if(pl_check_param_level(c) && pl_check_visible_effect(c) && pl_sense_header_inert(es, targets[t])) {
        any = true;
        continue;
      }
      if(!strncmp(targets[t], "header:", 7) && confirmed_site_wide(a, c, ep, "header", targets[t] + 7)) {
        any = true;
        continue;
      }
      char *key = scope_key(c, ep, targets[t]);
      bool first = seen_once(a, key);
      free(key);
      if(!first) continue;
      queue_jobs(es, c, -1, targets[t], hint_only);
      any = true;
    }
  }
  add_tested(a, c, ep, any || !pl_check_param_level(c),
             any || !pl_check_param_level(c) ? NULL : "no insertion point of a kind the check covers");
}

static void ep_jobs(struct pl_ep *es)
{
  es->creating = true;
  for(size_t i = 0; i < es->a->checks->n; i++) make_jobs(es, es->a->checks->v[i]);
  es->creating = false;
  ep_maybe_done(es);
}

static void base_cb(struct dast_engine *eng, const struct dast_request *req,
                    const struct dast_response *resp, void *ud);

/* Sends one baseline request (the endpoint as crawled); false if refused. */
static bool base_submit(struct pl_ep *es)
{
  pl_session_refresh_own(es);
  es->base_epoch = es->a->epoch;
  struct dast_built b;
  if(dast_endpoint_build(es->ep, -1, NULL, false, &b)) return false;
  struct dast_request r = {.method = b.method, .url = b.url,
                           .headers = (const char *const *)b.headers, .nheaders = b.nheaders,
                           .body = b.body, .body_len = b.body_len,
                           .max_redirects = es->a->cfg->max_redirects, .priority = 2,
                           .flags = es->own && es->csrf < 0 ? DAST_REQ_NO_JAR : DAST_REQ_JAR_READONLY,
                           .max_body = PL_BASE_CAP};
  dast_err e = dast_engine_submit(es->a->eng, &r, base_cb, es);
  if(!e) {
    free(es->base_url);
    es->base_url = b.url; /* taken */
    b.url = NULL;
  }
  dast_built_free(&b);
  if(e) {
    DAST_LOG(DAST_LOG_DEBUG, "attack", "%s: baseline not sent: %s", es->orig->url, dast_strerror(e));
    return false;
  }
  return true;
}

static void base_after_refresh(struct pl_ep *es, void *ud, bool ok);

/* A baseline, after a token refresh when the form rotates its token.
 * `running` counts it as pending until its callback. */
static bool base_send(struct pl_ep *es)
{
  es->running++;
  es->base_out++;
  es->base_sent++;
  if(pl_csrf_refresh(es, base_after_refresh, NULL)) return true;
  if(base_submit(es)) return true;
  es->running--;
  es->base_out--;
  return false;
}

/* The endpoint's baseline is done: it waits for a place in the window.
 * Slow endpoints go first, so that their probes, which hold a connection
 * for long, overlap with the rest of the scan instead of trailing it. */
static void ep_ready(struct pl_ep *es)
{
  struct dast_attack *a = es->a;
  bool slow = es->base_us > PL_EXPENSIVE_US;
  struct pl_ep **pp = &a->ready;
  while(*pp) {
    bool pslow = (*pp)->base_us > PL_EXPENSIVE_US;
    if(slow && !pslow) break;
    if(slow == pslow && es->index < (*pp)->index) break;
    pp = &(*pp)->rnext;
  }
  es->rnext = *pp;
  *pp = es;
  ep_next(a);
}

void pl_ep_sensed(struct pl_ep *es)
{
  if(es->cancelled) ep_maybe_done(es);
  else ep_ready(es);
}

static void base_done(struct pl_ep *es)
{
  if(es->nbase < 2) {
    pl_subject_copy(&es->base[1], &es->base[0], 0);
    es->a->base_bytes += es->base[1].body_len;
    es->nbase = 2;
  }
  es->ctype = pl_subject_header(&es->base[0], "Content-Type");
  struct pl_tokens t1;
  pl_tokens_make(&es->btok, es->base[0].body, es->base[0].body_len, NULL, 0);
  pl_tokens_make(&t1, es->base[1].body, es->base[1].body_len, NULL, 0);
  es->stability = pl_similarity(&es->btok, &t1, NULL);
  pl_tokens_dynamic(&es->dyn, &es->btok, &t1);
  pl_tokens_free(&t1);
  if(es->base_us > PL_EXPENSIVE_US && es->csrf < 0 && pl_sense_start(es)) return;
  ep_ready(es);
}

static void base_after_refresh(struct pl_ep *es, void *ud, bool ok)
{
  (void)ud;
  if(ok && base_submit(es)) return;
  es->running--;
  es->base_out--;
  if(!ok) es->cancelled = true;
  if(es->base_out) return;
  if(es->cancelled || es->nbase == 0) {
    ep_maybe_done(es);
    return;
  }
  base_done(es); /* the second baseline could not be sent: reuse the first */
}

/* After a baseline came back (or was given up): waits for the other one,
 * then sends the second, or makes the jobs. */
static void base_settle(struct pl_ep *es)
{
  if(es->base_out) return; /* the other baseline is still out */
  if(es->cancelled || es->nbase == 0) {
    /* unreachable endpoint (or the budget ran out): nothing to probe */
    ep_maybe_done(es);
    return;
  }
  if(es->nbase == 1 && es->base_sent < 2 && base_send(es)) return;
  base_done(es);
}

/* A baseline came back logged out: sent again once the session is back (at
 * most twice), else given up. */
static void base_resend(void *ud, enum pl_resume how)
{
  struct pl_ep *es = ud;
  if(how != PL_RESUME_GONE && es->base_resends++ < 2 && base_submit(es)) return;
  es->running--;
  es->base_out--;
  base_settle(es);
}

static void base_cb(struct dast_engine *eng, const struct dast_request *req,
                    const struct dast_response *resp, void *ud)
{
  (void)eng;
  (void)req; /* may be a later redirect hop: es->base_url is what was sent */
  struct pl_ep *es = ud;
  enum pl_session st = resp->err == DAST_ECANCEL ? PL_SESSION_OK
                       : pl_session_check(es->a, es->base_url, resp, es->base_epoch, es->orig->url,
                                          base_resend, es);
  if(st == PL_SESSION_PARKED) return; /* still out */
  es->running--;
  es->base_out--;
  if(resp->err == DAST_ECANCEL) {
    es->cancelled = true;
  } else if(st == PL_SESSION_OK && !(resp->err && !resp->status) && es->nbase < 2) {
    struct pl_subject v;
    pl_subject_view(&v, resp);
    pl_subject_copy(&es->base[es->nbase], &v, PL_BASE_CAP);
    es->a->base_bytes += es->base[es->nbase].body_len;
    if(resp->time_us > es->base_us) es->base_us = resp->time_us;
    es->nbase++;
  }
  base_settle(es);
}

/* Cookies the jar holds for the endpoint become insertion points (the
 * crawler records query/form/JSON/path/header ones); probes of such an
 * endpoint then carry every cookie explicitly and bypass the jar. */
static bool session_like(const char *name)
{
  static const char *words[] = {"sess", "sid", "auth", "token", "jwt", "csrf", "xsrf",
                                "remember", "login", NULL};
  for(int i = 0; words[i]; i++)
    if(dast_strcasestr(name, words[i])) return true;
  return false;
}

static bool has_cookie_param(const struct dast_endpoint *ep, const char *name, size_t n)
{
  for(size_t i = 0; i < ep->nparams; i++)
    if(ep->params[i].kind == DAST_IP_COOKIE && strlen(ep->params[i].name) == n &&
       !strncmp(ep->params[i].name, name, n))
      return true;
  return false;
}

/* A request that carries its own Cookie header does not use the jar, so an
 * endpoint with cookie insertion points (from the crawler, or added here)
 * carries every jar cookie explicitly.  Jar cookies become insertion points
 * of GET endpoints, or of any endpoint that already has cookie points;
 * session-looking ones are sent but not probed (probing them mostly logs
 * us out). */
static void add_jar_cookies(struct pl_ep *es)
{
  const struct dast_endpoint *ep = es->orig;
  bool has = false;
  for(size_t i = 0; i < ep->nparams; i++) has |= ep->params[i].kind == DAST_IP_COOKIE;
  if(!has && strcmp(ep->method, "GET")) return;
  char *jar = dast_engine_cookie_header(es->a->eng, ep->url);
  if(!jar || !*jar) {
    free(jar);
    if(has) es->ep = es->own = dast_endpoint_dup(ep); /* explicit cookies: no jar */
    return;
  }
  struct dast_endpoint *own = dast_endpoint_dup(ep);
  int n = 0;
  for(char *p = jar; *p && n < PL_MAX_COOKIE_POINTS;) {
    while(*p == ' ' || *p == ';') p++;
    char *end = strchr(p, ';');
    if(end) *end = '\0';
    char *eq = strchr(p, '=');
    if(eq && eq > p && !has_cookie_param(own, p, (size_t)(eq - p))) {
      *eq = '\0';
      bool probe = !session_like(p);
      dast_endpoint_add_param(own, DAST_IP_COOKIE, p, eq + 1, probe ? NULL : "session");
      n++;
    }
    if(!end) break;
    p = end + 1;
  }
  free(jar);
  if(!n && !has) {
    dast_endpoint_free(own);
    return;
  }
  es->own = own;
  es->ep = own;
}

/* A form that changes a password (two password fields, or a field named
 * like a new/confirmed password): probing it could change the account's
 * password, so it is never attacked unless dangerous links are allowed.
 * The crawler already leaves such forms out; this is the second lock. */
static bool password_change(const struct dast_endpoint *ep)
{
  int pw = 0;
  for(size_t i = 0; i < ep->nparams; i++) {
    const struct dast_param *p = &ep->params[i];
    if(p->type && !strcmp(p->type, "password")) pw++;
    if(dast_strcasestr(p->name, "pass") &&
       (dast_strcasestr(p->name, "new") || dast_strcasestr(p->name, "conf") ||
        dast_strcasestr(p->name, "repeat") || dast_strcasestr(p->name, "again")))
      return true;
  }
  return pw >= 2;
}

static void ep_start(struct dast_attack *a, const struct dast_endpoint *ep, size_t index)
{
  if(!a->cfg->allow_dangerous_links && password_change(ep)) {
    for(size_t i = 0; i < a->checks->n; i++)
      if(!a->checks->v[i]->passive)
        add_tested(a, a->checks->v[i], ep, false, "password-change form: not attacked");
    return;
  }
  struct pl_ep *es = dast_calloc(1, sizeof(*es));
  es->a = a;
  es->ep = ep;
  es->orig = ep;
  es->index = index;
  a->in_flight++;
  add_jar_cookies(es);
  es->csrf = pl_csrf_index(ep);
  if(es->csrf >= 0 && !es->own) {
    es->own = dast_endpoint_dup(ep);
    es->ep = es->own;
  }
  if(!base_send(es)) {
    ep_maybe_done(es);
    return;
  }
  /* both baselines at once, unless a rotating token needs a refresh before each */
  if(es->csrf < 0) (void)base_send(es);
}

static void ep_next(struct dast_attack *a)
{
  if(a->in_next) return; /* the outer call's loop picks up */
  a->in_next = true;
  for(bool more = true; more;) {
    more = false;
    while(a->active < a->window && a->ready) {
      struct pl_ep *es = a->ready;
      a->ready = es->rnext;
      es->started = true;
      a->active++;
      ep_jobs(es);
      more = true;
    }
    /* beyond the window, look ahead only while the baselines kept are
     * small: a site of 1 MB pages must not hold 80 of them */
    while(a->in_flight < a->window + PL_LOOKAHEAD && a->next_ep < a->neps &&
          (a->in_flight < a->window || a->base_bytes < PL_BASE_BUDGET)) {
      if(a->next_ep == a->nfirst && a->in_flight) break; /* login forms wait for the rest */
      size_t i = a->next_ep++;
      ep_start(a, a->eps[a->order[i]], i);
      more = true;
    }
  }
  a->in_next = false;
  if(!a->in_flight && a->next_ep >= a->neps && !a->post_started) {
    a->post_started = true;
    pl_post_start(a);
  }
}

dast_err dast_attack_start(struct dast_attack *a, struct dast_endpoint *const *eps, size_t n)
{
  if(a->started) return DAST_EINVAL;
  a->started = true;
  a->eps = eps;
  a->neps = n;
  if(a->cfg->profile == DAST_PROFILE_PASSIVE) {
    a->done = true;
    return DAST_OK;
  }
  /* endpoints of the login URL go last, once everything else is done: a
   * login form submitted with the scan's own credentials (its baseline, or
   * a probe of another field) logs in again and ends the scan's session */
  a->order = dast_calloc(n ? n : 1, sizeof(*a->order));
  char *norm = a->cfg->login_url ? dast_url_resolve(a->cfg->login_url, a->cfg->login_url) : NULL;
  char *login = norm ? dast_url_strip_query(norm) : NULL;
  free(norm);
  for(int pass = 0; pass < 2; pass++) {
    if(pass == 1) a->nfirst = a->nordered;
    for(size_t i = 0; i < n; i++) {
      bool is_login = login && eps[i]->url && !strcmp(eps[i]->url, login);
      if(is_login == (pass == 1)) a->order[a->nordered++] = i;
    }
  }
  free(login);
  ep_next(a);
  return DAST_OK;
}
