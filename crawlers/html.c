/* html.c — link and form extraction from HTML (html.h).
 *
 * libxml2's HTML push parser in recover mode drives SAX callbacks; no DOM
 * is built, so memory is the parser's element-name stack plus the one form
 * being assembled plus the current inline script (capped).  The body is fed
 * in 1 MiB chunks (one for nearly every page) so a cap can stop the parse
 * (xmlStopParser) without copying the rest into the parser.  struct hctx is the whole state:
 *  - base: the URL relative references resolve against (page URL, then the
 *    first <base href>);
 *  - form: the form being assembled (owned) and its buttons' extra
 *    formaction/formmethod pairs; emitted at </form> or end of document,
 *    except a form with an id, which is held to the end of the document
 *    (at most MAX_HELD) so controls elsewhere on the page that name it
 *    (<input form="id">, HTML5; kept in `orphan`) join it first;
 *  - select/textarea/option/script: which text the characters callback is
 *    collecting.
 * URLs are resolved with url.h and handed to the caller's callback, which
 * must copy what it keeps.  This is the only file using libxml2's HTML
 * parser. */
#include "crawlers/html.h"

#include "scanner/engine/url.h"

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHUNK (1024u * 1024u)
#define MAX_FIELD_VALUE 4096
#define MAX_ALT_ACTIONS 8
#define MAX_COMMENTS 64 /* comments per page parsed as markup */
#define MAX_HELD 16     /* forms with an id held to the end of the page */
#define MAX_ORPHANS 64  /* <input form="id"> controls outside their form */
#define MAX_LABEL 128   /* bytes of an <a>'s text and title kept */

struct alt_action {
  char *action, *method;
};

struct held {
  struct dast_form *form;
  char *id;
  struct alt_action alt[MAX_ALT_ACTIONS];
  size_t nalt;
};

struct orphan {
  char *form_id, *name, *type, *value;
};

struct hctx {
  const char *page_url;
  char *base; /* owned */
  bool base_set;
  const struct dast_jsurls *js;
  struct dast_html_limits lim;
  dast_found_cb on_url;
  dast_form_cb on_form;
  void *ud;
  struct dast_html_stats *st;
  htmlParserCtxtPtr ctxt;
  size_t depth;
  bool stopped;
  struct dast_form *form;
  char *form_id; /* the open form's id attribute (owned) or NULL */
  struct alt_action alt[MAX_ALT_ACTIONS];
  size_t nalt;
  struct held held[MAX_HELD];
  size_t nheld;
  struct orphan orphan[MAX_ORPHANS];
  size_t norphans;
  char *orphan_owner;      /* reading a select/textarea that names another form: its id */
  struct dast_form *outer; /* ... and the form around it, while h->form is a scratch one */
  bool submit_seen;
  long select_idx, textarea_idx;
  bool select_chosen, select_has_first;
  bool in_option, option_has_value, option_selected;
  struct dast_buf option_text;
  bool in_script;
  struct dast_buf script;
  bool in_comment; /* parsing the markup inside a comment: no deeper */
  bool in_button;   /* collecting a submit <button>'s text into button_text */
  char *a_href;     /* the open <a>'s href (owned): emitted at </a> with its text */
  char *a_title;    /* ... its title or aria-label (owned) */
  struct dast_buf a_text;
  struct dast_buf button_text;
  size_t comments;  /* comments parsed as markup so far */
};

static void stop(struct hctx *h, const char *why)
{
  if(h->stopped) return;
  h->stopped = true;
  h->st->capped = true;
  h->st->cap_reason = why;
  xmlStopParser(h->ctxt);
}

static const char *attr(const xmlChar **atts, const char *name)
{
  for(size_t i = 0; atts && atts[i]; i += 2)
    if(!strcasecmp((const char *)atts[i], name))
      return atts[i + 1] ? (const char *)atts[i + 1] : "";
  return NULL;
}

static void emit_url_labeled(struct hctx *h, const char *ref, enum dast_source src,
                             const char *label);

static void emit_url(struct hctx *h, const char *ref, enum dast_source src)
{
  emit_url_labeled(h, ref, src, NULL);
}

/* An <a> goes out at its end, with what it says: "Log out" or "Delete"
 * on a link whose URL says nothing of the kind warns the crawler too. */
