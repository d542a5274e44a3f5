// Agent event streams on the host: batching, credits, exact delivered/dropped counts, close, long and partial records.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureAgentBinary } from '../../kernel/agent/build';
import type { StreamBatch } from '../../kernel/agent/client';
import { spawnLocalAgent, type LocalAgent } from '../../kernel/agent/local';

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

describe('agent streams (host, stdio)', () => {
  let agent: LocalAgent;

  before(async () => {
    agent = spawnLocalAgent(await agentBinary());
  });

  after(async () => {
    await agent.stop();
  });

  it('delivers every record, batched, when credits suffice', async (t) => {
    const n = 200_000;
    const t0 = performance.now();
    const s = agent.client.openStream(['seq', '1', String(n)], { credits: 1e9 });
    const batches: StreamBatch[] = [];
    s.on('batch', (b: StreamBatch) => batches.push(b));
    const end = await s.done;
    const ms = performance.now() - t0;
    const records = batches.flatMap((b) => b.records);
    assert.equal(end.reason, 'exit');
    assert.equal(end.exitCode, 0);
    assert.deepEqual([end.delivered, end.dropped, end.received], [n, 0, n]);
    assert.equal(records.length, n);
    for (let i = 0; i < n; i++) if (records[i] !== String(i + 1)) assert.fail(`record ${i} is ${records[i]}`);
    assert.ok(batches.length < n / 100, `${batches.length} batches: records must be batched`);
    t.diagnostic(`${n} records in ${batches.length} batches, ${ms.toFixed(0)} ms (${Math.round(n / (ms / 1000))} records/s)`);
  });

  it('fast producer, slow consumer: delivered + dropped == produced exactly', async (t) => {
    // 50 bursts of 10,000 numbered lines, 10 ms apart: credits run out and come back many times.
    const bursts = 50;
    const per = 10_000;
    const script = `i=0; while [ $i -lt ${bursts} ]; do seq $((i*${per}+1)) $(((i+1)*${per})); sleep 0.01; i=$((i+1)); done`;
    const s = agent.client.openStream(['sh', '-c', script], { credits: 512 });
    let last = 0;
    let got = 0;
    let batches = 0;
    for await (const b of s) {
      for (const r of b.records) {
        const v = Number(r);
        assert.ok(Number.isInteger(v) && v > last, `record ${r} after ${last}`);
        last = v;
      }
      got += b.count;
      batches++;
      assert.ok(b.delivered >= got, 'cumulative delivered covers what arrived');
      await sleep(2);
    }
    const end = await s.done;
    t.diagnostic(`delivered ${end.delivered}, dropped ${end.dropped} in ${batches} batches`);
    assert.equal(end.delivered + end.dropped, bursts * per);
    assert.equal(end.received, end.delivered);
    assert.equal(got, end.delivered);
    assert.ok(end.dropped > 0, 'the slow consumer made the agent drop');
    assert.ok(end.delivered > 512, 'acks granted more credit');
  });

  it('drops everything past the credit when the consumer never acks, and still counts exactly', async () => {
    const s = agent.client.openStream(['seq', '1', '50000'], { credits: 100, autoAck: false });
    let got = 0;
    s.on('batch', (b: StreamBatch) => (got += b.count));
    const end = await s.done;
    assert.deepEqual([end.delivered, end.dropped, got], [100, 49_900, 100]);
  });

  it('grants credits by hand', async () => {
    const s = agent.client.openStream(['sh', '-c', 'seq 1 10; sleep 0.3; seq 11 20'], { credits: 5, autoAck: false });
    const seen: string[] = [];
    s.on('batch', (b: StreamBatch) => seen.push(...b.records));
    await sleep(150);
    s.ack(100);
    const end = await s.done;
    assert.deepEqual(seen, ['1', '2', '3', '4', '5', ...Array.from({ length: 10 }, (_, i) => String(11 + i))]);
    assert.deepEqual([end.delivered, end.dropped], [15, 5]);
  });

  it('closes a stream: final counts, producer group gone', async () => {
    const s = agent.client.openStream(['sh', '-c', 'yes line & wait'], { credits: 1000 });
    let got = 0;
    s.on('batch', (b: StreamBatch) => (got += b.count));
    await new Promise((r) => s.once('batch', r));
    const pid = s.pid as number;
    const end = await s.close();
    assert.equal(end.reason, 'closed');
    assert.equal(end.received, end.delivered);
    assert.equal(got, end.delivered);
    assert.ok(end.delivered >= 1);
    const deadline = Date.now() + 3000;
    while (alive(pid) && Date.now() < deadline) await sleep(20);
    assert.ok(!alive(pid), 'the producer was terminated');
    assert.equal((await agent.client.run(['true'])).exitCode, 0);
  });

  it('truncates over-long records, keeps a final line without newline, forwards stderr', async () => {
    const s = agent.client.openStream(['sh', '-c', "head -c 200000 /dev/zero | tr '\\0' a; echo; echo warn >&2; printf 'x\\nlast'"], { credits: 100 });
    const recs: string[] = [];
    let err = '';
    s.on('batch', (b: StreamBatch) => recs.push(...b.records));
    s.on('stderr', (b: Buffer) => (err += b));
    const end = await s.done;
    assert.deepEqual(recs.map((r) => r.length), [65536, 1, 4]);
    assert.deepEqual(recs.slice(1), ['x', 'last']);
    assert.equal(end.truncated, 1);
    assert.equal(end.delivered, 3);
    assert.equal(err, 'warn\n');
  });

  it('reports a producer that cannot start', async () => {
    const s = agent.client.openStream(['/no/such/producer']);
    await assert.rejects(s.done, (e: unknown) => (e as { code?: string }).code === 'ENOENT');
  });

  it('runs streams and execs side by side', async () => {
    const streams = Array.from({ length: 4 }, (_, i) => agent.client.openStream(['seq', '1', String(1000 * (i + 1))], { credits: 1e6 }));
    const runs = Array.from({ length: 8 }, (_, i) => agent.client.run(['sh', '-c', `exit ${i}`]));
    const ends = await Promise.all(streams.map((s) => s.done));
    ends.forEach((e, i) => assert.deepEqual([e.delivered, e.dropped], [1000 * (i + 1), 0]));
    (await Promise.all(runs)).forEach((r, i) => assert.equal(r.exitCode, i));
  });
});
