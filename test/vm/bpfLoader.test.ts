// ring0-bpf-loader in a real VM: tracepoint counting, every attach kind, verifier, license and BTF rejections, list and unload.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AgentClient } from '../../kernel/agent/client';
import { BpfLoadError, ensureLoaderBinary, listBpfObjects, loadBpfObject, unloadBpfObject } from '../../kernel/bpf/loader';
import { cacheDir } from '../../kernel/util/paths';
import { connectAgent } from '../../kernel/vm/manager';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';
import { cli, disposeWorkspace, ROOT, tempWorkspace, transcript } from './helpers';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'bpf');
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

/** vmlinux.h for the VM kernel, from Debian's debug vmlinux (never the host's own /sys/kernel/btf). */
function writeVmlinuxH(dir: string): void {
  const release = findDefaultKernel()?.release ?? '6.1.0-56-cloud-amd64';
  const vmlinux = `/usr/lib/debug/boot/vmlinux-${release}`;
  if (!existsSync(vmlinux)) throw new Error(`${vmlinux} is missing: apt-get install linux-image-${release}-dbg (or ring0 setup --debug-symbols)`);
  writeFileSync(path.join(dir, 'vmlinux.h'), execFileSync('bpftool', ['btf', 'dump', 'file', vmlinux, 'format', 'c'], { maxBuffer: 64 << 20 }));
}

