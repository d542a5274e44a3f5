// compile_commands.json for a module directory from Kbuild's .X.o.cmd files, with the gcc-only flags
// clangd rejects removed, so clangd understands the module's sources.
import { readdirSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomicWrite';
import path from 'node:path';
import { isInside } from './diagnostics';

export interface CompileCommand {
  directory: string;
  file: string;
  arguments: string[];
}

/** gcc options clang (and so clangd) does not know or refuses. */
const GCC_ONLY = [
  /^-Wp,-MMD/, /^-mpreferred-stack-boundary=/, /^-mindirect-branch/, /^-mfunction-return=/, /^-fno-allow-store-data-races$/,
  /^-fconserve-stack$/, /^-mrecord-mcount$/, /^-ftrivial-auto-var-init=/, /^-mharden-sls=/, /^-fno-stack-clash-protection$/,
  /^-fmin-function-alignment=/, /^-fzero-call-used-regs=/, /^-fsanitize=/, /^-mabi=/, /^-fno-ipa-/, /^-fplugin/, /^-Wno-/,
  /^-Wimplicit-fallthrough=/, /^-Wp,/, /^-fno-var-tracking-assignments$/, /^-fno-merge-all-constants$/,
];

/** Splits a /bin/sh command line (quotes and backslashes; no expansions, Kbuild writes none). */
export function shellSplit(cmd: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      cur += cmd.slice(i + 1, j < 0 ? cmd.length : j);
      i = j < 0 ? cmd.length : j;
      has = true;
    } else if (c === '"') {
      i++;
      for (; i < cmd.length && cmd[i] !== '"'; i++) {
        if (cmd[i] === '\\' && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1])) i++;
        cur += cmd[i];
      }
      has = true;
    } else if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) out.push(cur);
  return out;
}

/** One entry from a .cmd file's text, or undefined when it is not a C compile of a file under userDir. */
export function commandFromCmdFile(text: string, buildDir: string, userDir: string): CompileCommand | undefined {
  const src = /^source_\S+ := (.+)$/m.exec(text)?.[1]?.trim();
  const cmd = /^cmd_\S+ := (.+)$/m.exec(text)?.[1];
  if (!src || !cmd || !src.endsWith('.c')) return undefined;
  const file = path.resolve(buildDir, src);
  if (!isInside(userDir, file)) return undefined;
  // The compile is the first command; objtool and friends follow after ';'.
  const argv = shellSplit(cmd.split(/\s;\s/)[0]);
  if (!argv.includes('-c')) return undefined;
  return { directory: buildDir, file, arguments: argv.filter((a) => !GCC_ONLY.some((re) => re.test(a))) };
}

/** C sources of a module directory (and its subdirectories), without Kbuild's generated *.mod.c and BPF sources. */
export function moduleSources(userDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir, { withFileTypes: true }).map((d) => (d.isDirectory() ? `${d.name}/` : d.name));
    } catch {
      return;
    }
    for (const n of names.sort()) {
      if (n.endsWith('/')) {
        if (depth < 3 && !n.startsWith('.') && n !== 'node_modules/') walk(path.join(dir, n), depth + 1);
      } else if (n.endsWith('.c') && !n.endsWith('.mod.c') && !n.endsWith('.bpf.c')) out.push(path.join(dir, n));
    }
  };
  walk(userDir, 0);
  return out;
}

/**
 * Writes DIR/compile_commands.json from DIR's (and its subdirectories') .*.o.cmd files; returns its path.
 * A source without a fresh .cmd (a failed build, a new file) keeps its earlier entry, else gets one
 * made from `synthesize` (Kbuild's flags for the kernel): clangd never loses the kernel headers.
 */
export function writeCompileCommands(userDir: string, buildDir: string, synthesize?: (file: string) => CompileCommand): { file: string; entries: number } {
  const fresh = new Map<string, CompileCommand>();
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names.sort()) {
      const p = path.join(dir, n);
      if (/^\..+\.o\.cmd$/.test(n) && !n.endsWith('.mod.o.cmd')) {
        try {
          const e = commandFromCmdFile(readFileSync(p, 'utf8'), buildDir, userDir);
          if (e) fresh.set(e.file, e);
        } catch {
          // unreadable .cmd: skip
        }
      } else if (depth < 3 && !n.startsWith('.') && n !== 'node_modules') {
        walk(p, depth + 1);
      }
    }
  };
  walk(userDir, 0);
  const file = path.join(userDir, 'compile_commands.json');
  const old = readEntries(file);
  const before = new Map(old.map((e) => [e.file, e]));
  const entries: CompileCommand[] = [...fresh.values()];
  for (const src of moduleSources(userDir)) {
    if (fresh.has(src)) continue;
    const prev = before.get(src);
    // An earlier entry made against another kernel tree is stale.
    const e = (prev && prev.directory === buildDir ? prev : undefined) ?? synthesize?.(src) ?? prev;
    if (e) entries.push(e);
  }
  // Keep the BPF sources' entries (written by `ring0 build bpf`) that live in the same folder.
  const kept = old.filter((e) => e.file.endsWith('.bpf.c'));
  writeFileAtomic(file, JSON.stringify([...entries, ...kept], null, 2) + '\n');
  return { file, entries: entries.length };
}

function readEntries(file: string): CompileCommand[] {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(v) ? v.filter((e): e is CompileCommand => typeof e === 'object' && e !== null && typeof (e as CompileCommand).file === 'string') : [];
  } catch {
    return [];
  }
}

/** Adds or replaces one file's entry in DIR/compile_commands.json (for `ring0 build bpf`). */
export function upsertCompileCommand(dir: string, entry: CompileCommand): string {
  const file = path.join(dir, 'compile_commands.json');
  const entries = readEntries(file).filter((e) => e.file !== entry.file);
  writeFileAtomic(file, JSON.stringify([...entries, entry], null, 2) + '\n');
  return file;
}
