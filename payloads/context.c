/* context.c — where does a reflected canary land, and did an injected
 * payload become real markup?
 *
 * pl_reflections() is a small HTML tokenizer (a subset of the HTML5
 * tokenizer's states: data, tag name, attribute name/value in three quoting
 * styles, comment, and the raw-text elements script/style/textarea/title,
 * with a JavaScript lexer inside script for string literals and comments).
 * It walks the body once, linear time, and records the state at each
 * occurrence of the canary.  The XSS strategy picks payloads by context.
 *
 * pl_dom_executable() is the independent judge: libxml2's HTML parser
 * (recover mode, no network) builds the DOM the way a browser-ish parser
 * would, and the canary must show up as an element or attribute name, a
 * javascript: URL, or code in a script/event handler.  An HTML-encoded
 * reflection is a text node and never passes.  The walk is iterative and
 * capped at PL_DOM_MAX_NODES nodes. */
#include "payloads/pl_int.h"

#include <ctype.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>
#include <strings.h>

#define PL_DOM_MAX_NODES 200000

static const char *ctx_names[PL_CTX__COUNT] = {
    "html_text",   "attr_dq",     "attr_sq",        "attr_uq",    "attr_url",
    "attr_event",  "tag_name",    "attr_name",      "script_dq",  "script_sq",
    "script_bt",   "script_code", "script_comment", "comment",    "style",
    "rcdata"};

const char *pl_ctx_name(enum pl_ctx c)
{
  return (unsigned)c < PL_CTX__COUNT ? ctx_names[c] : "unknown";
}

int pl_ctx_parse(const char *name)
{
  for(int i = 0; i < PL_CTX__COUNT; i++)
    if(!strcmp(name, ctx_names[i])) return i;
  return -1;
}

enum js_state { JS_CODE, JS_DQ, JS_SQ, JS_BT, JS_LINE, JS_BLOCK };

/* Advances the JS lexer over one character; returns how many extra chars
 * were consumed (escapes, comment openers). */
static size_t js_step(enum js_state *st, const char *p, size_t left)
{
  char c = p[0], n = left > 1 ? p[1] : '\0';
  switch(*st) {
  case JS_CODE:
    if(c == '"') *st = JS_DQ;
    else if(c == '\'') *st = JS_SQ;
    else if(c == '`') *st = JS_BT;
    else if(c == '/' && n == '/') { *st = JS_LINE; return 1; }
    else if(c == '/' && n == '*') { *st = JS_BLOCK; return 1; }
    return 0;
  case JS_DQ:
  case JS_SQ:
  case JS_BT:
    if(c == '\\') return left > 1 ? 1 : 0;
    if((*st == JS_DQ && c == '"') || (*st == JS_SQ && c == '\'') || (*st == JS_BT && c == '`'))
      *st = JS_CODE;
    else if(c == '\n' && *st != JS_BT) *st = JS_CODE; /* unterminated literal ends */
    return 0;
  case JS_LINE:
    if(c == '\n') *st = JS_CODE;
    return 0;
  case JS_BLOCK:
    if(c == '*' && n == '/') { *st = JS_CODE; return 1; }
    return 0;
  }
  return 0;
}

bool pl_js_code_has(const char *code, size_t len, const char *canary)
{
  size_t cn = strlen(canary);
  enum js_state st = JS_CODE;
  for(size_t i = 0; i < len; i++) {
    if(st == JS_CODE && code[i] == canary[0] && len - i >= cn && !memcmp(code + i, canary, cn))
      return true;
    i += js_step(&st, code + i, len - i);
  }
  return false;
}

enum h_state { H_TEXT, H_TAGNAME, H_ENDTAG, H_INTAG, H_ATTRNAME, H_AFTERNAME, H_BEFOREVAL,
               H_VAL_DQ, H_VAL_SQ, H_VAL_UQ, H_COMMENT, H_BOGUS, H_SCRIPT, H_RAW };

static bool is_url_attr(const char *a)
{
  static const char *u[] = {"href", "src", "action", "formaction", "data", "poster", "background",
                            "xlink:href", "cite", "srcdoc", NULL};
  for(int i = 0; u[i]; i++)
    if(!strcasecmp(a, u[i])) return true;
  return false;
}

struct tok {
  enum h_state st;
  enum js_state js;
  char tag[16], attr[32];
  size_t tagn, attrn, valstart;
  bool closing;
};

