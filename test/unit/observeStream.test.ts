// Streamed-record decoding with BTF (struct by size or by name, hex fallback, garbage and truncated
// records), BTF value encoding for map updates, the reader's report lines, and tracepoint listing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Btf } from '../../kernel/elf/btf';
import { BtfValueError, decodeBtfValue, encodeBtfValue, findStructs } from '../../kernel/observe/btfValue';
import { encodeMapInput } from '../../kernel/observe/mapEdit';
import { RecordDecoder, RecordTypeError } from '../../kernel/observe/records';
import { parseReaderReport, streamMap, type RecordBatch } from '../../kernel/observe/stream';
import { StreamHandle, type AgentChannel } from '../../kernel/agent/handles';
import type { Frame } from '../../kernel/agent/protocol';
import { filterTracepoints, parseAvailableEvents } from '../../kernel/observe/tracepoints';

/** A tiny BTF writer: just enough kinds to build the types the tests decode. */
class BtfBuilder {
  private types: Buffer[] = [];
  private strs: Buffer[] = [Buffer.from([0])];
  private strLen = 1;
  str(s: string): number {
    if (!s) return 0;
    const off = this.strLen;
    const b = Buffer.from(s + '\0');
    this.strs.push(b);
    this.strLen += b.length;
    return off;
  }
  private add(name: string, kind: number, vlen: number, sizeOrType: number, extra: Buffer, kindFlag = false): number {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(this.str(name), 0);
    h.writeUInt32LE((((kindFlag ? 1 : 0) << 31) | (kind << 24) | vlen) >>> 0, 4);
    h.writeUInt32LE(sizeOrType, 8);
    this.types.push(Buffer.concat([h, extra]));
    return this.types.length;
  }
  int(name: string, size: number, encoding = 0): number {
    const e = Buffer.alloc(4);
    e.writeUInt32LE((encoding << 24) | (size * 8), 0);
    return this.add(name, 1, 0, size, e);
  }
  array(elem: number, index: number, n: number): number {
    const e = Buffer.alloc(12);
    e.writeUInt32LE(elem, 0);
    e.writeUInt32LE(index, 4);
    e.writeUInt32LE(n, 8);
    return this.add('', 3, 0, 0, e);
  }
  struct(name: string, size: number, members: Array<[string, number, number, number?]>, union = false): number {
    const kindFlag = members.some((m) => m[3] !== undefined);
    const e = Buffer.alloc(12 * members.length);
    members.forEach(([n, t, bitOff, bitSize], i) => {
      e.writeUInt32LE(this.str(n), i * 12);
      e.writeUInt32LE(t, i * 12 + 4);
      e.writeUInt32LE(kindFlag ? ((bitSize ?? 0) << 24) | bitOff : bitOff, i * 12 + 8);
    });
    return this.add(name, union ? 5 : 4, members.length, size, e, kindFlag);
  }
  enumeration(name: string, size: number, values: Array<[string, number]>): number {
    const e = Buffer.alloc(8 * values.length);
    values.forEach(([n, v], i) => {
      e.writeUInt32LE(this.str(n), i * 8);
      e.writeInt32LE(v, i * 8 + 4);
    });
    return this.add(name, 6, values.length, size, e, true);
  }
  typedef(name: string, t: number): number {
    return this.add(name, 8, 0, t, Buffer.alloc(0));
  }
  variable(name: string, t: number): number {
    return this.add(name, 14, 0, t, Buffer.alloc(4));
  }
  ptr(t: number): number {
    return this.add('', 2, 0, t, Buffer.alloc(0));
  }
  build(): Btf {
    return Btf.parse(this.raw());
  }
  raw(): Buffer {
    const types = Buffer.concat(this.types);
    const strs = Buffer.concat(this.strs);
    const h = Buffer.alloc(24);
    h.writeUInt16LE(0xeb9f, 0);
    h[2] = 1;
    h.writeUInt32LE(24, 4);
    h.writeUInt32LE(0, 8);
    h.writeUInt32LE(types.length, 12);
    h.writeUInt32LE(types.length, 16);
    h.writeUInt32LE(strs.length, 20);
    return Buffer.concat([h, types, strs]);
  }
}

