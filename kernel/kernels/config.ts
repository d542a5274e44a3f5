// `ring0 kernel config`: tinyconfig (or the build's existing .config) + kvm_guest.config + Ring0's QEMU
// fragment + the profile + the user's fragments, then olddefconfig; every option asked for that Kconfig
// did not keep is reported by name with what blocked it.
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/run';
import { countBuiltIn, droppedOptions, fragmentErrors, mergeConfig, parseConfig, requestedOptions } from './dotConfig';
import { profileFragment, QEMU_FRAGMENT, type Profile } from './fragments';
import { explainDrop, findEntries } from './kconfigExplain';
import { recognizeTree } from './tree';

export interface ConfigOptions {
  source: string;
  buildDir: string;
  profile: Profile;
  /** The user's fragment files, merged last in order. */
  fragments: string[];
  /** Start from the build directory's existing .config instead of tinyconfig. */
  keep?: boolean;
  progress?: (label: string) => void;
}

export interface DroppedOption {
  option: string;
  wanted: string;
  got: string;
  from: string;
  reason: string;
}

export interface ConfigResult {
  ok: boolean;
  source: string;
  version: string;
  buildDir: string;
  config: string;
  profile: Profile;
  /** Options set =y in the final .config. */
  builtIn: number;
  dropped: DroppedOption[];
  seconds: number;
}

/** Written beside the .config so `kernel build` and the VM know the source and profile of a build dir. */
export const CONFIG_INFO = 'ring0-config.json';

async function make(source: string, buildDir: string, targets: string[]): Promise<void> {
  const r = await run('make', ['-C', source, `O=${buildDir}`, ...targets], { timeoutMs: 10 * 60_000 });
  if (r.spawnError) throw new Error(`make could not start (${r.spawnError}): install it with \`ring0 setup\``);
  if (r.code !== 0) {
    const tail = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-12).join('\n');
    const hint = /flex: not found|bison: not found|flex: No such|bison: No such/.test(tail) ? '\n(flex and bison are needed: run `ring0 setup`)' : '';
    throw new Error(`make ${targets.join(' ')} failed:\n${tail}${hint}`);
  }
}

export async function configureKernel(opts: ConfigOptions): Promise<ConfigResult> {
  const started = Date.now();
  const tree = recognizeTree(opts.source);
  const buildDir = path.resolve(opts.buildDir);
  const user = opts.fragments.map((f) => {
    const file = path.resolve(f);
    if (!existsSync(file)) throw new Error(`fragment ${file} does not exist`);
    const text = readFileSync(file, 'utf8');
    const bad = fragmentErrors(text);
    if (bad.length) throw new Error(`${file}:${bad[0].line}: not a Kconfig line: '${bad[0].text.trim()}' (expected CONFIG_NAME=value or '# CONFIG_NAME is not set')`);
    return { from: file, text };
  });
  mkdirSync(buildDir, { recursive: true });
  const dotConfig = path.join(buildDir, '.config');
  const progress = opts.progress ?? (() => undefined);
  if (opts.keep) {
    if (!existsSync(dotConfig)) throw new Error(`--keep: ${dotConfig} does not exist; run without --keep to start from tinyconfig`);
    progress('Merging kvm_guest.config into the existing .config');
    await make(tree.dir, buildDir, ['kvm_guest.config']);
  } else {
    progress('make tinyconfig kvm_guest.config');
    await make(tree.dir, buildDir, ['tinyconfig', 'kvm_guest.config']);
  }
  const fragments = [{ from: 'ring0', text: QEMU_FRAGMENT }, { from: `profile:${opts.profile}`, text: profileFragment(opts.profile) }, ...user];
  const merged = mergeConfig(readFileSync(dotConfig, 'utf8'), fragments.map((f) => f.text));
  writeFileSync(`${dotConfig}.tmp`, merged);
  renameSync(`${dotConfig}.tmp`, dotConfig);
  progress('make olddefconfig');
  await make(tree.dir, buildDir, ['olddefconfig']);

  const final = parseConfig(readFileSync(dotConfig, 'utf8'));
  const lost = droppedOptions(requestedOptions(fragments), final);
  const entries = lost.length ? findEntries(tree.dir, lost.map((d) => d.option)) : new Map();
  const dropped = lost.map((d) => ({ option: d.option, wanted: d.wanted, got: d.got, from: d.from, reason: explainDrop(d.option, d.wanted, entries.get(d.option) ?? [], final) }));
  const result: ConfigResult = {
    ok: dropped.length === 0,
    source: tree.dir,
    version: tree.version,
    buildDir,
    config: dotConfig,
    profile: opts.profile,
    builtIn: countBuiltIn(final),
    dropped,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  writeFileSync(path.join(buildDir, CONFIG_INFO), JSON.stringify({ source: tree.dir, version: tree.version, profile: opts.profile, fragments: user.map((u) => u.from) }, null, 2) + '\n');
  return result;
}

export function formatDropped(d: DroppedOption): string {
  return `CONFIG_${d.option}=${d.wanted} (from ${d.from}) did not survive Kconfig (now ${d.got}): ${d.reason}`;
}
