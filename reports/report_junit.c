/* report_junit.c — JUnit XML (the Surefire dialect Jenkins' xUnit schema
 * accepts; GitLab and GitHub test reporters read the same elements).
 *
 * Shape: one <testsuite name="dastgate.<class>"> per check class, plus
 * "dastgate.scan" holding one "scan completeness" case that fails when the
 * scan was incomplete or below the minimum coverage (CI then never shows an
 * all-green run for a scan that did not happen).  Cases, in a class suite:
 *  - every (check x method x template) in "tests" with no finding: a passing
 *    case "check · METHOD /tmpl", or <skipped> with the reason when the check
 *    did not apply;
 *  - every finding (matched to its test entry or not, e.g. passive ones): a
 *    case "check · METHOD /tmpl [param]" that is a <failure> when it counts
 *    for the gate, <skipped> when suppressed, and passing with a
 *    <system-out> note when below the threshold or accepted from the
 *    baseline, so the number of cases does not depend on the policy.
 * Everything is escaped by dast__w_xml(), which also drops characters XML
 * 1.0 forbids, so hostile evidence cannot break the document. */
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

/* "check\x1fmethod\x1ftemplate": the (check x endpoint) a test entry or a
 * finding belongs to; the index key of struct index.  Owned. */
static char *case_key(const json_t *o)
{
  return dast_aprintf("%s\x1f%s\x1f%s", dast__js(o, "check"), dast__js(o, "method"), dast__js(o, "template"));
}

/* Hash indexes over the document (jansson objects as hash maps) so that
 * matching findings to tests is linear, not tests x findings. */
struct index {
  json_t *findings_by_case; /* key -> [finding index, ...] */
  json_t *tested;           /* key -> true */
  json_t *done;             /* key -> true once its cases were written */
};

static void index_build(struct index *ix, const json_t *r)
{
  ix->findings_by_case = json_object();
  ix->tested = json_object();
  ix->done = json_object();
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(r, "findings"), i, o)
  {
    char *k = case_key(o);
    json_t *list = json_object_get(ix->findings_by_case, k);
    if(!list) {
      list = json_array();
      if(json_object_set_new_nocheck(ix->findings_by_case, k, list)) dast_oom();
    }
    if(json_array_append_new(list, json_integer((json_int_t)i))) dast_oom();
    free(k);
  }
  json_array_foreach(json_object_get(r, "tests"), i, o)
  {
    char *k = case_key(o);
    if(json_object_set_new_nocheck(ix->tested, k, json_true())) dast_oom();
    free(k);
  }
}

static void index_free(struct index *ix)
{
  json_decref(ix->findings_by_case);
  json_decref(ix->tested);
  json_decref(ix->done);
}

static const char *cls_of(const json_t *o)
{
  const char *c = dast__js(o, "class");
  return *c ? c : "other";
}

static const char *tmpl_of(const json_t *o)
{
  const char *t = dast__js(o, "template");
  return *t ? t : dast__js(o, "url");
}

static void case_open(struct dast__w *w, const json_t *o, const char *cls, bool with_param)
{
  dast__w_s(w, "    <testcase name=\"");
  dast__w_xml(w, dast__js(o, "check"));
  dast__w_s(w, " \xC2\xB7 ");
  dast__w_xml(w, dast__js(o, "method"));
  dast__w_s(w, " ");
  dast__w_xml(w, tmpl_of(o));
  const char *param = json_string_value(json_object_get(o, "param"));
  if(with_param && param) {
    dast__w_s(w, " [");
    dast__w_xml(w, param);
    dast__w_s(w, "]");
  }
  dast__w_s(w, "\" classname=\"dastgate.");
  dast__w_xml(w, cls);
  dast__w_s(w, "\" time=\"0\">\n");
}

static void labelled(struct dast__w *w, const char *label, const json_t *f, const char *key)
{
  const char *v = json_string_value(json_object_get(f, key));
  if(!v || !*v) return;
  dast__w_s(w, label);
  dast__w_xml(w, v);
  dast__w_s(w, "\n");
}

static void finding_body(struct dast__w *w, const json_t *f)
{
  labelled(w, "URL: ", f, "url");
  labelled(w, "Parameter: ", f, "param");
  labelled(w, "Payload: ", f, "payload");
  labelled(w, "Evidence: ", f, "evidence");
  labelled(w, "Reproduce: ", f, "curl");
  labelled(w, "Remediation: ", f, "remediation");
  labelled(w, "Fingerprint: ", f, "fingerprint");
  const json_t *ex = json_object_get(f, "expired_suppression");
  if(json_is_object(ex)) {
    dast__w_s(w, "Suppression expired ");
    dast__w_xml(w, dast__js(ex, "expires"));
    dast__w_s(w, ": ");
    dast__w_xml(w, dast__js(ex, "reason"));
    dast__w_s(w, "\n");
  }
}

