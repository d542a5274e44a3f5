// The agent multiplexer, with the real agent running on the host: clients with colliding request ids,
// isolation of one client's sessions from another, cleanup when a client goes away.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { AgentClient, AgentError } from '../../kernel/agent/client';
import { ensureAgentBinary } from '../../kernel/agent/build';
import { AgentMux } from '../../kernel/vm/agentMux';

const cacheDir = path.join(os.tmpdir(), 'ring0-test-cache');

describe('AgentMux', () => {
  let child: ChildProcess;
  let mux: AgentMux;

  before(async () => {
    const bin = await ensureAgentBinary({ cacheDir });
    child = spawn(bin, ['--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    mux = new AgentMux(Duplex.from({ readable: child.stdout!, writable: child.stdin! }));
  });
  after(() => {
    mux.close();
    child.kill('SIGKILL');
  });

  const client = () => new AgentClient(mux.localClient(), { requestTimeoutMs: 5000 });

  it('routes replies of clients whose request ids collide', async () => {
    const a = client();
    const b = client();
    const [ra, rb] = await Promise.all([a.run(['sh', '-c', 'echo from-a; exit 3']), b.run(['sh', '-c', 'echo from-b; exit 4'])]);
    assert.equal(ra.stdout.toString(), 'from-a\n');
    assert.equal(ra.exitCode, 3);
    assert.equal(rb.stdout.toString(), 'from-b\n');
    assert.equal(rb.exitCode, 4);
    a.close();
    b.close();
  });

  it('keeps a client away from another client\'s sessions', async () => {
    const a = client();
    const b = client();
    const h = a.exec(['sleep', '30']);
    await new Promise((r) => h.once('started', r));
    // b names a's request id as its target: the mux maps targets per connection, so this is unknown.
    await assert.rejects(b.call({ op: 'kill', target: h.id, signal: 'SIGKILL' }), (e: AgentError) => e.code === 'NO_SUCH_ID');
    assert.equal(h.done, false);
    await h.kill('SIGKILL');
    const r = await h.result;
    assert.equal(r.signal, 'SIGKILL');
    a.close();
    b.close();
  });

  it('kills what a client left running when it disconnects', async () => {
    const a = client();
    const h = a.exec(['sh', '-c', 'echo $$; exec sleep 30']);
    const pid = await new Promise<number>((resolve) => h.once('stdout', (b: Buffer) => resolve(Number(b.toString().trim()))));
    assert.ok(pid > 0);
    a.close();
    const deadline = Date.now() + 5000;
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(), false, 'the orphaned exec was killed');
    const b = client();
    assert.ok((await b.ping()) >= 0, 'the agent still answers');
    b.close();
  });

  it('answers garbage from a client with an error and keeps serving it', async () => {
    const end = mux.localClient();
    const c = new AgentClient(end, { requestTimeoutMs: 5000 });
    const errors: AgentError[] = [];
    c.on('protocolError', (e: AgentError) => errors.push(e));
    end.write(Buffer.from('this is not a frame at all'));
    const r = await c.run(['echo', 'still fine']);
    assert.equal(r.stdout.toString(), 'still fine\n');
    assert.ok(errors.length >= 1);
    c.close();
  });
});
