// Ring0: Open Lab — shows a started lab's steps (STEPS.md preview) beside its main source file.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { Commands } from '../manifest';
import { openLab, pickLab } from '../labUi';
import { runCommand, type CommandArgs } from '../commandArgs';

export const labOpen: CommandFactory<CommandArgs[Commands.LabsOpen]> = (ctx) => async (arg) => {
  const lab = await pickLab(ctx, arg, vscode.l10n.t('Open which lab?'));
  if (!lab) return;
  const folder = ctx.labs.folder(lab.id);
  if (!folder || !existsSync(folder)) {
    if (await vscode.window.showInformationMessage(vscode.l10n.t('Ring0: {0} is not started yet.', lab.title), vscode.l10n.t('Start Lab'))) await runCommand(Commands.LabsStart, lab.id);
    return;
  }
  await openLab(ctx, lab);
};
