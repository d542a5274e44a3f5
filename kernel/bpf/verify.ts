// `bpf verify`: loads an object in the guest with verifier log level 2 (nothing attached or pinned),
// parses each program's log, places instructions on C source lines via BTF line info, and explains
// the rejection.
import path from 'node:path';
import type { LineInfo } from '../elf/btf';
import { objectLines, type ObjectLines } from '../elf/lineInfo';
import { BpfLoadError, loadBpfObject, type LoaderAgent } from './loader';
import { explainRejection, nullSourceInsn, type Explanation } from './verifierHints';
import { lineAt, type ProgramPlace } from './verifierLog';
import { parseVerifierTrace, type ParsedVerifierLog, type RegState, type StateLine, type VerifierStats } from './verifierParse';

export interface SourcePlace {
  file: string;
  line: number;
  column: number;
  text: string;
}

export interface VerifiedInsn {
  idx: number;
  opcode: string;
  text: string;
  state: RegState[];
  visits: number;
  target?: number;
  onFailurePath: boolean;
  source?: SourcePlace;
}

export interface VerifiedProgram {
  name: string;
  section?: string;
  passed: boolean;
  /** The log level the instructions came from; 4 means only the message and stats were available. */
  logLevel: number;
  /** The log filled the loader's buffer (the kernel stops writing it): the instructions are its head. */
  truncated: boolean;
  format: ParsedVerifierLog['format'];
  insns: VerifiedInsn[];
  states: StateLine[];
  failurePath: number[];
  failureBranches: [number, number][];
  failure?: { insn?: number; message: string; source?: SourcePlace };
  explanation?: Explanation & { source?: SourcePlace; related?: { what: string; insn: number; source?: SourcePlace } };
  stats?: VerifierStats;
  /** The log exactly as the kernel wrote it (shown when the format is unknown). */
  log: string;
}

export interface VerifyReport {
  ok: boolean;
  object: string;
  programs: VerifiedProgram[];
  /** The load failed before verification (bad object, missing loader, BTF): what it said. */
  error?: string;
  notes: string[];
}

