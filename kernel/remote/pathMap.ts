// Maps paths between the local workspace and the remote workspace dir: argv going out (local → remote),
// output coming back (remote → local, as a byte stream that may split a path across chunks).
import path from 'node:path';

export interface PathMap {
  local: string;
  remote: string;
}

function under(p: string, dir: string): string | undefined {
  if (p === dir) return '';
  if (p.startsWith(dir.endsWith('/') ? dir : dir + '/')) return p.slice(dir.length).replace(/^\//, '');
  return undefined;
}

export function toRemote(map: PathMap, localPath: string): string | undefined {
  const rel = under(path.resolve(localPath), map.local);
  return rel === undefined ? undefined : rel ? path.posix.join(map.remote, rel.split(path.sep).join('/')) : map.remote;
}

export function toLocal(map: PathMap, remotePath: string): string | undefined {
  const rel = under(path.posix.normalize(remotePath), map.remote);
  return rel === undefined ? undefined : rel ? path.join(map.local, rel) : map.local;
}

/** A path in the text, mapped when it is the remote dir or inside it (not /remote/dir2). */
export function mapText(map: PathMap, text: string): string {
  const re = new RegExp(`${escapeRe(map.remote)}(?![A-Za-z0-9._~-])`, 'g');
  return text.replace(re, map.local);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const PATH_CHAR = /[A-Za-z0-9._~-]/;

/** A remote→local mapper for a byte stream: holds back only a tail that could still become the remote dir. */
export class StreamMapper {
  private pending = Buffer.alloc(0);
  private readonly needle: Buffer;
  private readonly replacement: Buffer;

  constructor(map: PathMap) {
    this.needle = Buffer.from(map.remote);
    this.replacement = Buffer.from(map.local);
  }

  push(chunk: Buffer): Buffer {
    const buf = Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let from = 0;
    let i = buf.indexOf(this.needle, from);
    while (i >= 0) {
      const end = i + this.needle.length;
      if (end === buf.length) break; // the next byte decides whether it is the dir or a longer name
      const next = String.fromCharCode(buf[end]);
      out.push(buf.subarray(from, i), PATH_CHAR.test(next) ? this.needle : this.replacement);
      from = end;
      i = buf.indexOf(this.needle, from);
    }
    const keep = i >= 0 ? i : this.partialTail(buf, from);
    out.push(buf.subarray(from, keep));
    this.pending = Buffer.from(buf.subarray(keep));
    return Buffer.concat(out);
  }

  /** The end of the stream: whatever is held back, mapped. */
  end(): Buffer {
    const rest = this.pending.equals(this.needle) ? this.replacement : this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }

  private partialTail(buf: Buffer, from: number): number {
    for (let k = Math.max(from, buf.length - this.needle.length + 1); k < buf.length; k++) {
      if (this.needle.subarray(0, buf.length - k).equals(buf.subarray(k))) return k;
    }
    return buf.length;
  }
}

/**
 * Command-line arguments for the remote CLI: absolute local paths in the workspace (also as
 * --opt=PATH) become remote ones; relative ones stay, since the remote command runs in the mapped cwd.
 */
export function mapArgv(map: PathMap, argv: readonly string[]): string[] {
  const one = (a: string) => (path.isAbsolute(a) ? toRemote(map, a) ?? a : a);
  return argv.map((a) => {
    const eq = /^(--[A-Za-z0-9-]+=)(.*)$/s.exec(a);
    return eq ? eq[1] + one(eq[2]) : one(a);
  });
}
