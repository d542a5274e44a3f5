// The exec_events sample in a real VM: its hash map and ring buffer in `ring0 bpf maps`, decoded entries that
// change after guest actions, map update/delete, decoded ring-buffer and perf records from `ring0 bpf stream`,
// the tracepoint catalogue, and a bpftrace one-liner with its printed maps parsed.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listTracepoints, tracepointFormat } from '../../kernel/observe/tracepoints';
import { connectAgent } from '../../kernel/vm/manager';
import { CLI, cli, disposeWorkspace, ROOT, tempWorkspace, transcript } from './helpers';

type Json = Record<string, unknown>;
const lines = (b: Buffer) => b.toString().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Json);

/** The CLI as a child whose JSON lines can be awaited as they come (and that can get Ctrl-C). */
function liveCli(args: string[], cwd: string) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; stdout: Buffer; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout: Buffer.from(out), stderr: err })));
  const waitFor = async (pred: (o: Json) => boolean, ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    for (;;) {
      if (lines(Buffer.from(out.slice(0, out.lastIndexOf('\n') + 1))).some(pred)) return;
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`ring0 ${args.join(' ')}: no such line within ${ms} ms\nstdout: ${out}\nstderr: ${err}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500);
      });
    }
  };
  return { child, done, waitFor };
}

describe('exec_events sample: maps, streams and bpftrace in the VM', () => {
  let ws: string;
  const ok = async (args: string[], timeoutMs = 90_000) => {
    const r = await cli(args, { cwd: ws, timeoutMs });
    assert.equal(r.code, 0, `ring0 ${args.join(' ')}: ${r.stderr}\n${r.stdout.toString()}`);
    return r.stdout.toString();
  };
  /** Runs /bin/true N times in the guest, `gap` seconds apart. */
  const execs = (n: number, gap = 0) => ok(['vm', 'exec', '-w', ws, '--', 'sh', '-c', `i=0; while [ $i -lt ${n} ]; do /bin/true; i=$((i+1)); ${gap ? `sleep ${gap};` : ''} done`], 120_000);

  before(async () => {
    ws = tempWorkspace('ring0-observe-stream-');
    mkdirSync(path.join(ws, 'bpf'));
    copyFileSync(path.join(ROOT, 'samples', 'workspace', 'bpf', 'exec_events.bpf.c'), path.join(ws, 'bpf', 'exec_events.bpf.c'));
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    await ok(['build', 'bpf', 'bpf/exec_events.bpf.c']);
    await ok(['load', 'bpf/exec_events.bpf.o', '-w', ws]);
  });
  after(async () => {
    if (ws) await disposeWorkspace(ws);
  });

  it('lists the hash map, the ring buffer and the perf event array of the object', async () => {
    const maps = JSON.parse(await ok(['bpf', 'maps', '--json', '-w', ws])) as Array<Json>;
    const get = (name: string) => maps.find((m) => m.name === name);
    assert.deepEqual(['type', 'keySize', 'valueSize', 'object'].map((k) => get('exec_counts')?.[k]), ['hash', 16, 8, 'exec_events'], JSON.stringify(maps));
    assert.deepEqual(['type', 'maxEntries', 'object'].map((k) => get('exec_events')?.[k]), ['ringbuf', 262144, 'exec_events']);
    assert.equal(get('exec_events_per')?.type, 'perf_event_array');
    const progs = JSON.parse(await ok(['bpf', 'progs', '--json', '-w', ws])) as Array<Json>;
    assert.ok(progs.some((p) => p.name === 'on_exec' && p.object === 'exec_events'), JSON.stringify(progs));
  });

  it('dumps decoded entries that change after guest execs, and updates and deletes entries', async () => {
    type Dump = { btf: boolean; entries: Array<{ key: { comm: string }; value: number }> };
    const countOf = (d: Dump, comm: string) => d.entries.find((e) => e.key.comm === comm)?.value ?? 0;
    const before = JSON.parse(await ok(['bpf', 'dump', 'exec_counts', '--json', '-w', ws])) as Dump;
    assert.equal(before.btf, true);
    await execs(3);
    const afterDump = JSON.parse(await ok(['bpf', 'dump', 'exec_counts', '--json', '-w', ws])) as Dump;
    assert.ok(afterDump.entries.every((e) => typeof e.key.comm === 'string' && typeof e.value === 'number'), JSON.stringify(afterDump));
    assert.equal(countOf(afterDump, 'true'), countOf(before, 'true') + 3);

    const upd = JSON.parse(await ok(['bpf', 'update', 'exec_counts', '--key', '{"comm":"ring0-test"}', '--value', '7', '--json', '-w', ws])) as Json;
    assert.equal(upd.valueHex, '0700000000000000');
    assert.equal(countOf(JSON.parse(await ok(['bpf', 'dump', 'exec_counts', '--json', '-w', ws])) as Dump, 'ring0-test'), 7);
    await ok(['bpf', 'delete', 'exec_counts', '--key', '{"comm":"ring0-test"}', '-w', ws]);
    const gone = JSON.parse(await ok(['bpf', 'dump', 'exec_counts', '--json', '-w', ws])) as Dump;
    assert.ok(!gone.entries.some((e) => e.key.comm === 'ring0-test'));
    const again = await cli(['bpf', 'delete', 'exec_counts', '--key', '{"comm":"ring0-test"}', '-w', ws], { cwd: ws });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /No such file|not found|ENOENT/i);
    const bad = await cli(['bpf', 'update', 'exec_counts', '--key', '{"cmd":"x"}', '--value', '1', '-w', ws], { cwd: ws });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /struct comm_key has no field 'cmd'/);
  });

  it('streams ring-buffer records decoded as struct exec_event with --count', async () => {
    // A ring buffer keeps what no one has read yet (every exec since the load): read that first.
    await ok(['bpf', 'stream', 'exec_events', '--timeout', '3000', '-w', ws]);
    const N = 30;
    const streaming = cli(['bpf', 'stream', 'exec_events', '--json-lines', '--count', String(N), '--timeout', '120000', '-w', ws], { cwd: ws, timeoutMs: 150_000 });
    await new Promise((r) => setTimeout(r, 2000));
    await execs(N);
    const r = await streaming;
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, N + 1, r.stdout.toString());
    const recs = out.slice(0, N);
    for (const rec of recs) {
      assert.equal(rec.type, 'struct exec_event', JSON.stringify(rec));
      assert.equal(rec.size, 104);
      assert.equal(rec.error, undefined);
      const v = rec.value as Json;
      assert.ok(typeof v.pid === 'number' && typeof v.ts_ns === 'number' && typeof v.comm === 'string' && typeof v.filename === 'string', JSON.stringify(rec));
    }
    const trues = recs.filter((x) => (x.value as Json).comm === 'true' && (x.value as Json).filename === '/bin/true');
    // Before its reader starts, the command itself runs bpftool and the loader a few times.
    assert.ok(trues.length >= N - 8, `only ${trues.length} /bin/true execs among ${N}: ${r.stdout.toString()}`);
    const ts = recs.map((x) => (x.value as Json).ts_ns as number);
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'records arrive in order');
    const end = out[N];
    assert.deepEqual([end.end, end.reason, end.records, end.agentDropped, end.malformed], [true, 'count', N, 0, 0]);
    assert.match(r.stderr, new RegExp(`${N} records \\(count\\); delivered \\d+, dropped 0`));
  });

  it('streams perf-event-array records with their CPU (map by pin path, struct by name)', async () => {
    const pin = '/sys/fs/bpf/ring0/exec_events/maps/exec_events_perf';
    const streaming = cli(['bpf', 'stream', pin, '--struct', 'exec_event', '--json-lines', '--count', '3', '--timeout', '120000', '-w', ws], { cwd: ws, timeoutMs: 150_000 });
    await new Promise((r) => setTimeout(r, 2000));
    await execs(6, 0.2);
    const r = await streaming;
    assert.equal(r.code, 0, r.stderr);
    const out = lines(r.stdout);
    assert.equal(out.length, 4, r.stdout.toString());
    for (const rec of out.slice(0, 3)) {
      assert.equal(rec.type, 'struct exec_event');
      assert.equal(rec.cpu, 0);
      assert.ok((rec.size as number) >= 104 && (rec.size as number) < 112);
    }
    assert.deepEqual([out[3].reason, out[3].kernelLost], ['count', 0]);
  });

  it('refuses to stream a hash map, and names a missing struct', async () => {
    const hash = await cli(['bpf', 'stream', 'exec_counts', '--count', '1', '-w', ws], { cwd: ws });
    assert.equal(hash.code, 1);
    assert.match(hash.stderr, /hash map: only ringbuf and perf_event_array maps stream records/);
    const missing = await cli(['bpf', 'stream', 'exec_events', '--struct', 'nope', '--count', '1', '-w', ws], { cwd: ws });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no struct 'nope'.*exec_event \(104 bytes\)/);
  });

  it('lists tracepoint categories and parses an event format (API and ring0 tracepoints)', async () => {
    const agent = await connectAgent(ws);
    try {
      const cats = await listTracepoints(agent);
      assert.ok(cats.length > 20, `${cats.length} categories`);
      assert.ok(cats.find((c) => c.name === 'sched')?.events.includes('sched_process_exec'));
      assert.ok(cats.find((c) => c.name === 'syscalls')?.events.includes('sys_enter_openat'));
      const f = await tracepointFormat(agent, 'sched:sched_process_exec');
      assert.deepEqual(f.fields.map((x) => x.name), ['filename', 'pid', 'old_pid']);
      await assert.rejects(tracepointFormat(agent, 'sched:no_such_event'), /no tracepoint sched:no_such_event/);
    } finally {
      agent.close();
    }
    const listed = JSON.parse(await ok(['tracepoints', 'process_exec', '--json', '-w', ws])) as Array<{ name: string; events: string[] }>;
    assert.ok(listed.some((c) => c.name === 'sched' && c.events.includes('sched_process_exec')), JSON.stringify(listed));
    assert.ok(listed.every((c) => c.events.every((e) => `${c.name}:${e}`.includes('process_exec'))));
    const fmt = JSON.parse(await ok(['tracepoints', '--format', 'syscalls:sys_enter_openat', '--json', '-w', ws])) as { fields: Array<{ name: string }> };
    assert.deepEqual(fmt.fields.map((x) => x.name), ['__syscall_nr', 'dfd', 'filename', 'flags', 'mode']);
  });

  it('runs a bpftrace one-liner in the guest; Ctrl-C makes it print its count() and hist() maps, parsed', async () => {
    const bt = liveCli(['bpftrace', '--json-lines', '-w', ws, '-e', 'tracepoint:sched:sched_process_exec { @execs[comm] = count(); @pids = hist(pid); }'], ws);
    try {
      // bpftrace takes several seconds to start in a TCG guest.
      await bt.waitFor((o) => o.kind === 'startup', 180_000);
      await execs(10);
    } finally {
      bt.child.kill('SIGINT');
    }
    const r = await bt.done;
    assert.equal(r.code, 0, r.stderr + r.stdout.toString());
    const out = lines(r.stdout);
    // The first record says when bpftrace had attached (the --duration clock starts there).
    assert.equal(out[0].kind, 'startup', JSON.stringify(out[0]));
    assert.equal(out[0].probes, 1);
    assert.equal(typeof out[0].attachedAfterMs, 'number');
    const execsMap = out.find((o) => o.kind === 'keyed' && o.map === '@execs') as { entries: Array<{ key: string; value: number }> } | undefined;
    assert.ok(execsMap, r.stdout.toString());
    const t = execsMap.entries.find((e) => e.key === 'true');
    assert.equal(t?.value, 10, JSON.stringify(execsMap));
    const hist = out.find((o) => o.kind === 'hist' && o.map === '@pids') as { series: Array<{ key: null; buckets: Array<{ count: number }> }> } | undefined;
    assert.ok(hist && hist.series[0].buckets.reduce((s, b) => s + b.count, 0) >= 10, r.stdout.toString());
    assert.deepEqual([out.at(-1)?.end, out.at(-1)?.exitCode], [true, 0]);
  });
});
