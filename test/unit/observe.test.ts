// Observe parsers: bpftool -j prog/map/link show and map dump (recorded in the guest, and garbage), tracefs format files and trace_pipe lines.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BpftoolParseError, parseLinkShow, parseMapDump, parseMapShow, parseProgShow } from '../../kernel/observe/bpftool';
import { joinMaps, joinProgs, resolveMapRef } from '../../kernel/observe/bpf';
import { parseEventFormat, parseEventSpec, parseLostLine, parseOverrun, parseTraceLine, TraceFormatError } from '../../kernel/observe/tracefs';

const FIX = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'observe');
const fx = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const OBJECTS = [{
  name: 'count_openat', pinDir: '/sys/fs/bpf/ring0/count_openat',
  programs: [{ name: 'count_openat', pinned: '/sys/fs/bpf/ring0/count_openat/progs/count_openat', id: 4 }],
  links: [{ name: 'count_openat', pinned: '/sys/fs/bpf/ring0/count_openat/links/count_openat', id: 1, progId: 4 }],
  maps: [{ name: 'openat_counts', pinned: '/sys/fs/bpf/ring0/count_openat/maps/openat_counts', id: 1 }],
  tcFilters: [],
}];

describe('bpftool JSON', () => {
  it('parses prog show with and without stats, joined with links and Ring0 objects', () => {
    const plain = parseProgShow(fx('prog_show.json'));
    assert.equal(plain[0].id, 4);
    assert.equal(plain[0].type, 'tracepoint');
    assert.equal(plain[0].runCnt, undefined);
    const stats = parseProgShow(fx('prog_show_stats.json'));
    assert.equal(stats[0].runCnt, 9);
    assert.equal(stats[0].runTimeNs, 129753);
    assert.deepEqual(stats[0].mapIds, [1]);
    const rows = joinProgs(stats, parseLinkShow(fx('link_show.json')), OBJECTS);
    assert.equal(rows[0].object, 'count_openat');
    assert.equal(rows[0].links[0].type, 'perf_event');
  });

  it('parses map show and names the owning object', () => {
    const maps = joinMaps(parseMapShow(fx('map_show_mixed.json')), OBJECTS);
    assert.deepEqual(maps.map((m) => [m.id, m.type, m.keySize, m.valueSize, m.maxEntries, m.object]), [
      [1, 'hash', 4, 8, 10240, 'count_openat'], [2, 'percpu_hash', 4, 8, 16, undefined], [3, 'ringbuf', 0, 0, 4096, undefined],
    ]);
    assert.equal(resolveMapRef('openat_counts', maps).id, 1);
    assert.equal(resolveMapRef('2', maps).name, 'pcpu');
    assert.equal(resolveMapRef('/sys/fs/bpf/ring0/count_openat/maps/openat_counts', maps).id, 1);
    assert.throws(() => resolveMapRef('nope', maps), /no BPF map named 'nope'/);
    assert.throws(() => resolveMapRef('9', maps), /no BPF map with id 9/);
    assert.throws(() => resolveMapRef('x', [...maps, { ...maps[1], id: 7, name: 'x' }, { ...maps[1], id: 8, name: 'x' }]), /ids 7, 8/);
  });

  it('decodes dumps with BTF (formatted) and without, per-CPU values as arrays', () => {
    const d = parseMapDump(fx('map_dump_hash.json'));
    assert.equal(d.btf, true);
    assert.ok(d.entries.length > 0);
    for (const e of d.entries) {
      assert.equal(typeof e.key, 'number');
      assert.equal(typeof e.value, 'number');
      assert.equal(parseInt((e.keyHex.match(/../g) ?? []).reverse().join(''), 16), e.key);
    }
    const p = parseMapDump(fx('map_dump_percpu_nobtf.json'));
    assert.equal(p.btf, false);
    assert.deepEqual(p.entries, [{ key: '01000000', value: ['0200000000000000'], keyHex: '01000000', valueHex: ['0200000000000000'] }]);
    const f = parseMapDump('[{"key":["0x01"],"values":[{"cpu":1,"value":["0x02"]},{"cpu":0,"value":["0x03"]}],"formatted":{"key":1,"values":[{"cpu":1,"value":2},{"cpu":0,"value":3}]}}]');
    assert.deepEqual(f.entries[0].value, [3, 2]);
    assert.deepEqual(f.entries[0].valueHex, ['03', '02']);
    assert.deepEqual(parseMapDump('[{"key":["0x01"],"error":"No such file or directory"}]').errors, ['key 01: No such file or directory']);
  });

  it('rejects garbage with a parse error', () => {
    for (const bad of ['', 'not json', '{}', '[1]', '[{"id":"x"}]', '[{"key":["zz"],"value":[]}]', '[{"key":["0x01"]}]', '[{"key":"0x01","value":["0x01"]}]']) {
      assert.throws(() => { parseProgShow(bad); parseMapDump(bad); }, BpftoolParseError, bad);
    }
    assert.throws(() => parseMapShow('[{"id":1,"type":"hash"}]'), /bytes_key/);
    assert.throws(() => parseLinkShow('[{"id":1}]'), /prog_id/);
  });
});

