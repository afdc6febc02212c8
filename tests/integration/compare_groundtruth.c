/* compare_groundtruth.c — `dast-compare-groundtruth`: scores a dastgate JSON
 * report against a fixture's ground-truth manifest (e.g.
 * tests/fixtures/shop/groundtruth.json) and decides pass/fail.
 *
 *   dast-compare-groundtruth groundtruth.json report.json [--passive-only] [--safe-variant]
 *
 * Ground truth: {"app", "vulnerabilities": [{id, class, method, path, param,
 * param_kind, min_confidence, passive, note}], "safe": [{id, class, method,
 * path, param}]}.  Report: {"findings": [{check, class, method, template,
 * param, confidence, ...}], "inventory": [{method, template, ...}]}.
 *
 * Matching a finding to an entry: same class; same method (entry "*" = any);
 * same path, where the finding's template is cut at '?' (and any
 * scheme://host prefix dropped) and entry path "*" matches any path; same
 * param, where a null entry param matches any finding param (an
 * endpoint-level finding), header names compare case-insensitively.
 *
 * Exit 1 (fail) when:
 *   - an expected vulnerability has no finding at or above its
 *     min_confidence (a lower-confidence finding still counts as a miss);
 *   - a `confirmed` finding matches a safe twin;
 *   - a ground-truth endpoint (method + path, "*" excluded, sensitive-file
 *     entries excluded because they are found by probing, not crawling) is
 *     absent from the inventory;
 *   - --passive-only: any finding of an active (injection) class;
 *     only vulnerabilities with "passive": true are expected;
 *   - --safe-variant: any confirmed finding of an injection class; nothing
 *     is expected and the inventory check covers safe-twin paths only.
 * Exit 2 when an input cannot be read or parsed, or on a usage error.
 * Exit 0 otherwise.  Output: a per-class table, then misses and false
 * positives, on stdout.
 *
 * Everything read is owned by the two jansson documents, freed at the end. */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const classes[] = {"xss", "sqli", "cmdi", "path-traversal", "ssti", "open-redirect", "crlf",
                                      "xxe", "ssrf", "xpath", "jsonp", "cors", "security-headers", "cookie",
                                      "version-disclosure", "sensitive-file", "directory-listing",
                                      "error-disclosure"};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))
/* The injection classes (and JSONP, also found only by probing): found only
 * by attacking; confirmed by reproducing. */
#define NACTIVE 11

static int class_index(const char *c)
{
  for(size_t i = 0; c && i < NCLASSES; i++)
    if(!strcmp(classes[i], c))
      return (int)i;
  return -1;
}

static bool is_active_class(const char *c)
{
  int i = class_index(c);
  return i >= 0 && i < NACTIVE;
}

static int conf_rank(const char *c)
{
  if(!c)
    return -1;
  if(!strcmp(c, "tentative"))
    return 0;
  if(!strcmp(c, "firm"))
    return 1;
  if(!strcmp(c, "confirmed"))
    return 2;
  return -1;
}

static const char *str(json_t *obj, const char *key)
{
  return json_string_value(json_object_get(obj, key));
}

/* The finding's or inventory entry's template path: before '?', without
 * scheme://host.  Writes into out (size n). */
static void template_path(json_t *obj, char *out, size_t n)
{
  const char *t = str(obj, "template");
  if(!t)
    t = str(obj, "tmpl");
  if(!t)
    t = str(obj, "url");
  if(!t)
    t = "";
  if(!strncasecmp(t, "http://", 7) || !strncasecmp(t, "https://", 8)) {
    const char *slash = strchr(strstr(t, "://") + 3, '/');
    t = slash ? slash : "/";
  }
  size_t len = strcspn(t, "?#");
  if(len >= n)
    len = n - 1;
  memcpy(out, t, len);
  out[len] = '\0';
}

/* Does finding f match ground-truth entry e (vulnerability or safe twin)? */
static bool matches(json_t *e, json_t *f)
{
  const char *ec = str(e, "class"), *fc = str(f, "class");
  if(!ec || !fc || strcmp(ec, fc))
    return false;
  const char *em = str(e, "method"), *fm = str(f, "method");
  if(em && strcmp(em, "*") && (!fm || strcasecmp(em, fm)))
    return false;
  const char *ep = str(e, "path");
  char fp[2048];
  template_path(f, fp, sizeof(fp));
  if(ep && strcmp(ep, "*") && strcmp(ep, fp))
    return false;
  json_t *eparam = json_object_get(e, "param");
  if(!eparam || json_is_null(eparam))
    return true;
  const char *want = json_string_value(eparam), *got = str(f, "param");
  if(!want || !got)
    return false;
  const char *kind = str(e, "param_kind");
  return (kind && !strcmp(kind, "header")) ? !strcasecmp(want, got) : !strcmp(want, got);
}

