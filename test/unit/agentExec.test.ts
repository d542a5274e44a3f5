// The real static agent, run on the host over stdio: exec, exit codes, concurrency, bulk output, stdin, kill, timeouts, readFile.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureAgentBinary } from '../../kernel/agent/build';
import { AgentError } from '../../kernel/agent/client';
import { spawnLocalAgent, type LocalAgent } from '../../kernel/agent/local';

const cacheDir = path.join(os.tmpdir(), 'ring0-test-cache');
/** RING0_AGENT_BIN runs these tests against another build, e.g. one with sanitizers. */
const agentBinary = () => process.env.RING0_AGENT_BIN || ensureAgentBinary({ cacheDir });
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Running (a zombie counts as gone: whoever inherits it may be slow to reap). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

describe('agent exec (host, stdio)', () => {
  let agent: LocalAgent;
  let tmp: string;

  before(async () => {
    const bin = await agentBinary();
    agent = spawnLocalAgent(bin);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-agent-test-'));
  });

  after(async () => {
    await agent.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('negotiates the protocol version in hello', async () => {
    const info = await agent.client.hello({ timeoutMs: 2000 });
    assert.equal(info.protocol, 1);
    assert.match(info.agent, /^ring0-agent\//);
    assert.equal(info.kernel, os.release());
    assert.equal(info.pid, agent.child.pid);
    assert.match(info.instance, /^[0-9a-f]{32}$/);
    assert.deepEqual(info.features, ['exec', 'stdin', 'kill', 'readFile', 'stream']);
    assert.equal(info.limits.maxJson, 1 << 20);
    assert.equal(info.limits.maxBinary, 4 << 20);
    assert.ok((await agent.client.ping()) < 1000);
  });

  it('runs commands and reports exit codes and signals', async () => {
    const c = agent.client;
    const echo = await c.run(['echo', 'hello', 'world']);
    assert.equal(echo.exitCode, 0);
    assert.equal(echo.stdout.toString(), 'hello world\n');
    assert.equal((await c.run(['true'])).exitCode, 0);
    assert.equal((await c.run(['false'])).exitCode, 1);
    const sh = await c.run(['sh', '-c', 'echo out; echo err >&2; exit 42']);
    assert.deepEqual([sh.exitCode, sh.signal, sh.timedOut, sh.stdout.toString(), sh.stderr.toString()], [42, null, false, 'out\n', 'err\n']);
    const killed = await c.run(['sh', '-c', 'kill -SEGV $$']);
    assert.deepEqual([killed.exitCode, killed.signal], [null, 'SIGSEGV']);
  });

  it('reports a command that cannot start as a typed error', async () => {
    await assert.rejects(agent.client.run(['/no/such/program']), (e: unknown) => e instanceof AgentError && e.code === 'ENOENT' && /exec \/no\/such\/program/.test(e.message));
    await assert.rejects(agent.client.run(['true'], { cwd: '/no/such/dir' }), (e: unknown) => e instanceof AgentError && e.code === 'ENOENT' && /chdir/.test(e.message));
    await assert.rejects(agent.client.run([tmp]), (e: unknown) => e instanceof AgentError && e.code === 'EACCES');
  });

  it('passes cwd and env, and defaults PATH in a cleared environment', async () => {
    const r = await agent.client.run(['sh', '-c', 'echo "$FOO|$HOME|$(pwd)"'], { cwd: tmp, env: { FOO: 'bar baz', HOME: null } });
    assert.equal(r.stdout.toString(), `bar baz||${tmp}\n`);
    const clear = await agent.client.run(['sh', '-c', 'echo "$PATH"; env | wc -l'], { clearEnv: true, env: { ONLY: '1' } });
    const [p, count] = clear.stdout.toString().trim().split('\n');
    assert.equal(p, '/usr/sbin:/usr/bin:/sbin:/bin');
    assert.ok(Number(count) <= 4, `env has ${count} entries`);
  });

  it('runs 25 execs concurrently, each with its own exit code and output', async () => {
    const n = 25;
    const t0 = Date.now();
    const rs = await Promise.all(
      Array.from({ length: n }, (_, i) => agent.client.run(['sh', '-c', `sleep 0.$((${i} % 3)); echo run-${i}; exit ${i}`])),
    );
    rs.forEach((r, i) => {
      assert.equal(r.exitCode, i);
      assert.equal(r.stdout.toString(), `run-${i}\n`);
    });
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  });

  it('delivers 10 MB of output intact', async (t) => {
    const file = path.join(tmp, 'ten-mb');
    const data = randomBytes(10 * 1024 * 1024);
    writeFileSync(file, data);
    const t0 = performance.now();
    const h = agent.client.exec(['cat', file]);
    const chunks: Buffer[] = [];
    h.on('stdout', (b: Buffer) => chunks.push(b));
    const r = await h.result;
    const ms = performance.now() - t0;
    const out = Buffer.concat(chunks);
    assert.equal(r.exitCode, 0);
    assert.equal(out.length, data.length);
    assert.equal(sha256(out), sha256(data));
    t.diagnostic(`10 MiB in ${ms.toFixed(0)} ms (${(10 / (ms / 1000)).toFixed(0)} MiB/s) in ${chunks.length} chunks`);
  });

  it('keeps pings fast while bulk output is flowing', async (t) => {
    const h = agent.client.exec(['head', '-c', String(64 * 1024 * 1024), '/dev/zero']);
    let bytes = 0;
    h.on('stdout', (b: Buffer) => (bytes += b.length));
    const pings: number[] = [];
    while (!h.done) pings.push(await agent.client.ping());
    await h.result;
    assert.equal(bytes, 64 * 1024 * 1024);
    const worst = Math.max(...pings);
    t.diagnostic(`${pings.length} pings during 64 MiB, worst ${worst.toFixed(1)} ms`);
    assert.ok(worst < 500, `worst ping ${worst} ms`);
  });

  it('pauses a producer instead of buffering when the host stops reading (nothing lost)', async (t) => {
    const total = 48 * 1024 * 1024;
    const h = agent.client.exec(['head', '-c', String(total), '/dev/zero']);
    let bytes = 0;
    h.on('stdout', (b: Buffer) => (bytes += b.length));
    await new Promise((r) => h.once('stdout', r));
    agent.child.stdout?.pause();
    await new Promise((r) => setTimeout(r, 400));
    const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${agent.child.pid}/status`, 'utf8'))?.[1]) / 1024;
    agent.child.stdout?.resume();
    const r = await h.result;
    assert.equal(r.exitCode, 0);
    assert.equal(bytes, total);
    t.diagnostic(`agent RSS while the host was not reading: ${rss.toFixed(1)} MiB`);
    if (!process.env.RING0_AGENT_BIN) assert.ok(rss < 32, `agent RSS ${rss} MiB`); // sanitizer builds have shadow memory
  });

  it('feeds stdin: as a payload, through writes, and large input', async () => {
    const cat = await agent.client.run(['cat'], { stdin: 'given at start\n' });
    assert.equal(cat.stdout.toString(), 'given at start\n');

    const h = agent.client.exec(['sh', '-c', 'while read -r l; do echo "got $l"; done; echo eof'], { stdin: 'pipe' });
    const out: Buffer[] = [];
    h.on('stdout', (b: Buffer) => out.push(b));
    await h.writeStdin('one\n');
    await h.writeStdin(Buffer.from('two\nthree\n'));
    await h.closeStdin();
    const r = await h.result;
    assert.equal(r.exitCode, 0);
    assert.equal(Buffer.concat(out).toString(), 'got one\ngot two\ngot three\neof\n');

    const big = randomBytes(3 * 1024 * 1024 + 17);
    const sum = await agent.client.run(['sha256sum'], { stdin: big });
    assert.equal(sum.stdout.toString().split(' ')[0], sha256(big));
  });

  it('rejects stdin writes after the process closed its input', async () => {
    const h = agent.client.exec(['sh', '-c', 'exec 0<&-; sleep 2'], { stdin: 'pipe' });
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(h.writeStdin('x'.repeat(200_000)), (e: unknown) => e instanceof AgentError && e.code === 'EPIPE');
    await h.kill('SIGKILL');
    assert.equal((await h.result).signal, 'SIGKILL');
  });

  it('kills the whole process group', async () => {
    const h = agent.client.exec(['sh', '-c', 'sleep 30 & echo $!; wait']);
    let out = '';
    h.on('stdout', (b: Buffer) => (out += b));
    await waitUntil(() => out.includes('\n'), 2000);
    const grandchild = Number(out.trim());
    assert.ok(alive(grandchild));
    const t0 = Date.now();
    await h.kill('SIGTERM');
    const r = await h.result;
    assert.equal(r.signal, 'SIGTERM');
    assert.ok(Date.now() - t0 < 1500);
    assert.ok(await waitUntil(() => !alive(grandchild), 1000), 'the background sleep was killed too');
    await h.kill(); // after exit: a no-op
  });

  it('times out: SIGKILL to the group, timedOut set', async () => {
    const t0 = Date.now();
    const r = await agent.client.run(['sh', '-c', 'sleep 30 & sleep 30'], { timeoutMs: 300 });
    assert.deepEqual([r.exitCode, r.signal, r.timedOut], [null, 'SIGKILL', true]);
    assert.ok(Date.now() - t0 < 2000, `took ${Date.now() - t0} ms`);
  });

  it('does not wait forever for a daemonized grandchild holding the output pipe', async () => {
    const t0 = Date.now();
    const r = await agent.client.run(['sh', '-c', 'setsid sleep 5 & echo done']);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout.toString(), 'done\n');
    assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`);
  });

  it('reads files, with truncation and errors, without blocking on FIFOs', async () => {
    const f = path.join(tmp, 'small.txt');
    writeFileSync(f, 'abcdefghij');
    assert.deepEqual(await agent.client.readFile(f), { data: Buffer.from('abcdefghij'), truncated: false });
    assert.deepEqual(await agent.client.readFile(f, { maxBytes: 4 }), { data: Buffer.from('abcd'), truncated: true });
    assert.deepEqual(await agent.client.readFile(f, { maxBytes: 10 }), { data: Buffer.from('abcdefghij'), truncated: false });
    const proc = await agent.client.readFile('/proc/self/status');
    assert.match(proc.data.toString(), /^Name:\s+ring0-agent/);
    await assert.rejects(agent.client.readFile(path.join(tmp, 'missing')), (e: unknown) => e instanceof AgentError && e.code === 'ENOENT');
    await assert.rejects(agent.client.readFile(tmp), (e: unknown) => e instanceof AgentError && e.code === 'EISDIR');
    await assert.rejects(agent.client.readFile(f, { maxBytes: 5 * 1024 * 1024 }), (e: unknown) => e instanceof AgentError && e.code === 'BAD_REQUEST');
    const fifo = path.join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    assert.deepEqual(await agent.client.readFile(fifo, { timeoutMs: 2000 }), { data: Buffer.alloc(0), truncated: false });
    assert.ok(Date.now() - t0 < 500);
    const big = await agent.client.readFile('/dev/zero', { maxBytes: 4 * 1024 * 1024 });
    assert.equal(big.data.length, 4 * 1024 * 1024);
    assert.equal(big.truncated, true);
  });

  it('iterates exec output in order', async () => {
    const h = agent.client.exec(['sh', '-c', 'echo a; echo b >&2; echo c']);
    const text = { stdout: '', stderr: '' };
    for await (const o of h) text[o.stream] += o.data.toString();
    assert.deepEqual(text, { stdout: 'a\nc\n', stderr: 'b\n' });
    assert.equal((await h.result).exitCode, 0);
  });
});
