// Runs a KernelDebugSession over stdio, on a unix socket in a 0700 directory, or on 127.0.0.1 for
// connections of this user only (one session per connection).
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { loopbackPeerUid } from '../kernel/util/loopbackPeer';
import { KernelDebugSession, type KernelSessionOptions } from './session/kernelSession';

/** Serves DAP on stdin/stdout until the client disconnects. */
export function serveStdio(opts: KernelSessionOptions): Promise<void> {
  return new Promise((resolve) => {
    const session = new KernelDebugSession(opts);
    session.setRunAsServer(false);
    session.on('shutdown', () => resolve());
    process.stdin.on('end', () => resolve());
    session.start(process.stdin, process.stdout);
  });
}

function startSession(socket: net.Socket, opts: KernelSessionOptions): void {
  const session = new KernelDebugSession(opts);
  session.setRunAsServer(true);
  session.start(socket, socket);
}

function listen(server: net.Server, ...where: [string] | [number, string]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(...(where as [number, string]), () => resolve());
  });
}

/**
 * Listens on 127.0.0.1:PORT (0 picks one) and serves only connections whose socket belongs to this
 * process's user (the client adapter may name gdbPath and reach gdb's shell through the REPL).
 */
export async function serveTcp(port: number, opts: KernelSessionOptions, onRefused: (msg: string) => void = () => undefined): Promise<{ server: net.Server; port: number }> {
  const me = process.getuid?.();
  const server = net.createServer((socket) => {
    const peer = loopbackPeerUid(socket.remotePort ?? -1, (server.address() as net.AddressInfo).port);
    if (me !== undefined && peer !== me) {
      onRefused(`refused a connection from uid ${peer ?? 'unknown'}: only uid ${me} may use this adapter`);
      socket.destroy();
      return;
    }
    startSession(socket, opts);
  });
  await listen(server, port, '127.0.0.1');
  return { server, port: (server.address() as net.AddressInfo).port };
}

/** Listens on a unix socket whose directory is made (or must already be) 0700 and owned by this user. */
export async function serveUnix(socketPath: string, opts: KernelSessionOptions): Promise<net.Server> {
  const dir = path.dirname(path.resolve(socketPath));
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const st = lstatSync(dir);
  if (!st.isDirectory() || (st.mode & 0o077) !== 0 || st.uid !== process.getuid?.()) {
    throw new Error(`${dir} must be a directory of yours that only you can enter (chmod 700 ${dir}), so no other user reaches the adapter`);
  }
  if (existsSync(socketPath)) {
    if (!lstatSync(socketPath).isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
    unlinkSync(socketPath);
  }
  const server = net.createServer((socket) => startSession(socket, opts));
  await listen(server, socketPath);
  return server;
}
