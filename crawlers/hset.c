/* hset.c — open-addressing set/map of 64-bit keys (hset.h).
 * Invariants: alloc is 0 or a power of two; n <= alloc/2; a slot is empty
 * when its key is 0 (real key 0 is stored as 1: a harmless collision). */
#include "crawlers/hset.h"

#include <stdlib.h>

static size_t find_slot(uint64_t *keys, size_t alloc, uint64_t key)
{
  size_t mask = alloc - 1, i = (size_t)(key ^ (key >> 29)) & mask;
  while(keys[i] && keys[i] != key) i = (i + 1) & mask;
  return i;
}

static void grow(struct dast__hset *s, bool with_vals)
{
  size_t na = s->alloc ? s->alloc * 2 : 64;
  uint64_t *nk = dast_calloc(na, sizeof(uint64_t));
  uint32_t *nv = with_vals ? dast_calloc(na, sizeof(uint32_t)) : NULL;
  for(size_t i = 0; i < s->alloc; i++) {
    if(!s->keys[i]) continue;
    size_t j = find_slot(nk, na, s->keys[i]);
    nk[j] = s->keys[i];
    if(nv && s->vals) nv[j] = s->vals[i];
  }
  free(s->keys);
  free(s->vals);
  s->keys = nk;
  s->vals = nv;
  s->alloc = na;
}

static size_t insert(struct dast__hset *s, uint64_t key, bool with_vals, bool *added)
{
  if(!key) key = 1;
  if((s->n + 1) * 2 > s->alloc) grow(s, with_vals);
  size_t i = find_slot(s->keys, s->alloc, key);
  *added = !s->keys[i];
  if(*added) {
    s->keys[i] = key;
    s->n++;
  }
  return i;
}

bool dast__hset_add(struct dast__hset *s, uint64_t key)
{
  bool added;
  (void)insert(s, key, s->vals != NULL, &added);
  return added;
}

bool dast__hset_has(const struct dast__hset *s, uint64_t key)
{
  if(!s->alloc) return false;
  if(!key) key = 1;
  return s->keys[find_slot(s->keys, s->alloc, key)] == key;
}

uint32_t dast__hset_incr(struct dast__hset *s, uint64_t key)
{
  bool added;
  if(!s->vals && s->alloc) return 0; /* a plain set, not a map */
  size_t i = insert(s, key, true, &added);
  return ++s->vals[i];
}

uint32_t *dast__hset_slot(struct dast__hset *s, uint64_t key)
{
  bool added;
  if(!s->vals && s->alloc) return NULL; /* a plain set, not a map */
  size_t i = insert(s, key, true, &added);
  return &s->vals[i];
}

uint32_t dast__hset_count(const struct dast__hset *s, uint64_t key)
{
  if(!s->alloc || !s->vals) return 0;
  if(!key) key = 1;
  size_t i = find_slot(s->keys, s->alloc, key);
  return s->keys[i] == key ? s->vals[i] : 0;
}

void dast__hset_free(struct dast__hset *s)
{
  free(s->keys);
  free(s->vals);
  s->keys = NULL;
  s->vals = NULL;
  s->n = s->alloc = 0;
}
