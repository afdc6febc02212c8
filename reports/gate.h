/* gate.h — the promotion gate: decides from a dastgate/1 report whether the
 * build may be promoted, and records why inside the report.
 *
 * Inputs (all optional but fail_on, which defaults to "high"):
 *   cfg->fail_on            "SEVERITY[:CONFIDENCE]"; confidence defaults to
 *                           "confirmed" ("high:firm" also fails on firm)
 *   cfg->policy_file        JSON thresholds per class and per check
 *   cfg->suppressions_file  JSON list of {fingerprint, reason, by, expires}
 *   cfg->baseline_file      a previous dastgate/1 report
 *   cfg->fail_on_new_only   only findings absent from the baseline fail
 *   cfg->min_coverage       minimum number of endpoints in the inventory
 *   cfg->exit_code_fail     exit code for a failed gate (default 1)
 * The file formats are documented in reports/SCHEMA.md ("Gate files").
 *
 * Exit codes: 0 pass, cfg->exit_code_fail (1) fail, 2 incomplete.  A report
 * whose scan is incomplete (scan.incomplete, a failed login, no HTTP response
 * at all) or whose inventory is below min_coverage never passes: it is "incomplete" (2) unless a finding fails the gate, which is
 * the stronger verdict ("fail", exit 1; the reasons still say the scan was
 * incomplete). */
#ifndef DAST_GATE_H
#define DAST_GATE_H

#include <jansson.h>

#include "scanner/engine/config.h"
#include "scanner/engine/dast.h"

struct dast_gate;

/* Reads and validates everything the gate needs from cfg (borrowed; not
 * kept).  DAST_EPARSE with a one-line message naming file, line:column or
 * field ("policy.json: classes.xss: unknown severity \"hgh\"") for malformed
 * input, DAST_EIO ("baseline.json: No such file or directory") when a file
 * can't be read, DAST_EINVAL for a bad cfg->fail_on.  *out is NULL on error. */
dast_err dast_gate_new(const struct dast_config *cfg, struct dast_gate **out, char *errbuf,
                       size_t errlen) DAST_WUR;
void dast_gate_free(struct dast_gate *g);

/* Annotates `report` in place (previous gate annotations are replaced, so a
 * saved report can be re-gated):
 *  - each finding gets "gate": "fail" | "below-threshold" | "suppressed" |
 *    "existing" (in the baseline while fail_on_new_only), plus
 *    "suppression": {reason, by, expires} when suppressed, or
 *    "suppression_expired": true and "expired_suppression": {reason, by,
 *    expires} when a matching suppression has expired;
 *    and "baseline": "new" | "existing" when a baseline was given;
 *  - top-level "fixed": baseline findings absent from this scan;
 *  - top-level "gate": {verdict, exit_code, reasons, policy, counts}.
 * `now_epoch` decides suppression expiry.  Returns the exit code (2 when
 * `report` is not even a JSON object). */
int dast_gate_apply(const struct dast_gate *g, json_t *report, int64_t now_epoch);

/* Parses "high", "medium:firm"; DAST_EINVAL on anything else.  sev/conf get
 * enum dast_severity / dast_confidence values. */
dast_err dast_gate_parse_threshold(const char *s, int *sev, int *conf) DAST_WUR;

#endif
