/* report.c — the module's entry points: format names, rendering dispatch,
 * the atomic file writer, and loading + validating a saved report.
 *
 * Rendering always starts from the canonical json_t; the JSON format is that
 * document dumped with stable formatting (2-space indent, members in
 * insertion order, reals with 12 significant digits), so re-rendering a
 * loaded report reproduces it byte for byte.
 *
 * Writing never leaves a partial file behind: output is rendered into
 * memory, written to "<path>.tmp.XXXXXX" in the same directory (mkstemp),
 * fsync()ed and rename()d over the destination.
 *
 * Validation is structural (the fields every renderer and the gate read);
 * the full contract is reports/dastgate-report.schema.json, which the tests
 * check produced documents against. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/report_int.h"

static const char *const fmt_names[] = {"json", "junit", "sarif", "html", "md"};

int dast_report_format_parse(const char *name)
{
  if(!name) return -1;
  for(int i = 0; i < (int)(sizeof(fmt_names) / sizeof(fmt_names[0])); i++)
    if(!strcmp(name, fmt_names[i])) return i;
  if(!strcmp(name, "xml")) return DAST_FMT_JUNIT;
  if(!strcmp(name, "markdown")) return DAST_FMT_MD;
  return -1;
}

const char *dast_report_format_name(enum dast_report_format f)
{
  return (unsigned)f <= DAST_FMT_MD ? fmt_names[f] : "unknown";
}

static void seterr(char *errbuf, size_t errlen, const char *fmt, ...) DAST_PRINTF(3, 4);
static void seterr(char *errbuf, size_t errlen, const char *fmt, ...)
{
  if(!errbuf || !errlen) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(errbuf, errlen, fmt, ap);
  va_end(ap);
}

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(12))

dast_err dast_report_render(const json_t *report, enum dast_report_format f, struct dast_buf *out,
                            char *errbuf, size_t errlen)
{
  if(!json_is_object(report) || !out) {
    seterr(errbuf, errlen, "report: not a JSON object");
    return DAST_EINVAL;
  }
  struct dast__w w = {out, DAST_OK};
  dast_err err = DAST_OK;
  switch(f) {
  case DAST_FMT_JSON:
    dast__json_write(&w, report, 12); /* = json_dumps(report, DUMP_FLAGS) */
    dast__w_s(&w, "\n");
    break;
  case DAST_FMT_JUNIT: err = dast__render_junit(report, &w, errbuf, errlen); break;
  case DAST_FMT_SARIF: err = dast__render_sarif(report, &w, errbuf, errlen); break;
  case DAST_FMT_HTML: err = dast__render_html(report, &w, errbuf, errlen); break;
  case DAST_FMT_MD: err = dast__render_md(report, &w, errbuf, errlen); break;
  default:
    seterr(errbuf, errlen, "unknown report format %d", (int)f);
    return DAST_EINVAL;
  }
  if(!err && w.err) {
    err = w.err;
    seterr(errbuf, errlen, "%s report: %s", dast_report_format_name(f), dast_strerror(err));
  }
  return err;
}

static dast_err write_all(int fd, const char *p, size_t n)
{
  while(n) {
    ssize_t k = write(fd, p, n);
    if(k < 0 && errno == EINTR) continue;
    if(k <= 0) return DAST_EIO;
    p += k;
    n -= (size_t)k;
  }
  return DAST_OK;
}

dast_err dast_report_write(const json_t *report, enum dast_report_format f, const char *path,
                           char *errbuf, size_t errlen)
{
  if(!path || !*path) {
    seterr(errbuf, errlen, "report: no output path");
    return DAST_EINVAL;
  }
  struct dast_buf b;
  dast_buf_init(&b, 0);
  dast_err err = dast_report_render(report, f, &b, errbuf, errlen);
  if(err) goto out;
  if(!strcmp(path, "-")) {
    if(write_all(STDOUT_FILENO, b.data, b.len)) {
      seterr(errbuf, errlen, "stdout: %s", strerror(errno));
      err = DAST_EIO;
    }
    goto out;
  }
  char *tmp = dast_aprintf("%s.tmp.XXXXXX", path);
  int fd = mkstemp(tmp);
  if(fd < 0) {
    seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
    free(tmp);
    err = DAST_EIO;
    goto out;
  }
  if(fchmod(fd, 0644) || write_all(fd, b.data, b.len) || fsync(fd)) {
    seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
    err = DAST_EIO;
  }
  if(close(fd) && !err) {
    seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
    err = DAST_EIO;
  }
  if(!err && rename(tmp, path)) {
    seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
    err = DAST_EIO;
  }
  if(err) unlink(tmp);
  free(tmp);
out:
  dast_buf_free(&b);
  return err;
}

