/* store.c — the service's SQLite store (store.h).
 *
 * Schema: `scans` (one row per scan; `seq` is the integer primary key that
 * orders the list, `id` the public random id), `findings` (one row per
 * finding of a finished scan, indexed for metrics and queries) and
 * `reports` (the canonical dastgate/1 JSON report; other formats are
 * rendered from it on demand, so they can never disagree).
 *
 * Durability: WAL journal, synchronous=NORMAL (a committed transaction
 * survives a process crash; only an OS crash may lose the last ones), and
 * every multi-row change (finishing a scan, deleting one) is a single
 * transaction, so a SIGKILL leaves either the old or the new state.
 * Concurrency: one connection per thread, busy_timeout 5 s, writers keep
 * transactions short.  Statements are prepared per call: the service's
 * rates are tiny next to what SQLite can prepare. */
#include "scanner/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dast_store {
  sqlite3 *db;
  char errmsg[256];
};

static const char *schema =
  "CREATE TABLE IF NOT EXISTS scans("
  " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  " id TEXT NOT NULL UNIQUE,"
  " target TEXT NOT NULL,"
  " profile TEXT,"
  " status TEXT NOT NULL,"
  " options TEXT NOT NULL,"
  " has_secrets INTEGER NOT NULL DEFAULT 0,"
  " created_ms INTEGER NOT NULL,"
  " started_ms INTEGER,"
  " finished_ms INTEGER,"
  " exit_code INTEGER,"
  " verdict TEXT,"
  " error TEXT,"
  " requests INTEGER NOT NULL DEFAULT 0,"
  " endpoints INTEGER NOT NULL DEFAULT 0,"
  " findings INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS scans_status ON scans(status);"
  "CREATE TABLE IF NOT EXISTS findings("
  " scan_id TEXT NOT NULL REFERENCES scans(id) ON DELETE CASCADE,"
  " idx INTEGER NOT NULL,"
  " fingerprint TEXT, check_id TEXT, severity TEXT, confidence TEXT, title TEXT, url TEXT,"
  " PRIMARY KEY(scan_id, idx));"
  "CREATE INDEX IF NOT EXISTS findings_severity ON findings(severity);"
  "CREATE TABLE IF NOT EXISTS reports("
  " scan_id TEXT PRIMARY KEY REFERENCES scans(id) ON DELETE CASCADE,"
  " body TEXT NOT NULL);";

static dast_err db_fail(struct dast_store *st, const char *what)
{
  snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", what, sqlite3_errmsg(st->db));
  DAST_LOG(DAST_LOG_ERROR, "store", "%s", st->errmsg);
  return DAST_EIO;
}

static dast_err exec(struct dast_store *st, const char *sql)
{
  char *msg = NULL;
  if(sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
    snprintf(st->errmsg, sizeof(st->errmsg), "%s", msg ? msg : "sqlite error");
    sqlite3_free(msg);
    DAST_LOG(DAST_LOG_ERROR, "store", "%s", st->errmsg);
    return DAST_EIO;
  }
  return DAST_OK;
}

static dast_err prep(struct dast_store *st, const char *sql, sqlite3_stmt **out)
{
  if(sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK) return db_fail(st, "prepare");
  return DAST_OK;
}

/* Binds a NULL-able text. */
static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
  if(v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(s, i);
}

/* Steps a statement that returns no rows, then finalizes it. */
static dast_err step_done(struct dast_store *st, sqlite3_stmt *s, const char *what)
{
  int rc = sqlite3_step(s);
  dast_err e = rc == SQLITE_DONE ? DAST_OK : db_fail(st, what);
  sqlite3_finalize(s);
  return e;
}

