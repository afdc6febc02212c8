/* report_html_tables.c — the tabular sections of the HTML report: the site
 * map (inventory), coverage counters and the list of tested checks.  Split
 * from report_html.c to keep files short; same rules: every document string
 * goes through dast__w_xml(), numbers are formatted here. */
#include <string.h>

#include "reports/report_int.h"

static void esc(struct dast__w *w, const char *s) { dast__w_xml(w, s); }

void dast__html_sitemap(struct dast__w *w, const json_t *r)
{
  const json_t *inv = json_object_get(r, "inventory");
  dast__w_f(w, "<h2>Site map (%zu endpoints)</h2>\n", json_array_size(inv));
  if(!json_array_size(inv)) {
    dast__w_s(w, "<p class=\"muted\">No endpoint was found.</p>\n");
    return;
  }
  dast__w_s(w, "<details class=\"class\"><summary>Endpoints</summary><div>\n<table><tr><th>Method</th><th>Template</th>"
               "<th>Found by</th><th>Status</th><th>Body</th><th>Insertion points</th></tr>\n");
  size_t i, k;
  json_t *e, *p;
  json_array_foreach(inv, i, e)
  {
    dast__w_s(w, "<tr><td class=\"mono\">");
    esc(w, dast__js(e, "method"));
    dast__w_s(w, "</td><td class=\"mono\">");
    esc(w, *dast__js(e, "template") ? dast__js(e, "template") : dast__js(e, "url"));
    dast__w_s(w, "</td><td>");
    esc(w, dast__js(e, "source"));
    dast__w_f(w, "</td><td>%lld</td><td>", (long long)dast__ji(e, "status"));
    esc(w, dast__js(e, "content_type"));
    dast__w_s(w, "</td><td class=\"mono\">");
    json_array_foreach(json_object_get(e, "params"), k, p)
    {
      if(k) dast__w_s(w, ", ");
      esc(w, dast__js(p, "name"));
      dast__w_s(w, " <span class=\"muted\">(");
      esc(w, dast__js(p, "kind"));
      if(*dast__js(p, "type")) {
        dast__w_s(w, ", ");
        esc(w, dast__js(p, "type"));
      }
      dast__w_s(w, ")</span>");
    }
    dast__w_s(w, "</td></tr>\n");
  }
  dast__w_s(w, "</table></div></details>\n");
}

static void row(struct dast__w *w, const char *label, int decimals, double v)
{
  dast__w_f(w, "<tr><th>%s</th><td>", label);
  dast__w_f(w, "%.*f", decimals, v);
  dast__w_s(w, "</td></tr>\n");
}

void dast__html_coverage(struct dast__w *w, const json_t *r)
{
  const json_t *c = json_object_get(r, "coverage"), *lat = json_object_get(c, "latency_ms");
  dast__w_s(w, "<h2>Coverage</h2>\n<table>\n");
  row(w, "Pages crawled", 0, (double)dast__ji(c, "pages"));
  row(w, "Endpoints", 0, (double)json_array_size(json_object_get(r, "inventory")));
  row(w, "Insertion points", 0, (double)dast__ji(c, "insertion_points"));
  row(w, "Requests", 0, (double)dast__ji(c, "requests"));
  row(w, "Requests per second", 1, json_number_value(json_object_get(c, "requests_per_second")));
  row(w, "Out of scope (not sent)", 0, (double)dast__ji(c, "out_of_scope"));
  dast__w_f(w, "<tr><th>Latency</th><td>p50 %.1f ms \xC2\xB7 p90 %.1f ms \xC2\xB7 p99 %.1f ms</td></tr>\n",
            json_number_value(json_object_get(lat, "p50")), json_number_value(json_object_get(lat, "p90")),
            json_number_value(json_object_get(lat, "p99")));
  dast__w_s(w, "<tr><th>Network errors</th><td>");
  const char *k;
  json_t *v;
  bool any = false;
  json_object_foreach(json_object_get(c, "errors"), k, v)
  {
    if(!json_integer_value(v)) continue;
    if(any) dast__w_s(w, " \xC2\xB7 ");
    esc(w, k);
    dast__w_f(w, " %lld", (long long)json_integer_value(v));
    any = true;
  }
  dast__w_s(w, any ? "</td></tr>\n" : "none</td></tr>\n");
  dast__w_s(w, "<tr><th>Checks run</th><td class=\"mono\">");
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(c, "checks_run"), i, e)
  {
    if(i) dast__w_s(w, ", ");
    esc(w, json_string_value(e));
  }
  dast__w_s(w, "</td></tr>\n</table>\n");
  const json_t *sk = json_object_get(c, "skipped");
  if(!json_array_size(sk)) return;
  dast__w_f(w, "<details class=\"class\"><summary>Skipped URLs (%zu)</summary><div><table><tr><th>URL</th><th>Reason</th></tr>\n",
            json_array_size(sk));
  json_array_foreach(sk, i, e)
  {
    dast__w_s(w, "<tr><td class=\"mono\">");
    esc(w, dast__js(e, "url"));
    dast__w_s(w, "</td><td>");
    esc(w, dast__js(e, "reason"));
    dast__w_s(w, "</td></tr>\n");
  }
  dast__w_s(w, "</table></div></details>\n");
}

void dast__html_tests(struct dast__w *w, const json_t *r)
{
  const json_t *ts = json_object_get(r, "tests");
  size_t applicable = 0, i;
  json_t *t;
  json_array_foreach(ts, i, t) applicable += dast__jb(t, "applicable");
  dast__w_f(w, "<h2>Checks tested</h2>\n<p class=\"muted\">%zu check \xC3\x97 endpoint pairs, %zu applicable.</p>\n",
            json_array_size(ts), applicable);
  if(!json_array_size(ts)) return;
  dast__w_s(w, "<details class=\"class\"><summary>All tested pairs</summary><div><table><tr><th>Class</th><th>Check</th>"
               "<th>Endpoint</th><th>Applicable</th></tr>\n");
  json_array_foreach(ts, i, t)
  {
    dast__w_s(w, "<tr><td>");
    esc(w, dast__js(t, "class"));
    dast__w_s(w, "</td><td class=\"mono\">");
    esc(w, dast__js(t, "check"));
    dast__w_s(w, "</td><td class=\"mono\">");
    esc(w, dast__js(t, "method"));
    dast__w_s(w, " ");
    esc(w, dast__js(t, "template"));
    dast__w_s(w, "</td><td>");
    if(dast__jb(t, "applicable")) dast__w_s(w, "yes");
    else {
      dast__w_s(w, "no");
      if(*dast__js(t, "reason")) {
        dast__w_s(w, ": ");
        esc(w, dast__js(t, "reason"));
      }
    }
    dast__w_s(w, "</td></tr>\n");
  }
  dast__w_s(w, "</table></div></details>\n");
}
