// Parses a remote host given as ssh://user@host[:port][/workspace/dir] (or user@host) into its parts.
export interface RemoteUrl {
  user: string;
  host: string;
  port: number;
  /** An absolute remote workspace dir from the URL's path, when it has one. */
  workspaceDir?: string;
}

export class RemoteUrlError extends Error {}

const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/;
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export function parseRemoteUrl(text: string, defaultUser?: string): RemoteUrl {
  const t = text.trim();
  const example = "write it as ssh://user@host[:port], e.g. ssh://dev@build-box:2222";
  let rest: string;
  if (t.startsWith('ssh://')) rest = t.slice('ssh://'.length);
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) throw new RemoteUrlError(`'${text}' is not an ssh:// URL: ${example}`);
  else rest = t;
  let pathPart: string | undefined;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    pathPart = decodeURIComponent(rest.slice(slash));
    rest = rest.slice(0, slash);
  }
  let user = defaultUser;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = decodeURIComponent(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  let host = rest;
  let port = 22;
  const m = /^(.*?):(\d*)$/.exec(rest);
  if (m && !(rest.startsWith('[') && !rest.includes(']:'))) {
    host = m[1];
    if (!/^\d{1,5}$/.test(m[2]) || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new RemoteUrlError(`'${text}': the port must be a number from 1 to 65535`);
    port = Number(m[2]);
  }
  if (!host) throw new RemoteUrlError(`'${text}' names no host: ${example}`);
  if (!HOST.test(host)) throw new RemoteUrlError(`'${text}': '${host}' is not a host name or address`);
  if (host.startsWith('[')) host = host.slice(1, -1);
  if (!user) throw new RemoteUrlError(`'${text}' names no user: ${example}`);
  if (!USER.test(user)) throw new RemoteUrlError(`'${text}': '${user}' is not a user name`);
  const out: RemoteUrl = { user, host, port };
  if (pathPart && pathPart !== '/') out.workspaceDir = pathPart.replace(/\/+$/, '');
  return out;
}

export function formatRemoteUrl(u: RemoteUrl): string {
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  return `ssh://${u.user}@${host}${u.port === 22 ? '' : `:${u.port}`}`;
}
