// Debugging a kernel built with `ring0 kernel build`: its DWARF names the tree's own files (no
// substitute-path), and the tree's gdb scripts (vmlinux-gdb.py, with add-auto-load-safe-path) give the
// lx-* commands.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readBuildInfo } from '../../kernel/kernels/build';

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
