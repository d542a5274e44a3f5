// Ring0: Open Lab — shows a started lab's steps (STEPS.md preview) beside its main source file.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { Commands } from '../manifest';
import { openLab, pickLab } from '../labUi';

export const labOpen: CommandFactory = (ctx) => async (arg?: unknown) => {
  const lab = await pickLab(ctx, arg, 'Open which lab?');
  if (!lab) return;
  const folder = ctx.labs.folder(lab.id);
  if (!folder || !existsSync(folder)) {
    if (await vscode.window.showInformationMessage(`Ring0: ${lab.title} is not started yet.`, 'Start Lab')) await vscode.commands.executeCommand(Commands.LabsStart, lab.id);
    return;
  }
  await openLab(ctx, lab);
};
