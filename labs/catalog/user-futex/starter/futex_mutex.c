// futex_mutex: a mutex on futex(2) — an atomic int in user space, the kernel only to sleep and wake —
// and a test program: THREADS threads each increment a shared counter ITERATIONS times under it.
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
	/* TODO 1: the fast path: atomic_compare_exchange_strong(&m->state, &c, 1) with c = 0 takes a
	 * free lock without any system call. If that fails, mark the lock contended and sleep until
	 * it is free:
	 *	if (c != 2) c = atomic_exchange(&m->state, 2);
	 *	while (c != 0) { futex(&m->state, FUTEX_WAIT_PRIVATE, 2); c = atomic_exchange(&m->state, 2); }
	 * FUTEX_WAIT sleeps only if the word still holds 2 — checked atomically by the kernel, so a
	 * wake-up between our exchange and the wait is never lost. */
	(void)m;
	(void)futex;
}

static void fmutex_unlock(fmutex *m)
{
	/* TODO 2: atomic_fetch_sub(&m->state, 1) returns the old value: 1 means nobody waits, done with
	 * no system call. Otherwise (2) store 0 and wake one sleeper: futex(&m->state, FUTEX_WAKE_PRIVATE, 1). */
	(void)m;
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
