// What a VM boots with: the options of Vm.boot, and how the shared VM settings become them.
import type { AccelSetting } from './accel';
import type { VmSettings } from './settings';

export interface VmOptions {
  workspace: string;
  /** A user's bzImage; empty for Debian's cloud kernel. */
  kernel?: string;
  memoryMiB?: number;
  cpus?: number;
  accel?: AccelSetting;
  kernelArgs?: string[];
  /** From settings (files a repository can carry): allow-listed. */
  qemuArgs?: string[];
  /** From the person's own command line (--qemu-arg): anything but a listener beyond loopback. */
  ownQemuArgs?: string[];
  /** Extra QEMU devices by name (allow-list in devices.ts). */
  devices?: string[];
  shareHostRoot?: boolean;
  /** Start QEMU's gdb stub on a unix socket in the run directory. */
  gdb?: boolean;
  cacheDir?: string;
  /** Where kernel/guest lives (the repo, or the packaged extension). */
  guestDir?: string;
  bootTimeoutMs?: number;
  onProgress?: (label: string, fraction?: number) => void;
}

/** Boot options from the shared VM settings (workspace settings.json, CLI flags or VS Code config). */
export function bootOptions(workspace: string, settings: VmSettings, extra: Partial<VmOptions> = {}): VmOptions {
  return {
    workspace,
    kernel: settings.kernel || undefined,
    memoryMiB: settings.memoryMiB,
    cpus: settings.cpus,
    accel: settings.accel,
    kernelArgs: settings.kernelArgs,
    qemuArgs: settings.qemuArgs,
    ownQemuArgs: settings.ownQemuArgs ?? [],
    devices: settings.devices ?? [],
    shareHostRoot: settings.shareHostRoot,
    ...extra,
  };
}
