// The CLI's remote face: the global --remote URL (or RING0_REMOTE) flags, the connection with the
// terminal as prompt, and running a command on the remote as the same CLI (kernel/remote/forward).
import path from 'node:path';
import { connectRemote, type RemoteConnection } from '../kernel/remote/connect';
import { CONNECTION_EXIT, RemoteError } from '../kernel/remote/errors';
import { forwardCli } from '../kernel/remote/forward';
import { expectedInstall, remoteHome } from '../kernel/remote/install';
import { defaultRemoteWorkspaceDir, readWorkspaceRemoteSettings, remoteSettingsFromEnv, resolveRemoteDir } from '../kernel/remote/settings';
import { parseRemoteUrl, RemoteUrlError } from '../kernel/remote/url';
import { UsageError, type CliCommand, type CliIO, type Invocation, type Options } from './command';
import { cliProgress } from './progress';
import { terminalPrompt } from './prompt';

export interface RemoteFlags {
  url?: string;
  identity?: string;
  remoteDir?: string;
  acceptNewHostKey?: boolean;
}

export const REMOTE_OPTIONS: Options = {
  remote: { type: 'string' },
  identity: { type: 'string' },
  'remote-dir': { type: 'string' },
  'accept-new-host-key': { type: 'boolean' },
};

export const REMOTE_DETAILS = [
  '--remote URL            ssh://user@host[:port] (or RING0_REMOTE)',
  '--identity FILE         private key to offer (or RING0_REMOTE_IDENTITY; ssh-agent and ~/.ssh/id_* are tried too)',
  '--remote-dir DIR        the workspace\'s dir on the remote (or RING0_REMOTE_DIR; default ~/ring0-workspaces/NAME-HASH)',
  '--accept-new-host-key   record an unknown host key in ~/.ssh/known_hosts (check its fingerprint first)',
];

/** Leading global flags (before the command words): --remote URL, --identity F, --remote-dir D, --accept-new-host-key. */
export function splitGlobalFlags(argv: string[]): { flags: RemoteFlags; given: string[]; rest: string[] } {
  const flags: RemoteFlags = {};
  const given: string[] = [];
  let i = 0;
  const valued: Record<string, keyof RemoteFlags> = { '--remote': 'url', '--identity': 'identity', '--remote-dir': 'remoteDir' };
  for (; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (a === '--accept-new-host-key') {
      flags.acceptNewHostKey = true;
      given.push(a);
    } else if (valued[name]) {
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      (flags as Record<string, string>)[valued[name]] = value;
      given.push(`${name}=${value}`);
    } else {
      break;
    }
  }
  return { flags, given, rest: argv.slice(i) };
}

export function flagsFromInvocation(inv: Invocation): RemoteFlags {
  const v = inv.values;
  return { url: v.remote as string | undefined, identity: v.identity as string | undefined, remoteDir: v['remote-dir'] as string | undefined, acceptNewHostKey: !!v['accept-new-host-key'] };
}

/** Flags, then RING0_REMOTE*, then the workspace's settings.json. */
export function effectiveFlags(flags: RemoteFlags, io: CliIO, workspace?: string): RemoteFlags & { url: string | undefined } {
  const env = remoteSettingsFromEnv(io.env);
  const ws = workspace ? readWorkspaceRemoteSettings(workspace) : {};
  return {
    url: flags.url ?? env.host,
    identity: flags.identity ?? env.identityFile ?? ws.identityFile,
    remoteDir: flags.remoteDir ?? env.workspaceDir ?? ws.workspaceDir,
    acceptNewHostKey: flags.acceptNewHostKey,
  };
}

export async function openRemote(flags: RemoteFlags, io: CliIO): Promise<RemoteConnection> {
  if (!flags.url) throw new UsageError('give the remote host with --remote ssh://user@host[:port] (or RING0_REMOTE)');
  let url;
  try {
    url = parseRemoteUrl(flags.url, io.env.USER);
  } catch (e) {
    if (e instanceof RemoteUrlError) throw new UsageError(`--remote: ${e.message}`);
    throw e;
  }
  return connectRemote({
    url,
    ...(flags.identity ? { identityFiles: [path.resolve(io.cwd, flags.identity)] } : {}),
    acceptNewHostKey: !!flags.acceptNewHostKey,
    prompt: terminalPrompt(),
    onNotice: (m) => io.err(`${m}\n`),
  });
}

/** Commands that read nothing from the workspace: no sync before them. */
const NO_SYNC = new Set(['doctor', 'setup', 'vm stop', 'vm status', 'vm console', 'dap']);
/** Commands whose stdin is the protocol. */
const STDIN = new Set(['dap']);

/** Runs an already validated invocation of `cmd` on the remote; returns the exit code. */
export async function runRemotely(cmd: CliCommand, inv: Invocation, argv: string[], flags: RemoteFlags): Promise<number> {
  const io = inv.io;
  const workspace = path.resolve(io.cwd, (inv.values.workspace as string | undefined) ?? '.');
  const eff = effectiveFlags(flags, io, workspace);
  let conn: RemoteConnection | undefined;
  try {
    conn = await openRemote(eff, io);
    const home = await remoteHome(conn);
    const remoteUrlDir = parseRemoteUrl(eff.url!, io.env.USER).workspaceDir;
    const dir = eff.remoteDir ?? remoteUrlDir;
    const map = { local: workspace, remote: dir ? resolveRemoteDir(home, dir) : defaultRemoteWorkspaceDir(home, workspace) };
    const name = cmd.path.join(' ');
    const progress = cliProgress(io, !!inv.values.json);
    const r = await forwardCli({
      conn,
      install: await expectedInstall(conn, undefined, home),
      map,
      cwd: io.cwd,
      argv,
      sync: !NO_SYNC.has(name),
      out: (b) => io.out(b as unknown as string),
      err: (b) => io.err(b as unknown as string),
      progress: (l, f) => progress.update(l, f),
      ...(STDIN.has(name) ? { stdin: process.stdin } : {}),
    }).finally(() => progress.done());
    return r.code;
  } catch (e) {
    if (e instanceof RemoteError) {
      io.err(`ring0: ${e.message}\n`);
      return CONNECTION_EXIT;
    }
    throw e;
  } finally {
    conn?.close();
  }
}
