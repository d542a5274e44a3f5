// Agent wire codec: round trips, frames split at every byte, random garbage, oversized and invalid frames.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crc16, encodeFrame, encodeHeader, FrameDecoder, HEADER_SIZE, MAGIC, MAX_BINARY, MAX_JSON, type DecodeEvent, type FrameJson } from '../../kernel/agent/protocol';

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be reproduced. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

function frames(evs: DecodeEvent[]): { json: FrameJson; payload: Buffer }[] {
  return evs.flatMap((e) => (e.kind === 'frame' ? [{ json: e.frame.json, payload: e.frame.payload }] : []));
}

function errors(evs: DecodeEvent[]): string[] {
  return evs.flatMap((e) => (e.kind === 'error' ? [e.code] : []));
}

const sample = [
  { json: { id: 1, op: 'ping' }, payload: Buffer.alloc(0) },
  { json: { id: 2, ev: 'stdout', note: 'ünïcødé ✓' }, payload: Buffer.from([0, 1, 2, 255, 0x52, 0x30, 0x41, 0x47]) },
  { json: { id: 3, ok: true, nested: { a: [1, 2, { b: null }] } }, payload: Buffer.from('R0AGR0AG'.repeat(100)) },
];
const sampleBytes = Buffer.concat(sample.map((f) => encodeFrame(f.json, f.payload)));

