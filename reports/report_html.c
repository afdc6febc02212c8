/* report_html.c — one self-contained HTML file: inline CSS, inline SVG
 * charts, no JavaScript, no external assets, so it works offline and from a
 * CI artifact store.  A Content-Security-Policy meta tag (default-src
 * 'none') means that even an escaping mistake could not run a script or
 * fetch anything.
 *
 * Layout: header; verdict banner with the gate's reasons; summary cards;
 * severity and class bar charts (SVG); findings grouped by class in
 * <details> (each finding its own <details> with description, evidence,
 * request, response excerpt with the ">>>match<<<" marked, curl line,
 * remediation, references); fixed-since-baseline; site map; coverage;
 * tested checks.  Every text from the document goes through dast__w_xml();
 * reference links are emitted only for http(s) URLs. */
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

static const char *const sev_names[] = {"critical", "high", "medium", "low", "info"};
static const char *const sev_colors[] = {"#8e1b3b", "#d93025", "#e8710a", "#c9a000", "#1a73e8"};

static const char css[] =
  "*{box-sizing:border-box}body{margin:0;font:14px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
  "'Helvetica Neue',Arial,sans-serif;color:#1f2328;background:#f6f8fa}"
  "header.top{background:#0d1b2a;color:#e6edf3;padding:14px 32px;display:flex;align-items:baseline;gap:24px;flex-wrap:wrap}"
  "header.top .brand{font-weight:700;font-size:20px;letter-spacing:.5px}header.top .meta{color:#9fb3c8;font-size:13px}"
  "header.top .meta b{color:#e6edf3;font-weight:600}"
  "main{max-width:1200px;margin:0 auto;padding:24px 32px 48px}"
  "h2{font-size:18px;margin:32px 0 12px;border-bottom:1px solid #d0d7de;padding-bottom:6px}"
  ".verdict{display:flex;gap:20px;align-items:flex-start;border-radius:10px;padding:18px 22px;border:1px solid;background:#fff}"
  ".verdict .badge{font-weight:800;font-size:22px;padding:8px 18px;border-radius:8px;color:#fff;white-space:nowrap}"
  ".verdict.pass{border-color:#1a7f37}.verdict.pass .badge{background:#1a7f37}"
  ".verdict.fail{border-color:#cf222e}.verdict.fail .badge{background:#cf222e}"
  ".verdict.incomplete{border-color:#bf8700}.verdict.incomplete .badge{background:#bf8700}"
  ".verdict.none{border-color:#57606a}.verdict.none .badge{background:#57606a}"
  ".verdict h1{font-size:18px;margin:0 0 6px}.verdict ul{margin:4px 0 6px;padding-left:20px}"
  ".verdict .policy{color:#57606a;font-size:13px;margin:0}"
  ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin-top:18px}"
  ".card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 16px}"
  ".card .n{font-size:26px;font-weight:700}.card .l{color:#57606a;font-size:12px;text-transform:uppercase;letter-spacing:.4px}"
  ".charts{display:grid;grid-template-columns:1fr 1fr;gap:16px}"
  ".panel{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:14px 16px}"
  ".panel h3{margin:0 0 8px;font-size:14px;color:#57606a}"
  "details.class{background:#fff;border:1px solid #d0d7de;border-radius:8px;margin:10px 0}"
  "details.class>summary{padding:10px 16px;font-weight:600;cursor:pointer;font-size:15px}"
  "details.class>div{padding:0 12px 10px}"
  "details.finding{border:1px solid #e1e4e8;border-left:4px solid #8c959f;border-radius:6px;margin:8px 0;background:#fcfcfd}"
  "details.finding>summary{padding:8px 12px;cursor:pointer;display:flex;gap:10px;align-items:center;flex-wrap:wrap}"
  "details.finding .body{padding:4px 16px 14px}"
  ".sev{display:inline-block;color:#fff;font-size:11px;font-weight:700;text-transform:uppercase;border-radius:4px;padding:1px 7px;min-width:64px;text-align:center}"
  ".tag{display:inline-block;font-size:11px;border:1px solid #d0d7de;border-radius:10px;padding:0 8px;color:#57606a;background:#fff}"
  ".tag.fail{border-color:#cf222e;color:#cf222e;font-weight:600}.tag.suppressed{border-color:#8250df;color:#8250df}"
  ".tag.new{border-color:#0969da;color:#0969da}"
  ".ep{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px;color:#424a53}"
  "dl.kv{display:grid;grid-template-columns:140px 1fr;gap:4px 12px;margin:8px 0}dl.kv dt{color:#57606a}dl.kv dd{margin:0;word-break:break-all}"
  "pre{background:#0d1117;color:#e6edf3;padding:10px 12px;border-radius:6px;overflow-x:auto;white-space:pre-wrap;"
  "word-break:break-all;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;max-height:420px;overflow-y:auto}"
  "pre mark{background:#f2cc60;color:#000;border-radius:2px}"
  "h4{margin:14px 0 4px;font-size:13px;color:#424a53}"
  "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de;border-radius:8px;font-size:13px}"
  "th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eaeef2;vertical-align:top}th{background:#f6f8fa;font-weight:600}"
  "td.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}"
  ".muted{color:#57606a}footer{color:#57606a;font-size:12px;text-align:center;padding:24px}"
  "@media(max-width:800px){.charts{grid-template-columns:1fr}main{padding:16px}}"
  "@media print{details{display:block}details>summary{list-style:none}}";

