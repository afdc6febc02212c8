/* config.c — defaults and teardown for struct dast_config (config.h), plus
 * the small string-list and profile helpers.  Parsing the command line is
 * scanner/cli.c's job; this file only knows what the defaults are. */
#include "scanner/engine/config.h"

#include <stdlib.h>
#include <string.h>

static const char *profile_names[] = {"passive", "standard", "full"};

const char *dast_profile_name(enum dast_profile p)
{
  return (unsigned)p <= DAST_PROFILE_FULL ? profile_names[p] : "unknown";
}

int dast_profile_parse(const char *s)
{
  for(int i = 0; i <= DAST_PROFILE_FULL; i++)
    if(s && !strcmp(s, profile_names[i])) return i;
  return -1;
}

void dast_strlist_add(struct dast_strlist *l, const char *s)
{
  l->v = dast_realloc(l->v, (l->n + 2) * sizeof(char *));
  l->v[l->n++] = dast_strdup(s);
  l->v[l->n] = NULL;
}

void dast_strlist_free(struct dast_strlist *l)
{
  for(size_t i = 0; i < l->n; i++) free(l->v[i]);
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

void dast_config_init(struct dast_config *c)
{
  memset(c, 0, sizeof(*c));
  c->concurrency = 16;
  c->per_host = 16; /* = the default concurrency: most scans have one host */
  c->timeout_ms = 10000;
  c->connect_timeout_ms = 5000;
  c->body_cap = 4u << 20;
  c->max_redirects = 10;
  c->retries = 2;
  c->parse_threads = -1;
  c->http2 = true;
  c->user_agent = dast_strdup("dastgate/" DAST_VERSION);
  c->max_depth = 10;
  c->max_pages = 5000;
  c->template_visits = 3;
  c->profile = DAST_PROFILE_STANDARD;
  c->fail_on = dast_strdup("high");
  c->exit_code_fail = 1;
}

void dast_config_free(struct dast_config *c)
{
  char **strs[] = {&c->target, &c->proxy, &c->user_agent, &c->openapi, &c->har, &c->login_url,
                   &c->login_data, &c->logged_in_regex, &c->logged_out_regex, &c->oob_listen,
                   &c->oob_url, &c->json_out, &c->junit_out, &c->sarif_out, &c->html_out,
                   &c->md_out, &c->fail_on, &c->policy_file, &c->suppressions_file,
                   &c->baseline_file, &c->ready_path};
  for(size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
    free(*strs[i]);
    *strs[i] = NULL;
  }
  struct dast_strlist *lists[] = {&c->extra_seeds, &c->headers, &c->cookies, &c->include,
                                  &c->exclude, &c->origins, &c->checks, &c->skip_checks,
                                  &c->checks_dirs};
  for(size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) dast_strlist_free(lists[i]);
}
