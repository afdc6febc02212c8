/* test_crawl_template.c — URL templates (crawlers/template.h): id-like
 * segments collapse, query names are sorted, endpoints get their
 * insertion points, and hostile URLs stay bounded. */
#include "crawlers/forms.h"
#include "crawlers/template.h"
#include "tests/unit/harness.h"

static void expect_tmpl(const char *url, const char *want, int *failed)
{
  char *t = dast_tmpl_of_url(url);
  if(strcmp(t, want)) {
    fprintf(stderr, "  template of %s: \"%s\" != \"%s\"\n", url, t, want);
    *failed = 1;
  }
  free(t);
}

TEST(classify_segments)
{
  ASSERT_STREQ(dast_tmpl_classify("17", 2), "{n}");
  ASSERT_STREQ(dast_tmpl_classify("123e4567-e89b-12d3-a456-426614174000", 36), "{uuid}");
  ASSERT_STREQ(dast_tmpl_classify("d41d8cd98f00b204e9800998ecf8427e", 32), "{hex}");
  ASSERT_STREQ(dast_tmpl_classify("2024-02-29", 10), "{date}");
  ASSERT(dast_tmpl_classify("items", 5) == NULL);
  ASSERT_STREQ(dast_tmpl_classify("f7216241cb1", 11), "{id}");
  ASSERT_STREQ(dast_tmpl_classify("ab12cd34", 8), "{id}");
  ASSERT(dast_tmpl_classify("mp3player", 9) == NULL);
  ASSERT(dast_tmpl_classify("products", 8) == NULL);
  ASSERT(dast_tmpl_classify("my-post-2024", 12) == NULL);
  ASSERT(dast_tmpl_classify("abc123", 6) == NULL);
  ASSERT(dast_tmpl_classify("deadbeef", 8) == NULL); /* short hex stays literal */
  ASSERT(dast_tmpl_classify("", 0) == NULL);
  ASSERT(dast_tmpl_classify("2024-13-xx", 10) == NULL);
}

TEST(route_values_bound_the_crawl_not_the_inventory)
{
  ASSERT(dast_tmpl_is_route("home.php"));
  ASSERT(dast_tmpl_is_route("labs/lab-12.php"));
  ASSERT(dast_tmpl_is_route("Default.ASPX"));
  ASSERT(!dast_tmpl_is_route("12"));
  ASSERT(!dast_tmpl_is_route("report.pdf"));
  ASSERT(!dast_tmpl_is_route("/etc/passwd.php"));
  ASSERT(!dast_tmpl_is_route("../x.php"));
  ASSERT(!dast_tmpl_is_route("http://evil/x.php"));
  ASSERT(!dast_tmpl_is_route("a8f3k29xq7.php")); /* generated: a trap's */
  struct dast_endpoint *a =
      dast_tmpl_endpoint("GET", "http://h/index.php?page=user-info.php&x=1", DAST_SRC_LINK);
  struct dast_endpoint *b = dast_tmpl_endpoint("GET", "http://h/index.php?page=dns-lookup.php&x=2",
                                               DAST_SRC_LINK);
  /* the crawler's visit bound sees two templates ... */
  ASSERT_STREQ(a->tmpl, "/index.php?page=user-info.php&x=");
  ASSERT(strcmp(a->tmpl, b->tmpl));
  /* ... the inventory one */
  dast_tmpl_set(a);
  dast_tmpl_set(b);
  ASSERT_STREQ(a->tmpl, "/index.php?page=&x=");
  ASSERT_EQ(dast_tmpl_endpoint_key(a), dast_tmpl_endpoint_key(b));
  /* a routed page that takes more than the route is its own endpoint: the
   * same fields on two pages are two pieces of code */
  dast_tmpl_set_inventory(a);
  dast_tmpl_set_inventory(b);
  ASSERT_STREQ(a->tmpl, "/index.php?page=user-info.php&x=");
  ASSERT(dast_tmpl_endpoint_key(a) != dast_tmpl_endpoint_key(b));
  dast_endpoint_free(a);
  dast_endpoint_free(b);
  a = dast_tmpl_endpoint("GET", "http://h/index.php?page=user-info.php", DAST_SRC_LINK);
  b = dast_tmpl_endpoint("GET", "http://h/index.php?page=dns-lookup.php", DAST_SRC_LINK);
  dast_tmpl_set_inventory(a);
  dast_tmpl_set_inventory(b);
  ASSERT_STREQ(a->tmpl, "/index.php?page=");
  ASSERT_EQ(dast_tmpl_endpoint_key(a), dast_tmpl_endpoint_key(b));
  dast_endpoint_free(a);
  dast_endpoint_free(b);
  /* forms: same fields, different routed pages */
  struct dast_form_field fl[] = {{"username", "text", "a"}, {"password", "password", "b"}};
  struct dast_form f1 = {.action = "http://h/index.php?page=user-info.php", .method = "POST",
                         .enctype = "application/x-www-form-urlencoded", .fields = fl, .nfields = 2};
  struct dast_form f2 = f1;
  f2.action = "http://h/index.php?page=xpath.php";
  a = dast_form_endpoint(&f1, NULL);
  b = dast_form_endpoint(&f2, NULL);
  ASSERT(dast_tmpl_endpoint_key(a) != dast_tmpl_endpoint_key(b));
  dast_endpoint_free(a);
  dast_endpoint_free(b);
  /* ... but the same site-wide form without an action, on two routed pages, is one */
  f1.self_action = f2.self_action = true;
  a = dast_form_endpoint(&f1, NULL);
  b = dast_form_endpoint(&f2, NULL);
  ASSERT_EQ(dast_tmpl_endpoint_key(a), dast_tmpl_endpoint_key(b));
  dast_endpoint_free(a);
  dast_endpoint_free(b);
  char *t = dast_tmpl_of_url("/index.php?page=home.php");
  ASSERT_STREQ(t, "/index.php?page=");
  free(t);
}

