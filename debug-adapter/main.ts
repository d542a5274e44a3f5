// Entry of dist/debugAdapter.js: the kernel debug adapter on stdio, or on 127.0.0.1 with --server=PORT.
import path from 'node:path';
import { serveStdio, serveTcp } from './server';

// A crash must say why, somewhere a user can find it: stderr reaches the DAP client's log.
process.on('uncaughtException', (e) => process.stderr.write(`ring0 debug adapter: ${e.stack ?? e}\n`));
process.on('unhandledRejection', (e) => process.stderr.write(`ring0 debug adapter: ${(e as Error)?.stack ?? e}\n`));

async function main(): Promise<void> {
  const cliPath = path.join(__dirname, 'cli.js');
  const server = process.argv.find((a) => a.startsWith('--server='));
  if (server) {
    const { port } = await serveTcp(Number(server.slice('--server='.length)) || 0, { cliPath });
    process.stderr.write(`ring0 debug adapter listening on 127.0.0.1:${port}\n`);
    return;
  }
  await serveStdio({ cliPath, defaultWorkspace: process.cwd() });
  process.exit(0);
}

void main();
