// An ELF file read with elfy (header and section table), plus the small pieces elfy does not parse,
// hand-parsed from section bytes at elfy's offsets: the symbol table, e_machine for BPF, string tables.
import { readFileSync } from 'node:fs';
import * as elfy from 'elfy';

export const EM_X86_64 = 62;
export const EM_BPF = 247;

export interface ElfSection {
  index: number;
  name: string;
  type: string;
  size: number;
  flags: Record<string, boolean>;
  link: number;
  info: number;
  data: Buffer;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  bind: number;
  shndx: number;
}

export class ElfError extends Error {}

export class ElfFile {
  readonly sections: ElfSection[];
  readonly machine: number;
  readonly elfType: string;
  private symbolCache?: ElfSymbol[];

  private constructor(readonly path: string, readonly buf: Buffer, parsed: elfy.ElfyFile) {
    this.elfType = parsed.type;
    if (parsed.class !== '64' || parsed.endian !== 'lsb') throw new ElfError(`${path}: only 64-bit little-endian ELF files are supported`);
    // elfy maps e_machine through a table without BPF (247): read the raw half-word (hand-parsed).
    this.machine = buf.readUInt16LE(18);
    this.sections = parsed.body.sections.map((s, index) => {
      const type = String(s.type);
      if (type !== 'nobits' && type !== 'null' && s.off + s.size > buf.length) {
        throw new ElfError(`${path}: section ${s.name || index} runs past the end of the file (truncated or corrupt ELF)`);
      }
      return { index, name: s.name, type, size: s.size, flags: s.flags, link: s.link, info: s.info, data: type === 'nobits' ? Buffer.alloc(0) : s.data };
    });
  }

  /** Parses a buffer; any malformed input becomes an ElfError with a plain message. */
  static fromBuffer(buf: Buffer, path = '(buffer)'): ElfFile {
    if (buf.length < 64 || buf.subarray(0, 4).toString('latin1') !== '\x7fELF') throw new ElfError(`${path} is not an ELF file`);
    const bad = headerProblem(buf);
    if (bad) throw new ElfError(`${path} is a corrupt ELF file (${bad})`);
    let parsed: elfy.ElfyFile;
    try {
      parsed = elfy.parse(buf);
    } catch (e) {
      throw new ElfError(`${path} is a corrupt ELF file (${plainReason(e)})`);
    }
    try {
      return new ElfFile(path, buf, parsed);
    } catch (e) {
      if (e instanceof ElfError) throw e;
      throw new ElfError(`${path} is a corrupt ELF file (${plainReason(e)})`);
    }
  }

  static open(path: string): ElfFile {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (e) {
      throw new ElfError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    return ElfFile.fromBuffer(buf, path);
  }

  section(name: string): ElfSection | undefined {
    return this.sections.find((s) => s.name === name);
  }

  /** Symbols from .symtab (Elf64_Sym, 24 bytes each; hand-parsed, elfy does not read symbols). */
  symbols(): ElfSymbol[] {
    if (this.symbolCache) return this.symbolCache;
    const symtab = this.sections.find((s) => s.type === 'symtab');
    const out: ElfSymbol[] = [];
    if (symtab) {
      const strtab = this.sections[symtab.link]?.data ?? Buffer.alloc(0);
      const d = symtab.data;
      for (let off = 24; off + 24 <= d.length; off += 24) {
        const info = d[off + 4];
        out.push({
          name: cString(strtab, d.readUInt32LE(off)),
          type: info & 0xf,
          bind: info >> 4,
          shndx: d.readUInt16LE(off + 6),
          value: Number(d.readBigUInt64LE(off + 8)),
          size: Number(d.readBigUInt64LE(off + 16)),
        });
      }
    }
    this.symbolCache = out;
    return out;
  }
}

/**
 * What is wrong with a 64-bit little-endian ELF's header tables, checked before elfy reads them (it
 * trusts offsets and counts, and fails with engine errors on a file that lies about them).
 */
function headerProblem(buf: Buffer): string | undefined {
  if (buf[4] !== 2 || buf[5] !== 1) return undefined; // the constructor names the unsupported class
  const phoff = Number(buf.readBigUInt64LE(32));
  const shoff = Number(buf.readBigUInt64LE(40));
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  const shentsize = buf.readUInt16LE(58);
  const shnum = buf.readUInt16LE(60);
  const shstrndx = buf.readUInt16LE(62);
  if (phnum && (phentsize !== 56 || phoff + phnum * 56 > buf.length)) return 'its program header table runs past the end of the file';
  if (!shnum) return undefined;
  if (shentsize !== 64 || shoff + shnum * 64 > buf.length) return 'its section header table runs past the end of the file';
  if (shstrndx >= shnum) return `its section-name table index ${shstrndx} is not one of its ${shnum} sections`;
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * 64;
    const type = buf.readUInt32LE(h + 4);
    const off = Number(buf.readBigUInt64LE(h + 24));
    const size = Number(buf.readBigUInt64LE(h + 32));
    if (type !== 0 && type !== 8 && off + size > buf.length) return `section ${i} runs past the end of the file (truncated or corrupt ELF)`;
  }
  const names = shoff + shstrndx * 64;
  if (buf.readUInt32LE(names + 4) === 8) return 'its section-name table has no data';
  return undefined;
}

/** The reason from a parse error, unless it is a JavaScript engine message (which helps nobody). */
function plainReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return e instanceof TypeError || e instanceof RangeError || /Cannot read|is not|out of range/.test(m) ? 'its headers are inconsistent' : m;
}

export function cString(buf: Buffer, off: number): string {
  if (off < 0 || off >= buf.length) return '';
  const end = buf.indexOf(0, off);
  return buf.toString('utf8', off, end < 0 ? buf.length : end);
}

/** NUL-separated strings of a section such as .modinfo (hand-parsed). */
export function nulStrings(buf: Buffer): string[] {
  return buf.toString('utf8').split('\0').filter((s) => s.length > 0);
}