dast_err dast_report_write_all(const json_t *report, const struct dast_config *cfg, char *errbuf,
                               size_t errlen)
{
  const char *paths[] = {cfg->json_out, cfg->junit_out, cfg->sarif_out, cfg->html_out, cfg->md_out};
  const enum dast_report_format fmts[] = {DAST_FMT_JSON, DAST_FMT_JUNIT, DAST_FMT_SARIF, DAST_FMT_HTML, DAST_FMT_MD};
  dast_err first = DAST_OK;
  for(size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
    if(!paths[i]) continue;
    char msg[512];
    dast_err e = dast_report_write(report, fmts[i], paths[i], msg, sizeof(msg));
    if(e && !first) {
      first = e;
      seterr(errbuf, errlen, "%s", msg);
    }
  }
  return first;
}

/* ---- validation ---- */

struct vctx {
  const char *name;
  char *errbuf;
  size_t errlen;
};

static dast_err bad(const struct vctx *v, const char *field, const char *what)
{
  seterr(v->errbuf, v->errlen, "%s: %s: %s", v->name, field, what);
  return DAST_EPARSE;
}

/* kind: 's' string, 'S' string or null, 'i' integer or null, 'b' boolean,
 * 'a' array, 'o' object. */
static dast_err need(const struct vctx *v, const json_t *o, const char *path, const char *key, char kind)
{
  json_t *j = json_object_get(o, key);
  bool ok;
  switch(kind) {
  case 's': ok = json_is_string(j); break;
  case 'S': ok = !j || json_is_string(j) || json_is_null(j); break;
  case 'i': ok = !j || json_is_integer(j) || json_is_null(j); break;
  case 'b': ok = !j || json_is_boolean(j); break;
  case 'a': ok = json_is_array(j); break;
  default: ok = json_is_object(j); break;
  }
  if(ok) return DAST_OK;
  char field[160];
  snprintf(field, sizeof(field), "%s%s%s", path, *path ? "." : "", key);
  static const char *const what[] = {"expected a string", "expected a string or null",
                                     "expected an integer", "expected true or false",
                                     "expected an array", "expected an object"};
  const char *kinds = "sSibao";
  return bad(v, field, j ? what[strchr(kinds, kind) - kinds] : "missing");
}

static dast_err check_finding(const struct vctx *v, const json_t *f, const char *path)
{
  if(!json_is_object(f)) return bad(v, path, "expected an object");
  static const char *const req[] = {"fingerprint", "check", "severity", "confidence", "title"};
  static const char *const opt[] = {"name", "class", "owasp", "description", "remediation",
                                    "method", "url", "template", "param", "param_kind",
                                    "payload", "evidence", "request", "response", "curl",
                                    "gate", "baseline"};
  dast_err e = DAST_OK;
  for(size_t i = 0; !e && i < sizeof(req) / sizeof(req[0]); i++) e = need(v, f, path, req[i], 's');
  for(size_t i = 0; !e && i < sizeof(opt) / sizeof(opt[0]); i++) e = need(v, f, path, opt[i], 'S');
  if(!e) e = need(v, f, path, "cwe", 'i');
  if(e) return e;
  char field[160], what[200];
  if(dast__sev_rank(dast__js(f, "severity")) < 0) {
    snprintf(field, sizeof(field), "%s.severity", path);
    snprintf(what, sizeof(what), "unknown severity \"%.60s\"", dast__js(f, "severity"));
    return bad(v, field, what);
  }
  if(dast__conf_rank(dast__js(f, "confidence")) < 0) {
    snprintf(field, sizeof(field), "%s.confidence", path);
    snprintf(what, sizeof(what), "unknown confidence \"%.60s\"", dast__js(f, "confidence"));
    return bad(v, field, what);
  }
  static const char *const gates[] = {"", "fail", "below-threshold", "suppressed", "existing"};
  static const char *const bases[] = {"", "new", "existing", "fixed"};
  bool gate_ok = false, base_ok = false;
  for(size_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++) gate_ok |= !strcmp(dast__js(f, "gate"), gates[i]);
  for(size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) base_ok |= !strcmp(dast__js(f, "baseline"), bases[i]);
  if(!gate_ok || !base_ok) {
    snprintf(field, sizeof(field), "%s.%s", path, gate_ok ? "baseline" : "gate");
    return bad(v, field, "unknown value");
  }
  if(!*dast__js(f, "fingerprint")) {
    snprintf(field, sizeof(field), "%s.fingerprint", path);
    return bad(v, field, "empty");
  }
  return DAST_OK;
}

