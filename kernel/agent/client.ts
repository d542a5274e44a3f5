// Typed client for the Ring0 guest agent over any byte stream (QEMU's chardev socket, the VM daemon, a pipe).
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { AgentError, remoteError } from './errors';
import { ExecHandle, STDIN_CHUNK, StreamHandle, type AgentChannel, type AgentRequest, type CallOptions, type ExecResult } from './handles';
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION, type Frame, type FrameJson } from './protocol';

export { AgentError, type AgentErrorCode } from './errors';
export { ExecHandle, StreamHandle, type AgentRequest, type CallOptions, type ExecOutput, type ExecResult, type StreamBatch, type StreamEnd } from './handles';
export type { Frame, FrameJson } from './protocol';

export interface AgentClientOptions {
  /** Default timeout (ms) of hello, ping, readFile and control requests; exec has none. Default 30 s. */
  requestTimeoutMs?: number;
}

export interface HelloInfo {
  protocol: number;
  /** e.g. "ring0-agent/1.0.0" */
  agent: string;
  /** Guest kernel release (uname -r). */
  kernel: string;
  machine: string;
  pid: number;
  /** Random per agent process; with `connection`, tells a restarted or reconnected agent apart. */
  instance: string;
  connection: number;
  features: string[];
  limits: { maxJson: number; maxBinary: number; maxSessions: number; maxRecord: number };
}

export interface ExecOptions {
  cwd?: string;
  /** Merged over the agent's environment; null unsets a variable. */
  env?: Record<string, string | null>;
  /** Start from an empty environment (PATH still defaults to /usr/sbin:/usr/bin:/sbin:/bin). */
  clearEnv?: boolean;
  /** The agent SIGKILLs the process group after this long; the result has timedOut set. */
  timeoutMs?: number;
  /** 'pipe': keep stdin open for writeStdin/closeStdin. Data: the whole of stdin. Default: empty. */
  stdin?: 'pipe' | string | Uint8Array;
}

export interface RunResult extends ExecResult {
  stdout: Buffer;
  stderr: Buffer;
}

export interface ReadFileResult {
  data: Buffer;
  /** The file had more than maxBytes. */
  truncated: boolean;
}

export interface StreamOptions {
  cwd?: string;
  env?: Record<string, string | null>;
  clearEnv?: boolean;
  timeoutMs?: number;
  /** Records the agent may send before it must wait for acks (it drops and counts the rest). Default 1024. */
  credits?: number;
  /** Ack records as they are consumed (default true). */
  autoAck?: boolean;
}

interface Pending {
  resolve: (f: Frame) => void;
  reject: (e: AgentError) => void;
  onEvent?: (f: Frame) => void;
  timer?: NodeJS.Timeout;
}

const MAX_ID = 0xffffffff;

/**
 * One connection to the agent. Events: 'ready' (HelloInfo without features/limits: the agent
 * (re)connected), 'restart' (an agent restart or reconnect failed the requests in flight),
 * 'protocolError' (AgentError: undecodable bytes, or an error reply not tied to a request), 'close'.
 */
export class AgentClient extends EventEmitter implements AgentChannel {
  /** What the agent reported in its last hello reply or ready event. */
  info: HelloInfo | undefined;
  private readonly decoder = new FrameDecoder();
  private readonly pending = new Map<number, Pending>();
  private readonly requestTimeoutMs: number;
  private nextId = 1;
  private isClosed = false;
  private known: { instance: string; connection: number } | undefined;

