/* boot.S: a 512-byte boot sector. The BIOS loads it at 0x7c00 and jumps to it in 16-bit real mode with
   the boot drive in DL. It prints through the BIOS serial service (int 0x14), loads the second stage
   from sectors 2.. of the same disk with int 0x13 and jumps to it. */
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

    /* TODO 3: load the second stage with int 0x13, AH=0x02 (read sectors, CHS addressing):
         AL = STAGE2_SECTORS    how many sectors
         CH = 0, DH = 0         cylinder 0, head 0
         CL = 2                 sector numbers start at 1: the boot sector is sector 1
         DL = boot_drive        the drive the BIOS booted us from
         ES:BX = STAGE2_ADDR    where to put them (ES is 0)
       The BIOS sets the carry flag on error (jc disk_error) and returns the sectors read in AL.
       Then, with DL = boot_drive again, jump there: ljmp $0, $STAGE2_ADDR */

disk_error:
    mov $failed, %si
    call puts
2:  hlt
    jmp 2b

/* puts: prints the NUL-terminated string at DS:SI on COM1 through int 0x14 AH=1. */
.global puts
puts:
    /* TODO 2: loop: lodsb (AL = the next byte at DS:SI, SI++); stop at the 0 byte (ret); else
       AH = 0x01 (send character), DX = 0 (COM1), int $0x14. */
    ret

hello:  .asciz "boot: hello from the boot sector\r\n"
failed: .asciz "boot: int 0x13 read failed\r\n"
boot_drive: .byte 0

.org 510
/* TODO 1: the BIOS boots a sector only if its last two bytes are 0x55 0xAA: .word 0xaa55 (x86 is
   little-endian). */
.word 0