TEST(templates_collapse_ids_and_sort_names)
{
  int failed = 0;
  expect_tmpl("http://h:8080/item/17", "/item/{n}", &failed);
  expect_tmpl("http://h/item/18", "/item/{n}", &failed);
  expect_tmpl("http://h/search?q=a&page=2", "/search?page=&q=", &failed);
  expect_tmpl("http://h/search?page=3&q=b#frag", "/search?page=&q=", &failed);
  expect_tmpl("http://h/search?q=a&q=b", "/search?q=", &failed);
  expect_tmpl("http://h", "/", &failed);
  expect_tmpl("http://h?x=1", "/?x=", &failed);
  expect_tmpl("/u/123e4567-e89b-12d3-a456-426614174000/posts/2024-01-31",
              "/u/{uuid}/posts/{date}", &failed);
  expect_tmpl("http://h/f/0123456789abcdef0123/x?", "/f/{hex}/x", &failed);
  expect_tmpl("http://h/a%20b?na%6De=1", "/a%20b?name=", &failed);
  expect_tmpl("http://h/shop/cart;jsessionid=A1B2C3?x=1", "/shop/cart;jsessionid=?x=", &failed);
  expect_tmpl("http://h/item/7;v=2/x", "/item/{n};v=/x", &failed);
  ASSERT(!failed);
}

TEST(endpoint_from_url_has_params)
{
  struct dast_endpoint *ep =
      dast_tmpl_endpoint("GET", "http://127.0.0.1:1/shop/item/42/view?id=7&q=a+b", DAST_SRC_LINK);
  ASSERT_STREQ(ep->url, "http://127.0.0.1:1/shop/item/42/view");
  ASSERT_STREQ(ep->tmpl, "/shop/item/{n}/view?id=&q=");
  ASSERT_EQ(ep->nparams, 3);
  ASSERT_EQ(ep->params[0].kind, DAST_IP_QUERY);
  ASSERT_STREQ(ep->params[0].name, "id");
  ASSERT_STREQ(ep->params[0].value, "7");
  ASSERT_STREQ(ep->params[1].value, "a b");
  ASSERT_EQ(ep->params[2].kind, DAST_IP_PATH);
  ASSERT_STREQ(ep->params[2].name, "2");
  ASSERT_STREQ(ep->params[2].value, "42");
  /* the built request reproduces the URL */
  struct dast_built b;
  ASSERT_EQ(dast_endpoint_build(ep, -1, NULL, false, &b), DAST_OK);
  ASSERT_STREQ(b.url, "http://127.0.0.1:1/shop/item/42/view?id=7&q=a%20b");
  dast_built_free(&b);
  dast_endpoint_free(ep);
}

TEST(semicolons_belong_to_values)
{
  /* a serialized PHP object in a query value: ';' does not split pairs */
  struct dast_endpoint *ep =
      dast_tmpl_endpoint("GET", "http://h/obj?r=a:2:{i:0;s:4:%22test%22;}&x=1", DAST_SRC_LINK);
  ASSERT_EQ(ep->nparams, 2);
  ASSERT_STREQ(ep->params[0].name, "r");
  ASSERT_STREQ(ep->params[0].value, "a:2:{i:0;s:4:\"test\";}");
  ASSERT_STREQ(ep->params[1].name, "x");
  dast_endpoint_free(ep);
}

TEST(endpoint_key_ignores_values_and_order)
{
  struct dast_endpoint *a = dast_tmpl_endpoint("GET", "http://h/p/1?x=1&y=2", DAST_SRC_LINK);
  struct dast_endpoint *b = dast_tmpl_endpoint("GET", "http://h/p/2?y=5&x=9", DAST_SRC_LINK);
  struct dast_endpoint *c = dast_tmpl_endpoint("POST", "http://h/p/2?y=5&x=9", DAST_SRC_LINK);
  struct dast_endpoint *d = dast_tmpl_endpoint("POST", "http://h/p/2?y=5&x=9", DAST_SRC_LINK);
  dast_endpoint_add_param(d, DAST_IP_FORM, "user", "a", "text");
  ASSERT_EQ(dast_tmpl_endpoint_key(a), dast_tmpl_endpoint_key(b));
  ASSERT(dast_tmpl_endpoint_key(a) != dast_tmpl_endpoint_key(c));
  ASSERT(dast_tmpl_endpoint_key(c) != dast_tmpl_endpoint_key(d));
  dast_endpoint_free(a);
  dast_endpoint_free(b);
  dast_endpoint_free(c);
  dast_endpoint_free(d);
}

TEST(hostile_urls_are_bounded)
{
  /* 100k parameters and 50k segments: capped, no crash, bounded output */
  struct dast_buf u;
  dast_buf_init(&u, 0);
  (void)dast_buf_adds(&u, "http://h/");
  for(int i = 0; i < 50000; i++) (void)dast_buf_adds(&u, "1/");
  (void)dast_buf_adds(&u, "?");
  for(int i = 0; i < 100000; i++) (void)dast_buf_printf(&u, "p%d=%d&", i, i);
  struct dast_endpoint *ep = dast_tmpl_endpoint("GET", u.data, DAST_SRC_LINK);
  ASSERT_LE(ep->nparams, DAST_TMPL_MAX_PARAMS + DAST_TMPL_MAX_SEGMENTS);
  ASSERT(ep->tmpl != NULL);
  dast_endpoint_free(ep);
  dast_buf_free(&u);
}

RUN_TESTS()
