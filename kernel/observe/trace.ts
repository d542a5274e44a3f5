// Streams one tracepoint from the guest: enables it in tracefs, reads trace_pipe over the agent's
// stream channel (exact drop counts), parses events, and disables the event when done.
import type { AgentClient } from '../agent/client';
import { parseEventFormat, parseEventSpec, parseLostLine, parseOverrun, parseTraceLine, type EventFormat, type TraceEvent } from './tracefs';

export type TraceAgent = Pick<AgentClient, 'run' | 'openStream'>;

export const TRACEFS = '/sys/kernel/tracing';

export interface TraceOptions {
  /** Stop after this many events of the requested tracepoint. */
  count?: number;
  /** Stop when aborted (e.g. Ctrl-C). */
  signal?: AbortSignal;
  /** Stop after this long (ms). */
  timeoutMs?: number;
  onEvent: (e: TraceEvent) => void;
  /** Called once the event is enabled and trace_pipe is being read. */
  onReady?: () => void;
}

export interface TraceSummary {
  /** Events of the requested tracepoint passed to onEvent. */
  events: number;
  /** Lines the agent delivered / dropped for lack of credit (exact). */
  delivered: number;
  dropped: number;
  /** Events the kernel lost: "[LOST n EVENTS]" lines plus the ring buffers' overrun growth. */
  lost: number;
  overrun: number;
}

async function sh(agent: TraceAgent, script: string, ...args: string[]): Promise<string> {
  const r = await agent.run(['sh', '-c', script, 'ring0-trace', ...args], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(r.stderr.toString().trim() || `exit ${r.exitCode}`);
  return r.stdout.toString();
}

async function overrun(agent: TraceAgent): Promise<number> {
  return parseOverrun(await sh(agent, 'cat "$1"/per_cpu/cpu*/stats', TRACEFS));
}

export async function readEventFormat(agent: Pick<AgentClient, 'run'>, spec: string): Promise<EventFormat> {
  const { category, event } = parseEventSpec(spec);
  const r = await agent.run(['cat', `${TRACEFS}/events/${category}/${event}/format`], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(`no tracepoint ${spec} in the guest (${r.stderr.toString().trim()})`);
  return parseEventFormat(r.stdout.toString());
}

export async function traceEvents(agent: TraceAgent, spec: string, opts: TraceOptions): Promise<TraceSummary> {
  const { category, event } = parseEventSpec(spec);
  const format = await readEventFormat(agent, spec);
  const formats = new Map([[format.name, format]]);
  const dir = `${TRACEFS}/events/${category}/${event}`;
  const before = await overrun(agent);
  // Clear stale events, enable, then read; the producer is cat so closing the stream stops it.
  const stream = agent.openStream(['sh', '-c', ': > "$1/trace" && echo 1 > "$2/enable" && exec cat "$1/trace_pipe"', 'ring0-trace', TRACEFS, dir], { credits: 4096 });
  const summary: TraceSummary = { events: 0, delivered: 0, dropped: 0, lost: 0, overrun: 0 };
  let stderr = '';
  stream.on('stderr', (b: Buffer) => (stderr += b.toString()));
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const timer = opts.timeoutMs !== undefined ? setTimeout(stop, opts.timeoutMs) : undefined;
  const onAbort = () => stop();
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) stop();
  stream.once('started', () => opts.onReady?.());
  stream.on('batch', (b: { records: string[] }) => {
    for (const line of b.records) {
      if (opts.count !== undefined && summary.events >= opts.count) break;
      const lost = parseLostLine(line);
      if (lost !== undefined) {
        summary.lost += lost;
        continue;
      }
      const e = parseTraceLine(line, formats);
      if (!e || e.event !== format.name) continue;
      summary.events++;
      opts.onEvent(e);
    }
    if (opts.count !== undefined && summary.events >= opts.count) stop();
  });
  try {
    await Promise.race([stopped, stream.done.then(() => undefined)]);
    const end = await stream.close();
    summary.delivered = end.delivered;
    summary.dropped = end.dropped;
    if (end.reason === 'exit' && end.exitCode !== 0 && summary.events === 0) throw new Error(`reading ${spec} failed: ${stderr.trim() || `exit ${end.exitCode}`}`);
  } finally {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    await sh(agent, 'echo 0 > "$1/enable"', dir).catch(() => undefined);
  }
  summary.overrun = Math.max(0, (await overrun(agent).catch(() => before)) - before);
  return summary;
}
