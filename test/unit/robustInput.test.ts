// Regression tests for hostile inputs a probe found (issue #18, items 6-10): odd line terminators in
// verifier logs, backtracking-prone tracefs lines, JS built-in names as keys, BTF type cycles and
// bpftrace output the stream page used to drop whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVerifierLog, verifierDiagnostics } from '../../kernel/bpf/verifierLog';
import { Btf, btfMaps } from '../../kernel/elf/btf';
import { ElfFile } from '../../kernel/elf/elfFile';
import { inspectElfFile, type BpfObjectInfo, type ModuleInfo } from '../../kernel/elf/inspect';
import { decodeBtfValue, encodeBtfValue, typeName } from '../../kernel/observe/btfValue';
import { parseEventFormat, parseFields, parseTraceLine } from '../../kernel/observe/tracefs';
import { miString, miTuple, parseMiLine } from '../../debug-adapter/mi/parser';
import { fitMaps, type PrintedMap } from '../../views/model/printedMaps';
import { isStreamToPage } from '../../views/protocol/stream';
import { mapBtf, writeBtf } from '../fuzz/btfWriter';
import { EM_BPF, moduleElf, writeElf } from '../fuzz/elfWriter';

describe('verifier log with odd line terminators (#18.6)', () => {
  for (const [what, sep] of [['U+2028', '\u2028'], ['U+2029', '\u2029'], ['a lone CR', '\r']] as const) {
    it(`keeps the verifier's message when a source comment holds ${what}`, () => {
      const log = `0: (b7) r1 = 0\n; int x = 1; // a${sep}b @ x.bpf.c:7\n1: (79) r0 = *(u64 *)(r1 +0)\nR1 invalid mem access 'scalar'\nprocessed 2 insns\n`;
      const f = parseVerifierLog(log);
      assert.equal(f.insn, 1);
      assert.equal(f.message, "R1 invalid mem access 'scalar'");
      assert.deepEqual(f.fileLine, { file: 'x.bpf.c', line: 7 });
      assert.equal(f.sourceText, `int x = 1; // a${sep}b`);
      const ds = verifierDiagnostics(log, [], [], '/w/x.bpf.c');
      assert.equal(ds[0].message, "BPF verifier rejected the program at instruction 1: R1 invalid mem access 'scalar'");
    });
  }
});

describe('tracefs parsers stay linear on 64 KiB guest lines (#18.7)', () => {
  const big = 64 * 1024;
  it('parses field declarations, with and without arrays, as before', () => {
    const f = parseEventFormat('name: x\nID: 5\nformat:\n\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n\tfield:char comm[16];\toffset:8;\tsize:16;\tsigned:1;\n\tfield:__data_loc char[] filename;\toffset:24;\tsize:4;\tsigned:1;\n\tfield:int 9lives;\toffset:28;\tsize:4;\tsigned:1;\n\nprint fmt: "%s", REC->comm\n');
    assert.deepEqual(f.fields.map((x) => [x.name, x.type, x.offset, x.size, x.signed]), [['comm', 'char[16]', 8, 16, true], ['filename', '__data_loc char[]', 24, 4, true], ['lives', 'int 9', 28, 4, true]]);
    assert.equal(f.printFmt, '"%s", REC->comm');
  });

  it('handles adversarial format files (a 64 KiB declaration, 64 Ki blank lines)', () => {
    const decl = parseEventFormat(`name: x\nID: 1\n\tfield:${'a'.repeat(big)}!;\toffset:0;\tsize:1;\tsigned:0;\n\tfield:int ok;\toffset:1;\tsize:4;\tsigned:1;\n`);
    assert.deepEqual(decl.fields.map((x) => x.name), ['ok']);
    const blank = parseEventFormat(`name: x\nID: 1\n${' \n'.repeat(big / 2)}field:${';'.repeat(big)}`);
    assert.deepEqual(blank.fields, []);
    const semis = parseEventFormat(`name: x\nID: 1\n\tfield:x${'; offset:1'.repeat(big / 10)}\n`);
    assert.deepEqual(semis.fields, []);
  });

  it('parses trace lines as before and a 64 KiB line without backtracking', () => {
    const e = parseTraceLine('   kworker/0:1-my-x-12    ( 12) [001] d..2.  5.5: sched_switch: prev_comm=a b prev_pid=3');
    assert.equal(e?.comm, 'kworker/0:1-my-x');
    assert.equal(e?.pid, 12);
    assert.equal(e?.cpu, 1);
    assert.equal(e?.ts, 5.5);
    assert.equal(parseTraceLine('  bash-7 [000] 1.5: my_event: x=1')?.event, 'my_event');
    assert.equal(parseTraceLine(`${'a-1 '.repeat(big / 4)}`), undefined);
    assert.equal(parseTraceLine(`${' '.repeat(big)}x`), undefined);
    assert.equal(parseTraceLine(`${' '.repeat(big)}x-1 [0] 1.0: e: a=1`)?.fields.a, 1);
    assert.equal(parseTraceLine(`x-1 [0] ${'-'.repeat(big)}`), undefined);
    const long = parseTraceLine(`  cat-5 [000] ..... 1.000001: ev: ${'k=v '.repeat(big / 4)}`);
    assert.equal(long?.event, 'ev');
    assert.equal(long?.fields.k, 'v');
  });

  it('all the pathological inputs together parse in well under the seconds they took (loose guard)', () => {
    // Before the fix these took ~20 s (format file), ~4 s (trace line) and ~3 s (key=value) each.
    const start = process.hrtime.bigint();
    parseEventFormat(`name: x\nID: 1\n${' \n'.repeat(big / 2)}field:${';'.repeat(big)}`);
    parseEventFormat(`name: x\nID: 1\n\tfield:${'a'.repeat(big)}!;\toffset:0;\tsize:1;\tsigned:0;\n`);
    parseTraceLine(`${' '.repeat(big)}x`);
    parseFields('a'.repeat(big), undefined);
    assert.ok(Number(process.hrtime.bigint() - start) / 1e9 < 2);
  });

  it('splits key=value bodies as before, and a 64 KiB word without "=" in linear time', () => {
    assert.deepEqual(parseFields('a=1 9b=x c-d=0x10 e=f=g', undefined), { a: 1, b: 'x', d: 16, e: 'f=g' });
    assert.deepEqual(parseFields('a'.repeat(big), undefined), {});
    const fmt = { name: 'e', id: 1, printFmt: '', fields: Array.from({ length: 2000 }, (_, i) => ({ name: `f${i}`, type: 'int', offset: 0, size: 4, signed: true })) };
    const body = Array.from({ length: 2000 }, (_, i) => `f${i}=${i}`).join(' ') + ' ' + 'x'.repeat(big);
    const out = parseFields(body, fmt);
    assert.equal(out.f0, 0);
    assert.equal(out.f1999, `1999 ${'x'.repeat(big)}`);
    assert.deepEqual(parseFields('prev_comm=a b prev_pid=3 (next:4)', { ...fmt, fields: ['prev_comm', 'prev_pid', 'next'].map((name) => ({ name, type: 'int', offset: 0, size: 4, signed: true })) }), { prev_comm: 'a b', prev_pid: 3, next: '4)' });
  });
});

