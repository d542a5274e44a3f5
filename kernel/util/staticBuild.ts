// Builds a static C program into a cache keyed by its sources, flags, compiler and static libraries; names Debian packages on failure.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { run } from './run';

export interface StaticLibrary {
  /** As passed to -l: 'bpf' for libbpf.a. */
  name: string;
  /** Debian package providing lib<name>.a and its headers. */
  debianPackage: string;
}

export interface StaticBuildSpec {
  /** What is built, for messages: 'the BPF loader'. */
  what: string;
  /** Output file name prefix; the binary is <cacheDir>/<subdir>/<binName>-<hash>. */
  binName: string;
  subdir: string;
  cacheDir: string;
  /** Holds the .c and .h sources; every .c file is compiled, with those of the sibling common/ folder. */
  sourceDir: string;
  /** A .c file that must be present (tells a wrong directory apart). */
  mainSource: string;
  cflags: readonly string[];
  libs: readonly StaticLibrary[];
  cc: string;
  /** Packages for the compiler and the static C library. */
  compilerPackages: readonly string[];
  timeoutMs?: number;
}

export type StaticBuildErrorCode = 'NO_COMPILER' | 'NO_STATIC_LIBC' | 'NO_LIBRARY' | 'NO_SOURCES' | 'COMPILE_FAILED';

export class StaticBuildError extends Error {
  override readonly name = 'StaticBuildError';
  constructor(readonly code: StaticBuildErrorCode, message: string, readonly packages: readonly string[] = []) {
    super(message);
  }
}

/**
 * kernel/guest/<subdir> holding `mainSource`, from a module compiled into out/kernel/<x>/ or bundled
 * into dist/; `what` names it in the error.
 */
export function findGuestSources(fromDir: string, subdir: string, mainSource: string, what: string): string {
  const candidates = [
    path.join(fromDir, '..', 'guest', subdir),
    path.join(fromDir, '..', '..', '..', 'kernel', 'guest', subdir),
    path.join(fromDir, '..', 'kernel', 'guest', subdir),
    path.join(fromDir, 'guest', subdir),
  ];
  for (const c of candidates) if (existsSync(path.join(c, mainSource))) return c;
  throw new StaticBuildError('NO_SOURCES', `cannot find ${what} (kernel/guest/${subdir}/${mainSource}) near ${fromDir}`);
}

const building = new Map<string, Promise<string>>();

/** Path of the cached static binary; compiles only when no cached build matches. */
export async function ensureStaticBinary(spec: StaticBuildSpec): Promise<string> {
  const sourceDir = path.resolve(spec.sourceDir);
  let names: string[];
  try {
    names = readdirSync(sourceDir).filter((n) => /\.[ch]$/.test(n)).sort();
  } catch {
    names = [];
  }
  // kernel/guest/common: code the guest programs share (the JSON writer), compiled into each.
  const commonDir = path.join(sourceDir, '..', 'common');
  let common: string[];
  try {
    common = readdirSync(commonDir).filter((n) => /\.[ch]$/.test(n)).sort().map((n) => path.join('..', 'common', n));
  } catch {
    common = [];
  }
  const cfiles = [...names, ...common].filter((n) => n.endsWith('.c'));
  if (!cfiles.includes(spec.mainSource)) throw new StaticBuildError('NO_SOURCES', `no sources for ${spec.what} in ${sourceDir} (expected ${spec.mainSource})`);

  const version = await run(spec.cc, ['--version'], { timeoutMs: 30_000 });
  if (version.spawnError || version.code !== 0) throw noCompiler(spec, version.spawnError);

  const hash = createHash('sha256');
  hash.update(`${version.stdout.split('\n')[0]}\n${spec.cflags.join(' ')}\n`);
  // A library upgrade (a new libbpf.a) must rebuild: its path, size and mtime go into the key.
  const libFiles = await Promise.all(spec.libs.map((l) => findStaticLibrary(spec, l)));
  for (const f of libFiles) {
    const st = statSync(f);
    hash.update(`${f} ${st.size} ${st.mtimeMs}\n`);
  }
  for (const n of [...names, ...common]) hash.update(`${n}\n`).update(readFileSync(path.join(sourceDir, n)));
  const out = path.join(spec.cacheDir, spec.subdir, `${spec.binName}-${hash.digest('hex').slice(0, 20)}`);
  if (existsSync(out)) return out;

  let p = building.get(out);
  if (!p) {
    p = compile(spec, sourceDir, cfiles, out).finally(() => building.delete(out));
    building.set(out, p);
  }
  return p;
}

