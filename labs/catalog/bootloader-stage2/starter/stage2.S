/* stage2.S: the second stage, loaded by the boot sector at 0x7e00. It is two sectors long: the message
   it prints lives in the second one, so it prints only if both sectors were loaded. */
.code16
.section .text
.global _start
_start:
    mov $msg, %si
1:  lodsb
    test %al, %al
    jz 2f
    mov $0x01, %ah
    xor %dx, %dx
    int $0x14
    jmp 1b
2:  mov $0xf4, %dx              /* isa-debug-exit: QEMU exits with status (0x10 << 1) | 1 = 33 */
    mov $0x10, %al
    out %al, %dx
3:  hlt
    jmp 3b

.org 512
msg: .asciz "stage2: loaded by int 0x13, running at 0x7e00\r\n"
.org 1024
