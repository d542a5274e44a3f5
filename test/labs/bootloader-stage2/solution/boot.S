/* boot.S (reference solution): a 512-byte boot sector. The BIOS loads it at 0x7c00 and jumps to it in
   16-bit real mode with the boot drive in DL. It prints through the BIOS serial service (int 0x14),
   loads the second stage from sectors 2.. of the same disk with int 0x13 and jumps to it. */
.code16
.set STAGE2_ADDR, 0x7e00        /* right after this sector */
.set STAGE2_SECTORS, 2

.section .text
.global _start
_start:
    cli
    xor %ax, %ax                /* segments: the BIOS may jump to 07c0:0000 or 0000:7c00 */
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov $0x7c00, %sp            /* the stack grows down from just below us */
    ljmp $0, $1f
1:  sti
    mov %dl, boot_drive

    mov $0x00e3, %ax            /* int 0x14 AH=0: init COM1, 9600 8N1 */
    xor %dx, %dx
    int $0x14
    mov $hello, %si
    call puts

    /* int 0x13 AH=2: read AL sectors from cylinder CH, head DH, sector CL (1-based) of drive DL to ES:BX. */
    mov $0x02, %ah
    mov $STAGE2_SECTORS, %al
    mov $0, %ch
    mov $2, %cl
    mov $0, %dh
    mov boot_drive, %dl
    mov $STAGE2_ADDR, %bx
    int $0x13
    jc disk_error
    cmp $STAGE2_SECTORS, %al
    jne disk_error
    mov boot_drive, %dl
    ljmp $0, $STAGE2_ADDR

disk_error:
    mov $failed, %si
    call puts
2:  hlt
    jmp 2b

/* puts: prints the NUL-terminated string at DS:SI on COM1 through int 0x14 AH=1. */
.global puts
puts:
    lodsb
    test %al, %al
    jz 3f
    mov $0x01, %ah
    xor %dx, %dx
    int $0x14
    jmp puts
3:  ret

hello:  .asciz "boot: hello from the boot sector\r\n"
failed: .asciz "boot: int 0x13 read failed\r\n"
boot_drive: .byte 0

.org 510
.word 0xaa55                    /* the BIOS boots a sector only if it ends with 55 AA */
