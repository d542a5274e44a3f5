// `ring0 kernel build`: make O=BUILD bzImage modules scripts_gdb, then modules_install into the build
// directory and compile_commands.json; ccache when installed; progress from Kbuild's output; compiler
// messages as diagnostics on the tree's files. Incremental: a build killed half-way resumes where it stopped.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isInside, parseCompilerOutput, toCharColumns, type Diagnostic } from '../build/diagnostics';
import { cacheDir } from '../util/paths';
import { run } from '../util/run';
import { AGENT_REQUIRED } from './fragments';
import { parseConfig, valueOf } from './dotConfig';
import { isCompileStep, lineSplitter, parseKbuildStep, progressLabel } from './kbuildOutput';

export interface KernelBuildResult {
  ok: boolean;
  image?: string;
  vmlinux?: string;
  release?: string;
  modulesDir?: string;
  buildDir: string;
  seconds: number;
  diagnostics: Diagnostic[];
  /** The end of make's output when the build failed. */
  log?: string;
}

export interface KernelBuildOptions {
  buildDir: string;
  jobs?: number;
  progress?: (label: string, fraction?: number) => void;
  /** Every line of make's output (for --verbose). */
  onLine?: (line: string) => void;
}

/** Written into the build dir after a successful build; what `--kernel build` boots. */
export const BUILD_INFO = 'ring0-build.json';
/** Present while the last build of a directory failed: nothing boots it until a build succeeds. */
export const BUILD_FAILED = 'ring0-build-failed.json';
/** modules_install's INSTALL_MOD_PATH inside the build dir. */
export const MODULES_ROOT = 'ring0-modules';

export interface BuildInfo {
  image: string;
  vmlinux: string;
  systemMap: string;
  release: string;
  modulesDir: string;
  buildDir: string;
  source: string;
  /** Compile steps of the last build from scratch, for the next one's progress fraction. */
  fullSteps?: number;
  seconds: number;
}

export function readBuildInfo(buildDir: string): BuildInfo | undefined {
  try {
    return JSON.parse(readFileSync(path.join(buildDir, BUILD_INFO), 'utf8')) as BuildInfo;
  } catch {
    return undefined;
  }
}

/** The source tree of an O= build directory (Kbuild leaves a `source` symlink to it). */
export function sourceOfBuild(buildDir: string): string {
  const link = path.join(buildDir, 'source');
  if (!existsSync(link)) throw new Error(`${buildDir} is not a configured kernel build directory: run \`ring0 kernel config\` first`);
  return realpathSync(link);
}

/** Options Ring0's guest needs that a build's .config lacks (names without CONFIG_). */
export function missingAgentOptions(configText: string): string[] {
  const v = parseConfig(configText);
  return AGENT_REQUIRED.filter((o) => valueOf(v, o) === 'n');
}

/** PATH with Debian's ccache masquerade directory first, so `gcc` goes through ccache without changing Kbuild's command lines. */
export function pathWithCcache(envPath: string | undefined, ccacheDir = '/usr/lib/ccache'): string {
  const parts = (envPath ?? '/usr/bin:/bin').split(':').filter((p) => p && p !== ccacheDir);
  return existsSync(path.join(ccacheDir, 'gcc')) ? [ccacheDir, ...parts].join(':') : parts.join(':');
}

interface MakeRun {
  code: number;
  output: string;
}

