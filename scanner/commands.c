/* commands.c — `scan`, `crawl`, `report`, `checks`: option parsing, the
 * terminal/CI output around dast_scan_run(), report files, exit codes.
 * The scan itself lives in scan.c; this file is only the CLI's face. */
#include "scanner/commands.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/cli.h"
#include "scanner/scan.h"

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
  if(crawl_only) cfg.profile = DAST_PROFILE_PASSIVE;
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

int dast_cmd_report(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "dastgate: 'report' is not built yet in this version\n");
  return 3;
}

int dast_cmd_checks(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "dastgate: 'checks' is not built yet in this version\n");
  return 3;
}

int dast_cmd_serve(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "dastgate: 'serve' is not built yet in this version\n");
  return 3;
}

int dast_cmd_submit(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fprintf(stderr, "dastgate: 'submit' is not built yet in this version\n");
  return 3;
}