function normalize(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Source place of instruction `idx` of `prog`: BTF line info by offset, else the verifier's `; text` comment. */
export function placeInsn(idx: number, sourceText: string | undefined, prog: ProgramPlace | undefined, lines: LineInfo[]): SourcePlace | undefined {
  const pick = (l: LineInfo | undefined) => (l && l.line > 0 ? { file: l.file, line: l.line, column: Math.max(1, l.column), text: l.text } : undefined);
  if (prog && idx * 8 < prog.size) {
    const l = lineAt(lines, prog.section, prog.offset + idx * 8, prog.offset);
    if (l && (!sourceText || !l.text || normalize(l.text) === normalize(sourceText))) return pick(l);
  }
  if (sourceText) {
    const want = normalize(sourceText);
    const c = lines.filter((l) => normalize(l.text) === want && l.line > 0);
    return pick(c.find((l) => !prog || l.section === prog.section) ?? c[0]);
  }
  return undefined;
}

/** Builds one program's report from its log(s). `statsLog` is a level-4 log of the same program (after an overflow). */
export function analyzeProgram(name: string, log: string, passed: boolean, obj: ObjectLines, opts: { logLevel?: number; truncated?: boolean; statsLog?: string } = {}): VerifiedProgram {
  const parsed = parseVerifierTrace(log);
  const prog = obj.programs.find((p) => p.name === name) ?? (obj.programs.length === 1 ? obj.programs[0] : undefined);
  if (opts.statsLog) {
    const s = parseVerifierTrace(opts.statsLog);
    if (s.failure) parsed.failure = { ...(parsed.failure?.insn !== undefined ? { insn: parsed.failure.insn } : {}), message: s.failure.message };
    if (s.stats) parsed.stats = s.stats;
  }
  if (opts.truncated && parsed.insns.length) {
    // The head of an overflowed log ends anywhere: point at the instruction walked most often instead.
    const hot = parsed.insns.reduce((a, b) => (b.visits > a.visits ? b : a));
    parsed.failure = { insn: hot.idx, message: parsed.failure?.message ?? 'the verifier log overflowed' };
  }
  const onPath = new Set(parsed.failurePath);
  const insns: VerifiedInsn[] = parsed.insns.map((i) => {
    const source = placeInsn(i.idx, i.sourceText, prog, obj.lines);
    return { idx: i.idx, opcode: i.opcode, text: i.text, state: i.after ?? [], visits: i.visits, ...(i.target !== undefined ? { target: i.target } : {}), onFailurePath: !passed && onPath.has(i.idx), ...(source ? { source } : {}) };
  });
  const at = (idx: number | undefined) => (idx === undefined ? undefined : insns.find((i) => i.idx === idx)?.source);
  const out: VerifiedProgram = {
    name,
    ...(prog ? { section: prog.section } : {}),
    passed,
    logLevel: opts.logLevel ?? 2,
    truncated: !!opts.truncated,
    format: parsed.format,
    insns,
    states: parsed.states,
    failurePath: passed ? [] : parsed.failurePath,
    failureBranches: passed ? [] : parsed.failureBranches,
    ...(parsed.stats ? { stats: parsed.stats } : {}),
    log,
  };
  if (!passed) {
    const message = parsed.failure?.message ?? (log.trim() ? log.trim().split('\n').slice(-1)[0] : 'the verifier rejected the program and printed no log');
    const src = at(parsed.failure?.insn);
    out.failure = { ...(parsed.failure?.insn !== undefined ? { insn: parsed.failure.insn } : {}), message, ...(src ? { source: src } : {}) };
    const ex = explainRejection(parsed, message);
    if (ex) {
      out.explanation = { ...ex, ...(src ? { source: src } : {}) };
      if (ex.kind === 'missing-null-check') {
        const n = nullSourceInsn(parsed);
        if (n !== undefined) out.explanation.related = { what: 'the pointer that may be NULL comes from here', insn: n, ...(at(n) ? { source: at(n) } : {}) };
      }
    }
  }
  return out;
}

const OVERFLOW = /No space left on device/;

export interface VerifyOptions {
  object: string;
  loaderPath?: string;
  timeoutMs?: number;
}

/** Verifies every program of `object` in the guest. Never attaches or pins. */
export async function verifyBpf(agent: LoaderAgent, o: VerifyOptions): Promise<VerifyReport> {
  const object = path.resolve(o.object);
  const notes: string[] = [];
  let obj: ObjectLines = { programs: [], lines: [] };
  try {
    obj = objectLines(object);
  } catch (e) {
    notes.push(`no line info in ${object} (${(e as Error).message}): instructions are placed by the verifier's source comments only`);
  }
  if (obj.lines.length === 0 && notes.length === 0) notes.push(`${path.basename(object)} has no BTF line info (compile with -g): instructions are placed by the verifier's source comments only`);
  const base = { object, loaderPath: o.loaderPath, name: 'ring0-verify', noAttach: true, timeoutMs: o.timeoutMs ?? 180_000 };
  try {
    const r = await loadBpfObject(agent, { ...base, logLevel: 2 });
    return { ok: true, object, notes, programs: r.programs.map((p) => analyzeProgram(p.name, p.verifierLog ?? '', true, obj)) };
  } catch (e) {
    if (!(e instanceof BpfLoadError)) throw e;
    const f = e.failure;
    if (f.stage !== 'load' || !f.verifierLog) return { ok: false, object, notes, programs: [], error: f.error };
    const name = f.program ?? 'unknown';
    if (!OVERFLOW.test(f.error)) {
      if (obj.programs.length > 1) notes.push('libbpf stops at the first program the verifier rejects: programs after it were not verified');
      return { ok: false, object, notes, programs: [analyzeProgram(name, f.verifierLog, false, obj)] };
    }
    // The level-2 log filled the loader's 16 MiB buffer; the kernel then keeps only its head. Level 4
    // prints only the verifier's messages and statistics, so it always fits.
    notes.push('the level-2 log overflowed the 16 MiB buffer: instructions are from its head; the message and statistics come from a second load at log level 4');
    let statsLog: string | undefined;
    try {
      await loadBpfObject(agent, { ...base, logLevel: 4 });
    } catch (e2) {
      if (e2 instanceof BpfLoadError && e2.failure.verifierLog) statsLog = e2.failure.verifierLog;
    }
    return { ok: false, object, notes, programs: [analyzeProgram(name, f.verifierLog, false, obj, { truncated: true, statsLog })] };
  }
}
