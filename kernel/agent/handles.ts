// Handles for long-running agent requests: ExecHandle (output, stdin, kill, exit) and StreamHandle (record batches, credits).
import { EventEmitter } from 'node:events';
import { AsyncQueue } from './asyncQueue';
import { AgentError } from './errors';
import type { Frame, FrameJson } from './protocol';

export interface CallOptions {
  /** Binary payload of the request frame. */
  payload?: Uint8Array;
  /** Reject with AgentError('TIMEOUT') if no final reply arrives in time. */
  timeoutMs?: number;
  /** Non-final frames (events) for this request, in order. */
  onEvent?: (frame: Frame) => void;
}

export type AgentRequest = FrameJson & { op: string };

/** What the handles need from the client. */
export interface AgentChannel {
  call(request: AgentRequest, opts?: CallOptions): Promise<Frame>;
  notify(request: AgentRequest, payload?: Uint8Array): void;
}

/** Largest stdin chunk per frame; the protocol allows 4 MiB, smaller frames keep pings responsive. */
export const STDIN_CHUNK = 1 << 20;

export interface ExecResult {
  /** Exit status, or null when the process was killed by a signal. */
  exitCode: number | null;
  /** Signal name such as 'SIGKILL' (a number for unnamed signals), or null. */
  signal: string | number | null;
  /** The agent killed the process group because timeoutMs passed. */
  timedOut: boolean;
  pid: number | undefined;
}

export interface ExecOutput {
  stream: 'stdout' | 'stderr';
  data: Buffer;
}

function status(json: FrameJson): { exitCode: number | null; signal: string | number | null; timedOut: boolean } {
  return {
    exitCode: typeof json.exitCode === 'number' ? json.exitCode : null,
    signal: typeof json.signal === 'string' || typeof json.signal === 'number' ? json.signal : null,
    timedOut: json.timedOut === true,
  };
}

/** Calls a listener outside the client's frame loop, so a throwing listener cannot corrupt it. */
function deferThrow(e: unknown): void {
  process.nextTick(() => {
    throw e;
  });
}

/**
 * A process started by AgentClient.exec. Events: 'started' (pid), 'stdout' (Buffer), 'stderr' (Buffer),
 * 'exit' (ExecResult). `result` resolves at exit and rejects with AgentError if the process could not
 * start (code ENOENT, EACCES, ...) or the connection was lost (CLOSED, AGENT_RESTARTED).
 */
export class ExecHandle extends EventEmitter {
  pid: number | undefined;
  readonly result: Promise<ExecResult>;
  private finished = false;
  private queue: AsyncQueue<ExecOutput> | undefined;

  constructor(private readonly channel: AgentChannel, readonly id: number, reply: Promise<Frame>) {
    super();
    this.result = reply.then(
      (f) => {
        this.finished = true;
        const r: ExecResult = { ...status(f.json), pid: this.pid };
        this.queue?.end();
        process.nextTick(() => this.emit('exit', r));
        return r;
      },
      (e: AgentError) => {
        this.finished = true;
        this.queue?.end(e);
        throw e;
      },
    );
    this.result.catch(() => undefined); // callers that only listen to events must not crash the process
  }

  /** @internal Called by the client for each event frame of this request. */
  onEvent(f: Frame): void {
    const ev = f.json.ev;
    try {
      if (ev === 'started' && typeof f.json.pid === 'number') {
        this.pid = f.json.pid;
        this.emit('started', this.pid);
      } else if (ev === 'stdout' || ev === 'stderr') {
        this.queue?.push({ stream: ev, data: f.payload });
        this.emit(ev, f.payload);
      }
    } catch (e) {
      deferThrow(e);
    }
  }

  get done(): boolean {
    return this.finished;
  }

  /** Signals the whole process group. Resolves quietly if the process already finished. */
  async kill(signal: NodeJS.Signals | number = 'SIGTERM'): Promise<void> {
    if (this.finished) return;
    try {
      await this.channel.call({ op: 'kill', target: this.id, signal });
    } catch (e) {
      if (!(e instanceof AgentError && e.code === 'NO_SUCH_ID')) throw e;
    }
  }

  /** Resolves once the data is in the process's stdin pipe (needs exec's stdin: 'pipe'). */
  async writeStdin(data: string | Uint8Array): Promise<void> {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.length);
    const parts: Promise<Frame>[] = [];
    let off = 0;
    do {
      parts.push(this.channel.call({ op: 'stdin', target: this.id }, { payload: buf.subarray(off, off + STDIN_CHUNK) }));
      off += STDIN_CHUNK;
    } while (off < buf.length);
    await Promise.all(parts);
  }

  /** Closes stdin once everything written before has reached the process. */
  async closeStdin(): Promise<void> {
    await this.channel.call({ op: 'stdin', target: this.id, eof: true });
  }

  /** Output chunks in order, as an async iterator; create it before the first await after exec(). */
  output(): AsyncIterableIterator<ExecOutput> {
    this.queue ??= new AsyncQueue<ExecOutput>();
    if (this.finished) this.queue.end();
    return this.queue;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecOutput> {
    return this.output();
  }
}

