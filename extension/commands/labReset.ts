// Ring0: Reset Lab — moves the lab's folder aside (labs/<id>.bak-<time>), copies a fresh starter,
// forgets the last check, and opens it.
import path from 'node:path';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { resetLab } from '../../labs/model/labFiles';
import { openLab, pickLab } from '../labUi';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

export const labReset: CommandFactory<CommandArgs[Commands.LabsReset]> = (ctx) => async (arg) => {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error('open a folder first');
  const lab = await pickLab(ctx, arg, 'Reset which lab?');
  if (!lab) return undefined;
  const folder = ctx.labs.folder(lab.id) as string;
  const rel = vscode.workspace.asRelativePath(folder);
  const ok = await vscode.window.showWarningMessage(
    `Start ${lab.title} over? Your copy in ${rel} is moved aside to ${rel}.bak-<time> (nothing is deleted), and a fresh starter is copied in.`,
    { modal: true }, 'Reset Lab');
  if (ok !== 'Reset Lab') return undefined;
  // Unsaved edits belong to the copy that is moved aside, not to the fresh starter.
  await vscode.workspace.saveAll(false);
  const r = resetLab(ws, lab);
  ctx.log.info(`lab ${lab.id} reset in ${r.dir}${r.movedTo ? `; old copy in ${r.movedTo}` : ''}`);
  ctx.labsChanged();
  await openLab(ctx, lab);
  if (r.movedTo) void vscode.window.showInformationMessage(`Ring0: your previous copy of ${lab.title} is in ${vscode.workspace.asRelativePath(r.movedTo)}.`);
  return r.movedTo ? path.resolve(r.movedTo) : undefined;
};
