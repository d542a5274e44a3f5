// ELF inspection of real objects built here (a BPF object with clang, the echo module with Kbuild;
// each skipped when its toolchain is missing) and of garbage, truncated and non-ELF files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIO } from '../../cli/command';
import { main } from '../../cli/main';
import { inspectElf, type BpfObjectInfo, type ModuleInfo } from '../../kernel/elf/inspect';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'build');
const hasClang = spawnSync('clang', ['--version']).status === 0;
const kernel = findDefaultKernel();
const hasHeaders = !!kernel && existsSync(path.join(kernel.buildDir, 'Makefile')) && spawnSync('make', ['--version']).status === 0;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const cli: CliIO = { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false, cwd: process.cwd(), env: {} };
  return { cli, out: () => out.join(''), err: () => err.join('') };
}

describe('elf inspect', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-elf-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads programs, BTF maps, license and BTF of a BPF object', { skip: !hasClang && 'clang is not installed' }, () => {
    const obj = path.join(dir, 'reject.bpf.o');
    const r = spawnSync('clang', ['-O2', '-g', '-target', 'bpf', '-idirafter', '/usr/include/x86_64-linux-gnu', '-c', path.join(FIX, 'bpf', 'reject.bpf.c'), '-o', obj], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = inspectElf(obj) as BpfObjectInfo;
    assert.equal(info.kind, 'bpf');
    assert.equal(info.license, 'GPL');
    assert.equal(info.hasBtf, true);
    assert.deepEqual(info.programs.map((p) => [p.name, p.section]), [['fine', 'tracepoint/syscalls/sys_enter_getpid'], ['null_deref', 'tracepoint/syscalls/sys_enter_getppid']]);
    assert.ok(info.programs.every((p) => p.insnCount > 3 && Number.isInteger(p.insnCount)));
    assert.deepEqual(info.maps, [{ name: 'hits', type: 'hash', maxEntries: 64, keySize: 4, valueSize: 8, source: 'btf' }]);
  });

  it('reads the legacy maps section of an object without BTF', { skip: !hasClang && 'clang is not installed' }, () => {
    const obj = path.join(dir, 'legacy.bpf.o');
    const r = spawnSync('clang', ['-O2', '-target', 'bpf', '-c', path.join(FIX, 'bpf', 'legacy.bpf.c'), '-o', obj], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = inspectElf(obj) as BpfObjectInfo;
    assert.equal(info.license, 'Dual BSD/GPL');
    assert.equal(info.hasBtf, false);
    assert.deepEqual(info.programs, [{ section: 'kprobe/sys_nanosleep', name: 'probe', insnCount: 2 }]);
    assert.deepEqual(info.maps, [
      { name: 'legacy_counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 128, flags: 0, source: 'legacy' },
      { name: 'legacy_arr', type: 'array', keySize: 4, valueSize: 16, maxEntries: 8, flags: 0, source: 'legacy' },
    ]);
  });

  it('reads modinfo, params and the real init/exit functions of a module', { skip: !hasHeaders && 'kernel headers are not installed' }, () => {
    const m = path.join(dir, 'echo');
    cpSync(path.join(FIX, 'echo'), m, { recursive: true });
    const r = spawnSync('make', ['-C', kernel!.buildDir, `M=${m}`, 'modules'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const info = inspectElf(path.join(m, 'ring0_echo.ko')) as ModuleInfo;
    assert.equal(info.kind, 'module');
    assert.equal(info.name, 'ring0_echo');
    assert.equal(info.license, 'GPL');
    assert.equal(info.author, 'Ring0 tests');
    assert.match(info.description ?? '', /echoes back/);
    assert.match(info.vermagic ?? '', new RegExp(`^${kernel!.release.replace(/\./g, '\\.')} `));
    assert.deepEqual(info.depends, []);
    assert.deepEqual(info.params, [{ name: 'bufsize', type: 'int', description: 'bytes kept from the last write' }]);
    assert.equal(info.init, 'ring0_echo_init');
    assert.equal(info.exit, 'ring0_echo_exit');
  });

  it('rejects garbage, truncated and non-ELF files with a plain message and exit 1', async () => {
    const junk = path.join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)));
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'hello\n');
    const empty = path.join(dir, 'empty.o');
    writeFileSync(empty, '');
    const fakeHeader = Buffer.alloc(64);
    fakeHeader.write('\x7fELF', 0, 'latin1');
    fakeHeader[4] = 2;
    fakeHeader[5] = 1;
    fakeHeader.writeBigUInt64LE(0xffffffffn, 40); // e_shoff far past the end
    fakeHeader.writeUInt16LE(64, 58);
    fakeHeader.writeUInt16LE(5, 60);
    const badShoff = path.join(dir, 'bad-shoff.o');
    writeFileSync(badShoff, fakeHeader);
    const files = [junk, text, empty, badShoff, path.join(dir, 'missing.o')];
    const ls = readFileSync('/bin/ls');
    const truncated = path.join(dir, 'truncated.o');
    writeFileSync(truncated, ls.subarray(0, Math.floor(ls.length / 2)));
    files.push(truncated);
    for (const f of files) {
      assert.throws(() => inspectElf(f), (e: Error) => e.message.includes(f) && !/\n\s+at /.test(e.message), f);
      const t = io();
      assert.equal(await main(['elf', 'inspect', f, '--json'], t.cli), 1, f);
      assert.equal(JSON.parse(t.out()).ok, false);
      assert.match(t.err(), /^ring0 elf inspect: /);
      assert.doesNotMatch(t.err(), /\n\s+at /);
    }
  });
});
