// CLI: `ring0 bpftrace FILE | -e PROGRAM` — runs the host's bpftrace in the workspace VM, streaming its output.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runBpftrace, type BpftraceOutput } from '../../kernel/observe/bpftrace';
import { connectAgent } from '../../kernel/vm/manager';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { positiveInt } from './bpf';
import { workspaceOf } from './vm';

/** bpftrace's own look for a parsed record (text mode). */
export function formatBpftraceOutput(o: BpftraceOutput): string {
  switch (o.kind) {
    case 'attached': return `Attaching ${o.probes} probe${o.probes === 1 ? '' : 's'}...\n`;
    case 'printf': return o.text;
    case 'text': return o.text + '\n';
    case 'lost': return `Lost ${o.events} events\n`;
    case 'value': return `${o.map}: ${typeof o.value === 'object' ? `count ${o.value.count}, average ${o.value.average}, total ${o.value.total}` : o.value}\n`;
    case 'keyed': return o.entries.map((e) => `${o.map}[${e.key}]: ${typeof e.value === 'object' ? `count ${e.value.count}, average ${e.value.average}, total ${e.value.total}` : e.value}\n`).join('') + '\n';
    case 'hist': {
      let s = '';
      for (const series of o.series) {
        const top = Math.max(1, ...series.buckets.map((b) => b.count));
        s += `${o.map}${series.key !== null ? `[${series.key}]` : ''}:\n`;
        for (const b of series.buckets) s += `${b.label.padEnd(20)} ${String(b.count).padStart(8)} |${'@'.repeat(Math.round((b.count / top) * 40)).padEnd(40)}|\n`;
        s += '\n';
      }
      return s;
    }
    case 'other': return JSON.stringify({ type: o.type, data: o.data }) + '\n';
  }
}

export const bpftraceCommand: CliCommand = {
  path: ['bpftrace'],
  summary: 'Run a bpftrace program (a .bt file or -e PROGRAM) in the workspace VM with streamed output.',
  synopsis: 'FILE.bt | -e PROGRAM [--json-lines] [--duration MS] [-- BPFTRACE-ARGS...]',
  details: [
    '-e PROGRAM    the program text (else FILE, a path inside the workspace)',
    '--json-lines  one parsed record per line: {kind: attached|printf|value|keyed|hist|lost|text|other, ...},',
    '              printed maps as {kind:"keyed", map, entries:[{key, value}]} and {kind:"hist", map, series:[{key, buckets:[{min, max, count, label}]}]};',
    '              then {end: true, exitCode, lost}',
    '--duration MS stop bpftrace (SIGINT: it prints its maps) after MS milliseconds; Ctrl-C does the same',
    'Needs the host-root share (bpftrace is the host\'s; ring0 setup --test-host installs it).',
    '-w, --workspace DIR the workspace whose VM to use (default: .)',
  ],
  options: { expr: { type: 'string', short: 'e' }, 'json-lines': { type: 'boolean' }, duration: { type: 'string' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 0, max: 1 },
  takesRest: true,
  run: async (inv) => {
    const program = inv.values.expr as string | undefined;
    const file = inv.positionals[0];
    if ((program === undefined) === (file === undefined)) throw new UsageError('give a .bt FILE or -e PROGRAM (one of them)');
    if (program !== undefined && !program.trim()) throw new UsageError('-e needs a bpftrace program');
    const bt = file !== undefined ? path.resolve(inv.io.cwd, file) : undefined;
    if (bt !== undefined && !existsSync(bt)) throw new UsageError(`${bt} does not exist`);
    const durationMs = positiveInt(inv.values.duration, '--duration');
    const jsonLines = !!inv.values['json-lines'];
    const agent = await connectAgent(workspaceOf(inv));
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.once('SIGINT', onSigint);
    try {
      const r = await runBpftrace(agent, {
        program,
        file: bt,
        args: inv.rest,
        durationMs,
        signal: abort.signal,
        onOutput: (o, stream) => {
          if (stream === 'stderr') inv.io.err(o.kind === 'text' ? o.text + '\n' : '');
          else inv.io.out(jsonLines ? JSON.stringify(o) + '\n' : formatBpftraceOutput(o));
        },
      });
      if (jsonLines) inv.io.out(JSON.stringify({ end: true, exitCode: r.exitCode, signal: r.signal, lost: r.lost }) + '\n');
      if (r.exitCode === null && r.signal !== null) {
        inv.io.err(`bpftrace ended by ${r.signal}${r.signal === 'SIGINT' ? ' before it had set up its handler (it was still starting), so it printed no maps' : ''}\n`);
        return 1;
      }
      return r.exitCode ?? 1;
    } finally {
      process.removeListener('SIGINT', onSigint);
      agent.close();
    }
  },
};

export const BPFTRACE_COMMANDS: CliCommand[] = [bpftraceCommand];
