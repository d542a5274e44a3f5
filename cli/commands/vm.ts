// CLI: `ring0 vm start|stop|status|exec|console` for the workspace's detached VM, and `ring0 run`
// (boot, run one command, power off).
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AgentError, type AgentClient } from '../../kernel/agent/client';
import { spawnFailure } from '../../kernel/agent/errors';
import type { CliCommand, CliIO, Invocation, Options } from '../command';
import { UsageError } from '../command';
import { cliProgress } from '../progress';
import { connectAgent, startVm, stopVm, vmStatus } from '../../kernel/vm/manager';
import { runDaemon } from '../../kernel/vm/daemon';
import { vmPaths } from '../../kernel/vm/paths';
import { coerceVmSettings, readWorkspaceVmSettings, type VmSettings } from '../../kernel/vm/settings';
import { formatFrame } from '../../kernel/vm/symbolize';
import { bootOptions, Vm } from '../../kernel/vm/vm';
import { KNOWN_DEVICES, validateDevices } from '../../kernel/vm/devices';
import { checkOwnQemuArgs } from '../../kernel/vm/qemuArgPolicy';

const workspaceOption: Options = { workspace: { type: 'string', short: 'w' } };
const vmOptions: Options = {
  kernel: { type: 'string' },
  memory: { type: 'string' },
  cpus: { type: 'string' },
  accel: { type: 'string' },
  append: { type: 'string', multiple: true },
  'qemu-arg': { type: 'string', multiple: true },
  'no-host-root': { type: 'boolean' },
  device: { type: 'string', multiple: true },
};
const vmDetails = [
  '-w, --workspace DIR  the workspace (default: the current directory)',
  '--kernel BZIMAGE     boot your own kernel instead of Debian\'s cloud kernel (`build`: the one `ring0 kernel build` made)',
  '--memory MIB, --cpus N, --accel auto|kvm|tcg',
  '--append WORD        extra kernel command-line word (repeatable)',
  '--qemu-arg ARG       extra QEMU argument (repeatable), e.g. --qemu-arg=-device --qemu-arg=edu',
  '--no-host-root       do not share the host root (host tools) into the guest',
  `--device NAME        add a QEMU device (repeatable): ${Object.keys(KNOWN_DEVICES).join(', ')}`,
];

export function workspaceOf(inv: Invocation): string {
  return path.resolve(inv.io.cwd, (inv.values.workspace as string | undefined) ?? '.');
}

/** Workspace settings (.vscode/settings.json) overridden by flags; bad flag values are usage errors. */
export function settingsFrom(inv: Invocation): VmSettings {
  const ws = workspaceOf(inv);
  const base = readWorkspaceVmSettings(ws, (m) => inv.io.err(`warning: ${m}\n`));
  const v = inv.values;
  const raw: Record<string, unknown> = {};
  if (v.kernel !== undefined) raw['ring0.vm.kernel'] = v.kernel === 'build' ? 'build' : path.resolve(inv.io.cwd, v.kernel as string);
  if (v.memory !== undefined) raw['ring0.vm.memoryMiB'] = Number(v.memory);
  if (v.cpus !== undefined) raw['ring0.vm.cpus'] = Number(v.cpus);
  if (v.accel !== undefined) raw['ring0.vm.accel'] = v.accel;
  if (v.append !== undefined) raw['ring0.vm.kernelArgs'] = [...base.kernelArgs, ...(v.append as string[])];
  if (v['no-host-root']) raw['ring0.vm.shareHostRoot'] = false;
  if (v.device !== undefined) {
    try {
      validateDevices(v.device as string[]);
    } catch (e) {
      throw new UsageError(`--device: ${(e as Error).message}`);
    }
  }
  if (v.device !== undefined) raw['ring0.vm.devices'] = [...(base.devices ?? []), ...(v.device as string[])];
  const problems: string[] = [];
  const flagOf: Record<string, string> = { memoryMiB: '--memory', kernelArgs: '--append', shareHostRoot: '--no-host-root', devices: '--device' };
  const flags = coerceVmSettings(raw, (m) => problems.push(m.replace(/^ring0\.vm\.(\w+)/, (_, k: string) => flagOf[k] ?? `--${k}`).replace(/; using the default$/, '')));
  if (problems.length) throw new UsageError(problems.join('; '));
  const own = (v['qemu-arg'] as string[] | undefined) ?? [];
  try {
    checkOwnQemuArgs(own);
  } catch (e) {
    throw new UsageError(`--qemu-arg: ${(e as Error).message}`);
  }
  return { ...base, ...flags, ownQemuArgs: own };
}

