// The remote host through a real OpenSSH sshd on 127.0.0.1: host key checks, auth, and Ring0's CLI
// running there (the remote workspace dir differs from the local one, so paths are mapped back).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectRemote } from '../../kernel/remote/connect';
import { RemoteError } from '../../kernel/remote/errors';
import { parseRemoteUrl } from '../../kernel/remote/url';
import { pushWorkspace } from '../../kernel/remote/sync';
import { CLI, cli, killVm, tempWorkspace, transcript, type CliResult } from './helpers';
import { freePort, knownHostsLine, startAgent, startSshd, type Sshd } from './sshdHarness';

function rejectsWith(p: Promise<unknown>, failure: string, re: RegExp) {
  return assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof RemoteError, String(e));
    assert.equal(e.failure, failure, e.message);
    assert.match(e.message, re);
    return true;
  });
}

describe('remote host over a real sshd', () => {
  let sshd: Sshd;
  let home: string;
  let knownHosts: string;
  before(async () => {
    sshd = await startSshd();
    home = mkdtempSync(path.join(os.tmpdir(), 'ring0-remote-home-'));
    mkdirSync(path.join(home, '.ssh'), { mode: 0o700 });
    knownHosts = path.join(home, '.ssh', 'known_hosts');
  });
  after(async () => {
    await sshd?.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  const base = () => ({ url: parseRemoteUrl(sshd.url), identityFiles: [sshd.userKey], agentSocket: '', knownHostsFiles: [knownHosts] });

  it('refuses an unknown host key with its SHA256 fingerprint, and records it only when accepted', async () => {
    rmSync(knownHosts, { force: true });
    const fp = (await import('node:child_process')).spawnSync('ssh-keygen', ['-lf', '-'], { input: sshd.hostKeyPub, encoding: 'utf8' }).stdout.split(' ')[1];
    assert.match(fp, /^SHA256:/);
    await rejectsWith(connectRemote(base()), 'host-key-unknown', new RegExp(`not in known_hosts \\(ssh-ed25519 ${fp.replace(/[+/]/g, '\\$&')}\\).*--accept-new-host-key`));
    assert.throws(() => readFileSync(knownHosts), /ENOENT/, 'nothing recorded without the flag');
    const notices: string[] = [];
    const c = await connectRemote({ ...base(), acceptNewHostKey: true, onNotice: (m) => notices.push(m) });
    c.close();
    assert.match(notices.join('\n'), /Recorded the host key/);
    assert.equal(readFileSync(knownHosts, 'utf8'), knownHostsLine(sshd));
    // Now known: a plain connection works.
    (await connectRemote(base())).close();
  });

  it('refuses a changed host key, naming the known_hosts line', async () => {
    const other = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    writeFileSync(knownHosts, `# comment\nexample.org ssh-ed25519 ${other}\n[127.0.0.1]:${sshd.port} ssh-ed25519 ${other}\n`);
    await rejectsWith(connectRemote({ ...base(), acceptNewHostKey: true }), 'host-key-changed', new RegExp(`CHANGED.*${knownHosts.replace(/[.]/g, '\\.')}:3`));
    assert.doesNotMatch(readFileSync(knownHosts, 'utf8'), /host_ed25519|\n.*\n.*\n.+/, 'the changed key was not appended even with --accept-new-host-key');
  });

  it('matches a hashed known_hosts entry', async () => {
    const { knownHostsEntry } = await import('../../kernel/remote/knownHosts');
    const [, b64] = sshd.hostKeyPub.trim().split(/\s+/);
    writeFileSync(knownHosts, knownHostsEntry('127.0.0.1', sshd.port, Buffer.from(b64, 'base64'), true));
    assert.match(readFileSync(knownHosts, 'utf8'), /^\|1\|/);
    (await connectRemote(base())).close();
  });

  it('authenticates through ssh-agent with no key file', async () => {
    const agent = await startAgent(home, sshd.userKey);
    try {
      const c = await connectRemote({ ...base(), identityFiles: [], agentSocket: agent.socket });
      c.close();
    } finally {
      await agent.dispose();
    }
  });

  it('says which keys it offered when authentication is refused', async () => {
    const stranger = path.join(home, 'stranger');
    (await import('node:child_process')).spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    await rejectsWith(connectRemote({ ...base(), identityFiles: [stranger, path.join(home, 'missing')] }), 'auth', new RegExp(`refused authentication as '${sshd.user}' \\(offered: ${stranger}; skipped: ${home}/missing \\(ENOENT\\)\\).*authorized_keys`));
  });

  it('says a host is unreachable when nothing listens on the port', async () => {
    const port = await freePort();
    await rejectsWith(connectRemote({ ...base(), url: parseRemoteUrl(`ssh://${sshd.user}@127.0.0.1:${port}`) }), 'unreachable', /connection refused: no SSH server listens there/);
  });
});

describe('ring0 --remote through a real sshd and a real VM', () => {
  let sshd: Sshd;
  let home: string;
  let ws: string;
  let scratch: string;
  let remoteWs: string;
  let env: NodeJS.ProcessEnv;
  let R: string[];
  const run = (args: string[], timeoutMs?: number) => cli([...R, ...args], { cwd: ws, env, ...(timeoutMs ? { timeoutMs } : {}) });
  const why = (r: CliResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n--- sshd\n${sshd.log().slice(-2000)}\n${transcript(remoteWs)}`;

  before(async () => {
    sshd = await startSshd();
    home = mkdtempSync(path.join(os.tmpdir(), 'ring0-remote-home-'));
    ws = tempWorkspace('ring0-local-ws-');
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ring0-remote-side-'));
    remoteWs = path.join(scratch, 'remote', 'workspace');
    // HOME holds the test's own ~/.ssh/known_hosts; installs go to a fresh dir; no ssh-agent of the caller.
    env = { HOME: home, SSH_AUTH_SOCK: '', RING0_REMOTE_INSTALL_DIR: path.join(scratch, 'install') };
    R = ['--remote', sshd.url, '--identity', sshd.userKey, '--remote-dir', remoteWs];
    writeFileSync(path.join(ws, 'hello.txt'), 'from the laptop\n');
    mkdirSync(path.join(ws, 'mod'));
    writeFileSync(path.join(ws, 'mod', 'Makefile'), 'obj-m += hello_remote.o\n');
    writeFileSync(path.join(ws, 'mod', 'hello_remote.c'), MODULE.replace('RETURN', 'undeclared_thing'));
  });
  after(async () => {
    await cli([...R, 'vm', 'stop'], { cwd: ws, env, timeoutMs: 30_000 }).catch(() => undefined);
    killVm(remoteWs);
    await sshd?.dispose();
    for (const d of [home, ws, scratch]) rmSync(d, { recursive: true, force: true });
  });

  it('refuses the unknown host key from the CLI, then installs Ring0 there with remote setup', async () => {
    const refused = await run(['remote', 'doctor']);
    assert.equal(refused.code, 255, why(refused));
    assert.match(refused.stderr, /not in known_hosts \(ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\).*--accept-new-host-key/);
    const notYet = await cli([...R, '--accept-new-host-key', 'remote', 'doctor'], { cwd: ws, env });
    assert.equal(notYet.code, 255, why(notYet));
    assert.match(notYet.stderr, /Recorded the host key[\s\S]*is not installed on .*run 'ring0 remote setup/);
    const setup = await run(['remote', 'setup'], 300_000);
    assert.equal(setup.code, 0, why(setup));
    assert.match(setup.stderr, /Ring0 \S+ installed on .* in .*\/install\/[^/]+\.[\s\S]*Ring0 is ready\./);
    const again = await run(['remote', 'setup'], 300_000);
    assert.match(again.stderr, /is already installed on/, why(again));
    const doctor = await run(['remote', 'doctor']);
    assert.equal(doctor.code, 0, why(doctor));
    assert.match(doctor.stdout.toString(), /node: +v\d+[\s\S]*All required dependencies are present/);
  });

  it('runs `run -- uname -r` on the remote, in the remote workspace dir, with paths mapped back', async () => {
    const r = await run(['run', '--', 'sh', '-c', 'uname -r; pwd; cat hello.txt; exit 3']);
    assert.equal(r.code, 3, why(r));
    const [release, pwd, hello] = r.stdout.toString().split('\n');
    assert.match(release, /^\d+\.\d+\.\d+-/);
    assert.equal(pwd, ws, 'the guest ran in the remote dir, shown as the local one');
    assert.equal(hello, 'from the laptop');
    assert.equal(readFileSync(path.join(remoteWs, 'hello.txt'), 'utf8'), 'from the laptop\n', 'the workspace was synced to the remote dir');
  });

  it('builds a module there: the error names the local file; the fixed build brings .ko and compile_commands.json back', async () => {
    const bad = await run(['build', 'module', 'mod', '--json']);
    assert.equal(bad.code, 1, why(bad));
    const diags = JSON.parse(bad.stdout.toString()).diagnostics as Array<{ file: string; line: number; message: string }>;
    const d = diags.find((x) => /undeclared_thing/.test(x.message));
    assert.ok(d, JSON.stringify(diags));
    assert.equal(d.file, path.join(ws, 'mod', 'hello_remote.c'));
    assert.equal(d.line, 3);
    writeFileSync(path.join(ws, 'mod', 'hello_remote.c'), MODULE.replace('RETURN', '0'));
    const good = await run(['build', 'module', 'mod']);
    assert.equal(good.code, 0, why(good));
    assert.match(good.stdout.toString(), new RegExp(`built: ${path.join(ws, 'mod', 'hello_remote.ko')}`));
    assert.ok(readFileSync(path.join(ws, 'mod', 'hello_remote.ko')).subarray(0, 4).equals(Buffer.from('\x7fELF', 'latin1')));
    const cc = JSON.parse(readFileSync(path.join(ws, 'mod', 'compile_commands.json'), 'utf8')) as Array<{ file: string }>;
    assert.equal(cc[0].file, path.join(ws, 'mod', 'hello_remote.c'));
    assert.doesNotMatch(JSON.stringify(cc), new RegExp(remoteWs));
  });

  it('syncs incrementally: nothing when unchanged, hashes only where the mtime moved', async () => {
    const conn = await connectRemote({ url: parseRemoteUrl(sshd.url), identityFiles: [sshd.userKey], agentSocket: '', knownHostsFiles: [path.join(home, '.ssh', 'known_hosts')] });
    try {
      const map = { local: ws, remote: remoteWs };
      const first = await pushWorkspace(conn, map);
      assert.equal(first.uploaded, 0, JSON.stringify(first));
      const t = new Date(Date.now() + 5_000);
      utimesSync(path.join(ws, 'hello.txt'), t, t);
      const touched = await pushWorkspace(conn, map);
      assert.deepEqual([touched.hashed, touched.touched, touched.uploaded], [1, 1, 0], JSON.stringify(touched));
      writeFileSync(path.join(ws, 'hello.txt'), 'FROM THE LAPTOP\n');
      const changed = await pushWorkspace(conn, map);
      assert.equal(changed.uploaded, 1, JSON.stringify(changed));
      assert.equal(readFileSync(path.join(remoteWs, 'hello.txt'), 'utf8'), 'FROM THE LAPTOP\n');
      rmSync(path.join(ws, 'hello.txt'));
      const removed = await pushWorkspace(conn, map);
      assert.equal(removed.deleted, 1);
      assert.equal(existsSync(path.join(remoteWs, 'mod', 'hello_remote.ko')), true, 'the remote\'s build outputs stay');
    } finally {
      conn.close();
    }
  });

  it('starts the VM there, loads the module, runs vm exec', async () => {
    const start = await run(['vm', 'start']);
    assert.equal(start.code, 0, why(start));
    const load = await run(['load', 'mod/hello_remote.ko']);
    assert.equal(load.code, 0, why(load));
    const ex = await run(['vm', 'exec', '--', 'sh', '-c', 'grep -c "^hello_remote " /proc/modules; pwd']);
    assert.equal(ex.code, 0, why(ex));
    assert.equal(ex.stdout.toString(), `1\n${ws}\n`);
  });

  it('says the connection dropped when the server dies mid-command; the VM keeps running and is found on reconnect', async () => {
    const child = spawn(process.execPath, [CLI, ...R, 'vm', 'exec', '--', 'sh', '-c', 'echo started; sleep 120'], { cwd: ws, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 600 && !out.includes('started'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, /started/, err);
    await sshd.kill();
    const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('hung'), 30_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    assert.equal(code, 255, `stderr: ${err}`);
    assert.match(err, /dropped[\s\S]*while running 'ring0 vm exec[\s\S]*keeps running there/);
    await sshd.restart();
    const st = await run(['vm', 'status', '--json']);
    assert.equal(st.code, 0, why(st));
    assert.equal(JSON.parse(st.stdout.toString()).state, 'running');
    const stop = await run(['vm', 'stop']);
    assert.match(stop.stdout.toString(), /VM stopped/, why(stop));
  });
});

const MODULE = `#include <linux/module.h>
#include <linux/init.h>
static int __init hello_init(void) { pr_info("hello remote\\n"); return RETURN; }
static void __exit hello_exit(void) { }
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
`;
