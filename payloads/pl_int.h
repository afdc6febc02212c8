/* pl_int.h — internals shared by the files of payloads/: the in-memory form
 * of a check (checks.c builds it from JSON), the matcher tree and its
 * evaluation (match.c), placeholder expansion (vars.c), reflection-context
 * analysis and the parsed-DOM test (context.c), the page-similarity measure
 * of the boolean strategy (similar.c) and the finding builder (finding.c).
 *
 * A struct pl_subject is one response in a form that does not depend on the
 * engine (so unit tests replay recorded responses): either borrowed from a
 * struct dast_response or owned (pl_subject_copy / pl_subject_parse_raw). */
#ifndef DAST_PL_INT_H
#define DAST_PL_INT_H

#include "payloads/attack.h"
#include "scanner/engine/re.h"

/* ---- responses ---- */
struct pl_subject {
  long status;
  struct dast_header *headers;
  size_t nheaders;
  char *body;
  size_t body_len;
  uint64_t time_us;
  bool owned;
};
/* Borrowing view of a response (nothing to free). */
void pl_subject_view(struct pl_subject *s, const struct dast_response *r);
/* Owned deep copy; the body is capped at `cap` bytes (0 = whole). */
void pl_subject_copy(struct pl_subject *dst, const struct pl_subject *src, size_t cap);
/* Parses "HTTP/1.1 200 OK\r\nName: v\r\n\r\nbody" (LF alone also accepted).
 * DAST_EPARSE when there is no status line. */
dast_err pl_subject_parse_raw(const char *raw, size_t len, struct pl_subject *out) DAST_WUR;
void pl_subject_free(struct pl_subject *s);
const char *pl_subject_header(const struct pl_subject *s, const char *name);

/* ---- placeholders ---- */
#define PL_CANARY_LEN 11
struct pl_vars {
  char canary[PL_CANARY_LEN + 1]; /* "d" + 10 of [a-z0-9]: survives lower-casing */
  unsigned long long a, b, product, sum;
  unsigned sleep;                  /* seconds */
  char token[24];                  /* out-of-band token */
  const char *oob_base;            /* borrowed, NULL when no listener */
  const char *oob_ldap;            /* borrowed "host:port", NULL when none */
  const char *orig;                /* the insertion point's crawled value */
  const char *tag;                 /* enclosing raw-text element for xss, or NULL */
  const char *file;                /* last path segment, for backup-file names */
  const char *xml;                 /* the endpoint's original XML body, or NULL */
};
/* Fresh canary, operands (a,b in [100,9999] so the product has 5-8 digits),
 * OOB token; keeps orig/tag/file/xml/oob_base/sleep. */
void pl_vars_fresh(struct pl_vars *v, struct dast_rng *rng);
/* Expands $[canary] $[a] $[b] $[product] $[sum] $[sleep] $[oob] $[oobldap] $[token]
 * $[orig] $[tag] $[file] $[xxe:URI].  Unknown names stay as typed.  Owned. */
char *pl_expand(const char *tmpl, const struct pl_vars *v);
/* True when every $[name] in `s` is known (the loader validates with it);
 * writes the first unknown name into bad. */
bool pl_placeholders_valid(const char *s, char *bad, size_t badlen);
/* XML document `xml` (or a minimal one) with a DOCTYPE declaring an
 * external entity to `uri` referenced in its first text node.  Validated
 * with libxml2 (no entity loading).  Owned, NULL if it cannot be built. */
char *pl_xxe_doc(const char *xml, const char *uri);
/* True when a sample value is an XML document: its first markup (after an
 * optional declaration, comments and blanks) is an element, and libxml2
 * parses it as well-formed (no DTD or entity loading).  Values over
 * PL_XML_VALUE_MAX bytes are not looked at. */
#define PL_XML_VALUE_MAX 65536
bool pl_looks_xml(const char *s);
/* True when parameter `ip` of `ep` (not the XML body point itself) holds an
 * XML document as its sample value: XXE payloads then build on it. */
