// Processes for the real-VS-Code tests: each in its own process group, output kept for the failure
// transcript, killed by group; plus free ports and temp dirs that tests remove again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** stdout and stderr interleaved, as received (the last ~2 MB). */
  output(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Waits until the output matches `re`; rejects on timeout or exit, with the output so far. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; safe to call twice. */
  kill(graceMs?: number): Promise<void>;
}

const MAX_OUTPUT = 2 * 1024 * 1024;

/** Spawns `cmd args` detached (its own process group) with piped output. */
export function startProc(name: string, cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: NodeJS.WritableStream } = {}): Proc {
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${cmd}`);
  const pid = child.pid;
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    opts.echo?.write(d);
    out += d.toString('utf8');
    if (out.length > MAX_OUTPUT) out = out.slice(out.length - MAX_OUTPUT);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let done = false;
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (e) => {
      out += `\n[${name}: ${e.message}]\n`;
    });
    child.on('close', (code, signal) => {
      done = true;
      for (const l of listeners) l();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  return {
    name,
    child,
    pid,
    output: () => out,
    exited,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) finish(() => resolve(m));
          else if (done) finish(() => reject(new Error(`${name} exited before printing ${re}; its output:\n${tail(out)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${name} did not print ${re} within ${timeoutMs} ms; its output:\n${tail(out)}`))), timeoutMs);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    async kill(graceMs = 3000) {
      killGroup(pid, 'SIGTERM');
      const ended = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
      // The leader may be gone while children of its group live on: SIGKILL the group regardless.
      killGroup(pid, 'SIGKILL');
      if (!ended) await Promise.race([exited, sleep(1000)]);
    },
  };
}

/** Signals process group `pid`; a group that no longer exists is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

export function tail(text: string, lines = 120): string {
  return text.split('\n').slice(-lines).join('\n');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A fresh directory under the system temp dir; remove it with removeTempDir. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `ring0-${prefix}-`));
}

export function removeTempDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
