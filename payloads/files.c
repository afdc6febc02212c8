/* files.c — the strategies that request URLs of their own instead of
 * changing an insertion point.
 *
 *  files  per scope key (directory, origin, or the endpoint's own file):
 *         a random path first learns the soft-404 page; then each path of
 *         the check must match its content matcher, the soft-404 must not,
 *         and the page must differ from both the soft-404 and the endpoint's
 *         own page — status 200 alone never counts.
 *  put    PUT a uniquely named text file, GET it back, repeat with a fresh
 *         name to confirm, then DELETE both (only files the probe created).
 *
 * Called from strategies.c's dispatch; findings go through the job
 * helpers of attack_int.h. */
#include "payloads/attack_int.h"

#include <stdlib.h>
#include <string.h>

/* ---- files ---- */

/* The URL prefix the job's paths are appended to: the endpoint's
 * directory, or its origin for origin-scoped checks. */
static char *files_prefix(const struct pl_job *j)
{
  const char *url = j->es->ep->url;
  const char *h = strstr(url, "://");
  const char *path = h ? strchr(h + 3, '/') : NULL;
  if(!path) return dast_aprintf("%s/", url);
  if(j->c->scope == PL_SCOPE_ORIGIN) return dast_aprintf("%.*s/", (int)(path - url), url);
  const char *last = strrchr(path, '/');
  return dast_strndup(url, (size_t)(last - url) + 1);
}

static void files_next(struct pl_job *j)
{
  while(j->pi < j->c->npaths) {
    const char *p = j->c->paths[j->pi].path;
    const char *file = strrchr(j->es->ep->url, '/');
    if(strstr(p, "$[file]") && (!file || !file[1])) {
      j->pi++; /* no file name to derive a backup name from */
      continue;
    }
    char *prefix = files_prefix(j);
    char *rel = pl_expand(p, &j->v);
    free(j->path_own);
    j->path_own = dast_aprintf("%s%s", prefix, rel);
    free(prefix);
    free(rel);
    j->step = 1;
    if(!pl_job_send(j, NULL, j->path_own, 0)) break;
    return;
  }
  pl_job_finish(j);
}

void pl_files_start(struct pl_job *j)
{
  pl_job_vars(j);
  char *prefix = files_prefix(j);
  free(j->path_own);
  j->path_own = dast_aprintf("%s%s.txt", prefix, j->v.canary);
  free(prefix);
  j->step = 0;
  if(!pl_job_send(j, NULL, j->path_own, 0)) pl_job_finish(j);
}

/* Are two answers the same page (token similarity 0.9 or more)? */
static bool same_page(const struct pl_subject *x, const struct pl_subject *y)
{
  struct pl_tokens a, b;
  pl_tokens_make(&a, x->body, x->body_len, NULL, 0);
  pl_tokens_make(&b, y->body, y->body_len, NULL, 0);
  double sim = pl_similarity(&a, &b, NULL);
  pl_tokens_free(&a);
  pl_tokens_free(&b);
  return sim >= 0.9;
}

void pl_files_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s)
{
  if(j->step == 0) {
    pl_subject_copy(&j->keep[0], s, 1u << 20); /* the soft-404 */
    j->pi = 0;
    files_next(j);
    return;
  }
  const struct pl_path *p = &j->c->paths[j->pi];
  const struct pl_subject *soft = &j->keep[0];
  struct pl_hit hit = {0};
  bool m = s->status && pl_match(p->match, s, soft, &j->v, &hit);
  if(m && soft->status && pl_match(p->match, soft, NULL, &j->v, NULL)) m = false;
  if(m && soft->status == s->status && soft->status >= 200 && soft->status < 300 &&
     same_page(s, soft))
    m = false; /* the soft-404 page again */
  /* "/report.bak" answering what "/report" does: a router that ignores the
   * suffix serves the page itself, not a copy of its source */
  const struct pl_subject *page = j->es->nbase > 0 ? &j->es->base[0] : NULL;
  if(m && page && page->body && s->body && page->status == s->status && same_page(s, page))
    m = false;
  if(m) {
    const char *h = strstr(req->url, "://");
    const char *path = h ? strchr(h + 3, '/') : NULL;
    struct dast_finding *f = pl_finding_new(j->c, "GET", req->url, path ? path : req->url, NULL,
                                            j->c->confidence);
    pl_finding_request(f, "GET", req->url, req->headers, req->nheaders, NULL, 0);
    pl_finding_response(f, s, &hit);
    f->evidence = dast_aprintf("content matched the signature of %s; a random path in the same "
                               "place answered HTTP %ld without it",
                               path ? path : req->url, soft->status);
    pl_attack_add_finding(j->es->a, f);
  }
  j->pi++;
  files_next(j);
}

