/* kernel.c: an IDT with a handler for the divide error, then a division by zero on purpose. */
#include <stdint.h>

#define COM1 0x3f8

static inline void outb(uint16_t port, uint8_t val)
{
    __asm__ volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void serial_init(void)
{
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x03);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0xC7);
}

static void serial_putc(char c)
{
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

static void serial_puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s++);
    }
}

__attribute__((unused)) static void serial_hex(uint32_t v)
{
    serial_puts("0x");
    for (int shift = 28; shift >= 0; shift -= 4)
        serial_putc("0123456789abcdef"[(v >> shift) & 0xf]);
}

/* The stack isr0 builds, lowest address first (see isr.S). */
struct frame {
    uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax; /* pusha */
    uint32_t vector, error_code;                          /* pushed by isr0 */
    uint32_t eip, cs, eflags;                             /* pushed by the CPU */
};

/* One IDT gate (Intel SDM vol. 3, 6.11): the handler's address split in two, a code segment
   selector, and a type byte: present (0x80) | DPL 0 | 32-bit interrupt gate (0xE) = 0x8E. */
struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_high;
} __attribute__((packed));

/* What LIDT loads: the table's size in bytes minus one, and its linear address. */
struct idt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct idt_gate idt[256];
extern void isr0(void);

static void idt_set_gate(int vector, void (*handler)(void), uint16_t selector, uint8_t type_attr)
{
    /* TODO 1: fill idt[vector] from the handler's address, the selector and the type byte. */
    (void)vector;
    (void)handler;
    (void)selector;
    (void)type_attr;
}

static void idt_install(void)
{
    /* TODO 2: point vector 0 at isr0 with our kernel code selector (0x08) and type 0x8E, then load
       the table: a struct idt_ptr with limit sizeof(idt) - 1 and base (uint32_t)idt, and
       __asm__ volatile("lidt %0" : : "m"(ptr)); */
}

void exception_handler(struct frame *f)
{
    /* TODO 3: print "exception <vector> (divide error) at eip=<f->eip in hex>" (serial_hex), then
       make IRET resume AFTER the faulting instruction: the `div %ecx` below is 2 bytes long
       (opcode f7 f1). Returning to the same EIP would divide by zero again, forever. */
    (void)f;
}

void kmain(uint32_t magic, void *info)
{
    (void)magic;
    (void)info;
    serial_init();
    serial_puts("Hello from the IDT lab\n");
    idt_install();
    serial_puts("IDT loaded\n");

    /* Divide by zero on purpose: EDX:EAX / ECX with ECX = 0. Inline asm, so the compiler can neither
       fold it away nor pick a different instruction. */
    uint32_t eax = 42, edx = 0, ecx = 0;
    __asm__ volatile("divl %%ecx" : "+a"(eax), "+d"(edx) : "c"(ecx));

    /* TODO 4: we get here only if the handler skipped the div: print "resumed after #DE". */

    outb(0xf4, 0x10); /* isa-debug-exit: QEMU exits with status 33 */
}
