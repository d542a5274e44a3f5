// Agent and client robustness: garbage and bad requests, oversized frames, vanished hosts, reconnects, restarts, no busy loops.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Duplex, PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ensureAgentBinary } from '../../kernel/agent/build';
import { AgentClient, AgentError, type HelloInfo } from '../../kernel/agent/client';
import { spawnLocalAgent } from '../../kernel/agent/local';
import { encodeFrame, encodeHeader, FrameDecoder, type FrameJson } from '../../kernel/agent/protocol';

const cacheDir = path.join(os.tmpdir(), 'ring0-test-cache');
/** RING0_AGENT_BIN runs these tests against another build, e.g. one with sanitizers. */
const agentBinary = () => process.env.RING0_AGENT_BIN || ensureAgentBinary({ cacheDir });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await sleep(10);
  return cond();
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** The agent over stdio without the client: raw bytes in, decoded frames out. */
class RawAgent {
  readonly child: ChildProcess;
  readonly frames: FrameJson[] = [];
  private readonly decoder = new FrameDecoder();

  constructor(bin: string) {
    this.child = spawn(bin, ['--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout?.on('data', (c: Buffer) => {
      for (const e of this.decoder.push(c)) if (e.kind === 'frame') this.frames.push(e.frame.json);
    });
  }

  write(b: Buffer): void {
    this.child.stdin?.write(b);
  }

  send(json: FrameJson, payload?: Buffer): void {
    this.write(encodeFrame(json, payload));
  }

  async reply(pred: (j: FrameJson) => boolean, timeoutMs = 3000): Promise<FrameJson> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (Date.now() > end) throw new Error(`no matching frame; have ${JSON.stringify(this.frames.slice(-5))}`);
      await sleep(5);
    }
  }

  async error(code: string, id = 0): Promise<FrameJson> {
    return this.reply((j) => j.ok === false && j.code === code && j.id === id);
  }

  stop(): void {
    this.child.kill('SIGKILL');
  }
}

