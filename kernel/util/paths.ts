// Where Ring0 keeps what lives outside a repo: one cache folder for kernels, initramfs images, gdb's
// index, vmlinux.h files, the KVM probe result and the real-VS-Code test host.
import os from 'node:os';
import path from 'node:path';

export function cacheDir(): string {
  if (process.env.RING0_CACHE_DIR) return path.resolve(process.env.RING0_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'ring0');
}
