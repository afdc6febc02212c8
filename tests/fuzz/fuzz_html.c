/* fuzz_html.c — libFuzzer target for crawlers/html.h (links and forms from
 * HTML through libxml2's SAX push parser) and crawlers/forms.h (forms into
 * endpoints).
 *
 * The whole input is the page, fetched from a fixed page URL.  Small
 * limits are used so the caps themselves get exercised.  Checked:
 * every reported URL is absolute http(s); form methods are GET or POST;
 * the counts never exceed the limits; each form becomes an endpoint whose
 * request can be built. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crawlers/forms.h"
#include "crawlers/html.h"

static struct dast_jsurls *js;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if(dast_jsurls_new(&js)) abort();
  return 0;
}

struct seen {
  size_t urls, forms;
};

static void on_url(void *ud, const struct dast_found *f)
{
  struct seen *s = ud;
  s->urls++;
  if(!f->url || (strncmp(f->url, "http://", 7) && strncmp(f->url, "https://", 8))) {
    fprintf(stderr, "fuzz_html: non-http URL reported: %s\n", f->url ? f->url : "(null)");
    abort();
  }
}

static void on_form(void *ud, const struct dast_form *form)
{
  struct seen *s = ud;
  s->forms++;
  if(strcmp(form->method, "GET") && strcmp(form->method, "POST")) {
    fprintf(stderr, "fuzz_html: form method '%s'\n", form->method);
    abort();
  }
  if(form->nfields > 40) abort();
  struct dast_endpoint *ep = dast_form_endpoint(form, "http://127.0.0.1:8080/dir/page.html");
  if(ep) {
    struct dast_built b;
    if(!dast_endpoint_build(ep, ep->nparams ? 0 : -1, "x\"'<>", false, &b)) dast_built_free(&b);
    dast_endpoint_free(ep);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > (1u << 20)) return 0;
  struct dast_html_limits lim = {.max_links = 200, .max_forms = 20, .max_fields = 40,
                                 .max_depth = 256, .max_script = 64 * 1024};
  struct seen s = {0, 0};
  struct dast_html_stats st;
  dast_err e = dast_html_extract((const char *)data, size, "http://127.0.0.1:8080/dir/page.html", js,
                                 &lim, on_url, on_form, &s, &st);
  (void)e;
  if(s.urls > lim.max_links || s.forms > lim.max_forms) {
    fprintf(stderr, "fuzz_html: caps exceeded: %zu urls, %zu forms\n", s.urls, s.forms);
    abort();
  }
  char *copy = malloc(size + 1);
  if(copy) {
    memcpy(copy, data, size);
    copy[size] = '\0';
    free(dast_html_refresh_url(copy));
    free(copy);
  }
  return 0;
}