static void anchor_flush(struct hctx *h)
{
  if(!h->a_href) return;
  char *href = h->a_href, *title = h->a_title;
  h->a_href = h->a_title = NULL;
  struct dast_buf label;
  dast_buf_init(&label, 0);
  const char *t = h->a_text.data ? h->a_text.data : "";
  bool space = false;
  for(size_t i = 0; i < h->a_text.len; i++) { /* whitespace runs become one space */
    bool ws = t[i] == ' ' || t[i] == '\n' || t[i] == '\t' || t[i] == '\r';
    if(ws) {
      space = label.len > 0;
      continue;
    }
    if(space) (void)dast_buf_add(&label, " ", 1);
    space = false;
    (void)dast_buf_add(&label, t + i, 1);
  }
  if(title && *title) {
    if(label.len) (void)dast_buf_adds(&label, " | ");
    (void)dast_buf_adds(&label, title);
  }
  dast_buf_reset(&h->a_text);
  emit_url_labeled(h, href, DAST_SRC_LINK, label.len ? label.data : NULL);
  dast_buf_free(&label);
  free(href);
  free(title);
}

static void emit_url_labeled(struct hctx *h, const char *ref, enum dast_source src,
                             const char *label)
{
  if(!ref || h->stopped) return;
  while(*ref == ' ' || *ref == '\t' || *ref == '\n' || *ref == '\r') ref++;
  if(!*ref || *ref == '#') return;
  if(!strncasecmp(ref, "javascript:", 11)) {
    if(h->js) {
      bool capped = false;
      h->st->links += dast_jsurls_extract(h->js, ref + 11, strlen(ref + 11), h->base,
                                          h->lim.max_links - h->st->links, h->on_url, h->ud,
                                          &capped);
      if(capped) stop(h, "links per page");
    }
    return;
  }
  char *abs = dast_url_resolve(h->base, ref);
  if(!abs) return;
  if(h->st->links >= h->lim.max_links) {
    free(abs);
    stop(h, "links per page");
    return;
  }
  struct dast_found f = {abs, "GET", src, NULL, NULL, label};
  h->on_url(h->ud, &f);
  h->st->links++;
  free(abs);
}

static void scan_js(struct hctx *h, const char *text, size_t len)
{
  if(!h->js || !len || h->stopped) return;
  bool capped = false;
  h->st->links += dast_jsurls_extract(h->js, text, len, h->base, h->lim.max_links - h->st->links,
                                      h->on_url, h->ud, &capped);
  if(capped) stop(h, "links per page");
}

static char *lower_dup(const char *s)
{
  char *d = dast_strdup(s);
  for(char *p = d; *p; p++)
    if(*p >= 'A' && *p <= 'Z') *p = (char)(*p - 'A' + 'a');
  return d;
}

void dast_form_free(struct dast_form *f)
{
  if(!f) return;
  for(size_t i = 0; i < f->nfields; i++) {
    free(f->fields[i].name);
    free(f->fields[i].type);
    free(f->fields[i].value);
  }
  free(f->fields);
  free(f->action);
  free(f->method);
  free(f->enctype);
  free(f->labels);
  free(f);
}

static char *dup_or_null(const char *s)
{
  return s ? dast_strdup(s) : NULL;
}

struct dast_form *dast_form_dup(const struct dast_form *f)
{
  struct dast_form *d = dast_calloc(1, sizeof(*d));
  d->action = dup_or_null(f->action);
  d->method = dup_or_null(f->method);
  d->enctype = dup_or_null(f->enctype);
  d->self_action = f->self_action;
  d->labels = dup_or_null(f->labels);
  d->nfields = d->alloc = f->nfields;
  d->fields = dast_calloc(f->nfields ? f->nfields : 1, sizeof(*d->fields));
  for(size_t i = 0; i < f->nfields; i++) {
    d->fields[i].name = dup_or_null(f->fields[i].name);
    d->fields[i].type = dup_or_null(f->fields[i].type);
    d->fields[i].value = dup_or_null(f->fields[i].value);
  }
  return d;
}

static long add_field(struct hctx *h, const char *name, const char *type, const char *value)
{
  struct dast_form *f = h->form;
  if(!f || !name || !*name) return -1;
  if(f->nfields >= h->lim.max_fields) {
    h->st->capped = true;
    h->st->cap_reason = "fields per form";
    return -1;
  }
  if(f->nfields == f->alloc) {
    f->alloc = f->alloc ? f->alloc * 2 : 8;
    f->fields = dast_realloc(f->fields, f->alloc * sizeof(*f->fields));
  }
  struct dast_form_field *fl = &f->fields[f->nfields];
  fl->name = dast_strdup(name);
  fl->type = lower_dup(type);
  if(!value) value = "";
  fl->value = dast_strndup(value, strnlen(value, MAX_FIELD_VALUE));
  return (long)f->nfields++;
}