static enum pl_ctx classify(const struct tok *t, size_t pos)
{
  switch(t->st) {
  case H_TEXT: return PL_CTX_HTML_TEXT;
  case H_TAGNAME:
  case H_ENDTAG: return PL_CTX_TAG_NAME;
  case H_INTAG:
  case H_ATTRNAME:
  case H_AFTERNAME: return PL_CTX_ATTR_NAME;
  case H_BEFOREVAL:
  case H_VAL_DQ:
  case H_VAL_SQ:
  case H_VAL_UQ:
    if(!strncasecmp(t->attr, "on", 2)) return PL_CTX_ATTR_EVENT;
    if(is_url_attr(t->attr) && (t->st == H_BEFOREVAL || pos == t->valstart)) return PL_CTX_ATTR_URL;
    if(t->st == H_VAL_DQ) return PL_CTX_ATTR_DQ;
    if(t->st == H_VAL_SQ) return PL_CTX_ATTR_SQ;
    return PL_CTX_ATTR_UQ;
  case H_COMMENT:
  case H_BOGUS: return PL_CTX_COMMENT;
  case H_SCRIPT:
    switch(t->js) {
    case JS_DQ: return PL_CTX_SCRIPT_DQ;
    case JS_SQ: return PL_CTX_SCRIPT_SQ;
    case JS_BT: return PL_CTX_SCRIPT_BT;
    case JS_LINE:
    case JS_BLOCK: return PL_CTX_SCRIPT_COMMENT;
    case JS_CODE: return PL_CTX_SCRIPT_CODE;
    }
    return PL_CTX_SCRIPT_CODE;
  case H_RAW: return strcasecmp(t->tag, "style") ? PL_CTX_RCDATA : PL_CTX_STYLE;
  }
  return PL_CTX_HTML_TEXT;
}

/* Called at '>' closing a start tag: enter the element's content model. */
static void tag_done(struct tok *t)
{
  if(t->closing) t->st = H_TEXT;
  else if(!strcasecmp(t->tag, "script")) { t->st = H_SCRIPT; t->js = JS_CODE; }
  else if(!strcasecmp(t->tag, "style") || !strcasecmp(t->tag, "textarea") ||
          !strcasecmp(t->tag, "title") || !strcasecmp(t->tag, "xmp") ||
          !strcasecmp(t->tag, "noscript") || !strcasecmp(t->tag, "iframe"))
    t->st = H_RAW;
  else t->st = H_TEXT;
}

static void tag_add(struct tok *t, char c)
{
  if(t->tagn < sizeof(t->tag) - 1) t->tag[t->tagn++] = (char)tolower((unsigned char)c);
  t->tag[t->tagn] = '\0';
}

static void attr_add(struct tok *t, char c)
{
  if(t->attrn < sizeof(t->attr) - 1) t->attr[t->attrn++] = (char)tolower((unsigned char)c);
  t->attr[t->attrn] = '\0';
}

/* Does the body at i close the current raw-text element? */
static bool raw_end(const struct tok *t, const char *b, size_t i, size_t len)
{
  size_t n = strlen(t->tag);
  return b[i] == '<' && i + 2 + n <= len && b[i + 1] == '/' && !strncasecmp(b + i + 2, t->tag, n);
}

/* One tokenizer step at b[i]; returns the extra characters consumed.
 * Long but flat: one case per tokenizer state. */
static size_t h_step(struct tok *t, const char *b, size_t i, size_t len)
{
  char c = b[i];
  bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  switch(t->st) {
  case H_TEXT:
    if(c != '<' || i + 1 >= len) return 0;
    if(!strncmp(b + i + 1, "!--", len - i - 1 < 3 ? len - i - 1 : 3) && len - i > 3) {
      t->st = H_COMMENT;
      return 3;
    }
    if(isalpha((unsigned char)b[i + 1])) {
      t->st = H_TAGNAME; t->tagn = 0; t->tag[0] = '\0'; t->closing = false;
    } else if(b[i + 1] == '/' && i + 2 < len && isalpha((unsigned char)b[i + 2])) {
      t->st = H_ENDTAG; t->tagn = 0; t->tag[0] = '\0'; t->closing = true;
      return 1;
    } else if(b[i + 1] == '!' || b[i + 1] == '?') {
      t->st = H_BOGUS;
    }
    return 0;
  case H_TAGNAME:
  case H_ENDTAG:
    if(ws || c == '/') t->st = H_INTAG;
    else if(c == '>') tag_done(t);
    else tag_add(t, c);
    return 0;
  case H_INTAG:
    if(c == '>') tag_done(t);
    else if(!ws && c != '/') { t->st = H_ATTRNAME; t->attrn = 0; attr_add(t, c); }
    return 0;
  case H_ATTRNAME:
    if(c == '=') t->st = H_BEFOREVAL;
    else if(ws) t->st = H_AFTERNAME;
    else if(c == '>') tag_done(t);
    else if(c == '/') t->st = H_INTAG;
    else attr_add(t, c);
    return 0;
  case H_AFTERNAME:
    if(c == '=') t->st = H_BEFOREVAL;
    else if(c == '>') tag_done(t);
    else if(!ws && c != '/') { t->st = H_ATTRNAME; t->attrn = 0; attr_add(t, c); }
    return 0;
  case H_BEFOREVAL:
    if(ws) return 0;
    if(c == '"') { t->st = H_VAL_DQ; t->valstart = i + 1; }
    else if(c == '\'') { t->st = H_VAL_SQ; t->valstart = i + 1; }
    else if(c == '>') tag_done(t);
    else { t->st = H_VAL_UQ; t->valstart = i; }
    return 0;
  case H_VAL_DQ:
    if(c == '"') t->st = H_INTAG;
    return 0;
  case H_VAL_SQ:
    if(c == '\'') t->st = H_INTAG;
    return 0;
  case H_VAL_UQ:
    if(ws) t->st = H_INTAG;
    else if(c == '>') tag_done(t);
    return 0;
  case H_COMMENT:
    if(c == '-' && i + 2 < len && b[i + 1] == '-' && b[i + 2] == '>') { t->st = H_TEXT; return 2; }
    return 0;
  case H_BOGUS:
    if(c == '>') t->st = H_TEXT;
    return 0;
  case H_SCRIPT:
    if(raw_end(t, b, i, len)) {
      t->st = H_ENDTAG; t->closing = true; t->tagn = 0; t->tag[0] = '\0';
      return 1;
    }
    return js_step(&t->js, b + i, len - i);
  case H_RAW:
    if(raw_end(t, b, i, len)) {
      t->st = H_ENDTAG; t->closing = true; t->tagn = 0; t->tag[0] = '\0';
      return 1;
    }
    return 0;
  }
  return 0;
}

