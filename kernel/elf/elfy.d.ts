// Types for the parts of the untyped `elfy` package (ELF header and section parser) that Ring0 uses.
declare module 'elfy' {
  export interface ElfySection {
    name: string;
    /** A name from elfy's table ('progbits', 'symtab', 'strtab', 'nobits', ...) or the raw number. */
    type: string | number;
    flags: Record<string, boolean>;
    addr: number;
    off: number;
    size: number;
    link: number;
    info: number;
    entsize: number;
    /** buf.slice(off, off + size): silently shorter when the file is truncated. */
    data: Buffer;
  }
  export interface ElfyFile {
    class: '32' | '64';
    endian: 'lsb' | 'msb';
    type: string;
    machine: string;
    entry: number;
    shstrndx: number;
    body: { programs: unknown[]; sections: ElfySection[] };
  }
  export function parse(buf: Buffer): ElfyFile;
}
