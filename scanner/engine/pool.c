/* pool.c — worker threads with completions delivered on the event loop
 * (pool.h).
 *
 * One mutex guards two FIFOs: `todo` (submitted, not yet taken by a worker)
 * and `done` (worked, waiting for the loop thread).  Submissions are first
 * staged on the loop thread and handed over by a one-shot event that runs
 * after the other events of the loop iteration, so a burst of responses
 * costs one lock and one wake-up.  A worker that makes
 * `done` non-empty writes one byte to a non-blocking pipe whose read end is
 * a persistent event on the loop; the loop drains the pipe *before* taking
 * the list, so a completion pushed after the take always writes a fresh
 * byte and is never stranded.  No libevent threading support is needed: the
 * only cross-thread signal is the pipe. */
#include "scanner/engine/pool.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

struct job {
  dast_work_fn work;
  dast_done_fn done;
  void *ud;
  struct job *next;
};

struct fifo {
  struct job *head, *tail;
};

struct dast_pool {
  unsigned n;
  pthread_t *threads;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct fifo todo, done;
  bool quit;
  int fd[2];
  struct event *ev;
  /* loop thread only: submissions of this loop iteration, handed over at
   * once by `flush` (one lock and one wake-up for a burst of responses) */
  struct fifo staged;
  struct event *flush;
};

static void fifo_push(struct fifo *f, struct job *j)
{
  j->next = NULL;
  if(f->tail) f->tail->next = j;
  else f->head = j;
  f->tail = j;
}

static struct job *fifo_take_all(struct fifo *f)
{
  struct job *j = f->head;
  f->head = f->tail = NULL;
  return j;
}

static void *worker(void *arg)
{
  struct dast_pool *p = arg;
  pthread_mutex_lock(&p->mu);
  for(;;) {
    while(!p->todo.head && !p->quit) pthread_cond_wait(&p->cv, &p->mu);
    if(p->quit) break;
    struct job *j = p->todo.head;
    p->todo.head = j->next;
    if(!p->todo.head) p->todo.tail = NULL;
    pthread_mutex_unlock(&p->mu);
    j->work(j->ud);
    pthread_mutex_lock(&p->mu);
    bool wake = !p->done.head;
    fifo_push(&p->done, j);
    if(wake) {
      ssize_t w;
      do w = write(p->fd[1], "", 1);
      while(w < 0 && errno == EINTR); /* EAGAIN: a wake-up is already pending */
    }
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
  (void)what;
  struct dast_pool *p = arg;
  char drain[64];
  while(read(fd, drain, sizeof(drain)) > 0) {}
  pthread_mutex_lock(&p->mu);
  struct job *j = fifo_take_all(&p->done);
  pthread_mutex_unlock(&p->mu);
  while(j) {
    struct job *next = j->next;
    j->done(j->ud, false);
    free(j);
    j = next;
  }
}

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
  (void)fd;
  (void)what;
  struct dast_pool *p = arg;
  if(!p->staged.head) return;
  pthread_mutex_lock(&p->mu);
  if(p->todo.tail) p->todo.tail->next = p->staged.head;
  else p->todo.head = p->staged.head;
  p->todo.tail = p->staged.tail;
  p->staged.head = p->staged.tail = NULL;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

unsigned dast_pool_threads(const struct dast_pool *p)
{
  return p ? p->n : 0;
}

unsigned dast_pool_default_threads(void)
{
  /* One parse thread per CPU, not CPUs - 1: the loop thread spends much of
   * its time waiting for the network, and with one parse thread on a 2-CPU
   * machine the parse queue was the bottleneck (the crawl stopped
   * submitting because `concurrency` pages waited for a parse ~70% of the
   * times it tried; with two threads it waited on the network instead).
   * tests/bench/crawl.sh: 0.750 s -> 0.678 s median. */
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if(cpus <= 1) return 0;
  return cpus > 4 ? 4u : (unsigned)cpus;
}

dast_err dast_pool_new(struct event_base *base, unsigned nthreads, struct dast_pool **out)
{
  *out = NULL;
  struct dast_pool *p = dast_calloc(1, sizeof(*p));
  p->fd[0] = p->fd[1] = -1;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  if(nthreads) {
    if(pipe(p->fd) || fcntl(p->fd[0], F_SETFL, O_NONBLOCK) || fcntl(p->fd[1], F_SETFL, O_NONBLOCK) ||
       fcntl(p->fd[0], F_SETFD, FD_CLOEXEC) || fcntl(p->fd[1], F_SETFD, FD_CLOEXEC))
      goto fail;
    p->ev = event_new(base, p->fd[0], EV_READ | EV_PERSIST, on_wake, p);
    if(!p->ev || event_add(p->ev, NULL)) goto fail;
    p->flush = event_new(base, -1, 0, on_flush, p);
    if(!p->flush) goto fail;
    p->threads = dast_calloc(nthreads, sizeof(*p->threads));
    for(; p->n < nthreads; p->n++)
      if(pthread_create(&p->threads[p->n], NULL, worker, p)) break;
    if(!p->n) goto fail;
  }
  *out = p;
  return DAST_OK;
fail:
  dast_pool_free(p);
  return DAST_EIO;
}

void dast_pool_submit(struct dast_pool *p, dast_work_fn work, dast_done_fn done, void *ud)
{
  if(!p->n) {
    work(ud);
    done(ud, false);
    return;
  }
  struct job *j = dast_calloc(1, sizeof(*j));
  j->work = work;
  j->done = done;
  j->ud = ud;
  if(!p->staged.head) event_active(p->flush, 0, 0); /* runs after this iteration's events */
  fifo_push(&p->staged, j);
}

void dast_pool_free(struct dast_pool *p)
{
  if(!p) return;
  pthread_mutex_lock(&p->mu);
  p->quit = true;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  for(unsigned i = 0; i < p->n; i++) pthread_join(p->threads[i], NULL);
  struct fifo *lists[] = {&p->done, &p->todo, &p->staged};
  for(size_t k = 0; k < 3; k++) {
    struct job *j = fifo_take_all(lists[k]);
    while(j) {
      struct job *next = j->next;
      j->done(j->ud, true);
      free(j);
      j = next;
    }
  }
  if(p->ev) event_free(p->ev);
  if(p->flush) event_free(p->flush);
  if(p->fd[0] >= 0) close(p->fd[0]);
  if(p->fd[1] >= 0) close(p->fd[1]);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p->threads);
  free(p);
}
