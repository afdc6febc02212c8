/* test_crawl_html.c — HTML extraction (crawlers/html.h): links of every
 * kind, forms with their fields, inline JS, base href, meta refresh, and
 * hostile input (broken markup, non-UTF-8, deep nesting, huge pages) in
 * bounded time and memory. */
#include "crawlers/forms.h"
#include "crawlers/html.h"
#include "tests/unit/harness.h"
#include "tests/unit/support.h"

#include <time.h>

struct got {
  struct dast_buf urls;   /* "METHOD url src\n" lines */
  struct dast_buf forms;  /* "METHOD action enctype | name:type=value ...\n" */
  size_t nurls;
};

static void on_url(void *ud, const struct dast_found *f)
{
  struct got *g = ud;
  g->nurls++;
  if(g->urls.len < (1u << 20))
    (void)dast_buf_printf(&g->urls, "%s %s %s%s%s\n", f->method, f->url, dast_source_name(f->src),
                          f->json_keys ? " keys=" : "", f->json_keys ? f->json_keys : "");
}

static void on_form(void *ud, const struct dast_form *fm)
{
  struct got *g = ud;
  (void)dast_buf_printf(&g->forms, "%s %s %s |", fm->method, fm->action, fm->enctype);
  for(size_t i = 0; i < fm->nfields; i++)
    (void)dast_buf_printf(&g->forms, " %s:%s=%s", fm->fields[i].name, fm->fields[i].type,
                          fm->fields[i].value);
  (void)dast_buf_adds(&g->forms, "\n");
}

/* test data lives in tests/data/crawl/ */
static char *slurp(const char *name, size_t *len)
{
  char rel[256];
  snprintf(rel, sizeof(rel), "crawl/%s", name);
  return dast_test_slurp(rel, len);
}

static void got_init(struct got *g)
{
  dast_buf_init(&g->urls, 0);
  dast_buf_init(&g->forms, 0);
  (void)dast_buf_adds(&g->urls, "");
  (void)dast_buf_adds(&g->forms, "");
  g->nurls = 0;
}

static void got_free(struct got *g)
{
  dast_buf_free(&g->urls);
  dast_buf_free(&g->forms);
}

TEST(page_links_forms_and_js)
{
  size_t len;
  char *html = slurp("page.html", &len);
  ASSERT(html);
  struct dast_jsurls *js;
  ASSERT_EQ(dast_jsurls_new(&js), DAST_OK);
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  ASSERT_EQ(dast_html_extract(html, len, "http://127.0.0.1:8080/dir/page", js, NULL, on_url,
                              on_form, &g, &st),
            DAST_OK);
  const char *u = g.urls.data;
  if(getenv("DUMP")) fprintf(stderr, "%s\n%s", u, g.forms.data);
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/refreshed link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/static/site.css link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/static/app.js link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/api/v1/users js");
  ASSERT_CONTAINS(u, "POST http://127.0.0.1:8080/api/v1/orders js keys=item,qty");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/dir/search.php?q=x js");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/profile/1/edit js");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/about link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/dir/contact.html link");
  ASSERT_CONTAINS(u, "GET https://example.org/ext link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/js-href js");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/map/area1 link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/frame/inner link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/img/logo.png link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/data/attr link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/clicked js");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/unquoted link");
  ASSERT_CONTAINS(u, "GET http://127.0.0.1:8080/sub/dir/rel link");
  ASSERT(!strstr(u, "mailto"));
  ASSERT(!strstr(u, "text/html"));
  ASSERT(!strstr(u, "not a url"));
  ASSERT(!strstr(u, "\\d"));
  ASSERT(!strstr(u, "#"));
  const char *f = g.forms.data;
  ASSERT_CONTAINS(f, "POST http://127.0.0.1:8080/login application/x-www-form-urlencoded | "
                     "csrf:hidden=tok123 user:text= pass:password= remember:checkbox=on "
                     "r:radio=a go:submit=Log in\n");
  ASSERT_CONTAINS(f, "GET http://127.0.0.1:8080/login/alt application/x-www-form-urlencoded | csrf");
  ASSERT_CONTAINS(f, "POST http://127.0.0.1:8080/dir/upload multipart/form-data | doc:file= "
                     "note:textarea=hello color:select=blue size:select=Small\n");
  ASSERT_CONTAINS(f, "GET http://127.0.0.1:8080/dir/page application/x-www-form-urlencoded | "
                     "q:search= mail:email=a@b.c\n");
  ASSERT_EQ(st.forms, 4);
  ASSERT(!st.capped);
  got_free(&g);
  dast_jsurls_free(js);
  free(html);
}

