// ring0 bpf maps/dump and ring0 trace in a real VM: a loaded hash map is listed and its entries change; a tracepoint streams parsed events.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, disposeWorkspace, ROOT, tempWorkspace, transcript } from './helpers';

describe('observe commands in the VM', () => {
  let ws: string;
  const ok = async (args: string[]) => {
    const r = await cli(args, { cwd: ws, timeoutMs: 60_000 });
    assert.equal(r.code, 0, `ring0 ${args.join(' ')}: ${r.stderr}\n${r.stdout.toString()}`);
    return r.stdout.toString();
  };

  before(async () => {
    ws = tempWorkspace('ring0-observe-');
    mkdirSync(path.join(ws, 'bpf'));
    copyFileSync(path.join(ROOT, 'samples', 'workspace', 'bpf', 'count_openat.bpf.c'), path.join(ws, 'bpf', 'count_openat.bpf.c'));
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    await ok(['build', 'bpf', 'bpf/count_openat.bpf.c']);
    await ok(['load', 'bpf/count_openat.bpf.o', '-w', ws]);
  });
  after(async () => {
    if (ws) await disposeWorkspace(ws);
  });

  it('lists the loaded map and program, and dumps entries that change', async () => {
    const maps = JSON.parse(await ok(['bpf', 'maps', '--json', '-w', ws])) as Array<{ id: number; name: string; type: string; keySize: number; valueSize: number; object?: string }>;
    const m = maps.find((x) => x.name === 'openat_counts');
    assert.ok(m, JSON.stringify(maps));
    assert.deepEqual([m.type, m.keySize, m.valueSize, m.object], ['hash', 4, 8, 'count_openat']);
    const progs = JSON.parse(await ok(['bpf', 'progs', '--json', '--stats', '--stats-ms', '200', '-w', ws])) as Array<{ name: string; object?: string; runCnt?: number; links: unknown[] }>;
    const p = progs.find((x) => x.name === 'count_openat');
    assert.ok(p && p.object === 'count_openat' && p.links.length === 1 && typeof p.runCnt === 'number', JSON.stringify(progs));

    type Dump = { entries: Array<{ key: number; value: number; keyHex: string }>; btf: boolean };
    const total = (d: Dump) => d.entries.reduce((s, e) => s + e.value, 0);
    const before = JSON.parse(await ok(['bpf', 'dump', 'openat_counts', '--json', '-w', ws])) as Dump;
    assert.equal(before.btf, true);
    await ok(['vm', 'exec', '-w', ws, '--', 'cat', '/etc/hostname']);
    const afterDump = JSON.parse(await ok(['bpf', 'dump', String(m.id), '--json', '-w', ws])) as Dump;
    assert.ok(afterDump.entries.every((e) => typeof e.key === 'number' && typeof e.value === 'number'));
    assert.ok(total(afterDump) > total(before), `${total(before)} → ${total(afterDump)}`);
  });

  it('streams 5 parsed sched_process_exec events while the guest runs commands', async () => {
    const tracing = cli(['trace', 'sched:sched_process_exec', '--json-lines', '--count', '5', '--timeout', '30000', '-w', ws], { cwd: ws, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 1500));
    await ok(['vm', 'exec', '-w', ws, '--', 'sh', '-c', 'for i in 1 2 3 4 5 6; do /bin/true; done']);
    const r = await tracing;
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 6, r.stdout.toString());
    for (const e of lines.slice(0, 5)) {
      assert.equal(e.event, 'sched_process_exec');
      assert.equal(typeof e.ts, 'number');
      assert.equal(typeof (e.fields as Record<string, unknown>).filename, 'string');
    }
    const end = lines[5];
    assert.deepEqual([end.end, end.events, end.dropped], [true, 5, 0]);
    assert.match(r.stderr, /5 events; delivered \d+, dropped 0/);
    // The event is disabled again.
    assert.equal((await ok(['vm', 'exec', '-w', ws, '--', 'cat', '/sys/kernel/tracing/events/sched/sched_process_exec/enable'])).trim(), '0');
  });
});
