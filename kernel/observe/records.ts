// Pure decoding of streamed BPF records (hex lines from the guest reader) with a struct type from BTF:
// the struct the user names, else the only struct whose size matches the record; hex otherwise.
import type { Btf } from '../elf/btf';
import { BtfValueError, decodeBtfValue, findStructs, objectStructIds } from './btfValue';

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
}

const LINE = /^(?:(\d{1,5}):)?([0-9a-f]*)$/;

export class RecordDecoder {
  private seq = 0;
  private readonly bySize = new Map<number, Choice>();
  private readonly named: Choice | undefined;
  private own: Set<number> | undefined;
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
      if (hits.length > 1) {
        // The object's own structs (globals, map keys/values) over kernel ones of the same size.
        this.own ??= objectStructIds(this.opts.btf);
        const own = hits.filter((t) => this.own?.has(t.id));
        if (own.length === 1) hits = own;
      }
      if (hits.length === 1) c = { id: hits[0].id, name: hits[0].name, size: hits[0].sizeOrType };
      else if (hits.length === 0) c = { note: `no struct in the BTF has ${size} bytes: records of ${size} bytes are hex (clang puts a struct in BTF only when a global or function uses it: declare a global of the record's type, or name one with --struct)` };
      else c = { note: `${hits.length} structs have ${size} bytes (${hits.map((t) => t.name).slice(0, 8).join(', ')}): records are hex; pick one with --struct` };
    }
    if (c.note) this.notes.push(c.note);
    this.bySize.set(size, c);
    return c;
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
