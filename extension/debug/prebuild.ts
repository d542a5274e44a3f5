// F5's module build through the same build service as the Build command: errors land in the Problems
// panel and stop the launch before a VM boots; the adapter then only inserts the .ko files.
import path from 'node:path';
import * as vscode from 'vscode';
import type { Ring0Context } from '../context';

/** Builds the configuration's `modules`; false when one failed (the launch is then abandoned). */
export async function prebuildModules(ctx: Pick<Ring0Context, 'builds' | 'config' | 'log'>, config: vscode.DebugConfiguration, token?: vscode.CancellationToken): Promise<boolean> {
  const workspace = typeof config.workspace === 'string' ? config.workspace : undefined;
  const dirs = Array.isArray(config.modules) ? config.modules.filter((m: unknown): m is string => typeof m === 'string') : [];
  if (config.request !== 'launch' || !workspace || dirs.length === 0 || config.moduleArtifacts) return true;
  // Your own kernel is rebuilt by the launch itself; its modules are built after it, by the adapter.
  if (ctx.config.vmSettings(workspace, (m) => ctx.log.warn(m)).kernel === 'build') return true;
  const artifacts: string[] = [];
  const failed = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Ring0: building for F5'), cancellable: true }, async (progress, cancel) => {
    for (const rel of dirs) {
      if (cancel.isCancellationRequested || token?.isCancellationRequested) return rel;
      progress.report({ message: rel });
      const result = await ctx.builds.build({ kind: 'module', dir: path.resolve(workspace, rel) });
      if (!result.ok) return rel;
      artifacts.push(...result.artifacts.filter((a) => a.endsWith('.ko')));
    }
    return undefined;
  });
  if (failed !== undefined) {
    const problems = vscode.l10n.t('Show Problems');
    void vscode.window.showErrorMessage(vscode.l10n.t('Ring0: {0} did not build, so nothing was booted. The errors are in the Problems panel.', failed), problems).then((pick) => {
      if (pick === problems) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return false;
  }
  config.moduleArtifacts = artifacts;
  return true;
}
