// Test helper: builds .BTF sections from a list of types (hostile ones included: cycles, bad ids).

export interface BtfTypeSpec {
  name?: string;
  kind: number;
  vlen?: number;
  kindFlag?: boolean;
  sizeOrType: number;
  /** Words after the 12-byte header (INT encoding, ARRAY info, members...); a string is a name's offset. */
  extra?: Array<number | string>;
}

export function writeBtf(types: BtfTypeSpec[]): Buffer {
  const strs: string[] = [''];
  let strLen = 1;
  const strOff = (s: string | undefined): number => {
    if (!s) return 0;
    const off = strLen;
    strs.push(s);
    strLen += Buffer.byteLength(s) + 1;
    return off;
  };
  const words: number[] = [];
  for (const t of types) {
    words.push(strOff(t.name), ((t.kindFlag ? 1 : 0) << 31 | (t.kind << 24) | (t.vlen ?? 0)) >>> 0, t.sizeOrType >>> 0, ...(t.extra ?? []).map((x) => (typeof x === 'string' ? strOff(x) : x >>> 0)));
  }
  const typeBuf = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => typeBuf.writeUInt32LE(w, i * 4));
  const strBuf = Buffer.from(strs.map((s) => s + '\0').join(''), 'utf8');
  const hdr = Buffer.alloc(24);
  hdr.writeUInt16LE(0xeb9f, 0);
  hdr[2] = 1;
  hdr.writeUInt32LE(24, 4);
  hdr.writeUInt32LE(0, 8);
  hdr.writeUInt32LE(typeBuf.length, 12);
  hdr.writeUInt32LE(typeBuf.length, 16);
  hdr.writeUInt32LE(strBuf.length, 20);
  return Buffer.concat([hdr, typeBuf, strBuf]);
}

/**
 * A BPF object's BTF with one libbpf map `hits` whose key is type `keyType`:
 * 1 int, 2 int[1] (__uint type), 3 ptr->2, 4 ptr->keyType, 5 struct {type, key}, 6 var hits, 7 .maps.
 * Extra types (ids 8..) follow, so keyType may point at them.
 */
export function mapBtf(keyType: number, extra: BtfTypeSpec[] = []): Buffer {
  return writeBtf([
    { name: 'int', kind: 1, sizeOrType: 4, extra: [(1 << 24) | 32] },
    { kind: 3, sizeOrType: 0, extra: [1, 1, 1] },
    { kind: 2, sizeOrType: 2 },
    { kind: 2, sizeOrType: keyType },
    { kind: 4, vlen: 2, sizeOrType: 16, extra: ['type', 3, 0, 'key', 4, 64] },
    { name: 'hits', kind: 14, sizeOrType: 5, extra: [1] },
    { name: '.maps', kind: 15, vlen: 1, sizeOrType: 16, extra: [6, 0, 16] },
    ...extra,
  ]);
}
