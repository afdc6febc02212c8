/* jslibs.c — vulnerable JavaScript library detection from
 * payloads/data/jslibs.json (see the "source" field there for where the
 * facts come from).
 *
 * Each library has regexes that pull a version out of a script URL
 * ("filename") or out of the file's text ("banner", first capture group),
 * and version ranges [atOrAbove, below) with their advisories.  Versions
 * are compared numerically component by component, so 1.10.2 > 1.9.1; a
 * pre-release suffix ("3.0.0-rc1") sorts before the release.  The data is
 * validated when loaded (regexes compiled through re.h). */
#include "payloads/pl_int.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vrange {
  char *from, *below; /* from may be NULL */
  char *ids, *summary;
};

struct lib {
  char *name;
  struct dast_re **file_re, **banner_re;
  size_t nfile, nbanner;
  struct vrange *ranges;
  size_t nranges;
};

struct pl_jslibs {
  struct lib *libs;
  size_t n;
};

int pl_version_cmp(const char *a, const char *b)
{
  while(*a || *b) {
    if(isdigit((unsigned char)*a) || isdigit((unsigned char)*b)) {
      unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);
      if(x != y) return x < y ? -1 : 1;
    }
    if(*a == '.' && *b == '.') {
      a++;
      b++;
      continue;
    }
    /* "1.2" vs "1.2.0": missing components are zero */
    if(!*a && *b == '.') { b++; continue; }
    if(*a == '.' && !*b) { a++; continue; }
    /* pre-release suffix sorts before the release */
    if(*a == '-' && !*b) return -1;
    if(!*a && *b == '-') return 1;
    if(*a != *b) return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
    if(*a) { a++; b++; }
  }
  return 0;
}

void pl_jslibs_free(struct pl_jslibs *j)
{
  if(!j) return;
  for(size_t i = 0; i < j->n; i++) {
    struct lib *l = &j->libs[i];
    free(l->name);
    for(size_t k = 0; k < l->nfile; k++) dast_re_free(l->file_re[k]);
    for(size_t k = 0; k < l->nbanner; k++) dast_re_free(l->banner_re[k]);
    free(l->file_re);
    free(l->banner_re);
    for(size_t k = 0; k < l->nranges; k++) {
      free(l->ranges[k].from);
      free(l->ranges[k].below);
      free(l->ranges[k].ids);
      free(l->ranges[k].summary);
    }
    free(l->ranges);
  }
  free(j->libs);
  free(j);
}

static bool compile_list(json_t *arr, struct dast_re ***out, size_t *n, const char *path,
                         const char *lib, char *errbuf, size_t errlen)
{
  *out = dast_calloc(json_array_size(arr) + 1, sizeof(struct dast_re *));
  *n = 0;
  size_t i;
  json_t *e;
  json_array_foreach(arr, i, e) {
    char eb[200];
    if(!json_is_string(e) ||
       dast_re_compile(json_string_value(e), DAST_RE_CASELESS, &(*out)[*n], eb, sizeof(eb))) {
      if(errbuf) snprintf(errbuf, errlen, "%s: %s: bad regex #%zu", path, lib, i);
      return false;
    }
    (*n)++;
  }
  return true;
}

