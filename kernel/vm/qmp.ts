// A small QMP client over QEMU's unix socket: capabilities handshake, commands, events.
// Hand-written: QMP is line-delimited JSON and the npm clients for it are unmaintained.
import { EventEmitter } from 'node:events';
import net from 'node:net';

export interface QmpEvent {
  event: string;
  data?: unknown;
}

export class QmpClient extends EventEmitter {
  private buffer = '';
  private readonly pending: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('close', () => this.onClose());
    socket.on('error', () => { /* 'close' follows */ });
  }

  static connect(path: string, timeoutMs = 5000): Promise<QmpClient> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`QMP at ${path} did not greet within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot connect to QMP at ${path}: ${e.message}`));
      });
      const client = new QmpClient(socket);
      client.once('greeting', () => {
        clearTimeout(timer);
        client.execute('qmp_capabilities').then(() => resolve(client), reject);
      });
    });
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('QMP connection is closed'));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // QEMU only sends JSON; ignore anything else rather than crash
      }
      if ('QMP' in msg) this.emit('greeting', msg.QMP);
      else if ('event' in msg) this.emit('event', msg as unknown as QmpEvent);
      else if ('return' in msg) this.pending.shift()?.resolve(msg.return);
      else if ('error' in msg) {
        const err = msg.error as { class?: string; desc?: string };
        this.pending.shift()?.reject(new Error(`QMP: ${err.desc ?? err.class ?? 'error'}`));
      }
    }
  }

  private onClose(): void {
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(new Error('QMP connection closed (QEMU exited?)'));
    this.emit('close');
  }
}
