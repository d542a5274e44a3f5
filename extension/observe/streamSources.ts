// What feeds a stream panel: tracepoint events (tracefs, parsed with the event's format) and bpftrace
// output (its -f json lines: printf text and printed maps). Each source runs on its own agent connection
// until the signal aborts it, and reports exact guest-side drop counts.
import path from 'node:path';
import type { AgentClient } from '../../kernel/agent/client';
import { traceEvents } from '../../kernel/observe/trace';
import { parseBpftraceLine, type PrintedMap } from '../../views/model/bpftraceJson';
import type { StreamState, WireRecord } from '../../views/protocol/stream';

export interface StreamSink {
  records(r: WireRecord[]): void;
  guestCounts(c: { agentDropped?: number; kernelLost?: number; malformed?: number }): void;
  maps(m: PrintedMap[]): void;
  state(state: StreamState, message: string): void;
}

export interface StreamSource {
  readonly title: string;
  readonly kind: 'events' | 'text';
  readonly description: string;
  /** Streams until `signal` aborts or the producer ends; resolves with a summary line. */
  run(sink: StreamSink, signal: AbortSignal): Promise<string>;
}

export type AgentFactory = () => Promise<AgentClient>;

export function tracepointSource(connect: AgentFactory, spec: string): StreamSource {
  return {
    title: `Trace: ${spec}`,
    kind: 'events',
    description: `Tracepoint ${spec} from the guest's tracefs, parsed with its format file.`,
    async run(sink, signal) {
      const agent = await connect();
      try {
        const s = await traceEvents(agent, spec, {
          signal,
          onReady: () => sink.state('running', `Streaming ${spec}`),
          onEvent: (e) => sink.records([{ t: Date.now(), f: { ts: e.ts, cpu: e.cpu, pid: e.pid, comm: e.comm, ...e.fields } }]),
        });
        sink.guestCounts({ agentDropped: s.dropped, kernelLost: s.lost + s.overrun });
        return `${s.events} events · agent delivered ${s.delivered}, dropped ${s.dropped} · kernel lost ${s.lost}, ring-buffer overrun ${s.overrun}`;
      } finally {
        agent.close();
      }
    },
  };
}

/** Runs `bpftrace -f json FILE` in the guest (the workspace is at the same path there). */
export function bpftraceSource(connect: AgentFactory, file: string): StreamSource {
  return {
    title: `bpftrace: ${path.basename(file)}`,
    kind: 'text',
    description: `bpftrace ${file} in the VM; printed maps are charted when the script prints them or exits.`,
    async run(sink, signal) {
      const agent = await connect();
      const maps = new Map<string, PrintedMap>();
      let malformed = 0;
      try {
        const stream = agent.openStream(['bpftrace', '-f', 'json', file], { cwd: path.dirname(file), credits: 4096 });
        stream.once('started', () => sink.state('running', `bpftrace ${path.basename(file)} is running; Stop prints its maps`));
        stream.on('stderr', (b: Buffer) => sink.records(b.toString().split('\n').filter(Boolean).map((text) => ({ t: Date.now(), text }))));
        stream.on('batch', (b: { records: string[]; dropped: number }) => {
          const out: WireRecord[] = [];
          let mapsChanged = false;
          for (const line of b.records) {
            if (!line) continue;
            const p = parseBpftraceLine(line);
            if (p.kind === 'map') {
              maps.set(p.map.name, p.map);
              mapsChanged = true;
              out.push({ t: Date.now(), text: `${p.map.name}: ${p.map.kind === 'hist' ? 'histogram' : `${p.map.entries.length} entr${p.map.entries.length === 1 ? 'y' : 'ies'}`} (charted above)` });
            } else {
              if (p.kind === 'text' && line.startsWith('{')) malformed++;
              out.push({ t: Date.now(), text: p.text });
            }
          }
          sink.guestCounts({ agentDropped: b.dropped, malformed });
          if (out.length) sink.records(out);
          if (mapsChanged) sink.maps([...maps.values()]);
        });
        const onAbort = () => void stream.close().catch(() => undefined);
        signal.addEventListener('abort', onAbort);
        if (signal.aborted) onAbort();
        const end = await stream.done.finally(() => signal.removeEventListener('abort', onAbort));
        sink.guestCounts({ agentDropped: end.dropped, malformed });
        if (end.reason === 'exit' && end.exitCode === 127) throw new Error('bpftrace is not installed on the host (the guest runs the host\'s tools): run Ring0: Install Missing Dependencies');
        return `bpftrace ended (${end.reason}${end.exitCode !== null ? `, exit ${end.exitCode}` : ''}) · agent delivered ${end.delivered}, dropped ${end.dropped}`;
      } finally {
        agent.close();
      }
    },
  };
}
