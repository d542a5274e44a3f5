/* timer.h: the 8259 PICs (IRQ 0-15 moved to vectors 32-47) and the 8253/8254 PIT on IRQ 0. */
#ifndef TIMER_H
#define TIMER_H
#include "kernel.h"

#define IRQ_BASE 32
#define PIT_HZ   1193182u            /* the PIT's input clock */

void pic_remap(void);
void pic_eoi(int irq);
void timer_init(uint32_t hz);
/* Called on every tick, after the tick is counted and acknowledged (the scheduler's hook). */
extern void (*tick_hook)(void);
extern volatile uint32_t ticks;
#endif
