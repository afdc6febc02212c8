/* cli.c — command-line options → struct dast_config (cli.h).
 *
 * One table describes every scan option: its name, what it sets, and the
 * help line, so --help, the parser and the config file (`--config FILE`, a
 * JSON object whose keys are the option names) cannot disagree.  Order of
 * precedence: defaults (dast_config_init), then the config file, then the
 * command line.  Nothing here exits: errors come back as exit code 3 with a
 * one-line message naming the flag and the value. */
#include "scanner/cli.h"
#include "scanner/engine/types.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum opt_kind { O_STR, O_LIST, O_INT, O_LONG, O_DOUBLE, O_SIZE, O_BOOL, O_NBOOL, O_PROFILE, O_U64 };

struct opt {
  const char *name;
  char alias;             /* short flag or 0 */
  enum opt_kind kind;
  size_t off;             /* offset in struct dast_config */
  double min, max;        /* numeric range */
  const char *arg;        /* argument name for help, NULL for booleans */
  const char *help;
  const char *section;    /* starts a help section when set */
};

#define OFF(f) offsetof(struct dast_config, f)

static const struct opt opts[] = {
  {"header", 'H', O_LIST, OFF(headers), 0, 0, "'Name: value'", "add a header to every request (repeatable), e.g. Authorization", "Target and authentication"},
  {"cookie", 'b', O_LIST, OFF(cookies), 0, 0, "'name=value'", "send a cookie with every request (repeatable)", NULL},
  {"login-url", 0, O_STR, OFF(login_url), 0, 0, "URL", "log in first through the form at URL (CSRF fields are taken from it)", NULL},
  {"login-data", 0, O_STR, OFF(login_data), 0, 0, "'user=..&pass=..'", "fields to fill in the login form; a JSON object is POSTed as is, and a bearer token in the answer is then sent with every request", NULL},
  {"logged-in-regex", 0, O_STR, OFF(logged_in_regex), 0, 0, "RE", "a page matching RE shows the session is alive", NULL},
  {"logged-out-regex", 0, O_STR, OFF(logged_out_regex), 0, 0, "RE", "a page matching RE shows the session was lost (log in again)", NULL},
  {"seed-url", 0, O_LIST, OFF(extra_seeds), 0, 0, "URL", "extra start URL (repeatable)", NULL},
  {"include", 0, O_LIST, OFF(include), 0, 0, "RE", "only URLs matching RE are in scope (repeatable, PCRE2)", "Scope"},
  {"exclude", 0, O_LIST, OFF(exclude), 0, 0, "RE", "URLs matching RE are never requested (repeatable)", NULL},
  {"allow-origin", 0, O_LIST, OFF(origins), 0, 0, "URL", "also allow this origin besides the target's (repeatable)", NULL},
  {"allow-dangerous-links", 0, O_BOOL, OFF(allow_dangerous_links), 0, 0, NULL, "follow logout/delete/reset-looking links (off by default)", NULL},
  {"max-depth", 0, O_INT, OFF(max_depth), 0, 1000, "N", "link depth from the start URL (default 10)", "Crawl"},
  {"max-pages", 0, O_INT, OFF(max_pages), 1, 10000000, "N", "pages to fetch at most (default 5000)", NULL},
  {"max-requests", 0, O_LONG, OFF(max_requests), 0, 1e12, "N", "requests in the whole scan, 0 = no limit", NULL},
  {"template-visits", 0, O_INT, OFF(template_visits), 1, 1e9, "K", "visits per URL template, bounds crawler traps (default 3)", NULL},
  {"openapi", 0, O_STR, OFF(openapi), 0, 0, "FILE|URL", "import an OpenAPI 3 / Swagger 2 description", NULL},
  {"har", 0, O_STR, OFF(har), 0, 0, "FILE", "import recorded traffic (HAR)", NULL},
  {"no-crawl", 0, O_BOOL, OFF(no_crawl), 0, 0, NULL, "don't crawl: scan only what --openapi/--har describe", NULL},
  {"profile", 'p', O_PROFILE, OFF(profile), 0, 0, "NAME", "passive | standard | full (default standard)", "Attack"},
  {"checks", 0, O_LIST, OFF(checks), 0, 0, "ID,CLASS,..", "run only these checks or classes", NULL},
  {"skip-checks", 0, O_LIST, OFF(skip_checks), 0, 0, "ID,CLASS,..", "don't run these checks or classes", NULL},
  {"checks-dir", 0, O_LIST, OFF(checks_dirs), 0, 0, "DIR", "load your own check files from DIR too (repeatable)", NULL},
  {"oob-listen", 0, O_STR, OFF(oob_listen), 0, 0, "ADDR:PORT", "out-of-band callback listener (default 127.0.0.1:0)", NULL},
  {"oob-url", 0, O_STR, OFF(oob_url), 0, 0, "URL", "the listener's URL as the target sees it", NULL},
  {"seed", 0, O_U64, OFF(seed), 0, 0, "N", "random seed: replays a scan's payloads exactly", NULL},
  {"concurrency", 'c', O_INT, OFF(concurrency), 1, 1024, "N", "simultaneous requests (default 16)", "Engine"},
  {"per-host", 0, O_INT, OFF(per_host), 1, 1024, "N", "simultaneous requests per host (default 16, at most --concurrency)", NULL},
  {"rate", 0, O_DOUBLE, OFF(rate), 0, 1e6, "N", "requests per second, 0 = unlimited (default)", NULL},
  {"timeout", 0, O_DOUBLE, OFF(timeout_ms), 0.001, 3600, "SECONDS", "per-request timeout (default 10)", NULL},
  {"connect-timeout", 0, O_DOUBLE, OFF(connect_timeout_ms), 0.001, 3600, "SECONDS", "connect timeout (default 5)", NULL},
  {"max-time", 0, O_DOUBLE, OFF(max_time), 0, 1e7, "SECONDS", "whole-scan budget; queued work is dropped after it, results kept", NULL},
  {"max-body", 0, O_SIZE, OFF(body_cap), 1024, 1e10, "BYTES", "response body cap, e.g. 4M (default 4M)", NULL},
  {"max-redirects", 0, O_INT, OFF(max_redirects), 0, 100, "N", "redirect hops per request (default 10)", NULL},
  {"threads", 0, O_INT, OFF(parse_threads), 0, 64, "N", "threads parsing pages beside the network loop (default: one per CPU, at most 4; 0 = parse on the loop)", NULL},
  {"retries", 0, O_INT, OFF(retries), 0, 10, "N", "retries on connection errors (default 2)", NULL},
  {"proxy", 0, O_STR, OFF(proxy), 0, 0, "URL", "send everything through this proxy", NULL},
  {"insecure", 'k', O_BOOL, OFF(insecure), 0, 0, NULL, "accept self-signed TLS certificates", NULL},
  {"http1.1", 0, O_NBOOL, OFF(http2), 0, 0, NULL, "don't negotiate HTTP/2", NULL},
  {"user-agent", 'A', O_STR, OFF(user_agent), 0, 0, "STRING", "User-Agent header", NULL},
  {"wait-ready", 0, O_DOUBLE, OFF(wait_ready), 0, 86400, "SECONDS", "wait up to SECONDS for the target to answer before scanning", NULL},
  {"ready-path", 0, O_STR, OFF(ready_path), 0, 0, "PATH", "path polled by --wait-ready (default the target URL)", NULL},
  {"json", 0, O_STR, OFF(json_out), 0, 0, "FILE", "canonical JSON report (dastgate/1)", "Reports"},
  {"junit", 0, O_STR, OFF(junit_out), 0, 0, "FILE", "JUnit XML for Jenkins / GitLab / GitHub", NULL},
  {"sarif", 0, O_STR, OFF(sarif_out), 0, 0, "FILE", "SARIF 2.1.0 for GitHub code scanning", NULL},
  {"html", 0, O_STR, OFF(html_out), 0, 0, "FILE", "self-contained HTML report", NULL},
  {"md", 0, O_STR, OFF(md_out), 0, 0, "FILE", "Markdown summary for PR/MR comments", NULL},
  {"show-secrets", 0, O_BOOL, OFF(show_secrets), 0, 0, NULL, "don't mask tokens and cookies in reports (local debugging only)", NULL},
  {"fail-on", 0, O_STR, OFF(fail_on), 0, 0, "SEV[:CONF]", "fail at this severity or above (default high:confirmed)", "Gate"},
  {"policy", 0, O_STR, OFF(policy_file), 0, 0, "FILE", "JSON policy with thresholds per class or check", NULL},
  {"suppressions", 0, O_STR, OFF(suppressions_file), 0, 0, "FILE", "JSON suppressions by fingerprint, with reason and expiry", NULL},
  {"baseline", 0, O_STR, OFF(baseline_file), 0, 0, "FILE", "previous JSON report: findings marked new / existing / fixed", NULL},
  {"fail-on-new-only", 0, O_BOOL, OFF(fail_on_new_only), 0, 0, NULL, "with --baseline, fail only on new findings", NULL},
  {"min-coverage", 0, O_DOUBLE, OFF(min_coverage), 0, 1e9, "N", "fewer endpoints than N found = incomplete (exit 2)", NULL},
  {"exit-code-fail", 0, O_INT, OFF(exit_code_fail), 1, 255, "N", "exit code for a failed gate (default 1)", NULL},
  {"progress", 0, O_BOOL, OFF(progress), 0, 0, NULL, "progress line even when stderr is not a terminal", "Output"},
  {"quiet", 'q', O_BOOL, OFF(quiet), 0, 0, NULL, "print only errors", NULL},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

void dast_cli_print_scan_options(FILE *f)
{
  for(size_t i = 0; i < NOPTS; i++) {
    const struct opt *o = &opts[i];
    if(o->section) fprintf(f, "\n%s:\n", o->section);
    char left[64];
    if(o->alias)
      snprintf(left, sizeof(left), "-%c, --%s%s%s", o->alias, o->name, o->arg ? " " : "",
               o->arg ? o->arg : "");
    else
      snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
    if(strlen(left) > 30) fprintf(f, "  %s\n  %-30s %s\n", left, "", o->help);
    else fprintf(f, "  %-30s %s\n", left, o->help);
  }
  fprintf(f, "  -v, --verbose                  more log output (repeat for debug)\n"
             "      --config FILE              JSON file of options (keys = option names)\n");
}

static const struct opt *find_long(const char *name, size_t n)
{
  for(size_t i = 0; i < NOPTS; i++)
    if(strlen(opts[i].name) == n && !strncmp(opts[i].name, name, n)) return &opts[i];
  return NULL;
}

static const struct opt *find_short(char c)
{
  for(size_t i = 0; i < NOPTS; i++)
    if(opts[i].alias == c) return &opts[i];
  return NULL;
}

static bool parse_double(const char *s, double *out)
{
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if(end == s || *end || errno || !isfinite(v)) return false;
  *out = v;
  return true;
}

static bool parse_size(const char *s, double *out)
{
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if(end == s || errno || !isfinite(v)) return false;
  if(*end == 'k' || *end == 'K') { v *= 1024; end++; }
  else if(*end == 'm' || *end == 'M') { v *= 1024 * 1024; end++; }
  else if(*end == 'g' || *end == 'G') { v *= 1024.0 * 1024 * 1024; end++; }
  if(*end == 'B' || *end == 'b') end++;
  if(*end) return false;
  *out = v;
  return true;
}

/* Applies one option with its value (NULL for booleans). */
static int apply(const struct opt *o, const char *value, struct dast_config *cfg, char *errbuf,
                 size_t errlen)
{
  char *base = (char *)cfg;
  void *field = base + o->off;
  double v = 0;
  switch(o->kind) {
  case O_STR: {
    char **p = field;
    if(!*value) {
      snprintf(errbuf, errlen, "--%s: empty value", o->name);
      return 3;
    }
    if(!strcmp(o->name, "user-agent") && strpbrk(value, "\r\n")) {
      snprintf(errbuf, errlen, "--%s: contains a line break (it would inject headers)", o->name);
      return 3;
    }
    free(*p);
    *p = dast_strdup(value);
    return 0;
  }
  case O_LIST: {
    struct dast_strlist *l = field;
    if(!strcmp(o->name, "checks") || !strcmp(o->name, "skip-checks")) {
      /* comma-separated */
      char *copy = dast_strdup(value), *save = copy, *tok;
      while((tok = strsep(&save, ",")))
        if(*tok) dast_strlist_add(l, tok);
      free(copy);
    } else {
      if((!strcmp(o->name, "header") || !strcmp(o->name, "cookie")) && strpbrk(value, "\r\n")) {
        snprintf(errbuf, errlen, "--%s: contains a line break (it would inject headers)", o->name);
        return 3;
      }
      if(!strcmp(o->name, "header") && !strchr(value, ':')) {
        snprintf(errbuf, errlen, "--header '%s': expected 'Name: value'", value);
        return 3;
      }
      if(!strcmp(o->name, "cookie") && !strchr(value, '=')) {
        snprintf(errbuf, errlen, "--cookie '%s': expected 'name=value'", value);
        return 3;
      }
      dast_strlist_add(l, value);
    }
    return 0;
  }
  case O_BOOL: *(bool *)field = true; return 0;
  case O_NBOOL: *(bool *)field = false; return 0;
  case O_PROFILE: {
    int p = dast_profile_parse(value);
    if(p < 0) {
      snprintf(errbuf, errlen, "--%s '%s': expected passive, standard or full", o->name, value);
      return 3;
    }
    *(enum dast_profile *)field = (enum dast_profile)p;
    return 0;
  }
  case O_U64: {
    char *end;
    errno = 0;
    unsigned long long u = strtoull(value, &end, 0);
    if(end == value || *end || errno || *value == '-') {
      snprintf(errbuf, errlen, "--%s '%s': expected a non-negative integer", o->name, value);
      return 3;
    }
    *(uint64_t *)field = u;
    cfg->seed_set = true;
    return 0;
  }
  case O_SIZE:
    if(!parse_size(value, &v)) {
      snprintf(errbuf, errlen, "--%s '%s': expected a size such as 4M or 65536", o->name, value);
      return 3;
    }
    break;
  case O_INT:
  case O_LONG:
  case O_DOUBLE:
    if(!parse_double(value, &v) || ((o->kind == O_INT || o->kind == O_LONG) && v != floor(v))) {
      snprintf(errbuf, errlen, "--%s '%s': expected a%s number", o->name, value,
               o->kind == O_DOUBLE ? "" : "n integer");
      return 3;
    }
    break;
  }
  if(v < o->min || v > o->max) {
    snprintf(errbuf, errlen, "--%s %s: out of range (%g to %g)", o->name, value, o->min, o->max);
    return 3;
  }
  if(!strcmp(o->name, "timeout") || !strcmp(o->name, "connect-timeout")) {
    *(int *)field = (int)(v * 1000.0 + 0.5);
    return 0;
  }
  switch(o->kind) {
  case O_INT: *(int *)field = (int)v; break;
  case O_LONG: *(long *)field = (long)v; break;
  case O_DOUBLE: *(double *)field = v; break;
  case O_SIZE: *(size_t *)field = (size_t)v; break;
  default: break;
  }
  return 0;
}

/* --config FILE: a JSON object of option names → values (arrays for lists,
 * true/false for switches). */
static int load_config_file(const char *path, struct dast_config *cfg, char *errbuf, size_t errlen)
{
  json_error_t je;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if(!root) {
    snprintf(errbuf, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    return 3;
  }
  int rc = 0;
  if(!json_is_object(root)) {
    snprintf(errbuf, errlen, "%s: expected a JSON object of option names", path);
    rc = 3;
  }
  const char *key;
  json_t *val;
  json_object_foreach(root, key, val) {
    if(rc) break;
    if(!strcmp(key, "target") && json_is_string(val)) {
      dast_set_str(&cfg->target, json_string_value(val));
      continue;
    }
    const struct opt *o = find_long(key, strlen(key));
    if(!o) {
      snprintf(errbuf, errlen, "%s: unknown option \"%s\"", path, key);
      rc = 3;
      break;
    }
    char num[64];
    if(o->kind == O_BOOL || o->kind == O_NBOOL) {
      if(!json_is_boolean(val)) {
        snprintf(errbuf, errlen, "%s: \"%s\": expected true or false", path, key);
        rc = 3;
      } else if(json_is_true(val)) {
        rc = apply(o, NULL, cfg, errbuf, errlen);
      }
    } else if(json_is_array(val) && o->kind == O_LIST) {
      size_t i;
      json_t *it;
      json_array_foreach(val, i, it) {
        if(!json_is_string(it)) {
          snprintf(errbuf, errlen, "%s: \"%s\"[%zu]: expected a string", path, key, i);
          rc = 3;
          break;
        }
        rc = apply(o, json_string_value(it), cfg, errbuf, errlen);
        if(rc) break;
      }
    } else if(json_is_string(val)) {
      rc = apply(o, json_string_value(val), cfg, errbuf, errlen);
    } else if(json_is_number(val)) {
      snprintf(num, sizeof(num), "%.17g", json_number_value(val));
      rc = apply(o, num, cfg, errbuf, errlen);
    } else {
      snprintf(errbuf, errlen, "%s: \"%s\": unsupported value type", path, key);
      rc = 3;
    }
    if(rc && !strstr(errbuf, path)) {
      char tmp[512];
      snprintf(tmp, sizeof(tmp), "%s: %s", path, errbuf);
      snprintf(errbuf, errlen, "%s", tmp);
    }
  }
  json_decref(root);
  return rc;
}

static bool in_list(const char *const *list, const char *name, size_t n)
{
  for(; list && *list; list++)
    if(strlen(*list) == n && !strncmp(*list, name, n)) return true;
  return false;
}

int dast_cli_parse(int argc, char **argv, int first, struct dast_config *cfg,
                   const char *const *extra, dast_cli_extra_cb extra_cb, void *ud, char *errbuf,
                   size_t errlen)
{
  /* the config file first, whatever its position, so flags override it */
  for(int i = first; i < argc; i++) {
    if(!strcmp(argv[i], "--")) break;
    const char *path = NULL;
    if(!strcmp(argv[i], "--config")) {
      if(i + 1 >= argc) {
        snprintf(errbuf, errlen, "--config needs a FILE");
        return 3;
      }
      path = argv[i + 1];
    } else if(!strncmp(argv[i], "--config=", 9)) {
      path = argv[i] + 9;
    }
    if(path) {
      int rc = load_config_file(path, cfg, errbuf, errlen);
      if(rc) return rc;
    }
  }
  bool positional_only = false;
  for(int i = first; i < argc; i++) {
    const char *a = argv[i];
    if(positional_only || a[0] != '-' || !a[1]) {
      if(cfg->target && strcmp(cfg->target, a)) {
        if(positional_only || !strncmp(a, "http", 4)) {
          snprintf(errbuf, errlen, "more than one target given ('%s' and '%s')", cfg->target, a);
          return 3;
        }
        snprintf(errbuf, errlen, "unexpected argument '%s'", a);
        return 3;
      }
      dast_set_str(&cfg->target, a);
      continue;
    }
    if(!strcmp(a, "--")) {
      positional_only = true;
      continue;
    }
    if(!strcmp(a, "--help") || !strcmp(a, "-h")) return -1;
    if(!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
      cfg->verbose++;
      continue;
    }
    if(a[1] == 'v' && strspn(a + 1, "v") == strlen(a + 1)) { /* -vv, -vvv */
      cfg->verbose += (int)strlen(a + 1);
      continue;
    }
    if(!strcmp(a, "--config")) {
      i++;
      continue;
    }
    if(!strncmp(a, "--config=", 9)) continue;
    const struct opt *o = NULL;
    const char *value = NULL;
    char flag[64];
    if(a[1] == '-') {
      const char *name = a + 2;
      const char *eq = strchr(name, '=');
      size_t n = eq ? (size_t)(eq - name) : strlen(name);
      if(extra && in_list(extra, name, n)) {
        snprintf(flag, sizeof(flag), "%.*s", (int)n, name);
        const char *ev = eq ? eq + 1 : NULL;
        bool takes = strcmp(flag, "wait") && strcmp(flag, "insecure-no-auth") &&
                     strcmp(flag, "exit-with-gate");
        if(takes && !ev) {
          if(i + 1 >= argc) {
            snprintf(errbuf, errlen, "--%s needs a value", flag);
            return 3;
          }
          ev = argv[++i];
        }
        int rc = extra_cb(flag, ev, ud);
        if(rc) {
          if(!errbuf[0]) snprintf(errbuf, errlen, "--%s: invalid value", flag);
          return rc;
        }
        continue;
      }
      o = find_long(name, n);
      if(!o) {
        snprintf(errbuf, errlen, "unknown option '--%.*s' (see --help)", (int)n, name);
        return 3;
      }
      if(eq) value = eq + 1;
    } else {
      if(a[2]) {
        snprintf(errbuf, errlen, "unknown option '%s' (short flags take their value separately)", a);
        return 3;
      }
      o = find_short(a[1]);
      if(!o) {
        snprintf(errbuf, errlen, "unknown option '%s' (see --help)", a);
        return 3;
      }
    }
    bool is_bool = o->kind == O_BOOL || o->kind == O_NBOOL;
    if(is_bool && value) {
      snprintf(errbuf, errlen, "--%s takes no value", o->name);
      return 3;
    }
    if(!is_bool && !value) {
      if(i + 1 >= argc) {
        snprintf(errbuf, errlen, "--%s needs a value (%s)", o->name, o->arg);
        return 3;
      }
      value = argv[++i];
    }
    int rc = apply(o, value, cfg, errbuf, errlen);
    if(rc) return rc;
  }
  /* cross-field validation, once */
  if(cfg->per_host > cfg->concurrency) cfg->per_host = cfg->concurrency;
  if(cfg->no_crawl && !cfg->openapi && !cfg->har) {
    snprintf(errbuf, errlen, "--no-crawl needs --openapi or --har (there would be nothing to scan)");
    return 3;
  }
  if((cfg->login_data && !cfg->login_url) || (cfg->login_url && !cfg->login_data)) {
    snprintf(errbuf, errlen, "--login-url and --login-data go together");
    return 3;
  }
  if(cfg->fail_on_new_only && !cfg->baseline_file) {
    snprintf(errbuf, errlen, "--fail-on-new-only needs --baseline FILE");
    return 3;
  }
  if(cfg->target && strncmp(cfg->target, "http://", 7) && strncmp(cfg->target, "https://", 8)) {
    snprintf(errbuf, errlen, "target '%s' must start with http:// or https://", cfg->target);
    return 3;
  }
  return 0;
}
