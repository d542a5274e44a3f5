// Hand-parsed BTF (.BTF) and BTF.ext line info (elfy only hands us the section bytes): enough to decode
// BTF-defined maps in .maps and to map BPF instruction offsets to source lines.

export interface BtfType {
  id: number;
  kind: number;
  name: string;
  vlen: number;
  /** size for INT/STRUCT/UNION/ENUM/DATASEC/FLOAT, referenced type for PTR/TYPEDEF/CONST/VAR/FUNC... */
  sizeOrType: number;
  /** STRUCT/UNION members; offset in bits (with kindFlag: low 24 bits offset, high 8 bits bitfield size). */
  members: { name: string; type: number; offset: number }[];
  array?: { type: number; nelems: number };
  /** The info word's kind_flag bit (bitfield members, enum signedness). */
  kindFlag?: boolean;
  /** INT: encoding (1 signed, 2 char, 4 bool), bit offset and bit count. */
  int?: { encoding: number; offset: number; bits: number };
  /** ENUM/ENUM64 values. */
  enumValues?: { name: string; value: bigint }[];
}

export const BTF_KIND = { INT: 1, PTR: 2, ARRAY: 3, STRUCT: 4, UNION: 5, ENUM: 6, FWD: 7, TYPEDEF: 8, VOLATILE: 9, CONST: 10, RESTRICT: 11, FUNC: 12, FUNC_PROTO: 13, VAR: 14, DATASEC: 15, FLOAT: 16, DECL_TAG: 17, TYPE_TAG: 18, ENUM64: 19 } as const;

const MAGIC = 0xeb9f;

/** BTF that cannot be right (a type that contains itself, a modifier chain that never ends). */
export class BtfError extends Error {
  override readonly name = 'BtfError';
}

/** Longest typedef/const/volatile/... chain followed before calling the BTF malformed. */
const MAX_CHAIN = 64;
/** Deepest array nesting sizeOf follows. */
const MAX_NEST = 64;

export class Btf {
  constructor(readonly types: BtfType[], readonly strings: Buffer) {}

  static parse(buf: Buffer): Btf {
    if (buf.length < 24 || buf.readUInt16LE(0) !== MAGIC) throw new BtfError('malformed BTF: bad magic (not a .BTF section)');
    const hdrLen = buf.readUInt32LE(4);
    const typeOff = hdrLen + buf.readUInt32LE(8);
    const typeLen = buf.readUInt32LE(12);
    const strOff = hdrLen + buf.readUInt32LE(16);
    const strLen = buf.readUInt32LE(20);
    if (typeOff + typeLen > buf.length || strOff + strLen > buf.length) throw new BtfError('malformed BTF: its type or string section runs past the data');
    const strings = buf.subarray(strOff, strOff + strLen);
    const str = (o: number) => readStr(strings, o);
    const types: BtfType[] = [{ id: 0, kind: 0, name: 'void', vlen: 0, sizeOrType: 0, members: [] }];
    let p = typeOff;
    const end = typeOff + typeLen;
    while (p + 12 <= end) {
      const info = buf.readUInt32LE(p + 4);
      const t: BtfType = { id: types.length, kind: (info >>> 24) & 0x1f, name: str(buf.readUInt32LE(p)), vlen: info & 0xffff, sizeOrType: buf.readUInt32LE(p + 8), members: [] };
      if (info >>> 31) t.kindFlag = true;
      p += 12;
      const extra = extraBytes(t.kind, t.vlen);
      if (extra === undefined) throw new BtfError(`malformed BTF: type ${t.id} has unknown kind ${t.kind}`);
      if (p + extra > end) throw new BtfError(`malformed BTF: type ${t.id} runs past the end of the type section`);
      switch (t.kind) {
        case BTF_KIND.INT: {
          const enc = buf.readUInt32LE(p);
          t.int = { encoding: (enc >>> 24) & 0x0f, offset: (enc >>> 16) & 0xff, bits: enc & 0xff };
          p += 4;
          break;
        }
        case BTF_KIND.VAR: case BTF_KIND.DECL_TAG:
          p += 4;
          break;
        case BTF_KIND.ARRAY:
          t.array = { type: buf.readUInt32LE(p), nelems: buf.readUInt32LE(p + 8) };
          p += 12;
          break;
        case BTF_KIND.STRUCT: case BTF_KIND.UNION:
          for (let i = 0; i < t.vlen; i++, p += 12) t.members.push({ name: str(buf.readUInt32LE(p)), type: buf.readUInt32LE(p + 4), offset: buf.readUInt32LE(p + 8) });
          break;
        case BTF_KIND.ENUM:
          t.enumValues = [];
          for (let i = 0; i < t.vlen; i++, p += 8) t.enumValues.push({ name: str(buf.readUInt32LE(p)), value: BigInt(t.kindFlag ? buf.readInt32LE(p + 4) : buf.readUInt32LE(p + 4)) });
          break;
        case BTF_KIND.FUNC_PROTO:
          p += 8 * t.vlen;
          break;
        case BTF_KIND.ENUM64:
          t.enumValues = [];
          for (let i = 0; i < t.vlen; i++, p += 12) {
            const v = (BigInt(buf.readUInt32LE(p + 8)) << 32n) | BigInt(buf.readUInt32LE(p + 4));
            t.enumValues.push({ name: str(buf.readUInt32LE(p)), value: t.kindFlag ? BigInt.asIntN(64, v) : v });
          }
          break;
        case BTF_KIND.DATASEC:
          for (let i = 0; i < t.vlen; i++, p += 12) t.members.push({ name: '', type: buf.readUInt32LE(p), offset: buf.readUInt32LE(p + 4) });
          break;
      }
      types.push(t);
    }
    return new Btf(types, strings);
  }

