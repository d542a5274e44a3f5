// Observe UI logic in plain node: map table model (BTF structs and per-CPU values as columns, filter,
// sort, windows), export, value input encoding, virtualization math, webview message validation,
// stream flow control with exact counts, charts' data, bpftrace JSON lines, tracepoint listing, BPF poll.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseMapDump, type MapEntry } from '../../kernel/observe/bpftool';
import { toCsv, toJson } from '../../views/model/export';
import { entryCells, flatten, innerMapId, MapTableModel, nextRefreshMs, parseFilter } from '../../views/model/mapTable';
import { encodeMapInput, hexArgs, MapInputError, parseEditInput } from '../../views/model/mapValue';
import { covers, visibleRange } from '../../views/model/virtual';
import { isMapTableToPage, isPageToMapTable, MAX_WINDOW } from '../../views/protocol/mapTable';
import { isPageToStream, isStreamToPage, ZERO_COUNTS } from '../../views/protocol/stream';
import { StreamBatcher } from '../../views/model/streamBatcher';
import { histogram, numericFields, RateSeries } from '../../views/model/histogram';
import { parseBpftraceJsonLine } from '../../kernel/observe/bpftrace';
import { printedMap } from '../../views/model/printedMaps';
import { recordRow } from '../../extension/observe/streamSources';
import { buildSnapshot, compact, countableMapIds, EMPTY_SNAPSHOT, mapSizeText, parsePollOutput, progStatsText } from '../../views/model/bpfSnapshot';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'observe');
const fx = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const entry = (key: unknown, value: unknown, keyHex = '01000000', valueHex: string | string[] = '00'): MapEntry => ({ key, value, keyHex, valueHex });

