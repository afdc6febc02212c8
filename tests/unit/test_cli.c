/* test_cli.c — option parsing into struct dast_config: values, ranges,
 * clear errors naming the flag, the config file and its precedence. */
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>

#include "scanner/cli.h"
#include "tests/unit/harness.h"

static int parse(struct dast_config *c, char *err, int argc, char **argv)
{
  dast_config_init(c);
  err[0] = '\0';
  return dast_cli_parse(argc, argv, 0, c, NULL, NULL, NULL, err, 256);
}

TEST(parses_values_and_lists)
{
  struct dast_config c;
  char err[256];
  char *argv[] = {"--rate", "5", "-H", "Authorization: Bearer x", "--timeout=2.5", "--checks",
                  "xss,sqli", "--profile", "full", "--max-body", "2M", "-k",
                  "http://127.0.0.1:8080/", "--seed", "42"};
  ASSERT_EQ(parse(&c, err, 15, argv), 0);
  ASSERT_EQ((int)c.rate, 5);
  ASSERT_EQ(c.timeout_ms, 2500);
  ASSERT_EQ(c.checks.n, 2);
  ASSERT_STREQ(c.checks.v[1], "sqli");
  ASSERT_EQ(c.profile, DAST_PROFILE_FULL);
  ASSERT_EQ(c.body_cap, 2u << 20);
  ASSERT(c.insecure);
  ASSERT(c.seed_set);
  ASSERT_EQ(c.seed, 42);
  ASSERT_STREQ(c.target, "http://127.0.0.1:8080/");
  ASSERT_STREQ(c.headers.v[0], "Authorization: Bearer x");
  dast_config_free(&c);
}

TEST(errors_name_the_flag)
{
  struct dast_config c;
  char err[256];
  char *a1[] = {"--rate", "fast"};
  ASSERT_EQ(parse(&c, err, 2, a1), 3);
  ASSERT_CONTAINS(err, "--rate");
  dast_config_free(&c);
  char *a2[] = {"--concurrency", "0"};
  ASSERT_EQ(parse(&c, err, 2, a2), 3);
  ASSERT_CONTAINS(err, "out of range");
  dast_config_free(&c);
  char *a3[] = {"--bogus"};
  ASSERT_EQ(parse(&c, err, 1, a3), 3);
  ASSERT_CONTAINS(err, "--bogus");
  dast_config_free(&c);
  char *a4[] = {"--profile", "mega"};
  ASSERT_EQ(parse(&c, err, 2, a4), 3);
  dast_config_free(&c);
  char *a5[] = {"ftp://x/"};
  ASSERT_EQ(parse(&c, err, 1, a5), 3);
  ASSERT_CONTAINS(err, "http://");
  dast_config_free(&c);
  char *a6[] = {"--json"};
  ASSERT_EQ(parse(&c, err, 1, a6), 3);
  ASSERT_CONTAINS(err, "needs a value");
  dast_config_free(&c);
  char *a7[] = {"--header", "novalue"};
  ASSERT_EQ(parse(&c, err, 2, a7), 3);
  dast_config_free(&c);
  char *a8[] = {"--help"};
  ASSERT_EQ(parse(&c, err, 1, a8), -1);
  dast_config_free(&c);
}

TEST(config_file_then_flags)
{
  char path[] = "/tmp/dastcliXXXXXX";
  int fd = mkstemp(path);
  ASSERT(fd >= 0);
  const char *json = "{\"rate\": 3, \"header\": [\"X-A: 1\"], \"insecure\": true, \"profile\": \"passive\"}";
  ASSERT_EQ(write(fd, json, strlen(json)), (long)strlen(json));
  close(fd);
  struct dast_config c;
  char err[256];
  char *argv[] = {"--rate", "9", "--config", path, "http://h/"};
  ASSERT_EQ(parse(&c, err, 5, argv), 0);
  ASSERT_EQ((int)c.rate, 9); /* the command line wins */
  ASSERT(c.insecure);
  ASSERT_EQ(c.profile, DAST_PROFILE_PASSIVE);
  ASSERT_EQ(c.headers.n, 1);
  dast_config_free(&c);
  const char *bad = "{\"rate\": \"x\"}";
  fd = open(path, O_WRONLY | O_TRUNC);
  ASSERT_EQ(write(fd, bad, strlen(bad)), (long)strlen(bad));
  close(fd);
  char *argv2[] = {"--config", path};
  ASSERT_EQ(parse(&c, err, 2, argv2), 3);
  ASSERT_CONTAINS(err, path);
  ASSERT_CONTAINS(err, "--rate");
  dast_config_free(&c);
  const char *broken = "{\"rate\": ";
  fd = open(path, O_WRONLY | O_TRUNC);
  ASSERT_EQ(write(fd, broken, strlen(broken)), (long)strlen(broken));
  close(fd);
  ASSERT_EQ(parse(&c, err, 2, argv2), 3);
  ASSERT_CONTAINS(err, ":1:");
  dast_config_free(&c);
  unlink(path);
}

RUN_TESTS()
