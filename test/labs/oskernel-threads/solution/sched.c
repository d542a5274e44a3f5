/* sched.c (reference solution): thread creation and a round-robin scheduler driven by the timer. */
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
    /* The stack switch_to will pop: EDI, ESI, EBX, EBP, then the return address. */
    uint32_t *sp = &t->stack[STACK_WORDS];
    *--sp = (uint32_t)thread_trampoline;
    *--sp = 0; /* ebp */
    *--sp = 0; /* ebx */
    *--sp = 0; /* esi */
    *--sp = 0; /* edi */
    t->esp = (uint32_t)sp;
    nthreads++;
    return t;
}

void schedule(void)
{
    int next = current;
    for (int i = 1; i <= nthreads; i++) {
        int c = (current + i) % nthreads;
        if (!threads[c].done) {
            next = c;
            break;
        }
    }
    if (next == current)
        return;
    int prev = current;
    current = next;
    switches++;
    switch_to(&threads[prev].esp, threads[next].esp);
}
