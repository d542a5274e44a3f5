// Your own kernel in a real VM: the shared minimal build (test/ownKernelCache.ts) boots as
// ring0.vm.kernel "build" and runs `uname -r` through the agent; a module and a CO-RE BPF object build
// and load against it; an option Kconfig cannot set is named; a syntax error in a tree file is a
// diagnostic on its line and boots nothing; a kernel without signalfd is refused by name, and when its
// .config is not at hand the boot fails fast with the agent's stderr (#18 item 12). The edits happen
// in a private mount namespace over an overlay of the build, so the shared tree and build stay clean.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureTestKernel, type TestKernel } from '../ownKernelCache';
import { cli, CLI, disposeWorkspace, tempWorkspace, transcript } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(r: { stdout: Buffer; stderr: string }): any {
  try {
    return JSON.parse(r.stdout.toString());
  } catch {
    throw new Error(`not JSON: ${r.stdout.toString().slice(0, 500)}\nstderr: ${r.stderr}`);
  }
}

/**
 * Runs SCRIPT (fixed text; paths come in as $1…) in a private mount namespace where the build dir is an
 * overlay (writes go to TMP/upper) — what a developer's edit and rebuild would do, without touching the
 * cache other tests share.
 */
function inNamespace(script: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-ec', script, 'sh', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`namespace script timed out:\n${out}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

const OVERLAY = 'mkdir -p "$2/upper" "$2/work"; mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$1"';

describe('your own kernel in the VM', () => {
  let k: TestKernel;
  let ws: string;
  const w = () => ['-w', ws];

  before(async () => {
    k = await ensureTestKernel();
    if (k.builtSeconds) console.log(`# built the test kernel in ${k.builtSeconds} s`);
    ws = tempWorkspace('ring0-own-');
    mkdirSync(path.join(ws, '.vscode'));
    writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'ring0.vm.kernel': 'build', 'ring0.kernel.buildDir': k.buildDir }));
    const r = await cli(['vm', 'start', ...w()]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('boots the build: uname -r through the agent, vm status names the build', async () => {
    const u = await cli(['vm', 'exec', ...w(), '--', 'uname', '-r']);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout.toString().trim(), k.release);
    assert.match(k.release, /-ring0$/);
    const s = json(await cli(['vm', 'status', '--json', ...w()]));
    assert.equal(s.kernel, k.release);
    assert.equal(s.kernelBuild, k.buildDir);
    const text = (await cli(['vm', 'status', ...w()])).stdout.toString();
    assert.match(text, new RegExp(`build: +${k.buildDir}`));
    // The build wrote compile_commands.json with the tree's own gen_compile_commands.py, for clangd.
    const cc = JSON.parse(readFileSync(path.join(k.buildDir, 'compile_commands.json'), 'utf8')) as { file: string }[];
    assert.ok(cc.some((e) => e.file === path.join(k.source, 'fs', 'open.c')), `${cc.length} entries`);
  });

  it('builds a module in the build directory and loads it', async () => {
    assert.equal((await cli(['new', 'module', 'ownmod', '--dir', ws])).code, 0);
    const dir = path.join(ws, 'ownmod');
    const b = json(await cli(['build', 'module', dir, '--json', ...w()]));
    assert.deepEqual(b, { ok: true, artifacts: [path.join(dir, 'ownmod.ko')], diagnostics: [] });
    const modinfo = readFileSync(path.join(dir, 'ownmod.ko')).toString('latin1');
    assert.ok(modinfo.includes(`vermagic=${k.release} `), 'vermagic is the build\'s release');
    const l = await cli(['load', path.join(dir, 'ownmod.ko'), '--json', ...w()]);
    assert.equal(l.code, 0, l.stdout.toString() + l.stderr);
    const lsmod = await cli(['vm', 'exec', ...w(), '--', 'cat', '/proc/modules']);
    assert.match(lsmod.stdout.toString(), /^ownmod /m);
    assert.equal((await cli(['unload', 'ownmod', ...w()])).code, 0);
  });

  it("builds a CO-RE BPF object against the build's BTF and loads it", async () => {
    assert.equal((await cli(['new', 'bpf', 'ownbpf', '--dir', ws])).code, 0);
    const src = path.join(ws, 'ownbpf.bpf.c');
    const b = json(await cli(['build', 'bpf', src, '--json', ...w()]));
    assert.deepEqual(b, { ok: true, artifacts: [path.join(ws, 'ownbpf.bpf.o')], diagnostics: [] });
    const l = await cli(['load', path.join(ws, 'ownbpf.bpf.o'), '--json', ...w()]);
    assert.equal(l.code, 0, l.stdout.toString() + l.stderr);
    const progs = await cli(['vm', 'exec', ...w(), '--', 'bpftool', 'prog', 'show']);
    assert.match(progs.stdout.toString(), /tracepoint/);
    assert.equal((await cli(['unload', 'ownbpf', ...w()])).code, 0);
  });

  it('names an option Kconfig cannot set, with what blocks it', { timeout: 600_000 }, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-kcfg-'));
    try {
      writeFileSync(path.join(dir, 'mine.config'), 'CONFIG_KASAN=y\n');
      const r = await cli(['kernel', 'config', '--source', 'debian', '--build-dir', path.join(dir, 'b'), '--fragment', path.join(dir, 'mine.config'), '--json'], { timeoutMs: 590_000 });
      assert.equal(r.code, 1, r.stderr);
      const c = json(r);
      assert.equal(c.ok, false);
      const kasan = c.dropped.find((d: { option: string }) => d.option === 'KASAN');
      assert.ok(kasan, JSON.stringify(c.dropped));
      assert.equal(kasan.from, path.join(dir, 'mine.config'));
      // tinyconfig picks SLOB; KASAN needs SLUB or SLAB.
      assert.match(kasan.reason, /depends on .*SLUB \[n\]/);
      assert.equal(c.dropped.length, 1, JSON.stringify(c.dropped));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a syntax error in the tree is a diagnostic on its line, and nothing boots', { timeout: 600_000 }, async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-kedit-'));
    try {
      const openC = path.join(k.source, 'fs', 'open.c');
      const lines = readFileSync(openC, 'utf8').split('\n');
      const at = lines.findIndex((l) => l.startsWith('static long do_sys_openat2(')) + 3; // after the opening brace
      lines.splice(at, 0, '\tint ring0_broken = ;');
      writeFileSync(path.join(tmp, 'open.c'), lines.join('\n'));
      mkdirSync(path.join(tmp, 'ws'));
      const r = await inNamespace(
        `${OVERLAY}; mount --bind "$2/open.c" "$3"; node "$4" kernel build --build-dir "$1" --json > "$2/build.json" || true; ` +
          'node "$4" run --kernel "$1/arch/x86/boot/bzImage" -w "$2/ws" -- true > "$2/run.out" 2>&1 || echo "run exit $?" >> "$2/run.out"',
        [k.buildDir, tmp, openC, CLI],
        590_000,
      );
      assert.equal(r.code, 0, r.out);
      const b = JSON.parse(readFileSync(path.join(tmp, 'build.json'), 'utf8'));
      assert.equal(b.ok, false);
      assert.equal(b.image, undefined);
      const d = b.diagnostics.find((x: { severity: string }) => x.severity === 'error');
      assert.ok(d, JSON.stringify(b));
      assert.equal(d.file, openC);
      assert.equal(d.line, at + 1);
      assert.match(d.message, /expected expression/);
      const run = readFileSync(path.join(tmp, 'run.out'), 'utf8');
      assert.match(run, /last `ring0 kernel build` in .* failed/);
      assert.match(run, /run exit 1/);
      assert.doesNotMatch(run, /Booting/);
      // The shared build is untouched.
      assert.equal(existsSync(path.join(k.buildDir, 'ring0-build-failed.json')), false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a kernel without signalfd: refused by name, and without its .config the boot fails fast with the agent\'s stderr', { timeout: 900_000 }, async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-nosfd-'));
    try {
      mkdirSync(path.join(tmp, 'ws'));
      mkdirSync(path.join(tmp, 'bare'));
      const r = await inNamespace(
        `${OVERLAY}; "$1/source/scripts/config" --file "$1/.config" -d SIGNALFD; ` +
          'node "$3" kernel build --build-dir "$1" --json > "$2/build.json"; cp "$1/arch/x86/boot/bzImage" "$2/bare/bzImage"; ' +
          'node "$3" run --kernel "$1/arch/x86/boot/bzImage" -w "$2/ws" -- true > "$2/run.out" 2>&1 || echo "run exit $?" >> "$2/run.out"',
        [k.buildDir, tmp, CLI],
        880_000,
      );
      assert.equal(r.code, 0, r.out);
      assert.equal(JSON.parse(readFileSync(path.join(tmp, 'build.json'), 'utf8')).ok, true);
      const refused = readFileSync(path.join(tmp, 'run.out'), 'utf8');
      assert.match(refused, /built without options Ring0's guest needs: CONFIG_SIGNALFD/);
      assert.match(refused, /run exit 1/);
      // The same image with no tree beside it: it boots, the agent cannot start, the guest gives up.
      const ws2 = path.join(tmp, 'ws');
      const bare = await cli(['run', '--kernel', path.join(tmp, 'bare', 'bzImage'), '-w', ws2, '--', 'true'], { timeoutMs: 200_000 });
      assert.equal(bare.code, 1, bare.stderr);
      assert.match(bare.stderr, /the guest agent exited 3 times in a row/);
      assert.match(bare.stderr, /signalfd: Function not implemented/);
      assert.match(bare.stderr, /RING0-AGENT-GAVE-UP/, 'the last serial lines are shown');
      assert.doesNotMatch(bare.stderr, /did not answer within/);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
