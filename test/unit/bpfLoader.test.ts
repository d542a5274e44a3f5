// BPF loader replies: parseLoaderResult/parseUnloadResult/parseListResult on real and broken JSON; load/unload/list through a fake agent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BpfLoadError,
  listBpfObjects,
  loadBpfObject,
  LoaderOutputError,
  parseListResult,
  parseLoaderResult,
  parseUnloadResult,
  pinDirFor,
  unloadBpfObject,
  type LoaderAgent,
} from '../../kernel/bpf/loader';

// Replies captured from the loader in the guest (6.1.0-56-cloud-amd64).
const LOADED = {
  ok: true,
  object: '/w/count_openat.bpf.o',
  pinDir: '/sys/fs/bpf/ring0/count',
  programs: [
    {
      name: 'count_openat', section: 'tracepoint/syscalls/sys_enter_openat', type: 'tracepoint', id: 4,
      attach: { kind: 'tracepoint', target: 'syscalls/sys_enter_openat' }, attached: true,
      pinned: '/sys/fs/bpf/ring0/count/progs/count_openat', link: '/sys/fs/bpf/ring0/count/links/count_openat',
    },
    { name: 'later', section: 'socket', type: 'socket_filter', id: 5, attach: null, attached: false, note: 'libbpf has no automatic attach', pinned: '/sys/fs/bpf/ring0/count/progs/later', link: null },
  ],
  maps: [{ name: 'openat_counts', type: 'hash', id: 1, keySize: 4, valueSize: 8, maxEntries: 1024, pinned: '/sys/fs/bpf/ring0/count/maps/openat_counts' }],
};
const REJECTED = {
  ok: false,
  stage: 'load',
  error: "program 'unchecked_lookup' was rejected by the verifier (Permission denied): R0 invalid mem access 'map_value_or_null'",
  program: 'unchecked_lookup',
  verifierLog: "; *v += 1;\n7: (79) r1 = *(u64 *)(r0 +0)\nR0 invalid mem access 'map_value_or_null'\nprocessed 7 insns\n",
  libbpfLog: "libbpf: prog 'unchecked_lookup': BPF program load failed: Permission denied\n",
};

function fakeAgent(replies: Array<{ stdout: string; exitCode?: number; stderr?: string }>) {
  const calls: string[][] = [];
  const agent: LoaderAgent = {
    run: async (argv) => {
      calls.push([...argv]);
      const r = replies.shift();
      if (!r) throw new Error('unexpected call');
      return { exitCode: r.exitCode ?? 0, signal: null, timedOut: false, pid: 1, stdout: Buffer.from(r.stdout), stderr: Buffer.from(r.stderr ?? '') };
    },
  };
  return { agent, calls };
}

describe('parseLoaderResult', () => {
  it('types a successful load', () => {
    const r = parseLoaderResult(Buffer.from(`${JSON.stringify(LOADED)}\n`));
    assert.ok(r.ok);
    assert.equal(r.programs.length, 2);
    assert.deepEqual(r.programs[0]!.attach, { kind: 'tracepoint', target: 'syscalls/sys_enter_openat' });
    assert.equal(r.programs[1]!.attach, null);
    assert.equal(r.programs[1]!.note, 'libbpf has no automatic attach');
    assert.equal(r.maps[0]!.maxEntries, 1024);
  });

  it('types a verifier rejection with its log', () => {
    const r = parseLoaderResult(JSON.stringify(REJECTED));
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.stage, 'load');
    assert.equal(r.program, 'unchecked_lookup');
    assert.match(r.verifierLog ?? '', /invalid mem access/);
  });

  it('refuses garbage with a clear error', () => {
    const bad: Array<[string, RegExp]> = [
      ['', /printed nothing/],
      ['Segmentation fault', /not JSON/],
      ['{"ok":true', /not JSON/],
      ['[1,2]', /the reply is not an object/],
      ['{"ok":"yes"}', /ok is neither/],
      ['{"ok":false,"stage":"explode","error":"x"}', /unknown stage 'explode'/],
      ['{"ok":false,"stage":"load"}', /error is not a string/],
      [JSON.stringify({ ...LOADED, programs: 'none' }), /programs is not an array/],
      [JSON.stringify({ ...LOADED, maps: [{ ...LOADED.maps[0], id: -1 }] }), /id is not a non-negative integer/],
      [JSON.stringify({ ...LOADED, maps: [{ ...LOADED.maps[0], keySize: '4' }] }), /keySize/],
      [JSON.stringify({ ...LOADED, programs: [{ ...LOADED.programs[0], attach: { kind: 'kprobe' } }] }), /target is not a string/],
      [JSON.stringify({ ...LOADED, programs: [{ ...LOADED.programs[0], attached: 1 }] }), /attached is not a boolean/],
    ];
    for (const [text, re] of bad) {
      assert.throws(() => parseLoaderResult(text), (e: unknown) => {
        assert.ok(e instanceof LoaderOutputError, `${text}: ${String(e)}`);
        assert.match(e.message, re, text);
        return true;
      });
    }
  });
});

