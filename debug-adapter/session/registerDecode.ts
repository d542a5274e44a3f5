// Pure x86-64 register layout for the Registers scope: which gdb register goes where (top level or a
// collapsed group) and the decoded form of rflags, CR0, CR3, CR4 and EFER.

export type RegisterGroup = 'top' | 'segment' | 'control' | 'sub' | 'hidden';

const GPR = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const SEGMENT = ['cs', 'ss', 'ds', 'es', 'fs', 'gs', 'fs_base', 'gs_base', 'k_gs_base'];
const CONTROL = ['cr0', 'cr2', 'cr3', 'cr4', 'cr8', 'efer'];
/** gdb's 8/16/32-bit pseudo registers of the general-purpose ones. */
const SUB = /^(e[abcd]x|e[sd]i|e[bs]p|r(8|9|1[0-5])[dwl]|[abcd][lhx]|[sd]il|[bs]pl|[sd]i|[bs]p)$/;

/** The order of the top level: general-purpose registers, rip, rflags (gdb calls it eflags). */
export const TOP_ORDER = [...GPR, 'rip', 'eflags'];

export const GROUP_LABELS: Record<Exclude<RegisterGroup, 'top' | 'hidden'>, string> = {
  segment: 'Segment registers',
  control: 'Control registers',
  sub: '8/16/32-bit sub-registers',
};

export function registerGroup(name: string): RegisterGroup {
  if (TOP_ORDER.includes(name)) return 'top';
  if (SEGMENT.includes(name)) return 'segment';
  if (CONTROL.includes(name)) return 'control';
  if (SUB.test(name)) return 'sub';
  return 'hidden';
}

/** Position of NAME in its group, for a stable order. */
export function registerOrder(name: string): number {
  for (const list of [TOP_ORDER, SEGMENT, CONTROL]) {
    const i = list.indexOf(name);
    if (i >= 0) return i;
  }
  return 1000;
}

const bits = (v: bigint, names: [number, string][]): string[] => names.filter(([b]) => (v >> BigInt(b)) & 1n).map(([, n]) => n);

const RFLAGS: [number, string][] = [[0, 'CF'], [2, 'PF'], [4, 'AF'], [6, 'ZF'], [7, 'SF'], [8, 'TF'], [9, 'IF'], [10, 'DF'], [11, 'OF'], [14, 'NT'], [16, 'RF'], [17, 'VM'], [18, 'AC'], [19, 'VIF'], [20, 'VIP'], [21, 'ID']];
const CR0: [number, string][] = [[0, 'PE'], [1, 'MP'], [2, 'EM'], [3, 'TS'], [4, 'ET'], [5, 'NE'], [16, 'WP'], [18, 'AM'], [29, 'NW'], [30, 'CD'], [31, 'PG']];
const CR4: [number, string][] = [[0, 'VME'], [1, 'PVI'], [2, 'TSD'], [3, 'DE'], [4, 'PSE'], [5, 'PAE'], [6, 'MCE'], [7, 'PGE'], [8, 'PCE'], [9, 'OSFXSR'], [10, 'OSXMMEXCPT'], [11, 'UMIP'], [12, 'LA57'], [13, 'VMXE'], [14, 'SMXE'], [16, 'FSGSBASE'], [17, 'PCIDE'], [18, 'OSXSAVE'], [20, 'SMEP'], [21, 'SMAP'], [22, 'PKE'], [23, 'CET'], [24, 'PKS']];
const EFER: [number, string][] = [[0, 'SCE'], [8, 'LME'], [10, 'LMA'], [11, 'NXE'], [12, 'SVME'], [14, 'FFXSR']];

function parse(value: string): bigint | undefined {
  const m = /^(0x[0-9a-fA-F]+|\d+)$/.exec(value.trim());
  return m ? BigInt(m[1]) : undefined;
}

/** The value shown for register NAME whose raw (hex) value is VALUE: flags decoded where they mean something. */
export function decodeRegister(name: string, value: string): string {
  const v = parse(value);
  if (v === undefined) return value;
  const hex = `0x${v.toString(16)}`;
  switch (name) {
    case 'eflags':
      return `${hex} [${[...bits(v, RFLAGS), `IOPL=${(v >> 12n) & 3n}`].join(' ')}]`;
    case 'cr0':
      return `${hex} [${bits(v, CR0).join(' ')}]`;
    case 'cr4':
      return `${hex} [${bits(v, CR4).join(' ')}]`;
    case 'efer':
      return `${hex} [${bits(v, EFER).join(' ')}]`;
    case 'cr3': {
      // With CR4.PCIDE the low 12 bits are the PCID; bit 63 is "no flush" on writes only.
      const table = v & 0x000f_ffff_ffff_f000n;
      return `${hex} [page table at 0x${table.toString(16)}, PCID ${v & 0xfffn}]`;
    }
    default:
      return value;
  }
}
