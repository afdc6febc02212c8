/* test_check_loader.c — the check loader: every shipped check file loads,
 * and each kind of mistake in a check file is rejected with a message that
 * names the file and the field (data files in tests/data/payloads/loader). */
#include <stdlib.h>

#include "payloads/pl_int.h"
#include "tests/unit/harness.h"

static char err[1024];

static dast_err load_one(const char *name, struct dast_checks **set)
{
  char path[512];
  snprintf(path, sizeof(path), "%s/payloads/loader/%s.json", DAST_TEST_DATA, name);
  err[0] = '\0';
  return dast_checks_load_file(path, set, err, sizeof(err));
}

/* Loads a bad file: must fail with the file name and `field` in the message. */
#define EXPECT_BAD(name, field)                                              \
  do {                                                                       \
    struct dast_checks *s_ = NULL;                                           \
    ASSERT_EQ(load_one(name, &s_), DAST_EPARSE);                             \
    ASSERT(s_ == NULL);                                                      \
    ASSERT_CONTAINS(err, name ".json: ");                                    \
    ASSERT_CONTAINS(err, field);                                             \
  } while(0)

TEST(shipped_checks_all_load)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  struct dast_checks *c = NULL;
  dast_err e = dast_checks_load(&cfg, &c, err, sizeof(err));
  if(e) fprintf(stderr, "  %s\n", err);
  ASSERT_EQ(e, DAST_OK);
  ASSERT_GE(dast_checks_count(c), 30);
  json_t *list = dast_checks_list_json(c);
  ASSERT_EQ(json_array_size(list), dast_checks_count(c));
  bool has_sqli = false;
  size_t i;
  json_t *v;
  json_array_foreach(list, i, v) {
    ASSERT(json_string_value(json_object_get(v, "id")));
    if(!strcmp(json_string_value(json_object_get(v, "id")), "sqli-error")) has_sqli = true;
  }
  ASSERT(has_sqli);
  json_decref(list);
  dast_checks_free(c);
  dast_config_free(&cfg);
}

TEST(filter_by_id_and_class)
{
  struct dast_config cfg;
  dast_config_init(&cfg);
  dast_strlist_add(&cfg.checks, "sqli");
  dast_strlist_add(&cfg.checks, "ssti");
  dast_strlist_add(&cfg.skip_checks, "sqli-time");
  struct dast_checks *c = NULL;
  ASSERT_EQ(dast_checks_load(&cfg, &c, err, sizeof(err)), DAST_OK);
  ASSERT_GE(c->n, 3);
  for(size_t i = 0; i < c->n; i++) {
    ASSERT(!strcmp(c->v[i]->klass, "sqli") || !strcmp(c->v[i]->id, "ssti"));
    ASSERT(strcmp(c->v[i]->id, "sqli-time"));
  }
  dast_checks_free(c);
  dast_config_free(&cfg);
}

TEST(good_file_loads)
{
  struct dast_checks *s = NULL;
  ASSERT_EQ(load_one("good", &s), DAST_OK);
  ASSERT_EQ(s->n, 1);
  /* the same id twice is refused */
  ASSERT_EQ(load_one("good", &s), DAST_EPARSE);
  ASSERT_CONTAINS(err, "id: duplicate id");
  dast_checks_free(s);
}

TEST(unknown_key_rejected) { EXPECT_BAD("unknown_key", "colour: unknown key"); }
TEST(wrong_type_rejected) { EXPECT_BAD("wrong_type", "cwe: must be a positive integer"); }
TEST(bad_regex_rejected) { EXPECT_BAD("bad_regex", "matchers.regex[0]: bad regex"); }
TEST(nested_bad_regex_rejected) { EXPECT_BAD("nested_bad_regex", "matchers.and[1].not.regex[0]: bad regex"); }
TEST(unknown_placeholder_rejected) { EXPECT_BAD("unknown_placeholder", "payloads[0]: unknown placeholder $[nonesuch]"); }
TEST(missing_field_rejected) { EXPECT_BAD("missing_field", "name: missing"); }
TEST(unknown_matcher_key_rejected) { EXPECT_BAD("unknown_matcher_key", "matchers.partt: unknown key"); }
TEST(two_matcher_kinds_rejected) { EXPECT_BAD("two_kinds", "matchers: needs exactly one"); }
TEST(bad_class_rejected) { EXPECT_BAD("bad_class", "class: \"Not A Class\" is not a class name"); }

