/* boot.S: the multiboot header and the entry point. The loader (QEMU's -kernel, or GRUB) jumps to
   _start in 32-bit protected mode with paging off, EAX = the multiboot magic 0x2BADB002 and
   EBX = the physical address of the multiboot information structure. There is no stack yet. */

/* TODO 1: the multiboot header: three 32-bit words, 4-byte aligned, in the first 8 KiB of the file:
     magic    = 0x1BADB002
     flags    = 0 is enough here (bit 0: align modules, bit 1: give memory info; QEMU gives mem_* anyway)
     checksum = -(magic + flags), so the three words sum to zero
   Until they are right, QEMU says "Error loading uncompressed kernel without PVH ELF Note". */
.set MB_MAGIC,    0
.set MB_FLAGS,    0
.set MB_CHECKSUM, 0

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

.section .text
.global _start
.type _start, @function
_start:
    mov $stack_top, %esp        /* a stack, so C can run */
    /* TODO 2: pass the loader's EAX (magic) and EBX (info pointer) to kmain(magic, info): cdecl
       arguments go on the stack, last one first. */
    call kmain
1:  cli                         /* if kmain returns: stop the CPU for good */
    hlt
    jmp 1b

.section .note.GNU-stack, "", @progbits
