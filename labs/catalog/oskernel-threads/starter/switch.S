/* switch.S: switch_to(uint32_t *old_esp, uint32_t new_esp). The C calling convention lets a callee
   clobber EAX, ECX and EDX; EBX, ESI, EDI and EBP must survive the call, so those four are what a
   thread's stack must keep while it is switched out. */
.section .text
.global switch_to
.type switch_to, @function
switch_to:
    /* TODO 1: load old_esp (4(%esp)) and new_esp (8(%esp)) into EAX and EDX; push EBP, EBX, ESI,
       EDI; store ESP at (%eax); load EDX into ESP; pop EDI, ESI, EBX, EBP (the reverse order); ret.
       The ret pops the return address from the NEW stack: it returns into the other thread. */
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
