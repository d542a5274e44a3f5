// "Ring0: About / Doctor": a webview panel listing every host dependency and how to fix what is missing.
import * as vscode from 'vscode';
import { runDoctor } from '../kernel/host/doctor';
import { RING0_VERSION } from '../kernel/version';
import { isPageToDoctor, type DoctorToPage } from './protocol/doctor';
import { pageHtml, webviewOptions } from './webview/html';

export class DoctorPanel {
  static readonly viewType = 'ring0.doctor';
  private static current: DoctorPanel | undefined;

  static createOrShow(extensionUri: vscode.Uri, onRunSetup: () => void): DoctorPanel {
    if (DoctorPanel.current) {
      DoctorPanel.current.panel.reveal();
      void DoctorPanel.current.refresh();
      return DoctorPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DoctorPanel.viewType, 'Ring0: About / Doctor', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    DoctorPanel.current = new DoctorPanel(panel, extensionUri, onRunSetup);
    return DoctorPanel.current;
  }

  private readonly disposables: vscode.Disposable[] = [];

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, onRunSetup: () => void) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ring0.svg');
    panel.webview.html = pageHtml(panel.webview, extensionUri, { title: 'Ring0: About / Doctor', script: 'dist/doctor.js', css: ['dist/codicon.css', 'doctor.css'] });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isPageToDoctor(m)) return;
      if (m.type === 'runSetup') onRunSetup();
      else void this.refresh();
    }, undefined, this.disposables);
  }

  async refresh(): Promise<void> {
    await this.post({ type: 'loading' });
    try {
      const checks = await runDoctor();
      await this.post({
        type: 'result',
        version: RING0_VERSION,
        rows: checks.map(({ name, ok, required, version, path, install, purpose }) => ({ name, ok, required, version, path, install, purpose })),
      });
    } catch (e) {
      await this.post({ type: 'error', message: (e as Error).message });
    }
  }

  private post(m: DoctorToPage): Thenable<boolean> {
    return this.panel.webview.postMessage(m);
  }

  dispose(): void {
    DoctorPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
