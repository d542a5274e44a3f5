// Map updates and deletes for the map table: JSON keys/values encoded with the map's BTF (or given as
// hex), written by bpftool map update/delete in the guest.
import { lookupMap, type MapRow, type ObserveAgent } from './bpf';
import { BtfValueError, encodeBtfValue } from './btfValue';
import { mapBtf, type MapBtf } from './mapBtf';

/** Raw bytes given as hex instead of a BTF-typed value: `{ hex: "0a000000" }`. */
export interface HexInput {
  hex: string;
}

export type MapInput = HexInput | unknown;

export interface MapEditOptions {
  /** update: 'any' (default) creates or replaces, 'noexist' only creates, 'exist' only replaces. */
  flags?: 'any' | 'exist' | 'noexist';
  loaderPath?: string;
  /** The map's BTF, when the caller already has it (skips a guest round trip). */
  btf?: MapBtf | null;
}

export interface MapEditResult {
  map: MapRow;
  keyHex: string;
  valueHex?: string;
}

const PERCPU = /percpu/;

function isHexInput(v: unknown): v is HexInput {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as HexInput).hex === 'string';
}

/**
 * Bytes for a key or value of `size`: `{hex}` as is; else encoded as the BTF type; without BTF, an
 * integer for a 1/2/4/8-byte field (little-endian). Throws BtfValueError with what is wrong.
 */
export function encodeMapInput(input: MapInput, size: number, what: 'key' | 'value', btf?: MapBtf, typeId = 0): Buffer {
  if (isHexInput(input)) {
    const h = input.hex.replace(/^0x/i, '').replace(/[\s:]/g, '');
    if (!/^([0-9a-f]{2})*$/i.test(h)) throw new BtfValueError(`${what}: '${input.hex}' is not hex bytes`);
    const b = Buffer.from(h, 'hex');
    if (b.length !== size) throw new BtfValueError(`${what}: ${b.length} bytes given, the map's ${what} has ${size}`);
    return b;
  }
  const buf = Buffer.alloc(size);
  if (btf && typeId) {
    encodeBtfValue(btf.btf, typeId, input, buf, 0, what);
    return buf;
  }
  if ([1, 2, 4, 8].includes(size) && (typeof input === 'number' || typeof input === 'string' || typeof input === 'bigint')) {
    let v: bigint;
    try {
      v = BigInt(typeof input === 'number' ? Math.trunc(input) : input);
    } catch {
      throw new BtfValueError(`${what}: '${String(input)}' is not an integer`);
    }
    if (v < -(1n << BigInt(size * 8 - 1)) || v >= 1n << BigInt(size * 8)) throw new BtfValueError(`${what}: ${v} does not fit in ${size} bytes`);
    let u = BigInt.asUintN(size * 8, v);
    for (let i = 0; i < size; i++, u >>= 8n) buf[i] = Number(u & 0xffn);
    return buf;
  }
  throw new BtfValueError(`${what}: the map has no BTF; give the ${size} bytes as {"hex": "..."}${[1, 2, 4, 8].includes(size) ? ' or an integer' : ''}`);
}

const hexWords = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0'));

async function btfFor(agent: ObserveAgent, map: MapRow, opts: MapEditOptions): Promise<MapBtf | undefined> {
  if (opts.btf !== undefined) return opts.btf ?? undefined;
  if (map.btfId === undefined) return undefined;
  const b = await mapBtf(agent, map.id, { loaderPath: opts.loaderPath });
  return b?.own ? b : undefined;
}

async function bpftool(agent: ObserveAgent, args: string[], what: string): Promise<void> {
  const r = await agent.run(['bpftool', ...args], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(`${what} failed: ${r.stderr.toString().trim() || r.stdout.toString().trim() || `bpftool exit ${r.exitCode}`}`);
}

/** Creates or replaces one entry of MAP (id, name or pin path). */
export async function updateMapEntry(agent: ObserveAgent, ref: string, key: MapInput, value: MapInput, opts: MapEditOptions = {}): Promise<MapEditResult> {
  const { map, target } = await lookupMap(agent, ref);
  if (PERCPU.test(map.type)) throw new Error(`map ${map.id} is a ${map.type} map: per-CPU values cannot be edited yet`);
  const btf = await btfFor(agent, map, opts);
  const k = encodeMapInput(key, map.keySize, 'key', btf, btf?.keyTypeId);
  const v = encodeMapInput(value, map.valueSize, 'value', btf, btf?.valueTypeId);
  await bpftool(agent, ['map', 'update', ...target, 'key', 'hex', ...hexWords(k), 'value', 'hex', ...hexWords(v), opts.flags ?? 'any'], `updating map ${map.id} (${map.name})`);
  return { map, keyHex: k.toString('hex'), valueHex: v.toString('hex') };
}

/** Deletes one entry of MAP; an error when the key is not there. */
export async function deleteMapEntry(agent: ObserveAgent, ref: string, key: MapInput, opts: Pick<MapEditOptions, 'loaderPath' | 'btf'> = {}): Promise<MapEditResult> {
  const { map, target } = await lookupMap(agent, ref);
  const btf = await btfFor(agent, map, opts);
  const k = encodeMapInput(key, map.keySize, 'key', btf, btf?.keyTypeId);
  await bpftool(agent, ['map', 'delete', ...target, 'key', 'hex', ...hexWords(k)], `deleting from map ${map.id} (${map.name})`);
  return { map, keyHex: k.toString('hex') };
}
