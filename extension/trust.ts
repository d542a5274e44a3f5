// Workspace trust: what Ring0 runs (QEMU with the workspace's options, builds, lab checkers, clangd)
// waits for a trusted workspace; one guard says so and offers VS Code's trust editor.
import * as vscode from 'vscode';

/** Thrown by an action that would run workspace code or options in Restricted Mode. */
export class UntrustedWorkspaceError extends Error {
  constructor(what: string) {
    super(vscode.l10n.t('{0} needs a trusted workspace: Restricted Mode keeps Ring0 from running QEMU, builds and lab checkers with this folder\'s settings.', what));
    this.name = 'UntrustedWorkspaceError';
  }
}

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** Throws UntrustedWorkspaceError unless the workspace is trusted. */
export function assertTrusted(what: string): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError(what);
}

/** Runs `fn` now when trusted, else once trust is granted. */
export function whenTrusted(fn: () => void): vscode.Disposable {
  if (vscode.workspace.isTrusted) {
    fn();
    return new vscode.Disposable(() => undefined);
  }
  return vscode.workspace.onDidGrantWorkspaceTrust(fn);
}

/** The error message for an untrusted action, with a button to VS Code's trust editor. */
export async function showUntrusted(e: UntrustedWorkspaceError): Promise<void> {
  const manage = vscode.l10n.t('Manage Workspace Trust');
  if ((await vscode.window.showWarningMessage(`Ring0: ${e.message}`, manage)) === manage) {
    await vscode.commands.executeCommand('workbench.trust.manage');
  }
}
