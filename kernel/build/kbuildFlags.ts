// Kbuild's compile flags for a kernel build tree, taken once from a tiny probe module's build and cached
// per kernel, so compile_commands.json can be written for every module before (or without) a build.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomicWrite';
import { cacheDir } from '../util/paths';
import { run } from '../util/run';
import { commandFromCmdFile, writeCompileCommands, type CompileCommand } from './compileCommands';
import { findBuildTargets } from './buildTargets';

/** A compile line with the probe's directory and name replaced by placeholders. */
export interface KbuildFlags {
  buildDir: string;
  /** argv with DIR_TOKEN for the module directory, NAME_TOKEN for the object's base name. */
  template: string[];
}

export const DIR_TOKEN = '@RING0_DIR@';
export const NAME_TOKEN = '@RING0_NAME@';
const PROBE = 'ring0_probe';

/** The cache file for a build tree: keyed by its path and its kernel config's identity. */
export function flagsCacheFile(buildDir: string, cache = cacheDir()): string {
  const conf = path.join(buildDir, '.config');
  let stamp = '';
  try {
    const st = statSync(existsSync(conf) ? conf : path.join(buildDir, 'Makefile'));
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch {
    stamp = 'none';
  }
  const key = createHash('sha256').update(`${path.resolve(buildDir)}\0${stamp}`).digest('hex').slice(0, 16);
  return path.join(cache, 'kbuild-flags', `${key}.json`);
}

/** Turns the probe's compile entry into a template (pure). */
export function templateOf(entry: CompileCommand, probeDir: string): string[] {
  return entry.arguments.map((a) => a.split(probeDir).join(DIR_TOKEN).split(PROBE).join(NAME_TOKEN));
}

/** The compile entry for one .c file of a module directory from the template (pure). */
export function entryFor(flags: KbuildFlags, file: string): CompileCommand {
  const dir = path.dirname(file);
  const name = path.basename(file, '.c').replace(/[^A-Za-z0-9_]/g, '_');
  const argv = flags.template.map((a) => a.split(DIR_TOKEN).join(dir).split(NAME_TOKEN).join(name));
  // The template's source is DIR/NAME.c; keep the real file name (dashes and all).
  return { directory: flags.buildDir, file, arguments: argv.map((a) => (a === path.join(dir, `${name}.c`) ? file : a)) };
}

export function readCachedFlags(buildDir: string, cache = cacheDir()): KbuildFlags | undefined {
  try {
    const v = JSON.parse(readFileSync(flagsCacheFile(buildDir, cache), 'utf8')) as KbuildFlags;
    return Array.isArray(v.template) && v.template.every((a) => typeof a === 'string') && typeof v.buildDir === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Cached flags for `buildDir`, else builds the probe module once (~1–5 s) and caches what Kbuild ran. */
export async function kbuildFlags(buildDir: string, cache = cacheDir()): Promise<KbuildFlags> {
  const cached = readCachedFlags(buildDir, cache);
  if (cached) return cached;
  if (!existsSync(path.join(buildDir, 'Makefile'))) throw new Error(`${buildDir} is not a kernel build tree (no Makefile); install the headers with 'ring0 setup'`);
  const probeDir = mkdtempSync(path.join(os.tmpdir(), 'ring0-kbuild-probe-'));
  try {
    writeFileSync(path.join(probeDir, 'Makefile'), `obj-m += ${PROBE}.o\n`);
    writeFileSync(path.join(probeDir, `${PROBE}.c`), '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n');
    // Only the object: its .cmd file holds the compile line; no modpost or link needed.
    const r = await run('make', ['-C', buildDir, `M=${probeDir}`, `${PROBE}.o`], { timeoutMs: 120_000, env: { ...process.env, LC_ALL: 'C' } });
    if (r.spawnError) throw new Error(`cannot run make: ${r.spawnError}; install build-essential`);
    const cmdFile = path.join(probeDir, `.${PROBE}.o.cmd`);
    if (!existsSync(cmdFile)) throw new Error(`Kbuild did not compile a probe module against ${buildDir}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`);
    const entry = commandFromCmdFile(readFileSync(cmdFile, 'utf8'), buildDir, probeDir);
    if (!entry) throw new Error(`no compile line in Kbuild's ${cmdFile}`);
    const flags: KbuildFlags = { buildDir, template: templateOf(entry, probeDir) };
    const out = flagsCacheFile(buildDir, cache);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileAtomic(out, JSON.stringify(flags) + '\n');
    return flags;
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}

/** Writes compile_commands.json in every module directory of the workspace (Kbuild's flags, no build). */
export async function writeWorkspaceCompileCommands(workspace: string, buildDir: string, cache = cacheDir()): Promise<{ dir: string; file: string; entries: number }[]> {
  const dirs = findBuildTargets(workspace).flatMap((t) => (t.kind === 'module' ? [t.dir] : []));
  if (dirs.length === 0) return [];
  const flags = await kbuildFlags(buildDir, cache);
  return dirs.map((dir) => ({ dir, ...writeCompileCommands(dir, buildDir, (f) => entryFor(flags, f)) }));
}
