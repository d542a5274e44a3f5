// Decodes raw bytes as a BTF type (ints, enums, char arrays as text, arrays, structs, unions, bitfields)
// into plain JSON values, and encodes JSON input back into bytes for map updates.
import { Btf, BTF_KIND, type BtfType } from '../elf/btf';
import { hasOwn, setOwn } from '../util/ownKeys';

/** The bytes are shorter than the type, or the type cannot be decoded. */
export class BtfValueError extends Error {
  override readonly name = 'BtfValueError';
}

const MAX_DEPTH = 16;

function need(buf: Buffer, off: number, size: number, what: string): void {
  if (off < 0 || off + size > buf.length) throw new BtfValueError(`${what} needs bytes ${off}..${off + size} of ${buf.length}`);
}

/** Unsigned little-endian integer of `size` bytes as a bigint. */
function readUInt(buf: Buffer, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]);
  return v;
}

/** A number when it is safe, else its decimal string (as JSON cannot carry a u64 exactly). */
function jsonInt(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function isCharType(btf: Btf, id: number): boolean {
  const t = btf.resolve(id);
  return !!t && t.kind === BTF_KIND.INT && t.sizeOrType === 1 && (((t.int?.encoding ?? 0) & 2) !== 0 || /char/.test(t.name));
}

/** C string in a char array: up to the first NUL; bytes that are not UTF-8 text become \uFFFD. */
function cText(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('utf8', 0, nul < 0 ? b.length : nul);
}

export function typeName(btf: Btf, id: number, depth = 0): string {
  const t = btf.type(id);
  if (!t) return `type#${id}`;
  // A pointer or array cycle in (malformed) BTF would otherwise recurse forever.
  if (depth > MAX_DEPTH) return `type#${id}`;
  const inner = (i: number) => typeName(btf, i, depth + 1);
  switch (t.kind) {
    case BTF_KIND.STRUCT: return `struct ${t.name || '(anon)'}`;
    case BTF_KIND.UNION: return `union ${t.name || '(anon)'}`;
    case BTF_KIND.ENUM: case BTF_KIND.ENUM64: return `enum ${t.name || '(anon)'}`;
    case BTF_KIND.PTR: return `${inner(t.sizeOrType)} *`;
    case BTF_KIND.ARRAY: return t.array ? `${inner(t.array.type)}[${t.array.nelems}]` : 'array';
    case BTF_KIND.CONST: return `const ${inner(t.sizeOrType)}`;
    case BTF_KIND.VOLATILE: return `volatile ${inner(t.sizeOrType)}`;
    default: return t.name || 'void';
  }
}

function decodeBits(buf: Buffer, base: number, bitOff: number, bits: number, signed: boolean): number | string {
  const start = base + (bitOff >> 3);
  const nbytes = Math.ceil(((bitOff & 7) + bits) / 8);
  need(buf, start, nbytes, 'a bitfield');
  let v = readUInt(buf, start, nbytes) >> BigInt(bitOff & 7);
  v &= (1n << BigInt(bits)) - 1n;
  if (signed) v = BigInt.asIntN(bits, v);
  return jsonInt(v);
}

type Reader = (buf: Buffer, off: number) => unknown;

const compiled = new WeakMap<Btf, Map<number, Reader>>();

/** Decodes the value of type `id` at buf[off..]; throws BtfValueError when the bytes run out. */
export function decodeBtfValue(btf: Btf, id: number, buf: Buffer, off = 0): unknown {
  return btfReader(btf, id)(buf, off);
}

/**
 * A decoder for type `id`, built once per type (streams decode many records of one struct): bounds are
 * checked once for the whole type, then fields are read without re-resolving BTF.
 */
export function btfReader(btf: Btf, id: number): Reader {
  let cache = compiled.get(btf);
  if (!cache) compiled.set(btf, (cache = new Map()));
  let r = cache.get(id);
  if (!r) {
    const inner = compile(btf, id, 0);
    const size = btf.sizeOf(id);
    const what = typeName(btf, id);
    r = size === undefined ? inner : (buf, off) => {
      need(buf, off, size, what);
      return inner(buf, off);
    };
    cache.set(id, r);
  }
  return r;
}

function u64Reader(signed: boolean): Reader {
  return (buf, off) => {
    const lo = buf.readUInt32LE(off);
    const hi = signed ? buf.readInt32LE(off + 4) : buf.readUInt32LE(off + 4);
    // |value| < 2^53: exact as a number.
    if (hi < 0x200000 && hi >= -0x200000) return hi * 0x100000000 + lo;
    return (signed ? buf.readBigInt64LE(off) : buf.readBigUInt64LE(off)).toString();
  };
}

function isSigned(btf: Btf, id: number): boolean {
  const t = btf.resolve(id);
  return !!t && (((t.int?.encoding ?? 0) & 1) !== 0 || (t.kind === BTF_KIND.ENUM && !!t.kindFlag));
}

function compile(btf: Btf, id: number, depth: number): Reader {
  if (depth > MAX_DEPTH) throw new BtfValueError('types nest too deeply');
  const t = btf.resolve(id);
  if (!t) throw new BtfValueError(`no BTF type ${id}`);
  switch (t.kind) {
    case BTF_KIND.INT: {
      const size = t.sizeOrType;
      if (size < 1 || size > 16) throw new BtfValueError(`malformed BTF: ${t.name || `type ${t.id}`} is a ${size}-byte integer`);
      const enc = t.int?.encoding ?? 0;
      const signed = (enc & 1) !== 0;
      if (t.int && (t.int.offset !== 0 || t.int.bits !== size * 8)) {
        const { offset, bits } = t.int;
        return (buf, off) => decodeBits(buf, off, offset, bits, signed);
      }
      if (enc & 4) return (buf, off) => readUInt(buf, off, size) !== 0n;
      if (size >= 1 && size <= 6) return signed ? (buf, off) => buf.readIntLE(off, size) : (buf, off) => buf.readUIntLE(off, size);
      if (size === 8) return u64Reader(signed);
      return (buf, off) => {
        need(buf, off, size, t.name);
        let v = readUInt(buf, off, size);
        if (signed) v = BigInt.asIntN(size * 8, v);
        return jsonInt(v);
      };
    }
    case BTF_KIND.ENUM: case BTF_KIND.ENUM64: {
      const size = t.sizeOrType;
      if (size < 1 || size > 8) throw new BtfValueError(`${typeName(btf, id)} has ${size} bytes`);
      const names = new Map<bigint, string>();
      for (const e of t.enumValues ?? []) if (!names.has(BigInt.asUintN(size * 8, e.value))) names.set(BigInt.asUintN(size * 8, e.value), e.name);
      const signed = !!t.kindFlag;
      return (buf, off) => {
        need(buf, off, size, typeName(btf, id));
        const u = readUInt(buf, off, size);
        return names.get(u) ?? jsonInt(signed ? BigInt.asIntN(size * 8, u) : u);
      };
    }
    case BTF_KIND.FLOAT: {
      const size = t.sizeOrType;
      if (size === 4) return (buf, off) => buf.readFloatLE(off);
      if (size === 8) return (buf, off) => buf.readDoubleLE(off);
      return (buf, off) => '0x' + buf.subarray(off, off + size).toString('hex');
    }
    case BTF_KIND.PTR:
      return (buf, off) => '0x' + readUInt(buf, off, 8).toString(16);
    case BTF_KIND.ARRAY: {
      if (!t.array) throw new BtfValueError('array without element type');
      const { type: elType, nelems } = t.array;
      const el = btf.sizeOf(elType);
      if (el === undefined) throw new BtfValueError(`array of ${typeName(btf, elType)} has no size`);
      if (el === 1 && isCharType(btf, elType)) return (buf, off) => cText(buf.subarray(off, off + nelems));
      const item = compile(btf, elType, depth + 1);
      return (buf, off) => {
        const out: unknown[] = new Array(nelems);
        for (let i = 0; i < nelems; i++) out[i] = item(buf, off + i * el);
        return out;
      };
    }
    case BTF_KIND.STRUCT: case BTF_KIND.UNION: {
      const fields = t.members.map((m, i) => {
        const bitOff = t.kindFlag ? m.offset & 0xffffff : m.offset;
        const bitSize = t.kindFlag ? m.offset >>> 24 : 0;
        let read: Reader;
        if (bitSize || bitOff % 8) {
          const bits = bitSize || (btf.resolve(m.type)?.int?.bits ?? 8);
          const signed = isSigned(btf, m.type);
          read = (buf, off) => decodeBits(buf, off, bitOff, bits, signed);
        } else {
          const inner = compile(btf, m.type, depth + 1);
          const byteOff = bitOff / 8;
          const size = btf.sizeOf(m.type) ?? 0;
          // The whole struct's bounds are checked once; a member that lies outside its struct
          // (malformed BTF) is checked on its own.
          const what = `${typeName(btf, id)}.${m.name || `__anon${i}`}`;
          read = byteOff + size <= t.sizeOrType ? (buf, off) => inner(buf, off + byteOff) : (buf, off) => {
            need(buf, off + byteOff, size, what);
            return inner(buf, off + byteOff);
          };
        }
        // Anonymous structs/unions: their fields appear in the parent, as in C.
        return { name: m.name || `__anon${i}`, merge: !m.name, read };
      });
      return (buf, off) => {
        const out: Record<string, unknown> = {};
        for (const f of fields) {
          const v = f.read(buf, off);
          // Member names are data: own properties, so a member called __proto__ is a field.
          if (f.merge && v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) setOwn(out, k, x);
          else setOwn(out, f.name, v);
        }
        return out;
      };
    }
    default: {
      const size = btf.sizeOf(id) ?? 0;
      return (buf, off) => '0x' + buf.subarray(off, off + size).toString('hex');
    }
  }
}

function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?(0x[0-9a-f]+|\d+)$/i.test(v.trim())) {
    const s = v.trim();
    return s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
  }
  throw new BtfValueError(`${what}: expected an integer, got ${JSON.stringify(v)}`);
}

