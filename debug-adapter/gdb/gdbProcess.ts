// One gdb process driven through gdb/MI (mi3): sends token-numbered commands, resolves each with its
// result record, and emits typed events for async records, stream output and gdb's exit.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';
import { consoleCommand } from '../mi/commands';
import { parseMiLine, miString, type MiTuple } from '../mi/parser';

export class GdbError extends Error {
  constructor(readonly command: string, message: string) {
    super(message);
  }
}

export interface GdbExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines gdb wrote to stderr, for the message the user sees. */
  stderr: string;
}

export interface GdbEvents {
  /** `*stopped`, `*running`: class and results. */
  exec: [cls: string, results: MiTuple];
  /** `=thread-created`, `=library-loaded`, `=breakpoint-modified`, ... */
  notify: [cls: string, results: MiTuple];
  /** Console, target and log stream text (e.g. a raw command's output). */
  output: [category: 'console' | 'target' | 'log', text: string];
  /** A line that is not MI: reported, never fatal. */
  garbage: [line: string, reason: string];
  exit: [GdbExit];
}

interface Pending {
  command: string;
  resolve: (r: MiTuple) => void;
  reject: (e: Error) => void;
  timer?: NodeJS.Timeout;
  /** Stream output gathered while this command ran (for console commands). */
  console: string[];
}

export interface GdbStartOptions {
  gdbPath?: string;
  /** Extra arguments, e.g. `-iex` settings applied before any file loads. */
  args?: string[];
  cwd?: string;
  /** Called with every line sent (`> `) and received (`< `), for RING0_DAP_LOG. */
  trace?: (line: string) => void;
}

export class GdbProcess extends EventEmitter<GdbEvents> {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private nextToken = 1;
  private stderrTail: string[] = [];
  private exitInfo?: GdbExit;
  private readonly trace?: (line: string) => void;

  constructor(o: GdbStartOptions = {}) {
    super();
    const gdb = o.gdbPath ?? 'gdb';
    this.child = spawn(gdb, ['--interpreter=mi3', '-q', '-nx', ...(o.args ?? [])], { cwd: o.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', (e: NodeJS.ErrnoException) => {
      const msg = e.code === 'ENOENT' ? `${gdb} is not installed: run 'ring0 setup' (or apt-get install gdb)` : `cannot start ${gdb}: ${e.message}`;
      this.stderrTail.push(msg);
      this.finish({ code: null, signal: null, stderr: msg });
    });
    this.trace = o.trace;
    createInterface({ input: this.child.stdout }).on('line', (l) => {
      this.trace?.(`< ${l}`);
      this.onLine(l);
    });
    createInterface({ input: this.child.stderr }).on('line', (l) => {
      this.stderrTail.push(l);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    this.child.on('exit', (code, signal) => this.finish({ code, signal, stderr: this.stderrTail.join('\n') }));
    this.child.stdin.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get exited(): GdbExit | undefined {
    return this.exitInfo;
  }

  /** Sends one MI command; resolves with the `^done`/`^running`/`^connected` results, rejects on `^error`. */
  send(command: string, timeoutMs = 30_000): Promise<MiTuple> {
    if (this.exitInfo) return Promise.reject(new GdbError(command, `gdb has exited${this.exitInfo.stderr ? `: ${this.exitInfo.stderr}` : ''}`));
    if (/[\r\n]/.test(command)) return Promise.reject(new GdbError(command, 'an MI command must be one line'));
    const token = this.nextToken++;
    return new Promise<MiTuple>((resolve, reject) => {
      const p: Pending = { command, resolve, reject, console: [] };
      if (timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(token);
          reject(new GdbError(command, `gdb did not answer '${command.split(' ')[0]}' within ${Math.round(timeoutMs / 1000)} s`));
        }, timeoutMs);
      }
      this.pending.set(token, p);
      this.trace?.(`> ${token}${command}`);
      this.child.stdin.write(`${token}${command}\n`);
    });
  }

  /** Runs a CLI command and returns what it printed on the console stream. */
  async console(cli: string, timeoutMs = 30_000): Promise<string> {
    const token = this.nextToken;
    const done = this.send(consoleCommand(cli), timeoutMs);
    const p = this.pending.get(token);
    await done;
    return p ? p.console.join('') : '';
  }

  /** Ends gdb: asks politely, then kills it by pid. */
  async dispose(): Promise<void> {
    if (this.exitInfo || this.child.pid === undefined) return;
    const gone = new Promise<void>((r) => this.once('exit', () => r()));
    this.child.stdin.end('-gdb-exit\n');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(t);
  }

  private onLine(line: string): void {
    if (line === '') return;
    const r = parseMiLine(line);
    switch (r.kind) {
      case 'prompt':
        return;
      case 'console':
      case 'target':
      case 'log':
        // gdb runs commands in order, so console output belongs to the oldest command still pending.
        if (r.kind === 'console') this.pending.values().next().value?.console.push(r.text);
        this.emit('output', r.kind, r.text);
        return;
      case 'garbage':
        this.emit('garbage', r.text, r.reason);
        return;
      case 'exec':
      case 'status':
        if (r.kind === 'exec') this.emit('exec', r.cls, r.results);
        return;
      case 'notify':
        this.emit('notify', r.cls, r.results);
        return;
      case 'result': {
        const p = r.token !== undefined ? this.pending.get(r.token) : undefined;
        if (!p) return;
        this.pending.delete(r.token!);
        if (p.timer) clearTimeout(p.timer);
        if (r.cls === 'error') p.reject(new GdbError(p.command, miString(r.results.msg) ?? 'gdb reported an error'));
        else p.resolve(r.results);
        return;
      }
    }
  }

  private finish(exit: GdbExit): void {
    if (this.exitInfo) return;
    this.exitInfo = exit;
    for (const [, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new GdbError(p.command, `gdb exited (${exit.signal ?? `code ${exit.code}`})${exit.stderr ? `: ${exit.stderr}` : ''}`));
    }
    this.pending.clear();
    this.emit('exit', exit);
  }
}
