/* crawl_parse.c — parsing HTML and JavaScript bodies off the loop thread.
 *
 * Extraction (libxml2's HTML parser, the PCRE2 URL patterns) is most of a
 * crawl's CPU time, and it is pure: a body and a base URL in, URLs and
 * forms out.  So crawl_fetch.c hands each HTML/JS response to a worker
 * (scanner/engine/pool.h) with a copy of its body; the worker records what
 * the extractors report, in order, as owned copies, with the pure half of
 * each link's discovery done (dast__discover_prepare); back on the loop thread
 * the record is replayed through the same callbacks an inline parse uses
 * (dast__page_found / dast__page_form), so discovery, scope, de-duplication
 * and the inventory stay single-threaded and unchanged.
 *
 * Back-pressure: at most `concurrency` jobs and DAST__PARSE_BYTES of bodies
 * wait for or sit in a parse thread (c->parsing, c->parsing_bytes) before
 * the crawl stops submitting, and a job
 * holds the engine (dast_engine_hold) so the loop does not end while a
 * parse can still discover URLs.  The worker touches only its job and the
 * crawler's immutable parts (c->js, c->cfg, the compiled rules, the scope). */
#include "crawlers/crawl_int.h"

#include "scanner/engine/pool.h"

#include <libxml/parser.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One thing an extractor reported. */
struct rec {
  struct dast_form *form; /* a form, or NULL for a URL: */
  char *url, *method, *json_keys, *content_type, *label;
  enum dast_source src;
  struct dast__link_pre pre; /* for GET links: discovery's pure half */
};

struct job {
  struct dast_crawler *c; /* the worker only reads its immutable parts */
  struct dast__item *it;
  const struct dast_jsurls *js;
  char *url;
  char *body;
  size_t len;
  bool html;
  bool capped;
  struct rec *recs;
  size_t n, alloc;
};

static struct rec *rec_new(struct job *j)
{
  if(j->n == j->alloc) {
    j->alloc = j->alloc ? j->alloc * 2 : 16;
    j->recs = dast_realloc(j->recs, j->alloc * sizeof(*j->recs));
  }
  struct rec *r = &j->recs[j->n++];
  memset(r, 0, sizeof(*r));
  return r;
}

static char *dup_or_null(const char *s)
{
  return s ? dast_strdup(s) : NULL;
}

#define MEMO_SLOTS 1024 /* per thread: ~48 KB */

struct memo {
  uint64_t gen, id; /* crawler (dast_crawler.parse_gen, never 0), link */
  struct dast__link_pre pre;
};

static _Thread_local struct memo memo[MEMO_SLOTS];

static void prepare_get(const struct dast_crawler *c, const char *url, enum dast_source src,
                        struct dast__link_pre *pre)
{
  size_t len = strlen(url);
  uint64_t id = dast_hash64(url, len, (uint64_t)src * 0x9e3779b97f4a7c15ULL + 1);
  struct memo *m = &memo[id % MEMO_SLOTS];
  if(m->gen == c->parse_gen && m->id == id) {
    *pre = m->pre;
    return;
  }
  dast__discover_prepare(c, K_PAGE, "GET", url, src, pre);
  m->gen = c->parse_gen;
  m->id = id;
  m->pre = *pre;
}

static void rec_found(void *ud, const struct dast_found *f)
{
  struct job *j = ud;
  struct rec *r = rec_new(j);
  r->url = dast_strdup(f->url);
  r->method = dast_strdup(f->method ? f->method : "GET");
  r->json_keys = dup_or_null(f->json_keys);
  r->content_type = dup_or_null(f->content_type);
  r->label = dup_or_null(f->label);
  r->src = f->src;
  if(!strcmp(r->method, "GET")) prepare_get(j->c, r->url, r->src, &r->pre);
}



static void rec_form(void *ud, const struct dast_form *f)
{
  rec_new(ud)->form = dast_form_dup(f);
}

/* Worker thread. */
static void work(void *ud)
{
  struct job *j = ud;
  if(j->html) {
    struct dast_html_stats hs;
    j->capped = dast_html_extract(j->body, j->len, j->url, j->js, NULL, rec_found, rec_form, j,
                                  &hs) == DAST_ELIMIT;
  } else {
    (void)dast_jsurls_extract(j->js, j->body, j->len, j->url, DAST_JSURLS_MAX, rec_found, j,
                              &j->capped);
  }
  free(j->body); /* the record is all that is needed now */
  j->body = NULL;
}

static void job_free(struct job *j)
{
  for(size_t i = 0; i < j->n; i++) {
    struct rec *r = &j->recs[i];
    dast_form_free(r->form);
    free(r->url);
    free(r->method);
    free(r->json_keys);
    free(r->content_type);
    free(r->label);
  }
  free(j->recs);
  free(j->body);
  free(j->url);
  dast__item_free(j->it);
  free(j);
}

/* Loop thread (or the crawler's free, cancelled). */
static void done(void *ud, bool cancelled)
{
  struct job *j = ud;
  struct dast_crawler *c = j->c;
  c->parsing--;
  c->parsing_bytes -= j->len;
  if(cancelled) { /* the crawler is being freed; the engine may be gone */
    job_free(j);
    return;
  }
  struct dast__page p = {c, j->it, j->url};
  for(size_t i = 0; i < j->n; i++) {
    const struct rec *r = &j->recs[i];
    if(r->form) {
      dast__page_form(&p, r->form);
    } else {
      struct dast_found f = {r->url, r->method, r->src, r->json_keys, r->content_type, r->label};
      dast__page_found_pre(&p, &f, &r->pre);
    }
  }
  if(j->capped) c->st.capped++;
  job_free(j);
  dast__crawl_pump(c); /* submit first: releasing an idle engine ends the loop */
  dast_engine_release(c->eng);
}

void dast__parse_offload(struct dast_crawler *c, struct dast__item *it, const char *url,
                         const struct dast_response *r, bool html)
{
  struct job *j = dast_calloc(1, sizeof(*j));
  j->c = c;
  j->it = it;
  j->js = c->js;
  j->url = dast_strdup(url);
  j->body = dast_malloc(r->body_len + 1);
  memcpy(j->body, r->body, r->body_len);
  j->body[r->body_len] = '\0';
  j->len = r->body_len;
  j->html = html;
  c->parsing++;
  c->parsing_bytes += j->len;
  dast_engine_hold(c->eng);
  dast_pool_submit(c->pool, work, done, j);
}

dast_err dast__parse_init(struct dast_crawler *c, char *errbuf, size_t errlen)
{
  static _Atomic uint64_t gens; /* the service makes crawlers on several threads */
  c->parse_gen = atomic_fetch_add(&gens, 1) + 1;
  int n = c->cfg->parse_threads;
  unsigned threads = n < 0 ? dast_pool_default_threads() : (unsigned)n;
  if(threads) xmlInitParser(); /* libxml2's globals, once, before any thread parses */
  if(dast_pool_new(dast_engine_base(c->eng), threads, &c->pool) != DAST_OK) {
    snprintf(errbuf, errlen, "cannot start %u parse threads", threads);
    return DAST_EIO;
  }
  return DAST_OK;
}

void dast__parse_free(struct dast_crawler *c)
{
  dast_pool_free(c->pool);
  c->pool = NULL;
}
