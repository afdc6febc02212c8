/* re.c — the PCRE2 wrapper (re.h).  Patterns compile once, JIT when the
 * platform allows, and are immutable afterwards.  Matching uses a
 * thread-local match context (match limit + JIT stack) and match data, so a
 * compiled pattern can be shared by the service's scan threads and a match
 * never allocates in the hot path.  Subjects are treated as bytes (no UTF
 * mode): hostile servers send invalid UTF-8 and that must not be an error. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scanner/engine/re.h"

#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define MATCH_LIMIT 2000000u
#define DEPTH_LIMIT 5000u
#define OVEC_PAIRS 32

struct dast_re {
  pcre2_code *code;
  bool jit;
};

static atomic_ulong limit_hits;

/* Per-thread match state, freed by a pthread key destructor when a thread
 * (a service scan worker) exits; the main thread's is freed at exit. */
struct tl_state {
  pcre2_match_context *mctx;
  pcre2_jit_stack *jit_stack;
  pcre2_match_data *md;
};
static _Thread_local struct tl_state *tl;
static pthread_key_t tl_key;
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;

static void tl_free(void *p)
{
  struct tl_state *t = p;
  if(!t) return;
  pcre2_match_data_free(t->md);
  pcre2_jit_stack_free(t->jit_stack);
  pcre2_match_context_free(t->mctx);
  free(t);
}

static void tl_free_main(void)
{
  void *p = pthread_getspecific(tl_key);
  pthread_setspecific(tl_key, NULL);
  tl = NULL;
  tl_free(p);
}

static void tl_key_init(void)
{
  pthread_key_create(&tl_key, tl_free);
  atexit(tl_free_main);
}

static struct tl_state *thread_init(void)
{
  if(tl) return tl;
  pthread_once(&tl_once, tl_key_init);
  struct tl_state *t = dast_calloc(1, sizeof(*t));
  t->mctx = pcre2_match_context_create(NULL);
  if(!t->mctx) dast_oom();
  pcre2_set_match_limit(t->mctx, MATCH_LIMIT);
  pcre2_set_depth_limit(t->mctx, DEPTH_LIMIT);
  t->jit_stack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
  if(t->jit_stack) pcre2_jit_stack_assign(t->mctx, NULL, t->jit_stack);
  t->md = pcre2_match_data_create(OVEC_PAIRS, NULL);
  if(!t->md) dast_oom();
  pthread_setspecific(tl_key, t);
  tl = t;
  return t;
}

dast_err dast_re_compile(const char *pattern, unsigned flags, struct dast_re **out, char *errbuf,
                         size_t errlen)
{
  *out = NULL;
  uint32_t opts = 0;
  if(flags & DAST_RE_CASELESS) opts |= PCRE2_CASELESS;
  if(flags & DAST_RE_MULTILINE) opts |= PCRE2_MULTILINE;
  if(flags & DAST_RE_DOTALL) opts |= PCRE2_DOTALL;
  int errcode;
  PCRE2_SIZE erroff;
  pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &errcode,
                                   &erroff, NULL);
  if(!code) {
    if(errbuf && errlen) {
      PCRE2_UCHAR msg[160];
      pcre2_get_error_message(errcode, msg, sizeof(msg));
      snprintf(errbuf, errlen, "bad regex at offset %zu: %s", (size_t)erroff, (char *)msg);
    }
    return DAST_EPARSE;
  }
  struct dast_re *re = dast_calloc(1, sizeof(*re));
  re->code = code;
  re->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  *out = re;
  return DAST_OK;
}

void dast_re_free(struct dast_re *re)
{
  if(!re) return;
  pcre2_code_free(re->code);
  free(re);
}

int dast_re_match(const struct dast_re *re, const char *subject, size_t len, size_t start,
                  size_t *ovec, int novec)
{
  struct tl_state *t = thread_init();
  if(start > len) return 0;
  int rc = pcre2_match(re->code, (PCRE2_SPTR)subject, len, start, 0, t->md, t->mctx);
  if(rc == PCRE2_ERROR_NOMATCH) return 0;
  if(rc < 0) {
    /* match/depth limit, JIT stack limit: bounded work, reported as no match */
    atomic_fetch_add(&limit_hits, 1);
    return -1;
  }
  if(ovec && novec > 0) {
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(t->md);
    int pairs = rc < novec ? rc : novec;
    for(int i = 0; i < novec; i++) {
      if(i < pairs && ov[2 * i] != PCRE2_UNSET) {
        ovec[2 * i] = ov[2 * i];
        ovec[2 * i + 1] = ov[2 * i + 1];
      } else {
        ovec[2 * i] = ovec[2 * i + 1] = (size_t)-1;
      }
    }
  }
  return 1;
}

bool dast_re_test(const struct dast_re *re, const char *subject, size_t len)
{
  return dast_re_match(re, subject, len, 0, NULL, 0) == 1;
}

unsigned long dast_re_limit_hits(void)
{
  return atomic_load(&limit_hits);
}
