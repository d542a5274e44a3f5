// Whether the open folder is a Ring0 workspace: sets the `ring0.kernelWorkspace` context key (status
// bar, editor buttons) and starts the pollers, watchers and clangd only once it is one.
import * as vscode from 'vscode';
import { ContextKeys } from './manifest';
import { kernelWorkspaceReason } from './workspaceKind';

export class KernelWorkspace implements vscode.Disposable {
  private activeReason: string | undefined;
  private readonly activated = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [this.activated];

  constructor(private readonly root: () => string | undefined, private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(vscode.workspace.onDidChangeWorkspaceFolders(() => this.check()));
  }

  get active(): boolean {
    return this.activeReason !== undefined;
  }

  /** Re-looks at the folder (a VM start makes .ring0, a lab start makes labs/*); cheap once active. */
  check(): boolean {
    if (this.activeReason !== undefined) return true;
    const ws = this.root();
    const reason = ws ? kernelWorkspaceReason(ws) : undefined;
    void vscode.commands.executeCommand('setContext', ContextKeys.KernelWorkspace, reason !== undefined);
    if (reason === undefined) return false;
    this.activeReason = reason;
    this.log.info(`Ring0 workspace (${reason}): starting the VM and lab watchers`);
    this.activated.fire();
    return true;
  }

  /** Runs `fn` now if this is a Ring0 workspace, else when it becomes one. */
  onActive(fn: () => void): void {
    if (this.active) {
      fn();
      return;
    }
    const d = this.activated.event(() => {
      d.dispose();
      fn();
    });
    this.subscriptions.push(d);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
