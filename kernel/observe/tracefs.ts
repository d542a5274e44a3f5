// Pure parsers for tracefs: an event's format file and trace_pipe lines ({ts, cpu, pid, comm, fields}).
import { setOwn } from '../util/ownKeys';

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
// Every parser below reads guest text (records up to 64 KiB): each regex is anchored, runs on a
// bounded slice or has no two quantifiers that can match the same characters, and the rest is plain
// string scanning, so the cost stays linear in the input (the old regexes backtracked for seconds on
// a crafted line and blocked the extension host).
const FIELD = /^field:([^;]+);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d);/;

export function parseEventFormat(text: string): EventFormat {
  let name: string | undefined;
  let id: string | undefined;
  let printFmt: string | undefined;
  const fields: FormatField[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimStart();
    if (name === undefined && raw.startsWith('name:')) name = /^\S+/.exec(raw.slice(5).trimStart())?.[0];
    else if (id === undefined && raw.startsWith('ID:')) id = /^\d+/.exec(raw.slice(3).trimStart())?.[0];
    else if (printFmt === undefined && raw.startsWith('print fmt:')) printFmt = raw.slice(10).trimStart();
    else if (line.startsWith('field:')) {
      const m = FIELD.exec(line);
      if (!m) continue;
      const decl = m[1].trim();
      const d = declName(decl);
      if (!d || d.name.startsWith('common_')) continue;
      fields.push({ name: d.name, type: decl.slice(0, d.at).trim() + d.array, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1' });
    }
  }
  if (!name || !id) throw new TraceFormatError('not a tracefs format file (no name/ID)');
  return { name, id: Number(id), fields, printFmt: printFmt?.replace(/\r$/, '') ?? '' };
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isWord = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentStart = (c: number) => isWord(c) && !isDigit(c);

/**
 * The declared name at the end of "unsigned char common_flags", "__data_loc char[] filename" or
 * "char comm[16]": the trailing identifier before an optional [N]; `at` is where it starts.
 */
function declName(decl: string): { name: string; at: number; array: string } | undefined {
  let end = decl.length;
  let array = '';
  if (decl.endsWith(']')) {
    const open = decl.lastIndexOf('[');
    if (open < 0 || decl.indexOf(']', open) !== decl.length - 1) return undefined;
    array = decl.slice(open);
    end = decl.slice(0, open).trimEnd().length;
  }
  let start = end;
  while (start > 0 && isWord(decl.charCodeAt(start - 1))) start--;
  // The identifier begins at the first letter or underscore of the trailing word ("9lives" -> "lives").
  while (start < end && !isIdentStart(decl.charCodeAt(start))) start++;
  return start < end ? { name: decl.slice(start, end), at: start, array } : undefined;
}

/** Maximal runs of [A-Za-z0-9_] in s, in order (one linear scan). */
function* words(s: string): Generator<{ start: number; end: number }> {
  for (let i = 0; i < s.length; ) {
    if (!isWord(s.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < s.length && isWord(s.charCodeAt(i))) i++;
    yield { start, end: i };
  }
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

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
      if (i > 0) setOwn(out, part.slice(0, i), numeric(part.slice(i + 2), true));
    }
    return out;
  }
  const sysExit = /^sys_\w+ -> (\S+)$/.exec(body);
  if (sysExit) {
    out.ret = numeric(sysExit[1], true);
    return out;
  }
  const names = new Set(format?.fields.map((f) => f.name) ?? []);
  // Where "name=" (or "name:") first appears for every known field, the name starting the body or
  // following whitespace, ',' or '('; found in one scan over the body's words.
  const hits: Array<{ name: string; at: number; start: number }> = [];
  const seen = new Set<string>();
  if (names.size) {
    for (const w of words(body)) {
      const after = body[w.end];
      if ((after !== '=' && after !== ':') || (w.start > 0 && !isSpace(body[w.start - 1]) && body[w.start - 1] !== ',' && body[w.start - 1] !== '(')) continue;
      const name = body.slice(w.start, w.end);
      if (!names.has(name) || seen.has(name)) continue;
      seen.add(name);
      hits.push({ name, at: w.start === 0 ? 0 : w.start - 1, start: w.end + 1 + (isSpace(body[w.end + 1]) ? 1 : 0) });
    }
  }
  if (hits.length === 0) {
    // Unknown layout: generic key=value pairs; a value runs to the next whitespace.
    let next = 0;
    for (const w of words(body)) {
      if (w.start < next || body[w.end] !== '=') continue;
      let s = w.start;
      while (s < w.end && !isIdentStart(body.charCodeAt(s))) s++;
      if (s === w.end) continue;
      let e = w.end + 1;
      while (e < body.length && !isSpace(body[e])) e++;
      setOwn(out, body.slice(s, w.end), numeric(body.slice(w.end + 1, e), false));
      next = e;
    }
    return out;
  }
  hits.sort((a, b) => a.at - b.at);
  hits.forEach((h, i) => {
    const end = i + 1 < hits.length ? hits[i + 1].at : body.length;
    let e = end;
    while (e > h.start && (isSpace(body[e - 1]) || body[e - 1] === ',')) e--;
    setOwn(out, h.name, numeric(body.slice(h.start, e), false));
  });
  return out;
}

// A line's head: "  comm-pid  (tgid)? [cpu] flags? ts: ". comm is at most 15 characters (it may hold
// spaces, '-' and brackets) padded to 16, so the head fits in HEAD characters: the regex runs on that
// slice only, and the body (up to 64 KiB) is never backtracked over.
const HEAD = 160;
const HEAD_RE = /^(\S.*)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:\S+\s+)?(\d+\.\d+):(?:\s+|$)/;
const NAMED = /^(\w+):\s?/;

/** One trace_pipe line; undefined for lines that are not events (e.g. "CPU:0 [LOST 12 EVENTS]"). */
export function parseTraceLine(line: string, formats: ReadonlyMap<string, EventFormat> = new Map()): TraceEvent | undefined {
  const text = line.trimStart();
  const h = HEAD_RE.exec(text.slice(0, HEAD));
  if (!h) return undefined;
  const [head, comm, pid, cpu, ts] = h;
  let body = text.slice(head.length);
  const n = NAMED.exec(body.slice(0, 256));
  const named = n?.[1];
  if (n) body = body.slice(n[0].length);
  if (/[\r\n\u2028\u2029]/.test(body)) return undefined;
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