describe('map table model', () => {
  it('flattens BTF structs into dotted columns and keeps scalar arrays as text', () => {
    const cells = flatten({ pid: 7, comm: 'cat', ts: { sec: 1, nsec: 2 }, stack: [1, 2, 3] }, '');
    assert.deepEqual([...cells], [['pid', 7], ['comm', 'cat'], ['ts.sec', 1], ['ts.nsec', 2], ['stack', '[1,2,3]']]);
    assert.deepEqual([...flatten([{ a: 1 }, { a: 2 }], 'v')], [['v[0].a', 1], ['v[1].a', 2]]);
    assert.deepEqual([...flatten(null, 'x')], [['x', '']]);
  });

  it('turns per-CPU values into one column per CPU plus sums', () => {
    const cells = entryCells(entry(3, [{ hits: 1, bytes: 10 }, { hits: 2, bytes: 20 }]), true);
    assert.deepEqual(Object.fromEntries(cells), { key: 3, 'cpu0.hits': 1, 'cpu0.bytes': 10, 'cpu1.hits': 2, 'cpu1.bytes': 20, 'Σ.hits': 3, 'Σ.bytes': 30 });
    assert.deepEqual(Object.fromEntries(entryCells(entry(1, [4, 5]), true)), { key: 1, cpu0: 4, cpu1: 5, 'Σ': 9 });
  });

  it('models a recorded BTF hash map dump: columns, numeric detection, filter, sort, window', () => {
    const dump = parseMapDump(fx('map_dump_hash.json'));
    const m = new MapTableModel();
    m.setEntries(dump.entries, 'hash');
    assert.deepEqual(m.columns, [{ name: 'key', group: 'key', numeric: true }, { name: 'value', group: 'value', numeric: true }]);
    assert.equal(m.total, dump.entries.length);
    m.setQuery({ filter: 'value>=7' });
    assert.ok(m.matched >= 2);
    assert.ok(m.viewRows().every((r) => (r.cells[1] as number) >= 7));
    m.setQuery({ filter: '', sort: { column: 1, desc: true } });
    const vals = m.viewRows().map((r) => r.cells[1] as number);
    assert.deepEqual(vals, [...vals].sort((a, b) => b - a));
    const w = m.window(1, 2);
    assert.equal(w.start, 1);
    assert.equal(w.rows.length, 2);
    assert.equal(m.window(10_000, 5).start, m.matched - 1, 'a window past the end is clamped');
    assert.equal(m.findByKey('7a000000')?.cells[0], 122);
  });

  it('filters by text across cells and by column comparisons on structs', () => {
    const m = new MapTableModel();
    m.setEntries([entry({ pid: 1 }, { comm: 'bash', n: 4 }, '01'), entry({ pid: 2 }, { comm: 'cat', n: 9 }, '02'), entry({ pid: 3 }, { comm: 'catd', n: 1 }, '03')], 'hash');
    assert.deepEqual(m.columns.map((c) => [c.name, c.numeric]), [['key.pid', true], ['value.comm', false], ['value.n', true]]);
    m.setQuery({ filter: 'CAT' });
    assert.equal(m.matched, 2);
    m.setQuery({ filter: 'cat value.n>2' });
    assert.deepEqual(m.viewRows().map((r) => r.keyHex), ['02']);
    m.setQuery({ filter: 'value.comm=bash' });
    assert.deepEqual(m.viewRows().map((r) => r.keyHex), ['01']);
    m.setQuery({ filter: 'nosuchcol>1' });
    assert.equal(m.matched, 0);
    assert.deepEqual(parseFilter('a>=1 foo'), [{ kind: 'cmp', column: 'a', op: '>=', value: '1' }, { kind: 'text', text: 'foo' }]);
  });

  it('keeps a per-CPU dump without BTF as hex columns', () => {
    const dump = parseMapDump(fx('map_dump_percpu_nobtf.json'));
    const m = new MapTableModel();
    m.setEntries(dump.entries, 'percpu_hash');
    assert.deepEqual(m.columns.map((c) => c.name), ['key', 'cpu0']);
    assert.deepEqual(m.rows[0].cells, ['01000000', '0200000000000000']);
  });

  it('stays fast on a 10,000-entry struct map: load, filter, sort and a window in well under a second', () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => entry({ pid: i }, { comm: `task${i % 97}`, bytes: i * 3, lat: { p50: i % 13, p99: i % 101 } }, i.toString(16).padStart(8, '0')));
    const m = new MapTableModel();
    const t0 = performance.now();
    m.setEntries(entries, 'hash');
    m.setQuery({ filter: 'task5 value.bytes>=1000', sort: { column: 2, desc: true } });
    const w = m.window(100, 200);
    const ms = performance.now() - t0;
    assert.equal(m.columns.length, 5);
    assert.ok(m.matched > 0 && m.matched < 10_000);
    assert.equal(w.rows.length, 200);
    assert.ok(ms < 1000, `${ms.toFixed(0)} ms`);
  });

  it('refreshes every second, slower when dumping the map takes longer', () => {
    assert.equal(nextRefreshMs(40), 1000);
    assert.equal(nextRefreshMs(900), 1800);
    assert.equal(nextRefreshMs(-5), 1000);
  });

  it('finds the inner map id of map-of-maps rows, decoded or from the value bytes', () => {
    assert.equal(innerMapId({ value: 12, valueHex: '0c000000' }), 12);
    assert.equal(innerMapId({ value: '0c000000', valueHex: '0c000000' }), 12);
    assert.equal(innerMapId({ value: '00000000', valueHex: '00000000' }), undefined);
    assert.equal(innerMapId({ value: 'x', valueHex: '0c00' }), undefined);
  });

  it('bumps its version on every data or query change (pages re-request their window)', () => {
    const m = new MapTableModel();
    const v0 = m.version;
    m.setEntries([], 'hash');
    m.setQuery({ filter: 'x' });
    assert.equal(m.version, v0 + 2);
  });
});

