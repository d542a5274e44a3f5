/* kernel.c: kmain prints the memory map the loader passed, builds the frame allocator from it and
   exercises it: three allocations, a free, and an allocation that must reuse the freed frame. */
#include "pmm.h"

static void print_mmap(const struct multiboot_info *mb)
{
    uint32_t end = mb->mmap_addr + mb->mmap_length;
    for (uint32_t p = mb->mmap_addr; p < end; p += ((const struct mmap_entry *)p)->size + 4) {
        const struct mmap_entry *e = (const struct mmap_entry *)p;
        kprintf("mmap: base=%x len=%x type=%u\n", (uint32_t)e->base, (uint32_t)e->len, e->type);
    }
}

static void pmm_demo(void)
{
    kprintf("pmm: %u frames free\n", pmm_free_count());
    uint32_t a = pmm_alloc(), b = pmm_alloc(), c = pmm_alloc();
    kprintf("pmm: alloc %x\npmm: alloc %x\npmm: alloc %x\n", a, b, c);
    pmm_free(b);
    kprintf("pmm: free %x\n", b);
    kprintf("pmm: %u frames free after 3 allocs and 1 free\n", pmm_free_count());
    kprintf("pmm: alloc %x (after the free)\n", pmm_alloc());
}

void kmain(uint32_t magic, const struct multiboot_info *mb)
{
    serial_init();
    kprintf("toy kernel: physical memory manager\n");
    idt_init();
    if (magic != 0x2BADB002 || !(mb->flags & (1 << 6))) {
        kprintf("no multiboot memory map (magic %x, flags %x)\n", magic, mb->flags);
        poweroff();
    }
    print_mmap(mb);
    pmm_init(mb);
    pmm_demo();
    poweroff();
}
