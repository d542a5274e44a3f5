// Loads a kernel module's symbols into gdb when the guest inserts it: gdb stops at do_init_module,
// reads the module's name and section addresses from `struct module`, finds the matching .ko in the
// workspace and runs add-symbol-file (remove-symbol-file first when it was loaded before).
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { GdbProcess } from '../gdb/gdbProcess';
import { dataEvaluate } from '../mi/commands';
import { miString } from '../mi/parser';

export interface LoadedModule {
  name: string;
  file?: string;
  /** An address inside the module (its .text, or the first section when it has no .text), for remove-symbol-file -a. */
  text: bigint;
  sections: Map<string, bigint>;
}

/** Hooks gdb stops at to track modules (the module pointer is the first argument, `mod`). */
export const MODULE_LOAD_HOOK = 'do_init_module';
export const MODULE_FREE_HOOK = 'free_module';

/**
 * Parses gdb's print of a string: a char array (`"hello\000..."`, `"hello", '\000' <repeats 50 times>`)
 * or a char pointer (`0xff11... ".text"`).
 */
export function parseCharArray(value: string): string | undefined {
  const m = /^(?:0x[0-9a-f]+ )?"((?:[^"\\]|\\.)*)"/.exec(value.trim());
  if (!m) return undefined;
  return m[1].replace(/\\000.*$/, '').replace(/\\(.)/g, '$1');
}

/** Parses an address printed by gdb, e.g. `18446744072637906944` or `0xffffffffc0000000 <sym>`. */
export function parseAddress(value: string): bigint | undefined {
  const m = /^\s*(?:\([^)]*\)\s*)?(0x[0-9a-fA-F]+|\d+)/.exec(value);
  if (!m) return undefined;
  try {
    return BigInt(m[1]);
  } catch {
    return undefined;
  }
}

/** `hello-world.ko` and `hello_world` are the same module: the kernel uses underscores. */
export const moduleKey = (name: string): string => name.replace(/-/g, '_');

/** The newest NAME.ko under the roots (skipping .git, node_modules, .ring0), or undefined. */
export function findModuleFile(name: string, roots: string[], maxDepth = 6): string | undefined {
  const want = moduleKey(name);
  let best: { file: string; mtime: number } | undefined;
  const walk = (dir: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !['.git', 'node_modules', '.ring0', '.vscode'].includes(e.name)) walk(p, depth + 1);
      } else if (e.name.endsWith('.ko') && moduleKey(e.name.slice(0, -3)) === want) {
        const mtime = statSync(p).mtimeMs;
        if (!best || mtime > best.mtime) best = { file: p, mtime };
      }
    }
  };
  for (const r of roots) walk(r, 0);
  return best?.file;
}

const SYMBOL_SECTIONS = /^\.(text|data|bss|rodata|init\.text|exit\.text|text\.\w+|data\.\w+|rodata\.\w+|bss\.\w+)/;

/** Reads `mod` (stopped at a hook whose argument is `struct module *mod`) from the stopped kernel. */
export async function readModule(gdb: GdbProcess, thread: number): Promise<LoadedModule> {
  const ev = async (expr: string) => miString((await gdb.send(dataEvaluate(expr, thread, 0))).value) ?? '';
  const name = parseCharArray(await ev('mod->name'));
  if (!name) throw new Error('could not read the module name at do_init_module');
  const n = Number(parseAddress(await ev('mod->sect_attrs->nsections')) ?? 0n);
  const sections = new Map<string, bigint>();
  for (let i = 0; i < Math.min(n, 128); i++) {
    const sname = parseCharArray(await ev(`mod->sect_attrs->attrs[${i}].battr.attr.name`));
    const addr = parseAddress(await ev(`mod->sect_attrs->attrs[${i}].address`));
    if (sname && addr && SYMBOL_SECTIONS.test(sname)) sections.set(sname, addr);
  }
  // A module with only __init/__exit functions has no .text at all.
  const text = sections.get('.text') ?? sections.get('.init.text') ?? [...sections.values()][0];
  if (text === undefined) throw new Error(`module ${name} has no code section addresses in its sect_attrs`);
  return { name, text, sections };
}

/** The gdb CLI command that loads FILE's symbols at the module's addresses. */
export function addSymbolFileCommand(file: string, m: LoadedModule): string {
  const quoted = `"${file.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const text = m.sections.get('.text');
  const rest = [...m.sections].filter(([s]) => s !== '.text').map(([s, a]) => `-s ${s} 0x${a.toString(16)}`);
  return ['add-symbol-file', quoted, ...(text !== undefined ? [`0x${text.toString(16)}`] : []), ...rest].join(' ');
}