describe('export', () => {
  const m = new MapTableModel();
  m.setEntries([entry({ pid: 1 }, { comm: 'a,b "q"', n: 4 }, '01', 'aa'), entry({ pid: 2 }, { comm: 'line\nbreak', n: 9 }, '02', 'bb')], 'hash');

  it('writes RFC 4180 CSV with a header row and quoted fields', () => {
    assert.equal(toCsv(m.columns, m.rows), 'key.pid,value.comm,value.n\r\n1,"a,b ""q""",4\r\n2,"line\nbreak",9\r\n');
  });

  it('writes JSON with the map info and decoded entries that parse back', () => {
    const j = JSON.parse(toJson({ id: 5, name: 'm', type: 'hash', keySize: 4, valueSize: 24, maxEntries: 16 }, m.rows, new Date(0)));
    assert.equal(j.exportedAt, '1970-01-01T00:00:00.000Z');
    assert.deepEqual(j.entries[0], { key: { pid: 1 }, value: { comm: 'a,b "q"', n: 4 }, keyHex: '01', valueHex: 'aa' });
    assert.equal(j.map.id, 5);
  });
});

describe('map value input', () => {
  it('encodes integers little-endian in the field size, hex bytes as given', () => {
    assert.equal(encodeMapInput('42', 4), '2a000000');
    assert.equal(encodeMapInput('0x2a', 8), '2a00000000000000');
    assert.equal(encodeMapInput('-1', 2), 'ffff');
    assert.equal(encodeMapInput('18446744073709551615', 8), 'ffffffffffffffff');
    assert.equal(encodeMapInput('2a 00 00 00', 4), '2a000000');
    assert.equal(encodeMapInput('hex:DEADBEEF', 4), 'deadbeef');
    assert.equal(encodeMapInput('deadbeef', 4), 'deadbeef');
    assert.equal(encodeMapInput('12345678', 4), '4e61bc00', 'all-digit input is a decimal number');
  });

  it('passes JSON for BTF types through and integers/hex as bytes', () => {
    assert.deepEqual(parseEditInput('42', 8), { hex: '2a00000000000000' });
    assert.deepEqual(parseEditInput('{"comm": "bash"}', 16), { comm: 'bash' });
    assert.deepEqual(parseEditInput('"bash"', 16), 'bash');
    assert.throws(() => parseEditInput('99999', 1), /does not fit/);
    assert.throws(() => parseEditInput('', 4), /empty/);
    assert.throws(() => parseEditInput('{oops', 4), /not an integer, 4 hex bytes, or JSON/);
  });

  it('rejects what does not fit, with a message that says how', () => {
    assert.throws(() => encodeMapInput('256', 1), /does not fit in 1 byte/);
    assert.throws(() => encodeMapInput('-129', 1), /does not fit/);
    assert.throws(() => encodeMapInput('2a 00', 4), /exactly 4 bytes/);
    assert.throws(() => encodeMapInput('hello', 4), MapInputError);
    assert.throws(() => encodeMapInput('1', 0), /no value bytes/);
    assert.deepEqual(hexArgs('2a00'), ['2a', '00']);
    assert.throws(() => hexArgs('2a0'), MapInputError);
  });
});

describe('virtualized rows', () => {
  it('renders the visible rows plus overscan, clamped to the data', () => {
    assert.deepEqual(visibleRange(0, 240, 24, 10_000, 10), { start: 0, end: 21 });
    assert.deepEqual(visibleRange(24 * 5000, 240, 24, 10_000, 10), { start: 4990, end: 5021 });
    assert.deepEqual(visibleRange(24 * 9999, 240, 24, 10_000, 10), { start: 9989, end: 10_000 });
    assert.deepEqual(visibleRange(0, 240, 24, 0), { start: 0, end: 0 });
    assert.deepEqual(visibleRange(-50, 240, 24, 5, 0), { start: 0, end: 5 });
  });

  it('asks for new rows only when the ones in hand do not cover the range', () => {
    assert.equal(covers(100, 600, { start: 120, end: 160 }), true);
    assert.equal(covers(100, 600, { start: 90, end: 130 }), false);
    assert.equal(covers(0, 0, { start: 0, end: 0 }), true);
  });
});

