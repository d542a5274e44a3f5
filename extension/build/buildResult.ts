// The JSON contract of `ring0 build module|bpf --json`, validated where it is read (the extension runs
// the CLI as a separate process and never trusts its output blindly).
import type { BuildResult, Diagnostic as BuildDiagnostic } from '../../kernel/build/diagnostics';

export type { BuildResult, BuildDiagnostic };

function isDiagnostic(d: unknown): d is BuildDiagnostic {
  if (typeof d !== 'object' || d === null) return false;
  const x = d as Record<string, unknown>;
  return typeof x.file === 'string' && Number.isInteger(x.line) && Number.isInteger(x.column)
    && (x.severity === 'error' || x.severity === 'warning' || x.severity === 'note') && typeof x.message === 'string';
}

/** Parses the CLI's stdout; throws an Error that quotes the start of anything that is not the contract. */
export function parseBuildResult(stdout: string): BuildResult {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new Error(`ring0 build printed no JSON: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  if (typeof raw !== 'object' || raw === null) throw new Error('ring0 build printed JSON that is not an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.ok !== 'boolean' || !Array.isArray(r.artifacts) || !Array.isArray(r.diagnostics)) {
    throw new Error('ring0 build JSON lacks ok, artifacts or diagnostics');
  }
  return {
    ok: r.ok,
    artifacts: r.artifacts.filter((a): a is string => typeof a === 'string'),
    diagnostics: r.diagnostics.filter(isDiagnostic),
  };
}
