/* strategies.c — the strategies that need code, one state machine each,
 * driven by pl_strategy_start() and pl_strategy_resp() (attack.c calls them
 * from engine callbacks).  Checks name a strategy and parameterise it.
 *
 *  match      payloads in order (cheap first; a job with a `part` tries
 *             only that payload); a matcher hit is re-probed with fresh
 *             random values (and the check's distinct confirm payloads),
 *             then the controls must NOT match → confirmed.
 *  xss        a plain canary finds the reflection contexts; payloads for
 *             those contexts must become real markup in libxml2's DOM; a
 *             second canary confirms.
 *  stored-xss plants a canary per field; pl_post_start() looks for it on
 *             every GET page, then re-plants a fresh one to confirm.
 *  boolean    true/false/true compared with the baseline by similarity,
 *             holding twice with fresh numbers, all three in one session
 *             (no relogin in between); a pair stops as soon as no
 *             differential is possible (bool_hopeless), and a "true" page
 *             that differs from a stale baseline is compared with a fresh
 *             load of the page instead.
 *  timing     sleep s1 observed, zero-sleep control not, sleep s2 observed and
 *             longer than s1 by at least half their difference.
 *  oob        payloads carry a unique token URL; a callback hit confirms.
 *  (files and put live in files.c)
 *
 * A job's `best` finding is handed to the attack when the job finishes. */
#include "payloads/attack_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define S_SAME 0.90    /* a "true" page must be this similar to the baseline */
#define S_TT 0.90      /* the two "true" pages to each other */
#define S_STABLE 0.98  /* baselines this similar: the page does not change by itself */
#define S_GAP 0.04     /* "false" must be at least this much less similar, and
                        * more than the two "true" pages differ (the noise) */

static const struct pl_subject *base0(const struct pl_job *j)
{
  return &j->es->base[0];
}

/* Expands `tmpl` with the job's current vars and sends it; finishes the
 * job when the engine refused it.  Returns whether it was sent. */
static bool send_tmpl(struct pl_job *j, const char *tmpl, int timeout_ms)
{
  char *val = pl_expand(tmpl, &j->v);
  bool ok = pl_job_send(j, val, NULL, timeout_ms);
  free(val);
  if(!ok) pl_job_finish(j);
  return ok;
}

void pl_job_note(struct pl_job *j, const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  char *n = j->note ? dast_aprintf("%s; %s", j->note, msg) : dast_strdup(msg);
  free(j->note);
  j->note = n;
}

/* Records a candidate finding from this probe (replacing a weaker one). */
void pl_job_candidate(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s,
                      const struct pl_hit *hit, enum dast_confidence conf)
{
  if(j->best && j->best->confidence >= conf) return;
  const struct dast_endpoint *ep = j->es->ep;
  const struct dast_param *p = j->ip >= 0 ? &ep->params[j->ip] : NULL;
  /* origin- and directory-wide checks run from whichever endpoint of their
   * scope got its baseline first: their template (and so the finding's
   * fingerprint, which suppressions key on) must not depend on that order */
  char *dir = NULL;
  if(j->c->scope == PL_SCOPE_DIR && ep->tmpl) {
    size_t q = strcspn(ep->tmpl, "?");
    while(q > 0 && ep->tmpl[q - 1] != '/') q--;
    if(q) dir = dast_strndup(ep->tmpl, q);
  }
  const char *tmpl = j->c->scope == PL_SCOPE_ORIGIN ? "/" : dir ? dir : ep->tmpl;
  struct dast_finding *f = pl_finding_new(j->c, req->method, req->url, tmpl, p, conf);
  free(dir);
  if(!p && j->target && strncmp(j->target, "header:", 7) == 0) {
    f->param = dast_strdup(j->target + 7);
    f->param_kind = dast_strdup("header");
    dast_finding_fingerprint(f);
  }
  pl_finding_request(f, req->method, req->url, req->headers, req->nheaders, req->body,
                     req->body_len);
  pl_finding_response(f, s, hit);
  dast_finding_free(j->best);
  j->best = f;
}

void pl_job_set_conf(struct pl_job *j, enum dast_confidence conf, const char *payload)
{
  if(!j->best) return;
  j->best->confidence = conf;
  free(j->best->evidence);
  j->best->evidence = dast_strdup(j->note ? j->note : "");
  if(payload) {
    free(j->best->payload);
    j->best->payload = dast_strdup(payload);
  }
}

