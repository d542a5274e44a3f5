// Runs one command on the remote and collects its output (for Ring0's own helpers: find, sha256sum,
// mkdir): argv quoted for the remote shell, optional stdin, the connection dropping is an error.
import type { RemoteConnection } from './connect';
import { RemoteError } from './errors';
import { shellCommand } from './quote';

export interface ExecResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export async function execCollect(conn: RemoteConnection, argv: readonly string[], opts: { cwd?: string; stdin?: Buffer | string } = {}): Promise<ExecResult> {
  const line = (opts.cwd ? `cd ${shellCommand([opts.cwd])} && ` : '') + shellCommand(argv);
  const ch = await conn.exec(line);
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let err = '';
    let code: number | undefined;
    ch.on('data', (d: Buffer) => out.push(d));
    ch.stderr.on('data', (d: Buffer) => (err += d.toString()));
    ch.on('exit', (c: number | null) => (code = c ?? 255));
    ch.on('close', () => {
      if (code === undefined) return reject(new RemoteError('dropped', `${conn.closed ?? `the connection to ${conn.label} dropped`} while running ${argv[0]}`));
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    });
    if (opts.stdin !== undefined) ch.end(opts.stdin);
    else ch.end();
  });
}
