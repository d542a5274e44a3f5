// CLI: `ring0 bpf verify FILE.bpf.o [--json]` — the verifier's level-2 log as instructions on source
// lines, the failing path, stats and a plain-language explanation (nothing is attached or pinned).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { verifyBpf, type VerifiedProgram, type VerifyReport } from '../../kernel/bpf/verify';
import { connectAgent } from '../../kernel/vm/manager';
import type { CliCommand, Invocation } from '../command';
import { UsageError } from '../command';
import { workspaceOf } from './vm';

function where(s: { file: string; line: number; column: number } | undefined): string {
  return s ? `${s.file}:${s.line}:${s.column}` : '(no source line)';
}

function printProgram(inv: Invocation, p: VerifiedProgram): void {
  const st = p.stats ? `  processed ${p.stats.processed} insns, peak states ${p.stats.peakStates ?? '?'}, total states ${p.stats.totalStates ?? '?'}` : '';
  inv.io.out(`${p.passed ? 'PASS' : 'REJECTED'}  ${p.name}${p.section ? ` (${p.section})` : ''}${st}\n`);
  if (p.passed) return;
  if (p.failure) inv.io.out(`  ${where(p.failure.source)}: ${p.failure.message}${p.failure.insn !== undefined ? ` (instruction ${p.failure.insn})` : ''}\n`);
  if (p.explanation) {
    inv.io.out(`  ${p.explanation.title}: ${p.explanation.text}\n  Fix: ${p.explanation.fix}\n`);
    const r = p.explanation.related;
    if (r) inv.io.out(`  Note: ${r.what}: ${where(r.source)} (instruction ${r.insn})\n`);
  }
  if (p.format === 'unknown') {
    inv.io.out('  The log is in a format Ring0 does not know; here it is as the kernel wrote it:\n');
    inv.io.out(p.log.replace(/^/gm, '    ') + '\n');
    return;
  }
  inv.io.out('  Path to the failure:\n');
  let lastLine = '';
  for (const idx of p.failurePath.slice(-40)) {
    const i = p.insns.find((x) => x.idx === idx);
    if (!i) continue;
    const line = i.source ? `${path.basename(i.source.file)}:${i.source.line}  ${i.source.text.trim()}` : '';
    if (line && line !== lastLine) inv.io.out(`    ${line}\n`);
    lastLine = line || lastLine;
    inv.io.out(`      ${String(i.idx).padStart(4)}: ${i.text}${i.state.length ? `   ; ${i.state.map((r) => `${r.name}=${r.value}`).join(' ')}` : ''}\n`);
  }
}

export const bpfVerifyCommand: CliCommand = {
  path: ['bpf', 'verify'],
  summary: 'Run the BPF verifier on an object in the workspace VM and explain a rejection on the C source lines.',
  synopsis: 'FILE.bpf.o [--json]',
  details: [
    '--json  {ok, object, notes, error?, programs:[{name, section, passed, logLevel, truncated, format,',
    '        insns:[{idx, opcode, text, state:[{name, value, written}], visits, target?, onFailurePath, source?:{file, line, column, text}}],',
    '        states, failurePath, failureBranches, failure?:{insn, message, source?}, explanation?:{kind, title, text, fix, source?, related?},',
    '        stats?:{processed, limit, maxStatesPerInsn, totalStates, peakStates, markRead}, log}]}',
    '        format "unknown": the log is not one Ring0 parses; `log` holds it raw',
    'Exit status: 0 when every program passes, 1 when one is rejected or the load fails.',
    '-w, --workspace DIR the workspace whose VM to use (default: .)',
  ],
  options: { json: { type: 'boolean' }, workspace: { type: 'string', short: 'w' } },
  positionals: { min: 1, max: 1 },
  run: async (inv) => {
    const file = path.resolve(inv.io.cwd, inv.positionals[0]);
    if (!existsSync(file)) throw new UsageError(`${file} does not exist (build it first: ring0 build)`);
    if (!/\.o$/.test(file)) throw new UsageError(`${file} is not a BPF object (.bpf.o)`);
    const agent = await connectAgent(workspaceOf(inv));
    let r: VerifyReport;
    try {
      r = await verifyBpf(agent, { object: file });
    } finally {
      agent.close();
    }
    if (inv.values.json) inv.io.out(JSON.stringify(r, null, 2) + '\n');
    else {
      if (r.error) inv.io.out(`load failed before verification: ${r.error}\n`);
      for (const p of r.programs) printProgram(inv, p);
      for (const n of r.notes) inv.io.err(`note: ${n}\n`);
    }
    return r.ok ? 0 : 1;
  },
};
