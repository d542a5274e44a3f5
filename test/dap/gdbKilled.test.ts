// A fault the adapter must survive (issue #18): gdb killed in the middle of a step. The session ends
// with a message naming gdb's exit and a terminated event, rather than hanging the client.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { cli, disposeWorkspace, tempWorkspace, transcript } from '../vm/helpers';
import { CliDebugClient } from './cliDebugClient';

/** Pids of the processes whose parent is `ppid` (from /proc/PID/stat). */
function childrenOf(ppid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push({ pid: Number(d), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // gone
    }
  }
  return out;
}

describe('kernel debug adapter when gdb is killed mid-step', () => {
  let ws: string;
  let dc: DebugClient;
  const output: string[] = [];
  before(async () => {
    ws = tempWorkspace('ring0-dap-kill-');
    dc = new CliDebugClient(ws);
    dc.defaultTimeout = 180_000;
    dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    await dc.start();
  });
  after(async () => {
    await dc?.stop().catch(() => undefined);
    await disposeWorkspace(ws);
  });

  it('ends the session with a message when gdb dies during a step', async () => {
    await dc.initializeRequest({ adapterID: 'ring0-kernel', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const launched = dc.launch({ workspace: ws } as DebugProtocol.LaunchRequestArguments);
    await dc.waitForEvent('initialized', 180_000);
    await launched.catch((e: Error) => assert.fail(`${e.message}\n${output.join('')}\n${transcript(ws)}`));
    await dc.configurationDoneRequest();
    const set = await dc.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'do_sys_openat2' }] });
    assert.equal(set.body.breakpoints[0].verified, true, JSON.stringify(set.body));
    const exec = cli(['vm', 'exec', '--workspace', ws, '--', 'cat', '/proc/version'], { timeoutMs: 300_000 }).catch(() => undefined);
    const stop = (await dc.waitForEvent('stopped', 180_000)) as DebugProtocol.StoppedEvent;

    const adapters = childrenOf(process.pid).filter((c) => c.comm === 'node');
    const gdbs = adapters.flatMap((a) => childrenOf(a.pid)).filter((c) => c.comm === 'gdb');
    assert.equal(gdbs.length, 1, JSON.stringify({ adapters, gdbs }));
    const terminated = dc.waitForEvent('terminated', 120_000);
    // Kill gdb while the step is in flight: the request must not hang, the session must end.
    const step = dc.nextRequest({ threadId: stop.body.threadId! }).then(() => 'answered', (e: Error) => `failed: ${e.message}`);
    process.kill(gdbs[0].pid, 'SIGKILL');
    await terminated;
    assert.match(output.join(''), /gdb exited unexpectedly \(SIGKILL\)/);
    assert.match(await step, /answered|failed/);
    await exec;
  });
});
