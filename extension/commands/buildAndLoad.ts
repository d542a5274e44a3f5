// Ring0: Build and Load into VM — builds the active target, then loads the module (reloading it) or
// the BPF object into the running VM; a verifier rejection lands on the source line.
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import { pickTarget } from './build';
import { targetLabel } from '../../kernel/build/buildTargets';

export const buildAndLoad: CommandFactory = (ctx) => async () => {
  const target = await pickTarget(ctx);
  if (!target) return undefined;
  if (ctx.vm.snapshot.status.state !== 'running') {
    const start = await vscode.window.showWarningMessage(vscode.l10n.t('Ring0: the VM is not running.'), vscode.l10n.t('Start VM'));
    if (!start) return undefined;
    await ctx.vm.start();
  }
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: {0} and load', targetLabel(target, ctx.workspaceRoot() ?? '/')) }, async (progress) => {
    const built = await ctx.builds.build(target);
    if (!built.ok || built.artifacts.length === 0) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Ring0: the build failed — see the Problems panel.'));
      return built;
    }
    progress.report({ message: vscode.l10n.t('loading into the VM') });
    const loaded = await ctx.builds.load(target, built.artifacts[0]);
    if (loaded.ok) void vscode.window.showInformationMessage(`Ring0: ${loaded.summary}`);
    else void vscode.window.showErrorMessage(`Ring0: ${loaded.summary}`);
    ctx.vm.refresh();
    return loaded;
  });
};
