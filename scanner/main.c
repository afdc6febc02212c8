/* main.c — the dastgate binary: picks the subcommand, parses its options,
 * runs it and turns the result into the process exit code.  The only file
 * that calls exit() (by returning from main).  Exit codes (DESIGN.md):
 * 0 gate passed, 1 gate failed, 2 scan could not run / incomplete,
 * 3 usage or configuration error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "scanner/cli.h"
#include "scanner/commands.h"
#include "scanner/engine/dast.h"

static void print_usage(FILE *f)
{
  fputs("dastgate " DAST_VERSION " — dynamic application security testing for pipelines\n"
        "\n"
        "usage: dastgate <command> [options]\n"
        "\n"
        "commands:\n"
        "  scan URL      crawl URL, attack every input found, report and gate\n"
        "  crawl URL     map URL only: print the endpoint inventory\n"
        "  report FILE   re-render a saved JSON report (--format junit|sarif|html|md|json)\n"
        "  checks        list the checks (--json for machine-readable output)\n"
        "  serve         run the scan service (REST API) for pipelines\n"
        "  submit URL    ask a running service to scan URL and wait for its verdict\n"
        "  version       print the version\n"
        "\n"
        "Run 'dastgate <command> --help' for the options of a command.\n"
        "\n"
        "exit codes:\n"
        "  0  gate passed (no finding over the policy)\n"
        "  1  gate failed: confirmed findings at or above --fail-on (remap: --exit-code-fail)\n"
        "  2  scan could not run or is incomplete (target down, login failed, coverage low)\n"
        "  3  usage or configuration error\n",
        f);
}

int main(int argc, char **argv)
{
  /* libxml2 must be initialised once before any thread parses (the service
   * runs scans on worker threads) */
  xmlInitParser();
  if(argc < 2) {
    print_usage(stderr);
    return 3;
  }
  const char *cmd = argv[1];
  if(!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("dastgate %s\n", DAST_VERSION);
    return 0;
  }
  if(!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
    print_usage(stdout);
    return 0;
  }
  if(!strcmp(cmd, "scan")) return dast_cmd_scan(argc - 1, argv + 1, false);
  if(!strcmp(cmd, "crawl")) return dast_cmd_scan(argc - 1, argv + 1, true);
  if(!strcmp(cmd, "report")) return dast_cmd_report(argc - 1, argv + 1);
  if(!strcmp(cmd, "checks")) return dast_cmd_checks(argc - 1, argv + 1);
  if(!strcmp(cmd, "serve")) return dast_cmd_serve(argc - 1, argv + 1);
  if(!strcmp(cmd, "submit")) return dast_cmd_submit(argc - 1, argv + 1);
  fprintf(stderr, "dastgate: unknown command '%s'\n\n", cmd);
  print_usage(stderr);
  return 3;
}
