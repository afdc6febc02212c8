/* report_md.c — the short Markdown summary for a pull/merge request comment:
 * verdict, why, counts by severity, the top findings and the baseline diff.
 * No evidence or requests (a PR comment is widely visible and short); those
 * live in the HTML/JSON reports.  All text goes through dast__w_md() or
 * code_span(), so a payload cannot inject Markdown, HTML or table cells. */
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

#define MD_TOP 10

/* `text` as a GFM code span, safe inside a table cell. */
static void code_span(struct dast__w *w, const char *s)
{
  bool tick = strchr(s, '`') != NULL;
  dast__w_s(w, tick ? "`` " : "`");
  struct dast_buf tmp;
  dast_buf_init(&tmp, 0);
  struct dast__w tw = {&tmp, DAST_OK};
  for(const char *p = s; *p; p++) {
    char c = *p;
    if(c == '\n' || c == '\r' || c == '\t') c = ' ';
    if(c == '|') dast__w_s(&tw, "\\|");
    else if((unsigned char)c >= 0x20 || c == ' ') dast__w_f(&tw, "%c", c);
  }
  /* still run it through the XML/markdown cleaner for UTF-8 validity, but
   * without escaping: a code span shows characters literally */
  char *clean = dast__utf8_clean(tmp.data, tmp.len, 200);
  dast__w_s(w, clean);
  free(clean);
  dast_buf_free(&tmp);
  if(tw.err) w->err = tw.err;
  dast__w_s(w, tick ? " ``" : "`");
}

static const char *verdict_line(const char *v)
{
  if(!strcmp(v, "pass")) return "\xE2\x9C\x85 **PASS**";
  if(!strcmp(v, "fail")) return "\xE2\x9D\x8C **FAIL**";
  if(!strcmp(v, "incomplete")) return "\xE2\x9A\xA0\xEF\xB8\x8F **INCOMPLETE**";
  return "**NOT EVALUATED**";
}

static void counts_table(struct dast__w *w, const json_t *r)
{
  static const char *const sev[] = {"critical", "high", "medium", "low", "info"};
  size_t total[5] = {0}, failing[5] = {0}, suppressed[5] = {0};
  size_t i;
  json_t *f;
  json_array_foreach(json_object_get(r, "findings"), i, f)
  {
    int s = dast__sev_rank(dast__js(f, "severity"));
    if(s < 0) continue;
    int row = DAST_SEV_CRITICAL - s;
    total[row]++;
    if(!strcmp(dast__finding_gate(f), "fail")) failing[row]++;
    if(!strcmp(dast__finding_gate(f), "suppressed")) suppressed[row]++;
  }
  dast__w_s(w, "| Severity | Findings | Failing the gate | Suppressed |\n|---|---:|---:|---:|\n");
  for(int k = 0; k < 5; k++)
    dast__w_f(w, "| %s | %zu | %zu | %zu |\n", sev[k], total[k], failing[k], suppressed[k]);
  dast__w_s(w, "\n");
}

static void top_findings(struct dast__w *w, const json_t *r)
{
  const json_t *fs = json_object_get(r, "findings");
  if(!json_array_size(fs)) {
    dast__w_s(w, "No findings.\n\n");
    return;
  }
  dast__w_s(w, "### Top findings\n\n| Severity | Confidence | Finding | Endpoint | Parameter | Gate |\n"
               "|---|---|---|---|---|---|\n");
  size_t i, shown = 0;
  json_t *f;
  json_array_foreach(fs, i, f)
  {
    if(shown == MD_TOP) break;
    shown++;
    dast__w_s(w, "| ");
    dast__w_md(w, dast__js(f, "severity"));
    dast__w_s(w, " | ");
    dast__w_md(w, dast__js(f, "confidence"));
    dast__w_s(w, " | ");
    json_int_t cwe = dast__ji(f, "cwe");
    if(cwe > 0) dast__w_s(w, "[");
    dast__w_md(w, dast__js(f, "title"));
    if(cwe > 0) dast__w_f(w, "](https://cwe.mitre.org/data/definitions/%lld.html)", (long long)cwe);
    dast__w_s(w, " ");
    code_span(w, dast__js(f, "check"));
    dast__w_s(w, " | ");
    char *ep = dast_aprintf("%s %s", dast__js(f, "method"), dast__js(f, "template"));
    code_span(w, ep);
    free(ep);
    dast__w_s(w, " | ");
    const char *param = json_string_value(json_object_get(f, "param"));
    if(param) code_span(w, param);
    dast__w_s(w, " | ");
    dast__w_md(w, dast__finding_gate(f));
    if(*dast__js(f, "baseline")) dast__w_s(w, ", ");
    dast__w_md(w, dast__js(f, "baseline"));
    dast__w_s(w, " |\n");
  }
  if(json_array_size(fs) > shown)
    dast__w_f(w, "\n... and %zu more in the full report.\n", json_array_size(fs) - shown);
  dast__w_s(w, "\n");
}

