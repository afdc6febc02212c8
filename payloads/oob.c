/* oob.c — the out-of-band callback listener.
 *
 * A tiny HTTP server (libevent evhttp) on the scan's own event_base, so it
 * needs no thread: the target's callbacks are handled between engine
 * events.  Payloads of the oob strategy embed "<public_url>/<token>" with a
 * unique random token; every request path received is remembered (capped
 * at PL_OOB_MAX_HITS paths of PL_OOB_MAX_PATH bytes) and
 * dast_oob_hits() counts the ones carrying a token.  It answers every
 * request with a small 200 so the caller does not hang.  Binds to
 * 127.0.0.1:0 unless told otherwise. */
#include "payloads/pl_int.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PL_OOB_MAX_HITS 4096
#define PL_OOB_MAX_PATH 512

struct dast_oob {
  struct evhttp *http;
  char *url;
  char **paths;
  size_t npaths;
};

static void oob_request(struct evhttp_request *req, void *ud)
{
  struct dast_oob *o = ud;
  const char *uri = evhttp_request_get_uri(req);
  if(uri && o->npaths < PL_OOB_MAX_HITS) {
    size_t n = strlen(uri);
    o->paths = dast_realloc(o->paths, (o->npaths + 1) * sizeof(char *));
    o->paths[o->npaths++] = dast_strndup(uri, n < PL_OOB_MAX_PATH ? n : PL_OOB_MAX_PATH);
    DAST_LOG(DAST_LOG_INFO, "oob", "callback received: %.80s", uri);
  }
  struct evbuffer *b = evbuffer_new();
  if(b) {
    evbuffer_add_printf(b, "ok\n");
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
  } else {
    evhttp_send_reply(req, 200, "OK", NULL);
  }
}

dast_err dast_oob_new(struct event_base *base, const char *listen, const char *public_url,
                      struct dast_oob **out, char *errbuf, size_t errlen)
{
  *out = NULL;
  char host[256] = "127.0.0.1";
  int port = 0;
  if(listen && *listen) {
    const char *colon = strrchr(listen, ':');
    if(!colon || colon == listen || (size_t)(colon - listen) >= sizeof(host)) {
      if(errbuf) snprintf(errbuf, errlen, "oob: listen address must be host:port, got \"%s\"", listen);
      return DAST_EINVAL;
    }
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if(*end || p < 0 || p > 65535) {
      if(errbuf) snprintf(errbuf, errlen, "oob: bad port in \"%s\"", listen);
      return DAST_EINVAL;
    }
    port = (int)p;
  }
  struct dast_oob *o = dast_calloc(1, sizeof(*o));
  o->http = evhttp_new(base);
  if(!o->http) dast_oom();
  evhttp_set_gencb(o->http, oob_request, o);
  evhttp_set_max_body_size(o->http, 65536);
  evhttp_set_max_headers_size(o->http, 16384);
  evhttp_set_timeout(o->http, 10);
  struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(o->http, host, (ev_uint16_t)port);
  if(!bs) {
    if(errbuf) snprintf(errbuf, errlen, "oob: cannot listen on %s:%d", host, port);
    dast_oob_free(o);
    return DAST_ENET;
  }
  struct sockaddr_storage ss;
  socklen_t sl = sizeof(ss);
  int bound = port;
  if(!getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl)) {
    if(ss.ss_family == AF_INET) bound = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    else if(ss.ss_family == AF_INET6) bound = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  }
  if(public_url && *public_url) {
    size_t n = strlen(public_url);
    while(n && public_url[n - 1] == '/') n--;
    o->url = dast_strndup(public_url, n);
  } else {
    o->url = strchr(host, ':') ? dast_aprintf("http://[%s]:%d", host, bound)
                               : dast_aprintf("http://%s:%d", host, bound);
  }
  *out = o;
  return DAST_OK;
}

void dast_oob_free(struct dast_oob *o)
{
  if(!o) return;
  if(o->http) evhttp_free(o->http);
  for(size_t i = 0; i < o->npaths; i++) free(o->paths[i]);
  free(o->paths);
  free(o->url);
  free(o);
}

const char *dast_oob_url(const struct dast_oob *o)
{
  return o->url;
}

unsigned dast_oob_hits(const struct dast_oob *o, const char *token)
{
  unsigned n = 0;
  if(!o || !token || !*token) return 0;
  for(size_t i = 0; i < o->npaths; i++)
    if(strstr(o->paths[i], token)) n++;
  return n;
}
