// activate(): builds the context, registers commands and views, and reports failures to the user.
import * as vscode from 'vscode';
import { createContext } from './context';
import { registerAll } from './register';
import { ContextKeys } from './manifest';
import { startClangd } from './clangd';

export async function activate(extension: vscode.ExtensionContext): Promise<void> {
  try {
    const ctx = createContext(extension);
    registerAll(ctx);
    await vscode.commands.executeCommand('setContext', ContextKeys.Activated, true);
    ctx.log.info('Ring0 activated');
    // Not awaited: activation does not wait for clangd.
    void startClangd(ctx);
  } catch (e) {
    void vscode.window.showErrorMessage(`Ring0 failed to start: ${e instanceof Error ? e.message : String(e)}`);
    throw e;
  }
}

export function deactivate(): void {}