static bool has_field(const struct dast_form *f, const char *name)
{
  for(size_t i = 0; i < f->nfields; i++)
    if(!strcmp(f->fields[i].name, name)) return true;
  return false;
}

static char *normal_method(const char *m)
{
  return m && !strcasecmp(m, "post") ? dast_strdup("POST") : dast_strdup("GET");
}

static void form_begin(struct hctx *h, const xmlChar **atts);

/* Hands form f to the callback, then once per extra formaction/formmethod. */
static void form_emit(struct hctx *h, struct dast_form *f, const struct alt_action *alt, size_t nalt)
{
  if(h->st->forms >= h->lim.max_forms) {
    h->st->capped = true;
    h->st->cap_reason = "forms per page";
    return;
  }
  h->on_form(h->ud, f);
  h->st->forms++;
  char *action = f->action, *method = f->method;
  bool self = f->self_action;
  f->self_action = false; /* a formaction names its target */
  for(size_t i = 0; i < nalt && h->st->forms < h->lim.max_forms; i++) {
    f->action = alt[i].action;
    f->method = alt[i].method;
    h->on_form(h->ud, f);
    h->st->forms++;
  }
  f->action = action;
  f->method = method;
  f->self_action = self;
}

static void orphan_close(struct hctx *h);

static void form_end(struct hctx *h)
{
  orphan_close(h); /* markup that never closed it */
  struct dast_form *f = h->form;
  if(!f) return;
  h->form = NULL;
  h->select_idx = h->textarea_idx = -1;
  if(h->form_id && h->nheld < MAX_HELD && !h->stopped) { /* see MAX_HELD */
    struct held *k = &h->held[h->nheld++];
    k->form = f;
    k->id = h->form_id;
    h->form_id = NULL;
    memcpy(k->alt, h->alt, h->nalt * sizeof(h->alt[0]));
    k->nalt = h->nalt;
    h->nalt = 0;
    return;
  }
  if(!h->stopped) form_emit(h, f, h->alt, h->nalt);
  for(size_t i = 0; i < h->nalt; i++) {
    free(h->alt[i].action);
    free(h->alt[i].method);
  }
  h->nalt = 0;
  free(h->form_id);
  h->form_id = NULL;
  dast_form_free(f);
}

/* End of document: held forms get the controls that name them, then go
 * out (they were complete, so even a page cut short by a limit sends them). */
static void held_flush(struct hctx *h, bool emit)
{
  for(size_t i = 0; i < h->nheld; i++) {
    struct held *k = &h->held[i];
    if(emit) {
      struct dast_form *open = h->form;
      h->form = k->form; /* add_field works on h->form */
      for(size_t o = 0; o < h->norphans; o++) {
        const struct orphan *x = &h->orphan[o];
        if(strcmp(x->form_id, k->id)) continue;
        if(!strcmp(x->type, "radio") && has_field(k->form, x->name)) continue;
        (void)add_field(h, x->name, x->type, x->value);
      }
      h->form = open;
      form_emit(h, k->form, k->alt, k->nalt);
    }
    for(size_t a = 0; a < k->nalt; a++) {
      free(k->alt[a].action);
      free(k->alt[a].method);
    }
    dast_form_free(k->form);
    free(k->id);
  }
  h->nheld = 0;
  for(size_t o = 0; o < h->norphans; o++) {
    free(h->orphan[o].form_id);
    free(h->orphan[o].name);
    free(h->orphan[o].type);
    free(h->orphan[o].value);
  }
  h->norphans = 0;
}

/* A select or textarea naming another form (form="id") is read into a
 * scratch form (its options and text go where they always go), then kept
 * aside like an orphan input. */
static void option_end(struct hctx *h);

