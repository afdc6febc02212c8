/* dast.c — implementation of the ground-floor helpers declared in dast.h:
 * errors, OOM-aborting allocation, the capped buffer, logging, clocks, the
 * seeded PRNG and hashing.  No state but the log level, which main sets once
 * before any scan starts. */
#define _GNU_SOURCE /* memmem */
#include "scanner/engine/dast.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int dast_log_level_current = DAST_LOG_WARN;

const char *dast_strerror(dast_err e)
{
  switch(e) {
  case DAST_OK: return "success";
  case DAST_ENOMEM: return "out of memory";
  case DAST_EINVAL: return "invalid argument";
  case DAST_EPARSE: return "malformed input";
  case DAST_ELIMIT: return "limit reached";
  case DAST_ENET: return "network error";
  case DAST_ETIMEOUT: return "timed out";
  case DAST_ESCOPE: return "out of scope";
  case DAST_EIO: return "I/O error";
  case DAST_ECANCEL: return "cancelled";
  case DAST_ENOTFOUND: return "not found";
  }
  return "unknown error";
}

void dast_oom(void)
{
  fputs("dastgate: out of memory\n", stderr);
  abort();
}

void *dast_malloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if(!p) dast_oom();
  return p;
}

void *dast_calloc(size_t n, size_t sz)
{
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if(!p) dast_oom();
  return p;
}

void *dast_realloc(void *p, size_t n)
{
  void *q = realloc(p, n ? n : 1);
  if(!q) dast_oom();
  return q;
}

char *dast_strdup(const char *s)
{
  return dast_strndup(s, strlen(s));
}

char *dast_strndup(const char *s, size_t n)
{
  char *p = dast_malloc(n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *dast_aprintf(const char *fmt, ...)
{
  va_list ap, ap2;
  va_start(ap, fmt);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if(n < 0) n = 0;
  char *s = dast_malloc((size_t)n + 1);
  vsnprintf(s, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  return s;
}

void dast_buf_init(struct dast_buf *b, size_t cap)
{
  b->data = NULL;
  b->len = 0;
  b->alloc = 0;
  b->cap = cap;
}

static void buf_grow(struct dast_buf *b, size_t need)
{
  if(need + 1 <= b->alloc) return;
  size_t a = b->alloc ? b->alloc : 64;
  while(a < need + 1) a *= 2;
  b->data = dast_realloc(b->data, a);
  b->alloc = a;
}

dast_err dast_buf_add(struct dast_buf *b, const void *p, size_t n)
{
  if(b->cap && (n > b->cap || b->len > b->cap - n)) return DAST_ELIMIT;
  buf_grow(b, b->len + n);
  if(n) memcpy(b->data + b->len, p, n);
  b->len += n;
  b->data[b->len] = '\0';
  return DAST_OK;
}

size_t dast_buf_add_upto(struct dast_buf *b, const void *p, size_t n)
{
  if(b->cap && b->len >= b->cap) return 0;
  if(b->cap && n > b->cap - b->len) n = b->cap - b->len;
  (void)dast_buf_add(b, p, n);
  return n;
}

dast_err dast_buf_adds(struct dast_buf *b, const char *s)
{
  return dast_buf_add(b, s, strlen(s));
}

dast_err dast_buf_printf(struct dast_buf *b, const char *fmt, ...)
{
  va_list ap;
  char small[256];
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof(small), fmt, ap);
  va_end(ap);
  if(n < 0) return DAST_EINVAL;
  if((size_t)n < sizeof(small)) return dast_buf_add(b, small, (size_t)n);
  char *big = dast_malloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  dast_err e = dast_buf_add(b, big, (size_t)n);
  free(big);
  return e;
}

void dast_buf_reset(struct dast_buf *b)
{
  b->len = 0;
  if(b->data) b->data[0] = '\0';
}

char *dast_buf_take(struct dast_buf *b, size_t *len)
{
  char *p = b->data ? b->data : dast_strdup("");
  if(len) *len = b->len;
  b->data = NULL;
  b->len = b->alloc = 0;
  return p;
}

void dast_buf_free(struct dast_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->alloc = 0;
}

void dast_log_write(int level, const char *area, const char *fmt, ...)
{
  static const char *names[] = {"error", "warn", "info", "debug"};
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if(level < 0 || level > 3) level = 3;
  fprintf(stderr, "dastgate: %s: %s: %s\n", names[level], area, msg);
}

uint64_t dast_now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void dast_iso8601(char out[32], int64_t t)
{
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool dast_strcaseprefix(const char *s, const char *prefix)
{
  for(; *prefix; s++, prefix++)
    if(tolower((unsigned char)*s) != tolower((unsigned char)*prefix)) return false;
  return true;
}

const char *dast_strcasestr(const char *hay, const char *needle)
{
  size_t n = strlen(needle);
  if(!n) return hay;
  for(; *hay; hay++)
    if(dast_strcaseprefix(hay, needle)) return hay;
  (void)n;
  return NULL;
}

const void *dast_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen)
{
  if(!nlen) return hay;
  /* glibc's memmem (two-way / pair hashing): a memchr-on-the-first-byte
   * loop is slow when that byte is common, e.g. our User-Agent
   * "dastgate/..." searched in every crawled page of English text */
  return memmem(hay, hlen, needle, nlen);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void dast_rng_seed(struct dast_rng *r, uint64_t seed)
{
  /* splitmix64 to spread the seed over the state */
  for(int i = 0; i < 4; i++) {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    r->s[i] = z ^ (z >> 31);
  }
}

uint64_t dast_rng_next(struct dast_rng *r)
{
  uint64_t *s = r->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

uint64_t dast_rng_range(struct dast_rng *r, uint64_t lo, uint64_t hi)
{
  if(hi <= lo) return lo;
  return lo + dast_rng_next(r) % (hi - lo + 1);
}

uint64_t dast_hash64(const void *p, size_t n, uint64_t seed)
{
  const unsigned char *c = p;
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for(size_t i = 0; i < n; i++) {
    h ^= c[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
