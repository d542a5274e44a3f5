// gdb 13 cannot `target remote` a unix socket, and QEMU's stub listens on one: this bridges a
// one-connection 127.0.0.1 port to it for the adapter's own gdb.
import net from 'node:net';

export interface StubBridge {
  /** What to give `-target-select remote`. */
  address: string;
  close(): void;
}

export async function bridgeUnixSocket(socketPath: string): Promise<StubBridge> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    // Only the adapter's own gdb connects, once; later connections are refused.
    server.close();
    // gdb's remote protocol is many tiny request/reply packets: Nagle plus delayed ACKs would add ~40 ms.
    client.setNoDelay(true);
    const stub = net.createConnection(socketPath);
    open.add(client).add(stub);
    client.pipe(stub).pipe(client);
    const end = () => {
      client.destroy();
      stub.destroy();
    };
    client.on('error', end).on('close', end);
    stub.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    close: () => {
      server.close();
      for (const s of open) s.destroy();
    },
  };
}
