// Ring0: Check Lab — runs the lab's checker (host build, then the guest script in the VM) with a progress
// notification, then shows each objective's result in the Labs view (expanded) and the dashboard.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { Commands } from '../manifest';
import { pickLab } from '../labUi';
import { runLabCheck } from '../labCheckRun';

export const labCheck: CommandFactory = (ctx) => async (arg?: unknown) => {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error('open a folder first');
  const lab = await pickLab(ctx, arg, 'Check which lab?');
  if (!lab) return undefined;
  const folder = ctx.labs.folder(lab.id) as string;
  if (!existsSync(folder)) {
    if (await vscode.window.showWarningMessage(`Ring0: ${lab.title} is not started yet; its checker needs your copy in ${vscode.workspace.asRelativePath(folder)}.`, 'Start Lab')) {
      await vscode.commands.executeCommand(Commands.LabsStart, lab.id);
    }
    return undefined;
  }
  const running = () => ctx.vm.snapshot.status.state === 'running';
  if (!running()) {
    const pick = await vscode.window.showWarningMessage('Ring0: lab checkers run in the VM, which is not running.', 'Start VM and Check');
    if (!pick) return undefined;
    await ctx.vm.start();
    if (!running()) throw new Error('the VM did not start; see the VM view');
  }
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Ring0: checking ${lab.title}`, cancellable: false }, (progress) => {
    progress.report({ message: lab.checker.build ? 'building on the host, then checking in the VM…' : 'running the checker in the VM…' });
    return runLabCheck(ctx, lab, folder);
  });
  await ctx.labs.reveal(lab.id);
  const failed = result.objectives.filter((o) => !o.passed);
  const show = (pick: string | undefined) => pick && vscode.commands.executeCommand(Commands.LabsShowDashboard);
  if (result.passed) void vscode.window.showInformationMessage(`Ring0: ${lab.title} — every objective passes.`, 'Show Dashboard').then(show);
  else void vscode.window.showWarningMessage(`Ring0: ${lab.title} — ${failed.length} of ${result.objectives.length} objectives to go. First: ${failed[0].text} — ${failed[0].message}`, 'Show Dashboard').then(show);
  return result;
};