describe('agent protocol codec', () => {
  it('computes CRC-16/CCITT-FALSE', () => {
    assert.equal(crc16(Buffer.from('123456789')), 0x29b1);
  });

  it('encodes the documented header layout', () => {
    const h = encodeHeader(0x0102, 0x030405);
    assert.equal(h.length, HEADER_SIZE);
    assert.deepEqual(h.subarray(0, 4), MAGIC);
    assert.equal(h[4], 1);
    assert.equal(h[5], 0);
    assert.equal(h.readUInt32LE(6), 0x0102);
    assert.equal(h.readUInt32LE(10), 0x030405);
    assert.equal(h.readUInt16LE(14), crc16(h, 0, 14));
  });

  it('round-trips frames with and without payloads', () => {
    const d = new FrameDecoder();
    const evs = d.push(sampleBytes);
    assert.deepEqual(errors(evs), []);
    assert.deepEqual(frames(evs), sample);
    assert.equal(d.buffered, 0);
  });

  it('decodes the same frames when the stream is split at every byte boundary', () => {
    for (let i = 0; i <= sampleBytes.length; i++) {
      const d = new FrameDecoder();
      const evs = [...d.push(sampleBytes.subarray(0, i)), ...d.push(sampleBytes.subarray(i))];
      assert.deepEqual(errors(evs), [], `split at ${i}`);
      assert.deepEqual(frames(evs), sample, `split at ${i}`);
    }
  });

  it('decodes a stream fed one byte at a time', () => {
    const d = new FrameDecoder();
    const evs: DecodeEvent[] = [];
    for (const byte of sampleBytes) evs.push(...d.push(Buffer.from([byte])));
    assert.deepEqual(frames(evs), sample);
    assert.deepEqual(errors(evs), []);
  });

  it('resynchronizes after random garbage, including fake magic, in random chunk sizes', () => {
    const r = rng(42);
    for (let round = 0; round < 300; round++) {
      const parts: Buffer[] = [];
      const expected: FrameJson[] = [];
      let garbageRuns = 0;
      for (let k = 0; k < 6; k++) {
        if (r() < 0.6) {
          const g = randomBytes(r, Math.floor(r() * 200));
          // Fake headers: the magic followed by noise (CRC mismatch), or a magic prefix right before a frame.
          const fake = r() < 0.5 ? Buffer.concat([MAGIC, randomBytes(r, Math.floor(r() * 20))]) : MAGIC.subarray(0, 1 + Math.floor(r() * 3));
          parts.push(g, fake);
          garbageRuns++;
        }
        const json = { id: round * 10 + k, op: 'ping', s: 'x'.repeat(Math.floor(r() * 50)) };
        expected.push(json);
        parts.push(encodeFrame(json, randomBytes(r, Math.floor(r() * 300))));
      }
      const all = Buffer.concat(parts);
      const d = new FrameDecoder();
      const evs: DecodeEvent[] = [];
      let pushes = 0;
      for (let off = 0; off < all.length; pushes++) {
        const n = 1 + Math.floor(r() * 97);
        evs.push(...d.push(all.subarray(off, off + n)));
        off += n;
      }
      assert.deepEqual(frames(evs).map((f) => f.json), expected, `round ${round}`);
      const errs = errors(evs);
      assert.ok(errs.every((c) => c === 'BAD_FRAME'), `round ${round}: ${errs.join(',')}`);
      // Skipped bytes are reported at most once per push, plus once before each frame that follows them.
      assert.ok(errs.length <= pushes + garbageRuns, `round ${round}: ${errs.length} errors`);
      if (garbageRuns) assert.ok(errs.length >= 1);
    }
  });

  it('survives pure garbage without buffering it', () => {
    const r = rng(7);
    const d = new FrameDecoder();
    let frameCount = 0;
    for (let i = 0; i < 200; i++) {
      const evs = d.push(randomBytes(r, 5000));
      frameCount += frames(evs).length;
      assert.ok(d.buffered < HEADER_SIZE, `holds ${d.buffered} bytes`);
    }
    assert.equal(frameCount, 0);
    const evs = d.push(encodeFrame({ id: 9, op: 'ping' }));
    assert.deepEqual(frames(evs).map((f) => f.json), [{ id: 9, op: 'ping' }]);
  });

  it('skips an oversized frame whole (its payload may look like frames) and reports it once', () => {
    const d = new FrameDecoder({ maxJson: 64, maxBinary: 128 });
    const inner = encodeFrame({ id: 666, op: 'ping' });
    const bigJson = Buffer.from(JSON.stringify({ id: 5, pad: 'y'.repeat(100) }));
    const big = Buffer.concat([encodeHeader(bigJson.length, inner.length * 2), bigJson, inner, inner]);
    const bigBin = Buffer.concat([encodeHeader(2, 200), Buffer.from('{}'), Buffer.alloc(200, 0x52)]);
    const all = Buffer.concat([big, bigBin, encodeFrame({ id: 6 })]);
    for (const step of [all.length, 7, 1]) {
      const d2 = new FrameDecoder({ maxJson: 64, maxBinary: 128 });
      const evs: DecodeEvent[] = [];
      for (let off = 0; off < all.length; off += step) evs.push(...d2.push(all.subarray(off, off + step)));
      assert.deepEqual(errors(evs), ['FRAME_TOO_LARGE', 'FRAME_TOO_LARGE'], `step ${step}`);
      assert.deepEqual(frames(evs).map((f) => f.json), [{ id: 6 }], `step ${step}`);
    }
    // The default limits: a header announcing 1 MiB + 1 of JSON is refused without waiting for it.
    const evs = d.push(encodeHeader(MAX_JSON + 1, 0));
    assert.deepEqual(errors(evs), ['FRAME_TOO_LARGE']);
    const d3 = new FrameDecoder();
    assert.deepEqual(errors(d3.push(encodeHeader(2, MAX_BINARY + 1))), ['FRAME_TOO_LARGE']);
  });

  it('refuses to encode frames over the limits', () => {
    assert.throws(() => encodeFrame({ s: 'z'.repeat(MAX_JSON) }), RangeError);
    assert.throws(() => encodeFrame({}, Buffer.alloc(MAX_BINARY + 1)), RangeError);
    assert.doesNotThrow(() => encodeFrame({}, Buffer.alloc(MAX_BINARY)));
  });

  it('reports invalid JSON, non-objects, invalid UTF-8 and other versions, then continues', () => {
    const bad = (body: Buffer) => Buffer.concat([encodeHeader(body.length, 0), body]);
    const v2 = Buffer.from(encodeFrame({ id: 1 }));
    v2[4] = 2;
    v2.writeUInt16LE(crc16(v2, 0, 14), 14);
    const all = Buffer.concat([
      bad(Buffer.from('{"id": 1,')),
      bad(Buffer.from('[1,2]')),
      bad(Buffer.from('null')),
      bad(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), // {"\xff":1}
      bad(Buffer.from('')),
      v2,
      encodeFrame({ id: 2, ok: true }),
    ]);
    const evs = new FrameDecoder().push(all);
    assert.deepEqual(errors(evs), ['BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_JSON', 'BAD_FRAME', 'UNSUPPORTED_VERSION']);
    assert.deepEqual(frames(evs).map((f) => f.json), [{ id: 2, ok: true }]);
  });

  it('holds an incomplete frame until the rest arrives, and reset() drops it', () => {
    const f = encodeFrame({ id: 3 }, Buffer.alloc(1000, 1));
    const d = new FrameDecoder();
    assert.deepEqual(d.push(f.subarray(0, 500)), []);
    assert.equal(d.buffered, 500);
    d.reset();
    assert.equal(d.buffered, 0);
    const evs = d.push(encodeFrame({ id: 4 }));
    assert.deepEqual(frames(evs).map((x) => x.json), [{ id: 4 }]);
  });
});
