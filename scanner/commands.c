/* commands.c — `scan`, `crawl`, `report`, `checks`: option parsing, the
 * terminal/CI output around dast_scan_run(), report files, exit codes.
 * The scan itself lives in scan.c; this file is only the CLI's face. */
#include "scanner/commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/cli.h"
#include "payloads/attack.h"
#include "reports/gate.h"
#include "reports/report.h"
#include "scanner/scan.h"
#include "scanner/serve.h"
#include "scanner/submit.h"

static struct dast_scan_ctl *g_ctl; /* for the SIGINT handler only */

static void on_sigint(int sig)
{
  (void)sig;
  if(g_ctl) atomic_store(&g_ctl->cancel, true);
}

static void scan_help(bool crawl_only)
{
  printf("usage: dastgate %s [options] URL\n\n", crawl_only ? "crawl" : "scan");
  if(crawl_only)
    puts("Maps URL: follows links, forms, scripts, robots.txt, sitemap.xml and API\n"
         "descriptions, and prints the endpoint inventory (--json FILE writes it).");
  else
    puts("Crawls URL, attacks every input it found with the selected checks, writes\n"
         "the reports you ask for, and exits with the gate's verdict.  Only scan\n"
         "applications you are allowed to test.\n\n"
         "example:\n"
         "  dastgate scan https://pr-123.test.internal --junit dast.xml --fail-on high");
  dast_cli_print_scan_options(stdout);
  puts("\nexit codes: 0 passed, 1 gate failed, 2 could not run / incomplete, 3 usage error");
}

int dast_cmd_scan(int argc, char **argv, bool crawl_only)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  char err[512] = "";
  int rc = dast_cli_parse(argc, argv, 1, &cfg, NULL, NULL, NULL, err, sizeof(err));
  if(rc == -1) {
    scan_help(crawl_only);
    dast_config_free(&cfg);
    return 0;
  }
  if(rc) {
    fprintf(stderr, "dastgate: %s\n", err);
    dast_config_free(&cfg);
    return 3;
  }
  if(!cfg.target && !cfg.openapi && !cfg.har) {
    fprintf(stderr, "dastgate: no target URL given (see 'dastgate %s --help')\n",
            crawl_only ? "crawl" : "scan");
    dast_config_free(&cfg);
    return 3;
  }
  if(crawl_only) {
    cfg.profile = DAST_PROFILE_PASSIVE;
    cfg.crawl_only = true;
  }
  dast_log_level_current = cfg.quiet ? DAST_LOG_ERROR : DAST_LOG_WARN + cfg.verbose;
  if(!cfg.progress && isatty(STDERR_FILENO) && !cfg.quiet && !getenv("CI")) cfg.progress = true;

  struct dast_scan_ctl ctl;
  dast_scan_ctl_init(&ctl);
  g_ctl = &ctl;
  signal(SIGINT, on_sigint);
  signal(SIGTERM, on_sigint);
  signal(SIGPIPE, SIG_IGN);
  json_t *report = NULL;
  rc = dast_scan_run(&cfg, &ctl, &report, err, sizeof(err));
  g_ctl = NULL;
  if(!report && err[0]) fprintf(stderr, "dastgate: %s\n", err);
  json_decref(report);
  dast_config_free(&cfg);
  return rc;
}

struct report_opts {
  const char *format, *output;
  bool exit_with_gate;
};

static int report_extra(const char *name, const char *value, void *ud)
{
  struct report_opts *o = ud;
  if(!strcmp(name, "format")) o->format = value;
  else if(!strcmp(name, "output")) o->output = value;
  else if(!strcmp(name, "exit-with-gate")) o->exit_with_gate = true;
  return 0;
}

static void report_help(void)
{
  puts("usage: dastgate report FILE.json [--format FMT] [--output PATH] [--junit F --sarif F ...]\n"
       "\n"
       "Re-renders a saved JSON report (dastgate/1) with no network: --format\n"
       "json|junit|sarif|html|md writes to stdout (or --output PATH), and the\n"
       "--json/--junit/--sarif/--html/--md FILE options write files as 'scan' does.\n"
       "With --fail-on, --policy, --suppressions, --baseline or --fail-on-new-only\n"
       "the gate is applied again with that policy; --exit-with-gate then exits\n"
       "with the gate's code (0/1/2) instead of 0.");
}

