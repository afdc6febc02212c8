/* test_report_formats.c — each output format produced from the hostile
 * fixture and checked by an outside validator:
 *   JSON   against reports/dastgate-report.schema.json (ajv, via node)
 *   JUnit  against shared/schemas/junit-jenkins.xsd (xmllint)
 *   SARIF  against shared/schemas/sarif-schema-2.1.0.json (ajv draft-04)
 *   HTML   loaded in headless Chromium: DOM dump (no injected elements),
 *          console errors, and a screenshot
 * plus golden files for JUnit and Markdown (tests/data/reports/, volatile
 * fields normalised; DAST_UPDATE_GOLDEN=1 rewrites them) and structural
 * checks of each format.  A validator that is not installed skips its check
 * with a message instead of failing.  DAST_KEEP_REPORTS=1 keeps the output
 * directory (printed) for a look at the files. */
#include "tests/unit/harness.h"
#include "tests/unit/test_report_fixture.h"

#define SHARED_SCHEMAS DAST_SOURCE_DIR "/../shared/schemas"
#define VALIDATE_SH DAST_SOURCE_DIR "/tests/reports/validate.sh"

/* Writes the fixture, gated with a suppression, an expired suppression and
 * a baseline (so every optional member appears), in `f` to dir/name; owned
 * path. */
static char *write_fixture(const char *dir, const char *name, enum dast_report_format f)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated_rich(&x, dir);
  char *path = dast_aprintf("%s/%s", dir, name);
  char err[256];
  if(dast_report_write(doc, f, path, err, sizeof(err)) != DAST_OK) {
    fprintf(stderr, "  write %s: %s\n", path, err);
    free(path);
    path = NULL;
  }
  json_decref(doc);
  fx_free(&x);
  return path;
}

static void cleanup(char *dir)
{
  if(getenv("DAST_KEEP_REPORTS")) fprintf(stderr, "  reports kept in %s\n", dir);
  else fx_rmrf(dir);
  free(dir);
}

/* Replaces ISO-8601 timestamps with @TIME@ and the version with @VERSION@. */
static char *normalise(const char *s)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  size_t vlen = strlen(DAST_VERSION);
  for(size_t i = 0; s[i];) {
    const char *p = s + i;
    bool ts = strlen(p) >= 20;
    for(int k = 0; ts && k < 20; k++) {
      char c = p[k];
      ts = (k == 4 || k == 7) ? c == '-' : k == 10 ? c == 'T' : (k == 13 || k == 16) ? c == ':' : k == 19 ? c == 'Z' : (c >= '0' && c <= '9');
    }
    if(ts) {
      if(dast_buf_adds(&b, "@TIME@")) break;
      i += 20;
    } else if(!strncmp(p, DAST_VERSION, vlen) && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '"')) {
      if(dast_buf_adds(&b, "@VERSION@")) break;
      i += vlen;
    } else {
      if(dast_buf_add(&b, p, 1)) break;
      i++;
    }
  }
  return dast_buf_take(&b, NULL);
}

static bool golden(const char *name, const char *actual)
{
  char *path = dast_aprintf("%s/reports/%s", DAST_TEST_DATA, name);
  char *norm = normalise(actual);
  bool ok;
  if(getenv("DAST_UPDATE_GOLDEN")) {
    ok = fx_spit(path, norm);
    fprintf(stderr, "  golden %s rewritten\n", path);
  } else {
    char *want = fx_slurp(path);
    ok = want && !strcmp(want, norm);
    if(!ok) {
      char *tmp = dast_aprintf("%s.actual", path);
      if(fx_spit(tmp, norm)) fprintf(stderr, "  %s differs; actual output in %s (diff them)\n", path, tmp);
      free(tmp);
    }
    free(want);
  }
  free(norm);
  free(path);
  return ok;
}