describe('BPF loader in the VM', () => {
  let ws: string;
  let agent: AgentClient;
  let loaderPath: string;
  const obj = (name: string) => path.join(ws, `${name}.bpf.o`);
  const sh = async (script: string) => {
    const r = await agent.run(['sh', '-c', script], { timeoutMs: 30_000 });
    assert.equal(r.exitCode, 0, `${script}: ${r.stderr.toString()}`);
    return r.stdout.toString();
  };
  /** Sum of the values of a pinned map, read with the host's bpftool inside the guest. */
  const mapSum = async (pinned: string) => {
    const entries = JSON.parse(await sh(`bpftool map dump pinned ${pinned} -j`)) as Array<{ formatted: { value: number } }>;
    return entries.reduce((s, e) => s + e.formatted.value, 0);
  };

  before(async () => {
    ws = tempWorkspace('ring0-bpf-');
    // Built before boot: the guest sees Ring0's cache through the host-root share.
    loaderPath = await ensureLoaderBinary({ cacheDir: cacheDir() });
    writeVmlinuxH(ws);
    const sources = readdirSync(FIXTURES).filter((f) => f.endsWith('.bpf.c'));
    for (const f of sources) {
      execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-D__TARGET_ARCH_x86', `-I${ws}`, '-c', path.join(FIXTURES, f), '-o', path.join(ws, f.replace(/\.c$/, '.o'))]);
    }
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    agent = await connectAgent(ws);
  });
  after(async () => {
    agent?.close();
    await disposeWorkspace(ws);
  });

  it('loads a tracepoint program whose hash map counts openat calls', async () => {
    const r = await loadBpfObject(agent, { object: obj('count_openat'), name: 'count', loaderPath });
    assert.equal(r.pinDir, '/sys/fs/bpf/ring0/count');
    assert.deepEqual(r.programs.map((p) => [p.name, p.type, p.attach, p.attached]), [['count_openat', 'tracepoint', { kind: 'tracepoint', target: 'syscalls/sys_enter_openat' }, true]]);
    const map = r.maps.find((m) => m.name === 'openat_counts');
    assert.ok(map, JSON.stringify(r.maps));
    assert.deepEqual([map.type, map.keySize, map.valueSize, map.maxEntries], ['hash', 4, 8, 1024]);
    const before = await mapSum(map.pinned);
    assert.equal(await sh('cat /etc/hostname'), execFileSync('cat', ['/etc/hostname']).toString());
    const afterCat = await mapSum(map.pinned);
    assert.ok(afterCat > before, `count went from ${before} to ${afterCat}`);
  });

  it('attaches kprobe, kretprobe, fentry, fexit, raw_tp, uprobe, lsm, xdp and tc programs; loads a socket filter only', async () => {
    const r = await loadBpfObject(agent, { object: obj('attach_kinds'), name: 'kinds', loaderPath, iface: 'lo', uprobeTarget: LIBC });
    const kinds = Object.fromEntries(r.programs.map((p) => [p.name, `${p.attach?.kind} ${p.attach?.target} ${p.attached}`]));
    assert.deepEqual(kinds, {
      kp_openat2: 'kprobe do_sys_openat2 true',
      krp_openat2: 'kretprobe do_sys_openat2 true',
      fe_unlinkat: 'fentry do_unlinkat true',
      fx_unlinkat: 'fexit do_unlinkat true',
      lsm_open: 'lsm file_open true',
      sock_only: 'undefined undefined false',
      rtp_exec: 'raw_tracepoint sched_process_exec true',
      up_getpid: `uprobe ${LIBC}:getpid true`,
      xdp_pass: 'xdp lo true',
      tc_pass: 'tc lo:ingress true',
    });
    assert.match(r.programs.find((p) => p.name === 'sock_only')?.note ?? '', /no automatic attach for section 'socket'/);
    await sh('cat /etc/hostname >/dev/null; touch /tmp/x; rm /tmp/x');
    const hits = JSON.parse(await sh('bpftool map dump pinned /sys/fs/bpf/ring0/kinds/maps/hits -j')) as Array<{ formatted: { key: number; value: number } }>;
    const slot = (k: number) => hits.find((e) => e.formatted.key === k)?.formatted.value ?? 0;
    assert.ok(slot(0) > 0 && slot(1) > 0 && slot(2) > 0 && slot(3) > 0 && slot(7) > 0, JSON.stringify(hits));
  });

  it('returns the verifier log of a rejected program, pinning nothing', async () => {
    await assert.rejects(loadBpfObject(agent, { object: obj('verifier_reject'), name: 'bad', loaderPath }), (e: unknown) => {
      assert.ok(e instanceof BpfLoadError, String(e));
      assert.equal(e.failure.stage, 'load');
      assert.equal(e.failure.program, 'unchecked_lookup');
      assert.match(e.failure.error, /invalid mem access 'map_value_or_null'/);
      assert.match(e.failure.verifierLog ?? '', /\*v \+= 1;\n\d+: \(79\) r1 = \*\(u64 \*\)\(r0 \+0\)\nR0 invalid mem access/);
      return true;
    });
    await assert.rejects(loadBpfObject(agent, { object: obj('no_license'), name: 'nolicense', loaderPath }), (e: unknown) => {
      assert.ok(e instanceof BpfLoadError);
      assert.match(e.failure.error, /GPL-restricted.*license is not GPL-compatible/);
      return true;
    });
    await assert.rejects(loadBpfObject(agent, { object: obj('btf_missing'), name: 'btf', loaderPath }), (e: unknown) => {
      assert.ok(e instanceof BpfLoadError);
      assert.equal(e.failure.program, 'fentry_missing');
      assert.match(e.failure.error, /failed to find kernel BTF type ID of 'no_such_function_in_6_1'.*no such function or type/);
      return true;
    });
    assert.equal(await sh('ls /sys/fs/bpf/ring0'), 'count\nkinds\n');
  });

  it('lists the loaded objects with the ids behind their pins, and refuses a second load under a name', async () => {
    const l = await listBpfObjects(agent, { loaderPath });
    assert.deepEqual(l.objects.map((o) => o.name), ['count', 'kinds']);
    const count = l.objects[0]!;
    assert.equal(count.links[0]?.type, 'perf_event');
    assert.equal(count.links[0]?.progId, count.programs[0]?.id);
    assert.equal(count.maps[0]?.type, 'hash');
    assert.equal(l.objects[1]!.tcFilters.length, 1);
    await assert.rejects(loadBpfObject(agent, { object: obj('count_openat'), name: 'count', loaderPath }), /pin failed: .*unload it first/);
    const again = await loadBpfObject(agent, { object: obj('count_openat'), name: 'count', loaderPath, replace: true });
    assert.equal(again.programs[0]?.attached, true);
  });

  it('unloads: pins removed, programs detached and gone', async () => {
    const ids = (await listBpfObjects(agent, { loaderPath })).objects.flatMap((o) => o.programs.map((p) => p.id));
    for (const name of ['count', 'kinds']) {
      const u = await unloadBpfObject(agent, name, { loaderPath });
      assert.ok(u.removed.some((f) => f.includes('/links/')), JSON.stringify(u));
    }
    assert.equal(await sh('ls /sys/fs/bpf/ring0'), '');
    assert.deepEqual((await listBpfObjects(agent, { loaderPath })).objects, []);
    // Programs are freed once their last pin and link are gone (asynchronously, after an RCU grace period).
    const live = JSON.parse(await sh('sleep 0.2; bpftool prog show -j')) as Array<{ id: number }>;
    assert.deepEqual(live.filter((p) => ids.includes(p.id)), []);
    await assert.rejects(unloadBpfObject(agent, 'count', { loaderPath }), /nothing loaded under that name/);
  });
});
