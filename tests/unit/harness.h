/* harness.h — the tiny unit-test harness (libuv's manner): TEST() defines a
 * case, ASSERT*() fail it with file:line, RUN_TESTS() in main runs all cases
 * (or those named on the command line) and prints "N passed, N failed". */
#ifndef DAST_TEST_HARNESS_H
#define DAST_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*dast_test_fn)(void);
struct dast_test_case { const char *name; dast_test_fn fn; };
#define DAST_MAX_TESTS 256
static struct dast_test_case dast_tests[DAST_MAX_TESTS];
static int dast_ntests;
static int dast_test_failed;

#define TEST(name)                                                           \
  static void test_##name(void);                                             \
  __attribute__((constructor)) static void reg_##name(void)                  \
  {                                                                          \
    if(dast_ntests < DAST_MAX_TESTS)                                         \
      dast_tests[dast_ntests++] = (struct dast_test_case){#name, test_##name}; \
  }                                                                          \
  static void test_##name(void)

#define FAIL_AT(...)                                                         \
  do {                                                                       \
    fprintf(stderr, "  %s:%d: ", __FILE__, __LINE__);                        \
    fprintf(stderr, __VA_ARGS__);                                            \
    fputc('\n', stderr);                                                     \
    dast_test_failed = 1;                                                    \
    return;                                                                  \
  } while(0)

#define ASSERT(c) do { if(!(c)) FAIL_AT("assertion failed: %s", #c); } while(0)
#define ASSERT_EQ(a, b)                                                      \
  do {                                                                       \
    long long a_ = (long long)(a), b_ = (long long)(b);                      \
    if(a_ != b_) FAIL_AT("%s == %s: %lld != %lld", #a, #b, a_, b_);          \
  } while(0)
#define ASSERT_LE(a, b)                                                      \
  do {                                                                       \
    long long a_ = (long long)(a), b_ = (long long)(b);                      \
    if(a_ > b_) FAIL_AT("%s <= %s: %lld > %lld", #a, #b, a_, b_);            \
  } while(0)
#define ASSERT_GE(a, b) ASSERT_LE(b, a)
#define ASSERT_STREQ(a, b)                                                   \
  do {                                                                       \
    const char *a_ = (a), *b_ = (b);                                         \
    if(!a_ || !b_ || strcmp(a_, b_))                                         \
      FAIL_AT("%s == %s: \"%s\" != \"%s\"", #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
  } while(0)
#define ASSERT_CONTAINS(hay, needle)                                         \
  do {                                                                       \
    const char *h_ = (hay), *n_ = (needle);                                  \
    if(!h_ || !strstr(h_, n_)) FAIL_AT("%s should contain \"%s\"", #hay, n_); \
  } while(0)

static int dast_run_tests(int argc, char **argv)
{
  int passed = 0, failed = 0;
  for(int i = 0; i < dast_ntests; i++) {
    if(argc > 1) {
      int want = 0;
      for(int j = 1; j < argc; j++)
        if(!strcmp(argv[j], dast_tests[i].name)) want = 1;
      if(!want) continue;
    }
    dast_test_failed = 0;
    dast_tests[i].fn();
    if(dast_test_failed) {
      failed++;
      fprintf(stderr, "FAIL %s\n", dast_tests[i].name);
    } else {
      passed++;
      fprintf(stderr, "ok   %s\n", dast_tests[i].name);
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
#define RUN_TESTS() int main(int argc, char **argv) { return dast_run_tests(argc, argv); }

#endif
