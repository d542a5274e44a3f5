// Attaching `ring0 dap` to one running VM (real gdb, QEMU's stub): a vmlinux that is not the running
// kernel's is refused with a message and leaves the kernel running; a module reloaded at a new
// address keeps its breakpoint bound and stops there again.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readState } from '../../kernel/vm/state';
import { vmPaths } from '../../kernel/vm/paths';
import { ROOT, cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';
import { CliDebugClient } from './cliDebugClient';

describe('attach: a foreign vmlinux refused, a reloaded module keeps its breakpoints (real gdb, real QEMU)', () => {
  let ws: string;
  const output: string[] = [];
  const clients: CliDebugClient[] = [];
  const client = async () => {
    const dc = new CliDebugClient(ws);
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    clients.push(dc);
    await dc.start();
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    return dc;
  };

  before(async () => {
    ws = tempWorkspace('ring0-dapreload-');
    for (const [from, to] of [[path.join('samples', 'workspace', 'hello-module'), 'hello-module'], [path.join('test', 'fixtures', 'watch-module'), 'watch-module']]) {
      cpSync(path.join(ROOT, from), path.join(ws, to), { recursive: true });
      const b = await cli(['build', 'module', to, '--workspace', ws], { cwd: ws });
      assert.equal(b.code, 0, b.stderr);
    }
    const r = await cli(['vm', 'start', '--gdb', '--workspace', ws], { timeoutMs: 300_000 });
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });

  after(async () => {
    for (const dc of clients) {
      await dc.disconnectRequest({ terminateDebuggee: false }).catch(() => undefined);
      await dc.stop().catch(() => undefined);
    }
    await disposeWorkspace(ws);
  });

  it("refuses a vmlinux whose banner is not the running kernel's, and the kernel runs on", async () => {
    // Another build: its linux_banner sits where the running kernel's does, with other text.
    const real = readState(vmPaths(ws))!.kernel!.vmlinux!;
    const addr = /^([0-9a-f]+) \S+ linux_banner$/m.exec(execFileSync('nm', [real], { maxBuffer: 1 << 28 }).toString())?.[1];
    assert.ok(addr, 'linux_banner in the VM kernel');
    const dir = path.join(ws, 'other-build');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'banner.S'), '.section .rodata,"a"\n.globl linux_banner\nlinux_banner:\n.asciz "Linux version 6.1.0-ring0-other (ring0@test) #2 SMP another build\\n"\n');
    execFileSync('as', ['-o', path.join(dir, 'banner.o'), path.join(dir, 'banner.S')]);
    const other = path.join(dir, 'vmlinux');
    execFileSync('ld', ['-o', other, `--section-start=.rodata=0x${addr}`, '-e', '0', path.join(dir, 'banner.o')]);

    const dc = await client();
    await assert.rejects(dc.attachRequest({ workspace: ws, vmlinux: other } as DebugProtocol.AttachRequestArguments), (e: Error) => {
      assert.match(e.message, /is not the running kernel's vmlinux: it was built as "Linux version 6\.1\.0-ring0-other.*" but the VM runs "Linux version 6\.1/, e.message);
      return true;
    });
    const r = await cli(['vm', 'exec', '--workspace', ws, '--', 'true'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, `the kernel runs after the refusal: ${r.stderr}`);
  });

  it('keeps a breakpoint in a module bound when the module is reloaded at a new address', async () => {
    const dc = await client();
    const initialized = dc.waitForEvent('initialized', 180_000);
    await dc.attachRequest({ workspace: ws } as DebugProtocol.AttachRequestArguments).catch((e: Error) => assert.fail(`${e.message}\n${output.join('')}`));
    await initialized;
    const src = path.join(ws, 'watch-module', 'ring0_watch.c');
    const line = readFileSync(src, 'utf8').split('\n').findIndex((l) => l.includes('int n = scnprintf')) + 1;
    const set = await dc.setBreakpointsRequest({ source: { path: src }, breakpoints: [{ line }] });
    assert.equal(set.body.breakpoints[0].verified, false, 'pending until ring0_watch.ko is inserted');
    await dc.configurationDoneRequest();
    const load = async (ko: string, name: string) => {
      const ev = dc.waitForEvent('module', 180_000);
      const r = await cli(['load', path.join(ws, ko), '--workspace', ws], { timeoutMs: 300_000 });
      assert.equal(r.code, 0, r.stderr);
      const m = (await ev) as DebugProtocol.ModuleEvent;
      assert.equal(m.body.module.name, name);
      return m.body.module.addressRange;
    };
    const readStops = async () => {
      // One read() (cat reads again at EOF, which would stop a second time).
      const reader = cli(['vm', 'exec', '--workspace', ws, '--', 'dd', 'if=/proc/ring0_watch', 'bs=64', 'count=1', 'status=none'], { timeoutMs: 300_000 });
      const stop = (await dc.waitForEvent('stopped', 180_000)) as DebugProtocol.StoppedEvent;
      assert.equal(stop.body.reason, 'breakpoint', output.join(''));
      const st = await dc.stackTraceRequest({ threadId: stop.body.threadId!, startFrame: 0, levels: 5 });
      assert.equal(st.body.stackFrames[0].name, 'ring0_watch_read');
      assert.equal(st.body.stackFrames[0].source?.path, src);
      assert.equal(st.body.stackFrames[0].line, line);
      await dc.continueRequest({ threadId: stop.body.threadId! });
      assert.equal((await reader).code, 0);
    };
    const first = await load(path.join('watch-module', 'ring0_watch.ko'), 'ring0_watch');
    await readStops();
    const removed = dc.waitForEvent('module', 180_000);
    assert.equal((await cli(['unload', 'ring0_watch', '--workspace', ws], { timeoutMs: 300_000 })).code, 0);
    assert.equal(((await removed) as DebugProtocol.ModuleEvent).body.reason, 'removed');
    // Another module takes the freed space, so ring0_watch comes back elsewhere.
    await load(path.join('hello-module', 'hello.ko'), 'hello');
    const second = await load(path.join('watch-module', 'ring0_watch.ko'), 'ring0_watch');
    assert.ok(first && second && first !== second, `ring0_watch was reloaded at a new address (${first} then ${second})`);
    await readStops();
    assert.deepEqual(await dc.violations(), [], dc.dump());
  });
});
