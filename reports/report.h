/* report.h — the reports module's public face: one scan result becomes one
 * canonical jansson document (schema "dastgate/1", see reports/SCHEMA.md and
 * reports/dastgate-report.schema.json), and every output format is rendered
 * from that document alone.  So `dastgate report scan.json --format X`
 * (re-rendering a saved JSON, no network) and a live scan produce the same
 * bytes, and the service can store the JSON and render on demand.
 *
 * Secrets never reach the document: dast_result_to_json() masks header
 * values of Authorization/Cookie/Set-Cookie/API-key-like headers, cookies,
 * login_data password fields and every literal secret value from the config,
 * in the options, evidence, request, response, URL and curl line (unless
 * cfg->show_secrets).  Text from the target is sanitised to valid UTF-8 and
 * capped (DAST_REPORT_FIELD_CAP) before it enters the document. */
#ifndef DAST_REPORT_H
#define DAST_REPORT_H

#include <jansson.h>

#include "scanner/engine/config.h"
#include "scanner/engine/dast.h"
#include "scanner/engine/http.h"
#include "scanner/engine/types.h"

#define DAST_REPORT_SCHEMA "dastgate/1"
/* Longest text field (evidence, response, request...) kept in a report, in
 * bytes; longer text is cut at a UTF-8 boundary and "[...truncated]" added. */
#define DAST_REPORT_FIELD_CAP (32u * 1024u)
/* Largest report file dast_report_load() accepts. */
#define DAST_REPORT_FILE_CAP (256u * 1024u * 1024u)

/* Everything a finished scan hands to the reports, all borrowed for the
 * duration of dast_result_to_json().  Any pointer may be NULL (count 0). */
struct dast_scan_result {
  const struct dast_config *cfg;    /* options (secrets redacted in the report) */
  const char *target;
  int64_t started, finished;        /* epoch seconds */
  const char *profile;
  uint64_t seed;
  const struct dast_stats *stats;   /* engine counters (http.h) */
  size_t pages;                     /* crawled pages */
  struct dast_endpoint *const *endpoints;
  size_t nendpoints;                /* inventory */
  struct dast_finding *const *findings;
  size_t nfindings;
  const struct dast_tested *tested; /* check x template pairs tested */
  size_t ntested;
  const char *const *skipped_urls;
  const char *const *skipped_reasons;
  size_t nskipped;
  const char *const *checks_run;    /* check ids that ran */
  size_t nchecks_run;
  bool incomplete;                  /* target unreachable, login failed, time budget... */
  const char *incomplete_reason;
  bool login_attempted, login_ok;
};

/* Builds the canonical document (new reference; the caller json_decref()s
 * it).  It has no "gate" member yet: dast_gate_apply() adds it.  Findings are
 * sorted (severity, confidence, check, template, param) and inventory and
 * tests by template, so the output does not depend on crawl order.  Never
 * returns NULL (allocation failure aborts). */
json_t *dast_result_to_json(const struct dast_scan_result *r);

enum dast_report_format { DAST_FMT_JSON, DAST_FMT_JUNIT, DAST_FMT_SARIF, DAST_FMT_HTML, DAST_FMT_MD };
/* "json", "junit" (or "xml"), "sarif", "html", "md" (or "markdown"); -1 if unknown. */
int dast_report_format_parse(const char *name);
const char *dast_report_format_name(enum dast_report_format f);

/* Renders `report` (borrowed; a dastgate/1 document, gated or not) as format
 * `f`, appending to `out` (initialised by the caller; cap 0 = unlimited is
 * fine, a capped buffer yields DAST_ELIMIT).  DAST_EINVAL with a message in
 * errbuf when the document lacks what the format needs. */
dast_err dast_report_render(const json_t *report, enum dast_report_format f, struct dast_buf *out,
                            char *errbuf, size_t errlen) DAST_WUR;

/* Renders and writes to `path`: to a temporary file in the same directory,
 * fsync()ed, then rename()d over `path`, so a reader never sees a partial
 * report.  "-" writes to stdout.  DAST_EIO with path and errno text in errbuf. */
dast_err dast_report_write(const json_t *report, enum dast_report_format f, const char *path,
                           char *errbuf, size_t errlen) DAST_WUR;

/* Writes every output the config asks for (cfg->json_out, junit_out,
 * sarif_out, html_out, md_out; NULL ones are skipped) with
 * dast_report_write().  All are attempted; the first error is returned with
 * its message in errbuf. */
dast_err dast_report_write_all(const json_t *report, const struct dast_config *cfg, char *errbuf,
                               size_t errlen) DAST_WUR;

/* Loads and validates a saved report.  DAST_EIO when the file can't be read
 * (or is larger than DAST_REPORT_FILE_CAP), DAST_EPARSE with
 * "file:line:column: message" for malformed JSON or "file: field: message"
 * (e.g. "scan.json: findings[2].severity: unknown severity \"hgih\"") for a
 * document that is not dastgate/1.  *out is a new reference on success and
 * NULL on error. */
dast_err dast_report_load(const char *path, json_t **out, char *errbuf, size_t errlen) DAST_WUR;

/* Validates an in-memory document the same way (`name` prefixes messages). */
dast_err dast_report_validate(const json_t *report, const char *name, char *errbuf,
                              size_t errlen) DAST_WUR;

/* Masks secrets in `text` as the report does: sensitive header values
 * ("Authorization: ***"), curl -b/--cookie/-u arguments, password-like
 * name=value and "name":"value" pairs, URL passwords (user:***@host), JSON
 * Web Tokens, and every literal secret taken from
 * `cfg` (header values, cookies, login_data passwords).  Returns an owned
 * string; `text` NULL gives NULL.  cfg may be NULL. */
char *dast_report_mask_secrets(const struct dast_config *cfg, const char *text);

#endif
