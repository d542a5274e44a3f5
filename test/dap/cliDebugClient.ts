// DebugClients that drive the one standalone adapter entry, `ring0 dap`, on its stdio (run from a
// workspace directory) or on its unix socket, recording the transcript the DAP tier checks.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RUN_STATE_REQUEST } from '../../debug-adapter/session/kernelSession';
import { CLI } from '../vm/helpers';
import { checkTranscript, type Entry } from './transcriptCheck';

/** After these (and every `stopped`), the client asks the engine for its run state, for the transcript check. */
const CHECKPOINTS = new Set(['configurationDone', 'continue', 'next', 'stepIn', 'stepOut']);

/** A DebugClient that records every request, response and event, and checks the engine's run state at each checkpoint. */
export class RecordingDebugClient extends DebugClient {
  readonly transcript: Entry[] = [];
  private queries: Promise<unknown>[] = [];

  override emit(name: string | symbol, ...args: unknown[]): boolean {
    const e = args[0] as DebugProtocol.Event | undefined;
    if (e?.type === 'event') {
      if (e.event !== 'output') this.transcript.push({ kind: 'event', event: e.event, body: e.body as Record<string, unknown> | undefined });
      if (e.event === 'stopped') this.checkpoint();
    }
    return super.emit(name, ...args);
  }

  constructor(...args: ConstructorParameters<typeof DebugClient>) {
    super(...args);
    // Every request helper goes through send(); its overloads cannot be overridden as one method.
    const send = this.send.bind(this) as (command: string, args?: unknown) => Promise<DebugProtocol.Response>;
    (this as unknown as { send: typeof send }).send = async (command, args) => {
      this.transcript.push({ kind: 'request', command, args: args as Record<string, unknown> | undefined });
      try {
        const r = await send(command, args);
        this.transcript.push({ kind: 'response', command, success: true, body: r.body as Record<string, unknown> | undefined });
        if (CHECKPOINTS.has(command)) this.checkpoint();
        return r;
      } catch (e) {
        this.transcript.push({ kind: 'response', command, success: false });
        throw e;
      }
    };
  }

  /** The transcript's violations (after the run-state queries in flight have answered). */
  async violations(): Promise<string[]> {
    await Promise.allSettled(this.queries);
    return checkTranscript(this.transcript, RUN_STATE_REQUEST);
  }

  /** The transcript as lines, for a failing test's message. */
  dump(): string {
    return this.transcript.map((e, i) => `#${i} ${e.kind} ${e.kind === 'event' ? e.event : e.command} ${JSON.stringify(e.kind === 'request' ? e.args : e.body)?.slice(0, 200) ?? ''}`).join('\n');
  }

  private checkpoint(): void {
    this.queries.push(this.customRequest(RUN_STATE_REQUEST).catch(() => undefined));
  }
}

export class CliDebugClient extends RecordingDebugClient {
  private proc?: ChildProcess;
  stderr = '';

  constructor(private readonly cwd: string, private readonly extraArgs: string[] = []) {
    super(process.execPath, CLI, 'ring0-kernel');
  }

  override start(port?: number): Promise<void> {
    if (port !== undefined) return super.start(port);
    this.proc = spawn(process.execPath, [CLI, 'dap', ...this.extraArgs], { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connect(this.proc.stdout!, this.proc.stdin!);
    return Promise.resolve();
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.proc?.kill();
    this.proc = undefined;
  }
}

/** A DebugClient connected to a `ring0 dap --socket PATH` server. */
export class SocketDebugClient extends RecordingDebugClient {
  private sock?: net.Socket;

  constructor(private readonly socketPath: string) {
    super(process.execPath, CLI, 'ring0-kernel');
  }

  override start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection(this.socketPath, () => {
        this.connect(this.sock!, this.sock!);
        resolve();
      });
      this.sock.once('error', reject);
    });
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.sock?.destroy();
  }
}
