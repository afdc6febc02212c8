/* test_crawl_openapi.c — OpenAPI 3 / Swagger 2 and HAR import
 * (crawlers/openapi.h, crawlers/har.h): operations become endpoints with
 * typed example values, $refs resolve, cycles stop, the target origin
 * overrides the server, and invalid documents give clear errors. */
#include "crawlers/har.h"
#include "scanner/engine/http.h"
#include "crawlers/openapi.h"
#include "crawlers/yaml.h"
#include "tests/unit/harness.h"

struct eps {
  struct dast_endpoint *v[64];
  size_t n;
};

static void take(void *ud, struct dast_endpoint *ep)
{
  struct eps *e = ud;
  if(e->n < 64) e->v[e->n++] = ep;
  else dast_endpoint_free(ep);
}

static void eps_free(struct eps *e)
{
  for(size_t i = 0; i < e->n; i++) dast_endpoint_free(e->v[i]);
  e->n = 0;
}

static char *path_of(const char *name)
{
  return dast_aprintf("%s/crawl/%s", DAST_TEST_DATA, name);
}

static const struct dast_endpoint *find(const struct eps *e, const char *method, const char *tmpl)
{
  for(size_t i = 0; i < e->n; i++)
    if(!strcmp(e->v[i]->method, method) && !strcmp(e->v[i]->tmpl, tmpl)) return e->v[i];
  return NULL;
}

static const struct dast_param *param(const struct dast_endpoint *ep, enum dast_ip_kind k,
                                      const char *name)
{
  for(size_t i = 0; ep && i < ep->nparams; i++)
    if(ep->params[i].kind == k && !strcmp(ep->params[i].name, name)) return &ep->params[i];
  return NULL;
}

static void dump(const struct eps *e)
{
  if(!getenv("DUMP")) return;
  for(size_t i = 0; i < e->n; i++) {
    fprintf(stderr, "%s %s  [%s] %s ct=%s body=%s\n", e->v[i]->method, e->v[i]->url, e->v[i]->tmpl,
            dast_source_name(e->v[i]->source), e->v[i]->content_type ? e->v[i]->content_type : "-",
            e->v[i]->body ? e->v[i]->body : "-");
    for(size_t j = 0; j < e->v[i]->nparams; j++)
      fprintf(stderr, "   %s %s=%s (%s)\n", dast_ip_kind_name(e->v[i]->params[j].kind),
              e->v[i]->params[j].name, e->v[i]->params[j].value,
              e->v[i]->params[j].type ? e->v[i]->params[j].type : "-");
  }
}

TEST(openapi3_operations_and_values)
{
  char *p = path_of("openapi3.json");
  struct eps e = {0};
  char err[512] = "";
  ASSERT_EQ(dast_openapi_load_file(p, NULL, take, &e, err, sizeof(err)), DAST_OK);
  dump(&e);
  ASSERT_EQ(e.n, 6);
  const struct dast_endpoint *ep = find(&e, "GET", "/api/v1/pets?limit=&status=");
  ASSERT(ep);
  ASSERT_STREQ(ep->url, "https://api.example.com/api/v1/pets");
  ASSERT_EQ(ep->source, DAST_SRC_OPENAPI);
  ASSERT_STREQ(param(ep, DAST_IP_QUERY, "limit")->value, "20");
  ASSERT_STREQ(param(ep, DAST_IP_QUERY, "limit")->type, "integer");
  ASSERT_STREQ(param(ep, DAST_IP_QUERY, "status")->value, "available");
  ASSERT_STREQ(param(ep, DAST_IP_HEADER, "X-Trace-Id")->value, "123e4567-e89b-12d3-a456-426614174000");
  ASSERT_STREQ(param(ep, DAST_IP_COOKIE, "session")->value, "abc");
  ep = find(&e, "POST", "/api/v1/pets");
  ASSERT(ep);
  ASSERT_STREQ(ep->content_type, "application/json");
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/name")->value, "Rex");
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/age")->type, "integer");
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/born")->value, "2024-01-01");
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/owner/email")->value, "a@example.com");
  ASSERT(param(ep, DAST_IP_JSON, "/tags/0"));
  ASSERT(ep->body && strstr(ep->body, "\"age\":1"));
  /* the build reproduces a valid JSON body */
  struct dast_built b;
  ASSERT_EQ(dast_endpoint_build(ep, -1, NULL, false, &b), DAST_OK);
  ASSERT_CONTAINS(b.body, "\"name\":\"Rex\"");
  dast_built_free(&b);
  ep = find(&e, "GET", "/api/v1/pets/{n}");
  ASSERT(ep);
  ASSERT_STREQ(ep->url, "https://api.example.com/api/v1/pets/1");
  ASSERT_STREQ(param(ep, DAST_IP_PATH, "3")->value, "1");
  ASSERT(find(&e, "DELETE", "/api/v1/pets/{n}"));
  ep = find(&e, "PUT", "/api/v1/users/{uuid}/files/{n}");
  ASSERT(ep);
  ASSERT_STREQ(ep->content_type, "multipart/form-data");
  ASSERT_STREQ(param(ep, DAST_IP_MULTIPART, "file")->type, "file");
  ASSERT(param(ep, DAST_IP_PATH, "5"));
  ep = find(&e, "POST", "/api/v1/login");
  ASSERT(ep);
  ASSERT_STREQ(param(ep, DAST_IP_FORM, "email")->value, "a@example.com");
  eps_free(&e);
  /* the scan target's origin replaces the server's, the path prefix stays */
  ASSERT_EQ(dast_openapi_load_file(p, "http://127.0.0.1:5555/ignored", take, &e, err, sizeof(err)),
            DAST_OK);
  ep = find(&e, "GET", "/api/v1/pets?limit=&status=");
  ASSERT(ep);
  ASSERT_STREQ(ep->url, "http://127.0.0.1:5555/api/v1/pets");
  eps_free(&e);
  free(p);
}

