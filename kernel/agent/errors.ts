// Typed errors of the agent client: codes sent by the agent, and local ones (closed, timeout, restart).
import type { FrameJson } from './protocol';

/**
 * Agent codes: BAD_FRAME, FRAME_TOO_LARGE, UNSUPPORTED_VERSION, BAD_JSON, BAD_REQUEST, UNKNOWN_OP,
 * NO_SUCH_ID, DUPLICATE_ID, TOO_MANY, and errno names (ENOENT, EACCES, EPIPE, EAGAIN, ...).
 * Local codes: CLOSED, TIMEOUT, AGENT_RESTARTED, FRAME_TOO_LARGE (refused before sending).
 */
export type AgentErrorCode =
  | 'CLOSED'
  | 'TIMEOUT'
  | 'AGENT_RESTARTED'
  | 'BAD_FRAME'
  | 'FRAME_TOO_LARGE'
  | 'UNSUPPORTED_VERSION'
  | 'BAD_JSON'
  | 'BAD_REQUEST'
  | 'UNKNOWN_OP'
  | 'NO_SUCH_ID'
  | 'DUPLICATE_ID'
  | 'TOO_MANY'
  | (string & {});

export class AgentError extends Error {
  override readonly name = 'AgentError';

  constructor(
    readonly code: AgentErrorCode,
    message: string,
    /** The agent's error reply, when the error came from the agent. */
    readonly reply?: FrameJson,
  ) {
    super(message);
  }
}

export function remoteError(json: FrameJson): AgentError {
  const code = typeof json.code === 'string' ? json.code : 'EIO';
  const message = typeof json.error === 'string' ? json.error : `agent error ${code}`;
  return new AgentError(code, message, json);
}

/**
 * What a shell-like front end says and exits with when the agent could not start argv: the agent
 * reports "chdir DIR: reason" (the working directory) or "exec PROGRAM: reason" with an errno code.
 * Undefined for errors that are not about starting the program.
 */
export function spawnFailure(argv: readonly string[], e: AgentError, cwd?: string): { message: string; code: number } | undefined {
  const chdir = /^chdir (.*): ([^:]*)$/.exec(e.message);
  if (chdir || (cwd && e.message.startsWith('chdir '))) {
    const reason = chdir ? chdir[2] : e.message;
    return { message: `cannot use ${chdir ? chdir[1] : cwd} as the working directory in the guest: ${reason}`, code: 125 };
  }
  if (e.code === 'ENOENT') return { message: `${argv[0]}: command not found in the guest`, code: 127 };
  if (e.code === 'EACCES' || e.code === 'ENOEXEC') return { message: `${argv[0]}: ${e.message}`, code: 126 };
  return undefined;
}
