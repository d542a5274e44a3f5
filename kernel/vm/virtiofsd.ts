// Starts one virtiofsd per share per boot. The host root is shared through a read-only bind mount in a
// private mount namespace (when root), so guest writes can never reach it even if the guest remounts.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';

export const VIRTIOFSD_CANDIDATES = ['/usr/lib/qemu/virtiofsd', '/usr/libexec/virtiofsd'];

/** virtiofsd: RING0_VIRTIOFSD for a custom build, else Debian's. */
export function findVirtiofsd(): string {
  const override = process.env.RING0_VIRTIOFSD;
  const found = override ? (existsSync(override) ? override : undefined) : VIRTIOFSD_CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error('virtiofsd is missing: install the Debian package qemu-system-x86 (apt-get install qemu-system-x86), or run `ring0 setup`.');
  return found;
}

export interface VirtiofsdOptions {
  binary: string;
  source: string;
  socket: string;
  log: string;
  /** Share read-only: bind-mount the source read-only in a private mount namespace first. */
  readOnly?: { mountPoint: string };
  cache: 'auto' | 'always' | 'none';
}

export function virtiofsdArgs(o: Pick<VirtiofsdOptions, 'socket' | 'source' | 'cache'>): string[] {
  return [`--socket-path=${o.socket}`, '-o', `source=${o.source}`, '-o', `cache=${o.cache}`, '-o', 'sandbox=chroot', '-o', 'log_level=warn'];
}

export function spawnVirtiofsd(o: VirtiofsdOptions): ChildProcess {
  const logFd = openSync(o.log, 'a');
  try {
    if (o.readOnly && process.getuid?.() === 0) {
      mkdirSync(o.readOnly.mountPoint, { recursive: true });
      // A fixed script; every value reaches it as a positional parameter, never spliced into the text.
      const script = 'mount --bind -o ro "$1" "$2" && shift 2 && exec "$@"';
      return spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'ring0-virtiofsd', o.source, o.readOnly.mountPoint,
        o.binary, ...virtiofsdArgs({ ...o, source: o.readOnly.mountPoint })], { stdio: ['ignore', logFd, logFd] });
    }
    return spawn(o.binary, virtiofsdArgs(o), { stdio: ['ignore', logFd, logFd] });
  } finally {
    closeSync(logFd);
  }
}

export async function waitForSocket(path: string, child: ChildProcess, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before creating ${path}`);
    if (Date.now() > deadline) throw new Error(`${what} did not create ${path} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
