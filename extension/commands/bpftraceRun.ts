// Ring0: Run bpftrace File in VM — saves the .bt file and runs it with the host's bpftrace inside the VM
// (the workspace is shared at the same path), streaming its output and charting the maps it prints.
import * as vscode from 'vscode';
import { StreamPanel } from '../../views/streamPanel';
import type { ObserveServices } from '../observe/services';
import { bpftraceSource } from '../observe/streamSources';
import type { CommandFactory } from '../registry';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

export const bpftraceRun = (obs: ObserveServices): CommandFactory<CommandArgs[Commands.BpftraceRun]> => (ctx) => async (arg) => {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file' || !uri.fsPath.endsWith('.bt')) throw new Error('open a bpftrace script (.bt file) first, or pick one in the Explorer');
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  if (!obs.guest.running) {
    const start = await vscode.window.showWarningMessage(vscode.l10n.t('Ring0: bpftrace runs inside the VM, which is not running.'), vscode.l10n.t('Start VM'));
    if (!start) return;
    await ctx.vm.start();
  }
  StreamPanel.createOrShow(ctx.extension.extensionUri, bpftraceSource(() => obs.guest.dedicated(), uri.fsPath), ctx.log);
};
