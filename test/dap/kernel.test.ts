// The kernel debug adapter end to end: @vscode/debugadapter-testsupport's client drives
// `ring0 dap`, which boots a real VM with QEMU's gdb stub and drives real gdb.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { kernelSourceDir } from '../../kernel/host/kernelSource';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';
import { pidAlive } from '../../kernel/vm/state';
import { CLI, ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';
import { CliDebugClient, SocketDebugClient } from './cliDebugClient';


describe('kernel debug adapter (real gdb, real QEMU)', () => {
  let ws: string;
  let dc: CliDebugClient;
  let helloC: string;
  const output: string[] = [];

  before(async () => {
    ws = tempWorkspace('ring0-dap-');
    cpSync(path.join(ROOT, 'samples', 'workspace', 'hello-module'), path.join(ws, 'hello-module'), { recursive: true });
    helloC = path.join(ws, 'hello-module', 'hello.c');
    const b = await cli(['build', 'module', 'hello-module', '--workspace', ws], { cwd: ws });
    assert.equal(b.code, 0, b.stderr.toString());
    dc = new CliDebugClient(ws);
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
  });

  after(async () => {
    await dc?.stop().catch(() => undefined);
    await disposeWorkspace(ws);
  });

  const stopped = (reason?: string) => dc.waitForEvent('stopped', 180_000).then((e) => {
    if (reason) assert.equal((e as DebugProtocol.StoppedEvent).body.reason, reason, output.join(''));
    return e as DebugProtocol.StoppedEvent;
  });

  it('launches: boots the VM with the stub, connects gdb and runs the kernel', async () => {
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = dc.launch({ workspace: ws } as DebugProtocol.LaunchRequestArguments);
    await dc.waitForEvent('initialized', 180_000);
    await launched.catch((e: Error) => assert.fail(`${e.message}\n${output.join('')}\n${transcript(ws)}`));
    const s = readState(vmPaths(ws));
    assert.ok(s?.gdbSocket, 'the VM runs with a gdb stub on a unix socket');
    await dc.configurationDoneRequest();
  });

  it('stops at a kernel function with the right source file and line, steps and reads variables', async () => {
    const set = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'do_sys_openat2' }] });
    assert.equal(set.body.breakpoints[0].verified, true, JSON.stringify(set.body));
    const exec = cli(['vm', 'exec', '--workspace', ws, '--', 'cat', '/proc/version'], { timeoutMs: 300_000 });
    const stop = await stopped('breakpoint');
    try {
      await inspectOpenat(stop);
    } finally {
      await dc.setFunctionBreakpointsRequest({ breakpoints: [] });
      const c = await dc.continueRequest({ threadId: stop.body.threadId! });
      // The body is set before the response goes out (it once was set after).
      assert.equal(c.body?.allThreadsContinued, true, JSON.stringify(c));
    }
    const r = await exec;
    assert.equal(r.code, 0, r.stderr.toString());
    assert.match(r.stdout.toString(), /Linux version/);
  });

  async function inspectOpenat(stop: DebugProtocol.StoppedEvent): Promise<void> {
    const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 20 });
    const top = st.body.stackFrames[0];
    assert.equal(top.name, 'do_sys_openat2');
    assert.match(top.source?.path ?? '', /fs\/open\.c$/);
    // With the kernel source unpacked (ring0 setup --kernel-source) the frame opens the real file.
    if (kernelSourceDir()) assert.ok(existsSync(top.source!.path!), `${top.source!.path} exists`);
    assert.ok(top.line > 1000 && top.line < 1500, `line ${top.line} of fs/open.c`);
    assert.ok(st.body.stackFrames.length <= 20);

    const threads = await dc.threadsRequest();
    assert.ok(threads.body.threads.some((t) => /^CPU \d+$/.test(t.name)), JSON.stringify(threads.body));

    await dc.nextRequest({ threadId: stop.body.threadId! });
    await stopped('step');
    const st2 = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 20 });
    assert.equal(st2.body.stackFrames[0].name, 'do_sys_openat2');
    assert.notEqual(st2.body.stackFrames[0].line, top.line, 'next moved to another line');

    const scopes = await dc.scopesRequest({ frameId: st2.body.stackFrames[0].id });
    const locals = await dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference });
    const names = locals.body.variables.map((v) => v.name);
    for (const n of ['dfd', 'filename', 'how']) assert.ok(names.includes(n), `locals: ${names.join(', ')}`);
    const how = locals.body.variables.find((v) => v.name === 'how')!;
    assert.ok(how.variablesReference > 0, 'struct open_how * expands');
    const fields = await dc.variablesRequest({ variablesReference: how.variablesReference });
    assert.ok(fields.body.variables.some((v) => v.name === 'flags'), JSON.stringify(fields.body.variables));

    const regs = await dc.variablesRequest({ variablesReference: scopes.body.scopes[1].variablesReference });
    assert.ok(regs.body.variables.some((v) => v.name === 'rip' && /^0xffffffff/.test(v.value)), `registers include rip: ${JSON.stringify(regs.body.variables.slice(0, 20))}`);

    const ev = await dc.evaluateRequest({ expression: 'dfd', frameId: st2.body.stackFrames[0].id, context: 'watch' });
    assert.equal(ev.body.result, '-100', 'AT_FDCWD');
    const raw = await dc.evaluateRequest({ expression: '> info symbol do_sys_openat2', frameId: st2.body.stackFrames[0].id, context: 'repl' });
    assert.match(raw.body.result, /do_sys_openat2 in section \.text/);

    const banner = await dc.evaluateRequest({ expression: '(char *)linux_banner', context: 'watch' });
    assert.ok(banner.body.memoryReference, JSON.stringify(banner.body));
    const mem = await dc.customRequest('readMemory', { memoryReference: banner.body.memoryReference, count: 13 });
    assert.equal(Buffer.from(mem.body.data, 'base64').toString(), 'Linux version');

    const dis = await dc.disassembleRequest({ memoryReference: top.instructionPointerReference!, instructionOffset: -3, instructionCount: 10 });
    assert.equal(dis.body!.instructions.length, 10);
    assert.equal(BigInt(dis.body!.instructions[3].address), BigInt(top.instructionPointerReference!), 'offset -3 lands three instructions before');
    assert.ok(dis.body!.instructions.every((i) => i.instruction.length > 0));
  }

  it('binds a breakpoint set before its module is loaded, when the module is inserted', async () => {
    const set = await dc.setBreakpointsRequest({ source: { path: helloC }, breakpoints: [{ line: 12 }] });
    assert.equal(set.body.breakpoints[0].verified, false, 'pending until hello.ko is inserted');
    const moduleEvent = dc.waitForEvent('module', 180_000);
    const load = cli(['load', path.join(ws, 'hello-module', 'hello.ko'), '--workspace', ws], { timeoutMs: 300_000 });
    const m = (await moduleEvent) as DebugProtocol.ModuleEvent;
    assert.equal(m.body.module.name, 'hello');
    assert.equal(m.body.module.path, path.join(ws, 'hello-module', 'hello.ko'));
    const stop = await stopped('breakpoint');
    try {
      const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 10 });
      assert.equal(st.body.stackFrames[0].name, 'hello_init');
      assert.equal(st.body.stackFrames[0].source?.path, helloC);
      assert.equal(st.body.stackFrames[0].line, 12);
    } finally {
      await dc.setBreakpointsRequest({ source: { path: helloC }, breakpoints: [] });
      await dc.continueRequest({ threadId: stop.body.threadId! });
    }
    const r = await load;
    assert.equal(r.code, 0, r.stderr.toString());
  });

  it('stops on an oops with the faulting module function as the first frame shown', async () => {
    const dir = path.join(ws, 'oops-module');
    cpSync(path.join(ROOT, 'labs', 'catalog', 'module-oops', 'starter'), dir, { recursive: true });
    const b = await cli(['build', 'module', 'oops-module', '--workspace', ws], { cwd: ws });
    assert.equal(b.code, 0, b.stderr.toString());
    const loaded = dc.waitForEvent('module', 180_000);
    const load = await cli(['load', path.join(dir, 'oops_lab.ko'), '--workspace', ws], { timeoutMs: 300_000 });
    assert.equal(load.code, 0, load.stderr.toString());
    await loaded;
    const reader = cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', 'cat /dev/oops_lab'], { timeoutMs: 300_000 });
    const stop = await stopped('exception');
    try {
      const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 30 });
      const shown = st.body.stackFrames.find((f) => f.presentationHint !== 'subtle');
      assert.equal(shown?.name, 'oops_lab_read', st.body.stackFrames.map((f) => `${f.name} ${f.presentationHint ?? ''}`).join('\n'));
      assert.equal(shown?.source?.path, path.join(dir, 'oops_lab.c'));
    } finally {
      await dc.continueRequest({ threadId: stop.body.threadId! });
    }
    const r = await reader;
    assert.notEqual(r.code, 0, 'the oops killed the reading process');
  });

  it('the transcript: every stopped answers a user action or breakpoint; the client always saw what gdb did', async () => {
    const bad = await dc.violations();
    assert.deepEqual(bad, [], dc.dump());
  });

  it('disconnecting a launch stops the VM it booted and leaves no QEMU behind', async () => {
    const s = readState(vmPaths(ws));
    await dc.disconnectRequest({});
    for (let i = 0; i < 100 && pidAlive(s?.pid); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(pidAlive(s?.pid), false, 'QEMU is gone');
  });
});

