// Debugging a kernel built with `ring0 kernel build`: F5 rebuilds it first (incrementally; a failed build
// boots nothing), its DWARF names the tree's own files (no substitute-path), and the tree's gdb scripts
// (vmlinux-gdb.py, with add-auto-load-safe-path) give the lx-* commands.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { formatDiagnostic } from '../../kernel/build/diagnostics';
import { buildKernel, readBuildInfo } from '../../kernel/kernels/build';
import { workspaceBuildDir } from '../../kernel/kernels/settings';

export interface OwnBuild {
  buildDir: string;
  /** The kernel tree the build compiled: frames open these files directly. */
  source: string;
  /** BUILD/vmlinux-gdb.py, made by the build's scripts_gdb, when present. */
  gdbScript?: string;
}

/** The Ring0 build VMLINUX belongs to, or undefined for Debian's or a foreign vmlinux. */
export function ownBuildOf(vmlinux: string): OwnBuild | undefined {
  const buildDir = path.dirname(path.resolve(vmlinux));
  const info = readBuildInfo(buildDir);
  if (!info || path.resolve(info.vmlinux) !== path.resolve(vmlinux)) return undefined;
  const script = path.join(buildDir, 'vmlinux-gdb.py');
  return { buildDir, source: info.source, ...(existsSync(script) ? { gdbScript: script } : {}) };
}

/** gdb console commands that load the build's lx-* scripts. */
export function gdbScriptCommands(b: OwnBuild): string[] {
  if (!b.gdbScript) return [];
  return [`add-auto-load-safe-path ${b.buildDir}`, `add-auto-load-safe-path ${b.source}`, `source ${b.gdbScript}`];
}

/** Runs them, telling the user (not failing the session) when the scripts do not load. */
export async function loadGdbScripts(b: OwnBuild, console: (cmd: string) => Promise<string>, say: (line: string) => void): Promise<void> {
  if (!b.gdbScript) {
    say(`no vmlinux-gdb.py in ${b.buildDir}: lx-* commands are unavailable (build with CONFIG_GDB_SCRIPTS=y: \`ring0 kernel config\` sets it)`);
    return;
  }
  try {
    for (const c of gdbScriptCommands(b)) await console(c);
  } catch (e) {
    say(`the kernel's gdb scripts did not load (${(e as Error).message}); lx-* commands are unavailable`);
  }
}

function mtimeOf(file: string | undefined): number | undefined {
  try {
    return file ? statSync(file).mtimeMs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Before a launch with ring0.vm.kernel "build": an incremental `ring0 kernel build` (make finds what
 * changed). Throws with the compiler's errors when it fails; says whether the image changed, so a VM
 * still running the old one is restarted. Undefined when the workspace boots another kernel.
 */
export async function rebuildBeforeLaunch(workspace: string, kernelSetting: string, progress: (label: string) => void): Promise<{ imageChanged: boolean } | undefined> {
  if (kernelSetting !== 'build') return undefined;
  const buildDir = workspaceBuildDir(workspace);
  if (!existsSync(path.join(buildDir, 'source'))) {
    throw new Error(`ring0.vm.kernel is "build" but ${buildDir} is not configured: run \`ring0 kernel config\` (then F5 builds and boots it)`);
  }
  const before = mtimeOf(readBuildInfo(buildDir)?.image);
  progress('Building your kernel (incremental)');
  let last = 0;
  const r = await buildKernel({ buildDir, progress: (l) => { if (Date.now() - last > 1000) { last = Date.now(); progress(`Building your kernel: ${l}`); } } });
  if (!r.ok) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error').slice(0, 10).map(formatDiagnostic);
    throw new Error(`your kernel did not build, so nothing was booted:\n${errors.length ? errors.join('\n') : r.log ?? ''}`);
  }
  return { imageChanged: mtimeOf(r.image) !== before };
}
