// Files of a workspace's .ring0/ that may hold what the guest printed (logs): created, or re-opened,
// readable by their owner only.
import { fchmodSync, openSync } from 'node:fs';

/** Opens `file` with `flags` ('w', 'a') as mode 0600, also when it already existed with a wider mode. */
export function openPrivate(file: string, flags: 'w' | 'a'): number {
  const fd = openSync(file, flags, 0o600);
  fchmodSync(fd, 0o600);
  return fd;
}
