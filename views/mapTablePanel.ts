// A map table: one webview panel per BPF map, opened from the BPF view. The host holds the decoded
// entries (MapTableModel) and re-reads them every second while the panel is visible; the page shows a
// virtualized window and asks for rows as it scrolls. Edits, deletes and exports happen here, on the host.
import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { DumpResult } from '../kernel/observe/bpf';
import { MapGoneError, type MapAccess } from './model/mapAccess';
import { toCsv, toJson } from './model/export';
import { cellText, innerMapId, MapTableModel, nextRefreshMs, type TableRow } from './model/mapTable';
import { MapInputError, parseEditInput } from './model/mapValue';
import { isPageToMapTable, MAX_WINDOW, type MapMeta, type MapTableToPage, type PageToMapTable, type WireRow } from './protocol/mapTable';
import { pageHtml, webviewOptions } from './webview/html';

export interface MapRef {
  id: number;
  name: string;
  /** Followed across reloads of the object when present. */
  pinned?: string;
}

const REFRESH_MS = 1000;
const UNEDITABLE = new Set(['ringbuf', 'user_ringbuf', 'perf_event_array', 'stack_trace', 'prog_array', 'array_of_maps', 'hash_of_maps', 'cgroup_array', 'struct_ops', 'bloom_filter', 'queue', 'stack']);

export class MapTablePanel implements vscode.Disposable {
  static readonly viewType = 'ring0.mapTable';
  private static readonly open = new Map<string, MapTablePanel>();

  static createOrShow(extensionUri: vscode.Uri, access: MapAccess, ref: MapRef, onOpenMap: (id: number) => void): MapTablePanel {
    const key = ref.pinned ?? `id:${ref.id}`;
    const existing = MapTablePanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(MapTablePanel.viewType, `Map: ${ref.name}`, vscode.ViewColumn.Active, { ...webviewOptions(extensionUri), retainContextWhenHidden: true });
    const p = new MapTablePanel(panel, extensionUri, access, ref, key, onOpenMap);
    MapTablePanel.open.set(key, p);
    return p;
  }