static bool orphan_open(struct hctx *h, const xmlChar **atts)
{
  const char *owner = attr(atts, "form");
  if(!owner || !*owner || h->orphan_owner || (h->form_id && !strcmp(owner, h->form_id)))
    return false;
  /* the outer form's select/textarea state does not carry into the
   * scratch form (broken markup: a select left open around this one) */
  option_end(h);
  h->select_idx = h->textarea_idx = -1;
  h->outer = h->form;
  h->form = dast_calloc(1, sizeof(*h->form));
  h->orphan_owner = dast_strdup(owner);
  return true;
}

static void orphan_close(struct hctx *h)
{
  if(!h->orphan_owner) return;
  struct dast_form *f = h->form;
  if(f->nfields && h->norphans < MAX_ORPHANS) {
    struct orphan *x = &h->orphan[h->norphans++];
    struct dast_form_field *fl = &f->fields[0];
    x->form_id = h->orphan_owner;
    h->orphan_owner = NULL;
    x->name = fl->name;
    x->type = fl->type;
    x->value = fl->value;
    fl->name = fl->type = fl->value = NULL;
  }
  free(h->orphan_owner);
  h->orphan_owner = NULL;
  dast_form_free(f);
  h->form = h->outer;
  h->outer = NULL;
  h->select_idx = h->textarea_idx = -1;
}

static void form_begin(struct hctx *h, const xmlChar **atts)
{
  form_end(h); /* forms don't nest */
  const char *action = attr(atts, "action");
  char *abs = dast_url_resolve(h->base, action && *action ? action : h->page_url);
  if(!abs) return; /* e.g. mailto: */
  struct dast_form *f = dast_calloc(1, sizeof(*f));
  f->action = abs;
  f->self_action = !action || !*action;
  f->method = normal_method(attr(atts, "method"));
  const char *enc = attr(atts, "enctype");
  f->enctype = lower_dup(enc && *enc ? enc : "application/x-www-form-urlencoded");
  h->form = f;
  const char *id = attr(atts, "id");
  h->form_id = id && *id ? dast_strdup(id) : NULL;
  h->submit_seen = false;
  h->select_idx = h->textarea_idx = -1;
}

/* <button>/<input type=submit> with formaction/formmethod: an extra target. */
static void alt_action(struct hctx *h, const xmlChar **atts)
{
  const char *fa = attr(atts, "formaction"), *fm = attr(atts, "formmethod");
  if(!h->form || h->orphan_owner || (!fa && !fm) || h->nalt >= MAX_ALT_ACTIONS) return;
  char *abs = dast_url_resolve(h->base, fa && *fa ? fa : h->form->action);
  if(!abs) return;
  char *m = fm ? normal_method(fm) : dast_strdup(h->form->method);
  for(size_t i = 0; i < h->nalt; i++)
    if(!strcmp(h->alt[i].action, abs) && !strcmp(h->alt[i].method, m)) {
      free(abs);
      free(m);
      return;
    }
  if(!strcmp(abs, h->form->action) && !strcmp(m, h->form->method)) {
    free(abs);
    free(m);
    return;
  }
  h->alt[h->nalt].action = abs;
  h->alt[h->nalt].method = m;
  h->nalt++;
}

#define MAX_LABELS 512

/* Adds a submit control's visible label to the form's `labels`. */
static void add_label(struct hctx *h, const char *text, size_t n)
{
  struct dast_form *f = h->orphan_owner ? NULL : h->form;
  while(n && (*text == ' ' || *text == '\n' || *text == '\t' || *text == '\r')) text++, n--;
  while(n && (text[n - 1] == ' ' || text[n - 1] == '\n' || text[n - 1] == '\t' || text[n - 1] == '\r')) n--;
  if(!f || !n) return;
  size_t have = f->labels ? strlen(f->labels) : 0;
  if(have + 1 + n > MAX_LABELS) return;
  f->labels = dast_realloc(f->labels, have + 1 + n + 1);
  if(have) f->labels[have++] = '|';
  memcpy(f->labels + have, text, n);
  f->labels[have + n] = '\0';
}

