// "Ring0: Show Lab Dashboard": a webview with progress per track, every lab's status and last result,
// the per-objective results of the last checks, and buttons that run the lab commands. Re-renders
// whenever progress changes (a check here, in a terminal, or a reset).
import * as vscode from 'vscode';
import type { LabsSnapshot } from '../labs/model/snapshot';
import { Commands } from './ids';
import { dashboardState, isPageToDashboard, type DashboardAction } from './protocol/labs';
import { pageHtml, webviewOptions } from './webview/html';

const COMMAND_OF: Record<DashboardAction, Commands> = {
  start: Commands.LabsStart,
  check: Commands.LabsCheck,
  open: Commands.LabsOpen,
  reset: Commands.LabsReset,
};

/** What the dashboard needs of the labs: a snapshot, the lab being worked on, and change events. */
export interface DashboardLabs {
  snapshot(): LabsSnapshot;
  /** Lab id → what runs on it now (a check, a reset). */
  readonly busy: ReadonlyMap<string, string>;
  readonly onDidChange: vscode.Event<void>;
}

export class LabsDashboard {
  static readonly viewType = 'ring0.labsDashboard';
  private static current: LabsDashboard | undefined;

  static createOrShow(extensionUri: vscode.Uri, labs: DashboardLabs, log: vscode.LogOutputChannel): LabsDashboard {
    if (LabsDashboard.current) {
      LabsDashboard.current.panel.reveal();
      LabsDashboard.current.post();
      return LabsDashboard.current;
    }
    const panel = vscode.window.createWebviewPanel(LabsDashboard.viewType, 'Ring0: Lab Dashboard', vscode.ViewColumn.Active, webviewOptions(extensionUri));
    LabsDashboard.current = new LabsDashboard(panel, extensionUri, labs, log);
    return LabsDashboard.current;
  }

  /** Restores the panel VS Code kept across a window reload (registered as its serializer). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, labs: DashboardLabs, log: vscode.LogOutputChannel): void {
    LabsDashboard.current?.panel.dispose();
    panel.webview.options = webviewOptions(extensionUri);
    LabsDashboard.current = new LabsDashboard(panel, extensionUri, labs, log);
  }

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly labs: DashboardLabs, log: vscode.LogOutputChannel) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ring0.svg');
    panel.webview.html = pageHtml(panel.webview, extensionUri, { title: 'Ring0: Lab Dashboard', script: 'dist/labs.js', css: ['dist/codicon.css', 'labs.css'] });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    labs.onDidChange(() => this.post(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isPageToDashboard(m)) {
        log.warn(`lab dashboard: ignored a malformed message ${JSON.stringify(m)?.slice(0, 200)}`);
        return;
      }
      if (m.type === 'ready') {
        this.ready = true;
        this.post();
      } else {
        void vscode.commands.executeCommand(COMMAND_OF[m.type], m.id);
      }
    }, undefined, this.disposables);
  }

  post(): void {
    if (!this.ready) return;
    void this.panel.webview.postMessage(dashboardState(this.labs.snapshot(), this.labs.busy));
  }

  dispose(): void {
    LabsDashboard.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
