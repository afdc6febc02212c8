/* test_store.c — the service's SQLite store: lifecycle of a scan row,
 * findings and report written atomically, list filters and pagination,
 * recovery after a restart, metrics, and two connections at once (a reader
 * while a writer holds a transaction). */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "scanner/store.h"
#include "tests/unit/harness.h"

static char dbpath[64];

static struct dast_store *fresh(void)
{
  snprintf(dbpath, sizeof(dbpath), "/tmp/dast-test-store-%d.db", (int)getpid());
  unlink(dbpath);
  char wal[80];
  snprintf(wal, sizeof(wal), "%s-wal", dbpath);
  unlink(wal);
  snprintf(wal, sizeof(wal), "%s-shm", dbpath);
  unlink(wal);
  struct dast_store *st = NULL;
  char err[256];
  if(dast_store_open(dbpath, &st, err, sizeof(err))) fprintf(stderr, "open: %s\n", err);
  return st;
}

static json_t *sample_report(const char *verdict, int code)
{
  return json_pack("{s:s,s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s}],s:{s:s,s:i}}", "format",
                   "dastgate/1", "findings", "severity", "high", "confidence", "confirmed",
                   "fingerprint", "f1", "check_id", "xss-reflected", "severity", "low",
                   "confidence", "firm", "fingerprint", "f2", "check_id", "headers", "gate",
                   "verdict", verdict, "exit_code", code);
}

TEST(scan_lifecycle)
{
  struct dast_store *st = fresh();
  ASSERT(st);
  ASSERT_EQ(dast_store_scan_create(st, "aaaaaaaaaaaaaaaa", "http://127.0.0.1:1/", "standard",
                                   "{\"target\":\"http://127.0.0.1:1/\"}", false, 1000),
            DAST_OK);
  bool moved;
  ASSERT_EQ(dast_store_scan_transition(st, "aaaaaaaaaaaaaaaa", "queued", "running", NULL, 1500,
                                       &moved),
            DAST_OK);
  ASSERT(moved);
  /* a second start does nothing */
  ASSERT_EQ(dast_store_scan_transition(st, "aaaaaaaaaaaaaaaa", "queued", "running", NULL, 1600,
                                       &moved),
            DAST_OK);
  ASSERT(!moved);
  json_t *rep = sample_report("fail", 1);
  struct dast_store_result res = {"done", 1, "fail", NULL, rep, 42, 7};
  ASSERT_EQ(dast_store_scan_finish(st, "aaaaaaaaaaaaaaaa", &res, 4000), DAST_OK);
  json_decref(rep);
  json_t *scan;
  ASSERT_EQ(dast_store_scan_get(st, "aaaaaaaaaaaaaaaa", &scan), DAST_OK);
  ASSERT_STREQ(json_string_value(json_object_get(scan, "status")), "done");
  ASSERT_STREQ(json_string_value(json_object_get(scan, "verdict")), "fail");
  ASSERT_EQ(json_integer_value(json_object_get(scan, "exit_code")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(scan, "queue_ms")), 500);
  ASSERT_EQ(json_integer_value(json_object_get(scan, "duration_ms")), 2500);
  json_t *p = json_object_get(scan, "progress");
  ASSERT_EQ(json_integer_value(json_object_get(p, "requests")), 42);
  ASSERT_EQ(json_integer_value(json_object_get(p, "findings")), 2);
  json_decref(scan);
  char *text;
  size_t len;
  ASSERT_EQ(dast_store_report_get(st, "aaaaaaaaaaaaaaaa", &text, &len), DAST_OK);
  ASSERT_CONTAINS(text, "xss-reflected");
  free(text);
  json_t *m;
  ASSERT_EQ(dast_store_metrics(st, &m), DAST_OK);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(m, "findings"), "high")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(m, "scans"), "done")), 1);
  ASSERT_EQ(json_integer_value(json_object_get(m, "requests")), 42);
  json_decref(m);
  bool deleted;
  ASSERT_EQ(dast_store_scan_delete(st, "aaaaaaaaaaaaaaaa", &deleted), DAST_OK);
  ASSERT(deleted);
  ASSERT_EQ(dast_store_scan_get(st, "aaaaaaaaaaaaaaaa", &scan), DAST_ENOTFOUND);
  ASSERT_EQ(dast_store_report_get(st, "aaaaaaaaaaaaaaaa", &text, &len), DAST_ENOTFOUND);
  ASSERT_EQ(dast_store_metrics(st, &m), DAST_OK);
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(m, "findings"), "high")), 0);
  json_decref(m);
  char msg[128];
  ASSERT_EQ(dast_store_integrity_check(st, msg, sizeof(msg)), DAST_OK);
  dast_store_close(st);
  unlink(dbpath);
}