static void on_input(struct hctx *h, const xmlChar **atts, bool is_button)
{
  if(h->orphan_owner) return; /* inside a select/textarea (broken markup): not a control */
  const char *type = attr(atts, "type");
  if(!type || !*type) type = is_button ? "submit" : "text";
  bool submit = !strcasecmp(type, "submit") || !strcasecmp(type, "image");
  if(submit) alt_action(h, atts);
  if(submit && h->form) {
    const char *label = attr(atts, "value");
    if(!label) label = attr(atts, "alt");
    if(label) add_label(h, label, strlen(label));
    if(is_button) { /* its text is the label a user reads */
      h->in_button = true;
      dast_buf_reset(&h->button_text);
    }
  }
  const char *name = attr(atts, "name");
  if(!name || !*name) return;
  if(!strcasecmp(type, "reset") || !strcasecmp(type, "image") ||
     (is_button && !strcasecmp(type, "button")))
    return;
  const char *owner = attr(atts, "form"); /* HTML5: the form it belongs to, wherever it is */
  if(owner && *owner && (!h->form_id || strcmp(owner, h->form_id))) {
    if(h->norphans < MAX_ORPHANS && !submit) {
      const char *v = attr(atts, "value");
      struct orphan *x = &h->orphan[h->norphans++];
      x->form_id = dast_strdup(owner);
      x->name = dast_strdup(name);
      x->type = dast_strdup(type);
      if(!v) v = !strcasecmp(type, "checkbox") ? "on" : "";
      x->value = dast_strndup(v, strnlen(v, MAX_FIELD_VALUE));
    }
    return;
  }
  if(!h->form) return;
  if(submit) { /* only the first named submit button is "clicked" */
    if(h->submit_seen) return;
    h->submit_seen = true;
  }
  const char *value = attr(atts, "value");
  if(!strcasecmp(type, "radio") && has_field(h->form, name)) return; /* first of a group */
  if(!strcasecmp(type, "checkbox") && !value) value = "on";
  (void)add_field(h, name, type, value);
}

static void on_option(struct hctx *h, const xmlChar **atts)
{
  if(h->select_idx < 0) return;
  h->in_option = true;
  h->option_selected = attr(atts, "selected") != NULL;
  const char *v = attr(atts, "value");
  h->option_has_value = v != NULL;
  dast_buf_reset(&h->option_text);
  if(v) (void)dast_buf_add_upto(&h->option_text, v, strlen(v));
}