/* ---- match ---- */

/* Sends payload pi, or finishes the job: a job with a `part` tries only
 * that payload. */
static void match_probe(struct pl_job *j)
{
  if(j->pi >= j->c->npayloads || (j->part >= 0 && j->pi != (size_t)j->part)) {
    pl_job_finish(j);
    return;
  }
  pl_job_vars(j);
  j->step = 0;
  (void)send_tmpl(j, j->c->payloads[j->pi], 0);
}

static void match_next(struct pl_job *j)
{
  j->pi++;
  match_probe(j);
}

static void match_confirm(struct pl_job *j)
{
  pl_job_vars(j);
  j->step = 1;
  const char *t = j->c->nconfirm ? j->c->confirm_payloads[j->ki] : j->c->payloads[j->pi];
  (void)send_tmpl(j, t, 0);
}

static void match_control(struct pl_job *j)
{
  j->step = 2; /* same vars as the confirmation */
  (void)send_tmpl(j, j->c->controls[j->ci], 0);
}

static void match_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s)
{
  const struct pl_check *c = j->c;
  struct pl_hit hit = {0};
  bool m = s->status && pl_match(c->match, s, base0(j), &j->v, &hit);
  char *shown = pl_expand(j->step == 0 ? c->payloads[j->pi]
                          : j->step == 1 ? (c->nconfirm ? c->confirm_payloads[j->ki] : c->payloads[j->pi])
                                         : c->controls[j->ci],
                          &j->v);
  switch(j->step) {
  case 0:
    if(!m) {
      match_next(j);
      break;
    }
    free(j->note);
    j->note = NULL;
    pl_job_note(j, "probe %s matched (HTTP %ld)", shown, s->status);
    pl_job_candidate(j, req, s, &hit, c->confidence);
    pl_job_set_conf(j, j->best->confidence, shown);
    if(!c->confirm) {
      pl_job_finish(j);
      break;
    }
    j->ki = 0;
    match_confirm(j);
    break;
  case 1:
    if(m) {
      pl_job_note(j, "independent probe %s with fresh values matched too", shown);
      if(c->ncontrols) {
        j->ci = 0;
        match_control(j);
      } else {
        pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
        pl_job_finish(j);
      }
      break;
    }
    if(++j->ki < c->nconfirm) {
      match_confirm(j);
      break;
    }
    pl_job_note(j, "not reproduced by a second probe");
    pl_job_set_conf(j, DAST_CONF_TENTATIVE, NULL);
    match_next(j);
    break;
  case 2:
    if(m) {
      pl_job_note(j, "but control %s matched as well", shown);
      pl_job_set_conf(j, DAST_CONF_TENTATIVE, NULL);
      match_next(j);
      break;
    }
    pl_job_note(j, "control %s did not match", shown);
    if(++j->ci < c->ncontrols) {
      match_control(j);
      break;
    }
    pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
    pl_job_finish(j);
    break;
  }
  free(shown);
}

/* ---- reflected XSS ---- */

static bool is_html(const struct pl_subject *s)
{
  const char *ct = pl_subject_header(s, "Content-Type");
  if(ct) return dast_strcasestr(ct, "html") != NULL;
  /* no type: browsers sniff; treat markup-looking bodies as HTML */
  size_t k = 0;
  while(k < s->body_len && (s->body[k] == ' ' || s->body[k] == '\n' || s->body[k] == '\r')) k++;
  return k < s->body_len && s->body[k] == '<';
}

static void xss_next(struct pl_job *j)
{
  for(; j->ri < j->nrefl; j->ri++, j->pi = 0) {
    enum pl_ctx cx = j->refl[j->ri].ctx;
    if(j->pi >= j->c->nctx_payloads[cx]) continue;
    pl_job_vars(j);
    j->v.tag = j->refl[j->ri].tag[0] ? j->refl[j->ri].tag : NULL;
    j->step = 1;
    (void)send_tmpl(j, j->c->ctx_payloads[cx][j->pi], 0);
    return;
  }
  pl_job_finish(j);
}

