// Debugging your own kernel through the adapter: the shared minimal build (test/ownKernelCache.ts)
// boots with the stub; a breakpoint set in the tree's fs/open.c binds and stops there with the tree's
// file as the frame's source (no substitute-path); the tree's gdb scripts make `> lx-dmesg` work.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ensureTestKernel, type TestKernel } from '../ownKernelCache';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';

const ADAPTER = path.join(ROOT, 'dist', 'debugAdapter.js');

describe('debugging your own kernel (real gdb, real QEMU)', () => {
  let k: TestKernel;
  let ws: string;
  let dc: DebugClient;
  const output: string[] = [];

  before(async () => {
    k = await ensureTestKernel();
    ws = tempWorkspace('ring0-owndap-');
    mkdirSync(path.join(ws, '.vscode'));
    writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'ring0.vm.kernel': 'build', 'ring0.kernel.buildDir': k.buildDir }));
    dc = new DebugClient('node', ADAPTER, 'ring0-kernel');
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = dc.launch({ workspace: ws } as DebugProtocol.LaunchRequestArguments);
    await dc.waitForEvent('initialized', 180_000);
    await launched.catch((e: Error) => assert.fail(`${e.message}\n${output.join('')}\n${transcript(ws)}`));
    await dc.configurationDoneRequest();
  });

  after(async () => {
    await dc?.disconnectRequest({}).catch(() => undefined);
    await dc?.stop().catch(() => undefined);
    await disposeWorkspace(ws);
  });

  it("stops at a breakpoint in the tree's fs/open.c, the frame's source being the tree's file; > lx-dmesg works", async () => {
    const openC = path.join(k.source, 'fs', 'open.c');
    const lines = readFileSync(openC, 'utf8').split('\n');
    const fn = lines.findIndex((l) => l.startsWith('static long do_sys_openat2('));
    const line = lines.findIndex((l, i) => i > fn && l.includes('build_open_flags(how, &op)')) + 1;
    assert.ok(fn > 0 && line > fn, 'found do_sys_openat2 in the tree');
    const set = await dc.setBreakpointsRequest({ source: { path: openC }, breakpoints: [{ line }] });
    assert.equal(set.body.breakpoints[0].verified, true, `${JSON.stringify(set.body)}\n${output.join('')}`);
    const exec = cli(['vm', 'exec', '--workspace', ws, '--', 'cat', '/proc/version'], { timeoutMs: 300_000 });
    const stop = (await dc.waitForEvent('stopped', 180_000)) as DebugProtocol.StoppedEvent;
    try {
      assert.equal(stop.body.reason, 'breakpoint', output.join(''));
      const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 10 });
      const top = st.body.stackFrames[0];
      assert.equal(top.name, 'do_sys_openat2');
      assert.equal(top.source?.path, openC, 'the tree\'s own file');
      assert.equal(top.line, line);
      const dmesg = await dc.evaluateRequest({ expression: '> lx-dmesg', frameId: top.id, context: 'repl' });
      assert.match(dmesg.body.result, new RegExp(`Linux version ${k.release.replace(/\./g, '\\.')}`), output.join(''));
      const subst = await dc.evaluateRequest({ expression: '> show substitute-path', frameId: top.id, context: 'repl' });
      assert.doesNotMatch(subst.body.result, /->|`/, 'no substitute-path rules for an own build');
    } finally {
      await dc.setBreakpointsRequest({ source: { path: openC }, breakpoints: [] });
      await dc.continueRequest({ threadId: stop.body.threadId! });
    }
    const r = await exec;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /6\.1\.192-ring0/);
  });
});
