// Ring0 agent wire format (PROTOCOL.md): frame encoder and an incremental decoder that resynchronizes on garbage.

export const MAGIC = Buffer.from('R0AG', 'latin1');
export const PROTOCOL_VERSION = 1;
export const HEADER_SIZE = 16;
export const MAX_JSON = 1 << 20;
export const MAX_BINARY = 4 << 20;

export type FrameJson = Record<string, unknown>;

export interface Frame {
  version: number;
  json: FrameJson;
  payload: Buffer;
}

export type DecodeErrorCode = 'BAD_FRAME' | 'FRAME_TOO_LARGE' | 'UNSUPPORTED_VERSION' | 'BAD_JSON';

export type DecodeEvent =
  | { kind: 'frame'; frame: Frame }
  | { kind: 'error'; code: DecodeErrorCode; message: string };

export interface CodecLimits {
  maxJson?: number;
  maxBinary?: number;
}

/** CRC-16/CCITT-FALSE over the first 14 header bytes. */
export function crc16(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffff;
  for (let i = start; i < end; i++) {
    crc ^= buf[i] << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeHeader(jsonLength: number, binaryLength: number, version = PROTOCOL_VERSION): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  MAGIC.copy(h, 0);
  h[4] = version;
  h[5] = 0;
  h.writeUInt32LE(jsonLength, 6);
  h.writeUInt32LE(binaryLength, 10);
  h.writeUInt16LE(crc16(h, 0, 14), 14);
  return h;
}

/** One frame as a single buffer. Throws RangeError when a part exceeds the limits. */
export function encodeFrame(json: FrameJson, payload?: Uint8Array, limits: CodecLimits = {}): Buffer {
  const body = Buffer.from(JSON.stringify(json), 'utf8');
  const bin = payload ?? Buffer.alloc(0);
  if (body.length > (limits.maxJson ?? MAX_JSON)) throw new RangeError(`frame JSON of ${body.length} bytes exceeds ${limits.maxJson ?? MAX_JSON}`);
  if (bin.length > (limits.maxBinary ?? MAX_BINARY)) throw new RangeError(`frame payload of ${bin.length} bytes exceeds ${limits.maxBinary ?? MAX_BINARY}`);
  return Buffer.concat([encodeHeader(body.length, bin.length), body, bin]);
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Incremental decoder. push() returns the frames completed by a chunk, and errors for what had to be
 * skipped: bytes that are not a valid header (reported once per run), frames over the limits or of
 * another version (skipped whole, as their header is trustworthy), and frames whose JSON is invalid.
 */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  private skip = 0;
  private garbage = 0;
  private readonly maxJson: number;
  private readonly maxBinary: number;

  constructor(limits: CodecLimits = {}) {
    this.maxJson = limits.maxJson ?? MAX_JSON;
    this.maxBinary = limits.maxBinary ?? MAX_BINARY;
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.size;
  }

  reset(): void {
    this.chunks = [];
    this.size = 0;
    this.skip = 0;
    this.garbage = 0;
  }

  push(chunk: Uint8Array): DecodeEvent[] {
    const out: DecodeEvent[] = [];
    if (chunk.length) {
      this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
      this.size += chunk.length;
    }
    for (;;) {
      if (this.skip) {
        const n = Math.min(this.skip, this.size);
        this.drop(n);
        this.skip -= n;
        if (this.skip) break;
      }
      if (!this.size) break;
      const m = this.scan();
      this.garbage += m;
      this.drop(m);
      if (this.size < HEADER_SIZE) break;
      const h = this.peek(HEADER_SIZE);
      if (crc16(h, 0, 14) !== h.readUInt16LE(14)) {
        this.garbage++;
        this.drop(1);
        continue;
      }
      this.flushGarbage(out);
      const version = h[4];
      const jlen = h.readUInt32LE(6);
      const blen = h.readUInt32LE(10);
      const total = HEADER_SIZE + jlen + blen;
      if (version !== PROTOCOL_VERSION) {
        out.push({ kind: 'error', code: 'UNSUPPORTED_VERSION', message: `frame of protocol version ${version}; expected ${PROTOCOL_VERSION}` });
        this.skip = total;
        continue;
      }
      if (jlen > this.maxJson || blen > this.maxBinary) {
        out.push({ kind: 'error', code: 'FRAME_TOO_LARGE', message: `frame of ${jlen} JSON + ${blen} binary bytes exceeds ${this.maxJson} + ${this.maxBinary}` });
        this.skip = total;
        continue;
      }
      if (jlen < 2) {
        out.push({ kind: 'error', code: 'BAD_FRAME', message: 'frame without a JSON object' });
        this.skip = total;
        continue;
      }
      if (this.size < total) break;
      const f = this.take(total);
      const json = parseObject(f.subarray(HEADER_SIZE, HEADER_SIZE + jlen));
      if (!json) out.push({ kind: 'error', code: 'BAD_JSON', message: "the frame's JSON is not a valid UTF-8 JSON object" });
      else out.push({ kind: 'frame', frame: { version, json, payload: f.subarray(HEADER_SIZE + jlen) } });
    }
    this.flushGarbage(out);
    return out;
  }

  private flushGarbage(out: DecodeEvent[]): void {
    if (this.garbage) {
      out.push({ kind: 'error', code: 'BAD_FRAME', message: `skipped ${this.garbage} bytes that are not a valid frame` });
      this.garbage = 0;
    }
  }

  /** Bytes before the first possible header start (a whole magic, or a magic prefix at the end). */
  private scan(): number {
    if (this.chunks[0].length >= 4 && this.chunks[0][0] === MAGIC[0] && this.chunks[0].compare(MAGIC, 0, 4, 0, 4) === 0) return 0;
    this.flatten();
    const b = this.chunks[0];
    let i = 0;
    while (i < b.length) {
      i = b.indexOf(MAGIC[0], i);
      if (i < 0) return b.length;
      const n = Math.min(4, b.length - i);
      if (b.compare(MAGIC, 0, n, i, i + n) === 0) return i;
      i++;
    }
    return b.length;
  }

  private flatten(): void {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.size)];
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length < n) this.flatten();
    return this.chunks[0].subarray(0, n);
  }

  private take(n: number): Buffer {
    if (this.chunks[0].length < n) this.flatten();
    const b = this.chunks[0].subarray(0, n);
    this.drop(n);
    return b;
  }

  private drop(n: number): void {
    this.size -= n;
    while (n > 0) {
      const c = this.chunks[0];
      if (c.length <= n) {
        this.chunks.shift();
        n -= c.length;
      } else {
        this.chunks[0] = c.subarray(n);
        n = 0;
      }
    }
  }
}

function parseObject(b: Buffer): FrameJson | undefined {
  try {
    const v: unknown = JSON.parse(utf8.decode(b));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as FrameJson) : undefined;
  } catch {
    return undefined;
  }
}