function cliPath(): string {
  return process.argv[1] ? path.resolve(process.argv[1]) : path.join(__dirname, 'cli.js');
}

export const vmStartCommand: CliCommand = {
  path: ['vm', 'start'],
  summary: 'Boot the workspace VM in the background; returns once its agent answers.',
  synopsis: '[--json] [--gdb] [VM options]',
  details: ['--json  print the VM status as JSON', '--gdb   start QEMU\'s gdb stub (unix socket in the run directory)', ...vmDetails],
  options: { ...workspaceOption, ...vmOptions, json: { type: 'boolean' }, gdb: { type: 'boolean' } },
  async run(inv) {
    const settings = settingsFrom(inv);
    const progress = cliProgress(inv.io, !!inv.values.json);
    const r = await startVm({ workspace: workspaceOf(inv), settings, cliPath: cliPath(), gdb: !!inv.values.gdb, onProgress: (l, f) => progress.update(l, f) }).finally(() => progress.done());
    if (inv.values.json) inv.io.out(JSON.stringify({ ...r.status, alreadyRunning: r.alreadyRunning }, null, 2) + '\n');
    else if (r.alreadyRunning) inv.io.out(`The VM for ${workspaceOf(inv)} is already running (pid ${r.status.pid}, ${r.status.accel}).\n`);
    else inv.io.out(`VM running: ${r.state.kernel?.release} under ${r.status.accel?.toUpperCase()} (${r.state.accelReason}), booted in ${r.status.bootMs} ms, pid ${r.status.pid}.\n`);
    return 0;
  },
};

export const vmStopCommand: CliCommand = {
  path: ['vm', 'stop'],
  summary: 'Power off the workspace VM.',
  synopsis: '',
  details: [vmDetails[0]],
  options: { ...workspaceOption },
  async run(inv) {
    const stopped = await stopVm(workspaceOf(inv));
    inv.io.out(stopped ? 'VM stopped.\n' : 'No VM was running.\n');
    return 0;
  },
};

export function formatStatus(s: ReturnType<typeof vmStatus>): string {
  const lines = [`state:   ${s.state}`];
  if (s.accel) lines.push(`accel:   ${s.accel}`);
  if (s.kernel) lines.push(`kernel:  ${s.kernel}`);
  if (s.kernelBuild) lines.push(`build:   ${s.kernelBuild}`);
  if (s.pid) lines.push(`pid:     ${s.pid}`);
  if (s.uptimeMs !== undefined) lines.push(`uptime:  ${(s.uptimeMs / 1000).toFixed(1)} s`);
  if (s.bootMs !== undefined) lines.push(`boot:    ${s.bootMs} ms`);
  if (s.devices?.length) lines.push(`devices: ${s.devices.join(', ')}`);
  if (s.error) lines.push(`error:   ${s.error}`);
  if (s.oops && !s.panic) {
    lines.push(`oopses:  ${s.oopsCount ?? 1} (the guest kept running; the kernel is tainted); the last: ${s.oops.summary}`);
    for (const f of [...(s.oops.rip ? [s.oops.rip] : []), ...s.oops.frames.filter((x) => x.reliable)].slice(0, 8)) lines.push(`  ${formatFrame(f)}`);
  }
  if (s.panic) {
    lines.push(`panic:   ${s.panic.summary}`);
    for (const f of [...(s.panic.rip ? [s.panic.rip] : []), ...s.panic.frames]) lines.push(`  ${formatFrame(f)}`);
  }
  return lines.join('\n') + '\n';
}