TEST(swagger2_operations)
{
  char *p = path_of("swagger2.json");
  struct eps e = {0};
  char err[512] = "";
  ASSERT_EQ(dast_openapi_load_file(p, NULL, take, &e, err, sizeof(err)), DAST_OK);
  dump(&e);
  ASSERT_EQ(e.n, 3);
  const struct dast_endpoint *ep = find(&e, "GET", "/v2/orders/{n}?expand=");
  ASSERT(ep);
  ASSERT_STREQ(ep->url, "https://shop.example.com:8443/v2/orders/1");
  ASSERT_STREQ(param(ep, DAST_IP_QUERY, "expand")->value, "true");
  ep = find(&e, "POST", "/v2/orders");
  ASSERT(ep);
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/qty")->value, "2");
  ep = find(&e, "POST", "/v2/upload");
  ASSERT(ep);
  ASSERT_STREQ(param(ep, DAST_IP_MULTIPART, "title")->value, "doc");
  ASSERT_STREQ(param(ep, DAST_IP_MULTIPART, "f")->type, "file");
  eps_free(&e);
  free(p);
}

TEST(openapi_invalid_documents)
{
  struct eps e = {0};
  char err[512];
  char *p = path_of("openapi_bad_param.json");
  ASSERT_EQ(dast_openapi_load_file(p, NULL, take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "openapi_bad_param.json: $.paths./x.get.parameters[0]: missing 'name'");
  ASSERT_EQ(e.n, 0);
  free(p);
  p = path_of("openapi_bad_ref.json");
  ASSERT_EQ(dast_openapi_load_file(p, NULL, take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "$.paths./x.post: $ref '#/components/requestBodies/Nope' not found");
  free(p);
  p = path_of("openapi_bad_json.json");
  ASSERT_EQ(dast_openapi_load_file(p, NULL, take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "openapi_bad_json.json: line 3, column");
  free(p);
  p = path_of("does-not-exist.json");
  ASSERT_EQ(dast_openapi_load_file(p, NULL, take, &e, err, sizeof(err)), DAST_EIO);
  ASSERT_CONTAINS(err, "cannot open");
  free(p);
  const char *noversion = "{\"paths\": {}}";
  ASSERT_EQ(dast_openapi_load_buf(noversion, strlen(noversion), "x.json", NULL, "http://h/", take,
                                  &e, err, sizeof(err)),
            DAST_EPARSE);
  ASSERT_CONTAINS(err, "x.json: $: neither");
  const char *yaml = "openapi: 3.0.0\npaths: {}\n";
  dast_err r = dast_openapi_load_buf(yaml, strlen(yaml), "y.yaml", NULL, "http://h/", take, &e,
                                     err, sizeof(err));
  if(dast_yaml_available()) {
    ASSERT_EQ(r, DAST_OK);
  } else {
    ASSERT_EQ(r, DAST_EPARSE);
    ASSERT_CONTAINS(err, "y.yaml: not JSON (YAML support is not built in");
  }
  const char *nobase = "{\"openapi\": \"3.0.0\", \"paths\": {}}";
  ASSERT_EQ(dast_openapi_load_buf(nobase, strlen(nobase), "n.json", NULL, NULL, take, &e, err,
                                  sizeof(err)),
            DAST_EPARSE);
  ASSERT_CONTAINS(err, "no absolute server URL");
  ASSERT_EQ(e.n, 0);
}

TEST(openapi_cycles_are_bounded)
{
  char *p = path_of("openapi_cycle.json");
  struct eps e = {0};
  char err[512] = "";
  dast_err r = dast_openapi_load_file(p, "http://127.0.0.1:1/", take, &e, err, sizeof(err));
  dump(&e);
  if(r) fprintf(stderr, "  %s\n", err);
  ASSERT_EQ(r, DAST_OK);
  /* the self-referencing path item expands to nothing; /a has a cyclic body */
  ASSERT(find(&e, "POST", "/base/a"));
  eps_free(&e);
  free(p);
  /* a deeply nested schema: 10000 levels of objects, no stack blow-up */
  struct dast_buf b;
  dast_buf_init(&b, 0);
  (void)dast_buf_adds(&b, "{\"openapi\":\"3.0.0\",\"servers\":[{\"url\":\"http://h/\"}],\"paths\":{\"/d\":"
                          "{\"post\":{\"requestBody\":{\"content\":{\"application/json\":{\"schema\":");
  for(int i = 0; i < 1000; i++) (void)dast_buf_adds(&b, "{\"type\":\"object\",\"properties\":{\"a\":");
  (void)dast_buf_adds(&b, "{\"type\":\"string\"}");
  for(int i = 0; i < 1000; i++) (void)dast_buf_adds(&b, "}}");
  (void)dast_buf_adds(&b, "}}}}}}}");
  r = dast_openapi_load_buf(b.data, b.len, "deep.json", NULL, NULL, take, &e, err, sizeof(err));
  ASSERT(r == DAST_OK || r == DAST_EPARSE);
  eps_free(&e);
  dast_buf_free(&b);
}

/* A body schema that is a wide tree of empty objects: no leaf, so the
 * leaf cap never trips.  10 properties x 10 levels through $ref (JSON) or
 * aliases (YAML) is 10^10 nodes: it used to be walked in full (24 GB and
 * the OOM killer); now each body is cut at a node budget. */
TEST(openapi_schema_walk_is_bounded)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  (void)dast_buf_adds(&b, "{\"openapi\":\"3.0.0\",\"servers\":[{\"url\":\"http://h/\"}],"
                          "\"components\":{\"schemas\":{");
  for(int i = 0; i < 10; i++) {
    (void)dast_buf_printf(&b, "\"S%d\":{\"type\":\"object\",\"properties\":{", i);
    for(int j = 0; j < 10; j++)
      (void)dast_buf_printf(&b, "%s\"p%d\":{\"$ref\":\"#/components/schemas/S%d\"}", j ? "," : "", j,
                            i + 1);
    (void)dast_buf_adds(&b, "}},");
  }
  (void)dast_buf_adds(&b, "\"S10\":{\"type\":\"object\",\"properties\":{}}}},\"paths\":{");
  for(int i = 0; i < 3; i++)
    (void)dast_buf_printf(&b, "%s\"/w%d\":{\"post\":{\"requestBody\":{\"content\":{\"application/json\":"
                              "{\"schema\":{\"$ref\":\"#/components/schemas/S0\"}}}}}}",
                          i ? "," : "", i);
  (void)dast_buf_adds(&b, "}}");
  struct eps e = {0};
  char err[512] = "";
  dast_err r = dast_openapi_load_buf(b.data, b.len, "fanout.json", NULL, NULL, take, &e, err,
                                     sizeof(err));
  if(r) fprintf(stderr, "  %s\n", err);
  ASSERT_EQ(r, DAST_OK);
  ASSERT_EQ(e.n, 3);
  ASSERT(e.v[0]->body && strlen(e.v[0]->body) < (1u << 20));
  eps_free(&e);
  dast_buf_free(&b);
  /* 450 such bodies exceed the whole document's budget: a clear error */
  dast_buf_init(&b, 0);
  (void)dast_buf_adds(&b, "openapi: 3.0.0\nservers: [{url: 'http://h/'}]\nx:\n"
                          "  e0: &e0 {type: object, properties: {}}\n");
  for(int i = 1; i < 10; i++) {
    (void)dast_buf_printf(&b, "  e%d: &e%d {type: object, properties: {", i, i);
    for(int j = 0; j < 10; j++) (void)dast_buf_printf(&b, "%sp%d: *e%d", j ? ", " : "", j, i - 1);
    (void)dast_buf_adds(&b, "}}\n");
  }
  (void)dast_buf_adds(&b, "paths:\n");
  for(int i = 0; i < 450; i++)
    (void)dast_buf_printf(&b, "  /y%d: {post: {requestBody: {content: {application/json: "
                              "{schema: *e9}}}}}\n", i);
  r = dast_openapi_load_buf(b.data, b.len, "bomb.yaml", NULL, NULL, take, &e, err, sizeof(err));
  if(dast_yaml_available()) {
    ASSERT_EQ(r, DAST_EPARSE);
    ASSERT_CONTAINS(err, "bomb.yaml: $.paths./y");
    ASSERT_CONTAINS(err, "expand to more than");
    ASSERT_EQ(e.n, 0);
  }
  eps_free(&e);
  dast_buf_free(&b);
}

/* One parameter list of thousands, shared by thousands of operations
 * through a YAML alias: merged by name+in per operation, it was 10^11
 * string compares.  Now a clear error. */
TEST(openapi_parameter_lists_are_bounded)
{
  if(!dast_yaml_available()) return;
  struct dast_buf b;
  dast_buf_init(&b, 0);
  (void)dast_buf_adds(&b, "openapi: 3.0.0\nservers: [{url: 'http://h/'}]\nx:\n  L: &L [");
  for(int i = 0; i < 600; i++) (void)dast_buf_printf(&b, "%s{name: a%d, in: query}", i ? ", " : "", i);
  (void)dast_buf_adds(&b, "]\npaths:\n");
  for(int i = 0; i < 3000; i++) (void)dast_buf_printf(&b, "  /q%d: {get: {parameters: *L}}\n", i);
  struct eps e = {0};
  char err[512] = "";
  ASSERT_EQ(dast_openapi_load_buf(b.data, b.len, "params.yaml", NULL, NULL, take, &e, err, sizeof(err)),
            DAST_EPARSE);
  ASSERT_CONTAINS(err, "params.yaml: $.paths./q0.get.parameters[500]: more than 500 parameters");
  ASSERT_EQ(e.n, 0);
  dast_buf_free(&b);
  /* the same name 1000 times in 3000 operations: 3M merges */
  dast_buf_init(&b, 0);
  (void)dast_buf_adds(&b, "openapi: 3.0.0\nservers: [{url: 'http://h/'}]\nx:\n"
                          "  p: &p {name: a, in: query}\n  L: &L [");
  for(int i = 0; i < 1000; i++) (void)dast_buf_adds(&b, i ? ", *p" : "*p");
  (void)dast_buf_adds(&b, "]\npaths:\n");
  for(int i = 0; i < 3000; i++) (void)dast_buf_printf(&b, "  /q%d: {get: {parameters: *L}}\n", i);
  ASSERT_EQ(dast_openapi_load_buf(b.data, b.len, "same.yaml", NULL, NULL, take, &e, err, sizeof(err)),
            DAST_EPARSE);
  ASSERT_CONTAINS(err, "parameters in the document");
  ASSERT_EQ(e.n, 0);
  dast_buf_free(&b);
}

TEST(openapi_yaml)
{
  char *p = path_of("openapi3.yaml");
  struct eps e = {0};
  char err[512] = "";
  dast_err r = dast_openapi_load_file(p, "http://127.0.0.1:7/", take, &e, err, sizeof(err));
  free(p);
  if(!dast_yaml_available()) { /* the build has no libyaml: a clear error */
    ASSERT_EQ(r, DAST_EPARSE);
    ASSERT_CONTAINS(err, "YAML support is not built in");
    return;
  }
  if(r) fprintf(stderr, "  %s\n", err);
  ASSERT_EQ(r, DAST_OK);
  dump(&e);
  ASSERT_EQ(e.n, 3);
  const struct dast_endpoint *ep = find(&e, "GET", "/v1/notes/{n}?verbose=");
  ASSERT(ep);
  ASSERT_STREQ(ep->url, "http://127.0.0.1:7/v1/notes/42");
  ASSERT_STREQ(param(ep, DAST_IP_QUERY, "verbose")->value, "true");
  ep = find(&e, "POST", "/v1/notes");
  ASSERT(ep);
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/title")->value, "hello: world");
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/tags/0")->value, "dastgate");
  ASSERT(find(&e, "DELETE", "/v1/notes/{n}"));
  eps_free(&e);
  /* bad YAML: line and column */
  const char *bad = "openapi: 3.0.0\npaths:\n  /x: [unclosed\n";
  ASSERT_EQ(dast_openapi_load_buf(bad, strlen(bad), "b.yaml", NULL, "http://h/", take, &e, err,
                                  sizeof(err)),
            DAST_EPARSE);
  ASSERT_CONTAINS(err, "b.yaml: invalid YAML: line ");
  /* an alias bomb is refused, not expanded */
  struct dast_buf b;
  dast_buf_init(&b, 0);
  (void)dast_buf_adds(&b, "openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
  for(int i = 1; i < 9; i++)
    (void)dast_buf_printf(&b, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                          i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  (void)dast_buf_adds(&b, "paths: {}\n");
  ASSERT_EQ(dast_openapi_load_buf(b.data, b.len, "bomb.yaml", NULL, "http://h/", take, &e, err,
                                  sizeof(err)),
            DAST_OK); /* 80 aliases, shared not copied: fine */
  for(int i = 0; i < 2000; i++) (void)dast_buf_adds(&b, "z: [*a8, *a8, *a8, *a8, *a8, *a8]\n");
  ASSERT_EQ(dast_openapi_load_buf(b.data, b.len, "bomb.yaml", NULL, "http://h/", take, &e, err,
                                  sizeof(err)),
            DAST_EPARSE);
  ASSERT_CONTAINS(err, "too many aliases");
  dast_buf_free(&b);
  /* a recursive alias is refused */
  const char *rec = "openapi: 3.0.0\npaths: &p {x: *p}\n";
  ASSERT_EQ(dast_openapi_load_buf(rec, strlen(rec), "r.yaml", NULL, "http://h/", take, &e, err,
                                  sizeof(err)),
            DAST_EPARSE);
  ASSERT_EQ(e.n, 0);
}

TEST(har_import)
{
  char *p = path_of("traffic.har");
  struct eps e = {0};
  char err[512] = "";
  ASSERT_EQ(dast_har_load_file(p, take, &e, err, sizeof(err)), DAST_OK);
  dump(&e);
  ASSERT_EQ(e.n, 3);
  const struct dast_endpoint *ep = find(&e, "GET", "/search?page=&q=");
  ASSERT(ep);
  ASSERT_EQ(ep->source, DAST_SRC_HAR);
  ASSERT_EQ(ep->status, 200);
  ASSERT_STREQ(param(ep, DAST_IP_QUERY, "q")->value, "shoes");
  ASSERT_STREQ(param(ep, DAST_IP_COOKIE, "sid")->value, "s1");
  ASSERT_STREQ(param(ep, DAST_IP_HEADER, "X-Api-Key")->value, "k1");
  ASSERT(!param(ep, DAST_IP_HEADER, "Authorization"));
  ASSERT(!param(ep, DAST_IP_HEADER, "Host"));
  ep = find(&e, "POST", "/api/cart/{n}");
  ASSERT(ep);
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/qty")->value, "3");
  ASSERT_STREQ(param(ep, DAST_IP_JSON, "/opts/gift")->type, "boolean");
  ASSERT_STREQ(param(ep, DAST_IP_PATH, "2")->value, "17");
  ep = find(&e, "POST", "/profile");
  ASSERT(ep);
  ASSERT_STREQ(param(ep, DAST_IP_FORM, "name")->value, "a b");
  eps_free(&e);
  free(p);
  p = path_of("bad.har");
  ASSERT_EQ(dast_har_load_file(p, take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "bad.har: $.log.entries[0].request.url: missing");
  free(p);
  ASSERT_EQ(dast_har_load_buf("[1,", 3, "t.har", take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "t.har: line 1");
  ASSERT_EQ(dast_har_load_buf("{}", 2, "t.har", take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "t.har: $.log: missing");
  /* a method with CR/LF went into every probe's request line as it was:
   * "GET\r\nX-Injected: 1 /x HTTP/1.1" */
  const char *crlf = "{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\\r\\nX-Injected: 1\","
                     "\"url\":\"http://h/x\"}}]}}";
  ASSERT_EQ(dast_har_load_buf(crlf, strlen(crlf), "t.har", take, &e, err, sizeof(err)), DAST_EPARSE);
  ASSERT_CONTAINS(err, "t.har: $.log.entries[0].request.method: not an HTTP method");
  ASSERT_EQ(e.n, 0);
  ASSERT(dast_http_method_ok("PROPFIND") && dast_http_method_ok("M-SEARCH"));
  ASSERT(!dast_http_method_ok("GET /") && !dast_http_method_ok("") && !dast_http_method_ok(NULL));
  ASSERT_EQ(e.n, 0);
}

RUN_TESTS()
