// Checking labs as a unit of work: one lab (booting a VM for it when none runs), or many in one VM
// (every started lab, or every lab's solution from a folder), each result recorded or reported.
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { CatalogLab } from '../model/catalog';
import { readProgress, recordedDir, updateProgress, labFolder, type LabCheck } from '../model/progress';
import { evaluateRequirements, hostFacts } from '../model/requirements';
import { dirProblem, failedCheck, needsVm, runLabCheck } from './runCheck';
import { openLabVm, type LabVm, type LabVmOptions } from './labVm';

export interface LabOutcome {
  lab: CatalogLab;
  dir: string;
  check?: LabCheck;
  /** Why the lab was not checked (this machine lacks a requirement; no solution for it). */
  skipped?: string;
  /** What went wrong before the checker could report (no VM, a folder outside the workspace, …). */
  error?: string;
  seconds: number;
  /** Whether the VM was booted for this check ('booted'/'kept') or was running. */
  vm?: LabVm['origin'];
}

/** Any failure becomes a failed check with its message: callers always get the contract. */
async function guarded(lab: CatalogLab, body: () => Promise<LabCheck>): Promise<Pick<LabOutcome, 'check' | 'error'>> {
  try {
    return { check: await body() };
  } catch (e) {
    const message = (e as Error).message;
    return { check: failedCheck(lab, message), error: message };
  }
}

function record(workspace: string, lab: CatalogLab, dir: string, check: LabCheck): void {
  const before = readProgress(workspace)[lab.id];
  updateProgress(workspace, lab.id, { lastCheck: check, ...(before?.started ? {} : { started: check.at }), dir: recordedDir(workspace, lab.id, dir) });
}

/** Checks one lab in `dir`; with no VM running, one is booted for the check (kept with keepVm). */
export async function checkOneLab(workspace: string, lab: CatalogLab, dir: string, o: LabVmOptions = {}): Promise<LabOutcome> {
  const t0 = Date.now();
  let origin: LabVm['origin'] | undefined;
  const r = await guarded(lab, async () => {
    if (!existsSync(dir)) throw new Error(`lab ${lab.id} is not started in ${workspace} (${dir} does not exist); run 'ring0 lab start ${lab.id}'${path.dirname(dir) === path.join(workspace, 'labs') ? '' : ` --dir ${dir}`}`);
    const problem = dirProblem(workspace, lab, dir);
    if (problem) throw new Error(problem);
    const vm = needsVm(lab) ? await openLabVm(workspace, { ...o, devices: [...(o.devices ?? []), ...(lab.requirements.qemuDevices ?? [])] }) : undefined;
    origin = vm?.origin;
    try {
      return await runLabCheck(lab, dir, vm);
    } finally {
      await vm?.close();
    }
  });
  if (r.check && existsSync(dir) && !dirProblem(workspace, lab, dir)) record(workspace, lab, dir, r.check);
  return { lab, dir, ...r, seconds: (Date.now() - t0) / 1000, ...(origin ? { vm: origin } : {}) };
}

export interface ManyOptions extends LabVmOptions {
  /** Check each lab's solution from here (DIR/<id>/solution or DIR/<id>, over the starter files) instead of the started labs. */
  solutions?: string;
  onLab?: (lab: CatalogLab, index: number, total: number) => void;
}

/** Where the copies of solutions are checked: inside the workspace (which the VM shares), never DIR itself. */
export function scratchDir(workspace: string): string {
  return path.join(workspace, '.ring0', 'check-all');
}

