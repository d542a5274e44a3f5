// Reference solution of the user-futex lab (used by the test suite).
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* 0: unlocked, 1: locked, 2: locked and someone may be sleeping in futex_wait. */
typedef struct { atomic_int state; } fmutex;

static long futex(atomic_int *addr, int op, int val)
{
	return syscall(SYS_futex, addr, op, val, NULL, NULL, 0);
}

static void fmutex_lock(fmutex *m)
{
	int c = 0;
	if (atomic_compare_exchange_strong(&m->state, &c, 1))
		return;				/* fast path: no system call */
	if (c != 2)
		c = atomic_exchange(&m->state, 2);
	while (c != 0) {
		futex(&m->state, FUTEX_WAIT_PRIVATE, 2);	/* sleeps only if state is still 2 */
		c = atomic_exchange(&m->state, 2);
	}
}

static void fmutex_unlock(fmutex *m)
{
	if (atomic_fetch_sub(&m->state, 1) != 1) {
		atomic_store(&m->state, 0);
		futex(&m->state, FUTEX_WAKE_PRIVATE, 1);
	}
}

/* ---- the test program (unchanged from the starter) ---- */
static fmutex lock;
static long counter;
static long iterations;

static void *worker(void *arg)
{
	(void)arg;
	for (long i = 0; i < iterations; i++) {
		fmutex_lock(&lock);
		long v = counter;
		if ((i & 1023) == 0)
			sched_yield();		/* hold the lock across a reschedule now and then: real contention */
		counter = v + 1;
		fmutex_unlock(&lock);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 4;
	iterations = argc > 2 ? atol(argv[2]) : 100000;
	pthread_t t[64];
	if (threads < 1 || threads > 64) {
		fprintf(stderr, "usage: %s THREADS(1-64) ITERATIONS\n", argv[0]);
		return 2;
	}
	if (threads == 1) {
		worker(NULL);
	} else {
		for (int i = 0; i < threads; i++)
			pthread_create(&t[i], NULL, worker, NULL);
		for (int i = 0; i < threads; i++)
			pthread_join(t[i], NULL);
	}
	printf("counter=%ld expected=%ld\n", counter, threads * iterations);
	return counter == threads * iterations ? 0 : 1;
}
