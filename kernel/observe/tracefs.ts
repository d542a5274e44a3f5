// Pure parsers for tracefs: an event's format file and trace_pipe lines ({ts, cpu, pid, comm, fields}).

export interface FormatField {
  name: string;
  type: string;
  offset: number;
  size: number;
  signed: boolean;
}

export interface EventFormat {
  name: string;
  id: number;
  /** The event's own fields (common_* left out). */
  fields: FormatField[];
  printFmt: string;
}

export interface TraceEvent {
  /** Seconds since boot, as the trace clock prints it. */
  ts: number;
  cpu: number;
  pid: number;
  comm: string;
  event: string;
  fields: Record<string, string | number>;
  /** The text after "event: ", unparsed. */
  raw: string;
}

export class TraceFormatError extends Error {
  override readonly name = 'TraceFormatError';
}

export function parseEventFormat(text: string): EventFormat {
  const name = /^name:\s*(\S+)/m.exec(text)?.[1];
  const id = /^ID:\s*(\d+)/m.exec(text)?.[1];
  if (!name || !id) throw new TraceFormatError('not a tracefs format file (no name/ID)');
  const fields: FormatField[] = [];
  for (const m of text.matchAll(/^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d);/gm)) {
    const decl = m[1].trim();
    // "unsigned char common_flags", "__data_loc char[] filename", "char comm[16]"
    const fm = /([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/.exec(decl);
    if (!fm) continue;
    if (fm[1].startsWith('common_')) continue;
    fields.push({ name: fm[1], type: decl.slice(0, fm.index).trim() + (fm[2] ?? ''), offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1' });
  }
  const printFmt = /^print fmt:\s*(.*)$/m.exec(text)?.[1] ?? '';
  return { name, id: Number(id), fields, printFmt };
}

// "  comm-pid  (tgid)? [cpu] flags? ts: event: body"
const LINE = /^\s*(.+)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):\s+(?:(\w+):\s?)?(.*)$/;

function numeric(v: string, hex: boolean): string | number {
  const t = v.trim();
  if (hex && /^(0x)?[0-9a-f]+$/i.test(t)) {
    const n = parseInt(t, 16);
    return Number.isSafeInteger(n) ? n : t;
  }
  if (/^-?\d+$/.test(t)) {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : t;
  }
  if (/^0x[0-9a-f]+$/i.test(t)) {
    const n = parseInt(t, 16);
    return Number.isSafeInteger(n) ? n : t;
  }
  return t;
}

/**
 * Splits an event body into the format's fields: "a=1 b=x" (most events), "sys_openat(dfd: ffffff9c, ...)"
 * (syscall entry, hex without 0x) or "sys_openat -> 0x3" (syscall exit).
 */
export function parseFields(body: string, format: EventFormat | undefined): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const sysEnter = /^sys_\w+\((.*)\)$/.exec(body);
  if (sysEnter) {
    for (const part of sysEnter[1].split(', ')) {
      const i = part.indexOf(': ');
      if (i > 0) out[part.slice(0, i)] = numeric(part.slice(i + 2), true);
    }
    return out;
  }
  const sysExit = /^sys_\w+ -> (\S+)$/.exec(body);
  if (sysExit) {
    out.ret = numeric(sysExit[1], true);
    return out;
  }
  const names = format?.fields.map((f) => f.name) ?? [];
  // Positions of "name=" for every known field, in order of appearance.
  const hits: Array<{ name: string; at: number; start: number }> = [];
  for (const name of names) {
    const re = new RegExp(`(?:^|[\\s,(])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[=:]\\s?`, 'g');
    const m = re.exec(body);
    if (m) hits.push({ name, at: m.index, start: m.index + m[0].length });
  }
  if (hits.length === 0) {
    // Unknown layout: generic key=value pairs.
    for (const m of body.matchAll(/([A-Za-z_]\w*)=(\S*)/g)) out[m[1]] = numeric(m[2], false);
    return out;
  }
  hits.sort((a, b) => a.at - b.at);
  hits.forEach((h, i) => {
    const end = i + 1 < hits.length ? hits[i + 1].at : body.length;
    const v = body.slice(h.start, end).replace(/[\s,]+$/, '');
    out[h.name] = numeric(v, false);
  });
  return out;
}

/** One trace_pipe line; undefined for lines that are not events (e.g. "CPU:0 [LOST 12 EVENTS]"). */
export function parseTraceLine(line: string, formats: ReadonlyMap<string, EventFormat> = new Map()): TraceEvent | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const [, comm, pid, cpu, ts, named, body] = m;
  // Syscall events print "sys_openat(...)" / "sys_openat -> 0x3" without the event's name.
  const sys = named ? undefined : /^sys_(\w+)(\(| -> )/.exec(body);
  const event = named ?? (sys ? `sys_${sys[2] === '(' ? 'enter' : 'exit'}_${sys[1]}` : '');
  if (!event) return undefined;
  return { ts: Number(ts), cpu: Number(cpu), pid: Number(pid), comm: comm.trim(), event, fields: parseFields(body, formats.get(event)), raw: body };
}

/** "CPU:1 [LOST 12 EVENTS]" → 12. */
export function parseLostLine(line: string): number | undefined {
  const m = /\[LOST (\d+) EVENTS\]/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** Sum of "overrun:" over per_cpu/cpuN/stats texts. */
export function parseOverrun(stats: string): number {
  let total = 0;
  for (const m of stats.matchAll(/^overrun:\s*(\d+)/gm)) total += Number(m[1]);
  return total;
}

/** "syscalls:sys_enter_getpid" → ["syscalls", "sys_enter_getpid"]; names are checked (they become paths). */
export function parseEventSpec(spec: string): { category: string; event: string } {
  const m = /^([A-Za-z0-9_]+):([A-Za-z0-9_]+)$/.exec(spec);
  if (!m) throw new TraceFormatError(`'${spec}' is not CATEGORY:EVENT (e.g. sched:sched_process_exec)`);
  return { category: m[1], event: m[2] };
}