/* " (high, confirmed)" */
static void sev_conf(struct dast__w *w, const json_t *f)
{
  dast__w_s(w, " (");
  dast__w_xml(w, dast__js(f, "severity"));
  dast__w_s(w, ", ");
  dast__w_xml(w, dast__js(f, "confidence"));
  dast__w_s(w, ")");
}

/* Writes one finding's case; returns 'f' failure, 's' skipped, 'p' passed. */
static char finding_case(struct dast__w *w, const json_t *f, const char *cls)
{
  const char *gate = dast__finding_gate(f);
  case_open(w, f, cls, true);
  char kind = 'p';
  if(!strcmp(gate, "fail")) {
    kind = 'f';
    dast__w_s(w, "      <failure message=\"");
    dast__w_xml(w, dast__js(f, "title"));
    sev_conf(w, f);
    dast__w_s(w, "\" type=\"");
    dast__w_xml(w, dast__js(f, "check"));
    dast__w_s(w, "\">");
    finding_body(w, f);
    dast__w_s(w, "</failure>\n");
  } else if(!strcmp(gate, "suppressed")) {
    kind = 's';
    const json_t *s = json_object_get(f, "suppression");
    dast__w_s(w, "      <skipped message=\"suppressed: ");
    dast__w_xml(w, dast__js(s, "reason"));
    if(*dast__js(s, "by")) {
      dast__w_s(w, " (by ");
      dast__w_xml(w, dast__js(s, "by"));
      dast__w_s(w, ")");
    }
    if(*dast__js(s, "expires")) {
      dast__w_s(w, ", expires ");
      dast__w_xml(w, dast__js(s, "expires"));
    }
    dast__w_s(w, "\"/>\n");
  } else {
    dast__w_s(w, "      <system-out>");
    dast__w_f(w, "%s finding, not failing the gate: ", !strcmp(gate, "existing") ? "Existing (baseline)" : "Below-threshold");
    dast__w_xml(w, dast__js(f, "title"));
    sev_conf(w, f);
    dast__w_s(w, "\n");
    finding_body(w, f);
    dast__w_s(w, "</system-out>\n");
  }
  dast__w_s(w, "    </testcase>\n");
  return kind;
}

struct counts {
  size_t tests, failures, skipped;
};

static void count(struct counts *c, char kind)
{
  c->tests++;
  if(kind == 'f') c->failures++;
  if(kind == 's') c->skipped++;
}

/* Renders the cases of one class into `w`, counting them. */
static void class_cases(struct dast__w *w, const json_t *r, const char *cls, struct index *ix, struct counts *c)
{
  const json_t *findings = json_object_get(r, "findings");
  size_t i, j;
  json_t *t, *f, *idx;
  json_array_foreach(json_object_get(r, "tests"), i, t)
  {
    if(strcmp(cls_of(t), cls)) continue;
    char *k = case_key(t);
    bool dup = json_object_get(ix->done, k) != NULL;
    if(!dup && json_object_set_new_nocheck(ix->done, k, json_true())) dast_oom();
    json_t *list = json_object_get(ix->findings_by_case, k);
    free(k);
    if(dup) continue;
    json_array_foreach(list, j, idx) count(c, finding_case(w, json_array_get(findings, (size_t)json_integer_value(idx)), cls));
    if(json_array_size(list)) continue;
    case_open(w, t, cls, false);
    if(!json_is_true(json_object_get(t, "applicable"))) {
      dast__w_s(w, "      <skipped message=\"not applicable: ");
      dast__w_xml(w, *dast__js(t, "reason") ? dast__js(t, "reason") : "no reason given");
      dast__w_s(w, "\"/>\n");
      count(c, 's');
    } else {
      count(c, 'p');
    }
    dast__w_s(w, "    </testcase>\n");
  }
  json_array_foreach(findings, j, f)
  {
    if(strcmp(cls_of(f), cls)) continue;
    char *k = case_key(f);
    bool tested = json_object_get(ix->tested, k) != NULL;
    free(k);
    if(!tested) count(c, finding_case(w, f, cls));
  }
}

