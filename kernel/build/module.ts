// Builds an out-of-tree kernel module with Kbuild against the VM kernel's headers (or a user's tree)
// and turns gcc/modpost/make output into diagnostics; writes compile_commands.json for clangd.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { findDefaultKernel } from '../vm/kernelImage';
import { run } from '../util/run';
import { writeCompileCommands } from './compileCommands';
import { entryFor, readCachedFlags } from './kbuildFlags';
import { dedupe, parseCompilerOutput, parseKbuildOutput, toCharColumns, type BuildResult, type SourceIndex } from './diagnostics';

export interface ModuleBuildOptions {
  dir: string;
  /** Kbuild tree (a kernel build dir); default: the VM kernel's /lib/modules/R/build. */
  kernelTree?: string;
  timeoutMs?: number;
  /** Extra make arguments, e.g. ['clean'] instead of 'modules'. */
  target?: string;
}

export interface ModuleBuildResult extends BuildResult {
  /** make's combined output, for a log. */
  log: string;
  buildDir: string;
  compileCommands?: string;
}

export function defaultKbuildDir(): string {
  const k = findDefaultKernel();
  if (!k) throw new Error('no Debian cloud kernel is installed in /boot; run `ring0 setup` or pass --kernel-tree DIR');
  return k.buildDir;
}

function sourceIndex(dir: string): SourceIndex {
  const files = new Map<string, string>();
  const walk = (d: string, depth: number) => {
    let names: string[] = [];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = path.join(d, n);
      if (/\.(c|h)$/.test(n) && !n.endsWith('.mod.c')) {
        try {
          files.set(p, readFileSync(p, 'utf8'));
        } catch {
          // unreadable: skip
        }
      } else if (depth < 3 && !n.startsWith('.') && n !== 'node_modules') {
        try {
          if (statSync(p).isDirectory()) walk(p, depth + 1);
        } catch {
          // vanished
        }
      }
    }
  };
  walk(dir, 0);
  const makefile = existsSync(path.join(dir, 'Kbuild')) ? path.join(dir, 'Kbuild') : path.join(dir, 'Makefile');
  return { files, makefile };
}

function readOrUndefined(f: string): string | undefined {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return undefined;
  }
}

/** The .ko files make produced, from modules.order (or any *.ko in the directory). */
function moduleArtifacts(dir: string): string[] {
  try {
    const order = readFileSync(path.join(dir, 'modules.order'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    const kos = order.map((o) => path.resolve(dir, o.replace(/\.o$/, '.ko'))).filter((k) => existsSync(k));
    if (kos.length) return kos;
  } catch {
    // no modules.order
  }
  return readdirSync(dir).filter((n) => n.endsWith('.ko')).map((n) => path.join(dir, n));
}

export async function buildModule(o: ModuleBuildOptions): Promise<ModuleBuildResult> {
  const dir = path.resolve(o.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  if (!existsSync(path.join(dir, 'Makefile')) && !existsSync(path.join(dir, 'Kbuild'))) {
    throw new Error(`${dir} has no Makefile or Kbuild file (one with 'obj-m += NAME.o'); create one with 'ring0 new module NAME'`);
  }
  const buildDir = path.resolve(o.kernelTree ?? defaultKbuildDir());
  if (!existsSync(path.join(buildDir, 'Makefile'))) throw new Error(`${buildDir} is not a kernel build tree (no Makefile); install the headers with 'ring0 setup'`);
  // LC_ALL=C: plain ASCII quotes in gcc's messages; the argument array never goes through a shell.
  const r = await run('make', ['-C', buildDir, `M=${dir}`, o.target ?? 'modules'], {
    timeoutMs: o.timeoutMs ?? 300_000,
    env: { ...process.env, LC_ALL: 'C', LANG: 'C', GCC_COLORS: '' },
  });
  if (r.spawnError) throw new Error(`cannot run make: ${r.spawnError}; install build-essential`);
  const log = r.stdout + r.stderr;
  const ctx = { userDir: dir, searchDirs: [buildDir], exists: existsSync };
  const src = sourceIndex(dir);
  const read = (f: string) => src.files.get(f) ?? readOrUndefined(f);
  const diagnostics = dedupe([...toCharColumns(parseCompilerOutput(r.stderr, ctx), read), ...parseKbuildOutput(log, src)]);
  const ok = r.code === 0 && !r.timedOut;
  if (!ok && !diagnostics.some((d) => d.severity === 'error')) {
    const last = log.trim().split('\n').filter((l) => l.trim()).slice(-3).join(' | ');
    diagnostics.push({ file: src.makefile, line: 1, column: 1, severity: 'error', message: r.timedOut ? 'the build timed out' : `make failed: ${last}` });
  }
  let compileCommands: string | undefined;
  try {
    const flags = readCachedFlags(buildDir);
    compileCommands = writeCompileCommands(dir, buildDir, flags && ((f) => entryFor(flags, f))).file;
  } catch {
    compileCommands = undefined;
  }
  return { ok, artifacts: ok ? moduleArtifacts(dir) : [], diagnostics, log, buildDir, compileCommands };
}
