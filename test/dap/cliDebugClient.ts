// A DebugClient that drives the one standalone adapter entry, `ring0 dap`, on its stdio, run from
// a workspace directory (DebugClient itself can only spawn an executable without arguments).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import { CLI } from '../vm/helpers';

export class CliDebugClient extends DebugClient {
  private proc?: ChildProcess;
  stderr = '';

  constructor(private readonly cwd: string, private readonly extraArgs: string[] = []) {
    super(process.execPath, CLI, 'ring0-kernel');
  }

  override start(port?: number): Promise<void> {
    if (port !== undefined) return super.start(port);
    this.proc = spawn(process.execPath, [CLI, 'dap', ...this.extraArgs], { cwd: this.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connect(this.proc.stdout!, this.proc.stdin!);
    return Promise.resolve();
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.proc?.kill();
    this.proc = undefined;
  }
}

/** A DebugClient connected to a `ring0 dap --socket PATH` server. */
export class SocketDebugClient extends DebugClient {
  private sock?: net.Socket;

  constructor(private readonly socketPath: string) {
    super(process.execPath, CLI, 'ring0-kernel');
  }

  override start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sock = net.createConnection(this.socketPath, () => {
        this.connect(this.sock!, this.sock!);
        resolve();
      });
      this.sock.once('error', reject);
    });
  }

  override async stop(): Promise<void> {
    await super.stop();
    this.sock?.destroy();
  }
}
