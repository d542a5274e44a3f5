// Messages between the verifier explainer panel and its page; each side validates what it receives.
import { isArr, isInt, isRec, isStr, type Rec } from './check';

export interface PageSource { file: string; line: number; column: number; text: string }
export interface PageInsn { idx: number; text: string; state: string; visits: number; target?: number; onFailurePath: boolean; source?: PageSource }
export interface PageProgram {
  name: string;
  section?: string;
  passed: boolean;
  truncated: boolean;
  format: 'verifier' | 'unknown';
  insns: PageInsn[];
  failurePath: number[];
  failure?: { insn?: number; message: string; source?: PageSource };
  explanation?: { title: string; text: string; fix: string; source?: PageSource; related?: { what: string; insn: number; source?: PageSource } };
  stats: { label: string; value: string }[];
  log: string;
}

export type VerifierToPage =
  | { type: 'loading'; object: string }
  | { type: 'report'; object: string; ok: boolean; programs: PageProgram[]; notes: string[]; error?: string }
  | { type: 'error'; message: string };

export type PageToVerifier = { type: 'ready' } | { type: 'rerun' } | { type: 'openSource'; file: string; line: number; column: number };

export function isPageToVerifier(m: unknown): m is PageToVerifier {
  if (!isRec(m)) return false;
  if (m.type === 'ready' || m.type === 'rerun') return true;
  return m.type === 'openSource' && isStr(m.file, 4096) && m.file.startsWith('/') && isInt(m.line, 1) && isInt(m.column, 1);
}

const isSource = (v: unknown): v is PageSource => isRec(v) && isStr(v.file, 4096) && isInt(v.line) && isInt(v.column) && isStr(v.text);
const optSource = (v: unknown) => v === undefined || isSource(v);

function isInsn(v: unknown): v is PageInsn {
  return isRec(v) && isInt(v.idx) && isStr(v.text) && isStr(v.state) && isInt(v.visits) && (v.target === undefined || isInt(v.target, -1_000_000))
    && typeof v.onFailurePath === 'boolean' && optSource(v.source);
}

function isExplanation(v: unknown): boolean {
  if (v === undefined) return true;
  if (!isRec(v) || !isStr(v.title) || !isStr(v.text) || !isStr(v.fix) || !optSource(v.source)) return false;
  const r = v.related as Rec | undefined;
  return r === undefined || (isRec(r) && isStr(r.what) && isInt(r.insn) && optSource(r.source));
}

function isProgram(v: unknown): v is PageProgram {
  if (!isRec(v)) return false;
  const f = v.failure as Rec | undefined;
  return isStr(v.name) && (v.section === undefined || isStr(v.section)) && typeof v.passed === 'boolean' && typeof v.truncated === 'boolean'
    && (v.format === 'verifier' || v.format === 'unknown') && isArr(v.insns, isInsn) && isArr(v.failurePath, (x): x is number => isInt(x))
    && (f === undefined || (isRec(f) && isStr(f.message) && (f.insn === undefined || isInt(f.insn)) && optSource(f.source)))
    && isExplanation(v.explanation) && isArr(v.stats, (s): s is { label: string; value: string } => isRec(s) && isStr(s.label) && isStr(s.value))
    && isStr(v.log, 32 << 20);
}

export function isVerifierToPage(m: unknown): m is VerifierToPage {
  if (!isRec(m)) return false;
  switch (m.type) {
    case 'loading':
      return isStr(m.object, 4096);
    case 'error':
      return isStr(m.message);
    case 'report':
      return isStr(m.object, 4096) && typeof m.ok === 'boolean' && isArr(m.programs, isProgram) && isArr(m.notes, (n): n is string => isStr(n)) && (m.error === undefined || isStr(m.error));
    default:
      return false;
  }
}
