/* kernel.c: kmain builds the frame allocator (oskernel-pmm), turns paging on, runs code and reads
   data through the higher-half alias at 0xC0000000, then faults on purpose twice in the demand window. */
#include "paging.h"
#include "pmm.h"

static volatile uint32_t marker = 0x600df00d;

/* Called through its alias at 0xC0000000 + its address: prints where it really runs. */
__attribute__((noinline)) void where_am_i(void)
{
    uint32_t eip;
    __asm__ volatile("call 1f\n1: pop %0" : "=r"(eip));
    kprintf("paging: where_am_i runs at eip=%x\n", eip);
}

static void paging_demo(void)
{
    paging_init();
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    if (!(cr0 & 0x80000000u)) {
        kprintf("paging: CR0.PG is still off after paging_init, halting\n");
        return;
    }
    kprintf("paging: enabled\n");
    volatile uint32_t *alias = (volatile uint32_t *)(KERNEL_VIRT + (uint32_t)&marker);
    kprintf("paging: marker at %x reads %x through %x\n", (uint32_t)&marker, *alias, (uint32_t)alias);
    void (*high)(void) = (void (*)(void))(KERNEL_VIRT + (uint32_t)where_am_i);
    high();

    volatile uint32_t *p = (volatile uint32_t *)0xDEAD0000;
    *p = 0xcafe;                                   /* write fault: not present */
    kprintf("paging: wrote %x at %x\n", *p, (uint32_t)p);
    volatile uint32_t *q = (volatile uint32_t *)0xDEAD5000;
    uint32_t v = *q;                               /* read fault: not present */
    kprintf("paging: read %x at %x\n", v, (uint32_t)q);
}

void kmain(uint32_t magic, const struct multiboot_info *mb)
{
    serial_init();
    kprintf("toy kernel: paging\n");
    idt_init();
    if (magic != 0x2BADB002 || !(mb->flags & (1 << 6))) {
        kprintf("no multiboot memory map (magic %x, flags %x)\n", magic, mb->flags);
        poweroff();
    }
    pmm_init(mb);
    kprintf("pmm: %u frames free\n", pmm_free_count());
    paging_demo();
    poweroff();
}