dast_err dast_store_open(const char *path, struct dast_store **out, char *errbuf, size_t errlen)
{
  *out = NULL;
  struct dast_store *st = dast_calloc(1, sizeof(*st));
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if(sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
    snprintf(errbuf, errlen, "cannot open database '%s': %s", path,
             st->db ? sqlite3_errmsg(st->db) : "out of memory");
    dast_store_close(st);
    return DAST_EIO;
  }
  sqlite3_busy_timeout(st->db, 5000);
  dast_err e = exec(st, "PRAGMA journal_mode=WAL;");
  if(!e) e = exec(st, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  if(!e) e = exec(st, schema);
  if(e) {
    snprintf(errbuf, errlen, "database '%s': %s", path, st->errmsg);
    dast_store_close(st);
    return e;
  }
  *out = st;
  return DAST_OK;
}

void dast_store_close(struct dast_store *st)
{
  if(!st) return;
  sqlite3_close(st->db);
  free(st);
}

const char *dast_store_errmsg(const struct dast_store *st)
{
  return st->errmsg;
}

dast_err dast_store_scan_create(struct dast_store *st, const char *id, const char *target,
                                const char *profile, const char *options_json, bool has_secrets,
                                int64_t now_ms)
{
  sqlite3_stmt *s;
  if(prep(st,
          "INSERT INTO scans(id,target,profile,status,options,has_secrets,created_ms)"
          " VALUES(?,?,?,'queued',?,?,?)",
          &s))
    return DAST_EIO;
  bind_text(s, 1, id);
  bind_text(s, 2, target);
  bind_text(s, 3, profile);
  bind_text(s, 4, options_json);
  sqlite3_bind_int(s, 5, has_secrets);
  sqlite3_bind_int64(s, 6, now_ms);
  return step_done(st, s, "insert scan");
}

static bool is_terminal(const char *status)
{
  return strcmp(status, "queued") && strcmp(status, "running");
}

dast_err dast_store_scan_transition(struct dast_store *st, const char *id, const char *from,
                                    const char *to, const char *error, int64_t now_ms,
                                    bool *changed)
{
  sqlite3_stmt *s;
  const char *sql =
    "UPDATE scans SET status=?1, error=COALESCE(?2,error),"
    " started_ms=CASE WHEN ?1='running' THEN ?3 ELSE started_ms END,"
    " finished_ms=CASE WHEN ?4 THEN ?3 ELSE finished_ms END,"
    /* a scan that ends without finishing never passes: CLI exit code 2 */
    " verdict=CASE WHEN ?4 AND ?1<>'done' THEN 'incomplete' ELSE verdict END,"
    " exit_code=CASE WHEN ?4 AND ?1<>'done' THEN max(coalesce(exit_code,2),2) ELSE exit_code END"
    " WHERE id=?5 AND (CASE WHEN ?6 IS NULL THEN status IN ('queued','running')"
    " ELSE status=?6 END)";
  if(changed) *changed = false;
  if(prep(st, sql, &s)) return DAST_EIO;
  bind_text(s, 1, to);
  bind_text(s, 2, error);
  sqlite3_bind_int64(s, 3, now_ms);
  sqlite3_bind_int(s, 4, is_terminal(to));
  bind_text(s, 5, id);
  bind_text(s, 6, from);
  dast_err e = step_done(st, s, "update status");
  if(!e && changed) *changed = sqlite3_changes(st->db) > 0;
  return e;
}

dast_err dast_store_scan_progress(struct dast_store *st, const char *id, uint64_t requests,
                                  uint64_t endpoints, uint64_t findings)
{
  sqlite3_stmt *s;
  if(prep(st, "UPDATE scans SET requests=?, endpoints=?, findings=? WHERE id=?", &s))
    return DAST_EIO;
  sqlite3_bind_int64(s, 1, (sqlite3_int64)requests);
  sqlite3_bind_int64(s, 2, (sqlite3_int64)endpoints);
  sqlite3_bind_int64(s, 3, (sqlite3_int64)findings);
  bind_text(s, 4, id);
  return step_done(st, s, "update progress");
}

static const char *jstr(const json_t *o, const char *key)
{
  return json_string_value(json_object_get(o, key));
}

/* Indexes the report's findings; runs inside the caller's transaction. */
static dast_err insert_findings(struct dast_store *st, const char *id, const json_t *findings)
{
  sqlite3_stmt *s;
  if(prep(st,
          "INSERT INTO findings(scan_id,idx,fingerprint,check_id,severity,confidence,title,url)"
          " VALUES(?,?,?,?,?,?,?,?)",
          &s))
    return DAST_EIO;
  size_t i;
  const json_t *f;
  dast_err e = DAST_OK;
  json_array_foreach(findings, i, f) {
    if(!json_is_object(f)) continue;
    sqlite3_reset(s);
    bind_text(s, 1, id);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
    bind_text(s, 3, jstr(f, "fingerprint"));
    const char *check = jstr(f, "check_id");
    bind_text(s, 4, check ? check : jstr(f, "check"));
    bind_text(s, 5, jstr(f, "severity"));
    bind_text(s, 6, jstr(f, "confidence"));
    bind_text(s, 7, jstr(f, "title"));
    bind_text(s, 8, jstr(f, "url"));
    if(sqlite3_step(s) != SQLITE_DONE) {
      e = db_fail(st, "insert finding");
      break;
    }
  }
  sqlite3_finalize(s);
  return e;
}

static dast_err finish_rows(struct dast_store *st, const char *id,
                            const struct dast_store_result *res, int64_t now_ms)
{
  const json_t *findings = res->report ? json_object_get(res->report, "findings") : NULL;
  sqlite3_stmt *s;
  if(prep(st,
          "UPDATE scans SET status=?, exit_code=?, verdict=?, error=COALESCE(?,error),"
          " requests=?, endpoints=?, findings=?, finished_ms=? WHERE id=?",
          &s))
    return DAST_EIO;
  bind_text(s, 1, res->status);
  sqlite3_bind_int(s, 2, res->exit_code);
  bind_text(s, 3, res->verdict);
  bind_text(s, 4, res->error);
  sqlite3_bind_int64(s, 5, (sqlite3_int64)res->requests);
  sqlite3_bind_int64(s, 6, (sqlite3_int64)res->endpoints);
  sqlite3_bind_int64(s, 7, (sqlite3_int64)json_array_size(findings));
  sqlite3_bind_int64(s, 8, now_ms);
  bind_text(s, 9, id);
  dast_err e = step_done(st, s, "finish scan");
  if(e) return e;
  if(!res->report) return DAST_OK;
  if(json_is_array(findings)) {
    e = insert_findings(st, id, findings);
    if(e) return e;
  }
  char *body = json_dumps(res->report, JSON_COMPACT);
  if(!body) dast_oom();
  if(prep(st, "INSERT OR REPLACE INTO reports(scan_id, body) VALUES(?,?)", &s)) {
    free(body);
    return DAST_EIO;
  }
  bind_text(s, 1, id);
  sqlite3_bind_text(s, 2, body, -1, free);
  return step_done(st, s, "insert report");
}

dast_err dast_store_scan_finish(struct dast_store *st, const char *id,
                                const struct dast_store_result *res, int64_t now_ms)
{
  dast_err e = exec(st, "BEGIN IMMEDIATE");
  if(e) return e;
  e = finish_rows(st, id, res, now_ms);
  if(e) {
    if(exec(st, "ROLLBACK")) DAST_LOG(DAST_LOG_ERROR, "store", "rollback failed");
    return e;
  }
  return exec(st, "COMMIT");
}

static void set_ms(json_t *o, const char *key, sqlite3_stmt *s, int col)
{
  if(sqlite3_column_type(s, col) == SQLITE_NULL) {
    json_object_set_new(o, key, json_null());
    return;
  }
  int64_t ms = sqlite3_column_int64(s, col);
  char iso[32];
  dast_iso8601(iso, ms / 1000);
  json_object_set_new(o, key, json_string(iso));
}

static void set_text(json_t *o, const char *key, sqlite3_stmt *s, int col)
{
  const unsigned char *t = sqlite3_column_text(s, col);
  json_object_set_new(o, key, t ? json_string((const char *)t) : json_null());
}

#define SCAN_COLS                                                                          \
  "id,target,profile,status,created_ms,started_ms,finished_ms,exit_code,verdict,error,"   \
  "requests,endpoints,findings,options,has_secrets"

/* Builds the API's view of one row selected with SCAN_COLS. */
static json_t *row_to_json(sqlite3_stmt *s)
{
  json_t *o = json_object();
  set_text(o, "id", s, 0);
  set_text(o, "target", s, 1);
  set_text(o, "profile", s, 2);
  set_text(o, "status", s, 3);
  set_ms(o, "created_at", s, 4);
  set_ms(o, "started_at", s, 5);
  set_ms(o, "finished_at", s, 6);
  if(sqlite3_column_type(s, 4) != SQLITE_NULL && sqlite3_column_type(s, 5) != SQLITE_NULL)
    json_object_set_new(o, "queue_ms",
                        json_integer(sqlite3_column_int64(s, 5) - sqlite3_column_int64(s, 4)));
  if(sqlite3_column_type(s, 5) != SQLITE_NULL && sqlite3_column_type(s, 6) != SQLITE_NULL)
    json_object_set_new(o, "duration_ms",
                        json_integer(sqlite3_column_int64(s, 6) - sqlite3_column_int64(s, 5)));
  json_object_set_new(o, "exit_code", sqlite3_column_type(s, 7) == SQLITE_NULL
                                        ? json_null()
                                        : json_integer(sqlite3_column_int(s, 7)));
  set_text(o, "verdict", s, 8);
  set_text(o, "error", s, 9);
  json_t *p = json_object();
  json_object_set_new(p, "requests", json_integer(sqlite3_column_int64(s, 10)));
  json_object_set_new(p, "endpoints", json_integer(sqlite3_column_int64(s, 11)));
  json_object_set_new(p, "findings", json_integer(sqlite3_column_int64(s, 12)));
  json_object_set_new(o, "progress", p);
  const char *opt = (const char *)sqlite3_column_text(s, 13);
  json_t *options = opt ? json_loads(opt, 0, NULL) : NULL;
  json_object_set_new(o, "options", options ? options : json_null());
  json_object_set_new(o, "auth_redacted", json_boolean(sqlite3_column_int(s, 14)));
  return o;
}

dast_err dast_store_scan_get(struct dast_store *st, const char *id, json_t **out)
{
  sqlite3_stmt *s;
  *out = NULL;
  if(prep(st, "SELECT " SCAN_COLS " FROM scans WHERE id=?", &s)) return DAST_EIO;
  bind_text(s, 1, id);
  int rc = sqlite3_step(s);
  dast_err e = DAST_OK;
  if(rc == SQLITE_ROW) *out = row_to_json(s);
  else e = rc == SQLITE_DONE ? DAST_ENOTFOUND : db_fail(st, "get scan");
  sqlite3_finalize(s);
  return e;
}

dast_err dast_store_scan_list(struct dast_store *st, const char *status, const char *target,
                              long limit, long offset, json_t **items, long *total)
{
  const char *where = " WHERE (?1 IS NULL OR status=?1) AND (?2 IS NULL OR instr(target,?2)>0)";
  char sql[512];
  sqlite3_stmt *s;
  *items = NULL;
  *total = 0;
  snprintf(sql, sizeof(sql), "SELECT count(*) FROM scans%s", where);
  if(prep(st, sql, &s)) return DAST_EIO;
  bind_text(s, 1, status);
  bind_text(s, 2, target);
  if(sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_finalize(s);
    return db_fail(st, "count scans");
  }
  *total = (long)sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  snprintf(sql, sizeof(sql), "SELECT " SCAN_COLS " FROM scans%s ORDER BY seq DESC LIMIT ?3 OFFSET ?4",
           where);
  if(prep(st, sql, &s)) return DAST_EIO;
  bind_text(s, 1, status);
  bind_text(s, 2, target);
  sqlite3_bind_int64(s, 3, limit);
  sqlite3_bind_int64(s, 4, offset);
  json_t *arr = json_array();
  int rc;
  while((rc = sqlite3_step(s)) == SQLITE_ROW) json_array_append_new(arr, row_to_json(s));
  sqlite3_finalize(s);
  if(rc != SQLITE_DONE) {
    json_decref(arr);
    return db_fail(st, "list scans");
  }
  *items = arr;
  return DAST_OK;
}

dast_err dast_store_scan_options(struct dast_store *st, const char *id, char **options_json,
                                 bool *has_secrets)
{
  sqlite3_stmt *s;
  *options_json = NULL;
  if(prep(st, "SELECT options, has_secrets FROM scans WHERE id=?", &s)) return DAST_EIO;
  bind_text(s, 1, id);
  int rc = sqlite3_step(s);
  dast_err e = DAST_OK;
  if(rc == SQLITE_ROW) {
    *options_json = dast_strdup((const char *)sqlite3_column_text(s, 0));
    if(has_secrets) *has_secrets = sqlite3_column_int(s, 1);
  } else {
    e = rc == SQLITE_DONE ? DAST_ENOTFOUND : db_fail(st, "get options");
  }
  sqlite3_finalize(s);
  return e;
}

dast_err dast_store_report_get(struct dast_store *st, const char *id, char **text, size_t *len)
{
  sqlite3_stmt *s;
  *text = NULL;
  if(prep(st, "SELECT body FROM reports WHERE scan_id=?", &s)) return DAST_EIO;
  bind_text(s, 1, id);
  int rc = sqlite3_step(s);
  dast_err e = DAST_OK;
  if(rc == SQLITE_ROW) {
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    *text = dast_strndup((const char *)sqlite3_column_text(s, 0), n);
    if(len) *len = n;
  } else {
    e = rc == SQLITE_DONE ? DAST_ENOTFOUND : db_fail(st, "get report");
  }
  sqlite3_finalize(s);
  return e;
}

dast_err dast_store_scan_delete(struct dast_store *st, const char *id, bool *deleted)
{
  sqlite3_stmt *s;
  *deleted = false;
  /* foreign_keys=ON cascades to findings and reports in the same statement */
  if(prep(st, "DELETE FROM scans WHERE id=?", &s)) return DAST_EIO;
  bind_text(s, 1, id);
  dast_err e = step_done(st, s, "delete scan");
  if(!e) *deleted = sqlite3_changes(st->db) > 0;
  return e;
}

static dast_err recover_rows(struct dast_store *st, bool requeue, int64_t now_ms)
{
  sqlite3_stmt *s;
  if(prep(st,
          "UPDATE scans SET status='interrupted', finished_ms=?1, verdict='incomplete',"
          " exit_code=2, error=CASE status"
          " WHEN 'running' THEN 'the service stopped while this scan was running'"
          " ELSE 'the service restarted; auth material is not persisted, resubmit the scan' END"
          " WHERE status='running' OR (status='queued' AND has_secrets)",
          &s))
    return DAST_EIO;
  sqlite3_bind_int64(s, 1, now_ms);
  dast_err e = step_done(st, s, "mark interrupted");
  if(e || !requeue) return e;
  if(prep(st,
          "UPDATE scans SET status='queued', started_ms=NULL, finished_ms=NULL, error=NULL,"
          " verdict=NULL, exit_code=NULL,"
          " requests=0, endpoints=0, findings=0 WHERE status='interrupted' AND NOT has_secrets",
          &s))
    return DAST_EIO;
  if((e = step_done(st, s, "requeue"))) return e;
  /* a re-run replaces what the interrupted run left behind */
  e = exec(st, "DELETE FROM findings WHERE scan_id IN (SELECT id FROM scans WHERE status='queued');"
               "DELETE FROM reports WHERE scan_id IN (SELECT id FROM scans WHERE status='queued');");
  return e;
}

dast_err dast_store_recover(struct dast_store *st, bool requeue, int64_t now_ms,
                            json_t **requeue_ids)
{
  *requeue_ids = NULL;
  dast_err e = exec(st, "BEGIN IMMEDIATE");
  if(e) return e;
  e = recover_rows(st, requeue, now_ms);
  if(e) {
    if(exec(st, "ROLLBACK")) DAST_LOG(DAST_LOG_ERROR, "store", "rollback failed");
    return e;
  }
  if((e = exec(st, "COMMIT"))) return e;
  sqlite3_stmt *s;
  if(prep(st, "SELECT id FROM scans WHERE status='queued' ORDER BY seq", &s)) return DAST_EIO;
  json_t *ids = json_array();
  int rc;
  while((rc = sqlite3_step(s)) == SQLITE_ROW)
    json_array_append_new(ids, json_string((const char *)sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  if(rc != SQLITE_DONE) {
    json_decref(ids);
    return db_fail(st, "list queued");
  }
  *requeue_ids = ids;
  return DAST_OK;
}

/* Runs "SELECT key, count" style queries into an object. */
static dast_err group_counts(struct dast_store *st, const char *sql, json_t *into)
{
  sqlite3_stmt *s;
  if(prep(st, sql, &s)) return DAST_EIO;
  int rc;
  while((rc = sqlite3_step(s)) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(s, 0);
    json_object_set_new(into, k ? k : "unknown", json_integer(sqlite3_column_int64(s, 1)));
  }
  sqlite3_finalize(s);
  return rc == SQLITE_DONE ? DAST_OK : db_fail(st, "metrics");
}

dast_err dast_store_metrics(struct dast_store *st, json_t **out)
{
  *out = NULL;
  json_t *m = json_object(), *scans = json_object(), *sev = json_object();
  json_object_set_new(m, "scans", scans);
  json_object_set_new(m, "findings", sev);
  dast_err e = group_counts(st, "SELECT status, count(*) FROM scans GROUP BY status", scans);
  if(!e)
    e = group_counts(st, "SELECT severity, count(*) FROM findings GROUP BY severity", sev);
  sqlite3_stmt *s = NULL;
  if(!e)
    e = prep(st,
             "SELECT coalesce(sum(requests),0), coalesce(sum(started_ms-created_ms),0),"
             " count(started_ms) FROM scans",
             &s);
  if(!e) {
    if(sqlite3_step(s) == SQLITE_ROW) {
      json_object_set_new(m, "requests", json_integer(sqlite3_column_int64(s, 0)));
      json_object_set_new(m, "queue_latency_ms_sum", json_integer(sqlite3_column_int64(s, 1)));
      json_object_set_new(m, "started", json_integer(sqlite3_column_int64(s, 2)));
    } else {
      e = db_fail(st, "metrics");
    }
    sqlite3_finalize(s);
  }
  if(e) {
    json_decref(m);
    return e;
  }
  *out = m;
  return DAST_OK;
}

dast_err dast_store_integrity_check(struct dast_store *st, char *errbuf, size_t errlen)
{
  sqlite3_stmt *s;
  if(prep(st, "PRAGMA integrity_check", &s)) return DAST_EIO;
  dast_err e = DAST_EIO;
  if(sqlite3_step(s) == SQLITE_ROW) {
    const char *r = (const char *)sqlite3_column_text(s, 0);
    if(r && !strcmp(r, "ok")) e = DAST_OK;
    else snprintf(errbuf, errlen, "%s", r ? r : "integrity_check returned nothing");
  } else {
    snprintf(errbuf, errlen, "integrity_check: %s", sqlite3_errmsg(st->db));
  }
  sqlite3_finalize(s);
  return e;
}
