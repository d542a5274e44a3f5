// Pure parser of a kernel verifier log (levels 1 and 2, 6.1 format): instructions with their source
// comments, the register/stack state per instruction, branch explorations, the failing path and stats.
import { sourceComment } from './verifierLog';

export interface RegState {
  /** 'R0', 'R10', 'fp-8' (stack slot). */
  name: string;
  value: string;
  /** `_w`: written on this path (the verifier's liveness mark). */
  written: boolean;
}

export interface VerifierInsn {
  idx: number;
  /** The opcode byte in hex, e.g. 'b7'. */
  opcode: string;
  text: string;
  /** The last `; source` comment the verifier printed before the instruction. */
  sourceText?: string;
  /** `@ file:line` from newer kernels' comments. */
  fileLine?: { file: string; line: number };
  /** State after the instruction as printed beside it (the first time; see `states` for every visit). */
  after?: RegState[];
  /** How many times the verifier processed this instruction (once per explored path through it). */
  visits: number;
  /** Where a jump or call goes (instruction index), when it has a constant target. */
  target?: number;
}

export interface StateLine {
  insn: number;
  regs: RegState[];
  /** Set on `from X to Y:` lines: the branch whose exploration starts here. */
  from?: number;
}

export interface VerifierStats {
  processed: number;
  limit?: number;
  maxStatesPerInsn?: number;
  totalStates?: number;
  peakStates?: number;
  markRead?: number;
  verificationTimeUs?: number;
  stackDepth?: string;
}

export interface ParsedVerifierLog {
  /** 'unknown': nothing in the log looked like a verifier trace (show it raw). */
  format: 'verifier' | 'unknown';
  insns: VerifierInsn[];
  states: StateLine[];
  /** Instruction indexes in the order the verifier walked them on the path that failed (or the last one). */
  failurePath: number[];
  /** The branches taken on that path: [from, to] pairs. */
  failureBranches: [number, number][];
  failure?: { insn?: number; message: string };
  stats?: VerifierStats;
  /** Lines the parser did not recognise (kept, in order). */
  other: string[];
}

const INSN = /^(\d+): \(([0-9a-f]{2})\) (.*?)(?:\s+; (.*))?$/;
const STATE = /^(\d+): ((?:R\d+|fp-?\d+)\S*=.*)$/;
const FROM = /^from (\d+) to (\d+)(?: \(speculative execution\))?: ?(.*)$/;
const PROCESSED = /^processed (\d+) insns \(limit (\d+)\) max_states_per_insn (\d+) total_states (\d+) peak_states (\d+) mark_read (\d+)/;
const NOISE = /^(func#\d+ @|last_idx |regs=|parent |mark_precise|propagating|Validating |Func#|caller:|callee:|frame\d|returning from callee|to caller at|reg type unsupported|arg#|btf_vmlinux|libbpf:|-- (BEGIN|END))/;

/** Splits `R1=ctx(off=0,imm=0) R0_w=scalar(umax=5,var_off=(0x0; 0x7))` on spaces outside parentheses. */
export function parseRegs(text: string): RegState[] {
  const out: RegState[] = [];
  let depth = 0;
  let cur = '';
  const push = () => {
    const m = /^([A-Za-z]+-?\d+)(_[a-z]+)?=(.*)$/.exec(cur);
    if (m) out.push({ name: m[1], value: m[3], written: m[2] === '_w' });
    cur = '';
  };
  for (const ch of text.trim()) {
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ' ' && depth === 0) push();
    else cur += ch;
  }
  push();
  return out;
}

/** Constant jump/call targets: `goto pc-4`, `call pc+3`. ld_imm64 (0x18) takes two slots. */
function jumpTarget(idx: number, text: string): number | undefined {
  const m = /\b(?:goto|call) pc([+-]\d+)\b/.exec(text);
  return m ? idx + 1 + Number(m[1]) : undefined;
}

interface Segment {
  insns: number[];
  parent?: { seg: number; pos: number };
  from?: [number, number];
}

