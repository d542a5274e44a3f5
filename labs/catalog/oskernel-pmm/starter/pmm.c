/* pmm.c: a bitmap frame allocator built from the multiboot memory map. One bit per 4 KiB frame of
   the 32-bit address space (1 Mi frames, a 128 KiB bitmap in .bss): set = used or not RAM. */
#include "pmm.h"

#define MAX_FRAMES (1u << 20)            /* 4 GiB / 4 KiB */

static uint32_t bitmap[MAX_FRAMES / 32];
static uint32_t free_frames;
extern char kernel_end[];                /* from linker.ld: the first byte after the kernel */

void pmm_init(const struct multiboot_info *mb)
{
    /* Everything starts used: only RAM the map says is available becomes free. */
    memset(bitmap, 0xff, sizeof(bitmap));
    free_frames = 0;
    /* TODO 1: walk the memory map (mb->mmap_addr, mb->mmap_length; see print_mmap in kernel.c) and,
       for every entry of type 1 below 4 GiB, clear the bit of each frame that lies WHOLLY inside
       [base, base + len) — round the start up and the end down to 4 KiB — and count it in
       free_frames. Keep the frames below kernel_end (rounded up) used: the BIOS area, the kernel
       and this bitmap live there. */
    (void)mb;
    (void)kernel_end;
}

uint32_t pmm_alloc(void)
{
    /* TODO 2: find the lowest free frame (skip words that are 0xffffffff), mark it used, decrement
       free_frames and return its physical address (frame number * 4096). Return 0 when none is free. */
    return 0;
}

void pmm_free(uint32_t addr)
{
    /* TODO 3: clear the frame's bit and count it free again (only if it was used: a double free
       must not make free_frames grow). */
    (void)addr;
}

uint32_t pmm_free_count(void)
{
    return free_frames;
}
