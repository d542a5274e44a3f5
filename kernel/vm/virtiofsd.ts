// Starts one virtiofsd per share per boot, as root or (for users) inside a user namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, closeSync } from 'node:fs';
import { openPrivate } from '../util/privateFile';

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

/**
 * How virtiofsd is started. As root, the host root goes through a read-only bind mount in a private
 * mount namespace. As a user, virtiofsd (which needs root) runs as root of a new user namespace, with
 * a private /run for its pid file; guest writes then happen with the user's own uid. A read-only bind
 * of / cannot be made there (its locked mount flags refuse the remount), so for users the host root is
 * protected by the guest's read-only mount under a tmpfs overlay.
 */
export function virtiofsdCommand(o: VirtiofsdOptions, isRoot: boolean): { file: string; args: string[] } {
  if (isRoot && o.readOnly) {
    // A fixed script; every value reaches it as a positional parameter, never spliced into the text.
    const script = 'mount --bind -o ro "$1" "$2" && shift 2 && exec "$@"';
    return {
      file: 'unshare',
      args: ['--mount', '--propagation', 'private', '--', 'sh', '-c', script, 'ring0-virtiofsd', o.source, o.readOnly.mountPoint,
        o.binary, ...virtiofsdArgs({ ...o, source: o.readOnly.mountPoint })],
    };
  }
  if (!isRoot) {
    const script = 'mount -t tmpfs tmpfs /run && exec "$@"';
    return { file: 'unshare', args: ['--user', '--map-root-user', '--mount', '--', 'sh', '-c', script, 'ring0-virtiofsd', o.binary, ...virtiofsdArgs(o)] };
  }
  return { file: o.binary, args: virtiofsdArgs(o) };
}

export function spawnVirtiofsd(o: VirtiofsdOptions): ChildProcess {
  if (o.readOnly) mkdirSync(o.readOnly.mountPoint, { recursive: true });
  const { file, args } = virtiofsdCommand(o, process.getuid?.() === 0);
  const logFd = openPrivate(o.log, 'a');
  try {
    return spawn(file, args, { stdio: ['ignore', logFd, logFd] });
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
