// F5 as VS Code sends it (issue 20): launch with the workspace's module, empty breakpoints, then
// configurationDone. Ring0's own stops (attach, breakpoint interrupts, module hooks) must stay unseen.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';
import { CliDebugClient } from './cliDebugClient';

/** A client on a fresh workspace holding the sample hello-module, its events and output gathered. */
function f5Session(): { ws: () => string; helloC: () => string; dc: () => CliDebugClient; stops: DebugProtocol.StoppedEvent[]; output: string[] } {
  let ws = '';
  let dc: CliDebugClient | undefined;
  const stops: DebugProtocol.StoppedEvent[] = [];
  const output: string[] = [];
  before(async () => {
    ws = tempWorkspace('ring0-f5-');
    cpSync(path.join(ROOT, 'samples', 'workspace', 'hello-module'), path.join(ws, 'hello-module'), { recursive: true });
    dc = new CliDebugClient(ws);
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    dc.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
    await dc.start();
  });
  after(async () => {
    await dc?.disconnectRequest({}).catch(() => undefined);
    await dc?.stop().catch(() => undefined);
    await disposeWorkspace(ws);
  });
  return { ws: () => ws, helloC: () => path.join(ws, 'hello-module', 'hello.c'), dc: () => dc!, stops, output };
}

/** initialize, launch with modules: ["hello-module"], the breakpoints given, configurationDone; resolves when hello is loaded. */
async function pressF5(s: ReturnType<typeof f5Session>, lines: number[]): Promise<DebugProtocol.SetBreakpointsResponse> {
  const dc = s.dc();
  await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsProgressReporting: true });
  const initialized = dc.waitForEvent('initialized', 180_000);
  const launched = dc.launch({ workspace: s.ws(), modules: ['hello-module'] } as DebugProtocol.LaunchRequestArguments);
  await initialized;
  await launched.catch((e: Error) => assert.fail(`${e.message}\n${s.output.join('')}\n${transcript(s.ws())}`));
  const set = await dc.setBreakpointsRequest({ source: { path: s.helloC() }, breakpoints: lines.map((line) => ({ line })) });
  await dc.setExceptionBreakpointsRequest({ filters: [] });
  await dc.configurationDoneRequest();
  return set;
}

/** Waits until the output says hello was loaded (built, inserted, its symbols read). */
async function helloLoaded(s: ReturnType<typeof f5Session>, timeoutMs = 300_000): Promise<void> {
  const t0 = Date.now();
  while (!/hello-module: loaded hello/.test(s.output.join(''))) {
    if (/hello-module: (?!loaded)/.test(s.output.join(''))) assert.fail(`the module did not load:\n${s.output.join('')}`);
    if (Date.now() - t0 > timeoutMs) assert.fail(`hello was not loaded within ${timeoutMs / 1000} s:\n${s.output.join('')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('F5 with no breakpoint (real gdb, real QEMU)', () => {
  const s = f5Session();

  it('builds and loads the module, never reports a stop, and the guest runs meanwhile', async () => {
    const t0 = Date.now();
    await pressF5(s, []);
    await helloLoaded(s);
    assert.match(s.output.join(''), /loaded symbols of module hello/);
    const exec = await cli(['vm', 'exec', '--workspace', s.ws(), '--', 'cat', '/proc/version'], { timeoutMs: 120_000 });
    assert.equal(exec.code, 0, exec.stderr.toString());
    assert.match(exec.stdout.toString(), /Linux version/);
    // At least 30 s after configurationDone with no stop reported.
    const left = 30_000 - (Date.now() - t0);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
    assert.deepEqual(s.stops.map((e) => e.body.reason), [], s.dc().dump());
    const state = await s.dc().customRequest('ring0/runState');
    assert.deepEqual({ client: state.body.client, gdbRunning: state.body.gdbRunning }, { client: 'running', gdbRunning: true });
  });

  it('pause stops with reason pause and a stack, continue runs on', async () => {
    const dc = s.dc();
    const stopped = dc.waitForEvent('stopped', 60_000) as Promise<DebugProtocol.StoppedEvent>;
    await dc.pauseRequest({ threadId: 1 });
    const stop = await stopped;
    assert.equal(stop.body.reason, 'pause');
    const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 10 });
    assert.ok(st.body.stackFrames.length > 0 && st.body.stackFrames[0].name.length > 0, JSON.stringify(st.body));
    await dc.continueRequest({ threadId: stop.body.threadId! });
    const exec = await cli(['vm', 'exec', '--workspace', s.ws(), '--', 'true'], { timeoutMs: 120_000 });
    assert.equal(exec.code, 0, exec.stderr.toString());
    assert.equal(s.stops.length, 1, s.dc().dump());
  });

  it('the transcript: every stopped answers the user, and the client always saw what gdb did', async () => {
    assert.deepEqual(await s.dc().violations(), [], s.dc().dump());
  });
});

describe('F5 with a breakpoint in hello_init (real gdb, real QEMU)', () => {
  const s = f5Session();

  it('stops exactly once, at the breakpoint, on hello.c line 12', async () => {
    const set = await pressF5(s, [12]);
    assert.equal(set.body.breakpoints[0].verified, false, 'pending until hello.ko is inserted');
    const dc = s.dc();
    const stop = (await dc.waitForEvent('stopped', 300_000)) as DebugProtocol.StoppedEvent;
    assert.equal(stop.body.reason, 'breakpoint', s.dc().dump());
    assert.deepEqual(stop.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
    const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 10 });
    assert.equal(st.body.stackFrames[0].name, 'hello_init');
    assert.equal(st.body.stackFrames[0].source?.path, s.helloC());
    assert.equal(st.body.stackFrames[0].line, 12);
    // Nothing else stops while the user looks at it, and after continue the load completes without another stop.
    await new Promise((r) => setTimeout(r, 3000));
    await dc.continueRequest({ threadId: stop.body.threadId! });
    await helloLoaded(s);
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(s.stops.map((e) => e.body.reason), ['breakpoint'], s.dc().dump());
  });

  it('the transcript: every stopped answers the user, and the client always saw what gdb did', async () => {
    assert.deepEqual(await s.dc().violations(), [], s.dc().dump());
  });
});
