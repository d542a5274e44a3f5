/* kernel.c: kmain builds the frame allocator and paging (earlier labs), then moves the PIC's IRQs to
   vectors 32-47, runs the PIT at 100 Hz and prints the tick counter once a second for 3 seconds. */
#include "paging.h"
#include "pmm.h"
#include "timer.h"

static void timer_demo(void)
{
    pic_remap();
    timer_init(100);
    kprintf("timer: PIT at 100 Hz\n");
    __asm__ volatile("sti");
    for (uint32_t s = 1; s <= 3; s++) {
        while (ticks < s * 100)
            __asm__ volatile("hlt");             /* sleep until the next interrupt */
        kprintf("timer: uptime %u s, ticks=%u\n", s, ticks);
    }
    __asm__ volatile("cli");
}

void kmain(uint32_t magic, const struct multiboot_info *mb)
{
    serial_init();
    kprintf("toy kernel: timer interrupts\n");
    idt_init();
    if (magic != 0x2BADB002 || !(mb->flags & (1 << 6))) {
        kprintf("no multiboot memory map (magic %x, flags %x)\n", magic, mb->flags);
        poweroff();
    }
    pmm_init(mb);
    paging_init();
    kprintf("pmm: %u frames free, paging on\n", pmm_free_count());
    timer_demo();
    poweroff();
}