describe('agent robustness', () => {
  let bin: string;
  let tmp: string;

  before(async () => {
    bin = await agentBinary();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-agent-robust-'));
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('answers garbage with an error and keeps serving (fuzz)', async () => {
    const a = spawnLocalAgent(bin);
    const errors: AgentError[] = [];
    a.client.on('protocolError', (e: AgentError) => errors.push(e));
    try {
      let seed = 1;
      const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / (1 << 24);
      for (let round = 0; round < 200; round++) {
        const g = Buffer.alloc(1 + Math.floor(rand() * 3000));
        for (let i = 0; i < g.length; i++) g[i] = Math.floor(rand() * 256);
        if (round % 3 === 0) g.write('R0AG', Math.floor(rand() * (g.length - 4 > 0 ? g.length - 4 : 1)), 'latin1');
        a.child.stdin?.write(g);
        await a.client.ping({ timeoutMs: 2000 });
      }
      assert.ok(errors.length >= 200, `${errors.length} error replies`);
      assert.ok(errors.every((e) => e.code === 'BAD_FRAME'));
      assert.equal((await a.client.run(['echo', 'still here'])).stdout.toString(), 'still here\n');
    } finally {
      await a.stop();
    }
  });

  it('rejects bad frames and requests with typed errors', async () => {
    const r = new RawAgent(bin);
    try {
      await r.reply((j) => j.ev === 'ready');
      r.write(Buffer.concat([encodeHeader(9, 0), Buffer.from('{"id": 1,')]));
      await r.error('BAD_JSON');
      r.write(Buffer.concat([encodeHeader(5, 0), Buffer.from('[1,2]')]));
      await r.error('BAD_JSON');
      const deep = '['.repeat(5000) + ']'.repeat(5000);
      r.write(Buffer.concat([encodeHeader(deep.length, 0), Buffer.from(deep)]));
      await r.error('BAD_JSON');
      const badUtf8 = Buffer.from([0x7b, 0x22, 0x6f, 0x70, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]);
      r.write(Buffer.concat([encodeHeader(badUtf8.length, 0), badUtf8]));
      await r.error('BAD_JSON');
      const v9 = encodeFrame({ id: 2, op: 'ping' });
      v9[4] = 9;
      const { crc16 } = await import('../../kernel/agent/protocol');
      v9.writeUInt16LE(crc16(v9, 0, 14), 14);
      r.write(v9);
      await r.error('UNSUPPORTED_VERSION');
      r.send({ id: 3, op: 'hello', versions: [7, 8] });
      await r.error('UNSUPPORTED_VERSION', 3);
      r.send({ id: 4, op: 'frobnicate' });
      await r.error('UNKNOWN_OP', 4);
      r.send({ id: 5 });
      await r.error('BAD_REQUEST', 5);
      r.send({ id: -1, op: 'ping' });
      await r.error('BAD_REQUEST');
      r.send({ id: 2 ** 32, op: 'ping' });
      await r.error('BAD_REQUEST');
      r.send({ id: 1.5, op: 'ping' });
      await r.error('BAD_REQUEST');
      r.send({ id: 6, op: 'exec', argv: 'ls' });
      await r.error('BAD_REQUEST', 6);
      r.send({ id: 7, op: 'exec', argv: ['echo', 'a\u0000b'] });
      await r.error('BAD_REQUEST', 7);
      r.send({ id: 8, op: 'exec', argv: ['true'], env: { 'A=B': 'x' } });
      await r.error('BAD_REQUEST', 8);
      r.send({ id: 9, op: 'exec', argv: ['true'], timeoutMs: 'soon' });
      await r.error('BAD_REQUEST', 9);
      r.send({ id: 10, op: 'kill', target: 12345 });
      await r.error('NO_SUCH_ID', 10);
      r.send({ id: 11, op: 'stdin', target: 12345 });
      await r.error('NO_SUCH_ID', 11);
      r.send({ id: 12, op: 'kill', target: 1, signal: 'SIGNOPE' });
      await r.error('BAD_REQUEST', 12);
      r.send({ id: 13, op: 'exec', argv: ['sleep', '5'] });
      await r.reply((j) => j.id === 13 && j.ev === 'started');
      r.send({ id: 13, op: 'exec', argv: ['true'] });
      await r.error('DUPLICATE_ID', 13);
      r.send({ id: 14, op: 'kill', target: 13, signal: 9 });
      await r.reply((j) => j.id === 14 && j.ok === true);
      const exit = await r.reply((j) => j.id === 13 && j.ev === 'exit');
      assert.equal(exit.signal, 'SIGKILL');
      r.send({ id: 15, op: 'stream.ack', target: 999, credits: 5 });
      await r.error('NO_SUCH_ID', 15);
      r.send({ id: 0, op: 'stream.ack', target: 999, credits: 5 }); // notifications stay silent
      r.send({ id: 16, op: 'ping' });
      await r.reply((j) => j.id === 16 && j.ok === true);
      assert.equal(r.frames.filter((j) => j.id === 0).length, 0, `unexpected: ${JSON.stringify(r.frames)}`);
    } finally {
      r.stop();
    }
  });

  it('survives mutated requests that pass the header check (JSON parser fuzz)', async () => {
    const r = new RawAgent(bin);
    try {
      await r.reply((j) => j.ev === 'ready');
      const seeds = [
        '{"id":1,"op":"exec","argv":["true"],"cwd":"/","env":{"A":"b","C":null},"timeoutMs":1000}',
        '{"id":1,"op":"hello","versions":[1,2,3]}',
        '{"id":1,"op":"readFile","path":"/proc/self/stat","maxBytes":100}',
        '{"id":1,"op":"kill","target":5,"signal":"SIGTERM"}',
        '{"id":1,"op":"stream.open","argv":["true"],"credits":10}',
        '{"id":1,"op":"ping","s":"\\u00e9\\ud83d\\ude00\\n\\"","n":[-0.5e10,true,false,null,{}]}',
      ];
      let seed = 99;
      const rand = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
      const alphabet = Buffer.from('{}[]":,\\u0123456789abcdefe.-+ tnrsl\x00\x1f\x7f\xc3\xa9\xed\xa0\x80\xf4\x90');
      for (let round = 0; round < 3000; round++) {
        const b = Buffer.from(seeds[rand(seeds.length)]);
        for (let k = 1 + rand(4); k > 0; k--) {
          const op = rand(3);
          const at = rand(b.length);
          if (op === 0) b[at] = alphabet[rand(alphabet.length)];
          else if (op === 1) b[at] = rand(256);
          else b.copy(b, at, Math.min(b.length - 1, at + 1 + rand(8)));
        }
        const json = b.subarray(0, b.length - rand(3));
        // exec and stream.open may really run: ids stay unique so nothing collides.
        r.write(Buffer.concat([encodeHeader(json.length, 0), json]));
        if (round % 500 === 499) {
          r.send({ id: 100_000 + round, op: 'ping' });
          await r.reply((j) => j.id === 100_000 + round && j.ok === true, 5000);
          r.frames.length = 0;
        }
      }
      r.send({ id: 999_999, op: 'ping' });
      await r.reply((j) => j.id === 999_999 && j.ok === true, 5000);
    } finally {
      r.stop();
    }
  });

  it('skips an oversized frame whole, even one carrying frames inside', async () => {
    const r = new RawAgent(bin);
    try {
      await r.reply((j) => j.ev === 'ready');
      const inner = encodeFrame({ id: 666, op: 'ping' });
      const body = Buffer.concat(Array.from({ length: Math.ceil((5 << 20) / inner.length) }, () => inner)); // over the 4 MiB limit
      r.write(encodeHeader(2, body.length));
      await r.error('FRAME_TOO_LARGE');
      r.write(Buffer.from('{}'));
      r.write(body);
      r.send({ id: 1, op: 'ping' });
      await r.reply((j) => j.id === 1 && j.ok === true);
      assert.ok(!r.frames.some((j) => j.id === 666), 'frames inside the skipped payload were not run');
      r.write(encodeHeader((1 << 20) + 1, 0));
      await r.error('FRAME_TOO_LARGE');
      r.write(Buffer.alloc((1 << 20) + 1, 0x20));
      r.send({ id: 2, op: 'ping' });
      await r.reply((j) => j.id === 2 && j.ok === true);
    } finally {
      r.stop();
    }
  });

  it('bounds its memory when the host floods requests and does not read', async (t) => {
    const r = new RawAgent(bin);
    try {
      await r.reply((j) => j.ev === 'ready');
      r.child.stdout?.pause();
      for (let i = 1; i <= 30; i++) r.send({ id: i, op: 'readFile', path: '/dev/zero', maxBytes: 4 << 20 });
      await sleep(500);
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${r.child.pid}/status`, 'utf8'))?.[1]) / 1024;
      t.diagnostic(`agent RSS with 120 MiB of readFile replies requested and none read: ${rss.toFixed(1)} MiB`);
      r.child.stdout?.resume();
      for (let i = 1; i <= 30; i++) await r.reply((j) => j.id === i && j.ok === true && j.size === 4 << 20, 10_000);
      if (!process.env.RING0_AGENT_BIN) assert.ok(rss < 48, `agent RSS ${rss} MiB with 120 MiB of replies requested`);

      r.send({ id: 100, op: 'exec', argv: ['sleep', '5'], stdin: 'pipe' });
      await r.reply((j) => j.id === 100 && j.ev === 'started');
      for (let i = 0; i < 5; i++) r.send({ id: 101 + i, op: 'stdin', target: 100 }, Buffer.alloc(4 << 20));
      await r.error('EAGAIN', 105);
      r.send({ id: 110, op: 'kill', target: 100, signal: 'KILL' });
      await r.reply((j) => j.id === 100 && j.ev === 'exit', 5000);
      for (let i = 0; i < 4; i++) await r.error('EPIPE', 101 + i);
    } finally {
      r.stop();
    }
  });

  it('exits at EOF on stdio and kills what it started', async () => {
    const a = spawnLocalAgent(bin);
    const h = a.client.exec(['sleep', '30']);
    const pid = await new Promise<number>((res) => h.once('started', res));
    const exited = new Promise<number | null>((res) => a.child.once('exit', (code) => res(code)));
    a.child.stdin?.end();
    assert.equal(await exited, 0);
    assert.ok(await until(() => !alive(pid), 2000), 'the exec was killed');
    await assert.rejects(h.result, (e: unknown) => e instanceof AgentError && e.code === 'CLOSED');
    await assert.rejects(a.client.ping(), (e: unknown) => e instanceof AgentError && e.code === 'CLOSED');
  });

  it('a killed agent fails pending requests with CLOSED', async () => {
    const a = spawnLocalAgent(bin);
    const h = a.client.exec(['sleep', '30']);
    await new Promise((res) => h.once('started', res));
    const closed = new Promise((res) => a.client.once('close', res));
    a.child.kill('SIGKILL');
    await closed;
    await assert.rejects(h.result, (e: unknown) => e instanceof AgentError && e.code === 'CLOSED');
    assert.throws(() => a.client.exec([]), TypeError);
    await assert.rejects(a.client.run(['true']), (e: unknown) => e instanceof AgentError && e.code === 'CLOSED');
    await a.stop();
  });

  it('reconnects over a socket after the host vanishes, killing the old requests', async () => {
    const sock = path.join(tmp, 'agent.sock');
    const conns: net.Socket[] = [];
    const server = net.createServer((s) => conns.push(s));
    await new Promise<void>((res) => server.listen(sock, res));
    const child = spawn(bin, ['--socket', sock], { stdio: 'ignore' });
    try {
      assert.ok(await until(() => conns.length === 1, 3000));
      const c1 = new AgentClient(conns[0]);
      const ready1 = await new Promise<HelloInfo>((res) => c1.once('ready', res));
      const h = c1.exec(['sleep', '30']);
      const pid = await new Promise<number>((res) => h.once('started', res));
      conns[0].destroy();
      await assert.rejects(h.result, (e: unknown) => e instanceof AgentError && e.code === 'CLOSED');
      assert.ok(await until(() => !alive(pid), 2000), 'the orphaned exec was killed');
      assert.ok(await until(() => conns.length === 2, 3000), 'the agent reconnected');
      const c2 = new AgentClient(conns[1]);
      const info = await c2.hello({ timeoutMs: 2000 });
      assert.equal(info.instance, ready1.instance);
      assert.equal(info.connection, ready1.connection + 1);
      assert.equal((await c2.run(['echo', 'again'])).stdout.toString(), 'again\n');
      c2.close();
    } finally {
      child.kill('SIGKILL');
      server.close();
    }
  });

  it('tells the client when the agent behind a persistent stream restarted', async () => {
    // Like QEMU's chardev: the host keeps one stream while agents come and go behind it.
    const toClient = new PassThrough();
    const fromClient = new PassThrough();
    const client = new AgentClient(Duplex.from({ readable: toClient, writable: fromClient }));
    let current: net.Socket | undefined;
    const held: Buffer[] = []; // what the host sent before any agent connected, as QEMU holds it
    fromClient.on('data', (d: Buffer) => (current ? current.write(d) : held.push(d)));
    const sock = path.join(tmp, 'relay.sock');
    let conns = 0;
    const server = net.createServer((s) => {
      conns++;
      current = s;
      for (const d of held.splice(0)) s.write(d);
      s.on('data', (d: Buffer) => toClient.write(d));
      s.on('error', () => undefined);
    });
    await new Promise<void>((res) => server.listen(sock, res));
    const agents: ChildProcess[] = [spawn(bin, ['--socket', sock], { stdio: 'ignore' })];
    const restarts: HelloInfo[] = [];
    client.on('restart', (i: HelloInfo) => restarts.push(i));
    try {
      const first = await client.hello({ timeoutMs: 3000 });
      const h = client.exec(['sleep', '30']);
      await new Promise((res) => h.once('started', res));
      agents[0].kill('SIGKILL');
      agents.push(spawn(bin, ['--socket', sock], { stdio: 'ignore' }));
      await assert.rejects(h.result, (e: unknown) => e instanceof AgentError && e.code === 'AGENT_RESTARTED');
      assert.equal(restarts.length, 1);
      assert.notEqual(restarts[0].instance, first.instance);
      assert.equal((await client.hello({ timeoutMs: 3000 })).pid, agents[1].pid);
      assert.equal(conns, 2);
      assert.equal((await client.run(['true'])).exitCode, 0);
    } finally {
      client.close();
      for (const a of agents) a.kill('SIGKILL');
      current?.destroy();
      server.close();
    }
  });

  it('waits without spinning while the host side is missing', async (t) => {
    const children = [
      spawn(bin, ['--socket', path.join(tmp, 'nobody-listens.sock')], { stdio: 'ignore' }),
      spawn(bin, ['--port', path.join(tmp, 'no-such-port')], { stdio: 'ignore' }),
      spawn(bin, ['--port-name', 'org.ring0.nonexistent'], { stdio: 'ignore' }),
    ];
    try {
      await sleep(300);
      const before = children.map((c) => cpuTicks(c.pid as number));
      await sleep(1000);
      const used = children.map((c, i) => cpuTicks(c.pid as number) - before[i]);
      t.diagnostic(`CPU ticks in 1 s while disconnected: ${used.join(', ')}`);
      for (const u of used) assert.ok(u <= 3, `used ${u} ticks`);
    } finally {
      for (const c of children) c.kill('SIGKILL');
    }
  });

  it('client: times out, survives garbage from the agent, ignores late replies', async () => {
    const toClient = new PassThrough();
    const sent = new PassThrough();
    const client = new AgentClient(Duplex.from({ readable: toClient, writable: sent }));
    const errs: string[] = [];
    client.on('protocolError', (e: AgentError) => errs.push(e.code));
    await assert.rejects(client.ping({ timeoutMs: 50 }), (e: unknown) => e instanceof AgentError && e.code === 'TIMEOUT');
    toClient.write(encodeFrame({ id: 1, ok: true })); // late answer to the timed-out ping
    toClient.write(Buffer.from('garbage that is not a frame'));
    const p = client.call({ op: 'ping' });
    const reqDecoder = new FrameDecoder();
    const req = await new Promise<FrameJson>((res) => {
      sent.on('data', (d: Buffer) => {
        for (const e of reqDecoder.push(d)) if (e.kind === 'frame' && e.frame.json.op === 'ping' && e.frame.json.id !== 1) res(e.frame.json);
      });
    });
    const reply = encodeFrame({ id: req.id, ok: true });
    for (const b of reply) toClient.write(Buffer.from([b])); // byte by byte
    await p;
    toClient.write(encodeFrame({ id: 0, ok: false, code: 'BAD_FRAME', error: 'x' }));
    await sleep(10);
    assert.deepEqual(errs, ['BAD_FRAME', 'BAD_FRAME']);

    // A guest reset cut a frame short: resync() drops the partial frame and fails what was waiting.
    const cut = encodeFrame({ id: 77, ev: 'stdout' }, Buffer.alloc(1000));
    toClient.write(cut.subarray(0, 100));
    const lost = client.ping();
    await sleep(10);
    client.resync();
    await assert.rejects(lost, (e: unknown) => e instanceof AgentError && e.code === 'AGENT_RESTARTED');
    const readies: HelloInfo[] = [];
    client.on('ready', (i: HelloInfo) => readies.push(i));
    toClient.write(encodeFrame({ id: 0, ev: 'ready', instance: 'new', connection: 1 }));
    await sleep(10);
    assert.equal(readies.length, 1);
    client.close();
    await assert.rejects(client.ping(), (e: unknown) => e instanceof AgentError && e.code === 'CLOSED');
  });
});
