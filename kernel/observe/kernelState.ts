// Kernel state of the running VM read through the guest agent without stopping the kernel: tasks
// (/proc/PID/stat), modules (/proc/modules, with where Ring0 finds their symbols) and dmesg (/dev/kmsg).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { AgentClient } from '../agent/client';

/** Where a row was read: the running kernel through the agent, or a stopped one through gdb's lx-* scripts. */
export type StateSource = 'agent:procfs' | 'agent:/dev/kmsg' | 'gdb:lx-ps' | 'gdb:lx-lsmod' | 'gdb:lx-dmesg';

export interface TaskRow { pid: number; comm: string; state: string; ppid: number; cpu: number; threads: number; source: StateSource }
export interface ModuleRow {
  name: string;
  size: number;
  refcount: number;
  usedBy: string[];
  state: string;
  /** Base address (hex) of the module's core; 0x0 when the kernel hides it. */
  address: string;
  /** Where a debugger gets the module's DWARF: the workspace's build, Debian's -dbg package, or nowhere. */
  symbols: { status: 'workspace' | 'debug-package' | 'none'; file?: string };
  source: StateSource;
}
export interface KmsgRow { seq: number; level: number; levelName: string; facility: number; usec: number; message: string; source: StateSource }

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

/** One /proc/PID/stat line. comm may hold spaces and parentheses: it ends at the last ')'. */
export function parseStat(line: string): TaskRow | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const rest = line.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field N is rest[N - 3].
  if (!Number.isInteger(pid) || rest.length < 37) return undefined;
  return { pid, comm: line.slice(open + 1, close), state: rest[0], ppid: Number(rest[1]), threads: Number(rest[17]), cpu: Number(rest[36]), source: 'agent:procfs' };
}

export function parseProcModules(text: string, symbolsOf: (name: string) => ModuleRow['symbols'] = () => ({ status: 'none' })): ModuleRow[] {
  const out: ModuleRow[] = [];
  for (const l of text.split('\n')) {
    const f = l.trim().split(/\s+/);
    if (f.length < 6 || !/^\d+$/.test(f[1])) continue;
    out.push({ name: f[0], size: Number(f[1]), refcount: Number(f[2]), usedBy: f[3] === '-' ? [] : f[3].split(',').filter(Boolean), state: f[4], address: f[5], symbols: symbolsOf(f[0]), source: 'agent:procfs' });
  }
  return out;
}

/** /dev/kmsg records: `prio,seq,usec,flags[,...];message`; continuation lines (` KEY=value`) are skipped. */
export function parseKmsg(text: string): KmsgRow[] {
  const out: KmsgRow[] = [];
  for (const l of text.split('\n')) {
    const semi = l.indexOf(';');
    if (semi < 0 || l.startsWith(' ')) continue;
    const [prio, seq, usec] = l.slice(0, semi).split(',').map(Number);
    if (![prio, seq, usec].every(Number.isFinite)) continue;
    const level = prio & 7;
    out.push({ seq, level, levelName: LEVELS[level], facility: prio >> 3, usec, message: l.slice(semi + 1).replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), source: 'agent:/dev/kmsg' });
  }
  return out;
}

/** NAME.ko in the workspace (a few levels deep), else in Debian's debug package for the release. */
export function moduleSymbolFinder(workspace: string, release: string | undefined): (name: string) => ModuleRow['symbols'] {
  const index = new Map<string, string>();
  const walk = (dir: string, depth: number, into: Map<string, string>) => {
    let ents;
    try {
      ents = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      if (e.isDirectory() && depth > 0 && !e.name.startsWith('.') && e.name !== 'node_modules') walk(path.join(dir, e.name), depth - 1, into);
      else if (e.isFile() && e.name.endsWith('.ko')) into.set(e.name.slice(0, -3).replace(/-/g, '_'), path.join(dir, e.name));
    }
  };
  walk(workspace, 4, index);
  const dbg = new Map<string, string>();
  const dbgDir = release ? `/usr/lib/debug/lib/modules/${release}` : '';
  let dbgIndexed = false;
  return (name) => {
    const ws = index.get(name);
    if (ws) return { status: 'workspace', file: ws };
    if (dbgDir && existsSync(dbgDir)) {
      if (!dbgIndexed) {
        walk(dbgDir, 8, dbg);
        dbgIndexed = true;
      }
      const f = dbg.get(name);
      if (f) return { status: 'debug-package', file: f };
    }
    return { status: 'none' };
  };
}

async function sh(agent: Pick<AgentClient, 'run'>, script: string): Promise<string> {
  const r = await agent.run(['sh', '-c', script], { timeoutMs: 30_000 });
  if (r.exitCode !== 0 && r.stdout.length === 0) throw new Error(`reading kernel state in the guest failed: ${r.stderr.toString().trim() || `exit ${r.exitCode}`}`);
  return r.stdout.toString('utf8');
}

export async function readTasks(agent: Pick<AgentClient, 'run'>): Promise<TaskRow[]> {
  const text = await sh(agent, 'for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null; done');
  return text.split('\n').map(parseStat).filter((t): t is TaskRow => !!t).sort((a, b) => a.pid - b.pid);
}

export async function readModules(agent: Pick<AgentClient, 'run'>, symbolsOf?: (name: string) => ModuleRow['symbols']): Promise<ModuleRow[]> {
  return parseProcModules(await sh(agent, 'cat /proc/modules'), symbolsOf);
}

/** Everything /dev/kmsg holds now (non-blocking read: the kernel is never stopped). */
export async function readKmsg(agent: Pick<AgentClient, 'run'>): Promise<KmsgRow[]> {
  return parseKmsg(await sh(agent, 'dd if=/dev/kmsg iflag=nonblock bs=16384 2>/dev/null; true'));
}
