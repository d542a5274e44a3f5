// The stream panel's flow control (pure): a bounded queue between the guest and the page, batches sent
// only while the page has acked enough, exact counters for everything received, shown, paused or dropped.
import { MAX_BATCH, ZERO_COUNTS, type StreamCounts, type WireRecord } from '../protocol/stream';

export interface Batch {
  seq: number;
  records: WireRecord[];
}

export class StreamBatcher {
  readonly counts: StreamCounts = { ...ZERO_COUNTS };
  private queue: WireRecord[] = [];
  private paused = false;
  private seq = 0;
  private readonly inflight = new Set<number>();
  /** Per-second arrival counts not yet sent to the page: [unix second, records]. */
  private rate: Array<[number, number]> = [];

  constructor(private readonly maxQueue = 20_000, private readonly maxInflight = 2, private readonly maxBatch = MAX_BATCH) {}

  get isPaused(): boolean {
    return this.paused;
  }

  push(records: readonly WireRecord[], now = Date.now()): void {
    if (records.length === 0) return;
    this.counts.received += records.length;
    const sec = Math.floor(now / 1000);
    const last = this.rate[this.rate.length - 1];
    if (last && last[0] === sec) last[1] += records.length;
    else this.rate.push([sec, records.length]);
    if (this.paused) {
      this.counts.pausedSkipped += records.length;
      return;
    }
    const room = this.maxQueue - this.queue.length;
    if (records.length > room) {
      this.counts.uiDropped += records.length - Math.max(0, room);
      if (room > 0) this.queue.push(...records.slice(0, room));
    } else {
      this.queue.push(...records);
    }
  }

  /** Counters from the guest side (agent drops, kernel losses) as they become known. */
  setGuestCounts(c: { agentDropped?: number; kernelLost?: number; malformed?: number }): void {
    if (c.agentDropped !== undefined) this.counts.agentDropped = c.agentDropped;
    if (c.kernelLost !== undefined) this.counts.kernelLost = c.kernelLost;
    if (c.malformed !== undefined) this.counts.malformed = c.malformed;
  }

  pause(): void {
    this.paused = true;
    // What was queued but not shown counts as skipped: the page froze before it.
    this.counts.pausedSkipped += this.queue.length;
    this.queue = [];
  }

  resume(): void {
    this.paused = false;
  }

  /** The next batch, if the page has room for one and there is something to send. */
  take(): Batch | undefined {
    if (this.paused || this.queue.length === 0 || this.inflight.size >= this.maxInflight) return undefined;
    const records = this.queue.splice(0, this.maxBatch);
    const seq = ++this.seq;
    this.inflight.add(seq);
    this.counts.shown += records.length;
    return { seq, records };
  }

  ack(seq: number): void {
    this.inflight.delete(seq);
  }

  /** Rate samples since the last call (the page appends them). */
  takeRate(): Array<[number, number]> {
    const r = this.rate;
    this.rate = [];
    return r;
  }

  get queued(): number {
    return this.queue.length;
  }
}
