// Write-then-rename for Ring0's state files (vm.json, progress.json, caches): the data goes to a temp
// file beside the target, is flushed, and replaces the target only when complete. A failed write
// (a full disk) removes the temp file and leaves the old contents as they were.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

let counter = 0;

export function writeFileAtomic(file: string, data: string | Buffer, opts: { mode?: number } = {}): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++counter}.tmp`);
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', opts.mode ?? 0o644);
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : err.code === 'EDQUOT' ? 'disk quota exceeded (EDQUOT)' : err.message;
    const out = new Error(`cannot write ${file}: ${why}; its previous contents are unchanged`) as NodeJS.ErrnoException;
    if (err.code) out.code = err.code;
    throw out;
  }
}