/** struct event { u64 ts; u32 pid; s32 delta; char comm[8]; enum state st; u32 flags:3, level:5; u8 *p; } = 40 bytes, plus a 16-byte struct pair and another 16-byte struct. */
function sampleBtf() {
  const b = new BtfBuilder();
  const u8 = b.int('unsigned char', 1);
  const u32 = b.int('unsigned int', 4);
  const s32 = b.int('int', 4, 1);
  const u64 = b.typedef('u64', b.int('long long unsigned int', 8));
  const s64 = b.int('long long int', 8, 1);
  const char = b.int('char', 1, 2);
  const comm = b.array(char, u32, 8);
  const st = b.enumeration('state', 4, [['IDLE', 0], ['RUNNING', 1], ['NEG', -1]]);
  const ptr = b.ptr(u8);
  const event = b.struct('event', 40, [['ts', u64, 0], ['pid', u32, 64], ['delta', s32, 96], ['comm', comm, 128], ['st', st, 192], ['flags', u32, 224, 3], ['level', u32, 227, 5], ['p', ptr, 256]]);
  b.struct('pair', 16, [['a', u64, 0], ['b', s64, 64]]);
  b.struct('other16', 16, [['x', u32, 0], ['y', u32, 32], ['z', u64, 64]]);
  const arr = b.array(u32, u32, 3);
  b.struct('twelve', 12, [['v', arr, 0]]);
  return { btf: b.build(), event, u32, u64 };
}

function eventBytes(): Buffer {
  const e = Buffer.alloc(40);
  e.writeBigUInt64LE(123456789012345n, 0);
  e.writeUInt32LE(4242, 8);
  e.writeInt32LE(-7, 12);
  e.write('bash', 16);
  e.writeInt32LE(-1, 24);
  e.writeUInt32LE((21 << 3) | 5, 28);
  e.writeBigUInt64LE(0xffff888012345678n, 32);
  return e;
}

