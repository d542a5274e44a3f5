// The map table's model (pure, no vscode): BTF-decoded entries flattened into columns (struct fields,
// per-CPU values), a filter/sort query over them, and windows of rows for the virtualized page.
import type { MapEntry } from '../../kernel/observe/bpftool';

export type Cell = string | number;

export interface TableColumn {
  name: string;
  group: 'key' | 'value';
  /** Every non-empty cell is a number: sorted numerically, right-aligned, sums make sense. */
  numeric: boolean;
}

export interface TableRow {
  keyHex: string;
  valueHex: string | string[];
  key: unknown;
  value: unknown;
  cells: Cell[];
}

const MAX_DEPTH = 4;

/** Flattens a decoded value into column → cell: structs become dotted fields, arrays of scalars text. */
export function flatten(v: unknown, prefix: string, out: Map<string, Cell> = new Map(), depth = 0): Map<string, Cell> {
  if (v === null || v === undefined) out.set(prefix, '');
  else if (typeof v === 'number' || typeof v === 'string') out.set(prefix, v);
  else if (typeof v === 'boolean' || typeof v === 'bigint') out.set(prefix, String(v));
  else if (Array.isArray(v)) {
    if (depth < MAX_DEPTH && v.some((x) => typeof x === 'object' && x !== null)) v.forEach((x, i) => flatten(x, `${prefix}[${i}]`, out, depth + 1));
    else out.set(prefix, JSON.stringify(v));
  } else if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (depth >= MAX_DEPTH || entries.length === 0) out.set(prefix, JSON.stringify(v));
    else for (const [k, x] of entries) flatten(x, prefix ? `${prefix}.${k}` : k, out, depth + 1);
  } else out.set(prefix, String(v));
  return out;
}

/** One entry's cells by column name. Per-CPU values (`perCpu`) become value[cpuN] columns plus a sum. */
export function entryCells(e: MapEntry, perCpu: boolean): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const [k, v] of flatten(e.key, '')) cells.set(k ? `key.${k}` : 'key', v);
  if (perCpu && Array.isArray(e.value)) {
    e.value.forEach((v, cpu) => {
      for (const [k, x] of flatten(v, '')) cells.set(k ? `cpu${cpu}.${k}` : `cpu${cpu}`, x);
    });
    const sums = new Map<string, number>();
    for (const [name, x] of cells) {
      const m = /^cpu\d+(\..*)?$/.exec(name);
      if (m && typeof x === 'number') sums.set(`Σ${m[1] ?? ''}`, (sums.get(`Σ${m[1] ?? ''}`) ?? 0) + x);
    }
    for (const [k, v] of sums) cells.set(k, v);
  } else {
    for (const [k, v] of flatten(e.value, '')) cells.set(k ? `value.${k}` : 'value', v);
  }
  return cells;
}

export function isPerCpuType(mapType: string): boolean {
  return mapType.startsWith('percpu_') || mapType.startsWith('lru_percpu_');
}

export interface Query {
  filter: string;
  sort?: { column: number; desc: boolean };
}

type Term = { kind: 'text'; text: string } | { kind: 'cmp'; column: string; op: '=' | '!=' | '>' | '<' | '>=' | '<='; value: string };

/** Filter syntax: words match any cell (case-insensitive); `column>=N`, `column=text`, `column!=x` compare one column. */
export function parseFilter(filter: string): Term[] {
  const terms: Term[] = [];
  for (const word of filter.trim().split(/\s+/).filter(Boolean)) {
    const m = /^([A-Za-z_Σ][\w.[\]Σ]*)(>=|<=|!=|=|>|<)(.+)$/.exec(word);
    if (m) terms.push({ kind: 'cmp', column: m[1], op: m[2] as Extract<Term, { kind: 'cmp' }>['op'], value: m[3] });
    else terms.push({ kind: 'text', text: word.toLowerCase() });
  }
  return terms;
}

function compare(cell: Cell | undefined, op: Extract<Term, { kind: 'cmp' }>['op'], value: string): boolean {
  if (cell === undefined) return false;
  const n = Number(value);
  const c = typeof cell === 'number' && Number.isFinite(n) ? cell - n : String(cell).localeCompare(value);
  switch (op) {
    case '=': return typeof cell === 'number' ? c === 0 : String(cell).toLowerCase() === value.toLowerCase();
    case '!=': return typeof cell === 'number' ? c !== 0 : String(cell).toLowerCase() !== value.toLowerCase();
    case '>': return c > 0;
    case '<': return c < 0;
    case '>=': return c >= 0;
    case '<=': return c <= 0;
  }
}

