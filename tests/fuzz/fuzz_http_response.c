/* fuzz_http_response.c — libFuzzer target for the HTTP engine's handling of
 * hostile response bytes: status line, header parsing (on_header: caps,
 * folding, junk), Set-Cookie into the shared jar, Content-Encoding,
 * chunking, redirects (Location resolution and scope checks).
 *
 * Design.  One event_base holds both the engine (scanner/engine/http.h) and
 * a tiny raw server on 127.0.0.1:0.  For each input the engine GETs
 * /fuzz; the server reads the request head and answers with the input
 * bytes verbatim, then closes, so every exchange ends at EOF without
 * waiting for a timeout.  Redirects are followed (at most 3 hops, each
 * answered with the same bytes).  Checked: the callback runs exactly once,
 * the body never exceeds the cap, header names are non-empty, and the
 * cookie jar can be read back afterwards.  Throttling (429/503 with
 * Retry-After) is turned off per request (DAST_REQ_NO_RETRY) so an input
 * cannot park the engine for seconds. */
#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine/http.h"

#define CAP (64u * 1024u)

static struct event_base *base;
static struct evconnlistener *listener;
static struct dast_config cfg;
static struct dast_scope *scope;
static struct dast_engine *eng;
static int port;
static const uint8_t *cur;
static size_t cur_len;
static int calls;

static void srv_write_cb(struct bufferevent *bev, void *ud)
{
  (void)ud;
  if(evbuffer_get_length(bufferevent_get_output(bev)) == 0) bufferevent_free(bev);
}

static void srv_event_cb(struct bufferevent *bev, short what, void *ud)
{
  (void)ud;
  if(what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) bufferevent_free(bev);
}

static void srv_read_cb(struct bufferevent *bev, void *ud)
{
  (void)ud;
  struct evbuffer *in = bufferevent_get_input(bev);
  struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
  if(end.pos < 0) return;
  evbuffer_drain(in, evbuffer_get_length(in));
  bufferevent_disable(bev, EV_READ);
  bufferevent_setcb(bev, NULL, srv_write_cb, srv_event_cb, NULL);
  if(cur_len) bufferevent_write(bev, cur, cur_len);
  else bufferevent_free(bev); /* empty input: close without a byte */
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen,
                      void *ud)
{
  (void)l;
  (void)sa;
  (void)salen;
  (void)ud;
  struct bufferevent *bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  if(!bev) abort();
  bufferevent_setcb(bev, srv_read_cb, NULL, srv_event_cb, NULL);
  bufferevent_enable(bev, EV_READ | EV_WRITE);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  signal(SIGPIPE, SIG_IGN);
  base = event_base_new();
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof(sin));
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  listener = evconnlistener_new_bind(base, accept_cb, NULL, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                     64, (struct sockaddr *)&sin, sizeof(sin));
  if(!base || !listener) abort();
  socklen_t sl = sizeof(sin);
  if(getsockname(evconnlistener_get_fd(listener), (struct sockaddr *)&sin, &sl)) abort();
  port = ntohs(sin.sin_port);
  dast_config_init(&cfg);
  cfg.target = dast_aprintf("http://127.0.0.1:%d/", port);
  cfg.timeout_ms = 3000;
  cfg.retries = 0;
  cfg.concurrency = 1;
  cfg.per_host = 1;
  cfg.body_cap = CAP;
  cfg.http2 = false;
  char err[256];
  if(dast_scope_new(&cfg, &scope, err, sizeof(err))) abort();
  if(dast_engine_new(base, &cfg, scope, &eng, err, sizeof(err))) abort();
  return 0;
}

static void on_done(struct dast_engine *e, const struct dast_request *req,
                    const struct dast_response *r, void *ud)
{
  (void)e;
  (void)req;
  (void)ud;
  calls++;
  if(r->body_len > CAP || !r->body || r->body[r->body_len] != '\0') {
    fprintf(stderr, "fuzz_http_response: body %zu bytes over the cap or not terminated\n", r->body_len);
    abort();
  }
  for(size_t i = 0; i < r->nheaders; i++)
    if(!r->headers[i].name || !r->headers[i].name[0] || !r->headers[i].value) {
      fprintf(stderr, "fuzz_http_response: header %zu has an empty name\n", i);
      abort();
    }
  (void)dast_response_header(r, "Location");
  (void)dast_response_header(r, "Set-Cookie");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(size > 256u * 1024u) return 0;
  cur = data;
  cur_len = size;
  calls = 0;
  char *url = dast_aprintf("http://127.0.0.1:%d/fuzz", port);
  struct dast_request req = {.url = url, .max_redirects = 3, .flags = DAST_REQ_NO_RETRY};
  if(dast_engine_submit(eng, &req, on_done, NULL)) abort();
  if(dast_engine_run(eng)) abort();
  if(calls != 1) {
    fprintf(stderr, "fuzz_http_response: callback ran %d times\n", calls);
    abort();
  }
  free(dast_engine_cookie_header(eng, url));
  free(url);
  return 0;
}