describe('BTF values', () => {
  it('decodes ints (signed, u64), char arrays as text, enums by name, bitfields and pointers', () => {
    const { btf, event } = sampleBtf();
    assert.deepEqual(decodeBtfValue(btf, event, eventBytes()), { ts: 123456789012345, pid: 4242, delta: -7, comm: 'bash', st: 'NEG', flags: 5, level: 21, p: '0xffff888012345678' });
  });

  it('gives u64 beyond 2^53 as a decimal string and rejects short buffers', () => {
    const { btf, event } = sampleBtf();
    const e = eventBytes();
    e.writeBigUInt64LE(2n ** 64n - 1n, 0);
    assert.equal((decodeBtfValue(btf, event, e) as { ts: unknown }).ts, '18446744073709551615');
    assert.throws(() => decodeBtfValue(btf, event, e.subarray(0, 20)), BtfValueError);
  });

  it('encodes JSON back to the same bytes, and says what is wrong with bad input', () => {
    const { btf, event, u32 } = sampleBtf();
    const fields = { ts: 123456789012345, pid: 4242, delta: -7, comm: 'bash', st: 'NEG', p: '0xffff888012345678' };
    const buf = Buffer.alloc(40);
    encodeBtfValue(btf, event, fields, buf);
    const want = eventBytes();
    want.writeUInt32LE(0, 28); // bitfields are not encoded
    assert.deepEqual(buf, want);
    assert.throws(() => encodeBtfValue(btf, event, { nope: 1 }, Buffer.alloc(40)), /no field 'nope'/);
    assert.throws(() => encodeBtfValue(btf, event, { comm: 'much-too-long' }, Buffer.alloc(40)), /longer than 8 bytes/);
    assert.throws(() => encodeBtfValue(btf, u32, -1, Buffer.alloc(4)), /does not fit/);
    assert.throws(() => encodeBtfValue(btf, u32, 'x', Buffer.alloc(4)), /expected an integer/);
  });

  it('map input: hex bytes, BTF-typed JSON, plain integers without BTF', () => {
    const { btf, u32 } = sampleBtf();
    const mb = { btf, btfId: 1, own: true, keyTypeId: u32, valueTypeId: u32 };
    assert.equal(encodeMapInput({ hex: '2a000000' }, 4, 'key').toString('hex'), '2a000000');
    assert.equal(encodeMapInput(42, 4, 'key', mb, u32).toString('hex'), '2a000000');
    assert.equal(encodeMapInput('0x10', 8, 'value').toString('hex'), '1000000000000000');
    assert.throws(() => encodeMapInput({ hex: '2a00' }, 4, 'key'), /2 bytes given, the map's key has 4/);
    assert.throws(() => encodeMapInput({ hex: 'zz' }, 1, 'key'), /not hex/);
    assert.throws(() => encodeMapInput({ a: 1 }, 16, 'key'), /no BTF; give the 16 bytes as \{"hex"/);
  });

  it('finds structs by name and by size (with perf padding slack)', () => {
    const { btf } = sampleBtf();
    assert.deepEqual(findStructs(btf, { size: 40 }).map((t) => t.name), ['event']);
    assert.deepEqual(findStructs(btf, { size: 16 }).map((t) => t.name), ['pair', 'other16']);
    assert.deepEqual(findStructs(btf, { size: 44, sizeSlack: 7 }).map((t) => t.name), ['event']);
  });
});

describe('record decoder', () => {
  it('decodes ring-buffer lines with the only struct of their size', () => {
    const { btf } = sampleBtf();
    const d = new RecordDecoder({ mapType: 'ringbuf', btf });
    const r = d.decodeLine(eventBytes().toString('hex'));
    assert.equal(r.type, 'struct event');
    assert.equal((r.value as { comm: string }).comm, 'bash');
    assert.equal(r.hex, undefined);
    assert.equal(r.seq, 0);
    assert.equal(d.decoded, 1);
  });

  it('decodes perf lines (CPU prefix, kernel padding) and keeps hex when asked', () => {
    const { btf } = sampleBtf();
    const d = new RecordDecoder({ mapType: 'perf_event_array', btf, hex: true });
    const padded = Buffer.concat([eventBytes(), Buffer.alloc(4)]);
    const r = d.decodeLine(`3:${padded.toString('hex')}`);
    assert.equal(r.cpu, 3);
    assert.equal(r.size, 44);
    assert.equal(r.type, 'struct event');
    assert.equal(r.error, undefined);
    assert.equal(r.hex, padded.toString('hex'));
  });

  it('falls back to hex with a note when several or no structs match, and without BTF', () => {
    const { btf } = sampleBtf();
    const d = new RecordDecoder({ mapType: 'ringbuf', btf });
    const amb = d.decodeLine('00'.repeat(16));
    assert.equal(amb.type, undefined);
    assert.equal(amb.hex, '00'.repeat(16));
    const none = d.decodeLine('ab'.repeat(5));
    assert.equal(none.hex, 'ababababab');
    d.decodeLine('00'.repeat(16));
    assert.equal(d.notes.length, 2, 'one note per size, not per record');
    assert.match(d.notes[0], /2 structs have 16 bytes \(pair, other16\).*--struct/);
    assert.match(d.notes[1], /no struct in the BTF has 5 bytes/);
    const bare = new RecordDecoder({ mapType: 'ringbuf' });
    assert.equal(bare.decodeLine('0102').hex, '0102');
    assert.match(bare.notes[0], /no BTF/);
  });

  it('prefers the object\'s own struct (a global of that type) among structs of the same size', () => {
    const b = new BtfBuilder();
    const u32 = b.int('unsigned int', 4);
    const u64 = b.int('long long unsigned int', 8);
    b.struct('list_head', 16, [['next', u64, 0], ['prev', u64, 64]]);
    const rec = b.struct('my_record', 16, [['a', u32, 0], ['b', u32, 32], ['c', u64, 64]]);
    b.struct('rb_node', 16, [['x', u64, 0], ['y', u64, 64]]);
    b.variable('my_record_type', rec);
    const btf = b.build();
    const d = new RecordDecoder({ mapType: 'ringbuf', btf });
    assert.deepEqual(d.decodeLine('01000000020000000300000000000000').value, { a: 1, b: 2, c: 3 });
    assert.throws(() => new RecordDecoder({ mapType: 'ringbuf', btf, structName: 'x' }), /structs there: my_record \(16 bytes\), list_head/);
  });

  it('decodes as the struct the user names, and reports truncated and oversized records', () => {
    const { btf } = sampleBtf();
    const d = new RecordDecoder({ mapType: 'ringbuf', btf, structName: 'other16' });
    const r = d.decodeLine('01000000' + '02000000' + '0300000000000000');
    assert.deepEqual(r.value, { x: 1, y: 2, z: 3 });
    const short = d.decodeLine('0100');
    assert.match(short.error ?? '', /truncated: 2 bytes, struct other16 has 16/);
    assert.equal(short.hex, '0100');
    const long = d.decodeLine('00'.repeat(20));
    assert.deepEqual(long.value, { x: 0, y: 0, z: 0 });
    assert.match(long.error ?? '', /20 bytes, struct other16 has 16: decoded the first 16/);
    assert.equal(d.malformed, 1);
    assert.throws(() => new RecordDecoder({ mapType: 'ringbuf', btf, structName: 'missing' }), (e: Error) => e instanceof RecordTypeError && /no struct 'missing'.*event \(40 bytes\)/.test(e.message));
    assert.throws(() => new RecordDecoder({ mapType: 'ringbuf', structName: 'event' }), /no BTF/);
  });

  it('survives garbage lines: odd hex, non-hex, huge CPU numbers, empty records', () => {
    const { btf } = sampleBtf();
    const d = new RecordDecoder({ mapType: 'perf_event_array', btf });
    const bad = ['abc', 'xyz', '12:zz', '1234567:00', '-1:00', 'R0AG\u0000\u0001', '{"json":true}', ' 0a', '0:'];
    for (const line of bad) {
      const r = d.decodeLine(line);
      assert.ok(r.error, `${JSON.stringify(line)} → ${JSON.stringify(r)}`);
    }
    assert.equal(d.malformed, bad.length);
    // Random bytes of every length up to 64, as records: decoded, hex or an error, never a throw.
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    for (let n = 0; n <= 64; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, rnd));
      const r = d.decodeLine(`0:${bytes.toString('hex')}`);
      assert.equal(r.size, n);
      assert.ok(r.value !== undefined || r.hex !== undefined);
    }
  });

  it('a corrupt BTF never makes decoding throw', () => {
    const { btf } = sampleBtf();
    // A struct whose member points at a type id that does not exist.
    const broken = new Btf(btf.types.map((t) => (t.name === 'pair' ? { ...t, members: [{ name: 'a', type: 999, offset: 0 }] } : t)), btf.strings);
    const d = new RecordDecoder({ mapType: 'ringbuf', btf: broken, structName: 'pair' });
    const r = d.decodeLine('00'.repeat(16));
    assert.match(r.error ?? '', /cannot decode as struct pair: no BTF type 999/);
    assert.equal(r.hex, '00'.repeat(16));
  });
});