function writeInt(buf: Buffer, off: number, size: number, v: bigint, signed: boolean, what: string): void {
  if (size < 1 || size > 16) throw new BtfValueError(`${what}: malformed BTF: a ${size}-byte integer`);
  const bits = BigInt(size * 8);
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (v < min || v > max) throw new BtfValueError(`${what}: ${v} does not fit in ${size} byte${size > 1 ? 's' : ''}${signed ? ' (signed)' : ''}`);
  let u = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++, u >>= 8n) buf[off + i] = Number(u & 0xffn);
}

/**
 * Encodes JSON input as type `id` into buf[off..] (zeroed beforehand): numbers or numeric strings for
 * ints, enum names or numbers, strings for char arrays, arrays, objects for structs (missing fields stay 0).
 */
export function encodeBtfValue(btf: Btf, id: number, input: unknown, buf: Buffer, off = 0, what = 'value', depth = 0): void {
  if (depth > MAX_DEPTH) throw new BtfValueError('types nest too deeply');
  const t: BtfType | undefined = btf.resolve(id);
  if (!t) throw new BtfValueError(`no BTF type ${id}`);
  switch (t.kind) {
    case BTF_KIND.INT:
      if (t.int && t.int.bits !== t.sizeOrType * 8) throw new BtfValueError(`${what}: bitfield ints are not supported for input`);
      writeInt(buf, off, t.sizeOrType, toBigInt(input, what), ((t.int?.encoding ?? 0) & 1) !== 0, what);
      return;
    case BTF_KIND.ENUM: case BTF_KIND.ENUM64: {
      const hit = typeof input === 'string' ? t.enumValues?.find((e) => e.name === input) : undefined;
      const v = hit ? hit.value : toBigInt(input, what);
      writeInt(buf, off, t.sizeOrType, v, v < 0n || !!t.kindFlag, what);
      return;
    }
    case BTF_KIND.PTR:
      writeInt(buf, off, 8, toBigInt(input, what), false, what);
      return;
    case BTF_KIND.FLOAT:
      if (typeof input !== 'number') throw new BtfValueError(`${what}: expected a number`);
      if (t.sizeOrType === 4) buf.writeFloatLE(input, off);
      else if (t.sizeOrType === 8) buf.writeDoubleLE(input, off);
      else throw new BtfValueError(`${what}: ${t.sizeOrType}-byte floats are not supported`);
      return;
    case BTF_KIND.ARRAY: {
      if (!t.array) throw new BtfValueError(`${what}: array without element type`);
      const el = btf.sizeOf(t.array.type) ?? 0;
      if (el === 1 && isCharType(btf, t.array.type) && typeof input === 'string') {
        const b = Buffer.from(input, 'utf8');
        if (b.length > t.array.nelems) throw new BtfValueError(`${what}: "${input}" is longer than ${t.array.nelems} bytes`);
        b.copy(buf, off);
        return;
      }
      if (!Array.isArray(input)) throw new BtfValueError(`${what}: expected an array of ${t.array.nelems}`);
      if (input.length > t.array.nelems) throw new BtfValueError(`${what}: ${input.length} elements for an array of ${t.array.nelems}`);
      input.forEach((x, i) => encodeBtfValue(btf, t.array!.type, x, buf, off + i * el, `${what}[${i}]`, depth + 1));
      return;
    }
    case BTF_KIND.STRUCT: case BTF_KIND.UNION: {
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new BtfValueError(`${what}: expected an object with the fields of ${typeName(btf, id)}`);
      const fields = input as Record<string, unknown>;
      const names = new Set(t.members.map((m) => m.name));
      for (const k of Object.keys(fields)) if (!names.has(k)) throw new BtfValueError(`${what}: ${typeName(btf, id)} has no field '${k}' (fields: ${[...names].filter(Boolean).join(', ')})`);
      for (const m of t.members) {
        if (!m.name || !hasOwn(fields, m.name)) continue;
        const bitOff = t.kindFlag ? m.offset & 0xffffff : m.offset;
        if ((t.kindFlag && m.offset >>> 24) || bitOff % 8) throw new BtfValueError(`${what}.${m.name}: bitfields are not supported for input`);
        encodeBtfValue(btf, m.type, fields[m.name], buf, off + bitOff / 8, `${what}.${m.name}`, depth + 1);
      }
      return;
    }
    default:
      throw new BtfValueError(`${what}: cannot encode ${typeName(btf, id)}`);
  }
}

