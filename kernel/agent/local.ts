// Runs the agent as a host process over its stdin/stdout: tests, and trying the protocol without a VM.
import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex } from 'node:stream';
import { AgentClient, type AgentClientOptions } from './client';

export interface LocalAgent {
  client: AgentClient;
  child: ChildProcess;
  /** What the agent wrote to stderr so far. */
  stderr(): string;
  /** Closes the client and waits for the agent to exit (SIGKILL after timeoutMs). */
  stop(timeoutMs?: number): Promise<void>;
}

export function spawnLocalAgent(binary: string, opts: AgentClientOptions & { env?: NodeJS.ProcessEnv; cwd?: string } = {}): LocalAgent {
  const child = spawn(binary, ['--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d));
  const stdin = child.stdin;
  const stdout = child.stdout;
  if (!stdin || !stdout) throw new Error('the agent has no stdio pipes');
  stdin.on('error', () => { /* the agent exited; the client sees the read side close */ });
  const client = new AgentClient(Duplex.from({ readable: stdout, writable: stdin }), opts);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    client,
    child,
    stderr: () => err,
    async stop(timeoutMs = 2000) {
      client.close();
      stdin.destroy();
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