function runMake(args: string[], opts: KernelBuildOptions, onStep: (line: string) => void): Promise<MakeRun> {
  return new Promise((resolve) => {
    const child = spawn('make', args, { env: { ...process.env, PATH: pathWithCcache(process.env.PATH) }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Output is kept in a bounded ring: a full build prints ~10k lines, warnings can add many more.
    const chunks: string[] = [];
    let size = 0;
    const keep = (s: string) => {
      chunks.push(s);
      size += s.length;
      while (size > 8 * 1024 * 1024 && chunks.length > 1) size -= chunks.shift()!.length;
    };
    const lines = lineSplitter((l) => {
      onStep(l);
      opts.onLine?.(l);
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => { keep(d); lines(d); });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { keep(d); lines(d); });
    // Same process group as the CLI: Ctrl-C stops make too, and the next build resumes.
    child.on('error', (e) => resolve({ code: 127, output: `make could not start: ${e.message} (install it with \`ring0 setup\`)` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output: chunks.join('') }));
  });
}

/**
 * compile_commands.json from the tree's own gen_compile_commands.py, into the build dir, and into the tree
 * when it is the user's (clangd finds it there); Ring0's shared copy of Debian's source is left alone.
 */
async function writeCompileCommands(source: string, buildDir: string): Promise<void> {
  const script = path.join(source, 'scripts', 'clang-tools', 'gen_compile_commands.py');
  if (!existsSync(script)) return;
  const out = path.join(buildDir, 'compile_commands.json');
  const r = await run('python3', [script, '-d', buildDir, '-o', `${out}.tmp`], { timeoutMs: 120_000 });
  if (r.code !== 0) return;
  renameSync(`${out}.tmp`, out);
  if (!isInside(cacheDir(), source)) copyFileSync(out, path.join(source, 'compile_commands.json'));
}

export async function buildKernel(opts: KernelBuildOptions): Promise<KernelBuildResult> {
  const started = Date.now();
  const buildDir = path.resolve(opts.buildDir);
  const source = sourceOfBuild(buildDir);
  if (!existsSync(path.join(buildDir, '.config'))) throw new Error(`${buildDir} has no .config: run \`ring0 kernel config\` first`);
  const jobs = opts.jobs ?? 2;
  const previous = readBuildInfo(buildDir);
  const fromScratch = !existsSync(path.join(buildDir, 'vmlinux'));
  const expected = fromScratch ? previous?.fullSteps ?? 2600 : undefined;
  let steps = 0;
  const onStep = (line: string) => {
    const s = parseKbuildStep(line);
    if (!s) return;
    if (isCompileStep(s)) steps++;
    opts.progress?.(progressLabel(s, steps), expected ? Math.min(0.99, steps / expected) : undefined);
  };
  const base = ['-C', source, `O=${buildDir}`];
  const built = await runMake([...base, `-j${jobs}`, 'bzImage', 'modules', 'scripts_gdb'], opts, onStep);
  const seconds = () => Math.round((Date.now() - started) / 100) / 10;
  const diagnostics = toCharColumns(
    parseCompilerOutput(built.output, { userDir: source, searchDirs: [source, buildDir], exists: existsSync }),
    (f) => { try { return readFileSync(f, 'utf8'); } catch { return undefined; } },
  );
  const failed = (log: string): KernelBuildResult => {
    writeFileSync(path.join(buildDir, BUILD_FAILED), JSON.stringify({ at: new Date().toISOString(), diagnostics: diagnostics.filter((d) => d.severity === 'error') }, null, 2) + '\n');
    return { ok: false, buildDir, seconds: seconds(), diagnostics, log: log.trim().split('\n').slice(-30).join('\n') };
  };
  if (built.code !== 0) {
    return failed(built.output);
  }
  opts.progress?.('modules_install');
  const modRoot = path.join(buildDir, MODULES_ROOT);
  const inst = await runMake([...base, `INSTALL_MOD_PATH=${modRoot}`, 'modules_install'], opts, () => undefined);
  if (inst.code !== 0) return failed(inst.output);
  opts.progress?.('compile_commands.json');
  await writeCompileCommands(source, buildDir);
  const release = readFileSync(path.join(buildDir, 'include/config/kernel.release'), 'utf8').trim();
  const info: BuildInfo = {
    image: path.join(buildDir, 'arch/x86/boot/bzImage'),
    vmlinux: path.join(buildDir, 'vmlinux'),
    systemMap: path.join(buildDir, 'System.map'),
    release,
    modulesDir: path.join(modRoot, 'lib', 'modules', release),
    buildDir,
    source,
    fullSteps: fromScratch ? steps : previous?.fullSteps,
    seconds: seconds(),
  };
  const tmp = path.join(buildDir, `${BUILD_INFO}.tmp`);
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  renameSync(tmp, path.join(buildDir, BUILD_INFO));
  rmSync(path.join(buildDir, BUILD_FAILED), { force: true });
  return { ok: true, image: info.image, vmlinux: info.vmlinux, release, modulesDir: info.modulesDir, buildDir, seconds: info.seconds, diagnostics };
}
