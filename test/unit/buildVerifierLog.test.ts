// Verifier rejections → source lines: a recorded 6.1 log (libbpf-wrapped) with hand-made line info, and
// with the line info of the fixture object compiled here (skipped without clang).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { extractVerifierLogs, parseVerifierLog, verifierDiagnostics } from '../../kernel/bpf/verifierLog';
import type { LineInfo } from '../../kernel/elf/btf';
import { objectLines } from '../../kernel/elf/lineInfo';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'build', 'bpf');
const LOG = readFileSync(path.join(FIX, 'reject-6.1.log'), 'utf8');
const SRC = path.join(FIX, 'reject.bpf.c');
const hasClang = spawnSync('clang', ['--version']).status === 0;

describe('verifier log parsing', () => {
  it('finds the failing program, instruction, source comment and message', () => {
    const logs = extractVerifierLogs(LOG);
    assert.deepEqual(logs.map((l) => [l.program, l.failed]), [['fine', false], ['null_deref', true]]);
    const f = parseVerifierLog(logs[1].log, logs[1].program);
    assert.equal(f.insn, 7);
    assert.equal(f.sourceText, '*v += 1;');
    assert.equal(f.message, "R0 invalid mem access 'map_value_or_null'");
  });

  it('reads the `@ file:line` newer kernels append to source comments', () => {
    const f = parseVerifierLog('0: (b7) r1 = 1\n; *v += 1; @ x.bpf.c:12\n3: (79) r1 = *(u64 *)(r0 +0)\nR0 invalid mem access \'map_value_or_null\'\nprocessed 3 insns\n');
    assert.deepEqual(f.fileLine, { file: 'x.bpf.c', line: 12 });
  });

  it('maps the instruction through line info, then falls back to the source text', () => {
    const lines: LineInfo[] = [
      { section: 'tp/b', insnOff: 0, file: '/w/x.bpf.c', line: 26, column: 0, text: 'int null_deref(void *ctx)' },
      { section: 'tp/b', insnOff: 32, file: '/w/x.bpf.c', line: 29, column: 13, text: '__u64 *v = bpf_map_lookup_elem(&hits, &k);' },
      { section: 'tp/b', insnOff: 56, file: '/w/x.bpf.c', line: 30, column: 5, text: '*v += 1;' },
    ];
    const only = LOG;
    const ds = verifierDiagnostics(only, lines, [{ name: 'null_deref', section: 'tp/b', offset: 0, size: 96 }], '/w/x.bpf.c');
    assert.deepEqual(ds.map((d) => [d.file, d.line, d.column, d.severity]), [['/w/x.bpf.c', 30, 5, 'error']]);
    assert.match(ds[0].message, /null_deref.*instruction 7.*map_value_or_null/);
    // No program table: the `; *v += 1;` comment still finds the line.
    const byText = verifierDiagnostics(only, lines, [], '/w/x.bpf.c');
    assert.deepEqual(byText.map((d) => d.line), [30]);
    // Nothing at all: the fallback file, line 1.
    assert.deepEqual(verifierDiagnostics(only, [], [], '/w/x.bpf.c').map((d) => [d.file, d.line]), [['/w/x.bpf.c', 1]]);
  });

  it('returns nothing for output without a verifier log', () => {
    assert.deepEqual(verifierDiagnostics('libbpf: failed to open: No such file\n\0garbage', [], [], '/w/x.bpf.c'), []);
  });
});

describe('verifier log on the compiled fixture', { skip: !hasClang && 'clang is not installed' }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-vlog-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the recorded rejection on line 30 of reject.bpf.c via .BTF.ext', () => {
    const obj = path.join(dir, 'reject.bpf.o');
    const r = spawnSync('clang', ['-O2', '-g', '-target', 'bpf', '-idirafter', '/usr/include/x86_64-linux-gnu', '-c', SRC, '-o', obj], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { programs, lines } = objectLines(obj);
    assert.ok(programs.some((p) => p.name === 'null_deref' && p.section === 'tracepoint/syscalls/sys_enter_getppid'), JSON.stringify(programs));
    assert.ok(lines.some((l) => l.file === SRC && l.text.includes('*v += 1;')), 'line info names the absolute source');
    const ds = verifierDiagnostics(LOG, lines, programs, SRC);
    assert.equal(ds.length, 1, 'only the failed program gets a diagnostic');
    assert.deepEqual([ds[0].file, ds[0].line], [SRC, 30]);
    assert.match(ds[0].message, /null_deref/);
  });
});
