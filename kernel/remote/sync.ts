// Syncs the workspace to the remote workspace dir over SFTP (incremental, see syncPlan) and brings the
// outputs the editor needs back, compile_commands.json with its paths mapped to the local workspace.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import type { RemoteConnection } from './connect';
import { RemoteError } from './errors';
import { execCollect } from './exec';
import { mapText, type PathMap } from './pathMap';
import { isBuildOutput, isPulledOutput, parseFindListing, planPull, planPush, resolveCompare, rewriteCompileCommands, skippedDir, type FileEntry } from './syncPlan';

export interface SyncStats {
  uploaded: number;
  hashed: number;
  touched: number;
  deleted: number;
  unchanged: number;
  bytes: number;
}

export type SyncProgress = (label: string, fraction?: number) => void;

/** The local workspace's files (regular files only; symlinks and skipped dirs left out). */
export function listLocal(root: string): FileEntry[] {
  const out: FileEntry[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path.join(dir, name));
      if (st.isDirectory()) {
        if (!skippedDir(r)) walk(path.join(dir, name), r);
      } else if (st.isFile()) {
        out.push({ rel: r, size: st.size, mtime: Math.floor(st.mtimeMs / 1000), mode: st.mode & 0o7777 });
      }
    }
  };
  walk(root, '');
  return out;
}

/** Lists the remote dir in one round trip (creating it first when asked). */
export async function listRemote(conn: RemoteConnection, dir: string, create = false): Promise<{ files: FileEntry[]; dirs: string[] }> {
  const find = ['find', '.', '(', '-name', '.git', '-o', '-name', '.ring0', ')', '-prune', '-o', '-mindepth', '1', '-printf', '%y %m %s %T@ %P\\0'];
  const r = create ? await execCollect(conn, ['sh', '-c', 'mkdir -p "$0" && cd "$0" && exec "$@"', dir, ...find]) : await execCollect(conn, find, { cwd: dir });
  if (r.code !== 0) throw new RemoteError('sync', `${conn.label}: cannot list ${dir}: ${r.stderr.trim()}`);
  return parseFindListing(r.stdout.toString());
}

function hashLocal(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (d) => h.update(d)).on('error', reject).on('end', () => resolve(h.digest('hex')));
  });
}

async function hashRemote(conn: RemoteConnection, dir: string, rels: string[]): Promise<Map<string, string>> {
  const r = await execCollect(conn, ['xargs', '-0', 'sha256sum', '-z', '--'], { cwd: dir, stdin: rels.join('\0') + '\0' });
  const m = new Map<string, string>();
  for (const rec of r.stdout.toString().split('\0')) {
    const x = /^([0-9a-f]{64}) [ *](.+)$/s.exec(rec);
    if (x) m.set(x[2], x[1]);
  }
  return m;
}