async function findStaticLibrary(spec: StaticBuildSpec, lib: StaticLibrary): Promise<string> {
  const file = `lib${lib.name}.a`;
  const r = await run(spec.cc, [`-print-file-name=${file}`], { timeoutMs: 30_000 });
  const found = r.stdout.trim();
  // gcc echoes the bare name back when the library is not on its search path.
  if (r.code !== 0 || !path.isAbsolute(found) || !existsSync(found)) {
    throw new StaticBuildError('NO_LIBRARY', `${spec.what} links ${file} statically, but ${spec.cc} cannot find it. Install the Debian package ${lib.debianPackage} (apt-get install ${lib.debianPackage}), or run \`ring0 setup\`.`, [lib.debianPackage]);
  }
  return found;
}

async function compile(spec: StaticBuildSpec, sourceDir: string, cfiles: string[], out: string): Promise<string> {
  mkdirSync(path.dirname(out), { recursive: true });
  // Concurrent builders each write their own file; rename is atomic.
  const tmp = `${out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const args = [...spec.cflags, '-o', tmp, ...cfiles, ...spec.libs.map((l) => `-l${l.name}`)];
  const r = await run(spec.cc, args, { cwd: sourceDir, timeoutMs: spec.timeoutMs ?? 180_000 });
  if (r.spawnError) throw noCompiler(spec, r.spawnError);
  if (r.code !== 0) {
    try {
      unlinkSync(tmp);
    } catch {
      // the compiler wrote nothing
    }
    const tail = r.stderr.trim().split('\n').slice(-12).join('\n');
    const header = /fatal error: (\S+?)\/[^:]*: No such file/.exec(r.stderr)?.[1];
    const headerLib = spec.libs.find((l) => l.name === header);
    if (headerLib) {
      throw new StaticBuildError('NO_LIBRARY', `compiling ${spec.what} failed: the ${header} headers are missing. Install the Debian package ${headerLib.debianPackage} (apt-get install ${headerLib.debianPackage}), or run \`ring0 setup\`.\n${tail}`, [headerLib.debianPackage]);
    }
    const missingLib = spec.libs.find((l) => new RegExp(`cannot find -l${l.name}\\b`).test(r.stderr));
    if (missingLib) {
      throw new StaticBuildError('NO_LIBRARY', `linking ${spec.what} failed: lib${missingLib.name}.a is missing. Install the Debian package ${missingLib.debianPackage} (apt-get install ${missingLib.debianPackage}), or run \`ring0 setup\`.\n${tail}`, [missingLib.debianPackage]);
    }
    if (/cannot find -lc\b|crt1\.o|crti\.o|stdio\.h: No such file/.test(r.stderr)) {
      throw new StaticBuildError('NO_STATIC_LIBC', `linking ${spec.what} failed: the static C library is missing. Install the Debian package libc6-dev (apt-get install libc6-dev), or run \`ring0 setup\`.\n${tail}`, ['libc6-dev']);
    }
    throw new StaticBuildError('COMPILE_FAILED', `compiling ${spec.what} (${spec.cc} ${spec.cflags.join(' ')}) failed${r.timedOut ? ' (timed out)' : ''}:\n${tail}`);
  }
  renameSync(tmp, out);
  return out;
}

function noCompiler(spec: StaticBuildSpec, why: string | undefined): StaticBuildError {
  const pkgs = spec.compilerPackages;
  return new StaticBuildError('NO_COMPILER', `the C compiler '${spec.cc}' is not available${why ? ` (${why})` : ''}: it builds ${spec.what}. Install the Debian packages ${pkgs.join(' and ')} (apt-get install ${pkgs.join(' ')}), or run \`ring0 setup\`.`, pkgs);
}