describe('parseUnloadResult and parseListResult', () => {
  it('types unload replies, including a missing pin dir', () => {
    const r = parseUnloadResult('{"ok":true,"pinDir":"/sys/fs/bpf/ring0/x","removed":["/sys/fs/bpf/ring0/x/links/p"]}');
    assert.deepEqual(r, { ok: true, pinDir: '/sys/fs/bpf/ring0/x', removed: ['/sys/fs/bpf/ring0/x/links/p'] });
    const f = parseUnloadResult('{"ok":false,"stage":"unload","error":"/sys/fs/bpf/ring0/y: No such file or directory"}');
    assert.ok('stage' in f && f.stage === 'unload');
    assert.throws(() => parseUnloadResult('{"ok":true,"pinDir":"/x","removed":[3]}'), /non-string/);
  });

  it('types list replies', () => {
    const r = parseListResult(JSON.stringify({
      ok: true,
      pinRoot: '/sys/fs/bpf/ring0',
      objects: [{
        name: 'count', pinDir: '/sys/fs/bpf/ring0/count',
        programs: [{ name: 'count_openat', pinned: '/p', id: 4, type: 'tracepoint', kernelName: 'count_openat', tag: '51b0d56cf5cda068' }],
        links: [{ name: 'count_openat', pinned: '/l', id: 1, type: 'perf_event', progId: 4 }],
        maps: [{ name: 'm', pinned: '/m', id: 1, type: 'hash', keySize: 4, valueSize: 8, maxEntries: 1024 }],
        tcFilters: [],
      }],
    }));
    assert.ok(r.ok);
    assert.equal(r.objects[0]!.links[0]!.progId, 4);
    assert.throws(() => parseListResult('{"ok":true,"pinRoot":"/r","objects":[{"name":"x"}]}'), /pinDir is not a string/);
  });
});

describe('loadBpfObject, unloadBpfObject, listBpfObjects', () => {
  it('runs the loader with the pin dir and options, and returns the typed result', async () => {
    const { agent, calls } = fakeAgent([{ stdout: JSON.stringify(LOADED) }]);
    const r = await loadBpfObject(agent, { object: '/w/x.bpf.o', name: 'count', loaderPath: '/L', iface: 'lo', uprobeTarget: '/bin/true', logLevel: 1 });
    assert.equal(r.pinDir, '/sys/fs/bpf/ring0/count');
    assert.deepEqual(calls, [['/L', 'load', '/w/x.bpf.o', '--pin-dir', '/sys/fs/bpf/ring0/count', '--iface', 'lo', '--uprobe-target', '/bin/true', '--log-level', '1']]);
  });

  it('throws BpfLoadError carrying the verifier log', async () => {
    const { agent } = fakeAgent([{ stdout: JSON.stringify(REJECTED), exitCode: 1 }]);
    await assert.rejects(loadBpfObject(agent, { object: '/w/bad.bpf.o', name: 'bad', loaderPath: '/L' }), (e: unknown) => {
      assert.ok(e instanceof BpfLoadError);
      assert.equal(e.failure.stage, 'load');
      assert.match(e.failure.verifierLog ?? '', /r0 \+0/);
      assert.match(e.message, /load failed \(program unchecked_lookup\)/);
      return true;
    });
  });

  it('explains a loader that printed nothing', async () => {
    const { agent } = fakeAgent([{ stdout: '', exitCode: 127, stderr: 'exec: no such file' }]);
    await assert.rejects(loadBpfObject(agent, { object: '/o', name: 'n', loaderPath: '/L' }), /without output: exec: no such file/);
  });

  it('replace unloads first and tolerates nothing loaded; names are checked', async () => {
    const { agent, calls } = fakeAgent([
      { stdout: '{"ok":false,"stage":"unload","error":"/sys/fs/bpf/ring0/count: No such file or directory (nothing loaded under that name)"}', exitCode: 1 },
      { stdout: JSON.stringify(LOADED) },
    ]);
    await loadBpfObject(agent, { object: '/o', name: 'count', loaderPath: '/L', replace: true });
    assert.deepEqual(calls.map((c) => c[1]), ['unload', 'load']);
    assert.throws(() => pinDirFor('a.b'), /invalid BPF object name/);
    assert.throws(() => pinDirFor('../x'), /invalid BPF object name/);
  });

  it('unload without missingOk fails on a missing object; list returns objects', async () => {
    const { agent } = fakeAgent([
      { stdout: '{"ok":false,"stage":"unload","error":"/sys/fs/bpf/ring0/gone: No such file or directory"}', exitCode: 1 },
      { stdout: '{"ok":true,"pinRoot":"/sys/fs/bpf/ring0","objects":[]}' },
    ]);
    await assert.rejects(unloadBpfObject(agent, 'gone', { loaderPath: '/L' }), BpfLoadError);
    assert.deepEqual((await listBpfObjects(agent, { loaderPath: '/L' })).objects, []);
  });
});
