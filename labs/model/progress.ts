// Per-workspace lab progress in .ring0/progress.json: which labs were started (and where), each one's
// last check, and the copies a reset moved aside. Written atomically, so a reload never sees half a file.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../kernel/util/atomicWrite';
import { confineToWorkspace } from './confine';

export interface ObjectiveResult {
  id: string;
  text: string;
  passed: boolean;
  message: string;
  /** Where the checker saw the problem (a build error's file and 1-based line), when it knows. */
  file?: string;
  line?: number;
}

export interface LabCheck {
  at: string;
  passed: boolean;
  objectives: ObjectiveResult[];
}

export interface LabProgress {
  started?: string;
  /** The lab's folder when it is not labs/<id>: relative to the workspace when inside it, else absolute. */
  dir?: string;
  lastCheck?: LabCheck;
  /** Earlier copies that `reset` moved aside, oldest first. */
  resets?: { at: string; movedTo: string }[];
}

export type Progress = Record<string, LabProgress>;

export function progressFile(workspace: string): string {
  return path.join(workspace, '.ring0', 'progress.json');
}

/** Where progress lived before it had its own name; read once when progress.json does not exist yet. */
const legacyFile = (workspace: string) => path.join(workspace, '.ring0', 'labs.json');

export function readProgress(workspace: string): Progress {
  const file = existsSync(progressFile(workspace)) ? progressFile(workspace) : legacyFile(workspace);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return {};
  const out: Progress = {};
  // A hand-edited or foreign file must not break the views: keep only entries shaped like progress.
  for (const [id, p] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) continue;
    const e = p as Record<string, unknown>;
    const entry: LabProgress = {};
    if (typeof e.started === 'string') entry.started = e.started;
    if (typeof e.dir === 'string') entry.dir = e.dir;
    if (isCheck(e.lastCheck)) entry.lastCheck = e.lastCheck;
    if (Array.isArray(e.resets)) entry.resets = e.resets.filter((r): r is { at: string; movedTo: string } => typeof r?.at === 'string' && typeof r?.movedTo === 'string');
    out[id] = entry;
  }
  return out;
}

function isCheck(c: unknown): c is LabCheck {
  if (typeof c !== 'object' || c === null) return false;
  const o = c as Record<string, unknown>;
  return typeof o.at === 'string' && typeof o.passed === 'boolean' && Array.isArray(o.objectives)
    && o.objectives.every((x: unknown) => typeof x === 'object' && x !== null && typeof (x as ObjectiveResult).id === 'string' && typeof (x as ObjectiveResult).passed === 'boolean'
      && typeof (x as ObjectiveResult).message === 'string');
}

function writeProgress(workspace: string, all: Progress): void {
  const file = progressFile(workspace);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(all, null, 2) + '\n');
}

/** Merges `patch` into the lab's entry. */
export function updateProgress(workspace: string, id: string, patch: LabProgress): Progress {
  const all = readProgress(workspace);
  all[id] = { ...all[id], ...patch };
  writeProgress(workspace, all);
  return all;
}

/** Replaces the lab's entry (a reset forgets the last check). */
export function setProgress(workspace: string, id: string, entry: LabProgress): Progress {
  const all = readProgress(workspace);
  all[id] = entry;
  writeProgress(workspace, all);
  return all;
}

/** The default folder of a lab in the workspace. */
export function labDir(workspace: string, id: string): string {
  return path.join(workspace, 'labs', id);
}

/** Where a lab lives: the folder recorded when it was started, else labs/<id>. */
export function labFolder(workspace: string, id: string, progress: Progress = readProgress(workspace)): string {
  const dir = progress[id]?.dir;
  return dir ? confineToWorkspace(workspace, dir, `the folder .ring0/progress.json records for ${id}`) : labDir(workspace, id);
}

/** How a lab folder is recorded: undefined for the default, relative inside the workspace, else absolute. */
export function recordedDir(workspace: string, id: string, folder: string): string | undefined {
  const abs = path.resolve(folder);
  if (abs === labDir(workspace, id)) return undefined;
  const rel = path.relative(workspace, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}
