/* report_dump.c — the JSON text of a document, byte for byte what jansson's
 * json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(p)) prints, written
 * straight into the report's buffer.
 *
 * Why not json_dumps: for a 10k-endpoint inventory it was ~20k instructions
 * per endpoint (a callback per token, UTF-8 re-validation of every string,
 * then a copy of the whole text into our buffer).  Here runs of plain bytes
 * are copied at once.  The strings in our documents are valid UTF-8 already
 * (reports/report_text.c cleans them), so none is re-checked.  Reals go
 * through the same "%.*g" plus jansson's touch-ups (a ".0" when the text
 * would read as an integer, no '+' or leading zeros in the exponent).
 * tests/unit/test_report.c and fuzz_report compare this with json_dumps. */
#include <stdio.h>
#include <string.h>

#include "reports/report_int.h"

#define INDENT 2

static void add(struct dast__w *w, const char *s, size_t n)
{
  struct dast_buf *b = w->b;
  /* fast path: room in the buffer (a 10,000-endpoint inventory is ~1M of
   * these small pieces; dast_buf_add's checks and call were a third of it) */
  if(!b->cap && !w->err && b->len + n < b->alloc) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return;
  }
  if(!w->err && n) w->err = dast_buf_add(b, s, n);
}

static void newline(struct dast__w *w, size_t depth)
{
  static const char spaces[] = "\n                                                                ";
  size_t n = depth * INDENT;
  add(w, spaces, 1);
  while(n) {
    size_t k = n < sizeof(spaces) - 2 ? n : sizeof(spaces) - 2;
    add(w, spaces + 1, k);
    n -= k;
  }
}

static void string(struct dast__w *w, const char *s, size_t n)
{
  add(w, "\"", 1);
  size_t run = 0;
  for(size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c >= 0x20 && c != '"' && c != '\\') continue;
    add(w, s + run, i - run);
    run = i + 1;
    char esc[8];
    switch(c) {
    case '"': add(w, "\\\"", 2); break;
    case '\\': add(w, "\\\\", 2); break;
    case '\b': add(w, "\\b", 2); break;
    case '\f': add(w, "\\f", 2); break;
    case '\n': add(w, "\\n", 2); break;
    case '\r': add(w, "\\r", 2); break;
    case '\t': add(w, "\\t", 2); break;
    default:
      snprintf(esc, sizeof(esc), "\\u%04X", c);
      add(w, esc, 6);
    }
  }
  add(w, s + run, n - run);
  add(w, "\"", 1);
}

/* jansson's jsonp_dtostr */
static void real(struct dast__w *w, double v, int precision)
{
  char buf[64];
  int r = snprintf(buf, sizeof(buf) - 3, "%.*g", precision ? precision : 17, v);
  if(r < 0 || (size_t)r >= sizeof(buf) - 3) {
    w->err = DAST_EINVAL;
    return;
  }
  size_t len = (size_t)r;
  for(char *p = buf; *p; p++)
    if(*p == ',') *p = '.'; /* a locale's decimal comma */
  if(!strchr(buf, '.') && !strchr(buf, 'e')) {
    memcpy(buf + len, ".0", 3);
    len += 2;
  }
  char *e = strchr(buf, 'e');
  if(e) {
    char *start = e + 1, *end = start + 1;
    if(*start == '-') start++;
    while(*end == '0') end++;
    if(end != start) {
      memmove(start, end, len - (size_t)(end - buf) + 1);
      len -= (size_t)(end - start);
    }
  }
  add(w, buf, len);
}

static void value(struct dast__w *w, const json_t *v, size_t depth, int precision)
{
  char num[32];
  switch(json_typeof(v)) {
  case JSON_NULL: add(w, "null", 4); break;
  case JSON_TRUE: add(w, "true", 4); break;
  case JSON_FALSE: add(w, "false", 5); break;
  case JSON_INTEGER: {
    int n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    add(w, num, (size_t)n);
    break;
  }
  case JSON_REAL: real(w, json_real_value(v), precision); break;
  case JSON_STRING: string(w, json_string_value(v), json_string_length(v)); break;
  case JSON_ARRAY: {
    size_t n = json_array_size(v);
    if(!n) {
      add(w, "[]", 2);
      break;
    }
    add(w, "[", 1);
    for(size_t i = 0; i < n; i++) {
      if(i) add(w, ",", 1);
      newline(w, depth + 1);
      value(w, json_array_get(v, i), depth + 1, precision);
    }
    newline(w, depth);
    add(w, "]", 1);
    break;
  }
  case JSON_OBJECT: {
    if(!json_object_size(v)) {
      add(w, "{}", 2);
      break;
    }
    add(w, "{", 1);
    bool first = true;
    const char *key;
    json_t *member;
    /* insertion order, as json_dumps (jansson >= 2.8 keeps it) */
    json_object_foreach((json_t *)v, key, member) {
      if(!first) add(w, ",", 1);
      first = false;
      newline(w, depth + 1);
      string(w, key, strlen(key));
      add(w, ": ", 2);
      value(w, member, depth + 1, precision);
    }
    newline(w, depth);
    add(w, "}", 1);
    break;
  }
  }
}

void dast__json_write(struct dast__w *w, const json_t *doc, int precision)
{
  value(w, doc, 0, precision);
}
