/* report_text.c — text plumbing shared by the renderers.
 *
 * Reports carry bytes chosen by a hostile server (evidence, response
 * excerpts), so every string goes through one of two doors before it is
 * written: dast__utf8_clean() when it enters the canonical JSON (valid UTF-8,
 * capped), and dast__w_xml()/dast__w_md() when it leaves as markup (escaped,
 * XML-illegal characters dropped).  The UTF-8 decoder is a strict one: it
 * rejects overlong forms, surrogates and code points past U+10FFFF.
 *
 * The writer (struct dast__w) keeps the first error of the output buffer so
 * renderers are straight-line code and check once at the end. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report_int.h"

void dast__w_s(struct dast__w *w, const char *s)
{
  if(w->err || !s) return;
  w->err = dast_buf_adds(w->b, s);
}

void dast__w_f(struct dast__w *w, const char *fmt, ...)
{
  if(w->err) return;
  va_list ap;
  va_start(ap, fmt);
  char tmp[512];
  int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
  va_end(ap);
  if(n < 0) {
    w->err = DAST_EINVAL;
    return;
  }
  if((size_t)n < sizeof(tmp)) {
    w->err = dast_buf_add(w->b, tmp, (size_t)n);
    return;
  }
  char *big = dast_malloc((size_t)n + 1);
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  w->err = dast_buf_add(w->b, big, (size_t)n);
  free(big);
}

/* Decodes one UTF-8 character at s[0..n); returns its length (1..4) and the
 * code point, or 0 for an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
  unsigned c = s[0];
  if(c < 0x80) {
    *cp = c;
    return 1;
  }
  size_t len;
  unsigned min;
  if((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, c &= 0x1F;
  } else if((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, c &= 0x0F;
  } else if((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, c &= 0x07;
  } else {
    return 0;
  }
  if(len > n) return 0;
  for(size_t i = 1; i < len; i++) {
    if((s[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (s[i] & 0x3F);
  }
  if(c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return len;
}

char *dast__utf8_clean(const char *s, size_t n, size_t cap)
{
  /* fast path: short printable-ASCII-or-control text (URLs, names) is
   * valid as it is; NUL is the only byte the loop below would change */
  if(!cap || n <= cap) {
    const unsigned char *u = (const unsigned char *)s;
    size_t k = 0;
    while(k < n && u[k] && u[k] < 0x80) k++;
    if(k == n) return n ? dast_strndup(s, n) : dast_strdup("");
  }
  struct dast_buf b;
  dast_buf_init(&b, 0);
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  bool cut = false;
  while(i < n) {
    unsigned cp;
    size_t len = utf8_decode(p + i, n - i, &cp);
    const char *add = (const char *)p + i;
    size_t addlen = len;
    if(!len) {
      add = "\xEF\xBF\xBD"; /* U+FFFD */
      addlen = 3;
      len = 1;
    } else if(cp == 0) {
      addlen = 0;
    }
    if(cap && b.len + addlen > cap) {
      cut = true;
      break;
    }
    if(addlen && dast_buf_add(&b, add, addlen)) dast_oom(); /* uncapped: only OOM */
    i += len;
  }
  if(cut && dast_buf_adds(&b, "[...truncated]")) dast_oom();
  return dast_buf_take(&b, NULL);
}

char *dast__utf8_prefix(const char *s, size_t max)
{
  size_t n = strlen(s);
  if(n <= max) return dast__utf8_clean(s, n, 0);
  size_t cut = max;
  while(cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80) cut--; /* not inside a character */
  char *head = dast__utf8_clean(s, cut, 0);
  char *out = dast_aprintf("%s\xE2\x80\xA6", head);
  free(head);
  return out;
}

/* Shared by the XML and Markdown writers: walks s as UTF-8, calling `esc`
 * for each ASCII byte (which may write a replacement) and copying other
 * valid characters. */
static void w_walk(struct dast__w *w, const char *s, bool md)
{
  if(w->err || !s) return;
  const unsigned char *p = (const unsigned char *)s;
  size_t n = strlen(s), i = 0, run = 0;
  char bidi[16];
  while(i < n && !w->err) {
    unsigned cp;
    size_t len = utf8_decode(p + i, n - i, &cp);
    const char *rep = NULL;
    bool drop = false;
    if(!len) {
      rep = "\xEF\xBF\xBD";
      len = 1;
    } else if(cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') {
      drop = true;
    } else if(cp == 0xFFFE || cp == 0xFFFF) {
      drop = true;
    } else if((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F) {
      /* bidirectional controls would let evidence visually reorder the
       * report around it ("Trojan Source"): shown as a visible code */
      snprintf(bidi, sizeof(bidi), "[U+%04X]", cp);
      rep = bidi;
    } else if(md && (cp == '\n' || cp == '\r' || cp == '\t')) {
      rep = " ";
    } else if(md && cp < 0x80 && strchr("\\`*_{}[]<>()#+!|~&", (int)cp)) {
      char tmp[3] = {'\\', (char)cp, 0};
      if(cp == '<') rep = "&lt;";
      else if(cp == '>') rep = "&gt;";
      else if(cp == '&') rep = "&amp;";
      else if(cp == '|') rep = "\\|";
      if(!rep) {
        /* flush and write the two-byte escape */
        if(run) w->err = dast_buf_add(w->b, s + i - run, run);
        run = 0;
        if(!w->err) w->err = dast_buf_add(w->b, tmp, 2);
        i += len;
        continue;
      }
    } else if(!md && cp < 0x80) {
      switch(cp) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      case '\r': rep = "&#13;"; break;
      default: break;
      }
    }
    if(rep || drop) {
      if(run) w->err = dast_buf_add(w->b, s + i - run, run);
      run = 0;
      if(rep && !w->err) w->err = dast_buf_adds(w->b, rep);
    } else {
      run += len;
    }
    i += len;
  }
  if(run && !w->err) w->err = dast_buf_add(w->b, s + i - run, run);
}

void dast__w_xml(struct dast__w *w, const char *s) { w_walk(w, s, false); }
void dast__w_md(struct dast__w *w, const char *s) { w_walk(w, s, true); }

const char *dast__js(const json_t *o, const char *key)
{
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

json_int_t dast__ji(const json_t *o, const char *key)
{
  json_t *v = json_object_get(o, key);
  if(json_is_integer(v)) return json_integer_value(v);
  if(json_is_real(v)) return (json_int_t)json_real_value(v);
  return 0;
}

bool dast__jb(const json_t *o, const char *key) { return json_is_true(json_object_get(o, key)); }

int dast__sev_rank(const char *name) { return name ? dast_severity_parse(name) : -1; }
int dast__conf_rank(const char *name) { return name ? dast_confidence_parse(name) : -1; }

const char *dast__finding_gate(const json_t *finding)
{
  const char *g = dast__js(finding, "gate");
  if(*g) return g;
  /* never gated: the default policy, high and above, confirmed */
  bool fails = dast__sev_rank(dast__js(finding, "severity")) >= DAST_SEV_HIGH &&
               dast__conf_rank(dast__js(finding, "confidence")) >= DAST_CONF_CONFIRMED;
  return fails ? "fail" : "below-threshold";
}