describe('ring0 dap (the CLI) when QEMU dies mid-session', () => {
  let ws: string;
  let dc: SocketDebugClient;
  let server: ChildProcess | undefined;
  const output: string[] = [];
  before(async () => {
    ws = tempWorkspace('ring0-dap-');
    const r = await cli(['vm', 'start', '--gdb', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    // `ring0 dap` takes its workspace from its working directory; --socket serves on a unix socket.
    const sock = path.join(mkdtempSync(path.join(os.tmpdir(), 'ring0-dapsock-')), 'dap.sock');
    server = spawn(process.execPath, [CLI, 'dap', '--socket', sock], { cwd: ws, stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      server!.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes(`listening on ${sock}`)) resolve();
      });
      server!.once('exit', (code) => reject(new Error(`ring0 dap exited (${code}): ${err}`)));
    });
    dc = new SocketDebugClient(sock);
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
  });
  after(async () => {
    await dc?.stop().catch(() => undefined);
    server?.kill('SIGKILL');
    await disposeWorkspace(ws);
  });

  it('attaches with no workspace attribute, then ends the session with a message when QEMU is killed', async () => {
    await dc.initializeRequest({ adapterID: 'ring0-kernel', pathFormat: 'path' });
    const initialized = dc.waitForEvent('initialized', 180_000);
    await dc.attachRequest({} as DebugProtocol.AttachRequestArguments);
    await initialized;
    await dc.configurationDoneRequest();
    const terminated = dc.waitForEvent('terminated', 60_000);
    const qemu = readState(vmPaths(ws))?.pid;
    assert.ok(qemu && pidAlive(qemu));
    process.kill(qemu, 'SIGKILL');
    await terminated;
    assert.match(output.join(''), /gdb stub closed|QEMU exited|VM has gone/);
    assert.deepEqual(await dc.violations(), [], dc.dump());
  });
});
