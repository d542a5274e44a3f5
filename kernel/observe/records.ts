// Pure decoding of streamed BPF records (hex lines from the guest reader) with a struct type from BTF:
// the struct the user names, else the struct of the record's size: the only one, else the program's own
// (not in the kernel's BTF), else the one a ring-buffer call site points to; hex otherwise. Each choice
// says why (a note), and `candidates` lists what the user may pick instead.
import type { Btf, BtfType } from '../elf/btf';
import { BtfValueError, decodeBtfValue, findStructs, objectStructIds } from './btfValue';
import { callSiteHints, type CallSiteHint } from './recordHints';

export type RecordMapType = 'ringbuf' | 'perf_event_array';

export interface StreamRecord {
  /** Index of the record among those this decoder saw (0-based). */
  seq: number;
  /** perf_event_array records: the CPU whose buffer held it. */
  cpu?: number;
  /** Bytes in the record (perf samples include up to 7 bytes of kernel padding). */
  size: number;
  /** The struct the record was decoded as. */
  type?: string;
  value?: unknown;
  /** The record's bytes: always when it was not decoded, else only with the `hex` option. */
  hex?: string;
  /** Why the record is malformed, truncated or not decoded as its struct. */
  error?: string;
}

export interface RecordDecoderOptions {
  mapType: RecordMapType;
  /** The map's (or its programs') BTF; without it records are hex. */
  btf?: Btf;
  /** Decode every record as this struct (an error when the BTF has no such struct). */
  structName?: string;
  /** Keep the hex of decoded records too. */
  hex?: boolean;
  /** Struct names the kernel's own BTF defines: a CO-RE program's copies of them are not its records. */
  kernelStructs?: ReadonlySet<string>;
  /** The streamed map's name, to prefer call sites that name it. */
  mapName?: string;
}

/** The user named a struct that cannot be used. */
export class RecordTypeError extends Error {
  override readonly name = 'RecordTypeError';
}

interface Choice {
  id?: number;
  name?: string;
  size?: number;
  /** Why records of this size stay hex. */
  note?: string;
  /** Why this struct was chosen. */
  why?: string;
}

const LINE = /^(?:(\d{1,5}):)?([0-9a-f]*)$/;

export class RecordDecoder {
  private seq = 0;
  private readonly bySize = new Map<number, Choice>();
  private readonly named: Choice | undefined;
  private own: Set<number> | undefined;
  private hints: CallSiteHint[] | undefined;
  /** One line per distinct reason records stayed hex (for a notice; not repeated per record). */
  readonly notes: string[] = [];
  malformed = 0;
  decoded = 0;

  constructor(private readonly opts: RecordDecoderOptions) {
    if (opts.structName !== undefined) {
      if (!opts.btf) throw new RecordTypeError(`--struct ${opts.structName}: the map has no BTF (neither it nor a program using it), so records can only be hex`);
      const hits = findStructs(opts.btf, { name: opts.structName });
      if (hits.length === 0) {
        const own = objectStructIds(opts.btf);
        const all = findStructs(opts.btf, {}).sort((a, b) => Number(own.has(b.id)) - Number(own.has(a.id)));
        const names = all.map((t) => `${t.name} (${t.sizeOrType} bytes)`).slice(0, 20);
        throw new RecordTypeError(`no struct '${opts.structName}' in the map's BTF${names.length ? `; structs there: ${names.join(', ')}` : ''}`);
      }
      this.named = { id: hits[0].id, name: hits[0].name, size: hits[0].sizeOrType };
    }
  }

  /** The struct records of this size decode as (undefined: hex), and why. */
  choose(size: number): Choice {
    if (this.named) return this.named;
    let c = this.bySize.get(size);
    if (c) return c;
    if (!this.opts.btf) c = { note: 'the map has no BTF: records are hex' };
    else {
      // perf samples are padded so that size + 4 is a multiple of 8.
      const slack = this.opts.mapType === 'perf_event_array' ? 7 : 0;
      let hits = findStructs(this.opts.btf, { size, sizeSlack: slack });
      if (hits.length > 1) {
        const exact = hits.filter((t) => t.sizeOrType === size);
        if (exact.length === 1) hits = exact;
        else {
          // Prefer the deepest fit (largest struct ≤ size) when that is unique.
          const max = Math.max(...hits.map((t) => t.sizeOrType));
          const best = hits.filter((t) => t.sizeOrType === max);
          if (best.length === 1 && slack) hits = best;
        }
      }
      c = this.pick(hits, size);
    }
    this.notes.push(c.note ?? `records of ${size} bytes decode as struct ${c.name}: ${c.why}`);
    this.bySize.set(size, c);
    return c;
  }

