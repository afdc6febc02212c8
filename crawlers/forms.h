/* forms.h — turning an extracted HTML form into an inventory endpoint with
 * plausible values, the way a user would fill it in: defaults kept (hidden
 * fields, CSRF tokens, selected options), empty fields filled by input type
 * and then by name (email, number, url, date, tel, password, search, ...). */
#ifndef DAST_CRAWL_FORMS_H
#define DAST_CRAWL_FORMS_H

#include "crawlers/html.h"

/* The value to submit for a field (owned): its default when non-empty,
 * otherwise a plausible value chosen by type, then by name. */
char *dast_form_value(const char *name, const char *type, const char *def);

/* An endpoint for `f` (owned): GET forms put their fields in DAST_IP_QUERY
 * params (the action's own query is dropped, as browsers do); POST forms in
 * DAST_IP_FORM or, for multipart/form-data, DAST_IP_MULTIPART params, after
 * the action's query params.  param->type keeps the input type.  tmpl and
 * content_type are set; source is DAST_SRC_FORM. */
struct dast_endpoint *dast_form_endpoint(const struct dast_form *f, const char *found_on);

#endif