describe('webview messages are validated', () => {
  it('accepts well-formed page → map table messages and rejects everything else', () => {
    for (const ok of [{ type: 'ready' }, { type: 'window', start: 0, count: MAX_WINDOW }, { type: 'query', filter: 'x', sort: { column: 1, desc: true } }, { type: 'edit', keyHex: '2a000000' }, { type: 'delete', keyHex: '' }, { type: 'export', format: 'csv' }, { type: 'openMap', id: 3 }]) {
      assert.ok(isPageToMapTable(ok), JSON.stringify(ok));
    }
    for (const bad of [null, 'ready', [], { type: 'nope' }, { type: 'window', start: -1, count: 5 }, { type: 'window', start: 0, count: MAX_WINDOW + 1 }, { type: 'window', start: 0.5, count: 1 },
      { type: 'edit', keyHex: '2A' }, { type: 'edit', keyHex: 'abc' }, { type: 'delete', keyHex: '00; rm -rf /' }, { type: 'export', format: 'xml' }, { type: 'openMap', id: 0 },
      { type: 'query', filter: 'x'.repeat(1001) }, { type: 'query', filter: 'x', sort: { column: 'a', desc: true } }]) {
      assert.equal(isPageToMapTable(bad), false, JSON.stringify(bad)?.slice(0, 80));
    }
  });

  it('checks host → map table messages field by field', () => {
    const meta = { id: 1, name: 'm', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 10, btf: true };
    assert.ok(isMapTableToPage({ type: 'meta', map: meta, columns: [{ name: 'key', group: 'key', numeric: true }], editable: true, ofMaps: false }));
    assert.ok(isMapTableToPage({ type: 'rows', version: 1, total: 1, matched: 1, start: 0, rows: [{ keyHex: '01', cells: ['1'] }], updatedAt: 5, errors: [] }));
    assert.equal(isMapTableToPage({ type: 'rows', version: 1, total: 1, matched: 1, start: 0, rows: [{ keyHex: '01', cells: [1] }], updatedAt: 5, errors: [] }), false);
    assert.equal(isMapTableToPage({ type: 'meta', map: { ...meta, id: 'x' }, columns: [], editable: true, ofMaps: false }), false);
    assert.ok(isMapTableToPage({ type: 'gone', message: 'bye' }));
  });

  it('validates stream messages both ways', () => {
    assert.ok(isPageToStream({ type: 'ack', seq: 3 }));
    assert.equal(isPageToStream({ type: 'ack', seq: -1 }), false);
    assert.equal(isPageToStream({ type: 'exec', cmd: 'x' }), false);
    const counts = { ...ZERO_COUNTS, received: 3 };
    assert.ok(isStreamToPage({ type: 'batch', seq: 1, records: [{ t: 1, f: { pid: 1, comm: 'x' } }, { t: 2, text: 'hi' }], counts, rate: [[100, 3]] }));
    assert.equal(isStreamToPage({ type: 'batch', seq: 1, records: [{ t: 1, f: { pid: { nested: 1 } } }], counts, rate: [] }), false);
    assert.equal(isStreamToPage({ type: 'counts', counts: { received: 1 }, rate: [] }), false);
    assert.ok(isStreamToPage({ type: 'maps', maps: [{ kind: 'hist', name: '@', series: [{ key: '', buckets: [{ label: '[0, 2)', count: 2 }] }] }, { kind: 'values', name: '@c', entries: [{ key: 'bash', value: 3 }] }] }));
    assert.equal(isStreamToPage({ type: 'maps', maps: [{ kind: 'hist', name: '@', series: [{ key: '', buckets: [{ min: 0, count: 2 }] }] }] }), false);
    assert.equal(isStreamToPage({ type: 'state', state: 'exploded', message: '' }), false);
  });
});

