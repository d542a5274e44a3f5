/* kernel.h: what the toy kernel's files share: port I/O, the console, the interrupt frame and handlers. */
#ifndef KERNEL_H
#define KERNEL_H
#include <stdint.h>
#include <stddef.h>

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

/* console.c: COM1 at 115200 8N1; kprintf knows %s %c %d %u %x (0x and 8 hex digits) and %%. */
void serial_init(void);
void kprintf(const char *fmt, ...);
void poweroff(void);
void *memset(void *d, int c, size_t n);

/* The stack an isr.S stub builds, lowest address first. useresp and ss exist only when the
   interrupt came from ring 3. */
struct frame {
    uint32_t edi, esi, ebp, esp_dummy, ebx, edx, ecx, eax; /* pusha */
    uint32_t vector, error_code;                          /* pushed by the stub (or the CPU) */
    uint32_t eip, cs, eflags;                             /* pushed by the CPU */
    uint32_t useresp, ss;                                 /* pushed by the CPU on a ring change */
};

typedef void (*handler_t)(struct frame *f);

/* idt.c */
void idt_init(void);
void idt_set_gate(int vector, uint32_t handler, uint16_t selector, uint8_t type_attr);
void set_handler(int vector, handler_t h);

/* The multiboot information QEMU's loader passes in EBX (only the fields we use). */
struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device, cmdline, mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

/* One memory map entry; `size` does not count itself: the next entry is at (char *)e + e->size + 4. */
struct mmap_entry {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;                                        /* 1 = available RAM */
} __attribute__((packed));

#endif
