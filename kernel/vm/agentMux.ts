// Shares the one virtio-serial agent connection among many clients (the VM's own AgentClient, CLI
// processes, the extension): each client's request ids and `target` references are mapped to ids
// unique on the agent link, and replies are routed back. A client only reaches its own sessions.
import { Duplex, PassThrough } from 'node:stream';
import { encodeFrame, FrameDecoder, type Frame, type FrameJson } from '../agent/protocol';

interface Client {
  stream: Duplex;
  decoder: FrameDecoder;
  /** Client id → agent-link id, for requests still in flight. */
  ids: Map<number, number>;
}

interface Route {
  client: Client;
  localId: number;
}

const MAX_ID = 0xffffffff;

/** Answers `vm.*` requests (status, reset) in the process that owns the VM instead of the agent. */
export type ControlHandler = (request: FrameJson) => Promise<FrameJson>;

export class AgentMux {
  private readonly agentDecoder = new FrameDecoder();
  private readonly clients = new Set<Client>();
  private readonly routes = new Map<number, Route>();
  /** Ids of the mux's own requests, whose replies nobody waits for. */
  private readonly discard = new Set<number>();
  private nextId = 1;
  private lastReady: Frame | undefined;
  private closed = false;
  private control: ControlHandler | undefined;
  /** Clients waiting on a control request: a reset's `ready` would fail that very request in their client. */
  private readonly inControl = new Set<Client>();

  constructor(private readonly agent: Duplex) {
    agent.on('data', (chunk: Buffer) => this.fromAgent(chunk));
    agent.on('close', () => this.close());
    agent.on('error', () => this.close());
  }

  /** Serves one client connection (a unix socket from the control server, or an in-process pair). */
  attach(stream: Duplex): void {
    if (this.closed) {
      stream.destroy();
      return;
    }
    const client: Client = { stream, decoder: new FrameDecoder(), ids: new Map() };
    this.clients.add(client);
    stream.on('data', (chunk: Buffer) => this.fromClient(client, chunk));
    stream.on('close', () => this.detach(client));
    stream.on('error', () => this.detach(client));
    if (this.lastReady) this.send(client, this.lastReady.json, this.lastReady.payload);
  }

  /** An in-process client end, for an AgentClient living in the same process as the mux. */
  localClient(): Duplex {
    const toMux = new PassThrough();
    const toClient = new PassThrough();
    const clientEnd = Duplex.from({ readable: toClient, writable: toMux });
    const muxEnd = Duplex.from({ readable: toMux, writable: toClient });
    clientEnd.on('close', () => muxEnd.destroy());
    this.attach(muxEnd);
    return clientEnd;
  }

  /** Requests whose op starts with `vm.` go to this handler from now on. */
  setControl(handler: ControlHandler): void {
    this.control = handler;
  }

