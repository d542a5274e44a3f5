// The ways a remote host fails, each with a message that says what to do.
export type RemoteFailure =
  | 'bad-url'
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'host-key-revoked'
  | 'dropped'
  | 'no-node'
  | 'not-installed'
  | 'disk-full'
  | 'sync';

export class RemoteError extends Error {
  constructor(readonly failure: RemoteFailure, message: string) {
    super(message);
  }
}

/** Exit code for a command that never ran remotely because the connection failed (as ssh(1)). */
export const CONNECTION_EXIT = 255;
