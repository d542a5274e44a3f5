// Starting and resetting a lab in a workspace: start copies the starter (and the steps as STEPS.md)
// and never overwrites anything; reset first moves the existing copy aside to <folder>.bak-<timestamp>.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CatalogLab } from './catalog';
import { labFolder, readProgress, recordedDir, setProgress, updateProgress } from './progress';
import { confineToWorkspace } from './confine';

export interface StartedLab {
  dir: string;
  steps: string;
  /** The starter's files as copied (absolute), sources first: what to open next to the steps. */
  files: string[];
  /** Where reset moved the previous copy, if it did. */
  movedTo?: string;
}

export class LabExistsError extends Error {
  constructor(readonly dir: string, id: string) {
    super(`${dir} already exists and may hold your work; Ring0 never overwrites it. Open it, or start over with 'ring0 lab reset ${id}' (moves it aside to ${path.basename(dir)}.bak-<time> first).`);
  }
}

const isEmptyDir = (d: string) => statSync(d).isDirectory() && readdirSync(d).length === 0;

function copyStarter(lab: CatalogLab, dest: string): StartedLab {
  mkdirSync(dest, { recursive: true });
  const starter = path.join(lab.dir, lab.starter);
  // Entry by entry into the (empty) folder: copying a folder onto an existing one fails on newer Node.
  for (const e of readdirSync(starter)) cpSync(path.join(starter, e), path.join(dest, e), { recursive: true, force: false, errorOnExist: true });
  cpSync(path.join(lab.dir, lab.steps), path.join(dest, 'STEPS.md'), { force: false, errorOnExist: true });
  const files = listFiles(starter).map((f) => path.join(dest, f));
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { dir: dest, steps: path.join(dest, 'STEPS.md'), files };
}

const rank = (f: string) => (/\.(c|h)$/.test(f) ? 0 : /\.py$|\.sh$|\.bt$/.test(f) ? 1 : 2);

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? listFiles(path.join(dir, e.name), path.join(prefix, e.name)) : [path.join(prefix, e.name)]);
}

/** Copies the lab's starter into `dir` (default: the lab's folder); throws LabExistsError when it holds anything. */
export function startLab(workspace: string, lab: CatalogLab, dir?: string, now = new Date()): StartedLab {
  const dest = confineToWorkspace(workspace, dir ?? labFolder(workspace, lab.id), `the folder for ${lab.id}`);
  if (existsSync(dest) && !isEmptyDir(dest)) throw new LabExistsError(dest, lab.id);
  const started = copyStarter(lab, dest);
  const rec = recordedDir(workspace, lab.id, dest);
  updateProgress(workspace, lab.id, { started: now.toISOString(), dir: rec });
  return started;
}

/** `labs/module-hello.bak-20261129-143005` (a numbered suffix when that exists too). */
export function backupName(folder: string, now: Date): string {
  const t = now.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  let name = `${folder}.bak-${t}`;
  for (let i = 2; existsSync(name); i++) name = `${folder}.bak-${t}-${i}`;
  return name;
}

/** Moves the lab's current folder aside (if any), copies a fresh starter and forgets the last check. */
export function resetLab(workspace: string, lab: CatalogLab, dir?: string, now = new Date()): StartedLab {
  const progress = readProgress(workspace);
  const dest = confineToWorkspace(workspace, dir ?? labFolder(workspace, lab.id, progress), `the folder for ${lab.id}`);
  let movedTo: string | undefined;
  if (existsSync(dest)) {
    movedTo = backupName(dest, now);
    renameSync(dest, movedTo);
  }
  const started = copyStarter(lab, dest);
  const old = progress[lab.id];
  setProgress(workspace, lab.id, {
    started: now.toISOString(),
    dir: recordedDir(workspace, lab.id, dest),
    resets: [...(old?.resets ?? []), ...(movedTo ? [{ at: now.toISOString(), movedTo: recordedDir(workspace, lab.id, movedTo) ?? movedTo }] : [])],
  });
  return { ...started, movedTo };
}

/** The file to open next to the steps: the starter's first source file, as it is in `folder` now. */
export function mainFile(lab: CatalogLab, folder: string): string | undefined {
  const starter = path.join(lab.dir, lab.starter);
  const files = existsSync(starter) ? listFiles(starter) : [];
  files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return files.map((f) => path.join(folder, f)).find((f) => existsSync(f));
}
