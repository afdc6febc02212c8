/* har.h — HAR 1.2 import (recorded browser/proxy traffic): every request
 * entry becomes an endpoint with its query, form (postData.params or
 * urlencoded text), JSON body fields, cookies and non-standard headers as
 * insertion points.  Pure: no engine. */
#ifndef DAST_CRAWL_HAR_H
#define DAST_CRAWL_HAR_H

#include "crawlers/openapi.h"

#define DAST_HAR_MAX_ENTRIES 100000

/* Parses `len` bytes of HAR JSON named `name`.  Endpoints (source
 * DAST_SRC_HAR, tmpl set, status from the recorded response) go to cb,
 * which takes ownership.  DAST_EPARSE with file and line/column or JSON
 * path on a bad document; on error nothing has been passed to cb. */
dast_err dast_har_load_buf(const char *buf, size_t len, const char *name, dast_endpoint_take_cb cb,
                           void *ud, char *errbuf, size_t errlen) DAST_WUR;
dast_err dast_har_load_file(const char *path, dast_endpoint_take_cb cb, void *ud, char *errbuf,
                            size_t errlen) DAST_WUR;

#endif
