/* paging.c: identity map of the first 4 MiB, the same 4 MiB again at 0xC0000000 (where a higher-half
   kernel runs), and a page-fault handler that decodes the fault and maps a fresh frame on demand. */
#include "paging.h"
#include "pmm.h"

/* The CPU wants both 4 KiB aligned: CR3 and every directory entry hold only address bits 12-31. */
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
    /* TODO 3: the directory entry for virt is page_dir[virt >> 22]. If it is not present, take a
       frame from pmm_alloc() for a new page table, zero it (frames below 4 MiB are identity mapped,
       so (void *)frame works) and point the entry at it: frame | PTE_PRESENT | PTE_WRITE. Then set
       entry (virt >> 12) & 0x3ff of that table to phys | flags | PTE_PRESENT, and flush the old
       translation: __asm__ volatile("invlpg (%0)" : : "r"(virt) : "memory"); */
    (void)virt;
    (void)phys;
    (void)flags;
}

static void page_fault(struct frame *f)
{
    uint32_t addr = read_cr2();
    uint32_t e = f->error_code;
    /* TODO 2: print
         page fault: cr2=<addr> err=<e> (<not-present|protection>, <read|write>, <kernel|user>) at eip=<f->eip>
       decoding bits 0 (P: 0 = page not present, 1 = protection violation), 1 (W/R) and 2 (U/S) of e.
       Then, for a not-present fault in [DEMAND_LO, DEMAND_HI): map a fresh frame (pmm_alloc) at the
       page of addr with PTE_WRITE, print "page fault: mapped frame <frame> at <page>, retrying" and
       return — IRET re-executes the faulting instruction. Anything else: print
       "page fault: nothing to map there, halting" and poweroff(). */
    (void)addr;
    (void)e;
    kprintf("page fault at eip=%x: TODO 2\n", f->eip);
    poweroff();
}

void paging_init(void)
{
    /* TODO 1: fill low_table so entry i maps physical page i (i * 4096 | PTE_PRESENT | PTE_WRITE);
       point page_dir[0] (0-4 MiB) and page_dir[KERNEL_VIRT >> 22] (0xC0000000-0xC03FFFFF) at it;
       load page_dir's address into CR3, then set bit 31 (PG) of CR0:
         __asm__ volatile("mov %0, %%cr3" : : "r"(page_dir));
       Without the identity map the very next instruction fetch faults: EIP is still a low address. */
    set_handler(14, page_fault);
    (void)low_table;
}
