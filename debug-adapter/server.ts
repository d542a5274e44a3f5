// Runs a KernelDebugSession over stdio or as a loopback TCP server (one session per connection).
import net from 'node:net';
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

/** Listens on 127.0.0.1:PORT (0 picks one); returns the server and the port it got. */
export async function serveTcp(port: number, opts: KernelSessionOptions): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer((socket) => {
    const session = new KernelDebugSession(opts);
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { server, port: (server.address() as net.AddressInfo).port };
}
