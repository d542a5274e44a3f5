// Builds a BPF C source (X.bpf.c → X.bpf.o) with clang -target bpf against the VM kernel's vmlinux.h;
// clang's messages become diagnostics on the user's lines.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AgentClient } from '../agent/client';
import { upsertCompileCommand } from '../build/compileCommands';
import { parseCompilerOutput, type BuildResult } from '../build/diagnostics';
import { run } from '../util/run';
import { findDefaultKernel, type KernelImage } from '../vm/kernelImage';
import { ensureVmlinuxH, type VmlinuxHeader } from './vmlinuxH';

export interface BpfBuildOptions {
  file: string;
  kernel?: Pick<KernelImage, 'release' | 'vmlinux'>;
  /** For the vmlinux.h fallback: bpftool in the running VM. */
  connect?: () => Promise<AgentClient>;
  cache?: string;
  /** Extra clang arguments (e.g. -DDEBUG). */
  cflags?: string[];
}

export interface BpfBuildResult extends BuildResult {
  log: string;
  vmlinuxH?: VmlinuxHeader;
}

/** X.bpf.c → X.bpf.o; any other X.c → X.o. */
export function bpfObjectPath(file: string): string {
  return file.replace(/\.c$/, '') + '.o';
}

/** Debian keeps asm/types.h (needed by <linux/bpf.h>) under the multiarch include directory. */
const MULTIARCH = '/usr/include/x86_64-linux-gnu';

export function clangArgs(file: string, includeDir: string, out: string, extra: string[] = []): string[] {
  const multiarch = existsSync(MULTIARCH) ? ['-idirafter', MULTIARCH] : [];
  return ['-O2', '-g', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${includeDir}`, ...multiarch, '-fno-color-diagnostics', ...extra, '-c', file, '-o', out];
}

export async function buildBpf(o: BpfBuildOptions): Promise<BpfBuildResult> {
  const file = path.resolve(o.file);
  if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${file} does not exist`);
  if (!file.endsWith('.c')) throw new Error(`${file} is not a C source (expected NAME.bpf.c)`);
  const kernel = o.kernel ?? findDefaultKernel();
  if (!kernel) throw new Error('no Debian cloud kernel is installed in /boot; run `ring0 setup`');
  const vmlinuxH = await ensureVmlinuxH({ kernel, connect: o.connect, cache: o.cache });
  const out = bpfObjectPath(file);
  const args = clangArgs(file, vmlinuxH.dir, out, o.cflags);
  const r = await run('clang', args, { timeoutMs: 120_000, env: { ...process.env, LC_ALL: 'C' } });
  if (r.spawnError) throw new Error(`cannot run clang: ${r.spawnError}; install clang`);
  try {
    // clangd then finds vmlinux.h and the BPF target for this source.
    upsertCompileCommand(path.dirname(file), { directory: path.dirname(file), file, arguments: ['clang', ...args] });
  } catch {
    // a read-only folder: building still worked
  }
  const diagnostics = parseCompilerOutput(r.stderr, { userDir: path.dirname(file), searchDirs: [path.dirname(file)], exists: existsSync });
  const ok = r.code === 0 && !r.timedOut;
  if (!ok && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({ file, line: 1, column: 1, severity: 'error', message: r.timedOut ? 'clang timed out' : `clang failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ') || `exit ${r.code}`}` });
  }
  return { ok, artifacts: ok ? [out] : [], diagnostics, log: r.stdout + r.stderr, vmlinuxH };
}
