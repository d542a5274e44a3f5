// Crash dumps in a real VM: an on-demand dump keeps the VM running; a sysrq-c panic leaves a dump that
// `ring0 crash` opens with Debian's crash, whose backtrace names sysrq_handle_crash.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DumpEntry } from '../../kernel/vm/dumps';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';
import { cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

const release = findDefaultKernel()?.release ?? '';
const noCrash = spawnSync('crash', ['--version'], { stdio: 'ignore' }).error ? 'crash is not installed (apt-get install crash)' : false;
const noDbg = existsSync(`/usr/lib/debug/boot/vmlinux-${release}`) ? false : `no vmlinux-${release} with debug symbols (ring0 setup --debug-symbols)`;

describe('crash dumps in the VM', { skip: noCrash || noDbg }, () => {
  let ws: string;
  const dumps = async () => JSON.parse((await cli(['vm', 'dumps', '--json', '-w', ws])).stdout.toString()) as DumpEntry[];

  before(async () => {
    ws = tempWorkspace('ring0-dumps-');
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('ring0 vm dump saves an ELF with the vmlinux beside it and the VM keeps running', async () => {
    const r = await cli(['vm', 'dump', '--json', '-w', ws]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout.toString()) as DumpEntry;
    assert.equal(readFileSync(d.dump).subarray(0, 4).toString('latin1'), '\x7fELF');
    assert.ok(d.sizeBytes > 256 << 20, `dump is ${d.sizeBytes} bytes`);
    assert.equal(d.vmlinux, `/usr/lib/debug/boot/vmlinux-${release}`);
    assert.equal(d.reason, 'on-demand');
    const st = await cli(['vm', 'exec', '-w', ws, '--', 'true']);
    assert.equal(st.code, 0, 'the VM still runs after the dump');
    assert.deepEqual((await dumps()).map((x) => x.name), [d.name]);
  });

  it('a sysrq-c panic leaves a dump whose crash backtrace names sysrq_handle_crash', async () => {
    await cli(['vm', 'exec', '-w', ws, '--', 'sh', '-c', 'echo 1 > /proc/sys/kernel/sysrq; echo c > /proc/sysrq-trigger']);
    let list: DumpEntry[] = [];
    for (let i = 0; i < 60 && !list.some((d) => d.reason === 'panic'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      list = await dumps();
    }
    const p = list.find((d) => d.reason === 'panic');
    assert.ok(p, `no panic dump: ${JSON.stringify(list)}\n${transcript(ws)}`);
    assert.match(p.summary ?? '', /sysrq triggered crash/);
    const status = (await cli(['vm', 'status', '-w', ws])).stdout.toString();
    assert.match(status, /panicked/);
    const c = await cli(['crash', 'latest', '--exec', 'bt', '-w', ws], { timeoutMs: 300_000 });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout.toString(), /sysrq_handle_crash/);
    assert.match(c.stdout.toString(), /\bpanic\b/);
  });

  it('deletes dumps; a dump whose vmlinux is gone says which package to install', async () => {
    const before = await dumps();
    assert.equal(before.length, 2);
    const r = await cli(['vm', 'dumps', '--delete', before[1].name, '-w', ws]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await dumps()).map((d) => d.name), [before[0].name]);
    const bad = await cli(['crash', 'latest', '--vmlinux', '/nonexistent/vmlinux', '--exec', 'bt', '-w', ws]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, new RegExp(`linux-image-${release}-dbg`));
  });
});
