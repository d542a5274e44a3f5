// What a stream panel reads from (a source that streams until aborted) and writes to (a sink of
// batched records, guest counts, printed maps and state); the extension provides the sources.
import type { PrintedMap } from './printedMaps';
import type { StreamState, WireRecord } from '../protocol/stream';

export interface StreamSink {
  records(r: WireRecord[]): void;
  guestCounts(c: { agentDropped?: number; kernelLost?: number; malformed?: number }): void;
  maps(m: PrintedMap[]): void;
  state(state: StreamState, message: string): void;
}

export interface StreamSource {
  readonly title: string;
  readonly kind: 'events' | 'text';
  readonly description: string;
  /** Lets the user pick how records decode (another struct); resolves true when the stream should restart with it. */
  decodeAs?(): Promise<boolean>;
  /** Streams until `signal` aborts or the producer ends; resolves with a summary line. */
  run(sink: StreamSink, signal: AbortSignal): Promise<string>;
}