int dast_cmd_report(int argc, char **argv)
{
  if(argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
    report_help();
    return argc < 2 ? 3 : 0;
  }
  const char *path = argv[1];
  struct dast_config cfg;
  dast_config_init(&cfg);
  free(cfg.fail_on);
  cfg.fail_on = NULL; /* keep the saved report's gate unless a policy is given */
  struct report_opts o = {0};
  static const char *const extra[] = {"format", "output", "exit-with-gate", NULL};
  char err[512] = "";
  int rc = dast_cli_parse(argc, argv, 2, &cfg, extra, report_extra, &o, err, sizeof(err));
  json_t *report = NULL;
  if(rc == -1) {
    report_help();
    rc = 0;
    goto out;
  }
  if(rc) goto fail;
  if(cfg.target) {
    snprintf(err, sizeof(err), "unexpected argument '%s'", cfg.target);
    rc = 3;
    goto fail;
  }
  int fmt = DAST_FMT_JSON;
  if(o.format && (fmt = dast_report_format_parse(o.format)) < 0) {
    snprintf(err, sizeof(err), "--format '%s': expected json, junit, sarif, html or md", o.format);
    rc = 3;
    goto fail;
  }
  if(dast_report_load(path, &report, err, sizeof(err))) {
    rc = 3;
    goto fail;
  }
  int gate_rc = (int)json_integer_value(json_object_get(json_object_get(report, "gate"), "exit_code"));
  if(cfg.fail_on || cfg.policy_file || cfg.suppressions_file || cfg.baseline_file ||
     cfg.fail_on_new_only || cfg.min_coverage > 0 || cfg.exit_code_fail != 1) {
    if(!cfg.fail_on) cfg.fail_on = dast_strdup("high");
    struct dast_gate *g = NULL;
    if(dast_gate_new(&cfg, &g, err, sizeof(err))) {
      rc = 3;
      goto fail;
    }
    gate_rc = dast_gate_apply(g, report, (int64_t)time(NULL));
    dast_gate_free(g);
  }
  bool any_file = cfg.json_out || cfg.junit_out || cfg.sarif_out || cfg.html_out || cfg.md_out;
  const char *outs[] = {cfg.json_out, cfg.junit_out, cfg.sarif_out, cfg.html_out, cfg.md_out};
  enum dast_report_format fmts[] = {DAST_FMT_JSON, DAST_FMT_JUNIT, DAST_FMT_SARIF, DAST_FMT_HTML, DAST_FMT_MD};
  for(size_t i = 0; i < 5; i++)
    if(outs[i] && dast_report_write(report, fmts[i], outs[i], err, sizeof(err))) {
      rc = 3;
      goto fail;
    }
  if(o.format || o.output || !any_file) {
    if(dast_report_write(report, (enum dast_report_format)fmt, o.output ? o.output : "-", err, sizeof(err))) {
      rc = 3;
      goto fail;
    }
  }
  rc = o.exit_with_gate ? gate_rc : 0;
  goto out;
fail:
  fprintf(stderr, "dastgate: %s\n", err);
out:
  json_decref(report);
  dast_config_free(&cfg);
  return rc;
}

static void checks_help(void)
{
  puts("usage: dastgate checks [--json] [--checks ID,CLASS,..] [--skip-checks ..] [--checks-dir DIR]\n"
       "\n"
       "Lists the checks a scan would run with these options: id, class, severity,\n"
       "CWE, kind (active or passive) and name.  Check files are JSON in\n"
       "payloads/checks/ (see payloads/CHECKS.md); --checks-dir adds your own, and\n"
       "a malformed file is reported with its name and field (exit 3).");
}

int dast_cmd_checks(int argc, char **argv)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  bool as_json = false;
  char err[512] = "";
  /* --json is a report option for scan; here it is a switch */
  for(int i = 1; i < argc; i++)
    if(!strcmp(argv[i], "--json")) {
      as_json = true;
      for(int j = i; j + 1 < argc; j++) argv[j] = argv[j + 1];
      argc--;
      i--;
    }
  int rc = dast_cli_parse(argc, argv, 1, &cfg, NULL, NULL, NULL, err, sizeof(err));
  if(rc == -1) {
    checks_help();
    dast_config_free(&cfg);
    return 0;
  }
  struct dast_checks *set = NULL;
  if(!rc && dast_checks_load(&cfg, &set, err, sizeof(err))) rc = 3;
  if(rc) {
    fprintf(stderr, "dastgate: %s\n", err);
    dast_config_free(&cfg);
    return 3;
  }
  json_t *list = dast_checks_list_json(set);
  if(as_json) {
    char *s = json_dumps(list, JSON_INDENT(2));
    puts(s ? s : "[]");
    free(s);
  } else {
    size_t i;
    json_t *c;
    printf("%-31s %-18s %-8s %-6s %-8s %s\n", "ID", "CLASS", "SEVERITY", "CWE", "KIND", "NAME");
    json_array_foreach(list, i, c) {
      char cwe[16] = "-";
      if(json_integer_value(json_object_get(c, "cwe")))
        snprintf(cwe, sizeof(cwe), "%lld", (long long)json_integer_value(json_object_get(c, "cwe")));
      printf("%-31s %-18s %-8s %-6s %-8s %s\n", json_string_value(json_object_get(c, "id")),
             json_string_value(json_object_get(c, "class")),
             json_string_value(json_object_get(c, "severity")), cwe,
             json_string_value(json_object_get(c, "kind")),
             json_string_value(json_object_get(c, "name")));
    }
    printf("%zu checks\n", json_array_size(list));
  }
  json_decref(list);
  dast_checks_free(set);
  dast_config_free(&cfg);
  return 0;
}

int dast_cmd_serve(int argc, char **argv)
{
  return dast_serve_main(argc, argv);
}

int dast_cmd_submit(int argc, char **argv)
{
  return dast_submit_main(argc, argv);
}