static json_t *load(const char *path, const char *what)
{
  json_error_t err;
  json_t *j = json_load_file(path, 0, &err);
  if(!j)
    fprintf(stderr, "dast-compare-groundtruth: cannot read %s %s: %s (line %d)\n", what, path, err.text, err.line);
  else if(!json_is_object(j)) {
    fprintf(stderr, "dast-compare-groundtruth: %s %s: not a JSON object\n", what, path);
    json_decref(j);
    j = NULL;
  }
  return j;
}

/* Checks the manifest's shape; returns false (with a message) if broken. */
static bool validate_truth(json_t *gt)
{
  json_t *v = json_object_get(gt, "vulnerabilities"), *s = json_object_get(gt, "safe");
  size_t i;
  json_t *e;
  if(!json_is_array(v) || !json_is_array(s)) {
    fprintf(stderr, "dast-compare-groundtruth: ground truth needs arrays \"vulnerabilities\" and \"safe\"\n");
    return false;
  }
  json_array_foreach(v, i, e) {
    if(class_index(str(e, "class")) < 0 || !str(e, "id") || !str(e, "method") || !str(e, "path") ||
       conf_rank(str(e, "min_confidence")) < 0 || !json_is_boolean(json_object_get(e, "passive"))) {
      fprintf(stderr, "dast-compare-groundtruth: ground truth vulnerability #%zu (%s) is malformed\n", i,
              str(e, "id") ? str(e, "id") : "no id");
      return false;
    }
  }
  json_array_foreach(s, i, e) {
    if(class_index(str(e, "class")) < 0 || !str(e, "id") || !str(e, "method") || !str(e, "path")) {
      fprintf(stderr, "dast-compare-groundtruth: ground truth safe entry #%zu (%s) is malformed\n", i,
              str(e, "id") ? str(e, "id") : "no id");
      return false;
    }
  }
  return true;
}

struct tally {
  int expected, found, missed, fp_confirmed, twin_other;
};

static void print_entry(const char *tag, json_t *e)
{
  json_t *p = json_object_get(e, "param");
  printf("  %-8s %-28s %-18s %-6s %s%s%s\n", tag, str(e, "id"), str(e, "class"), str(e, "method"), str(e, "path"),
         json_is_string(p) ? " param=" : "", json_is_string(p) ? json_string_value(p) : "");
}

static bool in_inventory(json_t *inv, const char *method, const char *path)
{
  size_t i;
  json_t *e;
  json_array_foreach(inv, i, e) {
    char tp[2048];
    const char *m = str(e, "method");
    template_path(e, tp, sizeof(tp));
    if(!strcmp(tp, path) && (!strcmp(method, "*") || (m && !strcasecmp(m, method))))
      return true;
  }
  return false;
}

/* Inventory check for one entry list; returns the number missing. */
static int check_inventory(json_t *inv, json_t *entries, bool skip_probed)
{
  size_t i;
  json_t *e;
  int missing = 0;
  json_array_foreach(entries, i, e) {
    const char *path = str(e, "path");
    if(!strcmp(path, "*") || (skip_probed && !strcmp(str(e, "class"), "sensitive-file")))
      continue;
    if(!in_inventory(inv, str(e, "method"), path)) {
      printf("  %-8s %s %s (needed by %s)\n", "NOT-MAPPED", str(e, "method"), path, str(e, "id"));
      missing++;
    }
  }
  return missing;
}

