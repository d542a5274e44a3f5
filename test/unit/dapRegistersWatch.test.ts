// Pure pieces of data breakpoints and the Registers scope: debug register counting, dataIds, watch
// expressions and stop records, the hardwareBreakpoints attribute, register grouping and decoding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDataId, watchExpression, watchTrigger } from '../../debug-adapter/engine/dataBreakpoints';
import { HardwareSlots, debugRegistersFor } from '../../debug-adapter/engine/hwSlots';
import { parseMiLine } from '../../debug-adapter/mi/parser';
import { hardwareOption } from '../../debug-adapter/session/launchArgs';
import { decodeRegister, registerGroup } from '../../debug-adapter/session/registerDecode';

describe('hardware debug registers', () => {
  it('count the aligned 1/2/4/8-byte regions a range needs', () => {
    assert.equal(debugRegistersFor(0x1000n, 4), 1);
    assert.equal(debugRegistersFor(0x1000n, 8), 1);
    assert.equal(debugRegistersFor(0x1002n, 4), 2, 'misaligned: 2 + 2');
    assert.equal(debugRegistersFor(0x1000n, 16), 2);
    assert.equal(debugRegistersFor(0x1001n, 8), 4, '1 + 2 + 4 + 1');
  });

  it('are shared by breakpoints and watchpoints; the one past the limit is refused with the count', () => {
    const s = new HardwareSlots(() => 4);
    assert.equal(s.take('bp:1', 'breakpoint', 1), undefined);
    for (const k of ['w1', 'w2', 'w3']) assert.equal(s.take(k, 'watchpoint', 1), undefined);
    assert.match(s.take('w4', 'watchpoint', 1) ?? '', /has 4 .*1 is used by hardware breakpoints, 3 by data breakpoints/);
    s.release('bp:1');
    assert.equal(s.take('w4', 'watchpoint', 1), undefined);
    assert.equal(s.used(), 4);
  });
});

describe('data breakpoints', () => {
  it('carry the watched range in their dataId and watch it as a scalar or a byte array', () => {
    assert.deepEqual(parseDataId('0xffffffffc0002000:4:ring0_watch_value'), { address: 0xffffffffc0002000n, size: 4, label: 'ring0_watch_value' });
    assert.deepEqual(parseDataId('0x10:4:(s).a:b'), { address: 0x10n, size: 4, label: '(s).a:b' });
    assert.equal(parseDataId('ring0_watch_value'), undefined);
    assert.equal(watchExpression(0x10n, 4), '*(unsigned int *) 0x10');
    assert.equal(watchExpression(0x10n, 12), '*(unsigned char (*)[12]) 0x10');
  });

  it("read gdb's watchpoint stops", () => {
    const w = parseMiLine('*stopped,reason="watchpoint-trigger",wpt={number="7",exp="*(unsigned int *) 0x10"},value={old="0",new="7"},frame={addr="0x1"}');
    assert.equal(w.kind, 'exec');
    assert.deepEqual(watchTrigger((w as unknown as { results: never }).results), { id: 7, change: '0 → 7' });
    const r = parseMiLine('*stopped,reason="read-watchpoint-trigger",hw-rwpt={number="8",exp="x"},value={value="3"}');
    assert.deepEqual(watchTrigger((r as unknown as { results: never }).results), { id: 8, change: 'value 3' });
    const b = parseMiLine('*stopped,reason="breakpoint-hit",bkptno="2"');
    assert.equal(watchTrigger((b as unknown as { results: never }).results), undefined);
  });

  it('hardwareBreakpoints takes a boolean or { enabled, limit }, and says what is wrong', () => {
    assert.deepEqual(hardwareOption(undefined), { enabled: false });
    assert.deepEqual(hardwareOption(true), { enabled: true });
    assert.deepEqual(hardwareOption({ limit: 2 }), { enabled: true, limit: 2 });
    assert.deepEqual(hardwareOption({ enabled: false, limit: 4 }), { enabled: false, limit: 4 });
    assert.match(hardwareOption({ limit: 2.5 }) as string, /whole number of debug registers/);
    assert.match(hardwareOption('yes' as never) as string, /must be true, false or/);
  });
});

describe('the Registers scope', () => {
  it('puts general-purpose registers, rip and rflags at the top and the rest in groups', () => {
    assert.deepEqual(['rax', 'r15', 'rip', 'eflags'].map(registerGroup), ['top', 'top', 'top', 'top']);
    assert.deepEqual(['cs', 'fs', 'fs_base', 'k_gs_base'].map(registerGroup), ['segment', 'segment', 'segment', 'segment']);
    assert.deepEqual(['cr0', 'cr3', 'efer'].map(registerGroup), ['control', 'control', 'control']);
    assert.deepEqual(['eax', 'ax', 'al', 'ah', 'sil', 'r8d', 'r15w', 'r9l', 'esp'].map(registerGroup), Array(9).fill('sub'));
    assert.deepEqual(['xmm0', 'ymm3', 'st0', 'fctrl', 'mxcsr', 'k0', 'pkru', 'orig_rax'].map(registerGroup), Array(8).fill('hidden'));
  });

  it('decodes rflags, CR0, CR3, CR4 and EFER', () => {
    assert.equal(decodeRegister('eflags', '0x246'), '0x246 [PF ZF IF IOPL=0]');
    assert.equal(decodeRegister('cr0', '0x80050033'), '0x80050033 [PE MP ET NE WP AM PG]');
    assert.equal(decodeRegister('cr4', '0x3506f0'), '0x3506f0 [PSE PAE MCE PGE OSFXSR OSXMMEXCPT FSGSBASE OSXSAVE SMEP SMAP]');
    assert.equal(decodeRegister('cr3', '0x3e0a003'), '0x3e0a003 [page table at 0x3e0a000, PCID 3]');
    assert.equal(decodeRegister('efer', '0xd01'), '0xd01 [SCE LME LMA NXE]');
    assert.equal(decodeRegister('rax', '0x10'), '0x10');
    assert.equal(decodeRegister('cr0', '<unavailable>'), '<unavailable>');
  });
});