TEST(broken_and_non_utf8_markup)
{
  const char html[] = "<html><body><a href='/one'>\xff\xfe\xc3\x28 bad</a><div><<<>>"
                      "<a href=\"/tw\xe9o\">x</a><form action=/f><input name=a value=\xff>"
                      "<a href='/three'";
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  dast_err e = dast_html_extract(html, sizeof(html) - 1, "http://h/", NULL, NULL, on_url,
                                 on_form, &g, &st);
  ASSERT_EQ(e, DAST_OK);
  ASSERT_CONTAINS(g.urls.data, "GET http://h/one link");
  ASSERT_CONTAINS(g.urls.data, "GET http://h/tw");
  ASSERT_CONTAINS(g.forms.data, "GET http://h/f ");
  got_free(&g);
}

TEST(empty_and_garbage_input)
{
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  ASSERT_EQ(dast_html_extract("", 0, "http://h/", NULL, NULL, on_url, on_form, &g, &st), DAST_OK);
  char bin[4096];
  for(size_t i = 0; i < sizeof(bin); i++) bin[i] = (char)((i * 131u + 7u) & 0xff);
  ASSERT_EQ(dast_html_extract(bin, sizeof(bin), "http://h/", NULL, NULL, on_url, on_form, &g, &st),
            DAST_OK);
  ASSERT_EQ(dast_html_extract(NULL, 0, "http://h/", NULL, NULL, on_url, on_form, &g, &st),
            DAST_EINVAL);
  got_free(&g);
}

TEST(markup_in_comments_is_followed)
{
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  const char *page =
      "<html><head><base href=\"/app/\"></head><body><a href=\"live\">live</a>\n"
      "<!-- <a href=\"old-admin\">admin</a>\n"
      "<form action=\"/legacy/search\"><input name=q></form> -->\n"
      "<!-- just a remark about /not-a-link and \"quoted\" text -->\n"
      "<svg><a xlink:href=\"/svg-link\"><text>s</text></a></svg>\n"
      "<!-- <!-- <a href=\"nested\">no deeper than one comment</a> -->\n"
      "</body></html>";
  ASSERT_EQ(dast_html_extract(page, strlen(page), "http://h/x/page", NULL, NULL, on_url, on_form, &g,
                              &st), DAST_OK);
  ASSERT_CONTAINS(g.urls.data, "GET http://h/app/live link\n");
  ASSERT_CONTAINS(g.urls.data, "GET http://h/app/old-admin link\n"); /* resolved against <base> */
  ASSERT_CONTAINS(g.forms.data, "GET http://h/legacy/search application/x-www-form-urlencoded | q:text=");
  ASSERT(!strstr(g.urls.data, "not-a-link"));
  ASSERT_CONTAINS(g.urls.data, "GET http://h/svg-link link\n");
  ASSERT_EQ(st.forms, 1);
  got_free(&g);
  /* the link cap covers what comments hold too */
  struct dast_buf big;
  dast_buf_init(&big, 0);
  (void)dast_buf_adds(&big, "<a href=/a>a</a><!--");
  for(int i = 0; i < 50; i++) (void)dast_buf_printf(&big, "<a href=/c%d>c</a>", i);
  (void)dast_buf_adds(&big, "-->");
  got_init(&g);
  struct dast_html_limits lim = {.max_links = 10};
  ASSERT_EQ(dast_html_extract(big.data, big.len, "http://h/", NULL, &lim, on_url, on_form, &g, &st),
            DAST_ELIMIT);
  ASSERT_EQ(g.nurls, 10);
  ASSERT(st.capped);
  got_free(&g);
  /* a page of many tiny comments parses a bounded number of them */
  dast_buf_reset(&big);
  for(int i = 0; i < 5000; i++) (void)dast_buf_printf(&big, "<!--<a href=/k%d>-->", i);
  got_init(&g);
  ASSERT_EQ(dast_html_extract(big.data, big.len, "http://h/", NULL, NULL, on_url, on_form, &g, &st),
            DAST_OK);
  ASSERT_EQ(g.nurls, 64);
  got_free(&g);
  dast_buf_free(&big);
}

