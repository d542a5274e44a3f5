/* kernel.c: kmain builds the earlier labs' pieces (frames, paging, the 100 Hz timer), then starts two
   kernel threads that never yield: only the timer's call to schedule() can interleave them. */
#include "paging.h"
#include "pmm.h"
#include "sched.h"
#include "timer.h"

static void busy_wait(uint32_t n)
{
    uint32_t until = ticks + n;
    while (ticks < until)
        ; /* spins: no hlt, no yield */
}

static void worker(const char *name)
{
    for (uint32_t step = 0; step < 5; step++) {
        kprintf("thread %s: step %u\n", name, step);
        busy_wait(3);
    }
    kprintf("thread %s: done\n", name);
}

static void threads_demo(void)
{
    sched_init();
    pic_remap();
    timer_init(100);
    struct thread *a = thread_create(worker, "A");
    struct thread *b = thread_create(worker, "B");
    kprintf("sched: two threads created\n");
    __asm__ volatile("sti");
    while (!(a && b && a->done && b->done) && ticks < 300)
        __asm__ volatile("hlt");
    __asm__ volatile("cli");
    if (a && b && a->done && b->done)
        kprintf("sched: all threads done after %u context switches\n", switches);
    else
        kprintf("sched: the threads did not finish in 3 s (%u context switches)\n", switches);
}

void kmain(uint32_t magic, const struct multiboot_info *mb)
{
    serial_init();
    kprintf("toy kernel: kernel threads\n");
    idt_init();
    if (magic != 0x2BADB002 || !(mb->flags & (1 << 6))) {
        kprintf("no multiboot memory map (magic %x, flags %x)\n", magic, mb->flags);
        poweroff();
    }
    pmm_init(mb);
    paging_init();
    kprintf("pmm: %u frames free, paging on\n", pmm_free_count());
    threads_demo();
    poweroff();
}
