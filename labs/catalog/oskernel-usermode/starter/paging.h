/* paging.h: two-level 32-bit paging: a page directory of 1024 entries, each naming a page table of
   1024 entries, each mapping one 4 KiB page. */
#ifndef PAGING_H
#define PAGING_H
#include "kernel.h"

#define PTE_PRESENT 0x1
#define PTE_WRITE   0x2
#define PTE_USER    0x4
#define KERNEL_VIRT 0xC0000000u            /* where a higher-half kernel lives */
#define DEMAND_LO   0xD0000000u            /* faults in [DEMAND_LO, DEMAND_HI) get a fresh frame */
#define DEMAND_HI   0xE0000000u

void paging_init(void);
void map_page(uint32_t virt, uint32_t phys, uint32_t flags);
/* Sets the user bit on the identity-mapped pages of [start, end): ring 3 may use only those. */
void paging_user_range(uint32_t start, uint32_t end);
#endif
