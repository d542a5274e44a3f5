/* isr.S: the entry stub for vector 0 (#DE, divide error). The CPU pushes EFLAGS, CS and EIP (no
   error code for #DE); the stub pushes a dummy error code and the vector number so every exception
   has the same frame, saves the general registers, and calls exception_handler(struct frame *).
   Whatever the handler leaves in frame->eip is where IRET resumes. */
.section .text
.global isr0
.type isr0, @function
isr0:
    push $0                     /* dummy error code */
    push $0                     /* vector number */
    pusha                       /* EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI */
    push %esp                   /* argument: a pointer to the frame we just built */
    call exception_handler
    add $4, %esp
    popa
    add $8, %esp                /* vector and error code */
    iret

.section .note.GNU-stack, "", @progbits
