/* pmm.h: the physical memory manager: one bit per 4 KiB frame of the 32-bit address space. */
#ifndef PMM_H
#define PMM_H
#include "kernel.h"

#define FRAME_SIZE 4096

void pmm_init(const struct multiboot_info *mb);
/* The physical address of a free frame, now marked used; 0 when memory is full. */
uint32_t pmm_alloc(void);
void pmm_free(uint32_t addr);
uint32_t pmm_free_count(void);
#endif
