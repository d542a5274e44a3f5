// Validated parsing of `bpftool -j` output (prog show, map show, link show, map dump) into typed records.

/** bpftool printed something that is not the JSON shape we rely on. */
export class BpftoolParseError extends Error {
  override readonly name = 'BpftoolParseError';
}

export interface BpfProgInfo {
  id: number;
  type: string;
  name: string;
  tag?: string;
  /** Present only while kernel BPF stats are (or were) enabled. */
  runCnt?: number;
  runTimeNs?: number;
  loadedAt?: number;
  mapIds: number[];
  btfId?: number;
}

export interface BpfMapInfo {
  id: number;
  type: string;
  name: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  btfId?: number;
}

export interface BpfLinkInfo {
  id: number;
  type: string;
  progId: number;
  /** The rest of bpftool's link record (tp_name, attach_type, ifindex, ...). */
  details: Record<string, unknown>;
}

export interface MapEntry {
  /** Decoded by BTF when the map has it; else the key's bytes as hex. */
  key: unknown;
  /** Per-CPU maps: one value per CPU (index = CPU). */
  value: unknown;
  keyHex: string;
  valueHex: string | string[];
}

export interface MapDump {
  entries: MapEntry[];
  /** Entries bpftool could not read (e.g. deleted during the dump). */
  errors: string[];
  btf: boolean;
}

type Obj = Record<string, unknown>;

function parseArray(text: string | Buffer, what: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text.toString());
  } catch (e) {
    throw new BpftoolParseError(`bpftool ${what}: not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(v)) throw new BpftoolParseError(`bpftool ${what}: expected a JSON array`);
  return v;
}

function obj(v: unknown, what: string, i: number): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BpftoolParseError(`bpftool ${what}: entry ${i} is not an object`);
  return v as Obj;
}

function num(o: Obj, key: string, what: string, i: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BpftoolParseError(`bpftool ${what}: entry ${i} has no numeric '${key}'`);
  return v;
}

function optNum(o: Obj, key: string): number | undefined {
  return typeof o[key] === 'number' ? (o[key] as number) : undefined;
}

function str(o: Obj, key: string, fallback?: string): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  return fallback ?? '';
}

export function parseProgShow(text: string | Buffer): BpfProgInfo[] {
  return parseArray(text, 'prog show').map((raw, i) => {
    const o = obj(raw, 'prog show', i);
    const mapIds = Array.isArray(o.map_ids) ? o.map_ids.filter((m): m is number => typeof m === 'number') : [];
    const p: BpfProgInfo = { id: num(o, 'id', 'prog show', i), type: str(o, 'type', 'unknown'), name: str(o, 'name'), mapIds };
    if (typeof o.tag === 'string') p.tag = o.tag;
    const runCnt = optNum(o, 'run_cnt');
    const runTimeNs = optNum(o, 'run_time_ns');
    if (runCnt !== undefined) p.runCnt = runCnt;
    if (runTimeNs !== undefined) p.runTimeNs = runTimeNs;
    const loadedAt = optNum(o, 'loaded_at');
    if (loadedAt !== undefined) p.loadedAt = loadedAt;
    const btfId = optNum(o, 'btf_id');
    if (btfId !== undefined) p.btfId = btfId;
    return p;
  });
}

export function parseMapShow(text: string | Buffer): BpfMapInfo[] {
  return parseArray(text, 'map show').map((raw, i) => {
    const o = obj(raw, 'map show', i);
    const m: BpfMapInfo = {
      id: num(o, 'id', 'map show', i),
      type: str(o, 'type', 'unknown'),
      name: str(o, 'name'),
      keySize: num(o, 'bytes_key', 'map show', i),
      valueSize: num(o, 'bytes_value', 'map show', i),
      maxEntries: num(o, 'max_entries', 'map show', i),
      flags: optNum(o, 'flags') ?? 0,
    };
    const btfId = optNum(o, 'btf_id');
    if (btfId !== undefined) m.btfId = btfId;
    return m;
  });
}

export function parseLinkShow(text: string | Buffer): BpfLinkInfo[] {
  return parseArray(text, 'link show').map((raw, i) => {
    const o = obj(raw, 'link show', i);
    const { id: _id, type: _type, prog_id: _prog, ...details } = o;
    return { id: num(o, 'id', 'link show', i), type: str(o, 'type', 'unknown'), progId: num(o, 'prog_id', 'link show', i), details };
  });
}

/** ["0x7a","0x00"] → "7a00"; anything else is a parse error. */
export function hexBytes(v: unknown, what: string): string {
  if (!Array.isArray(v)) throw new BpftoolParseError(`bpftool map dump: ${what} is not a byte array`);
  return v
    .map((b) => {
      if (typeof b !== 'string' || !/^0x[0-9a-f]{2}$/i.test(b)) throw new BpftoolParseError(`bpftool map dump: ${what} has a bad byte ${JSON.stringify(b)}`);
      return b.slice(2).toLowerCase();
    })
    .join('');
}

function perCpu(v: unknown, what: string): Array<{ cpu: number; value: unknown }> {
  if (!Array.isArray(v)) throw new BpftoolParseError(`bpftool map dump: ${what} is not an array`);
  return v.map((x, i) => {
    const o = obj(x, `map dump ${what}`, i);
    return { cpu: num(o, 'cpu', `map dump ${what}`, i), value: o.value };
  }).sort((a, b) => a.cpu - b.cpu);
}

/** `bpftool -j map dump`: plain and per-CPU maps, with or without BTF (`formatted`). */
export function parseMapDump(text: string | Buffer): MapDump {
  const out: MapDump = { entries: [], errors: [], btf: false };
  parseArray(text, 'map dump').forEach((raw, i) => {
    const o = obj(raw, 'map dump', i);
    if (typeof o.error === 'string' && o.key === undefined) {
      out.errors.push(o.error);
      return;
    }
    const keyHex = hexBytes(o.key, `entry ${i} key`);
    const fmt = typeof o.formatted === 'object' && o.formatted !== null ? (o.formatted as Obj) : undefined;
    if (fmt) out.btf = true;
    let valueHex: string | string[];
    let value: unknown;
    if (o.values !== undefined) {
      const vals = perCpu(o.values, `entry ${i} values`);
      valueHex = vals.map((v) => hexBytes(v.value, `entry ${i} cpu ${v.cpu} value`));
      value = fmt && fmt.values !== undefined ? perCpu(fmt.values, `entry ${i} formatted values`).map((v) => v.value) : valueHex;
    } else if (o.value !== undefined) {
      valueHex = hexBytes(o.value, `entry ${i} value`);
      value = fmt && 'value' in fmt ? fmt.value : valueHex;
    } else if (typeof o.error === 'string') {
      out.errors.push(`key ${keyHex}: ${o.error}`);
      return;
    } else {
      throw new BpftoolParseError(`bpftool map dump: entry ${i} has neither value nor values`);
    }
    out.entries.push({ key: fmt && 'key' in fmt ? fmt.key : keyHex, value, keyHex, valueHex });
  });
  return out;
}
