// A stream panel: runs one StreamSource (tracepoint, bpftrace, ring buffer) and feeds its page through
// a StreamBatcher — batches every 100 ms, at most two unacknowledged, exact counts of what was received,
// shown, skipped while paused or dropped because the page fell behind.
import * as vscode from 'vscode';
import type { StreamSink, StreamSource } from './model/streamSource';
import { fitMaps, type PrintedMap } from './model/printedMaps';
import { StreamBatcher } from './model/streamBatcher';
import { isPageToStream, type PageToStream, type StreamState, type StreamToPage } from './protocol/stream';
import { pageHtml, webviewOptions } from './webview/html';

const FLUSH_MS = 100;

export class StreamPanel implements vscode.Disposable {
  static readonly viewType = 'ring0.stream';
  private static readonly open = new Map<string, StreamPanel>();

  static createOrShow(extensionUri: vscode.Uri, source: StreamSource, log: vscode.LogOutputChannel): StreamPanel {
    const existing = StreamPanel.open.get(source.title);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(StreamPanel.viewType, source.title, vscode.ViewColumn.Active, { ...webviewOptions(extensionUri), retainContextWhenHidden: true });
    const p = new StreamPanel(panel, extensionUri, source, log);
    StreamPanel.open.set(source.title, p);
    return p;
  }

  private batcher = new StreamBatcher();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly timer: NodeJS.Timeout;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private state: { state: StreamState; message: string } = { state: 'starting', message: 'Starting…' };
  private maps: PrintedMap[] = [];
  private mapsDirty = false;
  private disposed = false;
  private lastCounts = '';

  private constructor(private readonly panel: vscode.WebviewPanel, extensionUri: vscode.Uri, private readonly source: StreamSource, private readonly log: vscode.LogOutputChannel) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ring0.svg');
    panel.webview.html = pageHtml(panel.webview, extensionUri, { title: source.title, script: 'dist/stream.js', css: ['dist/uplot.css', 'observe.css'] });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (isPageToStream(m)) this.onMessage(m);
    }, undefined, this.disposables);
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    this.start();
  }

  private onMessage(m: PageToStream): void {
    switch (m.type) {
      case 'ready':
        void this.post({ type: 'init', title: this.source.title, kind: this.source.kind, description: this.source.description, decodeAs: this.source.decodeAs !== undefined });
        void this.post({ type: 'state', ...this.state });
        if (this.maps.length) this.mapsDirty = true;
        break;
      case 'ack':
        this.batcher.ack(m.seq);
        break;
      case 'pause':
        this.batcher.pause();
        if (this.state.state === 'running') this.setState('paused', 'Paused: new records are counted, not shown');
        break;
      case 'resume':
        this.batcher.resume();
        if (this.state.state === 'paused') this.setState('running', 'Streaming');
        break;
      case 'stop':
        this.abort?.abort();
        break;
      case 'restart':
        if (this.state.state === 'ended' || this.state.state === 'error') this.start();
        break;
      case 'decodeAs':
        void this.source.decodeAs?.().then(async (again) => {
          if (!again || this.disposed) return;
          this.abort?.abort();
          await this.running;
          if (!this.disposed) this.start();
        });
        break;
    }
  }

  private start(): void {
    if (this.running) return;
    this.batcher = new StreamBatcher();
    this.abort = new AbortController();
    this.setState('starting', 'Starting…');
    const sink: StreamSink = {
      records: (r) => this.batcher.push(r),
      guestCounts: (c) => this.batcher.setGuestCounts(c),
      maps: (m) => {
        this.maps = m;
        this.mapsDirty = true;
      },
      state: (s, message) => this.setState(this.batcher.isPaused && s === 'running' ? 'paused' : s, message),
    };
    this.running = this.source.run(sink, this.abort.signal).then(
      (summary) => this.setState('ended', `Ended: ${summary}`),
      (e: unknown) => {
        this.log.warn(`${this.source.title}: ${(e as Error).message}`);
        this.setState('error', (e as Error).message);
      },
    ).finally(() => {
      this.running = undefined;
      this.flush();
    });
  }

  private setState(state: StreamState, message: string): void {
    this.state = { state, message };
    void this.post({ type: 'state', state, message });
  }

  private flush(): void {
    if (this.disposed) return;
    if (this.mapsDirty) {
      this.mapsDirty = false;
      // Fitted to what the page accepts: it would drop a whole message with one bad value in it.
      void this.post({ type: 'maps', ...fitMaps(this.maps) });
    }
    const batch = this.batcher.take();
    const rate = this.batcher.takeRate();
    const counts = { ...this.batcher.counts };
    if (batch) void this.post({ type: 'batch', seq: batch.seq, records: batch.records, counts, rate });
    else if (rate.length || JSON.stringify(counts) !== this.lastCounts) void this.post({ type: 'counts', counts, rate });
    this.lastCounts = JSON.stringify(counts);
  }

  private post(m: StreamToPage): Thenable<boolean> {
    // A source can still report after its panel closed: nothing to show it to.
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(m);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    StreamPanel.open.delete(this.source.title);
    clearInterval(this.timer);
    this.abort?.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
