/* yaml.h — YAML documents as jansson values, for API descriptions written
 * in YAML.  Built on libyaml's event parser when the build defines
 * DAST_HAVE_YAML (pkg-config yaml-0.1); otherwise every call reports that
 * YAML support was not built in.  Plain scalars are typed the YAML 1.2 core
 * way (null, true/false, integers, floats, else strings); anchors and
 * aliases are shared, with their total use capped (no alias bombs). */
#ifndef DAST_CRAWL_YAML_H
#define DAST_CRAWL_YAML_H

#include "scanner/engine/dast.h"

#include <jansson.h>

#define DAST_YAML_MAX_DEPTH 256
#define DAST_YAML_MAX_ALIASES 10000
#define DAST_YAML_MAX_NODES 2000000

/* True when YAML support is built in. */
bool dast_yaml_available(void);
/* Parses the first document of `len` bytes into *out (owned).  DAST_EPARSE
 * with "line L, column C: problem" in errbuf on bad YAML, non-scalar keys,
 * too deep nesting, too many aliases or nodes, or when not built in. */
dast_err dast_yaml_load(const char *buf, size_t len, json_t **out, char *errbuf,
                        size_t errlen) DAST_WUR;

#endif
