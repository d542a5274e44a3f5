// Recognises a kernel source tree (top Makefile with VERSION, Kconfig, arch/x86) and says what is wrong
// with one Ring0 cannot build out of tree: another architecture only, or a dirty in-tree build.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface KernelTree {
  dir: string;
  /** VERSION.PATCHLEVEL.SUBLEVEL plus EXTRAVERSION, as `make kernelversion` prints it. */
  version: string;
}

export class NotAKernelTree extends Error {}

/** VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION from the top Makefile's text; undefined when it is not a kernel's. */
export function parseMakefileVersion(text: string): string | undefined {
  const head = text.split('\n').slice(0, 40);
  const get = (k: string) => head.map((l) => new RegExp(`^${k}\\s*=\\s*(\\S*)\\s*$`).exec(l)).find(Boolean)?.[1];
  const version = get('VERSION');
  const patch = get('PATCHLEVEL');
  if (!version || !/^\d+$/.test(version) || patch === undefined || !/^\d+$/.test(patch)) return undefined;
  const sub = get('SUBLEVEL') ?? '0';
  return `${version}.${patch}.${sub || '0'}${get('EXTRAVERSION') ?? ''}`;
}

/** The tree at DIR, or throws NotAKernelTree with what is missing and how to fix it. */
export function recognizeTree(dir: string): KernelTree {
  const abs = path.resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new NotAKernelTree(`${abs} does not exist; pass --source DIR (a kernel tree) or --source debian`);
  const makefile = path.join(abs, 'Makefile');
  const version = existsSync(makefile) ? parseMakefileVersion(readFileSync(makefile, 'utf8')) : undefined;
  if (!version || !existsSync(path.join(abs, 'Kconfig'))) {
    throw new NotAKernelTree(`${abs} is not a kernel tree (no top Makefile with VERSION/PATCHLEVEL, or no Kconfig); pass --source DIR of a Linux tree, or --source debian for Debian's linux-source (ring0 setup --kernel-source)`);
  }
  if (!existsSync(path.join(abs, 'arch', 'x86', 'Kconfig'))) {
    throw new NotAKernelTree(`${abs} is a kernel tree without arch/x86: Ring0's VM is x86_64 (qemu-system-x86_64); use a tree that includes arch/x86`);
  }
  // Kbuild refuses O= builds of a tree configured in place ("source tree is not clean").
  const dirty = ['.config', 'include/config/auto.conf', 'include/generated/autoconf.h'].filter((f) => existsSync(path.join(abs, f)));
  if (dirty.length) {
    throw new NotAKernelTree(`${abs} has an in-tree build (${dirty.join(', ')}); Ring0 builds out of tree (make O=…), which Kbuild refuses until the tree is clean: run \`make -C ${abs} mrproper\` (save your .config first and pass it as --fragment)`);
  }
  return { dir: abs, version };
}

/** Whether DIR looks like a kernel tree, for defaults (a workspace that is one is the source). */
export function isKernelTree(dir: string): boolean {
  try {
    recognizeTree(dir);
    return true;
  } catch (e) {
    // A dirty tree is still a tree: recognising it lets the error above reach the user.
    return e instanceof NotAKernelTree && /in-tree build/.test(e.message);
  }
}
