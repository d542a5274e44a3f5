/* user_prog.c: the ring-3 program. Linked into the .user pages (see linker.ld): it may call nothing
   of the kernel, only raise int 0x80 — EAX the system call number, EBX/ECX/EDX its arguments, the
   result back in EAX. */
#include <stdint.h>

char user_stack[4096] __attribute__((aligned(16)));

static int32_t sys3(int32_t n, int32_t a, int32_t b, int32_t c)
{
    int32_t r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

void user_main(void)
{
    static const char hello[] = "hello from ring 3\n";
    static const char efault[] = "write(kernel pointer) = -EFAULT\n";
    static const char wrong[] = "write(kernel pointer) was allowed!\n";
    sys3(1, 1, (int32_t)hello, sizeof(hello) - 1);
    /* 0x100000 is the kernel's own code: the kernel must refuse to read it on our behalf. */
    if (sys3(1, 1, 0x100000, 16) == -14)
        sys3(1, 1, (int32_t)efault, sizeof(efault) - 1);
    else
        sys3(1, 1, (int32_t)wrong, sizeof(wrong) - 1);
    sys3(2, 7, 0, 0);
    for (;;)
        ;
}