TEST(junit_golden)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated(&x);
  char *xml = fx_render(doc, DAST_FMT_JUNIT);
  ASSERT(xml != NULL);
  ASSERT(golden("junit.golden.xml", xml));
  free(xml);
  json_decref(doc);
  fx_free(&x);
}

/* The same with a suppression, an expired one and a baseline. */
TEST(junit_and_markdown_golden_with_baseline_and_suppressions)
{
  struct fixture x;
  fx_init(&x);
  char *dir = fx_tmpdir();
  json_t *doc = fx_gated_rich(&x, dir);
  char *xml = fx_render(doc, DAST_FMT_JUNIT), *md = fx_render(doc, DAST_FMT_MD);
  ASSERT(xml && md);
  ASSERT(golden("junit-baseline.golden.xml", xml));
  ASSERT(golden("summary-baseline.golden.md", md));
  ASSERT_CONTAINS(md, "1 suppression expired");
  ASSERT_CONTAINS(md, "Baseline: 1 new, 4 existing, 1 fixed.");
  free(xml);
  free(md);
  json_decref(doc);
  cleanup(dir);
  fx_free(&x);
}

TEST(markdown_golden)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated(&x);
  char *md = fx_render(doc, DAST_FMT_MD);
  ASSERT(md != NULL);
  ASSERT(golden("summary.golden.md", md));
  free(md);
  json_decref(doc);
  fx_free(&x);
}

