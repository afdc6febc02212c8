/* similar.c — "is this the same page?" for the boolean-differential
 * strategy and the soft-404 test.
 *
 * A page becomes a sorted multiset of 64-bit token hashes (runs of letters
 * and digits, and single punctuation characters).  Reflected payload text
 * is cut out first, so `1 AND 5=5` and `1 AND 5=6` echoed back do not make
 * two otherwise identical pages differ.  Tokens that differ between two
 * baseline loads of the same page (timestamps, CSRF tokens, ads, counters)
 * form the "dynamic" set and are ignored.  Similarity is the Dice
 * coefficient over the remaining tokens: 2|A∩B| / (|A|+|B|).  Everything
 * is O(n log n) in the body size and bounded by PL_TOK_MAX tokens. */
#include "payloads/pl_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define PL_TOK_MAX 200000

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

void pl_tokens_make(struct pl_tokens *t, const char *body, size_t len, const char *const *strip,
                    size_t nstrip)
{
  t->h = NULL;
  t->n = 0;
  if(!body) return;
  /* cut reflected strings out (all occurrences) */
  char *copy = dast_strndup(body, len);
  size_t n = len;
  for(size_t s = 0; s < nstrip; s++) {
    size_t sl = strip[s] ? strlen(strip[s]) : 0;
    if(sl < 3) continue;
    size_t w = 0;
    for(size_t r = 0; r < n;) {
      if(r + sl <= n && !memcmp(copy + r, strip[s], sl)) {
        r += sl;
        continue;
      }
      copy[w++] = copy[r++];
    }
    n = w;
  }
  size_t alloc = 256;
  t->h = dast_malloc(alloc * sizeof(uint64_t));
  for(size_t i = 0; i < n && t->n < PL_TOK_MAX;) {
    unsigned char c = (unsigned char)copy[i];
    if(isspace(c)) {
      i++;
      continue;
    }
    size_t j = i + 1;
    if(isalnum(c) || c >= 0x80)
      while(j < n && (isalnum((unsigned char)copy[j]) || (unsigned char)copy[j] >= 0x80)) j++;
    if(t->n == alloc) {
      alloc *= 2;
      t->h = dast_realloc(t->h, alloc * sizeof(uint64_t));
    }
    t->h[t->n++] = dast_hash64(copy + i, j - i, 0);
    i = j;
  }
  free(copy);
  qsort(t->h, t->n, sizeof(uint64_t), cmp_u64);
}

void pl_tokens_free(struct pl_tokens *t)
{
  if(!t) return;
  free(t->h);
  t->h = NULL;
  t->n = 0;
}

static bool in_set(const struct pl_tokens *d, uint64_t h)
{
  if(!d || !d->n) return false;
  return bsearch(&h, d->h, d->n, sizeof(uint64_t), cmp_u64) != NULL;
}

double pl_similarity(const struct pl_tokens *a, const struct pl_tokens *b,
                     const struct pl_tokens *dyn)
{
  size_t i = 0, j = 0, common = 0, na = 0, nb = 0;
  while(i < a->n || j < b->n) {
    if(j >= b->n || (i < a->n && a->h[i] < b->h[j])) {
      if(!in_set(dyn, a->h[i])) na++;
      i++;
    } else if(i >= a->n || b->h[j] < a->h[i]) {
      if(!in_set(dyn, b->h[j])) nb++;
      j++;
    } else {
      if(!in_set(dyn, a->h[i])) {
        common++;
        na++;
        nb++;
      }
      i++;
      j++;
    }
  }
  if(!na && !nb) return 1.0;
  return 2.0 * (double)common / (double)(na + nb);
}

void pl_tokens_dynamic(struct pl_tokens *out, const struct pl_tokens *a, const struct pl_tokens *b)
{
  /* set difference both ways: a token that only changes its count (one
   * more table row) is not dynamic, one that appears in only one load is */
  out->n = 0;
  out->h = dast_malloc((a->n + b->n + 1) * sizeof(uint64_t));
  for(size_t i = 0; i < a->n; i++)
    if((!i || a->h[i] != a->h[i - 1]) && !in_set(b, a->h[i])) out->h[out->n++] = a->h[i];
  for(size_t j = 0; j < b->n; j++)
    if((!j || b->h[j] != b->h[j - 1]) && !in_set(a, b->h[j])) out->h[out->n++] = b->h[j];
  qsort(out->h, out->n, sizeof(uint64_t), cmp_u64);
}
