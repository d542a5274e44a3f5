/* user.h: ring 3: the TSS (the kernel stack the CPU switches to on an interrupt from user mode), the
   int 0x80 system call gate, and the jump to a user program. */
#ifndef USER_H
#define USER_H
#include "kernel.h"

#define USER_CS 0x1B                 /* GDT entry 3 | RPL 3 */
#define USER_DS 0x23                 /* GDT entry 4 | RPL 3 */
#define TSS_SEL 0x28                 /* GDT entry 5 */
#define SYS_write 1                  /* write(fd, buf, len): len, or -EFAULT */
#define SYS_exit  2                  /* exit(status): never returns */
#define EFAULT    14

void user_init(void);
/* Drops to ring 3 at `entry` with the stack `esp`; returns only if it could not. */
void enter_user(uint32_t entry, uint32_t esp);
extern char __user_start[], __user_end[];
#endif
