// Ring0: Start Lab — copies a lab's starter into labs/<id>/ and opens it; a lab that is already there
// is opened, never overwritten (Ring0: Reset Lab starts over, moving the old copy aside).
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { startLab } from '../../labs/model/labFiles';
import { Commands } from '../manifest';
import { openLab, pickLab } from '../labUi';
import { runCommand, type CommandArgs } from '../commandArgs';

export const labStart: CommandFactory<CommandArgs[Commands.LabsStart]> = (ctx) => async (arg) => {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error('open a folder first: labs are copied into the workspace');
  const lab = await pickLab(ctx, arg, vscode.l10n.t('Which lab?'));
  if (!lab) return undefined;
  const folder = ctx.labs.folder(lab.id) as string;
  if (existsSync(folder)) {
    // Never overwrite: open what is there and offer the explicit way to start over.
    await openLab(ctx, lab);
    void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: {0} is already in {1}; opened your copy. Reset Lab starts over (your copy is moved aside first).', lab.title, vscode.workspace.asRelativePath(folder)), vscode.l10n.t('Reset Lab'))
      .then((pick) => pick && runCommand(Commands.LabsReset, lab.id));
    return folder;
  }
  const unmet = ctx.labs.snapshot().tracks.flatMap((t) => t.labs).find((l) => l.id === lab.id)?.requirements.filter((r) => !r.met) ?? [];
  startLab(ws, lab);
  ctx.log.info(`lab ${lab.id} started in ${folder}`);
  ctx.labsChanged();
  await openLab(ctx, lab);
  if (unmet.length) void vscode.window.showWarningMessage(`Ring0: ${lab.title} — ${unmet.map((r) => r.detail).join(' ')}`);
  return folder;
};
