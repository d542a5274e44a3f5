// `ring0 build|new|load|elf` through the CLI entry: the --json contract (also for setup errors), the
// scaffolds building as they are, a broken BPF source's diagnostic line. Real builds are skipped when
// kernel headers or clang/the debug vmlinux are missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';

const kernel = findDefaultKernel();
const hasHeaders = !!kernel && existsSync(path.join(kernel.buildDir, 'Makefile')) && spawnSync('make', ['--version']).status === 0;
const hasBpf = !!kernel?.vmlinux && spawnSync('clang', ['--version']).status === 0 && spawnSync('bpftool', ['version']).status === 0;

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd, env: {} };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('ring0 build/new CLI', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-buildcli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists its commands in the usage', async () => {
    const t = io(dir);
    assert.equal(await main(['--help'], t.cli), 0);
    for (const c of ['build module', 'build bpf', 'new module', 'new bpf', 'load', 'unload', 'elf inspect']) assert.match(t.out(), new RegExp(`\\n  ${c} `));
  });

  it('keeps the JSON contract when the build cannot even start', async () => {
    const t = io(dir);
    const missing = path.join(dir, 'no-such-dir');
    assert.equal(await main(['build', 'module', missing, '--json'], t.cli), 1);
    const r = JSON.parse(t.out());
    assert.equal(r.ok, false);
    assert.deepEqual(r.artifacts, []);
    assert.equal(r.diagnostics.length, 1);
    assert.deepEqual([r.diagnostics[0].file, r.diagnostics[0].line, r.diagnostics[0].severity], [missing, 1, 'error']);
  });

  it('refuses bad names and existing files', async () => {
    const t = io(dir);
    assert.equal(await main(['new', 'module', 'bad-name'], t.cli), 1);
    assert.match(t.err(), /not a valid name/);
    assert.equal(await main(['new', 'bpf', 'twice', '--dir', dir], t.cli), 0);
    assert.equal(await main(['new', 'bpf', 'twice', '--dir', dir], t.cli), 1);
    assert.match(t.err(), /already exists/);
  });

  it('scaffolds a module that builds as is, with compile_commands.json', { skip: !hasHeaders && 'kernel headers are not installed' }, async () => {
    const t = io(dir);
    assert.equal(await main(['new', 'module', 'greeter'], t.cli), 0, t.err());
    assert.equal(await main(['build', 'module', 'greeter', '--json'], t.cli), 0, t.err());
    const r = JSON.parse(t.out().slice(t.out().indexOf('{')));
    assert.deepEqual(r, { ok: true, artifacts: [path.join(dir, 'greeter', 'greeter.ko')], diagnostics: [] });
    const cc = JSON.parse(readFileSync(path.join(dir, 'greeter', 'compile_commands.json'), 'utf8'));
    assert.equal(cc[0].file, path.join(dir, 'greeter', 'greeter.c'));
    assert.equal(cc[0].directory, kernel!.buildDir);
  });

  it('scaffolds a BPF program that builds as is, and places clang errors', { skip: !hasBpf && 'clang, bpftool or the debug vmlinux is missing' }, async () => {
    const t = io(dir);
    assert.equal(await main(['new', 'bpf', 'opens'], t.cli), 0, t.err());
    assert.equal(await main(['build', 'bpf', 'opens.bpf.c', '--json'], t.cli), 0, t.err());
    const ok = JSON.parse(t.out().slice(t.out().indexOf('{\n')));
    assert.deepEqual(ok, { ok: true, artifacts: [path.join(dir, 'opens.bpf.o')], diagnostics: [] });
    const src = path.join(dir, 'opens.bpf.c');
    const lines = readFileSync(src, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('return 0;'));
    lines[at] = '\treturn ctx->no_such_field;';
    writeFileSync(src, lines.join('\n'));
    const t2 = io(dir);
    assert.equal(await main(['build', 'bpf', src, '--json'], t2.cli), 1);
    const bad = JSON.parse(t2.out());
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.diagnostics.map((d: { file: string; line: number; column: number }) => [d.file, d.line, d.column]), [[src, at + 1, 14]]);
    assert.match(bad.diagnostics[0].message, /no_such_field/);
  });
});
