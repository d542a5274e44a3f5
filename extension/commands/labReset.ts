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
  const lab = await pickLab(ctx, arg, vscode.l10n.t('Reset which lab?'));
  if (!lab) return undefined;
  const folder = ctx.labs.folder(lab.id) as string;
  const rel = vscode.workspace.asRelativePath(folder);
  const reset = vscode.l10n.t('Reset Lab');
  const ok = await vscode.window.showWarningMessage(
    vscode.l10n.t('Start {0} over? Your copy in {1} is moved aside to {1}.bak-<time> (nothing is deleted), and a fresh starter is copied in.', lab.title, rel),
    { modal: true }, reset);
  if (ok !== reset) return undefined;
  // Unsaved edits belong to the copy that is moved aside, not to the fresh starter.
  await vscode.workspace.saveAll(false);
  const r = resetLab(ws, lab);
  ctx.log.info(`lab ${lab.id} reset in ${r.dir}${r.movedTo ? `; old copy in ${r.movedTo}` : ''}`);
  ctx.labsChanged();
  await openLab(ctx, lab);
  if (r.movedTo) void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: your previous copy of {0} is in {1}.', lab.title, vscode.workspace.asRelativePath(r.movedTo)));
  return r.movedTo ? path.resolve(r.movedTo) : undefined;
};
