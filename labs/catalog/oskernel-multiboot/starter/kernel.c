/* kernel.c: the C side of a bare-metal kernel. No libc here: every byte that reaches the serial
   port goes through the UART's I/O ports. */
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

/* The first fields of the multiboot information structure (multiboot spec 0.6.96, section 3.3). */
struct multiboot_info {
    uint32_t flags;     /* bit 0 set: mem_lower and mem_upper are valid */
    uint32_t mem_lower; /* KiB of memory below 1 MiB */
    uint32_t mem_upper; /* KiB of memory above 1 MiB */
};

static void serial_init(void)
{
    /* TODO 3: program the 16550 UART at COM1:
         COM1+1 = 0x00  (no UART interrupts)
         COM1+3 = 0x80  (DLAB on: the next two registers are the baud-rate divisor)
         COM1+0 = 0x03, COM1+1 = 0x00  (divisor 3: 38400 baud)
         COM1+3 = 0x03  (DLAB off; 8 data bits, no parity, one stop bit)
         COM1+2 = 0xC7  (FIFOs on, cleared) */
}

static void serial_putc(char c)
{
    /* TODO 4: wait until the transmit holding register is empty (bit 5 of the line status
       register COM1+5), then write c to COM1. */
    (void)c;
}

static void serial_puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            serial_putc('\r');
        serial_putc(*s++);
    }
}

void kmain(uint32_t magic, struct multiboot_info *info)
{
    serial_init();
    serial_puts("Hello, kernel!\n");

    /* TODO 5: if magic is 0x2BADB002 and bit 0 of info->flags is set, print
         multiboot: mem_lower=<n> KiB mem_upper=<n> KiB
       in decimal (write a small print_dec: no printf here). */
    (void)magic;
    (void)info;

    /* TODO 6: power QEMU off: write 0x10 to port 0xf4 (QEMU's isa-debug-exit device, which the
       checker adds; QEMU then exits with status (0x10 << 1) | 1 = 33). */
}