  constructor(private readonly stream: Duplex, opts: AgentClientOptions = {}) {
    super();
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('end', () => this.shutdown('the agent connection ended'));
    stream.on('close', () => this.shutdown('the agent connection closed'));
    stream.on('error', (e: Error) => this.shutdown(`the agent connection failed: ${e.message}`));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Version negotiation; also tells the client which agent instance it is talking to. */
  async hello(opts: { timeoutMs?: number } = {}): Promise<HelloInfo> {
    const f = await this.call({ op: 'hello', versions: [PROTOCOL_VERSION] }, { timeoutMs: opts.timeoutMs ?? this.requestTimeoutMs });
    const info = helloInfo(f.json);
    this.noteInstance(info);
    this.info = info;
    return info;
  }

  /** Round trip in milliseconds. */
  async ping(opts: { timeoutMs?: number } = {}): Promise<number> {
    const t0 = performance.now();
    await this.call({ op: 'ping' }, { timeoutMs: opts.timeoutMs ?? this.requestTimeoutMs });
    return performance.now() - t0;
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): ExecHandle {
    checkArgv(argv);
    let input: Buffer | undefined;
    if (opts.stdin !== undefined && opts.stdin !== 'pipe') input = typeof opts.stdin === 'string' ? Buffer.from(opts.stdin, 'utf8') : Buffer.from(opts.stdin);
    // Large input goes through stdin frames after the start, so no frame exceeds the limit.
    const bigInput = input !== undefined && input.length > STDIN_CHUNK;
    const req: AgentRequest = { op: 'exec', ...spawnFields(argv, opts) };
    if (opts.stdin === 'pipe' || bigInput) req.stdin = 'pipe';
    // Events arrive asynchronously, after `handle` is initialized.
    const { id, reply } = this.start(req, { payload: bigInput ? undefined : input, onEvent: (f) => handle.onEvent(f) });
    const handle = new ExecHandle(this, id, reply);
    if (bigInput && input) handle.writeStdin(input).then(() => handle.closeStdin()).catch(() => undefined);
    return handle;
  }

  /** exec and collect the output. Rejects only if the process could not run (or the connection broke). */
  async run(argv: readonly string[], opts: ExecOptions = {}): Promise<RunResult> {
    const h = this.exec(argv, opts);
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    h.on('stdout', (b: Buffer) => stdout.push(b));
    h.on('stderr', (b: Buffer) => stderr.push(b));
    const r = await h.result;
    return { ...r, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) };
  }

  /** Reads a guest file (non-blocking open: FIFOs and empty pipes return what is there). Max 4 MiB. */
  async readFile(path: string, opts: { maxBytes?: number; timeoutMs?: number } = {}): Promise<ReadFileResult> {
    const req: AgentRequest = { op: 'readFile', path };
    if (opts.maxBytes !== undefined) req.maxBytes = Math.max(0, Math.floor(opts.maxBytes));
    const f = await this.call(req, { timeoutMs: opts.timeoutMs ?? this.requestTimeoutMs });
    return { data: f.payload, truncated: f.json.truncated === true };
  }

  /** Runs argv and streams its stdout as line records with credit-based back-pressure. */
  openStream(argv: readonly string[], opts: StreamOptions = {}): StreamHandle {
    checkArgv(argv);
    const credits = Math.max(0, Math.floor(opts.credits ?? 1024));
    const { id, reply } = this.start({ op: 'stream.open', ...spawnFields(argv, opts), credits }, { onEvent: (f) => handle.onEvent(f) });
    const handle = new StreamHandle(this, id, reply, credits, opts.autoAck ?? true);
    return handle;
  }

  /** Low-level request: resolves with the final reply frame; events go to opts.onEvent. */
  call(request: AgentRequest, opts: CallOptions = {}): Promise<Frame> {
    return this.start(request, opts).reply;
  }

  /** A request with id 0: the agent sends no reply (used for stream.ack). */
  notify(request: AgentRequest, payload?: Uint8Array): void {
    if (this.isClosed) return;
    try {
      this.stream.write(encodeFrame({ ...request, id: 0 }, payload));
    } catch {
      // oversized notification: nothing to report to
    }
  }

  /**
   * After a guest reset on a stream that stays open (QEMU's chardev): drops any partly received frame,
   * which would otherwise swallow the new agent's first bytes, and fails what was in flight with
   * AGENT_RESTARTED. A restart the client can see (the new agent's ready event) needs no call.
   */
  resync(): void {
    this.decoder.reset();
    this.known = undefined;
    this.failAll(new AgentError('AGENT_RESTARTED', 'the guest was reset; requests in flight were lost'));
  }

  /** Ends the connection; pending requests reject with AgentError('CLOSED'). */
  close(): void {
    this.shutdown('the agent client was closed');
  }

