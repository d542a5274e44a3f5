// CLI: `ring0 trace CATEGORY:EVENT` — a tracepoint's events from the workspace VM as JSON lines, with exact drop counts.
import { traceEvents } from '../../kernel/observe/trace';
import { filterTracepoints, listTracepoints, tracepointFormat } from '../../kernel/observe/tracepoints';
import { connectAgent } from '../../kernel/vm/manager';
import { noTracepointMessage } from '../argChecks';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { workspaceOf } from './vm';

export const traceCommand: CliCommand = {
  path: ['trace'],
  summary: 'Stream a tracepoint from the workspace VM (enabled for the call, disabled after).',
  synopsis: 'CATEGORY:EVENT [--json-lines] [--count N] [--timeout MS]',
  details: [
    '--json-lines  one {ts, cpu, pid, comm, event, fields, raw} per line, then {end: true, events, delivered, dropped, lost, overrun}',
    '--count N     stop after N events',
    '--timeout MS  stop after MS milliseconds',
    'Drop counts go to stderr at the end in either mode.',
    '-w, --workspace DIR the workspace whose VM to use (default: .)',
  ],
  options: { 'json-lines': { type: 'boolean' }, count: { type: 'string' }, timeout: { type: 'string' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 1, max: 1 },
  run: async (inv) => {
    const count = inv.values.count !== undefined ? Number(inv.values.count) : undefined;
    if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new UsageError('--count must be a positive integer');
    const timeoutMs = inv.values.timeout !== undefined ? Number(inv.values.timeout) : undefined;
    if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new UsageError('--timeout must be a positive number of milliseconds');
    const jsonLines = !!inv.values['json-lines'];
    const agent = await connectAgent(workspaceOf(inv));
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const s = await traceEvents(agent, inv.positionals[0], {
        count,
        timeoutMs,
        signal: abort.signal,
        onReady: () => inv.io.err(`tracing ${inv.positionals[0]}${count ? ` (${count} events)` : ''}; Ctrl-C stops\n`),
        onEvent: (e) => inv.io.out(jsonLines ? JSON.stringify(e) + '\n' : `${e.ts.toFixed(6)} [${e.cpu}] ${e.comm}-${e.pid} ${e.event}: ${e.raw}\n`),
      });
      if (jsonLines) inv.io.out(JSON.stringify({ end: true, ...s }) + '\n');
      inv.io.err(`${s.events} events; delivered ${s.delivered}, dropped ${s.dropped} (agent), lost ${s.lost} + overrun ${s.overrun} (kernel)\n`);
      return 0;
    } finally {
      process.removeListener('SIGINT', onSigint);
      agent.close();
    }
  },
};

export const tracepointsCommand: CliCommand = {
  path: ['tracepoints'],
  summary: 'List the guest kernel\'s tracepoints by category (from tracefs available_events), or show one event\'s format.',
  synopsis: '[FILTER] [--json] [--format CATEGORY:EVENT]',
  details: [
    'FILTER        keep categories or CATEGORY:EVENT names containing it (case-insensitive)',
    '--json        [{name, events: [...]}]; with --format: {name, id, fields: [{name, type, offset, size, signed}], printFmt}',
    '--format C:E  the event\'s fields, parsed from its tracefs format file',
    '-w, --workspace DIR the workspace whose VM to use (default: .)',
  ],
  options: { json: { type: 'boolean' }, format: { type: 'string' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 0, max: 1 },
  run: async (inv) => {
    const spec = inv.values.format as string | undefined;
    if (spec !== undefined && !/^[A-Za-z0-9_]+:[A-Za-z0-9_]+$/.test(spec)) throw new UsageError(`--format takes CATEGORY:EVENT (got '${spec}')`);
    const agent = await connectAgent(workspaceOf(inv));
    try {
      if (spec !== undefined) {
        const f = await tracepointFormat(agent, spec);
        if (inv.values.json) inv.io.out(JSON.stringify(f, null, 2) + '\n');
        else {
          inv.io.out(`${spec} (id ${f.id})\n`);
          for (const x of f.fields) inv.io.out(`  ${x.type} ${x.name};  offset ${x.offset}, size ${x.size}${x.signed ? ', signed' : ''}\n`);
          inv.io.out(`  print fmt: ${f.printFmt}\n`);
        }
        return 0;
      }
      const cats = filterTracepoints(await listTracepoints(agent), inv.positionals[0] ?? '');
      if (cats.length === 0) {
        inv.io.err(`ring0 tracepoints: ${noTracepointMessage(inv.positionals[0] ?? '')}\n`);
        return 1;
      }
      if (inv.values.json) inv.io.out(JSON.stringify(cats, null, 2) + '\n');
      else for (const c of cats) inv.io.out(`${c.name} (${c.events.length})\n${c.events.map((e) => `  ${c.name}:${e}\n`).join('')}`);
      return 0;
    } finally {
      agent.close();
    }
  },
};

export const TRACE_COMMANDS: CliCommand[] = [traceCommand, tracepointsCommand];
