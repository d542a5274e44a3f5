// Finds what Ring0 can build in a workspace: module directories (a Makefile with obj-m) and BPF
// sources (*.bpf.c). Pure: tasks, commands and the watch mode all use it.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export type BuildTarget = { kind: 'module'; dir: string } | { kind: 'bpf'; file: string };

const SKIP = new Set(['node_modules', '.git', '.ring0', '.vscode']);

export function isModuleDir(dir: string): boolean {
  for (const name of ['Makefile', 'Kbuild']) {
    const f = path.join(dir, name);
    try {
      if (existsSync(f) && /^\s*obj-m\s*[+:]?=/m.test(readFileSync(f, 'utf8'))) return true;
    } catch {
      // unreadable: not a module dir
    }
  }
  return false;
}

/** The build target a source file belongs to: its own .bpf.c, or the module directory holding it. */
export function targetForFile(file: string): BuildTarget | undefined {
  if (file.endsWith('.bpf.c')) return { kind: 'bpf', file };
  if (/\.(c|h)$/.test(file) || path.basename(file) === 'Makefile' || path.basename(file) === 'Kbuild') {
    const dir = path.dirname(file);
    if (isModuleDir(dir)) return { kind: 'module', dir };
  }
  return undefined;
}

/** Walks the workspace (bounded depth and count) for module dirs and BPF sources. */
export function findBuildTargets(root: string, maxDepth = 4, maxTargets = 200): BuildTarget[] {
  const out: BuildTarget[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > maxDepth || out.length >= maxTargets) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    if (isModuleDir(dir)) out.push({ kind: 'module', dir });
    for (const n of names) {
      if (SKIP.has(n) || n.startsWith('.')) continue;
      const p = path.join(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(p, depth + 1);
      else if (n.endsWith('.bpf.c') && out.length < maxTargets) out.push({ kind: 'bpf', file: p });
    }
  };
  walk(root, 0);
  return out;
}

/** CLI arguments that build a target (after `node cli.js`). */
export function buildArgs(t: BuildTarget, json: boolean): string[] {
  const args = t.kind === 'module' ? ['build', 'module', t.dir] : ['build', 'bpf', t.file];
  return json ? [...args, '--json'] : args;
}

export function targetLabel(t: BuildTarget, root: string): string {
  const rel = path.relative(root, t.kind === 'module' ? t.dir : t.file) || '.';
  return t.kind === 'module' ? `build module ${rel}` : `build bpf ${rel}`;
}
