// Build target discovery and the build JSON contract the extension reads.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildArgs, findBuildTargets, targetForFile } from '../../kernel/build/buildTargets';
import { parseBuildResult } from '../../extension/build/buildResult';

describe('build targets', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'ring0-targets-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(path.join(root, 'hello'));
  writeFileSync(path.join(root, 'hello', 'Makefile'), 'obj-m += hello.o\n');
  writeFileSync(path.join(root, 'hello', 'hello.c'), '');
  mkdirSync(path.join(root, 'app'));
  writeFileSync(path.join(root, 'app', 'Makefile'), 'all:\n\tcc app.c\n');
  writeFileSync(path.join(root, 'app', 'app.c'), '');
  mkdirSync(path.join(root, 'bpf'));
  writeFileSync(path.join(root, 'bpf', 'count.bpf.c'), '');
  mkdirSync(path.join(root, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(root, 'node_modules', 'x', 'skip.bpf.c'), '');

  it('finds module directories by obj-m and BPF sources, skipping node_modules', () => {
    assert.deepEqual(findBuildTargets(root), [
      { kind: 'bpf', file: path.join(root, 'bpf', 'count.bpf.c') },
      { kind: 'module', dir: path.join(root, 'hello') },
    ]);
  });

  it('maps an open file to its target', () => {
    assert.deepEqual(targetForFile(path.join(root, 'hello', 'hello.c')), { kind: 'module', dir: path.join(root, 'hello') });
    assert.deepEqual(targetForFile(path.join(root, 'bpf', 'count.bpf.c')), { kind: 'bpf', file: path.join(root, 'bpf', 'count.bpf.c') });
    assert.equal(targetForFile(path.join(root, 'app', 'app.c')), undefined);
    assert.deepEqual(buildArgs({ kind: 'module', dir: '/m' }, true), ['build', 'module', '/m', '--json']);
  });
});

describe('build JSON contract', () => {
  it('keeps well-formed diagnostics and drops malformed ones', () => {
    const r = parseBuildResult(JSON.stringify({
      ok: false,
      artifacts: ['/m/hello.ko', 3],
      diagnostics: [
        { file: '/m/hello.c', line: 5, column: 3, severity: 'error', message: 'expected ;' },
        { file: '/m/hello.c', line: 'x', column: 1, severity: 'error', message: 'bad line' },
        { file: '/m/hello.c', line: 1, column: 1, severity: 'fatal', message: 'bad severity' },
      ],
    }));
    assert.equal(r.ok, false);
    assert.deepEqual(r.artifacts, ['/m/hello.ko']);
    assert.deepEqual(r.diagnostics.map((d) => d.message), ['expected ;']);
  });

  it('explains output that is not the contract', () => {
    assert.throws(() => parseBuildResult('make: *** No rule'), /printed no JSON: make: \*\*\* No rule/);
    assert.throws(() => parseBuildResult('[1,2]'), /lacks ok/);
    assert.throws(() => parseBuildResult('null'), /not an object/);
  });
});