size_t pl_reflections(const char *body, size_t len, const char *canary, struct pl_refl *out,
                      size_t max)
{
  size_t cn = strlen(canary), found = 0;
  if(!cn || !body) return 0;
  struct tok t;
  memset(&t, 0, sizeof(t));
  t.st = H_TEXT;
  size_t next = 0; /* next occurrence of the canary at or after i */
  const char *p = dast_memmem(body, len, canary, cn);
  if(!p) return 0;
  next = (size_t)(p - body);
  for(size_t i = 0; i < len && found < max;) {
    if(i == next) {
      struct pl_refl *r = &out[found++];
      r->ctx = classify(&t, i);
      r->off = i;
      memcpy(r->tag, t.tag, sizeof(r->tag));
      memcpy(r->attr, t.attr, sizeof(r->attr));
      p = i + 1 < len ? dast_memmem(body + i + 1, len - i - 1, canary, cn) : NULL;
      if(!p) break;
      next = (size_t)(p - body);
    }
    size_t adv = 1 + h_step(&t, body, i, len);
    /* never skip over an occurrence */
    if(i < next && i + adv > next) adv = next - i;
    i += adv;
  }
  return found;
}

/* ---- parsed DOM ---- */

static bool attr_executes(const char *name, const char *value, const char *canary)
{
  if(strstr(name, canary)) return true;
  if(!value) return false;
  if(!strncasecmp(name, "on", 2)) return pl_js_code_has(value, strlen(value), canary);
  if(is_url_attr(name)) {
    const char *v = value;
    while(*v && (isspace((unsigned char)*v) || (unsigned char)*v < 0x20)) v++;
    if(!strncasecmp(v, "javascript:", 11) && strstr(v, canary)) {
      return pl_js_code_has(v + 11, strlen(v + 11), canary);
    }
  }
  return false;
}

static bool node_executes(xmlNodePtr n, const char *canary)
{
  const char *name = (const char *)n->name;
  if(name && strstr(name, canary)) return true;
  for(xmlAttrPtr a = n->properties; a; a = a->next) {
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    bool hit = attr_executes((const char *)a->name, (const char *)v, canary);
    xmlFree(v);
    if(hit) return true;
  }
  if(name && !strcasecmp(name, "script") && !xmlHasProp(n, (const xmlChar *)"src")) {
    xmlChar *code = xmlNodeGetContent(n);
    bool hit = code && pl_js_code_has((const char *)code, strlen((const char *)code), canary);
    xmlFree(code);
    if(hit) return true;
  }
  return false;
}

static bool raw_text_element(const char *name)
{
  static const char *raw[] = {"textarea", "title", "xmp", "iframe", "noembed", "noframes",
                              "style", "plaintext", "noscript", NULL};
  for(int i = 0; name && raw[i]; i++)
    if(!strcasecmp(name, raw[i])) return true;
  return false;
}

bool pl_dom_executable(const char *body, size_t len, const char *canary)
{
  if(!body || !len || len > (size_t)0x7fffffff) return false;
  /* cheap pre-test: the canary must be there at all */
  if(!dast_memmem(body, len, canary, strlen(canary))) return false;
  htmlDocPtr doc = htmlReadMemory(body, (int)len, "probe.html", NULL,
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                      HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if(!doc) return false;
  bool found = false;
  size_t visited = 0;
  xmlNodePtr n = xmlDocGetRootElement(doc);
  while(n && !found && visited++ < PL_DOM_MAX_NODES) {
    if(n->type == XML_ELEMENT_NODE && node_executes(n, canary)) {
      found = true;
      break;
    }
    /* iterative pre-order walk; the content of raw-text elements is text
     * to a browser even where libxml2 builds elements from it */
    if(n->children && n->type == XML_ELEMENT_NODE && !raw_text_element((const char *)n->name)) {
      n = n->children;
      continue;
    }
    while(n && !n->next) {
      n = n->parent;
      if(n && (xmlNodePtr)doc == n) n = NULL;
    }
    if(n) n = n->next;
  }
  xmlFreeDoc(doc);
  return found;
}