static void esc(struct dast__w *w, const char *s) { dast__w_xml(w, s); }

static const char *sev_color(const char *sev)
{
  int r = dast__sev_rank(sev);
  return r >= 0 ? sev_colors[DAST_SEV_CRITICAL - r] : "#8c959f";
}

static void head(struct dast__w *w, const json_t *scan)
{
  dast__w_s(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>dastgate report \xE2\x80\x94 ");
  esc(w, dast__js(scan, "target"));
  dast__w_s(w, "</title>\n<style>");
  dast__w_s(w, css);
  dast__w_s(w, "</style>\n</head>\n<body>\n<header class=\"top\"><div class=\"brand\">dastgate</div><div class=\"meta\">Target <b>");
  esc(w, dast__js(scan, "target"));
  dast__w_s(w, "</b> \xC2\xB7 started <b>");
  esc(w, dast__js(scan, "started"));
  dast__w_f(w, "</b> \xC2\xB7 duration <b>%.1f s</b> \xC2\xB7 profile <b>", json_number_value(json_object_get(scan, "duration")));
  esc(w, dast__js(scan, "profile"));
  dast__w_s(w, "</b> \xC2\xB7 seed <b>");
  esc(w, dast__js(scan, "seed"));
  dast__w_s(w, "</b></div></header>\n<main>\n");
}

static void verdict(struct dast__w *w, const json_t *r)
{
  const json_t *gate = json_object_get(r, "gate"), *scan = json_object_get(r, "scan");
  const char *v = gate ? dast__js(gate, "verdict") : "none";
  static const char *const known[] = {"pass", "fail", "incomplete"};
  static const char *const titles[] = {"Gate passed: the build may be promoted",
                                       "Gate failed: findings block promotion",
                                       "Scan incomplete: the gate cannot pass"};
  int k = -1;
  for(int i = 0; i < 3; i++)
    if(!strcmp(v, known[i])) k = i;
  dast__w_f(w, "<section class=\"verdict %s\"><div class=\"badge\">%s</div><div><h1>%s</h1>\n",
            k >= 0 ? known[k] : "none", k == 0 ? "PASS" : k == 1 ? "FAIL" : k == 2 ? "INCOMPLETE" : "NOT GATED",
            k >= 0 ? titles[k] : "The gate was not evaluated for this report");
  dast__w_s(w, "<ul>\n");
  size_t i;
  json_t *reason;
  json_array_foreach(json_object_get(gate, "reasons"), i, reason)
  {
    dast__w_s(w, "<li>");
    esc(w, json_string_value(reason));
    dast__w_s(w, "</li>\n");
  }
  if(!gate && dast__jb(scan, "incomplete")) {
    dast__w_s(w, "<li>scan incomplete: ");
    esc(w, dast__js(scan, "incomplete_reason"));
    dast__w_s(w, "</li>\n");
  }
  dast__w_s(w, "</ul>\n");
  if(gate) {
    const json_t *pol = json_object_get(gate, "policy");
    dast__w_s(w, "<p class=\"policy\">Policy: fail on <b>");
    esc(w, dast__js(pol, "fail_on"));
    dast__w_f(w, "</b>%s \xC2\xB7 exit code <b>%lld</b></p>\n",
              dast__jb(pol, "fail_on_new_only") ? " (new findings only)" : "", (long long)dast__ji(gate, "exit_code"));
  }
  const json_t *c = json_object_get(gate, "counts");
  if(c) {
    dast__w_f(w, "<p class=\"policy\">%lld failing \xC2\xB7 %lld below the threshold \xC2\xB7 %lld suppressed",
              (long long)dast__ji(c, "fail"), (long long)dast__ji(c, "below_threshold"), (long long)dast__ji(c, "suppressed"));
    if(dast__ji(c, "suppression_expired"))
      dast__w_f(w, " \xC2\xB7 <b>%lld expired suppression%s</b>", (long long)dast__ji(c, "suppression_expired"),
                dast__ji(c, "suppression_expired") == 1 ? "" : "s");
    if(json_object_get(r, "fixed"))
      dast__w_f(w, " \xC2\xB7 baseline: %lld new, %lld existing, %zu fixed", (long long)dast__ji(c, "new"),
                (long long)dast__ji(c, "existing"), json_array_size(json_object_get(r, "fixed")));
    dast__w_s(w, "</p>\n");
  }
  dast__w_s(w, "</div></section>\n");
}

static void card(struct dast__w *w, const char *label, const char *value)
{
  dast__w_s(w, "<div class=\"card\"><div class=\"n\">");
  esc(w, value);
  dast__w_s(w, "</div><div class=\"l\">");
  esc(w, label);
  dast__w_s(w, "</div></div>\n");
}

static void cards(struct dast__w *w, const json_t *r)
{
  const json_t *cov = json_object_get(r, "coverage"), *gate = json_object_get(r, "gate");
  char v[64];
  dast__w_s(w, "<section class=\"cards\">\n");
  snprintf(v, sizeof(v), "%zu", json_array_size(json_object_get(r, "findings")));
  card(w, "Findings", v);
  size_t failing = 0, i;
  json_t *f;
  json_array_foreach(json_object_get(r, "findings"), i, f) failing += !strcmp(dast__finding_gate(f), "fail");
  snprintf(v, sizeof(v), "%zu", failing);
  card(w, gate ? "Failing the gate" : "High+ confirmed", v);
  snprintf(v, sizeof(v), "%zu", json_array_size(json_object_get(r, "inventory")));
  card(w, "Endpoints", v);
  snprintf(v, sizeof(v), "%lld", (long long)dast__ji(cov, "insertion_points"));
  card(w, "Insertion points", v);
  snprintf(v, sizeof(v), "%lld", (long long)dast__ji(cov, "requests"));
  card(w, "Requests", v);
  snprintf(v, sizeof(v), "%lld", (long long)dast__ji(cov, "errors_total"));
  card(w, "Network errors", v);
  dast__w_s(w, "</section>\n");
}

/* A horizontal bar chart: n bars with labels, values and colours. */
static void bar_chart(struct dast__w *w, const char *title, const char *const *labels, const size_t *values,
                      const char *const *colors, size_t n)
{
  size_t max = 1;
  for(size_t i = 0; i < n; i++)
    if(values[i] > max) max = values[i];
  unsigned h = (unsigned)(n ? n * 28 + 8 : 36);
  dast__w_s(w, "<div class=\"panel\"><h3>");
  esc(w, title);
  dast__w_f(w, "</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%%\" height=\"%u\" viewBox=\"0 0 520 %u\" role=\"img\" aria-label=\"", h, h);
  esc(w, title);
  dast__w_s(w, "\">\n");
  if(!n) dast__w_s(w, "<text x=\"0\" y=\"22\" font-size=\"13\" fill=\"#57606a\">No findings</text>\n");
  for(size_t i = 0; i < n; i++) {
    unsigned y = (unsigned)(i * 28 + 4);
    unsigned wbar = values[i] ? (unsigned)(4 + values[i] * 330 / max) : 0;
    dast__w_f(w, "<text x=\"128\" y=\"%u\" font-size=\"13\" text-anchor=\"end\" fill=\"#424a53\">", y + 15);
    char *label = dast__utf8_prefix(labels[i], 18);
    esc(w, label);
    free(label);
    dast__w_f(w, "</text><rect x=\"136\" y=\"%u\" width=\"%u\" height=\"20\" rx=\"3\" fill=\"%s\"/>"
                 "<text x=\"%u\" y=\"%u\" font-size=\"13\" font-weight=\"600\" fill=\"#1f2328\">%zu</text>\n",
              y, wbar, colors ? colors[i] : "#57606a", 136 + wbar + 6, y + 15, values[i]);
  }
  dast__w_s(w, "</svg></div>\n");
}

/* Severity and class charts.  Classes keep the order of their worst
 * finding (findings are sorted worst first) and take its colour. */
static void charts(struct dast__w *w, const json_t *r)
{
  size_t sev[5] = {0}, i, nc = 0;
  size_t nf = json_array_size(json_object_get(r, "findings"));
  const char **labels = dast_calloc(nf + 1, sizeof(*labels)), **colors = dast_calloc(nf + 1, sizeof(*colors));
  size_t *vals = dast_calloc(nf + 1, sizeof(*vals));
  json_t *f, *index = json_object(); /* class -> position */
  json_array_foreach(json_object_get(r, "findings"), i, f)
  {
    int s = dast__sev_rank(dast__js(f, "severity"));
    if(s >= 0) sev[DAST_SEV_CRITICAL - s]++;
    const char *cls = *dast__js(f, "class") ? dast__js(f, "class") : "other";
    json_t *pos = json_object_get(index, cls);
    if(!pos) {
      pos = json_integer((json_int_t)nc);
      if(json_object_set_new(index, cls, pos)) dast_oom();
      labels[nc] = json_object_iter_key(json_object_iter_at(index, cls)); /* lives as long as index */
      colors[nc++] = sev_color(dast__js(f, "severity"));
    }
    vals[json_integer_value(pos)]++;
  }
  dast__w_s(w, "<h2>Summary</h2>\n<section class=\"charts\">\n");
  bar_chart(w, "Findings by severity", sev_names, sev, sev_colors, 5);
  bar_chart(w, "Findings by class (colour: worst severity)", labels, vals, colors, nc);
  free(labels);
  free(colors);
  free(vals);
  json_decref(index);
  dast__w_s(w, "</section>\n");
}

/* Text with ">>>match<<<" markers shown as <mark>. */
static void pre_marked(struct dast__w *w, const char *s)
{
  dast__w_s(w, "<pre>");
  char *copy = dast_strdup(s);
  char *p = copy;
  while(*p) {
    char *open = strstr(p, ">>>");
    char *close = open ? strstr(open + 3, "<<<") : NULL;
    if(!open || !close) break;
    *open = 0;
    *close = 0;
    esc(w, p);
    dast__w_s(w, "<mark>");
    esc(w, open + 3);
    dast__w_s(w, "</mark>");
    p = close + 3;
  }
  esc(w, p);
  free(copy);
  dast__w_s(w, "</pre>\n");
}

static void kv(struct dast__w *w, const char *label, const char *value)
{
  if(!value || !*value) return;
  dast__w_f(w, "<dt>%s</dt><dd>", label);
  esc(w, value);
  dast__w_s(w, "</dd>\n");
}

static void block(struct dast__w *w, const json_t *f, const char *label, const char *key, bool pre)
{
  const char *v = json_string_value(json_object_get(f, key));
  if(!v || !*v) return;
  dast__w_f(w, "<h4>%s</h4>\n", label);
  if(pre) {
    pre_marked(w, v);
  } else {
    dast__w_s(w, "<p>");
    esc(w, v);
    dast__w_s(w, "</p>\n");
  }
}

static void references(struct dast__w *w, const json_t *f)
{
  const json_t *refs = json_object_get(f, "references");
  if(!json_array_size(refs)) return;
  dast__w_s(w, "<h4>References</h4>\n<ul>\n");
  size_t i;
  json_t *ref;
  json_array_foreach(refs, i, ref)
  {
    const char *u = json_string_value(ref);
    if(!u) continue;
    bool link = dast_strcaseprefix(u, "https://") || dast_strcaseprefix(u, "http://");
    dast__w_s(w, "<li>");
    if(link) {
      dast__w_s(w, "<a href=\"");
      esc(w, u);
      dast__w_s(w, "\" rel=\"noreferrer noopener\">");
    }
    esc(w, u);
    dast__w_s(w, link ? "</a></li>\n" : "</li>\n");
  }
  dast__w_s(w, "</ul>\n");
}

static void finding(struct dast__w *w, const json_t *f)
{
  const char *gate = dast__finding_gate(f);
  /* failing findings are open: that is what the reader came for */
  dast__w_f(w, "<details class=\"finding\"%s style=\"border-left-color:%s\"><summary><span class=\"sev\" style=\"background:%s\">",
            !strcmp(gate, "fail") ? " open" : "", sev_color(dast__js(f, "severity")), sev_color(dast__js(f, "severity")));
  esc(w, dast__js(f, "severity"));
  dast__w_s(w, "</span><strong>");
  esc(w, dast__js(f, "title"));
  dast__w_s(w, "</strong><span class=\"ep\">");
  esc(w, dast__js(f, "method"));
  dast__w_s(w, " ");
  esc(w, dast__js(f, "template"));
  if(json_is_string(json_object_get(f, "param"))) {
    dast__w_s(w, " [");
    esc(w, dast__js(f, "param"));
    dast__w_s(w, "]");
  }
  dast__w_s(w, "</span><span class=\"tag\">");
  esc(w, dast__js(f, "confidence"));
  dast__w_s(w, "</span><span class=\"tag ");
  esc(w, gate);
  dast__w_s(w, "\">");
  esc(w, gate);
  dast__w_s(w, "</span>");
  if(!strcmp(dast__js(f, "baseline"), "new")) dast__w_s(w, "<span class=\"tag new\">new</span>");
  dast__w_s(w, "</summary>\n<div class=\"body\">\n<dl class=\"kv\">\n");
  kv(w, "Check", dast__js(f, "check"));
  char cwe[32] = "";
  if(dast__ji(f, "cwe") > 0) snprintf(cwe, sizeof(cwe), "CWE-%lld", (long long)dast__ji(f, "cwe"));
  kv(w, "CWE", cwe);
  kv(w, "OWASP", dast__js(f, "owasp"));
  kv(w, "URL", dast__js(f, "url"));
  kv(w, "Parameter", dast__js(f, "param"));
  kv(w, "Location", dast__js(f, "param_kind"));
  kv(w, "Fingerprint", dast__js(f, "fingerprint"));
  const json_t *sup = json_object_get(f, "suppression");
  if(!sup) sup = json_object_get(f, "expired_suppression");
  if(sup) {
    char *t = dast_aprintf("%s%s \xE2\x80\x94 %s (by %s, expires %s)",
                           json_object_get(f, "suppression") ? "" : "EXPIRED ",
                           json_object_get(f, "suppression") ? "suppressed" : "suppression",
                           dast__js(sup, "reason"), *dast__js(sup, "by") ? dast__js(sup, "by") : "?",
                           *dast__js(sup, "expires") ? dast__js(sup, "expires") : "never");
    kv(w, "Suppression", t);
    free(t);
  }
  dast__w_s(w, "</dl>\n");
  block(w, f, "Description", "description", false);
  block(w, f, "Evidence", "evidence", false);
  block(w, f, "Payload", "payload", true);
  block(w, f, "Reproduce with curl", "curl", true);
  block(w, f, "Request", "request", true);
  block(w, f, "Response excerpt", "response", true);
  block(w, f, "Remediation", "remediation", false);
  references(w, f);
  dast__w_s(w, "</div></details>\n");
}

static void findings(struct dast__w *w, const json_t *r)
{
  const json_t *fs = json_object_get(r, "findings");
  dast__w_f(w, "<h2>Findings (%zu)</h2>\n", json_array_size(fs));
  if(!json_array_size(fs)) {
    dast__w_s(w, "<p class=\"muted\">No findings.</p>\n");
    return;
  }
  json_t *done = json_object();
  size_t i, j;
  json_t *f, *g;
  json_array_foreach(fs, i, f) /* classes in order of their worst finding */
  {
    const char *cls = *dast__js(f, "class") ? dast__js(f, "class") : "other";
    if(json_object_get(done, cls)) continue;
    if(json_object_set_new(done, cls, json_true())) dast_oom();
    size_t n = 0, nfail = 0;
    json_array_foreach(fs, j, g) if(!strcmp(*dast__js(g, "class") ? dast__js(g, "class") : "other", cls))
    {
      n++;
      nfail += !strcmp(dast__finding_gate(g), "fail");
    }
    dast__w_s(w, "<details class=\"class\" open><summary>");
    esc(w, cls);
    dast__w_f(w, " <span class=\"muted\">\xC2\xB7 %zu finding%s%s", n, n == 1 ? "" : "s", nfail ? ", " : "");
    if(nfail) dast__w_f(w, "%zu failing the gate", nfail);
    dast__w_s(w, "</span></summary><div>\n");
    json_array_foreach(fs, j, g) if(!strcmp(*dast__js(g, "class") ? dast__js(g, "class") : "other", cls)) finding(w, g);
    dast__w_s(w, "</div></details>\n");
  }
  json_decref(done);
}

static void fixed(struct dast__w *w, const json_t *r)
{
  const json_t *fx = json_object_get(r, "fixed");
  if(!fx) return;
  dast__w_f(w, "<h2>Fixed since the baseline (%zu)</h2>\n", json_array_size(fx));
  if(!json_array_size(fx)) {
    dast__w_s(w, "<p class=\"muted\">No baseline finding disappeared.</p>\n");
    return;
  }
  dast__w_s(w, "<table><tr><th>Severity</th><th>Finding</th><th>Endpoint</th><th>Re-tested</th></tr>\n");
  size_t i;
  json_t *f;
  json_array_foreach(fx, i, f)
  {
    dast__w_s(w, "<tr><td>");
    esc(w, dast__js(f, "severity"));
    dast__w_s(w, "</td><td>");
    esc(w, dast__js(f, "title"));
    dast__w_s(w, "</td><td class=\"mono\">");
    esc(w, dast__js(f, "method"));
    dast__w_s(w, " ");
    esc(w, dast__js(f, "template"));
    dast__w_f(w, "</td><td>%s</td></tr>\n", dast__jb(f, "retested") ? "yes" : "no (not covered by this scan)");
  }
  dast__w_s(w, "</table>\n");
}

dast_err dast__render_html(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen)
{
  (void)errbuf, (void)errlen;
  const json_t *scan = json_object_get(r, "scan");
  head(w, scan);
  verdict(w, r);
  cards(w, r);
  charts(w, r);
  findings(w, r);
  fixed(w, r);
  dast__html_sitemap(w, r);
  dast__html_coverage(w, r);
  dast__html_tests(w, r);
  dast__w_s(w, "</main>\n<footer>Generated by dastgate ");
  esc(w, dast__js(scan, "version"));
  dast__w_s(w, " \xC2\xB7 schema dastgate/1 \xC2\xB7 finished ");
  esc(w, dast__js(scan, "finished"));
  dast__w_s(w, "</footer>\n</body>\n</html>\n");
  return DAST_OK;
}
