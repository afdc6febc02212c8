/* forms.c — plausible form values and form endpoints (forms.h).  Tables of
 * (input type -> value) and (name fragment -> value); the first match
 * wins.  Values are harmless and valid for the usual server-side
 * validators so the submission reaches the code behind the form. */
#include "crawlers/forms.h"

#include "crawlers/template.h"
#include "scanner/engine/url.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct { const char *type, *value; } by_type[] = {
    {"email", "dastgate@example.com"}, {"number", "1"},          {"range", "1"},
    {"url", "http://example.com/"},    {"date", "2024-01-01"},   {"datetime-local", "2024-01-01T12:00"},
    {"datetime", "2024-01-01T12:00Z"}, {"time", "12:00"},        {"month", "2024-01"},
    {"week", "2024-W01"},              {"tel", "5551234567"},    {"password", "Dastgate1!"},
    {"search", "test"},                {"color", "#336699"},     {"checkbox", "on"},
    {"radio", "on"},                   {"textarea", "dastgate text"}, {"file", "a.txt"},
};

static const struct { const char *frag, *value; } by_name[] = {
    {"mail", "dastgate@example.com"}, {"user", "dastgate"},       {"login", "dastgate"},
    {"pass", "Dastgate1!"},           {"phone", "5551234567"},    {"tel", "5551234567"},
    {"mobile", "5551234567"},         {"zip", "12345"},           {"postal", "12345"},
    {"url", "http://example.com/"},   {"website", "http://example.com/"},
    {"homepage", "http://example.com/"}, {"date", "2024-01-01"}, {"year", "2024"},
    {"age", "30"},                    {"qty", "1"},               {"quantity", "1"},
    {"amount", "1"},                  {"count", "1"},             {"num", "1"},
    {"price", "1"},                   {"page", "1"},              {"limit", "10"},
    {"id", "1"},                      {"search", "test"},         {"query", "test"},
    {"name", "dastgate"},             {"title", "dastgate"},      {"comment", "dastgate text"},
    {"message", "dastgate text"},     {"text", "dastgate text"},  {"city", "Springfield"},
    {"country", "US"},
};

char *dast_form_value(const char *name, const char *type, const char *def)
{
  if(def && *def) return dast_strdup(def);
  /* a hidden field, or a select whose selected-or-first option is a
   * placeholder with value="": sent empty, as a browser does (made-up
   * text is never a valid option, and some forms take either the select
   * or the text box, not both) */
  if(type && (!strcasecmp(type, "hidden") || !strcasecmp(type, "select"))) return dast_strdup("");
  /* a text box named for XML ("xml", "xmlData", "request_xml"): an empty
   * one is meant for a document, and a document is what the XML checks
   * (XXE in a parameter) need to build on (Mutillidae's XML validator) */
  if(name && dast_strcasestr(name, "xml") &&
     (!type || !strcasecmp(type, "textarea") || !strcasecmp(type, "text")))
    return dast_strdup("<?xml version=\"1.0\"?><root><name>dastgate</name></root>");
  for(size_t i = 0; type && i < sizeof(by_type) / sizeof(by_type[0]); i++)
    if(!strcasecmp(type, by_type[i].type)) return dast_strdup(by_type[i].value);
  if(name && (!strcasecmp(name, "q") || !strcasecmp(name, "s"))) return dast_strdup("test");
  for(size_t i = 0; name && i < sizeof(by_name) / sizeof(by_name[0]); i++)
    if(dast_strcasestr(name, by_name[i].frag)) return dast_strdup(by_name[i].value);
  return dast_strdup("dastgate");
}

struct dast_endpoint *dast_form_endpoint(const struct dast_form *f, const char *found_on)
{
  bool get = !strcasecmp(f->method, "GET");
  bool multi = !get && dast_strcasestr(f->enctype, "multipart/form-data") != NULL;
  struct dast_endpoint *ep;
  if(get) {
    char *bare = dast_url_strip_query(f->action);
    ep = dast_endpoint_new("GET", bare ? bare : f->action, DAST_SRC_FORM);
    free(bare);
  } else {
    ep = dast_tmpl_endpoint(f->method, f->action, DAST_SRC_FORM);
    ep->source = DAST_SRC_FORM;
    dast_set_str(&ep->content_type,
                 multi ? "multipart/form-data" : "application/x-www-form-urlencoded");
  }
  enum dast_ip_kind kind = get ? DAST_IP_QUERY : multi ? DAST_IP_MULTIPART : DAST_IP_FORM;
  for(size_t i = 0; i < f->nfields; i++) {
    const struct dast_form_field *fl = &f->fields[i];
    if(!strcasecmp(fl->type, "file") && !multi) continue; /* browsers send the name only */
    char *v = dast_form_value(fl->name, fl->type, fl->value);
    dast_endpoint_add_param(ep, kind, fl->name, v, fl->type);
    free(v);
  }
  if(get) dast_tmpl_add_path_params(ep);
  dast_set_str(&ep->found_on, found_on);
  /* a form without an action posts to whichever page it is on: a routed
   * page's query (index.php?page=X) is not the form's, and the same
   * site-wide form on a hundred routed pages is one endpoint */
  if(!get && f->self_action) dast_tmpl_set(ep);
  else dast_tmpl_set_inventory(ep);
  return ep;
}
