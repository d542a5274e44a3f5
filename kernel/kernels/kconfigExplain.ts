// Why Kconfig dropped an option: finds the symbol's `config` entries in the tree's Kconfig files (the
// x86 ones, not other architectures') and names the `depends on`, enclosing `if`/`menu` or choice
// that does not hold under the final .config.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { valueOf, type ConfigValues } from './dotConfig';
import { annotate, evaluate, parseExpr } from './kconfigExpr';

export interface KconfigEntry {
  file: string;
  line: number;
  /** `depends on` conditions: the entry's own and those of enclosing if/menu blocks in the same file. */
  depends: string[];
  /** Prompt condition (`bool "x" if COND`), or '' for an unconditional prompt; undefined when there is no prompt. */
  prompt?: string;
  /** Members of the choice the entry is in, when it is in one. */
  choice?: string[];
}

const ENTRY = /^\s*(menuconfig|config)\s+([A-Za-z0-9_]+)\s*$/;
const BLOCK_END = /^\s*(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|rsource|osource|comment|mainmenu)\b/;

/** Pure: the entries for SYM in one Kconfig file's text. */
export function entriesIn(text: string, file: string, sym: string): KconfigEntry[] {
  const lines = text.split('\n');
  const out: KconfigEntry[] = [];
  // Stack of enclosing conditions: `if X` and `menu` blocks (a menu's `depends on` lines follow it).
  const stack: { kind: 'if' | 'menu' | 'choice'; conds: string[]; members?: string[] }[] = [];
  let current: (KconfigEntry & { open: boolean }) | undefined;
  let inMenuHeader: { conds: string[] } | undefined;
  let inHelp = false;
  const close = () => {
    if (current) out.push({ file: current.file, line: current.line, depends: current.depends, ...(current.prompt !== undefined ? { prompt: current.prompt } : {}), ...(current.choice ? { choice: current.choice } : {}) });
    current = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    if (inHelp) {
      if (raw.trim() === '' || /^\s/.test(raw) && !BLOCK_END.test(raw)) continue;
      inHelp = false;
    }
    const line = raw.replace(/\s+#.*$/, '');
    const choice = [...stack].reverse().find((s) => s.kind === 'choice');
    const entry = ENTRY.exec(line);
    if (entry || BLOCK_END.test(line)) {
      close();
      inMenuHeader = undefined;
    }
    if (entry) {
      choice?.members?.push(entry[2]);
      if (entry[2] === sym) {
        current = { file, line: i + 1, depends: stack.flatMap((s) => s.conds), open: true, ...(choice ? { choice: choice.members } : {}) };
      }
      continue;
    }
    let m = /^\s*if\s+(.+)$/.exec(line);
    if (m) {
      stack.push({ kind: 'if', conds: [m[1].trim()] });
      continue;
    }
    if (/^\s*(endif|endmenu|endchoice)\b/.test(line)) {
      stack.pop();
      continue;
    }
    if (/^\s*menu\s+"/.test(line)) {
      const s = { kind: 'menu' as const, conds: [] as string[] };
      stack.push(s);
      inMenuHeader = s;
      continue;
    }
    if (/^\s*choice\b/.test(line)) {
      const s = { kind: 'choice' as const, conds: [] as string[], members: [] as string[] };
      stack.push(s);
      inMenuHeader = s;
      continue;
    }
    if (/^\s*(help|---help---)\s*$/.test(line)) {
      inHelp = true;
      continue;
    }
    m = /^\s*depends\s+on\s+(.+)$/.exec(line);
    if (m) {
      if (current) current.depends.push(m[1].trim());
      else if (inMenuHeader) inMenuHeader.conds.push(m[1].trim());
      continue;
    }
    m = /^\s*(?:bool|tristate|string|int|hex|prompt)\s+("(?:[^"\\]|\\.)*")(?:\s+if\s+(.+))?\s*$/.exec(line);
    if (m && current) current.prompt = m[2]?.trim() ?? '';
  }
  close();
  return out;
}

function kconfigFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  let names;
  try {
    names = readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const d of names) {
    const r = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) {
      if (d.name.startsWith('.') || r === 'Documentation' || r === 'tools' || r === 'samples' || (rel === 'arch' && d.name !== 'x86')) continue;
      out.push(...kconfigFiles(dir, r));
    } else if (d.name.startsWith('Kconfig')) out.push(r);
  }
  return out;
}

/** Every entry defining SYM in the tree (x86 only); files are read once per call. */
export function findEntries(tree: string, syms: readonly string[]): Map<string, KconfigEntry[]> {
  const found = new Map<string, KconfigEntry[]>(syms.map((s) => [s, []]));
  const wanted = new Set(syms);
  for (const rel of kconfigFiles(tree)) {
    const text = readFileSync(path.join(tree, rel), 'utf8');
    for (const s of wanted) if (text.includes(s)) found.get(s)!.push(...entriesIn(text, rel, s));
  }
  return found;
}

/** One sentence on what blocks SYM=WANTED under VALUES, from its entries. */
export function explainDrop(sym: string, wanted: string, entries: readonly KconfigEntry[], values: ConfigValues): string {
  if (entries.length === 0) return `no Kconfig entry defines ${sym} in this tree (misspelt, or removed in this kernel version)`;
  if (wanted === 'n') return `something selects it (it cannot be turned off while the options that select it are on)`;
  const reasons: string[] = [];
  for (const e of entries) {
    for (const d of e.depends) {
      let ok = true;
      let text = d;
      try {
        const ex = parseExpr(d);
        ok = evaluate(ex, values) > (wanted === 'm' ? 0 : wanted === 'y' ? 1 : 0);
        text = annotate(ex, values);
      } catch {
        /* an expression this parser does not know: show it as written */
      }
      if (!ok) reasons.push(`depends on ${text} (${e.file}:${e.line})`);
    }
    if (e.prompt === undefined && !reasons.length) reasons.push(`has no prompt: only another option's \`select\` turns it on (${e.file}:${e.line})`);
    else if (e.prompt) {
      try {
        const ex = parseExpr(e.prompt);
        if (evaluate(ex, values) === 0) reasons.push(`can be set only if ${annotate(ex, values)} (${e.file}:${e.line})`);
      } catch {
        /* ignore */
      }
    }
    if (e.choice && !reasons.length) {
      const chosen = e.choice.filter((c) => c !== sym && valueOf(values, c) === 'y');
      if (chosen.length) reasons.push(`is in a choice where ${chosen.join(', ')} is selected (${e.file}:${e.line})`);
    }
  }
  if (wanted === 'm' && valueOf(values, 'MODULES') !== 'y') reasons.unshift('=m needs MODULES [n]');
  if (wanted === 'm' && valueOf(values, sym) === 'y') return 'something selects it as built in (=y)';
  return reasons.length ? [...new Set(reasons)].join('; ') : `Kconfig set it to ${valueOf(values, sym)} although its own dependencies hold (a value it does not accept, or an enclosing menu in another file): see \`make menuconfig\`, search ${sym}`;
}
