// Helpers for the real-VM tests: run the built CLI, make throwaway workspaces, clean up VMs by pid.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ring0 ${args.join(' ')} timed out\nstderr: ${err}`));
    }, opts.timeoutMs ?? 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
  });
}

export function tempWorkspace(prefix = 'ring0-ws-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Stops the workspace VM, killing QEMU and the daemon by pid if stop does not work; removes the folder. */
export async function disposeWorkspace(ws: string): Promise<void> {
  await cli(['vm', 'stop', '--workspace', ws], { timeoutMs: 30_000 }).catch(() => undefined);
  killVm(ws);
  rmSync(ws, { recursive: true, force: true });
}

/** Kills the workspace VM's QEMU and daemon by pid (what a test started goes, whatever happened). */
export function killVm(ws: string): void {
  const s = readState(vmPaths(ws));
  for (const pid of [s?.pid, s?.daemonPid]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** The serial log and daemon log, for a failing test's output. */
export function transcript(ws: string): string {
  const p = vmPaths(ws);
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '(none)';
    }
  };
  return `--- daemon log\n${read(p.daemonLog)}\n--- serial log (tail)\n${read(p.serialLog).slice(-4000)}`;
}
