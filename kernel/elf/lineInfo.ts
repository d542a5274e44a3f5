// A BPF object's programs (section, offset, size) and BTF.ext line info, for placing verifier errors.
import type { ProgramPlace } from '../bpf/verifierLog';
import { Btf, btfExtLineInfo, type LineInfo } from './btf';
import { ElfFile } from './elfFile';

export interface ObjectLines {
  programs: ProgramPlace[];
  lines: LineInfo[];
}

export function objectLines(file: string): ObjectLines {
  const elf = ElfFile.open(file);
  const programs: ProgramPlace[] = [];
  for (const y of elf.symbols()) {
    const sec = elf.sections[y.shndx];
    if (y.type !== 2 || !sec || !sec.flags.execinstr) continue;
    programs.push({ name: y.name, section: sec.name, offset: y.value, size: y.size || sec.size });
  }
  const btf = elf.section('.BTF');
  const ext = elf.section('.BTF.ext');
  let lines: LineInfo[] = [];
  if (btf && ext) {
    try {
      lines = btfExtLineInfo(ext.data, Btf.parse(btf.data));
    } catch {
      lines = [];
    }
  }
  return { programs, lines };
}
