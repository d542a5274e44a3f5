// Oops/panic recognition and call-trace parsing, on a panic recorded from this project's VM.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { oopsEnd, parseFrame, parseOops } from '../../kernel/vm/oops';
import { formatFrame } from '../../kernel/vm/symbolize';

const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'oops');

describe('oops parsing', () => {
  it('parses a real sysrq panic from the 6.1 cloud kernel', () => {
    const r = parseOops(readFileSync(path.join(fixtures, 'sysrq-panic-6.1.txt'), 'utf8'));
    assert.ok(r);
    assert.equal(r.kind, 'panic');
    assert.equal(r.summary, 'Kernel panic - not syncing: sysrq triggered crash');
    assert.ok(r.panicked);
    assert.equal(r.rip, undefined, 'the user-space RIP line has no kernel symbol');
    const reliable = r.frames.filter((f) => f.reliable).map((f) => f.function);
    assert.deepEqual(reliable.slice(0, 4), ['dump_stack_lvl', 'panic', 'sysrq_handle_crash', '__handle_sysrq.cold']);
    const crash = r.frames.find((f) => f.function === 'sysrq_handle_crash');
    assert.deepEqual(crash, { function: 'sysrq_handle_crash', offset: 0x16, size: 0x20, reliable: true });
    assert.ok(r.frames.some((f) => !f.reliable && f.function === '_printk'));
  });

  it('parses a module oops with RIP and [module] frames', () => {
    const log = [
      '[   12.000000] BUG: kernel NULL pointer dereference, address: 0000000000000000',
      '[   12.000001] #PF: supervisor write access in kernel mode',
      '[   12.000002] Oops: 0002 [#1] PREEMPT SMP NOPTI',
      '[   12.000003] RIP: 0010:buggy_write+0x11/0x30 [buggy]',
      '[   12.000004] Call Trace:',
      '[   12.000005]  <TASK>',
      '[   12.000006]  vfs_write+0xc7/0x3f0',
      '[   12.000007]  buggy_helper+0x5/0x10 [buggy]',
      '[   12.000008]  </TASK>',
      '[   12.000009] Modules linked in: buggy(OE)',
      '[   12.000010] ---[ end trace 0000000000000000 ]---',
      'later noise',
    ].join('\n');
    const r = parseOops(log);
    assert.ok(r);
    assert.equal(r.kind, 'bug');
    assert.equal(r.panicked, false);
    assert.deepEqual(r.rip, { function: 'buggy_write', offset: 0x11, size: 0x30, module: 'buggy', reliable: true });
    assert.deepEqual(r.frames.map(formatFrame), ['vfs_write+0xc7', 'buggy_helper+0x5 [buggy]']);
    assert.equal(r.text.at(-1), '---[ end trace 0000000000000000 ]---');
  });

  it('finds nothing in a clean boot log and survives garbage', () => {
    assert.equal(parseOops('[    0.000000] Linux version 6.1.0\nring0 ready\n'), undefined);
    const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    assert.doesNotThrow(() => parseOops(garbage));
    assert.equal(parseFrame('  not a frame +0xzz'), undefined);
  });

  it('finds where the first report ends, so the next one can be found', () => {
    const one = '[ 1.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n[ 1.1] RIP: 0010:f+0x1/0x2 [m]\n[ 1.2] ---[ end trace 0000000000000000 ]---\n';
    const log = `noise\n${one}after\n${one}`;
    const end = oopsEnd(log);
    assert.equal(log.slice(0, end), `noise\n${one}`);
    assert.equal(oopsEnd(log.slice(end)), 'after\n'.length + one.length);
    assert.equal(oopsEnd('[ 1.0] Oops: 0000 [#1]\nno end yet'), '[ 1.0] Oops: 0000 [#1]\nno end yet'.length);
    assert.equal(oopsEnd('nothing here\n'), 0);
  });
});
