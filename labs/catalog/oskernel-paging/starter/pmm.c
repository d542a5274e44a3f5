/* pmm.c: a bitmap frame allocator built from the multiboot memory map. */
#include "pmm.h"

#define MAX_FRAMES (1u << 20)            /* 4 GiB / 4 KiB */

static uint32_t bitmap[MAX_FRAMES / 32]; /* bit set = frame used (or not RAM) */
static uint32_t free_frames;
extern char kernel_end[];

static void mark_free(uint32_t frame)
{
    if (bitmap[frame / 32] & (1u << (frame % 32))) {
        bitmap[frame / 32] &= ~(1u << (frame % 32));
        free_frames++;
    }
}

void pmm_init(const struct multiboot_info *mb)
{
    memset(bitmap, 0xff, sizeof(bitmap));
    free_frames = 0;
    uint32_t first = ((uint32_t)kernel_end + FRAME_SIZE - 1) / FRAME_SIZE;
    uint32_t end = mb->mmap_addr + mb->mmap_length;
    for (uint32_t p = mb->mmap_addr; p < end; p += ((const struct mmap_entry *)p)->size + 4) {
        const struct mmap_entry *e = (const struct mmap_entry *)p;
        if (e->type != 1 || e->base >= 0x100000000ull)
            continue;
        uint64_t top = e->base + e->len;
        if (top > 0x100000000ull)
            top = 0x100000000ull;
        /* Only frames wholly inside the region: round the start up and the end down. */
        for (uint64_t f = (e->base + FRAME_SIZE - 1) / FRAME_SIZE; f < top / FRAME_SIZE; f++)
            if (f >= first)
                mark_free((uint32_t)f);
    }
}

uint32_t pmm_alloc(void)
{
    for (uint32_t w = 0; w < MAX_FRAMES / 32; w++) {
        if (bitmap[w] == 0xffffffff)
            continue;
        for (uint32_t b = 0; b < 32; b++) {
            if (!(bitmap[w] & (1u << b))) {
                bitmap[w] |= 1u << b;
                free_frames--;
                return (w * 32 + b) * FRAME_SIZE;
            }
        }
    }
    return 0;
}

void pmm_free(uint32_t addr)
{
    mark_free(addr / FRAME_SIZE);
}

uint32_t pmm_free_count(void)
{
    return free_frames;
}
