// Debian's linux-source package ships the kernel tree as a tarball in /usr/src; Ring0 unpacks it once
// into its cache so the debugger can show the real files (gdb maps the build paths onto it).
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/run';
import { cacheDir } from '../util/paths';
import { findDefaultKernel } from '../vm/kernelImage';

/** The series of a kernel release (6.1 for 6.1.0-57-cloud-amd64); 6.1 when unknown. */
export function kernelSeriesOf(release: string | undefined): string {
  return /^(\d+\.\d+)/.exec(release ?? '')?.[1] ?? '6.1';
}

/** The series of the newest installed cloud kernel. */
export function kernelSeries(): string {
  return kernelSeriesOf(findDefaultKernel()?.release);
}

/** The unpacked tree for kernel series SERIES (e.g. 6.1), wherever it is, or undefined. */
export function kernelSourceDir(series = '6.1'): string | undefined {
  for (const dir of [path.join(cacheDir(), `linux-source-${series}`), `/usr/src/linux-source-${series}`]) {
    if (existsSync(path.join(dir, 'Makefile')) && existsSync(path.join(dir, 'kernel'))) return dir;
  }
  return undefined;
}

/** Unpacks /usr/src/linux-source-SERIES.tar.xz into the cache (about 1.2 GB); returns the tree. */
export async function unpackKernelSource(series = '6.1', progress: (label: string) => void = () => undefined): Promise<string> {
  const existing = kernelSourceDir(series);
  if (existing) return existing;
  const tarball = `/usr/src/linux-source-${series}.tar.xz`;
  if (!existsSync(tarball)) throw new Error(`${tarball} is missing: install it with 'ring0 setup --kernel-source' (Debian's linux-source-${series})`);
  const partial = path.join(cacheDir(), `linux-source-${series}.partial`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const started = Date.now();
  const timer = setInterval(() => progress(`Unpacking ${path.basename(tarball)} (about 1.2 GB, ${Math.round((Date.now() - started) / 1000)} s)`), 1000);
  try {
    const r = await run('tar', ['-xJf', tarball, '-C', partial], { timeoutMs: 30 * 60_000 });
    if (r.code !== 0) throw new Error(`tar could not unpack ${tarball}: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`);
  } finally {
    clearInterval(timer);
  }
  // The tarball holds one top folder, linux-source-SERIES: move it into place in one step.
  const dest = path.join(cacheDir(), `linux-source-${series}`);
  renameSync(path.join(partial, `linux-source-${series}`), dest);
  rmSync(partial, { recursive: true, force: true });
  return dest;
}