static void xss_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s)
{
  if(j->step == 0) {
    struct pl_refl r[16];
    size_t n = s->status && s->body && is_html(s) ? pl_reflections(s->body, s->body_len, j->v.canary, r, 16) : 0;
    j->nrefl = 0;
    for(size_t i = 0; i < n && j->nrefl < 4; i++) {
      bool dup = false;
      for(size_t k = 0; k < j->nrefl; k++)
        if(j->refl[k].ctx == r[i].ctx && !strcmp(j->refl[k].tag, r[i].tag)) dup = true;
      if(!dup) j->refl[j->nrefl++] = r[i];
    }
    j->ri = j->pi = 0;
    xss_next(j);
    return;
  }
  enum pl_ctx cx = j->refl[j->ri].ctx;
  const char *tmpl = j->c->ctx_payloads[cx][j->pi];
  char *shown = pl_expand(tmpl, &j->v);
  bool exec = s->status && s->body && is_html(s) &&
              pl_dom_executable(s->body, s->body_len, j->v.canary);
  if(j->step == 1) {
    if(exec) {
      const char *p = dast_memmem(s->body, s->body_len, j->v.canary, strlen(j->v.canary));
      struct pl_hit hit = {.in_body = true, .off = p ? (size_t)(p - s->body) : 0,
                           .len = strlen(j->v.canary), .set = p != NULL};
      free(j->note);
      j->note = NULL;
      pl_job_note(j, "reflected in %s context; payload %s parsed as markup by libxml2",
               pl_ctx_name(cx), shown);
      pl_job_candidate(j, req, s, &hit, DAST_CONF_FIRM);
      pl_job_set_conf(j, DAST_CONF_FIRM, shown);
      pl_job_vars(j);
      j->v.tag = j->refl[j->ri].tag[0] ? j->refl[j->ri].tag : NULL;
      j->step = 2;
      (void)send_tmpl(j, tmpl, 0);
    } else {
      j->pi++;
      xss_next(j);
    }
  } else {
    if(exec) {
      pl_job_note(j, "second canary %s also became markup", j->v.canary);
      pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
      pl_job_finish(j);
    } else {
      pl_job_note(j, "second canary not reproduced");
      j->pi++;
      xss_next(j);
    }
  }
  free(shown);
}

/* ---- stored XSS ----
 * step 0: plant; step 1: fetch the page the submission led to (the
 * redirect target, else the page the form was found on) and look for the
 * canary as markup; step 2: plant a fresh canary; step 3: fetch that page
 * again.  Plants not seen on that page are looked for on every GET page
 * after the scan (pl_post_start). */

static void stored_plant_record(struct pl_job *j, const struct dast_request *req)
{
  struct dast_attack *a = j->es->a;
  /* plants outlive the endpoint state: only the inventory's own parameters */
  if(a->nplants >= 4096 || j->ip < 0 || (size_t)j->ip >= j->es->orig->nparams) return;
  a->plants = dast_realloc(a->plants, (a->nplants + 1) * sizeof(*a->plants));
  struct pl_plant *p = &a->plants[a->nplants++];
  memset(p, 0, sizeof(*p));
  p->c = j->c;
  p->ep = j->es->orig;
  p->ip = j->ip;
  memcpy(p->canary, j->v.canary, sizeof(p->canary));
  p->payload = dast_strdup(j->c->payloads[0]);
  p->sent = pl_expand(j->c->payloads[0], &j->v);
  p->url = dast_strdup(req->url);
  struct dast_finding tmp;
  memset(&tmp, 0, sizeof(tmp));
  pl_finding_request(&tmp, req->method, req->url, req->headers, req->nheaders, req->body,
                     req->body_len);
  p->request = tmp.request;
  p->curl = tmp.curl;
}

static void stored_mark_found(struct pl_job *j, const char *canary)
{
  struct dast_attack *a = j->es->a;
  for(size_t i = 0; i < a->nplants; i++)
    if(!strcmp(a->plants[i].canary, canary)) a->plants[i].found = true;
}

