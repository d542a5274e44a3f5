/* kernel.c: kmain builds the earlier labs' pieces (frames, paging, the 100 Hz timer — which keeps
   interrupting, in ring 3 too), then drops to ring 3 to run user_main, which talks to the kernel only
   through int 0x80. */
#include "paging.h"
#include "pmm.h"
#include "timer.h"
#include "user.h"

extern void user_main(void);
extern char user_stack[4096];

void kmain(uint32_t magic, const struct multiboot_info *mb)
{
    serial_init();
    kprintf("toy kernel: user mode\n");
    idt_init();
    if (magic != 0x2BADB002 || !(mb->flags & (1 << 6))) {
        kprintf("no multiboot memory map (magic %x, flags %x)\n", magic, mb->flags);
        poweroff();
    }
    pmm_init(mb);
    paging_init();
    pic_remap();
    timer_init(100);
    kprintf("pmm: %u frames free, paging on, timer at 100 Hz\n", pmm_free_count());
    user_init();
    kprintf("kernel: entering ring 3 at %x (user pages %x-%x)\n", (uint32_t)user_main, (uint32_t)__user_start, (uint32_t)__user_end);
    __asm__ volatile("sti");
    enter_user((uint32_t)user_main, (uint32_t)&user_stack[sizeof(user_stack)]);
    kprintf("kernel: enter_user returned: still in ring 0\n");
    poweroff();
}
