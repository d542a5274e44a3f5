// Keeps every lab path inside its root: folders read from workspace files (.ring0/progress.json) stay
// inside the workspace, symlinks included, and manifest paths stay inside the lab's folder.
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';

export class LabPathError extends Error {}

/** The real path of `p`, resolving symlinks of its nearest existing ancestor. */
function realish(p: string): string {
  let head = path.resolve(p);
  const tail: string[] = [];
  while (!existsSync(head) && path.dirname(head) !== head) {
    tail.unshift(path.basename(head));
    head = path.dirname(head);
  }
  return path.join(realpathSync(head), ...tail);
}

export function isInside(root: string, p: string): boolean {
  const rel = path.relative(realish(root), realish(p));
  return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

/** `p` resolved against the workspace, or a LabPathError naming where it came from. */
export function confineToWorkspace(workspace: string, p: string, what: string): string {
  const abs = path.resolve(workspace, p);
  if (!isInside(workspace, abs) || realish(abs) === realish(workspace)) {
    throw new LabPathError(`${what} is ${abs}, which is not a folder inside the workspace ${workspace}; Ring0 only reads and writes lab folders inside it (the VM shares only the workspace)`);
  }
  return abs;
}

/** True for a plain relative path that stays below its folder (no '..' segment, not absolute). */
export function isContainedRelative(p: string): boolean {
  return !path.isAbsolute(p) && !p.split(/[\\/]/).includes('..') && !p.includes('\0');
}