  private start(request: AgentRequest, opts: CallOptions): { id: number; reply: Promise<Frame> } {
    const id = this.allocId();
    const reply = new Promise<Frame>((resolve, reject) => {
      if (this.isClosed) {
        reject(new AgentError('CLOSED', 'the agent connection is closed'));
        return;
      }
      let frame: Buffer;
      try {
        frame = encodeFrame({ ...request, id }, opts.payload);
      } catch (e) {
        reject(new AgentError('FRAME_TOO_LARGE', (e as Error).message));
        return;
      }
      const p: Pending = { resolve, reject, onEvent: opts.onEvent };
      if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new AgentError('TIMEOUT', `the agent did not answer ${request.op} within ${opts.timeoutMs} ms`));
        }, opts.timeoutMs);
      }
      this.pending.set(id, p);
      this.stream.write(frame);
    });
    return { id, reply };
  }

  private allocId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_ID ? 1 : id + 1;
      if (!this.pending.has(id)) return id;
    }
  }

  private onData(chunk: Buffer): void {
    for (const ev of this.decoder.push(chunk)) {
      if (ev.kind === 'error') this.emit('protocolError', new AgentError(ev.code, ev.message));
      else this.dispatch(ev.frame);
    }
  }

  private dispatch(frame: Frame): void {
    const j = frame.json;
    const id = typeof j.id === 'number' ? j.id : -1;
    if (id === 0) {
      if (j.ev === 'ready') {
        const info = helloInfo(j);
        this.noteInstance(info);
        this.info = { ...info, features: this.info?.features ?? [], limits: this.info?.limits ?? info.limits };
        this.emit('ready', info);
      } else if (j.ok === false) {
        this.emit('protocolError', remoteError(j));
      }
      return;
    }
    const p = this.pending.get(id);
    if (!p) return; // a late answer to a request that timed out
    if (j.ok === undefined) {
      p.onEvent?.(frame);
      return;
    }
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    if (j.ok === true) p.resolve(frame);
    else p.reject(remoteError(j));
  }

  /** A different agent process, or a new connection of the same one, lost what was in flight. */
  private noteInstance(info: { instance: string; connection: number }): void {
    const k = this.known;
    if (k && (k.instance !== info.instance || k.connection !== info.connection)) {
      this.failAll(new AgentError('AGENT_RESTARTED', 'the guest agent restarted or reconnected; requests in flight were lost'));
      this.emit('restart', info);
    }
    this.known = { instance: info.instance, connection: info.connection };
  }

  private failAll(err: AgentError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
  }

  private shutdown(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.failAll(new AgentError('CLOSED', reason));
    this.decoder.reset();
    this.stream.destroy();
    this.emit('close');
  }
}

function checkArgv(argv: readonly string[]): void {
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string') || argv[0] === '') {
    throw new TypeError('argv must be a non-empty array of strings');
  }
}

function spawnFields(argv: readonly string[], opts: { cwd?: string; env?: Record<string, string | null>; clearEnv?: boolean; timeoutMs?: number }): FrameJson {
  const f: FrameJson = { argv: [...argv] };
  if (opts.cwd) f.cwd = opts.cwd;
  if (opts.env) f.env = opts.env;
  if (opts.clearEnv) f.clearEnv = true;
  if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) f.timeoutMs = Math.max(1, Math.round(opts.timeoutMs));
  return f;
}

function helloInfo(j: FrameJson): HelloInfo {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  const limits = (j.limits ?? {}) as Record<string, unknown>;
  return {
    protocol: num(j.protocol),
    agent: str(j.agent),
    kernel: str(j.kernel),
    machine: str(j.machine),
    pid: num(j.pid),
    instance: str(j.instance),
    connection: num(j.connection),
    features: Array.isArray(j.features) ? j.features.filter((x): x is string => typeof x === 'string') : [],
    limits: { maxJson: num(limits.maxJson), maxBinary: num(limits.maxBinary), maxSessions: num(limits.maxSessions), maxRecord: num(limits.maxRecord) },
  };
}