/** Checks every started lab (or every lab's solution) in one VM, booted once for all of them if needed. */
export async function checkManyLabs(workspace: string, catalog: CatalogLab[], o: ManyOptions = {}): Promise<LabOutcome[]> {
  const progress = readProgress(workspace);
  const todo: { lab: CatalogLab; dir: string; skipped?: string; source?: string }[] = [];
  for (const lab of catalog) {
    if (o.solutions) {
      const src = [path.join(o.solutions, lab.id, 'solution'), path.join(o.solutions, lab.id)].find((d) => existsSync(d));
      const dir = path.join(scratchDir(workspace), lab.id);
      todo.push(src ? { lab, dir, source: src } : { lab, dir, skipped: `no solution for ${lab.id} in ${o.solutions}` });
    } else if (progress[lab.id]?.started) {
      todo.push({ lab, dir: labFolder(workspace, lab.id, progress) });
    }
  }
  if (todo.length === 0) throw new Error(o.solutions ? `${o.solutions} holds no lab solution (DIR/<id>/solution or DIR/<id>)` : `no lab is started in ${workspace}; 'ring0 lab start ID' starts one, or pass --solutions DIR`);
  const facts = hostFacts(todo.some((t) => (t.lab.requirements.qemuDevices ?? []).length > 0));
  for (const t of todo) {
    const unmet = t.skipped ? [] : evaluateRequirements(t.lab.requirements, facts).filter((r) => !r.met);
    if (unmet.length) t.skipped = unmet.map((r) => r.detail).join(' ');
  }
  const run = todo.filter((t) => !t.skipped);
  let vm: LabVm | undefined;
  let vmError: string | undefined;
  if (run.some((t) => needsVm(t.lab))) {
    try {
      vm = await openLabVm(workspace, { ...o, devices: [...new Set([...(o.devices ?? []), ...run.flatMap((t) => t.lab.requirements.qemuDevices ?? [])])] });
    } catch (e) {
      vmError = `the VM for the checks did not start: ${(e as Error).message}`;
    }
  }
  const out: LabOutcome[] = [];
  try {
    for (const [i, t] of todo.entries()) {
      o.onLab?.(t.lab, i, todo.length);
      if (t.skipped) {
        out.push({ lab: t.lab, dir: t.dir, skipped: t.skipped, seconds: 0 });
        continue;
      }
      const t0 = Date.now();
      const r = await guarded(t.lab, async () => {
        if (t.source) {
          rmSync(t.dir, { recursive: true, force: true });
          mkdirSync(path.dirname(t.dir), { recursive: true });
          // A solution may hold only the files it changes: it goes over the lab's starter files.
          if (t.lab.starter) cpSync(path.join(t.lab.dir, t.lab.starter), t.dir, { recursive: true });
          cpSync(t.source, t.dir, { recursive: true });
        }
        if (!existsSync(t.dir)) throw new Error(`${t.dir} does not exist; 'ring0 lab start ${t.lab.id}' creates it`);
        const problem = dirProblem(workspace, t.lab, t.dir);
        if (problem) throw new Error(problem);
        if (needsVm(t.lab) && !vm) throw new Error(vmError ?? 'no VM');
        return runLabCheck(t.lab, t.dir, needsVm(t.lab) ? vm : undefined);
      });
      if (!t.source && r.check && !dirProblem(workspace, t.lab, t.dir)) record(workspace, t.lab, t.dir, r.check);
      out.push({ lab: t.lab, dir: t.dir, ...r, seconds: (Date.now() - t0) / 1000, ...(vm && needsVm(t.lab) ? { vm: vm.origin } : {}) });
    }
  } finally {
    await vm?.close();
  }
  return out;
}

/** The --json contract of one lab: {id, passed, at, dir, objectives, error?, skipped?, vm?}. */
export function outcomeJson(o: LabOutcome) {
  const check = o.check ?? failedCheck(o.lab, o.skipped ?? 'not checked');
  return {
    id: o.lab.id, passed: o.skipped ? false : check.passed, at: check.at, dir: o.dir, objectives: check.objectives,
    ...(o.error ? { error: o.error } : {}), ...(o.skipped ? { skipped: o.skipped } : {}), ...(o.vm ? { vm: o.vm } : {}),
  };
}
