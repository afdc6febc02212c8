/* oob.c — the out-of-band callback listener.
 *
 * A tiny HTTP server (libevent evhttp) on the scan's own event_base, so it
 * needs no thread: the target's callbacks are handled between engine
 * events.  Payloads of the oob strategy embed "<public_url>/<token>" with a
 * unique random token; every request path received is remembered (capped
 * at PL_OOB_MAX_HITS paths of PL_OOB_MAX_PATH bytes) and
 * dast_oob_hits() counts the ones carrying a token.  It answers every
 * request with a small 200 so the caller does not hang.  Binds to
 * 127.0.0.1:0 unless told otherwise.
 *
 * JNDI lookups (Log4Shell) speak LDAP, not HTTP, so a second raw TCP
 * listener on the same host answers an LDAP bind with "success" and records
 * the printable bytes of what follows (the search request carries the
 * token as its base DN).  At most PL_OOB_MAX_CONNS connections, 4 KiB each,
 * 10 s idle timeout. */
#include "payloads/pl_int.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define PL_OOB_MAX_HITS 4096
#define PL_OOB_MAX_PATH 512

#define PL_OOB_MAX_CONNS 64

struct dast_oob {
  struct evhttp *http;
  struct evconnlistener *ldap;
  char *url;
  char *ldap_hostport;
  char **paths;
  size_t npaths;
  int conns;
  struct ldap_conn *live; /* open LDAP connections, freed with the listener */
};

struct ldap_conn {
  struct dast_oob *o;
  struct bufferevent *bev;
  struct ldap_conn *prev, *next;
  size_t seen;
  bool replied;
};

static void record(struct dast_oob *o, const char *p, size_t n)
{
  if(o->npaths >= PL_OOB_MAX_HITS || !n) return;
  if(n > PL_OOB_MAX_PATH) n = PL_OOB_MAX_PATH;
  char *s = dast_malloc(n + 1);
  for(size_t i = 0; i < n; i++) s[i] = p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '/';
  s[n] = '\0';
  o->paths = dast_realloc(o->paths, (o->npaths + 1) * sizeof(char *));
  o->paths[o->npaths++] = s;
}

static void ldap_close(struct bufferevent *bev, struct ldap_conn *c)
{
  struct dast_oob *o = c->o;
  o->conns--;
  if(c->prev) c->prev->next = c->next;
  else o->live = c->next;
  if(c->next) c->next->prev = c->prev;
  free(c);
  bufferevent_free(bev);
}

static void ldap_read(struct bufferevent *bev, void *ud)
{
  struct ldap_conn *c = ud;
  unsigned char buf[4096];
  size_t n = bufferevent_read(bev, buf, sizeof(buf));
  bool after_bind = c->replied;
  if(!c->replied && n >= 5 && buf[0] == 0x30 && buf[2] == 0x02 && buf[3] == 0x01) {
    /* BindResponse(messageID, resultCode success, "", "") */
    unsigned char resp[] = {0x30, 0x0c, 0x02, 0x01, buf[4], 0x61, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
    bufferevent_write(bev, resp, sizeof(resp));
    c->replied = true;
  }
  record(c->o, (const char *)buf, n);
  c->seen += n;
  /* the request after the bind carries the DN: that is all we need */
  if(after_bind || c->seen > 4096) ldap_close(bev, c);
}

static void ldap_event(struct bufferevent *bev, short what, void *ud)
{
  (void)what; /* EOF, error or timeout: all end the connection */
  ldap_close(bev, ud);
}

static void ldap_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
                        void *ud)
{
  (void)sa;
  (void)len;
  struct dast_oob *o = ud;
  if(o->conns >= PL_OOB_MAX_CONNS) {
    evutil_closesocket(fd);
    return;
  }
  struct bufferevent *bev = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
  if(!bev) {
    evutil_closesocket(fd);
    return;
  }
  struct ldap_conn *c = dast_calloc(1, sizeof(*c));
  c->o = o;
  c->bev = bev;
  c->next = o->live;
  if(o->live) o->live->prev = c;
  o->live = c;
  o->conns++;
  struct timeval tv = {10, 0};
  bufferevent_set_timeouts(bev, &tv, &tv);
  bufferevent_setcb(bev, ldap_read, NULL, ldap_event, c);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

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
  /* the LDAP side listener on the same host, any port */
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  if(inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
    o->ldap = evconnlistener_new_bind(base, ldap_accept, o, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                      16, (struct sockaddr *)&sin, sizeof(sin));
  }
  int ldap_port = 0;
  if(o->ldap) {
    struct sockaddr_in ls;
    socklen_t lsl = sizeof(ls);
    if(!getsockname(evconnlistener_get_fd(o->ldap), (struct sockaddr *)&ls, &lsl))
      ldap_port = ntohs(ls.sin_port);
  }
  if(public_url && *public_url) {
    size_t n = strlen(public_url);
    while(n && public_url[n - 1] == '/') n--;
    o->url = dast_strndup(public_url, n);
  } else {
    o->url = strchr(host, ':') ? dast_aprintf("http://[%s]:%d", host, bound)
                               : dast_aprintf("http://%s:%d", host, bound);
  }
  /* host part of the public URL + the LDAP port */
  const char *h = strstr(o->url, "://");
  h = h ? h + 3 : o->url;
  size_t hl = strcspn(h, "/");
  const char *colon = memchr(h, ':', hl);
  if(h[0] == '[') colon = strstr(h, "]:") ? strstr(h, "]:") + 1 : NULL;
  size_t hostlen = colon ? (size_t)(colon - h) : hl;
  o->ldap_hostport = dast_aprintf("%.*s:%d", (int)hostlen, h, ldap_port);
  *out = o;
  return DAST_OK;
}

const char *dast_oob_ldap_hostport(const struct dast_oob *o)
{
  return o->ldap ? o->ldap_hostport : NULL;
}

void dast_oob_free(struct dast_oob *o)
{
  if(!o) return;
  if(o->http) evhttp_free(o->http);
  if(o->ldap) evconnlistener_free(o->ldap);
  /* ldap_close() unlinks the head before freeing it */
  for(struct ldap_conn *c = o->live, *next; c; c = next) {
    next = c->next;
    ldap_close(c->bev, c);
  }
  free(o->ldap_hostport);
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