describe('JS built-in names as keys (#18.8)', () => {
  it('reads a module whose modinfo keys are valueOf, __proto__ and constructor', () => {
    const info = inspectElfFile(ElfFile.fromBuffer(moduleElf(['license=GPL', 'valueOf=1', '__proto__=x', 'constructor=y', 'toString=z', 'parmtype=hasOwnProperty:int', 'name=m']))) as ModuleInfo;
    assert.equal(info.kind, 'module');
    assert.equal(info.license, 'GPL');
    assert.equal(info.name, 'm');
    assert.deepEqual(info.modinfo.valueOf, ['1']);
    assert.deepEqual(info.modinfo.__proto__, ['x']);
    assert.deepEqual(info.modinfo.toString, ['z']);
    assert.deepEqual(info.params, [{ name: 'hasOwnProperty', type: 'int' }]);
    assert.equal(JSON.parse(JSON.stringify(info.modinfo)).__proto__[0], 'x');
    assert.equal(info.author, undefined);
  });

  it('keeps MI keys __proto__, toString and constructor as plain results', () => {
    const r = parseMiLine('^done,__proto__={a="1"},toString="t",constructor="c",x={hasOwnProperty="h",__proto__="p"}');
    assert.equal(r.kind, 'result');
    if (r.kind !== 'result') return;
    assert.deepEqual(Object.keys(r.results), ['__proto__', 'toString', 'constructor', 'x']);
    const key = (k: string) => r.results[k];
    assert.equal(miString(key('toString')), 't');
    assert.equal(miString(key('constructor')), 'c');
    assert.equal(miString(miTuple(r.results.__proto__)?.a), '1');
    assert.equal(miString(miTuple(r.results.x)?.__proto__), 'p');
    assert.equal(Object.getPrototypeOf(r.results.x), Object.getPrototypeOf({}));
    // A repeated key still becomes a list, a built-in name that is not repeated does not.
    const rep = parseMiLine('*stopped,valueOf="1",valueOf="2"');
    assert.ok(rep.kind === 'exec' && Array.isArray(rep.results.valueOf) && rep.results.valueOf.length === 2);
  });

  it('keeps trace fields named __proto__ or toString (guest-chosen names) as fields', () => {
    const generic = parseFields('__proto__=1 toString=x', undefined);
    assert.deepEqual(Object.keys(generic), ['__proto__', 'toString']);
    assert.equal(JSON.stringify(generic), '{"__proto__":1,"toString":"x"}');
    const fmt = { name: 'e', id: 1, printFmt: '', fields: [{ name: '__proto__', type: 'int', offset: 0, size: 4, signed: true }] };
    assert.equal(JSON.stringify(parseFields('__proto__=5', fmt)), '{"__proto__":5}');
  });

  it('decodes and encodes a BTF struct with members named __proto__ and toString', () => {
    // 1 int, 2 struct s { int __proto__; int toString; }
    const btf = Btf.parse(writeBtf([
      { name: 'int', kind: 1, sizeOrType: 4, extra: [(1 << 24) | 32] },
      { name: 's', kind: 4, vlen: 2, sizeOrType: 8, extra: ['__proto__', 1, 0, 'toString', 1, 32] },
    ]));
    const buf = Buffer.from([1, 0, 0, 0, 2, 0, 0, 0]);
    const v = decodeBtfValue(btf, 2, buf) as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__', 'toString']);
    assert.equal(JSON.stringify(v), '{"__proto__":1,"toString":2}');
    const out = Buffer.alloc(8);
    encodeBtfValue(btf, 2, JSON.parse('{"__proto__": 7}'), out);
    assert.deepEqual([...out], [7, 0, 0, 0, 0, 0, 0, 0]);
    assert.throws(() => encodeBtfValue(btf, 2, { valueOf: 1 }, Buffer.alloc(8)), /no field 'valueOf'/);
  });
});

