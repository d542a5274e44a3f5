// `ring0 remote setup`: copies this Ring0 (dist/cli.js, the guest sources, the lab catalog) to
// ~/.cache/ring0/remote/<version>-<hash> on the remote over SFTP, then runs its `setup` there.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { RING0_VERSION } from '../version';
import type { RemoteConnection } from './connect';
import { RemoteError } from './errors';
import { execCollect } from './exec';

/** The Ring0 checkout or package this code runs from: the folder with package.json and dist/cli.js. */
export function ring0Root(from = __dirname): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'dist', 'cli.js'))) return dir;
  }
  throw new Error(`cannot find Ring0's dist/cli.js above ${from} (run node scripts/build.mjs)`);
}

const PAYLOAD_DIRS = ['kernel/guest', 'labs/catalog'];

/** What a remote install holds, relative to the root. */
export function payloadFiles(root: string): string[] {
  const out = ['package.json', 'dist/cli.js'];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const r = `${rel}/${name}`;
      if (statSync(path.join(root, r)).isDirectory()) walk(r);
      else out.push(r);
    }
  };
  for (const d of PAYLOAD_DIRS) walk(d);
  return out;
}

export function payloadHash(root: string, files: string[]): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(path.join(root, f))).update('\0');
  return h.digest('hex').slice(0, 12);
}

export interface RemoteInstall {
  /** Where it lives on the remote. */
  dir: string;
  cli: string;
  version: string;
}

/** The remote user's home. */
export async function remoteHome(conn: RemoteConnection): Promise<string> {
  const r = await execCollect(conn, ['sh', '-c', 'cd && pwd -P']);
  const home = r.stdout.toString().trim();
  if (r.code !== 0 || !home.startsWith('/')) throw new RemoteError('sync', `${conn.label}: cannot find the home directory: ${r.stderr.trim()}`);
  return home;
}

/** Where installs go on the remote: ~/.cache/ring0/remote, or RING0_REMOTE_INSTALL_DIR (a remote path). */
export async function expectedInstall(conn: RemoteConnection, root = ring0Root(), home?: string): Promise<RemoteInstall> {
  const base = process.env.RING0_REMOTE_INSTALL_DIR || `${home ?? (await remoteHome(conn))}/.cache/ring0/remote`;
  const dir = `${base}/${RING0_VERSION}-${payloadHash(root, payloadFiles(root))}`;
  return { dir, cli: `${dir}/dist/cli.js`, version: RING0_VERSION };
}

/** Node.js 20+ on the remote's PATH, or a RemoteError saying how to get it. */
export async function checkRemoteNode(conn: RemoteConnection): Promise<string> {
  const r = await execCollect(conn, ['node', '--version']);
  const v = r.stdout.toString().trim();
  if (r.code !== 0) throw new RemoteError('no-node', `${conn.label} has no node on its PATH: Ring0 runs there as a Node.js program; install Node.js 20 or newer (Debian: apt-get install nodejs)`);
  const major = Number(/^v(\d+)/.exec(v)?.[1]);
  if (!(major >= 20)) throw new RemoteError('no-node', `${conn.label} has Node.js ${v}; Ring0 needs 20 or newer there`);
  return v;
}

export type InstallProgress = (label: string, fraction?: number) => void;

/** Copies the payload unless the same one is there already; returns the install. */
export async function installRemote(conn: RemoteConnection, progress: InstallProgress, root = ring0Root()): Promise<RemoteInstall & { copied: boolean }> {
  await checkRemoteNode(conn);
  const files = payloadFiles(root);
  const inst = await expectedInstall(conn, root);
  const there = await execCollect(conn, ['test', '-f', inst.cli]);
  if (there.code === 0) return { ...inst, copied: false };
  const part = `${inst.dir}.part-${process.pid}`;
  const dirs = [...new Set(files.map((f) => path.posix.dirname(f)).filter((d) => d !== '.'))];
  const mk = await execCollect(conn, ['sh', '-c', 'mkdir -p "$0" && cd "$0" && xargs -0 mkdir -p --', part], { stdin: dirs.join('\0') + '\0' });
  if (mk.code !== 0) throw new RemoteError('sync', `${conn.label}: cannot create ${part}: ${mk.stderr.trim()}`);
  const sftp = await conn.sftp();
  const total = files.reduce((n, f) => n + statSync(path.join(root, f)).size, 0);
  let done = 0;
  const label = `Copying Ring0 to ${conn.label} (${files.length} files, ${(total / 1e6).toFixed(1)} MB)`;
  const queue = [...files];
  const worker = async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const file = f;
      await new Promise<void>((resolve, reject) => sftp.fastPut(path.join(root, file), `${part}/${file}`, (err) => (err ? reject(new RemoteError('sync', `${conn.label}: cannot copy ${file}: ${err.message}`)) : resolve())));
      done += statSync(path.join(root, file)).size;
      progress(label, done / total);
    }
  };
  progress(label, 0);
  await Promise.all(Array.from({ length: 8 }, worker));
  const mv = await execCollect(conn, ['sh', '-c', 'rm -rf "$1" && mv "$0" "$1"', part, inst.dir]);
  if (mv.code !== 0) throw new RemoteError('sync', `${conn.label}: cannot move ${part} into place: ${mv.stderr.trim()}`);
  progress(`Ring0 ${inst.version} copied to ${conn.label}:${inst.dir}`, 1);
  return { ...inst, copied: true };
}
