// Messages between a map table panel and its page. The host keeps the rows; the page shows a virtualized
// window of them and asks for the rows it scrolls to. Both sides validate what they receive.
import { isArr, isHex, isInt, isRec, isStr, type Rec } from './check';

export interface MapMeta {
  id: number;
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  object?: string;
  pinned?: string;
  btf: boolean;
}

export interface WireColumn {
  name: string;
  group: 'key' | 'value';
  numeric: boolean;
}

export interface WireRow {
  keyHex: string;
  cells: string[];
  /** Map-of-maps: the inner map id this row points at. */
  innerMapId?: number;
}

/** At most this many rows travel in one message. */
export const MAX_WINDOW = 500;

export type MapTableToPage =
  | { type: 'meta'; map: MapMeta; columns: WireColumn[]; editable: boolean; ofMaps: boolean }
  | { type: 'rows'; version: number; total: number; matched: number; start: number; rows: WireRow[]; updatedAt: number; errors: string[] }
  | { type: 'gone'; message: string }
  | { type: 'error'; message: string };

export type PageToMapTable =
  | { type: 'ready' }
  | { type: 'window'; start: number; count: number }
  | { type: 'query'; filter: string; sort?: { column: number; desc: boolean } }
  | { type: 'edit'; keyHex: string }
  | { type: 'delete'; keyHex: string }
  | { type: 'add' }
  | { type: 'export'; format: 'json' | 'csv' }
  | { type: 'openMap'; id: number }
  | { type: 'refresh' };

export function isPageToMapTable(m: unknown): m is PageToMapTable {
  if (!isRec(m)) return false;
  switch (m.type) {
    case 'ready':
    case 'add':
    case 'refresh':
      return true;
    case 'window':
      return isInt(m.start) && isInt(m.count, 0, MAX_WINDOW);
    case 'query':
      return isStr(m.filter, 1000) && (m.sort === undefined || (isRec(m.sort) && isInt(m.sort.column, 0, 10_000) && typeof m.sort.desc === 'boolean'));
    case 'edit':
    case 'delete':
      return isHex(m.keyHex);
    case 'export':
      return m.format === 'json' || m.format === 'csv';
    case 'openMap':
      return isInt(m.id, 1, 0xffffffff);
    default:
      return false;
  }
}

const isColumn = (c: unknown): c is WireColumn => isRec(c) && isStr(c.name, 1000) && (c.group === 'key' || c.group === 'value') && typeof c.numeric === 'boolean';
const isRow = (r: unknown): r is WireRow => isRec(r) && isHex(r.keyHex) && isArr(r.cells, (x): x is string => typeof x === 'string') && (r.innerMapId === undefined || isInt(r.innerMapId));
const isMeta = (m: unknown): m is MapMeta => isRec(m) && isInt(m.id) && isStr(m.name) && isStr(m.type) && isInt(m.keySize) && isInt(m.valueSize) && isInt(m.maxEntries) && typeof m.btf === 'boolean';

export function isMapTableToPage(m: unknown): m is MapTableToPage {
  if (!isRec(m)) return false;
  const r = m as Rec;
  switch (r.type) {
    case 'meta':
      return isMeta(r.map) && isArr(r.columns, isColumn, 10_000) && typeof r.editable === 'boolean' && typeof r.ofMaps === 'boolean';
    case 'rows':
      return isInt(r.version) && isInt(r.total) && isInt(r.matched) && isInt(r.start) && isArr(r.rows, isRow, MAX_WINDOW) && isInt(r.updatedAt) && isArr(r.errors, (x): x is string => typeof x === 'string');
    case 'gone':
    case 'error':
      return isStr(r.message);
    default:
      return false;
  }
}
