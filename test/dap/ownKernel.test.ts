// Debugging your own kernel through the adapter: F5 rebuilds the shared minimal build
// (test/ownKernelCache.ts) and boots it with the stub; a breakpoint set in the tree's fs/open.c binds
// and stops there with the tree's file as the frame's source (no substitute-path); the tree's gdb
// scripts make `> lx-dmesg` work. With a syntax error in fs/open.c (a private mount namespace over an
// overlay of the build), F5 reports the compiler's error and boots nothing.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ensureTestKernel, type TestKernel } from '../ownKernelCache';
import { CLI, cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';
import { CliDebugClient } from './cliDebugClient';


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
    dc = new CliDebugClient(ws);
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = dc.launch({ workspace: ws } as DebugProtocol.LaunchRequestArguments);
    await dc.waitForEvent('initialized', 180_000);
    await launched.catch((e: Error) => assert.fail(`${e.message}\n${output.join('')}\n${transcript(ws)}`));
    await dc.configurationDoneRequest();
    assert.match(output.join(''), /Building your kernel/, 'F5 rebuilt the kernel first');
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

describe('F5 on your kernel with a syntax error in the tree', () => {
  let k: TestKernel;
  let tmp: string;
  let ws: string;
  let dc: DebugClient;
  const output: string[] = [];
  const q = (p: string) => `'${p.replace(/'/g, `'\\''`)}'`;

  before(async () => {
    k = await ensureTestKernel();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'ring0-f5err-'));
    ws = path.join(tmp, 'ws');
    mkdirSync(path.join(ws, '.vscode'), { recursive: true });
    writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'ring0.vm.kernel': 'build', 'ring0.kernel.buildDir': k.buildDir }));
    const openC = path.join(k.source, 'fs', 'open.c');
    const lines = readFileSync(openC, 'utf8').split('\n');
    lines.splice(lines.findIndex((l) => l.startsWith('static long do_sys_openat2(')) + 3, 0, '\tint ring0_broken = ;');
    writeFileSync(path.join(tmp, 'open.c'), lines.join('\n'));
    // The adapter runs in its own mount namespace where the build is an overlay and fs/open.c the edited copy.
    const wrapper = path.join(tmp, 'adapter-in-namespace.sh');
    const inner = `mkdir -p ${q(tmp)}/upper ${q(tmp)}/work; mount -t overlay overlay -o lowerdir=${q(k.buildDir)},upperdir=${q(tmp)}/upper,workdir=${q(tmp)}/work ${q(k.buildDir)}; mount --bind ${q(tmp)}/open.c ${q(openC)}; exec ${q(process.execPath)} "$0" dap`;
    writeFileSync(wrapper, `#!/bin/sh\nexec unshare --mount --propagation private -- sh -ec ${q(inner)} "$1"\n`);
    chmodSync(wrapper, 0o755);
    dc = new DebugClient(wrapper, CLI, 'ring0-kernel');
    dc.defaultTimeout = 300_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
  });

  after(async () => {
    await dc?.stop().catch(() => undefined);
    await disposeWorkspace(ws);
    rmSync(tmp, { recursive: true, force: true });
  });

  it("reports the compiler's error on the tree's line and boots nothing", { timeout: 600_000 }, async () => {
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const openC = path.join(k.source, 'fs', 'open.c');
    const line = readFileSync(path.join(tmp, 'open.c'), 'utf8').split('\n').indexOf('\tint ring0_broken = ;') + 1;
    await assert.rejects(dc.launch({ workspace: ws } as DebugProtocol.LaunchRequestArguments), (e: Error) => {
      assert.match(e.message, /your kernel did not build, so nothing was booted/, output.join(''));
      assert.ok(e.message.includes(`${openC}:${line}:`), e.message);
      return true;
    });
    assert.equal(readState(vmPaths(ws))?.pid, undefined, 'no VM was started');
    assert.equal(existsSync(path.join(k.buildDir, 'ring0-build-failed.json')), false, 'the shared build is untouched');
  });
});
