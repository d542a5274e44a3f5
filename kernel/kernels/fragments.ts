// Ring0's Kconfig fragments: what a QEMU guest needs for every Ring0 feature, and the profiles on top.

/** Profiles `ring0 kernel config --profile` knows. */
export const PROFILES = ['minimal', 'debug', 'bpf'] as const;
export type Profile = (typeof PROFILES)[number];

export function isProfile(s: string): s is Profile {
  return (PROFILES as readonly string[]).includes(s);
}

/**
 * Merged over tinyconfig + kvm_guest.config. Each line is for something Ring0 uses: the guest's /init and
 * agent (signalfd, eventfd, epoll, poll, pipes, futex-based libc, unix sockets), the shares (virtiofs,
 * overlay, tmpfs), the debugger (DWARF 5, gdb scripts, frame pointers, no KASLR needed at build time),
 * BPF and tracing (BTF, kprobes, ftrace, perf events).
 */
export const QEMU_FRAGMENT = `# Ring0: a QEMU guest that runs Ring0's /init and agent
CONFIG_LOCALVERSION="-ring0"
# CONFIG_LOCALVERSION_AUTO is not set
CONFIG_64BIT=y
CONFIG_SMP=y
CONFIG_NR_CPUS=8
CONFIG_PRINTK=y
CONFIG_BUG=y
CONFIG_EARLY_PRINTK=y
CONFIG_TTY=y
CONFIG_UNIX98_PTYS=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_MULTIUSER=y
CONFIG_SIGNALFD=y
CONFIG_EVENTFD=y
CONFIG_EPOLL=y
CONFIG_TIMERFD=y
CONFIG_FUTEX=y
CONFIG_SHMEM=y
CONFIG_POSIX_TIMERS=y
CONFIG_FILE_LOCKING=y
CONFIG_INOTIFY_USER=y
CONFIG_FHANDLE=y
CONFIG_AIO=y
CONFIG_ADVISE_SYSCALLS=y
CONFIG_SYSVIPC=y
CONFIG_PROC_FS=y
CONFIG_PROC_SYSCTL=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_IKCONFIG=y
CONFIG_IKCONFIG_PROC=y
CONFIG_PCI=y
CONFIG_VIRTIO_MENU=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_CONSOLE=y
CONFIG_FUSE_FS=y
CONFIG_VIRTIO_FS=y
CONFIG_OVERLAY_FS=y
CONFIG_NET=y
CONFIG_UNIX=y
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_MODULE_COMPRESS_NONE=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_DEBUG_KERNEL=y
CONFIG_DEBUG_INFO_DWARF5=y
CONFIG_GDB_SCRIPTS=y
CONFIG_FRAME_POINTER=y
CONFIG_UNWINDER_FRAME_POINTER=y
CONFIG_DEBUG_FS=y
CONFIG_BPF_SYSCALL=y
CONFIG_BPF_JIT=y
CONFIG_DEBUG_INFO_BTF=y
CONFIG_PERF_EVENTS=y
CONFIG_KPROBES=y
CONFIG_KPROBE_EVENTS=y
CONFIG_FTRACE=y
CONFIG_FUNCTION_TRACER=y
CONFIG_FTRACE_SYSCALLS=y
CONFIG_BPF_EVENTS=y
`;

const PROFILE_FRAGMENTS: Record<Profile, string> = {
  minimal: '',
  // KASAN needs SLUB (tinyconfig picks SLOB); lockdep and KGDB need the debug kernel above.
  debug: `# Ring0 profile: debug
CONFIG_SLUB=y
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_PROVE_LOCKING=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_KFENCE=y
CONFIG_KGDB=y
CONFIG_KGDB_SERIAL_CONSOLE=y
`,
  bpf: `# Ring0 profile: bpf
CONFIG_SECURITY=y
CONFIG_BPF_LSM=y
CONFIG_LSM="bpf"
CONFIG_BPF_JIT_ALWAYS_ON=y
CONFIG_CGROUPS=y
CONFIG_CGROUP_BPF=y
`,
};

export function profileFragment(profile: Profile): string {
  return PROFILE_FRAGMENTS[profile];
}

/** What a kernel must have for Ring0's /init and agent to come up; checked against a build's .config. */
export const AGENT_REQUIRED = [
  'SIGNALFD', 'EVENTFD', 'EPOLL', 'TIMERFD', 'FUTEX', 'SHMEM', 'MULTIUSER', 'POSIX_TIMERS', 'UNIX',
  'BLK_DEV_INITRD', 'BINFMT_ELF', 'BINFMT_SCRIPT', 'PROC_FS', 'SYSFS', 'DEVTMPFS', 'TMPFS', 'TTY',
  'SERIAL_8250_CONSOLE', 'VIRTIO_PCI', 'VIRTIO_CONSOLE', 'FUSE_FS', 'VIRTIO_FS', 'OVERLAY_FS',
] as const;
