// The engine's memory access: reading (unmapped bytes reported as unreadable), writing, and
// disassembling around an address (x86 instructions are 1-15 bytes, so decoding starts well before).
import { Source } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import path from 'node:path';
import type { GdbProcess } from '../gdb/gdbProcess';
import * as mi from '../mi/commands';
import { miList, miNumber, miString, miTuple, type MiTuple } from '../mi/parser';

const hex = (a: bigint): string => `0x${a.toString(16)}`;

export async function readMemory(gdb: GdbProcess, reference: string, offset: number, count: number): Promise<{ address: string; data: Buffer; unreadableBytes: number }> {
  const start = BigInt(reference) + BigInt(offset);
  const n = Math.min(count, 1 << 20);
  let data = Buffer.alloc(0);
  try {
    const r = await gdb.send(mi.readMemory(hex(start), n));
    data = Buffer.from(miString(miTuple(miList(r.memory)[0])?.contents) ?? '', 'hex');
  } catch {
    // unreadable (unmapped) memory is reported as such, not as an error
  }
  return { address: hex(start), data, unreadableBytes: n - data.length };
}

export async function writeMemory(gdb: GdbProcess, reference: string, offset: number, data: Buffer): Promise<void> {
  await gdb.send(mi.writeMemory(hex(BigInt(reference) + BigInt(offset)), data.toString('hex')));
}

/** COUNT instructions starting INSTRUCTIONOFFSET instructions from REFERENCE+OFFSET, padded with invalid rows. */
export async function disassemble(gdb: GdbProcess, reference: string, offset: number, instructionOffset: number, count: number): Promise<DebugProtocol.DisassembledInstruction[]> {
  const base = BigInt(reference) + BigInt(offset);
  const before = Math.max(0, -instructionOffset);
  const from = base - BigInt(before * 15 + 32);
  const to = base + BigInt(Math.max(count - before, 1) * 15 + 16);
  const lines = disassemblyLines(await gdb.send(mi.disassemble(hex(from), hex(to)), 60_000));
  const at = lines.findIndex((l) => BigInt(l.address) >= base);
  const first = (at < 0 ? lines.length : at) + instructionOffset;
  const out: DebugProtocol.DisassembledInstruction[] = [];
  for (let i = first; out.length < count; i++) {
    if (i >= 0 && i < lines.length) out.push(lines[i]);
    else out.push({ address: '0x0', instruction: '??', presentationHint: 'invalid' });
    if (i > lines.length + count) break;
  }
  return out;
}

function disassemblyLines(r: MiTuple): DebugProtocol.DisassembledInstruction[] {
  const out: DebugProtocol.DisassembledInstruction[] = [];
  for (const src of miList(r.asm_insns)) {
    const t = miTuple(src) ?? {};
    const insns = t.line_asm_insn !== undefined ? miList(t.line_asm_insn) : [src];
    const file = miString(t.fullname) ?? miString(t.file);
    const line = miNumber(t.line);
    for (const [k, i] of insns.entries()) {
      const it = miTuple(i) ?? {};
      const address = miString(it.address);
      if (!address) continue;
      const fn = miString(it['func-name']);
      const off = miString(it.offset);
      out.push({
        address,
        instruction: miString(it.inst) ?? '',
        instructionBytes: miString(it.opcodes),
        symbol: fn ? `${fn}+${off ?? 0}` : undefined,
        ...(k === 0 && file && line ? { location: new Source(path.basename(file), file), line } : {}),
      });
    }
  }
  return out;
}
