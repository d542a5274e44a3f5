// Ring0: Check Lab — runs the lab's checker (host build, then the guest script in the VM).
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { readProgress } from '../../labs/model/progress';
import { pickLab } from './labStart';

export const labCheck: CommandFactory = (ctx) => async (arg?: unknown) => {
  const ws = ctx.workspaceRoot();
  if (!ws) throw new Error('open a folder first');
  const lab = await pickLab(arg, 'Check which lab?');
  if (!lab) return;
  if (!readProgress(ws)[lab.id]?.started) throw new Error(`start ${lab.title} first (Ring0: Start Lab)`);
  if (ctx.vm.snapshot.status.state !== 'running') {
    if (!(await vscode.window.showWarningMessage('Ring0: lab checkers run in the VM, which is not running.', 'Start VM'))) return;
    await ctx.vm.start();
  }
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Ring0: checking ${lab.title}` }, () =>
    ctx.builds.runCli(['lab', 'check', lab.id, '--json', '--workspace', ws]));
  ctx.labsChanged();
  let result: { passed?: boolean; objectives?: { passed: boolean }[] };
  try {
    result = JSON.parse(r.stdout) as typeof result;
  } catch {
    throw new Error(r.stderr.trim() || 'the lab checker printed no result');
  }
  const failed = result.objectives?.filter((o) => !o.passed).length ?? 0;
  if (result.passed) void vscode.window.showInformationMessage(`Ring0: ${lab.title} — every objective passes.`);
  else void vscode.window.showWarningMessage(`Ring0: ${lab.title} — ${failed} objective(s) to go; the Labs view says what each needs.`);
};