static void on_form_labels(void *ud, const struct dast_form *fm)
{
  struct dast_buf *b = ud;
  (void)dast_buf_printf(b, "%s [%s]\n", fm->action, fm->labels ? fm->labels : "");
}

static void ignore_url(void *ud, const struct dast_found *f)
{
  (void)ud;
  (void)f;
}

TEST(submit_labels_are_kept)
{
  const char *page =
      "<form action=/a><input type=submit name=create_db value='Create / Reset Database'></form>"
      "<form action=/b><button name=action value=do type=submit>\n  Submit / <b>Reset</b>\n</button>"
      "<button type=button>Not a submit</button><input type=reset value=Clear></form>"
      "<form action=/c><input type=image src=go.png alt=Search><button>Go</button></form>"
      "<form action=/d><input name=q></form>";
  struct dast_buf b;
  dast_buf_init(&b, 0);
  struct dast_html_stats st;
  ASSERT_EQ(dast_html_extract(page, strlen(page), "http://h/", NULL, NULL, ignore_url, on_form_labels,
                              &b, &st), DAST_OK);
  ASSERT_STREQ(b.data, "http://h/a [Create / Reset Database]\n"
                       "http://h/b [do|Submit / Reset]\n"
                       "http://h/c [Search|Go]\n"
                       "http://h/d []\n");
  dast_buf_free(&b);
}

/* HTML5 form="id": a control anywhere on the page joins the form it names
 * (and leaves the one around it); forms without an id keep their order. */
TEST(controls_outside_their_form)
{
  const char *page =
      "<input form=f1 name=early value=1>"
      "<form id=f1 action=/search><input name=q>"
      "<input form=other name=elsewhere value=2></form>"
      "<form action=/plain><input name=p></form>"
      "<form id=other action=/other method=post><input name=o></form>"
      "<div><input form=f1 name=category value=books><input form=f1 type=checkbox name=new>"
      "<input form=f1 type=submit name=go value=Go><input form=nowhere name=lost>"
      "<select form=f1 name=sort><option value=price>Price<option selected>Name</select>"
      "<textarea form=other name=note>hello</textarea></div>";
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  ASSERT_EQ(dast_html_extract(page, strlen(page), "http://h/", NULL, NULL, on_url, on_form, &g, &st),
            DAST_OK);
  ASSERT_STREQ(g.forms.data,
               "GET http://h/plain application/x-www-form-urlencoded | p:text=\n"
               "GET http://h/search application/x-www-form-urlencoded | q:text= early:text=1 "
               "category:text=books new:checkbox=on sort:select=Name\n"
               "POST http://h/other application/x-www-form-urlencoded | o:text= elsewhere:text=2 "
               "note:textarea=hello\n");
  ASSERT_EQ(st.forms, 3u);
  got_free(&g);
}

/* A select or textarea naming a form, left open by broken markup or a cap. */
TEST(unclosed_control_outside_its_form)
{
  const char *pages[] = {
      "<form id=a action=/a><input name=x></form><select form=a name=s><option>1",
      "<form id=a action=/a><select form=b name=s><option>1<form action=/c><input name=y></form>",
      "<textarea form=a name=t>never closed",
  };
  for(size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++) {
    struct got g;
    got_init(&g);
    struct dast_html_stats st;
    ASSERT_EQ(dast_html_extract(pages[i], strlen(pages[i]), "http://h/", NULL, NULL, on_url, on_form,
                                &g, &st), DAST_OK);
    got_free(&g);
  }
}

static void on_label(void *ud, const struct dast_found *f)
{
  (void)dast_buf_printf(ud, "%s [%s]\n", f->url, f->label ? f->label : "-");
}

/* An <a> is reported at its end with what it says (text, then title). */
TEST(links_carry_their_text)
{
  const char *page = "<a href=/x title='Leave'>\n Sign <b>out</b>\n</a><area href=/map alt=Map>"
                     "<a href=/y><img src=/i.png></a><a href=/z>open<a href=/w>next";
  struct dast_buf b;
  dast_buf_init(&b, 0);
  struct dast_html_stats st;
  ASSERT_EQ(dast_html_extract(page, strlen(page), "http://h/", NULL, NULL, on_label, on_form_labels,
                              &b, &st), DAST_OK);
  ASSERT_STREQ(b.data, "http://h/x [Sign out | Leave]\n"
                       "http://h/map [-]\n"
                       "http://h/i.png [-]\n"
                       "http://h/y [-]\n"
                       "http://h/z [open]\n"
                       "http://h/w [next]\n");
  dast_buf_free(&b);
}