describe('stream flow control', () => {
  const recs = (n: number) => Array.from({ length: n }, (_, i) => ({ t: i }));

  it('sends batches only while the page acks, and counts every record exactly', () => {
    const b = new StreamBatcher(100, 2, 30);
    b.push(recs(50), 1000);
    const first = b.take();
    const second = b.take();
    assert.equal(first?.records.length, 30);
    assert.equal(second?.records.length, 20);
    assert.equal(b.take(), undefined, 'nothing queued');
    b.push(recs(150), 1500);
    assert.equal(b.take(), undefined, 'two batches in flight: wait for an ack');
    assert.equal(b.counts.uiDropped, 50, 'queue bound 100: the rest is counted as dropped');
    b.ack(first!.seq);
    assert.equal(b.take()?.records.length, 30);
    assert.equal(b.counts.received, 200);
    assert.equal(b.counts.shown, 80);
    assert.equal(b.queued, 70);
    assert.equal(b.counts.received, b.counts.shown + b.queued + b.counts.uiDropped + b.counts.pausedSkipped);
  });

  it('counts what arrives while paused and what was queued when pausing', () => {
    const b = new StreamBatcher(100, 2, 30);
    b.push(recs(10), 0);
    b.pause();
    b.push(recs(5), 0);
    assert.equal(b.take(), undefined);
    assert.equal(b.counts.pausedSkipped, 15);
    b.resume();
    b.push(recs(3), 0);
    assert.equal(b.take()?.records.length, 3);
    assert.equal(b.counts.received, 18);
  });

  it('keeps per-second arrival counts for the rate chart', () => {
    const b = new StreamBatcher();
    b.push(recs(3), 1000);
    b.push(recs(2), 1999);
    b.push(recs(4), 3000);
    assert.deepEqual(b.takeRate(), [[1, 5], [3, 4]]);
    assert.deepEqual(b.takeRate(), []);
    b.setGuestCounts({ agentDropped: 7, kernelLost: 2 });
    assert.equal(b.counts.agentDropped, 7);
    assert.equal(b.counts.kernelLost, 2);
  });
});

describe('ring-buffer records as rows', () => {
  it('flattens a decoded struct into fields and keeps undecoded records as hex with the reason', () => {
    assert.deepEqual(recordRow({ seq: 3, size: 96, type: 'exec_event', value: { pid: 7, comm: 'cat', ts: { s: 1 } } }, 5), { t: 5, f: { seq: 3, pid: 7, comm: 'cat', 'ts.s': 1 } });
    assert.deepEqual(recordRow({ seq: 4, cpu: 1, size: 2, hex: 'abcd', error: 'no struct of 2 bytes' }, 6), { t: 6, f: { seq: 4, cpu: 1, size: 2 }, text: 'abcd  (no struct of 2 bytes)' });
    assert.ok(isStreamToPage({ type: 'batch', seq: 1, records: [recordRow({ seq: 1, size: 4, value: 5 }, 1)], counts: ZERO_COUNTS, rate: [] }));
  });
});