TEST(new_class_needs_no_code)
{
  struct dast_checks *s = NULL;
  ASSERT_EQ(load_one("new_class", &s), DAST_OK);
  ASSERT_STREQ(s->v[0]->klass, "ldap-injection");
  dast_checks_free(s);
}
TEST(strategy_requirements) { EXPECT_BAD("match_without_payloads", "payloads: missing"); }
TEST(bad_context_rejected) { EXPECT_BAD("bad_context", "contexts.html_txet: unknown context"); }
TEST(bad_part_rejected) { EXPECT_BAD("bad_part", "matchers.part: must be"); }
TEST(kind_mismatch_rejected) { EXPECT_BAD("passive_kind_mismatch", "strategy:"); }
TEST(bad_insertion_point_rejected) { EXPECT_BAD("bad_ip", "applies.insertion_points: unknown insertion point"); }
TEST(not_json_rejected) { EXPECT_BAD("not_json", "(file): line"); }

TEST(load_from_buffer_and_hostile_input)
{
  struct dast_checks *s = NULL;
  const char *ok = "{\"id\":\"b1\",\"name\":\"B\",\"class\":\"xss\",\"cwe\":79,\"owasp\":\"A03\","
                   "\"severity\":\"low\",\"description\":\"d\",\"remediation\":\"r\",\"kind\":\"active\","
                   "\"strategy\":\"match\",\"payloads\":\"x\",\"matchers\":{\"word\":\"x\"}}";
  ASSERT_EQ(dast_checks_load_buf(ok, strlen(ok), "mem.json", &s, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(s->n, 1);
  /* a matcher nested 40 deep is refused, not recursed into */
  char deep[2048] = "";
  size_t at = 0;
  for(int i = 0; i < 40; i++) at += (size_t)snprintf(deep + at, sizeof(deep) - at, "{\"not\":");
  at += (size_t)snprintf(deep + at, sizeof(deep) - at, "{\"word\":\"x\"}");
  for(int i = 0; i < 40; i++) at += (size_t)snprintf(deep + at, sizeof(deep) - at, "}");
  char doc[4096];
  snprintf(doc, sizeof(doc), "{\"id\":\"b2\",\"name\":\"B\",\"class\":\"xss\",\"cwe\":79,\"owasp\":\"A03\","
           "\"severity\":\"low\",\"description\":\"d\",\"remediation\":\"r\",\"kind\":\"active\","
           "\"strategy\":\"match\",\"payloads\":\"x\",\"matchers\":%s}", deep);
  ASSERT_EQ(dast_checks_load_buf(doc, strlen(doc), "deep.json", &s, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "deep.json: ");
  ASSERT_CONTAINS(err, "nested too deeply");
  ASSERT_EQ(dast_checks_load_buf("\x01\x02", 2, "bin.json", &s, err, sizeof(err)), DAST_EPARSE);
  ASSERT_EQ(s->n, 1);
  dast_checks_free(s);
}

TEST(missing_dir_is_eio)
{
  setenv("DASTGATE_CHECKS_DIR", "/nonexistent/dastgate-checks", 1);
  struct dast_checks *c = NULL;
  ASSERT_EQ(dast_checks_load(NULL, &c, err, sizeof(err)), DAST_EIO);
  ASSERT(c == NULL);
  ASSERT_CONTAINS(err, "/nonexistent/dastgate-checks");
  unsetenv("DASTGATE_CHECKS_DIR");
}

RUN_TESTS()
