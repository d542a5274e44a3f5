// Streams a ring-buffer or perf-event-array map's records from the guest, decoded with the object's BTF.
//
//   for await (const batch of streamMap(agent, 'exec_events', { count: 10, signal })) {
//     for (const r of batch.records) console.log(r.type, r.value ?? r.hex, r.error);
//     if (batch.end) console.log(batch.end);        // last batch: why it ended and the exact counts
//   }
//
// How it works: ring0-bpf-loader's `stream` command runs in the guest (libbpf's ring_buffer__new /
// perf_buffer__new on the map's fd) and prints one hex line per record ("CPU:HEX" for perf), which
// the agent's stream channel carries in batches with credit-based flow control; its reports (#ready,
// #lost, #end) go to stderr, which the agent never drops. The BTF comes from the map, or from a
// program that uses it (ring buffers have none), via the loader's `map-btf`.
//
// Counting, exactly: `delivered` records reached the host, `agentDropped` were read from the kernel
// buffer but dropped by the agent because the host was behind (out of credit); `kernelLost` are the
// perf buffer's lost-sample counts. A BPF ring buffer does not count what did not fit: a program must
// count failed bpf_ringbuf_reserve() itself (the sample exec_events does, in exec_drops).
import type { AgentClient } from '../agent/client';
import { lookupMap, type MapRow } from './bpf';
import { loaderPathOf, mapBtf } from './mapBtf';
import { RecordDecoder, type RecordMapType, type StreamRecord } from './records';
import { structNames } from './recordHints';
import { Btf } from '../elf/btf';

export type { StreamRecord } from './records';
export type StreamAgent = Pick<AgentClient, 'run' | 'openStream'>;

export interface StreamMapOptions {
  /** Decode records as this struct; default: the only struct whose size matches each record. */
  structName?: string;
  /** Stop after this many records. */
  count?: number;
  /** Stop when aborted. */
  signal?: AbortSignal;
  /** Stop after this long (ms) on the host. */
  timeoutMs?: number;
  /** The guest reader stops by itself after this long (ms): its own counts then arrive in `end.reader`. */
  durationMs?: number;
  /** Records the agent may send ahead of the host (default 16384); past that it drops and counts them. */
  credits?: number;
  /** Keep each decoded record's hex too. */
  hex?: boolean;
  /** ring0-bpf-loader on the host (the guest sees it through the host-root share); default: Ring0's build. */
  loaderPath?: string;
}

export interface StreamCounts {
  /** Records that reached the host (including any beyond `count` in the last batch). */
  delivered: number;
  /** Records the agent dropped because the host was behind. */
  agentDropped: number;
  /** Samples the kernel's perf buffers lost (perf_event_array only). */
  kernelLost: number;
  /** Records that did not parse or decode (reported with an error, as hex). */
  malformed: number;
  /** Records cut at the agent's record limit (64 KiB of hex). */
  truncated: number;
}

export interface ReaderReport {
  records: number;
  bytes: number;
  lost: number;
  elapsedNs: number;
  outputError: boolean;
  error?: string;
}

export interface StreamEnd extends StreamCounts {
  reason: 'count' | 'aborted' | 'timeout' | 'exit';
  /** Records handed to the consumer. */
  records: number;
  elapsedMs: number;
  /** The guest reader's own end report, when it exited by itself (durationMs) and said so. */
  reader?: ReaderReport;
  /** Why some records are hex (no BTF, no or several structs of their size). */
  notes: string[];
}

export interface RecordBatch {
  map: MapRow;
  records: StreamRecord[];
  /** Cumulative counts so far. */
  counts: StreamCounts;
  /** Notes new since the previous batch: which struct records of a size decode as and why, or why they stay hex. */
  notes?: string[];
  /** Record sizes first seen in this batch, with the structs they could decode as (the program's own first). */
  candidates?: { size: number; structs: string[] }[];
  /** Set on the last batch. */
  end?: StreamEnd;
}

/** The stream could not start (wrong map type, reader failure). */
export class StreamError extends Error {
  override readonly name = 'StreamError';
}

/** Struct names of the guest kernel's BTF (/sys/kernel/btf/vmlinux, ~4 MB). */
async function guestKernelStructs(agent: StreamAgent): Promise<Set<string> | undefined> {
  const r = await agent.run(['cat', '/sys/kernel/btf/vmlinux'], { timeoutMs: 30_000 });
  return r.exitCode === 0 ? structNames(Btf.parse(r.stdout)) : undefined;
}

const STREAMABLE: Record<string, RecordMapType> = { ringbuf: 'ringbuf', perf_event_array: 'perf_event_array' };

