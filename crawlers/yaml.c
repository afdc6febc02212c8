/* yaml.c — YAML to jansson (yaml.h).  libyaml's event parser drives an
 * explicit stack of open containers (mapping or sequence, plus the pending
 * key of a mapping); each finished node is attached to the container on top
 * of the stack.  Anchors map to the node they name (a reference is kept);
 * an alias attaches that node again, counted against DAST_YAML_MAX_ALIASES
 * because a shared subtree is walked once per use later.  Without
 * DAST_HAVE_YAML this file only says that YAML is not built in. */
#include "crawlers/yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DAST_HAVE_YAML

bool dast_yaml_available(void)
{
  return false;
}

dast_err dast_yaml_load(const char *buf, size_t len, json_t **out, char *errbuf, size_t errlen)
{
  (void)buf;
  (void)len;
  *out = NULL;
  if(errbuf && errlen) snprintf(errbuf, errlen, "YAML support is not built in (needs libyaml)");
  return DAST_EPARSE;
}

#else

#include <yaml.h>

struct frame {
  json_t *node;  /* object or array being filled */
  char *key;     /* pending mapping key (owned), NULL when a key is expected */
  char *anchor;  /* its anchor (owned), registered when it is complete */
};

struct anchor {
  char *name;
  json_t *node;
};

struct ystate {
  struct frame stack[DAST_YAML_MAX_DEPTH];
  int depth;
  struct anchor *anchors;
  size_t nanchors;
  size_t aliases, nodes;
  json_t *root;
  const char *err;
};

bool dast_yaml_available(void)
{
  return true;
}

static json_t *plain_scalar(const char *v, size_t n)
{
  if(!n || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL"))
    return json_null();
  if(!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE")) return json_true();
  if(!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE")) return json_false();
  char *end;
  if(strspn(v, "+-0123456789") == n && n < 19) {
    long long i = strtoll(v, &end, 10);
    if(*end == '\0') return json_integer(i);
  }
  if(strspn(v, "+-0123456789.eE") == n && strpbrk(v, "0123456789")) {
    double d = strtod(v, &end);
    if(*end == '\0') return json_real(d);
  }
  return json_stringn(v, n);
}

static void remember(struct ystate *y, const yaml_char_t *anchor, json_t *node)
{
  if(!anchor) return;
  y->anchors = dast_realloc(y->anchors, (y->nanchors + 1) * sizeof(*y->anchors));
  y->anchors[y->nanchors].name = dast_strdup((const char *)anchor);
  y->anchors[y->nanchors].node = json_incref(node);
  y->nanchors++;
}

/* Attaches a finished node (reference taken) to the open container. */
static void attach(struct ystate *y, json_t *node)
{
  if(!node) node = json_string(""); /* invalid UTF-8 in a scalar */
  if(++y->nodes > DAST_YAML_MAX_NODES) {
    y->err = "too many nodes";
    json_decref(node);
    return;
  }
  if(!y->depth) {
    if(!y->root) y->root = node;
    else json_decref(node);
    return;
  }
  struct frame *f = &y->stack[y->depth - 1];
  if(json_is_array(f->node)) {
    json_array_append_new(f->node, node);
  } else if(!f->key) {
    if(!json_is_string(node)) {
      if(json_is_integer(node)) f->key = dast_aprintf("%lld", (long long)json_integer_value(node));
      else if(json_is_true(node) || json_is_false(node)) f->key = dast_strdup(json_is_true(node) ? "true" : "false");
      else y->err = "mapping key is not a scalar";
    } else {
      f->key = dast_strdup(json_string_value(node));
    }
    json_decref(node);
  } else {
    json_object_set_new(f->node, f->key, node);
    free(f->key);
    f->key = NULL;
  }
}

static void open_container(struct ystate *y, json_t *node, const yaml_char_t *anchor)
{
  if(y->depth >= DAST_YAML_MAX_DEPTH) {
    y->err = "nesting too deep";
    json_decref(node);
    return;
  }
  y->stack[y->depth].node = node;
  y->stack[y->depth].key = NULL;
  y->stack[y->depth].anchor = anchor ? dast_strdup((const char *)anchor) : NULL;
  y->depth++;
}

static void close_container(struct ystate *y)
{
  if(!y->depth) return;
  struct frame *f = &y->stack[--y->depth];
  free(f->key);
  /* registered only now: an alias inside its own anchor (a cycle) fails */
  remember(y, (const yaml_char_t *)f->anchor, f->node);
  free(f->anchor);
  attach(y, f->node);
}

static void on_event(struct ystate *y, const yaml_event_t *ev)
{
  switch(ev->type) {
  case YAML_SCALAR_EVENT: {
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    json_t *node = ev->data.scalar.plain_implicit && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                       ? plain_scalar(v, n)
                       : json_stringn(v, n);
    remember(y, ev->data.scalar.anchor, node);
    attach(y, node);
    break;
  }
  case YAML_SEQUENCE_START_EVENT: open_container(y, json_array(), ev->data.sequence_start.anchor); break;
  case YAML_MAPPING_START_EVENT: open_container(y, json_object(), ev->data.mapping_start.anchor); break;
  case YAML_SEQUENCE_END_EVENT:
  case YAML_MAPPING_END_EVENT: close_container(y); break;
  case YAML_ALIAS_EVENT: {
    if(++y->aliases > DAST_YAML_MAX_ALIASES) {
      y->err = "too many aliases";
      break;
    }
    json_t *node = NULL;
    for(size_t i = y->nanchors; i-- > 0;)
      if(!strcmp(y->anchors[i].name, (const char *)ev->data.alias.anchor)) {
        node = y->anchors[i].node;
        break;
      }
    if(!node) y->err = "alias to an unknown anchor";
    else attach(y, json_incref(node));
    break;
  }
  default: break;
  }
}

dast_err dast_yaml_load(const char *buf, size_t len, json_t **out, char *errbuf, size_t errlen)
{
  *out = NULL;
  yaml_parser_t parser;
  if(!yaml_parser_initialize(&parser)) dast_oom();
  yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
  struct ystate y;
  memset(&y, 0, sizeof(y));
  bool done = false;
  while(!done && !y.err) {
    yaml_event_t ev;
    if(!yaml_parser_parse(&parser, &ev)) {
      if(errbuf && errlen)
        snprintf(errbuf, errlen, "line %zu, column %zu: %s", parser.problem_mark.line + 1,
                 parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML");
      break;
    }
    on_event(&y, &ev);
    done = ev.type == YAML_DOCUMENT_END_EVENT || ev.type == YAML_STREAM_END_EVENT;
    if(y.err && errbuf && errlen)
      snprintf(errbuf, errlen, "line %zu, column %zu: %s", ev.start_mark.line + 1,
               ev.start_mark.column + 1, y.err);
    yaml_event_delete(&ev);
  }
  bool ok = done && !y.err && y.root;
  while(y.depth) {
    struct frame *f = &y.stack[--y.depth];
    free(f->key);
    free(f->anchor);
    json_decref(f->node);
  }
  for(size_t i = 0; i < y.nanchors; i++) {
    free(y.anchors[i].name);
    json_decref(y.anchors[i].node);
  }
  free(y.anchors);
  yaml_parser_delete(&parser);
  if(!ok) {
    if(y.root) json_decref(y.root);
    if(done && !y.err && !y.root && errbuf && errlen) snprintf(errbuf, errlen, "empty document");
    return DAST_EPARSE;
  }
  *out = y.root;
  return DAST_OK;
}

#endif
