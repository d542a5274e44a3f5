/* timer.c: PIC remap, the PIT at a given rate, and the IRQ 0 handler counting ticks. */
#include "timer.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1

volatile uint32_t ticks;
void (*tick_hook)(void);

static inline void io_wait(void)
{
    outb(0x80, 0);
}

void pic_remap(void)
{
    outb(PIC1_CMD, 0x11); io_wait();          /* ICW1: init, ICW4 follows */
    outb(PIC2_CMD, 0x11); io_wait();
    outb(PIC1_DATA, IRQ_BASE); io_wait();     /* ICW2: vector offsets */
    outb(PIC2_DATA, IRQ_BASE + 8); io_wait();
    outb(PIC1_DATA, 0x04); io_wait();         /* ICW3: slave on IRQ 2 */
    outb(PIC2_DATA, 0x02); io_wait();
    outb(PIC1_DATA, 0x01); io_wait();         /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01); io_wait();
    outb(PIC1_DATA, 0xFE);                    /* mask everything but IRQ 0 */
    outb(PIC2_DATA, 0xFF);
}

void pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, 0x20);
    outb(PIC1_CMD, 0x20);
}

static void timer_irq(struct frame *f)
{
    (void)f;
    ticks++;
    pic_eoi(0);
    if (tick_hook)
        tick_hook();
}

void timer_init(uint32_t hz)
{
    uint32_t divisor = PIT_HZ / hz;
    set_handler(IRQ_BASE + 0, timer_irq);
    outb(0x43, 0x36);                         /* channel 0, lobyte/hibyte, mode 3 (square wave) */
    outb(0x40, divisor & 0xff);
    outb(0x40, (divisor >> 8) & 0xff);
}
