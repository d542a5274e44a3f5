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
