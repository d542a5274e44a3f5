// Turns a `ring0 bpf verify --json` report into what the explainer page shows (plain data, no vscode).
import type { VerifyReport } from '../../kernel/bpf/verify';
import type { PageProgram, VerifierToPage } from '../protocol/verifier';

/** Long level-2 logs are cut for the page (the CLI's JSON keeps them whole). */
const MAX_INSNS = 5000;
const MAX_RAW = 2 << 20;

export function reportToPage(r: VerifyReport): Extract<VerifierToPage, { type: 'report' }> {
  const programs: PageProgram[] = r.programs.map((p) => {
    const s = p.stats;
    const stats = s
      ? [
          { label: 'instructions processed', value: `${s.processed}${s.limit ? ` of ${s.limit}` : ''}` },
          ...(s.peakStates !== undefined ? [{ label: 'peak states', value: String(s.peakStates) }] : []),
          ...(s.totalStates !== undefined ? [{ label: 'total states', value: String(s.totalStates) }] : []),
          ...(s.maxStatesPerInsn !== undefined ? [{ label: 'max states per insn', value: String(s.maxStatesPerInsn) }] : []),
          ...(s.verificationTimeUs !== undefined ? [{ label: 'verification time', value: `${s.verificationTimeUs} µs` }] : []),
        ]
      : [];
    return {
      name: p.name,
      ...(p.section ? { section: p.section } : {}),
      passed: p.passed,
      truncated: p.truncated,
      format: p.format,
      insns: p.insns.slice(0, MAX_INSNS).map((i) => ({
        idx: i.idx,
        text: i.text,
        state: i.state.map((x) => `${x.name}${x.written ? '_w' : ''}=${x.value}`).join(' '),
        visits: i.visits,
        ...(i.target !== undefined ? { target: i.target } : {}),
        onFailurePath: i.onFailurePath,
        ...(i.source ? { source: i.source } : {}),
      })),
      failurePath: p.failurePath.slice(-MAX_INSNS),
      ...(p.failure ? { failure: p.failure } : {}),
      ...(p.explanation ? { explanation: { title: p.explanation.title, text: p.explanation.text, fix: p.explanation.fix, ...(p.explanation.source ? { source: p.explanation.source } : {}), ...(p.explanation.related ? { related: p.explanation.related } : {}) } } : {}),
      stats,
      log: p.log.slice(0, MAX_RAW),
    };
  });
  return { type: 'report', object: r.object, ok: r.ok, programs, notes: r.notes, ...(r.error ? { error: r.error } : {}) };
}
