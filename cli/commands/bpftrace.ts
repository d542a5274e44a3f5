// CLI: `ring0 bpftrace FILE | -e PROGRAM | --tool NAME` (and `--list-tools`) — runs the host's bpftrace in the workspace VM, streaming its output.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { cutMessage, runBpftrace, startingMessage, type BpftraceOutput } from '../../kernel/observe/bpftrace';
import { findBpftraceTool, listBpftraceTools } from '../../kernel/observe/bpftraceTools';
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
  synopsis: 'FILE.bt | -e PROGRAM | --tool NAME | --list-tools [--json-lines] [--duration MS] [-- BPFTRACE-ARGS...]',
  details: [
    '-e PROGRAM    the program text (else FILE, a path inside the workspace)',
    '--tool NAME   one of the tools the host\'s bpftrace package ships (/usr/sbin/NAME.bt: execsnoop, runqlat, ...)',
    '--list-tools  list those tools with their descriptions (--json: as JSON)',
    '--json-lines  one parsed record per line: {kind: attached|printf|value|keyed|hist|lost|text|other, ...},',
    '              printed maps as {kind:"keyed", map, entries:[{key, value}]} and {kind:"hist", map, series:[{key, buckets:[{min, max, count, label}]}]};',
    '              then {end: true, exitCode, lost}',
    '--duration MS trace for MS milliseconds, counted from when bpftrace has attached its probes (its start-up',
    '              under TCG takes seconds), then stop it with SIGINT so it prints its maps; Ctrl-C does the same',
    'While bpftrace starts, a progress line with the elapsed time goes to stderr; --json-lines also gets',
    '{kind:"startup", attachedAfterMs, probes} once it has attached.',
    'Needs the host-root share (bpftrace is the host\'s; ring0 setup --test-host installs it).',
    '-w, --workspace DIR the workspace whose VM to use (default: .)',
  ],
  options: { expr: { type: 'string', short: 'e' }, tool: { type: 'string' }, 'list-tools': { type: 'boolean' }, json: { type: 'boolean' }, 'json-lines': { type: 'boolean' }, duration: { type: 'string' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 0, max: 1 },
  takesRest: true,
  run: async (inv) => {
    if (inv.values['list-tools']) {
      const tools = listBpftraceTools();
      if (inv.values.json) inv.io.out(JSON.stringify(tools, null, 2) + '\n');
      else if (!tools.length) inv.io.err('No bpftrace tools in /usr/sbin: install Debian\'s bpftrace on the host (apt-get install bpftrace).\n');
      else for (const t of tools) inv.io.out(`${t.name.padEnd(16)} ${t.description}\n`);
      return 0;
    }
    const program = inv.values.expr as string | undefined;
    const toolName = inv.values.tool as string | undefined;
    const given = [program, inv.positionals[0], toolName].filter((x) => x !== undefined).length;
    if (given !== 1) throw new UsageError('give one of a .bt FILE, -e PROGRAM or --tool NAME');
    if (program !== undefined && !program.trim()) throw new UsageError('-e needs a bpftrace program');
    let bt: string | undefined;
    if (toolName !== undefined) {
      try {
        bt = findBpftraceTool(toolName).path;
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else if (inv.positionals[0] !== undefined) bt = path.resolve(inv.io.cwd, inv.positionals[0]);
    if (bt !== undefined && !existsSync(bt)) throw new UsageError(`${bt} does not exist`);
    const durationMs = positiveInt(inv.values.duration, '--duration');
    const jsonLines = !!inv.values['json-lines'];
    const agent = await connectAgent(workspaceOf(inv));
    const tty = !!(process.stderr as { isTTY?: boolean }).isTTY;
    let progressShown = false;
    const started = Date.now();
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
        tickMs: tty ? 500 : 5000,
        onPhase: (p) => {
          if (p.phase === 'starting') {
            inv.io.err(tty ? `\r${startingMessage(p.elapsedMs)}` : `${startingMessage(p.elapsedMs)}\n`);
            progressShown = true;
            return;
          }
          const line = `bpftrace attached ${p.probes} probe${p.probes === 1 ? '' : 's'} after ${(p.elapsedMs / 1000).toFixed(1)} s${durationMs !== undefined ? `; tracing for ${(durationMs / 1000).toFixed(1)} s` : ''}`;
          inv.io.err(tty && progressShown ? `\r${line}\x1b[K\n` : `${line}\n`);
          if (jsonLines) inv.io.out(JSON.stringify({ kind: 'startup', attachedAfterMs: p.elapsedMs, probes: p.probes }) + '\n');
        },
        onOutput: (o, stream) => {
          if (stream === 'stderr') inv.io.err(o.kind === 'text' ? o.text + '\n' : '');
          else inv.io.out(jsonLines ? JSON.stringify(o) + '\n' : formatBpftraceOutput(o));
        },
      });
      if (tty && progressShown && r.startupMs === null) inv.io.err('\n');
      if (jsonLines) inv.io.out(JSON.stringify({ end: true, exitCode: r.exitCode, signal: r.signal, lost: r.lost, startupMs: r.startupMs, cutInStartup: r.cutInStartup }) + '\n');
      const cut = cutMessage(r, Date.now() - started);
      if (cut || (r.exitCode === null && r.signal !== null)) {
        inv.io.err(`bpftrace: ${cut ?? `ended by ${r.signal}`}\n`);
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