dast_err pl_jslibs_load(const char *path, struct pl_jslibs **out, char *errbuf, size_t errlen)
{
  *out = NULL;
  json_error_t je;
  json_t *root = json_load_file(path, 0, &je);
  if(!root) {
    if(errbuf) snprintf(errbuf, errlen, "%s: line %d: %s", path, je.line, je.text);
    return DAST_EPARSE;
  }
  json_t *libs = json_object_get(root, "libraries");
  if(!json_is_array(libs)) {
    if(errbuf) snprintf(errbuf, errlen, "%s: libraries: must be an array", path);
    json_decref(root);
    return DAST_EPARSE;
  }
  struct pl_jslibs *j = dast_calloc(1, sizeof(*j));
  j->libs = dast_calloc(json_array_size(libs) + 1, sizeof(struct lib));
  size_t i;
  json_t *e;
  dast_err err = DAST_OK;
  json_array_foreach(libs, i, e) {
    struct lib *l = &j->libs[j->n++];
    json_t *name = json_object_get(e, "name"), *vul = json_object_get(e, "vulnerable");
    json_t *files = json_object_get(e, "filename"), *ban = json_object_get(e, "banner");
    if(!json_is_string(name) || !json_is_array(vul) || !json_is_array(files) || !json_is_array(ban)) {
      if(errbuf) snprintf(errbuf, errlen, "%s: libraries[%zu]: needs name, filename[], banner[], vulnerable[]", path, i);
      err = DAST_EPARSE;
      break;
    }
    l->name = dast_strdup(json_string_value(name));
    if(!compile_list(files, &l->file_re, &l->nfile, path, l->name, errbuf, errlen) ||
       !compile_list(ban, &l->banner_re, &l->nbanner, path, l->name, errbuf, errlen)) {
      err = DAST_EPARSE;
      break;
    }
    l->ranges = dast_calloc(json_array_size(vul) + 1, sizeof(struct vrange));
    size_t k;
    json_t *r;
    json_array_foreach(vul, k, r) {
      json_t *below = json_object_get(r, "below"), *from = json_object_get(r, "atOrAbove");
      json_t *ids = json_object_get(r, "identifiers"), *sum = json_object_get(r, "summary");
      if(!json_is_string(below) || !json_is_array(ids) || !json_is_string(sum)) {
        if(errbuf) snprintf(errbuf, errlen, "%s: %s: vulnerable[%zu]: needs below, identifiers[], summary", path, l->name, k);
        err = DAST_EPARSE;
        break;
      }
      struct vrange *v = &l->ranges[l->nranges++];
      v->below = dast_strdup(json_string_value(below));
      v->from = json_is_string(from) ? dast_strdup(json_string_value(from)) : NULL;
      v->summary = dast_strdup(json_string_value(sum));
      struct dast_buf b;
      dast_buf_init(&b, 0);
      size_t q;
      json_t *id;
      json_array_foreach(ids, q, id) {
        if(json_is_string(id)) (void)dast_buf_printf(&b, "%s%s", b.len ? ", " : "", json_string_value(id));
      }
      v->ids = dast_buf_take(&b, NULL);
    }
    if(err) break;
  }
  json_decref(root);
  if(err) {
    pl_jslibs_free(j);
    return err;
  }
  *out = j;
  return DAST_OK;
}

static bool find_version(struct dast_re *const *res, size_t n, const char *text, size_t len,
                         char *ver, size_t verlen)
{
  for(size_t i = 0; i < n; i++) {
    size_t ov[4];
    if(dast_re_match(res[i], text, len, 0, ov, 2) != 1 || ov[2] == (size_t)-1) continue;
    size_t vl = ov[3] - ov[2];
    if(!vl || vl >= verlen) continue;
    memcpy(ver, text + ov[2], vl);
    ver[vl] = '\0';
    return true;
  }
  return false;
}

bool pl_jslibs_check(const struct pl_jslibs *j, const char *url, const char *body, size_t len,
                     char *lib, size_t liblen, char *msg, size_t msglen)
{
  for(size_t i = 0; j && i < j->n; i++) {
    const struct lib *l = &j->libs[i];
    char ver[32];
    bool got = url && find_version(l->file_re, l->nfile, url, strlen(url), ver, sizeof(ver));
    if(!got && body) got = find_version(l->banner_re, l->nbanner, body, len, ver, sizeof(ver));
    if(!got) continue;
    struct dast_buf b;
    dast_buf_init(&b, 0);
    for(size_t k = 0; k < l->nranges; k++) {
      const struct vrange *r = &l->ranges[k];
      if(pl_version_cmp(ver, r->below) >= 0) continue;
      if(r->from && pl_version_cmp(ver, r->from) < 0) continue;
      (void)dast_buf_printf(&b, "%s%s (%s, fixed in %s)", b.len ? "; " : "", r->ids, r->summary, r->below);
    }
    if(!b.len) {
      dast_buf_free(&b);
      continue;
    }
    snprintf(lib, liblen, "%s", l->name);
    snprintf(msg, msglen, "%s %s is known-vulnerable: %s", l->name, ver, b.data);
    dast_buf_free(&b);
    return true;
  }
  return false;
}
