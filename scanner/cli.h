/* cli.h — the command line: option parsing into struct dast_config shared
 * by `scan`, `crawl` and `submit`, and the help texts.  Parsing never exits:
 * it returns 3 with a one-line message naming the flag. */
#ifndef DAST_CLI_H
#define DAST_CLI_H

#include <stdio.h>

#include "scanner/engine/config.h"

/* Parses argv[first..argc) into cfg (already initialised with defaults).
 * Positional arguments: the first is the target URL.  Unknown flags listed in
 * `extra` (NULL-terminated names without "--", each taking one value) are
 * handed to extra_cb(name, value, ud) instead (used by `submit` for
 * --server/--token-file/--wait).  Extra flags take one value, except the
 * switches "wait", "insecure-no-auth" and "exit-with-gate" (value NULL).  Returns 0 on success, 3 on a usage error
 * with the message in errbuf, or -1 when --help was asked (help printed). */
typedef int (*dast_cli_extra_cb)(const char *name, const char *value, void *ud);
int dast_cli_parse(int argc, char **argv, int first, struct dast_config *cfg,
                   const char *const *extra, dast_cli_extra_cb extra_cb, void *ud,
                   char *errbuf, size_t errlen);
/* Prints the scan options section of --help. */
void dast_cli_print_scan_options(FILE *f);

#endif
