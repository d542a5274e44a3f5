// compile_commands.json without a build: Kbuild's flags taken once from a real probe module's compile
// (cached per kernel tree), one entry per module source, and entries kept when a later build fails.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeCompileCommands } from '../../kernel/build/compileCommands';
import { DIR_TOKEN, NAME_TOKEN, entryFor, flagsCacheFile, kbuildFlags, templateOf, writeWorkspaceCompileCommands } from '../../kernel/build/kbuildFlags';
import { buildModule } from '../../kernel/build/module';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';

const kernel = findDefaultKernel();
const noHeaders = !(kernel && existsSync(path.join(kernel.buildDir, 'Makefile')) && spawnSync('make', ['--version']).status === 0) && 'kernel headers are not installed (ring0 setup)';
const noClangd = spawnSync('clangd', ['--version']).error ? 'clangd is not installed' : undefined;

describe('Kbuild flags template', () => {
  it('replaces the probe directory and name, and fills them in per file', () => {
    const t = templateOf({ directory: '/kb', file: '/p/ring0_probe.c', arguments: ['gcc', '-I/p', "-DKBUILD_MODNAME=\"ring0_probe\"", '-c', '-o', '/p/ring0_probe.o', '/p/ring0_probe.c'] }, '/p');
    assert.deepEqual(t, ['gcc', `-I${DIR_TOKEN}`, `-DKBUILD_MODNAME="${NAME_TOKEN}"`, '-c', '-o', `${DIR_TOKEN}/${NAME_TOKEN}.o`, `${DIR_TOKEN}/${NAME_TOKEN}.c`]);
    const e = entryFor({ buildDir: '/kb', template: t }, '/w/m/my-mod.c');
    assert.deepEqual(e, { directory: '/kb', file: '/w/m/my-mod.c', arguments: ['gcc', '-I/w/m', '-DKBUILD_MODNAME="my_mod"', '-c', '-o', '/w/m/my_mod.o', '/w/m/my-mod.c'] });
  });
});

describe('compile_commands.json before any build', { skip: noHeaders }, () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-kbflags-'));
  const cache = path.join(tmp, 'cache');
  const ws = path.join(tmp, 'ws');
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('takes the flags once from a probe build and caches them per kernel tree', async () => {
    const buildDir = kernel?.buildDir as string;
    const t0 = performance.now();
    const f = await kbuildFlags(buildDir, cache);
    const first = performance.now() - t0;
    assert.ok(existsSync(flagsCacheFile(buildDir, cache)));
    assert.ok(f.template.includes('-nostdinc') && f.template.includes('-D__KERNEL__'), f.template.join(' '));
    assert.ok(f.template.includes(`${DIR_TOKEN}/${NAME_TOKEN}.c`));
    assert.ok(!f.template.some((a) => a.includes('ring0-kbuild-probe-')), 'no probe path is left in the template');
    const t1 = performance.now();
    assert.deepEqual(await kbuildFlags(buildDir, cache), f);
    console.log(`probe build ${first.toFixed(0)} ms, cached read ${(performance.now() - t1).toFixed(1)} ms`);
  });

  it('writes an entry for every module source in the workspace, and clangd finds no problem in it', { skip: noClangd }, async () => {
    mkdirSync(path.join(ws, 'mod', 'sub'), { recursive: true });
    writeFileSync(path.join(ws, 'mod', 'Makefile'), 'obj-m += twice.o\ntwice-y := a.c sub/b.o\n');
    writeFileSync(path.join(ws, 'mod', 'a.c'), '#include <linux/init.h>\n#include <linux/module.h>\nstatic int __init a_init(void) { pr_info("a\\n"); return 0; }\nmodule_init(a_init);\nMODULE_LICENSE("GPL");\n');
    writeFileSync(path.join(ws, 'mod', 'sub', 'b.c'), '#include <linux/kernel.h>\nint b_value(void) { return 2; }\n');
    const written = await writeWorkspaceCompileCommands(ws, kernel?.buildDir as string, cache);
    assert.equal(written.length, 1);
    const cc = JSON.parse(readFileSync(path.join(ws, 'mod', 'compile_commands.json'), 'utf8')) as { file: string; arguments: string[] }[];
    assert.deepEqual(cc.map((e) => path.relative(ws, e.file)), ['mod/a.c', 'mod/sub/b.c']);
    // The real clangd checks the file with these commands: the kernel headers resolve.
    const r = spawnSync('clangd', [`--check=${path.join(ws, 'mod', 'a.c')}`, `--compile-commands-dir=${path.join(ws, 'mod')}`], { encoding: 'utf8', timeout: 120_000 });
    assert.doesNotMatch(r.stderr, /file not found/, r.stderr.slice(-2000));
    assert.match(r.stderr, /All checks completed, 0 errors/, r.stderr.slice(-2000));
  });

  it('keeps a source\'s entry when the build fails', async () => {
    const dir = path.join(ws, 'mod');
    writeFileSync(path.join(dir, 'a.c'), readFileSync(path.join(dir, 'a.c'), 'utf8').replace('return 0;', 'return 0'));
    const r = await buildModule({ dir, kernelTree: kernel?.buildDir });
    assert.equal(r.ok, false);
    const cc = JSON.parse(readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as { file: string }[];
    assert.deepEqual(cc.map((e) => path.relative(ws, e.file)).sort(), ['mod/a.c', 'mod/sub/b.c']);
    // And a plain rewrite with no .cmd file keeps them too.
    writeCompileCommands(dir, kernel?.buildDir as string);
    assert.equal((JSON.parse(readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as unknown[]).length, 2);
  });
});