  /** After a guest reset: drop a half-received frame and every route; the new agent knows none of them. */
  resetAgentLink(): void {
    this.agentDecoder.reset();
    this.forgetRoutes();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of [...this.clients]) c.stream.destroy();
    this.clients.clear();
    this.routes.clear();
    this.agent.destroy();
  }

  private allocId(): number {
    for (;;) {
      const id = this.nextId;
      this.nextId = id >= MAX_ID ? 1 : id + 1;
      if (!this.routes.has(id) && !this.discard.has(id)) return id;
    }
  }

  private send(client: Client, json: FrameJson, payload?: Buffer): void {
    if (client.stream.destroyed) return;
    try {
      client.stream.write(encodeFrame(json, payload));
    } catch {
      // a rewritten id made an at-limit frame too large: nothing sensible to deliver
    }
  }

  private fromClient(client: Client, chunk: Buffer): void {
    for (const ev of client.decoder.push(chunk)) {
      if (ev.kind === 'error') {
        this.send(client, { id: 0, ok: false, code: ev.code, error: ev.message });
        continue;
      }
      const { json, payload } = ev.frame;
      const localId = typeof json.id === 'number' && Number.isInteger(json.id) ? json.id : -1;
      const out: FrameJson = { ...json };
      if ('target' in json) {
        const target = typeof json.target === 'number' ? client.ids.get(json.target) : undefined;
        if (target === undefined) {
          if (localId > 0) this.send(client, { id: localId, ok: false, code: 'NO_SUCH_ID', error: `no request ${String(json.target)} of this connection` });
          continue;
        }
        out.target = target;
      }
      if (localId === 0) {
        this.toAgent(out, payload); // a notification: the agent sends no reply
        continue;
      }
      if (localId < 0) {
        this.send(client, { id: 0, ok: false, code: 'BAD_REQUEST', error: 'request without a numeric id' });
        continue;
      }
      if (typeof json.op === 'string' && json.op.startsWith('vm.')) {
        this.answerControl(client, localId, json);
        continue;
      }
      if (client.ids.has(localId)) {
        this.send(client, { id: localId, ok: false, code: 'DUPLICATE_ID', error: `request ${localId} is still in flight` });
        continue;
      }
      const id = this.allocId();
      this.routes.set(id, { client, localId });
      client.ids.set(localId, id);
      out.id = id;
      this.toAgent(out, payload);
    }
  }

  private answerControl(client: Client, localId: number, json: FrameJson): void {
    if (!this.control) {
      this.send(client, { id: localId, ok: false, code: 'UNKNOWN_OP', error: `${String(json.op)} is handled by the VM daemon only` });
      return;
    }
    this.inControl.add(client);
    this.control(json)
      .then(
        (result) => this.send(client, { ...result, id: localId, ok: true }),
        (e: Error) => this.send(client, { id: localId, ok: false, code: 'VM_ERROR', error: e.message }),
      )
      .finally(() => this.inControl.delete(client));
  }

  private toAgent(json: FrameJson, payload: Buffer): void {
    if (this.agent.destroyed) return;
    try {
      this.agent.write(encodeFrame(json, payload));
    } catch {
      // over the limits after the rewrite; the client's request will time out or be answered by the agent's error
    }
  }

  private fromAgent(chunk: Buffer): void {
    for (const ev of this.agentDecoder.push(chunk)) {
      if (ev.kind === 'error') continue; // garbage from the guest: skip it, the decoder resynchronizes
      const { json, payload } = ev.frame;
      const id = typeof json.id === 'number' ? json.id : -1;
      if (id === 0) {
        if (json.ev === 'ready') {
          // A restarted or reconnected agent forgot every request: so does the mux (clients fail
          // theirs on the same event).
          const prev = this.lastReady?.json;
          if (prev && (prev.instance !== json.instance || prev.connection !== json.connection)) this.forgetRoutes();
          this.lastReady = ev.frame;
        }
        for (const c of this.clients) if (!(json.ev === 'ready' && this.inControl.has(c))) this.send(c, json, payload);
        continue;
      }
      const route = this.routes.get(id);
      if (!route) {
        if (json.ok !== undefined) this.discard.delete(id);
        continue; // the client is gone, or this answers the mux's own kill
      }
      const final = json.ok !== undefined;
      if (final) {
        this.routes.delete(id);
        route.client.ids.delete(route.localId);
      }
      this.send(route.client, { ...json, id: route.localId }, payload);
    }
  }

  private forgetRoutes(): void {
    this.routes.clear();
    this.discard.clear();
    for (const c of this.clients) c.ids.clear();
  }

  /** A client went away: kill what it left running and forget its routes. */
  private detach(client: Client): void {
    if (!this.clients.delete(client)) return;
    for (const [, id] of client.ids) {
      this.routes.delete(id);
      // Sessions it left behind would run on unobserved; requests that were not sessions get NO_SUCH_ID.
      const killId = this.allocId();
      this.discard.add(killId);
      this.toAgent({ op: 'kill', id: killId, target: id, signal: 'SIGKILL' }, Buffer.alloc(0));
    }
    client.ids.clear();
  }
}
