// Runs a lab's checker: the host build step (if any), then the guest script through the agent; every
// objective gets passed/failed with a message that says what to do.
import path from 'node:path';
import type { BuildResult } from '../../kernel/build/diagnostics';
import { missingDevices, restartHint } from '../../kernel/vm/devices';
import { parseCheckerOutput, type LabManifest } from './manifest';
import type { LabCheck, ObjectiveResult } from './progress';

export interface CheckDeps {
  buildModule(dir: string): Promise<BuildResult>;
  buildBpf?(file: string): Promise<BuildResult>;
  /** Loads a BPF object into the VM under `name` (replacing a previous load); XDP/tc programs attach to `iface`. */
  loadBpf?(object: string, name: string, opts?: { iface?: string }): Promise<{ ok: boolean; error?: string }>;
  /** Runs argv in the guest with `stdin` as its input. */
  run(argv: string[], opts: RunOpts): Promise<RunOutput>;
  /** Runs argv on the host (for checkers with a host script), killing its whole process group on timeout. */
  runHost?(argv: string[], opts: RunOpts): Promise<RunOutput>;
  /** The QEMU devices the running VM has; when given, a lab needing others fails without building. */
  vmDevices?: string[];
}

interface RunOpts { cwd: string; timeoutMs: number; stdin: string }
interface RunOutput { exitCode: number | null; stdout: Buffer; stderr: Buffer; timedOut?: boolean }

/** The checker scripts' text, from the catalog: the guest script and the optional host and setup scripts. */
export interface CheckerScripts {
  guest?: string;
  host?: string;
  setup?: string;
}

/** Why the running VM cannot run this lab's checker, or undefined when it can. */
export function unmetRequirements(lab: LabManifest, vmDevices: readonly string[] | undefined): string | undefined {
  const need = lab.requirements.qemuDevices ?? [];
  if (!vmDevices || need.length === 0) return undefined;
  const missing = missingDevices(need, vmDevices);
  if (missing.length === 0) return undefined;
  return `this lab needs the QEMU device${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the running VM does not have: ${restartHint(need)}`;
}

/**
 * `dir` is the user's copy of the lab in the workspace; `checker` is the scripts' text from the catalog
 * (a string: the guest script), sent on stdin (`sh -s`): the user cannot edit them, and they need no
 * shared path in the guest. The setup script runs first in the guest (before build and load); the host
 * script, if any, runs on the host from `dir` before the guest script.
 */
export async function checkLab(lab: LabManifest, dir: string, checker: string | CheckerScripts, deps: CheckDeps): Promise<LabCheck> {
  const scripts: CheckerScripts = typeof checker === 'string' ? { guest: checker } : checker;
  const setup = scripts.setup;
  const unmet = unmetRequirements(lab, deps.vmDevices);
  if (unmet) {
    return { at: new Date().toISOString(), passed: false, objectives: lab.objectives.map((o) => ({ id: o.id, text: o.text, passed: false, message: unmet })) };
  }
  const reported = new Map<string, { passed: boolean; message: string; file?: string; line?: number }>();
  let stop: string | undefined;
  if (lab.checker.setup) {
    if (setup === undefined) throw new Error(`lab ${lab.id} has a setup script (${lab.checker.setup}); pass its text`);
    const r = await deps.run(['sh', '-s'], { cwd: dir, timeoutMs: 60_000, stdin: setup });
    if (r.timedOut || r.exitCode !== 0) {
      const why = r.timedOut ? 'timed out' : `exit ${r.exitCode}`;
      stop = `the lab's setup in the VM failed (${why}): ${`${r.stdout.toString('utf8')}\n${r.stderr.toString('utf8')}`.trim().split('\n').slice(-2).join(' ') || 'no message'}`;
    }
  }
  if (!stop && lab.checker.build === 'module') {
    const b = await deps.buildModule(dir);
    const first = b.diagnostics.find((d) => d.severity === 'error');
    reported.set('builds', b.ok
      ? { passed: true, message: `built ${b.artifacts.map((a) => path.basename(a)).join(', ')}` }
      : { passed: false, message: first ? `${path.basename(first.file)}:${first.line}: ${first.message}` : 'the build failed; run ring0 build module for details', ...at(first) });
    if (!b.ok) stop = 'fix the build first (objective "builds")';
  }
  if (!stop && lab.checker.build === 'bpf' && lab.checker.bpfSource) {
    if (!deps.buildBpf || !deps.loadBpf) throw new Error('this checker needs BPF build and load');
    const b = await deps.buildBpf(path.join(dir, lab.checker.bpfSource));
    const first = b.diagnostics.find((d) => d.severity === 'error');
    reported.set('builds', b.ok
      ? { passed: true, message: `built ${b.artifacts.map((a) => path.basename(a)).join(', ')}` }
      : { passed: false, message: first ? `${path.basename(first.file)}:${first.line}: ${first.message}` : 'the build failed; run ring0 build bpf for details', ...at(first) });
    if (!b.ok) stop = 'fix the build first (objective "builds")';
    else {
      const l = await deps.loadBpf(b.artifacts[0], lab.id, lab.checker.iface ? { iface: lab.checker.iface } : undefined);
      reported.set('loads', l.ok ? { passed: true, message: 'the verifier accepted it and every program attached' } : { passed: false, message: l.error ?? 'loading failed' });
      if (!l.ok) stop = 'fix loading first (objective "loads")';
    }
  }
  if (!stop && scripts.host !== undefined) {
    if (!deps.runHost) throw new Error('this checker needs a host step');
    stop = collect(await deps.runHost(['sh', '-s'], { cwd: dir, timeoutMs: 120_000, stdin: scripts.host }), 'on the host', reported);
  }
  if (!stop && scripts.guest !== undefined) {
    stop = collect(await deps.run(['sh', '-s'], { cwd: dir, timeoutMs: 120_000, stdin: scripts.guest }), 'in the guest', reported);
  }
  const objectives: ObjectiveResult[] = lab.objectives.map((o) => {
    const got = reported.get(o.id);
    const where = got?.file !== undefined ? { file: got.file, line: got.line ?? 1 } : {};
    return { id: o.id, text: o.text, passed: got?.passed ?? false, message: got?.message ?? (stop ?? 'the checker did not report this objective'), ...where };
  });
  return { at: new Date().toISOString(), passed: objectives.every((o) => o.passed), objectives };
}

/** A build error's place, for the objective's location. */
function at(d: { file: string; line: number } | undefined): { file?: string; line?: number } {
  return d ? { file: d.file, line: d.line } : {};
}

/** Records a script's PASS/FAIL lines (first report of an objective wins); returns why it stopped, if it did. */
function collect(r: RunOutput, where: string, reported: Map<string, { passed: boolean; message: string }>): string | undefined {
  for (const l of parseCheckerOutput(r.stdout.toString('utf8'))) if (!reported.has(l.objective)) reported.set(l.objective, l);
  if (r.timedOut) return `the checker timed out ${where}`;
  if (r.exitCode !== 0) return `the checker stopped ${where} (exit ${r.exitCode}): ${r.stderr.toString('utf8').trim().split('\n').slice(-2).join(' ') || 'no message'}`;
  return undefined;
}
