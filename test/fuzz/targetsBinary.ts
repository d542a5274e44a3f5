// Fuzz targets for binary and JSON inputs: the agent frame decoder (split invariance), ELF inspect,
// BTF (parse, sizes, names, value decoding), webview message validators and settings coercion.
import { encodeFrame, FrameDecoder } from '../../kernel/agent/protocol';
import { Btf, btfExtLineInfo, btfMaps, BtfError } from '../../kernel/elf/btf';
import { ElfError, ElfFile } from '../../kernel/elf/elfFile';
import { inspectElfFile } from '../../kernel/elf/inspect';
import { BtfValueError, decodeBtfValue, encodeBtfValue, typeName } from '../../kernel/observe/btfValue';
import { coerceVmSettings } from '../../kernel/vm/settings';
import { MapInputError, parseEditInput } from '../../views/model/mapValue';
import { isDoctorToPage, isPageToDoctor } from '../../views/protocol/doctor';
import { isDashboardToPage, isPageToDashboard } from '../../views/protocol/labs';
import { isMapTableToPage, isPageToMapTable } from '../../views/protocol/mapTable';
import { isPageToStream, isStreamToPage } from '../../views/protocol/stream';
import { mapBtf, writeBtf } from './btfWriter';
import { EM_BPF, moduleElf, writeElf } from './elfWriter';
import { check, expectOnly, type FuzzTarget } from './harness';
import { Prng } from './prng';

const frames: FuzzTarget = {
  name: 'agent-frames',
  seeds: () => [
    Buffer.concat([encodeFrame({ id: 1, op: 'hello' }), encodeFrame({ id: 2, ok: true, stdout: 'x' }, Buffer.from('payload'))]),
    Buffer.concat([Buffer.from('garbage'), encodeFrame({ id: 3, event: 'exit', code: 0 }), Buffer.from('R0AG')]),
  ],
  dict: ['R0AG', '{"id":1}', '{', '}', '\u0001'],
  run(b) {
    const whole = new FrameDecoder({ maxJson: 1 << 16, maxBinary: 1 << 16 }).push(b);
    // The same events however the bytes are split (the host reads the virtio port in arbitrary chunks).
    const r = new Prng(b.length);
    const d = new FrameDecoder({ maxJson: 1 << 16, maxBinary: 1 << 16 });
    const parts = [];
    for (let i = 0; i < b.length; ) {
      const n = 1 + r.int(32);
      parts.push(...d.push(b.subarray(i, i + n)));
      i += n;
    }
    // Skipped-garbage reports come per chunk when split: compare their byte totals, the rest exactly.
    const norm = (es: typeof whole) => {
      let garbage = 0;
      const rest: unknown[] = [];
      for (const e of es) {
        const g = e.kind === 'error' ? /^skipped (\d+) bytes/.exec(e.message) : null;
        if (g) garbage += Number(g[1]);
        else rest.push(e.kind === 'frame' ? { j: e.frame.json, p: e.frame.payload.toString('hex') } : e.code);
      }
      return JSON.stringify({ garbage, rest });
    };
    check(norm(whole) === norm(parts), `split input decodes differently: ${norm(whole).slice(0, 200)} vs ${norm(parts).slice(0, 200)}`);
  },
};

/** Every type of a BTF: its size, name and (on random bytes) decoded value; errors only plain ones. */
function exerciseBtf(btf: Btf, bytes: Buffer): void {
  const n = Math.min(btf.types.length + 2, 300);
  for (let id = 0; id < n; id++) {
    expectOnly(() => btf.sizeOf(id), BtfError);
    check(typeof typeName(btf, id) === 'string', 'no type name');
    expectOnly(() => decodeBtfValue(btf, id, bytes), BtfError, BtfValueError);
    expectOnly(() => encodeBtfValue(btf, id, { a: 1, __proto__: 2 }, Buffer.alloc(256)), BtfError, BtfValueError);
  }
  expectOnly(() => btfMaps(btf), BtfError);
}