describe('chart data', () => {
  it('bins integers into whole-number bins and floats into equal bins', () => {
    const h = histogram([1, 2, 2, 3, 10], 5);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 5);
    assert.equal(h.width, 2);
    assert.deepEqual(h.edges, [1, 3, 5, 7, 9]);
    assert.deepEqual(h.counts, [3, 1, 0, 0, 1]);
    const f = histogram([0, 0.5, 1], 2);
    assert.deepEqual(f.counts, [1, 2]);
    assert.deepEqual(histogram([5, 5, NaN]), { edges: [5], counts: [2], width: 1 });
    assert.deepEqual(histogram([]), { edges: [], counts: [], width: 0 });
  });

  it('fills seconds without events with zeros and keeps a fixed window', () => {
    const r = new RateSeries(4);
    r.add(10, 1);
    r.add(10, 2);
    r.add(13, 5);
    assert.deepEqual(r.data(), [[10, 11, 12, 13], [3, 0, 0, 5]]);
    r.add(15, 1);
    assert.deepEqual(r.data(), [[12, 13, 14, 15], [0, 5, 0, 1]]);
    r.add(9, 1);
    assert.deepEqual(r.data()[0], [12, 13, 14, 15], 'late samples are ignored');
  });

  it('offers only fields that are numeric in every record', () => {
    assert.deepEqual(numericFields([{ pid: 1, comm: 'a', ret: 3 }, { pid: 2, comm: 'b', ret: 'x' }]), ['pid']);
  });
});

describe('bpftrace printed maps for charts', () => {
  const recorded = readFileSync(path.resolve(FIX, '..', 'bpftrace', 'recorded.jsonl'), 'utf8').split('\n').map((l) => parseBpftraceJsonLine(l)).filter((o) => o !== undefined);
  const maps = recorded.map((o) => printedMap(o!)).filter((m) => m !== undefined);

  it('turns keyed and scalar maps into labelled values and stats into their average', () => {
    assert.deepEqual(maps.find((m) => m.name === '@c'), { kind: 'values', name: '@c', entries: [{ key: 'z', value: 1 }, { key: 'a', value: 1 }, { key: 'b', value: 2 }] });
    assert.deepEqual(maps.find((m) => m.name === '@v'), { kind: 'values', name: '@v', entries: [{ key: '', value: 5 }] });
    assert.deepEqual(maps.find((m) => m.name === '@st'), { kind: 'values', name: '@st', entries: [{ key: '', value: 5 }] });
  });

  it('turns hist and lhist into labelled buckets, one series per key', () => {
    const h = maps.find((m) => m.name === '@h');
    assert.ok(h && h.kind === 'hist');
    assert.deepEqual(h.series[0].buckets.slice(0, 5).map((b) => b.label), ['(..., 0)', '[0]', '[1]', '[2, 4)', '[4, 8)']);
    const hk = maps.find((m) => m.name === '@hk');
    assert.ok(hk && hk.kind === 'hist');
    assert.deepEqual(hk.series.map((x) => x.key), ['x', 'y']);
    assert.equal(printedMap({ kind: 'printf', text: 'x' }), undefined);
  });

  it('passes its own output through the page protocol validator', () => {
    assert.ok(isStreamToPage({ type: 'maps', maps }));
  });
});

