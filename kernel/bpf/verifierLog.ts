// Verifier rejections → diagnostics on the user's source lines. Pure: reads a (libbpf-wrapped) 6.1
// verifier log, finds the failing instruction and message, and maps the instruction through the
// object's BTF.ext line info (or, failing that, the `; source text` comments the verifier prints).
import type { Diagnostic } from '../build/diagnostics';
import type { LineInfo } from '../elf/btf';

export interface ProgramPlace {
  name: string;
  section: string;
  /** Byte offset of the program's first instruction in its section. */
  offset: number;
  /** Bytes of the program's own code (instructions past it are appended subprograms). */
  size: number;
}

export interface VerifierFailure {
  /** The program libbpf named, when the log came wrapped in libbpf's BEGIN/END PROG LOAD LOG. */
  program?: string;
  /** Index of the last instruction the verifier processed. */
  insn?: number;
  /** The last `; ...` source comment before the failure. */
  sourceText?: string;
  /** `@ file:line` from newer kernels' source comments. */
  fileLine?: { file: string; line: number };
  message: string;
  log: string;
}

const INSN = /^(\d+): \([0-9a-f]{2}\)/;
const STATE = /^(\d+: R\d|\d+: \(|from \d+ to \d+:|verification time|stack depth|processed \d+ insns|func#\d+ @|last_idx|regs=|parent |mark_precise|propagating|; |Validating |Func#|arg#|caller:|callee:|\s*$|libbpf:|-- (BEGIN|END))/;

/**
 * Splits libbpf output into one log per program; `failed` is set for the ones libbpf reported as
 * "BPF program load failed" (with debug output libbpf also prints the logs of programs that passed).
 * A bare verifier log is one unnamed, failed log.
 */
export function extractVerifierLogs(text: string): { program?: string; log: string; failed: boolean }[] {
  const out: { program?: string; log: string; failed: boolean }[] = [];
  const failedNames = new Set([...text.matchAll(/prog '([^']+)': (?:BPF program load failed|failed to load)/g)].map((m) => m[1]));
  const re = /libbpf: prog '([^']+)': -- BEGIN PROG LOAD LOG --\n([\s\S]*?)-- END PROG LOAD LOG --/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push({ program: m[1], log: m[2], failed: failedNames.has(m[1]) });
  if (out.length === 0 && /^\d+: \(/m.test(text)) out.push({ log: text, failed: true });
  return out;
}

/**
 * "; text @ file:line" (the `@` part on newer kernels). Plain string work: the text is the user's source
 * line and may hold anything clang kept from a comment (U+2028, a lone CR), which `.` would not match.
 */
export function sourceComment(l: string): { sourceText: string; fileLine?: { file: string; line: number } } {
  const body = l.slice(2);
  const at = body.lastIndexOf(' @ ');
  const m = at >= 0 ? /^(\S+):(\d+)$/.exec(body.slice(at + 3)) : null;
  if (!m) return { sourceText: body.trim() };
  return { sourceText: body.slice(0, at).trim(), fileLine: { file: m[1], line: Number(m[2]) } };
}

export function parseVerifierLog(log: string, program?: string): VerifierFailure {
  const lines = log.split('\n').map((l) => l.replace(/\r$/, ''));
  let insn: number | undefined;
  let insnLine = -1;
  let sourceText: string | undefined;
  let sourceTextAtInsn: string | undefined;
  let fileLine: VerifierFailure['fileLine'];
  let fileLineAtInsn: VerifierFailure['fileLine'];
  lines.forEach((l, i) => {
    if (l.startsWith('; ')) {
      ({ sourceText, fileLine } = sourceComment(l));
      return;
    }
    const m = INSN.exec(l);
    if (m) {
      insn = Number(m[1]);
      insnLine = i;
      sourceTextAtInsn = sourceText;
      fileLineAtInsn = fileLine;
    }
  });
  // The message: what follows the last instruction that is not register state or statistics.
  const tail = lines.slice(insnLine + 1).filter((l) => !STATE.test(l)).map((l) => l.trim());
  const message = tail.slice(0, 3).join('; ') || lines.filter((l) => l.trim() && !STATE.test(l)).slice(-1)[0]?.trim() || 'the verifier rejected the program';
  return { program, insn, sourceText: sourceTextAtInsn || undefined, fileLine: fileLineAtInsn, message, log };
}

/** The line-info record covering byte offset `off` of `section`: the last one at or before it. */
export function lineAt(lines: LineInfo[], section: string, off: number, min = 0): LineInfo | undefined {
  let best: LineInfo | undefined;
  for (const l of lines) {
    if (l.section !== section || l.insnOff > off || l.insnOff < min) continue;
    if (!best || l.insnOff >= best.insnOff) best = l;
  }
  return best;
}

function normalize(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Maps one failure to a source position; undefined when nothing places it. */
export function locateFailure(f: VerifierFailure, lines: LineInfo[], programs: ProgramPlace[]): { file: string; line: number; column: number } | undefined {
  const prog = programs.find((p) => p.name === f.program) ?? (programs.length === 1 ? programs[0] : undefined);
  if (prog && f.insn !== undefined && f.insn * 8 < prog.size) {
    const l = lineAt(lines, prog.section, prog.offset + f.insn * 8, prog.offset);
    if (l && l.line > 0 && (!f.sourceText || normalize(l.text) === normalize(f.sourceText) || !l.text)) return { file: l.file, line: l.line, column: Math.max(1, l.column) };
    // Otherwise the record disagrees with the verifier's own comment: trust the comment's text below.
  }
  if (f.fileLine) {
    const byName = lines.find((l) => l.line === f.fileLine!.line && (l.file === f.fileLine!.file || l.file.endsWith(`/${f.fileLine!.file}`)));
    if (byName) return { file: byName.file, line: byName.line, column: Math.max(1, byName.column) };
  }
  if (f.sourceText) {
    const want = normalize(f.sourceText);
    const candidates = lines.filter((l) => normalize(l.text) === want && l.line > 0);
    const inProg = candidates.filter((l) => !prog || l.section === prog.section);
    const pick = inProg[0] ?? candidates[0];
    if (pick) return { file: pick.file, line: pick.line, column: Math.max(1, pick.column) };
  }
  if (prog && f.insn !== undefined) {
    const l = lineAt(lines, prog.section, prog.offset + f.insn * 8, prog.offset);
    if (l && l.line > 0) return { file: l.file, line: l.line, column: Math.max(1, l.column) };
  }
  return undefined;
}

/**
 * Diagnostics for every failed program in loader/libbpf output. `fallbackFile` (the BPF source) gets
 * the message at line 1 when no line info places it.
 */
export function verifierDiagnostics(output: string, lines: LineInfo[], programs: ProgramPlace[], fallbackFile: string): Diagnostic[] {
  return extractVerifierLogs(output).filter((l) => l.failed).map(({ program, log }) => {
    const f = parseVerifierLog(log, program);
    const at = locateFailure(f, lines, programs) ?? { file: fallbackFile, line: 1, column: 1 };
    const who = f.program ? `program '${f.program}'` : 'the program';
    const insn = f.insn !== undefined ? ` at instruction ${f.insn}` : '';
    return { ...at, severity: 'error' as const, message: `BPF verifier rejected ${who}${insn}: ${f.message}` };
  });
}
