/* boot.S: the multiboot header, a stack, our own GDT, then kmain. (Done in oskernel-multiboot;
   new here: the GDT, because the IDT's gates name a code segment selector of OUR GDT.) */
.set MB_MAGIC,    0x1BADB002
.set MB_FLAGS,    0
.set MB_CHECKSUM, -(MB_MAGIC + MB_FLAGS)

.section .multiboot, "a"
.align 4
.long MB_MAGIC
.long MB_FLAGS
.long MB_CHECKSUM

.section .bss
.align 16
stack_bottom:
.skip 16384
stack_top:

.section .data
.align 8
/* A flat GDT: null, kernel code (selector 0x08), kernel data (selector 0x10), each base 0 limit 4 GiB. */
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF
    .quad 0x00CF92000000FFFF
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
