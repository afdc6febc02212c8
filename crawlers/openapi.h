/* openapi.h — OpenAPI 3.x and Swagger 2.0 (JSON) import: every operation
 * becomes an endpoint with typed example values for its path, query,
 * header, cookie and JSON/form body parameters (example, default, enum[0],
 * else by type/format).  $ref is resolved within the document with cycle
 * and depth protection.  servers[0].url / host+basePath give the base URL;
 * when `target` is given its origin replaces the server's origin (the path
 * prefix is kept).  Pure: no engine. */
#ifndef DAST_CRAWL_OPENAPI_H
#define DAST_CRAWL_OPENAPI_H

#include "scanner/engine/types.h"

/* Receives ownership of each endpoint. */
typedef void (*dast_endpoint_take_cb)(void *ud, struct dast_endpoint *ep);

#define DAST_OPENAPI_MAX_OPS 10000
#define DAST_OPENAPI_MAX_DEPTH 32

/* Parses `len` bytes.  `name` names the document in messages (file name or
 * URL); `doc_url` (may be NULL) resolves relative server URLs; `target`
 * (may be NULL) overrides the origin.  Endpoints go to cb in document
 * order (source DAST_SRC_OPENAPI, tmpl set).  Errors: DAST_EPARSE with a
 * message naming the file and the JSON line/column or the JSON path of the
 * bad field ("spec.json: $.paths./pets.get.parameters[0]: missing 'in'");
 * on error no endpoint has been passed to cb. */
dast_err dast_openapi_load_buf(const char *buf, size_t len, const char *name, const char *doc_url,
                               const char *target, dast_endpoint_take_cb cb, void *ud,
                               char *errbuf, size_t errlen) DAST_WUR;
/* Reads the file (DAST_EIO if unreadable, DAST_ELIMIT over 64 MiB), then as above. */
dast_err dast_openapi_load_file(const char *path, const char *target, dast_endpoint_take_cb cb,
                                void *ud, char *errbuf, size_t errlen) DAST_WUR;

/* Reads a whole local file into an owned NUL-terminated buffer (cap in
 * bytes).  DAST_EIO / DAST_ELIMIT with a message. Shared by the importers. */
dast_err dast__read_file(const char *path, size_t cap, char **out, size_t *len, char *errbuf,
                         size_t errlen) DAST_WUR;

#endif
