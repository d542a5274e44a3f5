// Live watch's pure parts: expressions, System.map, the monitor command and its answer, value formatting.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatWatchValue, monitorReadCommand, parseMonitorRead, parseSystemMap, parseWatch, readWatches, resolveWatch } from '../../kernel/vm/liveWatch';

describe('live watch', () => {
  it('parses symbols, offsets, addresses and types, and rejects anything else', () => {
    assert.deepEqual(parseWatch('jiffies'), { text: 'jiffies', symbol: 'jiffies', offset: 0n, type: 'u64' });
    assert.deepEqual(parseWatch(' nr_threads : s32 '), { text: 'nr_threads : s32', symbol: 'nr_threads', offset: 0n, type: 's32' });
    assert.deepEqual(parseWatch('init_task+0x10:u32'), { text: 'init_task+0x10:u32', symbol: 'init_task', offset: 16n, type: 'u32' });
    assert.deepEqual(parseWatch('0xffffffff82a079c0'), { text: '0xffffffff82a079c0', address: 0xffffffff82a079c0n, offset: 0n, type: 'u64' });
    for (const bad of ['', 'a b', 'x:u128', 'jiffies; quit', '$(rm)', '0x1234567890abcdef0']) assert.throws(() => parseWatch(bad), /not a watch expression/, bad);
  });

  it('resolves through System.map and says why when it cannot', () => {
    const symbols = parseSystemMap('ffffffff81000000 T _text\nffffffff82a079c0 D jiffies\nffffffff82a079c0 D jiffies_64\ngarbage line\n');
    assert.equal(resolveWatch(parseWatch('jiffies+8'), symbols), 0xffffffff82a079c8n);
    assert.throws(() => resolveWatch(parseWatch('nosuch'), symbols), /no symbol 'nosuch'/);
    assert.throws(() => resolveWatch(parseWatch('jiffies'), undefined), /ring0 setup --debug-symbols/);
  });

  it('reads the kernel image physically and everything else virtually', () => {
    assert.equal(monitorReadCommand(0xffffffff82a079c0n, 8), 'xp /1xg 0x2a079c0');
    assert.equal(monitorReadCommand(0xff11000004000000n, 4), 'x /1xw 0xff11000004000000');
    assert.equal(parseMonitorRead('0000000002a079c0: 0x00000000fffb6c20\r\n'), 0xfffb6c20n);
    assert.throws(() => parseMonitorRead('0000000000000010: Cannot access memory\r\n'), /Cannot access memory/);
    assert.throws(() => parseMonitorRead(''), /returned nothing/);
  });

  it('formats signed and unsigned values of each width', () => {
    assert.equal(formatWatchValue(0xffffffffn, 's32'), '-1');
    assert.equal(formatWatchValue(0xffffffffn, 'u32'), '4294967295');
    assert.equal(formatWatchValue(0x1ffn, 'u8'), '255');
    assert.equal(formatWatchValue(0x8000000000000000n, 's64'), '-9223372036854775808');
  });

  it('reports each unreadable watch on its own row', async () => {
    const agent = {
      call: async (req: { op: string; address?: unknown }) => {
        if (req.address === '0x10') throw new Error('QEMU could not read it: Cannot access memory');
        return { json: { value: '0x2a' } };
      },
    };
    const r = await readWatches(agent, ['0x20:u32', '0x10', 'bad expr'], undefined);
    assert.deepEqual(r[0], { text: '0x20:u32', address: '0x20', value: '42', hex: '0x2a' });
    assert.match(r[1].error!, /Cannot access memory/);
    assert.match(r[2].error!, /not a watch expression/);
  });
});
