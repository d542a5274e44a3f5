// Crash dumps: QMP dump-guest-memory (ELF) into <workspace>/.ring0/dumps/, with the kernel's vmlinux
// recorded beside each dump (NAME.elf.json); listing, deleting, keeping at most N.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface DumpMeta {
  /** Absolute path of the ELF dump. */
  dump: string;
  release: string;
  /** The vmlinux with DWARF for `crash`/gdb; absent when the kernel had none (install linux-image-RELEASE-dbg). */
  vmlinux?: string;
  createdAt: number;
  reason: 'panic' | 'on-demand';
  /** The panic's one-line summary, for a dump taken on a panic. */
  summary?: string;
  sizeBytes: number;
}

export interface DumpEntry extends DumpMeta {
  name: string;
  vmlinuxExists: boolean;
}

/** Dumps QMP can run: `dump-guest-memory` (the daemon's QMP client, or a fake in tests). */
export interface DumpQmp {
  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T>;
}

export class DumpError extends Error {
  override readonly name = 'DumpError';
}

export function dumpsDir(workspace: string): string {
  return path.join(path.resolve(workspace), '.ring0', 'dumps');
}

function stamp(t: number): string {
  return new Date(t).toISOString().replace(/[:.]/g, '-').replace(/Z$/, '');
}

/** Free bytes where `dir` lives. */
function freeBytes(dir: string): number {
  const s = statfsSync(dir);
  return Number(s.bavail) * Number(s.bsize);
}

export interface SaveDumpOptions {
  workspace: string;
  /** Target file; default .ring0/dumps/vmcore-<time>.elf. */
  file?: string;
  release: string;
  vmlinux?: string;
  /** Guest RAM in bytes: an ELF dump is about this big. */
  memoryBytes: number;
  reason: DumpMeta['reason'];
  summary?: string;
  /** Keep at most this many dumps (oldest go first); 0 or undefined keeps all. */
  keep?: number;
}

/** Writes the dump. A full disk (checked before, or ENOSPC from QEMU) is a DumpError; the VM is left as it was. */
export async function saveDump(qmp: DumpQmp, o: SaveDumpOptions): Promise<DumpEntry> {
  const createdAt = Date.now();
  const file = path.resolve(o.file ?? path.join(dumpsDir(o.workspace), `vmcore-${stamp(createdAt)}.elf`));
  if (!file.endsWith('.elf')) throw new DumpError(`dump files end in .elf (got ${file})`);
  mkdirSync(path.dirname(file), { recursive: true });
  if (existsSync(file)) throw new DumpError(`${file} already exists: pick another name or delete it (ring0 vm dumps --delete)`);
  const need = o.memoryBytes + (16 << 20);
  const free = freeBytes(path.dirname(file));
  if (free < need) throw new DumpError(`not enough disk space for a dump in ${path.dirname(file)}: ${mib(free)} free, the dump needs about ${mib(need)}. The VM keeps running; free space or delete old dumps (ring0 vm dumps --delete NAME).`);
  try {
    await qmp.execute('dump-guest-memory', { paging: false, protocol: `file:${file}` });
  } catch (e) {
    rmSync(file, { force: true });
    const msg = (e as Error).message;
    if (/No space left|ENOSPC/i.test(msg)) throw new DumpError(`the disk filled up while writing ${file} (the partial dump was removed); the VM is kept: free space and try again`);
    throw new DumpError(`QEMU could not write the dump ${file}: ${msg}`);
  }
  const meta: DumpMeta = { dump: file, release: o.release, ...(o.vmlinux ? { vmlinux: o.vmlinux } : {}), createdAt, reason: o.reason, ...(o.summary ? { summary: o.summary } : {}), sizeBytes: statSync(file).size };
  writeFileSync(`${file}.json`, JSON.stringify(meta, null, 2) + '\n', { mode: 0o600 });
  if (o.keep && o.keep > 0) pruneDumps(path.dirname(file), o.keep);
  return entry(path.basename(file), meta);
}

function mib(n: number): string {
  return `${(n / (1 << 20)).toFixed(0)} MiB`;
}

function entry(name: string, m: DumpMeta): DumpEntry {
  return { ...m, name, vmlinuxExists: !!m.vmlinux && existsSync(m.vmlinux) };
}

/** Dumps in a directory (default the workspace's), newest first. A dump without its .json is listed with what its file says. */
export function listDumps(dir: string): DumpEntry[] {
  if (!existsSync(dir)) return [];
  const out: DumpEntry[] = [];
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.elf')) continue;
    const file = path.join(dir, f);
    let meta: DumpMeta;
    try {
      meta = JSON.parse(readFileSync(`${file}.json`, 'utf8')) as DumpMeta;
      meta.sizeBytes = statSync(file).size;
    } catch {
      const st = statSync(file);
      meta = { dump: file, release: 'unknown', createdAt: st.mtimeMs, reason: 'on-demand', sizeBytes: st.size };
    }
    out.push(entry(f, { ...meta, dump: file }));
  }
  return out.sort((a, b) => b.createdAt - a.createdAt);
}

/** Removes a dump (by name or path) and its .json. */
export function deleteDump(dir: string, nameOrPath: string): string {
  const base = path.basename(nameOrPath);
  const file = path.join(dir, base.endsWith('.elf') ? base : `${base}.elf`);
  if (!existsSync(file)) throw new DumpError(`no dump ${base} in ${dir} (ring0 vm dumps lists them)`);
  rmSync(file, { force: true });
  rmSync(`${file}.json`, { force: true });
  return file;
}

export function pruneDumps(dir: string, keep: number): string[] {
  return listDumps(dir).slice(keep).map((d) => deleteDump(dir, d.name));
}

/** The dump a user names: a path, a name in the workspace's dumps, or 'latest'. */
export function resolveDump(workspace: string, arg: string): DumpEntry {
  const dir = dumpsDir(workspace);
  const all = listDumps(dir);
  if (arg === 'latest') {
    if (!all[0]) throw new DumpError(`no dumps in ${dir}: take one with ring0 vm dump (a panic saves one too)`);
    return all[0];
  }
  const p = path.resolve(arg);
  const found = all.find((d) => d.dump === p || d.name === arg || d.name === `${arg}.elf`);
  if (found) return found;
  if (existsSync(p)) return listDumps(path.dirname(p)).find((d) => d.dump === p) ?? entry(path.basename(p), { dump: p, release: 'unknown', createdAt: statSync(p).mtimeMs, reason: 'on-demand', sizeBytes: statSync(p).size });
  throw new DumpError(`no dump ${arg} (ring0 vm dumps lists the workspace's dumps)`);
}
