// Fuzz targets for the host-side text parsers: gdb/MI, verifier logs, tracefs, bpftrace, bpftool and
// loader JSON, compiler output, oops reports, and small parsers of user and guest text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMiLine, type MiValue } from '../../debug-adapter/mi/parser';
import { parseHitCondition, parseLogMessage } from '../../debug-adapter/session/hitCondition';
import { parseVerifierLog, extractVerifierLogs, verifierDiagnostics } from '../../kernel/bpf/verifierLog';
import { LoaderOutputError, parseListResult, parseLoaderResult, parseUnloadResult } from '../../kernel/bpf/loader';
import { parseCompilerOutput, parseKbuildOutput } from '../../kernel/build/diagnostics';
import { parseBpftraceJsonLine, parseBpftraceText } from '../../kernel/observe/bpftrace';
import { BpftoolParseError, parseLinkShow, parseMapDump, parseMapShow, parseProgShow } from '../../kernel/observe/bpftool';
import { parseReaderReport } from '../../kernel/observe/stream';
import { parseAvailableEvents } from '../../kernel/observe/tracepoints';
import { parseEventFormat, parseLostLine, parseOverrun, parseTraceLine, TraceFormatError, type EventFormat } from '../../kernel/observe/tracefs';
import { parseSystemMap, parseMonitorRead, parseWatch } from '../../kernel/vm/liveWatch';
import { parseModulesDep } from '../../kernel/vm/modules';
import { parseOops } from '../../kernel/vm/oops';
import { parseCheckerOutput } from '../../labs/model/manifest';
import { fitMaps, printedMap, type PrintedMap } from '../../views/model/printedMaps';
import { isStreamToPage } from '../../views/protocol/stream';
import { check, expectOnly, type FuzzTarget } from './harness';

export const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
const fx = (...p: string[]) => readFileSync(path.join(FIXTURES, ...p));
const lines = (b: Buffer) => b.toString('utf8').split('\n').filter(Boolean).map((l) => Buffer.from(l));
const text = (b: Buffer) => b.toString('utf8');

/** Every tuple the MI parser builds keeps the plain Object prototype (no key can replace it). */
function plainTuples(v: MiValue, depth = 0): boolean {
  if (typeof v === 'string' || depth > 200) return true;
  if (Array.isArray(v)) return v.every((x) => plainTuples(x, depth + 1));
  return Object.getPrototypeOf(v) === Object.prototype && Object.keys(v).every((k) => plainTuples(v[k], depth + 1));
}

const mi: FuzzTarget = {
  name: 'mi-parser',
  seeds: () => ['^done,stack=[frame={level="0",func="a"},frame={level="1",func="b"}]', '*stopped,reason="breakpoint-hit",frame={addr="0x1",func="f",args=[{name="x",value="1"}]}', '~"text\\n"', '&"warning: \\342\\200\\234x\\n"', '=thread-group-added,id="i1"', '12^error,msg="No symbol \\"x\\""', '(gdb) ', '^done,value="{a = 1, b = 0x0}"'].map((s) => Buffer.from(s)),
  dict: ['^done', '*stopped', '=', ',', '{', '}', '[', ']', '"', '\\"', '\\n', '\\342', 'frame=', 'name=', '(gdb)'],
  run(b) {
    const r = parseMiLine(text(b));
    check(typeof r === 'object' && typeof r.kind === 'string', 'no record');
    if ('results' in r) check(plainTuples(r.results), 'a tuple lost its prototype');
  },
};

const verifier: FuzzTarget = {
  name: 'verifier-log',
  seeds: () => [fx('build', 'bpf', 'reject-6.1.log'), Buffer.from("0: (b7) r1 = 0\n; int x; @ x.bpf.c:3\n1: (79) r0 = *(u64 *)(r1 +0)\nR1 invalid mem access 'scalar'\n")],
  dict: ['\n; ', ' @ ', '.bpf.c:', '0: (b7) ', '\n1: (79) ', 'libbpf: prog \'p\': -- BEGIN PROG LOAD LOG --\n', '-- END PROG LOAD LOG --', "prog 'p': BPF program load failed", 'processed 3 insns', 'R0 '],
  run(b) {
    const s = text(b);
    const f = parseVerifierLog(s);
    check(typeof f.message === 'string' && f.message.length > 0, 'no message');
    for (const l of extractVerifierLogs(s)) parseVerifierLog(l.log, l.program);
    for (const d of verifierDiagnostics(s, [{ section: 's', insnOff: 0, file: '/w/x.bpf.c', line: 1, column: 1, text: 'int x;' }], [{ name: 'p', section: 's', offset: 0, size: 64 }], '/w/x.bpf.c')) check(d.line >= 1 && typeof d.message === 'string', 'bad diagnostic');
  },
};

const fmtSeeds = ['format_sched_process_exec.txt', 'format_sys_enter_openat.txt', 'format_sys_enter_getpid.txt'];
const formats = new Map<string, EventFormat>();
const tracefs: FuzzTarget = {
  name: 'tracefs',
  seeds: () => [...fmtSeeds.map((f) => fx('observe', f)), ...lines(fx('observe', 'trace_pipe.txt')).slice(0, 20)],
  dict: ['field:', ';\toffset:', ';\tsize:', ';\tsigned:', 'name: ', 'ID: ', 'print fmt: ', '\n\t', '[000] ', ' d..2. ', '-123 ', ' 12.345678: ', 'sched_switch: ', 'prev_comm=', 'x=', ' -> 0x3', 'sys_openat(', '[LOST 12 EVENTS]', 'overrun: 5\n', '[16]', '__data_loc char[] '],
  maxLen: 8192,
  run(b) {
    const s = text(b);
    const f = expectOnly(() => parseEventFormat(s), TraceFormatError);
    if (f) {
      check(f.fields.every((x) => /^[A-Za-z_]\w*$/.test(x.name) && Number.isInteger(x.offset)), 'bad field');
      if (formats.size < 50) formats.set(f.name, f);
    }
    if (formats.size === 0) for (const n of fmtSeeds) { const e = parseEventFormat(text(fx('observe', n))); formats.set(e.name, e); }
    for (const l of s.split('\n')) {
      const e = parseTraceLine(l, formats);
      if (e) check(Number.isFinite(e.ts) && Number.isInteger(e.pid) && Object.values(e.fields).every((v) => typeof v === 'string' || typeof v === 'number'), 'bad event');
      parseLostLine(l);
    }
    check(Number.isFinite(parseOverrun(s)) || s.length > 300, 'overrun not a number');
  },
};