describe('guest reader reports', () => {
  it('parses #ready/#lost/#end lines and ignores anything else', () => {
    assert.deepEqual(parseReaderReport('#lost {"cpu":1,"count":12}'), { kind: 'lost', data: { cpu: 1, count: 12 } });
    assert.equal(parseReaderReport('#end {"records":5,"bytes":520,"lost":0,"elapsedNs":9,"outputError":false}')?.data.records, 5);
    assert.equal(parseReaderReport('#end {broken'), undefined);
    assert.equal(parseReaderReport('#end [1]'), undefined);
    assert.equal(parseReaderReport('libbpf: warning'), undefined);
  });
});

describe('tracepoint catalogue', () => {
  const text = 'sched:sched_process_exec\nsyscalls:sys_enter_openat\nsched:sched_switch\nsyscalls:sys_exit_openat\n\ngarbage line\nirq:irq_handler_entry\n';
  it('groups available_events by category, sorted, skipping junk', () => {
    assert.deepEqual(parseAvailableEvents(text), [
      { name: 'irq', events: ['irq_handler_entry'] },
      { name: 'sched', events: ['sched_process_exec', 'sched_switch'] },
      { name: 'syscalls', events: ['sys_enter_openat', 'sys_exit_openat'] },
    ]);
  });
  it('filters by category or by category:event', () => {
    const cats = parseAvailableEvents(text);
    assert.deepEqual(filterTracepoints(cats, 'SCHED').map((c) => c.name), ['sched']);
    assert.deepEqual(filterTracepoints(cats, 'openat'), [{ name: 'syscalls', events: ['sys_enter_openat', 'sys_exit_openat'] }]);
    assert.deepEqual(filterTracepoints(cats, 'exit_open'), [{ name: 'syscalls', events: ['sys_exit_openat'] }]);
    assert.equal(filterTracepoints(cats, '').length, 3);
  });
});

