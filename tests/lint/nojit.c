/* nojit.c — LD_PRELOAD shim for tests/lint/valgrind-scan.sh: makes PCRE2's
 * JIT compiler report "not available", so scanner/engine/re.c falls back
 * to the interpreter.  Memcheck cannot follow JIT-generated machine code
 * (every JIT match shows as "conditional jump depends on uninitialised
 * value" in an unknown object) and a blanket suppression would hide real
 * errors; with the interpreter the matcher is checked like the rest.
 * Built by the script itself; not part of any CMake target. */
#include <stdint.h>

struct pcre2_real_code_8;

int pcre2_jit_compile_8(struct pcre2_real_code_8 *code, uint32_t options);
int pcre2_jit_compile_8(struct pcre2_real_code_8 *code, uint32_t options)
{
  (void)code;
  (void)options;
  return -45; /* PCRE2_ERROR_JIT_BADOPTION: JIT not supported */
}