static void stored_resp(struct pl_job *j, const struct dast_request *req,
                        const struct dast_response *resp, const struct pl_subject *s)
{
  bool exec = s->body && pl_dom_executable(s->body, s->body_len, j->v.canary);
  switch(j->step) {
  case 0:
  case 2: {
    if(j->step == 0) stored_plant_record(j, req);
    if(j->step == 0) {
      /* where does the submission show its result? */
      const char *page = resp->final_url && resp->redirects > 0 ? resp->final_url : j->es->ep->found_on;
      if(!page) break;
      free(j->path_own);
      j->path_own = dast_strdup(page);
    }
    /* keep the planting request for the evidence; j->sent is reused */
    dast_built_free(&j->planted);
    j->planted = j->sent;
    memset(&j->sent, 0, sizeof(j->sent));
    j->step++;
    if(!pl_job_send(j, NULL, j->path_own, 0)) break;
    return;
  }
  case 1:
    if(!exec) break;
    stored_mark_found(j, j->v.canary);
    {
      const char *p = dast_memmem(s->body, s->body_len, j->v.canary, strlen(j->v.canary));
      struct pl_hit hit = {.in_body = true, .off = p ? (size_t)(p - s->body) : 0,
                           .len = strlen(j->v.canary), .set = p != NULL};
      free(j->note);
      j->note = NULL;
      pl_job_note(j, "canary %s submitted here was served as markup by a later GET of %s",
               j->v.canary, j->path_own);
      /* the finding names the planting request, with the page as response */
      struct dast_request preq = {.method = j->planted.method, .url = j->planted.url,
                                  .headers = (const char *const *)j->planted.headers,
                                  .nheaders = j->planted.nheaders, .body = j->planted.body,
                                  .body_len = j->planted.body_len};
      pl_job_candidate(j, j->planted.url ? &preq : req, s, &hit, DAST_CONF_FIRM);
      char *sent = pl_expand(j->c->payloads[0], &j->v); /* as planted, not the template */
      pl_job_set_conf(j, DAST_CONF_FIRM, sent);
      free(sent);
    }
    pl_job_vars(j);
    j->step = 2;
    if(send_tmpl(j, j->c->payloads[0], 0)) return;
    return; /* send_tmpl finished the job */
  case 3:
    if(exec) {
      stored_mark_found(j, j->v.canary);
      pl_job_note(j, "a second canary %s planted the same way was served as markup too", j->v.canary);
      pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
    }
    break;
  }
  pl_job_finish(j);
}

/* ---- boolean differential ---- */

bool pl_boolean_decide(const struct pl_subject *base, const struct pl_tokens *btok,
                       const struct pl_tokens *dyn, const struct pl_subject *t1,
                       const struct pl_subject *f, const struct pl_subject *t2,
                       const char *const *strip, size_t nstrip, double noise, char *why,
                       size_t whylen)
{
  struct pl_tokens a, b, c;
  pl_tokens_make(&a, t1->body, t1->body_len, strip, nstrip);
  pl_tokens_make(&b, f->body, f->body_len, strip, nstrip);
  pl_tokens_make(&c, t2->body, t2->body_len, strip, nstrip);
  double st1 = pl_similarity(&a, btok, dyn), st2 = pl_similarity(&c, btok, dyn);
  double stt = pl_similarity(&a, &c, dyn), sf = pl_similarity(&b, btok, dyn);
  double sft = pl_similarity(&b, &a, dyn);
  pl_tokens_free(&a);
  pl_tokens_free(&b);
  pl_tokens_free(&c);
  bool same = t1->status == base->status && t2->status == base->status && st1 >= S_SAME &&
              st2 >= S_SAME && stt >= S_TT;
  double lo = st1 < st2 ? st1 : st2;
  double gap = 1.0 - stt > S_GAP ? 1.0 - stt : S_GAP;
  /* on a page that changes by itself (a random list of deals), the
   * "false" page must differ by more than its two baseline loads did: a
   * shorter random list is not a false condition */
  if(noise > gap) gap = noise;
  bool differs = f->status != t1->status || (sf <= lo - gap && sft <= stt - gap);
  if(why && whylen)
    snprintf(why, whylen, "true~base %.3f/%.3f, true~true %.3f, false~base %.3f, status %ld/%ld/%ld%s",
             st1, st2, stt, sf, t1->status, f->status, t2->status,
             noise > S_GAP ? ", page changes by itself" : "");
  return same && differs && f->status != 0;
}

static void bool_send(struct pl_job *j)
{
  const struct pl_pair *p = &j->c->pairs[j->pi];
  if(j->step == 0) j->bepoch = j->es->a->epoch;
  (void)send_tmpl(j, j->step == 1 ? p->f : p->t, 0);
}

static void bool_next_pair(struct pl_job *j)
{
  for(int i = 0; i < 3; i++) pl_subject_free(&j->keep[i]);
  j->round = 0;
  j->step = 0;
  if(++j->pi >= j->c->npairs || j->part >= 0) {
    pl_job_finish(j);
    return;
  }
  pl_job_vars(j);
  bool_send(j);
}