  type(id: number): BtfType | undefined {
    return this.types[id];
  }

  /** Follows typedef/const/volatile/restrict/type-tag to the underlying type. */
  resolve(id: number): BtfType | undefined {
    let t = this.types[id];
    for (let i = 0; t; i++) {
      if (!isModifier(t.kind)) return t;
      if (i >= MAX_CHAIN) throw new BtfError(`malformed BTF: type ${id} is a chain of more than ${MAX_CHAIN} typedefs/qualifiers (a type cycle)`);
      t = this.types[t.sizeOrType];
    }
    return t;
  }

  /** Bytes of type `id`; undefined when it has no size (void, functions, unknown ids). */
  sizeOf(id: number): number | undefined {
    // Arrays of arrays are walked in a loop, so a cycle (an array whose element is itself) is caught.
    let mult = 1;
    const seen = new Set<number>();
    for (let cur = id; ; ) {
      const t = this.resolve(cur);
      if (!t) return undefined;
      if (t.kind !== BTF_KIND.ARRAY) {
        const size = this.ownSize(t);
        return size === undefined ? undefined : size * mult;
      }
      if (!t.array) return undefined;
      if (seen.has(t.id) || seen.size >= MAX_NEST) throw new BtfError(`malformed BTF: type ${id} contains itself (an array type cycle through type ${t.id})`);
      seen.add(t.id);
      mult *= t.array.nelems;
      cur = t.array.type;
    }
  }

  private ownSize(t: BtfType): number | undefined {
    switch (t.kind) {
      case BTF_KIND.PTR: return 8;
      case BTF_KIND.INT: case BTF_KIND.STRUCT: case BTF_KIND.UNION: case BTF_KIND.ENUM: case BTF_KIND.ENUM64: case BTF_KIND.FLOAT: case BTF_KIND.DATASEC:
        return t.sizeOrType;
      default: return undefined;
    }
  }

  datasec(name: string): BtfType | undefined {
    return this.types.find((t) => t.kind === BTF_KIND.DATASEC && t.name === name);
  }
}

/** Bytes that follow a type's 12-byte header; undefined for kinds BTF does not have. */
function extraBytes(kind: number, vlen: number): number | undefined {
  switch (kind) {
    case BTF_KIND.INT: case BTF_KIND.VAR: case BTF_KIND.DECL_TAG: return 4;
    case BTF_KIND.ARRAY: return 12;
    case BTF_KIND.STRUCT: case BTF_KIND.UNION: case BTF_KIND.DATASEC: case BTF_KIND.ENUM64: return 12 * vlen;
    case BTF_KIND.ENUM: case BTF_KIND.FUNC_PROTO: return 8 * vlen;
    case BTF_KIND.PTR: case BTF_KIND.FWD: case BTF_KIND.TYPEDEF: case BTF_KIND.VOLATILE: case BTF_KIND.CONST: case BTF_KIND.RESTRICT: case BTF_KIND.FUNC: case BTF_KIND.FLOAT: case BTF_KIND.TYPE_TAG: return 0;
    default: return undefined;
  }
}

