// The status-bar item: the VM's state at a glance; clicking starts it or reveals the VM view.
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import { Commands } from './manifest';

let shown: vscode.StatusBarItem | undefined;

/** The status-bar item once registered (only in a Ring0 workspace). */
export function statusBarItem(): vscode.StatusBarItem | undefined {
  return shown;
}

export function registerStatusBar(ctx: Ring0Context): void {
  const item = vscode.window.createStatusBarItem('ring0.vmStatus', vscode.StatusBarAlignment.Left, 50);
  shown = item;
  item.name = 'Ring0 VM';
  const render = () => {
    const s = ctx.vm.snapshot.status;
    switch (s.state) {
      case 'running':
        item.text = `$(vm-running) Ring0: ${s.accel?.toUpperCase() ?? 'VM'} running`;
        item.tooltip = `${s.kernel ?? ''} — click to show the VM view`;
        item.command = 'ring0.vm.focus';
        item.backgroundColor = undefined;
        break;
      case 'starting':
        item.text = '$(loading~spin) Ring0: starting';
        item.command = 'ring0.vm.focus';
        break;
      case 'panicked':
        item.text = '$(error) Ring0: kernel panic';
        item.tooltip = s.panic?.summary ?? 'the guest kernel panicked';
        item.command = 'ring0.vm.focus';
        item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      default:
        item.text = '$(vm-outline) Ring0: VM stopped';
        item.tooltip = 'Start the Ring0 VM';
        item.command = Commands.VmStart;
        item.backgroundColor = undefined;
    }
    item.show();
  };
  render();
  ctx.extension.subscriptions.push(item, ctx.vm.onDidChange(render), { dispose: () => (shown = undefined) });
}
