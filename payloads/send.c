/* send.c — sending a job's probes (attack_int.h: pl_job_send, pl_job_vars,
 * pl_csrf_refresh).
 *
 * A probe is the endpoint as crawled with one insertion point replaced (or
 * a whole URL, for paths the check makes up), the check's headers and
 * method, the scan's redirect policy; what was sent is kept in j->sent for
 * the evidence, since the engine's request may be a later redirect hop.
 * Around that: a probe is held while a login runs (session.c) and sent
 * again once if its answer showed a lost session; an endpoint whose form
 * carries an anti-CSRF token has its form page fetched first and the fresh
 * token copied in (pl_csrf_refresh, also used before baselines). */
#include "payloads/attack_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The job's last probe came back logged out.  Sent again once the session
 * is back; dropped when the session was fine all along (the probe itself
 * looked logged out), when it logged us out again after a resend (the probe
 * ends the session itself), or when the session is gone: its answer says
 * nothing, and the job ends. */
static void job_resend(void *ud, enum pl_resume how)
{
  struct pl_job *j = ud;
  if(how != PL_RESUME_RESEND || j->resent) {
    DAST_LOG(DAST_LOG_DEBUG, "attack", "%s: probe dropped: %s", j->c->id,
             how == PL_RESUME_GONE ? "no session" : "it looks logged out by itself");
    pl_job_finish(j);
    return;
  }
  j->resending = true;
  char *value = j->last_value, *url = j->last_url; /* pl_job_send replaces them */
  j->last_value = j->last_url = NULL;
  bool sent = pl_job_send(j, value, url, j->last_timeout);
  free(value);
  free(url);
  if(!sent) pl_job_finish(j);
}

static void job_cb(struct dast_engine *eng, const struct dast_request *req,
                   const struct dast_response *resp, void *ud)
{
  (void)eng;
  struct pl_job *j = ud;
  if(resp->err == DAST_ECANCEL) {
    pl_job_finish(j);
    return;
  }
  switch(pl_session_check(j->es->a, j->sent.url ? j->sent.url : req->url, resp, j->epoch,
                          j->es->orig->url, job_resend, j)) {
  case PL_SESSION_OK: break;
  case PL_SESSION_PARKED: return;
  case PL_SESSION_GONE: pl_job_finish(j); return;
  }
  pl_strategy_resp(j, req, resp);
}

void pl_job_vars(struct pl_job *j)
{
  const struct dast_endpoint *ep = j->es->ep;
  pl_vars_fresh(&j->v, &j->rng);
  free(j->orig_copy);
  j->orig_copy = dast_strdup(j->ip >= 0 ? ep->params[j->ip].value : "");
  j->v.orig = j->orig_copy;
  j->v.xml = ep->body;
  if(pl_param_xml(ep, j->ip)) j->v.xml = j->v.orig; /* XML document in a parameter */
  j->v.oob_base = j->es->a->oob ? dast_oob_url(j->es->a->oob) : NULL;
  j->v.oob_ldap = j->es->a->oob ? dast_oob_ldap_hostport(j->es->a->oob) : NULL;
  const char *slash = strrchr(ep->url, '/');
  j->v.file = slash && slash[1] ? slash + 1 : "index.html";
}

/* Replaces or adds "Name: value" in a built request's header list. */
void pl_built_set_header(struct dast_built *b, const char *name, const char *value)
{
  size_t nl = strlen(name);
  char *line = dast_aprintf("%s: %s", name, value);
  for(size_t i = 0; i < b->nheaders; i++)
    if(!strncasecmp(b->headers[i], name, nl) && b->headers[i][nl] == ':') {
      free(b->headers[i]);
      b->headers[i] = line;
      return;
    }
  b->headers = dast_realloc(b->headers, (b->nheaders + 1) * sizeof(char *));
  b->headers[b->nheaders++] = line;
}

static bool job_send_now(struct pl_job *j, const char *value, const char *url, int timeout_ms);
static void job_send_later(void *ud, enum pl_resume how);

/* ---- anti-CSRF token refresh ---- */

struct refresh {
  struct pl_ep *es;
  pl_refresh_then then;
  void *ud;
};

static void refresh_cb(struct dast_engine *eng, const struct dast_request *req,
                       const struct dast_response *resp, void *ud)
{
  (void)eng;
  (void)req;
  struct refresh *r = ud;
  struct pl_ep *es = r->es;
  if(resp->body && es->own) {
    struct dast_param *p = &es->own->params[es->csrf];
    char *tok = pl_csrf_extract(resp->body, resp->body_len, p->name);
    if(tok) dast_set_str(&p->value, tok);
    free(tok);
  }
  pl_refresh_then then = r->then;
  void *tud = r->ud;
  free(r);
  then(es, tud, resp->err != DAST_ECANCEL);
}

bool pl_csrf_refresh(struct pl_ep *es, pl_refresh_then then, void *ud)
{
  if(es->csrf < 0 || !es->own) return false;
  struct refresh *r = dast_calloc(1, sizeof(*r));
  r->es = es;
  r->then = then;
  r->ud = ud;
  struct dast_request req = {.url = es->orig->found_on, .max_redirects = es->a->cfg->max_redirects};
  if(dast_engine_submit(es->a->eng, &req, refresh_cb, r)) {
    free(r);
    return false;
  }
  return true;
}