/* UTF-16 pages (with their byte-order mark) keep their links. */
TEST(utf16_with_a_bom)
{
  const char *ascii = "<html><body><a href=\"/wide\">w</a><form action=/f><input name=q></form>";
  size_t n = strlen(ascii);
  for(int width = 2; width <= 2; width += 2)
    for(int be = 0; be <= 1; be++) {
      size_t len = (n + 1) * (size_t)width;
      char *page = calloc(1, len);
      ASSERT(page);
      for(size_t i = 0; i <= n; i++) { /* i == 0: the BOM, U+FEFF */
        unsigned cp = i ? (unsigned char)ascii[i - 1] : 0xFEFFu;
        for(int k = 0; k < width; k++) {
          int shift = be ? 8 * (width - 1 - k) : 8 * k;
          page[i * (size_t)width + (size_t)k] = (char)((cp >> shift) & 0xFF);
        }
      }
      struct got g;
      got_init(&g);
      struct dast_html_stats st;
      ASSERT_EQ(dast_html_extract(page, len, "http://h/", NULL, NULL, on_url, on_form, &g, &st), DAST_OK);
      ASSERT_CONTAINS(g.urls.data, "GET http://h/wide link");
      ASSERT_CONTAINS(g.forms.data, "GET http://h/f ");
      got_free(&g);
      free(page);
    }
}

TEST(deep_nesting_is_bounded)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  for(int i = 0; i < 100000; i++) (void)dast_buf_adds(&b, "<div>");
  (void)dast_buf_adds(&b, "<a href='/deep'>x</a>");
  clock_t t0 = clock();
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  dast_err e = dast_html_extract(b.data, b.len, "http://h/", NULL, NULL, on_url, on_form, &g, &st);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ASSERT(e == DAST_OK || e == DAST_ELIMIT);
  ASSERT_LE(secs * 1000, 5000);
  fprintf(stderr, "  100k nested divs: %.3fs, capped=%d (%s)\n", secs, st.capped,
          st.cap_reason ? st.cap_reason : "-");
  got_free(&g);
  dast_buf_free(&b);
}

TEST(huge_page_link_cap)
{
  struct dast_buf b;
  dast_buf_init(&b, 0);
  for(int i = 0; i < 1000000; i++) (void)dast_buf_printf(&b, "<a href=/l%d>", i);
  struct got g;
  got_init(&g);
  struct dast_html_stats st;
  clock_t t0 = clock();
  dast_err e = dast_html_extract(b.data, b.len, "http://h/", NULL, NULL, on_url, on_form, &g, &st);
  double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  ASSERT_EQ(e, DAST_ELIMIT);
  ASSERT(st.capped);
  ASSERT_EQ(g.nurls, 20000);
  ASSERT_STREQ(st.cap_reason, "links per page");
  ASSERT_LE(secs * 1000, 5000);
  struct dast_html_limits lim = {.max_links = 10};
  got_free(&g);
  got_init(&g);
  ASSERT_EQ(dast_html_extract(b.data, b.len, "http://h/", NULL, &lim, on_url, on_form, &g, &st),
            DAST_ELIMIT);
  ASSERT_EQ(g.nurls, 10);
  got_free(&g);
  dast_buf_free(&b);
}

static char *fv(const char *name, const char *type, const char *def)
{
  static char out[64];
  char *v = dast_form_value(name, type, def);
  snprintf(out, sizeof(out), "%s", v);
  free(v);
  return out;
}

