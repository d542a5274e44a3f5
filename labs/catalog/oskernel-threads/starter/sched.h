/* sched.h: kernel threads, each with its own stack, switched round-robin on every timer tick. */
#ifndef SCHED_H
#define SCHED_H
#include "kernel.h"

#define MAX_THREADS 4
#define STACK_WORDS 1024

struct thread {
    uint32_t esp;                 /* saved stack pointer while the thread is not running */
    const char *name;
    void (*entry)(const char *name);
    volatile int done;
    uint32_t stack[STACK_WORDS];
};

/* Makes the running code (kmain) thread 0 and hooks schedule() into the timer. */
void sched_init(void);
struct thread *thread_create(void (*entry)(const char *name), const char *name);
/* Picks the next runnable thread after the current one and switches to it. */
void schedule(void);
extern volatile uint32_t switches;

/* switch.S: saves the callee-saved registers on the current stack, stores ESP in *old_esp, loads
   new_esp and pops the next thread's registers; its `ret` returns into the other thread. */
void switch_to(uint32_t *old_esp, uint32_t new_esp);
#endif
