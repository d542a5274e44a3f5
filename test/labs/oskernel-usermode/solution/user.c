/* user.c (reference solution): TSS, the int 0x80 gate, entering ring 3 with IRET, and the system calls. */
#include "user.h"
#include "paging.h"

struct tss {
    uint32_t prev, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

static struct tss tss;
static uint8_t kernel_stack[8192] __attribute__((aligned(16)));
extern uint64_t gdt[];
extern const uint32_t isr_table[49];

static void tss_install(void)
{
    tss.ss0 = 0x10;
    tss.esp0 = (uint32_t)&kernel_stack[sizeof(kernel_stack)];
    tss.iomap = sizeof(tss);                 /* no I/O permission bitmap */
    uint32_t base = (uint32_t)&tss, limit = sizeof(tss) - 1;
    gdt[TSS_SEL / 8] = (limit & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) | ((uint64_t)0x89 << 40)
        | ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)(base >> 24) << 56);
    __asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
}

static int user_range(uint32_t p, uint32_t len)
{
    return p >= (uint32_t)__user_start && len <= (uint32_t)__user_end - p;
}

static void syscall(struct frame *f)
{
    switch (f->eax) {
    case SYS_write: {
        if (!user_range(f->ecx, f->edx)) {
            f->eax = (uint32_t)-EFAULT;
            return;
        }
        const char *s = (const char *)f->ecx;
        for (uint32_t i = 0; i < f->edx; i++)
            kprintf("%c", s[i]);
        f->eax = f->edx;
        return;
    }
    case SYS_exit:
        kprintf("kernel: user task exited with status %d (it ran with cs=%x)\n", (int32_t)f->ebx, f->cs);
        poweroff();
        return;
    default:
        f->eax = (uint32_t)-38;                /* -ENOSYS */
    }
}

void user_init(void)
{
    tss_install();
    /* DPL 3 (type 0xEE): ring 3 may raise int 0x80; the other gates stay DPL 0. */
    idt_set_gate(0x80, isr_table[48], 0x08, 0xEE);
    set_handler(0x80, syscall);
    paging_user_range((uint32_t)__user_start, (uint32_t)__user_end);
}

void enter_user(uint32_t entry, uint32_t esp)
{
    /* IRET to a lower privilege pops EIP, CS, EFLAGS, then ESP and SS. IF stays on in ring 3. */
    __asm__ volatile(
        "mov %2, %%ds\n mov %2, %%es\n mov %2, %%fs\n mov %2, %%gs\n"
        "push %2\n push %1\n push $0x202\n push %3\n push %0\n iret"
        : : "r"(entry), "r"(esp), "r"((uint32_t)USER_DS), "i"(USER_CS) : "memory");
}
