/* sched.c: thread creation and a round-robin scheduler driven by the timer. */
#include "sched.h"
#include "timer.h"

static struct thread threads[MAX_THREADS];
static int nthreads = 1, current;
volatile uint32_t switches;
extern void thread_trampoline(void);

void sched_init(void)
{
    threads[0].name = "main";
    tick_hook = schedule;
}

/* The C side of a new thread: run its entry, then stay off the CPU. */
void thread_start(void)
{
    struct thread *t = &threads[current];
    t->entry(t->name);
    t->done = 1;
    for (;;)
        __asm__ volatile("hlt");
}

struct thread *thread_create(void (*entry)(const char *name), const char *name)
{
    if (nthreads == MAX_THREADS)
        return 0;
    struct thread *t = &threads[nthreads];
    t->entry = entry;
    t->name = name;
    t->done = 0;
    /* TODO 2: make the new stack look like one switch_to left behind, so that the first switch_to
       into this thread pops four registers and "returns" to thread_trampoline. From the top of
       t->stack (&t->stack[STACK_WORDS]) downwards: the address of thread_trampoline, then four
       zeros (EBP, EBX, ESI, EDI). Save the resulting stack pointer in t->esp. */
    (void)thread_trampoline;
    nthreads++;
    return t;
}

void schedule(void)
{
    /* TODO 3: round robin: starting after `current`, find the next thread that is not done (thread 0,
       kmain, never is). If it is another thread: set current to it, count the switch in `switches`,
       and switch_to(&threads[prev].esp, threads[next].esp). */
}
