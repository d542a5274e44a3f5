// `ring0.kernel.*` settings (source, buildDir, profile) from the workspace's .vscode/settings.json, and
// the defaults: the workspace when it is a kernel tree (else Debian's linux-source), a build directory
// outside the source under the workspace's .ring0/ or Ring0's cache.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ParseError } from 'jsonc-parser';
import { cacheDir } from '../util/paths';
import { kernelSourceDir } from '../host/kernelSource';
import { isProfile, type Profile } from './fragments';
import { isKernelTree } from './tree';

export interface KernelSettings {
  /** A kernel tree, 'debian', or '' for the default. */
  source: string;
  buildDir: string;
  profile: Profile;
}

export function coerceKernelSettings(raw: Record<string, unknown>, warn: (m: string) => void): KernelSettings {
  const out: KernelSettings = { source: '', buildDir: '', profile: 'minimal' };
  for (const key of ['source', 'buildDir'] as const) {
    const v = raw[`ring0.kernel.${key}`];
    if (v === undefined) continue;
    if (typeof v === 'string') out[key] = v;
    else warn(`ring0.kernel.${key} should be a path; using the default`);
  }
  const p = raw['ring0.kernel.profile'];
  if (p !== undefined) {
    if (typeof p === 'string' && isProfile(p)) out.profile = p;
    else warn('ring0.kernel.profile should be minimal, debug or bpf; using minimal');
  }
  return out;
}

export function readKernelSettings(workspace: string, warn: (m: string) => void = () => undefined): KernelSettings {
  let text: string;
  try {
    text = readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8');
  } catch {
    return coerceKernelSettings({}, warn);
  }
  const errors: ParseError[] = [];
  const raw: unknown = parse(text, errors, { allowTrailingComma: true });
  if (errors.length || typeof raw !== 'object' || raw === null) return coerceKernelSettings({}, warn);
  return coerceKernelSettings(raw as Record<string, unknown>, warn);
}

/** The source tree a setting or flag names: 'debian' is Ring0's unpacked linux-source; '' the workspace if it is a tree. */
export function resolveSource(setting: string, workspace: string): string {
  if (setting === 'debian' || (!setting && !isKernelTree(workspace))) {
    const dir = kernelSourceDir('6.1');
    if (!dir) throw new Error("Debian's kernel source is not unpacked: run `ring0 setup --kernel-source` (or pass --source DIR of a kernel tree)");
    return dir;
  }
  return path.resolve(workspace, setting || '.');
}

/** Where a tree's build goes by default: the workspace's .ring0/ when the tree is the workspace, else the cache. */
export function defaultBuildDir(source: string, profile: Profile, workspace: string): string {
  const rel = path.relative(path.resolve(workspace), source);
  if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return path.join(path.resolve(workspace), '.ring0', 'kernel', profile);
  return path.join(cacheDir(), 'kernels', `${path.basename(source)}-${profile}`);
}

export function resolveBuildDir(settings: KernelSettings, source: string, workspace: string, profile = settings.profile): string {
  return settings.buildDir ? path.resolve(workspace, settings.buildDir) : defaultBuildDir(source, profile, workspace);
}

/** The build directory `ring0.vm.kernel: "build"` means for WORKSPACE (its settings, else the defaults). */
export function workspaceBuildDir(workspace: string): string {
  const settings = readKernelSettings(workspace);
  if (settings.buildDir) return path.resolve(workspace, settings.buildDir);
  return resolveBuildDir(settings, resolveSource(settings.source, workspace), workspace);
}
