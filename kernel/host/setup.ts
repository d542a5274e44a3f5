// `ring0 setup`: installs what doctor finds missing — Debian packages through apt-get (root only,
// with progress from apt's status pipe), and the real-VS-Code test host into the cache.
import { spawn } from 'node:child_process';
import type { DoctorCheck } from './doctor';
import { aptCommand } from './doctor';

export interface SetupOptions {
  debugSymbols: boolean;
  kernelSource: boolean;
  testHost: boolean;
}

/** Debian packages to install: every missing required or flagless optional check, plus those the flags ask for. */
export function packagesToInstall(checks: DoctorCheck[], opts: SetupOptions): string[] {
  const wanted = checks.filter((c) => {
    if (c.ok) return false;
    if (c.required) return true;
    if (c.setupFlag === '--debug-symbols') return opts.debugSymbols;
    if (c.setupFlag === '--kernel-source') return opts.kernelSource;
    if (c.setupFlag === '--test-host') return opts.testHost;
    // Optional tools with no flag of their own (clangd) are small: a plain setup installs them.
    return true;
  });
  return [...new Set(wanted.flatMap((c) => c.packages))];
}

export function setupCommandLine(packages: string[], isRoot: boolean): string {
  return `${isRoot ? '' : 'sudo '}apt-get update && ${aptCommand(packages, isRoot)}`;
}

/** Parses one line of apt's APT::Status-Fd output, e.g. `pmstatus:gdb:42.8571:Unpacking gdb`. */
export function parseAptStatus(line: string): { phase: 'download' | 'install'; percent: number; text: string } | undefined {
  const m = /^(dlstatus|pmstatus):[^:]*:([\d.]+):(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const percent = Number(m[2]);
  if (!Number.isFinite(percent)) return undefined;
  return { phase: m[1] === 'dlstatus' ? 'download' : 'install', percent, text: m[3] };
}

export type AptProgress = (label: string, fraction?: number) => void;

/** Runs apt-get with argument arrays; reports progress from fd 3. Resolves with apt's exit code. */
export function runApt(args: string[], onProgress: AptProgress, log: (text: string) => void): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('apt-get', ['-o', 'APT::Status-Fd=3', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let buffered = '';
    const status = child.stdio[3] as NodeJS.ReadableStream;
    status.setEncoding('utf8');
    status.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const s = parseAptStatus(line);
        if (s) onProgress(`${s.phase === 'download' ? 'Downloading' : 'Installing'}: ${s.text}`, s.percent / 100);
      }
    });
    child.stdout?.setEncoding('utf8').on('data', log);
    child.stderr?.setEncoding('utf8').on('data', log);
    child.on('error', (e) => {
      log(`apt-get could not start: ${e.message}\n`);
      resolve(127);
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