static dast_err check_array(const struct vctx *v, const json_t *doc, const char *key,
                            dast_err (*each)(const struct vctx *, const json_t *, const char *))
{
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(doc, key), i, e)
  {
    char path[64];
    snprintf(path, sizeof(path), "%s[%zu]", key, i);
    dast_err err = each(v, e, path);
    if(err) return err;
  }
  return DAST_OK;
}

static dast_err check_endpoint(const struct vctx *v, const json_t *e, const char *path)
{
  if(!json_is_object(e)) return bad(v, path, "expected an object");
  dast_err err = need(v, e, path, "method", 's');
  if(!err) err = need(v, e, path, "url", 'S');
  if(!err) err = need(v, e, path, "template", 'S');
  if(!err) err = need(v, e, path, "params", 'a');
  return err;
}

static dast_err check_test(const struct vctx *v, const json_t *t, const char *path)
{
  if(!json_is_object(t)) return bad(v, path, "expected an object");
  dast_err err = need(v, t, path, "check", 's');
  if(!err) err = need(v, t, path, "class", 'S');
  if(!err) err = need(v, t, path, "method", 'S');
  if(!err) err = need(v, t, path, "template", 'S');
  if(!err) err = need(v, t, path, "applicable", 'b');
  return err;
}

dast_err dast_report_validate(const json_t *doc, const char *name, char *errbuf, size_t errlen)
{
  struct vctx v = {name ? name : "report", errbuf, errlen};
  if(!json_is_object(doc)) return bad(&v, "(top level)", "expected an object");
  json_t *schema = json_object_get(doc, "schema");
  if(!json_is_string(schema)) return bad(&v, "schema", "missing (not a dastgate report?)");
  if(strcmp(json_string_value(schema), DAST_REPORT_SCHEMA)) {
    char what[120];
    snprintf(what, sizeof(what), "unsupported schema \"%.40s\" (expected \"%s\")",
             json_string_value(schema), DAST_REPORT_SCHEMA);
    return bad(&v, "schema", what);
  }
  dast_err err = need(&v, doc, "", "scan", 'o');
  if(!err) err = need(&v, json_object_get(doc, "scan"), "scan", "started", 's');
  if(!err) err = need(&v, json_object_get(doc, "scan"), "scan", "finished", 's');
  if(!err) err = need(&v, json_object_get(doc, "scan"), "scan", "target", 'S');
  if(!err) err = need(&v, json_object_get(doc, "scan"), "scan", "incomplete", 'b');
  if(!err) err = need(&v, doc, "", "coverage", 'o');
  if(!err) err = need(&v, doc, "", "inventory", 'a');
  if(!err) err = need(&v, doc, "", "findings", 'a');
  if(!err) err = need(&v, doc, "", "tests", 'a');
  if(!err) err = check_array(&v, doc, "inventory", check_endpoint);
  if(!err) err = check_array(&v, doc, "findings", check_finding);
  if(!err) err = check_array(&v, doc, "tests", check_test);
  if(!err && json_object_get(doc, "fixed")) {
    err = need(&v, doc, "", "fixed", 'a');
    if(!err) err = check_array(&v, doc, "fixed", check_finding);
  }
  if(!err && json_object_get(doc, "gate")) err = need(&v, doc, "", "gate", 'o');
  return err;
}

dast_err dast_report_load(const char *path, json_t **out, char *errbuf, size_t errlen)
{
  *out = NULL;
  struct stat st;
  if(stat(path, &st)) {
    seterr(errbuf, errlen, "%s: %s", path, strerror(errno));
    return DAST_EIO;
  }
  if(!S_ISREG(st.st_mode) || (uint64_t)st.st_size > DAST_REPORT_FILE_CAP) {
    seterr(errbuf, errlen, "%s: not a regular file of at most %u MiB", path,
           (unsigned)(DAST_REPORT_FILE_CAP >> 20));
    return DAST_EIO;
  }
  json_error_t je;
  json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if(!doc) {
    if(je.line < 0 || access(path, R_OK)) {
      seterr(errbuf, errlen, "%s: %s", path, je.text);
      return DAST_EIO;
    }
    seterr(errbuf, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    return DAST_EPARSE;
  }
  dast_err err = dast_report_validate(doc, path, errbuf, errlen);
  if(err) {
    json_decref(doc);
    return err;
  }
  *out = doc;
  return DAST_OK;
}