static void option_end(struct hctx *h)
{
  if(!h->in_option || h->select_idx < 0 || !h->form) return;
  h->in_option = false;
  if(h->select_chosen || (h->select_has_first && !h->option_selected)) return;
  struct dast_form_field *f = &h->form->fields[h->select_idx];
  /* option text is trimmed like the browser does */
  const char *s = h->option_text.data ? h->option_text.data : "";
  size_t n = h->option_text.len;
  if(!h->option_has_value) {
    while(n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) s++, n--;
    while(n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  }
  free(f->value);
  f->value = dast_strndup(s, n);
  h->select_has_first = true;
  if(h->option_selected) h->select_chosen = true;
}

/* data-* attributes holding URLs and on* handlers holding JS. */
static void generic_attrs(struct hctx *h, const xmlChar **atts)
{
  for(size_t i = 0; atts && atts[i] && !h->stopped; i += 2) {
    const char *n = (const char *)atts[i], *v = (const char *)atts[i + 1];
    if(!v || !*v) continue;
    if(!strncasecmp(n, "data-", 5)) {
      bool urlish = (v[0] == '/' || !strncmp(v, "./", 2) || !strncmp(v, "../", 3) ||
                     !strncasecmp(v, "http://", 7) || !strncasecmp(v, "https://", 8)) &&
                    !strpbrk(v, " \t\n<>{}\"'");
      if(urlish) emit_url(h, v, DAST_SRC_LINK);
    } else if((n[0] == 'o' || n[0] == 'O') && (n[1] == 'n' || n[1] == 'N') && n[2]) {
      scan_js(h, v, strlen(v));
    }
  }
}

static void on_meta(struct hctx *h, const xmlChar **atts)
{
  const char *eq = attr(atts, "http-equiv");
  const char *content = attr(atts, "content");
  if(!eq || strcasecmp(eq, "refresh") || !content) return;
  char *u = dast_html_refresh_url(content);
  emit_url(h, u, DAST_SRC_LINK);
  free(u);
}

static void on_base(struct hctx *h, const xmlChar **atts)
{
  const char *href = attr(atts, "href");
  if(h->base_set || !href || !*href) return;
  char *b = dast_url_resolve(h->page_url, href);
  if(!b) return;
  free(h->base);
  h->base = b;
  h->base_set = true;
}

/* The elements the callbacks care about.  libxml2 hands element names
 * lower-cased already; the classifier still folds case (cheaply, into a
 * small buffer) so it does not depend on that.  This runs for every element
 * of every page, so it is one switch instead of a list of string compares. */
enum tag {
  T_OTHER, T_HREF, T_SRC, T_OBJECT, T_SCRIPT, T_BASE, T_META, T_FORM, T_INPUT, T_BUTTON,
  T_SELECT, T_OPTION, T_TEXTAREA
};

static enum tag classify(const char *name)
{
  char n[12];
  size_t len = 0;
  for(; name[len]; len++) {
    if(len == sizeof(n) - 1) return T_OTHER;
    char c = name[len];
    n[len] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  n[len] = '\0';
  static const struct { const char *name; enum tag tag; } tags[] = {
    {"a", T_HREF}, {"area", T_HREF}, {"link", T_HREF}, {"frame", T_SRC}, {"iframe", T_SRC},
    {"img", T_SRC}, {"embed", T_SRC}, {"source", T_SRC}, {"video", T_SRC}, {"audio", T_SRC},
    {"track", T_SRC}, {"object", T_OBJECT}, {"script", T_SCRIPT}, {"base", T_BASE},
    {"meta", T_META}, {"form", T_FORM}, {"input", T_INPUT}, {"button", T_BUTTON},
    {"select", T_SELECT}, {"option", T_OPTION}, {"textarea", T_TEXTAREA},
  };
  switch(n[0]) { /* first letters of the names above */
  case 'a': case 'b': case 'e': case 'f': case 'i': case 'l': case 'm': case 'o':
  case 's': case 't': case 'v':
    break;
  default:
    return T_OTHER;
  }
  for(size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
    if(tags[i].name[0] == n[0] && !strcmp(tags[i].name, n)) return tags[i].tag;
  return T_OTHER;
}

static void on_start(void *ud, const xmlChar *xname, const xmlChar **atts)
{
  struct hctx *h = ud;
  if(h->stopped) return;
  h->st->elements++;
  if(++h->depth > h->lim.max_depth) {
    stop(h, "nesting depth");
    return;
  }
  switch(classify((const char *)xname)) {
  case T_HREF: { /* SVG links inside HTML use xlink:href */
    const char *href = attr(atts, "href");
    if(!href) href = attr(atts, "xlink:href");
    if((xname[0] == 'a' || xname[0] == 'A') && !xname[1]) {
      anchor_flush(h); /* an <a> left open */
      if(href) {
        const char *title = attr(atts, "title");
        if(!title) title = attr(atts, "aria-label");
        h->a_href = dast_strdup(href);
        h->a_title = title ? dast_strndup(title, strnlen(title, MAX_LABEL)) : NULL;
      }
    } else {
      emit_url(h, href, DAST_SRC_LINK);
    }
    break;
  }
  case T_SRC: emit_url(h, attr(atts, "src"), DAST_SRC_LINK); break;
  case T_OBJECT: emit_url(h, attr(atts, "data"), DAST_SRC_LINK); break;
  case T_SCRIPT: {
    const char *src = attr(atts, "src");
    emit_url(h, src, DAST_SRC_LINK);
    h->in_script = !src;
    dast_buf_reset(&h->script);
    break;
  }
  case T_BASE: on_base(h, atts); break;
  case T_META: on_meta(h, atts); break;
  case T_FORM:
    if(h->st->forms + 1 + h->nalt <= h->lim.max_forms) form_begin(h, atts);
    break;
  case T_INPUT: on_input(h, atts, false); break;
  case T_BUTTON: on_input(h, atts, true); break;
  case T_SELECT:
    (void)orphan_open(h, atts);
    h->select_idx = add_field(h, attr(atts, "name"), "select", "");
    h->select_chosen = h->select_has_first = false;
    break;
  case T_OPTION:
    option_end(h); /* an unclosed previous option */
    on_option(h, atts);
    break;
  case T_TEXTAREA:
    (void)orphan_open(h, atts);
    h->textarea_idx = add_field(h, attr(atts, "name"), "textarea", "");
    break;
  case T_OTHER: break;
  }
  if(atts) generic_attrs(h, atts);
}

static void on_end(void *ud, const xmlChar *xname)
{
  struct hctx *h = ud;
  if(h->depth) h->depth--;
  if(h->stopped) return;
  switch(classify((const char *)xname)) {
  case T_SCRIPT:
    if(!h->in_script) break;
    h->in_script = false;
    h->st->scripts++;
    scan_js(h, h->script.data, h->script.len);
    dast_buf_reset(&h->script);
    break;
  case T_FORM: form_end(h); break;
  case T_HREF:
    if((xname[0] == 'a' || xname[0] == 'A') && !xname[1]) anchor_flush(h);
    break;
  case T_OPTION: option_end(h); break;
  case T_SELECT:
    option_end(h);
    h->select_idx = -1;
    orphan_close(h);
    break;
  case T_TEXTAREA:
    h->textarea_idx = -1;
    orphan_close(h);
    break;
  case T_BUTTON:
    if(h->in_button) add_label(h, h->button_text.data ? h->button_text.data : "", h->button_text.len);
    h->in_button = false;
    break;
  default: break;
  }
}

static void on_chars(void *ud, const xmlChar *ch, int len)
{
  struct hctx *h = ud;
  if(h->stopped || len <= 0) return;
  if(h->in_button) (void)dast_buf_add_upto(&h->button_text, ch, (size_t)len);
  if(h->a_href) (void)dast_buf_add_upto(&h->a_text, ch, (size_t)len);
  if(h->in_script) {
    (void)dast_buf_add_upto(&h->script, ch, (size_t)len);
  } else if(h->in_option) {
    if(!h->option_has_value) (void)dast_buf_add_upto(&h->option_text, ch, (size_t)len);
  } else if(h->textarea_idx >= 0 && h->form) {
    struct dast_form_field *f = &h->form->fields[h->textarea_idx];
    size_t have = strlen(f->value), add = (size_t)len;
    if(have + add > MAX_FIELD_VALUE) add = MAX_FIELD_VALUE - have;
    f->value = dast_realloc(f->value, have + add + 1);
    memcpy(f->value + have, ch, add);
    f->value[have + add] = '\0';
  }
}

static void silent(void *ctx, const char *msg, ...)
{
  (void)ctx;
  (void)msg;
}

char *dast_html_refresh_url(const char *content)
{
  if(!content) return NULL;
  const char *p = content;
  while(*p && *p != ';' && *p != ',') p++;
  if(!*p) return NULL;
  p++;
  while(*p == ' ' || *p == '\t') p++;
  if(!strncasecmp(p, "url", 3)) {
    const char *q = p + 3;
    while(*q == ' ') q++;
    if(*q == '=') {
      p = q + 1;
      while(*p == ' ') p++;
    }
  }
  size_t n = strlen(p);
  if(n && (*p == '\'' || *p == '"')) {
    char quote = *p++;
    const char *end = strchr(p, quote);
    n = end ? (size_t)(end - p) : strlen(p);
  }
  while(n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
  return n ? dast_strndup(p, n) : NULL;
}

static void set_limits(struct dast_html_limits *l, const struct dast_html_limits *in)
{
  *l = (struct dast_html_limits){20000, 500, 500, 2048, 1u << 20};
  if(!in) return;
  if(in->max_links) l->max_links = in->max_links;
  if(in->max_forms) l->max_forms = in->max_forms;
  if(in->max_fields) l->max_fields = in->max_fields;
  if(in->max_depth) l->max_depth = in->max_depth;
  if(in->max_script) l->max_script = in->max_script;
}

static dast_err extract(const char *html, size_t len, const char *page_url, const char *base,
                        bool in_comment, const struct dast_jsurls *js,
                        const struct dast_html_limits *limits, dast_found_cb on_url,
                        dast_form_cb on_form, void *ud, struct dast_html_stats *stats);

/* Commented-out markup ("<!-- <a href=/old-admin>") points at endpoints
 * that often still answer, so a comment holding a tag is parsed like the
 * page (once: comments don't nest), with what is left of the page's link
 * budget. */
static void on_comment(void *ud, const xmlChar *value)
{
  struct hctx *h = ud;
  const char *v = (const char *)value;
  if(h->stopped || h->in_comment || !v || !strchr(v, '<')) return;
  /* each costs a parser: a page of a million tiny comments must not */
  if(++h->comments > MAX_COMMENTS) return;
  struct dast_html_limits lim = h->lim;
  lim.max_links = h->lim.max_links > h->st->links ? h->lim.max_links - h->st->links : 0;
  lim.max_forms = h->lim.max_forms > h->st->forms ? h->lim.max_forms - h->st->forms : 0;
  if(!lim.max_links || !lim.max_forms) return;
  struct dast_html_stats cs;
  if(extract(v, strlen(v), h->page_url, h->base, true, h->js, &lim, h->on_url, h->on_form, h->ud,
             &cs) == DAST_ELIMIT && cs.capped && !strcmp(cs.cap_reason, "links per page"))
    stop(h, "links per page");
  h->st->links += cs.links;
  h->st->forms += cs.forms;
  h->st->scripts += cs.scripts;
}

dast_err dast_html_extract(const char *html, size_t len, const char *page_url,
                           const struct dast_jsurls *js, const struct dast_html_limits *limits,
                           dast_found_cb on_url, dast_form_cb on_form, void *ud,
                           struct dast_html_stats *stats)
{
  return extract(html, len, page_url, page_url, false, js, limits, on_url, on_form, ud, stats);
}

static dast_err extract(const char *html, size_t len, const char *page_url, const char *base,
                        bool in_comment, const struct dast_jsurls *js,
                        const struct dast_html_limits *limits, dast_found_cb on_url,
                        dast_form_cb on_form, void *ud, struct dast_html_stats *stats)
{
  if(!html || !page_url || !base || !on_url || !on_form || !stats) return DAST_EINVAL;
  memset(stats, 0, sizeof(*stats));
  struct hctx h = {.page_url = page_url, .js = js, .on_url = on_url, .on_form = on_form,
                   .ud = ud, .st = stats, .select_idx = -1, .textarea_idx = -1,
                   .in_comment = in_comment};
  set_limits(&h.lim, limits);
  h.base = dast_strdup(base);
  dast_buf_init(&h.script, h.lim.max_script);
  dast_buf_init(&h.option_text, MAX_FIELD_VALUE);
  dast_buf_init(&h.button_text, 256);
  dast_buf_init(&h.a_text, MAX_LABEL);

  htmlSAXHandler sax;
  memset(&sax, 0, sizeof(sax));
  sax.startElement = on_start;
  sax.endElement = on_end;
  sax.characters = on_chars;
  sax.cdataBlock = on_chars;
  sax.comment = on_comment;
  sax.warning = silent;
  sax.error = silent;
  /* a UTF-16 page says so with its byte-order mark; left to guess, the
   * push parser reads it as bytes and finds no markup at all (UTF-32 is
   * no web encoding: browsers do not read it either) */
  xmlCharEncoding enc = len >= 4 ? xmlDetectCharEncoding((const xmlChar *)html, 4)
                                 : XML_CHAR_ENCODING_NONE;
  if(enc != XML_CHAR_ENCODING_UTF16LE && enc != XML_CHAR_ENCODING_UTF16BE)
    enc = XML_CHAR_ENCODING_NONE;
  h.ctxt = htmlCreatePushParserCtxt(&sax, &h, NULL, 0, NULL, enc);
  if(!h.ctxt) dast_oom();
  htmlCtxtUseOptions(h.ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                 HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
  /* The last (for most pages the only) chunk goes in with terminate=1:
   * libxml2's push parser then parses straight through instead of first
   * looking ahead for the end of every tag, which costs ~10% per page. */
  for(size_t off = 0; off < len && !h.stopped; off += CHUNK) {
    size_t n = len - off < CHUNK ? len - off : CHUNK;
    htmlParseChunk(h.ctxt, html + off, (int)n, off + n == len);
  }
  if(!len) htmlParseChunk(h.ctxt, NULL, 0, 1);
  if(!h.stopped) {
    option_end(&h);
    anchor_flush(&h); /* an <a> never closed */
    if(h.in_script) { /* unterminated <script> at end of page */
      h.st->scripts++;
      scan_js(&h, h.script.data, h.script.len);
    }
    form_end(&h);
  }
  orphan_close(&h); /* cut short inside one */
  held_flush(&h, true);
  dast_form_free(h.form);
  h.form = NULL;
  free(h.form_id);
  for(size_t i = 0; i < h.nalt; i++) {
    free(h.alt[i].action);
    free(h.alt[i].method);
  }
  htmlFreeParserCtxt(h.ctxt);
  dast_buf_free(&h.script);
  dast_buf_free(&h.option_text);
  dast_buf_free(&h.button_text);
  dast_buf_free(&h.a_text);
  free(h.a_href);
  free(h.a_title);
  free(h.base);
  return stats->capped ? DAST_ELIMIT : DAST_OK;
}