/** Parses one of the reader's stderr report lines ("#ready {...}", "#lost {...}", "#end {...}"). */
export function parseReaderReport(line: string): { kind: 'ready' | 'lost' | 'end'; data: Record<string, unknown> } | undefined {
  const m = /^#(ready|lost|end) (\{.*\})\s*$/.exec(line);
  if (!m) return undefined;
  try {
    const data: unknown = JSON.parse(m[2]);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
    return { kind: m[1] as 'ready' | 'lost' | 'end', data: data as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

function readerReport(d: Record<string, unknown>): ReaderReport {
  const n = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : 0);
  const r: ReaderReport = { records: n('records'), bytes: n('bytes'), lost: n('lost'), elapsedNs: n('elapsedNs'), outputError: d.outputError === true };
  if (typeof d.error === 'string') r.error = d.error;
  return r;
}

/**
 * Streams MAP (id, name or pin path) as decoded record batches until `count`, `signal`, `timeoutMs`,
 * `durationMs` or the reader's exit; the last batch carries `end`. Breaking out of the loop early
 * stops the guest reader too. A ring buffer first yields what it already holds (records nobody has
 * read since the program was loaded). Throws StreamError when the map cannot stream or the reader
 * fails at once, RecordTypeError for an unknown `structName`, and AgentError if the VM goes away;
 * a map or program removed while streaming just stops producing records (the reader holds the map).
 */
export async function* streamMap(agent: StreamAgent, ref: string, opts: StreamMapOptions = {}): AsyncGenerator<RecordBatch, void, undefined> {
  if (opts.count !== undefined && !(Number.isInteger(opts.count) && opts.count > 0)) throw new StreamError('count must be a positive integer');
  const { map } = await lookupMap(agent, ref);
  const mapType = STREAMABLE[map.type];
  if (!mapType) throw new StreamError(`map ${map.id} (${map.name}) is a ${map.type} map: only ringbuf and perf_event_array maps stream records (use ring0 bpf dump)`);
  const loader = await loaderPathOf(opts);
  let btfError: string | undefined;
  const btf = (await mapBtf(agent, map.id, { loaderPath: loader }).catch((e: Error) => void (btfError = e.message)))?.btf;
  // The kernel's own struct names, so a CO-RE program's copies of them do not hide its own record type.
  let kernelStructs: Set<string> | undefined;
  if (btf && opts.structName === undefined) kernelStructs = await guestKernelStructs(agent).catch(() => undefined);
  const decoder = new RecordDecoder({ mapType, btf, structName: opts.structName, hex: opts.hex, mapName: map.name, ...(kernelStructs ? { kernelStructs } : {}) });
  if (btfError) decoder.notes.push(`could not read the map's BTF (${btfError}): records are hex`);
  let notesSent = 0;
  const sizes = new Set<number>();
  const newNotes = (records: StreamRecord[] = []) => {
    const n = decoder.notes.slice(notesSent);
    notesSent = decoder.notes.length;
    const fresh = [...new Set(records.map((r) => r.size))].filter((s) => s > 0 && !sizes.has(s));
    for (const s of fresh) sizes.add(s);
    const candidates = fresh.map((size) => ({ size, structs: decoder.candidates(size).slice(0, 100) }));
    return { ...(n.length ? { notes: n } : {}), ...(candidates.length ? { candidates } : {}) };
  };

  const args = [loader, 'stream', '--id', String(map.id)];
  if (opts.durationMs !== undefined) args.push('--duration-ms', String(Math.max(1, Math.round(opts.durationMs))));
  const t0 = performance.now();
  const stream = agent.openStream(args, { credits: opts.credits ?? 16_384 });
  const counts: StreamCounts = { delivered: 0, agentDropped: 0, kernelLost: 0, malformed: 0, truncated: 0 };
  let reader: ReaderReport | undefined;
  let stderrText = '';
  let stderrTail = '';
  stream.on('stderr', (b: Buffer) => {
    stderrTail += b.toString('utf8');
    const lines = stderrTail.split('\n');
    stderrTail = lines.pop() ?? '';
    for (const line of lines) {
      const rep = parseReaderReport(line);
      if (rep?.kind === 'lost') counts.kernelLost += typeof rep.data.count === 'number' ? rep.data.count : 0;
      else if (rep?.kind === 'end') reader = readerReport(rep.data);
      else if (!rep && stderrText.length < 8192) stderrText += line + '\n';
    }
  });

  let stopReason: StreamEnd['reason'] | undefined;
  let wake: () => void = () => undefined;
  const stopped = new Promise<'stop'>((resolve) => (wake = () => resolve('stop')));
  const stop = (why: StreamEnd['reason']) => {
    stopReason ??= why;
    wake();
  };
  const onAbort = () => stop('aborted');
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) stop('aborted');
  const timer = opts.timeoutMs !== undefined ? setTimeout(() => stop('timeout'), opts.timeoutMs) : undefined;
  let handed = 0;
  let finished = false;
  const it = stream.batches();
  try {
    while (!stopReason) {
      const next = await Promise.race([it.next(), stopped]);
      if (next === 'stop' || next.done) break;
      const b = next.value;
      counts.delivered += b.count;
      counts.agentDropped = b.dropped;
      const records: StreamRecord[] = [];
      for (const line of b.records) {
        if (opts.count !== undefined && handed >= opts.count) break;
        records.push(decoder.decodeLine(line));
        handed++;
      }
      counts.malformed = decoder.malformed;
      if (opts.count !== undefined && handed >= opts.count) stopReason = 'count';
      if (records.length || b.dropped) yield { map, records, counts: { ...counts }, ...newNotes(records) };
    }
    const end = await stream.close();
    finished = true;
    counts.agentDropped = end.dropped;
    counts.truncated = end.truncated;
    // Records of batches that arrived after the last one taken are delivered but not handed over.
    counts.delivered = Math.max(counts.delivered, end.delivered);
    if (end.reason === 'exit' && end.exitCode !== 0 && handed === 0 && !stopReason) {
      throw new StreamError(`the guest reader for map ${map.id} failed (exit ${end.exitCode ?? end.signal}): ${stderrText.trim() || stderrTail.trim() || 'no message'}`);
    }
    if (stderrTail) {
      const rep = parseReaderReport(stderrTail);
      if (rep?.kind === 'end') reader = readerReport(rep.data);
    }
    const summary: StreamEnd = { ...counts, reason: stopReason ?? 'exit', records: handed, elapsedMs: performance.now() - t0, notes: [...decoder.notes] };
    if (reader) summary.reader = reader;
    yield { map, records: [], counts: { ...counts }, ...newNotes(), end: summary };
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (!finished) await stream.close().catch(() => undefined);
  }
}