describe('BPF view poll', () => {
  const objects = [{
    name: 'count_openat', pinDir: '/sys/fs/bpf/ring0/count_openat',
    programs: [{ name: 'count_openat', pinned: '/sys/fs/bpf/ring0/count_openat/progs/count_openat', id: 4 }],
    links: [{ name: 'count_openat', pinned: '/sys/fs/bpf/ring0/count_openat/links/count_openat', id: 1, progId: 4 }],
    maps: [{ name: 'openat_counts', pinned: '/sys/fs/bpf/ring0/count_openat/maps/openat_counts', id: 1, type: 'hash' }, { name: 'events', pinned: '/x', id: 2, type: 'ringbuf' }],
    tcFilters: [],
  }];
  const output = (runCnt: number, runTime: number) => `[{"id":4,"type":"tracepoint","name":"count_openat","run_time_ns":${runTime},"run_cnt":${runCnt},"map_ids":[1]},{"id":9,"type":"kprobe","name":"other","map_ids":[3]}]
@@ring0@@
${fx('map_show_mixed.json').trim()}
@@ring0@@
1 12

`;

  it('parses prog show, map show and entry counts, and joins them with the objects', () => {
    const s = buildSnapshot(objects, parsePollOutput(output(9, 900)), true, EMPTY_SNAPSHOT, 1000);
    assert.equal(s.maps.get(1)?.entries, 12);
    assert.equal(s.maps.get(1)?.pinned, '/sys/fs/bpf/ring0/count_openat/maps/openat_counts');
    assert.deepEqual(s.otherProgs.map((p) => p.id), [9]);
    assert.deepEqual(s.otherMaps.map((m) => m.id), [2, 3].filter((id) => s.maps.has(id) && !objects[0].maps.some((m) => m.id === id)));
    assert.equal(s.progs.get(4)?.avgNs, 100);
    assert.equal(mapSizeText(s.maps.get(1)!), 'key 4 B · value 8 B · 12/10240 entries');
    assert.deepEqual(countableMapIds(objects), [1], 'ring buffers have no entries to count');
  });

  it('computes runs per second and ns per run between two polls', () => {
    const a = buildSnapshot(objects, parsePollOutput(output(9, 900)), true, EMPTY_SNAPSHOT, 1000);
    const b = buildSnapshot(objects, parsePollOutput(output(29, 3900)), true, a, 3000);
    assert.equal(b.progs.get(4)?.runsPerSec, 10);
    assert.equal(b.progs.get(4)?.avgNs, 150);
    assert.equal(progStatsText(b.progs.get(4)!), '29 runs · 10/s · 150 ns/run');
    assert.equal(compact(1_234_567), '1.2M');
    assert.throws(() => parsePollOutput('garbage'), /unexpected BPF poll output/);
  });
});

describe('bpftrace language contribution', () => {
  const root = path.resolve(__dirname, '..', '..', '..');
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const c = pkg.contributes;

  it('declares .bt files as bpftrace with a grammar, snippets and a language configuration that exist', () => {
    const lang = c.languages.find((l: { id: string }) => l.id === 'bpftrace');
    assert.deepEqual(lang.extensions, ['.bt']);
    const grammar = c.grammars.find((g: { language: string }) => g.language === 'bpftrace');
    const tm = JSON.parse(readFileSync(path.join(root, grammar.path), 'utf8'));
    assert.equal(tm.scopeName, grammar.scopeName);
    JSON.parse(readFileSync(path.join(root, lang.configuration), 'utf8'));
    const snippets = JSON.parse(readFileSync(path.join(root, c.snippets.find((s: { language: string }) => s.language === 'bpftrace').path), 'utf8'));
    for (const [name, s] of Object.entries(snippets) as [string, { prefix: string; body: string[] }][]) {
      assert.ok(s.prefix && Array.isArray(s.body) && s.body.length > 0, name);
    }
    assert.ok(['count', 'hist', 'lhist', 'printf'].every((p) => Object.values(snippets).some((s) => (s as { prefix: string }).prefix === p)));
  });

  it('has grammar patterns that compile and match probes, maps, builtins and comments', () => {
    const tm = JSON.parse(readFileSync(path.join(root, 'syntaxes', 'bpftrace.tmLanguage.json'), 'utf8'));
    const regexes: RegExp[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'match' || k === 'begin' || k === 'end') && typeof x === 'string') regexes.push(new RegExp(x.replace(/\\A/g, '^'), 'm'));
          else walk(x);
        }
      }
    };
    walk(tm);
    assert.ok(regexes.length > 15);
    const probe = new RegExp(tm.repository.probe.patterns[1].match);
    assert.deepEqual(probe.exec('tracepoint:syscalls:sys_enter_openat')?.slice(1, 4), ['tracepoint', ':', 'syscalls:sys_enter_openat']);
    assert.ok(new RegExp(tm.repository.expressions.patterns.find((p: { name?: string }) => p.name === 'variable.other.map.bpftrace').match).test('@opens[comm]'));
    assert.ok(new RegExp(tm.repository.expressions.patterns.find((p: { name?: string }) => p.name === 'support.function.builtin.bpftrace').match).test('hist(args->ret)'));
  });
});