static size_t count(const char *hay, const char *needle)
{
  size_t n = 0;
  for(const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

TEST(junit_cases_follow_the_gate)
{
  struct fixture x;
  fx_init(&x);
  char err[256];
  char *dir = fx_tmpdir();
  char *sup = dast_aprintf("%s/sup.json", dir);
  json_t *doc = dast_result_to_json(&x.r);
  /* suppress the POST /login sqli finding */
  const char *fp = NULL;
  json_t *fs = json_object_get(doc, "findings");
  for(size_t i = 0; i < json_array_size(fs); i++)
    if(!strcmp(json_string_value(json_object_get(json_array_get(fs, i), "template")), "/login"))
      fp = json_string_value(json_object_get(json_array_get(fs, i), "fingerprint"));
  ASSERT(fp != NULL);
  char *text = dast_aprintf("{\"suppressions\":[{\"fingerprint\":\"%s\",\"reason\":\"test login <only>\",\"by\":\"alice\",\"expires\":\"2099-01-01\"}]}", fp);
  ASSERT(fx_spit(sup, text));
  free(text);
  x.cfg.suppressions_file = dast_strdup(sup);
  struct dast_gate *g = NULL;
  ASSERT_EQ(dast_gate_new(&x.cfg, &g, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(dast_gate_apply(g, doc, FX_STARTED), 1);
  dast_gate_free(g);
  char *xml = fx_render(doc, DAST_FMT_JUNIT);
  ASSERT(xml != NULL);
  /* 7 tested pairs: 3 have findings (1 each) -> replaced by finding cases; 2
   * passive findings without a tested pair; 1 scan completeness case */
  ASSERT_EQ(count(xml, "<testcase "), 10);
  ASSERT_EQ(count(xml, "<failure "), 1);                    /* GET sqli, high confirmed */
  ASSERT_EQ(count(xml, "<skipped message=\"suppressed: test login &lt;only&gt; (by alice), expires 2099-01-01\""), 1);
  ASSERT_EQ(count(xml, "<skipped message=\"not applicable: "), 1);
  ASSERT_EQ(count(xml, "<system-out>Below-threshold finding"), 3);
  ASSERT_CONTAINS(xml, "name=\"sqli-error \xC2\xB7 GET /item/{n}?id= [id]\" classname=\"dastgate.sqli\"");
  ASSERT_CONTAINS(xml, "name=\"xss-reflected \xC2\xB7 GET /item/{n}?id=\" classname=\"dastgate.xss\"");
  ASSERT_CONTAINS(xml, "<testsuite name=\"dastgate.sqli\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\"");
  ASSERT_CONTAINS(xml, "<testsuites name=\"dastgate\" tests=\"10\" failures=\"1\"");
  /* hostile evidence: escaped, control bytes dropped */
  ASSERT_CONTAINS(xml, "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt;");
  ASSERT(!strstr(xml, "\x01"));
  ASSERT(!strstr(xml, "\x1b"));
  ASSERT(!strstr(xml, "<script>"));
  free(xml);
  json_decref(doc);
  free(sup);
  cleanup(dir);
  fx_free(&x);
}

TEST(junit_valid_against_jenkins_xsd)
{
  const char *xsd = SHARED_SCHEMAS "/junit-jenkins.xsd";
  if(access(xsd, R_OK) || fx_sh("command -v xmllint >/dev/null 2>&1")) {
    fprintf(stderr, "  SKIPPED: xmllint or %s not available\n", xsd);
    return;
  }
  char *dir = fx_tmpdir();
  char *path = write_fixture(dir, "junit.xml", DAST_FMT_JUNIT);
  ASSERT(path != NULL);
  char *cmd = dast_aprintf("xmllint --noout --schema '%s' '%s'", xsd, path);
  ASSERT_EQ(fx_sh(cmd), 0);
  free(cmd);
  /* an empty, incomplete scan too (the scan suite fails, nothing else) */
  struct dast_scan_result r;
  memset(&r, 0, sizeof(r));
  r.incomplete = true;
  r.incomplete_reason = "target unreachable";
  json_t *doc = dast_result_to_json(&r);
  char *empty = dast_aprintf("%s/empty.xml", dir);
  char err[256];
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_JUNIT, empty, err, sizeof(err)), DAST_OK);
  cmd = dast_aprintf("xmllint --noout --schema '%s' '%s'", xsd, empty);
  ASSERT_EQ(fx_sh(cmd), 0);
  free(cmd);
  free(empty);
  json_decref(doc);
  free(path);
  cleanup(dir);
}

/* Runs tests/reports/validate.sh; false only on a real validation failure. */
static bool ajv(const char *schema, const char *doc)
{
  if(access(schema, R_OK)) {
    fprintf(stderr, "  SKIPPED: %s not available\n", schema);
    return true;
  }
  char *cmd = dast_aprintf("sh '%s' '%s' '%s'", VALIDATE_SH, schema, doc);
  int rc = fx_sh(cmd);
  free(cmd);
  if(rc == 77) fprintf(stderr, "  SKIPPED: ajv (node/npm) not available\n");
  return rc == 0 || rc == 77;
}

TEST(sarif_valid_against_schema)
{
  char *dir = fx_tmpdir();
  char *path = write_fixture(dir, "report.sarif", DAST_FMT_SARIF);
  ASSERT(path != NULL);
  ASSERT(ajv(SHARED_SCHEMAS "/sarif-schema-2.1.0.json", path));
  char *s = fx_slurp(path);
  json_t *doc = json_loads(s, 0, NULL);
  ASSERT(doc != NULL);
  json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
  ASSERT_STREQ(json_string_value(json_object_get(json_object_get(json_object_get(run, "originalUriBaseIds"), "TARGET"), "uri")),
               "http://127.0.0.1:8080/");
  json_t *results = json_object_get(run, "results");
  ASSERT_EQ(json_array_size(results), 5);
  for(size_t i = 0; i < json_array_size(results); i++) {
    json_t *r = json_array_get(results, i);
    json_t *art = json_object_get(json_object_get(json_array_get(json_object_get(r, "locations"), 0), "physicalLocation"), "artifactLocation");
    const char *uri = json_string_value(json_object_get(art, "uri"));
    ASSERT(uri && !strstr(uri, "://") && uri[0] != '/'); /* relative, as GitHub wants */
    ASSERT_STREQ(json_string_value(json_object_get(art, "uriBaseId")), "TARGET");
    ASSERT(json_object_get(json_object_get(r, "partialFingerprints"), "dastgateFingerprint/v1") != NULL);
    ASSERT(json_object_get(r, "ruleId") != NULL);
  }
  char *all = json_dumps(results, 0);
  ASSERT_CONTAINS(all, "\"suppressions\"");
  ASSERT_CONTAINS(all, "\"baselineState\": \"new\"");
  ASSERT_CONTAINS(all, "\"baselineState\": \"unchanged\"");
  free(all);
  json_t *r0 = json_array_get(results, 0);
  const char *uri0 = json_string_value(json_object_get(json_object_get(json_object_get(
      json_array_get(json_object_get(r0, "locations"), 0), "physicalLocation"), "artifactLocation"), "uri"));
  ASSERT_STREQ(uri0, "item/%7Bn%7D"); /* the template, not the probed URL with its payload */
  ASSERT_STREQ(json_string_value(json_object_get(r0, "level")), "error");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(results, 2), "level")), "warning");
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(results, 4), "level")), "note");
  json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
  ASSERT_EQ(json_array_size(rules), 4); /* sqli-error twice -> one rule */
  char *tags = json_dumps(json_object_get(json_object_get(json_array_get(rules, 0), "properties"), "tags"), 0);
  ASSERT_CONTAINS(tags, "external/cwe/cwe-89");
  free(tags);
  json_decref(doc);
  free(s);
  free(path);
  cleanup(dir);
}

