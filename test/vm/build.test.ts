// Build, load and inspect in a real VM: a char-device module (/dev/ring0_echo) scaffolded, built, loaded,
// reloaded, inspected and unloaded; a broken module's diagnostic line; a tracepoint BPF program whose
// map counts a guest action; a verifier rejection placed on its source line. One VM for the file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';
import { cli, disposeWorkspace, ROOT, tempWorkspace, transcript } from './helpers';

const FIX = path.join(ROOT, 'test', 'fixtures', 'build');

// The CLI's JSON is checked field by field below; `any` keeps those checks short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function json(r: { stdout: Buffer; stderr: string }): any {
  try {
    return JSON.parse(r.stdout.toString());
  } catch {
    throw new Error(`not JSON: ${r.stdout.toString().slice(0, 500)}\nstderr: ${r.stderr}`);
  }
}

describe('build, load and inspect in the VM', () => {
  let ws: string;
  let moduleDir: string;
  let ko: string;
  const w = () => ['-w', ws];

  before(async () => {
    ws = tempWorkspace('ring0-build-');
    const r = await cli(['vm', 'start', '-w', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('scaffolds and builds the echo char device, with compile_commands.json', async () => {
    const n = await cli(['new', 'module', 'ring0_echo', '--dir', ws]);
    assert.equal(n.code, 0, n.stderr);
    moduleDir = path.join(ws, 'ring0_echo');
    copyFileSync(path.join(FIX, 'echo', 'ring0_echo.c'), path.join(moduleDir, 'ring0_echo.c'));
    const r = await cli(['build', 'module', moduleDir, '--json']);
    const b = json(r);
    assert.equal(r.code, 0, JSON.stringify(b));
    ko = path.join(moduleDir, 'ring0_echo.ko');
    assert.deepEqual(b, { ok: true, artifacts: [ko], diagnostics: [] });
    const cc = JSON.parse(readFileSync(path.join(moduleDir, 'compile_commands.json'), 'utf8'));
    assert.deepEqual(cc.map((e: { file: string }) => e.file), [path.join(moduleDir, 'ring0_echo.c')]);
  });

  it('loads it and the device echoes in the guest', async () => {
    const r = await cli(['load', ko, '--json', ...w()]);
    const l = json(r);
    assert.equal(r.code, 0, JSON.stringify(l));
    assert.equal(l.kind, 'module');
    assert.equal(l.name, 'ring0_echo');
    assert.equal(l.reloaded, false);
    const e = await cli(['vm', 'exec', ...w(), '--', 'sh', '-c', 'echo hi > /dev/ring0_echo; cat /dev/ring0_echo']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(e.stdout.toString(), 'hi\n');
  });

  it('reloads a loaded module', async () => {
    const r = await cli(['load', ko, '--json', ...w()]);
    const l = json(r);
    assert.equal(r.code, 0, JSON.stringify(l));
    assert.equal(l.reloaded, true);
    const e = await cli(['vm', 'exec', ...w(), '--', 'sh', '-c', 'echo again > /dev/ring0_echo; cat /dev/ring0_echo']);
    assert.equal(e.stdout.toString(), 'again\n');
  });

  it('inspects the .ko: license, params, init and exit', async () => {
    const r = await cli(['elf', 'inspect', ko, '--json']);
    const i = json(r);
    assert.equal(r.code, 0);
    assert.equal(i.kind, 'module');
    assert.equal(i.license, 'GPL');
    assert.deepEqual(i.params, [{ name: 'bufsize', type: 'int', description: 'bytes kept from the last write' }]);
    assert.equal(i.init, 'ring0_echo_init');
    assert.equal(i.exit, 'ring0_echo_exit');
  });

  it('unloads it, and says so when it is not loaded', async () => {
    const r = await cli(['unload', 'ring0_echo', ...w()]);
    assert.equal(r.code, 0, r.stderr);
    const gone = await cli(['vm', 'exec', ...w(), '--', 'test', '-e', '/sys/module/ring0_echo']);
    assert.equal(gone.code, 1);
    const again = await cli(['unload', 'ring0_echo', '--json', ...w()]);
    assert.equal(again.code, 1);
    assert.equal(json(again).ok, false);
  });

  it('explains unknown symbols, a foreign version magic and a tainting license', async () => {
    const dir = path.join(ws, 'faulty');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'Makefile'), 'obj-m += unk.o lic.o\n');
    writeFileSync(path.join(dir, 'unk.c'), '#include <linux/module.h>\nextern int ring0_nowhere(void);\nstatic int __init u_init(void) { return ring0_nowhere(); }\nstatic void __exit u_exit(void) {}\nmodule_init(u_init);\nmodule_exit(u_exit);\nMODULE_LICENSE("GPL");\n');
    writeFileSync(path.join(dir, 'lic.c'), '#include <linux/module.h>\nstatic int __init l_init(void) { return 0; }\nstatic void __exit l_exit(void) {}\nmodule_init(l_init);\nmodule_exit(l_exit);\nMODULE_LICENSE("Proprietary");\n');
    // KBUILD_MODPOST_WARN: let modpost pass the unresolved symbol so the kernel gets to refuse it.
    const mk = spawnSync('make', ['-C', findDefaultKernel()!.buildDir, `M=${dir}`, 'KBUILD_MODPOST_WARN=1', 'modules'], { encoding: 'utf8' });
    assert.equal(mk.status, 0, mk.stderr);
    const unk = json(await cli(['load', path.join(dir, 'unk.ko'), '--json', ...w()]));
    assert.equal(unk.ok, false);
    assert.match(unk.error, /ring0_nowhere.*Unknown symbol in module/);
    const ko = readFileSync(path.join(dir, 'lic.ko'));
    const bad = Buffer.from(ko.toString('latin1').replace('SMP preempt mod_unload', 'SMP preempt mod_unlo4d'), 'latin1');
    writeFileSync(path.join(dir, 'magic.ko'), bad);
    const magic = json(await cli(['load', path.join(dir, 'magic.ko'), '--json', ...w()]));
    assert.equal(magic.ok, false);
    assert.match(magic.error, /built for another kernel.*Invalid module format/);
    const lic = await cli(['load', path.join(dir, 'lic.ko'), '--json', ...w()]);
    const l = json(lic);
    assert.equal(lic.code, 0, JSON.stringify(l));
    assert.match(l.warnings.join(), /tainted.*MODULE_LICENSE/);
    assert.equal((await cli(['unload', 'lic', ...w()])).code, 0);
  });

  it('puts a compile error of a broken module on its line', async () => {
    const n = await cli(['new', 'module', 'broken', '--dir', ws]);
    assert.equal(n.code, 0, n.stderr);
    const src = path.join(ws, 'broken', 'broken.c');
    const lines = readFileSync(src, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('return 0;'));
    lines[at] = '\treturn no_such_variable;';
    writeFileSync(src, lines.join('\n'));
    const r = await cli(['build', 'module', path.dirname(src), '--json']);
    const b = json(r);
    assert.equal(r.code, 1);
    assert.equal(b.ok, false);
    assert.deepEqual(b.artifacts, []);
    const d = b.diagnostics.find((x: { message: string }) => /no_such_variable/.test(x.message));
    assert.ok(d, JSON.stringify(b.diagnostics));
    assert.deepEqual([d.file, d.line, d.column, d.severity], [src, at + 1, 9, 'error']);
  });

  it('builds and loads a tracepoint program whose map counts a guest action', async () => {
    const n = await cli(['new', 'bpf', 'opens', '--dir', ws]);
    assert.equal(n.code, 0, n.stderr);
    const src = path.join(ws, 'opens.bpf.c');
    const b = await cli(['build', 'bpf', src, '--json']);
    assert.deepEqual(json(b), { ok: true, artifacts: [path.join(ws, 'opens.bpf.o')], diagnostics: [] });
    const r = await cli(['load', path.join(ws, 'opens.bpf.o'), '--json', ...w()]);
    const l = json(r);
    assert.equal(r.code, 0, JSON.stringify(l));
    assert.deepEqual(l.programs.map((p: { name: string; attachPoint: string; attached: boolean }) => [p.name, p.attachPoint, p.attached]), [['opens', 'tracepoint:syscalls/sys_enter_openat', true]]);
    assert.ok(l.programs[0].id > 0);
    const map = l.maps.find((m: { name: string }) => m.name === 'opens_counts');
    assert.ok(map && map.id > 0, JSON.stringify(l.maps));
    const total = async () => {
      const d = await cli(['vm', 'exec', ...w(), '--', 'bpftool', '-j', 'map', 'dump', 'pinned', map.pinned]);
      assert.equal(d.code, 0, d.stderr);
      // With BTF, bpftool prints each entry's decoded {key, value} under `formatted`.
      return (JSON.parse(d.stdout.toString()) as { formatted: { value: number } }[]).reduce((s, e) => s + Number(e.formatted.value), 0);
    };
    const before = await total();
    const act = await cli(['vm', 'exec', ...w(), '--', 'sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do cat /etc/hostname >/dev/null; done']);
    assert.equal(act.code, 0, act.stderr);
    const afterCount = await total();
    assert.ok(afterCount >= before + 10, `${before} → ${afterCount}`);
    const u = await cli(['unload', 'opens', ...w()]);
    assert.equal(u.code, 0, u.stderr);
  });

  it('puts a verifier rejection on the source line', async () => {
    const src = path.join(ws, 'reject.bpf.c');
    copyFileSync(path.join(FIX, 'bpf', 'reject.bpf.c'), src);
    const b = await cli(['build', 'bpf', src, '--json']);
    assert.equal(b.code, 0, b.stdout.toString());
    const r = await cli(['load', path.join(ws, 'reject.bpf.o'), '--json', ...w()]);
    const l = json(r);
    assert.equal(r.code, 1);
    assert.equal(l.ok, false);
    assert.deepEqual(l.diagnostics.map((d: { file: string; line: number }) => [d.file, d.line]), [[src, 30]]);
    assert.match(l.diagnostics[0].message, /null_deref.*map_value_or_null/);
  });
});