TEST(list_filters_and_pages)
{
  struct dast_store *st = fresh();
  ASSERT(st);
  for(int i = 0; i < 7; i++) {
    char id[24], target[64];
    snprintf(id, sizeof(id), "%016x", i);
    snprintf(target, sizeof(target), "http://127.0.0.1:%d/", i % 2 ? 8080 : 9090);
    ASSERT_EQ(dast_store_scan_create(st, id, target, "passive", "{}", false, 1000 + i), DAST_OK);
  }
  ASSERT_EQ(dast_store_scan_transition(st, "0000000000000006", NULL, "failed", "boom", 2000, NULL),
            DAST_OK);
  json_t *items;
  long total;
  ASSERT_EQ(dast_store_scan_list(st, NULL, NULL, 3, 0, &items, &total), DAST_OK);
  ASSERT_EQ(total, 7);
  ASSERT_EQ(json_array_size(items), 3);
  /* newest first */
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(items, 0), "id")),
               "0000000000000006");
  json_decref(items);
  ASSERT_EQ(dast_store_scan_list(st, NULL, NULL, 3, 6, &items, &total), DAST_OK);
  ASSERT_EQ(json_array_size(items), 1);
  json_decref(items);
  ASSERT_EQ(dast_store_scan_list(st, "queued", ":8080", 50, 0, &items, &total), DAST_OK);
  ASSERT_EQ(total, 3);
  json_decref(items);
  ASSERT_EQ(dast_store_scan_list(st, "failed", NULL, 50, 0, &items, &total), DAST_OK);
  ASSERT_EQ(total, 1);
  ASSERT_STREQ(json_string_value(json_object_get(json_array_get(items, 0), "error")), "boom");
  json_decref(items);
  dast_store_close(st);
  unlink(dbpath);
}

TEST(recover_after_restart)
{
  struct dast_store *st = fresh();
  ASSERT(st);
  ASSERT_EQ(dast_store_scan_create(st, "1111111111111111", "http://127.0.0.1:1/", "standard",
                                   "{}", false, 1),
            DAST_OK);
  ASSERT_EQ(dast_store_scan_create(st, "2222222222222222", "http://127.0.0.1:1/", "standard",
                                   "{}", true, 2),
            DAST_OK);
  ASSERT_EQ(dast_store_scan_create(st, "3333333333333333", "http://127.0.0.1:1/", "standard",
                                   "{}", false, 3),
            DAST_OK);
  ASSERT_EQ(dast_store_scan_create(st, "4444444444444444", "http://127.0.0.1:1/", "standard",
                                   "{}", true, 4),
            DAST_OK);
  ASSERT_EQ(dast_store_scan_transition(st, "1111111111111111", "queued", "running", NULL, 5, NULL),
            DAST_OK);
  ASSERT_EQ(dast_store_scan_transition(st, "4444444444444444", "queued", "running", NULL, 5, NULL),
            DAST_OK);
  dast_store_close(st);
  char err[256];
  ASSERT_EQ(dast_store_open(dbpath, &st, err, sizeof(err)), DAST_OK);
  json_t *ids;
  ASSERT_EQ(dast_store_recover(st, false, 10, &ids), DAST_OK);
  /* only the queued scan without secrets stays queued */
  ASSERT_EQ(json_array_size(ids), 1);
  ASSERT_STREQ(json_string_value(json_array_get(ids, 0)), "3333333333333333");
  json_decref(ids);
  json_t *scan;
  const char *want[][2] = {{"1111111111111111", "interrupted"},
                           {"2222222222222222", "interrupted"},
                           {"4444444444444444", "interrupted"}};
  for(size_t i = 0; i < 3; i++) {
    ASSERT_EQ(dast_store_scan_get(st, want[i][0], &scan), DAST_OK);
    ASSERT_STREQ(json_string_value(json_object_get(scan, "status")), want[i][1]);
    json_decref(scan);
  }
  /* with requeue, the interrupted ones without secrets run again */
  ASSERT_EQ(dast_store_recover(st, true, 20, &ids), DAST_OK);
  ASSERT_EQ(json_array_size(ids), 2);
  ASSERT_STREQ(json_string_value(json_array_get(ids, 0)), "1111111111111111");
  json_decref(ids);
  ASSERT_EQ(dast_store_scan_get(st, "4444444444444444", &scan), DAST_OK);
  ASSERT_STREQ(json_string_value(json_object_get(scan, "status")), "interrupted");
  json_decref(scan);
  dast_store_close(st);
  unlink(dbpath);
}

TEST(reader_while_writer_holds_a_transaction)
{
  struct dast_store *w = fresh(), *r = NULL;
  char err[256];
  ASSERT(w);
  ASSERT_EQ(dast_store_open(dbpath, &r, err, sizeof(err)), DAST_OK);
  ASSERT_EQ(dast_store_scan_create(w, "5555555555555555", "http://127.0.0.1:1/", "full", "{}",
                                   false, 1),
            DAST_OK);
  /* a raw writer transaction left open on a third connection */
  sqlite3 *raw;
  ASSERT_EQ(sqlite3_open(dbpath, &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE; UPDATE scans SET requests=99", NULL, NULL, NULL),
            SQLITE_OK);
  json_t *scan;
  uint64_t t0 = dast_now_us();
  ASSERT_EQ(dast_store_scan_get(r, "5555555555555555", &scan), DAST_OK);
  ASSERT_LE(dast_now_us() - t0, 1000000); /* WAL: the reader does not wait */
  ASSERT_EQ(json_integer_value(json_object_get(json_object_get(scan, "progress"), "requests")), 0);
  json_decref(scan);
  ASSERT_EQ(sqlite3_exec(raw, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(raw);
  dast_store_close(r);
  dast_store_close(w);
  unlink(dbpath);
}

TEST(open_failure_is_an_error)
{
  struct dast_store *st = NULL;
  char err[256] = "";
  ASSERT(dast_store_open("/nonexistent-dir/x/y.db", &st, err, sizeof(err)) != DAST_OK);
  ASSERT(st == NULL);
  ASSERT_CONTAINS(err, "cannot open");
}

RUN_TESTS()
