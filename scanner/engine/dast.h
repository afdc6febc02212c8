/* dast.h — the ground floor every module includes: the error type, the
 * allocation helpers that abort on OOM, a capped growable byte buffer, and
 * the logging macro.
 *
 * Ownership rules (STYLE.md): `_new` returns owned, `_free(NULL)` is a no-op,
 * `_take` transfers ownership, `const T *` is borrowed.  Every buffer that
 * holds remote bytes is a `struct dast_buf` with a hard cap; growing past the
 * cap returns DAST_ELIMIT instead of allocating. */
#ifndef DAST_DAST_H
#define DAST_DAST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define DAST_WUR __attribute__((warn_unused_result))
#define DAST_PRINTF(a, b) __attribute__((format(printf, a, b)))

typedef enum {
  DAST_OK = 0,
  DAST_ENOMEM,
  DAST_EINVAL,    /* bad argument or configuration */
  DAST_EPARSE,    /* malformed input (file, spec, response) */
  DAST_ELIMIT,    /* a cap was reached (body, depth, count) */
  DAST_ENET,      /* connection-level failure */
  DAST_ETIMEOUT,  /* a per-request timeout or the scan budget */
  DAST_ESCOPE,    /* the URL is out of scope: never sent */
  DAST_EIO,       /* local file I/O */
  DAST_ECANCEL,   /* the scan was cancelled or its budget ran out */
  DAST_ENOTFOUND
} dast_err;

const char *dast_strerror(dast_err e);

/* Allocation failure is not a condition scanning logic handles: it aborts
 * through dast_oom() so callers are not buried in NULL checks. */
_Noreturn void dast_oom(void);
void *dast_malloc(size_t n);
void *dast_calloc(size_t n, size_t sz);
void *dast_realloc(void *p, size_t n);
char *dast_strdup(const char *s);
/* Copies exactly n bytes (unlike POSIX strndup, it does not stop at a NUL:
 * pass strnlen(s, n) when s may be shorter). */
char *dast_strndup(const char *s, size_t n);
/* printf into a new owned string. */
char *dast_aprintf(const char *fmt, ...) DAST_PRINTF(1, 2);

/* Growable byte buffer with a hard cap.  `data` is always NUL-terminated
 * (the NUL is not counted in `len`) so text helpers can read it directly. */
struct dast_buf {
  char *data;
  size_t len;
  size_t alloc;
  size_t cap; /* maximum len; 0 = unlimited (only for our own output) */
};
void dast_buf_init(struct dast_buf *b, size_t cap);
/* Appends n bytes; DAST_ELIMIT (and nothing appended) past the cap. */
dast_err dast_buf_add(struct dast_buf *b, const void *p, size_t n);
dast_err dast_buf_adds(struct dast_buf *b, const char *s);
dast_err dast_buf_printf(struct dast_buf *b, const char *fmt, ...) DAST_PRINTF(2, 3);
/* Appends as much as fits under the cap; returns how many bytes were kept. */
size_t dast_buf_add_upto(struct dast_buf *b, const void *p, size_t n);
void dast_buf_reset(struct dast_buf *b);
/* Hands the storage to the caller (owned, NUL-terminated) and resets b. */
char *dast_buf_take(struct dast_buf *b, size_t *len);
void dast_buf_free(struct dast_buf *b);

/* Logging: levels, a process-wide sink configured once by main. */
enum dast_log_level { DAST_LOG_ERROR = 0, DAST_LOG_WARN, DAST_LOG_INFO, DAST_LOG_DEBUG };
extern int dast_log_level_current; /* set once at start-up; read-only after */
void dast_log_write(int level, const char *area, const char *fmt, ...) DAST_PRINTF(3, 4);
#define DAST_LOG(level, area, ...)                                         \
  do {                                                                     \
    if((level) <= dast_log_level_current) dast_log_write((level), (area), __VA_ARGS__); \
  } while(0)

/* Monotonic clock in microseconds. */
uint64_t dast_now_us(void);
/* Wall clock as ISO-8601 UTC ("2026-11-30T04:33:52Z") into out[32]. */
void dast_iso8601(char out[32], int64_t epoch_seconds);

/* Case-insensitive helpers for ASCII protocol text. */
bool dast_strcaseprefix(const char *s, const char *prefix);
const char *dast_strcasestr(const char *hay, const char *needle);
/* Bounded memmem for bodies that may contain NULs. */
const void *dast_memmem(const void *hay, size_t hlen, const void *needle, size_t nlen);

/* Seeded PRNG (xoshiro256**): every random value in a scan comes from one
 * of these so --seed reproduces it. */
struct dast_rng { uint64_t s[4]; };
void dast_rng_seed(struct dast_rng *r, uint64_t seed);
uint64_t dast_rng_next(struct dast_rng *r);
/* Uniform in [lo, hi]. */
uint64_t dast_rng_range(struct dast_rng *r, uint64_t lo, uint64_t hi);

/* FNV-1a 64-bit hash, for de-duplication keys and fingerprints. */
uint64_t dast_hash64(const void *p, size_t n, uint64_t seed);

#endif
