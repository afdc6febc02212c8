/* fuzz_tmpfile.h — for fuzz targets whose parser takes a file name: one
 * private temporary file per process, rewritten with each input.  Header
 * only (static functions): each fuzz target is its own program. */
#ifndef DAST_FUZZ_TMPFILE_H
#define DAST_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_tmp_path[64];
static int fuzz_tmp_fd = -1;

static void fuzz_tmp_remove(void)
{
  if(fuzz_tmp_path[0]) unlink(fuzz_tmp_path);
}

/* Writes data to the process's temporary file and returns its path. */
static const char *fuzz_tmp_write(const uint8_t *data, size_t size)
{
  if(fuzz_tmp_fd < 0) {
    snprintf(fuzz_tmp_path, sizeof(fuzz_tmp_path), "/tmp/dast-fuzz-XXXXXX");
    fuzz_tmp_fd = mkstemp(fuzz_tmp_path);
    if(fuzz_tmp_fd < 0) abort();
    atexit(fuzz_tmp_remove);
  }
  if(ftruncate(fuzz_tmp_fd, 0) || (size && pwrite(fuzz_tmp_fd, data, size, 0) != (ssize_t)size))
    abort();
  return fuzz_tmp_path;
}

#endif
