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

describe('SerialWatcher with oopses the guest survives', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-serial-oops-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const moduleOops = readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'oops', 'module-null-deref-6.1.txt'), 'utf8');
  const kernel = { ...packagedKernel('6.1.0-test', { boot: dir, modules: dir, debug: dir }), vmlinux: undefined };

  it('reports each non-fatal oops as an oops, not a panic, and keeps watching', async () => {
    const log = path.join(dir, 'serial.log');
    writeFileSync(log, 'boot noise\n');
    const w = new SerialWatcher(log, kernel, 10);
    const oopses: PanicReport[] = [];
    const panics: PanicReport[] = [];
    w.on('oops', (p: PanicReport) => oopses.push(p));
    w.on('panic', (p: PanicReport) => panics.push(p));
    w.start();
    appendFileSync(log, moduleOops + 'later noise\n');
    await new Promise((r) => setTimeout(r, 200));
    await w.settled();
    assert.equal(oopses.length, 1);
    assert.equal(oopses[0].summary, 'BUG: kernel NULL pointer dereference, address: 0000000000000000');
    assert.deepEqual(oopses[0].rip, { function: 'oops_lab_read', offset: 0x50, size: 0x9b, module: 'oops_lab', reliable: true });
    assert.equal(oopses[0].panicked, false);
    appendFileSync(log, 'more noise\n' + moduleOops.replace(/oops_lab_read\+0x50/g, 'oops_lab_read+0x51'));
    await new Promise((r) => setTimeout(r, 200));
    await w.settled();
    w.stop();
    assert.equal(oopses.length, 2, 'the second oops is reported too');
    assert.equal(oopses[1].rip?.offset, 0x51);
    assert.deepEqual(w.oopses.map((o) => o.rip?.offset), [0x50, 0x51]);
    assert.equal(panics.length, 0);
    assert.equal(w.panic, undefined);
  });

  it('turns an oops followed by "Kernel panic - not syncing: Fatal exception" into one panic with the oops trace', async () => {
    const log = path.join(dir, 'serial2.log');
    writeFileSync(log, '');
    const w = new SerialWatcher(log, kernel, 10);
    const panics: PanicReport[] = [];
    w.on('panic', (p: PanicReport) => panics.push(p));
    w.start();
    appendFileSync(log, moduleOops);
    await new Promise((r) => setTimeout(r, 200));
    await w.settled();
    appendFileSync(log, '[  177.3] Kernel panic - not syncing: Fatal exception\n[  177.4] ---[ end Kernel panic - not syncing: Fatal exception ]---\n');
    await new Promise((r) => setTimeout(r, 200));
    await w.settled();
    w.stop();
    assert.equal(panics.length, 1);
    assert.equal(panics[0].summary, 'BUG: kernel NULL pointer dereference, address: 0000000000000000');
    assert.equal(panics[0].panicked, true);
    assert.equal(panics[0].rip?.function, 'oops_lab_read');
    assert.ok(panics[0].text.some((l) => /Fatal exception/.test(l)));
    assert.equal(w.panic, panics[0]);
  });
});