dast_err dast__render_md(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen)
{
  (void)errbuf, (void)errlen;
  const json_t *scan = json_object_get(r, "scan"), *cov = json_object_get(r, "coverage");
  const json_t *gate = json_object_get(r, "gate");
  dast__w_f(w, "## dastgate: %s\n\n", verdict_line(gate ? dast__js(gate, "verdict") : ""));
  dast__w_s(w, "Target ");
  code_span(w, dast__js(scan, "target"));
  dast__w_s(w, " \xC2\xB7 profile ");
  dast__w_md(w, *dast__js(scan, "profile") ? dast__js(scan, "profile") : "?");
  dast__w_f(w, " \xC2\xB7 %zu endpoints \xC2\xB7 %lld requests \xC2\xB7 %.1f s\n\n",
            json_array_size(json_object_get(r, "inventory")), (long long)dast__ji(cov, "requests"),
            json_number_value(json_object_get(scan, "duration")));
  if(gate) {
    size_t i;
    json_t *reason;
    /* The gate lists up to 10 failing findings first (and "... and N more"):
     * the table below shows them, so only the count is said here. */
    json_int_t nfail = dast__ji(json_object_get(gate, "counts"), "fail");
    size_t skip = nfail > 10 ? 11 : (size_t)(nfail > 0 ? nfail : 0);
    if(nfail > 0)
      dast__w_f(w, "- **%lld finding%s fail%s the gate** (listed first below)\n", (long long)nfail, nfail == 1 ? "" : "s",
                nfail == 1 ? "s" : "");
    json_array_foreach(json_object_get(gate, "reasons"), i, reason)
    {
      if(i < skip) continue;
      dast__w_s(w, "- ");
      dast__w_md(w, json_string_value(reason));
      dast__w_s(w, "\n");
    }
    json_int_t expired = dast__ji(json_object_get(gate, "counts"), "suppression_expired");
    if(expired)
      dast__w_f(w, "- %lld suppression%s expired: %s again\n", (long long)expired, expired == 1 ? "" : "s",
                expired == 1 ? "its finding counts" : "their findings count");
    dast__w_f(w, "\nPolicy: fail on ");
    code_span(w, dast__js(json_object_get(gate, "policy"), "fail_on"));
    dast__w_f(w, "%s \xC2\xB7 exit code %lld\n\n",
              dast__jb(json_object_get(gate, "policy"), "fail_on_new_only") ? ", new findings only" : "",
              (long long)dast__ji(gate, "exit_code"));
  } else if(dast__jb(scan, "incomplete")) {
    dast__w_s(w, "- scan incomplete: ");
    dast__w_md(w, dast__js(scan, "incomplete_reason"));
    dast__w_s(w, "\n\n");
  }
  counts_table(w, r);
  top_findings(w, r);
  const json_t *gc = json_object_get(gate, "counts");
  if(json_object_get(r, "fixed"))
    dast__w_f(w, "Baseline: %lld new, %lld existing, %zu fixed.\n\n", (long long)dast__ji(gc, "new"),
              (long long)dast__ji(gc, "existing"), json_array_size(json_object_get(r, "fixed")));
  dast__w_s(w, "<sub>dastgate ");
  dast__w_md(w, dast__js(scan, "version"));
  dast__w_s(w, " \xC2\xB7 ");
  dast__w_md(w, dast__js(scan, "started"));
  dast__w_s(w, " \xC2\xB7 seed ");
  dast__w_md(w, dast__js(scan, "seed"));
  dast__w_s(w, "</sub>\n");
  return DAST_OK;
}
