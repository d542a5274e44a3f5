// Crash-dump bookkeeping with a fake QMP (pure file logic): names, the .json beside each dump, keep N,
// a full disk refused before QEMU is asked, ENOSPC from QEMU, delete and resolve, the setting.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { deleteDump, DumpError, dumpsDir, listDumps, resolveDump, saveDump, type DumpQmp } from '../../kernel/vm/dumps';
import { coerceVmSettings } from '../../kernel/vm/settings';

const ws = mkdtempSync(path.join(os.tmpdir(), 'ring0-dumps-unit-'));
after(() => rmSync(ws, { recursive: true, force: true }));

/** Writes a small ELF-looking file where QEMU would; `fail` makes it refuse like QEMU does. */
function fakeQmp(fail?: string): DumpQmp & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async execute<T>(command: string, args?: Record<string, unknown>): Promise<T> {
      calls.push(command);
      const file = String(args?.protocol).replace(/^file:/, '');
      if (fail) {
        writeFileSync(file, 'partial');
        throw new Error(fail);
      }
      writeFileSync(file, Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(1000)]));
      return {} as T;
    },
  };
}

const base = { workspace: ws, release: '6.1.0-57-cloud-amd64', vmlinux: '/nonexistent/vmlinux', memoryBytes: 1 << 20, reason: 'on-demand' as const };

describe('crash dump files', () => {
  it('saves NAME.elf with NAME.elf.json and lists newest first with sizes', async () => {
    const d = await saveDump(fakeQmp(), { ...base, file: path.join(dumpsDir(ws), 'a.elf') });
    assert.equal(d.sizeBytes, 1004);
    assert.equal(d.vmlinuxExists, false);
    assert.equal(JSON.parse(readFileSync(`${d.dump}.json`, 'utf8')).vmlinux, '/nonexistent/vmlinux');
    await new Promise((r) => setTimeout(r, 5));
    await saveDump(fakeQmp(), { ...base, file: path.join(dumpsDir(ws), 'b.elf') });
    assert.deepEqual(listDumps(dumpsDir(ws)).map((x) => [x.name, x.sizeBytes]), [['b.elf', 1004], ['a.elf', 1004]]);
    assert.equal(resolveDump(ws, 'latest').name, 'b.elf');
    assert.equal(resolveDump(ws, 'a').name, 'a.elf');
  });

  it('keeps at most N, oldest removed first', async () => {
    await new Promise((r) => setTimeout(r, 5));
    await saveDump(fakeQmp(), { ...base, file: path.join(dumpsDir(ws), 'c.elf'), keep: 2 });
    assert.deepEqual(listDumps(dumpsDir(ws)).map((x) => x.name), ['c.elf', 'b.elf']);
    assert.equal(existsSync(path.join(dumpsDir(ws), 'a.elf.json')), false);
  });

  it('refuses a dump that cannot fit before asking QEMU, and removes a partial one on ENOSPC', async () => {
    const q = fakeQmp();
    await assert.rejects(saveDump(q, { ...base, memoryBytes: Number.MAX_SAFE_INTEGER }), (e: Error) => e instanceof DumpError && /not enough disk space.*VM keeps running/.test(e.message));
    assert.deepEqual(q.calls, []);
    const full = fakeQmp('dump: No space left on device');
    await assert.rejects(saveDump(full, { ...base, file: path.join(dumpsDir(ws), 'full.elf') }), /disk filled up.*partial dump was removed.*VM is kept/);
    assert.equal(existsSync(path.join(dumpsDir(ws), 'full.elf')), false);
    await assert.rejects(saveDump(fakeQmp(), { ...base, file: path.join(dumpsDir(ws), 'c.elf') }), /already exists/);
    await assert.rejects(saveDump(fakeQmp(), { ...base, file: path.join(ws, 'x.core') }), /end in \.elf/);
  });

  it('deletes by name; unknown names say how to list', () => {
    deleteDump(dumpsDir(ws), 'b');
    assert.deepEqual(listDumps(dumpsDir(ws)).map((x) => x.name), ['c.elf']);
    assert.throws(() => deleteDump(dumpsDir(ws), 'nope'), /ring0 vm dumps/);
    assert.throws(() => resolveDump(ws, 'nope'), /ring0 vm dumps/);
  });

  it('reads ring0.dumps.keep, refusing bad values', () => {
    const warns: string[] = [];
    assert.equal(coerceVmSettings({ 'ring0.dumps.keep': 0 }, (w) => warns.push(w)).dumpsKeep, 0);
    assert.equal(coerceVmSettings({ 'ring0.dumps.keep': -1 }, (w) => warns.push(w)).dumpsKeep, undefined);
    assert.equal(warns.length, 1);
  });
});
