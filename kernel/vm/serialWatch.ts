// Tails a VM's serial log and reports its oopses, decoded with the symbols available: each oops the
// guest survives (one in process context kills only the process) as 'oops', the first fatal one as
// 'panic'.
import { EventEmitter } from 'node:events';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { KernelImage } from './kernelImage';
import { oopsEnd, parseOops, type OopsReport } from './oops';
import { symbolize, type SymbolSources } from './symbolize';

export type PanicReport = OopsReport;

/** How much of the log is kept for parsing: an oops with its trace fits many times over. */
const WINDOW = 256 * 1024;
const OOPS_START = /BUG: |Oops: |general protection fault|Kernel panic - not syncing|kernel BUG at|Unable to handle kernel/;
/** Non-fatal oopses kept (the newest). */
const KEEP_OOPSES = 20;

export class SerialWatcher extends EventEmitter {
  private offset = 0;
  private text = '';
  /** How much of `text` is already reported: the search for the next oops starts there. */
  private consumed = 0;
  private timer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private busy = false;
  private seen = false;
  private reporting: Promise<void> | undefined;
  /** The fatal report: a panic, or an oops the guest did not survive. */
  panic: PanicReport | undefined;
  /** Oopses the guest survived, oldest first (the last 20). */
  readonly oopses: OopsReport[] = [];
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
    if (this.pendingReport()) void this.report();
  }

  /** Resolves once every detected oops has been decoded (immediately when there is none). */
  async settled(): Promise<void> {
    this.poll();
    for (;;) {
      await this.reporting;
      if (!this.pendingReport()) return;
      await this.report();
    }
  }

  /** The last 256 KiB read from the log. */
  get log(): string {
    return this.text;
  }

  private get unreported(): string {
    return this.text.slice(this.consumed);
  }

  private pendingReport(): boolean {
    return !this.panic && !this.busy && this.seen && !!parseOops(this.unreported);
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
      if (this.text.length > WINDOW) {
        const drop = this.text.length - WINDOW;
        this.text = this.text.slice(drop);
        this.consumed = Math.max(0, this.consumed - drop);
      }
      if (!this.seen && OOPS_START.test(this.unreported)) this.seen = true;
      this.emit('data', buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    this.scheduleReport();
  }

  /** Parse only once an oops has started: a chatty guest must not cost a full parse per poll. */
  private scheduleReport(): void {
    if (!this.pendingReport()) return;
    // Let the rest of the trace arrive before parsing it.
    if (this.settleTimer) clearTimeout(this.settleTimer);
    const ended = /---\[ end (trace|Kernel panic)/.test(this.unreported);
    this.settleTimer = setTimeout(() => void this.report(), ended ? 0 : 500);
  }

  private report(): Promise<void> {
    if (this.busy || this.panic) return this.reporting ?? Promise.resolve();
    const text = this.unreported;
    const parsed = parseOops(text);
    if (!parsed) return Promise.resolve();
    this.busy = true;
    this.consumed += oopsEnd(text);
    this.seen = OOPS_START.test(this.unreported);
    const sources: SymbolSources = { vmlinux: this.kernel.vmlinux, modules: this.modules };
    this.reporting = symbolize(parsed, sources)
      .catch(() => parsed)
      .then((decoded) => {
        this.busy = false;
        const last = this.oopses.at(-1);
        if (decoded.panicked && !decoded.rip && decoded.frames.length === 0 && last) {
          // "Kernel panic - not syncing: Fatal exception" right after an oops: that oops was fatal.
          this.panic = { ...last, panicked: true, text: [...last.text, ...decoded.text] };
          this.emit('panic', this.panic);
        } else if (decoded.panicked) {
          this.panic = decoded;
          this.emit('panic', decoded);
        } else {
          this.oopses.push(decoded);
          if (this.oopses.length > KEEP_OOPSES) this.oopses.shift();
          this.emit('oops', decoded);
          this.scheduleReport();
        }
      });
    return this.reporting;
  }
}
