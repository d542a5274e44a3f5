// A full disk while Ring0 writes its state (issue #18): writes go to a temp file that is renamed over
// the old one only when complete, so a real full filesystem (a 64 KiB tmpfs mounted here, as root)
// leaves the previous progress.json and vm.json intact, no temp files behind, and a clear error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileAtomic } from '../../kernel/util/atomicWrite';
import { readProgress, updateProgress } from '../../labs/model/progress';

const isRoot = process.getuid?.() === 0;

describe('writes on a full filesystem', { skip: !isRoot && 'needs root to mount a small tmpfs' }, () => {
  let mnt: string;
  let mounted = false;
  before(() => {
    mnt = mkdtempSync(path.join(os.tmpdir(), 'ring0-full-'));
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'ring0-full', mnt], { encoding: 'utf8' });
    mounted = r.status === 0;
  });
  after(() => {
    if (mounted) spawnSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  /** Fills the filesystem to the last block. */
  function fill(): void {
    for (let i = 0; ; i++) {
      try {
        writeFileSync(path.join(mnt, `filler-${i}`), Buffer.alloc(4096, 1));
      } catch {
        return;
      }
    }
  }
  const unfill = () => readdirSync(mnt).filter((n) => n.startsWith('filler-')).forEach((n) => rmSync(path.join(mnt, n)));

  it('keeps the old progress.json and says why when the disk is full', (t) => {
    if (!mounted) return t.skip('mount -t tmpfs failed');
    const ws = path.join(mnt, 'ws');
    mkdirSync(ws);
    updateProgress(ws, 'module-hello', { started: '2026-01-01T00:00:00Z', dir: 'hello' });
    const before = readFileSync(path.join(ws, '.ring0', 'progress.json'), 'utf8');
    fill();
    const big = { at: 'x', passed: false, objectives: Array.from({ length: 150 }, (_, i) => ({ id: `o${i}`, text: 't', passed: false, message: 'm'.repeat(100) })) };
    assert.throws(() => updateProgress(ws, 'module-hello', { lastCheck: big }), (e: Error) => {
      assert.match(e.message, /cannot write .*progress\.json: no space left on device \(ENOSPC\); its previous contents are unchanged/);
      return true;
    });
    assert.equal(readFileSync(path.join(ws, '.ring0', 'progress.json'), 'utf8'), before);
    assert.deepEqual(readdirSync(path.join(ws, '.ring0')), ['progress.json'], 'no temp file left behind');
    assert.equal(readProgress(ws)['module-hello']?.dir, 'hello');
    unfill();
    updateProgress(ws, 'module-hello', { lastCheck: big });
    assert.equal(readProgress(ws)['module-hello']?.lastCheck?.objectives.length, 150);
  });

  it('writeFileAtomic leaves the old file whole and no temp file when a write fails', (t) => {
    if (!mounted) return t.skip('mount -t tmpfs failed');
    const f = path.join(mnt, 'vm.json');
    writeFileAtomic(f, '{"state":"running"}');
    fill();
    assert.throws(() => writeFileAtomic(f, 'x'.repeat(64 * 1024)), /ENOSPC/);
    assert.equal(readFileSync(f, 'utf8'), '{"state":"running"}');
    assert.deepEqual(readdirSync(mnt).filter((n) => !n.startsWith('filler-') && n !== 'ws'), ['vm.json']);
    unfill();
  });
});
