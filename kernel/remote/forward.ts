// Runs a `ring0` command on the remote as the same CLI: syncs the workspace, runs
// `node <install>/dist/cli.js ARGV` in the mapped cwd on an exec channel, maps every path that comes
// back (stdout, stderr) to the local workspace, and brings the editor's build outputs back.
import type { ClientChannel } from 'ssh2';
import type { RemoteConnection } from './connect';
import { CONNECTION_EXIT, RemoteError } from './errors';
import { mapArgv, StreamMapper, toRemote, type PathMap } from './pathMap';
import { shellCommand, shellQuote } from './quote';
import { pullOutputs, pushWorkspace, type SyncProgress } from './sync';
import type { RemoteInstall } from './install';

export const EXIT_NOT_INSTALLED = 217;
export const EXIT_NO_NODE = 218;

export interface ForwardOptions {
  conn: RemoteConnection;
  install: RemoteInstall;
  map: PathMap;
  /** The local cwd; the remote command runs in its mapped dir (the remote workspace when outside). */
  cwd: string;
  argv: string[];
  sync: boolean;
  /** Run there instead of the mapped cwd (commands that need no workspace). */
  remoteCwd?: string;
  out: (b: Buffer) => void;
  err: (b: Buffer) => void;
  progress?: SyncProgress;
  /** Local stdin forwarded to the remote command (ring0 dap). */
  stdin?: NodeJS.ReadableStream;
}

/** The remote command line: checks for node and the install, then execs the CLI. */
export function remoteCommandLine(install: RemoteInstall, cwd: string, argv: string[]): string {
  const cli = shellQuote(install.cli);
  return `command -v node >/dev/null 2>&1 || exit ${EXIT_NO_NODE}; [ -f ${cli} ] || exit ${EXIT_NOT_INSTALLED}; cd ${shellQuote(cwd)} && exec ${shellCommand(['node', install.cli, ...argv])}`;
}

export async function forwardCli(o: ForwardOptions): Promise<{ code: number; pulled: string[] }> {
  if (o.sync) await pushWorkspace(o.conn, o.map, o.progress);
  const cwd = o.remoteCwd ?? toRemote(o.map, o.cwd) ?? o.map.remote;
  const ch = await o.conn.exec(remoteCommandLine(o.install, cwd, mapArgv(o.map, o.argv)));
  const code = await pump(ch, o);
  if (code === EXIT_NOT_INSTALLED) throw new RemoteError('not-installed', `Ring0 ${o.install.version} is not installed on ${o.conn.label} (looked for ${o.install.cli}): run 'ring0 remote setup --remote ${o.conn.label}'`);
  if (code === EXIT_NO_NODE) throw new RemoteError('no-node', `${o.conn.label} has no node on its PATH: install Node.js 20 or newer there (Debian: apt-get install nodejs), then 'ring0 remote setup'`);
  const pulled = o.sync ? await pullOutputs(o.conn, o.map) : [];
  return { code, pulled };
}

function pump(ch: ClientChannel, o: ForwardOptions): Promise<number> {
  const outMap = new StreamMapper(o.map);
  const errMap = new StreamMapper(o.map);
  return new Promise((resolve, reject) => {
    let code: number | undefined;
    let signal: string | undefined;
    const onSigint = () => ch.signal('INT');
    process.on('SIGINT', onSigint);
    ch.on('data', (d: Buffer) => o.out(outMap.push(d)));
    ch.stderr.on('data', (d: Buffer) => o.err(errMap.push(d)));
    ch.on('exit', (c: number | null, sig?: string) => {
      code = c ?? undefined;
      signal = sig;
    });
    ch.on('close', () => {
      process.off('SIGINT', onSigint);
      o.stdin?.unpipe(ch);
      o.out(outMap.end());
      o.err(errMap.end());
      if (code !== undefined) return resolve(code);
      if (signal) return resolve(128 + (signal === 'INT' ? 2 : signal === 'TERM' ? 15 : signal === 'KILL' ? 9 : 1));
      reject(new RemoteError('dropped', `${o.conn.closed ?? `the connection to ${o.conn.label} dropped`} while running 'ring0 ${o.argv.join(' ')}'. What runs on the remote (the VM) keeps running there; run the command again to reconnect.`));
    });
    if (o.stdin) o.stdin.pipe(ch);
    else ch.end();
  });
}

export { CONNECTION_EXIT };