function isModifier(kind: number): boolean {
  return kind === BTF_KIND.TYPEDEF || kind === BTF_KIND.CONST || kind === BTF_KIND.VOLATILE || kind === BTF_KIND.RESTRICT || kind === BTF_KIND.TYPE_TAG;
}

function readStr(strings: Buffer, off: number): string {
  if (off >= strings.length) return '';
  const end = strings.indexOf(0, off);
  return strings.toString('utf8', off, end < 0 ? strings.length : end);
}

export interface BtfMapDef {
  name: string;
  type?: number;
  keySize?: number;
  valueSize?: number;
  maxEntries?: number;
  flags?: number;
}

/**
 * Decodes libbpf's BTF-defined maps: each variable of the .maps DATASEC is a struct whose members encode
 * values as `int (*type)[N]` (__uint) and types as `T *key` (__type).
 */
export function btfMaps(btf: Btf): BtfMapDef[] {
  const sec = btf.datasec('.maps');
  if (!sec) return [];
  const out: BtfMapDef[] = [];
  for (const v of sec.members) {
    const variable = btf.type(v.type);
    if (!variable || variable.kind !== BTF_KIND.VAR) continue;
    const def = btf.resolve(variable.sizeOrType);
    const m: BtfMapDef = { name: variable.name };
    for (const mem of def?.members ?? []) {
      const ptr = btf.resolve(mem.type);
      if (!ptr || ptr.kind !== BTF_KIND.PTR) continue;
      const target = btf.resolve(ptr.sizeOrType);
      const uint = target?.kind === BTF_KIND.ARRAY ? target.array?.nelems : undefined;
      switch (mem.name) {
        case 'type': m.type = uint; break;
        case 'max_entries': m.maxEntries = uint; break;
        case 'map_flags': m.flags = uint; break;
        case 'key_size': m.keySize = uint; break;
        case 'value_size': m.valueSize = uint; break;
        case 'key': m.keySize = btf.sizeOf(ptr.sizeOrType); break;
        case 'value': m.valueSize = btf.sizeOf(ptr.sizeOrType); break;
      }
    }
    out.push(m);
  }
  return out;
}

export interface LineInfo {
  /** ELF section holding the instructions, e.g. tracepoint/syscalls/sys_enter_openat. */
  section: string;
  /** Byte offset of the instruction in its section. */
  insnOff: number;
  file: string;
  line: number;
  column: number;
  /** The source line's text as clang recorded it. */
  text: string;
}

/** .BTF.ext line_info records (strings live in .BTF's string table). */
export function btfExtLineInfo(ext: Buffer, btf: Btf): LineInfo[] {
  if (ext.length < 24 || ext.readUInt16LE(0) !== MAGIC) throw new BtfError('malformed BTF: bad .BTF.ext magic');
  const hdrLen = ext.readUInt32LE(4);
  const off = hdrLen + ext.readUInt32LE(16);
  const len = ext.readUInt32LE(20);
  const out: LineInfo[] = [];
  if (len < 4 || off + len > ext.length) return out;
  const recSize = ext.readUInt32LE(off);
  if (recSize < 16) return out;
  let p = off + 4;
  const end = off + len;
  while (p + 8 <= end) {
    const section = readStr(btf.strings, ext.readUInt32LE(p));
    const n = ext.readUInt32LE(p + 4);
    p += 8;
    for (let i = 0; i < n && p + recSize <= end; i++, p += recSize) {
      const lineCol = ext.readUInt32LE(p + 12);
      out.push({
        section,
        insnOff: ext.readUInt32LE(p),
        file: readStr(btf.strings, ext.readUInt32LE(p + 4)),
        text: readStr(btf.strings, ext.readUInt32LE(p + 8)),
        line: lineCol >>> 10,
        column: lineCol & 0x3ff,
      });
    }
  }
  return out;
}

export const MAP_TYPES = ['unspec', 'hash', 'array', 'prog_array', 'perf_event_array', 'percpu_hash', 'percpu_array', 'stack_trace', 'cgroup_array', 'lru_hash', 'lru_percpu_hash', 'lpm_trie', 'array_of_maps', 'hash_of_maps', 'devmap', 'sockmap', 'cpumap', 'xskmap', 'sockhash', 'cgroup_storage', 'reuseport_sockarray', 'percpu_cgroup_storage', 'queue', 'stack', 'sk_storage', 'devmap_hash', 'struct_ops', 'ringbuf', 'inode_storage', 'task_storage', 'bloom_filter', 'user_ringbuf'];