export const vmStatusCommand: CliCommand = {
  path: ['vm', 'status'],
  summary: 'Show whether the workspace VM is running, stopped or panicked.',
  synopsis: '[--json]',
  details: ['--json  {state, accel, kernel, pid, uptimeMs, bootMs, devices?, panic?, oops?, oopsCount?}', vmDetails[0]],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(inv) {
    const s = vmStatus(workspaceOf(inv));
    inv.io.out(inv.values.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
    return 0;
  },
};

/** Runs argv in the guest, streaming its output; resolves with a shell-style exit code. */
export async function execStreaming(agent: AgentClient, argv: string[], io: CliIO, opts: { cwd?: string; timeoutMs?: number; collect?: boolean }) {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const handle = agent.exec(argv, { ...(opts.cwd ? { cwd: opts.cwd } : {}), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) });
  handle.on('stdout', (b: Buffer) => (opts.collect ? stdout.push(b) : process.stdout.write(b)));
  handle.on('stderr', (b: Buffer) => (opts.collect ? stderr.push(b) : process.stderr.write(b)));
  let r;
  try {
    r = await handle.result;
  } catch (e) {
    // Like a shell: 127 when the program is not there, 126 when it cannot be executed, 125 (as
    // `env -C`) when the working directory cannot be entered.
    const f = e instanceof AgentError ? spawnFailure(argv, e, opts.cwd) : undefined;
    if (f) {
      io.err(`ring0: ${f.message}\n`);
      return { code: f.code, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), result: undefined };
    }
    throw e;
  }
  let code = r.exitCode ?? 1;
  if (r.timedOut) {
    code = 124;
    io.err(`ring0: '${argv.join(' ')}' timed out in the guest\n`);
  } else if (r.signal) {
    code = 128 + signalNumber(r.signal);
  }
  return { code, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), result: r };
}

function signalNumber(sig: string | number): number {
  if (typeof sig === 'number') return sig;
  const n = os.constants.signals[sig as NodeJS.Signals];
  return n ?? 1;
}

