// Per-workspace lab progress in .ring0/labs.json: which labs were started, and each one's last check.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ObjectiveResult {
  id: string;
  text: string;
  passed: boolean;
  message: string;
}

export interface LabCheck {
  at: string;
  passed: boolean;
  objectives: ObjectiveResult[];
}

export interface LabProgress {
  started?: string;
  lastCheck?: LabCheck;
}

export type Progress = Record<string, LabProgress>;

const file = (workspace: string) => path.join(workspace, '.ring0', 'labs.json');

export function readProgress(workspace: string): Progress {
  try {
    const raw = JSON.parse(readFileSync(file(workspace), 'utf8')) as unknown;
    return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Progress) : {};
  } catch {
    return {};
  }
}

export function updateProgress(workspace: string, id: string, patch: LabProgress): Progress {
  const all = readProgress(workspace);
  all[id] = { ...all[id], ...patch };
  mkdirSync(path.dirname(file(workspace)), { recursive: true });
  const tmp = `${file(workspace)}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(all, null, 2));
  renameSync(tmp, file(workspace));
  return all;
}

/** Where a started lab lives in the workspace. */
export function labDir(workspace: string, id: string): string {
  return path.join(workspace, 'labs', id);
}