bool pl_param_xml(const struct dast_endpoint *ep, long ip);

/* ---- matchers ---- */
enum pl_mkind {
  PL_M_AND = 0, PL_M_OR, PL_M_NOT, PL_M_REGEX, PL_M_WORD, PL_M_STATUS, PL_M_HEADER,
  PL_M_CONTEXT, PL_M_DOM
};
enum pl_part { PL_PART_BODY = 0, PL_PART_HEADERS, PL_PART_HEADER, PL_PART_ALL };

/* Reflection contexts (context.c). */
enum pl_ctx {
  PL_CTX_HTML_TEXT = 0, PL_CTX_ATTR_DQ, PL_CTX_ATTR_SQ, PL_CTX_ATTR_UQ, PL_CTX_ATTR_URL,
  PL_CTX_ATTR_EVENT, PL_CTX_TAG_NAME, PL_CTX_ATTR_NAME, PL_CTX_SCRIPT_DQ, PL_CTX_SCRIPT_SQ,
  PL_CTX_SCRIPT_BT, PL_CTX_SCRIPT_CODE, PL_CTX_SCRIPT_COMMENT, PL_CTX_COMMENT, PL_CTX_STYLE, PL_CTX_RCDATA,
  PL_CTX__COUNT
};
const char *pl_ctx_name(enum pl_ctx c);
int pl_ctx_parse(const char *name); /* -1 if unknown */

struct pl_matcher {
  enum pl_mkind kind;
  struct pl_matcher **kids;  /* and/or/not (not: exactly one) */
  size_t nkids;
  char **strs;               /* words, regex sources, header names */
  struct dast_re **res;      /* compiled regexes; NULL entry = has placeholders */
  size_t nstrs;
  long *codes;               /* status codes */
  size_t ncodes;
  enum pl_part part;
  char *header;              /* PL_PART_HEADER: header name (placeholders allowed) */
  unsigned reflags;
  bool all;                  /* condition: all strings must match (default any) */
  bool absent_in_baseline;   /* match only when the baseline does not match */
  unsigned ctx_mask;         /* PL_M_CONTEXT: bit per enum pl_ctx */
};

/* Where a matcher matched, for the evidence excerpt. */
struct pl_hit {
  bool in_body;
  char header[64];           /* header name when !in_body and found in a header */
  size_t off, len;           /* in body (or in that header's value) */
  bool set;
};

/* Evaluates m against resp.  base (may be NULL) is the endpoint's baseline
 * response for absent_in_baseline.  hit may be NULL. */
bool pl_match(const struct pl_matcher *m, const struct pl_subject *resp,
              const struct pl_subject *base, const struct pl_vars *v, struct pl_hit *hit);
void pl_matcher_free(struct pl_matcher *m);
/* Parses one matcher object from JSON text (tests, tools). */
struct pl_matcher *pl_matcher_from_json(const char *text, char *errbuf, size_t errlen);

/* ---- reflection context (context.c) ---- */
struct pl_refl {
  enum pl_ctx ctx;
  size_t off;         /* where the canary starts in the body */
  char tag[16];       /* enclosing element (script, textarea, a, ...) */
  char attr[32];      /* attribute name for attribute contexts */
};
/* Finds up to max occurrences of `canary` in the HTML body and classifies
 * each.  Linear in the body; returns the number found. */
size_t pl_reflections(const char *body, size_t len, const char *canary, struct pl_refl *out,
                      size_t max);
/* Parsed-DOM test: libxml2's HTML parser (recover, no network) parses the
 * body; true when `canary` is real markup: an element or attribute whose
 * name contains it, a javascript: URL in a link attribute containing it,
 * or an event-handler attribute / script element whose code carries it
 * outside a string literal.  Bounded by a node cap. */
bool pl_dom_executable(const char *body, size_t len, const char *canary);
/* True when `canary` occurs in JavaScript `code` outside string literals
 * and comments. */
bool pl_js_code_has(const char *code, size_t len, const char *canary);

