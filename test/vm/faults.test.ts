// Faults: a guest panic decoded to function and file:line; missing QEMU, virtiofsd or kernel named
// with the exact Debian package.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';
import { cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

describe('VM faults', () => {
  let ws: string;
  before(() => {
    ws = tempWorkspace();
  });
  after(() => disposeWorkspace(ws));

  it('turns a guest panic into `panicked` with a decoded trace, and restarts', async () => {
    const start = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(start.code, 0, `${start.stderr}\n${transcript(ws)}`);
    // The exec dies with the VM; its exit code is not the point.
    await cli(['vm', 'exec', '--workspace', ws, '--timeout', '20', '--', 'sh', '-c', 'echo c > /proc/sysrq-trigger'], { timeoutMs: 60_000 });
    let status: { state: string; panic?: { summary: string; frames: { function: string; file?: string; line?: number }[] } } = { state: '' };
    for (let i = 0; i < 100 && status.state !== 'panicked'; i++) {
      status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString());
      if (status.state !== 'panicked') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status.state, 'panicked', transcript(ws));
    assert.match(status.panic!.summary, /sysrq triggered crash/);
    const crash = status.panic!.frames.find((f) => f.function === 'sysrq_handle_crash');
    assert.ok(crash, JSON.stringify(status.panic!.frames));
    if (findDefaultKernel()?.vmlinux) {
      assert.equal(crash.file, 'drivers/tty/sysrq.c');
      assert.ok(crash.line! > 0);
    }
    const human = await cli(['vm', 'status', '--workspace', ws]);
    assert.match(human.stdout.toString(), /sysrq_handle_crash\+0x16/);
    const again = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(again.code, 0, `${again.stderr}\n${transcript(ws)}`);
    const ok = await cli(['vm', 'exec', '--workspace', ws, '--', 'true']);
    assert.equal(ok.code, 0);
    await cli(['vm', 'stop', '--workspace', ws]);
  });

  it('names qemu-system-x86 when QEMU is missing', async () => {
    const r = await cli(['run', '--workspace', ws, '--', 'true'], { env: { RING0_QEMU: '/nonexistent/qemu-system-x86_64' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /qemu-system-x86_64 is missing: install the Debian package qemu-system-x86/);
  });

  it('names qemu-system-x86 when virtiofsd is missing', async () => {
    const r = await cli(['run', '--workspace', ws, '--', 'true'], { env: { RING0_VIRTIOFSD: '/nonexistent/virtiofsd' } });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /virtiofsd is missing: install the Debian package qemu-system-x86/);
  });

  it('says what to do when the kernel image does not exist', async () => {
    assert.equal(existsSync('/nonexistent/bzImage'), false);
    const r = await cli(['run', '--workspace', ws, '--kernel', '/nonexistent/bzImage', '--', 'true']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Kernel image \/nonexistent\/bzImage does not exist/);
  });
});