const btf: FuzzTarget = {
  name: 'btf',
  seeds: () => [
    mapBtf(1),
    mapBtf(8, [{ name: 's', kind: 4, vlen: 2, sizeOrType: 8, extra: ['a', 1, 0, 'b', 1, 32] }]),
    writeBtf([{ name: 'char', kind: 1, sizeOrType: 1, extra: [(2 << 24) | 8] }, { kind: 3, sizeOrType: 0, extra: [1, 1, 16] }, { name: 'e', kind: 6, vlen: 1, sizeOrType: 4, extra: ['A', 1] }, { name: 't', kind: 8, sizeOrType: 2 }, { kind: 10, sizeOrType: 4 }]),
  ],
  maxLen: 2048,
  run(b) {
    const parsed = expectOnly(() => Btf.parse(b), BtfError);
    if (!parsed) return;
    exerciseBtf(parsed, b);
    expectOnly(() => btfExtLineInfo(b, parsed), BtfError);
  },
};

const elf: FuzzTarget = {
  name: 'elf-inspect',
  seeds: () => [
    moduleElf(['license=GPL', 'name=m', 'parmtype=x:int', 'parm=x:the x', 'depends=a,b', 'vermagic=6.1 SMP']),
    writeElf(EM_BPF, [{ name: '.BTF', data: mapBtf(1), flags: 0 }, { name: 'license', data: Buffer.from('GPL\0') }, { name: 'tp/x', data: Buffer.alloc(16), flags: 6 }]),
  ],
  dict: ['valueOf=', '__proto__=', 'license=', 'parmtype=', '\0', '.BTF', '.modinfo', '\x7fELF'],
  maxLen: 4096,
  run(b) {
    const e = expectOnly(() => ElfFile.fromBuffer(b), ElfError);
    if (!e) return;
    const info = expectOnly(() => inspectElfFile(e), ElfError);
    if (info) check(typeof JSON.stringify(info) === 'string', 'info does not serialize');
  },
};

const VALIDATORS = [isStreamToPage, isPageToStream, isDashboardToPage, isPageToDashboard, isDoctorToPage, isPageToDoctor, isMapTableToPage, isPageToMapTable];
const webview: FuzzTarget = {
  name: 'webview-messages',
  seeds: () => [
    { type: 'batch', seq: 1, records: [{ t: 1, f: { pid: 1, comm: 'x' } }, { t: 2, text: 'hi' }], counts: { received: 1, shown: 1, agentDropped: 0, kernelLost: 0, uiDropped: 0, pausedSkipped: 0, malformed: 0 }, rate: [[100, 3]] },
    { type: 'maps', maps: [{ kind: 'hist', name: '@', series: [{ key: '', buckets: [{ label: '[0, 2)', count: 2 }] }] }], skipped: ['x'] },
    { type: 'ack', seq: 3 }, { type: 'start', id: 'module-hello' }, { type: 'rows', rows: [] }, { type: 'state', state: 'running', message: 'm' },
  ].map((m) => Buffer.from(JSON.stringify(m))),
  dict: ['"type":', '"__proto__":', '{', '}', '[', ']', 'null', '1e400', '-1', '0.5', '"x"', 'true'],
  run(b) {
    let m: unknown;
    try {
      m = JSON.parse(b.toString('utf8'));
    } catch {
      return;
    }
    for (const v of VALIDATORS) check(typeof v(m) === 'boolean', `${v.name} returned a non-boolean`);
  },
};

const settings: FuzzTarget = {
  name: 'settings-and-input',
  seeds: () => [{ 'ring0.vm.memoryMiB': 512, 'ring0.vm.cpus': 2, 'ring0.vm.accel': 'tcg', 'ring0.vm.kernelArgs': ['a'], 'ring0.vm.devices': ['edu'], 'ring0.vm.shareHostRoot': true }, { 'ring0.vm.kernel': '/boot/x' }].map((m) => Buffer.from(JSON.stringify(m))).concat([Buffer.from('0x1234'), Buffer.from('{"comm": "bash"}')]),
  dict: ['"ring0.vm.', 'memoryMiB"', 'devices"', '[', ']', '{', '}', '"__proto__"', '1e400', '-1'],
  run(b) {
    const s = b.toString('utf8');
    expectOnly(() => parseEditInput(s, 8), MapInputError, Error);
    let raw: unknown;
    try {
      raw = JSON.parse(s);
    } catch {
      return;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return;
    const out = coerceVmSettings(raw as Record<string, unknown>, () => undefined);
    if (out.memoryMiB !== undefined) check(Number.isInteger(out.memoryMiB), 'memoryMiB not an integer');
    if (out.kernelArgs !== undefined) check(Array.isArray(out.kernelArgs) && out.kernelArgs.every((x) => typeof x === 'string'), 'kernelArgs not strings');
  },
};

export const BINARY_TARGETS: FuzzTarget[] = [frames, btf, elf, webview, settings];
