// CLI: `ring0 kernel config` (Ring0's fragments over tinyconfig, dropped options named) and
// `ring0 kernel build` (make O=…, progress, diagnostics on the tree's files, --json result).
import path from 'node:path';
import { formatDiagnostic } from '../../kernel/build/diagnostics';
import { buildKernel, sourceOfBuild } from '../../kernel/kernels/build';
import { configureKernel, formatDropped } from '../../kernel/kernels/config';
import { isProfile, PROFILES, type Profile } from '../../kernel/kernels/fragments';
import { readKernelSettings, resolveBuildDir, resolveSource } from '../../kernel/kernels/settings';
import { recognizeTree } from '../../kernel/kernels/tree';
import { UsageError, type CliCommand, type Invocation } from '../command';
import { cliProgress } from '../progress';
import { workspaceOf } from './vm';

function profileOf(inv: Invocation, fallback: Profile): Profile {
  const p = inv.values.profile as string | undefined;
  if (p === undefined) return fallback;
  if (!isProfile(p)) throw new UsageError(`--profile must be one of ${PROFILES.join(', ')}`);
  return p;
}

/** The build directory a command works on: --build-dir, ring0.kernel.buildDir, or the default for the source and profile. */
export function buildDirOf(inv: Invocation, forBuild: boolean): { source: string; buildDir: string; profile: Profile } {
  const ws = workspaceOf(inv);
  const settings = readKernelSettings(ws, (m) => inv.io.err(`warning: ${m}\n`));
  const profile = profileOf(inv, settings.profile);
  const flagDir = inv.values['build-dir'] as string | undefined;
  const sourceFlag = inv.values.source as string | undefined;
  // `kernel build --build-dir D` builds whatever D was configured from (its `source` link).
  if (flagDir && sourceFlag === undefined && forBuild) {
    const buildDir = path.resolve(inv.io.cwd, flagDir);
    return { source: sourceOfBuild(buildDir), buildDir, profile };
  }
  const source = resolveSource(sourceFlag === undefined ? settings.source : sourceFlag === 'debian' ? 'debian' : path.resolve(inv.io.cwd, sourceFlag), ws);
  recognizeTree(source);
  const buildDir = flagDir ? path.resolve(inv.io.cwd, flagDir) : resolveBuildDir(settings, source, ws, profile);
  return { source, buildDir, profile };
}

const commonOptions = {
  source: { type: 'string' },
  'build-dir': { type: 'string' },
  profile: { type: 'string' },
  json: { type: 'boolean' },
  workspace: { type: 'string', short: 'w' },
} as const;

const commonDetails = [
  '--source DIR|debian  the kernel tree (default: ring0.kernel.source, else the workspace when it is a tree, else Debian\'s linux-source)',
  '--build-dir DIR      where objects go, make O=DIR (default: ring0.kernel.buildDir, else .ring0/kernel/PROFILE or Ring0\'s cache)',
  `--profile NAME       ${PROFILES.join('|')} (default: ring0.kernel.profile, else minimal)`,
  '-w, --workspace DIR  the workspace whose settings apply (default: .)',
];

export const kernelConfigCommand: CliCommand = {
  path: ['kernel', 'config'],
  summary: 'Configure your own kernel: tinyconfig + kvm_guest.config + Ring0\'s QEMU fragment + a profile + your fragments.',
  synopsis: '[--source DIR|debian] [--profile minimal|debug|bpf] [--fragment FILE]... [--keep] [--json]',
  details: [
    ...commonDetails,
    '--fragment FILE      your own Kconfig fragment (CONFIG_X=y lines), merged last; repeatable',
    '--keep               start from the build directory\'s existing .config instead of tinyconfig',
    '--json               print {ok, source, version, buildDir, config, profile, builtIn, dropped: [{option, wanted, got, from, reason}], seconds}',
    'Exits 1 when an option asked for did not survive Kconfig; each is named with what blocked it.',
  ],
  options: { ...commonOptions, fragment: { type: 'string', multiple: true }, keep: { type: 'boolean' } },
  async run(inv) {
    const { source, buildDir, profile } = buildDirOf(inv, false);
    const progress = cliProgress(inv.io, !!inv.values.json);
    const fragments = ((inv.values.fragment as string[] | undefined) ?? []).map((f) => path.resolve(inv.io.cwd, f));
    const r = await configureKernel({ source, buildDir, profile, fragments, keep: !!inv.values.keep, progress: (l) => progress.update(l) });
    progress.done();
    if (inv.values.json) inv.io.out(JSON.stringify(r, null, 2) + '\n');
    else {
      for (const d of r.dropped) inv.io.err(`${formatDropped(d)}\n`);
      inv.io.out(`${r.ok ? 'configured' : 'configured with dropped options'}: ${r.config} (Linux ${r.version}, profile ${r.profile}, ${r.builtIn} options =y, ${r.seconds} s)\nbuild it with: ring0 kernel build${inv.values['build-dir'] ? ` --build-dir ${buildDir}` : ''}\n`);
    }
    return r.ok ? 0 : 1;
  },
};

export const kernelBuildCommand: CliCommand = {
  path: ['kernel', 'build'],
  summary: 'Build your own kernel (make O=… bzImage modules, modules_install, gdb scripts); incremental.',
  synopsis: '[--build-dir DIR] [-j N] [--json] [--verbose]',
  details: [
    ...commonDetails,
    '-j, --jobs N         parallel jobs (default: 2)',
    '--verbose            print make\'s whole output',
    '--json               print {ok, image, vmlinux, release, modulesDir, buildDir, seconds, diagnostics: [{file, line, column, severity, message}]}',
    'Boot it with: ring0 run --kernel build -- uname -r (or ring0.vm.kernel: "build").',
  ],
  options: { ...commonOptions, jobs: { type: 'string', short: 'j' }, verbose: { type: 'boolean' } },
  async run(inv) {
    const jobsText = (inv.values.jobs as string | undefined) ?? '2';
    const jobs = Number(jobsText);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`-j must be a whole number from 1 to 256, not '${jobsText}'`);
    const { buildDir } = buildDirOf(inv, true);
    const json = !!inv.values.json;
    // With --json the result is on stdout; progress lines still go to stderr (VS Code shows them).
    const progress = cliProgress(inv.io, !!inv.values.verbose);
    const r = await buildKernel({ buildDir, jobs, progress: (l, f) => progress.update(l, f), onLine: inv.values.verbose && !json ? (l) => inv.io.err(`${l}\n`) : undefined });
    progress.done();
    if (json) {
      const { log: _log, ...contract } = r;
      inv.io.out(JSON.stringify(contract, null, 2) + '\n');
    } else {
      for (const d of r.diagnostics) inv.io.err(`${formatDiagnostic(d)}\n`);
      if (r.ok) inv.io.out(`built ${r.release} in ${r.seconds} s: ${r.image}\nboot it with: ring0 run --kernel build -- uname -r\n`);
      else inv.io.err(`kernel build failed after ${r.seconds} s${r.diagnostics.some((d) => d.severity === 'error') ? '' : `:\n${r.log ?? ''}`}\n`);
    }
    return r.ok ? 0 : 1;
  },
};

export const KERNEL_COMMANDS: CliCommand[] = [kernelConfigCommand, kernelBuildCommand];
