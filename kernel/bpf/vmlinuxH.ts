// vmlinux.h for the VM kernel, cached per kernel release: from the debug vmlinux's BTF on the host
// (identical to the guest's /sys/kernel/btf/vmlinux), else bpftool in the running VM. Never the
// host's own /sys/kernel/btf: the host runs another kernel.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentClient } from '../agent/client';
import { cacheDir } from '../util/paths';
import { run } from '../util/run';
import type { KernelImage } from '../vm/kernelImage';

export interface VmlinuxHeader {
  /** The directory to pass as -I. */
  dir: string;
  file: string;
  source: 'cache' | 'debug-vmlinux' | 'guest';
}

export interface VmlinuxHOptions {
  kernel: Pick<KernelImage, 'release' | 'vmlinux'>;
  /** Connects to the running workspace VM, for the fallback; may throw when none runs. */
  connect?: () => Promise<AgentClient>;
  cache?: string;
}

export function vmlinuxHPath(release: string, cache = cacheDir()): string {
  return path.join(cache, 'vmlinux-h', release, 'vmlinux.h');
}

function writeAtomically(file: string, data: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** A self-built kernel keeps its release across rebuilds and configs: key its header by the vmlinux too. */
function headerKey(k: VmlinuxHOptions['kernel']): string {
  if (!k.vmlinux || !existsSync(k.vmlinux) || k.vmlinux.startsWith('/usr/lib/debug/')) return k.release;
  const st = statSync(k.vmlinux);
  return `${k.release}-${createHash('sha256').update(`${k.vmlinux}\0${st.size}\0${st.mtimeMs}`).digest('hex').slice(0, 12)}`;
}

export async function ensureVmlinuxH(o: VmlinuxHOptions): Promise<VmlinuxHeader> {
  const file = vmlinuxHPath(headerKey(o.kernel), o.cache);
  const dir = path.dirname(file);
  if (existsSync(file)) return { dir, file, source: 'cache' };
  if (o.kernel.vmlinux && existsSync(o.kernel.vmlinux)) {
    const r = await run('bpftool', ['btf', 'dump', 'file', o.kernel.vmlinux, 'format', 'c'], { timeoutMs: 120_000, maxOutputBytes: 256 * 1024 * 1024 });
    if (r.spawnError) throw new Error(`cannot run bpftool: ${r.spawnError}; install the bpftool package`);
    if (r.code !== 0 || !r.stdout.includes('#ifndef __VMLINUX_H__')) throw new Error(`bpftool could not dump the BTF of ${o.kernel.vmlinux}: ${r.stderr.trim() || `exit ${r.code}`}`);
    writeAtomically(file, r.stdout);
    return { dir, file, source: 'debug-vmlinux' };
  }
  let agent: AgentClient | undefined;
  try {
    agent = await o.connect?.();
  } catch {
    agent = undefined;
  }
  if (!agent) {
    throw new Error(`no BTF for kernel ${o.kernel.release}: the debug vmlinux is not installed and no VM is running. Run 'ring0 setup --debug-symbols', or start the VM with 'ring0 vm start' and build again.`);
  }
  try {
    const r = await agent.run(['bpftool', 'btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c'], { timeoutMs: 120_000 });
    if (r.exitCode !== 0 || !r.stdout.includes('#ifndef __VMLINUX_H__')) throw new Error(`bpftool in the VM could not dump /sys/kernel/btf/vmlinux: ${r.stderr.toString().trim() || `exit ${r.exitCode}`}`);
    writeAtomically(file, r.stdout);
    return { dir, file, source: 'guest' };
  } finally {
    agent.close();
  }
}
