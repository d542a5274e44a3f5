/* user.c: the TSS, the int 0x80 gate, entering ring 3 with IRET, and the system calls. */
#include "user.h"
#include "paging.h"

/* The 32-bit TSS (Intel SDM vol. 3, 8.2.1). Without hardware task switching only two fields
   matter: ss0:esp0, the stack the CPU switches to when an interrupt arrives in ring 3. */
struct tss {
    uint32_t prev, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi, es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
} __attribute__((packed));

static struct tss tss;
static uint8_t kernel_stack[8192] __attribute__((aligned(16)));
extern uint64_t gdt[];                   /* boot.S: 6 descriptors; entry 5 (0x28) is for the TSS */
extern const uint32_t isr_table[49];     /* isr.S: index 48 is the stub for vector 0x80 */

static __attribute__((unused)) void tss_install(void)
{
    /* TODO 1: ss0 = 0x10 (kernel data), esp0 = the top of kernel_stack, iomap = sizeof(tss). Then
       build the TSS descriptor in gdt[TSS_SEL / 8] — base = &tss, limit = sizeof(tss) - 1:
         bits  0-15 limit 0-15      bits 16-39 base 0-23     bits 40-47 access 0x89 (present, ring 0,
         32-bit TSS available)      bits 48-51 limit 16-19   bits 56-63 base 24-31
       (cast to uint64_t before shifting), and load the task register:
         __asm__ volatile("ltr %w0" : : "r"(TSS_SEL)); */
}

/* 1 when [p, p + len) lies inside the user pages: the only memory the kernel may read for ring 3. */
static __attribute__((unused)) int user_range(uint32_t p, uint32_t len)
{
    return p >= (uint32_t)__user_start && len <= (uint32_t)__user_end - p;
}

static __attribute__((unused)) void syscall(struct frame *f)
{
    /* TODO 4: the number is in f->eax, the arguments in f->ebx, f->ecx, f->edx; what you leave in
       f->eax is what user mode gets back (popa restores it).
         SYS_write(fd, buf, len): if [buf, buf + len) is not user memory (user_range) return
           -EFAULT; else print the len bytes (kprintf("%c", ...)) and return len.
         SYS_exit(status): print "kernel: user task exited with status <status> (it ran with cs=<f->cs>)"
           (%d, %x) and poweroff().
         anything else: return -38 (-ENOSYS). */
    (void)f;
}

void user_init(void)
{
    tss_install();
    /* TODO 2: the int 0x80 gate must be callable from ring 3: idt_set_gate(0x80, isr_table[48], 0x08,
       0xEE) (0xEE = present, DPL 3, 32-bit interrupt gate; idt_init made it 0x8E, DPL 0, so int 0x80
       from ring 3 raises #GP). Then set_handler(0x80, syscall). */
    paging_user_range((uint32_t)__user_start, (uint32_t)__user_end);
}

void enter_user(uint32_t entry, uint32_t esp)
{
    /* TODO 3: load USER_DS into DS, ES, FS and GS, then build the frame an IRET to ring 3 pops —
       SS (USER_DS), ESP (esp), EFLAGS (0x202: IF on), CS (USER_CS), EIP (entry), pushed in that
       order — and execute iret. With inline asm:
         "mov %2, %%ds\n ... push %2\n push %1\n push $0x202\n push %3\n push %0\n iret"
         : : "r"(entry), "r"(esp), "r"((uint32_t)USER_DS), "i"(USER_CS) : "memory" */
    (void)entry;
    (void)esp;
}
