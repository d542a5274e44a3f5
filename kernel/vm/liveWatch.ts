// Live watch: kernel globals read while the VM runs (no gdb stop) through QEMU's monitor. Expressions
// are SYMBOL[+OFFSET][:TYPE] or 0xADDRESS[:TYPE]; symbols come from the kernel's System.map.
import { readFileSync, statSync } from 'node:fs';
import { vmKernelFor } from '../build/vmKernel';

export const WATCH_TYPES = { u8: 1, s8: 1, u16: 2, s16: 2, u32: 4, s32: 4, u64: 8, s64: 8 } as const;
export type WatchType = keyof typeof WATCH_TYPES;

export interface WatchSpec {
  text: string;
  symbol?: string;
  address?: bigint;
  offset: bigint;
  type: WatchType;
}

/** Parses a watch expression; throws a message that shows the accepted forms. */
export function parseWatch(text: string): WatchSpec {
  const m = /^\s*(?:(0x[0-9a-fA-F]{1,16})|([A-Za-z_][A-Za-z0-9_.]*))(?:\s*\+\s*(0x[0-9a-fA-F]+|\d+))?(?:\s*:\s*([us](?:8|16|32|64)))?\s*$/.exec(text);
  if (!m) throw new Error(`'${text}' is not a watch expression: use SYMBOL, SYMBOL+OFFSET, 0xADDRESS, optionally with :u8|u16|u32|u64|s8|s16|s32|s64 (default u64), e.g. jiffies or nr_threads:s32`);
  return {
    text: text.trim(),
    ...(m[1] ? { address: BigInt(m[1]) } : { symbol: m[2] }),
    offset: m[3] ? BigInt(m[3]) : 0n,
    type: (m[4] ?? 'u64') as WatchType,
  };
}

const symbolMaps = new Map<string, { mtimeMs: number; symbols: Map<string, bigint> }>();

/** Parses System.map ("ffffffff82a079c0 D jiffies" lines); cached per file. */
export function parseSystemMap(text: string): Map<string, bigint> {
  const symbols = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{16}) [A-Za-z] (\S+)$/.exec(line);
    if (m && !symbols.has(m[2])) symbols.set(m[2], BigInt(`0x${m[1]}`));
  }
  return symbols;
}

export function loadSystemMap(file: string): Map<string, bigint> {
  const mtimeMs = statSync(file).mtimeMs;
  const cached = symbolMaps.get(file);
  if (cached && cached.mtimeMs === mtimeMs) return cached.symbols;
  const symbols = parseSystemMap(readFileSync(file, 'utf8'));
  symbolMaps.set(file, { mtimeMs, symbols });
  return symbols;
}

/** The symbols of the workspace VM's kernel, or undefined when its System.map is not installed. */
export function kernelSymbolsFor(workspace: string): Map<string, bigint> | undefined {
  const map = vmKernelFor(workspace).systemMap;
  return map ? loadSystemMap(map) : undefined;
}

export function resolveWatch(spec: WatchSpec, symbols: Map<string, bigint> | undefined): bigint {
  if (spec.address !== undefined) return spec.address + spec.offset;
  if (!symbols) throw new Error("no System.map for this kernel: install its debug symbols with 'ring0 setup --debug-symbols', or watch a 0xADDRESS");
  const base = symbols.get(spec.symbol!);
  if (base === undefined) throw new Error(`no symbol '${spec.symbol}' in the kernel's System.map (module symbols and per-CPU variables cannot be watched this way)`);
  return base + spec.offset;
}

// With nokaslr the kernel image is mapped at __START_KERNEL_map + physical address: reading it
// physically works whatever page tables the vCPU is on (user page tables under KPTI lack the kernel).
const START_KERNEL_MAP = 0xffffffff80000000n;
const KERNEL_IMAGE_END = 0xffffffffc0000000n;

/** The QEMU monitor command that reads one value at ADDRESS. */
export function monitorReadCommand(address: bigint, size: 1 | 2 | 4 | 8): string {
  const unit = { 1: 'b', 2: 'h', 4: 'w', 8: 'g' }[size];
  const inImage = address >= START_KERNEL_MAP && address < KERNEL_IMAGE_END;
  return inImage ? `xp /1x${unit} 0x${(address - START_KERNEL_MAP).toString(16)}` : `x /1x${unit} 0x${address.toString(16)}`;
}

/** The value in the monitor's answer ("0000000001a2b3c0: 0x00000000fffb6c20"); throws on its errors. */
export function parseMonitorRead(out: string): bigint {
  const m = /^[0-9a-fA-F]+:\s+0x([0-9a-fA-F]+)\s*$/m.exec(out);
  if (!m) throw new Error(out.trim() ? `QEMU could not read it: ${out.trim().split('\n')[0]}` : 'QEMU returned nothing');
  return BigInt(`0x${m[1]}`);
}

export function formatWatchValue(raw: bigint, type: WatchType): string {
  const bits = BigInt(WATCH_TYPES[type] * 8);
  const v = raw & ((1n << bits) - 1n);
  return (type.startsWith('s') && v >= 1n << (bits - 1n) ? v - (1n << bits) : v).toString();
}

export interface WatchReading {
  text: string;
  address?: string;
  value?: string;
  hex?: string;
  /** Why the value cannot be read (bad expression, unknown symbol, unmapped memory, VM gone). */
  error?: string;
}

/** Something that can send a control request to the VM daemon (an AgentClient). */
export interface ControlCaller {
  call(request: { op: string; [k: string]: unknown }, opts?: { timeoutMs?: number }): Promise<{ json: Record<string, unknown> }>;
}

/** Reads every watch once; each failure is reported on its own row, never thrown. */
export async function readWatches(agent: ControlCaller, texts: string[], symbols: Map<string, bigint> | undefined): Promise<WatchReading[]> {
  return Promise.all(texts.map(async (text): Promise<WatchReading> => {
    let address: bigint | undefined;
    try {
      const spec = parseWatch(text);
      address = resolveWatch(spec, symbols);
      const { json } = await agent.call({ op: 'vm.readMemory', address: `0x${address.toString(16)}`, size: WATCH_TYPES[spec.type] }, { timeoutMs: 5000 });
      const hex = json.value;
      if (typeof hex !== 'string' || !/^0x[0-9a-f]+$/i.test(hex)) throw new Error('the VM daemon gave no value');
      return { text, address: `0x${address.toString(16)}`, value: formatWatchValue(BigInt(hex), spec.type), hex };
    } catch (e) {
      return { text, ...(address !== undefined ? { address: `0x${address.toString(16)}` } : {}), error: (e as Error).message };
    }
  }));
}
