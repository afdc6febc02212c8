/* types.h — the core data types every floor above the engine shares:
 * insertion points, endpoints (the crawler's inventory and the attack
 * engine's input) and findings (the attack engine's output and the reports'
 * input).  Plain structs with owned strings; the functions that build and
 * free them live in types.c.  Nothing here knows HTML or a vulnerability
 * class. */
#ifndef DAST_TYPES_H
#define DAST_TYPES_H

#include "scanner/engine/dast.h"

/* Where a value is inserted into a request. */
enum dast_ip_kind {
  DAST_IP_QUERY = 0,  /* ?name=value */
  DAST_IP_FORM,       /* application/x-www-form-urlencoded body field */
  DAST_IP_MULTIPART,  /* multipart/form-data body field */
  DAST_IP_JSON,       /* JSON body field; name is a JSON pointer ("/user/name") */
  DAST_IP_XML,        /* the whole XML body (name "body") */
  DAST_IP_PATH,       /* path segment; name is its 0-based index as text */
  DAST_IP_COOKIE,     /* Cookie: name=value */
  DAST_IP_HEADER,     /* request header */
  DAST_IP__COUNT
};
const char *dast_ip_kind_name(enum dast_ip_kind k);
/* Returns -1 for an unknown name. */
int dast_ip_kind_parse(const char *name);

struct dast_param {
  enum dast_ip_kind kind;
  char *name;   /* owned */
  char *value;  /* owned; the crawled/default value */
  char *type;   /* owned or NULL: HTML input type or schema type ("hidden", "email", "integer") */
};

/* How an endpoint was found. */
enum dast_source {
  DAST_SRC_SEED = 0, DAST_SRC_LINK, DAST_SRC_FORM, DAST_SRC_JS, DAST_SRC_ROBOTS,
  DAST_SRC_SITEMAP, DAST_SRC_OPENAPI, DAST_SRC_HAR, DAST_SRC_HEADER, DAST_SRC_JSON,
  DAST_SRC_REDIRECT, DAST_SRC_GUESS, DAST_SRC__COUNT
};
const char *dast_source_name(enum dast_source s);

/* One request shape the attack engine can probe.  The request is rebuilt
 * from (method, url, params, body) with dast_endpoint_build(), so a probe
 * changes exactly one insertion point and keeps the rest as crawled. */
struct dast_endpoint {
  char *method;        /* "GET", "POST", ... */
  char *url;           /* absolute URL without the query string */
  char *tmpl;          /* URL template without origin: "/item/{n}?id=" */
  char *content_type;  /* request body type or NULL: urlencoded, multipart, json, xml */
  char *body;          /* original JSON or XML body text, or NULL */
  char *found_on;      /* referring page URL or NULL */
  enum dast_source source;
  int status;          /* status seen when crawled, 0 if never fetched */
  struct dast_param *params;
  size_t nparams;
  size_t params_alloc;
};

struct dast_endpoint *dast_endpoint_new(const char *method, const char *url, enum dast_source src);
void dast_endpoint_free(struct dast_endpoint *ep);
struct dast_endpoint *dast_endpoint_dup(const struct dast_endpoint *ep);
/* Adds a copy of (kind, name, value, type); type may be NULL. */
void dast_endpoint_add_param(struct dast_endpoint *ep, enum dast_ip_kind kind, const char *name,
                             const char *value, const char *type);
/* Sets an owned string field, replacing (and freeing) the old one. */
void dast_set_str(char **field, const char *value);

/* A built request (owned strings).  Headers are "Name: value" lines. */
struct dast_built {
  char *method;
  char *url;          /* with query */
  char *body;         /* NULL when none */
  size_t body_len;
  char **headers;     /* "Name: value" */
  size_t nheaders;
};
/* Builds the request for `ep`.  When `override` >= 0, parameter number
 * `override` takes `value` instead of its sample value.  When `raw` is true
 * the value is inserted without URL-encoding (for payloads that must reach
 * the server as typed, e.g. CRLF).  Returns DAST_EPARSE if a JSON body
 * cannot be rebuilt. */
dast_err dast_endpoint_build(const struct dast_endpoint *ep, long override, const char *value,
                             bool raw, struct dast_built *out) DAST_WUR;
void dast_built_free(struct dast_built *b);

/* Percent-encode for a query component (space as %20). Owned result. */
char *dast_url_encode(const char *s, size_t n);
/* Percent-decode; '+' becomes space when plus is true. Owned result. */
char *dast_url_decode(const char *s, size_t n, bool plus);

enum dast_severity { DAST_SEV_INFO = 0, DAST_SEV_LOW, DAST_SEV_MEDIUM, DAST_SEV_HIGH, DAST_SEV_CRITICAL };
enum dast_confidence { DAST_CONF_TENTATIVE = 0, DAST_CONF_FIRM, DAST_CONF_CONFIRMED };
const char *dast_severity_name(enum dast_severity s);
int dast_severity_parse(const char *s);   /* -1 if unknown */
const char *dast_confidence_name(enum dast_confidence c);
int dast_confidence_parse(const char *s); /* -1 if unknown */

/* One finding: one per (check, endpoint template, insertion point). */
struct dast_finding {
  char *check_id, *check_name, *check_class;
  int cwe;
  char *owasp;           /* "A03:2021-Injection" */
  enum dast_severity severity;
  enum dast_confidence confidence;
  char *title;           /* one line */
  char *description, *remediation;
  char **references;
  size_t nreferences;
  char *method, *url, *tmpl;  /* url is the concrete URL probed */
  char *param;           /* insertion point name, or NULL for endpoint-level findings */
  char *param_kind;      /* dast_ip_kind_name() or NULL */
  char *payload;         /* what was sent, or NULL for passive findings */
  char *evidence;        /* why we believe it: "second probe with operands 31*47 also evaluated" */
  char *request;         /* raw request text, secrets masked */
  char *response;        /* response excerpt with the match marked by >>> <<< */
  char *curl;            /* one-line reproduction, secrets masked */
  char *fingerprint;     /* stable: check|method|template|param, hashed; never host/port/random */
};
struct dast_finding *dast_finding_new(void);
void dast_finding_free(struct dast_finding *f);
/* Computes f->fingerprint from check id, method, template and param. */
void dast_finding_fingerprint(struct dast_finding *f);

/* One (check x endpoint template) pair the attack engine tested: the unit
 * the JUnit report turns into a test case, whether or not it found anything. */
struct dast_tested {
  char *check_id, *check_name, *check_class;
  char *method, *tmpl;
  bool applicable;   /* false: the check did not apply (reason says why) */
  char *reason;      /* owned or NULL */
};
void dast_tested_clear(struct dast_tested *t);

#endif
