// CLI: `ring0 trace CATEGORY:EVENT` — a tracepoint's events from the workspace VM as JSON lines, with exact drop counts.
import { traceEvents } from '../../observe/trace';
import { connectAgent } from '../../vm/manager';
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

export const TRACE_COMMANDS: CliCommand[] = [traceCommand];