TEST(json_valid_against_own_schema)
{
  char *dir = fx_tmpdir();
  char *path = write_fixture(dir, "scan.json", DAST_FMT_JSON);
  ASSERT(path != NULL);
  ASSERT(ajv(DAST_SOURCE_DIR "/reports/dastgate-report.schema.json", path));
  char *text = fx_slurp(path);
  ASSERT_CONTAINS(text, "\"suppression_expired\"");
  ASSERT_CONTAINS(text, "\"suppression\"");
  ASSERT_CONTAINS(text, "\"fixed\"");
  ASSERT_CONTAINS(text, "\"baseline\": \"new\"");
  free(text);
  /* the ungated document too (what the service stores before gating) */
  struct fixture x;
  fx_init(&x);
  json_t *doc = dast_result_to_json(&x.r);
  char err[256];
  char *raw = dast_aprintf("%s/raw.json", dir);
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_JSON, raw, err, sizeof(err)), DAST_OK);
  ASSERT(ajv(DAST_SOURCE_DIR "/reports/dastgate-report.schema.json", raw));
  /* and a broken one must be rejected, or the check proves nothing */
  json_object_set_new(json_array_get(json_object_get(doc, "findings"), 0), "severity", json_string("severe"));
  ASSERT_EQ(dast_report_write(doc, DAST_FMT_JSON, raw, err, sizeof(err)), DAST_OK);
  char *cmd = dast_aprintf("sh '%s' '%s' '%s' 2>/dev/null", VALIDATE_SH, DAST_SOURCE_DIR "/reports/dastgate-report.schema.json", raw);
  int rc = fx_sh(cmd);
  ASSERT(rc == 1 || rc == 77);
  free(cmd);
  free(raw);
  json_decref(doc);
  fx_free(&x);
  free(path);
  cleanup(dir);
}

TEST(html_is_escaped_and_self_contained)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated(&x);
  char *html = fx_render(doc, DAST_FMT_HTML);
  ASSERT(html != NULL);
  ASSERT(!strstr(html, "<script"));
  ASSERT(!strstr(html, "<svg onload"));
  ASSERT(!strstr(html, "href=\"javascript:"));
  ASSERT_CONTAINS(html, "&lt;svg onload=alert(1)&gt;");
  ASSERT_CONTAINS(html, "Content-Security-Policy");
  ASSERT(!strstr(html, "src=\"http"));
  ASSERT(!strstr(html, "<link "));
  ASSERT_CONTAINS(html, "<mark>&#39;1&#39;&#39;</mark>"); /* the match marked */
  ASSERT_CONTAINS(html, "<details class=\"class\" open><summary>sqli");
  ASSERT_CONTAINS(html, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
  ASSERT_CONTAINS(html, "FAIL");
  ASSERT(!strstr(html, "\x01"));
  free(html);
  json_decref(doc);
  fx_free(&x);
}

