// The VM's side of "your own kernel": `ring0.vm.kernel: "build"` (or a bzImage or directory of a Ring0
// build) becomes a KernelImage with the build's own modules, vmlinux and System.map; a build whose
// .config lacks what Ring0's guest needs is refused before boot, with the options' names.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BUILD_FAILED, missingAgentOptions, readBuildInfo, type BuildInfo } from '../kernels/build';
import { workspaceBuildDir } from '../kernels/settings';
import type { KernelImage } from './kernelImage';
import { gaveUpMessage, parseAgentGaveUp } from './agentGiveUp';
import type { SerialWatcher } from './serialWatch';

/** The value of ring0.vm.kernel / --kernel that names the workspace's own build. */
export const OWN_BUILD = 'build';

function fromInfo(info: BuildInfo): KernelImage {
  return {
    release: info.release,
    image: info.image,
    modulesDir: info.modulesDir,
    buildDir: info.buildDir,
    vmlinux: existsSync(info.vmlinux) ? info.vmlinux : undefined,
    systemMap: existsSync(info.systemMap) ? info.systemMap : undefined,
    packaged: false,
  };
}

function buildDirFor(setting: string): string | undefined {
  const abs = path.resolve(setting);
  if (!existsSync(abs)) return undefined;
  if (statSync(abs).isDirectory()) return readBuildInfo(abs) ? abs : undefined;
  // A bzImage of a Ring0 build: BUILD/arch/x86/boot/bzImage.
  const dir = path.resolve(path.dirname(abs), '..', '..', '..');
  return readBuildInfo(dir)?.image === abs ? dir : undefined;
}

/** A Ring0 build named by SETTING ('build', its bzImage or its directory), or undefined for anything else. */
export function resolveOwnKernel(setting: string | undefined, workspace: string | undefined): KernelImage | undefined {
  if (!setting) return undefined;
  let dir: string | undefined;
  if (setting === OWN_BUILD) {
    dir = workspaceBuildDir(workspace ?? process.cwd());
    if (!readBuildInfo(dir)) {
      throw new Error(`ring0.vm.kernel is "build" but ${dir} holds no finished kernel build: run \`ring0 kernel config\` then \`ring0 kernel build\` (or set ring0.kernel.buildDir)`);
    }
  } else {
    dir = buildDirFor(setting);
    if (!dir) return undefined;
  }
  if (existsSync(path.join(dir, BUILD_FAILED))) {
    throw new Error(`the last \`ring0 kernel build\` in ${dir} failed: fix its errors and build again (nothing was booted)`);
  }
  const info = readBuildInfo(dir)!;
  if (!existsSync(info.image)) throw new Error(`${info.image} is missing: run \`ring0 kernel build\` again`);
  return fromInfo(info);
}

/** Refuses a self-built kernel whose .config (found beside the image) lacks what the guest needs. */
export function checkOwnKernel(k: KernelImage): KernelImage {
  if (k.packaged) return k;
  const config = path.join(k.buildDir, '.config');
  if (!existsSync(config)) return k;
  const missing = missingAgentOptions(readFileSync(config, 'utf8'));
  if (missing.length) {
    throw new Error(`${k.image} was built without options Ring0's guest needs: ${missing.map((o) => `CONFIG_${o}`).join(', ')} (from ${config}). Configure it with \`ring0 kernel config\` (Ring0's fragment sets them), or add them to your fragment, and rebuild.`);
  }
  return k;
}

/** The fail-fast message when the guest gave up restarting its agent, else undefined. */
export function agentGaveUp(serial: SerialWatcher): string | undefined {
  serial.poll();
  const g = parseAgentGaveUp(serial.log);
  return g ? gaveUpMessage(g) : undefined;
}
