// What a kernel debug session attaches to: the workspace's Ring0 VM with QEMU's gdb stub on a unix
// socket (booted for `launch`, found for `attach`), the vmlinux with DWARF and the kernel sources.
import { existsSync } from 'node:fs';
import { kernelSeriesOf, kernelSourceDir } from '../../kernel/host/kernelSource';
import { startVm, stopVm, vmStatus } from '../../kernel/vm/manager';
import { vmPaths } from '../../kernel/vm/paths';
import { readWorkspaceVmSettings, type VmSettings } from '../../kernel/vm/settings';
import { readState } from '../../kernel/vm/state';
import { ownBuildOf, rebuildBeforeLaunch, type OwnBuild } from './ownKernel';

export interface KernelTarget {
  workspace: string;
  /** Unix socket of QEMU's gdb stub. */
  gdbSocket: string;
  vmlinux: string;
  release?: string;
  /** Kernel source tree, when one is installed or given. */
  sourceDir?: string;
  /** True when this session booted the VM (so ending the session stops it). */
  booted: boolean;
  daemonPid?: number;
  /** Set for a kernel from `ring0 kernel build`. */
  ownBuild?: OwnBuild;
}

export interface TargetOptions {
  workspace: string;
  request: 'launch' | 'attach';
  vmlinux?: string;
  sourceDir?: string;
  /** VM settings as the client resolved them (VS Code's layers); else the workspace's settings.json. */
  settings?: VmSettings;
  /** The bundled CLI (dist/cli.js) that runs the VM daemon. */
  cliPath: string;
  onProgress?: (label: string) => void;
}

export async function resolveTarget(o: TargetOptions): Promise<KernelTarget> {
  const paths = vmPaths(o.workspace);
  let state = readState(paths);
  let booted = false;
  const status = vmStatus(o.workspace);
  if (o.request === 'attach') {
    if (status.state !== 'running' || !state) throw new Error(`no Ring0 VM is running for ${o.workspace}: start one with 'ring0 vm start --gdb' or use a "launch" configuration`);
    if (!state.gdbSocket || !existsSync(state.gdbSocket)) throw new Error("the running VM has no gdb stub: restart it with 'ring0 vm start --gdb' (or use a \"launch\" configuration, which does)");
  } else {
    const settings = o.settings ?? readWorkspaceVmSettings(o.workspace);
    const rebuilt = await rebuildBeforeLaunch(o.workspace, settings.kernel, (l) => o.onProgress?.(l));
    if (rebuilt?.imageChanged && status.state === 'running') {
      o.onProgress?.('Restarting the VM on the new kernel');
      await stopVm(o.workspace);
    }
    if (vmStatus(o.workspace).state === 'running' && state && (!state.gdbSocket || !existsSync(state.gdbSocket))) {
      o.onProgress?.('Restarting the VM with the gdb stub');
      await stopVm(o.workspace);
    }
    if (vmStatus(o.workspace).state !== 'running') {
      o.onProgress?.('Booting the VM with the gdb stub');
      const r = await startVm({ workspace: o.workspace, settings, cliPath: o.cliPath, gdb: true, onProgress: (l) => o.onProgress?.(l) });
      booted = !r.alreadyRunning;
    }
    state = readState(paths);
    if (!state?.gdbSocket) throw new Error(`the VM started without a gdb stub; see ${paths.daemonLog}`);
  }
  const vmlinux = o.vmlinux ?? state.kernel?.vmlinux;
  const release = state.kernel?.release;
  if (!vmlinux) {
    throw new Error(`no vmlinux with debug symbols for ${release ?? 'the VM kernel'}: run 'ring0 setup --debug-symbols' (Debian's linux-image-${release ?? 'cloud-amd64'}-dbg), or set "vmlinux" in the launch configuration`);
  }
  if (!existsSync(vmlinux)) throw new Error(`vmlinux ${vmlinux} does not exist`);
  const ownBuild = ownBuildOf(vmlinux);
  const sourceDir = o.sourceDir ?? ownBuild?.source ?? kernelSourceDir(kernelSeriesOf(release));
  return { workspace: o.workspace, gdbSocket: state.gdbSocket, vmlinux, release, sourceDir, booted, daemonPid: state.daemonPid, ...(ownBuild ? { ownBuild } : {}) };
}

export async function releaseTarget(t: KernelTarget): Promise<void> {
  if (t.booted) await stopVm(t.workspace);
}
