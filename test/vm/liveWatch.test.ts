// Live watch against a real VM: jiffies read through QEMU's monitor keeps rising while the kernel runs,
// and a bad symbol or an unmapped address is reported per row without ending the watch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

describe('ring0 vm watch', () => {
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('reads kernel globals at 10 Hz without stopping the kernel', async () => {
    const r = await cli(['vm', 'watch', 'jiffies', 'nr_threads:s32', 'nosuch_symbol', '0x10:u8', '--hz', '10', '--count', '6', '--json-lines', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as { t: number; values: { value?: string; error?: string }[] });
    assert.equal(rows.length, 6);
    const jiffies = rows.map((row) => BigInt(row.values[0].value!));
    // A tickless idle guest updates jiffies in bursts when it wakes: never backwards, and on overall.
    for (let i = 1; i < jiffies.length; i++) assert.ok(jiffies[i] >= jiffies[i - 1], `jiffies never goes back: ${jiffies.join(', ')}`);
    assert.ok(jiffies.at(-1)! > jiffies[0], `jiffies rises while the kernel runs: ${jiffies.join(', ')}`);
    assert.ok(rows.every((row) => Number(row.values[1].value) > 0), 'nr_threads is a positive count');
    assert.ok(rows.every((row) => /no symbol 'nosuch_symbol'/.test(row.values[2].error ?? '')));
    assert.ok(rows.every((row) => /Cannot access memory/.test(row.values[3].error ?? '')));
  });
});
