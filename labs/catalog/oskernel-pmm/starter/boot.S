/* boot.S: the multiboot header, a stack, our own GDT (kernel and user segments, a TSS slot), then kmain. */
.set MB_MAGIC,    0x1BADB002
.set MB_FLAGS,    0x3           /* page-aligned modules, and pass the memory map */
.set MB_CHECKSUM, -(MB_MAGIC + MB_FLAGS)

.section .multiboot, "a"
.align 4
.long MB_MAGIC
.long MB_FLAGS
.long MB_CHECKSUM

.section .bss
.align 16
.global stack_top
stack_bottom:
.skip 16384
stack_top:

.section .data
.align 8
/* Flat segments, base 0 limit 4 GiB: kernel code 0x08, kernel data 0x10, user code 0x18 (| 3),
   user data 0x20 (| 3); slot 0x28 is for the TSS (filled in by the user-mode lab). */
.global gdt
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF
    .quad 0x00CF92000000FFFF
    .quad 0x00CFFA000000FFFF
    .quad 0x00CFF2000000FFFF
    .quad 0
gdt_end:
gdt_ptr:
    .word gdt_end - gdt - 1
    .long gdt

.section .text
.global _start
.type _start, @function
_start:
    mov $stack_top, %esp
    lgdt gdt_ptr
    ljmp $0x08, $1f             /* reload CS from our GDT */
1:  mov $0x10, %cx
    mov %cx, %ds
    mov %cx, %es
    mov %cx, %fs
    mov %cx, %gs
    mov %cx, %ss
    push %ebx
    push %eax
    call kmain
2:  cli
    hlt
    jmp 2b

.section .note.GNU-stack, "", @progbits
