// The detached workspace VM: start, status, exec (exit codes, concurrency, 10 MB intact), a second
// start, a second workspace, QEMU killed, and stop. One VM is shared by the tests that can share it.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { vmPaths } from '../../kernel/vm/paths';
import { readState } from '../../kernel/vm/state';
import { spawn } from 'node:child_process';
import { CLI, cli, disposeWorkspace, tempWorkspace, transcript } from './helpers';

async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('workspace VM lifecycle', () => {
  let ws: string;
  before(async () => {
    ws = tempWorkspace();
    writeFileSync(path.join(ws, 'marker.txt'), 'workspace-one\n');
    const r = await cli(['vm', 'start', '--json', '--workspace', ws]);
    assert.equal(r.code, 0, `${r.stderr}\n${transcript(ws)}`);
  });
  after(() => disposeWorkspace(ws));

  it('reports running with accel, kernel, pid, uptime and boot time', async () => {
    const r = await cli(['vm', 'status', '--json', '--workspace', ws]);
    assert.equal(r.code, 0);
    const s = JSON.parse(r.stdout.toString());
    assert.equal(s.state, 'running');
    assert.ok(['tcg', 'kvm'].includes(s.accel));
    assert.match(s.kernel, /^\d+\.\d+/);
    assert.ok(s.pid > 0 && s.uptimeMs >= 0 && s.bootMs > 0, JSON.stringify(s));
    assert.equal(statSync(vmPaths(ws).runDir).mode & 0o777, 0o700, 'the socket directory is private');
    const dir = vmPaths(ws).stateDir;
    const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));
    assert.ok(logs.includes('serial.log') && logs.includes('daemon.log') && logs.includes('qemu.log'), logs.join(' '));
    for (const f of logs) assert.equal(statSync(path.join(dir, f)).mode & 0o777, 0o600, `${f} is readable by its owner only`);
  });

  it('says it is running on a second start', async () => {
    const r = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /already running/);
  });

  it('streams exec output and exits with the guest exit code', async () => {
    const ok = await cli(['vm', 'exec', '--workspace', ws, '--', 'cat', 'marker.txt']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout.toString(), 'workspace-one\n');
    const fail = await cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', 'echo oops >&2; exit 3']);
    assert.equal(fail.code, 3);
    assert.match(fail.stderr, /oops/);
    const missing = await cli(['vm', 'exec', '--workspace', ws, '--', 'no-such-program-ring0']);
    assert.equal(missing.code, 127, missing.stderr);
  });

  it('sees a file rewritten on the host at once (no stale guest cache)', async () => {
    const f = path.join(ws, 'rebuilt.bin');
    writeFileSync(f, 'old contents\n');
    const first = await cli(['vm', 'exec', '--workspace', ws, '--', 'cat', f]);
    assert.equal(first.stdout.toString(), 'old contents\n');
    // Like clang and ld: a new file renamed over the old one (a new inode behind the same name).
    writeFileSync(`${f}.tmp`, 'new contents, longer\n');
    renameSync(`${f}.tmp`, f);
    const second = await cli(['vm', 'exec', '--workspace', ws, '--', 'cat', f]);
    assert.equal(second.stdout.toString(), 'new contents, longer\n');
  });

  it('kills a command at its timeout with exit 124', async () => {
    const r = await cli(['vm', 'exec', '--workspace', ws, '--timeout', '1', '--', 'sleep', '30']);
    assert.equal(r.code, 124, r.stderr);
    assert.match(r.stderr, /timed out/);
  });

  it('returns the right exit codes for 20 concurrent execs', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', `echo run-${i}; exit ${i}`])));
    results.forEach((r, i) => {
      assert.equal(r.code, i, `exec ${i}: ${r.stderr}`);
      assert.equal(r.stdout.toString(), `run-${i}\n`);
    });
  });

  it('delivers 10 MB of guest output intact', async () => {
    const r = await cli(['vm', 'exec', '--workspace', ws, '--', 'sh', '-c', 'head -c 10485760 /dev/urandom | tee big.bin']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 10 * 1024 * 1024);
    const viaShare = readFileSync(path.join(ws, 'big.bin'));
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    assert.equal(hash(r.stdout), hash(viaShare));
  });

  it('attaches a terminal to the serial console shell and detaches on Ctrl-]', async () => {
    const child = spawn(process.execPath, [CLI, 'vm', 'console', '--workspace', ws], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 20_000;
    // Retype until the shell has echoed the marker's output: the first bytes may reach it mid-prompt.
    while (!out.includes('console-ok-42') && Date.now() < deadline) {
      child.stdin.write('echo console-ok-$((40+2))\n');
      await new Promise((r) => setTimeout(r, 500));
    }
    child.stdin.write(Buffer.from([0x1d]));
    assert.equal(await exited, 0);
    assert.match(out, /console-ok-42/);
  });

  it('hard-resets the guest through QMP and serves execs again', async () => {
    const before = Number((await cli(['vm', 'exec', '--workspace', ws, '--', 'cut', '-d', ' ', '-f1', '/proc/uptime'])).stdout.toString());
    await new Promise((r) => setTimeout(r, 1500));
    const reset = await cli(['vm', 'reset', '--json', '--workspace', ws]);
    assert.equal(reset.code, 0, `${reset.stderr}\n${transcript(ws)}`);
    assert.ok(JSON.parse(reset.stdout.toString()).bootMs > 0);
    const after = Number((await cli(['vm', 'exec', '--workspace', ws, '--', 'cut', '-d', ' ', '-f1', '/proc/uptime'])).stdout.toString());
    assert.ok(after < before + 1.5, `uptime ${after} s after the reset, ${before} s before it`);
    const again = await cli(['vm', 'exec', '--workspace', ws, '--', 'cat', 'marker.txt']);
    assert.equal(again.stdout.toString(), 'workspace-one\n');
  });

  it('runs a second workspace VM beside the first without clashing', async () => {
    const ws2 = tempWorkspace();
    try {
      writeFileSync(path.join(ws2, 'marker.txt'), 'workspace-two\n');
      const start = await cli(['vm', 'start', '--workspace', ws2]);
      assert.equal(start.code, 0, `${start.stderr}\n${transcript(ws2)}`);
      const [one, two] = await Promise.all([
        cli(['vm', 'exec', '--workspace', ws, '--', 'cat', 'marker.txt']),
        cli(['vm', 'exec', '--workspace', ws2, '--', 'cat', 'marker.txt']),
      ]);
      assert.equal(one.stdout.toString(), 'workspace-one\n');
      assert.equal(two.stdout.toString(), 'workspace-two\n');
      assert.notEqual(readState(vmPaths(ws))?.pid, readState(vmPaths(ws2))?.pid);
    } finally {
      await disposeWorkspace(ws2);
    }
  });

  it('reads as stopped after QEMU is killed, leaves no stale sockets, and starts again', async () => {
    const before = readState(vmPaths(ws));
    assert.ok(before?.pid);
    process.kill(before.pid, 'SIGKILL');
    await waitFor(() => JSON.parse(readFileSync(vmPaths(ws).stateFile, 'utf8')).state === 'stopped', 15_000, 'state stopped');
    const status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString());
    assert.equal(status.state, 'stopped');
    const sockets = existsSync(vmPaths(ws).runDir) ? readdirSync(vmPaths(ws).runDir).filter((f) => f.endsWith('.sock')) : [];
    assert.deepEqual(sockets, []);
    const again = await cli(['vm', 'start', '--workspace', ws]);
    assert.equal(again.code, 0, `${again.stderr}\n${transcript(ws)}`);
    const r = await cli(['vm', 'exec', '--workspace', ws, '--', 'true']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('stops, and exec then explains that no VM is running', async () => {
    const stop = await cli(['vm', 'stop', '--workspace', ws]);
    assert.equal(stop.code, 0);
    assert.match(stop.stdout.toString(), /VM stopped/);
    const status = JSON.parse((await cli(['vm', 'status', '--json', '--workspace', ws])).stdout.toString());
    assert.equal(status.state, 'stopped');
    const exec = await cli(['vm', 'exec', '--workspace', ws, '--', 'true']);
    assert.equal(exec.code, 1);
    assert.match(exec.stderr, /no VM is running/);
  });
});
