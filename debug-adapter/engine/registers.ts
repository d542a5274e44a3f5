// The engine's register reading: the general-purpose, segment and control registers of a frame.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple } from '../mi/parser';

/** Vector and x87 registers are noise in a kernel frame. */
const HIDDEN = /^(st\d|f|x|y|k|zmm|ymm|xmm|mxcsr|fop|fstat|fctrl|ftag|fiseg|fioff|foseg|fooff)/;

export class Registers {
  private names?: string[];

  constructor(private readonly gdb: () => GdbProcess) {}

  async read(thread: number, frame: number): Promise<DebugProtocol.Variable[]> {
    const gdb = this.gdb();
    if (!this.names) this.names = miList((await gdb.send(mi.listRegisterNames()))['register-names']).map((n) => miString(n) ?? '');
    const r = await gdb.send(mi.listRegisterValues(thread, frame));
    const out: DebugProtocol.Variable[] = [];
    for (const v of miList(r['register-values'])) {
      const t = miTuple(v);
      const name = this.names[miNumber(t?.number) ?? -1];
      const value = miString(t?.value);
      if (!name || value === undefined || HIDDEN.test(name)) continue;
      out.push({ name, value, variablesReference: 0, evaluateName: `$${name}`, memoryReference: /^0x/.test(value) ? value : undefined });
    }
    return out;
  }

  async assign(thread: number, frame: number, name: string, value: string): Promise<string> {
    const r = await this.gdb().send(mi.dataEvaluate(`$${name} = ${value}`, thread, frame));
    return miString(r.value) ?? value;
  }
}