/* ---- put: the server stores what a PUT sends ----
 * step 0 PUT prefix/<canary>.txt (2xx expected), 1 GET it back (the body
 * must be ours), 2 PUT a fresh name, 3 GET it back → confirmed; then the
 * files are removed with DELETE (best effort, our own files only). */

static bool put_send(struct pl_job *j, const char *method, bool with_body)
{
  char *prefix = files_prefix(j);
  free(j->path_own);
  j->path_own = dast_aprintf("%sdastgate-%s.txt", prefix, j->v.canary);
  free(prefix);
  char *body = dast_aprintf("dastgate put probe %s\n", j->v.canary);
  j->url_method = method;
  j->url_body = with_body ? body : NULL;
  bool ok = pl_job_send(j, NULL, j->path_own, 0);
  j->url_method = j->url_body = NULL;
  free(body);
  return ok;
}

static bool put_request(struct pl_job *j, const char *method, const char *url)
{
  j->url_method = method;
  bool sent = pl_job_send(j, NULL, url, 0);
  j->url_method = NULL;
  return sent;
}

void pl_put_resp(struct pl_job *j, const struct dast_request *req, const struct pl_subject *s)
{
  bool ok2xx = s->status >= 200 && s->status < 300;
  /* the stored body, not the bare canary: the file name carries the
   * canary too, and a page that names the path it was asked for (a soft
   * 404, a canonical link) would pass for the upload */
  char *want = dast_aprintf("dastgate put probe %s", j->v.canary);
  const char *p = ok2xx && s->body ? dast_memmem(s->body, s->body_len, want, strlen(want)) : NULL;
  size_t want_len = strlen(want);
  free(want);
  switch(j->step) {
  case 0:
  case 2:
    j->step++;
    if(ok2xx && put_request(j, "GET", j->path_own)) return;
    break;
  case 1:
    if(!p) break;
    {
      struct pl_hit hit = {.in_body = true, .off = (size_t)(p - s->body), .len = want_len, .set = true};
      free(j->note);
      j->note = NULL;
      pl_job_note(j, "PUT %s was accepted and served back by GET", j->path_own);
      pl_job_candidate(j, req, s, &hit, DAST_CONF_FIRM);
      pl_job_set_conf(j, DAST_CONF_FIRM, "PUT");
    }
    j->put_first = dast_strdup(j->path_own);
    pl_job_vars(j);
    j->step = 2;
    if(put_send(j, "PUT", true)) return;
    break;
  case 3:
    if(p) {
      pl_job_note(j, "a second PUT with a fresh name was stored too");
      pl_job_set_conf(j, DAST_CONF_CONFIRMED, NULL);
    }
    j->step = 4; /* clean up our own files */
    if(put_request(j, "DELETE", j->path_own)) return;
    /* fall through */
  case 4:
    j->step = 5;
    if(j->put_first && put_request(j, "DELETE", j->put_first)) return;
    break;
  case 5: break;
  }
  pl_job_finish(j);
}

void pl_put_start(struct pl_job *j)
{
  pl_job_vars(j);
  j->step = 0;
  if(!put_send(j, "PUT", true)) pl_job_finish(j);
}