/* Texts cut out of the pages before comparing them: the two payloads, the
 * numbers and the original value, which the page may echo. */
struct bool_strip {
  char a[24], b[24];
  char *pt, *pf;
  const char *v[5];
  size_t n;
};

static void bool_strip_make(struct bool_strip *bs, const struct pl_job *j)
{
  snprintf(bs->a, sizeof(bs->a), "%llu", j->v.a);
  snprintf(bs->b, sizeof(bs->b), "%llu", j->v.b);
  bs->pt = pl_expand(j->c->pairs[j->pi].t, &j->v);
  bs->pf = pl_expand(j->c->pairs[j->pi].f, &j->v);
  bs->v[0] = bs->pt;
  bs->v[1] = bs->pf;
  bs->v[2] = bs->a;
  bs->v[3] = bs->b;
  bs->v[4] = j->v.orig;
  bs->n = j->v.orig && strlen(j->v.orig) >= 3 ? 5 : 4;
}

static void bool_strip_free(struct bool_strip *bs)
{
  free(bs->pt);
  free(bs->pf);
}

/* True when pl_boolean_decide() must say no whatever the pages still to
 * come look like: the first "true" page is not the baseline's (status, or
 * similarity below S_SAME), or the "false" page has the first "true"
 * page's status and is closer to it than 1 - S_GAP (no differential can be
 * larger than the gap).  Saves the rest of the pair's probes. */
/* The page the "true" pages must look like: the endpoint's baseline, or the
 * job's own fresh copy of it (see bool_resp). */
static const struct pl_subject *bool_base(const struct pl_job *j)
{
  return j->fbase_set ? &j->fbase : base0(j);
}

static const struct pl_tokens *bool_btok(const struct pl_job *j)
{
  return j->fbase_set ? &j->fbtok : &j->es->btok;
}

static bool bool_hopeless(const struct pl_job *j)
{
  const struct pl_subject *t1 = &j->keep[0], *f = &j->keep[1];
  if(t1->status != bool_base(j)->status) return true;
  struct bool_strip bs;
  bool_strip_make(&bs, j);
  struct pl_tokens a, b;
  pl_tokens_make(&a, t1->body, t1->body_len, bs.v, bs.n);
  bool hopeless = pl_similarity(&a, bool_btok(j), &j->es->dyn) < S_SAME;
  if(!hopeless && j->step == 1 && f->status == t1->status) {
    pl_tokens_make(&b, f->body, f->body_len, bs.v, bs.n);
    hopeless = pl_similarity(&b, &a, &j->es->dyn) > 1.0 - S_GAP;
    pl_tokens_free(&b);
  }
  pl_tokens_free(&a);
  bool_strip_free(&bs);
  return hopeless;
}

