/* support_data.c — reading test data files (support.h). */
#include <stdio.h>

#include "scanner/engine/dast.h"
#include "tests/unit/support.h"

char *dast_test_slurp(const char *relpath, size_t *len)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/%s", DAST_TEST_DATA, relpath);
  FILE *f = fopen(path, "rb");
  if(!f) return NULL;
  struct dast_buf b;
  dast_buf_init(&b, 0);
  char tmp[4096];
  size_t n;
  while((n = fread(tmp, 1, sizeof(tmp), f)) > 0) (void)dast_buf_add(&b, tmp, n);
  fclose(f);
  return dast_buf_take(&b, len);
}
