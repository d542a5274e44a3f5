// The remote host through a real OpenSSH sshd on 127.0.0.1: host key checks, auth, and Ring0's CLI
// running there (the remote workspace dir differs from the local one, so paths are mapped back).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectRemote } from '../../kernel/remote/connect';
import { RemoteError } from '../../kernel/remote/errors';
import { parseRemoteUrl } from '../../kernel/remote/url';
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