static void bool_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s)
{
  if(j->bepoch != j->es->a->epoch && j->redo < 2) {
    /* logged in again since the first page of these three: the session (and
     * a form's token) changed under them, so they cannot be compared */
    j->redo++;
    for(int i = 0; i < 3; i++) pl_subject_free(&j->keep[i]);
    j->step = 0;
    bool_send(j);
    return;
  }
  if(j->step == 3) {
    /* the fresh copy of the page as crawled: compare with it from now on */
    pl_subject_free(&j->fbase);
    pl_tokens_free(&j->fbtok);
    pl_subject_copy(&j->fbase, s, 1u << 20);
    pl_tokens_make(&j->fbtok, j->fbase.body, j->fbase.body_len, NULL, 0);
    j->fbase_set = s->status != 0;
    j->step = 0;
    /* it must have drifted from the baseline (else the "true" page really
     * differs) and the "true" page must look like it now */
    struct pl_tokens now;
    pl_tokens_make(&now, s->body, s->body_len, NULL, 0);
    bool drifted = pl_similarity(&now, &j->es->btok, &j->es->dyn) < S_SAME;
    pl_tokens_free(&now);
    if(!j->fbase_set || !drifted || bool_hopeless(j)) {
      bool_next_pair(j);
      return;
    }
    j->step = 1;
    bool_send(j);
    return;
  }
  pl_subject_copy(&j->keep[j->step], s, 1u << 20);
  if(!s->status) {
    bool_next_pair(j);
    return;
  }
  if(j->step == 0 && !j->fbase_set && j->es->stability >= S_STABLE &&
     s->status == base0(j)->status && bool_hopeless(j)) {
    /* same status, different page, on a page that did not change between
     * its two baseline loads: it may have changed since (other probes add
     * reviews, counters move); fetch it again once before deciding that
     * the "true" page is not the normal one.  Not on pages that change by
     * themselves: a second chance there is a second chance for noise. */
    j->fbase_set = false;
    j->step = 3;
    (void)send_tmpl(j, "$[orig]", 0);
    return;
  }
  if(j->bepoch != j->es->a->epoch) { /* relogins kept interrupting: no verdict */
    dast_finding_free(j->best);
    j->best = NULL;
    bool_next_pair(j);
    return;
  }
  if(j->step < 2 && bool_hopeless(j)) {
    DAST_LOG(DAST_LOG_DEBUG, "attack", "%s %s pair %zu round %d: no differential possible after %s",
             j->c->id, j->es->ep->tmpl ? j->es->ep->tmpl : j->es->ep->url, j->pi, j->round,
             j->step ? "the false page" : "the first true page");
    if(j->round == 1) {
      dast_finding_free(j->best); /* held once only */
      j->best = NULL;
    }
    bool_next_pair(j);
    return;
  }
  if(j->step < 2) {
    j->step++;
    bool_send(j);
    return;
  }
  char why[256];
  struct bool_strip bs;
  bool_strip_make(&bs, j);
  char *pt = bs.pt, *pf = bs.pf;
  bool ok = pl_boolean_decide(bool_base(j), bool_btok(j), &j->es->dyn, &j->keep[0], &j->keep[1],
                              &j->keep[2], bs.v, bs.n, 1.0 - j->es->stability, why, sizeof(why));
  DAST_LOG(DAST_LOG_DEBUG, "attack", "%s %s pair %zu round %d: %s: %s", j->c->id,
           j->es->ep->tmpl ? j->es->ep->tmpl : j->es->ep->url, j->pi, j->round, why,
           ok ? "holds" : "no");
  if(ok) {
    if(j->round == 0) {
      free(j->note);
      j->note = NULL;
      /* "like the page" / "unlike it": for an 'or' pair the probe that keeps
       * the page is the one whose condition is false, so true/false would
       * mislabel it */
      pl_job_note(j, "page kept by %s / changed by %s / kept again: %s", pt, pf, why);
      struct pl_hit hit = {0};
      pl_job_candidate(j, req, &j->keep[1], &hit, DAST_CONF_TENTATIVE);
      pl_job_set_conf(j, DAST_CONF_TENTATIVE, pt);
      j->round = 1;
      j->step = 0;
      for(int i = 0; i < 3; i++) pl_subject_free(&j->keep[i]);
      pl_job_vars(j);
      bool_send(j);
    } else {
      pl_job_note(j, "held again with fresh numbers (%s / %s): %s", pt, pf, why);
      pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
      pl_job_finish(j);
    }
  } else {
    if(j->round == 1) {
      /* held once only: chance on a page that changes by itself */
      dast_finding_free(j->best);
      j->best = NULL;
    }
    bool_next_pair(j);
  }
  bool_strip_free(&bs);
}

/* ---- timing ---- */


bool pl_timing_delayed(uint64_t base_us, unsigned sleep_s, uint64_t t_us)
{
  uint64_t want = (uint64_t)sleep_s * 1000000u;
  return t_us >= want * 9 / 10 && t_us >= base_us + want * 8 / 10;
}

/* The longer sleep s2 took longer than s1 did, by at least half the
 * difference: a real sleep (run once or once per row) scales with its
 * argument; a stall that delays every request for a fixed time (a PHP
 * session lock held by another probe's sleep, a busy worker pool) does not:
 * XVWA gave 5.04 s for both SLEEP(2) and SLEEP(4). */
bool pl_timing_scales(unsigned s1, uint64_t t1_us, unsigned s2, uint64_t t2_us)
{
  if(s2 <= s1) return false;
  return t2_us >= t1_us + (uint64_t)(s2 - s1) * 500000u;
}

bool pl_timing_control_ok(uint64_t base_us, unsigned sleep_s, uint64_t t0_us)
{
  uint64_t want = (uint64_t)sleep_s * 1000000u;
  return t0_us < base_us + want / 2 && t0_us < want * 8 / 10;
}

