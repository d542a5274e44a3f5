// Runs a host program with an argument array (never a shell) and collects its output, with a timeout.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the program could not be started at all (ENOENT, EACCES). */
  spawnError?: string;
  timedOut: boolean;
}

export interface RunOptions {
  timeoutMs?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  maxOutputBytes?: number;
  /** Runs the program in its own process group and kills the whole group on timeout (scripts that start daemons or QEMU). */
  processGroup?: boolean;
}

export function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const max = opts.maxOutputBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const finish = (r: Omit<RunResult, 'stdout' | 'stderr' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, stdout, stderr, timedOut });
    };
    let child;
    try {
      child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'], detached: !!opts.processGroup });
    } catch (e) {
      resolve({ code: null, signal: null, stdout, stderr, timedOut, spawnError: String((e as Error).message) });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      if (opts.processGroup && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
      } else child.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => { if (stdout.length < max) stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { if (stderr.length < max) stderr += d; });
    child.on('error', (e) => finish({ code: null, signal: null, spawnError: e.message }));
    child.on('close', (code, signal) => finish({ code, signal }));
    child.stdin.on('error', () => { /* the program may exit without reading its input */ });
    child.stdin.end(opts.input ?? '');
  });
}
