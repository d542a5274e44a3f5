// A pure parser for gdb/MI output lines (result, async, stream records and the prompt); garbage
// becomes a `garbage` record instead of an exception, so a confused gdb never crashes the adapter.
import { hasOwn, setOwn } from '../../kernel/util/ownKeys';

/** An MI value: a C string, a tuple (object) or a list. Lists of results drop their names. */
export type MiValue = string | MiTuple | MiValue[];
export interface MiTuple {
  [key: string]: MiValue;
}

export type MiRecord =
  | { kind: 'result'; token?: number; cls: string; results: MiTuple }
  | { kind: 'exec' | 'status' | 'notify'; token?: number; cls: string; results: MiTuple }
  | { kind: 'console' | 'target' | 'log'; text: string }
  | { kind: 'prompt' }
  | { kind: 'garbage'; text: string; reason: string };

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  peek(): string {
    return this.s[this.i] ?? '';
  }
  eat(ch: string): void {
    if (this.s[this.i] !== ch) throw new Error(`expected '${ch}' at column ${this.i + 1}, found '${this.s[this.i] ?? 'end of line'}'`);
    this.i++;
  }
  done(): boolean {
    return this.i >= this.s.length;
  }
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v', e: '\x1b' };

function cString(c: Cursor): string {
  c.eat('"');
  let out = '';
  const bytes: number[] = [];
  const flushBytes = () => {
    if (bytes.length) out += Buffer.from(bytes).toString('utf8');
    bytes.length = 0;
  };
  for (;;) {
    if (c.done()) throw new Error('unterminated string');
    const ch = c.s[c.i++];
    if (ch === '"') break;
    if (ch !== '\\') {
      flushBytes();
      out += ch;
      continue;
    }
    const e = c.s[c.i++] ?? '';
    if (/[0-7]/.test(e)) {
      // Octal escapes carry raw bytes (gdb escapes non-ASCII UTF-8 byte by byte).
      let oct = e;
      while (oct.length < 3 && /[0-7]/.test(c.peek())) oct += c.s[c.i++];
      bytes.push(parseInt(oct, 8) & 0xff);
      continue;
    }
    flushBytes();
    out += hasOwn(ESCAPES, e) ? ESCAPES[e] : e;
  }
  flushBytes();
  return out;
}

function identifier(c: Cursor): string {
  const start = c.i;
  while (!c.done() && /[A-Za-z0-9_\-.]/.test(c.peek())) c.i++;
  if (c.i === start) throw new Error(`expected a name at column ${c.i + 1}`);
  return c.s.slice(start, c.i);
}

const repeated = new WeakSet<MiValue[]>();

function addResult(t: MiTuple, key: string, v: MiValue): void {
  // gdb repeats keys in some tuples (e.g. several `frame=`): keep them all, in order, as a list.
  // Own properties only: names such as __proto__ or toString are results like any other.
  if (!hasOwn(t, key)) {
    setOwn(t, key, v);
    return;
  }
  const prev = t[key];
  if (Array.isArray(prev) && repeated.has(prev)) prev.push(v);
  else {
    const list = [prev, v];
    repeated.add(list);
    setOwn(t, key, list);
  }
}

function value(c: Cursor): MiValue {
  const ch = c.peek();
  if (ch === '"') return cString(c);
  if (ch === '{') {
    c.eat('{');
    const t: MiTuple = {};
    if (c.peek() === '}') {
      c.eat('}');
      return t;
    }
    for (;;) {
      const k = identifier(c);
      c.eat('=');
      addResult(t, k, value(c));
      if (c.peek() === ',') c.eat(',');
      else break;
    }
    c.eat('}');
    return t;
  }
  if (ch === '[') {
    c.eat('[');
    const list: MiValue[] = [];
    if (c.peek() === ']') {
      c.eat(']');
      return list;
    }
    for (;;) {
      if (c.peek() === '"' || c.peek() === '{' || c.peek() === '[') list.push(value(c));
      else {
        identifier(c);
        c.eat('=');
        list.push(value(c));
      }
      if (c.peek() === ',') c.eat(',');
      else break;
    }
    c.eat(']');
    return list;
  }
  throw new Error(`expected a value at column ${c.i + 1}, found '${ch || 'end of line'}'`);
}

function results(c: Cursor): MiTuple {
  const t: MiTuple = {};
  while (c.peek() === ',') {
    c.eat(',');
    const k = identifier(c);
    c.eat('=');
    addResult(t, k, value(c));
  }
  if (!c.done()) throw new Error(`unexpected '${c.s.slice(c.i, c.i + 20)}' at column ${c.i + 1}`);
  return t;
}

const ASYNC_KIND: Record<string, 'result' | 'exec' | 'status' | 'notify'> = { '^': 'result', '*': 'exec', '+': 'status', '=': 'notify' };
const STREAM_KIND: Record<string, 'console' | 'target' | 'log'> = { '~': 'console', '@': 'target', '&': 'log' };

/** Parses one line of gdb's MI output (without its newline). */
export function parseMiLine(raw: string): MiRecord {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (/^\(gdb\) ?$/.test(line)) return { kind: 'prompt' };
  try {
    const c = new Cursor(line);
    const stream = STREAM_KIND[c.peek()];
    if (stream) {
      c.i++;
      const text = cString(c);
      if (!c.done()) throw new Error('text after the string');
      return { kind: stream, text };
    }
    let tokenText = '';
    while (/[0-9]/.test(c.peek())) tokenText += c.s[c.i++];
    const kind = ASYNC_KIND[c.peek()];
    if (!kind) throw new Error('not an MI record');
    c.i++;
    const cls = identifier(c);
    const token = tokenText ? Number(tokenText) : undefined;
    return { kind, ...(token !== undefined ? { token } : {}), cls, results: results(c) };
  } catch (e) {
    return { kind: 'garbage', text: line, reason: (e as Error).message };
  }
}

/** Typed accessors for MI values: gdb's output is untrusted, so every read is checked. */
export function miString(v: MiValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function miTuple(v: MiValue | undefined): MiTuple | undefined {
  return v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
}

export function miList(v: MiValue | undefined): MiValue[] {
  if (Array.isArray(v)) return v;
  return v === undefined ? [] : [v];
}

export function miNumber(v: MiValue | undefined): number | undefined {
  const s = miString(v);
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}
