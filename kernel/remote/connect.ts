// Opens an SSH connection with ssh2: key files and ssh-agent (no password stored), host key checked
// against known_hosts (an unknown key only with acceptNewHostKey), failures turned into RemoteErrors.
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, utils, type AnyAuthMethod, type ClientChannel, type KeyboardInteractiveCallback, type Prompt as SshPrompt, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { RemoteError } from './errors';
import { checkHostKey, knownHostsEntry, knownKeyTypes, type HostKeyVerdict, type KnownHostsFile } from './knownHosts';
import { formatRemoteUrl, type RemoteUrl } from './url';

/** Asks the person (terminal or VS Code input box); undefined when nobody can answer. */
export type Prompt = (question: string, secret: boolean) => Promise<string | undefined>;

export interface ConnectOptions {
  url: RemoteUrl;
  /** Key files to offer; default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa where they exist. */
  identityFiles?: string[];
  /** ssh-agent socket; default SSH_AUTH_SOCK. */
  agentSocket?: string;
  /** Where keys are looked up and a new one recorded (the first); default ~/.ssh/known_hosts. */
  knownHostsFiles?: string[];
  acceptNewHostKey?: boolean;
  prompt?: Prompt;
  readyTimeoutMs?: number;
  /** Told when a new host key was recorded. */
  onNotice?: (message: string) => void;
}

export function defaultIdentityFiles(home = os.homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => path.join(home, '.ssh', n)).filter((f) => existsSync(f));
}

