// Which struct ring-buffer records decode as, on real CO-RE objects built by clang against the VM
// kernel's vmlinux.h: the kernel's BTF (from Debian's debug vmlinux) tells the program's own structs
// from its copies of kernel ones, and the bpf_ringbuf_reserve call site's line picks among own ones.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Btf } from '../../kernel/elf/btf';
import { ElfFile } from '../../kernel/elf/elfFile';
import { findStructs } from '../../kernel/observe/btfValue';
import { callSiteHints, structNames } from '../../kernel/observe/recordHints';
import { RecordDecoder } from '../../kernel/observe/records';
import { findDefaultKernel } from '../../kernel/vm/kernelImage';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'bpf', 'core_events.bpf.c');
const vmlinux = findDefaultKernel()?.vmlinux;
const skip = !vmlinux ? "Debian's debug vmlinux is not installed (ring0 setup)" : spawnSync('clang', ['--version']).error || spawnSync('bpftool', ['version']).error ? 'clang or bpftool is missing' : false;

/** The .BTF section of the (590 MB) debug vmlinux, read by its offset from readelf. */
function vmlinuxBtf(file: string): Btf {
  const line = execFileSync('readelf', ['-SW', file], { encoding: 'utf8' }).split('\n').find((l) => /\s\.BTF\s/.test(l));
  const f = line?.trim().split(/\s+/) ?? [];
  const i = f.indexOf('.BTF');
  const off = parseInt(f[i + 3], 16);
  const size = parseInt(f[i + 4], 16);
  const buf = Buffer.alloc(size);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buf, 0, size, off);
  } finally {
    closeSync(fd);
  }
  return Btf.parse(buf);
}

function eventBytes(): Buffer {
  const b = Buffer.alloc(32);
  b.writeUInt32LE(42, 0);
  b.writeUInt32LE(1, 4);
  b.writeBigUInt64LE(123456789n, 8);
  b.write('bash', 16);
  return b;
}

describe('ring-buffer records of a CO-RE program', { skip }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-core-'));
  let kernel: Set<string>;
  const objects: Record<string, Btf> = {};
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(() => {
    writeFileSync(path.join(dir, 'vmlinux.h'), execFileSync('bpftool', ['btf', 'dump', 'file', vmlinux as string, 'format', 'c'], { maxBuffer: 64 << 20 }));
    for (const [name, defs] of [['plain', []], ['config', ['-DWITH_CONFIG']]] as const) {
      const out = path.join(dir, `${name}.o`);
      execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-D__TARGET_ARCH_x86', ...defs, `-I${dir}`, '-c', FIXTURE, '-o', out]);
      const btf = ElfFile.open(out).sections.find((s) => s.name === '.BTF');
      assert.ok(btf, `${out} has no .BTF`);
      objects[name] = Btf.parse(btf.data);
    }
    kernel = structNames(vmlinuxBtf(vmlinux as string));
  });

  it('is ambiguous by size alone: the object carries kernel structs of the event\'s size', () => {
    const same = findStructs(objects.plain, { size: 32 }).map((t) => t.name);
    assert.ok(same.includes('event') && same.length > 3, same.join(', '));
    assert.ok(kernel.has('task_struct') && !kernel.has('event'));
  });

  it('decodes as the program\'s own struct, the one the kernel\'s BTF does not define, and says so', () => {
    const d = new RecordDecoder({ mapType: 'ringbuf', btf: objects.plain, kernelStructs: kernel, mapName: 'events' });
    const r = d.decode(eventBytes());
    assert.equal(r.type, 'struct event');
    assert.deepEqual(r.value, { pid: 42, ppid: 1, start_ns: 123456789, comm: 'bash' });
    assert.match(d.notes[0], /records of 32 bytes decode as struct event: the only struct of 32 bytes the kernel's BTF does not define/);
    assert.equal(d.candidates(32)[0], 'event');
  });

  it('takes the bpf_ringbuf_reserve call site\'s struct among several own structs of that size', () => {
    assert.deepEqual(callSiteHints(objects.config).map((h) => [h.struct, h.map]), [['event', 'events']]);
    const d = new RecordDecoder({ mapType: 'ringbuf', btf: objects.config, kernelStructs: kernel, mapName: 'events' });
    assert.equal(d.decode(eventBytes()).type, 'struct event');
    assert.match(d.notes[0], /struct event: the call site `struct event \*e = bpf_ringbuf_reserve\(&events, sizeof\(\*e\), 0\);` points to it/);
    assert.deepEqual(d.candidates(32).slice(0, 2).sort(), ['config', 'event']);
  });

  it('decodes as the struct the user picks instead', () => {
    const d = new RecordDecoder({ mapType: 'ringbuf', btf: objects.config, kernelStructs: kernel, structName: 'config' });
    assert.deepEqual(d.decode(eventBytes()).value, { flags: 4294967338, min_ns: 123456789, max_ns: 1752392034, pid: 0 });
  });
});

describe('call-site hints', () => {
  it('reads the struct from sizeof(struct X), a declared variable and bpf_ringbuf_output/perf output', () => {
    const strings = ['', '\tstruct event *e;', '\te = bpf_ringbuf_reserve(&rb, sizeof(*e), 0);', '\tbpf_ringbuf_output(&out, &ev, sizeof(struct big), 0);',
      '\tstruct small s = {};', '\tbpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, &s, sizeof(s));', 'unrelated line'].join('\0');
    const btf = new Btf([], Buffer.from(strings));
    assert.deepEqual(callSiteHints(btf).map((h) => [h.struct, h.map]), [['event', 'rb'], ['big', 'out'], ['small', 'perf']]);
  });
});