const bpftrace: FuzzTarget = {
  name: 'bpftrace-output',
  seeds: () => [...lines(fx('bpftrace', 'recorded.jsonl')), fx('bpftrace', 'recorded.txt')],
  dict: ['{"type": "map", "data": {"@": ', '{"type": "hist", "data": ', '"count": ', '"min": ', '"max": ', '{"type": "printf", "data": "x"}', '@c[bash]: 3\n', '[0, 1)  5 |@@@@ |\n', '"average": ', '"total": ', '1e400', '0.5', '-1'],
  run(b) {
    const s = text(b);
    const outs = [...s.split('\n').map((l) => parseBpftraceJsonLine(l)), ...parseBpftraceText(s)];
    const maps = outs.map((o) => (o ? printedMap(o) : undefined)).filter((m): m is PrintedMap => !!m);
    // What the host sends the stream page must pass the page's own check (issue #18.10).
    if (maps.length) check(isStreamToPage({ type: 'maps', ...fitMaps(maps) }), 'the page would reject the fitted maps');
  },
};

const bpftoolJson: FuzzTarget = {
  name: 'bpftool-loader-json',
  seeds: () => ['prog_show.json', 'map_show.json', 'link_show.json', 'map_dump_hash.json', 'map_dump_percpu_nobtf.json', 'prog_show_stats.json'].map((f) => fx('observe', f)).concat([Buffer.from('{"ok":true,"object":"o","pinDir":"/sys/fs/bpf/x","programs":[],"maps":[]}'), Buffer.from('{"ok":false,"error":"x","stage":"load"}')]),
  dict: ['"id": ', '"key": ', '"value": ', '"0x00"', '[', ']', '{', '}', 'null', 'true', '"formatted": ', '"values": '],
  run(b) {
    for (const p of [parseProgShow, parseMapShow, parseLinkShow, parseMapDump]) expectOnly(() => p(b), BpftoolParseError);
    for (const p of [parseLoaderResult, parseUnloadResult, parseListResult]) expectOnly(() => p(b), LoaderOutputError);
  },
};

const compilerOut: FuzzTarget = {
  name: 'compiler-output',
  seeds: () => ['clang-bpf.txt', 'gcc-module.txt', 'makefile-error.txt', 'modpost.txt'].map((f) => fx('build', 'logs', f)),
  dict: ['x.c:1:2: error: ', ': warning: ', '\n   12 | ', '      |     ^', 'In file included from ', 'make[2]: *** ', 'ERROR: modpost: '],
  run(b) {
    const s = text(b);
    for (const d of parseCompilerOutput(s, { userDir: '/w', searchDirs: ['/w'], exists: () => true })) check(Number.isInteger(d.line), 'bad line');
    parseKbuildOutput(s, { files: new Map([['/w/x.c', 'int x;\n']]), makefile: '/w/Makefile' });
  },
};

const oops: FuzzTarget = {
  name: 'oops-serial',
  seeds: () => ['module-null-deref-6.1.txt', 'sysrq-panic-6.1.txt'].map((f) => fx('oops', f)),
  dict: ['[    1.234567] ', 'BUG: kernel NULL pointer dereference', ' RIP: 0010:', '+0x1a/0x30 [mod]', 'Call Trace:\n', ' <TASK>\n', ' </TASK>\n', '---[ end trace ', 'Kernel panic - not syncing: '],
  maxLen: 16384,
  run(b) {
    const r = parseOops(text(b));
    if (r) check(typeof r.summary === 'string', 'report without a summary');
  },
};

/** Small parsers of guest, gdb and user text; each throws only its documented plain errors. */
const small: FuzzTarget = {
  name: 'small-text-parsers',
  seeds: () => ['sched:sched_switch\nsyscalls:sys_enter_openat\n', 'ffffffff81000000 T _stext\n0000000000001000 D x\n', 'kernel/a.ko: kernel/b.ko\n', 'jiffies:u32', '0000000001a2b3c0: 0x00000000fffb6c20', 'ok step 1\nnot ok step 2: why\n', 'ready {"map":1}', '>= 3', 'x is {x} and {y}'].map((s) => Buffer.from(s)),
  dict: [':', '\n', ' T ', '0x', '{', '}', '%', '>=', 'ok ', 'not ok '],
  run(b) {
    const s = text(b);
    parseAvailableEvents(s);
    parseSystemMap(s);
    parseCheckerOutput(s);
    parseReaderReport(s);
    expectOnly(() => parseModulesDep(s), Error);
    expectOnly(() => parseWatch(s), Error);
    expectOnly(() => parseMonitorRead(s), Error);
    expectOnly(() => parseHitCondition(s), Error);
    parseLogMessage(s);
  },
};

export const TEXT_TARGETS: FuzzTarget[] = [mi, verifier, tracefs, bpftrace, bpftoolJson, compilerOut, oops, small];
