/* session.c — keeping the login during the attack (attack.h,
 * dast_attack_set_session).
 *
 * Probes can log the user out: a logout-looking parameter, an application
 * that drops the session on bad input, a login form submitted again.
 * Every probe, baseline and sensitivity response goes through
 * pl_session_check() first; one that shows a lost session (the crawler's
 * rule: redirect to the login URL, logged-out marker, logged-in marker
 * missing on a page that had it) is never used.  Its request is parked in
 * a->waiting and a->busy makes every other one that notices wait too:
 *
 *   1. check: the page that showed it is fetched again as crawled, with the
 *      jar's cookies.  A probe can look logged out by itself (a payload in
 *      a cookie that breaks the Cookie header) while the session is fine:
 *      then the parked requests resume with PL_RESUME_ALIVE (the probe's
 *      own doing: dropped) and no login is spent.
 *   2. login: otherwise one login runs for all; when it works the epoch
 *      moves on and the parked requests resume with PL_RESUME_RESEND.  A
 *      request sent before the last login finished only needs a resend.
 *
 * While a->busy, jobs also hold their next probe (pl_session_park) so that
 * nothing they send spoils the login.  Logins are bounded
 * (sess.max_relogins, at most DAST_ATTACK_MAX_RELOGINS); past the bound or after PL_LOGIN_TRIES failed
 * logins in a row the attack gives up keeping the session (a->gave_up,
 * reported as an incomplete scan) and parked requests resume with
 * PL_RESUME_GONE.
 *
 * Endpoints probed with explicit cookies (es->own) carry a copy of the
 * session cookie: pl_session_refresh_own() copies the jar's new one in
 * before their next request. */
#include "payloads/attack_int.h"

#include <stdlib.h>
#include <string.h>

#define PL_LOGIN_TRIES 3

void dast_attack_set_session(struct dast_attack *a, const struct dast_attack_session *s)
{
  if(!a || !s) return;
  a->sess = *s;
  if(a->sess.max_relogins <= 0 || a->sess.max_relogins > DAST_ATTACK_MAX_RELOGINS)
    a->sess.max_relogins = DAST_ATTACK_MAX_RELOGINS;
}

int dast_attack_relogins(const struct dast_attack *a, bool *gave_up)
{
  if(gave_up) *gave_up = a->gave_up;
  return a->relogins;
}

void pl_session_free(struct dast_attack *a)
{
  free(a->check_url);
  a->check_url = NULL;
  for(struct pl_wait *w = a->waiting, *n; w; w = n) {
    n = w->next;
    free(w);
  }
  a->waiting = NULL;
}

void pl_session_park(struct dast_attack *a, pl_retry_fn retry, void *ud)
{
  struct pl_wait *w = dast_calloc(1, sizeof(*w));
  w->retry = retry;
  w->ud = ud;
  w->next = a->waiting;
  a->waiting = w;
}

/* Resumes every parked request, in the order they were parked. */
static void flush(struct dast_attack *a, enum pl_resume how)
{
  struct pl_wait *w = a->waiting, *rev = NULL;
  a->waiting = NULL;
  while(w) { /* parked last-in first: reverse */
    struct pl_wait *n = w->next;
    w->next = rev;
    rev = w;
    w = n;
  }
  while(rev) {
    struct pl_wait *n = rev->next;
    if(rev->retry) rev->retry(rev->ud, how);
    free(rev);
    rev = n;
  }
}

static void flush_later(struct dast_engine *eng, void *ud)
{
  (void)eng;
  struct dast_attack *a = ud;
  if(!a->busy) flush(a, a->gave_up ? PL_RESUME_GONE : PL_RESUME_RESEND);
}

static void give_up(struct dast_attack *a, const char *why)
{
  if(!a->gave_up)
    DAST_LOG(DAST_LOG_WARN, "attack", "session lost and not restored (%s): the rest of the "
             "authenticated area is probed without it", why);
  a->gave_up = true;
}

static void relogin_done(struct dast_engine *eng, void *ud);

/* Starts a login (counted against the bound); false when none started. */
static bool start_login(struct dast_attack *a, dast_err *e)
{
  *e = DAST_ELIMIT;
  if(a->relogins >= a->sess.max_relogins) return false;
  a->busy = true;
  a->relogins++;
  *e = a->sess.relogin(a->sess.ud, relogin_done, a);
  if(*e) a->busy = false;
  return !*e;
}