static void job_refreshed(struct pl_ep *es, void *ud, bool ok)
{
  (void)es;
  struct pl_job *j = ud;
  bool sent = false;
  if(ok) {
    j->refreshed = true;
    sent = pl_job_send(j, j->pend_value, j->pend_url, j->pend_timeout);
    j->refreshed = false;
  }
  free(j->pend_value);
  free(j->pend_url);
  j->pend_value = j->pend_url = NULL;
  if(!sent) pl_job_finish(j);
}

bool pl_job_send(struct pl_job *j, const char *value, const char *url, int timeout_ms)
{
  if(!j->refreshed) {
    /* remembered so that a probe answered logged out can be sent again */
    char *lv = value ? dast_strdup(value) : NULL, *lu = url ? dast_strdup(url) : NULL;
    free(j->last_value);
    free(j->last_url);
    j->last_value = lv;
    j->last_url = lu;
    j->last_timeout = timeout_ms;
    j->resent = j->resending;
    j->resending = false;
    if(j->es->a->busy) { /* held until the session check or login is done */
      pl_session_park(j->es->a, job_send_later, j);
      return true;
    }
  }
  return job_send_now(j, value, url, timeout_ms);
}

/* A probe held while a login ran: sent now, or the job ends. */
static void job_send_later(void *ud, enum pl_resume how)
{
  struct pl_job *j = ud;
  if(how == PL_RESUME_GONE || !job_send_now(j, j->last_value, j->last_url, j->last_timeout))
    pl_job_finish(j);
}

static bool job_send_now(struct pl_job *j, const char *value, const char *url, int timeout_ms)
{
  pl_session_refresh_own(j->es);
  if(!j->refreshed && !url && j->es->csrf >= 0 && j->es->csrf != j->ip) {
    free(j->pend_value);
    free(j->pend_url);
    j->pend_value = value ? dast_strdup(value) : NULL;
    j->pend_url = NULL;
    j->pend_timeout = timeout_ms;
    if(pl_csrf_refresh(j->es, job_refreshed, j)) return true;
  }
  struct dast_attack *a = j->es->a;
  const struct pl_check *c = j->c;
  struct dast_built b;
  long over = url ? -1 : j->ip;
  if(dast_endpoint_build(j->es->ep, over, value ? value : "", c->raw, &b)) return false;
  if(url) {
    free(b.url);
    b.url = dast_strdup(url);
    free(b.method);
    b.method = dast_strdup(j->url_method ? j->url_method : "GET");
    free(b.body);
    b.body = j->url_body ? dast_strdup(j->url_body) : NULL;
    b.body_len = j->url_body ? strlen(j->url_body) : 0;
    if(j->url_body) pl_built_set_header(&b, "Content-Type", "text/plain");
  }
  if(j->target && !strncmp(j->target, "header:", 7) && value) pl_built_set_header(&b, j->target + 7, value);
  if(j->target && !strcmp(j->target, "body") && value && !url) {
    /* the whole request body is the payload (its type from the check's headers) */
    free(b.body);
    b.body = dast_strdup(value);
    b.body_len = strlen(value);
  }
  for(size_t i = 0; i < c->nheaders; i++) {
    char *h = pl_expand(c->headers[i], &j->v);
    char *colon = strchr(h, ':');
    if(colon) {
      *colon = '\0';
      const char *v = colon + 1;
      while(*v == ' ') v++;
      pl_built_set_header(&b, h, v);
    }
    free(h);
  }
  if(c->method && !url) {
    free(b.method);
    b.method = dast_strdup(c->method);
  }
  struct dast_request req;
  memset(&req, 0, sizeof(req));
  req.method = b.method;
  req.url = b.url;
  req.headers = (const char *const *)b.headers;
  req.nheaders = b.nheaders;
  req.body = b.body;
  req.body_len = b.body_len;
  req.max_redirects = c->follow >= 0 ? c->follow : a->cfg->max_redirects;
  req.timeout_ms = timeout_ms;
  /* probes are judged against baselines kept to PL_BASE_CAP: more of the
   * answer would only cost memory (x concurrency on a site of huge pages) */
  req.max_body = PL_BASE_CAP;
  /* a job's later probes, and the first of a job that is a chain, go before
   * the single probes of split jobs: chains finish instead of queueing
   * behind every new job at each step */
  req.priority = j->sent.url || j->part < 0 ? 1 : 0;
  if(timeout_ms) req.flags |= DAST_REQ_NO_RETRY;
  /* guessed paths (backup and sensitive files, debug endpoints): a soft-404
   * there would give every passive check a new template to report on */
  if(j->c->strategy == PL_S_FILES) req.flags |= DAST_REQ_MADE_UP;
  if(j->es->own && j->es->csrf < 0 && !url) req.flags |= DAST_REQ_NO_JAR; /* cookies are explicit */
  else req.flags |= DAST_REQ_JAR_READONLY; /* a probe must not change the session */
  j->epoch = a->epoch;
  dast_err e = dast_engine_submit(a->eng, &req, job_cb, j);
  if(e) {
    dast_built_free(&b);
    DAST_LOG(DAST_LOG_DEBUG, "attack", "%s: probe not sent: %s", c->id, dast_strerror(e));
    return false;
  }
  DAST_LOG(DAST_LOG_DEBUG, "attack", "probe %s %s %s [%s]", c->id, b.method, b.url,
           j->ip >= 0 ? j->es->ep->params[j->ip].name : j->target ? j->target : "-");
  dast_built_free(&j->sent);
  j->sent = b; /* what we sent, for the evidence: the engine's request may be a later hop */
  return true;
}

