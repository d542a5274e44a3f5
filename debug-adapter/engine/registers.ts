// The engine's register reading: a frame's general-purpose registers, rip and rflags at the top, the
// segment, control and 8/16/32-bit sub-registers in groups (see session/registerDecode.ts).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple } from '../mi/parser';
import { GROUP_LABELS, decodeRegister, registerGroup, registerOrder, type RegisterGroup } from '../session/registerDecode';

export type RegisterGroupName = Exclude<RegisterGroup, 'hidden'>;

export class Registers {
  private names?: string[];

  constructor(private readonly gdb: () => GdbProcess) {}

  /** The registers of GROUP; the top level ends with one expandable row per group (GROUPREF makes its reference). */
  async read(thread: number, frame: number, group: RegisterGroupName, groupRef: (g: RegisterGroupName) => number): Promise<DebugProtocol.Variable[]> {
    const gdb = this.gdb();
    if (!this.names) this.names = miList((await gdb.send(mi.listRegisterNames()))['register-names']).map((n) => miString(n) ?? '');
    const r = await gdb.send(mi.listRegisterValues(thread, frame));
    const out: { v: DebugProtocol.Variable; order: number }[] = [];
    const present = new Set<RegisterGroup>();
    for (const v of miList(r['register-values'])) {
      const t = miTuple(v);
      const name = this.names[miNumber(t?.number) ?? -1];
      const value = miString(t?.value);
      if (!name || value === undefined) continue;
      const g = registerGroup(name);
      present.add(g);
      if (g !== group) continue;
      const shown = name === 'eflags' ? 'rflags' : name;
      out.push({
        order: registerOrder(name),
        v: { name: shown, value: decodeRegister(name, value), variablesReference: 0, evaluateName: `$${name}`, memoryReference: group === 'top' && /^0x/.test(value) ? value : undefined },
      });
    }
    const rows = out.sort((a, b) => a.order - b.order).map((o) => o.v);
    if (group === 'top') {
      for (const g of ['segment', 'control', 'sub'] as const) {
        if (present.has(g)) rows.push({ name: GROUP_LABELS[g], value: '', variablesReference: groupRef(g), presentationHint: { kind: 'virtual' } });
      }
    }
    return rows;
  }

  async assign(thread: number, frame: number, name: string, value: string): Promise<string> {
    const reg = name === 'rflags' ? 'eflags' : name;
    const r = await this.gdb().send(mi.dataEvaluate(`$${reg} = ${value}`, thread, frame));
    const raw = miString(r.value) ?? value;
    return decodeRegister(reg, /^-?\d+$/.test(raw) ? `0x${BigInt.asUintN(64, BigInt(raw)).toString(16)}` : raw);
  }
}
