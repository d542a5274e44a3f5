// A real OpenSSH sshd for the remote tests: its own config, host key and authorized key in a temp dir,
// on 127.0.0.1 on a free port, in the foreground (-D -e) and killed by pid. Never the machine's sshd.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SSHD = '/usr/sbin/sshd';
const SFTP_SERVER = ['/usr/lib/openssh/sftp-server', '/usr/libexec/sftp-server'].find((p) => existsSync(p)) ?? '/usr/lib/openssh/sftp-server';

export interface Sshd {
  dir: string;
  port: number;
  user: string;
  url: string;
  /** The client key the server authorizes (no passphrase). */
  userKey: string;
  hostKeyPub: string;
  /** Its stderr so far (the -e log), for a failing test's output. */
  log(): string;
  /** Kills the server by pid (sessions die with it: the test of a dropped connection). */
  kill(): Promise<void>;
  dispose(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function keygen(file: string, comment: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

export async function startSshd(): Promise<Sshd> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: apt-get install openssh-server`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ring0-sshd-'));
  chmodSync(dir, 0o700);
  const hostKey = path.join(dir, 'host_ed25519');
  const userKey = path.join(dir, 'user_ed25519');
  keygen(hostKey, 'ring0-test-host');
  keygen(userKey, 'ring0-test-user');
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, readFileSync(`${userKey}.pub`), { mode: 0o600 });
  // sshd insists on its privilege-separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const user = os.userInfo().username;
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = path.join(dir, 'sshd_config');
    writeFileSync(config, [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'AllowStreamLocalForwarding yes',
      `Subsystem sftp ${SFTP_SERVER}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n'));
    const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const up = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      const check = () => {
        if (/Server listening on 127\.0\.0\.1 port/.test(log)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stderr!.on('data', check);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (!up) {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (attempt < 3 && /Address already in use/.test(log)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start:\n${log}`);
    }
    const kill = () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid!, 'SIGKILL');
    });
    return {
      dir,
      port,
      user,
      url: `ssh://${user}@127.0.0.1:${port}`,
      userKey,
      hostKeyPub: readFileSync(`${hostKey}.pub`, 'utf8'),
      log: () => log,
      kill,
      async dispose() {
        await kill();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** An ssh-agent in the foreground on its own socket, holding `key`; killed by pid. */
export async function startAgent(dir: string, key: string): Promise<{ socket: string; dispose(): Promise<void> }> {
  const socket = path.join(dir, 'agent.sock');
  const child = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  const add = spawnSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
  if (add.status !== 0) {
    child.kill('SIGKILL');
    throw new Error(`ssh-add failed: ${add.stderr}`);
  }
  return {
    socket,
    dispose: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      process.kill(child.pid!, 'SIGKILL');
    }),
  };
}

/** A known_hosts line for the test server's key (what a person would have after checking it). */
export function knownHostsLine(s: Sshd): string {
  const [type, b64] = s.hostKeyPub.trim().split(/\s+/);
  return `[127.0.0.1]:${s.port} ${type} ${b64}\n`;
}
