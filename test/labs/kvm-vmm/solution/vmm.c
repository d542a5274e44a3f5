/* vmm.c (reference solution): a minimal KVM virtual machine monitor. One page of guest memory at
   guest-physical 0x1000 holding 16-bit real-mode code that writes "Hi\n" to port 0x3f8 and halts;
   the VMM runs the vCPU, prints each byte the guest writes to that port, and stops at KVM_EXIT_HLT. */
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

static const uint8_t guest_code[] = {
    0xba, 0xf8, 0x03, /* mov $0x3f8, %dx */
    0xb0, 'H',        /* mov $'H', %al */
    0xee,             /* out %al, (%dx) */
    0xb0, 'i',        /* mov $'i', %al */
    0xee,             /* out %al, (%dx) */
    0xb0, '\n',       /* mov $'\n', %al */
    0xee,             /* out %al, (%dx) */
    0xf4,             /* hlt */
};

static void die(const char *what)
{
    fprintf(stderr, "vmm: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        die("open /dev/kvm");
    int api = ioctl(kvm, KVM_GET_API_VERSION, NULL);
    if (api != KVM_API_VERSION) {
        fprintf(stderr, "vmm: KVM API version %d, expected %d\n", api, KVM_API_VERSION);
        return 1;
    }
    printf("KVM API version %d\n", api);

    int vm = ioctl(kvm, KVM_CREATE_VM, 0UL);
    if (vm < 0)
        die("KVM_CREATE_VM");

    uint8_t *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        die("mmap guest memory");
    memcpy(mem, guest_code, sizeof(guest_code));
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = GUEST_ADDR,
        .memory_size = 0x1000,
        .userspace_addr = (uint64_t)(uintptr_t)mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        die("KVM_SET_USER_MEMORY_REGION");

    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0UL);
    if (vcpu < 0)
        die("KVM_CREATE_VCPU");
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, NULL);
    if (run_size < (int)sizeof(struct kvm_run))
        die("KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        die("mmap kvm_run");
    printf("created a VM with one vCPU\n");

    /* Real mode, flat CS at 0: the vCPU starts at CS:IP = 0:0x1000. */
    struct kvm_sregs sregs;
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        die("KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        die("KVM_SET_SREGS");
    struct kvm_regs regs = { .rip = GUEST_ADDR, .rflags = 0x2 };
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        die("KVM_SET_REGS");

    for (;;) {
        if (ioctl(vcpu, KVM_RUN, NULL) < 0)
            die("KVM_RUN");
        switch (run->exit_reason) {
        case KVM_EXIT_HLT:
            fflush(stdout);
            printf("KVM_EXIT_HLT\n");
            return 0;
        case KVM_EXIT_IO:
            if (run->io.direction == KVM_EXIT_IO_OUT && run->io.size == 1 && run->io.port == 0x3f8) {
                const char *data = (const char *)run + run->io.data_offset;
                for (uint32_t i = 0; i < run->io.count; i++)
                    putchar(data[i]);
            } else {
                fprintf(stderr, "vmm: unhandled I/O: port 0x%x, size %u, %s\n", run->io.port, run->io.size,
                        run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in");
                return 1;
            }
            break;
        case KVM_EXIT_FAIL_ENTRY:
            fprintf(stderr, "vmm: KVM_EXIT_FAIL_ENTRY: hardware_entry_failure_reason 0x%llx\n",
                    (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
            return 1;
        case KVM_EXIT_INTERNAL_ERROR:
            fprintf(stderr, "vmm: KVM_EXIT_INTERNAL_ERROR: suberror %u\n", run->internal.suberror);
            return 1;
        default:
            fprintf(stderr, "vmm: unexpected exit_reason %u\n", run->exit_reason);
            return 1;
        }
    }
}
