// CLI: `ring0 doctor` and `ring0 setup`.
import { appendFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CliCommand } from '../command';
import { cliProgress } from '../progress';
import { requiredMissing, runDoctor, systemDoctorEnv, type DoctorCheck } from '../../kernel/host/doctor';
import { packagesToInstall, runApt, setupCommandLine } from '../../kernel/host/setup';
import { installTestHost } from '../../kernel/host/testHostInstall';
import { kernelSeries, unpackKernelSource } from '../../kernel/host/kernelSource';

export function formatDoctor(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((c) => c.name.length));
  const lines = checks.map((c) => {
    const mark = c.ok ? 'ok  ' : c.required ? 'MISS' : 'opt ';
    const detail = c.ok ? [c.version, c.path].filter(Boolean).join('  ') : `${c.purpose} — fix: ${c.install}`;
    return `${mark} ${c.name.padEnd(width)}  ${detail}`;
  });
  const missing = requiredMissing(checks);
  lines.push('', missing.length ? `${missing.length} required missing: run 'ring0 setup'` : 'All required dependencies are present.');
  return lines.join('\n') + '\n';
}

export const doctorCommand: CliCommand = {
  path: ['doctor'],
  summary: 'Check every host dependency Ring0 uses; exit 1 when a required one is missing.',
  synopsis: '[--json]',
  details: ['--json  print [{name, ok, version?, path?, required, install}, ...]'],
  options: { json: { type: 'boolean' } },
  async run({ values, io }) {
    const checks = await runDoctor();
    if (values.json) {
      io.out(JSON.stringify(checks.map(({ name, ok, version, path: p, required, install }) => ({ name, ok, version, path: p, required, install })), null, 2) + '\n');
    } else {
      io.out(formatDoctor(checks));
    }
    return requiredMissing(checks).length ? 1 : 0;
  },
};

export const setupCommand: CliCommand = {
  path: ['setup'],
  summary: 'Install what doctor finds missing (apt-get when root; otherwise print the exact command).',
  synopsis: '[--debug-symbols] [--kernel-source] [--test-host]',
  details: [
    '--debug-symbols  also the kernel\'s DWARF vmlinux (linux-image-*-dbg, ~283 MB download)',
    '--kernel-source  also Debian\'s linux-source for source-level debugging',
    '--test-host      also chromium, Node 24 and code-server for the real-VS-Code tests (into the cache)',
  ],
  options: { 'debug-symbols': { type: 'boolean' }, 'kernel-source': { type: 'boolean' }, 'test-host': { type: 'boolean' } },
  async run({ values, io }) {
    const opts = { debugSymbols: !!values['debug-symbols'], kernelSource: !!values['kernel-source'], testHost: !!values['test-host'] };
    const env = systemDoctorEnv();
    const progress = cliProgress(io);
    const packages = packagesToInstall(await runDoctor(env), opts);
    if (packages.length) {
      if (!env.isRoot) {
        io.err(`Ring0 needs these Debian packages: ${packages.join(' ')}\nRun:\n  ${setupCommandLine(packages, false)}\n`);
        return 1;
      }
      const logFile = path.join(os.tmpdir(), `ring0-setup-${process.pid}.log`);
      const log = (t: string) => appendFileSync(logFile, t);
      progress.update('apt-get update');
      const updated = await runApt(['update'], (l, f) => progress.update(l, f), log);
      if (updated !== 0) io.err(`warning: apt-get update exited ${updated} (log: ${logFile})\n`);
      const code = await runApt(['install', '-y', '--no-install-recommends', ...packages], (l, f) => progress.update(l, f), log);
      progress.done();
      if (code !== 0) {
        io.err(`apt-get install failed (exit ${code}); its output is in ${logFile}\n`);
        return 1;
      }
      // A kernel installed just now changes what the remaining checks look for (headers, -dbg).
      const followUp = packagesToInstall(await runDoctor(systemDoctorEnv()), opts);
      if (followUp.length) {
        const second = await runApt(['install', '-y', '--no-install-recommends', ...followUp], (l, f) => progress.update(l, f), log);
        progress.done();
        if (second !== 0) {
          io.err(`apt-get install failed (exit ${second}); its output is in ${logFile}\n`);
          return 1;
        }
      }
      io.err(`Installed: ${[...packages, ...followUp].join(' ')}\n`);
    }
    if (opts.kernelSource) {
      try {
        const dir = await unpackKernelSource(kernelSeries(), (label) => progress.update(label));
        progress.done(`Kernel source in ${dir}.`);
      } catch (e) {
        progress.done();
        io.err(`${(e as Error).message}\n`);
        return 1;
      }
    }
    if (opts.testHost) {
      try {
        await installTestHost((label, fraction) => progress.update(label, fraction));
        progress.done('Test host ready (Node 24 + code-server).');
      } catch (e) {
        progress.done();
        io.err(`${(e as Error).message}\n`);
        return 1;
      }
    }
    const missing = requiredMissing(await runDoctor(systemDoctorEnv()));
    if (missing.length) {
      io.err(`Still missing: ${missing.map((c) => c.name).join(', ')}. Run 'ring0 doctor' for the fixes.\n`);
      return 1;
    }
    io.err('Ring0 is ready.\n');
    return 0;
  },
};
