// bpftrace output parsing (recorded `-f json` and text output, from the host and from the guest, and garbage),
// and the argument handling of ring0 bpf stream/update/delete, bpftrace and trace (usage errors before any VM).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CliIO } from '../../cli/command';
import { formatBpftraceOutput } from '../../cli/commands/bpftrace';
import { main } from '../../cli/main';
import { bpftraceArgv, parseBpftraceJsonLine, parseBpftraceText, type BpftraceOutput } from '../../kernel/observe/bpftrace';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace');
const fx = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const parseAll = (text: string) => text.split('\n').map(parseBpftraceJsonLine).filter((o): o is BpftraceOutput => o !== undefined);
const byMap = (outs: BpftraceOutput[], map: string) => outs.filter((o) => 'map' in o && o.map === map);

describe('bpftrace -f json', () => {
  const outs = parseAll(fx('recorded.jsonl'));

  it('parses attached probes, printf, count() maps and scalar values', () => {
    assert.deepEqual(outs[0], { kind: 'attached', probes: 1 });
    assert.deepEqual(outs[1], { kind: 'printf', text: 'hi 3\n' });
    assert.deepEqual(byMap(outs, '@c')[0], { kind: 'keyed', map: '@c', entries: [{ key: 'z', value: 1 }, { key: 'a', value: 1 }, { key: 'b', value: 2 }] });
    assert.deepEqual(byMap(outs, '@s'), [{ kind: 'value', map: '@s', value: 10 }]);
    assert.deepEqual(byMap(outs, '@a'), [{ kind: 'value', map: '@a', value: 4 }]);
    assert.deepEqual(byMap(outs, '@st'), [{ kind: 'value', map: '@st', value: { count: 1, average: 5, total: 5 } }]);
    assert.deepEqual(byMap(outs, '@m'), [{ kind: 'keyed', map: '@m', entries: [{ key: '1,2', value: 3 }] }]);
  });

  it('parses hist() with its below-zero bucket and lhist() with under/overflow buckets', () => {
    const h = byMap(outs, '@h')[0];
    assert.equal(h.kind, 'hist');
    if (h.kind !== 'hist') return;
    assert.equal(h.series.length, 1);
    assert.equal(h.series[0].key, null);
    const b = h.series[0].buckets;
    assert.deepEqual(b[0], { min: null, max: -1, count: 1, label: '(..., 0)' });
    assert.deepEqual(b[1], { min: 0, max: 0, count: 1, label: '[0]' });
    assert.deepEqual(b[4], { min: 4, max: 7, count: 1, label: '[4, 8)' });
    assert.equal(b.reduce((s, x) => s + x.count, 0), 4);
    const l = byMap(outs, '@l')[0];
    if (l.kind !== 'hist') return assert.fail('lhist not parsed as hist');
    const lb = l.series[0].buckets;
    assert.deepEqual(lb[lb.length - 1], { min: 10, max: null, count: 1, label: '[10, ...)' });
    assert.equal(lb.reduce((s, x) => s + x.count, 0), 4);
  });

  it('parses keyed histograms as one series per key', () => {
    const hk = byMap(outs, '@hk')[0];
    if (hk.kind !== 'hist') return assert.fail('not a hist');
    assert.deepEqual(hk.series.map((s) => [s.key, s.buckets.map((b) => b.label)]), [['x', ['[8, 16)']], ['y', ['[512, 1024)']]]);
  });

  it('parses what bpftrace printed in the guest (count, hist, lhist, avg, keyed stats)', () => {
    const g = parseAll(fx('guest-exec.jsonl'));
    const execs = byMap(g, '@execs')[0];
    assert.deepEqual(execs, { kind: 'keyed', map: '@execs', entries: [{ key: 'true', value: 2 }, { key: 'ls', value: 3 }] });
    const st = byMap(g, '@st')[0];
    assert.deepEqual(st, { kind: 'keyed', map: '@st', entries: [{ key: 'ls', value: { count: 3, average: 215, total: 645 } }, { key: 'true', value: { count: 2, average: 215, total: 430 } }] });
    const pids = byMap(g, '@pids')[0];
    assert.ok(pids.kind === 'hist' && pids.series[0].buckets[0].label === '[128, 256)' && pids.series[0].buckets[0].count === 5);
  });

  it('turns garbage into text or other records, never throws', () => {
    assert.equal(parseBpftraceJsonLine(''), undefined);
    assert.deepEqual(parseBpftraceJsonLine('WARNING: something'), { kind: 'text', text: 'WARNING: something' });
    assert.deepEqual(parseBpftraceJsonLine('[1,2]'), { kind: 'text', text: '[1,2]' });
    assert.deepEqual(parseBpftraceJsonLine('{"type": "time", "data": "12:00:00\\n"}'), { kind: 'printf', text: '12:00:00\n' });
    assert.deepEqual(parseBpftraceJsonLine('{"type": "join", "data": "ls -l /"}'), { kind: 'printf', text: 'ls -l /\n' });
    assert.deepEqual(parseBpftraceJsonLine('{"type": "syscall", "data": "x"}'), { kind: 'other', type: 'syscall', data: 'x' });
    assert.equal(parseBpftraceJsonLine('{"type": "hist", "data": {"@h": [{"min": 1}]}}')?.kind, 'other');
    assert.equal(parseBpftraceJsonLine('{"type": "map", "data": {"@m": {"k": [1]}}}')?.kind, 'other');
    assert.equal(parseBpftraceJsonLine('{"type": "map", "data": {}}')?.kind, 'other');
    assert.deepEqual(parseBpftraceJsonLine('{"type": "lost_events", "data": {"events": 12}}'), { kind: 'lost', events: 12 });
    for (const junk of ['{"type":', '\u0000\u0001', '{"type": 5}', '{"type": "printf", "data": 5}']) assert.ok(parseBpftraceJsonLine(junk));
  });
});

