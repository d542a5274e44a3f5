// ring0.explorer.hideKbuildFiles: when on, the workspace's files.exclude hides Kbuild's intermediates
// (.*.cmd, *.mod.c, *.o, *.mod, modules.order, Module.symvers); turning it off takes them out again.
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import { withKbuildExcludes, type Excludes } from './kbuildFiles';

export const HIDE_KBUILD_SETTING = 'ring0.explorer.hideKbuildFiles';

async function apply(ctx: Ring0Context, force: boolean): Promise<void> {
  if (!vscode.workspace.workspaceFolders?.length) return;
  const hide = vscode.workspace.getConfiguration().get<boolean>(HIDE_KBUILD_SETTING, false);
  // Off and never touched: nothing to take out, and no settings.json written.
  if (!hide && !force) return;
  const files = vscode.workspace.getConfiguration('files');
  const current = files.inspect<Excludes>('exclude')?.workspaceValue;
  const next = withKbuildExcludes(current, hide);
  if (!next) return;
  await files.update('exclude', next, vscode.ConfigurationTarget.Workspace);
  ctx.log.info(`${hide ? 'hid' : 'showed'} Kbuild's intermediate files in the Explorer (workspace files.exclude)`);
}

export function registerKbuildExclude(ctx: Ring0Context): void {
  const run = (force: boolean) => apply(ctx, force).catch((e: Error) => ctx.log.warn(`files.exclude: ${e.message}`));
  void run(false);
  ctx.extension.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(HIDE_KBUILD_SETTING)) void run(true);
  }));
}
