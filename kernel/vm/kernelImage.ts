// Finds the kernel a VM boots: Debian's cloud kernel in /boot by default, or a user's own build,
// with the paths that go with it (modules, headers, DWARF vmlinux, System.map).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface KernelImage {
  /** `uname -r` of the kernel, e.g. 6.1.0-56-cloud-amd64. */
  release: string;
  image: string;
  /** /lib/modules/RELEASE (or the user's INSTALL_MOD_PATH equivalent); may not exist for a custom kernel. */
  modulesDir: string;
  /** Kbuild tree for out-of-tree modules. */
  buildDir: string;
  /** vmlinux with DWARF, when one is installed. */
  vmlinux?: string;
  systemMap?: string;
  /** True for Debian's packaged kernel, false for a user's build. */
  packaged: boolean;
}

export interface KernelRoots {
  boot: string;
  modules: string;
  debug: string;
}

export const SYSTEM_ROOTS: KernelRoots = { boot: '/boot', modules: '/lib/modules', debug: '/usr/lib/debug/boot' };

/** Splits a release into numeric and text parts so 6.1.0-56 sorts after 6.1.0-9. */
export function compareReleases(a: string, b: string): number {
  const pa = a.split(/[.\-+]/);
  const pb = b.split(/[.\-+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '';
    const y = pb[i] ?? '';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

/** The newest Debian cloud kernel installed, or undefined. */
export function findDefaultKernel(roots: KernelRoots = SYSTEM_ROOTS): KernelImage | undefined {
  let names: string[];
  try {
    names = readdirSync(roots.boot);
  } catch {
    return undefined;
  }
  const releases = names
    .filter((n) => n.startsWith('vmlinuz-') && n.endsWith('-cloud-amd64'))
    .map((n) => n.slice('vmlinuz-'.length))
    .sort(compareReleases);
  const release = releases.at(-1);
  if (!release) return undefined;
  return packagedKernel(release, roots);
}

export function packagedKernel(release: string, roots: KernelRoots = SYSTEM_ROOTS): KernelImage {
  const vmlinux = path.join(roots.debug, `vmlinux-${release}`);
  // Debian's /boot/System.map is a one-line placeholder; the real one comes with the -dbg package.
  const systemMap = [path.join(roots.debug, `System.map-${release}`), path.join(roots.boot, `System.map-${release}`)]
    .find((f) => existsSync(f) && statSync(f).size > 4096);
  return {
    release,
    image: path.join(roots.boot, `vmlinuz-${release}`),
    modulesDir: path.join(roots.modules, release),
    buildDir: path.join(roots.modules, release, 'build'),
    vmlinux: existsSync(vmlinux) ? vmlinux : undefined,
    systemMap,
    packaged: true,
  };
}

/**
 * A user's own kernel: `image` is a bzImage, usually TREE/arch/x86/boot/bzImage. The tree holds vmlinux,
 * System.map and include/config/kernel.release; modules come from `modulesDir` or TREE itself.
 */
export function customKernel(image: string, modulesDir?: string): KernelImage {
  const abs = path.resolve(image);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new Error(`Kernel image ${abs} does not exist. Set ring0.vm.kernel (or --kernel) to a bzImage, or leave it empty for Debian's cloud kernel.`);
  }
  const tree = findTreeRoot(abs);
  const release = tree ? readRelease(tree) : undefined;
  const vmlinux = tree && existsSync(path.join(tree, 'vmlinux')) ? path.join(tree, 'vmlinux') : undefined;
  const systemMap = tree && existsSync(path.join(tree, 'System.map')) ? path.join(tree, 'System.map') : undefined;
  return {
    release: release ?? path.basename(abs),
    image: abs,
    modulesDir: modulesDir ? path.resolve(modulesDir) : tree ?? path.dirname(abs),
    buildDir: tree ?? path.dirname(abs),
    vmlinux,
    systemMap,
    packaged: false,
  };
}

function findTreeRoot(image: string): string | undefined {
  let dir = path.dirname(image);
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'Kbuild')) || existsSync(path.join(dir, 'vmlinux'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function readRelease(tree: string): string | undefined {
  try {
    return readFileSync(path.join(tree, 'include/config/kernel.release'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
