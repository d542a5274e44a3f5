// What feeds a stream panel: tracepoint events (tracefs, parsed with the event's format), ring-buffer and
// perf-event-array records (ringBufferSource.ts) and bpftrace output (printf text, printed maps). Each source runs on its own agent connection
// until the signal aborts it, and reports exact guest-side drop counts.
import path from 'node:path';
import type { AgentClient } from '../../kernel/agent/client';
import { traceEvents } from '../../kernel/observe/trace';
import { cutMessage, runBpftrace, startingMessage } from '../../kernel/observe/bpftrace';
import type { StreamRecord } from '../../kernel/observe/stream';
import { flatten } from '../../views/model/mapTable';
import { printedMap, type PrintedMap } from '../../views/model/printedMaps';
import type { WireRecord } from '../../views/protocol/stream';
import type { StreamSink, StreamSource } from '../../views/model/streamSource';

export type { StreamSink, StreamSource };

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

/** Runs `bpftrace -f json FILE` in the guest (the workspace is at the same path there); Stop sends SIGINT so it prints its maps. */
export function bpftraceSource(connect: AgentFactory, file: string, opts: { title?: string; description?: string; durationMs?: number } = {}): StreamSource {
  return {
    title: opts.title ?? `bpftrace: ${path.basename(file)}`,
    kind: 'text',
    description: opts.description ?? `bpftrace ${file} in the VM; printed maps are charted when the script prints them or ends.`,
    async run(sink, signal) {
      const agent = await connect();
      const started = Date.now();
      const maps = new Map<string, PrintedMap>();
      let lost = 0;
      let partial = '';
      const line = (text: string) => sink.records([{ t: Date.now(), text }]);
      try {
        const r = await runBpftrace(agent, {
          file,
          signal,
          durationMs: opts.durationMs,
          onPhase: (p) => {
            if (p.phase === 'starting') sink.state('starting', `${startingMessage(p.elapsedMs)}; Stop now cuts the run during start-up`);
            else sink.state('running', `bpftrace ${path.basename(file)}: ${p.probes} probe(s) attached after ${(p.elapsedMs / 1000).toFixed(1)} s; Stop makes it print its maps`);
          },
          onOutput: (o, stream) => {
            switch (o.kind) {
              case 'attached':
                break;
              case 'printf': {
                // printf/time() pieces without a newline belong to one row (execsnoop: time, pid, then join(args)).
                const parts = (partial + o.text).split('\n');
                partial = parts.pop() ?? '';
                if (partial.length > 4096) {
                  line(partial);
                  partial = '';
                }
                for (const t of parts) line(t);
                break;
              }
              case 'text':
                for (const t of o.text.replace(/\n$/, '').split('\n')) line(stream === 'stderr' ? `[stderr] ${t}` : t);
                break;
              case 'lost':
                lost += o.events;
                sink.guestCounts({ kernelLost: lost });
                break;
              case 'other':
                line(`${o.type}: ${JSON.stringify(o.data)}`);
                break;
              default: {
                const m = printedMap(o);
                if (!m) break;
                maps.set(m.name, m);
                sink.maps([...maps.values()]);
                line(`${m.name}: ${m.kind === 'hist' ? 'histogram' : `${m.entries.length} value(s)`} (charted above)`);
              }
            }
          },
        });
        if (r.exitCode !== null && r.exitCode !== 0 && maps.size === 0) {
          const why = r.exitCode === 127 ? 'bpftrace is not installed on the host (the VM runs the host\'s tools): run Ring0: Install Missing Dependencies' : r.stderr.trim().split('\n').slice(-3).join(' ');
          throw new Error(`bpftrace failed (exit ${r.exitCode}): ${why}`);
        }
        if (partial) line(partial);
        const cut = cutMessage(r, Date.now() - started);
        if (cut) return `bpftrace: ${cut}`;
        return `bpftrace exited (${r.exitCode !== null ? `exit ${r.exitCode}` : `signal ${r.signal}`}) · start-up ${r.startupMs !== null ? `${(r.startupMs / 1000).toFixed(1)} s` : '—'} · ${lost} event(s) lost`;
      } finally {
        agent.close();
      }
    },
  };
}

/** A streamed BPF record as a page row: struct fields flattened to columns, hex when it was not decoded. */
export function recordRow(r: StreamRecord, t = Date.now()): WireRecord {
  const f: Record<string, string | number> = { seq: r.seq };
  if (r.cpu !== undefined) f.cpu = r.cpu;
  if (r.value !== undefined) {
    for (const [k, v] of flatten(r.value, '')) f[k || 'value'] = v;
    return { t, f };
  }
  f.size = r.size;
  return { t, f, text: `${r.hex ?? ''}${r.error ? `  (${r.error})` : ''}` };
}
