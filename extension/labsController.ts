// The labs for the extension: the catalog, this workspace's progress and this machine's facts as one
// snapshot for the Labs view and the dashboard; notices progress.json changing (a `ring0 lab check`
// from a terminal, another window) and tells them.
import { statSync } from 'node:fs';
import * as vscode from 'vscode';
import { loadCatalog, type CatalogLab } from '../labs/model/catalog';
import { labFolder, progressFile, readProgress } from '../labs/model/progress';
import { evaluateRequirements, hostFacts, type HostFacts } from '../labs/model/requirements';
import { summarizeTracks } from '../labs/model/status';
import type { LabsSnapshot } from '../labs/model/snapshot';

export class LabsController implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private catalog: { labs: CatalogLab[]; errors: string[] } | undefined;
  private facts: HostFacts | undefined;
  private lastMtime = -1;
  private timer: NodeJS.Timeout | undefined;
  /** Labs with a command running on them (e.g. 'checking'), for the dashboard's buttons. */
  readonly busy = new Map<string, string>();
  /** Set by the Labs view: shows a lab expanded and selected. */
  revealer: ((id: string) => Promise<void>) | undefined;

  constructor(private readonly workspaceRoot: () => string | undefined, private readonly log: vscode.LogOutputChannel) {
  }

  /** Only in a Ring0 workspace (see KernelWorkspace). */
  startPolling(): void {
    // A stat every 1.5 s is cheaper and sturdier than a watcher on a folder that may not exist yet.
    this.timer ??= setInterval(() => this.pollProgress(), 1500);
  }

  private pollProgress(): void {
    const ws = this.workspaceRoot();
    let mtime = 0;
    try {
      if (ws) mtime = statSync(progressFile(ws)).mtimeMs;
    } catch {
      mtime = 0;
    }
    if (this.lastMtime !== -1 && mtime !== this.lastMtime) this.changed.fire();
    this.lastMtime = mtime;
  }

  /** Progress changed: re-read and tell the views; `reload` also re-reads the catalog and this machine's facts. */
  refresh(reload = false): void {
    if (reload) {
      this.catalog = undefined;
      this.facts = undefined;
    }
    this.changed.fire();
  }

  setBusy(id: string, what: string | undefined): void {
    if (what) this.busy.set(id, what);
    else this.busy.delete(id);
    this.changed.fire();
  }

  async reveal(id: string): Promise<void> {
    await this.revealer?.(id);
  }

  get labs(): CatalogLab[] {
    return this.loadCatalog().labs;
  }

  find(id: string): CatalogLab | undefined {
    return this.labs.find((l) => l.id === id);
  }

  private loadCatalog(): { labs: CatalogLab[]; errors: string[] } {
    if (!this.catalog) {
      try {
        const { labs, errors } = loadCatalog();
        for (const e of errors) this.log.warn(`lab catalog: ${e.message}`);
        this.catalog = { labs, errors: errors.map((e) => e.message) };
      } catch (e) {
        this.log.error(`lab catalog: ${(e as Error).message}`);
        this.catalog = { labs: [], errors: [(e as Error).message] };
      }
    }
    return this.catalog;
  }

  snapshot(): LabsSnapshot {
    const { labs, errors } = this.loadCatalog();
    const ws = this.workspaceRoot();
    const progress = ws ? readProgress(ws) : {};
    this.facts ??= hostFacts(labs.some((l) => (l.requirements.qemuDevices ?? []).length > 0));
    const facts = this.facts;
    return { workspace: ws, labs, errors, progress, tracks: summarizeTracks(labs, progress, (l) => evaluateRequirements(l.requirements, facts)) };
  }

  /** The lab's folder in the workspace (where it was started). */
  folder(id: string): string | undefined {
    const ws = this.workspaceRoot();
    return ws ? labFolder(ws, id) : undefined;
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.changed.dispose();
  }
}
