/* hset.h — crawler-internal compact hash set / counter map of 64-bit keys
 * (open addressing, linear probing, load <= 1/2).  The seen-set of visited
 * URLs and the per-template visit counts are these, so memory stays at
 * 8-12 bytes per key however long the URLs are.  Key 0 is remapped. */
#ifndef DAST_CRAWL_HSET_H
#define DAST_CRAWL_HSET_H

#include "scanner/engine/dast.h"

struct dast__hset {
  uint64_t *keys;
  uint32_t *vals; /* NULL for a plain set */
  size_t n, alloc;
};

/* Adds key; true when it was not there before. */
bool dast__hset_add(struct dast__hset *s, uint64_t key);
bool dast__hset_has(const struct dast__hset *s, uint64_t key);
/* Counter map: increments key's count and returns the new count. */
uint32_t dast__hset_incr(struct dast__hset *s, uint64_t key);
uint32_t dast__hset_count(const struct dast__hset *s, uint64_t key);
/* Map use: the value slot of key, created as 0 when absent. */
uint32_t *dast__hset_slot(struct dast__hset *s, uint64_t key);
void dast__hset_free(struct dast__hset *s);

#endif
