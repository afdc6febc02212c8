/* commands.h — the subcommands main.c dispatches to.  Each takes the
 * subcommand's own argv (argv[0] is the subcommand name) and returns the
 * process exit code (0/1/2/3, DESIGN.md). */
#ifndef DAST_COMMANDS_H
#define DAST_COMMANDS_H

#include <stdbool.h>

int dast_cmd_scan(int argc, char **argv, bool crawl_only);
int dast_cmd_report(int argc, char **argv);
int dast_cmd_checks(int argc, char **argv);
int dast_cmd_serve(int argc, char **argv);
int dast_cmd_submit(int argc, char **argv);

#endif