describe('BTF type cycles (#18.9)', () => {
  it('reports an array whose element is itself as malformed BTF', () => {
    const btf = Btf.parse(writeBtf([{ kind: 3, sizeOrType: 0, extra: [1, 1, 4] }]));
    assert.throws(() => btf.sizeOf(1), /malformed BTF: type 1 .*cycle/);
    assert.throws(() => decodeBtfValue(btf, 1, Buffer.alloc(64)), /malformed BTF/);
  });

  it('names a pointer cycle without overflowing the stack', () => {
    const btf = Btf.parse(writeBtf([{ kind: 2, sizeOrType: 1 }]));
    assert.match(typeName(btf, 1), /\*/);
    assert.equal(btf.sizeOf(2), undefined);
  });

  it('elf inspect reports a BPF object with a cyclic key type as malformed BTF', () => {
    const btf = mapBtf(8, [{ kind: 3, sizeOrType: 0, extra: [8, 1, 2] }]);
    assert.deepEqual(btfMaps(Btf.parse(mapBtf(1))).map((m) => [m.name, m.type, m.keySize]), [['hits', 1, 4]]);
    const elf = ElfFile.fromBuffer(writeElf(EM_BPF, [{ name: '.BTF', data: btf, flags: 0 }, { name: 'license', data: Buffer.from('GPL\0') }]));
    const info = inspectElfFile(elf) as BpfObjectInfo;
    assert.equal(info.kind, 'bpf');
    assert.equal(info.license, 'GPL');
    assert.deepEqual(info.maps, []);
    assert.match(info.btfError ?? '', /malformed BTF: type 8 .*cycle/);
  });
});

describe('bpftrace maps the stream page would reject (#18.10)', () => {
  const bad: PrintedMap[] = [
    { kind: 'values', name: '@big', entries: [{ key: 'a', value: JSON.parse('1' + '0'.repeat(400)) as number }, { key: 'b', value: 2 }] },
    { kind: 'hist', name: '@h', series: [{ key: '', buckets: [{ label: '[0, 1)', count: 1.5 }, { label: '[1, 2)', count: 3 }, { label: 'x'.repeat(300), count: 1 }] }] },
    { kind: 'values', name: '@' + 'n'.repeat(300), entries: [{ key: 'k'.repeat(300), value: 1 }] },
  ];
  it('the raw maps are rejected by the page (what used to drop the whole message)', () => {
    assert.equal(isStreamToPage({ type: 'maps', maps: bad }), false);
  });

  it('fitMaps shows what can be shown and says what was skipped', () => {
    const fit = fitMaps(bad);
    assert.ok(isStreamToPage({ type: 'maps', ...fit }));
    assert.equal(fit.maps.length, 3);
    const [big, h, named] = fit.maps;
    assert.ok(big.kind === 'values' && big.entries.length === 1 && big.entries[0].key === 'b');
    assert.ok(h.kind === 'hist' && h.series[0].buckets.length === 2 && h.series[0].buckets[1].label.endsWith('…'));
    assert.ok(named.kind === 'values' && named.name.length <= 200 && named.entries[0].key.length <= 200);
    assert.equal(fit.skipped.length, 2);
    assert.match(fit.skipped[0], /@big: 1 value skipped \(not a finite number/);
    assert.match(fit.skipped[1], /@h: 1 bucket skipped \(count is not a whole number/);
    assert.deepEqual(fitMaps([bad[0]].slice(0, 0)), { maps: [], skipped: [] });
  });
});
