/* timer.c: PIC remap, the PIT at a given rate, and the IRQ 0 handler counting ticks. */
#include "timer.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

volatile uint32_t ticks;
void (*tick_hook)(void);

/* A write to an unused port: gives the old PICs time between initialization words. */
static inline __attribute__((unused)) void io_wait(void)
{
    outb(0x80, 0);
}

void pic_remap(void)
{
    /* TODO 1: re-initialize both PICs so IRQ 0-7 arrive on vectors 32-39 and IRQ 8-15 on 40-47
       (after the BIOS, IRQ 0 arrives on vector 8 — the double-fault vector). Four words each, an
       io_wait() after every one:
         ICW1 0x11 to PIC1_CMD and PIC2_CMD (initialize, ICW4 follows)
         ICW2 the vector offset to PIC1_DATA (IRQ_BASE) and PIC2_DATA (IRQ_BASE + 8)
         ICW3 0x04 to PIC1_DATA (a slave on IRQ 2), 0x02 to PIC2_DATA (its cascade identity)
         ICW4 0x01 to both DATA ports (8086 mode)
       Then mask every IRQ but 0: 0xFE to PIC1_DATA, 0xFF to PIC2_DATA. */
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}

static __attribute__((unused)) void timer_irq(struct frame *f)
{
    (void)f;
    /* TODO 3: count the tick, then acknowledge IRQ 0 with pic_eoi(0) — until it is acknowledged the
       PIC delivers no further interrupt of this or lower priority — then call tick_hook if set. */
}

void timer_init(uint32_t hz)
{
    /* TODO 2: register timer_irq for vector IRQ_BASE + 0 (set_handler), then program PIT channel 0:
       the command byte 0x36 (channel 0, low byte then high byte, mode 3) to port 0x43, then the
       16-bit divisor PIT_HZ / hz to port 0x40, low byte first. */
    (void)hz;
}
