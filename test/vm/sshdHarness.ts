// A real OpenSSH sshd for the remote tests: its own config, host key and authorized key in a temp dir,
// on 127.0.0.1 on a free port, in the foreground (-D -e) and killed by pid. Never the machine's sshd.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Kills the server and its session processes by pid (the test of a dropped connection). */
  kill(): Promise<void>;
  /** Starts it again on the same port with the same keys. */
  restart(): Promise<void>;
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

/** Pids of a process's descendants, from /proc (sshd's session processes). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function launch(config: string): Promise<{ child: ChildProcess; log: () => string; up: boolean }> {
  const child: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ child, log: () => log, up: false }), 10_000);
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (/Server listening on 127\.0\.0\.1 port/.test(log)) {
        clearTimeout(timer);
        resolve({ child, log: () => log, up: true });
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve({ child, log: () => log, up: false });
    });
  });
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
  const config = path.join(dir, 'sshd_config');
  const writeConfig = (port: number) => writeFileSync(config, [
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
  let port = 0;
  let server: Awaited<ReturnType<typeof launch>> | undefined;
  for (let attempt = 0; !server; attempt++) {
    port = await freePort();
    writeConfig(port);
    const s = await launch(config);
    if (s.up) server = s;
    else {
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
      if (attempt < 3 && /Address already in use/.test(s.log())) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`sshd did not start:\n${s.log()}`);
    }
  }
  let earlier = '';
  const kill = async () => {
    const s = server!;
    const pid = s.child.pid!;
    for (const p of [...descendants(pid), pid]) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (s.child.exitCode === null && s.child.signalCode === null) await new Promise((r) => s.child.once('exit', r));
  };
  return {
    dir,
    port,
    user,
    url: `ssh://${user}@127.0.0.1:${port}`,
    userKey,
    hostKeyPub: readFileSync(`${hostKey}.pub`, 'utf8'),
    log: () => earlier + server!.log(),
    kill,
    async restart() {
      await kill();
      earlier += server!.log();
      const s = await launch(config);
      if (!s.up) throw new Error(`sshd did not start again:\n${s.log()}`);
      server = s;
    },
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
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
