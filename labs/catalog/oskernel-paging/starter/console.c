/* console.c: the serial port (COM1) and a small kprintf, plus power-off through isa-debug-exit. */
#include <stdarg.h>
#include "kernel.h"

#define COM1 0x3f8

void serial_init(void)
{
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x80);
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);
    outb(COM1 + 2, 0xC7);
}

static void putc(char c)
{
    if (c == '\n')
        putc('\r');
    while (!(inb(COM1 + 5) & 0x20))
        ;
    outb(COM1, (uint8_t)c);
}

static void putu(uint32_t v)
{
    char buf[11];
    int i = 0;
    do
        buf[i++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while (i)
        putc(buf[--i]);
}

/* Interrupts off while printing, so that a line from one thread is never cut by another's. */
void kprintf(const char *fmt, ...)
{
    uint32_t flags;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags));
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc(*fmt);
            continue;
        }
        switch (*++fmt) {
        case 's': for (const char *s = va_arg(ap, const char *); *s; s++) putc(*s); break;
        case 'c': putc((char)va_arg(ap, int)); break;
        case 'u': putu(va_arg(ap, uint32_t)); break;
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            if (v < 0) { putc('-'); putu((uint32_t)-v); } else putu((uint32_t)v);
            break;
        }
        case 'x': {
            uint32_t v = va_arg(ap, uint32_t);
            putc('0'); putc('x');
            for (int sh = 28; sh >= 0; sh -= 4) putc("0123456789abcdef"[(v >> sh) & 0xf]);
            break;
        }
        case '%': putc('%'); break;
        default: putc('%'); putc(*fmt); break;
        }
    }
    va_end(ap);
    if (flags & 0x200)
        __asm__ volatile("sti");
}

void *memset(void *d, int c, size_t n)
{
    uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

void poweroff(void)
{
    outb(0xf4, 0x10); /* isa-debug-exit: QEMU exits with status 33 */
    for (;;)
        __asm__ volatile("cli; hlt");
}