TEST(plausible_form_values)
{
  ASSERT_STREQ(fv("x", "email", ""), "dastgate@example.com");
  ASSERT_STREQ(fv("x", "number", NULL), "1");
  ASSERT_STREQ(fv("x", "url", ""), "http://example.com/");
  ASSERT_STREQ(fv("x", "date", ""), "2024-01-01");
  ASSERT_STREQ(fv("x", "tel", ""), "5551234567");
  ASSERT_STREQ(fv("x", "password", ""), "Dastgate1!");
  ASSERT_STREQ(fv("x", "search", ""), "test");
  ASSERT_STREQ(fv("x", "checkbox", ""), "on");
  ASSERT_STREQ(fv("x", "textarea", ""), "dastgate text");
  ASSERT_STREQ(fv("user_email", "text", ""), "dastgate@example.com");
  ASSERT_STREQ(fv("zipcode", "text", ""), "12345");
  ASSERT_STREQ(fv("q", "text", ""), "test");
  ASSERT_STREQ(fv("token", "hidden", ""), "");          /* hidden stays as served */
  ASSERT_STREQ(fv("csrf", "hidden", "abc"), "abc");
  ASSERT_STREQ(fv("color", "select", "blue"), "blue");  /* the selected option */
  ASSERT_STREQ(fv("item", "select", ""), "");           /* a placeholder option, as a browser sends it */
  ASSERT_STREQ(fv("whatever", "text", ""), "dastgate");
  /* an empty box for XML gets a document (the XXE-in-a-parameter checks
   * need one); one with a value keeps it, a non-text field is not one */
  ASSERT_STREQ(fv("xml", "textarea", ""), "<?xml version=\"1.0\"?><root><name>dastgate</name></root>");
  ASSERT_STREQ(fv("requestXml", "text", NULL), "<?xml version=\"1.0\"?><root><name>dastgate</name></root>");
  ASSERT_STREQ(fv("xml", "textarea", "<a>1</a>"), "<a>1</a>");
  ASSERT_STREQ(fv("xml_version", "number", ""), "1");
}

TEST(form_endpoints_by_method_and_enctype)
{
  struct dast_form_field fields[] = {{"csrf", "hidden", "t1"}, {"q", "search", ""},
                                     {"doc", "file", ""}};
  struct dast_form f = {.action = "http://h/s?drop=1", .method = "GET",
                        .enctype = "application/x-www-form-urlencoded", .fields = fields,
                        .nfields = 3, .alloc = 3};
  struct dast_endpoint *ep = dast_form_endpoint(&f, "http://h/");
  ASSERT_STREQ(ep->url, "http://h/s");
  ASSERT_STREQ(ep->tmpl, "/s?csrf=&q=");
  ASSERT_EQ(ep->nparams, 2); /* a GET form sends no file */
  ASSERT_EQ(ep->params[0].kind, DAST_IP_QUERY);
  ASSERT_STREQ(ep->params[0].value, "t1");
  ASSERT_STREQ(ep->params[1].type, "search");
  ASSERT_STREQ(ep->found_on, "http://h/");
  dast_endpoint_free(ep);
  f.method = "POST";
  ep = dast_form_endpoint(&f, NULL);
  ASSERT_STREQ(ep->tmpl, "/s?drop=");
  ASSERT_STREQ(ep->content_type, "application/x-www-form-urlencoded");
  ASSERT_EQ(ep->params[0].kind, DAST_IP_QUERY);
  ASSERT_EQ(ep->params[1].kind, DAST_IP_FORM);
  dast_endpoint_free(ep);
  f.enctype = "multipart/form-data";
  ep = dast_form_endpoint(&f, NULL);
  ASSERT_STREQ(ep->content_type, "multipart/form-data");
  ASSERT_EQ(ep->nparams, 4);
  ASSERT_EQ(ep->params[3].kind, DAST_IP_MULTIPART);
  ASSERT_STREQ(ep->params[3].type, "file");
  struct dast_built b;
  ASSERT_EQ(dast_endpoint_build(ep, -1, NULL, false, &b), DAST_OK);
  ASSERT_CONTAINS(b.body, "name=\"csrf\"\r\n\r\nt1\r\n");
  ASSERT_CONTAINS(b.body, "filename=");
  dast_built_free(&b);
  dast_endpoint_free(ep);
}

TEST(refresh_url_parsing)
{
  char *u = dast_html_refresh_url("5; url=/next");
  ASSERT_STREQ(u, "/next");
  free(u);
  u = dast_html_refresh_url("0;URL='http://h/x' ");
  ASSERT_STREQ(u, "http://h/x");
  free(u);
  u = dast_html_refresh_url("0, /y");
  ASSERT_STREQ(u, "/y");
  free(u);
  ASSERT(dast_html_refresh_url("10") == NULL);
  ASSERT(dast_html_refresh_url(NULL) == NULL);
}

RUN_TESTS()
