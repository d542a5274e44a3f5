// CLI: `ring0 dap` — the kernel debug adapter for any DAP client, on stdio (or --port on 127.0.0.1).
import { parsePort } from '../argChecks';
import type { CliCommand } from '../command';
import { serveStdio, serveTcp } from '../../../debug-adapter/server';

export const dapCommand: CliCommand = {
  path: ['dap'],
  summary: 'Run the kernel debug adapter (Debug Adapter Protocol) on stdio for any DAP client.',
  synopsis: '[--port N]',
  details: [
    'Launch/attach arguments: workspace (default: the working directory), vmlinux, sourceDir, stopAtEntry,',
    'hardwareBreakpoints, stopOnPanic, gdbPath. A bare launch boots this workspace\'s VM with the gdb stub.',
    '--port N  serve on 127.0.0.1:N instead of stdio (0 picks a port)',
  ],
  options: { port: { type: 'string' } },
  async run(inv) {
    const cliPath = process.argv[1];
    if (inv.values.port !== undefined) {
      const { port } = await serveTcp(parsePort(String(inv.values.port)), { cliPath, defaultWorkspace: inv.io.cwd });
      inv.io.err(`ring0 dap listening on 127.0.0.1:${port}\n`);
      await new Promise(() => undefined);
    }
    await serveStdio({ cliPath, defaultWorkspace: inv.io.cwd });
    return 0;
  },
};
