// Builds QEMU's argument array for a Ring0 VM. Pure: every socket is a unix socket or 127.0.0.1.
import { deviceArgs } from './devices';
export type Accel = 'kvm' | 'tcg';

export interface Share {
  tag: string;
  socket: string;
}

export interface QemuSpec {
  name: string;
  accel: Accel;
  memoryMiB: number;
  cpus: number;
  kernel: string;
  initrd: string;
  /** Kernel command line words beyond Ring0's own. */
  kernelArgs: string[];
  sockets: {
    qmp: string;
    agent: string;
    serial: string;
    serialLog: string;
    /** gdb stub: a unix socket path, or a 127.0.0.1 TCP port. */
    gdb?: { unix: string } | { port: number };
  };
  shares: Share[];
  /** Extra devices by name (validated against devices.ts); added as -device NAME. */
  devices?: string[];
  /** User-supplied extra arguments (e.g. ['-device', 'edu']); appended last. */
  extra: string[];
  /** Stop the CPUs at start until a debugger continues them. */
  freeze?: boolean;
}

export const AGENT_PORT_NAME = 'org.ring0.agent';

/** Ring0's kernel command line: serial console, no reboot on panic (QEMU exits), fast boot. */
export function kernelCommandLine(spec: Pick<QemuSpec, 'kernelArgs'>): string {
  // nokaslr keeps kernel addresses equal to vmlinux's, for gdb and for decoding oopses. The rest skip
  // slow probes: under TCG, ACPI interrupt-link setup cost ~0.1-0.2 s per virtio device (acpi=noirq
  // routes PCI interrupts from the PIR table instead); one UART; no PS/2 aux/PnP probing; no crypto
  // self-tests; the TSC is trusted. Measured together: agent ready ~0.7 s sooner.
  const base = ['console=ttyS0', 'quiet', 'panic=-1', 'nokaslr', 'acpi=noirq', '8250.nr_uarts=1', 'i8042.noaux', 'i8042.nopnp', 'i8042.dumbkbd',
    'tsc=reliable', 'no_timer_check', 'cryptomgr.notests'];
  return [...base, ...spec.kernelArgs].join(' ');
}

export function qemuArgs(spec: QemuSpec): string[] {
  const args = [
    '-name', spec.name,
    '-accel', spec.accel,
    '-cpu', spec.accel === 'kvm' ? 'host' : 'max',
    '-m', `${spec.memoryMiB}`,
    '-smp', `${spec.cpus}`,
    '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
    '-kernel', spec.kernel,
    '-initrd', spec.initrd,
    '-append', kernelCommandLine(spec),
    '-chardev', `socket,id=ser0,path=${spec.sockets.serial},server=on,wait=off,logfile=${spec.sockets.serialLog},logappend=on`,
    '-serial', 'chardev:ser0',
    '-chardev', `socket,id=qmp,path=${spec.sockets.qmp},server=on,wait=off`,
    '-mon', 'chardev=qmp,mode=control',
    '-device', 'virtio-serial-pci,id=vser0',
    '-chardev', `socket,id=agent,path=${spec.sockets.agent},server=on,wait=off`,
    '-device', `virtserialport,bus=vser0.0,chardev=agent,name=${AGENT_PORT_NAME}`,
  ];
  if (spec.shares.length) {
    // vhost-user-fs needs guest RAM in a shared memory backend.
    args.push('-object', `memory-backend-memfd,id=mem,size=${spec.memoryMiB}M,share=on`, '-numa', 'node,memdev=mem');
    spec.shares.forEach((s, i) => {
      args.push('-chardev', `socket,id=vfs${i},path=${s.socket}`, '-device', `vhost-user-fs-pci,chardev=vfs${i},tag=${s.tag}`);
    });
  }
  const gdb = spec.sockets.gdb;
  if (gdb) {
    args.push('-chardev', 'unix' in gdb ? `socket,id=gdb0,path=${gdb.unix},server=on,wait=off` : `socket,id=gdb0,host=127.0.0.1,port=${gdb.port},server=on,wait=off`);
    args.push('-gdb', 'chardev:gdb0');
  }
  if (spec.freeze) args.push('-S');
  args.push(...deviceArgs(spec.devices ?? []));
  args.push(...spec.extra);
  return args;
}
