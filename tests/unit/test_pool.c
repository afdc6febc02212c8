/* test_pool.c — scanner/engine/pool.h: every job's done runs exactly once,
 * on the loop thread, after its work; freeing the pool with jobs out
 * cancels them (done with cancelled=true) without losing any; 0 threads
 * runs inline. */
#include "harness.h"

#include "scanner/engine/pool.h"

#include <event2/event.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define JOBS 500

struct st {
  struct event_base *base;
  pthread_t loop_thread;
  atomic_int worked;
  int done, cancelled, wrong_thread, done_before_work;
};

struct jb {
  struct st *st;
  int worked; /* set by work */
  unsigned spin;
};

static void work(void *ud)
{
  struct jb *j = ud;
  volatile unsigned x = 0;
  for(unsigned i = 0; i < j->spin; i++) x += i; /* a little CPU, varying */
  j->worked = 1;
  atomic_fetch_add(&j->st->worked, 1);
}

static void done(void *ud, bool cancelled)
{
  struct jb *j = ud;
  struct st *st = j->st;
  if(cancelled) st->cancelled++;
  else {
    st->done++;
    if(!j->worked) st->done_before_work++;
    if(!pthread_equal(pthread_self(), st->loop_thread)) st->wrong_thread++;
    if(st->done == JOBS) event_base_loopbreak(st->base);
  }
  free(j);
}

static void run_jobs(unsigned threads)
{
  struct st st = {.base = event_base_new(), .loop_thread = pthread_self()};
  struct dast_pool *p = NULL;
  ASSERT_EQ(dast_pool_new(st.base, threads, &p), DAST_OK);
  ASSERT_EQ(dast_pool_threads(p), threads);
  for(int i = 0; i < JOBS; i++) {
    struct jb *j = dast_calloc(1, sizeof(*j));
    j->st = &st;
    j->spin = (unsigned)(i % 7) * 1000u;
    dast_pool_submit(p, work, done, j);
  }
  if(st.done < JOBS) event_base_dispatch(st.base);
  ASSERT_EQ(st.done, JOBS);
  ASSERT_EQ(atomic_load(&st.worked), JOBS);
  ASSERT_EQ(st.wrong_thread, 0);
  ASSERT_EQ(st.done_before_work, 0);
  dast_pool_free(p);
  ASSERT_EQ(st.cancelled, 0);
  event_base_free(st.base);
}

TEST(inline_pool)
{
  run_jobs(0);
}

TEST(one_worker)
{
  run_jobs(1);
}

TEST(four_workers)
{
  run_jobs(4);
}

TEST(free_cancels_what_is_left)
{
  struct st st = {.base = event_base_new(), .loop_thread = pthread_self()};
  struct dast_pool *p = NULL;
  ASSERT_EQ(dast_pool_new(st.base, 2, &p), DAST_OK);
  for(int i = 0; i < 200; i++) {
    struct jb *j = dast_calloc(1, sizeof(*j));
    j->st = &st;
    j->spin = 20000;
    dast_pool_submit(p, work, done, j);
  }
  /* the loop never runs: nothing is delivered, everything is cancelled */
  dast_pool_free(p);
  ASSERT_EQ(st.done, 0);
  ASSERT_EQ(st.cancelled, 200);
  event_base_free(st.base);
}

RUN_TESTS()
