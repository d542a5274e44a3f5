// Compiles the static guest agent from its C sources into a cache keyed by the sources, flags and compiler.
import { ensureStaticBinary, findGuestSources } from '../util/staticBuild';

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
  return findGuestSources(__dirname, 'agent', 'ring0-agent.c', 'the agent sources');
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
