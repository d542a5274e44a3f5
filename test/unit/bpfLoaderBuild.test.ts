// ensureLoaderBinary: a static libbpf loader, cached; errors name the Debian packages; the host binary's replies parse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { defaultLoaderSourceDir, ensureLoaderBinary, LoaderBuildError } from '../../kernel/bpf/loaderBuild';
import { parseListResult, parseLoaderResult, parseUnloadResult } from '../../kernel/bpf/loader';

const cacheDir = path.join(os.tmpdir(), 'ring0-test-cache');

function hasInterpreter(file: string): boolean {
  const b = readFileSync(file);
  assert.equal(b.toString('latin1', 1, 4), 'ELF');
  const phoff = Number(b.readBigUInt64LE(0x20));
  const phentsize = b.readUInt16LE(0x36);
  const phnum = b.readUInt16LE(0x38);
  for (let i = 0; i < phnum; i++) if (b.readUInt32LE(phoff + i * phentsize) === 3) return true;
  return false;
}

describe('BPF loader build', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ring0-bpf-loader-build-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  let bin = '';

  it('builds a static binary from the repo sources, cached', async () => {
    assert.ok(readdirSync(defaultLoaderSourceDir()).includes('ring0-bpf-loader.c'));
    bin = await ensureLoaderBinary({ cacheDir });
    assert.match(bin, /bpf-loader\/ring0-bpf-loader-[0-9a-f]{20}$/);
    assert.ok(!hasInterpreter(bin), 'statically linked');
    const t0 = Date.now();
    assert.equal(await ensureLoaderBinary({ cacheDir, sourceDir: defaultLoaderSourceDir() }), bin);
    assert.ok(Date.now() - t0 < 1000, 'the second call is a cache hit');
  });

  it('the host binary answers usage, open failures and list with JSON the parsers accept', () => {
    const run = (...args: string[]) => spawnSync(bin, args, { encoding: 'utf8' });
    const usage = run('frobnicate');
    assert.equal(usage.status, 2);
    const u = parseLoaderResult(usage.stdout);
    assert.ok(!u.ok && u.stage === 'usage' && /unknown command 'frobnicate'/.test(u.error));

    const notElf = path.join(scratch, 'not-elf.bpf.o');
    writeFileSync(notElf, 'hello\n');
    const open = run('load', notElf, '--pin-dir', path.join(scratch, 'pins'));
    assert.equal(open.status, 1);
    const o = parseLoaderResult(open.stdout);
    assert.ok(!o.ok && o.stage === 'open');
    assert.match(o.error, /not a proper ELF object/);

    const noPinDir = parseLoaderResult(run('load', notElf).stdout);
    assert.ok(!noPinDir.ok && /--pin-dir/.test(noPinDir.error));

    const list = parseListResult(run('list', '--pin-root', path.join(scratch, 'none')).stdout);
    assert.deepEqual(list, { ok: true, pinRoot: path.join(scratch, 'none'), objects: [] });

    const unload = parseUnloadResult(run('unload', '--pin-dir', path.join(scratch, 'none')).stdout);
    assert.ok('stage' in unload && unload.stage === 'unload' && /No such file/.test(unload.error));
  });

  it('names Debian packages: the compiler, and a missing static library', async () => {
    await assert.rejects(ensureLoaderBinary({ cacheDir: scratch, cc: '/nonexistent/gcc' }), (e: unknown) => {
      assert.ok(e instanceof LoaderBuildError);
      assert.equal(e.code, 'NO_COMPILER');
      assert.match(e.message, /apt-get install gcc libc6-dev/);
      return true;
    });
    // A gcc that cannot find libelf.a, as on a machine without libelf-dev.
    const cc = path.join(scratch, 'gcc-without-libelf');
    writeFileSync(cc, '#!/bin/sh\nfor a; do [ "$a" = -print-file-name=libelf.a ] && { echo libelf.a; exit 0; }; done\nexec gcc "$@"\n');
    chmodSync(cc, 0o755);
    await assert.rejects(ensureLoaderBinary({ cacheDir: scratch, cc }), (e: unknown) => {
      assert.ok(e instanceof LoaderBuildError);
      assert.equal(e.code, 'NO_LIBRARY');
      assert.deepEqual(e.packages, ['libelf-dev']);
      assert.match(e.message, /apt-get install libelf-dev/);
      return true;
    });
  });

  it('reports compile errors and leaves no partial output', async () => {
    const src = path.join(scratch, 'src');
    rmSync(src, { recursive: true, force: true });
    mkdirSync(src);
    writeFileSync(path.join(src, 'ring0-bpf-loader.c'), '#include <bpf/libbpf.h>\nint main(void) { return syntax error; }\n');
    await assert.rejects(ensureLoaderBinary({ cacheDir: scratch, sourceDir: src }), (e: unknown) => e instanceof LoaderBuildError && e.code === 'COMPILE_FAILED' && /syntax/.test(e.message));
    assert.deepEqual(readdirSync(path.join(scratch, 'bpf-loader')), []);
    await assert.rejects(ensureLoaderBinary({ cacheDir: scratch, sourceDir: path.join(scratch, 'none') }), (e: unknown) => e instanceof LoaderBuildError && e.code === 'NO_SOURCES');
  });
});
