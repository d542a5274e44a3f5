/* kernel.c (reference solution): an IDT with a handler for the divide error, then a division by zero on purpose. */
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

static void serial_hex(uint32_t v)
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
    uint32_t addr = (uint32_t)handler;
    idt[vector].offset_low = addr & 0xffff;
    idt[vector].selector = selector;
    idt[vector].zero = 0;
    idt[vector].type_attr = type_attr;
    idt[vector].offset_high = addr >> 16;
}

static void idt_install(void)
{
    struct idt_ptr ptr = { sizeof(idt) - 1, (uint32_t)idt };
    idt_set_gate(0, isr0, 0x08, 0x8E);
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void exception_handler(struct frame *f)
{
    serial_puts("exception ");
    serial_putc((char)('0' + f->vector));
    serial_puts(" (divide error) at eip=");
    serial_hex(f->eip);
    serial_puts("\n");
    f->eip += 2;
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

    serial_puts("resumed after #DE\n");

    outb(0xf4, 0x10); /* isa-debug-exit: QEMU exits with status 33 */
}