export interface StreamBatch {
  /** Records in this batch. */
  count: number;
  /** Cumulative records delivered and dropped by the agent when it sent this batch. */
  delivered: number;
  dropped: number;
  /** The records, each terminated by '\n'. */
  data: Buffer;
  /** The records as UTF-8 strings, without the newline. */
  records: string[];
}

export interface StreamEnd {
  /** 'exit': the producer exited and its output was read to the end; 'closed': stream.close. */
  reason: string;
  delivered: number;
  dropped: number;
  /** Records cut at the agent's maximum record size (they are still counted once). */
  truncated: number;
  /** Records received by this handle; equals `delivered` unless the connection broke. */
  received: number;
  exitCode: number | null;
  signal: string | number | null;
  timedOut: boolean;
}

/**
 * An event stream opened by AgentClient.openStream. Events: 'started' (pid), 'batch' (StreamBatch),
 * 'stderr' (Buffer), 'end' (StreamEnd). Consume either with 'batch' listeners (acked right after
 * they run) or with the async iterator (acked as batches are taken), never both.
 */
export class StreamHandle extends EventEmitter {
  pid: number | undefined;
  delivered = 0;
  dropped = 0;
  received = 0;
  readonly done: Promise<StreamEnd>;
  private finished = false;
  private queue: AsyncQueue<StreamBatch> | undefined;
  private unacked = 0;
  private readonly ackEvery: number;

  constructor(
    private readonly channel: AgentChannel,
    readonly id: number,
    reply: Promise<Frame>,
    credits: number,
    private readonly autoAck: boolean,
  ) {
    super();
    // Acks are batched, but small enough that the agent keeps most of its window.
    this.ackEvery = Math.max(1, Math.floor(credits / 8));
    this.done = reply.then(
      (f) => {
        this.finished = true;
        const j = f.json;
        const num = (v: unknown) => (typeof v === 'number' ? v : 0);
        this.delivered = num(j.delivered);
        this.dropped = num(j.dropped);
        const end: StreamEnd = {
          reason: typeof j.reason === 'string' ? j.reason : 'exit',
          delivered: this.delivered,
          dropped: this.dropped,
          truncated: num(j.truncated),
          received: this.received,
          ...status(j),
        };
        this.queue?.end();
        process.nextTick(() => this.emit('end', end));
        return end;
      },
      (e: AgentError) => {
        this.finished = true;
        this.queue?.end(e);
        throw e;
      },
    );
    this.done.catch(() => undefined);
  }

  /** @internal */
  onEvent(f: Frame): void {
    const j = f.json;
    try {
      if (j.ev === 'started' && typeof j.pid === 'number') {
        this.pid = j.pid;
        this.emit('started', this.pid);
      } else if (j.ev === 'records') {
        const text = f.payload.toString('utf8');
        const records = text.length ? text.slice(0, -1).split('\n') : [];
        const batch: StreamBatch = {
          count: typeof j.n === 'number' ? j.n : records.length,
          delivered: typeof j.delivered === 'number' ? j.delivered : this.delivered,
          dropped: typeof j.dropped === 'number' ? j.dropped : this.dropped,
          data: f.payload,
          records,
        };
        this.received += batch.count;
        this.delivered = batch.delivered;
        this.dropped = batch.dropped;
        if (this.queue) {
          this.queue.push(batch);
          this.emit('batch', batch);
        } else {
          this.emit('batch', batch);
          this.consumed(batch.count);
        }
      } else if (j.ev === 'stderr') {
        this.emit('stderr', f.payload);
      }
    } catch (e) {
      deferThrow(e);
    }
  }

  /** Grants the agent more record credits (done automatically unless autoAck is false). */
  ack(records: number): void {
    if (this.finished || records <= 0) return;
    this.channel.notify({ op: 'stream.ack', target: this.id, credits: Math.floor(records) });
  }

  /** Stops the producer (SIGTERM to its group, SIGKILL 2 s later) and resolves with the final counts. */
  async close(): Promise<StreamEnd> {
    if (!this.finished) {
      try {
        await this.channel.call({ op: 'stream.close', target: this.id });
      } catch (e) {
        if (!(e instanceof AgentError && e.code === 'NO_SUCH_ID')) throw e;
      }
    }
    return this.done;
  }

  batches(): AsyncIterableIterator<StreamBatch> {
    this.queue ??= new AsyncQueue<StreamBatch>((b) => this.consumed(b.count));
    if (this.finished) this.queue.end();
    return this.queue;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<StreamBatch> {
    return this.batches();
  }

  private consumed(n: number): void {
    if (!this.autoAck) return;
    this.unacked += n;
    if (this.unacked >= this.ackEvery) {
      this.ack(this.unacked);
      this.unacked = 0;
    }
  }
}
