// Ring0: Build Module or BPF Program — builds the target of the active file (or one picked from the
// workspace); errors land in the Problems panel.
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';
import type { Ring0Context } from '../context';
import { findBuildTargets, targetForFile, targetLabel, type BuildTarget } from '../../kernel/build/buildTargets';

export async function pickTarget(ctx: Ring0Context): Promise<BuildTarget | undefined> {
  // The active editor, or else the active tab (focus may be in a panel or the palette).
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = vscode.window.activeTextEditor?.document.uri ?? (tab instanceof vscode.TabInputText ? tab.uri : undefined);
  if (uri?.scheme === 'file') {
    const t = targetForFile(uri.fsPath);
    if (t) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc?.isDirty) await doc.save();
      return t;
    }
  }
  const root = ctx.workspaceRoot();
  if (!root) throw new Error('open a folder first');
  const targets = findBuildTargets(root);
  if (targets.length === 0) {
    throw new Error('nothing to build here: a kernel module is a directory whose Makefile has obj-m; a BPF program is a .bpf.c file. `ring0 new module NAME` or `ring0 new bpf NAME` makes one.');
  }
  if (targets.length === 1) return targets[0];
  const pick = await vscode.window.showQuickPick(targets.map((t) => ({ label: targetLabel(t, root), target: t })), { placeHolder: vscode.l10n.t('What to build') });
  return pick?.target;
}

export const build: CommandFactory = (ctx) => async () => {
  const target = await pickTarget(ctx);
  if (!target) return undefined;
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Ring0: ${targetLabel(target, ctx.workspaceRoot() ?? '/')}` }, () => ctx.builds.build(target));
  if (result.ok) void vscode.window.showInformationMessage(vscode.l10n.t('Ring0: built {0}', result.artifacts.map((a) => vscode.workspace.asRelativePath(a)).join(', ')));
  else void vscode.window.showErrorMessage(vscode.l10n.t('Ring0: the build failed — see the Problems panel.'), vscode.l10n.t('Show Problems')).then((p) => p && vscode.commands.executeCommand('workbench.actions.view.problems'));
  return result;
};