describe('tracefs', () => {
  const exec = parseEventFormat(fx('format_sched_process_exec.txt'));
  const openat = parseEventFormat(fx('format_sys_enter_openat.txt'));
  const formats = new Map([[exec.name, exec], [openat.name, openat]]);

  it('parses format files without the common fields', () => {
    assert.equal(exec.id, 307);
    assert.deepEqual(exec.fields.map((f) => [f.name, f.type, f.offset, f.size, f.signed]), [
      ['filename', '__data_loc char[]', 8, 4, true], ['pid', 'pid_t', 12, 4, true], ['old_pid', 'pid_t', 16, 4, true],
    ]);
    assert.deepEqual(openat.fields.map((f) => f.name), ['__syscall_nr', 'dfd', 'filename', 'flags', 'mode']);
    assert.equal(parseEventFormat(fx('format_sys_enter_getpid.txt')).printFmt, '""');
    assert.throws(() => parseEventFormat('garbage'), TraceFormatError);
  });

  it('parses every recorded trace_pipe line', () => {
    const lines = fx('trace_pipe.txt').split('\n').filter(Boolean);
    const events = lines.map((l) => parseTraceLine(l, formats));
    assert.ok(events.every(Boolean), 'every line parses');
    const e = events.find((x) => x?.event === 'sched_process_exec' && x.comm === 'ls');
    assert.ok(e);
    assert.equal(e.cpu, 0);
    assert.deepEqual(e.fields, { filename: '/usr/bin/ls', pid: e.pid, old_pid: e.pid });
    const o = events.find((x) => x?.event === 'sys_enter_openat');
    assert.ok(o);
    assert.equal(o.fields.dfd, 0xffffff9c);
    assert.equal(typeof o.fields.filename, 'number');
  });

  it('handles odd comms, syscall exits, lost-event lines and garbage', () => {
    const e = parseTraceLine('   kworker/0:1-my-x-12    ( 12) [001] d..2.  5.5: sched_switch: prev_comm=a b prev_pid=3', new Map());
    assert.deepEqual([e?.comm, e?.pid, e?.cpu, e?.ts, e?.event], ['kworker/0:1-my-x', 12, 1, 5.5, 'sched_switch']);
    assert.equal(e?.fields.prev_pid, 3);
    assert.deepEqual(parseTraceLine('   cat-5 [000] .....  1.000001: sys_openat -> 0x3')?.fields, { ret: 3 });
    assert.equal(parseTraceLine('   cat-5 [000] .....  1.000001: sys_openat -> 0x3')?.event, 'sys_exit_openat');
    assert.deepEqual(parseTraceLine('   x-5 [000] ...1.  1.0: sys_getpid()')?.fields, {});
    assert.equal(parseTraceLine('CPU:1 [LOST 12 EVENTS]'), undefined);
    assert.equal(parseLostLine('CPU:1 [LOST 12 EVENTS]'), 12);
    assert.equal(parseTraceLine('garbage'), undefined);
    assert.equal(parseOverrun('entries: 20\noverrun: 3\n\noverrun: 4\ncommit overrun: 9\n'), 7);
    assert.deepEqual(parseEventSpec('syscalls:sys_enter_getpid'), { category: 'syscalls', event: 'sys_enter_getpid' });
    assert.throws(() => parseEventSpec('../x:y'), TraceFormatError);
  });
});
