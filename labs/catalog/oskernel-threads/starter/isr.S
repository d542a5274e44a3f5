/* isr.S: one entry stub per vector (CPU exceptions 0-31, PIC IRQs 32-47, system call 0x80). Each makes
   the same frame — error code (the CPU's, or a dummy 0), vector number, the general registers — and
   calls interrupt_dispatch(struct frame *). IRET resumes at whatever frame->eip then says. */
.macro STUB n
isr\n:
.if (\n == 8) || (\n >= 10 && \n <= 14) || (\n == 17) || (\n == 21)
    /* the CPU pushed an error code */
.else
    push $0
.endif
    push $\n
    jmp common_stub
.endm

.section .text
common_stub:
    pusha                       /* EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI */
    cld
    push %esp                   /* argument: a pointer to the frame we just built */
    call interrupt_dispatch
    add $4, %esp
    popa
    add $8, %esp                /* vector and error code */
    iret

.altmacro
.macro STUBS from, to
    STUB %(\from)
.if \to - \from
    STUBS %(\from + 1), \to
.endif
.endm
STUBS 0, 47
STUB 128

/* isr_table[v]: the stub's address for vectors 0-47, then the one for 0x80 at index 48. */
.macro ADDR n
    .long isr\n
.endm
.macro ADDRS from, to
    ADDR %(\from)
.if \to - \from
    ADDRS %(\from + 1), \to
.endif
.endm
.section .rodata
.global isr_table
isr_table:
    ADDRS 0, 47
    ADDR 128

.section .note.GNU-stack, "", @progbits
