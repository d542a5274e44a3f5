/* idt.c: the IDT (done in oskernel-idt, now for every vector isr.S has a stub for) and the dispatch
   from the common stub to the handler registered for a vector. */
#include "kernel.h"

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_high;
} __attribute__((packed));

struct idt_ptr {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct idt_gate idt[256];
static handler_t handlers[256];
extern const uint32_t isr_table[49];

void idt_set_gate(int vector, uint32_t handler, uint16_t selector, uint8_t type_attr)
{
    idt[vector].offset_low = handler & 0xffff;
    idt[vector].selector = selector;
    idt[vector].zero = 0;
    idt[vector].type_attr = type_attr;
    idt[vector].offset_high = handler >> 16;
}

void idt_init(void)
{
    for (int v = 0; v < 48; v++)
        idt_set_gate(v, isr_table[v], 0x08, 0x8E);
    idt_set_gate(0x80, isr_table[48], 0x08, 0x8E);
    struct idt_ptr ptr = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void set_handler(int vector, handler_t h)
{
    handlers[vector] = h;
}

void interrupt_dispatch(struct frame *f)
{
    if (handlers[f->vector]) {
        handlers[f->vector](f);
        return;
    }
    kprintf("unhandled interrupt %u (error code %x) at eip=%x: nothing is registered for it, halting\n", f->vector, f->error_code, f->eip);
    poweroff();
}
