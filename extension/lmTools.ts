// The agent tool table as VS Code language-model tools (vscode.lm.registerTool): state-changing tools
// ask for confirmation first and refuse to run in an untrusted workspace; long ones show progress.
import * as vscode from 'vscode';
import type { Ring0Context } from './context';
import { TOOLS, parseInput } from '../tools/table';
import type { Ring0Tool } from '../tools/tool';

function toolFor(ctx: Ring0Context, t: Ring0Tool): vscode.LanguageModelTool<Record<string, unknown>> {
  return {
    prepareInvocation(options) {
      const ws = ctx.workspaceRoot() ?? '';
      const invocationMessage = `Ring0: ${t.title}`;
      if (!t.changesState) return { invocationMessage };
      let message: string;
      try {
        message = t.confirm ? t.confirm(parseInput(t, options.input) as never, ws) : vscode.l10n.t('Run {0}?', t.title);
      } catch (e) {
        message = (e as Error).message;
      }
      return { invocationMessage, confirmationMessages: { title: `Ring0: ${t.title}`, message: new vscode.MarkdownString(message) } };
    },
    async invoke(options, token) {
      const ws = ctx.workspaceRoot();
      if (!ws) throw new Error(vscode.l10n.t('Open a folder first: Ring0\'s tools work inside the workspace.'));
      if (t.changesState && !vscode.workspace.isTrusted) throw new Error(vscode.l10n.t('This workspace is not trusted: Ring0 boots no VM, builds nothing and runs no lab check in Restricted Mode. Trust the workspace to use {0}.', t.name));
      const input = parseInput(t, options.input);
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Ring0: ${t.title}` }, (progress) =>
          t.run(input as never, { workspace: ws, cliPath: ctx.cliPath, signal: abort.signal, progress: (message) => progress.report({ message }) }));
        ctx.log.info(`language-model tool ${t.name}: ${r.isError ? 'error' : 'ok'}`);
        return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(r.text), new vscode.LanguageModelTextPart(JSON.stringify(r.data))]);
      } finally {
        sub.dispose();
      }
    },
  };
}

export function registerLmTools(ctx: Ring0Context): void {
  // Hosts without the language-model API (older VS Code, some forks) simply get no tools.
  if (typeof vscode.lm?.registerTool !== 'function') {
    ctx.log.info('this VS Code has no language-model tool API; Ring0\'s agent tools are not registered');
    return;
  }
  for (const t of TOOLS) ctx.extension.subscriptions.push(vscode.lm.registerTool(t.name, toolFor(ctx, t)));
}