export function parseVerifierTrace(log: string): ParsedVerifierLog {
  const lines = log.split('\n').map((l) => l.replace(/\r$/, ''));
  const byIdx = new Map<number, VerifierInsn>();
  const states: StateLine[] = [];
  const other: string[] = [];
  const segments: Segment[] = [{ insns: [] }];
  // Conditional jumps whose other side is still to explore (the verifier's DFS stack).
  const pending: { insn: number; seg: number; pos: number }[] = [];
  let source: ReturnType<typeof sourceComment> | undefined;
  let lastInsn: number | undefined;
  let lastInsnLine = -1;
  let stats: VerifierStats | undefined;
  const tail: string[] = [];

  lines.forEach((l, i) => {
    if (l.startsWith('; ') || l === ';') {
      source = l.length > 2 ? sourceComment(l) : undefined;
      return;
    }
    const from = FROM.exec(l);
    if (from) {
      const x = Number(from[1]);
      const y = Number(from[2]);
      let k = pending.length - 1;
      while (k >= 0 && pending[k].insn !== x) k--;
      const parent = k >= 0 ? pending[k] : undefined;
      if (k >= 0) pending.length = k;
      segments.push({ insns: [], parent: parent ? { seg: parent.seg, pos: parent.pos } : undefined, from: [x, y] });
      states.push({ insn: y, from: x, regs: parseRegs(from[3]) });
      return;
    }
    const m = INSN.exec(l);
    if (m) {
      const idx = Number(m[1]);
      const text = m[3].trim();
      let ins = byIdx.get(idx);
      if (!ins) {
        ins = { idx, opcode: m[2], text, visits: 0 };
        const t = jumpTarget(idx, text);
        if (t !== undefined) ins.target = t;
        if (m[4]) ins.after = parseRegs(m[4]);
        byIdx.set(idx, ins);
      } else if (!ins.after && m[4]) ins.after = parseRegs(m[4]);
      if (source && !ins.sourceText) {
        ins.sourceText = source.sourceText;
        if (source.fileLine) ins.fileLine = source.fileLine;
      }
      ins.visits++;
      const seg = segments.length - 1;
      segments[seg].insns.push(idx);
      if (/^if /.test(text)) pending.push({ insn: idx, seg, pos: segments[seg].insns.length });
      lastInsn = idx;
      lastInsnLine = i;
      tail.length = 0;
      return;
    }
    const st = STATE.exec(l);
    if (st) {
      states.push({ insn: Number(st[1]), regs: parseRegs(st[2]) });
      return;
    }
    const p = PROCESSED.exec(l);
    if (p) {
      stats = { ...stats, processed: +p[1], limit: +p[2], maxStatesPerInsn: +p[3], totalStates: +p[4], peakStates: +p[5], markRead: +p[6] };
      return;
    }
    const vt = /^verification time (\d+) usec/.exec(l);
    if (vt) {
      stats = { processed: stats?.processed ?? 0, ...stats, verificationTimeUs: +vt[1] };
      return;
    }
    const sd = /^stack depth (.+)$/.exec(l);
    if (sd) {
      stats = { processed: stats?.processed ?? 0, ...stats, stackDepth: sd[1].trim() };
      return;
    }
    if (!l.trim() || NOISE.test(l)) return;
    if (i > lastInsnLine) tail.push(l.trim());
    other.push(l);
  });

  // The failing (last) path: the last segment with its ancestors' prefixes.
  const failurePath: number[] = [];
  const failureBranches: [number, number][] = [];
  const chain: { seg: Segment; upto: number }[] = [];
  let cur: { seg: number; upto: number } | undefined = { seg: segments.length - 1, upto: segments[segments.length - 1].insns.length };
  const seen = new Set<number>();
  while (cur && !seen.has(cur.seg)) {
    seen.add(cur.seg);
    const s: Segment = segments[cur.seg];
    chain.unshift({ seg: s, upto: cur.upto });
    cur = s.parent ? { seg: s.parent.seg, upto: s.parent.pos } : undefined;
  }
  for (const c of chain) {
    if (c.seg.from) failureBranches.push(c.seg.from);
    failurePath.push(...c.seg.insns.slice(0, c.upto));
  }

  const message = tail.join('; ');
  const insns = [...byIdx.values()].sort((a, b) => a.idx - b.idx);
  const format = insns.length > 0 || stats ? 'verifier' : 'unknown';
  const failure = message ? { ...(lastInsn !== undefined ? { insn: lastInsn } : {}), message } : undefined;
  return { format, insns, states, failurePath, failureBranches, ...(failure ? { failure } : {}), ...(stats ? { stats } : {}), other };
}