int main(int argc, char **argv)
{
  const char *gt_path = NULL, *rep_path = NULL;
  bool passive_only = false, safe_variant = false, usage = false;
  for(int i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--passive-only"))
      passive_only = true;
    else if(!strcmp(argv[i], "--safe-variant"))
      safe_variant = true;
    else if(!gt_path)
      gt_path = argv[i];
    else if(!rep_path)
      rep_path = argv[i];
    else
      usage = true;
  }
  if(usage || !gt_path || !rep_path) {
    fprintf(stderr, "usage: dast-compare-groundtruth groundtruth.json report.json [--passive-only] [--safe-variant]\n");
    return 2;
  }
  json_t *gt = load(gt_path, "ground truth"), *rep = gt ? load(rep_path, "report") : NULL;
  if(!gt || !rep || !validate_truth(gt)) {
    json_decref(gt);
    json_decref(rep);
    return 2;
  }
  json_t *findings = json_object_get(rep, "findings"), *inv = json_object_get(rep, "inventory");
  if(!json_is_array(findings)) {
    fprintf(stderr, "dast-compare-groundtruth: report %s has no \"findings\" array\n", rep_path);
    json_decref(gt);
    json_decref(rep);
    return 2;
  }
  if(!json_is_array(inv))
    inv = NULL;
  json_t *vulns = json_object_get(gt, "vulnerabilities"), *safe = json_object_get(gt, "safe");
  struct tally t[NCLASSES];
  memset(t, 0, sizeof(t));
  int misses = 0, fps = 0, active_hits = 0, unmapped = 0;
  size_t i, k;
  json_t *e, *f;

  printf("ground truth: %s (%s)\nreport: %s\nmode: %s\n\n", gt_path, str(gt, "app") ? str(gt, "app") : "?",
         rep_path, safe_variant ? "safe variant" : passive_only ? "passive only" : "full");
  printf("problems:\n");

  /* Expected vulnerabilities. */
  json_array_foreach(vulns, i, e) {
    int ci = class_index(str(e, "class"));
    bool passive = json_is_true(json_object_get(e, "passive"));
    if(safe_variant || (passive_only && !passive))
      continue;
    t[ci].expected++;
    int need = conf_rank(str(e, "min_confidence")), best = -1;
    json_array_foreach(findings, k, f) {
      if(matches(e, f) && conf_rank(str(f, "confidence")) > best)
        best = conf_rank(str(f, "confidence"));
    }
    if(best >= need)
      t[ci].found++;
    else {
      t[ci].missed++;
      misses++;
      print_entry(best < 0 ? "MISSED" : "TOO-WEAK", e);
    }
  }

  /* Safe twins: confirmed findings there are false positives. */
  json_array_foreach(safe, i, e) {
    int ci = class_index(str(e, "class")), best = -1;
    const char *check = NULL;
    json_array_foreach(findings, k, f) {
      if(matches(e, f) && conf_rank(str(f, "confidence")) > best) {
        best = conf_rank(str(f, "confidence"));
        check = str(f, "check");
      }
    }
    if(best == 2) {
      t[ci].fp_confirmed++;
      fps++;
      print_entry("FP", e);
      printf("           by check %s (confirmed)\n", check ? check : "?");
    }
    else if(best >= 0)
      t[ci].twin_other++;
  }

  /* Mode-specific rules on findings. */
  json_array_foreach(findings, k, f) {
    const char *fc = str(f, "class");
    bool bad = (passive_only && is_active_class(fc)) ||
               (safe_variant && is_active_class(fc) && conf_rank(str(f, "confidence")) == 2);
    if(!bad)
      continue;
    char tp[2048];
    template_path(f, tp, sizeof(tp));
    printf("  %-8s %s %s %s param=%s confidence=%s\n", safe_variant ? "FP-SAFE" : "ACTIVE", str(f, "check") ? str(f, "check") : "?",
           fc, str(f, "method") ? str(f, "method") : "?", str(f, "param") ? str(f, "param") : "-",
           str(f, "confidence") ? str(f, "confidence") : "?");
    printf("           at %s\n", tp);
    active_hits++;
  }

  /* Coverage: every ground-truth endpoint must have been mapped. */
  if(!inv)
    printf("  report has no \"inventory\" array\n");
  json_t *empty = json_array();
  if(!safe_variant)
    unmapped += check_inventory(inv ? inv : empty, vulns, true);
  unmapped += check_inventory(inv ? inv : empty, safe, true);
  json_decref(empty);
  if(!misses && !fps && !active_hits && !unmapped)
    printf("  none\n");

  printf("\n%-20s %8s %6s %7s %13s %14s\n", "class", "expected", "found", "missed", "FP-confirmed", "twin-other-conf");
  struct tally sum = {0, 0, 0, 0, 0};
  for(size_t c = 0; c < NCLASSES; c++) {
    if(!t[c].expected && !t[c].fp_confirmed && !t[c].twin_other)
      continue;
    printf("%-20s %8d %6d %7d %13d %14d\n", classes[c], t[c].expected, t[c].found, t[c].missed, t[c].fp_confirmed,
           t[c].twin_other);
    sum.expected += t[c].expected;
    sum.found += t[c].found;
    sum.missed += t[c].missed;
    sum.fp_confirmed += t[c].fp_confirmed;
    sum.twin_other += t[c].twin_other;
  }
  printf("%-20s %8d %6d %7d %13d %14d\n", "total", sum.expected, sum.found, sum.missed, sum.fp_confirmed,
         sum.twin_other);
  bool fail = misses || fps || active_hits || unmapped || !inv;
  printf("\nresult: %s (%d missed, %d false positive(s) on safe twins, %d forbidden finding(s), %d unmapped endpoint(s))\n",
         fail ? "FAIL" : "PASS", misses, fps, active_hits, unmapped);
  json_decref(gt);
  json_decref(rep);
  return fail ? 1 : 0;
}
