// `ring0 elf inspect`: what a BPF object (programs, maps, license, BTF) or a kernel module (modinfo,
// parameters, init/exit functions) contains, read with elfy plus hand-parsed sections.
import { Btf, btfMaps, MAP_TYPES } from './btf';
import { getOwn, setOwn } from '../util/ownKeys';
import { cString, EM_BPF, ElfFile, nulStrings, type ElfSymbol } from './elfFile';

export interface BpfProgramInfo {
  section: string;
  name: string;
  /** Instructions in the ELF (size / 8); a wide ld_imm64 counts as two. */
  insnCount: number;
}

export interface BpfMapInfo {
  name: string;
  /** Map type name (hash, array, ringbuf, ...) or the number when unknown. */
  type?: string;
  keySize?: number;
  valueSize?: number;
  maxEntries?: number;
  flags?: number;
  /** Where the definition came from: BTF .maps or the legacy `maps` section of bpf_map_def structs. */
  source: 'btf' | 'legacy';
}

export interface BpfObjectInfo {
  kind: 'bpf';
  file: string;
  license?: string;
  hasBtf: boolean;
  hasBtfExt: boolean;
  /** Why the .BTF section could not be read (malformed BTF); its maps are then left out. */
  btfError?: string;
  programs: BpfProgramInfo[];
  maps: BpfMapInfo[];
}

export interface ModuleParam {
  name: string;
  type?: string;
  description?: string;
}

export interface ModuleInfo {
  kind: 'module';
  file: string;
  name?: string;
  license?: string;
  description?: string;
  author?: string;
  depends: string[];
  vermagic?: string;
  /** Every key=value of .modinfo; repeated keys keep all values. */
  modinfo: Record<string, string[]>;
  params: ModuleParam[];
  /** The real functions behind the init_module/cleanup_module aliases. */
  init?: string;
  exit?: string;
}

export interface OtherElfInfo {
  kind: 'elf';
  file: string;
  machine: number;
  elfType: string;
  sections: string[];
}

export type ElfInfo = BpfObjectInfo | ModuleInfo | OtherElfInfo;

export function inspectElf(file: string): ElfInfo {
  return inspectElfFile(ElfFile.open(file));
}

export function inspectElfFile(elf: ElfFile): ElfInfo {
  if (elf.machine === EM_BPF) return inspectBpf(elf);
  if (elf.section('.modinfo') && elf.section('.gnu.linkonce.this_module')) return inspectModule(elf);
  return { kind: 'elf', file: elf.path, machine: elf.machine, elfType: elf.elfType, sections: elf.sections.map((s) => s.name).filter(Boolean) };
}

export function inspectBpf(elf: ElfFile): BpfObjectInfo {
  const syms = elf.symbols();
  const programs: BpfProgramInfo[] = [];
  for (const s of elf.sections) {
    if (!s.flags.execinstr || s.name === '.text' || s.size === 0) continue;
    const funcs = syms.filter((y) => y.shndx === s.index && y.type === 2 && y.bind !== 0).sort((a, b) => a.value - b.value);
    if (funcs.length === 0) programs.push({ section: s.name, name: s.name, insnCount: s.size / 8 });
    for (const f of funcs) programs.push({ section: s.name, name: f.name, insnCount: Math.floor((f.size || s.size) / 8) });
  }
  const license = elf.section('license');
  const btfSec = elf.section('.BTF');
  let maps: BpfMapInfo[] = [];
  let btfError: string | undefined;
  if (btfSec) {
    try {
      maps = btfMaps(Btf.parse(btfSec.data)).map((m): BpfMapInfo => ({ ...m, type: mapTypeName(m.type), source: 'btf' }));
    } catch (e) {
      btfError = (e as Error).message;
    }
  }
  return {
    kind: 'bpf',
    file: elf.path,
    license: license ? cString(license.data, 0) : undefined,
    hasBtf: !!btfSec,
    hasBtfExt: !!elf.section('.BTF.ext'),
    ...(btfError ? { btfError } : {}),
    programs,
    maps: [...maps, ...legacyMaps(elf, syms)],
  };
}

function mapTypeName(t: number | undefined): string | undefined {
  if (t === undefined) return undefined;
  return MAP_TYPES[t] ?? String(t);
}

/** The legacy `maps` section: struct bpf_map_def {type, key_size, value_size, max_entries, map_flags} (u32 each). */
function legacyMaps(elf: ElfFile, syms: ElfSymbol[]): BpfMapInfo[] {
  const sec = elf.section('maps');
  if (!sec) return [];
  return syms
    .filter((y) => y.shndx === sec.index && y.name && y.type !== 3)
    .filter((y) => y.value + 16 <= sec.data.length)
    .map((y) => {
      const d = sec.data;
      const o = y.value;
      return { name: y.name, type: mapTypeName(d.readUInt32LE(o)), keySize: d.readUInt32LE(o + 4), valueSize: d.readUInt32LE(o + 8), maxEntries: d.readUInt32LE(o + 12), ...(o + 20 <= d.length ? { flags: d.readUInt32LE(o + 16) } : {}), source: 'legacy' as const };
    });
}

export function inspectModule(elf: ElfFile): ModuleInfo {
  // Keys come from the file: own properties only (a MODULE_INFO(valueOf, ...) is just a key).
  const modinfo: Record<string, string[]> = {};
  for (const entry of nulStrings(elf.section('.modinfo')?.data ?? Buffer.alloc(0))) {
    const eq = entry.indexOf('=');
    if (eq <= 0) continue;
    const k = entry.slice(0, eq);
    const list = getOwn(modinfo, k) ?? [];
    list.push(entry.slice(eq + 1));
    setOwn(modinfo, k, list);
  }
  const all = (k: string) => getOwn(modinfo, k) ?? [];
  const one = (k: string) => all(k)[0];
  const params = new Map<string, ModuleParam>();
  const param = (name: string) => params.get(name) ?? params.set(name, { name }).get(name)!;
  for (const v of all('parmtype')) {
    const [name, type] = splitParm(v);
    param(name).type = type;
  }
  for (const v of all('parm')) {
    const [name, desc] = splitParm(v);
    param(name).description = desc;
  }
  const syms = elf.symbols();
  return {
    kind: 'module',
    file: elf.path,
    name: one('name'),
    license: one('license'),
    description: one('description'),
    author: getOwn(modinfo, 'author')?.join(', '),
    depends: (one('depends') ?? '').split(',').filter(Boolean),
    vermagic: one('vermagic')?.trim(),
    modinfo,
    params: [...params.values()],
    init: aliasTarget(syms, 'init_module'),
    exit: aliasTarget(syms, 'cleanup_module'),
  };
}

function splitParm(v: string): [string, string] {
  const c = v.indexOf(':');
  return c < 0 ? [v, ''] : [v.slice(0, c), v.slice(c + 1)];
}

/** module_init(fn) makes init_module an alias of fn: the other function symbol at the same place. */
function aliasTarget(syms: ElfSymbol[], alias: string): string | undefined {
  const a = syms.find((s) => s.name === alias && s.type === 2);
  if (!a) return undefined;
  const real = syms.find((s) => s !== a && s.type === 2 && s.shndx === a.shndx && s.value === a.value && s.name && s.name !== alias);
  return real?.name ?? alias;
}
