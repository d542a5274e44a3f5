// Agent tools that look into the VM's kernel: BPF maps (list, dump decoded with BTF) and a tracepoint's
// events, stopped after a count or a timeout with exact drop counts.
import { z } from 'zod';
import { dumpMap, listMaps } from '../kernel/observe/bpf';
import { traceEvents } from '../kernel/observe/trace';
import type { TraceEvent } from '../kernel/observe/tracefs';
import { defineTool, withAgent } from './tool';

export const bpfMapsTool = defineTool({
  name: 'ring0_bpf_maps',
  title: 'List BPF maps',
  description: 'List the BPF maps in the running VM: id, type, name, key/value sizes, max entries and the Ring0-loaded object each belongs to.',
  input: {},
  changesState: false,
  async run(_i, ctx) {
    const maps = await withAgent(ctx, (a) => listMaps(a));
    return { text: maps.map((m) => `${m.id} ${m.type} ${m.name || '-'}${m.object ? ` [${m.object}]` : ''}`).join('\n') || 'no BPF maps', data: maps };
  },
});

export const bpfDumpTool = defineTool({
  name: 'ring0_bpf_dump',
  title: 'Dump a BPF map',
  description: 'Dump a BPF map by id, name or pin path; keys and values are decoded with BTF when the map has it (hex otherwise).',
  input: {
    map: z.string().min(1).max(256).describe('map id, name or /sys/fs/bpf pin path'),
    limit: z.number().int().min(1).max(100000).optional().describe('return at most this many entries (default 1000)'),
  },
  changesState: false,
  async run(i, ctx) {
    const d = await withAgent(ctx, (a) => dumpMap(a, i.map));
    const limit = i.limit ?? 1000;
    const entries = d.entries.slice(0, limit);
    return {
      text: `map ${d.map.id} ${d.map.name} (${d.map.type}), ${d.entries.length} entries${d.entries.length > limit ? `, first ${limit} shown` : ''}\n${entries.map((e) => `${JSON.stringify(e.key)}: ${JSON.stringify(e.value)}`).join('\n')}`,
      data: { ...d, entries, total: d.entries.length },
    };
  },
});

export const traceTool = defineTool({
  name: 'ring0_trace',
  title: 'Trace a tracepoint',
  description: 'Enable a tracepoint (CATEGORY:EVENT, e.g. syscalls:sys_enter_openat) in the VM, collect up to `count` events (or until the timeout), disable it, and return the events with exact drop counts.',
  input: {
    tracepoint: z.string().regex(/^[A-Za-z0-9_]+:[A-Za-z0-9_]+$/).describe('CATEGORY:EVENT'),
    count: z.number().int().min(1).max(10000).describe('stop after this many events'),
    timeoutSeconds: z.number().positive().max(600).optional().describe('stop after this long even with fewer events (default 10)'),
  },
  changesState: false,
  async run(i, ctx) {
    const events: TraceEvent[] = [];
    const summary = await withAgent(ctx, (a) => traceEvents(a, i.tracepoint, {
      count: i.count,
      timeoutMs: Math.round((i.timeoutSeconds ?? 10) * 1000),
      signal: ctx.signal,
      onReady: () => ctx.progress(`tracing ${i.tracepoint}`, 0),
      onEvent: (e) => {
        events.push(e);
        ctx.progress(`${events.length}/${i.count} events`, events.length / i.count);
      },
    }));
    return { text: `${summary.events} events of ${i.tracepoint}; dropped ${summary.dropped}, lost ${summary.lost}\n${events.slice(0, 50).map((e) => `${e.comm}-${e.pid} ${e.raw}`).join('\n')}`, data: { events, summary } };
  },
});

export const OBSERVE_TOOLS = [bpfMapsTool, bpfDumpTool, traceTool];
