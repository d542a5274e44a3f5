// Bad input, other users and faults against a real VM (issue #18): exec in a missing --cwd, a
// tracepoint filter that matches nothing and a watch of an unknown symbol each fail fast with a
// precise message; another local user cannot connect to any of the VM's sockets; a killed virtiofsd
// stops the VM with the reason, loses no acknowledged write, and the VM starts again. One VM.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { vmPaths } from '../../kernel/vm/paths';
import { cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

const NOBODY = 65534;

describe('bad input and other users against a running VM', () => {
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('vm exec --cwd /nonexistent names the directory and exits 125', async () => {
    const r = await cli(['vm', 'exec', '--workspace', ws, '--cwd', '/nonexistent', '--', 'ls']);
    assert.equal(r.code, 125, r.stderr.toString());
    assert.match(r.stderr.toString(), /cannot use \/nonexistent as the working directory in the guest: No such file or directory/);
    assert.doesNotMatch(r.stderr.toString(), /command not found/);
    const ok = await cli(['vm', 'exec', '--workspace', ws, '--cwd', '/proc', '--', 'ls', 'version']);
    assert.equal(ok.code, 0, ok.stderr.toString());
  });

  it('tracepoints sched:nonesuch says nothing matches and exits 1', async () => {
    const r = await cli(['tracepoints', 'sched:nonesuch', '--workspace', ws]);
    assert.equal(r.code, 1, r.stdout.toString());
    assert.match(r.stderr.toString(), /no tracepoint in the guest kernel matches 'sched:nonesuch'/);
    const some = await cli(['tracepoints', 'sched:sched_switch', '--workspace', ws]);
    assert.equal(some.code, 0, some.stderr.toString());
  });

  it('vm watch of an unknown symbol exits 1 at once', async () => {
    const r = await cli(['vm', 'watch', 'nonesuch_symbol', '--workspace', ws], { timeoutMs: 60_000 });
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stderr.toString(), /nonesuch_symbol: no (symbol 'nonesuch_symbol' in the kernel's System.map|System.map for this kernel)/);
  });

  it("another local user cannot connect to the VM's sockets", (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to run a probe as another user');
    const p = vmPaths(ws);
    assert.equal(statSync(p.runDir).mode & 0o777, 0o700);
    // Open everything above the run directory, so only its own permissions stand in the way.
    for (let d = path.dirname(p.runDir); d.startsWith(ws); d = path.dirname(d)) chmodSync(d, 0o755);
    const socks = readdirSync(p.runDir).filter((n) => n.endsWith('.sock')).map((n) => path.join(p.runDir, n));
    assert.ok(socks.includes(p.sockets.agent) && socks.includes(p.sockets.qmp), socks.join(' '));
    const probe = `const net = require('net'); let left = ${socks.length}; for (const s of ${JSON.stringify(socks)}) { const c = net.connect(s); c.on('connect', () => { console.log('CONNECTED ' + s); c.destroy(); if (!--left) process.exit(0); }); c.on('error', (e) => { console.log(e.code + ' ' + s); if (!--left) process.exit(0); }); }`;
    const r = spawnSync(process.execPath, ['-e', probe], { uid: NOBODY, gid: NOBODY, encoding: 'utf8', timeout: 20_000, cwd: '/' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, socks.length, r.stdout);
    for (const l of lines) assert.match(l, /^EACCES /, r.stdout);
    // The owner still can (the VM answers).
    assert.ok(existsSync(p.sockets.agent));
  });

  it('a virtiofsd killed under the running VM: stopped with the reason, no acknowledged write lost, restart works', async () => {
    const file = path.join(ws, 'acked.txt');
    const w = await cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', `echo written-in-guest > ${file}`]);
    assert.equal(w.code, 0, w.stderr.toString());
    // Our VM's virtiofsd for the workspace share: the process whose command line names its socket.
    const sock = vmPaths(ws).sockets.share('workspace');
    const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').some((a) => a.includes(sock)) && /virtiofsd/.test(readFileSync(`/proc/${d}/comm`, 'utf8'));
      } catch {
        return false;
      }
    });
    assert.ok(pids.length >= 1, `no virtiofsd for ${sock}`);
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    let status: { state: string; error?: string } = { state: '' };
    for (let i = 0; i < 150 && status.state !== 'stopped'; i++) {
      status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString());
      if (status.state !== 'stopped') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(status.state, 'stopped', transcript(ws));
    assert.match(status.error ?? '', /virtiofsd for the 'workspace' share .* exited \(SIGKILL\); the VM was stopped: start it again with 'ring0 vm start'/);
    assert.equal(readFileSync(file, 'utf8'), 'written-in-guest\n');
    const again = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(again.code, 0, `${again.stderr}\n${transcript(ws)}`);
    const read = await cli(['vm', 'exec', '--workspace', ws, '--', 'cat', file]);
    assert.equal(read.stdout.toString(), 'written-in-guest\n');
    const after = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString()) as { state: string; error?: string };
    assert.equal(after.state, 'running');
    assert.equal(after.error, undefined);
  });
});
