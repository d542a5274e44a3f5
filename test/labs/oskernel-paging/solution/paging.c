/* paging.c (reference solution): identity map of the first 4 MiB, the same 4 MiB again at 0xC0000000,
   and a page-fault handler that decodes the fault and maps a fresh frame for the demand window. */
#include "paging.h"
#include "pmm.h"

static uint32_t page_dir[1024] __attribute__((aligned(4096)));
static uint32_t low_table[1024] __attribute__((aligned(4096)));

static inline uint32_t read_cr2(void)
{
    uint32_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

void map_page(uint32_t virt, uint32_t phys, uint32_t flags)
{
    uint32_t *pde = &page_dir[virt >> 22];
    if (!(*pde & PTE_PRESENT)) {
        /* A new page table in a fresh frame; frames come from below 4 MiB here, which is identity
           mapped, so the table can be written through its physical address. */
        uint32_t t = pmm_alloc();
        memset((void *)t, 0, FRAME_SIZE);
        *pde = t | PTE_PRESENT | PTE_WRITE | (flags & PTE_USER);
    }
    uint32_t *table = (uint32_t *)(*pde & ~0xfffu);
    table[(virt >> 12) & 0x3ff] = (phys & ~0xfffu) | flags | PTE_PRESENT;
    __asm__ volatile("invlpg (%0)" : : "r"(virt) : "memory");
}

static void page_fault(struct frame *f)
{
    uint32_t addr = read_cr2();
    uint32_t e = f->error_code;
    kprintf("page fault: cr2=%x err=%x (%s, %s, %s) at eip=%x\n", addr, e,
            e & 1 ? "protection" : "not-present", e & 2 ? "write" : "read", e & 4 ? "user" : "kernel", f->eip);
    if (!(e & 1) && addr >= DEMAND_LO && addr < DEMAND_HI) {
        uint32_t frame = pmm_alloc();
        map_page(addr & ~0xfffu, frame, PTE_WRITE);
        kprintf("page fault: mapped frame %x at %x, retrying\n", frame, addr & ~0xfffu);
        return; /* a fault: IRET re-executes the instruction, which now succeeds */
    }
    kprintf("page fault: nothing to map there, halting\n");
    poweroff();
}

void paging_init(void)
{
    for (uint32_t i = 0; i < 1024; i++)
        low_table[i] = (i * FRAME_SIZE) | PTE_PRESENT | PTE_WRITE;
    page_dir[0] = (uint32_t)low_table | PTE_PRESENT | PTE_WRITE;
    page_dir[KERNEL_VIRT >> 22] = (uint32_t)low_table | PTE_PRESENT | PTE_WRITE;
    set_handler(14, page_fault);
    __asm__ volatile("mov %0, %%cr3" : : "r"(page_dir));
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | 0x80000000u));
}