TEST(html_renders_in_chromium)
{
  const char *chrome = !fx_sh("command -v chromium >/dev/null 2>&1")        ? "chromium"
                       : !fx_sh("command -v chromium-browser >/dev/null 2>&1") ? "chromium-browser"
                                                                                : NULL;
  if(!chrome) {
    fprintf(stderr, "  SKIPPED: chromium not installed (apt-get install chromium)\n");
    return;
  }
  char *dir = fx_tmpdir();
  char *path = write_fixture(dir, "report.html", DAST_FMT_HTML);
  ASSERT(path != NULL);
  const char *flags = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                      "--disable-background-networking --disable-component-update --disable-sync "
                      "--disable-dev-shm-usage --enable-logging=stderr --v=0";
  char *cmd = dast_aprintf("cd '%s' && timeout 45 %s %s --user-data-dir='%s/profile' --dump-dom 'file://%s' "
                           ">'%s/dom.html' 2>'%s/console.log'",
                           dir, chrome, flags, dir, path, dir, dir);
  ASSERT_EQ(fx_sh(cmd), 0);
  free(cmd);
  cmd = dast_aprintf("cd '%s' && timeout 45 %s %s --user-data-dir='%s/profile' --hide-scrollbars "
                     "--window-size=1280,2000 --screenshot='%s/report.png' 'file://%s' >/dev/null 2>>'%s/console.log'",
                     dir, chrome, flags, dir, dir, path, dir);
  ASSERT_EQ(fx_sh(cmd), 0);
  free(cmd);
  char *dom = dast_aprintf("%s/dom.html", dir), *log = dast_aprintf("%s/console.log", dir);
  char *png = dast_aprintf("%s/report.png", dir);
  char *d = fx_slurp(dom), *l = fx_slurp(log);
  ASSERT(d && l);
  ASSERT_CONTAINS(d, "Gate failed");
  ASSERT_CONTAINS(d, "&lt;svg onload=alert(1)&gt;"); /* still text after parsing */
  ASSERT(!strstr(d, "<script"));
  ASSERT_EQ(count(d, "<details class=\"finding\""), 5);
  ASSERT(!strstr(l, "Uncaught"));
  ASSERT(!strstr(l, "Refused to")); /* nothing tried to load past the CSP */
  ASSERT(!strstr(l, ":CONSOLE")); /* any console message: error, CSP violation, log */
  struct stat st;
  ASSERT(stat(png, &st) == 0 && st.st_size > 10000);
  free(d);
  free(l);
  free(dom);
  free(log);
  free(png);
  free(path);
  cleanup(dir);
}

TEST(markdown_is_short_and_safe)
{
  struct fixture x;
  fx_init(&x);
  json_t *doc = fx_gated(&x);
  char *md = fx_render(doc, DAST_FMT_MD);
  ASSERT(md != NULL);
  ASSERT_CONTAINS(md, "**FAIL**");
  ASSERT_CONTAINS(md, "| high | 2 | 2 | 0 |");
  ASSERT_CONTAINS(md, "[sqli-error in id](https://cwe.mitre.org/data/definitions/89.html)");
  ASSERT(!strstr(md, "<svg"));
  ASSERT(!strstr(md, "<script"));
  ASSERT(!strstr(md, "Set-Cookie")); /* no raw evidence in a PR comment */
  ASSERT_LE(strlen(md), 4000);
  free(md);
  json_decref(doc);
  fx_free(&x);
}

RUN_TESTS()