/* ---- similarity (similar.c) ---- */
/* Token multiset of a page with `strip` strings (reflected payloads) cut
 * out first.  Tokens are runs of letters/digits and single punctuation. */
struct pl_tokens {
  uint64_t *h;
  size_t n;
};
void pl_tokens_make(struct pl_tokens *t, const char *body, size_t len, const char *const *strip,
                    size_t nstrip);
void pl_tokens_free(struct pl_tokens *t);
/* Dice similarity in [0,1] over tokens not in `dyn` (may be NULL). */
double pl_similarity(const struct pl_tokens *a, const struct pl_tokens *b,
                     const struct pl_tokens *dyn);
/* Tokens that differ between two baseline loads: the page's dynamic parts. */
void pl_tokens_dynamic(struct pl_tokens *out, const struct pl_tokens *a, const struct pl_tokens *b);

/* ---- decisions of the code strategies (strategies.c), pure for tests ---- */
/* true/false/true against the baseline; `why` gets the similarities.
 * `noise` is 1 - the similarity of the endpoint's two baseline loads: the
 * "false" page must differ from the "true" ones by more than that. */
bool pl_boolean_decide(const struct pl_subject *base, const struct pl_tokens *btok,
                       const struct pl_tokens *dyn, const struct pl_subject *t1,
                       const struct pl_subject *f, const struct pl_subject *t2,
                       const char *const *strip, size_t nstrip, double noise, char *why,
                       size_t whylen);
/* A response that took t_us shows a sleep of sleep_s over a baseline. */
bool pl_timing_delayed(uint64_t base_us, unsigned sleep_s, uint64_t t_us);
/* The s2-second probe (t2) took longer than the s1-second one (t1), as a
 * real sleep does and a fixed stall does not. */
bool pl_timing_scales(unsigned s1, uint64_t t1_us, unsigned s2, uint64_t t2_us);
/* The zero-sleep control was not delayed. */
bool pl_timing_control_ok(uint64_t base_us, unsigned sleep_s, uint64_t t0_us);

/* ---- strategies and checks ---- */
enum pl_strategy {
  PL_S_MATCH = 0,   /* payloads + matchers + confirm/controls */
  PL_S_XSS,         /* reflected XSS: context analysis, DOM confirm */
  PL_S_STORED_XSS,  /* plant through fields/parameters, look for it on GET pages */
  PL_S_BOOLEAN,     /* true/false/true differential */
  PL_S_TIMING,      /* two sleep lengths + zero control */
  PL_S_OOB,         /* out-of-band callback */
  PL_S_FILES,       /* per directory/origin file probes vs soft-404 */
  PL_S_PUT,         /* PUT a file, read it back */
  PL_S_PASSIVE,     /* matchers on every response */
  PL_S_COOKIES,     /* Set-Cookie flags */
  PL_S_FORMS,       /* forms: CSRF tokens, password fields */
  PL_S_JSLIBS,      /* vulnerable JavaScript libraries */
  PL_S__COUNT
};
const char *pl_strategy_name(enum pl_strategy s);

enum pl_scope { PL_SCOPE_PARAM = 0, PL_SCOPE_ENDPOINT, PL_SCOPE_TEMPLATE, PL_SCOPE_DIR,
                PL_SCOPE_ORIGIN };

struct pl_pair { char *t, *f; };
struct pl_path { char *path; struct pl_matcher *match; };