  /** Among structs of the record's size: the only one, the program's own, the call site's; else a note. */
  private pick(hits: BtfType[], size: number): Choice {
    const chosen = (t: BtfType, why: string): Choice => ({ id: t.id, name: t.name, size: t.sizeOrType, why });
    if (hits.length === 1) return chosen(hits[0], `the only struct of ${hits[0].sizeOrType} bytes in the program's BTF`);
    if (hits.length === 0) return { note: `no struct in the BTF has ${size} bytes: records of ${size} bytes are hex (clang puts a struct in BTF only when a global or function uses it: declare a global of the record's type, or name one with --struct)` };
    const kernel = this.opts.kernelStructs;
    const own = kernel ? hits.filter((t) => !kernel.has(t.name)) : [];
    if (own.length === 1) return chosen(own[0], `the only struct of ${own[0].sizeOrType} bytes the kernel's BTF does not define (the program's own; ${hits.length - 1} kernel struct(s) have that size too)`);
    const pool = own.length ? own : hits;
    this.hints ??= callSiteHints(this.opts.btf as Btf);
    const forMap = this.hints.filter((h) => h.map !== undefined && this.opts.mapName !== undefined && h.map.startsWith(this.opts.mapName));
    for (const hints of [forMap, this.hints]) {
      const named = new Set(hints.map((h) => h.struct));
      const sites = pool.filter((t) => named.has(t.name));
      if (sites.length === 1) return chosen(sites[0], `the call site \`${hints.find((h) => h.struct === sites[0].name)?.line}\` points to it`);
    }
    // The object's own structs (globals, map keys/values) over kernel ones of the same size.
    this.own ??= objectStructIds(this.opts.btf as Btf);
    const globals = pool.filter((t) => this.own?.has(t.id));
    if (globals.length === 1) return chosen(globals[0], `the only struct of ${globals[0].sizeOrType} bytes a global or map of the program uses`);
    return { note: `${pool.length} structs have ${size} bytes (${pool.map((t) => t.name).slice(0, 8).join(', ')}): records are hex; pick one with --struct` };
  }

  /** Structs the user may decode records of this size as: the program's own first. */
  candidates(size: number): string[] {
    if (!this.opts.btf) return [];
    const slack = this.opts.mapType === 'perf_event_array' ? 7 : 0;
    const kernel = this.opts.kernelStructs;
    const hits = findStructs(this.opts.btf, { size, sizeSlack: slack });
    return hits.sort((a, b) => Number(kernel?.has(a.name) ?? false) - Number(kernel?.has(b.name) ?? false)).map((t) => t.name);
  }

  /** One reader line: "HEX" (ring buffer) or "CPU:HEX" (perf event array). Never throws. */
  decodeLine(line: string): StreamRecord {
    const seq = this.seq++;
    const m = LINE.exec(line);
    if (!m || m[2].length % 2 !== 0) {
      this.malformed++;
      const shown = line.length > 64 ? `${line.slice(0, 64)}…` : line;
      return { seq, size: 0, error: `malformed record line (${line.length} characters): ${JSON.stringify(shown)}` };
    }
    const bytes = Buffer.from(m[2], 'hex');
    const rec = this.decode(bytes, seq);
    if (m[1] !== undefined) rec.cpu = Number(m[1]);
    return rec;
  }

  /** One record's bytes. Never throws: short or undecodable records come back as hex with an error. */
  decode(bytes: Buffer, seq = this.seq++): StreamRecord {
    const rec: StreamRecord = { seq, size: bytes.length };
    const c = bytes.length === 0 ? { note: 'empty record' } : this.choose(bytes.length);
    if (c.id === undefined || !this.opts.btf) {
      rec.hex = bytes.toString('hex');
      if (bytes.length === 0) {
        this.malformed++;
        rec.error = 'empty record';
      }
      return rec;
    }
    rec.type = `struct ${c.name}`;
    const size = c.size ?? 0;
    if (bytes.length < size) {
      this.malformed++;
      rec.hex = bytes.toString('hex');
      rec.error = `truncated: ${bytes.length} bytes, struct ${c.name} has ${size}`;
      return rec;
    }
    try {
      rec.value = decodeBtfValue(this.opts.btf, c.id, bytes);
      this.decoded++;
    } catch (e) {
      this.malformed++;
      rec.hex = bytes.toString('hex');
      rec.error = e instanceof BtfValueError ? `cannot decode as struct ${c.name}: ${e.message}` : String(e);
      return rec;
    }
    const slack = this.opts.mapType === 'perf_event_array' ? 7 : 0;
    if (bytes.length - size > slack) rec.error = `${bytes.length} bytes, struct ${c.name} has ${size}: decoded the first ${size}`;
    if (this.opts.hex || rec.error) rec.hex = bytes.toString('hex');
    return rec;
  }
}
