// Test helper: writes minimal 64-bit little-endian ELF relocatables (named sections, no symbols) so
// tests and fuzz seeds can hold hostile .modinfo or .BTF contents without a compiler.

export interface ElfSectionSpec {
  name: string;
  data: Buffer;
  /** SHT_PROGBITS by default. */
  type?: number;
  /** SHF_ALLOC by default. */
  flags?: number;
}

export const EM_BPF = 247;
export const EM_X86_64 = 62;

export function writeElf(machine: number, sections: ElfSectionSpec[]): Buffer {
  const names = ['', ...sections.map((s) => s.name), '.shstrtab'];
  const nameOff: number[] = [];
  let shstr = Buffer.alloc(0);
  for (const n of names) {
    nameOff.push(shstr.length);
    shstr = Buffer.concat([shstr, Buffer.from(n + '\0', 'latin1')]);
  }
  const datas = [...sections.map((s) => s.data), shstr];
  const offs: number[] = [];
  let p = 64;
  for (const d of datas) {
    p = (p + 7) & ~7;
    offs.push(p);
    p += d.length;
  }
  const shoff = (p + 7) & ~7;
  const shnum = datas.length + 1;
  const out = Buffer.alloc(shoff + shnum * 64);
  out.write('\x7fELF', 0, 'latin1');
  out[4] = 2; // 64-bit
  out[5] = 1; // little-endian
  out[6] = 1;
  out.writeUInt16LE(1, 16); // ET_REL
  out.writeUInt16LE(machine, 18);
  out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(shoff), 40);
  out.writeUInt16LE(64, 52);
  out.writeUInt16LE(64, 58);
  out.writeUInt16LE(shnum, 60);
  out.writeUInt16LE(shnum - 1, 62);
  datas.forEach((d, i) => {
    d.copy(out, offs[i]);
    const sh = shoff + (i + 1) * 64;
    const spec = sections[i];
    out.writeUInt32LE(nameOff[i + 1], sh);
    out.writeUInt32LE(spec ? spec.type ?? 1 : 3, sh + 4);
    out.writeBigUInt64LE(BigInt(spec ? spec.flags ?? 2 : 0), sh + 8);
    out.writeBigUInt64LE(BigInt(offs[i]), sh + 24);
    out.writeBigUInt64LE(BigInt(d.length), sh + 32);
    out.writeBigUInt64LE(1n, sh + 48);
  });
  return out;
}

/** A .ko-shaped object: .modinfo from key=value strings plus an empty .gnu.linkonce.this_module. */
export function moduleElf(modinfo: string[]): Buffer {
  return writeElf(EM_X86_64, [
    { name: '.modinfo', data: Buffer.from(modinfo.map((s) => s + '\0').join(''), 'utf8') },
    { name: '.gnu.linkonce.this_module', data: Buffer.alloc(64), flags: 3 },
  ]);
}