/** An agent whose `run` answers bpftool/loader calls and whose stream is a real StreamHandle fed by the test. */
function fakeAgent(opts: { mapType: string; btf?: Buffer }) {
  const calls: string[][] = [];
  let resolveEnd: (f: Frame) => void = () => undefined;
  const closed: string[] = [];
  const channel: AgentChannel = {
    call: (req) => {
      closed.push(req.op);
      if (req.op === 'stream.close') setImmediate(() => resolveEnd({ version: 1, json: { ok: true, ev: 'end', reason: 'closed', delivered: 7, dropped: 5, truncated: 0, exitCode: null }, payload: Buffer.alloc(0) }));
      return Promise.resolve({ version: 1, json: { ok: true }, payload: Buffer.alloc(0) });
    },
    notify: () => undefined,
  };
  const handle = new StreamHandle(channel, 9, new Promise<Frame>((r) => (resolveEnd = r)), 1024, true);
  const ok = (stdout: string | Buffer, exitCode = 0, stderr = '') => ({ exitCode, signal: null, timedOut: false, pid: 1, stdout: Buffer.from(stdout), stderr: Buffer.from(stderr) });
  const agent = {
    run: (argv: readonly string[]) => {
      calls.push([...argv]);
      if (argv[0] === 'bpftool') return Promise.resolve(ok(JSON.stringify([{ id: 3, type: opts.mapType, name: 'events', bytes_key: 0, bytes_value: 0, max_entries: 4096, flags: 0 }])));
      if (argv[1] === 'list') return Promise.resolve(ok(JSON.stringify({ ok: true, pinRoot: '/sys/fs/bpf/ring0', objects: [] })));
      if (argv[1] === 'map-btf') return Promise.resolve(opts.btf ? ok(opts.btf, 0, '#map {"id":3,"btfId":9,"own":false,"keyTypeId":0,"valueTypeId":0}\n') : ok('', 3));
      return Promise.reject(new Error(`unexpected ${argv.join(' ')}`));
    },
    openStream: (argv: readonly string[]) => {
      calls.push([...argv]);
      return handle;
    },
  };
  const batch = (records: string[], delivered: number, dropped: number) =>
    handle.onEvent({ version: 1, json: { id: 9, ev: 'records', n: records.length, delivered, dropped }, payload: Buffer.from(records.map((r) => r + '\n').join('')) });
  const stderr = (text: string) => handle.onEvent({ version: 1, json: { id: 9, ev: 'stderr' }, payload: Buffer.from(text) });
  const exit = (delivered: number, dropped: number) => resolveEnd({ version: 1, json: { ok: true, ev: 'end', reason: 'exit', delivered, dropped, truncated: 0, exitCode: 0 }, payload: Buffer.alloc(0) });
  /** Resolves once streamMap has opened its stream (it first lists maps and reads the BTF). */
  const opened = async () => {
    for (let i = 0; i < 500 && !calls.some((c) => c[1] === 'stream'); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setImmediate(r));
  };
  return { agent, calls, closed, batch, stderr, exit, opened };
}

