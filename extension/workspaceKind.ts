// Is this folder a Ring0 workspace? The same signs as package.json's workspaceContains activation
// events, looked for with a shallow bounded walk. Free of the vscode API so unit tests load it.
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';

/** The `workspaceContains:` patterns of package.json, in the order `kernelWorkspaceReason` tries them. */
export const WORKSPACE_PATTERNS = ['.ring0', '**/Kbuild', '**/Makefile', '**/*.bpf.c', '**/*.bt', 'labs/*/STEPS.md', 'Kconfig'] as const;

const SKIP = new Set(['node_modules', '.git', '.vscode', 'out', 'dist', '.cache']);

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** A Makefile that builds a kernel module (Kbuild's `obj-m`). */
export function isModuleMakefile(file: string): boolean {
  try {
    return /^\s*obj-m\s*[+:]?=/m.test(readFileSync(file, 'utf8').slice(0, 65536));
  } catch {
    return false;
  }
}

/** A Linux kernel source tree: Kconfig, Kbuild, arch/ and include/linux/ at the top. */
export function isKernelTree(root: string): boolean {
  return exists(path.join(root, 'Kconfig')) && exists(path.join(root, 'Kbuild')) && isDir(path.join(root, 'arch')) && isDir(path.join(root, 'include', 'linux'));
}

/**
 * Why `root` is a Ring0 workspace (e.g. "hello-module/Makefile has obj-m"), or undefined when it is
 * not one. Looks `maxDepth` folders deep and at most `maxEntries` entries, so a big tree stays cheap.
 */
export function kernelWorkspaceReason(root: string, maxDepth = 4, maxEntries = 5000): string | undefined {
  if (exists(path.join(root, '.ring0'))) return '.ring0';
  if (isKernelTree(root)) return 'a kernel source tree';
  let budget = maxEntries;
  const queue: { dir: string; depth: number }[] = [{ dir: root, depth: 0 }];
  while (queue.length > 0 && budget > 0) {
    const { dir, depth } = queue.shift() as { dir: string; depth: number };
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (--budget < 0) break;
      const full = path.join(dir, e.name);
      const rel = path.relative(root, full);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name) && depth + 1 < maxDepth) queue.push({ dir: full, depth: depth + 1 });
        if (depth === 0 && e.name === 'labs' && hasLabSteps(full)) return 'labs/*/STEPS.md';
        continue;
      }
      if (!e.isFile()) continue;
      if (e.name === 'Kbuild') return rel;
      if (e.name.endsWith('.bpf.c') || e.name.endsWith('.bt')) return rel;
      if ((e.name === 'Makefile' || e.name === 'Kbuild') && isModuleMakefile(full)) return `${rel} has obj-m`;
    }
  }
  return undefined;
}

function hasLabSteps(labs: string): boolean {
  try {
    return readdirSync(labs, { withFileTypes: true }).some((d) => d.isDirectory() && exists(path.join(labs, d.name, 'STEPS.md')));
  } catch {
    return false;
  }
}
