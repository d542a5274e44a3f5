// The verifier explainer webview: runs a verification through the host's callback, posts the report,
// and opens source lines the page asks for (validated).
import * as vscode from 'vscode';
import type { VerifyReport } from '../kernel/bpf/verify';
import { reportToPage } from './model/verifierPage';
import { isPageToVerifier, type VerifierToPage } from './protocol/verifier';
import { pageHtml, webviewOptions } from './webview/html';

export type VerifyRunner = (object: string, token: vscode.CancellationToken) => Promise<VerifyReport>;

export class VerifierPanel {
  static readonly viewType = 'ring0.verifier';
  private static current: VerifierPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private cancel: vscode.CancellationTokenSource | undefined;

  static createOrShow(extensionUri: vscode.Uri, object: string, run: VerifyRunner): VerifierPanel {
    if (VerifierPanel.current) {
      VerifierPanel.current.object = object;
      VerifierPanel.current.panel.reveal();
      void VerifierPanel.current.refresh();
      return VerifierPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VerifierPanel.viewType, vscode.l10n.t('BPF Verifier'), vscode.ViewColumn.Beside, { ...webviewOptions(extensionUri), retainContextWhenHidden: true });
    VerifierPanel.current = new VerifierPanel(panel, extensionUri, object, run);
    return VerifierPanel.current;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private object: string, private readonly run: VerifyRunner) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ring0.svg');
    panel.webview.html = pageHtml(panel.webview, extensionUri, { title: vscode.l10n.t('BPF Verifier'), script: 'dist/verifier.js', css: 'verifier.css' });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isPageToVerifier(m)) return;
      if (m.type === 'openSource') void this.open(m.file, m.line, m.column);
      else void this.refresh();
    }, undefined, this.disposables);
  }

  private async open(file: string, line: number, column: number): Promise<void> {
    const pos = new vscode.Position(line - 1, column - 1);
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
  }

  async refresh(): Promise<void> {
    this.cancel?.cancel();
    const cts = (this.cancel = new vscode.CancellationTokenSource());
    await this.post({ type: 'loading', object: this.object });
    try {
      const title = vscode.l10n.t('Ring0: verifying {0} in the VM', this.object.split('/').pop() ?? this.object);
      const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_p, token) => {
        token.onCancellationRequested(() => cts.cancel());
        return this.run(this.object, cts.token);
      });
      if (!cts.token.isCancellationRequested) await this.post(reportToPage(report));
    } catch (e) {
      if (!cts.token.isCancellationRequested) await this.post({ type: 'error', message: (e as Error).message });
    }
  }

  private post(m: VerifierToPage): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  dispose(): void {
    this.cancel?.cancel();
    VerifierPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
