// Where gdb reaches QEMU's gdb stub: the stub's unix socket path itself, or, for a path gdb may not
// parse as a serial device (a ':' makes it HOST:PORT, white space splits it, sun_path holds 107 bytes;
// Ring0 passes only plain characters), a short symlink to it in a fresh 0700 directory. No TCP port
// is ever opened between gdb and QEMU.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface StubAddress {
  /** What to give `-target-select remote`: a unix socket path gdb connects to directly. */
  address: string;
  /** Removes the fallback link, if one was made. */
  close(): void;
}

const UNIX_PATH_MAX = 107;

/** True when gdb's `target remote PATH` takes this path as a unix socket as it is. */
export function gdbTakesPath(p: string): boolean {
  return /^\/[\w./+-]+$/.test(p) && Buffer.byteLength(p) <= UNIX_PATH_MAX;
}

export function stubAddress(socketPath: string, tmpRoot = os.tmpdir()): StubAddress {
  if (gdbTakesPath(socketPath)) return { address: socketPath, close: () => undefined };
  // mkdtemp makes the directory 0700, so no other user can swap the link.
  const dir = mkdtempSync(path.join(tmpRoot, 'ring0-gdb-'));
  const link = path.join(dir, 'stub');
  if (!gdbTakesPath(link)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot give gdb a path to the stub socket ${socketPath}: set TMPDIR to a short path without ':' or spaces`);
  }
  symlinkSync(socketPath, link);
  return { address: link, close: () => rmSync(dir, { recursive: true, force: true }) };
}
