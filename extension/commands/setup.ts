// Ring0: Install Missing Dependencies — runs `ring0 setup` in a terminal so the user sees apt's progress
// and can answer sudo.
import * as vscode from 'vscode';
import type { CommandFactory } from '../registry';

export const setup: CommandFactory = (ctx) => () => {
  const terminal = vscode.window.createTerminal({ name: 'Ring0 setup', shellPath: process.execPath, shellArgs: [ctx.cliPath, 'setup'], env: { ELECTRON_RUN_AS_NODE: '1' } });
  terminal.show();
};
