/* main.c — the dastgate binary: dispatches the subcommand and turns the
 * result into the process exit code.  The only file that calls exit(). */
#include <stdio.h>
#include <string.h>

#include "scanner/engine/dast.h"

static int usage(FILE *f)
{
  fputs("usage: dastgate <command> [options]\n"
        "commands: scan crawl serve submit report checks version\n",
        f);
  return f == stderr ? 3 : 0;
}

int main(int argc, char **argv)
{
  if(argc < 2) return usage(stderr);
  const char *cmd = argv[1];
  if(!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
    printf("dastgate %s\n", DAST_VERSION);
    return 0;
  }
  if(!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) return usage(stdout);
  const char *known[] = {"scan", "crawl", "serve", "submit", "report", "checks"};
  for(size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
    if(!strcmp(cmd, known[i])) {
      fprintf(stderr, "dastgate: '%s' is not built yet in this version\n", cmd);
      return 3;
    }
  fprintf(stderr, "dastgate: unknown command '%s'\n", cmd);
  return usage(stderr);
}
