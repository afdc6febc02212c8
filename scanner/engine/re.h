/* re.h — the one wrapper around PCRE2 (8-bit, JIT).  Every regex in dastgate
 * goes through here so that match limits and JIT stack limits are always
 * set: a pathological subject from a hostile server costs a bounded amount
 * of work and then reports "no match" (with the limit counted), never hangs.
 * Patterns are compiled once and are immutable afterwards, so a compiled
 * dast_re may be shared read-only; match data is per call. */
#ifndef DAST_RE_H
#define DAST_RE_H

#include "scanner/engine/dast.h"

struct dast_re;

#define DAST_RE_CASELESS 1u
#define DAST_RE_MULTILINE 2u
#define DAST_RE_DOTALL 4u

/* Compiles `pattern`.  On error returns DAST_EPARSE and writes a message
 * naming the offset into errbuf (may be NULL). */
dast_err dast_re_compile(const char *pattern, unsigned flags, struct dast_re **out,
                         char *errbuf, size_t errlen) DAST_WUR;
void dast_re_free(struct dast_re *re);

/* One match.  `ovec` receives up to `novec` (start,end) offset pairs:
 * ovec[0],ovec[1] is the whole match.  Returns 1 on match, 0 on no match,
 * -1 when the match/depth limit was hit (treated as no match by callers). */
int dast_re_match(const struct dast_re *re, const char *subject, size_t len, size_t start,
                  size_t *ovec, int novec);
/* Convenience: does it match anywhere? */
bool dast_re_test(const struct dast_re *re, const char *subject, size_t len);
/* Number of times a limit was hit in this process (for statistics). */
unsigned long dast_re_limit_hits(void);

#endif
