/* submit.h — `dastgate submit`, the pipeline client of `dastgate serve`:
 * parses the same scan options as `dastgate scan` (dast_cli_parse) plus
 * --server, --token-file, --wait, --poll-interval, --wait-timeout and
 * --baseline-scan, submits the scan, follows its progress on stderr,
 * downloads the reports asked for (--json/--junit/--sarif/--html/--md) and
 * exits with the gate's exit code. */
#ifndef DAST_SUBMIT_H
#define DAST_SUBMIT_H

/* argv[0] = "submit".  Returns the process exit code: the gate's (0 pass,
 * 1 or --exit-code-fail on fail, 2 incomplete); 2 when the service is
 * unreachable or the scan failed, was cancelled or interrupted; 3 for usage
 * errors and options the service refused (400/401/403/413).  Without --wait
 * (and no report to download) it prints the scan id and returns 0 once the
 * service accepted the scan.  Never calls exit(). */
int dast_submit_main(int argc, char **argv);

#endif
