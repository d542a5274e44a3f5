// Builds the guest initramfs: busybox-static, /init, the agent and the virtio/fuse/overlay modules
// (dependencies first). Cached by content hash; the per-boot settings go in a small second archive.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeCpio, type CpioEntry } from './cpio';
import { builtinModules, loadOrder, moduleName, readModulesDep } from './modules';

/** What the guest needs before it can see the shares: the PCI transport, the agent's port, virtiofs, overlay. */
export const GUEST_MODULES = ['virtio_pci', 'virtio_console', 'virtiofs', 'overlay'];

/** Bump when the layout of the image changes, so old cached images are not reused. */
const FORMAT = 3;

export interface InitramfsInputs {
  busybox: string;
  agent: string;
  modulesDir: string;
  /** kernel/guest: init.sh and stage2.sh. */
  guestDir: string;
}

export interface BuiltInitramfs {
  path: string;
  hash: string;
  cached: boolean;
  modules: string[];
}

export interface BootConfig {
  /** Absolute host path of the workspace, mounted at the same path in the guest. */
  workspace?: string;
  shareHostRoot: boolean;
  hostname?: string;
  /** Boots, prints RING0-PROBE-OK on the console and powers off: the KVM probe. */
  probe?: boolean;
}

const APPLET_DIR = 'bin';

export function busyboxApplets(busyboxHelp: string): string[] {
  // `busybox --list` prints one applet per line.
  return busyboxHelp.split('\n').map((s) => s.trim()).filter((s) => /^[a-z0-9_.[-]+$/.test(s) && s !== 'busybox');
}

export function buildInitramfs(inputs: InitramfsInputs, applets: string[], cacheDir: string): BuiltInitramfs {
  // A kernel built without modules (virtio, fuse, overlay built in) has no modules.dep: load nothing.
  const hasDep = existsSync(path.join(inputs.modulesDir, 'modules.dep'));
  const order = hasDep ? loadOrder(readModulesDep(inputs.modulesDir), GUEST_MODULES, builtinModules(inputs.modulesDir)) : [];
  const files = {
    busybox: readFileSync(inputs.busybox),
    agent: readFileSync(inputs.agent),
    init: readFileSync(path.join(inputs.guestDir, 'init.sh')),
    stage2: readFileSync(path.join(inputs.guestDir, 'stage2.sh')),
  };
  const modules = order.map((rel) => {
    if (/\.ko\.(xz|zst|gz)$/.test(rel)) {
      throw new Error(`${rel} is compressed; Ring0's initramfs needs uncompressed modules (build your kernel with CONFIG_MODULE_COMPRESS_NONE=y)`);
    }
    return { name: `${moduleName(rel)}.ko`, data: readFileSync(path.join(inputs.modulesDir, rel)) };
  });

  const hash = createHash('sha256');
  hash.update(`ring0-initramfs-${FORMAT}\0`);
  for (const b of [files.busybox, files.agent, files.init, files.stage2]) hash.update(createHash('sha256').update(b).digest());
  for (const m of modules) hash.update(m.name).update(createHash('sha256').update(m.data).digest());
  hash.update(applets.join(','));
  const digest = hash.digest('hex').slice(0, 24);

  const dir = path.join(cacheDir, 'initramfs');
  const out = path.join(dir, `${digest}.cpio`);
  const result = { path: out, hash: digest, modules: modules.map((m) => m.name) };
  if (existsSync(out)) return { ...result, cached: true };

  const entries: CpioEntry[] = [];
  for (const d of ['bin', 'sbin', 'usr', 'usr/bin', 'usr/sbin', 'proc', 'sys', 'dev', 'tmp', 'run', 'mnt', 'etc', 'root', 'ring0', 'ring0/modules']) {
    entries.push({ kind: 'dir', path: d });
  }
  entries.push(
    { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
    { kind: 'chardev', path: 'dev/null', major: 1, minor: 3, mode: 0o666 },
    { kind: 'file', path: 'bin/busybox', data: files.busybox, mode: 0o755 },
    { kind: 'file', path: 'init', data: files.init, mode: 0o755 },
    { kind: 'file', path: 'ring0/stage2', data: files.stage2, mode: 0o755 },
    { kind: 'file', path: 'ring0/ring0-agent', data: files.agent, mode: 0o755 },
    { kind: 'file', path: 'ring0/modules.order', data: Buffer.from(modules.map((m) => `${m.name}\n`).join('')) },
    { kind: 'file', path: 'etc/passwd', data: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
    { kind: 'file', path: 'etc/group', data: Buffer.from('root:x:0:\n') },
  );
  for (const m of modules) entries.push({ kind: 'file', path: `ring0/modules/${m.name}`, data: m.data });
  for (const a of applets) entries.push({ kind: 'symlink', path: `${APPLET_DIR}/${a}`, target: 'busybox' });

  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, writeCpio(entries));
  renameSync(tmp, out);
  return { ...result, cached: false };
}

/** Shell-quotes a value for /ring0/config, which /init sources. */
export function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function bootConfigText(cfg: BootConfig): string {
  const lines = [
    `R0_WORKSPACE=${shellQuote(cfg.workspace ?? '')}`,
    `R0_HOSTROOT=${cfg.shareHostRoot ? 1 : 0}`,
    `R0_HOSTNAME=${shellQuote(cfg.hostname ?? 'ring0')}`,
    `R0_PROBE=${cfg.probe ? 1 : ''}`,
  ];
  return lines.join('\n') + '\n';
}

/** The cached base image with a per-boot config archive appended (the kernel unpacks both). */
export function writeBootInitrd(base: string, cfg: BootConfig, out: string): void {
  const config = writeCpio([
    { kind: 'dir', path: 'ring0' },
    { kind: 'file', path: 'ring0/config', data: Buffer.from(bootConfigText(cfg)) },
  ]);
  writeFileSync(out, Buffer.concat([readFileSync(base), config]));
}
