/* vmm.c: a minimal KVM virtual machine monitor. KVM does the CPU virtualization in the kernel; a VMM
   is an ordinary process that drives it through ioctl()s on file descriptors:
     /dev/kvm (the system) -> a VM fd (memory, vCPUs) -> a vCPU fd (registers, KVM_RUN).
   Build: cc -O2 -Wall -o /tmp/vmm vmm.c     Run (in a VM with nested KVM, or on a host): /tmp/vmm */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_ADDR 0x1000

/* The guest: 16-bit real-mode machine code, placed at guest-physical GUEST_ADDR. */
static const uint8_t guest_code[] = {
    /* TODO 6: before the hlt, write "Hi\n" to the serial port 0x3f8, one byte at a time:
         0xba, 0xf8, 0x03,   mov $0x3f8, %dx
         0xb0, 'H',          mov $'H', %al
         0xee,               out %al, (%dx)      ... and the same for 'i' and '\n' */
    0xf4, /* hlt */
};

static void die(const char *what)
{
    fprintf(stderr, "vmm: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(void)
{
    /* TODO 1: open /dev/kvm (O_RDWR | O_CLOEXEC); KVM_GET_API_VERSION must return KVM_API_VERSION
       (12). Print "KVM API version <n>". */

    /* TODO 2: KVM_CREATE_VM (on the /dev/kvm fd, argument 0) returns the VM fd. */

    /* TODO 3: guest memory is ordinary memory of this process: mmap one page (PROT_READ|PROT_WRITE,
       MAP_SHARED|MAP_ANONYMOUS), copy guest_code into it, and tell KVM where it appears in the
       guest with KVM_SET_USER_MEMORY_REGION: a struct kvm_userspace_memory_region with slot 0,
       guest_phys_addr GUEST_ADDR, memory_size 0x1000, userspace_addr = the mmap'd address. */

    /* TODO 4: KVM_CREATE_VCPU (on the VM fd, argument 0: vCPU id) returns the vCPU fd. Its shared
       struct kvm_run (where KVM_RUN reports why it returned) is mmap'd from the vCPU fd, size
       ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL). Print "created a VM with one vCPU". */

    /* TODO 5: registers. The vCPU starts in real mode; KVM_GET_SREGS, set cs.base = 0 and
       cs.selector = 0, KVM_SET_SREGS; then KVM_SET_REGS with rip = GUEST_ADDR and rflags = 0x2
       (bit 1 is reserved and must be set). */

    /* TODO 7: loop on ioctl(vcpu, KVM_RUN, NULL) and look at run->exit_reason:
         KVM_EXIT_IO:  the guest executed in/out. For an out (run->io.direction == KVM_EXIT_IO_OUT)
                       of size 1 to port 0x3f8, the bytes are at (char *)run + run->io.data_offset
                       (run->io.count of them): putchar them.
         KVM_EXIT_HLT: print "KVM_EXIT_HLT" and exit 0.
         anything else (KVM_EXIT_FAIL_ENTRY, KVM_EXIT_INTERNAL_ERROR, ...): print it, exit 1. */
    (void)guest_code;
    (void)die;
    return 1;
}
