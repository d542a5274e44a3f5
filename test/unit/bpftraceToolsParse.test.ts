// Printed maps of real bpftrace runs in the Ring0 guest (test/fixtures/bpftrace/tools: shipped tools and
// one-liners captured under a busy guest): counts, sums, stats, hist, lhist, multi-key maps and stacks as
// keys, in -f json and in text; and the header descriptions of the host's tools.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseBpftraceJsonLine, parseBpftraceText, type BpftraceOutput } from '../../kernel/observe/bpftrace';
import { findBpftraceTool, listBpftraceTools, toolDescription } from '../../kernel/observe/bpftraceTools';
import { foldStacks, stackKey, stackLabel } from '../../kernel/observe/stackKeys';
import { printedMap } from '../../views/model/printedMaps';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'bpftrace', 'tools');
const fx = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const json = (f: string) => fx(f).split('\n').map(parseBpftraceJsonLine).filter((o): o is BpftraceOutput => o !== undefined);
type Keyed = Extract<BpftraceOutput, { kind: 'keyed' }>;
type Hist = Extract<BpftraceOutput, { kind: 'hist' }>;
const keyed = (outs: BpftraceOutput[], map: string) => outs.find((o): o is Keyed => o.kind === 'keyed' && o.map === map);
const hist = (outs: BpftraceOutput[], map: string) => outs.find((o): o is Hist => o.kind === 'hist' && o.map === map);

describe('printed maps of real bpftrace runs', () => {
  it('multi-key count(), keyed hist(), lhist() with its overflow bucket, sum() and stats() (json and text agree)', () => {
    for (const outs of [json('multi.json'), parseBpftraceText(fx('multi.txt'))]) {
      const c = keyed(outs, '@');
      assert.ok(c && c.entries.length > 10, JSON.stringify(c));
      assert.ok(c.entries.every((e) => /^[\w.-]+, ?\d+$/.test(e.key) && typeof e.value === 'number'), JSON.stringify(c.entries.slice(0, 3)));
      const h = hist(outs, '@h');
      assert.ok(h && h.series.length > 3 && h.series.every((s) => s.key && s.buckets.length > 0));
      const l = hist(outs, '@l');
      assert.ok(l);
      const last = l.series[0].buckets.at(-1);
      assert.equal(l.series[0].key, null);
      assert.equal(last?.min, 1000);
      assert.equal(last?.max, null);
      assert.equal(l.series[0].buckets[0].label, '[100, 200)');
      assert.ok((keyed(outs, '@s')?.entries.find((e) => e.key === 'ls')?.value as number) > 100);
      const st = outs.find((o) => o.kind === 'value' && o.map === '@st');
      assert.ok(st && st.kind === 'value' && typeof st.value === 'object' && st.value.count > 0 && st.value.total >= st.value.average);
    }
  });

  it('kstack keys: frames innermost first, the same stacks from json and text', () => {
    const j = keyed(json('stack.json'), '@');
    const t = keyed(parseBpftraceText(fx('stack.txt')), '@');
    assert.ok(j && t && j.entries.length > 5 && t.entries.length > 5);
    // Samples in user space have an empty kernel stack: key ''.
    for (const e of [...j.entries, ...t.entries].filter((x) => x.key !== '')) {
      const s = stackKey(e.key);
      assert.ok(s && s.frames.length > 0 && s.rest === '', JSON.stringify(e.key));
      assert.ok(s.frames.every((f) => /^[\w.]+\+\d+$/.test(f)), s.frames.join('|'));
    }
    assert.ok(j.entries.some((e) => stackKey(e.key)?.frames.at(-1) === 'entry_SYSCALL_64_after_hwframe+110'));
    const m = printedMap(j);
    assert.ok(m && m.kind === 'values' && m.entries.every((e) => !e.key.includes('\n') && e.key.length <= 200));
    assert.ok(m.entries.some((e) => / ← do_syscall_64\+93 ← entry_SYSCALL_64_after_hwframe\+110$/.test(e.key)), m.entries[0].key);
  });

  it('a stack with another key after it (@[kstack(5), comm])', () => {
    for (const outs of [json('stackcomm.json'), parseBpftraceText(fx('stackcomm.txt'))]) {
      const k = keyed(outs, '@');
      assert.ok(k && k.entries.length > 0);
      for (const e of k.entries) {
        const s = stackKey(e.key);
        assert.ok(s && s.frames[0] === 'vfs_read+1' && s.frames.length <= 5 && /^[\w.-]+$/.test(s.rest), JSON.stringify(e.key));
      }
      assert.match(stackLabel(stackKey(k.entries[0].key)!), /^vfs_read\+1 ← .* · [\w.-]+$/);
    }
  });

  it('folds stack counts for a flame graph (root first, offsets dropped, equal stacks summed)', () => {
    const k = keyed(json('stackcomm.json'), '@')!;
    const folded = foldStacks(k.entries.map((e) => ({ key: e.key, value: e.value as number })));
    const total = k.entries.reduce((n, e) => n + (e.value as number), 0);
    assert.equal([...folded.values()].reduce((a, b) => a + b, 0), total);
    assert.ok([...folded.keys()].every((f) => f.startsWith('entry_SYSCALL_64_after_hwframe;do_syscall_64;') && f.endsWith(';vfs_read')), [...folded.keys()].join('\n'));
    assert.ok(folded.size < k.entries.length, 'stacks that differ only in comm are summed');
  });

  it('the shipped tools: cpuwalk (lhist with one bucket), pidpersec (scalar per interval), loads/killsnoop/opensnoop (printf rows with time())', () => {
    assert.deepEqual(hist(json('cpuwalk.json'), '@cpu')?.series[0].buckets.map((b) => [b.label, b.min, b.max]), [['[0]', 0, 0]]);
    const pps = json('pidpersec.json').filter((o) => o.kind === 'value' && o.map === '@');
    assert.ok(pps.length >= 4 && pps.every((o) => o.kind === 'value' && typeof o.value === 'number'));
    const text = (f: string) => json(f).filter((o) => o.kind === 'printf').map((o) => (o.kind === 'printf' ? o.text : '')).join('');
    assert.match(text('loads.json'), /\d\d:\d\d:\d\d load averages: \d+\.\d+ \d+\.\d+ \d+\.\d+\n/);
    assert.match(text('killsnoop.json'), /\d\d:\d\d:\d\d\s+\d+\s+\S+\s+0\s+\d+\s+0\n/);
    assert.match(text('opensnoop.json'), /\n\d+\s+ls\s+\d+\s+0 \/usr\/share\/doc\/\S+\n/);
  });
});

