// Map table export (pure): CSV of the shown columns (RFC 4180 quoting) and JSON of the decoded entries.
import type { TableColumn, TableRow } from './mapTable';

// A spreadsheet runs a cell that starts with = + - @ (or a tab/CR) as a formula: such text cells get
// a leading apostrophe. Numbers, and text that is just a number, stay as they are.
function defuse(v: string | number): string {
  const s = String(v);
  return typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
}

function csvField(v: string | number): string {
  const s = defuse(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(columns: readonly TableColumn[], rows: readonly TableRow[]): string {
  const lines = [columns.map((c) => csvField(c.name)).join(',')];
  for (const r of rows) lines.push(r.cells.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}

export interface JsonExport {
  map: { id: number; name: string; type: string; keySize: number; valueSize: number; maxEntries: number };
  exportedAt: string;
  entries: Array<{ key: unknown; value: unknown; keyHex: string; valueHex: string | string[] }>;
}

export function toJson(map: JsonExport['map'], rows: readonly TableRow[], now = new Date()): string {
  const out: JsonExport = {
    map: { id: map.id, name: map.name, type: map.type, keySize: map.keySize, valueSize: map.valueSize, maxEntries: map.maxEntries },
    exportedAt: now.toISOString(),
    entries: rows.map((r) => ({ key: r.key, value: r.value, keyHex: r.keyHex, valueHex: r.valueHex })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}