function btfBytes(): Buffer {
  const b = new BtfBuilder();
  const u32 = b.int('unsigned int', 4);
  b.struct('rec', 8, [['a', u32, 0], ['b', u32, 32]]);
  return b.raw();
}

describe('streamMap over a real StreamHandle', () => {
  it('decodes batches, counts agent drops and perf losses, and ends with exact totals', async () => {
    const f = fakeAgent({ mapType: 'perf_event_array', btf: btfBytes() });
    const got: RecordBatch[] = [];
    const run = (async () => {
      for await (const b of streamMap(f.agent, 'events', { loaderPath: '/fake/loader' })) got.push(b);
    })();
    await f.opened();
    f.stderr('#ready {"id":3,"name":"events","type":"perf_event_array","maxEntries":1}\n#lost {"cpu":0,"count":4}\n');
    f.batch(['0:0100000002000000', '1:03000000040000000000000000000000', 'garbage'], 3, 0);
    f.batch(['0:0500000006000000'], 4, 6);
    f.stderr('#lost {"cpu":1,"count":2}\n#end {"records":10,"bytes":80,"lost":6,"elapsedNs":5,"outputError":false}\n');
    await new Promise((r) => setTimeout(r, 20));
    f.exit(4, 6);
    await run;
    assert.deepEqual(f.calls.at(-1), ['/fake/loader', 'stream', '--id', '3']);
    const records = got.flatMap((b) => b.records);
    assert.deepEqual(records.map((r) => [r.cpu, r.type, r.value, r.error !== undefined]), [
      [0, 'struct rec', { a: 1, b: 2 }, false],
      [1, undefined, undefined, false], // 16 bytes: no struct fits within perf's padding, so hex
      [undefined, undefined, undefined, true],
      [0, 'struct rec', { a: 5, b: 6 }, false],
    ]);
    const end = got.at(-1)?.end;
    assert.ok(end);
    assert.deepEqual([end.reason, end.records, end.delivered, end.agentDropped, end.kernelLost, end.malformed], ['exit', 4, 4, 6, 6, 1]);
    assert.equal(end.reader?.records, 10);
  });

  it('stops at --count (closing the reader) and refuses maps that do not stream', async () => {
    const f = fakeAgent({ mapType: 'ringbuf' });
    const got: RecordBatch[] = [];
    const run = (async () => {
      for await (const b of streamMap(f.agent, '3', { loaderPath: '/fake/loader', count: 2 })) got.push(b);
    })();
    await f.opened();
    f.batch(['0102', '0304', '0506'], 3, 0);
    await run;
    assert.deepEqual(got.flatMap((b) => b.records).map((r) => r.hex), ['0102', '0304']);
    assert.ok(f.closed.includes('stream.close'));
    const end = got.at(-1)?.end;
    assert.deepEqual([end?.reason, end?.records, end?.delivered, end?.agentDropped], ['count', 2, 7, 5]);
    assert.match(end?.notes[0] ?? '', /no BTF/);

    const h = fakeAgent({ mapType: 'hash' });
    await assert.rejects(async () => {
      for await (const _ of streamMap(h.agent, 'events', { loaderPath: '/fake/loader' })) void _;
    }, /hash map: only ringbuf and perf_event_array maps stream records/);
    await assert.rejects(async () => {
      for await (const _ of streamMap(h.agent, 'events', { count: 0 })) void _;
    }, /count must be a positive integer/);
  });

  it('stops on abort', async () => {
    const f = fakeAgent({ mapType: 'ringbuf' });
    const ac = new AbortController();
    const got: RecordBatch[] = [];
    const run = (async () => {
      for await (const b of streamMap(f.agent, 'events', { loaderPath: '/fake/loader', signal: ac.signal })) got.push(b);
    })();
    await f.opened();
    f.batch(['aa'], 1, 0);
    await new Promise((r) => setTimeout(r, 10));
    ac.abort();
    await run;
    assert.equal(got.at(-1)?.end?.reason, 'aborted');
    assert.equal(got.flatMap((b) => b.records).length, 1);
  });
});