static int timing_timeout(const struct pl_job *j, unsigned s)
{
  uint64_t ms = j->es->base_us / 1000 + (uint64_t)s * 1000 * 2 + 5000;
  return ms > 60000 ? 60000 : (int)ms;
}

static void timing_probe(struct pl_job *j)
{
  if(j->pi >= j->c->npayloads) {
    pl_job_finish(j);
    return;
  }
  struct dast_rng *r = &j->rng;
  pl_job_vars(j);
  j->s1 = (unsigned)dast_rng_range(r, j->c->sleep_min, j->c->sleep_max);
  j->s2 = j->s1 + (unsigned)dast_rng_range(r, 1, 2);
  j->v.sleep = j->s1;
  j->step = 0;
  (void)send_tmpl(j, j->c->payloads[j->pi], timing_timeout(j, j->s1));
}

static void timing_resp(struct pl_job *j, const struct dast_request *req,
                        const struct dast_response *resp, const struct pl_subject *s)
{
  uint64_t t = resp->time_us, base = j->es->base_us;
  bool timed_out = resp->net_kind == DAST_NETERR_TIMEOUT;
  if(timed_out) t = (uint64_t)timing_timeout(j, j->v.sleep) * 1000;
  char *shown = pl_expand(j->c->payloads[j->pi], &j->v);
  if(j->step == 0) {
    if(pl_timing_delayed(base, j->s1, t) && !timed_out) {
      free(j->note);
      j->note = NULL;
      pl_job_note(j, "baseline %.2fs; %s took %.2fs", (double)base / 1e6, shown, (double)t / 1e6);
      struct pl_hit hit = {0};
      pl_job_candidate(j, req, s, &hit, DAST_CONF_TENTATIVE);
      pl_job_set_conf(j, DAST_CONF_TENTATIVE, shown);
      j->t1 = t;
      j->v.sleep = 0;
      j->step = 1;
      (void)send_tmpl(j, j->c->payloads[j->pi], timing_timeout(j, j->s1));
    } else {
      j->pi++;
      timing_probe(j);
    }
  } else if(j->step == 1) {
    if(pl_timing_control_ok(base, j->s1, t)) {
      pl_job_note(j, "zero-sleep control took %.2fs", (double)t / 1e6);
      j->t0 = t;
      j->v.sleep = j->s2;
      j->step = 2;
      (void)send_tmpl(j, j->c->payloads[j->pi], timing_timeout(j, j->s2));
    } else {
      pl_job_note(j, "but the zero-sleep control was slow too (%.2fs)", (double)t / 1e6);
      dast_finding_free(j->best);
      j->best = NULL;
      j->pi++;
      timing_probe(j);
    }
  } else {
    if(pl_timing_delayed(base, j->s2, t) && !timed_out && t >= j->t0 + (uint64_t)j->s2 * 700000u &&
       pl_timing_scales(j->s1, j->t1, j->s2, t)) {
      pl_job_note(j, "%s took %.2fs", shown, (double)t / 1e6);
      pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
      pl_job_finish(j);
    } else {
      pl_job_note(j, "second sleep of %us not observed (%.2fs after %.2fs for %us)", j->s2,
                  (double)t / 1e6, (double)j->t1 / 1e6, j->s1);
      /* one slow answer that did not repeat is noise, not a finding */
      dast_finding_free(j->best);
      j->best = NULL;
      j->pi++;
      timing_probe(j);
    }
  }
  free(shown);
}

/* ---- out-of-band ---- */

static void oob_probe(struct pl_job *j)
{
  if(j->pi >= j->c->npayloads) {
    pl_job_finish(j);
    return;
  }
  pl_job_vars(j);
  (void)send_tmpl(j, j->c->payloads[j->pi], 0);
}

