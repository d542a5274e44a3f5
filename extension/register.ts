// Wires every command and view to the context; the list of what Ring0 contributes at runtime.
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import { Commands, Views } from './manifest';
import { registerCommand } from './registry';
import { showDoctor } from './commands/showDoctor';
import { setup } from './commands/setup';
import { showLog } from './commands/showLog';
import { SimpleTreeProvider } from '../views/trees/node';

export function registerAll(ctx: Ring0Context): void {
  registerCommand(ctx, Commands.ShowDoctor, showDoctor);
  registerCommand(ctx, Commands.Setup, setup);
  registerCommand(ctx, Commands.ShowLog, showLog);

  // Views not yet backed by a feature show their welcome content (an empty tree).
  for (const view of [Views.Vm, Views.Bpf, Views.Tracepoints, Views.Labs]) {
    const provider = new SimpleTreeProvider(() => []);
    ctx.extension.subscriptions.push(provider, vscode.window.registerTreeDataProvider(view, provider));
  }
}
