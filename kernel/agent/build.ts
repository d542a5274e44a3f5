// Compiles the static guest agent from its C sources into a cache keyed by the sources, flags and compiler.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { run } from '../util/run';

export const AGENT_CFLAGS: readonly string[] = ['-static', '-O2', '-Wall', '-Wextra'];
export const AGENT_PACKAGES: readonly string[] = ['gcc', 'libc6-dev'];

export interface EnsureAgentOptions {
  /** Ring0's cache directory; the binary goes in <cacheDir>/agent/. */
  cacheDir: string;
  /** The agent's C sources (kernel/guest/agent in the repo; wherever the packaged extension puts them). */
  sourceDir?: string;
  /** C compiler; default RING0_CC or gcc. */
  cc?: string;
}

export type AgentBuildErrorCode = 'NO_COMPILER' | 'NO_STATIC_LIBC' | 'NO_SOURCES' | 'COMPILE_FAILED';

export class AgentBuildError extends Error {
  override readonly name = 'AgentBuildError';
  constructor(readonly code: AgentBuildErrorCode, message: string) {
    super(message);
  }
}

/** kernel/guest/agent next to this module: compiled (out/kernel/agent) or bundled (dist/). */
export function defaultAgentSourceDir(): string {
  const candidates = [
    path.join(__dirname, '..', 'guest', 'agent'),
    path.join(__dirname, '..', '..', '..', 'kernel', 'guest', 'agent'),
    path.join(__dirname, '..', 'kernel', 'guest', 'agent'),
    path.join(__dirname, 'guest', 'agent'),
  ];
  for (const c of candidates) if (existsSync(path.join(c, 'ring0-agent.c'))) return c;
  throw new AgentBuildError('NO_SOURCES', `cannot find the agent sources (kernel/guest/agent/ring0-agent.c) near ${__dirname}`);
}

const building = new Map<string, Promise<string>>();

/** Path of a static ring0-agent built from the sources; compiles only when no cached build matches. */
export async function ensureAgentBinary(opts: EnsureAgentOptions): Promise<string> {
  const sourceDir = path.resolve(opts.sourceDir ?? defaultAgentSourceDir());
  const cc = opts.cc ?? process.env.RING0_CC ?? 'gcc';
  let names: string[];
  try {
    names = readdirSync(sourceDir).filter((n) => /\.[ch]$/.test(n)).sort();
  } catch {
    names = [];
  }
  const cfiles = names.filter((n) => n.endsWith('.c'));
  if (!cfiles.includes('ring0-agent.c')) throw new AgentBuildError('NO_SOURCES', `no agent sources in ${sourceDir} (expected ring0-agent.c)`);

  const version = await run(cc, ['--version'], { timeoutMs: 30_000 });
  if (version.spawnError || version.code !== 0) throw new AgentBuildError('NO_COMPILER', missingCompiler(cc, version.spawnError));
  const hash = createHash('sha256');
  hash.update(`${version.stdout.split('\n')[0]}\n${AGENT_CFLAGS.join(' ')}\n`);
  for (const n of names) hash.update(`${n}\n`).update(readFileSync(path.join(sourceDir, n)));
  const out = path.join(opts.cacheDir, 'agent', `ring0-agent-${hash.digest('hex').slice(0, 20)}`);
  if (existsSync(out)) return out;

  let p = building.get(out);
  if (!p) {
    p = compile(cc, sourceDir, cfiles, out).finally(() => building.delete(out));
    building.set(out, p);
  }
  return p;
}

async function compile(cc: string, sourceDir: string, cfiles: string[], out: string): Promise<string> {
  mkdirSync(path.dirname(out), { recursive: true });
  // Concurrent builders (two test files, CLI and extension) each write their own file; rename is atomic.
  const tmp = `${out}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const r = await run(cc, [...AGENT_CFLAGS, '-o', tmp, ...cfiles], { cwd: sourceDir, timeoutMs: 180_000 });
  if (r.spawnError) {
    throw new AgentBuildError('NO_COMPILER', missingCompiler(cc, r.spawnError));
  }
  if (r.code !== 0) {
    try {
      unlinkSync(tmp);
    } catch {
      // the compiler wrote nothing
    }
    const tail = r.stderr.trim().split('\n').slice(-12).join('\n');
    if (/cannot find -lc\b|crt1\.o|crti\.o|stdio\.h: No such file/.test(r.stderr)) {
      throw new AgentBuildError('NO_STATIC_LIBC', `linking the static guest agent failed: the static C library is missing. Install the Debian package libc6-dev (apt-get install libc6-dev), or run \`ring0 setup\`.\n${tail}`);
    }
    throw new AgentBuildError('COMPILE_FAILED', `compiling the guest agent (${cc} ${AGENT_CFLAGS.join(' ')}) failed${r.timedOut ? ' (timed out)' : ''}:\n${tail}`);
  }
  renameSync(tmp, out);
  return out;
}

function missingCompiler(cc: string, why: string | undefined): string {
  return `the C compiler '${cc}' is not available${why ? ` (${why})` : ''}: it builds Ring0's static guest agent. Install the Debian packages ${AGENT_PACKAGES.join(' and ')} (apt-get install ${AGENT_PACKAGES.join(' ')}), or run \`ring0 setup\`.`;
}
