// Messages between a stream panel (tracepoint events, ring-buffer records, bpftrace output) and its
// page. The host batches records and sends a new batch only when the page has acked enough of the
// previous ones; what the page could not take is counted, never silently lost.
import { isArr, isInt, isNum, isRec, isStr } from './check';
import { MAX_ENTRIES, MAX_LABEL, MAX_MAPS, type PrintedMap } from '../model/printedMaps';

export type FieldValue = string | number;

export interface WireRecord {
  /** Host arrival time, ms since the epoch. */
  t: number;
  /** Decoded fields (events, records); absent for plain text lines. */
  f?: Record<string, FieldValue>;
  /** A text line (bpftrace printf, undecodable records as hex). */
  text?: string;
}

/** Exact counters, all since the stream started. */
export interface StreamCounts {
  /** Records the host received from the guest. */
  received: number;
  /** Records sent to the page. */
  shown: number;
  /** Records the guest agent dropped because the host had not acked them in time. */
  agentDropped: number;
  /** Events the kernel lost (trace ring-buffer overruns, ringbuf reservations that failed). */
  kernelLost: number;
  /** Records the host dropped because the page was behind (bounded queue). */
  uiDropped: number;
  /** Records that arrived while paused (counted, not shown). */
  pausedSkipped: number;
  /** Records that could not be decoded (shown as hex/text). */
  malformed: number;
}

export const ZERO_COUNTS: StreamCounts = { received: 0, shown: 0, agentDropped: 0, kernelLost: 0, uiDropped: 0, pausedSkipped: 0, malformed: 0 };

export type StreamState = 'starting' | 'running' | 'paused' | 'ended' | 'error';

/** Records per batch message at most. */
export const MAX_BATCH = 1000;

export type StreamToPage =
  /** `decodeAs`: the source can decode its records as another struct (the page shows a button). */
  | { type: 'init'; title: string; kind: 'events' | 'text'; description: string; decodeAs?: boolean }
  | { type: 'batch'; seq: number; records: WireRecord[]; counts: StreamCounts; rate: Array<[number, number]> }
  | { type: 'counts'; counts: StreamCounts; rate: Array<[number, number]> }
  /** `skipped`: what the host left out to fit (views/model/printedMaps fitMaps), shown on the page. */
  | { type: 'maps'; maps: PrintedMap[]; skipped?: string[] }
  | { type: 'state'; state: StreamState; message: string };

export type PageToStream = { type: 'ready' } | { type: 'ack'; seq: number } | { type: 'pause' } | { type: 'resume' } | { type: 'stop' } | { type: 'restart' } | { type: 'decodeAs' };

export function isPageToStream(m: unknown): m is PageToStream {
  if (!isRec(m)) return false;
  switch (m.type) {
    case 'ready':
    case 'pause':
    case 'resume':
    case 'stop':
    case 'restart':
    case 'decodeAs':
      return true;
    case 'ack':
      return isInt(m.seq);
    default:
      return false;
  }
}

const isField = (v: unknown): v is FieldValue => typeof v === 'string' || isNum(v);
const isRecord = (r: unknown): r is WireRecord =>
  isRec(r) && isNum(r.t) && (r.f === undefined || (isRec(r.f) && Object.values(r.f).every(isField))) && (r.text === undefined || isStr(r.text));
const isCounts = (c: unknown): c is StreamCounts => isRec(c) && Object.keys(ZERO_COUNTS).every((k) => isInt(c[k]));
const isRate = (r: unknown): r is Array<[number, number]> => isArr(r, (x): x is [number, number] => Array.isArray(x) && x.length === 2 && isInt(x[0]) && isInt(x[1]), 100_000);
const isLabel = (v: unknown): v is string => isStr(v, MAX_LABEL);
const isBucket = (b: unknown) => isRec(b) && isInt(b.count) && isLabel(b.label);
const isMap = (m: unknown): m is PrintedMap =>
  isRec(m) && isLabel(m.name) && (
    (m.kind === 'values' && isArr(m.entries, (e): e is { key: string; value: FieldValue } => isRec(e) && isLabel(e.key) && (isNum(e.value) || isLabel(e.value)), MAX_ENTRIES)) ||
    (m.kind === 'hist' && isArr(m.series, (s): s is { key: string; buckets: [] } => isRec(s) && isLabel(s.key) && Array.isArray(s.buckets) && s.buckets.length <= MAX_ENTRIES && s.buckets.every(isBucket), MAX_ENTRIES)));

export function isStreamToPage(m: unknown): m is StreamToPage {
  if (!isRec(m)) return false;
  switch (m.type) {
    case 'init':
      return isStr(m.title) && (m.kind === 'events' || m.kind === 'text') && isStr(m.description) && (m.decodeAs === undefined || typeof m.decodeAs === 'boolean');
    case 'batch':
      return isInt(m.seq) && isArr(m.records, isRecord, MAX_BATCH) && isCounts(m.counts) && isRate(m.rate);
    case 'counts':
      return isCounts(m.counts) && isRate(m.rate);
    case 'maps':
      return isArr(m.maps, isMap, MAX_MAPS) && (m.skipped === undefined || isArr(m.skipped, (x): x is string => isStr(x, 1000), MAX_MAPS + 1));
    case 'state':
      return (['starting', 'running', 'paused', 'ended', 'error'] as unknown[]).includes(m.state) && isStr(m.message);
    default:
      return false;
  }
}
