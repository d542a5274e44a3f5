// Data breakpoints, hardware breakpoints, the Registers scope and setVariable end to end, in one VM:
// `ring0 dap` with "hardwareBreakpoints": {"enabled": true, "limit": 4} on real gdb and QEMU's stub,
// the test's own module (test/fixtures/watch-module) writing its globals from /proc/ring0_watch.
import assert from 'node:assert/strict';
import { cpSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';
import { CliDebugClient } from './cliDebugClient';

describe('data breakpoints, hardware slots, registers and setVariable (real gdb, real QEMU)', () => {
  let ws: string;
  let dc: CliDebugClient;
  let src: string;
  const output: string[] = [];
  const lineOf = (marker: string) => readFileSync(src, 'utf8').split('\n').findIndex((l) => l.includes(marker)) + 1;
  const vm = (sh: string) => cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', sh], { timeoutMs: 300_000 });
  const stopped = (reason: string) => dc.waitForEvent('stopped', 180_000).then((e) => {
    assert.equal((e as DebugProtocol.StoppedEvent).body.reason, reason, `${JSON.stringify(e.body)}\n${output.join('')}`);
    return e as DebugProtocol.StoppedEvent;
  });
  const top = async (thread: number) => (await dc.stackTraceRequest({ threadId: thread, startFrame: 0, levels: 5 })).body.stackFrames[0];

  before(async () => {
    ws = tempWorkspace('ring0-dapwatch-');
    cpSync(path.join(ROOT, 'test', 'fixtures', 'watch-module'), path.join(ws, 'watch-module'), { recursive: true });
    src = path.join(ws, 'watch-module', 'ring0_watch.c');
    const b = await cli(['build', 'module', 'watch-module', '--workspace', ws], { cwd: ws });
    assert.equal(b.code, 0, b.stderr);
    dc = new CliDebugClient(ws);
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = dc.launch({ workspace: ws, hardwareBreakpoints: { enabled: true, limit: 4 } } as DebugProtocol.LaunchRequestArguments);
    await dc.waitForEvent('initialized', 180_000);
    await launched.catch((e: Error) => assert.fail(`${e.message}\n${output.join('')}\n${transcript(ws)}`));
    await dc.configurationDoneRequest();
    const loaded = dc.waitForEvent('module', 180_000);
    const load = await cli(['load', path.join(ws, 'watch-module', 'ring0_watch.ko'), '--workspace', ws], { timeoutMs: 300_000 });
    assert.equal(load.code, 0, load.stderr);
    await loaded;
  });

  after(async () => {
    await dc?.disconnectRequest({}).catch(() => undefined);
    await dc?.stop().catch(() => undefined);
    await disposeWorkspace(ws);
  });

  it('stops at a hardware breakpoint; the Registers scope is readable; debug registers are counted, a fifth refused', async () => {
    const readLine = lineOf('int n = scnprintf');
    const set = await dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line: readLine }] });
    assert.equal(set.body.breakpoints[0].verified, true, JSON.stringify(set.body));
    const reader = vm('cat /proc/ring0_watch');
    const stop = await stopped('breakpoint');
    const thread = stop.body.threadId!;
    try {
      const f = await top(thread);
      assert.equal(f.name, 'ring0_watch_read');
      assert.equal(f.line, readLine);

      const scopes = await dc.scopesRequest({ frameId: f.id });
      const regScope = scopes.body.scopes.find((s) => s.name === 'Registers')!;
      const regs = (await dc.variablesRequest({ variablesReference: regScope.variablesReference })).body.variables;
      assert.ok(regs.length <= 25, `top level has ${regs.length} rows: ${regs.map((r) => r.name).join(' ')}`);
      for (const n of ['rax', 'rsp', 'r15', 'rip', 'rflags']) assert.ok(regs.some((r) => r.name === n), `${n} in ${regs.map((r) => r.name).join(' ')}`);
      assert.ok(!regs.some((r) => ['eax', 'al', 'ax', 'xmm0', 'st0'].includes(r.name)), 'no sub-registers or vector registers at the top');
      assert.match(regs.find((r) => r.name === 'rflags')!.value, /^0x[0-9a-f]+ \[.*IOPL=\d\]$/);
      const group = async (label: RegExp) => {
        const g = regs.find((r) => label.test(r.name));
        assert.ok(g && g.variablesReference > 0, `${label} group in ${regs.map((r) => r.name).join(' ')}`);
        return (await dc.variablesRequest({ variablesReference: g.variablesReference })).body.variables;
      };
      const control = await group(/^Control/);
      assert.match(control.find((r) => r.name === 'cr0')?.value ?? '', /\[.*\bPE\b.*\bPG\b/, JSON.stringify(control));
      assert.match(control.find((r) => r.name === 'cr4')?.value ?? '', /\[.*\bPAE\b/, JSON.stringify(control));
      assert.match(control.find((r) => r.name === 'cr3')?.value ?? '', /page table at 0x/, JSON.stringify(control));
      const segment = await group(/^Segment/);
      assert.ok(['cs', 'ss', 'gs_base'].every((n) => segment.some((r) => r.name === n)), JSON.stringify(segment));
      const sub = await group(/sub-registers/);
      assert.ok(['eax', 'ax', 'al', 'r8d'].every((n) => sub.some((r) => r.name === n)), JSON.stringify(sub.map((r) => r.name)));

      const info = async (a: DebugProtocol.DataBreakpointInfoArguments) => {
        const r = await dc.customRequest('dataBreakpointInfo', a);
        assert.ok(r.body.dataId, JSON.stringify(r.body));
        return r.body.dataId as string;
      };
      const stats = await dc.evaluateRequest({ expression: 'ring0_watch_stats', frameId: f.id, context: 'watch' });
      const fields = (await dc.variablesRequest({ variablesReference: stats.body.variablesReference })).body.variables;
      assert.ok(fields.some((v) => v.name === 'writes'), JSON.stringify(fields));
      const value = await info({ name: 'ring0_watch_value', frameId: f.id });
      const writes = await info({ variablesReference: stats.body.variablesReference, name: 'writes' });
      const spare = await Promise.all([0, 1, 2].map((i) => info({ name: `ring0_watch_spare[${i}]`, frameId: f.id })));
      const set4 = await dc.customRequest('setDataBreakpoints', { breakpoints: [value, writes, spare[0], spare[1]].map((dataId) => ({ dataId, accessType: 'write' })) });
      const bps = set4.body.breakpoints as DebugProtocol.Breakpoint[];
      assert.deepEqual(bps.map((b) => b.verified), [true, true, true, false], JSON.stringify(bps));
      assert.match(bps[3].message ?? '', /no hardware debug register left.*has 4.*1 is used by hardware breakpoints, 3 by data breakpoints/, bps[3].message);

      await dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [] });
      const set5 = await dc.customRequest('setDataBreakpoints', { breakpoints: [value, writes, ...spare].map((dataId) => ({ dataId, accessType: 'write' })) });
      const five = set5.body.breakpoints as DebugProtocol.Breakpoint[];
      assert.deepEqual(five.map((b) => b.verified), [true, true, true, true, false], JSON.stringify(five));
      assert.match(five[4].message ?? '', /no hardware debug register left/);
      const two = await dc.customRequest('setDataBreakpoints', { breakpoints: [{ dataId: value, accessType: 'write' }, { dataId: writes, accessType: 'write' }] });
      assert.ok((two.body.breakpoints as DebugProtocol.Breakpoint[]).every((b) => b.verified), JSON.stringify(two.body));
    } finally {
      await dc.continueRequest({ threadId: thread });
    }
    const r = await reader;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.toString().trim(), '0 0 0');
  });

  it("stops at the writing line when the module writes a global and a struct field (the Variables view's)", async () => {
    const writer = vm('echo 7 > /proc/ring0_watch');
    const first = await stopped('data breakpoint');
    let f = await top(first.body.threadId!);
    assert.equal(f.name, 'ring0_watch_write');
    assert.equal(f.line, lineOf('RING0_WATCH_VALUE_WRITE'), output.join(''));
    assert.match(first.body.text ?? '', /ring0_watch_value written: 0 → 7/);
    await dc.continueRequest({ threadId: first.body.threadId! });
    const second = await stopped('data breakpoint');
    f = await top(second.body.threadId!);
    assert.equal(f.line, lineOf('RING0_WATCH_WRITES_WRITE'));
    assert.match(second.body.text ?? '', /writes written: 0 → 1/);
    await dc.customRequest('setDataBreakpoints', { breakpoints: [] });
    await dc.continueRequest({ threadId: second.body.threadId! });
    const r = await writer;
    assert.equal(r.code, 0, r.stderr);
  });

  it('setVariable on a local and on a module global field, setExpression on a kernel global: the kernel sees the values', async () => {
    const line = lineOf('RING0_WATCH_VALUE_WRITE');
    await dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line }] });
    const writer = vm('echo 7 > /proc/ring0_watch');
    const stop = await stopped('breakpoint');
    try {
      const f = await top(stop.body.threadId!);
      const scopes = await dc.scopesRequest({ frameId: f.id });
      const localsRef = scopes.body.scopes[0].variablesReference;
      const locals = (await dc.variablesRequest({ variablesReference: localsRef })).body.variables;
      assert.equal(locals.find((v) => v.name === 'v')?.value, '7', JSON.stringify(locals));
      const setV = await dc.setVariableRequest({ variablesReference: localsRef, name: 'v', value: '42' });
      assert.equal(setV.body.value, '42');
      const stats = await dc.evaluateRequest({ expression: 'ring0_watch_stats', frameId: f.id, context: 'watch' });
      await dc.variablesRequest({ variablesReference: stats.body.variablesReference });
      const setW = await dc.setVariableRequest({ variablesReference: stats.body.variablesReference, name: 'writes', value: '100' });
      assert.equal(setW.body.value, '100');
      const setG = await dc.customRequest('setExpression', { expression: 'dirty_writeback_interval', value: '700', frameId: f.id });
      assert.equal(setG.body.value, '700');
    } finally {
      await dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [] });
      await dc.continueRequest({ threadId: stop.body.threadId! });
    }
    assert.equal((await writer).code, 0);
    const seen = await vm('cat /proc/ring0_watch; cat /proc/sys/vm/dirty_writeback_centisecs');
    assert.equal(seen.stdout.toString().trim().split('\n').join(' | '), '42 101 42 | 700');
  });

  it('the transcript: every stopped answers a breakpoint or a data breakpoint', async () => {
    assert.deepEqual(await dc.violations(), [], dc.dump());
  });
});