describe('bpftrace tools of the host', () => {
  it('reads the one-line description from a tool header', () => {
    assert.equal(toolDescription('biolatency', '#!/usr/bin/env bpftrace\n/*\n * biolatency.bt\tBlock I/O latency as a histogram.\n *\t\tFor Linux, uses bpftrace and eBPF.\n'), 'Block I/O latency as a histogram.');
    assert.equal(toolDescription('bitesize', '/*\n * bitesize\tShow disk I/O size as a histogram.\n * USAGE: bitesize.bt\n'), 'Show disk I/O size as a histogram.');
    assert.equal(toolDescription('x', '// USAGE: x.bt\n// Counts things\nBEGIN {}'), 'Counts things');
  });

  it('lists a tools directory, finds a tool with or without .bt, and says what there is otherwise', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-bt-'));
    try {
      writeFileSync(path.join(dir, 'b.bt'), '/*\n * b.bt  Bee tool.\n */\n');
      writeFileSync(path.join(dir, 'a.bt'), '/*\n * a  Ay tool.\n */\n');
      writeFileSync(path.join(dir, 'notes.txt'), 'x');
      assert.deepEqual(listBpftraceTools(dir).map((t) => [t.name, t.description]), [['a', 'Ay tool.'], ['b', 'Bee tool.']]);
      assert.equal(findBpftraceTool('b.bt', dir).path, path.join(dir, 'b.bt'));
      assert.throws(() => findBpftraceTool('c', dir), /no bpftrace tool 'c' in .*; there are: a, b/);
      assert.throws(() => findBpftraceTool('c', path.join(dir, 'none')), /install Debian's bpftrace/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the host's Debian bpftrace tools all have descriptions", { skip: listBpftraceTools().length ? false : 'no /usr/sbin/*.bt on this host' }, () => {
    const tools = listBpftraceTools();
    assert.ok(tools.length >= 12, String(tools.length));
    for (const t of tools) assert.ok(t.description.length > 5 && !/^USAGE/.test(t.description), `${t.name}: ${t.description}`);
    assert.equal(tools.find((t) => t.name === 'runqlat')?.description, 'CPU scheduler run queue latency as a histogram.');
  });
});