struct pl_check {
  char *file;
  char *id, *name, *klass, *owasp, *description, *remediation;
  char **refs;
  size_t nrefs;
  int cwe;
  enum dast_severity severity;
  bool passive;
  enum pl_strategy strategy;
  enum dast_profile profile;       /* lowest profile that runs it */
  enum dast_confidence confidence; /* for an unconfirmed match (firm/tentative) */
  enum pl_scope scope;
  /* applies */
  unsigned ip_mask;                /* bit per enum dast_ip_kind; 0 = all */
  char **targets;                  /* endpoint-level targets: "header:Origin", "method" */
  size_t ntargets;
  char **ctypes;                   /* response content-type prefixes; none = any */
  size_t nctypes;
  char **schemes;
  size_t nschemes;
  char **methods;
  size_t nmethods;
  bool values_xml;                 /* applies.values "xml": only points whose sample value
                                    * is an XML document (pl_looks_xml) */
  /* probes */
  char **payloads;
  size_t npayloads;
  bool raw;
  int follow;                      /* max redirects, -1 = engine default */
  char *method;                    /* request method override, or NULL */
  char **headers;                  /* extra request headers (placeholders allowed) */
  size_t nheaders;
  struct pl_matcher *match;
  bool confirm;                    /* re-probe with fresh values */
  char **confirm_payloads;         /* distinct second probes (else the same one) */
  size_t nconfirm;
  char **controls;                 /* must not match */
  size_t ncontrols;
  struct pl_pair *pairs;           /* boolean */
  size_t npairs;
  unsigned sleep_min, sleep_max;   /* timing */
  char **ctx_payloads[PL_CTX__COUNT]; /* xss */
  size_t nctx_payloads[PL_CTX__COUNT];
  struct pl_path *paths;           /* files */
  size_t npaths;
  char **names;                    /* cookies: session-looking name regexes, forms: token names */
  struct dast_re **names_re;
  size_t nnames;
};

struct dast_checks {
  struct pl_check **v;
  size_t n;
};

/* ---- findings (finding.c) ---- */
/* A new finding with the check's metadata and the endpoint's identity. */
struct dast_finding *pl_finding_new(const struct pl_check *c, const char *method, const char *url,
                                    const char *tmpl, const struct dast_param *p,
                                    enum dast_confidence conf);
/* Request text and a curl command reproducing the request. */
void pl_finding_request(struct dast_finding *f, const char *method, const char *url,
                        const char *const *headers, size_t nheaders, const char *body,
                        size_t body_len);
/* Response excerpt: status line, headers, and ~300 bytes around the hit
 * with the match marked >>>like this<<<. */
void pl_finding_response(struct dast_finding *f, const struct pl_subject *s,
                         const struct pl_hit *hit);
/* Shell-quotes for a POSIX shell (single quotes).  Appends to b. */
void pl_shell_quote(struct dast_buf *b, const char *s);

/* ---- passive (passive.c) ---- */
struct pl_passive;
struct pl_passive *pl_passive_new(const struct dast_config *cfg, const struct dast_checks *checks,
                                  char *errbuf, size_t errlen);
void pl_passive_free(struct pl_passive *p);
/* Runs every passive check on one exchange; new findings are appended to
 * (*fs, *nfs) (owned by the caller). */
void pl_passive_run(struct pl_passive *p, const struct dast_request *req,
                    const struct pl_subject *resp, const char *url,
                    struct dast_finding ***fs, size_t *nfs);

/* ---- anti-CSRF tokens (csrf.c) ---- */
/* Index of a form field named like an anti-CSRF token when the endpoint's
 * form page is known (ep->found_on), else -1. */
long pl_csrf_index(const struct dast_endpoint *ep);
/* The value of <input name="name" value="..."> in a page, owned, or NULL. */
char *pl_csrf_extract(const char *html, size_t len, const char *name);

/* ---- jslibs (jslibs.c) ---- */
struct pl_jslibs;
dast_err pl_jslibs_load(const char *path, struct pl_jslibs **out, char *errbuf,
                        size_t errlen) DAST_WUR;
void pl_jslibs_free(struct pl_jslibs *j);
/* Identifies a library and version from a script URL and/or its body; on a
 * known-vulnerable version writes "jquery 1.8.3: CVE-... (<1.9.0)" into msg
 * and returns true. */
bool pl_jslibs_check(const struct pl_jslibs *j, const char *url, const char *body, size_t len,
                     char *lib, size_t liblen, char *msg, size_t msglen);
/* -1, 0, 1 comparing dotted versions numerically ("1.10.2" > "1.9"). */
int pl_version_cmp(const char *a, const char *b);

#endif
