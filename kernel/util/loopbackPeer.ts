// Which local user owns the other end of a 127.0.0.1 TCP connection, read from /proc/net/tcp: a
// loopback server can then refuse connections from every other user on the machine.
import { readFileSync } from 'node:fs';

const hexPort = (p: number) => p.toString(16).toUpperCase().padStart(4, '0');

/** The uid owning the socket whose local end is 127.0.0.1:clientPort and remote end 127.0.0.1:serverPort. */
export function loopbackPeerUid(clientPort: number, serverPort: number, table = readFileSync('/proc/net/tcp', 'utf8')): number | undefined {
  const local = `0100007F:${hexPort(clientPort)}`;
  const remote = `0100007F:${hexPort(serverPort)}`;
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid ...
    if (f[1] === local && f[2] === remote) {
      const uid = Number(f[7]);
      return Number.isInteger(uid) ? uid : undefined;
    }
  }
  return undefined;
}