/** Structs (and unions) by name, or those of a given size; anonymous ones are left out. */
export function findStructs(btf: Btf, by: { name?: string; size?: number; sizeSlack?: number }): BtfType[] {
  return btf.types.filter((t) => {
    if ((t.kind !== BTF_KIND.STRUCT && t.kind !== BTF_KIND.UNION) || !t.name) return false;
    if (by.name !== undefined && t.name !== by.name) return false;
    if (by.size !== undefined) {
      const slack = by.sizeSlack ?? 0;
      if (t.sizeOrType > by.size || by.size - t.sizeOrType > slack) return false;
    }
    return true;
  });
}

/**
 * Structs the object itself names: types of its global variables and the key/value types of its
 * BTF-defined maps (rather than kernel structs pulled in from vmlinux.h).
 */
export function objectStructIds(btf: Btf): Set<number> {
  const out = new Set<number>();
  const add = (id: number) => {
    const t = btf.resolve(id);
    if (t && (t.kind === BTF_KIND.STRUCT || t.kind === BTF_KIND.UNION) && t.name) out.add(t.id);
  };
  for (const t of btf.types) {
    if (t.kind !== BTF_KIND.VAR) continue;
    const def = btf.resolve(t.sizeOrType);
    add(t.sizeOrType);
    // Map definitions: `__type(key, struct k)` is a member `struct k *key`.
    for (const m of def?.members ?? []) {
      if (m.name !== 'key' && m.name !== 'value') continue;
      const ptr = btf.resolve(m.type);
      if (ptr?.kind === BTF_KIND.PTR) add(ptr.sizeOrType);
    }
  }
  return out;
}
