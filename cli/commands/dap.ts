// CLI: `ring0 dap` — the kernel debug adapter for any DAP client: on stdio, on a unix socket in a 0700
// directory (--socket), or on 127.0.0.1 for this user's connections only (--port).
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { parsePort } from '../argChecks';
import { serveStdio, serveTcp, serveUnix } from '../../debug-adapter/server';

export const dapCommand: CliCommand = {
  path: ['dap'],
  summary: 'Run the kernel debug adapter (Debug Adapter Protocol) on stdio for any DAP client.',
  synopsis: '[--socket PATH | --port N]',
  details: [
    'Launch/attach arguments: workspace (default: the working directory), vmlinux, sourceDir, stopAtEntry,',
    'hardwareBreakpoints, stopOnPanic, gdbPath. A bare launch boots this workspace\'s VM with the gdb stub.',
    '--socket PATH  serve on a unix socket; its directory is created 0700 (or must be 0700 and yours)',
    '--port N       serve on 127.0.0.1:N (0 picks a port); connections of other users are refused',
  ],
  options: { port: { type: 'string' }, socket: { type: 'string' } },
  async run(inv) {
    const cliPath = process.argv[1];
    const opts = { cliPath, defaultWorkspace: inv.io.cwd };
    if (inv.values.port !== undefined && inv.values.socket !== undefined) throw new UsageError('give --socket or --port, not both');
    if (inv.values.socket !== undefined) {
      const sock = inv.values.socket as string;
      await serveUnix(sock, opts).catch((e: Error) => {
        throw new UsageError(`--socket: ${e.message}`);
      });
      inv.io.err(`ring0 dap listening on ${sock}\n`);
      await new Promise(() => undefined);
    }
    if (inv.values.port !== undefined) {
      const port = parsePort(String(inv.values.port));
      const served = await serveTcp(port, opts, (m) => inv.io.err(`ring0 dap: ${m}\n`)).catch((e: NodeJS.ErrnoException) => {
        throw new UsageError(e.code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is in use; pick another or 0` : `--port: ${e.message}`);
      });
      inv.io.err(`ring0 dap listening on 127.0.0.1:${served.port}\n`);
      await new Promise(() => undefined);
    }
    await serveStdio(opts);
    return 0;
  },
};
