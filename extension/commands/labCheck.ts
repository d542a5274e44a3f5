// Ring0: Check Lab — runs the lab's checker (host build, then the guest script in the VM) with a progress
// notification, then shows each objective's result in the Labs view (expanded) and the dashboard.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { Commands } from '../manifest';
import { pickLab } from '../labUi';
import { runCommand, type CommandArgs } from '../commandArgs';
import { runLabCheck } from '../labCheckRun';

export const labCheck: CommandFactory<CommandArgs[Commands.LabsCheck]> = (ctx) => async (arg) => {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error('open a folder first');
  const lab = await pickLab(ctx, arg, vscode.l10n.t('Check which lab?'));
  if (!lab) return undefined;
  const folder = ctx.labs.folder(lab.id) as string;
  if (!existsSync(folder)) {
    if (await vscode.window.showWarningMessage(vscode.l10n.t('Ring0: {0} is not started yet; its checker needs your copy in {1}.', lab.title, vscode.workspace.asRelativePath(folder)), vscode.l10n.t('Start Lab'))) {
      await runCommand(Commands.LabsStart, lab.id);
    }
    return undefined;
  }
  const running = () => ctx.vm.snapshot.status.state === 'running';
  if (!running()) {
    const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Ring0: lab checkers run in the VM, which is not running.'), vscode.l10n.t('Start VM and Check'));
    if (!pick) return undefined;
    await ctx.vm.start();
    if (!running()) throw new Error('the VM did not start; see the VM view');
  }
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: checking {0}', lab.title), cancellable: false }, (progress) => {
    progress.report({ message: lab.checker.build ? vscode.l10n.t('building on the host, then checking in the VM…') : vscode.l10n.t('running the checker in the VM…') });
    return runLabCheck(ctx, lab, folder);
  });
  await ctx.labs.reveal(lab.id);
  const failed = result.objectives.filter((o) => !o.passed);
  const show = (pick: string | undefined) => pick && runCommand(Commands.LabsShowDashboard);
  if (result.passed) void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: {0} — every objective passes.', lab.title), vscode.l10n.t('Show Dashboard')).then(show);
  else void vscode.window.showWarningMessage(vscode.l10n.t('Ring0: {0} — {1} of {2} objectives to go. First: {3} — {4}', lab.title, failed.length, result.objectives.length, failed[0].text, failed[0].message), vscode.l10n.t('Show Dashboard')).then(show);
  return result;
};