  private readonly model = new MapTableModel();
  private readonly disposables: vscode.Disposable[] = [];
  private meta: MapMeta | undefined;
  private metaKey = '';
  private lastDumpKey = '';
  private win = { start: 0, count: 100 };
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private gone = false;
  private errors: string[] = [];
  private updatedAt = 0;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly access: MapAccess,
    private readonly ref: MapRef,
    private readonly key: string,
    private readonly onOpenMap: (id: number) => void,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ring0.svg');
    panel.webview.html = pageHtml(panel.webview, extensionUri, { title: `Map: ${ref.name}`, script: 'dist/mapTable.js', css: 'observe.css' });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.onDidChangeViewState(() => panel.visible && void this.refresh(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (isPageToMapTable(m)) void this.onMessage(m);
    }, undefined, this.disposables);
    this.schedule(REFRESH_MS);
  }

  private async onMessage(m: PageToMapTable): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.metaKey = '';
          await this.refresh(true);
          break;
        case 'refresh':
          await this.refresh(true);
          break;
        case 'window':
          this.win = { start: m.start, count: m.count };
          await this.postRows();
          break;
        case 'query':
          this.model.setQuery({ filter: m.filter, ...(m.sort ? { sort: m.sort } : {}) });
          this.win.start = 0;
          await this.postRows();
          break;
        case 'edit':
          await this.edit(this.model.findByKey(m.keyHex));
          break;
        case 'add':
          await this.add();
          break;
        case 'delete':
          await this.remove(m.keyHex);
          break;
        case 'export':
          await this.export(m.format);
          break;
        case 'openMap':
          this.onOpenMap(m.id);
          break;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`Ring0: ${(e as Error).message}`);
    }
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(async () => {
      const t0 = Date.now();
      if (this.panel.visible) await this.refresh();
      if (!this.disposed && !this.gone) this.schedule(nextRefreshMs(Date.now() - t0, REFRESH_MS));
    }, ms);
  }

  /** Re-reads the map; `force` re-sends rows even when nothing changed. */
  async refresh(force = false): Promise<void> {
    if (this.busy || this.gone) return;
    this.busy = true;
    try {
      const dump = await this.access.dump(this.ref.pinned ?? String(this.ref.id));
      this.updatedAt = Date.now();
      this.apply(dump, force);
      if (force) await this.postRows();
    } catch (e) {
      if (e instanceof MapGoneError || /no VM is running/.test((e as Error).message)) {
        this.gone = true;
        await this.post({ type: 'gone', message: e instanceof MapGoneError ? `${e.message}. Load it again and reopen it from the BPF view.` : 'The VM stopped, so this map is gone. Start the VM and load the program again.' });
      } else {
        await this.post({ type: 'error', message: (e as Error).message });
      }
    } finally {
      this.busy = false;
    }
  }

  private apply(dump: DumpResult, force: boolean): void {
    const m = dump.map;
    const meta: MapMeta = { id: m.id, name: this.ref.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, btf: dump.btf, ...(m.object ? { object: m.object } : {}), ...(m.pinned ? { pinned: m.pinned } : {}) };
    const dumpKey = JSON.stringify(dump.entries.map((e) => [e.keyHex, e.valueHex]));
    const changed = dumpKey !== this.lastDumpKey;
    this.errors = dump.errors;
    if (changed) {
      this.lastDumpKey = dumpKey;
      this.model.setEntries(dump.entries, m.type);
    }
    const metaKey = JSON.stringify([meta, this.model.columns]);
    if (metaKey !== this.metaKey) {
      this.metaKey = metaKey;
      this.meta = meta;
      this.panel.title = `Map: ${this.ref.name} (id ${m.id})`;
      void this.post({ type: 'meta', map: meta, columns: this.model.columns, editable: !UNEDITABLE.has(m.type) && !m.type.includes('of_maps'), ofMaps: m.type.includes('of_maps') });
    }
    if (changed && !force) void this.postRows();
  }

  private async postRows(): Promise<void> {
    const w = this.model.window(this.win.start, Math.min(this.win.count, MAX_WINDOW));
    const ofMaps = this.meta?.type.includes('of_maps') ?? false;
    const rows: WireRow[] = w.rows.map((r) => {
      const row: WireRow = { keyHex: r.keyHex, cells: r.cells.map(cellText) };
      const inner = ofMaps ? innerMapId(r) : undefined;
      if (inner !== undefined) row.innerMapId = inner;
      return row;
    });
    await this.post({ type: 'rows', version: this.model.version, total: this.model.total, matched: this.model.matched, start: w.start, rows, updatedAt: this.updatedAt, errors: this.errors.slice(0, 20) });
  }

  private target() {
    const m = this.meta;
    return m && { id: m.id, type: m.type, keySize: m.keySize, valueSize: m.valueSize };
  }

  private async add(): Promise<void> {
    const t = this.target();
    if (!t) return;
    const key = await ask(`Key for ${this.ref.name} (${t.keySize} bytes)`, t.keySize, 'key');
    if (key === undefined) return;
    const value = await ask(`Value for ${this.ref.name} (${t.valueSize} bytes)`, t.valueSize, 'value');
    if (value === undefined) return;
    await this.access.update(t, key, value);
    await this.refresh(true);
  }

  private async edit(row: TableRow | undefined): Promise<void> {
    const t = this.target();
    if (!row || !t) return;
    const perCpu = Array.isArray(row.valueHex);
    const current = perCpu ? spaced((row.valueHex as string[])[0] ?? '') : JSON.stringify(row.value);
    const value = await ask(`New value for key ${JSON.stringify(row.key)} in ${this.ref.name}${perCpu ? ' (written to every CPU)' : ''}`, t.valueSize, 'value', current);
    if (value === undefined) return;
    await this.access.update(t, { hex: row.keyHex }, value);
    await this.refresh(true);
  }

  private async remove(keyHex: string): Promise<void> {
    const t = this.target();
    if (!t) return;
    const row = this.model.findByKey(keyHex);
    const del = vscode.l10n.t('Delete');
    const pick = await vscode.window.showWarningMessage(vscode.l10n.t('Delete the entry with key {0} from {1}?', row ? JSON.stringify(row.key) : spaced(keyHex), this.ref.name), { modal: true }, del);
    if (pick !== del) return;
    await this.access.remove(t, keyHex);
    await this.refresh(true);
  }

  private async export(format: 'json' | 'csv'): Promise<void> {
    if (!this.meta) return;
    const meta = this.meta;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const file = `${this.ref.name}.${format}`;
    const target = await vscode.window.showSaveDialog({ title: `Export ${this.ref.name}`, filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] }, ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, file) } : {}) });
    if (!target) return;
    const rows = this.model.viewRows();
    const text = format === 'csv' ? toCsv(this.model.columns, rows) : toJson(meta, rows);
    if (target.scheme === 'file') await writeFile(target.fsPath, text);
    else await vscode.workspace.fs.writeFile(target, Buffer.from(text));
    void vscode.window.showInformationMessage(rows.length === 1 ? vscode.l10n.t('Ring0: exported 1 entry of {0} to {1}', this.ref.name, target.fsPath) : vscode.l10n.t('Ring0: exported {0} entries of {1} to {2}', rows.length, this.ref.name, target.fsPath));
  }

  private post(m: MapTableToPage): Thenable<boolean> {
    // A source can still report after its panel closed: nothing to show it to.
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(m);
  }

  private disposed = false;

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    MapTablePanel.open.delete(this.key);
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

const spaced = (hex: string) => (hex.match(/../g) ?? []).join(' ');

async function ask(prompt: string, size: number, what: string, value?: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    prompt: `${prompt}: JSON for its type (42, {"comm": "bash"}), an integer (0x2a, -1) or hex bytes (2a 00 …)`,
    ...(value !== undefined ? { value } : {}),
    validateInput: (t) => {
      try {
        parseEditInput(t, size, what);
        return undefined;
      } catch (e) {
        return e instanceof MapInputError ? e.message : String(e);
      }
    },
  });
}