static void relogin_done(struct dast_engine *eng, void *ud)
{
  (void)eng;
  struct dast_attack *a = ud;
  a->busy = false;
  if(a->sess.logged_in && a->sess.logged_in(a->sess.ud)) {
    a->epoch++;
    a->login_fails = 0;
    DAST_LOG(DAST_LOG_INFO, "attack", "logged in again (%d of at most %d)", a->relogins,
             a->sess.max_relogins);
    flush(a, PL_RESUME_RESEND);
    return;
  }
  /* a probe in flight can spoil a login (a form token it rotated): try
   * again a few times before giving up */
  dast_err e = DAST_OK;
  if(++a->login_fails < PL_LOGIN_TRIES && start_login(a, &e)) return;
  give_up(a, e == DAST_ELIMIT ? "relogin bound reached" : "the login failed");
  flush(a, PL_RESUME_GONE);
}

/* The check fetch (step 1) came back. */
static void check_cb(struct dast_engine *eng, const struct dast_request *req,
                     const struct dast_response *resp, void *ud)
{
  (void)eng;
  struct dast_attack *a = ud;
  a->busy = false;
  if(resp->err == DAST_ECANCEL) {
    flush(a, PL_RESUME_GONE);
    return;
  }
  (void)req; /* may be a later redirect hop: the URL asked for is a->check_url */
  if(!resp->err && !a->sess.lost(a->sess.ud, a->check_url, resp)) {
    DAST_LOG(DAST_LOG_DEBUG, "attack", "%s still logged in: the probe looked logged out by itself",
             a->check_url);
    flush(a, PL_RESUME_ALIVE);
    return;
  }
  dast_err e;
  if(start_login(a, &e)) return;
  give_up(a, e == DAST_ELIMIT ? "relogin bound reached" : dast_strerror(e));
  flush(a, PL_RESUME_GONE);
}

enum pl_session pl_session_check(struct dast_attack *a, const char *req_url,
                                 const struct dast_response *resp, unsigned sent_epoch,
                                 const char *check_url, pl_retry_fn retry, void *ud)
{
  if(!a->sess.lost || resp->err || !a->sess.lost(a->sess.ud, req_url, resp)) return PL_SESSION_OK;
  DAST_LOG(DAST_LOG_DEBUG, "attack", "looks logged out: %s (HTTP %ld)", req_url ? req_url : "?",
           resp->status);
  if(a->gave_up) return PL_SESSION_GONE;
  pl_session_park(a, retry, ud);
  if(a->busy) return PL_SESSION_PARKED; /* a check or a login is running: wait for it */
  if(sent_epoch != a->epoch) { /* a login finished after it was sent: just resend */
    if(!dast_engine_later(a->eng, 0, flush_later, a)) return PL_SESSION_PARKED;
  } else {
    free(a->check_url);
    a->check_url = dast_strdup(check_url ? check_url : req_url ? req_url : "");
    struct dast_request r = {.url = a->check_url, .max_redirects = a->cfg->max_redirects,
                             .priority = 10, .flags = DAST_REQ_JAR_READONLY};
    if(*r.url && !dast_engine_submit(a->eng, &r, check_cb, a)) {
      a->busy = true;
      return PL_SESSION_PARKED;
    }
  }
  struct pl_wait *w = a->waiting; /* nothing will resume it (the loop is ending) */
  a->waiting = w->next;
  free(w);
  return PL_SESSION_GONE;
}

void pl_session_refresh_own(struct pl_ep *es)
{
  struct dast_attack *a = es->a;
  if(!es->own || es->own_epoch == a->epoch) return;
  es->own_epoch = a->epoch;
  char *jar = dast_engine_cookie_header(a->eng, es->orig->url);
  for(char *p = jar; p && *p;) {
    while(*p == ' ' || *p == ';') p++;
    char *end = strchr(p, ';');
    if(end) *end = '\0';
    char *eq = strchr(p, '=');
    if(eq) {
      *eq = '\0';
      for(size_t i = 0; i < es->own->nparams; i++) {
        struct dast_param *q = &es->own->params[i];
        if(q->kind == DAST_IP_COOKIE && q->type && !strcmp(q->type, "session") && !strcmp(q->name, p))
          dast_set_str(&q->value, eq + 1);
      }
    }
    if(!end) break;
    p = end + 1;
  }
  free(jar);
}
