// `ring0 bpf verify --json` in a real VM: three rejected samples each name the right C line and
// explanation; a passing object reports stats and pins nothing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VerifyReport } from '../../kernel/bpf/verify';
import { cli, disposeWorkspace, ROOT, tempWorkspace, transcript } from './helpers';

const SAMPLES = path.join(ROOT, 'test', 'fixtures', 'bpf', 'verify');

describe('ring0 bpf verify in the VM', () => {
  let ws: string;
  const compile = (name: string) => {
    const src = path.join(ws, `${name}.bpf.c`);
    execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-idirafter', '/usr/include/x86_64-linux-gnu', '-c', src, '-o', path.join(ws, `${name}.bpf.o`)]);
  };
  const verify = async (name: string) => {
    const r = await cli(['bpf', 'verify', path.join(ws, `${name}.bpf.o`), '--json', '-w', ws]);
    let report: VerifyReport;
    try {
      report = JSON.parse(r.stdout.toString()) as VerifyReport;
    } catch {
      throw new Error(`not JSON (exit ${r.code}): ${r.stdout.toString().slice(0, 500)}\n${r.stderr}`);
    }
    return { code: r.code, report };
  };

  before(async () => {
    ws = tempWorkspace('ring0-verify-');
    for (const n of ['unchecked_lookup', 'unbounded_loop', 'gpl_helper']) {
      copyFileSync(path.join(SAMPLES, `${n}.bpf.c`), path.join(ws, `${n}.bpf.c`));
      compile(n);
    }
    writeFileSync(path.join(ws, 'passes.bpf.c'), '#include <linux/bpf.h>\n#include <bpf/bpf_helpers.h>\nchar LICENSE[] SEC("license") = "GPL";\nSEC("tracepoint/syscalls/sys_enter_getpid")\nint passes(void *ctx)\n{\n\treturn bpf_get_prandom_u32() > 5;\n}\n');
    compile('passes');
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  const cases: [string, number, string, RegExp][] = [
    ['unchecked_lookup', 19, 'missing-null-check', /map_value_or_null/],
    ['unbounded_loop', 10, 'unbounded-loop', /infinite loop detected/],
    ['gpl_helper', 10, 'gpl-only-helper', /GPL-restricted/],
  ];
  for (const [name, line, kind, message] of cases) {
    it(`${name}: line ${line}, ${kind}`, async () => {
      const { code, report } = await verify(name);
      assert.equal(code, 1);
      assert.equal(report.ok, false);
      const p = report.programs[0];
      assert.equal(p.name, name);
      assert.equal(p.format, 'verifier');
      assert.match(p.failure!.message, message);
      assert.deepEqual([path.basename(p.failure!.source!.file), p.failure!.source!.line], [`${name}.bpf.c`, line], JSON.stringify(p.failure));
      assert.equal(p.explanation!.kind, kind);
      assert.equal(p.explanation!.source!.line, line);
      assert.ok(p.stats && p.stats.processed > 0, JSON.stringify(p.stats));
      assert.ok(p.failurePath.length > 0 && p.insns.some((i) => i.onFailurePath && i.state.length > 0));
      if (kind === 'missing-null-check') assert.equal(p.explanation!.related!.source!.line, 18, 'the lookup line');
    });
  }

  it('a passing object: every program passes with stats and nothing stays pinned', async () => {
    const { code, report } = await verify('passes');
    assert.equal(code, 0, JSON.stringify(report).slice(0, 400));
    assert.deepEqual(report.programs.map((p) => [p.name, p.passed, p.failure]), [['passes', true, undefined]]);
    assert.ok(report.programs[0].stats!.processed > 0);
    assert.ok(report.programs[0].insns.length > 0);
    const ls = await cli(['vm', 'exec', '-w', ws, '--', 'ls', '/sys/fs/bpf/ring0']);
    assert.doesNotMatch(ls.stdout.toString(), /ring0-verify/);
  });
});