function sftpCall<T>(f: (cb: (err: Error | null | undefined, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((err, v) => (err ? reject(err) : resolve(v as T))));
}

/** The remote disk is the usual reason an SFTP write fails ("Failure"): say so when it is. */
async function writeFailure(conn: RemoteConnection, dir: string, rel: string, e: Error): Promise<RemoteError> {
  const df = await execCollect(conn, ['df', '-Pk', dir]).catch(() => undefined);
  const avail = df ? Number(df.stdout.toString().trim().split('\n').pop()?.split(/\s+/)[3]) : NaN;
  if (Number.isFinite(avail) && avail < 1024) return new RemoteError('disk-full', `${conn.label}: the remote disk is full at ${dir} (${avail} KiB free) while copying ${rel}; free space there and sync again (nothing local was changed)`);
  return new RemoteError('sync', `${conn.label}: cannot write ${dir}/${rel}: ${e.message}`);
}

/** Makes the remote workspace dir match the local workspace's sources. */
export async function pushWorkspace(conn: RemoteConnection, map: PathMap, progress: SyncProgress = () => undefined): Promise<SyncStats> {
  progress(`Comparing ${map.local} with ${conn.label}:${map.remote}`);
  const local = listLocal(map.local);
  const remote = await listRemote(conn, map.remote, true);
  const plan = planPush(local, remote.files, remote.dirs);
  const byRel = new Map(local.map((f) => [f.rel, f]));
  let touch: string[] = [];
  if (plan.compare.length) {
    const lh = new Map<string, string>();
    for (const rel of plan.compare) lh.set(rel, await hashLocal(path.join(map.local, rel)));
    const rh = await hashRemote(conn, map.remote, plan.compare);
    const r = resolveCompare(plan.compare, lh, rh);
    plan.upload.push(...r.upload);
    touch = r.touch;
  }
  if (plan.mkdirs.length) {
    const r = await execCollect(conn, ['xargs', '-0', 'mkdir', '-p', '--'], { cwd: map.remote, stdin: plan.mkdirs.join('\0') + '\0' });
    if (r.code !== 0) throw new RemoteError('sync', `${conn.label}: cannot create directories in ${map.remote}: ${r.stderr.trim()}`);
  }
  // SFTP only when there is something to copy: it costs a subsystem start on the remote.
  const sftp = plan.upload.length || touch.length || plan.chmod.length ? await conn.sftp() : undefined;
  let bytes = 0;
  const total = plan.upload.reduce((n, rel) => n + (byRel.get(rel)?.size ?? 0), 0);
  const queue = [...plan.upload];
  const worker = async () => {
    for (let rel = queue.shift(); rel !== undefined; rel = queue.shift()) {
      const f = byRel.get(rel)!;
      const dst = `${map.remote}/${rel}`;
      const tmp = `${map.remote}/${rel}.ring0-part`;
      try {
        await sftpCall<void>((cb) => sftp!.fastPut(path.join(map.local, rel), tmp, { mode: f.mode }, cb));
        await sftpCall<void>((cb) => sftp!.chmod(tmp, f.mode, cb));
        await sftpCall<void>((cb) => sftp!.utimes(tmp, f.mtime, f.mtime, cb));
        await sftpCall<void>((cb) => sftp!.ext_openssh_rename(tmp, dst, cb));
      } catch (e) {
        await sftpCall<void>((cb) => sftp!.unlink(tmp, cb)).catch(() => undefined);
        throw await writeFailure(conn, map.remote, rel, e as Error);
      }
      bytes += f.size;
      progress(`Copying ${plan.upload.length} file(s) to ${conn.label}`, total ? bytes / total : undefined);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  for (const rel of [...touch, ...plan.chmod]) {
    const f = byRel.get(rel)!;
    await sftpCall<void>((cb) => sftp!.chmod(`${map.remote}/${rel}`, f.mode, cb));
    await sftpCall<void>((cb) => sftp!.utimes(`${map.remote}/${rel}`, f.mtime, f.mtime, cb));
  }
  if (plan.delete.length) {
    const r = await execCollect(conn, ['xargs', '-0', 'rm', '-f', '--'], { cwd: map.remote, stdin: plan.delete.join('\0') + '\0' });
    if (r.code !== 0) throw new RemoteError('sync', `${conn.label}: cannot delete stale files in ${map.remote}: ${r.stderr.trim()}`);
  }
  const changed = plan.upload.length + touch.length + plan.chmod.length;
  return { uploaded: plan.upload.length, hashed: plan.compare.length, touched: touch.length, deleted: plan.delete.length, unchanged: local.filter((f) => !isBuildOutput(f.rel)).length - changed, bytes };
}

/** Brings back new or changed .ko, .bpf.o and compile_commands.json files; returns their local paths. */
export async function pullOutputs(conn: RemoteConnection, map: PathMap): Promise<string[]> {
  const remote = await listRemote(conn, map.remote);
  const want = planPull(listLocalOutputs(map.local), remote.files);
  if (want.length === 0) return [];
  const sftp = await conn.sftp();
  const byRel = new Map(remote.files.map((f) => [f.rel, f]));
  const got: string[] = [];
  for (const rel of want) {
    const f = byRel.get(rel)!;
    const dst = path.join(map.local, ...rel.split('/'));
    mkdirSync(path.dirname(dst), { recursive: true });
    if (rel === 'compile_commands.json' || rel.endsWith('/compile_commands.json')) {
      const text = (await sftpCall<Buffer>((cb) => sftp.readFile(`${map.remote}/${rel}`, cb))).toString('utf8');
      const mapped = (() => {
        try {
          return rewriteCompile(text, map);
        } catch {
          return mapText(map, text);
        }
      })();
      writeFileAtomic(dst, mapped);
    } else {
      const tmp = `${dst}.ring0-part`;
      try {
        await sftpCall<void>((cb) => sftp.fastGet(`${map.remote}/${rel}`, tmp, cb));
        renameSync(tmp, dst);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new RemoteError('sync', `cannot bring ${rel} back from ${conn.label}: ${(e as Error).message}`);
      }
    }
    utimesSync(dst, f.mtime, f.mtime);
    got.push(dst);
  }
  return got;
}

function rewriteCompile(text: string, map: PathMap): string {
  return rewriteCompileCommands(text, (s) => mapText(map, s));
}

function listLocalOutputs(root: string): FileEntry[] {
  try {
    return listLocal(root).filter((f) => isPulledOutput(f.rel));
  } catch {
    return [];
  }
}