export class MapTableModel {
  columns: TableColumn[] = [];
  rows: TableRow[] = [];
  /** Indexes into rows that match the query, in display order. */
  view: number[] = [];
  private query: Query = { filter: '' };
  private terms: Term[] = [];
  /** Changes whenever the data or the query change: pages re-request their window. */
  version = 0;

  setEntries(entries: readonly MapEntry[], mapType: string): void {
    const perCpu = isPerCpuType(mapType);
    const names: string[] = [];
    const seen = new Set<string>();
    const flat = entries.map((e) => {
      const cells = entryCells(e, perCpu);
      for (const k of cells.keys()) {
        if (seen.has(k)) continue;
        seen.add(k);
        names.push(k);
      }
      return cells;
    });
    // Key columns first, then values, then per-CPU sums.
    const rank = (n: string) => (n.startsWith('key') ? 0 : n.startsWith('Σ') ? 2 : 1);
    names.sort((a, b) => rank(a) - rank(b));
    this.columns = names.map((name) => ({
      name,
      group: name.startsWith('key') ? 'key' : 'value',
      numeric: flat.every((c) => c.get(name) === undefined || c.get(name) === '' || typeof c.get(name) === 'number') && flat.some((c) => typeof c.get(name) === 'number'),
    }));
    this.rows = entries.map((e, i) => ({ keyHex: e.keyHex, valueHex: e.valueHex, key: e.key, value: e.value, cells: names.map((n) => flat[i].get(n) ?? '') }));
    this.applyQuery();
  }

  setQuery(q: Query): void {
    this.query = q;
    this.terms = parseFilter(q.filter);
    this.applyQuery();
  }

  get total(): number {
    return this.rows.length;
  }

  get matched(): number {
    return this.view.length;
  }

  private applyQuery(): void {
    const idx = new Map(this.columns.map((c, i) => [c.name, i]));
    const out: number[] = [];
    this.rows.forEach((r, i) => {
      const ok = this.terms.every((t) => {
        if (t.kind === 'text') return r.cells.some((c) => String(c).toLowerCase().includes(t.text)) || r.keyHex.includes(t.text);
        const col = idx.get(t.column);
        return col !== undefined && compare(r.cells[col], t.op, t.value);
      });
      if (ok) out.push(i);
    });
    const s = this.query.sort;
    if (s && s.column >= 0 && s.column < this.columns.length) {
      const numeric = this.columns[s.column].numeric;
      const dir = s.desc ? -1 : 1;
      out.sort((a, b) => {
        const x = this.rows[a].cells[s.column];
        const y = this.rows[b].cells[s.column];
        const c = numeric ? (Number(x) || 0) - (Number(y) || 0) : String(x).localeCompare(String(y));
        return c * dir || a - b;
      });
    }
    this.view = out;
    this.version++;
  }

  /** Rows [start, start+count) of the current view, clamped. */
  window(start: number, count: number): { start: number; rows: TableRow[] } {
    const s = Math.max(0, Math.min(Math.floor(start), Math.max(0, this.view.length - 1)));
    return { start: s, rows: this.view.slice(s, s + Math.max(0, Math.floor(count))).map((i) => this.rows[i]) };
  }

  /** The rows the view shows (after the filter), for export. */
  viewRows(): TableRow[] {
    return this.view.map((i) => this.rows[i]);
  }

  findByKey(keyHex: string): TableRow | undefined {
    return this.rows.find((r) => r.keyHex === keyHex);
  }
}

/** A cell as the page shows it. */
export function cellText(c: Cell): string {
  return typeof c === 'number' ? String(c) : c;
}

/** Map-of-maps rows: the inner map's id (the value, a u32, decoded or as little-endian hex). */
export function innerMapId(row: Pick<TableRow, 'value' | 'valueHex'>): number | undefined {
  if (typeof row.value === 'number' && Number.isInteger(row.value) && row.value > 0) return row.value;
  const hex = Array.isArray(row.valueHex) ? row.valueHex[0] : row.valueHex;
  if (!hex || !/^[0-9a-f]{8}$/i.test(hex)) return undefined;
  const id = Buffer.from(hex, 'hex').readUInt32LE(0);
  return id > 0 ? id : undefined;
}

/** A big map's dump can take longer than the refresh period: wait at least twice the last refresh's time. */
export function nextRefreshMs(lastMs: number, periodMs = 1000): number {
  return Math.max(periodMs, Math.round(2 * Math.max(0, lastMs)));
}
