// activate(): builds the context, registers commands and views, and reports failures to the user.
// Pollers, watchers and clangd start only in a Ring0 workspace; clangd and builds only once trusted.
import * as vscode from 'vscode';
import { createContext } from './context';
import { registerAll } from './register';
import { ContextKeys } from './manifest';
import { startClangd, type ClangdHandle } from './clangd';
import { whenTrusted } from './trust';
import { statusBarItem } from './statusBar';
import { registerKbuildExclude } from './kbuildExclude';

/** What activate() returns: read by the extension-host tests (`extension.exports`). */
export interface Ring0Api {
  /** The folder is a Ring0 workspace. */
  readonly kernelWorkspace: boolean;
  /** The status-bar item exists (only in a Ring0 workspace). */
  readonly statusBarShown: boolean;
  /** Ring0's clangd is running (its pid), or undefined. */
  readonly clangdPid: number | undefined;
}

export async function activate(extension: vscode.ExtensionContext): Promise<Ring0Api> {
  try {
    const ctx = createContext(extension);
    registerAll(ctx);
    registerKbuildExclude(ctx);
    let clangd: ClangdHandle | undefined;
    ctx.kernel.onActive(() => {
      ctx.vm.startPolling();
      ctx.labs.startPolling();
      // Not awaited: activation does not wait for clangd.
      extension.subscriptions.push(whenTrusted(() => void startClangd(ctx).then((c) => (clangd = c))));
    });
    // A VM started from a plain folder (through the palette) makes it a Ring0 workspace.
    extension.subscriptions.push(ctx.vm.onDidChange(() => ctx.kernel.check()));
    ctx.kernel.check();
    await vscode.commands.executeCommand('setContext', ContextKeys.Activated, true);
    ctx.log.info('Ring0 activated');
    return {
      get kernelWorkspace() { return ctx.kernel.active; },
      get statusBarShown() { return statusBarItem() !== undefined; },
      get clangdPid() { return clangd?.pid(); },
    };
  } catch (e) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Ring0 failed to start: {0}', e instanceof Error ? e.message : String(e)));
    throw e;
  }
}

export function deactivate(): void {}
