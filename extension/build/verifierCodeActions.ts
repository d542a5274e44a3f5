// A quick fix on Ring0's verifier diagnostics: "Explain the verifier's rejection" opens the explainer.
import * as vscode from 'vscode';
import { Commands } from '../manifest';

export class VerifierCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((d) => d.source === 'ring0' && /^BPF verifier rejected/.test(d.message))
      .slice(0, 1)
      .map((d) => {
        const a = new vscode.CodeAction(vscode.l10n.t('Explain the verifier\'s rejection'), vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.command = { command: Commands.BpfVerify, title: a.title, arguments: [doc.uri] };
        return a;
      });
  }
}

export function registerVerifierCodeActions(subscriptions: vscode.Disposable[]): void {
  subscriptions.push(vscode.languages.registerCodeActionsProvider({ scheme: 'file', pattern: '**/*.bpf.c' }, new VerifierCodeActions(), { providedCodeActionKinds: VerifierCodeActions.kinds }));
}
