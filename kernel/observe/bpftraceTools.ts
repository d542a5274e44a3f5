// The bpftrace tools the host's bpftrace package ships (/usr/sbin/*.bt on Debian), each with the one-line
// description from its header comment; the guest sees the same files through the host-root share.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface BpftraceTool {
  /** The name without .bt ("execsnoop"). */
  name: string;
  path: string;
  description: string;
}

export const TOOLS_DIR = '/usr/sbin';

/**
 * The description in a tool's header comment: the line " * NAME[.bt]  What it does." (Brendan Gregg's
 * layout, which every shipped tool follows); else the first comment line that is not a USAGE line.
 */
export function toolDescription(name: string, text: string): string {
  const lines = text.split('\n').slice(0, 30);
  const comment = lines.map((l) => /^\s*(?:\/\*+|\*|\/\/)\s?(.*)$/.exec(l)?.[1]?.trim()).filter((l): l is string => l !== undefined && l !== '' && l !== '/');
  const own = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.bt)?\\s+(.+)$`);
  for (const l of comment) {
    const m = own.exec(l);
    if (m) return m[1].trim();
  }
  return comment.find((l) => !/^USAGE:/i.test(l) && !l.startsWith('#!')) ?? '';
}

/** The shipped tools, sorted by name; [] when the directory has none (bpftrace not installed). */
export function listBpftraceTools(dir = TOOLS_DIR): BpftraceTool[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.bt'));
  } catch {
    return [];
  }
  const out: BpftraceTool[] = [];
  for (const f of names.sort()) {
    const p = path.join(dir, f);
    let text = '';
    try {
      text = readFileSync(p, 'utf8').slice(0, 4096);
    } catch {
      continue;
    }
    const name = f.slice(0, -3);
    out.push({ name, path: p, description: toolDescription(name, text) });
  }
  return out;
}

/** The tool called `name` (with or without .bt), or an error that lists what there is. */
export function findBpftraceTool(name: string, dir = TOOLS_DIR): BpftraceTool {
  const tools = listBpftraceTools(dir);
  const want = name.replace(/\.bt$/, '');
  const t = tools.find((x) => x.name === want);
  if (t) return t;
  if (!tools.length) throw new Error(`no bpftrace tools in ${dir}: install Debian's bpftrace on the host (apt-get install bpftrace, or ring0 setup --test-host)`);
  throw new Error(`no bpftrace tool '${want}' in ${dir}; there are: ${tools.map((x) => x.name).join(', ')}`);
}
