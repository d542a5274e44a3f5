// The engine's data breakpoints: DAP dataBreakpointInfo / setDataBreakpoints as gdb hardware
// watchpoints on an address range (so a local's watchpoint outlives its frame's scope check), each
// counted against the CPU's debug registers it shares with hardware breakpoints.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple, type MiTuple } from '../mi/parser';
import { parseAddress } from '../session/moduleSymbols';
import { hitConditionMet, parseHitCondition, type HitCondition } from '../session/hitCondition';
import { errorText } from './errors';
import { debugRegistersFor, type HardwareSlots } from './hwSlots';

interface Watch {
  gdbId: number;
  dap: DebugProtocol.Breakpoint;
  label: string;
  hit?: HitCondition;
  hits: number;
}

/** What a data breakpoint hit means: the user's stop (with a line saying what changed) or a skipped hit. */
export type WatchHit = { kind: 'stop'; dapId: number; text: string } | { kind: 'skip' };

/** A dataId names the watched range and how it was asked for: `0xADDR:SIZE:label`. */
export function parseDataId(id: string): { address: bigint; size: number; label: string } | undefined {
  const m = /^(0x[0-9a-f]+):(\d+):(.*)$/s.exec(id);
  return m ? { address: BigInt(m[1]), size: Number(m[2]), label: m[3] } : undefined;
}

/** The gdb expression for SIZE bytes at ADDRESS: a scalar of that width, else a byte array. */
export function watchExpression(address: bigint, size: number): string {
  const scalar: Record<number, string> = { 1: 'unsigned char', 2: 'unsigned short', 4: 'unsigned int', 8: 'unsigned long' };
  const hex = `0x${address.toString(16)}`;
  return scalar[size] ? `*(${scalar[size]} *) ${hex}` : `*(unsigned char (*)[${size}]) ${hex}`;
}

export class DataBreakpoints {
  private watches: Watch[] = [];
  private nextId = 100_000;

  constructor(private readonly gdb: () => GdbProcess, private readonly slots: HardwareSlots) {}

  /** dataBreakpointInfo for EXPRESSION in a frame (or global): its address and size, or why it cannot be watched. */
  async info(expression: string, thread?: number, frame?: number, bytes?: number): Promise<DebugProtocol.DataBreakpointInfoResponse['body']> {
    const ev = async (e: string) => miString((await this.gdb().send(mi.dataEvaluate(e, thread, frame))).value) ?? '';
    try {
      const address = parseAddress(await ev(`(unsigned long) &(${expression})`));
      const size = bytes ?? Number(parseAddress(await ev(`sizeof(${expression})`)) ?? 0n);
      if (address === undefined || !size) throw new Error('it has no address in memory');
      const regs = debugRegistersFor(address, size);
      const hex = `0x${address.toString(16)}`;
      const description = `${expression} (${size} byte${size === 1 ? '' : 's'} at ${hex}${regs > 1 ? `, ${regs} debug registers` : ''})`;
      return { dataId: `${hex}:${size}:${expression}`, description, accessTypes: ['write', 'read', 'readWrite'], canPersist: false };
    } catch (e) {
      return { dataId: null, description: `cannot watch ${expression}: ${errorText(e).replace(/^cannot access memory/i, 'it is not in memory')}` };
    }
  }

  /** Replaces every data breakpoint. Call with the kernel stopped. */
  async replace(wanted: DebugProtocol.DataBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    const old = this.watches.filter((w) => w.gdbId > 0).map((w) => w.gdbId);
    for (const w of this.watches) this.slots.release(`watch:${w.dap.id}`);
    this.watches = [];
    if (old.length) await this.gdb().send(mi.breakDelete(old)).catch(() => undefined);
    for (const w of wanted) this.watches.push(await this.insert(w));
    return this.watches.map((w) => w.dap);
  }

  hit(gdbId: number): WatchHit | undefined {
    const w = this.watches.find((x) => x.gdbId === gdbId);
    if (!w) return undefined;
    w.hits++;
    if (w.hit && !hitConditionMet(w.hit, w.hits)) return { kind: 'skip' };
    return { kind: 'stop', dapId: w.dap.id ?? 0, text: w.label };
  }

  private async insert(want: DebugProtocol.DataBreakpoint): Promise<Watch> {
    const id = this.nextId++;
    const refused = (message: string): Watch => ({ gdbId: -1, hits: 0, label: '', dap: { id, verified: false, message } });
    const range = parseDataId(want.dataId);
    if (!range) return refused(`not a data breakpoint Ring0 made: ${want.dataId}`);
    let hit: HitCondition | undefined;
    try {
      hit = want.hitCondition ? parseHitCondition(want.hitCondition) : undefined;
    } catch (e) {
      return refused(errorText(e));
    }
    const full = this.slots.take(`watch:${id}`, 'watchpoint', debugRegistersFor(range.address, range.size));
    if (full) return refused(full);
    const access = want.accessType ?? 'write';
    try {
      const r = await this.gdb().send(mi.breakWatch(watchExpression(range.address, range.size), access));
      const gdbId = miNumber(miTuple(r.wpt ?? r['hw-rwpt'] ?? r['hw-awpt'])?.number) ?? -1;
      if (access === 'write' && !(await this.isHardware(gdbId))) {
        await this.gdb().send(mi.breakDelete([gdbId])).catch(() => undefined);
        throw new Error('gdb could only make a software watchpoint (single-stepping the kernel): the stub offers no hardware watchpoints');
      }
      if (want.condition) await this.gdb().send(mi.breakCondition(gdbId, want.condition));
      const what = access === 'read' ? 'read' : access === 'readWrite' ? 'read or written' : 'written';
      return { gdbId, hit, hits: 0, label: `${range.label} ${what}`, dap: { id, verified: true, message: `${range.label}: ${access} watchpoint on ${range.size} bytes at 0x${range.address.toString(16)}` } };
    } catch (e) {
      this.slots.release(`watch:${id}`);
      return refused(errorText(e));
    }
  }

  private async isHardware(gdbId: number): Promise<boolean> {
    const r = await this.gdb().send(mi.breakList());
    const b = miList(miTuple(r.BreakpointTable)?.body).map((x) => miTuple(x)).find((x) => miNumber(x?.number) === gdbId);
    return /^(hw|read|acc)/.test(miString(b?.type) ?? '');
  }
}

/** The gdb watchpoint number of a watchpoint-trigger stop record, and its old/new values. */
export function watchTrigger(r: MiTuple): { id: number; change?: string } | undefined {
  const w = miTuple(r.wpt ?? r['hw-rwpt'] ?? r['hw-awpt']);
  const id = miNumber(w?.number);
  if (id === undefined) return undefined;
  const v = miTuple(r.value);
  const old = miString(v?.old);
  const now = miString(v?.new) ?? miString(v?.value);
  return { id, change: old !== undefined && now !== undefined ? `${old} → ${now}` : now !== undefined ? `value ${now}` : undefined };
}
