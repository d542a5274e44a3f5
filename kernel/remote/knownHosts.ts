// OpenSSH known_hosts: parsing (plain, wildcard, negated and hashed |1| host patterns, @revoked),
// the lookup a host key check needs, SHA256 fingerprints and the line that records a new key.
// Hand-written: npm has no maintained known_hosts parser.
import { createHash, createHmac, randomBytes } from 'node:crypto';

export interface KnownHostLine {
  /** 1-based line number in its file. */
  line: number;
  marker?: '@revoked' | '@cert-authority';
  /** The host field as written (comma-separated patterns or one |1|salt|hash). */
  hosts: string;
  keyType: string;
  /** The key blob (SSH wire format), as ssh2 hands it to the host verifier. */
  key: Buffer;
}

/** The name a host is recorded under: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.trim();
    if (!l || l.startsWith('#')) return;
    const f = l.split(/\s+/);
    let marker: KnownHostLine['marker'];
    if (f[0] === '@revoked' || f[0] === '@cert-authority') marker = f.shift() as KnownHostLine['marker'];
    else if (f[0].startsWith('@')) return;
    if (f.length < 3) return;
    const key = Buffer.from(f[2], 'base64');
    if (key.length === 0) return;
    out.push({ line: i + 1, ...(marker ? { marker } : {}), hosts: f[0], keyType: f[1], key });
  });
  return out;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(name);
}

/** Whether a known_hosts host field names `name` (from hostKeyName). */
export function hostsFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      matched = true;
    }
  }
  return matched;
}

export function fingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside a key blob (its first SSH string). */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return '';
  const n = key.readUInt32BE(0);
  return key.subarray(4, 4 + n).toString('latin1');
}

export type HostKeyVerdict =
  | { kind: 'known'; file: string; line: number }
  | { kind: 'unknown'; fingerprint: string; keyType: string; otherTypes: string[] }
  | { kind: 'changed'; fingerprint: string; keyType: string; file: string; line: number }
  | { kind: 'revoked'; fingerprint: string; file: string; line: number };

export interface KnownHostsFile {
  path: string;
  text: string;
}

/** Checks a presented host key against known_hosts files, the way OpenSSH decides. */
export function checkHostKey(files: KnownHostsFile[], host: string, port: number, key: Buffer): HostKeyVerdict {
  const name = hostKeyName(host, port);
  const type = keyTypeOf(key);
  const fp = fingerprint(key);
  let changed: HostKeyVerdict | undefined;
  const otherTypes = new Set<string>();
  for (const f of files) {
    for (const e of parseKnownHosts(f.text)) {
      if (e.marker === '@revoked' && e.key.equals(key)) return { kind: 'revoked', fingerprint: fp, file: f.path, line: e.line };
    }
  }
  for (const f of files) {
    for (const e of parseKnownHosts(f.text)) {
      if (e.marker || !hostsFieldMatches(e.hosts, name)) continue;
      if (e.key.equals(key)) return { kind: 'known', file: f.path, line: e.line };
      if (keyTypeOf(e.key) === type) changed ??= { kind: 'changed', fingerprint: fp, keyType: type, file: f.path, line: e.line };
      else otherTypes.add(e.keyType);
    }
  }
  return changed ?? { kind: 'unknown', fingerprint: fp, keyType: type, otherTypes: [...otherTypes] };
}

/** Key types recorded for the host, to offer first in the handshake (as OpenSSH reorders them). */
export function knownKeyTypes(files: KnownHostsFile[], host: string, port: number): string[] {
  const name = hostKeyName(host, port);
  const types = new Set<string>();
  for (const f of files) for (const e of parseKnownHosts(f.text)) if (!e.marker && hostsFieldMatches(e.hosts, name)) types.add(keyTypeOf(e.key));
  return [...types];
}

/** A known_hosts line for a newly accepted key; hashed (|1|salt|hash) when asked, like HashKnownHosts. */
export function knownHostsEntry(host: string, port: number, key: Buffer, hashed = false): string {
  const name = hostKeyName(host, port);
  let field = name;
  if (hashed) {
    const salt = randomBytes(20);
    field = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
  }
  return `${field} ${keyTypeOf(key)} ${key.toString('base64')}\n`;
}
