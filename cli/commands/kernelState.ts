// CLI: `ring0 kernel ps|lsmod|dmesg [--json] [--follow]` — the running VM's tasks, modules and kernel
// log read through the guest agent (procfs, /dev/kmsg); the kernel is never stopped.
import { moduleSymbolFinder, parseKmsg, readKmsg, readModules, readTasks, type KmsgRow } from '../../kernel/observe/kernelState';
import { connectAgent } from '../../kernel/vm/manager';
import { vmPaths } from '../../kernel/vm/paths';
import { readState } from '../../kernel/vm/state';
import type { CliCommand, Invocation } from '../command';
import { workspaceOf } from './vm';

const WS = { workspace: { type: 'string', short: 'w' } } as const;
const WS_LINE = '-w, --workspace DIR the workspace whose VM to use (default: .)';

async function withAgent<T>(inv: Invocation, body: (a: Awaited<ReturnType<typeof connectAgent>>) => Promise<T>): Promise<T> {
  const agent = await connectAgent(workspaceOf(inv));
  try {
    return await body(agent);
  } finally {
    agent.close();
  }
}

export const kernelPsCommand: CliCommand = {
  path: ['kernel', 'ps'],
  summary: 'Tasks of the running VM (pid, comm, state, CPU, parent) from /proc, read without stopping the kernel.',
  synopsis: '[--json] [--filter TEXT]',
  details: ['--json         [{pid, comm, state, ppid, cpu, threads, source:"agent:procfs"}]', '--filter TEXT  only tasks whose comm or pid contains TEXT', WS_LINE],
  options: { json: { type: 'boolean' }, filter: { type: 'string' }, ...WS },
  run: (inv) => withAgent(inv, async (agent) => {
    const f = inv.values.filter as string | undefined;
    const rows = (await readTasks(agent)).filter((t) => !f || t.comm.includes(f) || String(t.pid).includes(f));
    if (inv.values.json) inv.io.out(JSON.stringify(rows, null, 2) + '\n');
    else {
      inv.io.out('  PID  PPID CPU S COMM              (source: agent:procfs)\n');
      for (const t of rows) inv.io.out(`${String(t.pid).padStart(5)} ${String(t.ppid).padStart(5)} ${String(t.cpu).padStart(3)} ${t.state} ${t.comm}\n`);
    }
    return 0;
  }),
};

export const kernelLsmodCommand: CliCommand = {
  path: ['kernel', 'lsmod'],
  summary: 'Loaded modules of the running VM (size, base address, refcount) with where Ring0 finds their symbols.',
  synopsis: '[--json]',
  details: ['--json  [{name, size, refcount, usedBy, state, address, symbols:{status:"workspace"|"debug-package"|"none", file?}, source}]', WS_LINE],
  options: { json: { type: 'boolean' }, ...WS },
  run: (inv) => withAgent(inv, async (agent) => {
    const ws = workspaceOf(inv);
    const rows = await readModules(agent, moduleSymbolFinder(ws, readState(vmPaths(ws))?.kernel?.release));
    if (inv.values.json) inv.io.out(JSON.stringify(rows, null, 2) + '\n');
    else {
      inv.io.out('MODULE               SIZE  REF ADDRESS             SYMBOLS        (source: agent:procfs)\n');
      for (const m of rows) inv.io.out(`${m.name.padEnd(18)} ${String(m.size).padStart(7)} ${String(m.refcount).padStart(4)} ${m.address.padEnd(19)} ${m.symbols.status}${m.symbols.file ? ` ${m.symbols.file}` : ''}\n`);
    }
    return 0;
  }),
};

/** ANSI colours by level: red for emerg..err, yellow warning, cyan notice, default info, dim debug. */
const COLOR = ['31;1', '31;1', '31;1', '31', '33', '36', '0', '2'];

function printKmsg(inv: Invocation, rows: KmsgRow[], json: boolean, color = false): void {
  for (const r of rows) {
    const line = `[${(r.usec / 1e6).toFixed(6).padStart(12)}] ${r.levelName.padEnd(7)} ${r.message}`;
    inv.io.out(json ? JSON.stringify(r) + '\n' : color ? `\x1b[${COLOR[r.level]}m${line}\x1b[0m\r\n` : `${line}\n`);
  }
}

export const kernelDmesgCommand: CliCommand = {
  path: ['kernel', 'dmesg'],
  summary: 'The running VM\'s kernel log from /dev/kmsg (levels named), optionally following new messages.',
  synopsis: '[--json] [--follow] [--level N]',
  details: ['--json     one {seq, level, levelName, facility, usec, message, source:"agent:/dev/kmsg"} per line', '--follow   keep printing new messages (Ctrl-C stops)', '--level N  only messages at level N (0 emerg … 7 debug) or more severe', '--color    colour lines by level (ANSI)', WS_LINE],
  options: { json: { type: 'boolean' }, follow: { type: 'boolean' }, level: { type: 'string' }, color: { type: 'boolean' }, ...WS },
  run: (inv) => withAgent(inv, async (agent) => {
    const max = inv.values.level !== undefined ? Number(inv.values.level) : 7;
    if (!Number.isInteger(max) || max < 0 || max > 7) throw new Error(`--level takes 0-7 (got ${String(inv.values.level)})`);
    const keep = (rows: KmsgRow[]) => rows.filter((r) => r.level <= max);
    const json = !!inv.values.json;
    const color = !!inv.values.color;
    if (!inv.values.follow) {
      printKmsg(inv, keep(await readKmsg(agent)), json, color);
      return 0;
    }
    const h = agent.exec(['cat', '/dev/kmsg']);
    let partial = '';
    h.on('stdout', (b: Buffer) => {
      const text = partial + b.toString('utf8');
      const cut = text.lastIndexOf('\n');
      partial = text.slice(cut + 1);
      printKmsg(inv, keep(parseKmsg(text.slice(0, cut + 1))), json, color);
    });
    const stop = () => void h.kill('SIGTERM');
    process.once('SIGINT', stop);
    try {
      await h.result;
    } finally {
      process.removeListener('SIGINT', stop);
    }
    return 0;
  }),
};

export const KERNEL_STATE_COMMANDS: CliCommand[] = [kernelPsCommand, kernelLsmodCommand, kernelDmesgCommand];
