// Compiles the static guest agent from its C sources into a cache keyed by the sources, flags and compiler.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureStaticBinary, StaticBuildError } from '../util/staticBuild';

export { StaticBuildError as AgentBuildError } from '../util/staticBuild';

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

/** kernel/guest/agent next to this module: compiled (out/kernel/agent) or bundled (dist/). */
export function defaultAgentSourceDir(): string {
  const candidates = [
    path.join(__dirname, '..', 'guest', 'agent'),
    path.join(__dirname, '..', '..', '..', 'kernel', 'guest', 'agent'),
    path.join(__dirname, '..', 'kernel', 'guest', 'agent'),
    path.join(__dirname, 'guest', 'agent'),
  ];
  for (const c of candidates) if (existsSync(path.join(c, 'ring0-agent.c'))) return c;
  throw new StaticBuildError('NO_SOURCES', `cannot find the agent sources (kernel/guest/agent/ring0-agent.c) near ${__dirname}`);
}

/** Path of a static ring0-agent built from the sources; compiles only when no cached build matches. */
export function ensureAgentBinary(opts: EnsureAgentOptions): Promise<string> {
  return ensureStaticBinary({
    what: "Ring0's static guest agent",
    binName: 'ring0-agent',
    subdir: 'agent',
    cacheDir: opts.cacheDir,
    sourceDir: opts.sourceDir ?? defaultAgentSourceDir(),
    mainSource: 'ring0-agent.c',
    cflags: AGENT_CFLAGS,
    libs: [],
    cc: opts.cc ?? process.env.RING0_CC ?? 'gcc',
    compilerPackages: AGENT_PACKAGES,
  });
}