const timeoutOption: Options = { timeout: { type: 'string' } };
function timeoutMs(inv: Invocation): number | undefined {
  const t = inv.values.timeout as string | undefined;
  if (t === undefined) return undefined;
  const s = Number(t);
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--timeout takes a number of seconds, not '${t}'`);
  return Math.round(s * 1000);
}

export const vmExecCommand: CliCommand = {
  path: ['vm', 'exec'],
  summary: 'Run a command in the workspace VM, streaming its output; exits with its exit code.',
  synopsis: '[--timeout S] [--cwd DIR] -- ARGV...',
  details: ['--timeout S  kill the command after S seconds (exit 124)', '--cwd DIR    working directory in the guest (default: the workspace)', vmDetails[0]],
  options: { ...workspaceOption, ...timeoutOption, cwd: { type: 'string' } },
  takesRest: true,
  async run(inv) {
    if (inv.rest.length === 0) throw new UsageError('give the command after --, e.g. ring0 vm exec -- uname -r');
    const t = timeoutMs(inv);
    const agent = await connectAgent(workspaceOf(inv));
    try {
      const r = await execStreaming(agent, inv.rest, inv.io, { cwd: (inv.values.cwd as string | undefined) ?? workspaceOf(inv), timeoutMs: t });
      return r.code;
    } finally {
      agent.close();
    }
  },
};

export const vmResetCommand: CliCommand = {
  path: ['vm', 'reset'],
  summary: 'Hard-reset the workspace VM (QMP system_reset) and wait for its agent.',
  synopsis: '[--json]',
  details: ['--json  {bootMs}', vmDetails[0]],
  options: { ...workspaceOption, json: { type: 'boolean' } },
  async run(inv) {
    const agent = await connectAgent(workspaceOf(inv));
    try {
      const reply = await agent.call({ op: 'vm.reset' }, { timeoutMs: 120_000 });
      const bootMs = typeof reply.json.bootMs === 'number' ? reply.json.bootMs : undefined;
      inv.io.out(inv.values.json ? JSON.stringify({ bootMs }) + '\n' : `VM reset; the guest was back in ${bootMs} ms.\n`);
      return 0;
    } finally {
      agent.close();
    }
  },
};

export const vmConsoleCommand: CliCommand = {
  path: ['vm', 'console'],
  summary: 'Attach this terminal to the VM\'s serial console (Ctrl-] detaches).',
  synopsis: '',
  details: [vmDetails[0]],
  options: { ...workspaceOption },
  async run(inv) {
    const ws = workspaceOf(inv);
    const s = vmStatus(ws);
    if (s.state !== 'running') throw new Error(`no VM is running for ${ws}; start one with 'ring0 vm start'`);
    const sock = net.createConnection(vmPaths(ws).sockets.serial);
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', () => resolve());
      sock.once('error', (e) => reject(new Error(`cannot attach to the serial console: ${e.message}`)));
    });
    inv.io.err('Attached to the serial console. Press Enter for a prompt; Ctrl-] detaches.\n');
    const stdin = process.stdin;
    if (stdin.isTTY) stdin.setRawMode(true);
    return new Promise<number>((resolve) => {
      const finish = () => {
        if (stdin.isTTY) stdin.setRawMode(false);
        // destroy, not pause: a paused stdin still holds the event loop open and the CLI would never exit.
        stdin.destroy();
        sock.destroy();
        resolve(0);
      };
      stdin.on('data', (d: Buffer) => {
        if (d.includes(0x1d)) return finish();
        sock.write(d);
      });
      stdin.on('end', finish);
      sock.on('data', (d) => process.stdout.write(d));
      sock.on('close', finish);
    });
  },
};

export const vmDaemonCommand: CliCommand = {
  path: ['vm', 'daemon'],
  summary: 'Internal: the detached process that owns a workspace VM (started by vm start).',
  hidden: true,
  synopsis: '--workspace DIR --settings JSON [--gdb]',
  options: { ...workspaceOption, settings: { type: 'string' }, gdb: { type: 'boolean' } },
  async run(inv) {
    let raw: unknown;
    try {
      raw = JSON.parse((inv.values.settings as string | undefined) ?? '{}');
    } catch {
      throw new UsageError('--settings must be JSON');
    }
    const prefixed = Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [`ring0.vm.${k}`, v]));
    const settings: VmSettings = { ...readWorkspaceVmSettings(workspaceOf(inv)), ...coerceVmSettings(prefixed, (m) => inv.io.err(`${m}\n`)) };
    // The parent's own --qemu-arg words (not a settings key: coerceVmSettings never takes them).
    const own = (raw as { ownQemuArgs?: unknown }).ownQemuArgs;
    if (Array.isArray(own) && own.every((x) => typeof x === 'string')) settings.ownQemuArgs = own;
    return runDaemon(workspaceOf(inv), settings, { gdb: !!inv.values.gdb });
  },
};

export const runCommand: CliCommand = {
  path: ['run'],
  summary: 'Boot a VM, run one command in it, power off (like vng -- cmd).',
  synopsis: '[--json] [--timeout S] [VM options] -- ARGV...',
  details: ['--json       print {exitCode, stdout, stderr, accel, timings: {bootMs, readyMs, totalMs}}', '--timeout S  kill the command after S seconds (exit 124)', ...vmDetails],
  options: { ...workspaceOption, ...vmOptions, ...timeoutOption, json: { type: 'boolean' } },
  takesRest: true,
  async run(inv) {
    if (inv.rest.length === 0) throw new UsageError('give the command after --, e.g. ring0 run -- uname -r');
    const t0 = Date.now();
    const settings = settingsFrom(inv);
    const t = timeoutMs(inv);
    const json = !!inv.values.json;
    const progress = cliProgress(inv.io, json);
    const ws = workspaceOf(inv);
    const vm = await Vm.boot(bootOptions(ws, settings, { onProgress: (l, f) => progress.update(l, f) })).finally(() => progress.done());
    const readyMs = Date.now() - t0;
    try {
      const r = await execStreaming(vm.agent, inv.rest, inv.io, { cwd: ws, timeoutMs: t, collect: json });
      await vm.stop();
      if (json) {
        inv.io.out(JSON.stringify({
          exitCode: r.code,
          stdout: r.stdout.toString('utf8'),
          stderr: r.stderr.toString('utf8'),
          accel: vm.info.accel,
          timings: { bootMs: vm.info.bootMs, readyMs, totalMs: Date.now() - t0 },
        }, null, 2) + '\n');
      }
      return r.code;
    } finally {
      await vm.stop();
    }
  },
};

export const VM_COMMANDS: CliCommand[] = [vmStartCommand, vmStopCommand, vmStatusCommand, vmExecCommand, vmResetCommand, vmConsoleCommand, vmDaemonCommand, runCommand];
