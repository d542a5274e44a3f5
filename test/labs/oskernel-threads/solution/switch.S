/* switch.S (reference solution): switch_to(uint32_t *old_esp, uint32_t new_esp). The C calling
   convention lets a callee clobber EAX, ECX and EDX; EBX, ESI, EDI and EBP must survive the call,
   so those four are what a thread's stack must keep while it is switched out. */
.section .text
.global switch_to
.type switch_to, @function
switch_to:
    mov 4(%esp), %eax           /* old_esp */
    mov 8(%esp), %edx           /* new_esp */
    push %ebp
    push %ebx
    push %esi
    push %edi
    mov %esp, (%eax)
    mov %edx, %esp
    pop %edi
    pop %esi
    pop %ebx
    pop %ebp
    ret

/* Where a new thread's first switch_to returns: interrupts on (we came from the timer interrupt,
   which runs with IF clear), then the C entry. */
.global thread_trampoline
thread_trampoline:
    sti
    call thread_start
1:  hlt
    jmp 1b

.section .note.GNU-stack, "", @progbits
