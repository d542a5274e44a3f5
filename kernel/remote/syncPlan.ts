// What a sync does, decided from two file listings: push the workspace's sources (size + mtime, then
// hashes where those disagree), delete what the workspace no longer has, pull back the outputs the
// editor needs. Pure, so it is tested on listings alone.
export interface FileEntry {
  /** Path relative to the workspace, '/'-separated. */
  rel: string;
  size: number;
  /** Whole seconds: SFTP carries no finer mtime. */
  mtime: number;
  /** Permission bits. */
  mode: number;
}

const SKIP_DIRS = new Set(['.git', '.ring0', '.hg', '.svn']);
const OUTPUT_FILE = [
  /\.(o|ko|a|mod|mod\.c|dwo|order|symvers|tmp)$/,
  /(^|\/)\.[^/]*\.(cmd|d)$/,
  /(^|\/)(Module\.symvers|modules\.order|compile_commands\.json|\.cache\.mk)$/,
  /\.skel\.h$/,
];
/** Outputs the editor needs locally: modules, BPF objects and clangd's compile database. */
const PULL_FILE = /(\.ko|\.bpf\.o|(^|\/)compile_commands\.json)$/;

/** Whether a directory (relative path) is never synced: VCS data and Ring0's per-machine VM state. */
export function skippedDir(rel: string): boolean {
  return rel.split('/').some((part) => SKIP_DIRS.has(part) || part.startsWith('.tmp_'));
}

/** A build output the remote makes itself: never pushed, never deleted there. */
export function isBuildOutput(rel: string): boolean {
  return OUTPUT_FILE.some((re) => re.test(rel));
}

export function isPulledOutput(rel: string): boolean {
  return PULL_FILE.test(rel);
}

export interface PushPlan {
  upload: string[];
  /** Same size, different mtime: compare hashes before uploading. */
  compare: string[];
  /** Only the permission bits differ. */
  chmod: string[];
  delete: string[];
  /** Remote directories the uploads need (parents first). */
  mkdirs: string[];
}

function sources(list: FileEntry[]): Map<string, FileEntry> {
  const m = new Map<string, FileEntry>();
  for (const f of list) if (!isBuildOutput(f.rel) && !skippedDir(parentOf(f.rel))) m.set(f.rel, f);
  return m;
}

function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function planPush(local: FileEntry[], remote: FileEntry[], remoteDirs: string[] = []): PushPlan {
  const l = sources(local);
  const r = sources(remote);
  const plan: PushPlan = { upload: [], compare: [], chmod: [], delete: [], mkdirs: [] };
  for (const [rel, f] of l) {
    const o = r.get(rel);
    if (!o || o.size !== f.size) plan.upload.push(rel);
    else if (o.mtime !== f.mtime) plan.compare.push(rel);
    else if ((o.mode & 0o777) !== (f.mode & 0o777)) plan.chmod.push(rel);
  }
  for (const rel of r.keys()) if (!l.has(rel)) plan.delete.push(rel);
  const have = new Set(remoteDirs);
  const need = new Set<string>();
  for (const rel of plan.upload) for (let d = parentOf(rel); d && !have.has(d); d = parentOf(d)) need.add(d);
  plan.mkdirs = [...need].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
  for (const k of ['upload', 'compare', 'chmod', 'delete'] as const) plan[k].sort();
  return plan;
}

/** After hashing: files whose content differs are uploaded, the rest only get the local mtime. */
export function resolveCompare(compare: string[], localHash: Map<string, string>, remoteHash: Map<string, string>): { upload: string[]; touch: string[] } {
  const upload: string[] = [];
  const touch: string[] = [];
  for (const rel of compare) {
    const a = localHash.get(rel);
    if (a !== undefined && a === remoteHash.get(rel)) touch.push(rel);
    else upload.push(rel);
  }
  return { upload, touch };
}

/** Remote outputs that are new or changed against the local copies. */
export function planPull(local: FileEntry[], remote: FileEntry[]): string[] {
  const l = new Map(local.map((f) => [f.rel, f]));
  return remote
    .filter((f) => isPulledOutput(f.rel) && !skippedDir(parentOf(f.rel)))
    .filter((f) => {
      const o = l.get(f.rel);
      // A compile database is rewritten on the way back: its size differs by design.
      return !o || o.mtime !== f.mtime || (o.size !== f.size && !f.rel.endsWith('compile_commands.json'));
    })
    .map((f) => f.rel)
    .sort();
}

/** Parses `find -printf '%y %m %s %T@ %P\0'`: files and directories, relative to the listed dir. */
export function parseFindListing(out: string): { files: FileEntry[]; dirs: string[] } {
  const files: FileEntry[] = [];
  const dirs: string[] = [];
  for (const rec of out.split('\0')) {
    const m = /^([a-zA-Z]) ([0-7]+) (\d+) (\d+)(?:\.\d+)? (.+)$/s.exec(rec);
    if (!m) continue;
    if (m[1] === 'd') dirs.push(m[5]);
    else if (m[1] === 'f') files.push({ rel: m[5], size: Number(m[3]), mtime: Number(m[4]), mode: parseInt(m[2], 8) });
  }
  return { files, dirs };
}

/** compile_commands.json from the remote with its paths mapped to the local workspace. */
export function rewriteCompileCommands(text: string, map: (s: string) => string): string {
  const entries = JSON.parse(text) as Array<Record<string, unknown>>;
  if (!Array.isArray(entries)) throw new Error('compile_commands.json is not a JSON array');
  const mapped = entries.map((e) => {
    const o: Record<string, unknown> = { ...e };
    for (const k of ['directory', 'file', 'command', 'output']) if (typeof o[k] === 'string') o[k] = map(o[k] as string);
    if (Array.isArray(o.arguments)) o.arguments = o.arguments.map((a) => (typeof a === 'string' ? map(a) : a));
    return o;
  });
  return JSON.stringify(mapped, null, 2) + '\n';
}