export function defaultKnownHostsFiles(home = os.homedir()): string[] {
  return [path.join(home, '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'];
}

function readKnownHosts(files: string[]): KnownHostsFile[] {
  return files.map((p) => {
    try {
      return { path: p, text: readFileSync(p, 'utf8') };
    } catch {
      return { path: p, text: '' };
    }
  });
}

function recordHostKey(file: string, url: RemoteUrl, key: Buffer): void {
  const dir = path.dirname(file);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const fresh = !existsSync(file);
  appendFileSync(file, knownHostsEntry(url.host, url.port, key), { mode: 0o600 });
  if (fresh) chmodSync(file, 0o600);
}

export function hostKeyMessage(url: RemoteUrl, v: HostKeyVerdict): string {
  const where = `${url.host}${url.port === 22 ? '' : ` port ${url.port}`}`;
  switch (v.kind) {
    case 'unknown':
      return `the host key of ${where} is not in known_hosts (${v.keyType} ${v.fingerprint})${v.otherTypes.length ? `; only ${v.otherTypes.join(', ')} keys are recorded for it` : ''}. Check the fingerprint with the host's owner (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${v.keyType.replace(/^ssh-|-sha2-nistp\d+$/g, '')}_key.pub), then connect once with --accept-new-host-key`;
    case 'changed':
      return `the host key of ${where} has CHANGED (now ${v.keyType} ${v.fingerprint}); it does not match ${v.file}:${v.line}. Someone may be intercepting the connection, or the host was reinstalled: ask its owner, and if the new key is right remove line ${v.line} from ${v.file} (ssh-keygen -R '${url.port === 22 ? url.host : `[${url.host}]:${url.port}`}')`;
    case 'revoked':
      return `the host key of ${where} (${v.fingerprint}) is marked @revoked in ${v.file}:${v.line}: refusing to connect`;
    case 'known':
      return '';
  }
}

/** Host key algorithms in ssh2's order, the types already known for this host first. */
function hostKeyOrder(known: string[]): string[] {
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const isKnown = (alg: string) => known.includes(alg) || (alg.startsWith('rsa-sha2') && known.includes('ssh-rsa'));
  return [...all.filter(isKnown), ...all.filter((a) => !isKnown(a))];
}

type AuthStep = { kind: 'agent'; socket: string } | { kind: 'file'; file: string } | { kind: 'keyboard' };

export class RemoteConnection {
  private sftpPromise?: Promise<SFTPWrapper>;
  private closedReason?: string;
  readonly label: string;

  constructor(readonly client: Client, readonly url: RemoteUrl) {
    this.label = formatRemoteUrl(url);
    client.on('close', () => (this.closedReason ??= `the connection to ${this.label} dropped`));
    client.on('error', (e) => (this.closedReason = `the connection to ${this.label} dropped (${e.message})`));
  }

  get closed(): string | undefined {
    return this.closedReason;
  }

  /** Runs a command line (already quoted for the remote shell) on an exec channel. */
  exec(command: string, opts: { pty?: boolean } = {}): Promise<ClientChannel> {
    if (this.closedReason) return Promise.reject(new RemoteError('dropped', this.closedReason));
    return new Promise((resolve, reject) => {
      this.client.exec(command, { pty: opts.pty ?? false }, (err, ch) => (err ? reject(new RemoteError('dropped', `${this.label}: cannot open a channel: ${err.message}`)) : resolve(ch)));
    });
  }

  sftp(): Promise<SFTPWrapper> {
    this.sftpPromise ??= new Promise((resolve, reject) => {
      this.client.sftp((err, s) => (err ? reject(new RemoteError('sync', `${this.label}: SFTP is not available (${err.message}); the server needs an sftp Subsystem`)) : resolve(s)));
    });
    return this.sftpPromise;
  }

  close(): void {
    this.closedReason ??= 'closed';
    this.client.end();
  }
}

export function connectRemote(opts: ConnectOptions): Promise<RemoteConnection> {
  const { url } = opts;
  const label = formatRemoteUrl(url);
  const knownFiles = opts.knownHostsFiles ?? defaultKnownHostsFiles();
  const agent = opts.agentSocket ?? process.env.SSH_AUTH_SOCK;
  const steps: AuthStep[] = [];
  if (agent && existsSync(agent)) steps.push({ kind: 'agent', socket: agent });
  for (const file of opts.identityFiles ?? defaultIdentityFiles()) steps.push({ kind: 'file', file });
  if (opts.prompt) steps.push({ kind: 'keyboard' });
  const tried: string[] = [];
  const skipped: string[] = [];
  let hostKeyProblem: RemoteError | undefined;

  const nextStep = async (methodsLeft: string[] | null): Promise<AnyAuthMethod | false> => {
    for (let s = steps.shift(); s; s = steps.shift()) {
      const method = s.kind === 'keyboard' ? 'keyboard-interactive' : 'publickey';
      if (methodsLeft && !methodsLeft.includes(method)) continue;
      if (s.kind === 'agent') {
        tried.push(`ssh-agent (${s.socket})`);
        return { type: 'agent', username: url.user, agent: s.socket };
      }
      if (s.kind === 'keyboard') {
        tried.push('keyboard-interactive');
        const prompt = opts.prompt!;
        return {
          type: 'keyboard-interactive',
          username: url.user,
          prompt: (_name: string, instructions: string, _lang: string, prompts: SshPrompt[], finish: KeyboardInteractiveCallback) => {
            void (async () => {
              const answers: string[] = [];
              for (const p of prompts) answers.push((await prompt(`${label}: ${instructions ? instructions + ' ' : ''}${p.prompt}`, !p.echo)) ?? '');
              finish(answers);
            })();
          },
        };
      }
      let data: Buffer;
      try {
        data = readFileSync(s.file);
      } catch (e) {
        skipped.push(`${s.file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        continue;
      }
      let parsed = utils.parseKey(data);
      if (parsed instanceof Error && /passphrase/i.test(parsed.message)) {
        const pass = opts.prompt ? await opts.prompt(`Passphrase for ${s.file}: `, true) : undefined;
        if (pass === undefined) {
          skipped.push(`${s.file} (encrypted; no terminal to ask its passphrase: add it to ssh-agent with ssh-add)`);
          continue;
        }
        parsed = utils.parseKey(data, pass);
      }
      if (parsed instanceof Error) {
        skipped.push(`${s.file} (${parsed.message})`);
        continue;
      }
      tried.push(s.file);
      return { type: 'publickey', username: url.user, key: Array.isArray(parsed) ? parsed[0] : parsed };
    }
    return false;
  };

  const config: ConnectConfig = {
    host: url.host,
    port: url.port,
    username: url.user,
    readyTimeout: opts.readyTimeoutMs ?? 20_000,
    keepaliveInterval: 5_000,
    keepaliveCountMax: 3,
    algorithms: { serverHostKey: hostKeyOrder(knownKeyTypes(readKnownHosts(knownFiles), url.host, url.port)) as never },
    hostVerifier: ((key: Buffer, verify: (ok: boolean) => void) => {
      const verdict = checkHostKey(readKnownHosts(knownFiles), url.host, url.port, key);
      if (verdict.kind === 'known') return verify(true);
      if (verdict.kind === 'unknown' && opts.acceptNewHostKey) {
        try {
          recordHostKey(knownFiles[0], url, key);
        } catch (e) {
          hostKeyProblem = new RemoteError('host-key-unknown', `cannot record the host key in ${knownFiles[0]}: ${(e as Error).message}`);
          return verify(false);
        }
        opts.onNotice?.(`Recorded the host key of ${label} (${verdict.keyType} ${verdict.fingerprint}) in ${knownFiles[0]}.`);
        return verify(true);
      }
      hostKeyProblem = new RemoteError(verdict.kind === 'unknown' ? 'host-key-unknown' : verdict.kind === 'changed' ? 'host-key-changed' : 'host-key-revoked', `${label}: ${hostKeyMessage(url, verdict)}`);
      verify(false);
    }) as never,
    authHandler: ((methodsLeft: string[] | null, _partial: boolean | null, cb: (m: AnyAuthMethod | false) => void) => {
      nextStep(methodsLeft).then(cb, () => cb(false));
    }) as never,
  };

  return new Promise((resolve, reject) => {
    const client = new Client();
    let settled = false;
    client.once('ready', () => {
      settled = true;
      resolve(new RemoteConnection(client, url));
    });
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(hostKeyProblem ?? translate(e));
    });
    client.on('close', () => {
      if (settled) return;
      settled = true;
      reject(hostKeyProblem ?? new RemoteError('unreachable', `${label}: the server closed the connection during the handshake`));
    });
    client.connect(config);
  });

  function translate(e: Error & { level?: string; code?: string }): RemoteError {
    const where = `${url.host}:${url.port}`;
    if (e.level === 'client-authentication') {
      const offered = tried.length ? `offered: ${tried.join(', ')}` : 'nothing to offer (no ssh-agent, no key file)';
      return new RemoteError('auth', `${label} refused authentication as '${url.user}' (${offered}${skipped.length ? `; skipped: ${skipped.join('; ')}` : ''}). Add your public key to ${url.user}'s ~/.ssh/authorized_keys there, give the key with --identity FILE (ring0.remote.identityFile), or load it into ssh-agent`);
    }
    if (e.level === 'client-timeout') return new RemoteError('timeout', `${label}: no SSH handshake from ${where} within ${Math.round((config.readyTimeout ?? 20_000) / 1000)} s (is it an SSH server, and is the network up?)`);
    const reason: Record<string, string> = {
      ECONNREFUSED: 'connection refused: no SSH server listens there (check the host and port)',
      ENOTFOUND: 'no such host name (check the spelling, or DNS)',
      EAI_AGAIN: 'the host name could not be resolved right now (DNS)',
      EHOSTUNREACH: 'host unreachable (check the network or VPN)',
      ENETUNREACH: 'network unreachable',
      ETIMEDOUT: 'timed out connecting (a firewall, or the host is down)',
      ECONNRESET: 'the connection was reset',
    };
    if (e.code && reason[e.code]) return new RemoteError('unreachable', `cannot reach ${label} (${where}): ${reason[e.code]}`);
    return new RemoteError('unreachable', `${label}: ${e.message}`);
  }
}
