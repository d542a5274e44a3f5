// vmlinux.h sources: the per-release cache, the guest fallback through a fake agent, and the error that
// names `ring0 setup --debug-symbols` when neither a debug vmlinux nor a VM is there.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { AgentClient } from '../../kernel/agent/client';
import { ensureVmlinuxH, vmlinuxHPath } from '../../kernel/bpf/vmlinuxH';

describe('vmlinux.h', () => {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'ring0-vmlinuxh-'));
  after(() => rmSync(cache, { recursive: true, force: true }));

  it('falls back to bpftool on the guest\'s /sys/kernel/btf/vmlinux, then serves the cache', async () => {
    const calls: string[][] = [];
    let closed = false;
    const fake = {
      run: async (argv: readonly string[]) => {
        calls.push([...argv]);
        return { exitCode: 0, signal: null, timedOut: false, pid: 1, stdout: Buffer.from('#ifndef __VMLINUX_H__\n#define __VMLINUX_H__\n#endif\n'), stderr: Buffer.alloc(0) };
      },
      close: () => { closed = true; },
    } as unknown as AgentClient;
    const kernel = { release: '6.1.0-test', vmlinux: undefined };
    const h = await ensureVmlinuxH({ kernel, connect: async () => fake, cache });
    assert.equal(h.source, 'guest');
    assert.deepEqual(calls, [['bpftool', 'btf', 'dump', 'file', '/sys/kernel/btf/vmlinux', 'format', 'c']]);
    assert.ok(closed);
    assert.equal(h.file, vmlinuxHPath('6.1.0-test', cache));
    assert.match(readFileSync(h.file, 'utf8'), /__VMLINUX_H__/);
    const again = await ensureVmlinuxH({ kernel, cache });
    assert.equal(again.source, 'cache');
  });

  it('names ring0 setup --debug-symbols when there is no BTF source', async () => {
    const kernel = { release: '6.1.0-none', vmlinux: '/nonexistent/vmlinux' };
    await assert.rejects(ensureVmlinuxH({ kernel, cache, connect: async () => { throw new Error('no VM'); } }), /ring0 setup --debug-symbols/);
    assert.equal(existsSync(vmlinuxHPath('6.1.0-none', cache)), false);
  });
});
