/* kernel.c (reference solution): serial output, the multiboot memory fields, power-off. */
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

struct multiboot_info {
    uint32_t flags;
    uint32_t mem_lower;
    uint32_t mem_upper;
};

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

static void print_dec(uint32_t n)
{
    char buf[11];
    int i = 0;
    do {
        buf[i++] = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    while (i)
        serial_putc(buf[--i]);
}

void kmain(uint32_t magic, struct multiboot_info *info)
{
    serial_init();
    serial_puts("Hello, kernel!\n");
    if (magic == 0x2BADB002 && (info->flags & 1)) {
        serial_puts("multiboot: mem_lower=");
        print_dec(info->mem_lower);
        serial_puts(" KiB mem_upper=");
        print_dec(info->mem_upper);
        serial_puts(" KiB\n");
    } else {
        serial_puts("multiboot: bad magic\n");
    }
    outb(0xf4, 0x10);
}