static void add_class(json_t *set, const json_t *o)
{
  if(json_object_set_new(set, cls_of(o), json_true())) dast_oom();
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static void scan_suite(struct dast__w *w, const json_t *r, const char *ts, struct counts *all)
{
  const json_t *scan = json_object_get(r, "scan"), *gate = json_object_get(r, "gate");
  bool incomplete = json_is_true(json_object_get(scan, "incomplete")) || dast__jb(gate, "incomplete");
  dast__w_f(w, "  <testsuite name=\"dastgate.scan\" tests=\"1\" failures=\"%d\" errors=\"0\" skipped=\"0\" time=\"0\" timestamp=\"",
            incomplete ? 1 : 0);
  dast__w_xml(w, ts);
  dast__w_s(w, "\">\n");
  dast__w_s(w, "    <properties>\n      <property name=\"target\" value=\"");
  dast__w_xml(w, dast__js(scan, "target"));
  dast__w_s(w, "\"/>\n      <property name=\"gate\" value=\"");
  dast__w_xml(w, gate ? dast__js(gate, "verdict") : "not evaluated");
  dast__w_f(w, "\"/>\n      <property name=\"endpoints\" value=\"%lld\"/>\n    </properties>\n",
            (long long)json_array_size(json_object_get(r, "inventory")));
  dast__w_s(w, "    <testcase name=\"scan completeness\" classname=\"dastgate.scan\" time=\"0\">\n");
  if(incomplete) {
    dast__w_s(w, "      <failure message=\"scan incomplete\" type=\"incomplete\">");
    size_t i;
    json_t *reason;
    json_array_foreach(json_object_get(gate, "reasons"), i, reason)
    {
      dast__w_xml(w, json_string_value(reason));
      dast__w_s(w, "\n");
    }
    if(!gate) dast__w_xml(w, dast__js(scan, "incomplete_reason"));
    dast__w_s(w, "</failure>\n");
  }
  dast__w_s(w, "    </testcase>\n  </testsuite>\n");
  count(all, incomplete ? 'f' : 'p');
}

dast_err dast__render_junit(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen)
{
  (void)errbuf, (void)errlen;
  const json_t *scan = json_object_get(r, "scan");
  const char *ts = dast__js(scan, "started");
  json_t *classes = json_object();
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(r, "tests"), i, o) add_class(classes, o);
  json_array_foreach(json_object_get(r, "findings"), i, o) add_class(classes, o);
  size_t ncls = json_object_size(classes);
  const char **names = dast_calloc(ncls + 1, sizeof(*names));
  const char *k;
  size_t n = 0;
  json_object_foreach(classes, k, o) names[n++] = k;
  qsort(names, ncls, sizeof(*names), cmp_cstr);

  /* Suites are rendered into their own buffer first: the totals go on
   * <testsuites> before them. */
  struct dast_buf body;
  dast_buf_init(&body, 0);
  struct dast__w bw = {&body, DAST_OK};
  struct counts all = {0};
  struct index ix;
  index_build(&ix, r);
  scan_suite(&bw, r, dast__js(scan, "started"), &all);
  for(size_t c = 0; c < ncls; c++) {
    struct dast_buf cases;
    dast_buf_init(&cases, 0);
    struct dast__w cw = {&cases, DAST_OK};
    struct counts cnt = {0};
    class_cases(&cw, r, names[c], &ix, &cnt);
    dast__w_s(&bw, "  <testsuite name=\"dastgate.");
    dast__w_xml(&bw, names[c]);
    dast__w_f(&bw, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"0\" timestamp=\"",
              cnt.tests, cnt.failures, cnt.skipped);
    dast__w_xml(&bw, ts);
    dast__w_s(&bw, "\">\n");
    dast__w_s(&bw, cases.data);
    dast__w_s(&bw, "  </testsuite>\n");
    if(cw.err) bw.err = cw.err;
    dast_buf_free(&cases);
    all.tests += cnt.tests, all.failures += cnt.failures, all.skipped += cnt.skipped;
  }
  double dur = json_number_value(json_object_get(scan, "duration"));
  dast__w_s(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  dast__w_f(w, "<testsuites name=\"dastgate\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.3f\">\n",
            all.tests, all.failures, dur < 0 ? 0.0 : dur);
  if(bw.err) w->err = bw.err;
  dast__w_s(w, body.data);
  dast__w_s(w, "</testsuites>\n");
  dast_buf_free(&body);
  index_free(&ix);
  free(names);
  json_decref(classes);
  return DAST_OK;
}
