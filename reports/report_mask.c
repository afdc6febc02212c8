/* report_mask.c — keeps secrets out of reports.
 *
 * Two complementary passes over a text (evidence, raw request, response
 * excerpt, URL, curl line):
 *  1. literal: every secret value the config holds (values of sensitive
 *     default headers, cookie values, login_data password fields, proxy
 *     credentials) is replaced wherever it appears, raw or percent-encoded;
 *  2. structural: values after a sensitive header name ("Authorization:",
 *     "Cookie:", "Set-Cookie:", "X-Api-Key:" ...), curl's -b/--cookie/-u
 *     arguments, password-like name=value / "name": "value" pairs, URL
 *     credentials (scheme://user:***@host) and JSON Web Tokens.
 * The structural pass catches secrets the config never saw (a session cookie
 * the target set during the scan).  Both replace with "***".  Values shorter
 * than 4 bytes are not masked literally (they would mask half the text;
 * the structural pass still masks them where they appear as values). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reports/report_int.h"

#define MASK "***"

static bool has_ci(const char *s, size_t n, const char *needle)
{
  size_t m = strlen(needle);
  for(size_t i = 0; i + m <= n; i++) {
    size_t j = 0;
    while(j < m && tolower((unsigned char)s[i + j]) == needle[j]) j++;
    if(j == m) return true;
  }
  return false;
}

static bool eq_ci(const char *s, size_t n, const char *word)
{
  return strlen(word) == n && has_ci(s, n, word);
}

/* Header names whose values are credentials. */
static bool sensitive_header(const char *s, size_t n)
{
  static const char *const sub[] = {"authoriz", "cookie", "token", "secret", "api-key",
                                    "apikey", "api_key", "password", "session", "x-auth"};
  for(size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
    if(has_ci(s, n, sub[i])) return true;
  return eq_ci(s, n, "x-csrf") || eq_ci(s, n, "x-amz-security-token");
}

/* Parameter / JSON member names whose values are credentials. */
static bool sensitive_field(const char *s, size_t n)
{
  static const char *const sub[] = {"pass", "pwd", "secret", "token", "apikey", "api_key",
                                    "api-key", "sessionid", "session_id", "sessid"};
  for(size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
    if(has_ci(s, n, sub[i])) return true;
  return false;
}

static void add_secret(struct dast_strlist *l, const char *v, size_t n)
{
  while(n && (*v == ' ' || *v == '\t')) v++, n--;
  while(n && (v[n - 1] == ' ' || v[n - 1] == '\t')) n--;
  if(n < 4) return;
  char *s = dast_strndup(v, n);
  dast_strlist_add(l, s);
  /* "Bearer abc" / "Basic xyz": the credential alone may appear elsewhere */
  const char *sp = strchr(s, ' ');
  if(sp && strlen(sp + 1) >= 4) dast_strlist_add(l, sp + 1);
  char *enc = dast_url_encode(s, strlen(s));
  if(strcmp(enc, s)) dast_strlist_add(l, enc);
  free(enc);
  free(s);
}

/* Collects password-like field values from "a=1&password=x" login data. */
static void secrets_from_form(struct dast_strlist *l, const char *data)
{
  const char *p = data;
  while(p && *p) {
    const char *amp = strchr(p, '&');
    size_t seg = amp ? (size_t)(amp - p) : strlen(p);
    const char *eq = memchr(p, '=', seg);
    if(eq && sensitive_field(p, (size_t)(eq - p))) {
      char *dec = dast_url_decode(eq + 1, seg - (size_t)(eq + 1 - p), true);
      add_secret(l, dec, strlen(dec));
      add_secret(l, eq + 1, seg - (size_t)(eq + 1 - p));
      free(dec);
    }
    p = amp ? amp + 1 : NULL;
  }
}

static void secrets_from_json(struct dast_strlist *l, const json_t *j)
{
  const char *k;
  json_t *v;
  size_t i;
  if(json_is_object(j)) {
    json_object_foreach((json_t *)j, k, v)
    {
      if(json_is_string(v) && sensitive_field(k, strlen(k)))
        add_secret(l, json_string_value(v), json_string_length(v));
      else secrets_from_json(l, v);
    }
  } else if(json_is_array(j)) {
    json_array_foreach(j, i, v) secrets_from_json(l, v);
  }
}

static void collect_secrets(const struct dast_config *cfg, struct dast_strlist *l)
{
  for(size_t i = 0; i < cfg->headers.n; i++) {
    const char *h = cfg->headers.v[i], *colon = strchr(h, ':');
    if(colon && sensitive_header(h, (size_t)(colon - h))) add_secret(l, colon + 1, strlen(colon + 1));
  }
  for(size_t i = 0; i < cfg->cookies.n; i++) {
    const char *c = cfg->cookies.v[i], *eq = strchr(c, '=');
    const char *v = eq ? eq + 1 : c;
    add_secret(l, v, strlen(v));
  }
  if(cfg->login_data) {
    json_t *j = cfg->login_data[0] == '{' ? json_loads(cfg->login_data, 0, NULL) : NULL;
    if(j) secrets_from_json(l, j);
    else secrets_from_form(l, cfg->login_data);
    json_decref(j);
  }
  if(cfg->proxy) { /* scheme://user:pass@host */
    const char *at = strrchr(cfg->proxy, '@'), *ss = strstr(cfg->proxy, "://");
    const char *u = ss ? ss + 3 : cfg->proxy;
    const char *colon = at ? memchr(u, ':', (size_t)(at - u)) : NULL;
    if(colon) add_secret(l, colon + 1, (size_t)(at - colon - 1));
  }
}

static bool word_char(char c)
{
  return isalnum((unsigned char)c) || c == '_';
}

/* Is the occurrence [hit, hit+m) a parameter, attribute or JSON key name? */
static bool used_as_name(const char *start, const char *hit, size_t m, const char *end)
{
  const char *after = hit + m;
  if(after < end && *after == '=') return true;                      /* password=... */
  if(after + 1 < end && (*after == '"' || *after == '\'')) {
    const char *p = after + 1;
    while(p < end && *p == ' ') p++;
    if(p < end && *p == ':' && hit > start && hit[-1] == *after) return true; /* "password": */
  }
  static const char *const attrs[] = {"name=\"", "name='", "id=\"", "id='", "for=\"", "for='"};
  for(size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
    size_t k = strlen(attrs[i]);
    if((size_t)(hit - start) >= k && !strncasecmp(hit - k, attrs[i], k)) return true;
  }
  return false;
}

static void replace_literal(struct dast_buf *b, const char *secret)
{
  size_t m = strlen(secret);
  struct dast_buf o;
  dast_buf_init(&o, 0);
  const char *p = b->data, *end = b->data + b->len;
  bool changed = false;
  while(p < end) {
    const char *hit = dast_memmem(p, (size_t)(end - p), secret, m);
    if(!hit) break;
    /* only whole tokens: a short secret inside a word ("low" in "allowed",
     * "password" in "password_new") is a coincidence, and masking it ruins
     * the evidence; nor where the text uses it as a name ("password=...",
     * name="password", "password": ...) — a common-word secret is also a
     * common field name */
    bool alnum_edge = word_char(secret[0]) || word_char(secret[m - 1]);
    bool glued = (hit > b->data && word_char(hit[-1]) && word_char(secret[0])) ||
                 (hit + m < end && word_char(hit[m]) && word_char(secret[m - 1]));
    if((alnum_edge && glued) || used_as_name(b->data, hit, m, end)) {
      if(dast_buf_add(&o, p, (size_t)(hit + 1 - p))) dast_oom();
      p = hit + 1;
      continue;
    }
    if(dast_buf_add(&o, p, (size_t)(hit - p)) || dast_buf_adds(&o, MASK)) dast_oom();
    p = hit + m;
    changed = true;
  }
  if(!changed) {
    dast_buf_free(&o);
    return;
  }
  if(dast_buf_add(&o, p, (size_t)(end - p))) dast_oom();
  dast_buf_free(b);
  *b = o;
}

static bool is_name_char(char c)
{
  unsigned char u = (unsigned char)c;
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-' ||
         u == '_' || u == '.' || u == '[' || u == ']';
}

/* Characters after which a name may start (see mask_structural). */
static bool name_boundary(char c)
{
  switch(c) {
  case '\n': case '\'': case '"': case ' ': case '&': case '?': case ';': case '{': case ',': case '\t':
    return true;
  default:
    return false;
  }
}

/* Value end for a masked span starting at s: line end, or the quote that
 * opened the context; for name=value also '&', ';', whitespace. */
static size_t value_len(const char *s, char quote, bool param)
{
  size_t n = 0;
  while(s[n] && s[n] != '\r' && s[n] != '\n' && s[n] != quote) {
    if(param && (s[n] == '&' || s[n] == ';' || s[n] == ' ' || s[n] == '"' || s[n] == '\''))
      break;
    n++;
  }
  return n;
}

static bool b64url(char c) { return isalnum((unsigned char)c) || c == '-' || c == '_'; }

/* Length of a JSON Web Token (three base64url segments, the first two
 * starting "eyJ", i.e. '{"') at s, or 0. */
static size_t jwt_len(const char *s)
{
  if(strncmp(s, "eyJ", 3)) return 0;
  size_t n = 0;
  for(int seg = 0; seg < 3; seg++) {
    size_t start = n;
    while(b64url(s[n])) n++;
    if(n - start < (seg < 2 ? 8u : 0u)) return 0;
    if(seg == 1 && strncmp(s + start, "eyJ", 3)) return 0;
    if(seg < 2) {
      if(s[n] != '.') return 0;
      n++;
    }
  }
  return n;
}

/* At "://": length of "user:password@" credentials that follow, with the
 * offset of the password in *pw, or 0. */
static size_t userinfo_len(const char *s, size_t *pw)
{
  if(strncmp(s, "://", 3)) return 0;
  size_t j = 3;
  const char *colon = NULL;
  while(s[j] && !strchr("/?#@ \t\r\n'\"<>", s[j])) {
    if(s[j] == ':' && !colon) colon = s + j;
    j++;
  }
  if(s[j] != '@' || !colon) return 0;
  *pw = (size_t)(colon + 1 - s);
  return j + 1 - 3;
}

/* The name t[i..i+nl) starts a secret value?  Sets where the value starts,
 * what ends it (the quote that opened the context, or a line end) and
 * whether it is a name=value parameter (which '&', ';' and spaces end). */
static bool secret_value_at(const char *t, size_t i, size_t nl, size_t *vstart, char *quote, bool *param)
{
  if(t[i + nl] == ':' && sensitive_header(t + i, nl)) { /* Header: value */
    *vstart = i + nl + 1;
    while(t[*vstart] == ' ') (*vstart)++;
    return true;
  }
  if(t[i + nl] == '=' && sensitive_field(t + i, nl)) { /* name=value */
    *vstart = i + nl + 1;
    *param = true;
    return true;
  }
  if(t[i + nl] == '"' && i > 0 && t[i - 1] == '"' && sensitive_field(t + i, nl)) { /* "name": "value" */
    size_t j = i + nl + 1;
    while(t[j] == ' ') j++;
    if(t[j] != ':') return false;
    j++;
    while(t[j] == ' ') j++;
    if(t[j] != '"') return false;
    *vstart = j + 1;
    *quote = '"';
    return true;
  }
  bool curl_opt = (nl == 2 && (!strncmp(t + i, "-b", 2) || !strncmp(t + i, "-u", 2))) ||
                  (nl == 8 && !strncmp(t + i, "--cookie", 8)) || (nl == 6 && !strncmp(t + i, "--user", 6));
  size_t j = i + nl; /* curl -b 'a=b' */
  if(curl_opt && t[j] == ' ' && (t[j + 1] == '\'' || t[j + 1] == '"')) {
    *quote = t[j + 1];
    *vstart = j + 2;
    return true;
  }
  return false;
}

/* The structural pass, in one left-to-right scan.  Text that starts
 * nothing is copied in runs (`run` = start of the pending copy); the cheap
 * first-character tests keep this at a few instructions per byte, which
 * matters for reports listing tens of thousands of URLs. */
static char *mask_structural(const char *t, const char *keep)
{
  size_t keep_len = keep ? strlen(keep) : 0;
  struct dast_buf o;
  dast_buf_init(&o, 0);
  size_t i = 0, n = strlen(t), run = 0;
#define FLUSH()                                                       \
  do {                                                                \
    if(i > run && dast_buf_add(&o, t + run, i - run)) dast_oom();     \
  } while(0)
  while(i < n) {
    size_t jl = 0, ul = 0, pw = 0;
    if(t[i] == 'e' && (i == 0 || !b64url(t[i - 1]))) jl = jwt_len(t + i);
    else if(t[i] == ':') ul = userinfo_len(t + i, &pw);
    if(jl) { /* a bearer token anywhere, e.g. echoed in a response */
      FLUSH();
      if(dast_buf_adds(&o, MASK)) dast_oom();
      i += jl;
      run = i;
      continue;
    }
    if(ul) { /* scheme://user:***@host */
      FLUSH();
      if(dast_buf_add(&o, t + i, pw) || dast_buf_adds(&o, MASK "@")) dast_oom();
      i += 3 + ul;
      run = i;
      continue;
    }
    bool boundary = i == 0 || name_boundary(t[i - 1]);
    size_t nl = 0, vstart = 0;
    while(boundary && i + nl < n && is_name_char(t[i + nl])) nl++;
    if(nl) {
      char quote = i > 0 && (t[i - 1] == '\'' || t[i - 1] == '"') ? t[i - 1] : '\n';
      bool param = false;
      bool kept = keep_len && nl == keep_len && !strncasecmp(t + i, keep, nl);
      if(!kept && secret_value_at(t, i, nl, &vstart, &quote, &param)) {
        size_t skip = value_len(t + vstart, quote, param);
        FLUSH();
        if(dast_buf_add(&o, t + i, vstart - i)) dast_oom();
        if(skip && dast_buf_adds(&o, MASK)) dast_oom();
        i = vstart + skip;
        run = i;
        continue;
      }
    }
    i += nl ? nl : 1;
  }
  FLUSH();
#undef FLUSH
  return dast_buf_take(&o, NULL);
}

void dast__secrets_collect(const struct dast_config *cfg, struct dast_strlist *out)
{
  if(cfg) collect_secrets(cfg, out);
  /* longest first, so a secret that contains another is replaced whole */
  for(size_t i = 1; i < out->n; i++)
    for(size_t j = i; j > 0 && strlen(out->v[j]) > strlen(out->v[j - 1]); j--) {
      char *t = out->v[j];
      out->v[j] = out->v[j - 1];
      out->v[j - 1] = t;
    }
}

char *dast__mask(const struct dast_strlist *secrets, const char *text)
{
  return dast__mask_keep(secrets, text, NULL);
}

/* Can the structural pass change t at all?  Every shape it masks needs a
 * character of this set ('=', quotes, '@', whitespace, and the characters
 * after which a name may start) or "eyJ" (a JWT) — except a sensitive
 * "Name:" at the very start.  Most URLs of an inventory have none and are
 * copied as they are. */
static bool maybe_structural(const char *t)
{
  if(strpbrk(t, "=\"'@ \n\r\t?&;{,") || strstr(t, "eyJ")) return true;
  size_t nl = 0; /* no name starts after position 0: only this one can */
  while(is_name_char(t[nl])) nl++;
  return nl && t[nl] == ':' && sensitive_header(t, nl);
}

char *dast__mask_keep(const struct dast_strlist *secrets, const char *text, const char *keep)
{
  if(!text) return NULL;
  if((!secrets || !secrets->n) && !maybe_structural(text)) return dast_strdup(text);
  if(!secrets || !secrets->n) return mask_structural(text, keep && *keep ? keep : NULL);
  struct dast_buf b;
  dast_buf_init(&b, 0);
  if(dast_buf_adds(&b, text)) dast_oom();
  for(size_t i = 0; secrets && i < secrets->n; i++) replace_literal(&b, secrets->v[i]);
  char *out = mask_structural(b.data, keep && *keep ? keep : NULL);
  dast_buf_free(&b);
  return out;
}

char *dast_report_mask_secrets(const struct dast_config *cfg, const char *text)
{
  if(!text) return NULL;
  struct dast_strlist secrets = {0};
  dast__secrets_collect(cfg, &secrets);
  char *out = dast__mask(&secrets, text);
  dast_strlist_free(&secrets);
  return out;
}