describe('bpftrace text output', () => {
  it('parses the same maps from the default text format', () => {
    const outs = parseBpftraceText(fx('recorded.txt'));
    assert.deepEqual(outs[0], { kind: 'attached', probes: 1 });
    assert.deepEqual(outs[1], { kind: 'text', text: 'hi 3' });
    assert.deepEqual(byMap(outs, '@c')[0], { kind: 'keyed', map: '@c', entries: [{ key: 'a', value: 1 }, { key: 'z', value: 1 }, { key: 'b', value: 2 }] });
    const h = byMap(outs, '@h')[0];
    if (h.kind !== 'hist') return assert.fail('no hist');
    assert.deepEqual(h.series[0].buckets.map((b) => [b.min, b.max, b.count]), [[null, -1, 1], [0, 0, 1], [1, 1, 0], [2, 3, 0], [4, 7, 1], [8, 15, 0], [16, 31, 0], [32, 63, 0], [64, 127, 1]]);
    const hk = byMap(outs, '@hk')[0];
    if (hk.kind !== 'hist') return assert.fail('no keyed hist');
    assert.deepEqual(hk.series.map((s) => [s.key, s.buckets[0].min, s.buckets[0].max]), [['x', 8, 15], ['y', 512, 1023]]);
    const l = byMap(outs, '@l')[0];
    if (l.kind !== 'hist') return assert.fail('no lhist');
    assert.deepEqual(l.series[0].buckets.at(-1), { min: 10, max: null, count: 1, label: '[10, ...)' });
    assert.deepEqual(byMap(outs, '@st'), [{ kind: 'value', map: '@st', value: { count: 1, average: 5, total: 5 } }]);
    assert.deepEqual(byMap(outs, '@m'), [{ kind: 'keyed', map: '@m', entries: [{ key: '1, 2', value: 3 }] }]);
  });

  it('round-trips JSON records through the CLI text formatter', () => {
    const outs = parseAll(fx('recorded.jsonl'));
    const text = outs.map(formatBpftraceOutput).join('');
    assert.match(text, /^Attaching 1 probe\.\.\.\nhi 3\n/);
    assert.match(text, /@c\[b\]: 2/);
    assert.match(text, /\[64, 128\)\s+1 \|@+\s*\|/);
  });
});