static void oob_resp(struct pl_job *j, const struct dast_request *req)
{
  struct dast_attack *a = j->es->a;
  if(a->noobw < 4096 && (j->ip < 0 || (size_t)j->ip < j->es->orig->nparams)) {
    a->oobw = dast_realloc(a->oobw, (a->noobw + 1) * sizeof(*a->oobw));
    struct pl_oobwait *w = &a->oobw[a->noobw++];
    memset(w, 0, sizeof(*w));
    w->c = j->c;
    w->ep = j->es->orig;
    w->ip = j->ip;
    w->target = j->target;
    memcpy(w->token, j->v.token, sizeof(w->token));
    w->payload = pl_expand(j->c->payloads[j->pi], &j->v);
    w->url = dast_strdup(req->url);
    struct dast_finding tmp;
    memset(&tmp, 0, sizeof(tmp));
    pl_finding_request(&tmp, req->method, req->url, req->headers, req->nheaders, req->body,
                       req->body_len);
    w->request = tmp.request;
    w->curl = tmp.curl;
    a->oob_last_us = dast_now_us();
  }
  j->pi++;
  oob_probe(j);
}

/* ---- dispatch ---- */

void pl_strategy_start(struct pl_job *j)
{
  switch(j->c->strategy) {
  case PL_S_MATCH:
    j->pi = j->part >= 0 ? (size_t)j->part : 0;
    match_probe(j);
    return;
  case PL_S_XSS:
    pl_job_vars(j);
    j->step = 0;
    (void)send_tmpl(j, "$[canary]", 0);
    return;
  case PL_S_STORED_XSS:
    pl_job_vars(j);
    j->pi = 0;
    (void)send_tmpl(j, j->c->payloads[0], 0);
    return;
  case PL_S_BOOLEAN:
    if(j->es->stability < 0.5 || j->es->base[0].status != j->es->base[1].status) {
      pl_job_finish(j); /* the page changes too much on its own to compare */
      return;
    }
    j->pi = j->part >= 0 ? (size_t)j->part : 0;
    j->step = 0;
    pl_job_vars(j);
    bool_send(j);
    return;
  case PL_S_TIMING: {
    /* the slowest probes: skipped where the class is already confirmed,
     * and in the standard profile unless a cheaper probe hinted */
    int st = pl_class_state(j->es->a, j->c->klass, j->es->ep, j->ip);
    if(st == 2 || (j->hint_only && st == 0)) break;
    /* an endpoint that already takes more than a second cannot time a 2-3 s
     * sleep apart from its own jitter (and would cost a minute per
     * insertion point): timing is not attempted there */
    if(j->es->base_us > PL_EXPENSIVE_US) {
      DAST_LOG(DAST_LOG_INFO, "attack", "%s: %s %s too slow (%.2fs) for time-based probes", j->c->id,
               j->es->ep->method, j->es->ep->tmpl ? j->es->ep->tmpl : j->es->ep->url,
               (double)j->es->base_us / 1e6);
      break;
    }
    timing_probe(j);
    return;
  }
  case PL_S_OOB: oob_probe(j); return;
  case PL_S_FILES: pl_files_start(j); return;
  case PL_S_PUT:
    pl_job_vars(j);
    j->step = 0;
    pl_put_start(j);
    return;
  case PL_S_PASSIVE:
  case PL_S_COOKIES:
  case PL_S_FORMS:
  case PL_S_JSLIBS:
  case PL_S__COUNT: break;
  }
  pl_job_finish(j);
}

void pl_strategy_resp(struct pl_job *j, const struct dast_request *engine_req,
                      const struct dast_response *resp)
{
  /* findings describe the probe as sent, not the last redirect hop */
  struct dast_request sent = {.method = j->sent.method, .url = j->sent.url,
                              .headers = (const char *const *)j->sent.headers,
                              .nheaders = j->sent.nheaders, .body = j->sent.body,
                              .body_len = j->sent.body_len};
  const struct dast_request *req = j->sent.url ? &sent : engine_req;
  struct pl_subject s;
  pl_subject_view(&s, resp);
  switch(j->c->strategy) {
  case PL_S_MATCH: match_resp(j, req, &s); return;
  case PL_S_XSS: xss_resp(j, req, &s); return;
  case PL_S_STORED_XSS: stored_resp(j, req, resp, &s); return;
  case PL_S_BOOLEAN: bool_resp(j, req, &s); return;
  case PL_S_TIMING: timing_resp(j, req, resp, &s); return;
  case PL_S_OOB: oob_resp(j, req); return;
  case PL_S_FILES: pl_files_resp(j, req, &s); return;
  case PL_S_PUT: pl_put_resp(j, req, &s); return;
  case PL_S_PASSIVE:
  case PL_S_COOKIES:
  case PL_S_FORMS:
  case PL_S_JSLIBS:
  case PL_S__COUNT: break;
  }
  pl_job_finish(j);
}
