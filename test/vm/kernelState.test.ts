// `ring0 kernel ps|lsmod|dmesg` on a running VM: rows hold the test's own process and module (with its
// symbols found in the workspace) and the kernel log names the module's load; the kernel keeps running.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AgentClient } from '../../kernel/agent/client';
import type { KmsgRow, ModuleRow, TaskRow } from '../../kernel/observe/kernelState';
import { connectAgent } from '../../kernel/vm/manager';
import { cli, disposeWorkspace, ROOT, tempWorkspace, transcript } from './helpers';

describe('ring0 kernel ps|lsmod|dmesg in the VM', () => {
  let ws: string;
  let agent: AgentClient;
  let moduleDir: string;
  const json = async <T>(args: string[]) => {
    const r = await cli([...args, '--json', '-w', ws]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout.toString()) as T;
  };

  before(async () => {
    ws = tempWorkspace('ring0-kstate-');
    const r = await cli(['vm', 'start', '-w', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
    agent = await connectAgent(ws);
    assert.equal((await cli(['new', 'module', 'ring0_echo', '--dir', ws])).code, 0);
    moduleDir = path.join(ws, 'ring0_echo');
    copyFileSync(path.join(ROOT, 'test', 'fixtures', 'build', 'echo', 'ring0_echo.c'), path.join(moduleDir, 'ring0_echo.c'));
    const b = await cli(['build', 'module', moduleDir, '--json']);
    assert.equal(b.code, 0, b.stdout.toString());
    const l = await cli(['load', path.join(moduleDir, 'ring0_echo.ko'), '--json', '-w', ws]);
    assert.equal(l.code, 0, l.stdout.toString());
  });
  after(async () => {
    agent?.close();
    await disposeWorkspace(ws);
  });

  it('ps lists the test\'s own process with its parent, state and CPU', async () => {
    const h = agent.exec(['sleep', '97']);
    const pid = await new Promise<number>((resolve) => h.once('started', resolve));
    try {
      const rows = await json<TaskRow[]>(['kernel', 'ps']);
      const mine = rows.find((t) => t.pid === pid);
      assert.ok(mine, `pid ${pid} not in ${rows.length} rows`);
      assert.equal(mine.comm, 'sleep');
      assert.match(mine.state, /^[SR]$/);
      assert.ok(rows.some((t) => t.pid === mine.ppid), 'its parent is listed too');
      assert.equal(mine.source, 'agent:procfs');
      assert.ok(rows.find((t) => t.pid === 2)?.comm === 'kthreadd');
      const filtered = await json<TaskRow[]>(['kernel', 'ps', '--filter', 'sleep']);
      assert.ok(filtered.length >= 1 && filtered.every((t) => t.comm.includes('sleep')));
    } finally {
      await h.kill('SIGKILL');
    }
  });

  it('lsmod lists the test\'s module with its base address and the workspace .ko as its symbols', async () => {
    const rows = await json<ModuleRow[]>(['kernel', 'lsmod']);
    const m = rows.find((r) => r.name === 'ring0_echo');
    assert.ok(m, JSON.stringify(rows.map((r) => r.name)));
    assert.match(m.address, /^0xffffffffc0[0-9a-f]+$/);
    assert.ok(m.size > 0);
    assert.equal(m.state, 'Live');
    assert.deepEqual(m.symbols, { status: 'workspace', file: path.join(moduleDir, 'ring0_echo.ko') });
    assert.equal(rows.find((r) => r.name === 'virtiofs')?.symbols.status, 'debug-package');
  });

  it('dmesg reads /dev/kmsg with levels, and the VM keeps running', async () => {
    const r = await cli(['kernel', 'dmesg', '--json', '-w', ws]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.toString().trim().split('\n').map((l) => JSON.parse(l) as KmsgRow);
    assert.ok(rows.length > 50, `${rows.length} records`);
    assert.match(rows[0].message, /^Linux version/);
    assert.ok(rows.every((x) => x.level >= 0 && x.level <= 7 && x.source === 'agent:/dev/kmsg'));
    assert.ok(rows.some((x) => /ring0_echo/.test(x.message)), 'the module load is in the log');
    assert.equal((await cli(['vm', 'exec', '-w', ws, '--', 'true'])).code, 0);
  });
});