describe('bpftrace argv', () => {
  it('builds -f json argv for a program or a file, never both', () => {
    assert.deepEqual(bpftraceArgv({ program: 'BEGIN { exit(); }' }), ['bpftrace', '-f', 'json', '-e', 'BEGIN { exit(); }']);
    assert.deepEqual(bpftraceArgv({ file: '/w/x.bt', args: ['-p', '1'] }), ['bpftrace', '-f', 'json', '-p', '1', '/w/x.bt']);
    assert.throws(() => bpftraceArgv({}), /program \(-e\) or a \.bt file/);
    assert.throws(() => bpftraceArgv({ program: 'x', file: 'y' }), /not both/);
    assert.throws(() => bpftraceArgv({ program: '  ' }), /empty/);
  });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd: '/nonexistent-ring0-ws', env: {} };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('observe CLI arguments', () => {
  const usage = async (args: string[], message: RegExp) => {
    const t = io();
    assert.equal(await main(args, t.cli), 2, `${args.join(' ')}: ${t.err()}`);
    assert.match(t.err(), message);
  };

  it('rejects bad bpf stream flags before contacting a VM', async () => {
    await usage(['bpf', 'stream'], /missing argument/);
    await usage(['bpf', 'stream', 'm', '--count', '0'], /--count must be a positive integer/);
    await usage(['bpf', 'stream', 'm', '--count', '1.5'], /--count must be a positive integer/);
    await usage(['bpf', 'stream', 'm', '--timeout', 'soon'], /--timeout must be a positive integer/);
    await usage(['bpf', 'stream', 'm', '--struct', 'struct x'], /--struct takes a C struct name/);
    await usage(['bpf', 'stream', 'm', '--jsonlines'], /--jsonlines/);
  });

  it('rejects bad bpf update/delete keys and values', async () => {
    await usage(['bpf', 'update', 'm', '--value', '1'], /missing --key/);
    await usage(['bpf', 'update', 'm', '--key', '1'], /missing --value/);
    await usage(['bpf', 'update', 'm', '--key', '1', '--key-hex', '01', '--value', '1'], /--key or --key-hex, not both/);
    await usage(['bpf', 'update', 'm', '--key-hex', 'xyz', '--value', '1'], /--key-hex takes hex bytes/);
    await usage(['bpf', 'update', 'm', '--key', '1', '--value', '1', '--flags', 'maybe'], /--flags must be any, exist or noexist/);
    await usage(['bpf', 'delete', 'm'], /missing --key/);
  });

  it('rejects bpftrace without exactly one of FILE and -e, and missing files', async () => {
    await usage(['bpftrace'], /give one of a \.bt FILE, -e PROGRAM or --tool NAME/);
    await usage(['bpftrace', '--tool', 'no-such-tool'], /no bpftrace tool 'no-such-tool'/);
    await usage(['bpftrace', 'x.bt', '-e', 'BEGIN{}'], /give one of/);
    await usage(['bpftrace', '-e', ' '], /-e needs a bpftrace program/);
    await usage(['bpftrace', 'missing.bt'], /missing\.bt does not exist/);
    await usage(['bpftrace', '-e', 'BEGIN{}', '--duration', '-1'], /--duration/);
  });

  it('rejects a bad tracepoints --format', async () => {
    await usage(['tracepoints', '--format', 'sched'], /--format takes CATEGORY:EVENT/);
    await usage(['tracepoints', 'a', 'b'], /unexpected argument 'b'/);
  });

  it('without a VM, the commands say how to start one (exit 1)', async () => {
    for (const args of [['bpf', 'stream', 'm', '-w', '/nonexistent-ring0-ws'], ['bpftrace', '-e', 'BEGIN{}', '-w', '/nonexistent-ring0-ws']]) {
      const t = io();
      assert.equal(await main(args, t.cli), 1);
      assert.match(t.err(), /ring0 vm start/);
    }
  });

  it('lists the observe commands in help', async () => {
    const t = io();
    await main(['--help'], t.cli);
    for (const c of ['bpf stream', 'bpf update', 'bpf delete', 'bpftrace', 'trace', 'tracepoints', 'bpf progs', 'bpf maps', 'bpf dump']) assert.ok(t.out().includes(c), c);
  });
});
