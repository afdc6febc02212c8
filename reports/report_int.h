/* report_int.h — shared inside reports/ only: the output writer that keeps
 * the first error (so renderers read as straight-line code), text cleaning
 * and escaping for XML/HTML/Markdown, and small readers for the canonical
 * jansson document that tolerate missing members. */
#ifndef DAST_REPORT_INT_H
#define DAST_REPORT_INT_H

#include <jansson.h>

#include "reports/report.h"

/* Appends to a caller's buffer and remembers the first error; later
 * appends after an error are no-ops. */
struct dast__w {
  struct dast_buf *b;
  dast_err err;
};
void dast__w_s(struct dast__w *w, const char *s);
/* `doc` as json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(precision))
 * would print it (0 = jansson's default 17 digits), without the final
 * newline (report_dump.c).  Strings must be valid UTF-8. */
void dast__json_write(struct dast__w *w, const json_t *doc, int precision);
void dast__w_f(struct dast__w *w, const char *fmt, ...) DAST_PRINTF(2, 3);
/* XML/HTML text or attribute: escapes & < > " ', replaces invalid UTF-8
 * with U+FFFD, drops characters XML 1.0 forbids (C0 controls other than
 * tab/CR/LF, U+FFFE/U+FFFF) and shows bidirectional controls as "[U+202E]"
 * so hostile text cannot visually reorder the report. */
void dast__w_xml(struct dast__w *w, const char *s);
/* Markdown inline text: additionally escapes the characters Markdown would
 * interpret (`*_[]<>|#` ...) and turns newlines into spaces. */
void dast__w_md(struct dast__w *w, const char *s);

/* Valid UTF-8 copy of n bytes of s (invalid sequences become U+FFFD, NUL
 * bytes are dropped), at most `cap` bytes of text (0 = no cap) cut at a
 * character boundary with "[...truncated]" appended.  Owned. */
char *dast__utf8_clean(const char *s, size_t n, size_t cap);

/* Secret masking (report_mask.c): the literal secrets of a config, collected
 * once per report (longest first), and the masking of one text with them
 * (owned result; NULL for NULL). */
void dast__secrets_collect(const struct dast_config *cfg, struct dast_strlist *out);
char *dast__mask(const struct dast_strlist *secrets, const char *text);
/* Same, but a name=value / "name": "value" pair named `keep` (the attacked
 * parameter of a finding, whose value is the payload, not a secret) is left
 * alone by the structural pass.  Literal secrets are still masked. */
char *dast__mask_keep(const struct dast_strlist *secrets, const char *text, const char *keep);

/* Valid UTF-8 prefix of s of at most `max` bytes, "…" appended when cut. */
char *dast__utf8_prefix(const char *s, size_t max);

/* Document readers: "" / 0 / false when absent or of another type. */
const char *dast__js(const json_t *o, const char *key);
json_int_t dast__ji(const json_t *o, const char *key);
bool dast__jb(const json_t *o, const char *key);
/* Severity/confidence names to their enum rank, -1 if unknown. */
int dast__sev_rank(const char *name);
int dast__conf_rank(const char *name);

/* The renderers (report_*.c). */
dast_err dast__render_junit(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen);
dast_err dast__render_sarif(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen);
dast_err dast__render_html(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen);
dast_err dast__render_md(const json_t *r, struct dast__w *w, char *errbuf, size_t errlen);

/* HTML sections in report_html_tables.c: site map, coverage, tested checks. */
void dast__html_sitemap(struct dast__w *w, const json_t *r);
void dast__html_coverage(struct dast__w *w, const json_t *r);
void dast__html_tests(struct dast__w *w, const json_t *r);

/* The gate verdict of a finding as the renderers treat it: "fail",
 * "below-threshold", "suppressed" or "existing"; for a report that was never
 * gated, the default policy (high:confirmed) decides fail/below-threshold. */
const char *dast__finding_gate(const json_t *finding);

#endif
