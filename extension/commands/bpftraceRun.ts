// Ring0: Run bpftrace File in VM — saves the .bt file and runs it with the host's bpftrace inside the VM
// (the workspace is shared at the same path), streaming its output and charting the maps it prints;
// Ring0: Run bpftrace Tool in VM does the same for a tool the host's bpftrace package ships.
import * as vscode from 'vscode';
import { findBpftraceTool, listBpftraceTools } from '../../kernel/observe/bpftraceTools';
import { StreamPanel } from '../../views/streamPanel';
import type { Ring0Context } from '../context';
import type { ObserveServices } from '../observe/services';
import { bpftraceSource } from '../observe/streamSources';
import type { CommandFactory } from '../registry';
import type { CommandArgs } from '../commandArgs';
import type { Commands } from '../manifest';

async function vmReady(ctx: Ring0Context, obs: ObserveServices): Promise<boolean> {
  if (obs.guest.running) return true;
  const startVm = vscode.l10n.t('Start VM');
  const start = await vscode.window.showWarningMessage(vscode.l10n.t('Ring0: bpftrace runs inside the VM, which is not running.'), startVm);
  if (start !== startVm) return false;
  await ctx.vm.start();
  return true;
}

export const bpftraceRun = (obs: ObserveServices): CommandFactory<CommandArgs[Commands.BpftraceRun]> => (ctx) => async (arg) => {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file' || !uri.fsPath.endsWith('.bt')) throw new Error('open a bpftrace script (.bt file) first, or pick one in the Explorer');
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  if (!(await vmReady(ctx, obs))) return;
  StreamPanel.createOrShow(ctx.extension.extensionUri, bpftraceSource(() => obs.guest.dedicated(), uri.fsPath), ctx.log);
};

export const bpftraceRunTool = (obs: ObserveServices): CommandFactory => (ctx) => async (arg?: unknown) => {
  let name = typeof arg === 'string' ? arg : undefined;
  if (name === undefined) {
    const tools = listBpftraceTools();
    if (!tools.length) throw new Error(vscode.l10n.t('no bpftrace tools in /usr/sbin: install Debian\'s bpftrace on the host (Ring0: Install Missing Dependencies)'));
    const pick = await vscode.window.showQuickPick(tools.map((t) => ({ label: t.name, description: t.description })), { title: vscode.l10n.t('Run bpftrace Tool in VM') });
    name = pick?.label;
  }
  if (!name) return;
  const tool = findBpftraceTool(name);
  if (!(await vmReady(ctx, obs))) return;
  const source = bpftraceSource(() => obs.guest.dedicated(), tool.path, {
    title: vscode.l10n.t('bpftrace tool: {0}', tool.name),
    description: vscode.l10n.t('{0} ({1}) in the VM; printed maps are charted when the tool prints them or is stopped.', tool.description, tool.path),
  });
  StreamPanel.createOrShow(ctx.extension.extensionUri, source, ctx.log);
};
