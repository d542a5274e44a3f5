// Tails a VM's serial log and reports the first oops or panic, decoded with the symbols available.
import { EventEmitter } from 'node:events';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { KernelImage } from './kernelImage';
import { parseOops, type OopsReport } from './oops';
import { symbolize, type SymbolSources } from './symbolize';

export type PanicReport = OopsReport;

/** How much of the log is kept for parsing: an oops with its trace fits many times over. */
const WINDOW = 256 * 1024;
const OOPS_START = /BUG: |Oops: |general protection fault|Kernel panic - not syncing|kernel BUG at|Unable to handle kernel/;

export class SerialWatcher extends EventEmitter {
  private offset = 0;
  private text = '';
  private timer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private reported = false;
  private seen = false;
  private reporting: Promise<void> | undefined;
  panic: PanicReport | undefined;
  /** Extra module objects (from builds) to decode module frames with. */
  readonly modules = new Map<string, string>();

  constructor(private readonly file: string, private readonly kernel: KernelImage, private readonly intervalMs = 100) {
    super();
  }

  start(): void {
    this.timer = setInterval(() => this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.poll();
    if (!this.reported && parseOops(this.text)) void this.report();
  }

  /** Resolves once a detected oops has been decoded (immediately when there is none). */
  async settled(): Promise<void> {
    this.poll();
    if (!this.reported && parseOops(this.text)) void this.report();
    await this.reporting;
  }

  /** The last 256 KiB read from the log. */
  get log(): string {
    return this.text;
  }

  poll(): void {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return;
    }
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return;
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(size - this.offset, 4 * 1024 * 1024));
      const n = readSync(fd, buf, 0, buf.length, this.offset);
      this.offset += n;
      const chunk = buf.subarray(0, n).toString('utf8');
      this.text += chunk;
      if (this.text.length > WINDOW) this.text = this.text.slice(-WINDOW);
      if (!this.seen && OOPS_START.test(this.text)) this.seen = true;
      this.emit('data', buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    // Parse only once an oops has started: a chatty guest must not cost a full parse per poll.
    if (!this.reported && this.seen && parseOops(this.text)) {
      // Let the rest of the trace arrive before parsing it.
      if (this.settleTimer) clearTimeout(this.settleTimer);
      const ended = /---\[ end (trace|Kernel panic)/.test(this.text);
      this.settleTimer = setTimeout(() => void this.report(), ended ? 0 : 500);
    }
  }

  private report(): Promise<void> {
    if (this.reported) return this.reporting ?? Promise.resolve();
    const parsed = parseOops(this.text);
    if (!parsed) return Promise.resolve();
    this.reported = true;
    const sources: SymbolSources = { vmlinux: this.kernel.vmlinux, modules: this.modules };
    this.reporting = symbolize(parsed, sources)
      .catch(() => parsed)
      .then((decoded) => {
        this.panic = decoded;
        this.emit('panic', decoded);
      });
    return this.reporting;
  }
}
