// The serial log watcher: finds a panic that arrives in pieces after lots of noise, once.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SerialWatcher, type PanicReport } from '../../kernel/vm/serialWatch';
import { packagedKernel } from '../../kernel/vm/kernelImage';

const fixture = readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'oops', 'sysrq-panic-6.1.txt'), 'utf8');

describe('SerialWatcher', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-serial-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a panic split across writes, after megabytes of noise, exactly once', async () => {
    const log = path.join(dir, 'serial.log');
    writeFileSync(log, '');
    // No vmlinux: frames keep function+offset and gdb is not run.
    const kernel = { ...packagedKernel('6.1.0-test', { boot: dir, modules: dir, debug: dir }), vmlinux: undefined };
    const w = new SerialWatcher(log, kernel, 10);
    const panics: PanicReport[] = [];
    w.on('panic', (p: PanicReport) => panics.push(p));
    w.start();
    const noise = 'x'.repeat(99) + '\n';
    for (let i = 0; i < 30; i++) appendFileSync(log, noise.repeat(1000));
    const half = Math.floor(fixture.length / 2);
    appendFileSync(log, fixture.slice(0, half));
    await new Promise((r) => setTimeout(r, 50));
    appendFileSync(log, fixture.slice(half));
    await new Promise((r) => setTimeout(r, 800));
    await w.settled();
    w.stop();
    assert.equal(panics.length, 1);
    assert.equal(panics[0].summary, 'Kernel panic - not syncing: sysrq triggered crash');
    assert.ok(panics[0].frames.some((f) => f.function === 'sysrq_handle_crash'));
    assert.ok(w.log.length <= 256 * 1024, 'the kept window is bounded');
  });
});
