// The remote host's settings: ring0.remote.host / identityFile / workspaceDir, from the CLI's flags,
// then RING0_REMOTE* variables, then the workspace's .vscode/settings.json (identity and dir only).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'jsonc-parser';

export interface RemoteSettings {
  host?: string;
  identityFile?: string;
  workspaceDir?: string;
}

export function readWorkspaceRemoteSettings(workspace: string): RemoteSettings {
  let raw: unknown;
  try {
    raw = parse(readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8'), [], { allowTrailingComma: true });
  } catch {
    return {};
  }
  if (typeof raw !== 'object' || raw === null) return {};
  return coerceRemoteSettings(raw as Record<string, unknown>);
}

export function coerceRemoteSettings(raw: Record<string, unknown>): RemoteSettings {
  const s: RemoteSettings = {};
  const str = (k: string) => (typeof raw[k] === 'string' && (raw[k] as string).trim() ? (raw[k] as string).trim() : undefined);
  const host = str('ring0.remote.host');
  const id = str('ring0.remote.identityFile');
  const dir = str('ring0.remote.workspaceDir');
  if (host) s.host = host;
  if (id) s.identityFile = id.startsWith('~/') ? path.join(os.homedir(), id.slice(2)) : id;
  if (dir) s.workspaceDir = dir;
  return s;
}

export function remoteSettingsFromEnv(env: NodeJS.ProcessEnv): RemoteSettings {
  return coerceRemoteSettings({ 'ring0.remote.host': env.RING0_REMOTE, 'ring0.remote.identityFile': env.RING0_REMOTE_IDENTITY, 'ring0.remote.workspaceDir': env.RING0_REMOTE_DIR });
}

/** Where a workspace lives on the remote unless ring0.remote.workspaceDir says: one dir per local path. */
export function defaultRemoteWorkspaceDir(remoteHome: string, localWorkspace: string): string {
  const id = createHash('sha256').update(localWorkspace).digest('hex').slice(0, 8);
  const name = path.basename(localWorkspace).replace(/[^A-Za-z0-9._-]/g, '_') || 'workspace';
  return `${remoteHome}/ring0-workspaces/${name}-${id}`;
}

/** A remote workspace dir as given (absolute, or ~/… relative to the remote home). */
export function resolveRemoteDir(remoteHome: string, dir: string): string {
  if (dir === '~') return remoteHome;
  if (dir.startsWith('~/')) return `${remoteHome}/${dir.slice(2)}`.replace(/\/+$/, '');
  if (!dir.startsWith('/')) throw new Error(`ring0.remote.workspaceDir must be absolute or start with ~/, not '${dir}'`);
  return path.posix.normalize(dir).replace(/(.)\/+$/, '$1');
}
